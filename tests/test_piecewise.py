"""piecewise_constant and piecewise_interpolate: meaning, traced boundaries and values, gradients."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import schedax as sx

STEPS = np.arange(-2, 400)


def np_constant(boundaries, values, t, inclusive=True):
    t = np.maximum(t, 0)
    side = "right" if inclusive else "left"
    return np.asarray(values, np.float64)[np.searchsorted(boundaries, t, side=side)]


@pytest.mark.parametrize("inclusive", [True, False])
@pytest.mark.parametrize(
    "boundaries, values",
    [
        ([100, 200, 300], [0.1, 0.01, 0.001, 0.0001]),
        ([0, 50, 50], [1.0, 0.5, 0.25, 0.125]),
        ([], [0.3]),
    ],
)
def test_piecewise_constant(boundaries, values, inclusive):
    lr = sx.piecewise_constant(boundaries, values, inclusive=inclusive)
    expected = np_constant(np.asarray(boundaries, np.float64), np.float32(values), STEPS, inclusive)
    np.testing.assert_array_equal(lr(jnp.asarray(STEPS)), expected)


@pytest.mark.parametrize(
    "boundaries, values",
    [
        ([0, 100, 300], [0.0, 0.1, 0.001]),
        ([50, 50, 120], [0.2, 1.0, 0.5]),
        ([10], [0.7]),
        ([30, 60, 90, 399], [1.0, 2.0, 0.5, 0.5]),
        ([0, 0, 40], [1.0, 0.5, 0.1]),  # a jump at step 0
        ([20, 40, 40], [0.0, 1.0, 0.3]),  # a jump at the last point
    ],
)
def test_piecewise_interpolate_is_numpy_interp(boundaries, values):
    lr = sx.piecewise_interpolate(boundaries, values)
    t = np.maximum(STEPS, 0).astype(np.float64)
    b = np.asarray(boundaries, np.float64)
    expected = np.interp(t, b, np.float32(values).astype(np.float64))
    for j, step in enumerate(boundaries):  # on a jump, the later of two equal points
        expected = np.where(t == step, np.float32(values)[j], expected)
    np.testing.assert_allclose(lr(jnp.asarray(STEPS)), expected, rtol=1e-6, atol=1e-9)


def test_cosine_interpolation_follows_half_cosines_between_the_points():
    boundaries, values = [0, 40, 40, 100, 250], [0.1, 1.0, 0.5, 0.05, 0.2]
    lr = sx.piecewise_interpolate(boundaries, values, interpolation="cosine")
    t = np.maximum(STEPS, 0).astype(np.float64)
    v = np.float32(values).astype(np.float64)
    expected = np.full_like(t, v[-1])
    for i in range(len(boundaries) - 1):
        (b0, v0), (b1, v1) = (boundaries[i], v[i]), (boundaries[i + 1], v[i + 1])
        if b1 > b0:
            x = (t - b0) / (b1 - b0)
            inside = (t >= b0) & (t < b1)
            expected = np.where(inside, v1 + (v0 - v1) * (1 + np.cos(np.pi * x)) / 2, expected)
    np.testing.assert_allclose(lr(jnp.asarray(STEPS)), expected, rtol=1e-6, atol=1e-9)


def test_vmap_over_boundaries_and_values_compiles_once():
    traces = []

    @jax.jit
    def sweep(boundaries, values):
        traces.append(1)

        def run(b, v):
            steps = jnp.arange(300)
            return sx.piecewise_constant(b, v)(steps), sx.piecewise_interpolate(b, v[:3])(steps)

        return jax.vmap(run)(boundaries, values)

    boundaries = jnp.asarray([[50, 100, 200], [10, 20, 30], [0, 150, 299]])
    values = jnp.asarray([[1.0, 0.5, 0.2, 0.1], [0.3, 0.2, 0.1, 0.0], [2.0, 1.0, 0.5, 0.25]])
    constant, linear = sweep(boundaries, values)
    for i in range(3):
        b, v = np.asarray(boundaries[i], np.float64), np.asarray(values[i], np.float64)
        np.testing.assert_array_equal(constant[i], np_constant(b, v, np.arange(300)))
        np.testing.assert_allclose(
            linear[i], np.interp(np.arange(300), b, v[:3]), rtol=1e-6, atol=1e-9
        )
    sweep(boundaries + 1, values * 2)
    assert len(traces) == 1


def test_gradients_reach_values_and_boundaries():
    def lr(params, t):
        b, v = params
        return sx.piecewise_interpolate(b, v)(t)

    params = (jnp.asarray([0.0, 100.0, 300.0]), jnp.asarray([0.0, 0.1, 0.001]))
    grads = jax.jit(jax.vmap(jax.grad(lr), in_axes=(None, 0)))(params, jnp.arange(0.5, 400, 7.0))
    assert all(np.all(np.isfinite(g)) for g in grads)
    # At t = 50.5, lr = v0 + (v1 - v0) * (t - b0) / (b1 - b0): d/dv1 = 0.505, d/db1 = -(v1 - v0) * 50.5 / 100**2.
    g = jax.grad(lr)(params, 50.5)
    np.testing.assert_allclose(g[1], [0.495, 0.505, 0.0], rtol=1e-5)
    np.testing.assert_allclose(g[0][1], -0.1 * 50.5 / 100**2, rtol=1e-5)


def test_traced_boundaries_are_clamped():
    run = jax.jit(lambda b: sx.piecewise_constant(b, [1.0, 2.0, 3.0])(jnp.arange(8)))
    np.testing.assert_array_equal(run(jnp.asarray([5, 2])), [1, 1, 1, 1, 1, 3, 3, 3])  # as [5, 5]
