"""Cycles: cosine with warm restarts (SGDR), cyclic (torch `CyclicLR`), one-cycle."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ._base import (
    Array,
    Schedule,
    _fmt,
    anneal,
    as_length,
    as_nonnegative,
    as_param,
    as_positive,
    count,
    find_piece,
    half_cosine,
    is_concrete,
    linear,
    param,
    positive,
    require,
    static,
)


def restart_cycle(t: Array, period: Array, mult: Array) -> tuple[Array, Array, Array]:
    """Cycle `i` of step `t` when cycle `i` lasts `period * mult**i`: `(i, t - start, length)`.

    Equal cycles (`mult == 1`) use `fmod`, exact even at steps near 2**31 in float32. Growing
    ones invert the geometric sum with a logarithm, corrected by one cycle either way where
    rounding put a step on the wrong side of a start. Each branch gets safe inputs when the
    other is selected, so neither overflows nor leaks a NaN gradient.
    """
    period = positive(period)
    mult = jnp.maximum(mult, 1)
    geometric = mult > 1
    # mult == 1: cycles of `period`.
    flat_i = jnp.floor(t / period)
    flat_position = jnp.fmod(t, period)
    # mult > 1: cycle i starts at period * (m**i - 1) / (m - 1).
    m = jnp.where(geometric, mult, 2)
    tg = jnp.where(geometric, t, 0)

    def start(i: Array) -> Array:
        return period * (m**i - 1) / (m - 1)

    i = jnp.maximum(jnp.floor(jnp.log1p(tg * (m - 1) / period) / jnp.log(m)), 0)
    i = jnp.where(tg < start(i), i - 1, i)
    i = jnp.where(tg >= start(i + 1), i + 1, i)
    return (
        jnp.where(geometric, i, flat_i),
        jnp.where(geometric, tg - start(i), flat_position),
        jnp.where(geometric, period * m**i, period),
    )


class _CosineRestarts(Schedule, name="cosine_restarts"):
    init: Array = param()
    period: Array = count()
    period_mult: Array = param()
    peak_mult: Array = param()
    end: Array = param()

    def _value(self, t: Array) -> Array:
        i, position, length = restart_cycle(
            t, self.period.astype(t.dtype), self.period_mult.astype(t.dtype)
        )
        peak = self.init.astype(t.dtype) * jnp.maximum(self.peak_mult.astype(t.dtype), 0) ** i
        return anneal(peak, self.end, position, length, half_cosine)


def cosine_restarts(
    init: Any, period: Any, period_mult: Any = 1.0, peak_mult: Any = 1.0, end: Any = 0.0
) -> Schedule:
    """Cosine annealing with warm restarts (SGDR; torch's `CosineAnnealingWarmRestarts`).

    Cycle `i` lasts `period * period_mult**i` steps and decays along half a cosine from
    `init * peak_mult**i` to `end`; the next cycle restarts at its peak.

    Formula: within cycle `i`, at step `s` of its length `T_i`:
    `end + (init * peak_mult**i - end) * (1 + cos(pi * s / T_i)) / 2`.

    Args:
        init: the value at the start of the first cycle.
        period: the length of the first cycle in steps, > 0. A traced value is clamped to > 0.
        period_mult: the growth of each cycle's length, >= 1. A traced value is clamped to >= 1.
        peak_mult: the factor on each cycle's peak, >= 0. A traced value is clamped to >= 0.
        end: the value each cycle decays to.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.cosine_restarts(1.0, 2, period_mult=2.0)(jnp.array([0, 1, 2, 4, 6])).round(3)
        Array([1. , 0.5, 1. , 0.5, 1. ], dtype=float32)
    """
    fn = "cosine_restarts"
    period_mult = as_param(fn, "period_mult", period_mult)
    require(fn, "period_mult", period_mult, lambda v: v >= 1, ">= 1")
    return _CosineRestarts(
        init=as_param(fn, "init", init),
        period=as_length(fn, "period", period),
        period_mult=period_mult,
        peak_mult=as_nonnegative(fn, "peak_mult", peak_mult),
        end=as_param(fn, "end", end),
    )


class _Cyclic(Schedule, name="cyclic"):
    base: Array = param()
    peak: Array = param()
    step_size_up: Array = count()
    step_size_down: Array = count()
    mode: str = static()
    gamma: Array = param()

    def _value(self, t: Array) -> Array:
        up = positive(self.step_size_up.astype(t.dtype))
        down = positive(self.step_size_down.astype(t.dtype))
        total = up + down
        cycle = jnp.floor(t / total)
        position = jnp.fmod(t, total)  # exact, even near 2**31 in float32
        scale = jnp.where(position <= up, position / up, (total - position) / down)
        base, peak = self.base.astype(t.dtype), self.peak.astype(t.dtype)
        if self.mode == "triangular2":
            scale = scale / 2**cycle
        elif self.mode == "exp_range":
            scale = scale * positive(self.gamma.astype(t.dtype)) ** t
        return base + (peak - base) * scale


def cyclic(
    base: Any,
    peak: Any,
    step_size_up: Any,
    step_size_down: Any = None,
    mode: str = "triangular",
    gamma: Any = 1.0,
) -> Schedule:
    """A triangular wave between `base` and `peak` (torch's `CyclicLR`, values included).

    Each cycle rises linearly from `base` to `peak` over `step_size_up` steps and falls back
    over `step_size_down` (default: the same). The amplitude is scaled per mode: "triangular"
    by 1, "triangular2" by `1 / 2**cycle` (halved every cycle), "exp_range" by `gamma**step`.

    Args:
        base: the lower end of the wave.
        peak: the upper end of the first cycle.
        step_size_up: steps from `base` to `peak`, > 0. A traced value is clamped to > 0.
        step_size_down: steps back down, > 0, or None for `step_size_up`.
        mode: "triangular", "triangular2" or "exp_range".
        gamma: the per-step factor of "exp_range", > 0.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.cyclic(0.0, 1.0, 2, mode="triangular2")(jnp.arange(9))
        Array([0.  , 0.5 , 1.  , 0.5 , 0.  , 0.25, 0.5 , 0.25, 0.  ], dtype=float32)
    """
    fn = "cyclic"
    modes = ("triangular", "triangular2", "exp_range")
    if mode not in modes:
        raise ValueError(f"{fn}: mode must be one of {modes}, got {mode!r}")
    up = as_length(fn, "step_size_up", step_size_up)
    down = up if step_size_down is None else as_length(fn, "step_size_down", step_size_down)
    return _Cyclic(
        base=as_param(fn, "base", base),
        peak=as_param(fn, "peak", peak),
        step_size_up=up,
        step_size_down=down,
        mode=mode,
        gamma=as_positive(fn, "gamma", gamma),
    )


class _OneCycle(Schedule, name="one_cycle"):
    peak: Array = param()
    total_steps: Array = count()
    pct_start: Array = param()
    div_factor: Array = param()
    final_div_factor: Array = param()
    anneal: str = static()
    three_phase: bool = static()

    def _value(self, t: Array) -> Array:
        total = positive(self.total_steps.astype(t.dtype))
        pct = jnp.clip(self.pct_start.astype(t.dtype), 0, 1)
        peak = self.peak.astype(t.dtype)
        initial = peak / positive(self.div_factor.astype(t.dtype))
        low = initial / positive(self.final_div_factor.astype(t.dtype))
        # torch's phases: each ends on a step (pct * total - 1, ...), the next starts there.
        if self.three_phase:
            ends = jnp.stack([pct * total - 1, 2 * pct * total - 2, total - 1])
            values = jnp.stack([initial, peak, initial, low])
        else:
            ends = jnp.stack([pct * total - 1, total - 1])
            values = jnp.stack([initial, peak, low])
        starts = jnp.concatenate([jnp.zeros((1,), t.dtype), ends[:-1]])
        phase = find_piece(ends[:-1], t, inclusive=False)  # the first phase with t <= its end
        shape = half_cosine if self.anneal == "cos" else linear
        start, length = starts[phase], ends[phase] - starts[phase]
        return anneal(values[phase], values[phase + 1], t - start, length, shape)


def one_cycle(
    peak: Any,
    total_steps: Any,
    pct_start: Any = 0.3,
    div_factor: Any = 25.0,
    final_div_factor: Any = 1e4,
    anneal: str = "cos",
    three_phase: bool = False,
) -> Schedule:
    """The 1cycle policy (torch's `OneCycleLR`, values included; held after the last step).

    From `peak / div_factor` up to `peak` until step `pct_start * total_steps - 1`, then down
    to `peak / div_factor / final_div_factor` at step `total_steps - 1`; with `three_phase`,
    back down to `peak / div_factor` at step `2 * pct_start * total_steps - 2` first. Each
    phase follows half a cosine ("cos") or a line ("linear"). torch raises past
    `total_steps`; this holds the final value.

    Args:
        peak: the maximum learning rate.
        total_steps: the length of the cycle in steps, > 0.
        pct_start: the fraction of the cycle spent rising, in (0, 1), with at least one step
            per phase.
        div_factor: `peak / initial lr`, > 0.
        final_div_factor: `initial lr / final lr`, > 0.
        anneal: "cos" or "linear".
        three_phase: the three-phase variant.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> lr = sx.one_cycle(1.0, 10, pct_start=0.3, div_factor=10.0, anneal="linear")
        >>> [round(float(x), 5) for x in lr(jnp.array([0, 1, 2, 9]))]
        [0.1, 0.55, 1.0, 1e-05]
    """
    fn = "one_cycle"
    if anneal not in ("cos", "linear"):
        raise ValueError(f"{fn}: anneal must be one of ('cos', 'linear'), got {anneal!r}")
    total_steps = as_length(fn, "total_steps", total_steps)
    pct_start = as_param(fn, "pct_start", pct_start)
    require(fn, "pct_start", pct_start, lambda v: (v > 0) & (v < 1), "in (0, 1)")
    if is_concrete(total_steps) and is_concrete(pct_start):
        rise = float(pct_start) * float(total_steps) - 1
        phases = (
            [rise, 2 * rise, float(total_steps) - 1]
            if three_phase
            else [rise, float(total_steps) - 1]
        )
        if not all(b > a for a, b in zip([0.0, *phases[:-1]], phases, strict=True)):
            raise ValueError(
                f"{fn}: pct_start ({_fmt(pct_start)}) and total_steps ({_fmt(total_steps)}) "
                "leave a phase without steps; need 0 < pct_start * total_steps - 1 "
                "< total_steps - 1" + (" and 2 * pct_start < 1" if three_phase else "")
            )
    return _OneCycle(
        peak=as_param(fn, "peak", peak),
        total_steps=total_steps,
        pct_start=pct_start,
        div_factor=as_positive(fn, "div_factor", div_factor),
        final_div_factor=as_positive(fn, "final_div_factor", final_div_factor),
        anneal=anneal,
        three_phase=bool(three_phase),
    )
