"""Linear schedule (MLX name)."""

from __future__ import annotations

from ._base import Schedule
from ._numerics import anneal, linear
from ._rules import count, param
from ._util import Array


class linear_schedule(Schedule):
    """Linear interpolation from `init` to `end` over `steps` steps (MLX's `linear_schedule`).

    Formula: `lr(step) = init + (end - init) * min(step, steps) / steps`; it holds `end` from
    step `steps` on.

    Args:
        init: the value at step 0.
        end: the value from step `steps` on.
        steps: the length of the ramp in steps, > 0. A traced value is clamped to > 0.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.linear_schedule(0.0, 0.1, 4)(jnp.arange(6))
        Array([0.   , 0.025, 0.05 , 0.075, 0.1  , 0.1  ], dtype=float32)
    """

    init: Array = param()
    end: Array = param()
    steps: Array = count(gt=0)

    def _value(self, t: Array) -> Array:
        return anneal(self.init, self.end, t, self.steps, linear)
