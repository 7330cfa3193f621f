"""Hyperbolic-tangent decay (timm's `TanhLRScheduler` curve)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ._base import Schedule
from ._numerics import length as steps_length
from ._numerics import tanh_weight
from ._rules import count, param
from ._util import Array, fmt, is_concrete


class tanh_decay(Schedule):
    """A tanh-shaped decay from `init` to `end` over `decay_steps` (timm's tanh curve).

    The value follows `1 - tanh` along the line from `lower` to `upper`: nearly flat at first,
    a steep fall in the middle, and `end` from `decay_steps` on (as timm sets `lr_min` once the
    cycle is over).

    Formula: with `x = step / decay_steps` before `decay_steps`,
    `lr(step) = end + (init - end) * (1 - tanh(lower * (1 - x) + upper * x)) / 2`; then `end`.

    Args:
        init: the value near step 0 (exactly `init` only as `lower` goes to -inf).
        decay_steps: the length of the decay in steps, > 0. A traced value is clamped to > 0.
        end: the value from `decay_steps` on.
        lower: the tanh argument at step 0 (timm's `lb`), < `upper`.
        upper: the tanh argument at `decay_steps` (timm's `ub`).

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.tanh_decay(1.0, 10)(jnp.array([0, 7, 10])).round(4)
        Array([1. , 0.5, 0. ], dtype=float32)
    """

    init: Array = param()
    decay_steps: Array = count(gt=0)
    end: Array = param(default=0.0)
    lower: Array = param(default=-7.0)
    upper: Array = param(default=3.0)

    def _check(self) -> None:
        check_tanh(self)

    def _value(self, t: Array) -> Array:
        length = steps_length(self.decay_steps.astype(t.dtype))
        x = jnp.minimum(t, length) / length
        weight = tanh_weight(x, self.lower, self.upper)
        init, end = self.init.astype(t.dtype), self.end.astype(t.dtype)
        return jnp.where(t < length, end + (init - end) * weight, end)


def check_tanh(s: tanh_decay | Any) -> None:
    """`lower < upper`: the other way round the curve rises."""
    if is_concrete(s.lower) and is_concrete(s.upper) and not s.lower < s.upper:
        raise s._invalid(f"{{0}} must be < {{1}}, got {{0}}={fmt(s.lower)}, {{1}}={fmt(s.upper)}",
                         "lower", "upper")  # fmt: skip
