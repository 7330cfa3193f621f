"""Constant and user-function schedules (nano-optax names)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from ._base import Schedule
from ._numerics import output_dtype
from ._rules import function, param
from ._util import Array, default_float, promote


class constant_lr(Schedule):
    """A constant learning rate (nano-optax's `constant_lr`).

    Formula: `lr(step) = lr`.

    Args:
        lr: the learning rate, a finite real scalar.

    Returns:
        A `Schedule` whose value has the shape of the step.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.constant_lr(0.01)(jnp.arange(3))
        Array([0.01, 0.01, 0.01], dtype=float32)
    """

    lr: Array = param()

    def _value(self, t: Array) -> Array:
        return jnp.broadcast_to(self.lr.astype(t.dtype), t.shape)


class lambda_lr(Schedule):
    """A schedule given by a function of the step (nano-optax's `lambda_lr`; torch's `LambdaLR`
    with `scale`).

    Formula: `lr(step) = scale * lr_lambda(step)`. The function gets the step in the dtype it
    was given (an integer step stays an integer, so `lambda step: table[step]` works; a float
    step comes as float32, or float64 with x64), with negative steps raised to 0, and must be
    traceable by JAX. The function is structure, not a hyperparameter: a new function means a
    new compilation.

    Args:
        lr_lambda: a JAX-traceable function from step to learning rate (or to a factor of
            `scale`).
        scale: a factor on the function's value (torch's base learning rate), keyword-only.

    Returns:
        A `Schedule`; its dtype is the promotion of `scale` and the function's floating result
        dtype (else the default float).

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> table = jnp.array([0.1, 0.05, 0.01])
        >>> sx.lambda_lr(lambda step: table[jnp.minimum(step, 2)])(jnp.arange(4))
        Array([0.1 , 0.05, 0.01, 0.01], dtype=float32)
    """

    lr_lambda: Callable[[Array], Any] = function("a callable step -> lr")
    scale: Array = param(default=1.0, kw_only=True)

    @property
    def dtype(self) -> np.dtype:
        return promote(self.scale, output_dtype(self.lr_lambda, default_float()))

    _integer_steps = True

    def _value_at(self, t: Array, step: Array) -> Array:
        # Integer steps in, integer steps to the function (`table[step]` works), >= 0.
        own = jnp.maximum(step, 0) if jnp.issubdtype(step.dtype, jnp.integer) else t
        value = self.scale.astype(t.dtype) * jnp.asarray(self.lr_lambda(own), t.dtype)
        return jnp.broadcast_to(value, t.shape)
