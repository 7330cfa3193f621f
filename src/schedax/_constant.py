"""Constant and user-function schedules (nano-optax names)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Array, Schedule, as_param, default_float, param, static


class _ConstantLR(Schedule, name="constant_lr"):
    lr: Array = param()

    def _value(self, t: Array) -> Array:
        return jnp.broadcast_to(self.lr.astype(t.dtype), t.shape)


def constant_lr(lr: Any) -> Schedule:
    """A constant learning rate (nano-optax's `constant_lr`).

    Formula: `lr(step) = lr`.

    Args:
        lr: the learning rate, a finite real scalar.

    Returns:
        A `Schedule` whose value has the shape of the step.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.constant_lr(0.01)(jnp.arange(3))
        Array([0.01, 0.01, 0.01], dtype=float32)
    """
    return _ConstantLR(lr=as_param("constant_lr", "lr", lr))


@functools.lru_cache(maxsize=256)
def _output_dtype(fn: Callable, default: np.dtype) -> np.dtype:
    dtype = jax.eval_shape(fn, jax.ShapeDtypeStruct((), default)).dtype
    return jnp.dtype(dtype) if jnp.issubdtype(dtype, jnp.floating) else default


class _LambdaLR(Schedule, name="lambda_lr"):
    lr_lambda: Callable[[Array], Any] = static()

    @property
    def dtype(self) -> np.dtype:
        return _output_dtype(self.lr_lambda, default_float())

    def _value(self, t: Array) -> Array:
        return jnp.broadcast_to(jnp.asarray(self.lr_lambda(t), t.dtype), t.shape)


def lambda_lr(lr_lambda: Callable[[Array], Any]) -> Schedule:
    """A schedule given by a function of the step (nano-optax's `lambda_lr`).

    Formula: `lr(step) = lr_lambda(step)`. The function gets the step as a floating array
    (float32, or float64 with x64), with negative steps raised to 0, and must be traceable by
    JAX. Its result is the learning rate itself, not a multiplier (unlike torch's `LambdaLR`).
    The function is structure, not a hyperparameter: a new function means a new compilation.

    Args:
        lr_lambda: a JAX-traceable function from step to learning rate.

    Returns:
        A `Schedule`; its dtype is the function's floating result dtype (else the default float).

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.lambda_lr(lambda step: 0.1 / (1.0 + step))(jnp.arange(3))
        Array([0.1       , 0.05      , 0.03333334], dtype=float32)
    """
    if not callable(lr_lambda):
        raise TypeError(
            f"lambda_lr: lr_lambda must be a callable step -> lr, "
            f"got {type(lr_lambda).__name__} {lr_lambda!r}"
        )
    return _LambdaLR(lr_lambda=lr_lambda)
