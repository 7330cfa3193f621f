"""The exponential family: MLX's exponential and step decays, optax's full shape."""

from __future__ import annotations

import jax.numpy as jnp

from ._base import Schedule
from ._numerics import length as steps_length
from ._numerics import periods, power_of
from ._rules import constructor, count, flag, param
from ._util import Array


class exponential_decay(Schedule):
    """Multiply by `decay_rate` every `decay_steps` steps, smoothly or as a staircase.

    MLX's `exponential_decay(init, decay_rate)` with optax's full shape: a `transition_begin`
    delay, `decay_steps` per factor (optax's `transition_steps`), a `staircase`, and an `end`
    that bounds the value (a floor when decaying, a ceiling when growing).

    Formula: with `s = max(step - transition_begin, 0)` and `p = s / decay_steps` (whole
    periods, counted exactly, when `staircase`): `lr(step) = init * decay_rate**p`, clipped at
    `end`. A rate above 1 grows without bound (a learning-rate range test) unless `end` is set.

    Args:
        init: the value at step 0.
        decay_rate: the factor per `decay_steps`, >= 0 (0: `init` at step 0, then 0; with
            `staircase`, `init` until the first period ends). A traced value is clamped to >= 0.
        decay_steps: steps per factor, > 0. A traced value is clamped to > 0.
        staircase: decay in whole periods of `decay_steps`.
        transition_begin: steps at `init` before the decay starts, >= 0.
        end: the bound, or None for none.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.exponential_decay(0.1, 0.5)(jnp.arange(4))
        Array([0.1   , 0.05  , 0.025 , 0.0125], dtype=float32)
        >>> sx.exponential_decay(1.0, 0.5, decay_steps=2, staircase=True)(jnp.arange(5))
        Array([1.  , 1.  , 0.5 , 0.5 , 0.25], dtype=float32)
    """

    init: Array = param()
    decay_rate: Array = param(ge=0)
    decay_steps: Array = count(default=1, gt=0)
    staircase: bool = flag(default=False)
    transition_begin: Array = count(default=0, ge=0)
    end: Array | None = param(default=None, optional=True)

    def _value(self, t: Array) -> Array:
        t = jnp.maximum(t - self.transition_begin.astype(t.dtype), 0)
        period = steps_length(self.decay_steps.astype(t.dtype))
        elapsed = periods(t, period) if self.staircase else t / period
        init = self.init.astype(t.dtype)
        rate = jnp.maximum(self.decay_rate.astype(t.dtype), 0)
        value = decay(init, rate, elapsed)
        if self.end is None:
            return value
        end = self.end.astype(t.dtype)
        return jnp.where(rate < 1, jnp.maximum(value, end), jnp.minimum(value, end))


def decay(init: Array, rate: Array, elapsed: Array) -> Array:
    """`init * rate**elapsed` for `rate >= 0`, `elapsed >= 0` (`0**0 == 1`), as
    `(init * rate**h) * rate**(elapsed - h)` with `h = floor(elapsed / 2)`: `rate**elapsed`
    alone leaves the float range where the product does not (`1e-8 * 1.5**219`), half of it
    only where the product would too; whole powers stay exact. A handful of operations, as a
    step inside `lax.scan` pays for each."""
    zero = init == 0
    base = jnp.where((elapsed == 0) | zero, 1, rate)  # 0**0 == 1; gradients 0 there, not NaN
    first = jnp.floor(elapsed * 0.5)  # whole halves: 0.5**1 * 0.5**2 is 0.125 exactly
    # power_of: a rate of 0 has finite gradients (0**0 == 1 in the first half of one step).
    return jnp.where(zero, 0, init * power_of(base, first) * power_of(base, elapsed - first))


@constructor(names={"decay_steps": "step_size"})
def step_decay(init: float, decay_rate: float, step_size: int) -> Schedule:
    """Multiply by `decay_rate` every `step_size` steps (MLX's `step_decay`).

    Formula: `lr(step) = init * decay_rate**floor(step / step_size)`: an `exponential_decay`
    with `staircase=True`.

    Args:
        init: the value at step 0.
        decay_rate: the factor per period, >= 0.
        step_size: the period in steps, > 0.

    Returns:
        A `Schedule` (an `exponential_decay`).

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.step_decay(0.1, 0.5, 2)(jnp.arange(5))
        Array([0.1  , 0.1  , 0.05 , 0.05 , 0.025], dtype=float32)
    """
    return exponential_decay(init, decay_rate, step_size, staircase=True)


@constructor(names={"init": "base_lr", "decay_steps": "step_size", "decay_rate": "gamma"})
def step_lr(base_lr: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """Multiply by `gamma` every `step_size` steps (nano-optax's `step_lr`).

    Formula: `lr(step) = base_lr * gamma**floor(step / step_size)`: an `exponential_decay`
    with `staircase=True`.

    Args:
        base_lr: the value at step 0.
        step_size: the period in steps, > 0.
        gamma: the factor per period, >= 0.

    Returns:
        A `Schedule` (an `exponential_decay`).

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.step_lr(1.0, 2, gamma=0.1)(jnp.arange(5))
        Array([1.  , 1.  , 0.1 , 0.1 , 0.01], dtype=float32)
    """
    return exponential_decay(base_lr, gamma, step_size, staircase=True)
