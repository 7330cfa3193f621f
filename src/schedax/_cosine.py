"""Cosine decay (MLX name)."""

from __future__ import annotations

from typing import Any

from ._base import Array, Schedule, anneal, as_length, as_param, count, half_cosine, param


class _CosineDecay(Schedule, name="cosine_decay"):
    init: Array = param()
    decay_steps: Array = count()
    end: Array = param()

    def _value(self, t: Array) -> Array:
        return anneal(self.init, self.end, t, self.decay_steps, half_cosine)


def cosine_decay(init: Any, decay_steps: Any, end: Any = 0.0) -> Schedule:
    """Half a cosine from `init` down to `end` over `decay_steps` (MLX's `cosine_decay`).

    Formula: `lr(step) = end + (init - end) * (1 + cos(pi * min(step, decay_steps) /
    decay_steps)) / 2`; it holds `end` from step `decay_steps` on (unlike torch's
    `CosineAnnealingLR`, which is periodic).

    Args:
        init: the value at step 0.
        decay_steps: the length of the decay in steps, > 0. A traced value is clamped to > 0.
        end: the value from step `decay_steps` on.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.cosine_decay(0.1, 4)(jnp.arange(0, 6, 2))
        Array([0.1 , 0.05, 0.  ], dtype=float32)
    """
    fn = "cosine_decay"
    decay_steps = as_length(fn, "decay_steps", decay_steps)
    return _CosineDecay(
        init=as_param(fn, "init", init), decay_steps=decay_steps, end=as_param(fn, "end", end)
    )
