"""Cycles: cosine with warm restarts (SGDR), cyclic (torch `CyclicLR`), one-cycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ._base import Schedule
from ._numerics import (
    anneal,
    find_piece,
    floor_div,
    half_cosine,
    linear,
    one_minus_power,
    positive,
    power_of,
    tanh_weight,
)
from ._numerics import length as steps_length
from ._rules import constructor, count, flag, option, param
from ._tanh import check_tanh
from ._util import Array, fmt

Curve = tuple[Callable[[Array], Array], Callable[[Array], Array] | None]


def restart_cycle(t: Array, period: Array, mult: Array) -> tuple[Array, Array, Array]:
    """Cycle `i` of step `t` when cycle `i` lasts `period * mult**i`: `(i, t - start, length)`.

    Equal cycles (`mult == 1`) are counted exactly (`floor_div`), even at steps near 2**31 in
    float32. Growing ones invert the geometric sum with a logarithm, corrected by one cycle
    either way where rounding put a step on the wrong side of a start; with whole `period` and
    `mult`, the starts are whole numbers and the comparisons with them exact (`minus_product`)
    for every step the float holds, past 2**24 in float32 too. Each branch gets safe inputs
    when the other is selected, so neither overflows nor leaks a NaN gradient.
    """
    period = steps_length(period)
    mult = jnp.maximum(mult, 1)
    geometric = mult > 1
    flat_i, flat_position = floor_div(t, period)  # mult == 1: cycles of `period`
    # mult > 1: cycle i starts at period * q_i, q_i = (m**i - 1) / (m - 1) = 1 + m + ... + m**(i-1)
    m = jnp.where(geometric, mult, 2)
    whole = m == jnp.round(m)
    tg = jnp.where(geometric, t, 0)

    def q(i: Array) -> Array:
        power = m**i
        power = jnp.where(whole, jnp.round(power), power)
        sum_ = (power - 1) / (m - 1)
        return jnp.where(whole, jnp.round(sum_), sum_)

    i = jnp.maximum(jnp.floor(jnp.log1p(tg * (m - 1) / period) / jnp.log(m)), 0)
    i = jnp.where(minus_product(tg, period, q(i)) < 0, i - 1, i)
    i = jnp.where(minus_product(tg, period, q(i + 1)) >= 0, i + 1, i)
    return (
        jnp.where(geometric, i, flat_i),
        jnp.where(geometric, minus_product(tg, period, q(i)), flat_position),
        jnp.where(geometric, period * m**i, period),
    )


def minus_product(t: Array, a: Array, b: Array) -> Array:
    """`t - a * b`, exact for whole numbers the float holds (below 2**24 in float32 for `a`
    and `b`) whenever the result is: `a` and `b` are split into halves of 12 bits, whose
    products are exact, and subtracted from `t` largest first."""
    unit = 4096.0  # 2**12: a product of two 12-bit halves fits float32's 24 bits
    a_hi, b_hi = jnp.floor(a / unit) * unit, jnp.floor(b / unit) * unit
    a_lo, b_lo = a - a_hi, b - b_hi
    return t - a_hi * b_hi - a_hi * b_lo - a_lo * b_hi - a_lo * b_lo


@constructor
def cosine_restarts(
    init: float,
    period: float,
    period_mult: float = 1.0,
    peak_mult: float = 1.0,
    end: float = 0.0,
    scale: str = "peak",
) -> Schedule:
    """Cosine annealing with warm restarts (SGDR; torch's `CosineAnnealingWarmRestarts`).

    Cycle `i` lasts `period * period_mult**i` steps and decays along half a cosine from its
    peak to `end`; the next cycle restarts at its own peak. The peaks shrink by `peak_mult`
    per cycle: with `scale="peak"` (torch, optax) the peak is `init * peak_mult**i`; with
    `scale="range"` (Keras's `CosineDecayRestarts`) the height above `end` is scaled, so the
    peak is `end + (init - end) * peak_mult**i`.

    Formula: within cycle `i`, at step `s` of its length `T_i`:
    `end + (peak_i - end) * (1 + cos(pi * s / T_i)) / 2`.

    Args:
        init: the value at the start of the first cycle.
        period: the length of the first cycle in steps, > 0. A traced value is clamped to > 0.
        period_mult: the growth of each cycle's length, >= 1. A traced value is clamped to >= 1.
        peak_mult: the factor on each cycle's peak, >= 0. A traced value is clamped to >= 0.
        end: the value each cycle decays to.
        scale: what `peak_mult` scales: "peak" or "range".

    Returns:
        A `restarts` of cosine shape.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.cosine_restarts(1.0, 2, period_mult=2.0)(jnp.array([0, 1, 2, 4, 6])).round(3)
        Array([1. , 0.5, 1. , 0.5, 1. ], dtype=float32)
    """
    return restarts(init, period, "cosine", period_mult, peak_mult, end, scale=scale)


class _MomentumCycle:
    """`base_momentum` and `max_momentum` fields for a `momentum` schedule (torch's
    `cycle_momentum`): both or neither (None: no momentum cycle); they do not set the
    learning rate's dtype."""

    _untyped = ("base_momentum", "max_momentum")

    def _check(self) -> None:
        if (self.base_momentum is None) != (self.max_momentum is None):
            got = ", ".join(f"{{{i}}}={fmt(self._raw[f])}" for i, f in enumerate(self._untyped))
            raise self._invalid(f"{{0}} and {{1}} go together (both or neither), got {got}",
                                *self._untyped)  # fmt: skip


def _cycled(s: cyclic | one_cycle) -> None:
    if s.base_momentum is None:  # an AttributeError: hasattr(s, "momentum") is False
        raise AttributeError(f"{s._name} has no momentum: base_momentum and max_momentum are "
                             "None (torch's cycle_momentum=False); give both for a momentum "
                             "cycle")  # fmt: skip


class cyclic(_MomentumCycle, Schedule):
    """A triangular wave between `base` and `peak` (torch's `CyclicLR`, values included).

    Each cycle rises linearly from `base` to `peak` over `step_size_up` steps and falls back
    over `step_size_down` (default: the same). The amplitude is scaled per mode: "triangular"
    by 1, "triangular2" by `1 / 2**cycle` (halved every cycle), "exp_range" by `gamma**step`.
    Cycles are counted exactly.

    Formula: with `u = step_size_up`, `T = u + step_size_down`, cycle `c = floor(step / T)` and `x =
    step - c * T`: `h = x / u` rising, `1 - (x - u) / (T - u)` falling; `lr = base + (peak - base) *
    h * scale`, `scale = 1` (triangular), `1 / 2**c` (triangular2), `gamma**step` (exp_range).

    Args:
        base: the lower end of the wave.
        peak: the upper end of the first cycle.
        step_size_up: steps from `base` to `peak`, > 0. A traced value is clamped to > 0.
        step_size_down: steps back down, > 0, or None for `step_size_up` (0 through
            `compat.torch`, as torch takes it: a sawtooth).
        mode: "triangular", "triangular2" or "exp_range".
        gamma: the per-step factor of "exp_range", >= 0.
        base_momentum: the momentum at `peak`, for `momentum` (torch's default).
        max_momentum: the momentum at `base`, for `momentum` (torch's default).

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.cyclic(0.0, 1.0, 2, mode="triangular2")(jnp.arange(9))
        Array([0.  , 0.5 , 1.  , 0.5 , 0.  , 0.25, 0.5 , 0.25, 0.  ], dtype=float32)
    """

    base: Array = param()
    peak: Array = param()
    step_size_up: Array = count(gt=0)
    step_size_down: Array | None = count(default=None, optional=True, gt=0, policy=True)
    mode: str = option(("triangular", "triangular2", "exp_range"), default="triangular")
    gamma: Array = param(default=1.0, ge=0)
    base_momentum: Array | None = param(default=0.8, optional=True)
    max_momentum: Array | None = param(default=0.9, optional=True)

    @property
    def momentum(self) -> cyclic:
        """torch's momentum cycle: from `max_momentum` down to `base_momentum` as the learning
        rate rises, and back, with the same scaling (`max_momentum - (max_momentum -
        base_momentum) * scale`): a `cyclic` from `max_momentum` to `base_momentum`."""
        _cycled(self)
        return cyclic._build(base=self.max_momentum, peak=self.base_momentum,
                             step_size_up=self.step_size_up, step_size_down=self.step_size_down,
                             mode=self.mode, gamma=self.gamma, base_momentum=None,
                             max_momentum=None)  # fmt: skip

    def _value(self, t: Array) -> Array:
        up = steps_length(self.step_size_up.astype(t.dtype))
        # No way down (0, as torch takes it through compat): a sawtooth.
        down = up if self.step_size_down is None else jnp.maximum(self.step_size_down, 0)
        down = down.astype(t.dtype)
        total = up + down
        cycle, position = floor_div(t, total)
        fall = (total - position) / jnp.where(down > 0, down, 1)
        scale = jnp.where(position <= up, position / up, fall)
        base, peak = self.base.astype(t.dtype), self.peak.astype(t.dtype)
        if self.mode == "triangular2":
            scale = scale / 2**cycle
        elif self.mode == "exp_range":
            scale = scale * power_of(jnp.maximum(self.gamma.astype(t.dtype), 0), t)
        return base + (peak - base) * scale


class one_cycle(_MomentumCycle, Schedule):
    """The 1cycle policy (torch's `OneCycleLR`, values included; held after the last step).

    From `peak / div_factor` up to `peak` until step `pct_start * total_steps - 1`, then down
    to `peak / div_factor / final_div_factor` at step `total_steps - 1`; with `three_phase`,
    back down to `peak / div_factor` at step `2 * pct_start * total_steps - 2` first. Each
    phase follows half a cosine ("cos") or a line ("linear"). torch raises past
    `total_steps`; this holds the final value.

    Formula: with `a = peak / div_factor`, `z = a / final_div_factor`, `u = pct_start * total_steps
    - 1` and `f(x0, x1, p) = x1 + (x0 - x1) * (1 + cos(pi p)) / 2` (`"linear"`: `x0 + (x1 - x0) p`):
    `f(a, peak, step / u)` up to `u`, then `f(peak, z, (step - u) / (total_steps - 1 - u))`; with
    `three_phase`, `f(peak, a, .)` up to `2u` and `f(a, z, .)` after.

    Args:
        peak: the maximum learning rate.
        total_steps: the length of the cycle in steps, > 0.
        pct_start: the fraction of the cycle spent rising, in [0, 1]. As in torch, a phase
            may end before step 0 (`pct_start * total_steps < 1`): the next one then starts
            from there.
        div_factor: `peak / initial lr`, > 0.
        final_div_factor: `initial lr / final lr`, > 0.
        anneal: "cos" or "linear".
        three_phase: the three-phase variant.
        base_momentum: the momentum at the peak, for `momentum` (torch's default).
        max_momentum: the momentum at the start and the end, for `momentum` (torch's default).

    Returns:
        A `Schedule`; its `momentum` is the matching `one_cycle_momentum`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> lr = sx.one_cycle(1.0, 10, pct_start=0.3, div_factor=10.0, anneal="linear")
        >>> [round(float(x), 5) for x in lr(jnp.array([0, 1, 2, 9]))]
        [0.1, 0.55, 1.0, 1e-05]
    """

    peak: Array = param()
    total_steps: Array = count(gt=0)
    pct_start: Array = param(default=0.3, ge=0, le=1)
    div_factor: Array = param(default=25.0, gt=0)
    final_div_factor: Array = param(default=1e4, gt=0)
    anneal: str = option(("cos", "linear"), default="cos")
    three_phase: bool = flag(default=False)
    base_momentum: Array | None = param(default=0.85, optional=True)
    max_momentum: Array | None = param(default=0.95, optional=True)

    @property
    def momentum(self) -> one_cycle_momentum:
        """torch's momentum cycle (`cycle_momentum=True`): from `max_momentum` down to
        `base_momentum` while the learning rate rises, back up while it falls (with
        `three_phase`: up in the second phase, held in the third), in the same phases."""
        _cycled(self)
        # Its fields are this schedule's, checked already (or stacked, or traced).
        return one_cycle_momentum._build(
            **{f: getattr(self, f) for f, *_ in one_cycle_momentum._fields}
        )

    def _value(self, t: Array) -> Array:
        peak = self.peak.astype(t.dtype)
        initial = peak / positive(self.div_factor.astype(t.dtype))
        low = initial / positive(self.final_div_factor.astype(t.dtype))
        values = [initial, peak, initial, low] if self.three_phase else [initial, peak, low]
        return _phases(self, t, values)


class one_cycle_momentum(Schedule):
    """The momentum of the 1cycle policy (torch's `OneCycleLR` with `cycle_momentum=True`).

    In `one_cycle`'s phases (same `total_steps`, `pct_start`, `anneal`, `three_phase`): from
    `max_momentum` down to `base_momentum` while the learning rate rises, then back up to
    `max_momentum`; with `three_phase`, back up in the second phase and held in the third.
    Usually read from a `one_cycle` as `schedule.momentum`, for SGD's `momentum` or Adam's `b1`.

    Formula: `f(max_momentum, base_momentum, p)` in `one_cycle`'s first phase and `f(base_momentum,
    max_momentum, p)` in its second (held in a third), with `one_cycle`'s `f` and phases.

    Args:
        total_steps: the length of the cycle in steps, > 0.
        base_momentum: the momentum at the learning rate's peak.
        max_momentum: the momentum at the start and the end.
        pct_start: the fraction of the cycle spent rising, in [0, 1].
        anneal: "cos" or "linear".
        three_phase: the three-phase variant.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> lr = sx.one_cycle(1.0, 10, pct_start=0.3, anneal="linear")
        >>> [round(float(m), 4) for m in lr.momentum(jnp.array([0, 1, 2, 9]))]
        [0.95, 0.9, 0.85, 0.95]
    """

    total_steps: Array = count(gt=0)
    base_momentum: Array = param(default=0.85)
    max_momentum: Array = param(default=0.95)
    pct_start: Array = param(default=0.3, ge=0, le=1)
    anneal: str = option(("cos", "linear"), default="cos")
    three_phase: bool = flag(default=False)

    def _value(self, t: Array) -> Array:
        low, high = self.base_momentum.astype(t.dtype), self.max_momentum.astype(t.dtype)
        return _phases(self, t, [high, low, high, high] if self.three_phase else [high, low, high])


def _phases(s: one_cycle | one_cycle_momentum, t: Array, values: list[Array]) -> Array:
    """torch's 1cycle phases: each ends on a step (`pct * total - 1`, ...) and the next starts
    there; phase `i` anneals from `values[i]` to `values[i + 1]`; held after the last step."""
    total = steps_length(s.total_steps.astype(t.dtype))
    pct = jnp.clip(s.pct_start.astype(t.dtype), 0, 1)
    t = jnp.minimum(t, jnp.maximum(total - 1, 0))
    if s.three_phase:
        ends = jnp.stack([pct * total - 1, 2 * pct * total - 2, total - 1])
    else:
        ends = jnp.stack([pct * total - 1, total - 1])
    # The first phase with t <= its end, and where it starts.
    phase, start = find_piece(ends[:-1], t, inclusive=False)
    shape = half_cosine if s.anneal == "cos" else linear
    table = jnp.stack(values)
    return anneal(table[phase], table[phase + 1], t - start, ends[phase] - start, shape)


# shape -> (rise, fall) for `anneal` from a cycle's peak to `end`: the weight of `end` after a
# fraction x of the cycle, the weight of the peak with a fraction x left
def _cosine_curve(s: restarts, dtype: Any) -> Curve:
    return half_cosine, None  # (1 - cos(pi x)) / 2 both ways


def _tanh_curve(s: restarts, dtype: Any) -> Curve:
    lower, upper = s.lower.astype(dtype), s.upper.astype(dtype)
    return lambda x: tanh_weight(x, -lower, -upper), lambda x: tanh_weight(1 - x, lower, upper)


def _polynomial_curve(s: restarts, dtype: Any) -> Curve:
    power = jnp.maximum(s.power.astype(dtype), 0)
    return lambda x: one_minus_power(x, power), lambda x: power_of(x, power)


RESTART_SHAPES = {"cosine": _cosine_curve, "tanh": _tanh_curve, "polynomial": _polynomial_curve}


class restarts(Schedule):
    """Decay cycles with warm restarts, of any shape (timm's cosine, tanh and poly schedulers).

    Cycle `i` lasts `period * period_mult**i` steps; it starts at its peak, `init *
    peak_mult**i` (with `scale="range"`, Keras's: `end + (init - end) * peak_mult**i`), and
    decays towards `end` along `shape`; after `limit` cycles the value is `end`. The progress
    through a cycle is warped by `warp` (timm's `k_decay`): `x = (s / T_i)**warp` at step `s`
    of a cycle of `T_i` steps. `offset` steps of the curve are already done at step 0.

    Formula: `end + (peak_i - end) * w(x)`, where `w` is, by `shape`:
    "cosine" `(1 + cos(pi x)) / 2`; "tanh" `(1 - tanh(lower * (1 - x) + upper * x)) / 2`;
    "polynomial" `(1 - x)**power`.

    Args:
        init: the peak of the first cycle.
        period: the length of the first cycle in steps, > 0. A traced value is clamped to > 0.
        shape: "cosine", "tanh" or "polynomial".
        period_mult: the growth of each cycle's length, >= 1. A traced value is clamped to >= 1.
        peak_mult: the factor on each cycle's peak, >= 0. A traced value is clamped to >= 0.
        end: the value each cycle decays towards, and the value after `limit` cycles.
        limit: the number of cycles, >= 0 (cycle `i` runs while `i < limit`), or None.
        warp: the exponent on the progress through a cycle, >= 0 (0: `end` throughout).
        power: the polynomial's exponent, >= 0 (`shape="polynomial"`).
        lower: the tanh argument at the start of a cycle (`shape="tanh"`), < `upper`.
        upper: the tanh argument at its end (`shape="tanh"`).
        offset: the steps of the curve done at step 0, >= 0.
        scale: what `peak_mult` scales: "peak" or "range".

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.restarts(1.0, 4, "polynomial", limit=2)(jnp.arange(0, 10, 2))
        Array([1. , 0.5, 1. , 0.5, 0. ], dtype=float32)
    """

    init: Array = param()
    period: Array = count(gt=0)
    shape: str = option(tuple(RESTART_SHAPES), default="cosine")
    period_mult: Array = param(default=1.0, ge=1)
    peak_mult: Array = param(default=1.0, ge=0)
    end: Array = param(default=0.0)
    limit: Array | None = count(default=None, optional=True, ge=0)
    warp: Array = param(default=1.0, ge=0)
    power: Array = param(default=1.0, ge=0)
    lower: Array = param(default=-7.0)
    upper: Array = param(default=3.0)
    offset: Array = count(default=0, ge=0)
    scale: str = option(("peak", "range"), default="peak", kw_only=True)

    def _check(self) -> None:
        if self.shape == "tanh":
            check_tanh(self)

    def _value(self, t: Array) -> Array:
        t = t + jnp.maximum(self.offset.astype(t.dtype), 0)
        i, position, length = restart_cycle(
            t, self.period.astype(t.dtype), self.period_mult.astype(t.dtype)
        )
        warp = jnp.maximum(self.warp.astype(t.dtype), 0)
        warped = power_of(jnp.clip(position / length, 0, 1), warp) * length
        position = jnp.where(warp == 1, position, warped)  # exact without a warp
        shrink = power_of(jnp.maximum(self.peak_mult.astype(t.dtype), 0), i)
        init, end = self.init.astype(t.dtype), self.end.astype(t.dtype)
        peak = init * shrink if self.scale == "peak" else end + (init - end) * shrink
        value = anneal(peak, end, position, length, *RESTART_SHAPES[self.shape](self, t.dtype))
        if self.limit is None:
            return value
        return jnp.where(i < self.limit.astype(t.dtype), value, end)
