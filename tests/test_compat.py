"""Change the import, keep the numbers: compat layers against torch, Keras and transformers."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import KERAS_SCHEDULES, TORCH_LAMBDAS, evaluate_all, reference, reference_params

import schedax as sx
from schedax.compat import keras as K
from schedax.compat import torch as T


def build_torch(name: str, args: dict):
    args = dict(args)
    if "schedulers" in args:
        args["schedulers"] = [build_torch(n, a) for n, a in args["schedulers"]]
    if "lr_lambda" in args:
        args["lr_lambda"] = TORCH_LAMBDAS[args["lr_lambda"]]
    return getattr(T, name)(**args)


def check(actual, expected, source):
    expected = np.asarray(expected)
    # float32 against float64 libraries: rtol 2e-5, and an absolute floor far below the scale.
    np.testing.assert_allclose(
        actual, expected, rtol=2e-5, atol=1e-7 * np.abs(expected).max(), err_msg=source
    )


BUILDERS = {
    "torch_compat.json": lambda case: build_torch(case["name"], case["args"]),
    "keras_compat.json": lambda case: getattr(K, case["name"])(**case["args"]),
    "transformers.json": lambda case: sx.warmup_stable_decay(**case["args"]),
    "keras_scheduler.json": lambda case: K.LearningRateScheduler(
        KERAS_SCHEDULES[case["schedule"]], case["init"]
    ),
}


@functools.cache
def _values(filename: str) -> list[np.ndarray]:
    """Every case of a reference file, evaluated in one compiled program."""
    cases = reference(filename)[1]
    return evaluate_all([BUILDERS[filename](c) for c in cases], [len(c["lr"]) for c in cases])


def _check_case(filename: str, source: str, case: dict) -> None:
    i = reference(filename)[1].index(case)
    check(_values(filename)[i], case["lr"], source)


@pytest.mark.parametrize("source, case", reference_params("torch_compat.json"))
def test_torch(source, case):
    _check_case("torch_compat.json", source, case)


@pytest.mark.parametrize("source, case", reference_params("keras_compat.json"))
def test_keras_schedules(source, case):
    _check_case("keras_compat.json", source, case)


@pytest.mark.parametrize("source, case", reference_params("transformers.json"))
def test_warmup_stable_decay_matches_transformers(source, case):
    _check_case("transformers.json", source, case)


@pytest.mark.parametrize("source, case", reference_params("keras_scheduler.json"))
def test_keras_learning_rate_scheduler(source, case):
    _check_case("keras_scheduler.json", source, case)


def _observed(schedule, metric):
    def body(state, inputs):
        step, value = inputs
        lr, state = schedule(step, schedule.observe(state, value))
        return state, lr

    steps = jnp.arange(len(metric), dtype=jnp.int32)
    return np.asarray(jax.lax.scan(body, schedule.init(), (steps, jnp.asarray(metric)))[1])


@pytest.mark.parametrize("source, case", reference_params("keras_plateau.json"))
def test_keras_reduce_lr_on_plateau(source, case):
    schedule = K.ReduceLROnPlateau(case["init"], **case["kwargs"])
    np.testing.assert_allclose(
        _observed(schedule, case["metric"]), case["lr"], rtol=2e-5, atol=1e-37, err_msg=source
    )


@pytest.mark.parametrize("source, case", reference_params("torch_plateau.json"))
def test_torch_reduce_lr_on_plateau(source, case):
    schedule = T.ReduceLROnPlateau(case["init"], **case["kwargs"])
    np.testing.assert_allclose(
        _observed(schedule, case["metric"]), case["lr"], rtol=2e-5, err_msg=source
    )


def test_cosine_annealing_is_periodic_and_exact_at_large_steps():
    lr = T.CosineAnnealingLR(1.0, 100, eta_min=0.1)
    steps = np.array([0, 50, 100, 150, 200, 2**31 - 1], np.int64)
    expected = (
        0.1
        + 0.9 * (1 + np.cos(np.pi * np.fmod(np.float32(steps).astype(np.float64), 200) / 100)) / 2
    )
    np.testing.assert_allclose(lr(jnp.asarray(steps, jnp.int32)), expected, rtol=1e-6)


def test_compat_layers_are_traceable():
    # A compat schedule is a schedax schedule: vmap over its hyperparameters, one compile.
    out = jax.jit(jax.vmap(lambda g: T.StepLR(0.1, 10, gamma=g)(jnp.arange(30))))(
        jnp.asarray([0.5, 0.1])
    )
    np.testing.assert_allclose(out[:, 25], [0.1 * 0.25, 0.1 * 0.01], rtol=1e-6)
    out = jax.jit(
        jax.vmap(
            lambda w: K.CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=w)(jnp.arange(5))
        )
    )(jnp.asarray([1, 4]))
    np.testing.assert_allclose(out[1], [0.0, 0.025, 0.05, 0.075, 0.1], rtol=1e-6)


@pytest.mark.parametrize(
    "make, error, match",
    [
        (
            lambda: T.ConstantLR(0.1, factor=1.5),
            ValueError,
            r"^ConstantLR: factor must be in \[0, 1\], got 1.5$",
        ),
        (
            lambda: T.LinearLR(0.1, start_factor=0.0),
            ValueError,
            r"^LinearLR: start_factor must be in \(0, 1\], got 0.0$",
        ),
        (
            lambda: T.StepLR(0.1, step_size=0),
            ValueError,
            r"^StepLR: step_size must be > 0, got 0$",
        ),
        (
            lambda: T.CosineAnnealingLR(0.1, T_max=0),
            ValueError,
            r"^CosineAnnealingLR: T_max must be > 0, got 0$",
        ),
        (
            lambda: T.CosineAnnealingWarmRestarts(0.1, 10, T_mult=1.5),
            TypeError,
            r"^CosineAnnealingWarmRestarts: T_mult must be a whole number, got 1.5$",
        ),
        (
            lambda: T.CyclicLR(0.1, 1.0, scale_fn=lambda x: 1.0),
            ValueError,
            r"^CyclicLR: scale_fn is not supported",
        ),
        (
            lambda: T.OneCycleLR(0.1),
            ValueError,
            r"^OneCycleLR: give total_steps, or epochs and steps_per_epoch",
        ),
        (lambda: T.LambdaLR(0.1, 0.5), TypeError, r"^LambdaLR: lr_lambda must be a callable"),
        (
            lambda: T.ChainedScheduler(0.1, [lambda s: s]),
            TypeError,
            r"^ChainedScheduler: schedulers\[0\] must be a schedax Schedule, got function$",
        ),
        (
            lambda: K.ReduceLROnPlateau(0.1, monitor="accuracy"),
            ValueError,
            r"^ReduceLROnPlateau: mode='auto' can only tell min for a loss",
        ),
        (
            lambda: K.CosineDecayRestarts(0.1, 10, t_mul=0.5),
            ValueError,
            r"^CosineDecayRestarts: t_mul must be >= 1, got 0.5$",
        ),
        (
            lambda: K.PiecewiseConstantDecay([10], [1.0]),
            ValueError,
            r"^PiecewiseConstantDecay: got 1 boundaries and 1 values; need len\(values\) == len\(boundaries\) \+ 1$",
        ),
    ],
)
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()
