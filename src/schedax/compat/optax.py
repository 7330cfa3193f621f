"""`optax.schedules`, as schedax schedules: change the import, keep the numbers.

    from schedax.compat import optax as schedules      # instead of `optax.schedules`

Every schedule constructor of optax 0.2.8 under its own name, with its signature and defaults,
returning a core schedax schedule whose values are optax's, degenerate cases included (checked
against optax 0.2.8 in the tests). Unlike optax's closures, the result is a PyTree: a jitted
function that takes it as an argument compiles once for all hyperparameter values, `jax.vmap`
maps over any numeric argument (lengths, boundaries, `peak_value`), and `jax.grad` reaches them
without NaN from inactive pieces.

Where optax logs and returns a constant (`transition_steps <= 0`, a zero `decay_rate`), so does
this module, with a `UserWarning` saying so; where optax falls back (a negative
`transition_begin` counts from 0), so does this module, with a warning. Where optax raises,
this raises a `ValueError` naming the constructor and the argument. Traced arguments cannot be
checked: they get optax's meaning where it is a choice between values (a traced
`transition_steps <= 0` still gives the constant), and are clamped where it is not.

schedax rejects a few inputs optax accepts but whose values are artifacts (the migration
guide's restrictions): a negative `power` or `exponent` (infinite learning rates), negative
boundaries and warmups (pieces that start before step 0), and `piecewise_interpolate_schedule`
steps less than one step apart. Hyperparameters are finite real scalars.

schedax's own top-level names are not optax's: `sx.linear_schedule(init, end, steps)` and
`sx.exponential_decay(init, decay_rate, ...)` have MLX's signatures, `sx.polynomial_decay(init,
end, decay_steps, power)` and `sx.cosine_decay(init, decay_steps, end)` take an `end` value
(optax: `alpha`, a fraction of `init_value`), `sx.warmup_cosine_decay(peak, warmup_steps,
total_steps, init, end)` puts the peak first, `sx.piecewise_constant` takes values (optax:
scales), and `sx.one_cycle` is torch's `OneCycleLR` (one step ahead of
`cosine_onecycle_schedule`, which ends on `transition_steps` itself). The top-level names also
reject what optax turns into a constant (zero lengths, a zero decay rate). This module is the
drop-in.

Examples:
    >>> import jax.numpy as jnp
    >>> from schedax.compat import optax as schedules
    >>> lr = schedules.warmup_cosine_decay_schedule(0.0, 1.0, 2, 6)
    >>> lr(jnp.arange(0, 8, 2)).round(3)
    Array([0. , 1. , 0.5, 0. ], dtype=float32)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

import schedax as sx

from .._numerics import like, scaled_points, select
from .._rules import Count, Option, Param, Steps, constructor
from .._util import fmt, is_concrete, warn

__all__ = [
    "constant_schedule",
    "cosine_decay_schedule",
    "cosine_onecycle_schedule",
    "exponential_decay",
    "join_schedules",
    "linear_onecycle_schedule",
    "linear_schedule",
    "piecewise_constant_schedule",
    "piecewise_interpolate_schedule",
    "polynomial_schedule",
    "sgdr_schedule",
    "warmup_constant_schedule",
    "warmup_cosine_decay_schedule",
    "warmup_exponential_decay_schedule",
]

_VALUE = Param()
_STEPS = Count()  # any finite number: optax gives <= 0 its own meaning
_POWER = Param(ge=0)  # a restriction (migration guide): negative powers give infinite lrs
_WARMUP = Count(ge=0)  # a restriction (migration guide): a negative warmup shifts the decay
_LENGTH = Count(gt=0)  # optax raises for <= 0
_DIVISOR = Param(gt=0)  # optax divides by it (0), or refuses its negative scales


def _transition(
    where: str,
    init: Any,
    end: Any,
    power: Any,
    steps: Any,
    begin: Any,
    *,
    arg: str = "transition_steps",
    announce: bool = True,
) -> sx.Schedule:
    """optax's polynomial transition (`polynomial_schedule`, `linear_schedule`, warmups), whose
    length is the caller's argument `arg`."""
    flat = steps <= 0
    if announce and is_concrete(flat) and flat:
        warn(f"{where}: {arg} is {fmt(steps)} (<= 0); as optax, the schedule stays at "
             "init_value")  # fmt: skip
    return sx.polynomial_decay(
        init, select(flat, init, end), select(flat, like(steps, 1), steps), power,
        transition_begin=_begin(where, begin),
    )  # fmt: skip


def _begin(where: str, begin: Any) -> Any:
    """optax's `transition_begin`: a negative one counts from 0."""
    early = begin < 0
    if is_concrete(early) and early:
        warn(f"{where}: transition_begin is {fmt(begin)} (< 0); as optax, it counts from 0")
    return select(early, like(begin, 0), begin)


def _exponential(
    where: str,
    init: Any,
    steps: Any,
    rate: Any,
    begin: Any,
    staircase: Any,
    end: Any,
    *,
    held: str = "init_value",
) -> sx.Schedule:
    """optax's `exponential_decay` from `init` (the caller's argument `held`), constant for
    `transition_steps <= 0` or a zero rate."""
    flat = _either(steps <= 0, rate == 0)
    if is_concrete(flat) and flat:
        reason = (f"transition_steps is {fmt(steps)} (<= 0)" if steps <= 0
                  else f"decay_rate is {fmt(rate)}")  # fmt: skip
        warn(f"{where}: {reason}; as optax, the decay stays at {held}")
    return sx.exponential_decay(
        init,
        select(flat, 1.0, rate),
        select(flat, like(steps, 1), steps),
        staircase=_flag(staircase),
        transition_begin=_begin(where, begin),
        end=None if end is None else select(flat, init, end),
    )


def _either(a: Any, b: Any) -> Any:
    """`a or b` for concrete conditions, elementwise when traced."""
    return (a or b) if is_concrete(a) and is_concrete(b) else a | b


def _flag(x: Any) -> Any:
    """optax tests its flags for truth: integers are flags too."""
    return bool(x) if isinstance(x, int | np.bool_ | np.integer) else x


# ----------------------------------------------------------------------------- the curves


@constructor(value=_VALUE)
def constant_schedule(value: Any) -> sx.Schedule:
    """optax's `constant_schedule`: `value` at every step.

    Formula: `value`.

    Args:
        value: the value held.

    Returns:
        A `constant_lr`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> schedules.constant_schedule(5)(jnp.arange(2))
        Array([5., 5.], dtype=float32)
    """
    return sx.constant_lr(value)


@constructor(
    init_value=_VALUE, end_value=_VALUE, power=_POWER, transition_steps=_STEPS,
    transition_begin=_STEPS,
)  # fmt: skip
def polynomial_schedule(
    init_value: Any, end_value: Any, power: Any, transition_steps: Any, transition_begin: Any = 0
) -> sx.Schedule:
    """optax's `polynomial_schedule`: from `init_value` to `end_value` along a power.

    Formula: with `s = clip(step - transition_begin, 0, transition_steps)`,
    `(init_value - end_value) * (1 - s / transition_steps)**power + end_value`.
    `transition_steps <= 0` gives the constant `init_value` (with a warning, where optax logs);
    a negative `transition_begin` counts from 0.

    Args:
        init_value: the value until `transition_begin`.
        end_value: the value from `transition_begin + transition_steps` on.
        power: the exponent, >= 0 (0 keeps `init_value`).
        transition_steps: the length of the transition in steps.
        transition_begin: steps at `init_value` first.

    Returns:
        A `polynomial_decay`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> schedules.polynomial_schedule(1.0, 0.0, 2, 4, transition_begin=1)(jnp.arange(6))
        Array([1.    , 1.    , 0.5625, 0.25  , 0.0625, 0.    ], dtype=float32)
    """
    return _transition(
        "polynomial_schedule", init_value, end_value, power, transition_steps, transition_begin
    )


@constructor(
    init_value=_VALUE, end_value=_VALUE, transition_steps=_STEPS, transition_begin=_STEPS
)  # fmt: skip
def linear_schedule(
    init_value: Any, end_value: Any, transition_steps: Any, transition_begin: Any = 0
) -> sx.Schedule:
    """optax's `linear_schedule`: `polynomial_schedule` with `power=1`.

    Formula: `init_value + (end_value - init_value) * clip(step - transition_begin, 0,
    transition_steps) / transition_steps`.

    Args:
        init_value: the value until `transition_begin`.
        end_value: the value from `transition_begin + transition_steps` on.
        transition_steps: the length of the ramp in steps (<= 0: the constant `init_value`).
        transition_begin: steps at `init_value` first.

    Returns:
        A `polynomial_decay` with `power=1`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> schedules.linear_schedule(1.0, 0.0, 4)(jnp.arange(0, 6, 2))
        Array([1. , 0.5, 0. ], dtype=float32)
    """
    return _transition(
        "linear_schedule", init_value, end_value, 1.0, transition_steps, transition_begin
    )


def _scales(where: str, scales: Any) -> tuple[list[Any], list[Any]]:
    """The steps and scales of optax's `boundaries_and_scales`, checked."""
    if scales is None:
        return [], []
    if not isinstance(scales, Mapping):
        raise TypeError(f"{where}: boundaries_and_scales must be a dict {{step: scale}} or None, "
                        f"got {type(scales).__name__}")  # fmt: skip
    for step, scale in scales.items():
        Count()(where, f"boundaries_and_scales key {step!r}", step)
        Param(ge=0)(where, f"boundaries_and_scales[{step!r}]", scale)
    return list(scales), list(scales.values())


@constructor(init_value=_VALUE)
def piecewise_constant_schedule(
    init_value: Any, boundaries_and_scales: Mapping[Any, Any] | None = None
) -> sx.Schedule:
    """optax's `piecewise_constant_schedule`: `init_value` times every scale whose step is
    reached.

    Formula: `init_value * prod(scale for step, scale in boundaries_and_scales.items() if
    t >= step)`. A zero scale zeroes the rest of the schedule, as in optax.

    Args:
        init_value: the value before the first boundary.
        boundaries_and_scales: `{step: scale}`, scales >= 0; or None.

    Returns:
        A `piecewise_constant` (with the cumulative values).

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> schedules.piecewise_constant_schedule(1.0, {2: 0.5, 4: 0.5})(jnp.arange(6))
        Array([1.  , 1.  , 0.5 , 0.5 , 0.25, 0.25], dtype=float32)
    """
    steps, values = scaled_points(
        init_value, *_scales("piecewise_constant_schedule", boundaries_and_scales)
    )
    # A step before 0 applies from step 0 on: the same values.
    return sx.piecewise_constant([max(step, 0) for step in steps], values)


_INTERPOLATE = Option(choices=("linear", "cosine"))


def _interpolate(where: str, what: str, kind: str, init: Any, steps: Any, scales: Any) -> Any:
    """optax's piecewise interpolation through `(0, init)` and the cumulative values at
    `steps` (`what`, in errors)."""
    steps, values = scaled_points(init, steps, scales)
    steps = [0, *steps]
    for a, b in itertools.pairwise(steps):
        if not (is_concrete(a) and is_concrete(b)):
            continue  # traced: clamped by the curve
        if b < 0:
            raise ValueError(f"{where}: {what} must be >= 0, got {fmt(b)} (optax would "
                             "interpolate from before step 0)")  # fmt: skip
        if 0 < b - a < 1:
            raise ValueError(f"{where}: {what} must be equal or at least one step apart, "
                             f"got {fmt(a)} and {fmt(b)}")  # fmt: skip
    return sx.piecewise_interpolate(steps, values, kind)


@constructor(interpolate_type=_INTERPOLATE, init_value=_VALUE)
def piecewise_interpolate_schedule(
    interpolate_type: str, init_value: Any, boundaries_and_scales: Mapping[Any, Any] | None = None
) -> sx.Schedule:
    """optax's `piecewise_interpolate_schedule`: linear or cosine between cumulative values.

    The points are `(0, init_value)` and, at each step of `boundaries_and_scales` in order,
    the previous value times its scale; between them the curve is a line ("linear") or half a
    cosine ("cosine"); after the last it holds.

    Formula: through `(0, init_value)` and `(b_i, init_value * prod(scales up to b_i))` in order:
    lines (`"linear"`) or half cosines (`"cosine"`), held after the last.

    Args:
        interpolate_type: "linear" or "cosine".
        init_value: the value at step 0.
        boundaries_and_scales: `{step: scale}`, steps >= 0 and equal or at least one step
            apart, scales >= 0; or None.

    Returns:
        A `piecewise_interpolate`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> lr = schedules.piecewise_interpolate_schedule("linear", 1.0, {4: 0.1, 8: 0.01})
        >>> lr(jnp.array([0, 2, 4, 6, 8]))
        Array([1.    , 0.55  , 0.1   , 0.0505, 0.001 ], dtype=float32)
    """
    where = "piecewise_interpolate_schedule"
    steps, scales = _scales(where, boundaries_and_scales)
    what = "boundaries_and_scales steps"
    return _interpolate(where, what, interpolate_type, init_value, steps, scales)


@constructor(
    init_value=_VALUE, transition_steps=_STEPS, decay_rate=_VALUE, transition_begin=_STEPS,
    end_value=Param(optional=True),
)  # fmt: skip
def exponential_decay(
    init_value: Any,
    transition_steps: Any,
    decay_rate: Any,
    transition_begin: Any = 0,
    staircase: bool = False,
    end_value: Any = None,
) -> sx.Schedule:
    """optax's `exponential_decay`: `init_value * decay_rate**((t - transition_begin) /
    transition_steps)`, bounded by `end_value`.

    The exponent counts whole periods with `staircase`. `end_value` is a floor when
    `decay_rate < 1`, a ceiling otherwise (from step 0 on, as in optax). `transition_steps <= 0`
    or `decay_rate == 0` give the constant `init_value` (with a warning, where optax logs).

    Formula: `init_value * decay_rate**(max(step - transition_begin, 0) / transition_steps)`
    (`floor` of the exponent with `staircase`), bounded by `end_value`.

    Args:
        init_value: the value until `transition_begin`.
        transition_steps: steps per factor of `decay_rate`.
        decay_rate: the factor, >= 0.
        transition_begin: steps at `init_value` first.
        staircase: decay in whole periods.
        end_value: the bound, or None.

    Returns:
        An `exponential_decay` (schedax's, with optax's shape).

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> schedules.exponential_decay(1.0, 2, 0.5, staircase=True)(jnp.arange(5))
        Array([1.  , 1.  , 0.5 , 0.5 , 0.25], dtype=float32)
    """
    return _exponential(
        "exponential_decay", init_value, transition_steps, decay_rate, transition_begin,
        staircase, end_value,
    )  # fmt: skip


@constructor(init_value=_VALUE, decay_steps=_LENGTH, alpha=_VALUE, exponent=_POWER)
def cosine_decay_schedule(
    init_value: Any, decay_steps: Any, alpha: Any = 0.0, exponent: Any = 1.0
) -> sx.Schedule:
    """optax's `cosine_decay_schedule`: half a cosine from `init_value` to `alpha * init_value`.

    Formula: `init_value * ((1 - alpha) * ((1 + cos(pi * min(t, decay_steps) / decay_steps)) /
    2)**exponent + alpha)`.

    Args:
        init_value: the value at step 0.
        decay_steps: the length of the decay, > 0.
        alpha: the final value as a fraction of `init_value`.
        exponent: the power of the cosine factor, >= 0.

    Returns:
        A `cosine_decay` with `end = alpha * init_value`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> schedules.cosine_decay_schedule(1.0, 4, alpha=0.5)(jnp.arange(0, 6, 2))
        Array([1.  , 0.75, 0.5 ], dtype=float32)
    """
    return sx.cosine_decay(init_value, decay_steps, init_value * alpha, exponent)


@constructor(init_value=_VALUE, peak_value=_VALUE, warmup_steps=_STEPS)
def warmup_constant_schedule(init_value: Any, peak_value: Any, warmup_steps: Any) -> sx.Schedule:
    """optax's `warmup_constant_schedule`: a linear warmup, then `peak_value`.

    optax's quirk kept: `warmup_steps <= 0` stays at `init_value` for ever (with a warning).

    Formula: `init_value + (peak_value - init_value) * min(step, warmup_steps) / warmup_steps`.

    Args:
        init_value: the value at step 0.
        peak_value: the value from `warmup_steps` on.
        warmup_steps: the length of the warmup.

    Returns:
        A `polynomial_decay` with `power=1`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> schedules.warmup_constant_schedule(0.0, 1.0, 2)(jnp.arange(4))
        Array([0. , 0.5, 1. , 1. ], dtype=float32)
    """
    where = "warmup_constant_schedule"
    return _transition(where, init_value, peak_value, 1.0, warmup_steps, 0, arg="warmup_steps")


@constructor(
    init_value=_VALUE, peak_value=_VALUE, warmup_steps=_WARMUP, decay_steps=_STEPS,
    end_value=_VALUE, exponent=_POWER,
)  # fmt: skip
def warmup_cosine_decay_schedule(
    init_value: Any,
    peak_value: Any,
    warmup_steps: Any,
    decay_steps: Any,
    end_value: Any = 0.0,
    exponent: Any = 1.0,
) -> sx.Schedule:
    """optax's `warmup_cosine_decay_schedule`: a linear warmup, then a cosine decay.

    `decay_steps` counts the warmup: the cosine lasts `decay_steps - warmup_steps` steps, which
    must be > 0 (optax raises otherwise). With `peak_value == 0` the decay stays at 0, as optax
    computes `end_value` through `alpha = end_value / peak_value`.

    Formula: `init_value + (peak_value - init_value) * step / warmup_steps` before `warmup_steps`,
    then `end_value + (peak_value - end_value) * ((1 + cos(pi x)) / 2)**exponent` with `x = min(step
    - warmup_steps, D) / D`, `D = decay_steps - warmup_steps`.

    Args:
        init_value: the value at step 0.
        peak_value: the value at step `warmup_steps`.
        warmup_steps: the length of the warmup, >= 0.
        decay_steps: the length of the whole schedule, > `warmup_steps`.
        end_value: the value from `decay_steps` on.
        exponent: the power of the cosine factor, >= 0.

    Returns:
        A `warmup_cosine_decay`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> lr = schedules.warmup_cosine_decay_schedule(0.0, 1.0, 2, 6)
        >>> lr(jnp.arange(0, 8, 2)).round(3)
        Array([0. , 1. , 0.5, 0. ], dtype=float32)
    """
    short = decay_steps - warmup_steps <= 0
    if is_concrete(short) and short:
        raise ValueError(f"warmup_cosine_decay_schedule: decay_steps ({fmt(decay_steps)}) must "
                         f"be > warmup_steps ({fmt(warmup_steps)})")  # fmt: skip
    end = select(peak_value == 0, 0.0, end_value)
    return sx.warmup_cosine_decay(peak_value, warmup_steps, decay_steps, init_value, end, exponent)


@constructor(
    init_value=_VALUE, peak_value=_VALUE, warmup_steps=_WARMUP, transition_steps=_STEPS,
    decay_rate=_VALUE, transition_begin=_STEPS, end_value=Param(optional=True),
)  # fmt: skip
def warmup_exponential_decay_schedule(
    init_value: Any,
    peak_value: Any,
    warmup_steps: Any,
    transition_steps: Any,
    decay_rate: Any,
    transition_begin: Any = 0,
    staircase: bool = False,
    end_value: Any = None,
) -> sx.Schedule:
    """optax's `warmup_exponential_decay_schedule`: a linear warmup, then `exponential_decay`
    counted from the end of the warmup.

    Formula: `init_value + (peak_value - init_value) * step / warmup_steps` before `warmup_steps`,
    then `exponential_decay(peak_value, transition_steps, decay_rate, transition_begin, staircase,
    end_value)(step - warmup_steps)`.

    Args:
        init_value: the value at step 0.
        peak_value: the value at step `warmup_steps`.
        warmup_steps: the length of the warmup, >= 0.
        transition_steps: steps per factor of `decay_rate` (<= 0: the constant `peak_value`).
        decay_rate: the factor, >= 0 (0: the constant `peak_value`).
        transition_begin: steps at `peak_value` after the warmup.
        staircase: decay in whole periods.
        end_value: the bound of the decay, or None.

    Returns:
        A `join_schedules` of a `polynomial_decay` and an `exponential_decay`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> schedules.warmup_exponential_decay_schedule(0.0, 1.0, 2, 1, 0.5)(jnp.arange(5))
        Array([0.  , 0.5 , 1.  , 0.5 , 0.25], dtype=float32)
    """
    where = "warmup_exponential_decay_schedule"
    warmup = _transition(where, init_value, peak_value, 1.0, warmup_steps, 0, announce=False)
    decay = _exponential(
        where, peak_value, transition_steps, decay_rate, transition_begin, staircase, end_value,
        held="peak_value",
    )  # fmt: skip
    return sx.join_schedules([warmup, decay], [warmup_steps])


@constructor
def sgdr_schedule(cosine_kwargs: Iterable[Mapping[str, Any]]) -> sx.Schedule:
    """optax's `sgdr_schedule`: `warmup_cosine_decay_schedule` cycles one after another.

    Each cycle lasts its `decay_steps` and starts at its own step 0.

    Formula: `warmup_cosine_decay_schedule(**cosine_kwargs[i])(step - B_i)` in cycle `i`, `B_i` the
    sum of the earlier cycles' `decay_steps`.

    Args:
        cosine_kwargs: one dict of `warmup_cosine_decay_schedule` arguments per cycle.

    Returns:
        A `join_schedules` of `warmup_cosine_decay` pieces.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> cycle = dict(init_value=0.0, peak_value=1.0, warmup_steps=1, decay_steps=3)
        >>> schedules.sgdr_schedule([cycle, cycle])(jnp.arange(6)).round(3)
        Array([0. , 1. , 0.5, 0. , 1. , 0.5], dtype=float32)
    """
    where = "sgdr_schedule"
    if isinstance(cosine_kwargs, Mapping | str) or not isinstance(cosine_kwargs, Iterable):
        raise TypeError(f"{where}: cosine_kwargs must be a sequence of dicts, got "
                        f"{type(cosine_kwargs).__name__}")  # fmt: skip
    cycles = list(cosine_kwargs)
    if not cycles:
        raise ValueError(f"{where}: cosine_kwargs must hold at least one cycle, got []")
    pieces = []
    for i, kwargs in enumerate(cycles):
        if not isinstance(kwargs, Mapping):
            raise TypeError(f"{where}: cosine_kwargs[{i}] must be a dict of "
                            f"warmup_cosine_decay_schedule arguments, got "
                            f"{type(kwargs).__name__}")  # fmt: skip
        try:
            pieces.append(warmup_cosine_decay_schedule(**kwargs))
        except (TypeError, ValueError) as error:
            said = str(error).removeprefix(f"{where}: ")  # (named once)
            raise type(error)(f"{where}: cosine_kwargs[{i}]: {said}") from None
    ends = list(itertools.accumulate(kwargs["decay_steps"] for kwargs in cycles))
    return sx.join_schedules(pieces, ends[:-1])


_PHASES = "the phase steps (int(pct * transition_steps))"


def _trunc(x: Any) -> Any:
    """`int(x)`, as optax computes its one-cycle steps, or its traced counterpart."""
    return int(x) if is_concrete(x) else jnp.trunc(x)


@constructor(transition_steps=_LENGTH, peak_value=_VALUE, pct_start=_VALUE, pct_final=_VALUE,
             div_factor=_DIVISOR, final_div_factor=_DIVISOR)  # fmt: skip
def linear_onecycle_schedule(
    transition_steps: Any,
    peak_value: Any,
    pct_start: Any = 0.3,
    pct_final: Any = 0.85,
    div_factor: Any = 25.0,
    final_div_factor: Any = 1e4,
) -> sx.Schedule:
    """optax's `linear_onecycle_schedule`: three linear phases.

    From `peak_value / div_factor` up to `peak_value` at step `int(pct_start *
    transition_steps)`, back down at `int(pct_final * transition_steps)`, then to
    `peak_value / div_factor / final_div_factor` at `transition_steps`, held after. Phases
    whose steps coincide replace one another, as in optax's dict.

    Formula: linear through `(0, peak_value / div_factor)`, `(pct_start * T, peak_value)`,
    `(pct_final * T, peak_value / div_factor)`, `(T, peak_value / div_factor / final_div_factor)`
    with `T = transition_steps`, held after.

    Args:
        transition_steps: the length of the cycle, > 0.
        peak_value: the maximum.
        pct_start: the fraction of the cycle spent rising.
        pct_final: the fraction of the cycle at which the second phase ends.
        div_factor: `peak_value` over the initial value.
        final_div_factor: the initial value over the final one.

    Returns:
        A `piecewise_interpolate`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> lr = schedules.linear_onecycle_schedule(10, 1.0, div_factor=10.0)
        >>> [round(float(x), 6) for x in lr(jnp.array([0, 3, 8, 10]))]
        [0.1, 1.0, 0.1, 1e-05]
    """
    t = transition_steps
    steps = [_trunc(pct_start * t), _trunc(pct_final * t), t]
    scales = [div_factor, 1.0 / div_factor, 1.0 / final_div_factor]
    where = "linear_onecycle_schedule"
    return _interpolate(where, _PHASES, "linear", peak_value / div_factor, steps, scales)


@constructor(transition_steps=_LENGTH, peak_value=_VALUE, pct_start=_VALUE, div_factor=_DIVISOR,
             final_div_factor=_DIVISOR)  # fmt: skip
def cosine_onecycle_schedule(
    transition_steps: Any,
    peak_value: Any,
    pct_start: Any = 0.3,
    div_factor: Any = 25.0,
    final_div_factor: Any = 1e4,
) -> sx.Schedule:
    """optax's `cosine_onecycle_schedule`: up to `peak_value` and down, along half cosines.

    From `peak_value / div_factor` up to `peak_value` at step `int(pct_start *
    transition_steps)`, then down to `peak_value / (div_factor * final_div_factor)` at step
    `int(transition_steps)`, held after. torch's `OneCycleLR` (`sx.one_cycle`) reaches each
    phase's end one step earlier.

    Formula: with `a = peak_value / div_factor`, `u = int(pct_start * transition_steps)`, `T =
    int(transition_steps)`: `a + (peak_value - a) * (1 - cos(pi step / u)) / 2` up to `u`, then from
    `peak_value` down to `a / final_div_factor` along half a cosine at `T`, held after.

    Args:
        transition_steps: the length of the cycle, > 0.
        peak_value: the maximum.
        pct_start: the fraction of the cycle spent rising.
        div_factor: `peak_value` over the initial value.
        final_div_factor: the initial value over the final one.

    Returns:
        A `piecewise_interpolate` with cosine interpolation.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> lr = schedules.cosine_onecycle_schedule(10, 1.0, div_factor=10.0)
        >>> [round(float(x), 4) for x in lr(jnp.array([0, 3, 10]))]
        [0.1, 1.0, 0.0]
    """
    t = transition_steps
    steps = [_trunc(pct_start * t), _trunc(t)]
    scales = [div_factor, 1.0 / (div_factor * final_div_factor)]
    where = "cosine_onecycle_schedule"
    return _interpolate(where, _PHASES, "cosine", peak_value / div_factor, steps, scales)


@constructor
def join_schedules(schedules: Sequence[Callable[[Any], Any]], boundaries: Any) -> sx.Schedule:
    """optax's `join_schedules`: each schedule from its boundary on, counting from there.

    Schedule `i + 1` is active from `step >= boundaries[i]` and sees `step - boundaries[i]`;
    where boundaries are out of order, a later schedule wins from its boundary on, as in optax.
    Pieces may be schedax schedules or plain callables (optax's own schedules, lambdas), which
    get integer local steps for integer steps. As in optax, extra schedules or boundaries are
    ignored (with a warning).

    Formula: with `b_0 = 0`: `schedules[i](step - b_i)` for the last `b_i <= step`.

    Args:
        schedules: one or more schedules or callables `step -> value`.
        boundaries: `len(schedules) - 1` steps, >= 0.

    Returns:
        A `join_schedules`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import optax as schedules
        >>> warmup = schedules.linear_schedule(0.0, 1.0, 2)
        >>> lr = schedules.join_schedules([warmup, schedules.constant_schedule(0.5)], [2])
        >>> lr(jnp.arange(4))
        Array([0. , 0.5, 0.5, 0.5], dtype=float32)
    """
    where = "join_schedules"
    if callable(schedules) or not isinstance(schedules, Sequence):
        raise TypeError(f"{where}: schedules must be a sequence of schedules, got "
                        f"{type(schedules).__name__}")  # fmt: skip
    pieces = list(schedules)
    if not pieces:  # the core join says what is wrong
        return sx.join_schedules(pieces, boundaries)
    bounds = Steps(ordered=False)(where, "boundaries", boundaries)
    used = min(len(pieces) - 1, bounds.shape[0])
    if used != len(pieces) - 1 or used != bounds.shape[0]:
        warn(f"{where}: got {len(pieces)} schedules and {bounds.shape[0]} boundaries; as "
              f"optax, only the first {used + 1} schedules and {used} boundaries are "
              "used")  # fmt: skip
    # A later schedule wins from its boundary on: a boundary beyond a later one is never
    # reached, and the running minimum from the right says so in order.
    bounds = jax.lax.cummin(bounds[:used], reverse=True) if used else bounds[:0]
    return sx.join_schedules(pieces[: used + 1], bounds)
