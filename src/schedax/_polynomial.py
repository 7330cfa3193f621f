"""Power-law decays: polynomial, inverse time, inverse square root."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ._base import (
    Array,
    Schedule,
    anneal,
    as_length,
    as_nonnegative,
    as_param,
    as_positive,
    count,
    linear,
    param,
    positive,
    static,
)


class _PolynomialDecay(Schedule, name="polynomial_decay"):
    init: Array = param()
    end: Array = param()
    decay_steps: Array = count()
    power: Array = param()

    def _value(self, t: Array) -> Array:
        power = positive(self.power.astype(t.dtype))

        def rise(done: Array) -> Array:  # 1 - (1 - done)**power, accurate for small done
            safe = jnp.where(done < 1, done, 0)
            return jnp.where(done < 1, -jnp.expm1(power * jnp.log1p(-safe)), 1)

        return anneal(self.init, self.end, t, self.decay_steps, rise, lambda x: power_of(x, power))


def power_of(left: Array, power: Array) -> Array:
    """`left**power` for `left` in [0, 1], with a finite gradient at `left = 0`."""
    safe = jnp.where(left > 0, left, 1)
    return jnp.where(left > 0, safe**power, 0)


def polynomial_decay(init: Any, end: Any, decay_steps: Any, power: Any = 1.0) -> Schedule:
    """Polynomial decay from `init` to `end` over `decay_steps` (optax, Keras without cycle).

    Formula: `lr(step) = end + (init - end) * (1 - min(step, decay_steps) / decay_steps)**power`.

    Args:
        init: the value at step 0.
        end: the value from step `decay_steps` on.
        decay_steps: the length of the decay in steps, > 0. A traced value is clamped to > 0.
        power: the exponent, > 0 (1 is linear). A traced value is clamped to > 0.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.polynomial_decay(1.0, 0.0, 4, power=2.0)(jnp.arange(5))
        Array([1.    , 0.5625, 0.25  , 0.0625, 0.    ], dtype=float32)
    """
    fn = "polynomial_decay"
    return _PolynomialDecay(
        init=as_param(fn, "init", init),
        end=as_param(fn, "end", end),
        decay_steps=as_length(fn, "decay_steps", decay_steps),
        power=as_positive(fn, "power", power),
    )


class _InverseTimeDecay(Schedule, name="inverse_time_decay"):
    init: Array = param()
    decay_rate: Array = param()
    decay_steps: Array = count()
    staircase: bool = static()

    def _value(self, t: Array) -> Array:
        periods = t / positive(self.decay_steps.astype(t.dtype))
        if self.staircase:
            periods = jnp.floor(periods)
        rate = jnp.maximum(self.decay_rate.astype(t.dtype), 0)
        return self.init.astype(t.dtype) / (1 + rate * periods)


def inverse_time_decay(
    init: Any, decay_rate: Any, decay_steps: Any, staircase: bool = False
) -> Schedule:
    """Inverse time decay (Keras's `InverseTimeDecay`).

    Formula: `lr(step) = init / (1 + decay_rate * step / decay_steps)`, with
    `floor(step / decay_steps)` when `staircase`.

    Args:
        init: the value at step 0.
        decay_rate: >= 0. A traced value is clamped to >= 0.
        decay_steps: the time scale in steps, > 0. A traced value is clamped to > 0.
        staircase: decay in whole periods of `decay_steps`.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.inverse_time_decay(1.0, 1.0, 2)(jnp.arange(0, 8, 2))
        Array([1.        , 0.5       , 0.33333334, 0.25      ], dtype=float32)
    """
    fn = "inverse_time_decay"
    if not isinstance(staircase, bool):
        raise TypeError(f"{fn}: staircase must be a bool, got {type(staircase).__name__}")
    return _InverseTimeDecay(
        init=as_param(fn, "init", init),
        decay_rate=as_nonnegative(fn, "decay_rate", decay_rate),
        decay_steps=as_length(fn, "decay_steps", decay_steps),
        staircase=staircase,
    )


class _InverseSqrt(Schedule, name="inverse_sqrt"):
    peak: Array = param()
    warmup_steps: Array = count()
    init: Array = param()

    def _value(self, t: Array) -> Array:
        warmup = positive(self.warmup_steps.astype(t.dtype))
        ramp = anneal(self.init, self.peak, t, warmup, linear)
        decay = self.peak.astype(t.dtype) * jnp.sqrt(warmup / jnp.maximum(t, warmup))
        return jnp.where(t < warmup, ramp, decay)


def inverse_sqrt(peak: Any, warmup_steps: Any, init: Any = 0.0) -> Schedule:
    """Linear warmup, then decay with the inverse square root of the step (transformers').

    Formula: `init + (peak - init) * step / warmup_steps` before `warmup_steps`, then
    `peak * sqrt(warmup_steps / step)`.

    Args:
        peak: the value at step `warmup_steps`.
        warmup_steps: the warmup length and the decay's time scale, > 0. A traced value is
            clamped to > 0.
        init: the value at step 0.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.inverse_sqrt(1.0, 4)(jnp.array([0, 2, 4, 16]))
        Array([0. , 0.5, 1. , 0.5], dtype=float32)
    """
    fn = "inverse_sqrt"
    return _InverseSqrt(
        peak=as_param(fn, "peak", peak),
        warmup_steps=as_length(fn, "warmup_steps", warmup_steps),
        init=as_param(fn, "init", init),
    )
