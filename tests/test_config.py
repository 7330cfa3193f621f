"""to_config / from_config: JSON round trips with the same values and the same PyTree structure."""

from __future__ import annotations

import functools
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from cases import STRUCTURES

import schedax as sx
from schedax.compat import keras as K
from schedax.compat import torch as T
from schedax.compat import transformers as HF

STATELESS = {
    **{case.id: case.build() for case in STRUCTURES},  # one case per structure
    "join": sx.join_schedules([sx.linear_schedule(0.0, 0.1, 10), sx.cosine_decay(0.1, 90)], [10]),
    "nested_join": sx.join_schedules(
        [
            sx.warmup_cosine_decay(0.1, 10, 100),
            sx.join_schedules([sx.step_lr(0.01, 20), sx.cosine_restarts(0.01, 15, 2.0)], [60]),
        ],
        [100],
    ),
    "piecewise_constant": sx.piecewise_constant([10, 20], [1.0, 0.5, 0.25]),
    "piecewise_interpolate": sx.piecewise_interpolate([0, 50, 100], [0.0, 1.0, 0.1]),
    "keras_piecewise": K.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.25]),
    "torch_cosine": T.CosineAnnealingLR(0.1, 30, eta_min=0.01),
    "torch_chained": T.ChainedScheduler(
        0.1, [T.ConstantLR(0.1, 0.5, 5), T.ExponentialLR(0.1, 0.97)]
    ),
    "torch_sequential": T.SequentialLR(
        [T.LinearLR(0.1, 0.1, 1.0, 10), T.MultiStepLR(0.1, [30, 60])], [10]
    ),
    "keras_exponential": K.ExponentialDecay(0.1, 20, 0.5),
    "keras_polynomial_cycle": K.PolynomialDecay(0.1, 30, 0.01, 2.0, cycle=True),
    "keras_restarts": K.CosineDecayRestarts(0.1, 10, 2.0, 0.8, 0.1),
}


def _round_trip(schedule):
    return sx.from_config(json.loads(json.dumps(sx.to_config(schedule))))


@functools.cache
def _values() -> dict[str, np.ndarray]:
    """Every schedule stacked with its restored copy (the same structure, or stack fails) and
    mapped over, at steps 0 .. 399, in one compiled program."""
    pairs = [sx.stack([s, _round_trip(s)]) for s in STATELESS.values()]
    run = jax.jit(lambda ps: [jax.vmap(lambda s: s(jnp.arange(400)))(p) for p in ps])
    return dict(zip(STATELESS, map(np.asarray, run(pairs)), strict=True))


@pytest.mark.parametrize("name", STATELESS)
def test_round_trip_through_json(name):
    schedule = STATELESS[name]
    restored = _round_trip(schedule)
    assert jax.tree.structure(restored) == jax.tree.structure(schedule)
    assert type(restored) is type(schedule)
    original, again = _values()[name]
    np.testing.assert_array_equal(again, original)
    assert np.all(np.isfinite(original)) and np.any(original != 0)


@pytest.mark.parametrize(
    "schedule",
    [
        sx.reduce_on_plateau(0.1, factor=0.5, patience=3, mode="max"),
        K.ReduceLROnPlateau(0.2, patience=4, cooldown=2),
        sx.from_config(
            {
                "name": "transformers.greedy",
                "lr": 0.1,
                "patience": 1,
                "factor": 0.5,
                "smooth": True,
                "window_size": 3,
            }
        ),
    ],
    ids=["torch_counting", "keras_counting", "transformers_greedy"],
)
def test_stateful_round_trip(schedule):
    config = sx.to_config(schedule)
    restored = sx.from_config(json.loads(json.dumps(config)))
    assert jax.tree.structure(restored) == jax.tree.structure(schedule)
    state_a, state_b = schedule.init(), restored.init()
    for k, value in enumerate([1.0, 0.9, 0.9, 0.95, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]):
        state_a, state_b = schedule.observe(state_a, value), restored.observe(state_b, value)
        assert schedule(k, state_a)[0] == restored(k, state_b)[0]


def test_config_uses_the_argument_names():
    config = sx.to_config(sx.warmup_cosine_decay(3e-4, 1000, 100000))
    assert config == {"name": "warmup_cosine_decay", "peak": 0.0003, "warmup_steps": 1000,
                      "total_steps": 100000, "init": 0.0, "end": 0.0, "exponent": None}  # fmt: skip
    # A compat constructor builds a core curve; its config names that curve and its options.
    assert sx.to_config(K.ReduceLROnPlateau(0.1))["counting"] == "keras"
    assert sx.to_config(T.CosineAnnealingLR(0.1, 10)) == {
        "name": "cosine_decay", "init": 0.1, "decay_steps": 10, "end": 0.0, "exponent": None,
        "periodic": True, "offset": 0,
    }  # fmt: skip
    # Configs may still name the compat constructors.
    torch_config = {"name": "torch.CosineAnnealingLR", "lr": 0.1, "T_max": 10}
    assert repr(sx.from_config(torch_config)) == repr(T.CosineAnnealingLR(0.1, 10))
    # transformers' by function name or by SchedulerType name (get_scheduler's).
    hf = {"lr": 0.1, "num_warmup_steps": 5, "num_training_steps": 50, "num_cycles": 1.5}
    by_type = sx.from_config({"name": "transformers.cosine", **hf})
    assert repr(by_type) == repr(HF.get_cosine_schedule_with_warmup(**hf))
    assert repr(_round_trip(by_type)) == repr(by_type)


@pytest.mark.parametrize(
    "schedule",
    [
        sx.lambda_lr(lambda t: 0.1),
        sx.learning_rate_scheduler(lambda e, lr: lr, 0.1),
        T.LambdaLR(0.1, lambda t: 1.0),
        sx.join_schedules([sx.constant_lr(0.1), lambda t: 0.01], [5]),
    ],  # fmt: skip
    ids=["lambda_lr", "learning_rate_scheduler", "torch_LambdaLR", "join_with_callable"],
)
def test_user_functions_cannot_be_serialized(schedule):
    with pytest.raises(
        TypeError, match=r"holds a user function .* and cannot be serialized|has no config form"
    ):
        sx.to_config(schedule)


@pytest.mark.parametrize(
    "config, match",
    [
        (
            {"name": "cosine_decy", "init": 0.1, "decay_steps": 10},
            r"^from_config: unknown schedule name 'cosine_decy'; did you mean 'cosine_decay'\?$",
        ),
        (
            {"name": "cosine_decay", "inti": 0.1, "decay_steps": 10},
            r"^from_config: cosine_decay has no argument 'inti'; did you mean 'init'\?$",
        ),
        ({"init": 0.1}, r"^from_config: config has no 'name' key; got keys \['init'\]$"),
        (
            {"name": "cosine_decay", "init": 0.1, "decay_steps": 0},
            r"^cosine_decay: decay_steps must be > 0, got 0$",
        ),
        (
            {
                "name": "join_schedules",
                "schedules": [
                    {"name": "constant_lr", "lr": 0.1},
                    {"name": "torch.StepLr", "lr": 0.1},
                ],
                "boundaries": [5],
            },
            r"^from_config: unknown schedule name 'torch.StepLr'; did you mean 'torch.StepLR'\?$",
        ),
    ],
)
def test_bad_configs_name_the_key(config, match):
    with pytest.raises(ValueError, match=match):
        sx.from_config(config)
