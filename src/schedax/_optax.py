"""optax integration: stateful schedules in `inject_hyperparams`, `scale_by_schedule`, `current_lr`.

optax is not a dependency of schedax: it is imported when these functions are called.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from ._base import Module, Schedule
from ._stateful import ScheduleState, StatefulSchedule, as_schedule
from ._util import Array


def _optax(fn: str) -> Any:
    try:
        import optax
    except ImportError as error:  # pragma: no cover - optax is installed with the test extra
        raise ImportError(f"{fn} needs optax: pip install optax") from error
    return optax


def _increment(count: Array) -> Array:
    """count + 1, saturating at the largest int32 (as optax counts)."""
    return jnp.where(count < jnp.iinfo(count.dtype).max, count + 1, count)


def _observed(schedule: StatefulSchedule, state: ScheduleState, extra_args: dict) -> ScheduleState:
    value = extra_args.get("value")
    return state if value is None else schedule.observe(state, value)


class _OptaxStatefulSchedule:
    """optax's stateful-schedule protocol (`init`, `update`, `__call__`) over a schedax one."""

    def __init__(self, schedule: StatefulSchedule):
        self.schedule = schedule

    def init(self) -> tuple[Array, ScheduleState]:
        return jnp.zeros((), jnp.int32), self.schedule.init()

    def __call__(self, state: tuple[Array, ScheduleState], **extra_args: Any) -> Array:
        count, inner = state
        lr, _ = self.schedule(count, _observed(self.schedule, inner, extra_args))
        return lr

    def update(
        self, state: tuple[Array, ScheduleState], **extra_args: Any
    ) -> tuple[Array, ScheduleState]:
        count, inner = state
        _, inner = self.schedule(count, _observed(self.schedule, inner, extra_args))
        return _increment(count), inner

    def __repr__(self) -> str:
        return f"to_optax({self.schedule!r})"


def to_optax(schedule: Schedule | StatefulSchedule) -> Any:
    """A schedax schedule in the form `optax.inject_hyperparams` takes.

    A stateful schedule becomes an object with optax's stateful-schedule protocol (`init()`,
    `update(state, **extra_args)`, `__call__(state, **extra_args)`); an optimizer's
    `update(..., value=loss)` feeds `value` to `observe` (so `reduce_on_plateau` sees the loss),
    and the learning rate of that update is the one after the observation. A stateless schedule
    is returned as it is: optax already calls it with the step count.

    Args:
        schedule: a schedax `Schedule` or `StatefulSchedule`.

    Returns:
        What to pass as `learning_rate=` to `optax.inject_hyperparams(optimizer)`.

    Examples:
        >>> import jax.numpy as jnp, optax, schedax as sx
        >>> plateau = sx.reduce_on_plateau(0.1, factor=0.5, patience=0)
        >>> opt = optax.inject_hyperparams(optax.sgd)(learning_rate=sx.to_optax(plateau))
        >>> state = opt.init(jnp.zeros(2))
        >>> for loss in [1.0, 1.0]:
        ...     _, state = opt.update(jnp.ones(2), state, value=loss)
        >>> sx.current_lr(state)
        Array(0.05, dtype=float32)
    """
    if isinstance(schedule, StatefulSchedule):
        return _OptaxStatefulSchedule(schedule)
    if isinstance(schedule, Schedule):
        return schedule
    raise TypeError(
        f"to_optax: schedule must be a schedax Schedule or StatefulSchedule, "
        f"got {type(schedule).__name__}"
    )


class ScaleByScheduleState(NamedTuple):
    """State of `scale_by_schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> state = sx.scale_by_schedule(sx.constant_lr(0.1)).init(jnp.zeros(2))
        >>> int(state.count), state.schedule_state, round(float(state.lr), 6)
        (0, None, 0.1)
    """

    count: Array  # updates done
    schedule_state: ScheduleState  # the schedule's own state (None when stateless)
    lr: Array  # the learning rate of the last update (before any: the one at step 0)


def scale_by_schedule(schedule: Any) -> Any:
    """Multiplies updates by the learning rate of any schedax schedule, stateless or stateful.

    Like `optax.scale_by_schedule`, the updates are multiplied by the lr, not negated: chain it
    after a direction and before `optax.scale(-1.0)`, e.g.
    `optax.chain(optax.scale_by_adam(), sx.scale_by_schedule(s), optax.scale(-1.0))`. A
    stateful schedule's state lives in the optimizer state; `update(..., value=loss)` feeds the
    value to `observe` before the lr of that update is taken. `current_lr` reads the lr back.

    Args:
        schedule: anything `as_schedule` accepts without a state: a number, a schedule, a
            `StatefulSchedule`.

    Returns:
        An `optax.GradientTransformationExtraArgs`.

    Examples:
        >>> import jax.numpy as jnp, optax, schedax as sx
        >>> opt = sx.scale_by_schedule(sx.step_lr(1.0, 2, gamma=0.5))
        >>> state = opt.init(jnp.zeros(1))
        >>> for _ in range(3):
        ...     updates, state = opt.update(jnp.ones(1), state)
        >>> updates
        Array([0.5], dtype=float32)
    """
    optax = _optax("scale_by_schedule")
    schedule_fn, initial = as_schedule(schedule)
    stateful = schedule if isinstance(schedule, StatefulSchedule) else None

    def init(params: Any) -> ScaleByScheduleState:
        del params
        count = jnp.zeros((), jnp.int32)
        lr, _ = schedule_fn(count, initial)
        lr = jnp.array(lr, jnp.result_type(lr), copy=True)  # strongly typed: a stable carry
        return ScaleByScheduleState(count=count, schedule_state=initial, lr=lr)

    def update(
        updates: Any, state: ScaleByScheduleState, params: Any = None, **extra_args: Any
    ) -> tuple[Any, ScaleByScheduleState]:
        del params
        inner = state.schedule_state
        if stateful is not None:
            inner = _observed(stateful, inner, extra_args)
        lr, inner = schedule_fn(state.count, inner)
        lr = jnp.asarray(lr, state.lr.dtype)
        updates = jax.tree.map(lambda u: u * lr.astype(u.dtype), updates)
        return updates, ScaleByScheduleState(_increment(state.count), inner, lr)

    return optax.GradientTransformationExtraArgs(init, update)


def current_lr(opt_state: Any) -> Array:
    """The learning rate in use, read from an optimizer state.

    Finds the state of `scale_by_schedule`, or of `optax.inject_hyperparams` (its
    `learning_rate` hyperparameter, with a schedax schedule or anything else), anywhere in the
    state (inside `optax.chain` and the like).

    Args:
        opt_state: an optax optimizer state.

    Returns:
        The learning rate of the last update (before any update: the initial one).

    Raises:
        ValueError: when the state holds no learning rate, or more than one.

    Examples:
        >>> import jax.numpy as jnp, optax, schedax as sx
        >>> opt = optax.chain(optax.clip(1.0), sx.scale_by_schedule(sx.step_lr(1.0, 1, 0.5)))
        >>> state = opt.init(jnp.zeros(2))
        >>> _, state = opt.update(jnp.ones(2), state)
        >>> _, state = opt.update(jnp.ones(2), state)
        >>> sx.current_lr(state)
        Array(0.5, dtype=float32)
    """
    found = [value for name, value in _hyperparams("current_lr", opt_state)
             if name == "learning_rate"]  # fmt: skip
    if len(found) != 1:
        what = "no learning rate" if not found else f"{len(found)} learning rates"
        raise ValueError(
            f"current_lr: found {what} in this optimizer state; build the optimizer with "
            "sx.scale_by_schedule(schedule) or optax.inject_hyperparams(opt)(learning_rate=...)"
        )
    return found[0]


def current_hyperparams(opt_state: Any) -> dict[str, Array]:
    """Every injected hyperparameter in use, by name, read from an optimizer state.

    Collects the hyperparameters of every `optax.inject_hyperparams` state anywhere in the
    state (inside `optax.chain` and the like, and flax nnx optimizer states, whose values are
    wrapped in Variables), and the learning rate of `scale_by_schedule` as "learning_rate".
    Scheduled ones hold the value of the last update (before any update: the initial one).

    Args:
        opt_state: an optax optimizer state.

    Returns:
        A dict from each hyperparameter's name to its value, a JAX array (empty for a state
        without injected hyperparameters).

    Raises:
        TypeError: when `opt_state` is not an optimizer state (a number, None, a schedule,
            the optimizer itself).
        ValueError: when a name is found more than once (two injected optimizers in a chain
            that both take a learning rate, say): read such states part by part.

    Examples:
        >>> import jax.numpy as jnp, optax, schedax as sx
        >>> sgd = optax.inject_hyperparams(optax.sgd)
        >>> opt = sgd(learning_rate=sx.cosine_decay(0.1, 10), momentum=0.9)
        >>> state = opt.init(jnp.zeros(2))
        >>> {name: round(float(v), 4) for name, v in sx.current_hyperparams(state).items()}
        {'momentum': 0.9, 'learning_rate': 0.1}
    """
    found: dict[str, Array] = {}
    for name, value in _hyperparams("current_hyperparams", opt_state):
        if name in found:
            raise ValueError(
                f"current_hyperparams: found {name!r} more than once in this optimizer state; "
                "read the states of the chain's parts one by one"
            )
        found[name] = value
    return found


def _hyperparams(where: str, opt_state: Any) -> list[tuple[str, Array]]:
    """`(name, value)` of every injected hyperparameter and `scale_by_schedule` lr in a state."""
    optax = _optax(where)
    injected = (optax.InjectHyperparamsState, optax.InjectStatefulHyperparamsState)
    if opt_state is None or isinstance(
        opt_state, int | float | Module | optax.GradientTransformation
    ):
        raise TypeError(f"{where}: opt_state must be an optimizer state (what opt.init(params) "
                        f"returns), got {type(opt_state).__name__}")  # fmt: skip
    found: list[tuple[str, Array]] = []

    def visit(node: Any) -> bool:
        if isinstance(node, ScaleByScheduleState):
            found.append(("learning_rate", node.lr))
            return True
        if isinstance(node, injected):
            for name, value in node.hyperparams.items():
                get = getattr(value, "get_value", None)  # flax nnx wraps it in a Variable
                found.append((name, jnp.asarray(get() if callable(get) else value)))
            return True
        return False

    jax.tree.flatten(opt_state, is_leaf=visit)
    return found
