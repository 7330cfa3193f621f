"""Piecewise schedules: constant between boundaries, or interpolated through points."""

from __future__ import annotations

import jax.numpy as jnp

from ._base import Schedule
from ._numerics import anneal, find_piece, half_cosine, linear, sorted_steps
from ._rules import flag, option, steps, values
from ._util import Array


class piecewise_constant(Schedule):
    """Constant values between boundaries.

    `values[i]` holds from `boundaries[i - 1]` (inclusive) to `boundaries[i]` (exclusive), with
    `values[0]` before the first boundary: `lr(step) = values[#{b in boundaries : b <= step}]`.
    With `inclusive=False` (Keras's `PiecewiseConstantDecay`) the boundary step keeps the
    earlier value: `values[#{b < step}]`.

    Formula: `lr(step) = values[#{b in boundaries : b <= step}]` (`b < step` with
    `inclusive=False`).

    Args:
        boundaries: steps, >= 0 and non-decreasing; may be traced (e.g. under `vmap`), and
            traced ones are clamped to >= 0 and non-decreasing.
        values: `len(boundaries) + 1` values.
        inclusive: whether the boundary step takes the next value.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.piecewise_constant([2, 4], [1.0, 0.5, 0.25])(jnp.arange(6))
        Array([1.  , 1.  , 0.5 , 0.5 , 0.25, 0.25], dtype=float32)
    """

    boundaries: Array = steps()
    values: Array = values()
    inclusive: bool = flag(default=True, kw_only=True)

    def _check(self) -> None:
        n, m = self.boundaries.shape[0], self.values.shape[0]
        if m != n + 1:
            raise self._invalid(
                f"got {n} {{0}} and {m} {{1}}; need len({{1}}) == len({{0}}) + 1",
                "boundaries", "values",
            )  # fmt: skip

    def _value(self, t: Array) -> Array:
        piece, _ = find_piece(sorted_steps(self.boundaries, t.dtype), t, self.inclusive)
        return self.values.astype(t.dtype)[piece]


_INTERPOLATIONS = {"linear": linear, "cosine": half_cosine}


class piecewise_interpolate(Schedule):
    """Interpolation through the points `(boundaries[i], values[i])`, linear or cosine.

    Holds `values[0]` before the first boundary and `values[-1]` after the last; two equal
    boundaries make a jump. Between the points `(b0, v0)` and `(b1, v1)`, at fraction
    `x = (step - b0) / (b1 - b0)` of the way: "linear" (`np.interp`) gives `v0 + (v1 - v0) * x`,
    "cosine" (optax's `piecewise_interpolate_schedule('cosine', ...)`)
    `v1 + (v0 - v1) * (1 + cos(pi x)) / 2`.

    Formula: between `(b0, v0)` and `(b1, v1)` with `x = (step - b0) / (b1 - b0)`: `v0 + (v1 - v0) *
    x` (linear) or `v0 + (v1 - v0) * (1 - cos(pi x)) / 2` (cosine); `values[0]` before the first
    boundary, `values[-1]` after the last.

    Args:
        boundaries: steps, >= 0 and non-decreasing; may be traced, and traced ones are clamped
            to >= 0 and non-decreasing.
        values: one value per boundary (at least one).
        interpolation: "linear" or "cosine".

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.piecewise_interpolate([0, 2, 6], [0.0, 1.0, 0.0])(jnp.arange(0, 8, 2))
        Array([0. , 1. , 0.5, 0. ], dtype=float32)
        >>> lr = sx.piecewise_interpolate([0, 4], [1.0, 0.0], "cosine")
        >>> lr(jnp.arange(0, 6, 2)).round(3)
        Array([1. , 0.5, 0. ], dtype=float32)
    """

    boundaries: Array = steps()
    values: Array = values()
    interpolation: str = option(tuple(_INTERPOLATIONS), default="linear")

    def _check(self) -> None:
        n, m = self.boundaries.shape[0], self.values.shape[0]
        if m != n:
            need = "need len({1}) == len({0})"
            raise self._invalid(f"got {n} {{0}} and {m} {{1}}; " + need, "boundaries", "values")
        if m == 0:
            raise self._invalid("{0} must hold at least one point, got []", "values")

    def _value(self, t: Array) -> Array:
        bounds, values = sorted_steps(self.boundaries, t.dtype), self.values.astype(t.dtype)
        n = bounds.shape[0]
        if n == 1:
            return jnp.broadcast_to(values[0], t.shape)
        reached = find_piece(bounds, t)[0]
        right = jnp.clip(reached, 1, n - 1)  # the segment [right - 1, right]
        start, stop = bounds[right - 1], bounds[right]
        shape = _INTERPOLATIONS[self.interpolation]
        value = anneal(values[right - 1], values[right], jnp.clip(t - start, 0, None),
                       stop - start, shape)  # fmt: skip
        # From the last point on, its value (a jump there included, as np.interp).
        return jnp.where(reached == n, values[-1], value)
