"""Cosine decay (MLX's name; optax's `exponent`, torch's periodic form)."""

from __future__ import annotations

import jax.numpy as jnp

from ._base import Schedule
from ._numerics import anneal, half_cosine
from ._numerics import length as steps_length
from ._rules import count, flag, param
from ._util import Array


class cosine_decay(Schedule):
    """Half a cosine from `init` down to `end` over `decay_steps` (MLX's `cosine_decay`).

    Formula: `lr(step) = end + (init - end) * ((1 + cos(pi * s / decay_steps)) / 2)**exponent`
    with `s = min(step, decay_steps)`: it holds `end` from step `decay_steps` on. With
    `periodic`, `s = step` (torch's `CosineAnnealingLR`): it climbs back to `init` over the next
    `decay_steps`, and so on.

    Args:
        init: the value at step 0.
        decay_steps: the length of the decay in steps, > 0. A traced value is clamped to > 0.
        end: the value from step `decay_steps` on.
        exponent: the power of the cosine factor (optax's `exponent`), >= 0 (0 keeps `init`
            throughout, as `0**0 == 1`), or None for 1 (no power is computed). A traced value
            is clamped to >= 0.
        periodic: keep following the cosine past `decay_steps`.
        offset: steps of the curve already done at step 0: the value at step `t` is the
            curve's at `t + offset` (transformers' `..._lr_rate` cosine runs one step ahead),
            >= 0.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.cosine_decay(0.1, 4)(jnp.arange(0, 6, 2))
        Array([0.1 , 0.05, 0.  ], dtype=float32)
    """

    init: Array = param()
    decay_steps: Array = count(gt=0)
    end: Array = param(default=0.0)
    exponent: Array | None = param(default=None, optional=True, ge=0)
    periodic: bool = flag(default=False)
    offset: Array = count(default=0, ge=0)

    def _value(self, t: Array) -> Array:
        t = t + jnp.maximum(self.offset.astype(t.dtype), 0)
        length = steps_length(self.decay_steps.astype(t.dtype))
        if self.periodic:  # fold the period 2 * length onto [0, length]; fmod is exact
            t = length - jnp.abs(length - jnp.fmod(t, 2 * length))
        return anneal(self.init, self.end, t, length, half_cosine, exponent=self.exponent)
