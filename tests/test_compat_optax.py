"""schedax.compat.optax against optax 0.2.8: names, signatures, values, warnings, errors,
optimizer trajectories, and the transformations optax's closures cannot do.

Values come from tests/reference/optax.json (hand-picked cases, degenerate ones and steps near
10**10 with and without x64) and tests/reference/random_optax.json (1,400 random
configurations, tests/test_parity.py), both recorded by tests/reference/generate.py.
"""

from __future__ import annotations

import inspect
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from conftest import check_transformations, optax_arguments, optax_warns, reference

import schedax as sx
from schedax.compat import optax as O

NAMES = [
    "constant_schedule", "linear_schedule", "polynomial_schedule", "piecewise_constant_schedule",
    "piecewise_interpolate_schedule", "exponential_decay", "cosine_decay_schedule",
    "warmup_constant_schedule", "warmup_cosine_decay_schedule",
    "warmup_exponential_decay_schedule", "sgdr_schedule", "linear_onecycle_schedule",
    "cosine_onecycle_schedule", "join_schedules",
]  # fmt: skip


def test_every_optax_schedule_is_here_with_its_signature():
    assert sorted(O.__all__) == sorted(NAMES)
    for name in NAMES:
        ours = inspect.signature(getattr(O, name)).parameters.values()
        theirs = inspect.signature(getattr(optax.schedules, name)).parameters.values()
        assert [(p.name, p.kind, p.default) for p in ours] == [
            (p.name, p.kind, p.default) for p in theirs
        ], name


# ----------------------------------------------------------------------------- recorded values

SOURCE, CASES = reference("optax.json")


def _build(case: dict):
    """The case's schedule, and whether compat.optax warned building it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        schedule = getattr(O, case["name"])(**optax_arguments(case["name"], case["args"]))
    return schedule, bool(caught)


def _has_callables(case: dict) -> bool:
    return any(p.get("callable") for p in case["args"].get("schedules", []))


def _check(cases: list[dict], x64: bool) -> None:
    built = [_build(case) for case in cases]
    for case, (_, warned) in zip(cases, built, strict=True):
        assert warned == optax_warns(case), (case, case["logged"])
    # As recorded: int64 steps with x64, int32 ones below 2**31, else float32.
    dtype = lambda c: np.int64 if x64 else np.int32 if max(c["steps"]) < 2**31 else np.float32  # noqa: E731
    # Every case in one compiled program; the cases of one structure stacked, and evaluated by
    # one traced body (lax.map) at their steps, padded to a common length.
    groups: dict = {}
    for i, (case, (schedule, _)) in enumerate(zip(cases, built, strict=True)):
        leaves, treedef = jax.tree.flatten(schedule)
        groups.setdefault(
            (treedef, tuple((x.shape, x.dtype) for x in leaves), dtype(case)), []
        ).append(i)
    stacked, steps = [], []
    for key, members in groups.items():
        stacked.append(jax.tree.map(lambda *xs: np.stack(xs), *(built[i][0] for i in members)))
        n = max(len(cases[i]["steps"]) for i in members)
        padded = [cases[i]["steps"] + [cases[i]["steps"][-1]] * (n - len(cases[i]["steps"]))
                  for i in members]  # fmt: skip
        steps.append(np.asarray(padded, key[2]))

    @jax.jit
    def run(stacked, steps):
        return [jax.lax.map(lambda st: st[0](st[1]), (s, t))
                for s, t in zip(stacked, steps, strict=True)]  # fmt: skip

    ours = [None] * len(cases)
    for members, values in zip(groups.values(), run(stacked, steps), strict=True):
        for i, v in zip(members, np.asarray(values), strict=True):
            ours[i] = v[: len(cases[i]["steps"])]
    for case, values in zip(cases, ours, strict=True):
        theirs = np.asarray(case["lr_x64"] if case.get("error") else case["lr"])
        scale = np.max(np.abs(theirs), initial=1.0)
        np.testing.assert_allclose(
            values, theirs, rtol=2e-5, atol=1e-7 * scale, err_msg=f"{SOURCE}: {case}"
        )


def test_recorded_values_and_warnings():
    plain = [c for c in CASES if not c["x64"] and not _has_callables(c)]
    _check(plain, x64=False)
    # optax's own closures as pieces: they mix integer and float steps.
    with jax.numpy_dtype_promotion("standard"):
        _check([c for c in CASES if _has_callables(c)], x64=False)
    assert {c["name"] for c in plain} == set(NAMES)


def test_steps_and_lengths_near_10_to_the_10_with_x64():
    cases = [c for c in CASES if c["x64"]]
    assert cases
    with jax.enable_x64(True):
        _check(cases, x64=True)


def test_where_optax_overflows_int32_schedax_gives_its_x64_values():
    # Without x64, optax passes Python-int lengths of 10**10 to jnp and overflows; schedax
    # takes them as floats, and its float32 values follow optax's float64 ones.
    cases = [c for c in CASES if c.get("error")]
    assert {c["name"] for c in cases} >= {"linear_schedule", "piecewise_constant_schedule"}
    assert all("OverflowError" in c["error"] for c in cases)
    _check(cases, x64=False)


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "make, match",
    [
        # Where optax raises.
        (lambda: O.cosine_decay_schedule(0.1, 0), r"^cosine_decay_schedule: decay_steps must be > 0, got 0$"),
        (lambda: O.warmup_cosine_decay_schedule(0.0, 1.0, 10, 10),
         r"^warmup_cosine_decay_schedule: decay_steps \(10\) must be > warmup_steps \(10\)$"),
        (lambda: O.piecewise_constant_schedule(0.1, {10: -0.5}),
         r"^piecewise_constant_schedule: boundaries_and_scales\[10\] must be >= 0, got -0.5$"),
        (lambda: O.piecewise_interpolate_schedule("quadratic", 0.1),
         r"^piecewise_interpolate_schedule: interpolate_type must be one of \('linear', 'cosine'\), got 'quadratic'$"),
        (lambda: O.linear_onecycle_schedule(0, 0.1), r"^linear_onecycle_schedule: transition_steps must be > 0, got 0$"),
        (lambda: O.cosine_onecycle_schedule(-5, 0.1), r"^cosine_onecycle_schedule: transition_steps must be > 0, got -5$"),
        (lambda: O.sgdr_schedule([]), r"^sgdr_schedule: cosine_kwargs must hold at least one cycle, got \[\]$"),
        (lambda: O.sgdr_schedule([dict(init_value=0.0, peak_value=1.0, warmup_steps=5)]),
         r"^sgdr_schedule: cosine_kwargs\[0\]: warmup_cosine_decay_schedule: missing a required argument: 'decay_steps'; "
         r"the signature is warmup_cosine_decay_schedule\(init_value, peak_value, warmup_steps, "
         r"decay_steps, end_value=0\.0, exponent=1\.0\)$"),
        (lambda: O.join_schedules([], []), r"^join_schedules: schedules must hold at least one schedule, got \[\]$"),
        (lambda: O.join_schedules([0.1, 0.2], [5]), r"^join_schedules: schedules\[0\] must be a schedule or a callable"),
        # The restrictions (the migration guide): inputs whose optax values are artifacts.
        (lambda: O.polynomial_schedule(1.0, 0.0, -1.0, 10), r"^polynomial_schedule: power must be >= 0, got -1.0$"),
        (lambda: O.cosine_decay_schedule(1.0, 10, exponent=-2.0), r"^cosine_decay_schedule: exponent must be >= 0, got -2.0$"),
        (lambda: O.exponential_decay(1.0, 10, -0.5), r"^exponential_decay: decay_rate must be >= 0, got -0.5$"),
        (lambda: O.warmup_cosine_decay_schedule(0.0, 1.0, -2, 10), r"^warmup_cosine_decay_schedule: warmup_steps must be >= 0, got -2$"),
        (lambda: O.join_schedules([O.constant_schedule(0.1)] * 2, [-3]), r"^join_schedules: boundaries must be >= 0, got \[-3\]$"),
        (lambda: O.piecewise_interpolate_schedule("linear", 1.0, {-3: 0.5}),
         r"^piecewise_interpolate_schedule: boundaries_and_scales steps must be >= 0, got -3"),
        (lambda: O.piecewise_interpolate_schedule("cosine", 1.0, {2.5: 0.5, 3: 0.1}),
         r"^piecewise_interpolate_schedule: boundaries_and_scales steps must be equal or at least one step apart, got 2.5 and 3$"),
        # Kinds.
        (lambda: O.piecewise_constant_schedule(0.1, [(10, 0.5)]),
         r"^piecewise_constant_schedule: boundaries_and_scales must be a dict \{step: scale\} or None, got list$"),
        (lambda: O.linear_schedule("0.1", 0.0, 10), r"^linear_schedule: init_value must be a real number, got str '0.1'$"),
        (lambda: O.exponential_decay(1.0, float("nan"), 0.5), r"^exponential_decay: transition_steps must be finite, got nan$"),
    ],
)  # fmt: skip
def test_errors_name_the_constructor_and_the_argument(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_degenerate_cases_warn_and_give_optax_constant():
    for make, text in [
        (lambda: O.linear_schedule(0.5, 0.0, 0), "transition_steps is 0 (<= 0)"),
        (lambda: O.exponential_decay(0.5, 10, 0.0), "decay_rate is 0.0"),
        (lambda: O.warmup_constant_schedule(0.5, 1.0, 0), "warmup_steps is 0 (<= 0)"),
        (lambda: O.polynomial_schedule(0.5, 0.0, 2, 10, -5), "transition_begin is -5 (< 0)"),
    ]:
        with pytest.warns(UserWarning, match="as optax") as record:
            schedule = make()
        assert text in str(record[0].message)
        assert record[0].filename == __file__  # the warning points at the caller
        assert float(schedule(3)) == pytest.approx(0.5 if "begin" not in text else 0.5 * 0.7**2)


# ----------------------------------------------------------------------------- optimizers


# Each optimizer with a schedule whose values reach its update (a join for one of them).
OPTIMIZERS = {
    "sgd": (optax.sgd, "warmup_cosine_decay_schedule"),
    "adam": (optax.adam, "exponential_decay"),
    "adamw": (optax.adamw, "join_schedules"),
    "lion": (optax.lion, "linear_onecycle_schedule"),
}


def _pair(name: str):
    """The first recorded case of `name`: its compat.optax schedule and optax's own."""
    case = next(c for c in CASES if c["name"] == name and not c["x64"])
    args = optax_arguments(name, case["args"])
    if name == "join_schedules":
        args["schedules"] = [getattr(optax, p["name"])(**optax_arguments(p["name"], p["args"]))
                             for p in case["args"]["schedules"]]  # fmt: skip
    return _build(case)[0], getattr(optax, name)(**args)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_optimizers_follow_the_same_trajectory_as_with_optax_schedules(optimizer):
    make, name = OPTIMIZERS[optimizer]
    ours, theirs = _pair(name)

    def train(schedule, injected: bool):
        opt = (optax.inject_hyperparams(make) if injected else make)(learning_rate=schedule)
        params = jnp.array([1.0, -2.0, 3.0])
        loss = lambda p: jnp.sum((p - 0.5) ** 2 * jnp.array([0.5, 0.9, 0.1]))  # noqa: E731  (stable)

        def step(carry, _):
            params, state = carry
            updates, state = opt.update(jax.grad(loss)(params), state, params)
            return (optax.apply_updates(params, updates), state), None

        return jax.lax.scan(step, (params, opt.init(params)), length=50)[0][0]

    @jax.jit
    def both(ours):
        # optax's adam and closures mix integer and float arrays.
        with jax.numpy_dtype_promotion("standard"):
            return {injected: (train(ours, injected), train(theirs, injected))
                    for injected in (False, True)}  # fmt: skip

    for injected, (mine, optaxs) in both(ours).items():
        assert not np.allclose(mine, [1.0, -2.0, 3.0])  # it moved
        np.testing.assert_allclose(mine, optaxs, rtol=1e-5, atol=1e-6, err_msg=str(injected))


# ----------------------------------------------------------------------------- transformations

# Per constructor: arguments, and three values of each numeric argument (a path into them),
# degenerate ones included where optax has them (traced, they keep optax's meaning).
CYCLES = [dict(init_value=0.0, peak_value=1.0, warmup_steps=5.0, decay_steps=20.0),
          dict(init_value=0.1, peak_value=0.5, warmup_steps=0.0, decay_steps=15.0)]  # fmt: skip
SWEEPS = {
    "constant_schedule": (dict(value=0.1), {("value",): (0.1, 0.2, 0.0)}),
    "linear_schedule": (
        dict(init_value=0.0, end_value=1.0, transition_steps=20.0, transition_begin=5.0),
        {("init_value",): (0.0, 0.3, 2.0), ("end_value",): (1.0, 0.0, 0.5),
         ("transition_steps",): (20.0, 0.0, 7.5), ("transition_begin",): (5.0, 0.0, -2.0)},
    ),
    "polynomial_schedule": (
        dict(init_value=1.0, end_value=0.1, power=2.0, transition_steps=20.0),
        {("power",): (2.0, 0.0, 0.5), ("transition_steps",): (20.0, 0.0, 33.0),
         ("end_value",): (0.1, 1.0, 0.0), ("init_value",): (1.0, 0.0, 3.0),
         ("transition_begin",): (0.0, 4.0, -3.0)},
    ),
    "piecewise_constant_schedule": (
        dict(init_value=1.0, boundaries_and_scales={10: 0.5, 20: 0.1}),
        {("init_value",): (1.0, 0.5, 2.0), ("boundaries_and_scales", 10): (0.5, 0.0, 2.0)},
    ),
    "piecewise_interpolate_schedule": (
        dict(interpolate_type="cosine", init_value=1.0, boundaries_and_scales={10: 0.5, 30: 2.0}),
        {("init_value",): (1.0, 0.5, 2.0), ("boundaries_and_scales", 30): (2.0, 0.0, 0.3)},
    ),
    "exponential_decay": (
        dict(init_value=1.0, transition_steps=5.0, decay_rate=0.5, transition_begin=3.0,
             staircase=True, end_value=0.05),
        {("init_value",): (1.0, 0.5, 0.2), ("transition_steps",): (5.0, 0.0, 2.5),
         ("decay_rate",): (0.5, 0.0, 1.5), ("transition_begin",): (3.0, 0.0, -1.0),
         ("end_value",): (0.05, 0.2, 0.0)},
    ),
    "cosine_decay_schedule": (
        dict(init_value=1.0, decay_steps=30.0, alpha=0.1, exponent=2.0),
        {("init_value",): (1.0, 0.5, 0.2), ("decay_steps",): (30.0, 7.0, 45.5),
         ("alpha",): (0.1, 0.0, 2.0), ("exponent",): (2.0, 0.0, 0.5)},
    ),
    "warmup_constant_schedule": (
        dict(init_value=0.1, peak_value=1.0, warmup_steps=10.0),
        {("peak_value",): (1.0, 0.5, 0.0), ("warmup_steps",): (10.0, 0.0, 3.5),
         ("init_value",): (0.1, 0.0, 2.0)},
    ),
    "warmup_cosine_decay_schedule": (
        dict(init_value=0.0, peak_value=1.0, warmup_steps=10.0, decay_steps=40.0, end_value=0.01,
             exponent=1.0),
        {("peak_value",): (1.0, 0.0, 2.0), ("warmup_steps",): (10.0, 0.0, 20.0),
         ("decay_steps",): (40.0, 11.0, 60.0), ("end_value",): (0.01, 0.0, 0.5),
         ("exponent",): (1.0, 0.0, 2.0), ("init_value",): (0.0, 0.5, 1.0)},
    ),
    "warmup_exponential_decay_schedule": (
        dict(init_value=0.0, peak_value=1.0, warmup_steps=5.0, transition_steps=4.0,
             decay_rate=0.5, transition_begin=2.0, end_value=0.1),
        {("warmup_steps",): (5.0, 0.0, 8.0), ("transition_steps",): (4.0, 0.0, 2.0),
         ("decay_rate",): (0.5, 0.0, 0.9), ("transition_begin",): (2.0, 0.0, -1.0),
         ("peak_value",): (1.0, 0.5, 2.0), ("init_value",): (0.0, 0.3, 1.0),
         ("end_value",): (0.1, 0.0, 0.6)},
    ),
    "sgdr_schedule": (
        dict(cosine_kwargs=CYCLES),
        {("cosine_kwargs", 0, "decay_steps"): (20.0, 10.0, 30.0),
         ("cosine_kwargs", 0, "warmup_steps"): (5.0, 0.0, 9.0),
         ("cosine_kwargs", 1, "peak_value"): (0.5, 1.0, 0.0)},
    ),
    "linear_onecycle_schedule": (
        dict(transition_steps=40.0, peak_value=1.0),
        {("transition_steps",): (40.0, 20.0, 100.0), ("peak_value",): (1.0, 0.5, 2.0),
         ("pct_start",): (0.3, 0.25, 0.375), ("pct_final",): (0.85, 0.75, 0.875),
         ("div_factor",): (25.0, 10.0, 2.0), ("final_div_factor",): (1e4, 10.0, 1.0)},
    ),
    "cosine_onecycle_schedule": (
        dict(transition_steps=40.0, peak_value=1.0),
        {("transition_steps",): (40.0, 20.0, 100.0), ("pct_start",): (0.3, 0.25, 0.375),
         ("div_factor",): (25.0, 10.0, 2.0), ("final_div_factor",): (1e4, 10.0, 1.0),
         ("peak_value",): (1.0, 0.5, 2.0)},
    ),
    "join_schedules": (
        dict(schedules=[O.linear_schedule(0.0, 1.0, 10), O.cosine_decay_schedule(1.0, 20),
                        O.constant_schedule(0.05)], boundaries=[10.0, 25.0]),
        {("boundaries", 0): (10.0, 0.0, 20.0), ("boundaries", 1): (25.0, 12.0, 40.0)},
    ),
}  # fmt: skip
STEPS = jnp.arange(60)


NOT_NUMBERS = {"interpolate_type", "staircase", "schedules"}


def test_sweeps_cover_every_constructor_and_numeric_argument():
    assert set(SWEEPS) == set(NAMES)
    for name, (_, paths) in SWEEPS.items():
        numeric = set(inspect.signature(getattr(O, name)).parameters) - NOT_NUMBERS
        assert numeric == {path[0] for path in paths}, name


@pytest.mark.parametrize("name", NAMES)
def test_vmap_over_every_numeric_argument_one_trace_finite_grad(name):
    args, paths = SWEEPS[name]
    check_transformations(getattr(O, name), args, paths, STEPS)


def test_boundaries_given_as_dict_keys_are_swept_by_stacking():
    # Dict keys cannot be traced; schedules built with other steps stack into one sweep.
    built = [O.piecewise_constant_schedule(1.0, {k: 0.5, k + 10: 0.1}) for k in (5, 12, 30)]
    swept = jax.jit(jax.vmap(lambda s: s(STEPS)))(sx.stack(built))
    for k, row in zip((5, 12, 30), np.asarray(swept), strict=True):
        t = np.asarray(STEPS)
        np.testing.assert_allclose(
            row, np.where(t < k, 1.0, np.where(t < k + 10, 0.5, 0.05)), rtol=1e-6
        )
