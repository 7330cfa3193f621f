"""Power-law decays: polynomial (with Keras's cycle), inverse time, inverse square root."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ._base import Schedule
from ._numerics import anneal, floor_div, linear, one_minus_power, periods, power_of
from ._numerics import length as steps_length
from ._rules import count, flag, param
from ._util import Array, is_concrete


class polynomial_decay(Schedule):
    """Polynomial decay from `init` to `end` over `decay_steps` (optax; Keras with `cycle`).

    Formula: with `s = max(step - transition_begin, 0)`,
    `lr(step) = end + (init - end) * (1 - min(s, H) / H)**power` with the horizon
    `H = decay_steps`, or with `cycle` (Keras) `H = decay_steps * max(ceil(s / decay_steps), 1)`:
    the decay restarts, ever slower, at each multiple of `decay_steps`. `power = 0` keeps `init`
    throughout (`0**0 == 1`, as optax, torch and Keras compute it).

    Args:
        init: the value at step 0.
        end: the value from step `decay_steps` on.
        decay_steps: the length of the decay in steps, > 0. A traced value is clamped to > 0.
        power: the exponent, >= 0 (1 is linear). A traced value is clamped to >= 0.
        cycle: grow the horizon to the next multiple of `decay_steps`.
        transition_begin: steps at `init` before the decay starts (optax's), >= 0.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.polynomial_decay(1.0, 0.0, 4, power=2.0)(jnp.arange(5))
        Array([1.    , 0.5625, 0.25  , 0.0625, 0.    ], dtype=float32)
    """

    init: Array = param()
    end: Array = param()
    decay_steps: Array = count(gt=0)
    power: Array = param(default=1.0, ge=0)
    cycle: bool = flag(default=False)
    transition_begin: Array = count(default=0, ge=0)

    def _value(self, t: Array) -> Array:
        t = jnp.maximum(t - self.transition_begin.astype(t.dtype), 0)
        power = jnp.maximum(self.power.astype(t.dtype), 0)
        horizon = steps_length(self.decay_steps.astype(t.dtype))
        if self.cycle:  # the next multiple of decay_steps at or after t (one of them at 0)
            whole, left = floor_div(t, horizon)
            horizon = horizon * jnp.maximum(whole + (left > 0).astype(t.dtype), 1)
        return anneal(
            self.init, self.end, t, horizon,
            lambda done: one_minus_power(done, power), lambda left: power_of(left, power),
        )  # fmt: skip


class inverse_time_decay(Schedule):
    """Inverse time decay (Keras's `InverseTimeDecay`).

    Formula: `lr(step) = init / (1 + decay_rate * step / decay_steps)`, with
    `floor(step / decay_steps)` (counted exactly) when `staircase`.

    Args:
        init: the value at step 0.
        decay_rate: >= 0. A traced value is clamped to >= 0.
        decay_steps: the time scale in steps, > 0. A traced value is clamped to > 0.
        staircase: decay in whole periods of `decay_steps`.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.inverse_time_decay(1.0, 1.0, 2)(jnp.arange(0, 8, 2))
        Array([1.        , 0.5       , 0.33333334, 0.25      ], dtype=float32)
    """

    init: Array = param()
    decay_rate: Array = param(ge=0)
    decay_steps: Array = count(gt=0)
    staircase: bool = flag(default=False)

    def _value(self, t: Array) -> Array:
        period = steps_length(self.decay_steps.astype(t.dtype))
        elapsed = periods(t, period) if self.staircase else t / period
        rate = jnp.maximum(self.decay_rate.astype(t.dtype), 0)
        return self.init.astype(t.dtype) / (1 + rate * elapsed)


class inverse_sqrt(Schedule):
    """Linear warmup, then decay with the inverse square root of the step (transformers').

    Formula: `init + (peak - init) * step / warmup_steps` before `warmup_steps`, then
    `peak * sqrt(timescale / (step - warmup_steps + timescale))`; with the default timescale
    (`warmup_steps`) that is `peak * sqrt(warmup_steps / step)`.

    Args:
        peak: the value at step `warmup_steps`.
        warmup_steps: the warmup length, >= 0 (> 0 without a `timescale`). A traced value is
            clamped to >= 0.
        init: the value at step 0.
        timescale: the decay's time scale in steps, > 0, or None for `warmup_steps`. A traced
            value is clamped to > 0.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.inverse_sqrt(1.0, 4)(jnp.array([0, 2, 4, 16]))
        Array([0. , 0.5, 1. , 0.5], dtype=float32)
        >>> sx.inverse_sqrt(1.0, 0, timescale=4)(jnp.array([0, 12]))
        Array([1. , 0.5], dtype=float32)
    """

    peak: Array = param()
    warmup_steps: Array = count(ge=0)
    init: Array = param(default=0.0)
    timescale: Array | None = count(default=None, optional=True, gt=0)

    def _check(self) -> None:
        warmup = self.warmup_steps
        if self.timescale is None and is_concrete(warmup) and np.any(np.asarray(warmup) == 0):
            raise self._invalid("{0} must be > 0 without a {1}, got 0", "warmup_steps",
                                "timescale")  # fmt: skip

    def _value(self, t: Array) -> Array:
        warmup = jnp.maximum(self.warmup_steps.astype(t.dtype), 0)
        scale = warmup if self.timescale is None else self.timescale.astype(t.dtype)
        scale = steps_length(scale)
        ramp = anneal(self.init, self.peak, t, steps_length(warmup), linear)
        after = jnp.maximum(t - warmup, 0)
        decay = self.peak.astype(t.dtype) * jnp.sqrt(scale / (after + scale))
        return jnp.where(t < warmup, ramp, decay)
