"""Bad arguments raise at construction, naming the function, the argument, the value and the rule."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import schedax as sx

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "make, error, match",
    [
        (
            lambda: sx.cosine_decay(0.1, 0),
            ValueError,
            r"^cosine_decay: decay_steps must be > 0, got 0$",
        ),
        (
            lambda: sx.cosine_decay(0.1, -5.5),
            ValueError,
            r"^cosine_decay: decay_steps must be > 0, got -5.5$",
        ),
        (
            lambda: sx.cosine_decay(NAN, 10),
            ValueError,
            r"^cosine_decay: init must be finite, got nan$",
        ),
        (
            lambda: sx.cosine_decay(0.1, 10, end=INF),
            ValueError,
            r"^cosine_decay: end must be finite, got inf$",
        ),
        (
            lambda: sx.cosine_decay(0.1, INF),
            ValueError,
            r"^cosine_decay: decay_steps must be finite, got inf$",
        ),
        (
            lambda: sx.cosine_decay("0.1", 10),
            TypeError,
            r"^cosine_decay: init must be a real number, got str '0.1'$",
        ),
        (
            lambda: sx.cosine_decay(None, 10),
            TypeError,
            r"^cosine_decay: init must be a real number, got NoneType None$",
        ),
        (
            lambda: sx.cosine_decay(True, 10),
            TypeError,
            r"^cosine_decay: init must be a real number, got bool True$",
        ),
        (
            lambda: sx.cosine_decay(1j, 10),
            TypeError,
            r"^cosine_decay: init must be a real number, got complex 1j$",
        ),
        (
            lambda: sx.cosine_decay(jnp.ones(3), 10),
            ValueError,
            r"^cosine_decay: init must be a scalar, got shape \(3,\)$",
        ),
        (
            lambda: sx.linear_schedule(0.0, 1.0, 0),
            ValueError,
            r"^linear_schedule: steps must be > 0, got 0$",
        ),
        (
            lambda: sx.linear_schedule(0.0, NAN, 5),
            ValueError,
            r"^linear_schedule: end must be finite, got nan$",
        ),
        (
            lambda: sx.exponential_decay(0.1, -0.5),
            ValueError,
            r"^exponential_decay: decay_rate must be >= 0, got -0.5$",
        ),
        (
            lambda: sx.step_decay(0.1, 0.9, 0),
            ValueError,
            r"^step_decay: step_size must be > 0, got 0$",
        ),
        (
            lambda: sx.step_decay(0.1, -1, 10),
            ValueError,
            r"^step_decay: decay_rate must be >= 0, got -1.0$",
        ),
        (lambda: sx.step_lr(0.1, 0), ValueError, r"^step_lr: step_size must be > 0, got 0$"),
        (lambda: sx.step_lr(0.1, -3), ValueError, r"^step_lr: step_size must be > 0, got -3$"),
        (
            lambda: sx.step_lr(0.1, 10, gamma=-0.1),
            ValueError,
            r"^step_lr: gamma must be >= 0, got -0.1$",
        ),
        (
            lambda: sx.step_lr(0.1, np.array([5, 5])),
            ValueError,
            r"^step_lr: step_size must be a scalar, got shape \(2,\)$",
        ),
        (lambda: sx.constant_lr(NAN), ValueError, r"^constant_lr: lr must be finite, got nan$"),
        (
            lambda: sx.constant_lr([0.1]),
            TypeError,
            r"^constant_lr: lr must be a real number, got list \[0.1\]$",
        ),
        (
            lambda: sx.lambda_lr(0.1),
            TypeError,
            r"^lambda_lr: lr_lambda must be a callable step -> lr, got float 0.1$",
        ),
        (lambda: sx.stack([]), ValueError, r"^stack: schedules must not be empty$"),
        (
            lambda: sx.stack([sx.constant_lr(1.0), 0.1]),
            TypeError,
            r"^stack: schedules\[1\] must be a schedax Schedule \(or a PyTree holding schedules\), got float$",
        ),
        (
            lambda: sx.stack([sx.constant_lr(1.0), sx.cosine_decay(1.0, 5)]),
            ValueError,
            r"^stack: schedules\[1\] has a different structure from schedules\[0\]",
        ),
    ],
)
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_bad_step_type():
    with pytest.raises(
        TypeError, match=r"^cosine_decay: step must be an integer or float array, got bool$"
    ):
        sx.cosine_decay(0.1, 10)(True)


def test_traced_invalid_values_are_clamped_not_nan():
    # Inside jit nothing can be checked: a zero length or rate is clamped to the smallest
    # positive float, and the result stays finite.
    steps = jnp.arange(5)

    @jax.jit
    def run(n, rate):
        return (
            sx.cosine_decay(1.0, n)(steps),
            sx.linear_schedule(0.0, 1.0, n)(steps),
            sx.step_decay(1.0, rate, n)(steps),
            sx.exponential_decay(1.0, rate)(steps),
        )

    cosine, linear, step, exponential = run(0, 0.0)
    np.testing.assert_array_equal(cosine, [1, 0, 0, 0, 0])  # all decayed after step 0
    np.testing.assert_array_equal(linear, [0, 1, 1, 1, 1])
    np.testing.assert_array_equal(step, [1, 0, 0, 0, 0])
    np.testing.assert_allclose(exponential, [1, 0, 0, 0, 0], atol=1e-37)  # tiny**step


@pytest.mark.parametrize(
    "make, error, match",
    [
        (
            lambda: sx.polynomial_decay(0.1, 0.0, 0),
            ValueError,
            r"^polynomial_decay: decay_steps must be > 0, got 0$",
        ),
        (
            lambda: sx.polynomial_decay(0.1, 0.0, 10, power=-0.5),
            ValueError,
            r"^polynomial_decay: power must be >= 0, got -0.5$",
        ),
        (
            lambda: sx.inverse_time_decay(0.1, -1.0, 10),
            ValueError,
            r"^inverse_time_decay: decay_rate must be >= 0, got -1.0$",
        ),
        (
            lambda: sx.inverse_time_decay(0.1, 1.0, 10, staircase="yes"),
            TypeError,
            r"^inverse_time_decay: staircase must be a bool, got str$",
        ),
        (
            lambda: sx.inverse_sqrt(0.1, 0),
            ValueError,
            r"^inverse_sqrt: warmup_steps must be > 0 without a timescale, got 0$",
        ),
        (
            lambda: sx.piecewise_constant([10, 5], [1.0, 0.5, 0.1]),
            ValueError,
            r"^piecewise_constant: boundaries must be non-decreasing, got \[10, 5\]$",
        ),
        (
            lambda: sx.piecewise_constant([10], [1.0]),
            ValueError,
            r"^piecewise_constant: got 1 boundaries and 1 values; need len\(values\) == len\(boundaries\) \+ 1$",
        ),
        (
            lambda: sx.piecewise_constant([10], [1.0, float("nan")]),
            ValueError,
            r"^piecewise_constant: values\[1\] must be finite, got nan$",
        ),
        (
            lambda: sx.piecewise_interpolate([0, 10], [1.0]),
            ValueError,
            r"^piecewise_interpolate: got 2 boundaries and 1 values; need len\(values\) == len\(boundaries\)$",
        ),
        (
            lambda: sx.piecewise_interpolate([], []),
            ValueError,
            r"^piecewise_interpolate: values must hold at least one point, got \[\]$",
        ),
        (
            lambda: sx.warmup_cosine_decay(0.1, 200, 100),
            ValueError,
            r"^warmup_cosine_decay: warmup_steps \(200\) must be <= total_steps \(100\)$",
        ),
        (
            lambda: sx.warmup_cosine_decay(0.1, -1, 100),
            ValueError,
            r"^warmup_cosine_decay: warmup_steps must be >= 0, got -1$",
        ),
        (
            lambda: sx.warmup_cosine_decay(0.1, 0, 0),
            ValueError,
            r"^warmup_cosine_decay: total_steps must be > 0, got 0$",
        ),
        (
            lambda: sx.warmup_stable_decay(0.1, 10, 10, 10, decay_shape="step"),
            ValueError,
            r"^warmup_stable_decay: decay_shape must be one of \('linear', 'cosine', '1-sqrt', 'power', 'exp'\), got 'step'$",
        ),
        (
            lambda: sx.warmup_stable_decay(0.1, 10, -5, 10),
            ValueError,
            r"^warmup_stable_decay: stable_steps must be >= 0, got -5$",
        ),
        (
            lambda: sx.warmup_stable_decay(0.1, 10, 10, 0),
            ValueError,
            r"^warmup_stable_decay: decay_steps must be > 0, got 0$",
        ),
        (
            lambda: sx.cosine_restarts(0.1, 0),
            ValueError,
            r"^cosine_restarts: period must be > 0, got 0$",
        ),
        (
            lambda: sx.cosine_restarts(0.1, 10, period_mult=0.5),
            ValueError,
            r"^cosine_restarts: period_mult must be >= 1, got 0.5$",
        ),
        (
            lambda: sx.cosine_restarts(0.1, 10, peak_mult=-1.0),
            ValueError,
            r"^cosine_restarts: peak_mult must be >= 0, got -1.0$",
        ),
        (lambda: sx.cyclic(0.1, 1.0, 0), ValueError, r"^cyclic: step_size_up must be > 0, got 0$"),
        (
            lambda: sx.cyclic(0.1, 1.0, 10, mode="sawtooth"),
            ValueError,
            r"^cyclic: mode must be one of \('triangular', 'triangular2', 'exp_range'\), got 'sawtooth'$",
        ),
        (
            lambda: sx.cyclic(0.1, 1.0, 10, gamma=-0.5),
            ValueError,
            r"^cyclic: gamma must be >= 0, got -0.5$",
        ),
        (
            lambda: sx.one_cycle(0.1, 100, pct_start=1.5),
            ValueError,
            r"^one_cycle: pct_start must be in \[0, 1\], got 1.5$",
        ),
        (
            lambda: sx.one_cycle(0.1, 100, anneal="cosine"),
            ValueError,
            r"^one_cycle: anneal must be one of \('cos', 'linear'\), got 'cosine'$",
        ),
        (
            lambda: sx.one_cycle(0.1, 100, div_factor=0.0),
            ValueError,
            r"^one_cycle: div_factor must be > 0, got 0.0$",
        ),
    ],
)
def test_bad_arguments_of_the_family(make, error, match):
    with pytest.raises(error, match=match):
        make()
