"""Change the import, keep the numbers: compat layers against torch, Keras and transformers."""

from __future__ import annotations

import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import schedax as sx
from schedax.compat import keras as K
from schedax.compat import torch as T

REFERENCE = pathlib.Path(__file__).parent / "reference"

# The torch lambdas of tests/reference/generate.py, in jnp (they get a traced step).
TORCH_LAMBDAS = {
    "inverse": lambda epoch: 1.0 / (1.0 + epoch),
    "warmup_10": lambda epoch: jnp.minimum(1.0, (epoch + 1.0) / 10),
    "times_0.95": lambda epoch: 0.95,
    "every_5th_half": lambda epoch: jnp.where(epoch % 5 == 0, 0.5, 1.0),
}
KERAS_SCHEDULES = {
    "keras_docs": lambda epoch, lr: jnp.where(epoch < 10, lr, lr * jnp.exp(-0.1)),
    "times_0.7_every_3rd": lambda epoch, lr: jnp.where(epoch % 3 == 2, lr * 0.7, lr),
    "inverse_epoch": lambda epoch, lr: 0.5 / (1.0 + epoch.astype(lr.dtype)),
    "ramp_then_halve": lambda epoch, lr: jnp.where(epoch < 5, lr + 0.01, lr * 0.5),
}


def load(filename: str) -> list:
    data = json.loads((REFERENCE / filename).read_text())
    source = f"{data['library']} {data['version']}"
    return [
        pytest.param(source, case, id=f"{i}-{case.get('name', '')}")
        for i, case in enumerate(data["cases"])
    ]


def build_torch(name: str, args: dict):
    args = dict(args)
    if "schedulers" in args:
        args["schedulers"] = [build_torch(n, a) for n, a in args["schedulers"]]
    if "lr_lambda" in args:
        args["lr_lambda"] = TORCH_LAMBDAS[args["lr_lambda"]]
    return getattr(T, name)(**args)


def values(schedule, num_steps: int) -> np.ndarray:
    steps = jnp.arange(num_steps, dtype=jnp.int32)
    if isinstance(schedule, sx.StatefulSchedule):
        body = lambda state, k: schedule(k, state)[::-1]  # noqa: E731
        return np.asarray(jax.lax.scan(body, schedule.init(), steps)[1])
    return np.asarray(schedule(steps))


def check(actual, expected, source):
    expected = np.asarray(expected)
    # float32 against float64 libraries: rtol 2e-5, and an absolute floor far below the scale.
    np.testing.assert_allclose(
        actual, expected, rtol=2e-5, atol=1e-7 * np.abs(expected).max(), err_msg=source
    )


@pytest.mark.parametrize("source, case", load("torch_compat.json"))
def test_torch(source, case):
    check(values(build_torch(case["name"], case["args"]), len(case["lr"])), case["lr"], source)


@pytest.mark.parametrize("source, case", load("keras_compat.json"))
def test_keras_schedules(source, case):
    schedule = getattr(K, case["name"])(**case["args"])
    check(values(schedule, len(case["lr"])), case["lr"], source)


@pytest.mark.parametrize("source, case", load("transformers.json"))
def test_warmup_stable_decay_matches_transformers(source, case):
    check(values(sx.warmup_stable_decay(**case["args"]), len(case["lr"])), case["lr"], source)


@pytest.mark.parametrize("source, case", load("keras_scheduler.json"))
def test_keras_learning_rate_scheduler(source, case):
    schedule = K.LearningRateScheduler(KERAS_SCHEDULES[case["schedule"]], case["init"])
    check(values(schedule, len(case["lr"])), case["lr"], source)


def _observed(schedule, metric):
    def body(state, inputs):
        step, value = inputs
        lr, state = schedule(step, schedule.observe(state, value))
        return state, lr

    steps = jnp.arange(len(metric), dtype=jnp.int32)
    return np.asarray(jax.lax.scan(body, schedule.init(), (steps, jnp.asarray(metric)))[1])


@pytest.mark.parametrize("source, case", load("keras_plateau.json"))
def test_keras_reduce_lr_on_plateau(source, case):
    schedule = K.ReduceLROnPlateau(case["init"], **case["kwargs"])
    np.testing.assert_allclose(
        _observed(schedule, case["metric"]), case["lr"], rtol=2e-5, atol=1e-37, err_msg=source
    )


@pytest.mark.parametrize("source, case", load("torch_plateau.json"))
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
    out = jax.vmap(lambda g: T.StepLR(0.1, 10, gamma=g)(jnp.arange(30)))(jnp.asarray([0.5, 0.1]))
    np.testing.assert_allclose(out[:, 25], [0.1 * 0.25, 0.1 * 0.01], rtol=1e-6)
    out = jax.vmap(
        lambda w: K.CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=w)(jnp.arange(5))
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
            r"^CosineAnnealingWarmRestarts: T_mult must be an integer, got 1.5$",
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
