"""schedax.compat.timm against timm 1.0.31: names, signatures, values, num_epochs, errors,
noise, and the transformations timm's schedulers cannot do.

Values come from tests/reference/timm_compat.json (hand-picked, whole sequences past the end)
and tests/reference/random_timm.json (100 random configurations per constructor,
tests/test_parity.py), both recorded by tests/reference/generate.py.
"""

from __future__ import annotations

import functools
import inspect
import json
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import check_transformations, evaluate_all, reference, reference_params

import schedax as sx
from schedax.compat import timm as TIMM

SOURCE, CASES = reference("timm_compat.json")
LR = 0.02  # the optimizer's learning rate in the recorded cases
SIGNATURES = [c for c in CASES if "signature" in c]
VALUES = [c for c in CASES if c.get("lr") and "noisy" not in c]


def _build(case: dict):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # PlateauLRScheduler is deprecated
        if case["name"] == "create_scheduler_v2":
            schedule, epochs = TIMM.create_scheduler_v2(LR, **case["args"])
            return schedule if schedule is not None else sx.constant_lr(LR), epochs
        return getattr(TIMM, case["name"])(LR, **case["args"]), None


def test_every_scheduler_is_here_with_its_signature():
    assert {c["name"] for c in SIGNATURES} == set(TIMM.__all__)
    for case in SIGNATURES:
        theirs = [tuple(p) for p in case["signature"]]
        assert theirs[0] == ("optimizer", "<required>")
        ours = [(p.name, "<required>" if p.default is p.empty else
                 (list(p.default) if isinstance(p.default, tuple) else p.default))
                for p in inspect.signature(getattr(TIMM, case["name"])).parameters.values()]  # fmt: skip
        first = "learning_rate" if case["name"] == "create_scheduler_v2" else "lr"
        assert ours == [(first, "<required>"), *theirs[1:]], case["name"]


@functools.cache
def _values() -> list[np.ndarray]:
    accepted = [c for c in VALUES if not c.get("error")]
    schedules = [_build(c)[0] for c in accepted]
    # A plateau's lr at epoch 0, then after each observation at epochs 1, 2...
    metrics = [c.get("metric") for c in accepted]
    steps = [len(c["lr"]) - (c.get("metric") is not None) for c in accepted]
    return evaluate_all(schedules, steps, metrics)


@pytest.mark.parametrize("source, case", reference_params("timm_compat.json"))
def test_recorded_values_num_epochs_and_errors(source, case):
    if "lr" not in case or "noisy" in case:
        return  # the signature of create_scheduler_v2; noise: its own test
    if case.get("error"):  # timm refused (an AssertionError or a ValueError): a ValueError
        with pytest.raises(
            ValueError, match="updates_per_epoch|decay_epochs|per epoch|sched must be one of"
        ):
            _build(case)
        return
    schedule, epochs = _build(case)
    assert epochs == case.get("num_epochs"), case["args"]
    expected = np.asarray(case["lr"])
    got = _values()[[c for c in VALUES if not c.get("error")].index(case)]
    if case.get("metric") is not None:  # epoch 0 is the lr before any step
        got = np.concatenate([[float(schedule(0, schedule.init())[0])], got])
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=1e-7 * np.abs(expected).max(),
                               err_msg=source)  # fmt: skip


def test_create_scheduler_v2_num_epochs_of_the_random_configurations():
    _, cases = reference("random_timm.json")
    checked = 0
    for case in cases:
        if case["name"] != "timm.create_scheduler_v2" or case["error"]:
            continue
        args = {k: v for k, v in case["args"].items() if k != "lr"}
        try:
            _, epochs = TIMM.create_scheduler_v2(case["args"]["lr"], **args)
        except ValueError:
            continue  # a restriction (tests/test_parity.py says which)
        assert epochs == case["num_epochs"], case["args"]
        checked += 1
    assert checked >= 80


# ----------------------------------------------------------------------------- noise


@pytest.mark.parametrize("case", [c for c in CASES if "noisy" in c], ids=lambda c: c["name"])
def test_noise_follows_timms_range_and_bounds(case):
    args = case["args"]
    clean, theirs = np.asarray(case["lr"]), np.asarray(case["noisy"])
    ours = np.asarray(getattr(TIMM, case["name"])(LR, **args)(jnp.arange(len(clean))))
    start, stop = (args["noise_range_t"] if isinstance(args["noise_range_t"], list)
                   else (args["noise_range_t"], len(clean)))  # fmt: skip
    on = (np.arange(len(clean)) >= start) & (np.arange(len(clean)) < stop)
    pct = args.get("noise_pct", 0.67)
    for noisy in (theirs, ours):  # timm's draws and ours: the same rule, not the same numbers
        np.testing.assert_allclose(noisy[~on], clean[~on], rtol=2e-5)
        ratio = noisy[on] / clean[on] - 1
        assert np.all(np.abs(ratio) < pct + 1e-6) and np.std(ratio) > pct / 10
    assert not np.allclose(ours[on], theirs[on])  # JAX's numbers, as the docstring says


@pytest.mark.parametrize("kind, pct, std", [("normal", 0.2, 0.5), ("uniform", 0.3, 1.0)])
def test_noise_distribution_is_timms(kind, pct, std):
    # timm redraws a normal until |noise| < pct (a truncated normal), or draws a uniform in
    # [-pct, pct): the draws at 20,000 steps against scipy's distribution (Kolmogorov-Smirnov).
    import scipy.stats  # here: importing it costs every test worker 2 s at collection

    noise = sx.noisy(sx.constant_lr(1.0), 0, pct=pct, std=std, seed=3, kind=kind)
    draws = np.asarray(noise(jnp.arange(20_000)), np.float64) - 1
    if kind == "normal":
        reference_cdf = scipy.stats.truncnorm(-pct / std, pct / std, scale=std).cdf
    else:
        reference_cdf = scipy.stats.uniform(-pct, 2 * pct).cdf
    assert scipy.stats.kstest(draws, reference_cdf).pvalue > 1e-3
    again = np.asarray(jax.jit(lambda s: s(jnp.arange(20_000)))(noise), np.float64) - 1
    np.testing.assert_array_equal(again, draws)  # deterministic: eager and jit agree


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: TIMM.CosineLRScheduler(0.1, t_initial=0), r"^CosineLRScheduler: t_initial must be > 0, got 0$"),
        (lambda: TIMM.CosineLRScheduler(0.1, 10, lr_min=-1.0), r"^CosineLRScheduler: lr_min must be >= 0, got -1.0$"),
        (lambda: TIMM.CosineLRScheduler(0.1, 10, cycle_mul=0.5), r"^CosineLRScheduler: cycle_mul must be >= 1, got 0.5$"),
        (lambda: TIMM.TanhLRScheduler(0.1, 10, lb=3.0, ub=3.0), r"^TanhLRScheduler: lb must be < ub, got lb=3.0, ub=3.0$"),
        (lambda: TIMM.StepLRScheduler(0.1, decay_t=0), r"^StepLRScheduler: decay_t must be > 0, got 0$"),
        (lambda: TIMM.MultiStepLRScheduler(0.1, [10, 5]), r"^MultiStepLRScheduler: decay_t must be sorted"),
        (lambda: TIMM.PolyLRScheduler(0.1, 10, warmup_t=-1), r"^PolyLRScheduler: warmup_t must be >= 0, got -1$"),
        (lambda: TIMM.WSDLRScheduler(0.1, 10, 11), r"^WSDLRScheduler: decay_t must be in \(0, t_initial\]"),
        (lambda: TIMM.WSDLRScheduler(0.1, 10, 5, stable_fn="rsqrt"), r"^WSDLRScheduler: stable_fn=rsqrt requires a positive stable_timescale"),
        (lambda: TIMM.create_scheduler_v2(0.1, "cosine", step_on_epochs=False), r"^create_scheduler_v2: updates_per_epoch must be set"),
    ],
)  # fmt: skip
def test_errors_name_the_scheduler_and_the_argument(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_callable_decay_fn_is_refused_with_the_way_out():
    with pytest.raises(TypeError, match=r"^WSDLRScheduler: decay_fn must be one of .* lambda_lr"):
        TIMM.WSDLRScheduler(0.1, 10, 5, decay_fn=lambda frac: 1 - frac)


def test_plateau_warns_as_timm_does_and_runs_under_scan():
    with pytest.warns(FutureWarning, match="PlateauLRScheduler is deprecated in timm"):
        plateau = TIMM.PlateauLRScheduler(0.1, patience_t=0, mode="min", warmup_t=2)
    metric = jnp.asarray([1.0, 1.0, 1.0, 1.0, 1.0])

    def body(state, inputs):
        epoch, value = inputs
        state = plateau.observe(state, value)
        return state, plateau(epoch, state)[0]

    lrs = jax.jit(lambda: jax.lax.scan(body, plateau.init(), (jnp.arange(1, 6), metric))[1])()
    # Epochs 1, 2: the warmup (their metrics ignored); 3: the first metric, the best; 4, 5: worse.
    np.testing.assert_allclose(lrs, [0.05, 0.1, 0.1, 0.01, 0.001], rtol=1e-6)


# ----------------------------------------------------------------------------- transformations

SWEEPS = {
    "CosineLRScheduler": (
        dict(lr=0.1, t_initial=10.0, warmup_t=3.0, warmup_lr_init=1e-3, cycle_limit=3.0,
             cycle_mul=1.0, cycle_decay=0.5, lr_min=1e-4, k_decay=1.0),
        {("lr",): (0.1, 0.5), ("t_initial",): (10.0, 4.0, 7.5), ("warmup_t",): (3.0, 0.0, 8.0),
         ("warmup_lr_init",): (1e-3, 0.0), ("cycle_limit",): (3.0, 0.0, 1.0),
         ("cycle_mul",): (1.0, 2.0, 1.5), ("cycle_decay",): (0.5, 1.0, 0.0),
         ("lr_min",): (1e-4, 0.0), ("k_decay",): (1.0, 2.0, 0.5)},
    ),
    "TanhLRScheduler": (
        dict(lr=0.1, t_initial=10.0, warmup_t=3.0, cycle_limit=2.0, lb=-7.0, ub=3.0),
        {("lr",): (0.1, 0.5), ("t_initial",): (10.0, 4.0), ("warmup_t",): (3.0, 0.0),
         ("lb",): (-7.0, -3.0), ("ub",): (3.0, 5.0), ("cycle_limit",): (2.0, 1.0)},
    ),
    "PolyLRScheduler": (
        dict(lr=0.1, t_initial=10.0, power=0.5, warmup_t=2.0, cycle_limit=2.0, k_decay=1.0),
        {("lr",): (0.1, 0.5), ("t_initial",): (10.0, 4.0), ("power",): (0.5, 2.0, 0.0),
         ("warmup_t",): (2.0, 0.0), ("k_decay",): (1.0, 1.5)},
    ),
    "StepLRScheduler": (
        dict(lr=0.1, decay_t=5.0, decay_rate=0.5, warmup_t=3.0, warmup_lr_init=1e-3,
             noise_range_t=10.0, noise_pct=0.2, noise_std=0.5),
        {("lr",): (0.1, 0.5), ("decay_t",): (5.0, 2.5, 1.0), ("decay_rate",): (0.5, 0.0, 1.0),
         ("warmup_t",): (3.0, 0.0), ("noise_pct",): (0.2, 0.5), ("noise_std",): (0.5, 0.0)},
    ),
    "MultiStepLRScheduler": (
        dict(lr=0.1, decay_t=[5.0, 10.0], decay_rate=0.5, warmup_t=2.0),
        {("lr",): (0.1, 0.5), ("decay_t", 0): (5.0, 0.0, 10.0), ("decay_t", 1): (10.0, 20.0),
         ("decay_rate",): (0.5, 0.1), ("warmup_t",): (2.0, 0.0)},
    ),
    "WSDLRScheduler": (
        dict(lr=0.1, t_initial=20.0, decay_t=8.0, warmup_t=4.0, lr_min=1e-4,
             stable_fn="power", decay_fn="exp", stable_timescale=3.0),
        {("lr",): (0.1, 0.5), ("t_initial",): (20.0, 10.0), ("decay_t",): (8.0, 1.0, 20.0),
         ("warmup_t",): (4.0, 0.0), ("lr_min",): (1e-4, 0.0), ("stable_timescale",): (3.0, 10.0),
         ("stable_power",): (0.5, 1.0), ("decay_ratio",): (0.1, 0.5)},
    ),
}  # fmt: skip


def test_sweeps_cover_every_stateless_scheduler():
    assert set(SWEEPS) == set(TIMM.__all__) - {"PlateauLRScheduler", "create_scheduler_v2"}


@pytest.mark.parametrize("name", SWEEPS)
def test_vmap_over_every_numeric_argument_one_trace_finite_grad(name):
    args, paths = SWEEPS[name]
    check_transformations(getattr(TIMM, name), args, paths, jnp.arange(40))


def test_config_round_trip_by_timms_name():
    config = {"name": "timm.CosineLRScheduler", "lr": 0.1, "t_initial": 10, "warmup_t": 2,
              "cycle_limit": 2, "k_decay": 1.5}  # fmt: skip
    schedule = sx.from_config(config)
    again = sx.from_config(json.loads(json.dumps(sx.to_config(schedule))))
    built = TIMM.CosineLRScheduler(**{k: v for k, v in config.items() if k != "name"})
    assert repr(again) == repr(schedule) == repr(built)
