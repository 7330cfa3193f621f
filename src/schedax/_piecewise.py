"""Piecewise schedules: constant between boundaries, or linear through points."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ._base import (
    Array,
    Schedule,
    anneal,
    as_steps,
    as_values,
    count,
    find_piece,
    linear,
    param,
    sorted_steps,
    static,
)


class _PiecewiseConstant(Schedule, name="piecewise_constant"):
    boundaries: Array = count()
    values: Array = param()
    inclusive: bool = static()  # the boundary step takes the next value (Keras: the earlier)

    def _repr_items(self) -> list[tuple[str, Any]]:
        items = [("boundaries", self.boundaries), ("values", self.values)]
        return items if self.inclusive else [*items, ("inclusive", False)]

    def _value(self, t: Array) -> Array:
        piece = find_piece(sorted_steps(self.boundaries, t.dtype), t, self.inclusive)
        return self.values.astype(t.dtype)[piece]


def _lengths_match(fn: str, boundaries: Array, values: Array, extra: int) -> None:
    if values.shape[0] != boundaries.shape[0] + extra:
        need = "len(boundaries) + 1" if extra else "len(boundaries)"
        raise ValueError(
            f"{fn}: got {boundaries.shape[0]} boundaries and {values.shape[0]} values; "
            f"need len(values) == {need}"
        )


def piecewise_constant(boundaries: Any, values: Any, *, inclusive: bool = True) -> Schedule:
    """Constant values between boundaries.

    `values[i]` holds from `boundaries[i - 1]` (inclusive) to `boundaries[i]` (exclusive), with
    `values[0]` before the first boundary: `lr(step) = values[#{b in boundaries : b <= step}]`.
    The Keras compat layer passes `inclusive=False` (the boundary step keeps the earlier value).

    Args:
        boundaries: steps, >= 0 and non-decreasing; may be traced (e.g. under `vmap`), and
            traced ones are clamped to >= 0 and non-decreasing.
        values: `len(boundaries) + 1` values.
        inclusive: whether the boundary step takes the next value.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.piecewise_constant([2, 4], [1.0, 0.5, 0.25])(jnp.arange(6))
        Array([1.  , 1.  , 0.5 , 0.5 , 0.25, 0.25], dtype=float32)
    """
    fn = "piecewise_constant"
    boundaries = as_steps(fn, "boundaries", boundaries)
    values = as_values(fn, "values", values)
    _lengths_match(fn, boundaries, values, 1)
    return _PiecewiseConstant(boundaries=boundaries, values=values, inclusive=bool(inclusive))


class _PiecewiseLinear(Schedule, name="piecewise_linear"):
    boundaries: Array = count()
    values: Array = param()

    def _value(self, t: Array) -> Array:
        bounds, values = sorted_steps(self.boundaries, t.dtype), self.values.astype(t.dtype)
        n = bounds.shape[0]
        if n == 1:
            return jnp.broadcast_to(values[0], t.shape)
        right = jnp.clip(find_piece(bounds, t), 1, n - 1)  # the segment [right - 1, right]
        start, stop = bounds[right - 1], bounds[right]
        t = jnp.clip(t - start, 0, None)
        return anneal(values[right - 1], values[right], t, stop - start, linear)


def piecewise_linear(boundaries: Any, values: Any) -> Schedule:
    """Linear interpolation through the points `(boundaries[i], values[i])`.

    Holds `values[0]` before the first boundary and `values[-1]` after the last; two equal
    boundaries make a jump.

    Args:
        boundaries: steps, >= 0 and non-decreasing; may be traced, and traced ones are clamped
            to >= 0 and non-decreasing.
        values: one value per boundary (at least one).

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.piecewise_linear([0, 2, 6], [0.0, 1.0, 0.0])(jnp.arange(0, 8, 2))
        Array([0. , 1. , 0.5, 0. ], dtype=float32)
    """
    fn = "piecewise_linear"
    boundaries = as_steps(fn, "boundaries", boundaries)
    values = as_values(fn, "values", values)
    _lengths_match(fn, boundaries, values, 0)
    if values.shape[0] == 0:
        raise ValueError(f"{fn}: values must hold at least one point, got []")
    return _PiecewiseLinear(boundaries=boundaries, values=values)
