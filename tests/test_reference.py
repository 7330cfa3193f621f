"""Parity with values recorded from the real libraries by tests/reference/generate.py."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import evaluate_all, reference, reference_params

import schedax as sx


def build(spec: dict) -> sx.Schedule:
    """The schedax schedule a generator SPEC names (same names and arguments)."""
    args = dict(spec["args"])
    if spec["name"] == "join_schedules":
        args["schedules"] = [build(s) for s in args["schedules"]]
    return getattr(sx, spec["name"])(**args)


def load(filename: str) -> list:
    return reference_params(filename, lambda case: case["schedule"]["name"])


@functools.cache
def _values(filename: str) -> list[np.ndarray]:
    """Every case of the file in one compiled program (each case's steps are 0 .. n - 1)."""
    cases = reference(filename)[1]
    assert all(c["steps"] == list(range(len(c["steps"]))) for c in cases)
    return evaluate_all([build(c["schedule"]) for c in cases], [len(c["steps"]) for c in cases])


@pytest.mark.parametrize("filename", ["mlx.json", "torch.json"])
def test_eager_calls_are_the_same_program(filename):
    # An eager call compiles the program a jitted function taking the schedule runs.
    case = reference(filename)[1][0]
    schedule, steps = build(case["schedule"]), jnp.asarray(case["steps"], jnp.int32)
    np.testing.assert_array_equal(schedule(steps), jax.jit(lambda s: s(steps))(schedule))


@pytest.mark.parametrize("source, case", load("mlx.json") + load("torch.json"))
def test_matches_recorded_values(source: str, case: dict):
    filename = "mlx.json" if source.startswith("mlx") else "torch.json"
    actual = _values(filename)[reference(filename)[1].index(case)]
    expected = np.asarray(case["values"], np.float64)
    # float32 libraries: rtol 2e-5, plus an absolute floor of 1e-6 of the schedule's scale for
    # values near zero, where the reference's own float32 cancellation dominates.
    atol = 1e-6 * np.max(np.abs(expected))
    np.testing.assert_allclose(actual, expected, rtol=2e-5, atol=atol, err_msg=source)


def test_documentation_examples():
    # MLX's join_schedules example and torch's SequentialLR example, as the issue states them.
    mlx = sx.join_schedules([sx.linear_schedule(0, 1e-1, 10), sx.cosine_decay(1e-1, 200)], [10])
    np.testing.assert_allclose(mlx(jnp.arange(10)), np.arange(10) * 0.01, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose([mlx(10), mlx(11)], [0.1, 0.0999938], rtol=1e-6)
    torch = sx.join_schedules([sx.constant_lr(0.005), sx.exponential_decay(0.05, 0.9)], [20])
    np.testing.assert_allclose(torch(jnp.arange(20)), np.full(20, 0.005), rtol=1e-6)
    np.testing.assert_allclose(torch(jnp.arange(20, 23)), [0.05, 0.045, 0.0405], rtol=1e-6)


def test_reference_files_name_their_source():
    for filename, library in (("mlx.json", "mlx"), ("torch.json", "torch")):
        source, _ = reference(filename)
        assert source.startswith(f"{library} ")
