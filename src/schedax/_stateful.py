"""Stateful schedules and `as_schedule`, the nano-optax calling convention."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeAlias

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Module, Schedule, as_steps, traced
from ._eager import eager
from ._rules import Param, Values
from ._util import Array, as_real, fmt, int_range, is_concrete

# The state's structure, by schedule structure: checked on every call.
_STATE_STRUCTURES: dict[Any, Any] = {}

ScheduleState: TypeAlias = Any
"""A schedule's state: any PyTree of arrays (None for stateless schedules)."""

ScheduleFn: TypeAlias = Callable[[Array, ScheduleState], tuple[Array, ScheduleState]]
"""`(step, state) -> (lr, new_state)`: what `as_schedule` returns and solvers call."""

LearningRate: TypeAlias = "float | Array | Callable[[Array], Array] | ScheduleFn | StatefulSchedule"
"""What `as_schedule` accepts: a number, a schedule, a stateful function or schedule."""


class StatefulSchedule(Module):
    """Base class of schedules whose value depends on the past: a PyTree with explicit state.

    `init()` returns the initial state; `schedule(step, state)` returns `(lr, new_state)`. The
    state is a PyTree whose structure, shapes and dtypes never change from call to call, so it
    is a safe `lax.scan` carry, can be mapped over with `vmap`, and can be saved with any PyTree
    serializer. Calls are idempotent per step: calling again with the same `(step, state)`, or
    with the same step and the state it returned, gives the same learning rate, so retries and
    resumed runs are exact. Steps are scalar integers (optimizer updates counted from 0);
    negative steps count as step 0.

    Schedules that learn from observations (`reduce_on_plateau`) take them with
    `state = schedule.observe(state, value)`; the others ignore observations.

    Examples:
        >>> import jax, jax.numpy as jnp, schedax as sx
        >>> sched = sx.reduce_on_plateau(0.1, factor=0.5, patience=0)
        >>> isinstance(sched, sx.StatefulSchedule)
        True
        >>> def step(state, loss):
        ...     lr, state = sched(0, state)
        ...     return sched.observe(state, loss), lr
        >>> jax.lax.scan(step, sched.init(), jnp.array([1.0, 1.0, 1.0]))[1]
        Array([0.1 , 0.1 , 0.05], dtype=float32)
    """

    def init(self) -> ScheduleState:
        """The state before the first step."""
        raise NotImplementedError

    def __call__(self, step: Any, state: ScheduleState = None) -> tuple[Array, ScheduleState]:
        """`(lr, new_state)` at `step` (a scalar integer) given `state`."""
        if state is None:
            raise TypeError(
                f"{self._name} is stateful: call it as schedule(step, state) -> (lr, new_state) "
                "with state = schedule.init(), or hand it to as_schedule, to_optax or "
                "scale_by_schedule"
            )
        step = as_steps(self._name, step)
        if step.ndim != 0:
            raise TypeError(
                f"{self._name}: step must be a scalar integer, got {step.dtype}{list(step.shape)}"
            )
        self._check_state(state)
        # A float step beyond the integer steps are counted in (int32 unless x64).
        if (
            jnp.issubdtype(step.dtype, jnp.floating)
            and is_concrete(step)
            and abs(float(step)) > int_range().max
        ):
            raise ValueError(
                f"{self._name}: step must be at most {int_range().max} (enable jax_enable_x64 "
                f"for more), got {fmt(step)}"
            )
        if traced(self, step, state):
            return self._advance(step, state)
        if not (jnp.issubdtype(step.dtype, jnp.floating) and np.isnan(float(step))):
            self._check_call(step, state)
        return eager(self, "_advance", step, state)

    def _check_call(self, step: Array, state: ScheduleState) -> None:
        """Checks on a concrete call, before it runs."""

    def _check_state(self, state: ScheduleState) -> None:
        key = jax.tree.structure(self)  # the class and its options
        expected = _STATE_STRUCTURES.get(key)
        if expected is None:
            expected = _STATE_STRUCTURES[key] = jax.tree.structure(self.init())
        if jax.tree.structure(state) != expected:
            got = type(state).__name__
            raise TypeError(
                f"{self._name}: state must be this schedule's state (from schedule.init() or "
                f"its last call), got {got}; call it as lr, state = schedule(step, state)"
            )

    def _habits(self) -> dict[str, str]:
        call = "lr, state = schedule(step, state), with state = schedule.init() to start"
        observe = "state = schedule.observe(state, value) feeds a metric; " + call
        state = ("the state is the PyTree you pass and get back; save it with any PyTree "
                 "serializer")  # fmt: skip
        return {"step": observe, "get_last_lr": call, "get_lr": call, "last_epoch": call,
                "state_dict": state, "load_state_dict": state}  # fmt: skip

    def _advance(self, step: Array, state: ScheduleState) -> tuple[Array, ScheduleState]:
        if not jnp.issubdtype(step.dtype, jnp.floating):
            return self._step(jnp.maximum(step.astype(jnp.result_type(int)), 0), state)
        # A NaN step gives a NaN learning rate, as stateless schedules do, and keeps the state.
        nan = jnp.isnan(step)
        whole = jnp.floor(jnp.where(nan, 0, step))
        lr, new = self._step(jnp.maximum(whole.astype(jnp.result_type(int)), 0), state)
        kept = jax.tree.map(lambda old, new: jnp.where(nan, old, new), state, new)
        return jnp.where(nan, jnp.nan, lr).astype(lr.dtype), kept

    def _step(self, step: Array, state: ScheduleState) -> tuple[Array, ScheduleState]:
        """The rule at an integer step >= 0."""
        raise NotImplementedError

    def observe(self, state: ScheduleState, value: Any) -> ScheduleState:
        """The state after observing `value` (a metric such as the loss).

        Schedules that learn from observations override `_observe`; the others ignore them.
        """
        self._check_state(state)
        try:
            value, got = as_real(value)
        except OverflowError:
            value, got = None, "an integer beyond the float range"
        if value is None:
            raise TypeError(f"{self._name}.observe: value must be a real number (a metric), got "
                            f"{got}")  # fmt: skip
        if value.size != 1:
            raise ValueError(f"{self._name}.observe: value must be a scalar (a metric), got "
                             f"shape {tuple(value.shape)}")  # fmt: skip
        value = value.reshape(())
        if traced(self, state, value):
            return self._observe(state, value)
        return eager(self, "_observe", state, value)

    def _observe(self, state: ScheduleState, value: Any) -> ScheduleState:
        del value
        return state


def _required_positional(fn: Callable) -> int | None:
    """How many positional arguments `fn` requires, or None if its signature is unknown."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(1 for p in parameters if p.kind in kinds and p.default is p.empty)


def as_schedule(lr: Any, schedule_state: ScheduleState = None) -> tuple[ScheduleFn, ScheduleState]:
    """Normalizes any learning rate to `(schedule_fn, state)`, as nano-optax solvers call it.

    `schedule_fn(step, state) -> (lr, new_state)`; solvers call it once per step inside
    `lax.scan`, carrying the state. What `lr` may be:

    - a number or array: a constant; the state passes through;
    - a stateless callable `step -> lr` (a schedax `Schedule`, an optax schedule, a lambda)
      with `schedule_state=None`: wrapped; the state passes through;
    - a callable `(step, state) -> (lr, new_state)` with its initial `schedule_state`;
    - a schedax `StatefulSchedule`: with `schedule_state=None` its `init()` state is used;
    - a schedax stateless `Schedule` given a state: the state passes through unchanged.

    Args:
        lr: the learning rate, as above.
        schedule_state: the initial state of a stateful `lr`, or None.

    Returns:
        `(schedule_fn, state)`: the function to call each step and the state to start from.

    Raises:
        TypeError: for a tuple (such as an earlier `as_schedule` result) used as the lr, a
            stateful function given no state, a one-argument function given a state, or a
            value that is none of the above.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> fn, state = sx.as_schedule(sx.cosine_decay(0.1, 100))
        >>> lr, state = fn(jnp.int32(50), state)
        >>> round(float(lr), 6), state
        (0.05, None)
    """
    fn = "as_schedule"
    if isinstance(lr, tuple | list):
        raise TypeError(
            f"{fn}: lr must be a number or a schedule, got a {type(lr).__name__} of "
            f"{len(lr)}; for the (schedule_fn, state) pair of an earlier as_schedule call, "
            "pass as_schedule(schedule_fn, schedule_state=state)"
        )
    if isinstance(lr, StatefulSchedule):
        state = lr.init() if schedule_state is None else schedule_state
        return lr.__call__, state
    if isinstance(lr, Schedule):
        return _stateless(lr), schedule_state
    if callable(lr):
        required = _required_positional(lr)
        if schedule_state is None:
            if required is not None and required >= 2:
                raise TypeError(
                    f"{fn}: lr takes (step, state) but schedule_state is None; pass its "
                    "initial state: as_schedule(lr, schedule_state=initial_state)"
                )
            return _stateless(lr), None
        if required == 1:
            raise TypeError(
                f"{fn}: lr takes a single step but a schedule_state was given; pass "
                "schedule_state=None for a stateless schedule, or a function "
                "(step, state) -> (lr, new_state)"
            )
        return _stateful(lr), schedule_state
    if isinstance(lr, bool) or not isinstance(
        lr, int | float | jax.Array | np.ndarray | np.generic
    ):
        raise TypeError(
            f"{fn}: lr must be a number, an array, a schedule or a function, "
            f"got {type(lr).__name__} {lr!r}"
        )
    value = jnp.asarray(lr)
    if value.ndim == 0:
        value = Param()(fn, "lr", lr)
    else:
        value = Values()(fn, "lr", np.ravel(lr)).reshape(value.shape)
    return (lambda step, state: (value, state)), schedule_state


def _stateless(schedule: Callable[[Array], Any]) -> ScheduleFn:
    def schedule_fn(step: Array, state: ScheduleState) -> tuple[Array, ScheduleState]:
        return jnp.asarray(schedule(step)), state

    return schedule_fn


def _stateful(schedule: Callable[[Array, ScheduleState], Any]) -> ScheduleFn:
    def schedule_fn(step: Array, state: ScheduleState) -> tuple[Array, ScheduleState]:
        out = schedule(step, state)
        if not (isinstance(out, tuple) and len(out) == 2):
            raise TypeError(
                f"as_schedule: a stateful lr must return (lr, new_state), got {type(out).__name__}"
            )
        return jnp.asarray(out[0]), out[1]

    return schedule_fn
