"""Formula helpers shared by the curves: lengths, powers, whole periods, `anneal`, `find_piece`."""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._util import default_float, is_concrete

Array = jax.Array

# ----------------------------------------------------------------------------- formula helpers


def positive(x: Array) -> Array:
    """`x` clamped to the smallest positive normal float: keeps traced divisors nonzero."""
    return jnp.maximum(x, jnp.finfo(x.dtype).tiny)


# The shortest length a traced length is clamped to: short enough to be below any length a
# schedule is written with, long enough that `step / length` and its gradient stay finite.
MIN_LENGTH = 2.0**-10


def length(x: Array) -> Array:
    """A length in steps, clamped to >= `MIN_LENGTH` (traced lengths cannot be checked)."""
    return jnp.maximum(x, MIN_LENGTH)


def periods(t: Array, k: Array) -> Array:
    """`floor(t / k)` alone, for `t >= 0`, `k > 0`: exact for integer `t` and `k` whose
    multiples the float holds exactly (`t < 2**24` in float32). The estimate is within one of
    the answer; the product `q * k` tells which way to correct it. Six times faster than
    `floor_div` under `vmap` (its `fmod`), for staircases that need no position."""
    q = jnp.floor(t / k)
    left = t - q * k
    return q + (left >= k).astype(t.dtype) - (left < 0).astype(t.dtype)


def floor_div(t: Array, k: Array) -> tuple[Array, Array]:
    """`(q, r)` with `q = floor(t / k)` whole periods and `r = t mod k` the position in the
    period, for `t >= 0`, `k > 0`: exact at any step (`fmod` is, and `t - r` is a multiple of
    `k`). `floor(t / k)` is not enough: XLA turns a division by a constant into a
    multiplication by its reciprocal, so `floor(47 / 47)` can be 0 under jit; and `t - q * k`
    loses the position near 2**31 in float32."""
    r = jnp.fmod(t, k)
    return jnp.round((t - r) / k), r


def linear(x: Array) -> Array:
    """The straight curve for `anneal`: weight `x` after a fraction `x` of the way."""
    return x


def half_cosine(x: Array) -> Array:
    """Half a cosine for `anneal`: `(1 - cos(pi x)) / 2`, as `sin(pi x / 2)**2`, without the
    cancellation near `x = 0`."""
    return jnp.sin(math.pi / 2 * x) ** 2


def power_of(x: Array, power: Array) -> Array:
    """`x**power` for `x >= 0` (`0**0 == 1`), with finite gradients at `x == 0`."""
    safe = jnp.where(x > 0, x, 1)
    return jnp.where(x > 0, safe**power, (power == 0).astype(x.dtype))


def tanh_weight(x: Array, lower: Array, upper: Array) -> Array:
    """`(1 - tanh(z)) / 2` along `z = lower + (upper - lower) x`, as `sigmoid(-2 z)`: without
    the cancellation where `tanh(z)` is near 1 (timm's tanh curve)."""
    lower, upper = lower.astype(x.dtype), upper.astype(x.dtype)
    return jax.nn.sigmoid(-2 * (lower + (upper - lower) * x))


def one_minus_power(done: Array, power: Array) -> Array:
    """`1 - (1 - done)**power` for `done` in [0, 1] and `power >= 0` (`0**0 == 1`), accurate
    for small `done`, with a finite gradient at `done = 1`."""
    safe = jnp.where(done < 1, done, 0)
    at_one = (power != 0).astype(done.dtype)  # 1 - 0**power
    return jnp.where(done < 1, -jnp.expm1(power * jnp.log1p(-safe)), at_one)


def output_dtype(fn: Callable, default: np.dtype) -> np.dtype:
    """The floating dtype `fn` returns for a scalar step (an integer one, as user functions
    get, else a `default`-typed one), else `default`."""
    try:
        dtype = jax.eval_shape(fn, jax.ShapeDtypeStruct((), jnp.result_type(int))).dtype
    except Exception:  # a function written for float steps only
        dtype = jax.eval_shape(fn, jax.ShapeDtypeStruct((), default)).dtype
    return jnp.dtype(dtype) if jnp.issubdtype(dtype, jnp.floating) else default


_length = length  # `anneal` has an argument of that name


def anneal(
    init: Array,
    end: Array,
    t: Array,
    length: Array,
    rise: Callable[[Array], Array],
    fall: Callable[[Array], Array] | None = None,
    exponent: Array | None = None,
) -> Array:
    """From `init` at step 0 to `end` at step `length` along a curve, then `end`.

    `rise(x)` is the weight of `end` after a fraction `x` of the way, `fall(x)` the weight of
    `init` with a fraction `x` of the way left: `rise(x) + fall(1 - x) == 1`, both 0 at 0 and 1
    at 1 (linear: both `x`; cosine: both `sin(pi x / 2)**2`, the default `fall` being `rise`).
    The curve is computed from the endpoint nearer zero, with the fraction away from it exact in
    the subtraction, so a warmup from 0 and a decay to 0 keep full relative precision; it is
    exactly constant when `init == end` and reaches `end` exactly at `length`. With an
    `exponent` (symmetric curves only), the weight of `init` is raised to it (optax's cosine
    `exponent`; 0 keeps `init` throughout, as `0**0 == 1`). A traced `length` is clamped to
    > 0, a traced `exponent` to >= 0.
    """
    init, end = init.astype(t.dtype), end.astype(t.dtype)
    length = _length(length.astype(t.dtype))
    t = jnp.clip(t, 0, length)
    from_init = jnp.abs(init) <= jnp.abs(end)
    if fall is None:  # symmetric: one evaluation of the curve
        near, far = jnp.where(from_init, init, end), jnp.where(from_init, end, init)
        weight = rise(jnp.where(from_init, t, length - t) / length)  # of `far`
        if exponent is not None:  # init's weight (1 - rise)**exponent, from either side
            e = jnp.maximum(exponent.astype(t.dtype), 0)
            powered = jnp.where(from_init, one_minus_power(weight, e), power_of(weight, e))
            weight = jnp.where(e == 1, weight, powered)
        return near + (far - near) * weight
    from_start = init + (end - init) * rise(t / length)
    from_end = end + (init - end) * fall((length - t) / length)
    return jnp.where(from_init, from_start, from_end)


# Up to _UNROLL_MAX boundaries, a compare and a select per boundary fuse with the formula (a
# 3-piece join under vmap: 3.4 ms per 1M steps, against 7.4 ms for the compare-and-sum, whose
# reduction XLA:CPU does not fuse); past it, a binary search's log2(n) levels (a 16-piece join
# under vmap: 5.1 ms per 1M steps, against 27.8 ms for the compare-and-sum it replaced).
_UNROLL_MAX = 4
# The binary search's first levels probe one of 1, 2, 4 known boundaries: selects, not gathers
# (a 128-piece cosine join under vmap: 9.5 -> 7.9 ms per 1M steps; a fourth level, 7 more
# selects, gained less than it cost in lax.scan).
_SELECT_LEVELS = 3


def select(condition: Any, a: Any, b: Any) -> Any:
    """`a if condition else b`: as given for a concrete condition, elementwise when traced.

    For arguments that choose between two meanings (optax's `transition_steps <= 0` is a
    constant), so that a traced argument keeps the meaning its value would have."""
    if is_concrete(condition):
        return a if condition else b
    return jnp.where(condition, a, b)


def like(x: Any, value: float) -> Any:
    """`value` as the same kind of number as `x` (a Python int, a float32 array...): an argument
    a compat layer replaces keeps its type, so its schedule keeps its program."""
    if isinstance(x, np.generic):  # np.int8(5) * 0 + 10_000 would wrap: a host number
        return value
    return x * 0 + value


def scaled_points(
    init: Any, steps: Sequence[Any], scales: Sequence[Any]
) -> tuple[list[Any], list[Any]]:
    """`{step: scale}` items (optax's `boundaries_and_scales`, in the order given) as points:
    `(sorted steps, values)`, `values[0] = init` and each next value the previous one times
    the scale of the next step.

    A repeated step keeps its last scale, as a dict does. Concrete steps are sorted in Python
    (values multiplied in Python when they are Python numbers); traced steps the same way in
    JAX (a replaced scale becomes 1), giving lists of traced scalars."""
    if all(map(is_concrete, steps)):
        table: dict[Any, Any] = {}
        for step, scale in zip(steps, scales, strict=True):
            table[step.item() if hasattr(step, "item") else step] = scale
        items = sorted(table.items(), key=lambda item: item[0])
        values = itertools.accumulate([init, *(scale for _, scale in items)], operator.mul)
        return [step for step, _ in items], list(values)
    dtype = default_float()
    stacked = jnp.stack([jnp.asarray(step, dtype) for step in steps])
    factors = jnp.stack([jnp.asarray(scale, dtype) for scale in scales])
    replaced = jnp.stack([jnp.any(stacked[i + 1 :] == stacked[i]) for i in range(len(steps))])
    order = jnp.argsort(stacked, stable=True)
    factors = jnp.where(replaced, 1, factors)[order]
    values = jnp.cumprod(jnp.concatenate([jnp.asarray(init, dtype)[None], factors]))
    return list(stacked[order]), list(values)


def sorted_steps(steps: Array, dtype: Any) -> Array:
    """Boundaries in `dtype`, made >= 0 and non-decreasing (a running max): traced ones
    cannot be checked, so they are clamped; valid ones are unchanged."""
    return jnp.maximum(jax.lax.cummax(steps.astype(dtype)), 0)


def find_piece(bounds: Array, t: Array, inclusive: bool = True) -> tuple[Array, Array]:
    """The piece at each step, the number of boundaries <= t (< t if not `inclusive`), and
    where it starts: the last such boundary, or 0."""
    n = bounds.shape[0]
    if n <= _UNROLL_MAX:  # a few boundaries: one compare and select each, all fused
        piece, start = jnp.zeros(t.shape, jnp.int32), jnp.zeros(t.shape, t.dtype)
        for bound in bounds.astype(t.dtype):
            right = t >= bound if inclusive else t > bound
            piece, start = piece + right.astype(jnp.int32), jnp.where(right, bound, start)
        return piece, start
    # Branchless binary search over the boundaries padded with +inf to 2**levels - 1: each level
    # is one lookup and one select, which XLA fuses better than jnp.searchsorted's loop. The
    # start is looked up once at the end: carried through the levels, each level's lookup had
    # two users, and XLA:CPU gave each its own loop over the steps (a 128-piece cosine join:
    # 7.8 -> 4.5 ms per 1M steps under vmap, 23 -> 16 ms in lax.scan).
    levels = math.ceil(math.log2(n + 1))
    padded = jnp.concatenate([bounds, jnp.full((2**levels - 1 - n,), jnp.inf, bounds.dtype)])
    piece = jnp.zeros(t.shape, jnp.int32)
    for level in reversed(range(levels)):
        width = 2**level
        if level >= levels - _SELECT_LEVELS:  # one of 2**k known boundaries
            candidates = range(0, 2**levels - 1, 2 * width)
            probe = padded[candidates[0] + width - 1]
            for c in candidates[1:]:
                probe = jnp.where(piece == c, padded[c + width - 1], probe)
        else:
            probe = padded[piece + (width - 1)]
        right = t >= probe if inclusive else t > probe
        piece = jnp.where(right, piece + width, piece)
    start = jnp.where(piece > 0, padded[jnp.maximum(piece - 1, 0)], 0).astype(t.dtype)
    return piece, start
