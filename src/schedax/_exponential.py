"""Exponential and step decay (MLX and nano-optax names)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ._base import Array, Schedule, as_length, as_param, as_positive, count, param, positive


def _power_decay(init: Array, rate: Array, exponent: Array) -> Array:
    """`init * rate**exponent` in the exponent's dtype, with the rate clamped to > 0."""
    return init.astype(exponent.dtype) * positive(rate.astype(exponent.dtype)) ** exponent


def _steps_done(t: Array, step_size: Array) -> Array:
    """How many whole `step_size` periods have passed at step `t`."""
    return jnp.floor(t / positive(step_size.astype(t.dtype)))


class _ExponentialDecay(Schedule, name="exponential_decay"):
    init: Array = param()
    decay_rate: Array = param()

    def _value(self, t: Array) -> Array:
        return _power_decay(self.init, self.decay_rate, t)


class _StepDecay(Schedule, name="step_decay"):
    init: Array = param()
    decay_rate: Array = param()
    step_size: Array = count()

    def _value(self, t: Array) -> Array:
        return _power_decay(self.init, self.decay_rate, _steps_done(t, self.step_size))


class _StepLR(Schedule, name="step_lr"):
    base_lr: Array = param()
    step_size: Array = count()
    gamma: Array = param()

    def _value(self, t: Array) -> Array:
        return _power_decay(self.base_lr, self.gamma, _steps_done(t, self.step_size))


def exponential_decay(init: Any, decay_rate: Any) -> Schedule:
    """Multiply by `decay_rate` every step (MLX's `exponential_decay`).

    Formula: `lr(step) = init * decay_rate**step`. A rate above 1 grows without bound (useful
    for a learning-rate range test) and overflows to inf eventually.

    Args:
        init: the value at step 0.
        decay_rate: the factor per step, > 0. A traced value is clamped to > 0.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.exponential_decay(0.1, 0.5)(jnp.arange(4))
        Array([0.1   , 0.05  , 0.025 , 0.0125], dtype=float32)
    """
    fn = "exponential_decay"
    return _ExponentialDecay(
        init=as_param(fn, "init", init), decay_rate=as_positive(fn, "decay_rate", decay_rate)
    )


def step_decay(init: Any, decay_rate: Any, step_size: Any) -> Schedule:
    """Multiply by `decay_rate` every `step_size` steps (MLX's `step_decay`).

    Formula: `lr(step) = init * decay_rate**floor(step / step_size)`.

    Args:
        init: the value at step 0.
        decay_rate: the factor per period, > 0. A traced value is clamped to > 0.
        step_size: the period in steps, > 0. A traced value is clamped to > 0.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.step_decay(0.1, 0.5, 2)(jnp.arange(5))
        Array([0.1  , 0.1  , 0.05 , 0.05 , 0.025], dtype=float32)
    """
    fn = "step_decay"
    return _StepDecay(
        init=as_param(fn, "init", init),
        decay_rate=as_positive(fn, "decay_rate", decay_rate),
        step_size=as_length(fn, "step_size", step_size),
    )


def step_lr(base_lr: Any, step_size: Any, gamma: Any = 0.1) -> Schedule:
    """Multiply by `gamma` every `step_size` steps (nano-optax's `step_lr`).

    Formula: `lr(step) = base_lr * gamma**floor(step / step_size)`. The same curve as
    `step_decay` under nano-optax's argument names and order.

    Args:
        base_lr: the value at step 0.
        step_size: the period in steps, > 0. A traced value is clamped to > 0.
        gamma: the factor per period, > 0. A traced value is clamped to > 0.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.step_lr(1.0, 2, gamma=0.1)(jnp.arange(5))
        Array([1.  , 1.  , 0.1 , 0.1 , 0.01], dtype=float32)
    """
    fn = "step_lr"
    return _StepLR(
        base_lr=as_param(fn, "base_lr", base_lr),
        step_size=as_length(fn, "step_size", step_size),
        gamma=as_positive(fn, "gamma", gamma),
    )
