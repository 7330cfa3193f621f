"""Composition: arithmetic between schedules and numbers, floors and clips, repeats, a cooldown.

Each result is a schedule like any other (a PyTree whose numbers are leaves, with a config
name), so a composition is data: swept with `vmap`, differentiated, saved and loaded. The
operators `+ - * /` and unary `-` on schedules build `add`, `subtract`, `multiply`, `divide`
and `negative`, the names their configs carry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import jax.numpy as jnp
import numpy as np

from ._base import Schedule
from ._join import MAX_NESTING, nesting
from ._numerics import anneal, floor_div, power_of
from ._numerics import length as steps_length
from ._rules import count, operand, option, param, schedule
from ._util import Array, fmt, is_concrete, promote
from ._warmup import DECAY_SHAPES


def _at(x: Any, t: Array, step: Array) -> Array:
    """An operand's value at the steps (`t` as `Schedule._value_at` gets them), in `t.dtype`."""
    if isinstance(x, Schedule):
        return _inner(x, t, step)
    return jnp.broadcast_to(x.astype(t.dtype), t.shape)


def _inner(schedule: Schedule, t: Array, step: Array) -> Array:
    """`schedule` at floating steps `t >= 0` (`step`: as given, integer steps reach user
    functions as integers), in `t.dtype`. A schedule whose output dtype is `t.dtype` runs its
    formula directly: its call would convert and clamp the steps and pass NaN through again,
    which XLA does not merge (`maximum(warmup * cosine, floor)` in lax.scan: 60 -> 47
    instructions a step as an argument, 37 -> 28 closed over). Another dtype is rounded to as
    its call rounds it."""
    if schedule.dtype == t.dtype:
        return schedule._value_at(t, step)
    integer = jnp.issubdtype(step.dtype, jnp.integer)
    return schedule(jnp.maximum(step, 0) if integer else t).astype(t.dtype)


class _Composed(Schedule):
    """A schedule built from schedules (children) and numbers (leaves)."""

    def _parts(self) -> list[Any]:
        return [getattr(self, f) for f, _, rule in self._fields
                if rule is not None and getattr(self, f) is not None]  # fmt: skip

    @property
    def dtype(self) -> np.dtype:
        kinds = ("param", "operand", "schedule")
        parts = [getattr(self, f) for f, _, rule in self._fields if rule and rule.kind in kinds]
        parts = [x for x in parts if x is not None]
        return promote(*(x.dtype if isinstance(x, Schedule) else x for x in parts))

    @property
    def _integer_steps(self) -> bool:  # type: ignore[override]
        return any(x._integer_steps for x in self._parts() if isinstance(x, Schedule))

    def _batched(self) -> bool:
        return any(x._batched() if isinstance(x, Schedule) else jnp.ndim(x) > 0
                   for x in self._parts())  # fmt: skip

    def _check(self) -> None:
        if nesting(self) > MAX_NESTING:
            raise ValueError(f"{self._name}: nests schedules deeper than {MAX_NESTING} levels")


# ----------------------------------------------------------------------------- arithmetic


class _Binary(_Composed):
    """`a <op> b` for schedules and numbers, at least one of them a schedule."""

    a: Any = operand()
    b: Any = operand()

    _symbol: ClassVar[str] = ""  # shown between the operands (none: shown as a call)
    _level: ClassVar[int] = 9  # how tightly the operator binds, as in Python
    _op: ClassVar[Callable[[Array, Array], Array]]

    def _check(self) -> None:
        super()._check()
        if not any(isinstance(x, Schedule) for x in (self.a, self.b)):
            numbers = f"({fmt(self.a)}, {fmt(self.b)})"
            raise self._invalid(f"{{0}} and {{1}} are both numbers {numbers}; at least one "
                                "must be a schedule", "a", "b")  # fmt: skip

    def _value_at(self, t: Array, step: Array) -> Array:
        return type(self)._op(_at(self.a, t, step), _at(self.b, t, step))

    def __repr__(self) -> str:
        if not self._symbol:
            return super().__repr__()
        return (
            f"{_shown(self.a, self, left=True)} {self._symbol} {_shown(self.b, self, left=False)}"
        )


def _shown(x: Any, parent: Any, left: bool) -> str:
    """An operand as an expression shows it: parenthesized where Python would read it another
    way (`a - (b - c)`, `(a + b) * c`, `-(a * b)`)."""
    text = fmt(x)
    level = getattr(x, "_level", 9) if getattr(x, "_symbol", "") else 9
    if level < parent._level or (not left and level == parent._level and parent._symbol in "-/"):
        return f"({text})"
    return text


class add(_Binary):
    """`a + b`: what `schedule + other` builds (config name `add`)."""

    _symbol, _level, _op = "+", 1, jnp.add


class subtract(_Binary):
    """`a - b`: what `schedule - other` builds (config name `subtract`)."""

    _symbol, _level, _op = "-", 1, jnp.subtract


class multiply(_Binary):
    """`a * b`: what `schedule * other` builds (config name `multiply`)."""

    _symbol, _level, _op = "*", 2, jnp.multiply


class divide(_Binary):
    """`a / b`: what `schedule / other` builds (config name `divide`). A number `b` must be
    nonzero; a schedule that reaches zero gives inf or NaN there."""

    _symbol, _level, _op = "/", 2, jnp.divide

    def _check(self) -> None:
        super()._check()
        if not isinstance(self.b, Schedule) and is_concrete(self.b) and np.asarray(self.b) == 0:
            raise self._invalid(f"{{0}} must be nonzero, got {fmt(self.b)}", "b")


class negative(_Composed):
    """`-schedule`: what unary minus builds (config name `negative`)."""

    schedule: Schedule = schedule()

    _level: ClassVar[int] = 3
    _symbol: ClassVar[str] = "-"

    def _value_at(self, t: Array, step: Array) -> Array:
        return -_at(self.schedule, t, step)

    def __repr__(self) -> str:
        text = fmt(self.schedule)
        return f"-({text})" if getattr(self.schedule, "_symbol", "") else f"-{text}"


class minimum(_Binary):
    """The smaller of two schedules, or of a schedule and a number (a ceiling).

    Formula: `lr(step) = min(a(step), b(step))`, a number `b` standing for the constant `b`.

    Args:
        a: a schedule or a number.
        b: a schedule or a number; at least one of `a` and `b` is a schedule.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.minimum(sx.linear_schedule(0.0, 1.0, 4), 0.5)(jnp.arange(5))
        Array([0.  , 0.25, 0.5 , 0.5 , 0.5 ], dtype=float32)
    """

    _op = jnp.minimum


class maximum(_Binary):
    """The larger of two schedules, or of a schedule and a number (a floor).

    Formula: `lr(step) = max(a(step), b(step))`, a number `b` standing for the constant `b`.

    Args:
        a: a schedule or a number.
        b: a schedule or a number; at least one of `a` and `b` is a schedule.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.maximum(sx.linear_schedule(1.0, 0.0, 4), 0.1)(jnp.arange(5))
        Array([1.  , 0.75, 0.5 , 0.25, 0.1 ], dtype=float32)
    """

    _op = jnp.maximum


class clip(_Composed):
    """A schedule held between a floor and a ceiling (numbers or schedules).

    Formula: `lr(step) = min(max(schedule(step), lo), hi)`, as `numpy.clip`: where `lo > hi`
    (traced or scheduled bounds, which cannot be checked), the value is `hi`.

    Args:
        schedule: the schedule to clip.
        lo: the floor, a number or a schedule, or None for none.
        hi: the ceiling, a number or a schedule, or None for none; `lo <= hi` when both are
            numbers, and at least one of them is given.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.clip(sx.linear_schedule(0.0, 1.0, 4), 0.2, 0.6)(jnp.arange(5))
        Array([0.2 , 0.25, 0.5 , 0.6 , 0.6 ], dtype=float32)
    """

    schedule: Schedule = schedule()
    lo: Any = operand(default=None)
    hi: Any = operand(default=None)

    def _check(self) -> None:
        super()._check()
        lo, hi = self.lo, self.hi
        if lo is None and hi is None:
            raise self._invalid("{0} and {1} are both None; give a floor, a ceiling or both",
                                "lo", "hi")  # fmt: skip
        numbers = [x for x in (lo, hi) if x is not None and not isinstance(x, Schedule)]
        if len(numbers) == 2 and all(map(is_concrete, numbers)) and np.asarray(lo) > np.asarray(hi):
            raise self._invalid(f"{{0}} ({fmt(lo)}) must be <= {{1}} ({fmt(hi)})", "lo", "hi")

    def _value_at(self, t: Array, step: Array) -> Array:
        value = _at(self.schedule, t, step)
        if self.lo is not None:
            value = jnp.maximum(value, _at(self.lo, t, step))
        if self.hi is not None:
            value = jnp.minimum(value, _at(self.hi, t, step))
        return value


# ----------------------------------------------------------------------------- in time


class repeat(_Composed):
    """A schedule restarted every `period` steps, cycle `k` scaled by `decay**k`.

    Formula: with `k = floor(step / period)` (whole periods, counted exactly) and `s = step -
    k * period`, `lr(step) = decay**k * schedule(s)`. A `lambda_lr` inside gets integer local
    steps for integer steps (`step - ceil(k * period)`).

    Args:
        schedule: the schedule each cycle follows from its own step 0.
        period: the cycle's length in steps, > 0. A traced value is clamped to > 0.
        decay: the factor on each next cycle, >= 0. A traced value is clamped to >= 0.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.repeat(sx.linear_schedule(1.0, 0.0, 2), 2, decay=0.5)(jnp.arange(6))
        Array([1.   , 0.5  , 0.5  , 0.25 , 0.25 , 0.125], dtype=float32)
    """

    schedule: Schedule = schedule()
    period: Array = count(gt=0)
    decay: Array = param(default=1.0, ge=0)

    def _value_at(self, t: Array, step: Array) -> Array:
        period = steps_length(self.period.astype(t.dtype))
        cycle, position = floor_div(t, period)
        local = position
        if jnp.issubdtype(step.dtype, jnp.integer) and self.schedule._integer_steps:
            local = jnp.maximum(step, 0) - jnp.ceil(cycle * period).astype(step.dtype)
        factor = power_of(jnp.maximum(self.decay.astype(t.dtype), 0), cycle)
        return factor * _inner(self.schedule, position, local)


class cooldown(_Composed):
    """A schedule followed up to `start`, then a decay from its value there to `end`.

    The decay takes `length` steps along `shape` (the decays of `warmup_stable_decay`), then
    holds `end`. Built from a running schedule with a far `start` and replaced in the optimizer
    state (`replace_schedules`) at any checkpoint, it starts a run's cooldown there without a
    new compilation.

    Formula: `lr(step) = schedule(step)` for `step < start`; else with `p = min((step - start)
    / length, 1)` and `v = schedule(start)`: `end + (v - end) * w(p)`, where `w(p)` is `1 - p`
    ("linear"), `(1 + cos(pi p)) / 2` ("cosine") or `1 - sqrt(p)` ("1-sqrt").

    Args:
        schedule: the schedule before the cooldown.
        start: the step the cooldown starts at, >= 0.
        length: the cooldown's length in steps, > 0. A traced value is clamped to > 0.
        end: the value at its end and after.
        shape: "linear", "cosine" or "1-sqrt".

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.cooldown(sx.constant_lr(1.0), start=2, length=4)(jnp.arange(0, 8, 2))
        Array([1. , 1. , 0.5, 0. ], dtype=float32)
    """

    schedule: Schedule = schedule()
    start: Array = count(ge=0)
    length: Array = count(gt=0)
    end: Array = param(default=0.0)
    shape: str = option(tuple(DECAY_SHAPES), default="linear")

    def _value_at(self, t: Array, step: Array) -> Array:
        start = jnp.maximum(self.start.astype(t.dtype), 0)
        at_start = start
        if jnp.issubdtype(step.dtype, jnp.integer) and self.schedule._integer_steps:
            at_start = jnp.ceil(start).astype(step.dtype)  # its first whole step
        top = _inner(self.schedule, start, at_start)
        after = anneal(top, self.end, t - start, self.length, *DECAY_SHAPES[self.shape])
        return jnp.where(t < start, _at(self.schedule, t, step), after)
