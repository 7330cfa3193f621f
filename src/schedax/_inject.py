"""`inject_hyperparams` with the schedules in the optimizer state, and `replace_schedules`.

optax's `inject_hyperparams` keeps its schedules in closures: a new schedule is a new
`GradientTransformation`, which flax's `TrainState` and `nnx.Optimizer` hold as static data, so
every configuration compiles its own program. Here a transformation holds only what shapes the
program (the factory, its static arguments, each schedule's PyTree structure); the schedules'
hyperparameters live in the state that `init` returns, and `update` reads them from there.
Transformations that differ only in hyperparameter values compare and hash equal.

optax is not a dependency of schedax: it is imported when `inject_hyperparams` is called.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Schedule
from ._optax import _increment, _observed, _optax
from ._stateful import ScheduleState, StatefulSchedule
from ._util import Array, canonical, default_float, fmt


class _Slot(NamedTuple):
    """A scheduled hyperparameter in the optimizer state: the schedule and, for a stateful
    one, its state (None otherwise)."""

    schedule: Schedule | StatefulSchedule
    state: ScheduleState


@dataclasses.dataclass(frozen=True)
class _Key:
    """Everything that shapes an injected transformation's program, and nothing else."""

    factory: Callable[..., Any]
    static: tuple[tuple[str, Any], ...]  # passed to the factory as they are
    numbers: tuple[str, ...]  # injected numbers: their values are in the state
    schedules: tuple[tuple[str, Any], ...]  # name -> the schedule's PyTree structure
    callables: tuple[tuple[str, Callable[..., Any]], ...]  # plain callables: in the closure
    dtype: Any  # hyperparam_dtype


class _Unhashable:
    """A static argument that cannot be hashed (a mask PyTree): equal only to itself."""

    def __init__(self, value: Any):
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Unhashable) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return _Unhashable(value)
    return value


class _Part:
    """`init` or `update` of an injected transformation, with the key of its program."""

    def __init__(self, key: _Key, values: dict[str, Any] | None = None):
        self.key, self.values = key, values

    def __repr__(self) -> str:
        return f"{type(self).__name__.lstrip('_')}({self.key.factory.__name__})"


class _Init(_Part):
    """Starts a state with this configuration's values: equal only to itself, so
    `jax.jit(tx.init)` traces each configuration's own."""

    def __call__(self, params: Any) -> Any:
        optax = _optax("inject_hyperparams")
        key, values = self.key, self.values or {}
        dtype = key.dtype if key.dtype is not None else _highest_float(params)
        count = jnp.zeros((), jnp.int32)
        hyperparams = {name: _cast(values[name], dtype) for name in key.numbers}
        slots = {}
        for name, _ in key.schedules:
            schedule = values[name]
            state = schedule.init() if isinstance(schedule, StatefulSchedule) else None
            slots[name] = _Slot(schedule, state)
            hyperparams[name] = _cast(_advance(schedule, count, state, {})[0], dtype)
        for name, fn in key.callables:
            hyperparams[name] = _cast(jnp.asarray(fn(count)), dtype)
        inner = _inner(key, hyperparams)
        return optax.InjectStatefulHyperparamsState(
            count=count,
            hyperparams=hyperparams,
            hyperparams_states=slots,
            inner_state=inner.init(params),
        )


class _Update(_Part):
    """Reads every value from the state: equal and hashed by the key, so updates of one
    structure run one program."""

    def __eq__(self, other: object) -> bool:
        return type(other) is _Update and other.key == self.key  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self.key)

    def __call__(
        self, updates: Any, state: Any, params: Any = None, **extra_args: Any
    ) -> tuple[Any, Any]:
        optax = _optax("inject_hyperparams")
        key, count = self.key, state.count
        hyperparams = dict(state.hyperparams)  # numbers as stored (set them there, as in optax)
        slots = {}
        for name, structure in key.schedules:
            slot = state.hyperparams_states[name]
            schedule, inner_state = slot
            if jax.tree.structure(schedule) != structure:
                raise ValueError(
                    f"inject_hyperparams: the state's {name} is {_kind(schedule)}, not the "
                    f"{_kind(structure)} this transformation was built with; update a state "
                    "with the transformation whose init made it (or one equal to it)"
                )
            lr, inner_state = _advance(schedule, count, inner_state, extra_args)
            slots[name] = _Slot(schedule, inner_state)
            hyperparams[name] = lr.astype(jnp.result_type(state.hyperparams[name]))
        for name, fn in key.callables:
            hyperparams[name] = jnp.asarray(fn(count), jnp.result_type(state.hyperparams[name]))
        inner = _inner(key, hyperparams)
        updates, inner_state = optax.with_extra_args_support(inner).update(
            updates, state.inner_state, params, **extra_args
        )
        return updates, optax.InjectStatefulHyperparamsState(
            count=_increment(count),
            hyperparams=hyperparams,
            hyperparams_states=slots,
            inner_state=inner_state,
        )


def _inner(key: _Key, hyperparams: dict[str, Any]) -> Any:
    """The factory's transformation for these hyperparameter values."""
    static = {name: v.value if isinstance(v, _Unhashable) else v for name, v in key.static}
    return key.factory(**static, **hyperparams)


_TRANSFORMATION: list[type] = []


def _transformation() -> type:
    """optax's `GradientTransformationExtraArgs`, compared and hashed by its `update` alone.

    `update` reads everything that varies from the state, so transformations with equal
    updates run the same program: flax's `TrainState` and `nnx.Optimizer` (static data) and
    `jax.jit` (a PyTree without leaves) compile once for all of them. `init` holds the values
    and is equal only to itself, so `jax.jit(tx.init)` traces each configuration's own."""
    if not _TRANSFORMATION:
        optax = _optax("inject_hyperparams")

        class InjectedTransformation(optax.GradientTransformationExtraArgs):
            __slots__ = ()

            def __eq__(self, other: object) -> bool:
                return isinstance(other, InjectedTransformation) and self.update == other.update

            def __ne__(self, other: object) -> bool:
                return not self == other

            def __hash__(self) -> int:
                return hash(self.update)

        jax.tree_util.register_pytree_node(
            InjectedTransformation, lambda tx: ((), tx), lambda tx, _: tx
        )
        _TRANSFORMATION.append(InjectedTransformation)
    return _TRANSFORMATION[0]


def _advance(
    schedule: Any, count: Array, state: ScheduleState, extra_args: dict
) -> tuple[Array, ScheduleState]:
    """`(value, state)` at update `count`: a stateful schedule observes `extra_args["value"]`
    first, as `to_optax` does."""
    if isinstance(schedule, StatefulSchedule):
        return schedule(count, _observed(schedule, state, extra_args))
    return schedule(count), state


def _cast(value: Any, dtype: Any) -> Array:
    """A hyperparameter in the optimizer's dtype: floats of the default precision (however
    they were written) take `dtype`; an explicit other precision (bfloat16) stays; integers
    stay integers."""
    value = jnp.asarray(value)
    if jnp.issubdtype(value.dtype, jnp.floating) and (
        value.dtype == default_float() or getattr(value, "weak_type", False)
    ):
        return value.astype(dtype)
    return canonical(value)


def _highest_float(params: Any) -> np.dtype:
    dtypes = [jnp.result_type(leaf) for leaf in jax.tree.leaves(params)]
    floats = [d for d in dtypes if jnp.issubdtype(d, jnp.floating)]
    return jnp.dtype(jnp.result_type(*floats)) if floats else default_float()


def _kind(x: Any) -> str:
    """A schedule (or a structure of one) named by its constructor."""
    if isinstance(x, jax.tree_util.PyTreeDef):
        cls = x.node_data()[0] if x.node_data() else None
        return getattr(cls, "_name", getattr(cls, "__name__", str(x)))
    return getattr(x, "_name", type(x).__name__)


_SCHEDULES = (Schedule, StatefulSchedule)


def _arguments(signature: inspect.Signature) -> str:
    """A factory's arguments as a call writes them: `learning_rate, momentum=None`."""
    return ", ".join(p.name if p.default is p.empty else f"{p.name}={p.default!r}"
                     for p in signature.parameters.values())  # fmt: skip


def inject_hyperparams(
    inner_factory: Callable[..., Any],
    static_args: str | Iterable[str] = (),
    hyperparam_dtype: Any = None,
) -> Callable[..., Any]:
    """optax's `inject_hyperparams`, with schedax schedules carried in the optimizer state.

    `inject_hyperparams(optax.adamw)(learning_rate=s, weight_decay=wd, b1=0.9)` takes the
    factory's own arguments; any numeric one may be a schedax schedule (stateless, or stateful
    such as `reduce_on_plateau`, which observes `update(..., value=loss)` before giving that
    update's value), a number, or a plain callable of the step (an optax schedule, a lambda).
    Schedax schedules and numbers go into the state `init` returns, so two transformations
    built from the same factory, static arguments and schedule *structures* (the same curves
    and options, any values) compare and hash equal: flax's `TrainState` and `nnx.Optimizer`,
    which hold the transformation as static data, and `jax.jit` or `eqx.filter_jit` taking it
    as an argument compile one program for all of them. A plain callable stays in the
    transformation, as in optax: a new callable is a new program.

    Formula: update `k` (counted from 0) runs `inner_factory(**args)` with each scheduled
    argument at `schedule(k)`, as `optax.inject_hyperparams` does.

    The state is optax's `InjectStatefulHyperparamsState`: `hyperparams` holds the values the
    last update used (read them with `current_hyperparams`; set a number there, as in optax),
    `hyperparams_states` each schedule and its state (replace them with `replace_schedules`).
    Floating hyperparameters of the default precision take `hyperparam_dtype`, else the
    highest floating dtype of the parameters, as in optax.

    Args:
        inner_factory: a function returning an optax `GradientTransformation` (`optax.adamw`).
        static_args: names of arguments passed to the factory as they are (callables that are
            not schedules, as in optax).
        hyperparam_dtype: the dtype of floating hyperparameters; None: the parameters'.

    Returns:
        A function with the factory's arguments that returns an optax
        `GradientTransformationExtraArgs`.

    Raises:
        TypeError: `inner_factory` is not callable, or a call's arguments do not fit its
            signature.
        ValueError: `static_args` names an argument the factory does not have.

    Examples:
        >>> import jax, jax.numpy as jnp, optax, schedax as sx
        >>> sgd = sx.inject_hyperparams(optax.sgd)
        >>> a = sgd(learning_rate=sx.cosine_decay(0.1, 100), momentum=0.9)
        >>> b = sgd(learning_rate=sx.cosine_decay(0.5, 300), momentum=0.8)
        >>> a == b, hash(a) == hash(b)  # one program for both
        (True, True)
        >>> state = b.init(jnp.zeros(2))
        >>> _, state = b.update(jnp.ones(2), state)
        >>> {k: round(float(v), 4) for k, v in sx.current_hyperparams(state).items()}
        {'momentum': 0.8, 'learning_rate': 0.5}
    """
    fn = "inject_hyperparams"
    _optax(fn)  # a clear error now, not at the first call
    if not callable(inner_factory):
        raise TypeError(f"{fn}: inner_factory must be a function returning an optax "
                        f"GradientTransformation, got {type(inner_factory).__name__} "
                        f"{fmt(inner_factory)}")  # fmt: skip
    if isinstance(static_args, str):
        static_args = (static_args,)
    static_args = tuple(static_args)
    signature = inspect.signature(inner_factory)
    unknown = [name for name in static_args if name not in signature.parameters]
    if unknown:
        raise ValueError(f"{fn}: static_args names {unknown[0]!r}, which "
                         f"{inner_factory.__name__} does not take; it takes "
                         f"{list(signature.parameters)}")  # fmt: skip
    dtype = None if hyperparam_dtype is None else jnp.dtype(hyperparam_dtype)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        name = getattr(inner_factory, "__name__", "inner_factory")
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(f"{fn}({name}): {error}; it takes ({_arguments(signature)})") from None
        bound.apply_defaults()
        static, numbers, schedules, callables, values = [], [], [], [], {}
        for arg, value in bound.arguments.items():
            if arg in static_args or isinstance(value, bool | np.bool_ | str) or value is None:
                static.append((arg, _hashable(value)))
            elif isinstance(value, _SCHEDULES):
                schedules.append((arg, jax.tree.structure(value)))
                values[arg] = value
            elif callable(value):
                callables.append((arg, value))
            elif isinstance(value, int | float | jax.Array | np.ndarray | np.generic):
                numbers.append(arg)
                values[arg] = canonical(jnp.asarray(value))
            else:
                static.append((arg, _hashable(value)))
        key = _Key(inner_factory, tuple(static), tuple(numbers), tuple(schedules),
                   tuple(callables), dtype)  # fmt: skip
        return _transformation()(_Init(key, values), _Update(key))

    wrapped.__name__ = getattr(inner_factory, "__name__", "wrapped")
    wrapped.__doc__ = inner_factory.__doc__
    return wrapped


def _is_box(x: Any) -> bool:
    """A value wrapped as flax nnx wraps optimizer state (`OptArray`): kept wrapped."""
    return not isinstance(x, jax.Array | np.ndarray) and callable(getattr(x, "get_value", None))


def _unbox(x: Any) -> Any:
    return x.get_value() if _is_box(x) else x


def replace_schedules(opt_state: Any, **schedules: Schedule | StatefulSchedule) -> Any:
    """An optimizer state with some of its schedules replaced, for the same program.

    For states of `inject_hyperparams` transformations (anywhere inside `optax.chain`,
    `optax.multi_transform`, `optax.MultiSteps`, a flax nnx optimizer's `opt_state`): each
    keyword names a scheduled hyperparameter and gives its new schedule, which must have the
    same structure (the same curve and options, leaves of the same shapes and dtypes), so the
    jitted step that ran the old one runs the new one without compiling again. The step count
    and the inner optimizer's state go on: extend a run, start a cooldown from a checkpoint,
    change the peak after a restart. A stateful schedule keeps its state (a plateau's best
    value and counters).

    Formula: after the replacement, update `k` uses `new_schedule(k)`.

    Args:
        opt_state: an optimizer state holding `inject_hyperparams` states.
        **schedules: hyperparameter name -> new schedax schedule.

    Returns:
        The state with the schedules replaced (the input is not modified).

    Raises:
        TypeError: a new value is not a schedax schedule, or no name is given.
        ValueError: a name is not a scheduled hyperparameter of the state, is found more than
            once, or its new schedule has another structure than the old one.

    Examples:
        Warmup-stable-decay, the cooldown branched at step 3 (the run was built with one that
        never starts):

        >>> import jax.numpy as jnp, optax, schedax as sx
        >>> def wsd(cooldown_at):  # 0.1, then to 0 over 2 steps
        ...     return sx.cooldown(sx.constant_lr(0.1), cooldown_at, 2)
        >>> opt = sx.inject_hyperparams(optax.sgd)(learning_rate=wsd(10**6))
        >>> state = opt.init(jnp.zeros(1))
        >>> for _ in range(3):
        ...     _, state = opt.update(jnp.ones(1), state)
        >>> state = sx.replace_schedules(state, learning_rate=wsd(3))
        >>> lrs = []
        >>> for _ in range(3):
        ...     _, state = opt.update(jnp.ones(1), state)
        ...     lrs.append(round(float(sx.current_lr(state)), 4))
        >>> lrs
        [0.1, 0.05, 0.0]
    """
    fn = "replace_schedules"
    optax = _optax(fn)
    if not schedules:
        raise TypeError(f"{fn}: name the hyperparameters to replace, as in "
                        f"{fn}(opt_state, learning_rate=new_schedule)")  # fmt: skip
    for name, new in schedules.items():
        if not isinstance(new, _SCHEDULES):
            raise TypeError(f"{fn}: {name} must be a schedax schedule, got "
                            f"{type(new).__name__} {fmt(new)}")  # fmt: skip
    found = dict.fromkeys(schedules, 0)

    def replace(old: _Slot, name: str) -> _Slot:
        new = schedules[name]
        old_leaves, old_def = jax.tree.flatten(old.schedule, is_leaf=_is_box)
        new_leaves, new_def = jax.tree.flatten(new)
        same = old_def == new_def and all(
            jnp.shape(_unbox(a)) == jnp.shape(b) and jnp.result_type(_unbox(a)) == b.dtype
            for a, b in zip(old_leaves, new_leaves, strict=True)
        )
        if not same:
            raise ValueError(
                f"{fn}: {name} must have the structure of the schedule it replaces (the same "
                f"curve, options, leaf shapes and dtypes), got {fmt(new)} for "
                f"{_kind(old.schedule)}; build the state anew with init() for another kind"
            )
        pairs = zip(old_leaves, new_leaves, strict=True)
        leaves = [a.replace(b) if _is_box(a) else b for a, b in pairs]
        return _Slot(jax.tree.unflatten(old_def, leaves), old.state)

    def visit(node: Any) -> Any:
        if not isinstance(node, optax.InjectStatefulHyperparamsState):
            return node
        slots = dict(node.hyperparams_states)
        for name in schedules:
            if isinstance(slots.get(name), _Slot):
                found[name] += 1
                slots[name] = replace(slots[name], name)
        return node._replace(hyperparams_states=slots)

    is_state = lambda x: isinstance(x, optax.InjectStatefulHyperparamsState)  # noqa: E731
    result = jax.tree.map(visit, opt_state, is_leaf=is_state)
    for name, times in found.items():
        if times != 1:
            what = "no schedule" if not times else f"{times} schedules"
            raise ValueError(f"{fn}: found {what} named {name} in this optimizer state; it "
                             "replaces the schedules of sx.inject_hyperparams states, each "
                             "name once")  # fmt: skip
    return result
