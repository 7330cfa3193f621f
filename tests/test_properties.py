"""Properties over random hyperparameters: bounds, monotonicity, and the join's meaning."""

from __future__ import annotations

import contextlib

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import schedax as sx

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)  # seeded: reproducible

values = st.floats(0.0, 10.0, allow_nan=False, width=32)
lengths = st.integers(1, 5000)
rates = st.floats(1e-3, 1.0)
STEPS = jnp.concatenate([jnp.arange(-2, 300), jnp.arange(300, 20000, 97)])


def _monotone(x: np.ndarray, increasing: bool) -> bool:
    d = np.diff(np.asarray(x, np.float64))
    return bool(np.all(d >= 0) if increasing else np.all(d <= 0))


@SETTINGS
@given(init=values, end=values, n=lengths)
def test_linear_and_cosine_stay_between_init_and_end_and_are_monotone(init, end, n):
    lo, hi = min(init, end), max(init, end)
    constant = init == end != 0  # cosine_decay warns: optax's third argument reads so
    for make in (sx.linear_schedule, lambda i, e, k: sx.cosine_decay(i, k, end=e)):
        with pytest.warns(UserWarning, match="end equals init") if constant and (
            make is not sx.linear_schedule
        ) else contextlib.nullcontext():  # fmt: skip
            schedule = make(init, end, n)
        out = np.asarray(schedule(STEPS), np.float64)
        assert np.all(out >= lo * (1 - 1e-6)) and np.all(out <= hi * (1 + 1e-6))
        assert _monotone(out, increasing=end >= init)
        assert out[-1] == np.float32(end) or abs(out[-1] - end) <= 1e-6 * hi


@SETTINGS
@given(init=values, rate=rates, size=st.integers(1, 400))
def test_decays_never_increase_and_stay_in_zero_init(init, rate, size):
    for lr in (
        sx.exponential_decay(init, rate),
        sx.step_decay(init, rate, size),
        sx.step_lr(init, size, rate),
    ):
        out = np.asarray(lr(STEPS), np.float64)
        assert np.all(out >= 0) and np.all(out <= np.float32(init))
        assert _monotone(out, increasing=False)


@SETTINGS
@given(
    peaks=st.lists(values, min_size=1, max_size=12),
    gaps=st.lists(st.integers(0, 300), min_size=11, max_size=11),
)
def test_join_is_the_active_piece_at_its_local_step(peaks, gaps):
    pieces = [sx.cosine_decay(p, 50 + 10 * i) for i, p in enumerate(peaks)]
    boundaries = np.cumsum(gaps[: len(peaks) - 1]).tolist()
    out = np.asarray(sx.join_schedules(pieces, boundaries)(STEPS))
    starts = np.array([0] + boundaries)
    t = np.maximum(np.asarray(STEPS), 0)
    active = np.searchsorted(np.array(boundaries), t, side="right")
    for i, piece in enumerate(pieces):
        mask = active == i
        if mask.any():  # the piece at every step (one shape, one compilation), where active
            expected = np.asarray(piece(jnp.asarray(t - starts[i])))
            np.testing.assert_allclose(out[mask], expected[mask], rtol=5e-7, atol=0)
