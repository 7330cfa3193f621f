"""schedax.compat.transformers against transformers 5.23: names, signatures, values, errors,
and the transformations its LambdaLR cannot do.

Values come from tests/reference/transformers_compat.json (hand-picked, whole sequences past
the end of training) and tests/reference/random_transformers.json (100 random configurations
per function, tests/test_parity.py), both recorded by tests/reference/generate.py.
"""

from __future__ import annotations

import functools
import inspect
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import check_transformations, evaluate_all, reference, reference_params

from schedax.compat import transformers as HF

SOURCE, CASES = reference("transformers_compat.json")
LR = 0.02  # the optimizer's learning rate in the recorded cases
FUNCTIONS = [c for c in CASES if c["name"] != "get_scheduler"]
BY_NAME = [c for c in CASES if c["name"] == "get_scheduler"]  # get_scheduler(name, ...)
STATEFUL = {"get_reduce_on_plateau_schedule", "get_greedy_schedule", "GreedyLR"}


def test_every_recorded_function_is_here_with_its_signature():
    recorded = set(HF.__all__) - STATEFUL - {"get_scheduler"} | {"GreedyLR"}
    assert {c["name"] for c in FUNCTIONS} == recorded
    for case in FUNCTIONS:
        theirs = [tuple(p) for p in case["signature"]]
        assert theirs[0] == ("optimizer", "<required>")
        ours = [(p.name, "<required>" if p.default is p.empty else p.default)
                for p in inspect.signature(getattr(HF, case["name"])).parameters.values()]  # fmt: skip
        assert ours == [("lr", "<required>"), *theirs[1:]], case["name"]


def _build(case: dict):
    if case["name"] == "get_scheduler":
        return HF.get_scheduler(learning_rate=LR, **case["args"])
    return getattr(HF, case["name"])(LR, **case["args"])


@functools.cache
def _values() -> list[np.ndarray]:
    accepted = [c for c in CASES if not c.get("error")]
    metrics = [c.get("metric") for c in accepted]  # GreedyLR: the lr after each observation
    return evaluate_all([_build(c) for c in accepted], [len(c["lr"]) for c in accepted], metrics)


@pytest.mark.parametrize("source, case", reference_params("transformers_compat.json"))
def test_recorded_values_and_errors(source, case):
    if case.get("error"):  # transformers refused: so does schedax, naming the same thing
        # The argument transformers asks for, or its complaint about the name.
        key = re.search(r"`(num_\w+)`|min_lr|not a valid SchedulerType", case["error"])
        with pytest.raises(ValueError, match=re.escape(key[1] or key[0])):
            _build(case)
        return
    expected = np.asarray(case["lr"])
    i = [c for c in CASES if not c.get("error")].index(case)
    np.testing.assert_allclose(_values()[i], expected, rtol=2e-5,
                               atol=1e-7 * np.abs(expected).max(), err_msg=source)  # fmt: skip


def test_get_scheduler_knows_every_scheduler_type_name():
    names = {c["args"]["name"] for c in BY_NAME if not c.get("error")}
    assert names <= set(HF.SCHEDULERS)
    refused = next(c for c in BY_NAME if c["args"]["name"] == "no_such_schedule")
    listed = refused["error"].split("one of ")[1]
    assert listed == str(list(HF.SCHEDULERS))  # transformers' SchedulerType, in its order


def test_reduce_on_plateau_is_torchs():
    _, cases = reference("torch_plateau.json")
    case = cases[0]
    schedule = HF.get_reduce_on_plateau_schedule(case["init"], **case["kwargs"])
    state, lrs = schedule.init(), []
    for value in case["metric"]:
        state = schedule.observe(state, value)
        lrs.append(float(schedule(0, state)[0]))
    np.testing.assert_allclose(lrs, case["lr"], rtol=2e-5)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: HF.get_polynomial_decay_schedule_with_warmup(0.01, 10, 100, lr_end=0.01),
         r"^get_polynomial_decay_schedule_with_warmup: lr_end \(0.01\) must be smaller than lr \(0.01\)$"),
        (lambda: HF.get_cosine_with_min_lr_schedule_with_warmup(0.1, 10, 100),
         r"^get_cosine_with_min_lr_schedule_with_warmup: one of min_lr or min_lr_rate should be set$"),
        (lambda: HF.get_cosine_with_min_lr_schedule_with_warmup(0.1, 10, 100, min_lr=0.01, min_lr_rate=0.1),
         r"^get_cosine_with_min_lr_schedule_with_warmup: only one of min_lr or min_lr_rate should be set$"),
        (lambda: HF.get_linear_schedule_with_warmup(0.1, 2.5, 100),
         r"^get_linear_schedule_with_warmup: num_warmup_steps must be a whole number of steps, got 2.5$"),
        (lambda: HF.get_cosine_schedule_with_warmup(0.1, -1, 100),
         r"^get_cosine_schedule_with_warmup: num_warmup_steps must be >= 0, got -1$"),
        (lambda: HF.get_constant_schedule(0.1, last_epoch=5),
         r"^get_constant_schedule: last_epoch must be one of \(-1,\), got 5$"),
        (lambda: HF.get_polynomial_decay_schedule_with_warmup(0.1, 0, 10, power=-1.0),
         r"^get_polynomial_decay_schedule_with_warmup: power must be >= 0, got -1.0$"),
    ],
)  # fmt: skip
def test_errors_name_the_function_and_the_argument(make, match):
    with pytest.raises(ValueError, match=match):
        make()


SWEEPS = {
    "get_constant_schedule": (dict(lr=0.1), {("lr",): (0.1, 0.0, 2.0)}),
    "get_constant_schedule_with_warmup": (
        dict(lr=0.1, num_warmup_steps=10.0),
        {("lr",): (0.1, 0.0, 2.0), ("num_warmup_steps",): (10.0, 0.0, 1.0)},
    ),
    "get_linear_schedule_with_warmup": (
        dict(lr=0.1, num_warmup_steps=10.0, num_training_steps=50.0),
        {("lr",): (0.1, 0.5, 0.0), ("num_warmup_steps",): (10.0, 0.0, 60.0),
         ("num_training_steps",): (50.0, 10.0, 11.0)},
    ),
    "get_cosine_schedule_with_warmup": (
        dict(lr=0.1, num_warmup_steps=10.0, num_training_steps=50.0),
        {("lr",): (0.1, 0.5, 0.0), ("num_warmup_steps",): (10.0, 0.0, 60.0),
         ("num_training_steps",): (50.0, 10.0, 90.0), ("num_cycles",): (0.5, 0.0, 1.5)},
    ),
    "get_cosine_with_hard_restarts_schedule_with_warmup": (
        dict(lr=0.1, num_warmup_steps=5.0, num_training_steps=45.0),
        {("lr",): (0.1, 0.5, 0.0), ("num_warmup_steps",): (5.0, 0.0, 50.0),
         ("num_training_steps",): (45.0, 5.0, 60.0), ("num_cycles",): (1.0, 0.0, 4.0)},
    ),
    "get_polynomial_decay_schedule_with_warmup": (
        dict(lr=0.1, num_warmup_steps=5.0, num_training_steps=45.0, lr_end=1e-3),
        {("lr",): (0.1, 0.5, 0.01), ("num_warmup_steps",): (5.0, 0.0, 45.0),
         ("num_training_steps",): (45.0, 20.0, 2.0), ("lr_end",): (1e-3, 0.0, 0.05),
         ("power",): (1.0, 0.0, 2.5)},
    ),
    "get_inverse_sqrt_schedule": (
        dict(lr=0.1, num_warmup_steps=10.0, timescale=10.0),
        {("lr",): (0.1, 0.5, 0.0), ("num_warmup_steps",): (10.0, 0.0, 30.0),
         ("timescale",): (10.0, 1.0, 300.0)},
    ),
    "get_cosine_with_min_lr_schedule_with_warmup": (
        dict(lr=0.1, num_warmup_steps=10.0, num_training_steps=50.0, min_lr_rate=0.1),
        {("lr",): (0.1, 0.5, 0.0), ("num_warmup_steps",): (10.0, 0.0, 60.0),
         ("num_training_steps",): (50.0, 10.0, 90.0), ("num_cycles",): (0.5, 0.0, 1.5),
         ("min_lr_rate",): (0.1, 0.0, 1.0)},
    ),
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate": (
        dict(lr=0.1, num_warmup_steps=10.0, num_training_steps=50.0, min_lr_rate=0.1,
             warmup_lr_rate=0.05),
        {("lr",): (0.1, 0.5, 0.0), ("num_warmup_steps",): (10.0, 0.0, 1.0),
         ("num_training_steps",): (50.0, 10.0, 90.0), ("num_cycles",): (0.5, 0.0, 1.5),
         ("min_lr_rate",): (0.1, 0.0, 1.0), ("warmup_lr_rate",): (0.05, 0.0, 1.0)},
    ),
    "get_wsd_schedule": (
        dict(lr=0.1, num_warmup_steps=10.0, num_decay_steps=30.0, num_stable_steps=20.0,
             warmup_type="cosine", min_lr_ratio=0.1),
        {("lr",): (0.1, 0.5, 0.0), ("num_warmup_steps",): (10.0, 0.0, 25.0),
         ("num_decay_steps",): (30.0, 1.0, 45.0), ("num_stable_steps",): (20.0, 0.0, 3.0),
         ("min_lr_ratio",): (0.1, 0.0, 1.0), ("num_cycles",): (0.5, 1.5, 0.25)},
    ),
}  # fmt: skip


def test_sweeps_cover_every_stateless_function():
    assert set(SWEEPS) == set(HF.__all__) - STATEFUL - {"get_scheduler"}


@pytest.mark.parametrize("name", SWEEPS)
def test_vmap_over_every_numeric_argument_one_trace_finite_grad(name):
    args, paths = SWEEPS[name]
    check_transformations(getattr(HF, name), args, paths, jnp.arange(120))


def test_greedy_sweeps_its_factor_and_patience_in_one_trace_under_scan():
    case = next(c for c in CASES if c["name"] == "GreedyLR" and c["args"].get("factor") == 0.5)
    metric = jnp.asarray(case["metric"], jnp.float32)
    factors = jnp.asarray([0.5, 0.3, 0.9, 0.5], jnp.float32)
    patiences = jnp.asarray([case["args"]["patience"], 0, 3, 5], jnp.int32)
    traces = []

    def run(schedule):
        observe = lambda state, v: (s := schedule.observe(state, v), schedule(0, s)[0])  # noqa: E731
        return jax.lax.scan(observe, schedule.init(), metric)[1]

    @jax.jit
    def sweep(factors, patiences):
        traces.append(1)
        make = lambda f, p: HF.GreedyLR(LR, **{**case["args"], "factor": f, "patience": p})  # noqa: E731
        return jax.vmap(lambda f, p: run(make(f, p)))(factors, patiences)

    out = np.asarray(sweep(factors, patiences))
    assert len(traces) == 1
    np.testing.assert_allclose(out[0], case["lr"], rtol=2e-5)  # transformers' own run
    for i in (1, 2, 3):  # each row is that configuration's own run
        single = HF.GreedyLR(LR, **{**case["args"], "factor": float(factors[i]),
                                   "patience": int(patiences[i])})  # fmt: skip
        np.testing.assert_array_equal(out[i], np.asarray(jax.jit(run)(single)))
    assert len({tuple(row) for row in out[:3]}) == 3
