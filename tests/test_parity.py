"""Random configurations against the libraries they come from (tests/reference/random_*.json).

For every recorded configuration, schedax gives the library's values, or raises a ValueError or
TypeError where the library raised. Where schedax rejects what the library accepts, the reason
is one of RESTRICTIONS, each a row of the migration guide's restrictions table.
"""

from __future__ import annotations

import collections
import itertools
import math
import pathlib
import re
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import KERAS_SCHEDULES, TORCH_LAMBDAS, optax_arguments, optax_warns, reference

import schedax as sx
from schedax.compat import keras as K
from schedax.compat import optax as O
from schedax.compat import timm as TIMM
from schedax.compat import torch as T
from schedax.compat import transformers as HF

MIGRATION = (pathlib.Path(__file__).parents[1] / "docs" / "migration" / "index.md").read_text()
LIBRARIES = ["torch", "keras", "mlx", "optax", "transformers", "timm"]


def _fractional(*values) -> bool:
    return any(isinstance(v, float) and v != int(v) for v in values if isinstance(v, int | float))


def _negative(*values) -> bool:
    return any(isinstance(v, int | float) and v < 0 for v in values)


def _lengths(args, *names):
    return [args[n] for n in names if isinstance(args.get(n), int | float)]


def _all_pieces(args):
    return [a for _, a in args.get("schedulers", [])] or [
        p["args"] for p in args.get("schedules", [])
    ]


# (libraries' constructors, test on their arguments, the reason given). Each reason is a row
# of the migration guide's restrictions table (docs/migration/index.md), verbatim.
RESTRICTIONS = [
    (
        r"torch\.(ConstantLR|LinearLR|StepLR|PolynomialLR|MultiStepLR|SequentialLR|ChainedScheduler)",
        lambda a: any(
            _fractional(*_lengths(p, "total_iters", "step_size"), *p.get("milestones", []))
            for p in [a, *_all_pieces(a)]
        ),
        "fractional lengths, which torch compares with its integer step counter",
    ),
    (
        r"torch\.(ConstantLR|LinearLR|StepLR|PolynomialLR|MultiStepLR|SequentialLR|ChainedScheduler)",
        lambda a: any(
            _negative(*_lengths(p, "total_iters", "step_size"), *p.get("milestones", []))
            for p in [a, *_all_pieces(a)]
        ),
        "negative lengths and boundaries",
    ),
    (
        r"torch\.(StepLR|ExponentialLR|SequentialLR|ChainedScheduler)",
        lambda a: any(
            _negative(p.get("gamma", 0)) for p in [a, *_all_pieces(a)] if "milestones" not in p
        ),
        "negative decay rates (sign-alternating or NaN learning rates)",
    ),
    (
        r"torch\.(PolynomialLR|SequentialLR|ChainedScheduler)",
        lambda a: any(p.get("power", 1) < 0 for p in [a, *_all_pieces(a)]),
        "a negative power",
    ),
    (
        r"(torch|keras)\.ReduceLROnPlateau|transformers\.get_greedy_schedule",
        lambda a: _fractional(a.get("patience")),
        "a fractional patience",
    ),
    (
        r"transformers\.get_greedy_schedule",
        lambda a: a["factor"] <= 0,
        "a factor <= 0 in GreedyLR (it divides by it to raise the learning rate)",
    ),
    (
        r"keras\.(ExponentialDecay|InverseTimeDecay|PolynomialDecay|CosineDecay|CosineDecayRestarts)",
        lambda a: any(v <= 0 for v in _lengths(a, "decay_steps", "first_decay_steps")),
        "lengths <= 0, which Keras divides by",
    ),
    (
        r"keras\.CosineDecay",
        lambda a: a.get("warmup_steps", 1) <= 0 and "warmup_target" in a,
        "lengths <= 0, which Keras divides by",
    ),
    (
        r"keras\.(ExponentialDecay|InverseTimeDecay)",
        lambda a: a["decay_rate"] < 0,
        "negative decay rates (sign-alternating or NaN learning rates)",
    ),
    (r"keras\.PolynomialDecay", lambda a: a["power"] < 0, "a negative power"),
    (r"keras\.CosineDecayRestarts", lambda a: a["t_mul"] < 1, "cycles that shrink (`t_mul < 1`)"),
    (
        r"keras\.PiecewiseConstantDecay",
        lambda a: _negative(*a["boundaries"]) or a["boundaries"] != sorted(a["boundaries"]),
        "negative lengths and boundaries",
    ),
    (
        r"keras\.PiecewiseConstantDecay",
        lambda a: list(a["boundaries"]) != sorted(a["boundaries"]),
        "unsorted boundaries",
    ),
    (
        r"(step_decay|cosine_decay|join_schedules)",
        lambda a: any(
            v <= 0 for p in [a, *_all_pieces(a)] for v in _lengths(p, "step_size", "decay_steps")
        ),
        "lengths <= 0, which MLX divides by",
    ),
    (
        r"(exponential_decay|step_decay|join_schedules)",
        lambda a: any(p.get("decay_rate", 1) < 0 for p in [a, *_all_pieces(a)]),
        "negative decay rates (sign-alternating or NaN learning rates)",
    ),
    (
        r"transformers\.get_cosine_with_hard_restarts_schedule_with_warmup",
        lambda a: a.get("num_cycles", 1) < 0,
        "a negative `num_cycles` in hard restarts",
    ),
    (
        r"transformers\.get_polynomial_decay_schedule_with_warmup",
        lambda a: a["power"] < 0,
        "a negative power",
    ),
    (
        r"optax\.(polynomial_schedule|cosine_decay_schedule|warmup_cosine_decay_schedule)",
        lambda a: a.get("power", a.get("exponent", 1)) < 0,
        "a negative power",
    ),
    (
        r"optax\.(exponential_decay|warmup_exponential_decay_schedule)",
        lambda a: a["decay_rate"] < 0 < a["transition_steps"],  # else optax's constant
        "negative decay rates (sign-alternating or NaN learning rates)",
    ),
    (
        r"optax\.(warmup_cosine_decay_schedule|warmup_exponential_decay_schedule|join_schedules)",
        lambda a: _negative(a.get("warmup_steps", 0), *a.get("boundaries", [])),
        "negative lengths and boundaries",
    ),
    (
        r"optax\.(piecewise_interpolate_schedule|linear_onecycle_schedule|cosine_onecycle_schedule)",
        lambda a: _negative(*_optax_steps(a)),
        "negative lengths and boundaries",
    ),
    (
        r"timm\.(CosineLRScheduler|TanhLRScheduler|PolyLRScheduler)",
        lambda a: a["cycle_decay"] < 0,
        "negative decay rates (sign-alternating or NaN learning rates)",
    ),
    (
        r"timm\.(StepLRScheduler|MultiStepLRScheduler)",
        lambda a: a["decay_rate"] < 0,
        "negative decay rates (sign-alternating or NaN learning rates)",
    ),
    (
        r"timm\.(CosineLRScheduler|TanhLRScheduler|PolyLRScheduler)",
        lambda a: a["cycle_mul"] < 1,
        "cycles that shrink (`cycle_mul < 1`)",
    ),
    (
        r"timm\.(CosineLRScheduler|PolyLRScheduler)",
        lambda a: a["k_decay"] < 0,
        "a negative `k_decay` (timm divides by zero at each cycle's start)",
    ),
    (r"timm\.PolyLRScheduler", lambda a: a["power"] < 0, "a negative power"),
    (
        r"timm\.\w+Scheduler",
        lambda a: _negative(
            a.get("warmup_t", 0),
            a.get("decay_t", 0)
            if "t_initial" not in a and not isinstance(a.get("decay_t"), list)
            else 0,
        ),
        "negative lengths and boundaries",
    ),
    (
        r"timm\.PlateauLRScheduler",
        lambda a: _fractional(a.get("patience_t")),
        "a fractional patience",
    ),
    (
        r"timm\.MultiStepLRScheduler",
        lambda a: list(a["decay_t"]) != sorted(a["decay_t"]),
        "unsorted boundaries",
    ),
    (
        r"optax\.(piecewise_interpolate_schedule|linear_onecycle_schedule|cosine_onecycle_schedule)",
        lambda a: any(0 < b - a < 1 for a, b in itertools.pairwise([0, *_optax_steps(a)])),
        "steps less than one step apart",
    ),
]


def _optax_steps(a: dict) -> list:
    """The sorted steps of optax's piecewise interpolation (its one-cycles build a dict)."""
    if "boundaries_and_scales" in a:
        return sorted(k for k, _ in a["boundaries_and_scales"] or [])
    t = a["transition_steps"]
    pcts = [a["pct_start"], a["pct_final"]] if "pct_final" in a else [a["pct_start"]]
    last = t if "pct_final" in a else math.trunc(t)
    return sorted({*(math.trunc(p * t) for p in pcts), last})


def restriction(name: str, args: dict) -> str | None:
    for pattern, applies, reason in RESTRICTIONS:
        if re.fullmatch(pattern, name) and applies(args):
            return reason
    return None


def test_every_restriction_is_in_the_migration_guides_table():
    rows = [line for line in MIGRATION.splitlines() if line.startswith("|")]
    for _, _, reason in RESTRICTIONS:
        assert any(reason in row for row in rows), reason


# ----------------------------------------------------------------------------- building


def _torch(name: str, args: dict):
    args = dict(args)
    if "lr_lambda" in args:
        args["lr_lambda"] = TORCH_LAMBDAS[args["lr_lambda"]]
    if "schedulers" in args:
        args["schedulers"] = [_torch(n, a) for n, a in args["schedulers"]]
    return getattr(T, name)(**args)


def _keras(name: str, args: dict):
    args = dict(args)
    if name == "LearningRateScheduler":
        args["schedule"] = KERAS_SCHEDULES[args["schedule"]]
    if name == "ReduceLROnPlateau":
        args["monitor"] = "val_loss"
    return getattr(K, name)(**args)


def _mlx(name: str, args: dict):
    if name == "join_schedules":
        pieces = [_mlx(p["name"], p["args"]) for p in args["schedules"]]
        return sx.join_schedules(pieces, args["boundaries"])
    return getattr(sx, name)(**args)


def _optax(name: str, a: dict):
    return getattr(O, name)(**optax_arguments(name, a))


def _transformers(name: str, a: dict):
    return getattr(HF, name)(**a)


def _timm(name: str, a: dict):
    if name == "create_scheduler_v2":  # its num_epochs: tests/test_compat_timm.py
        schedule, _ = TIMM.create_scheduler_v2(**_v2(a))
        return schedule if schedule is not None else sx.constant_lr(a["lr"])  # timm's "none"
    return getattr(TIMM, name)(**a)


def _v2(a: dict) -> dict:
    return {"learning_rate": a["lr"], **{k: v for k, v in a.items() if k != "lr"}}


BUILD = {"torch": _torch, "keras": _keras, "mlx": _mlx, "optax": _optax,
         "transformers": _transformers, "timm": _timm}  # fmt: skip


def _build(library: str, case: dict):
    name = case["name"].partition(".")[2] if "." in case["name"] else case["name"]
    return BUILD[library](name, case["args"])


# ----------------------------------------------------------------------------- evaluating


def _normalized(schedule):
    """Leaves as strong float32 (formulas cast them to the step's float anyway): the same
    values, and one program per structure and shapes, whatever types the arguments had."""
    return jax.tree.map(lambda x: np.asarray(x, np.float32), schedule)


def _runner(schedule, observed: bool, num_steps: int):
    steps = jnp.arange(num_steps)
    if isinstance(schedule, sx.Schedule):
        return lambda s, m: s(steps)
    if not observed:  # stateful, no observations
        return lambda s, m: jax.lax.scan(lambda st, k: s(k, st)[::-1], s.init(), steps)[1]

    def run(s, m):  # the lr after each observation, at step 1, 2... (timm's epochs)
        def body(state, inputs):
            step, value = inputs
            state = s.observe(state, value)
            return state, s(step, state)[0]

        return jax.lax.scan(body, s.init(), (jnp.arange(1, m.shape[0] + 1), m))[1]

    return run


def _evaluate(groups: list[list[tuple]]) -> list[np.ndarray]:
    """Values of groups of same-structure schedules `(index, case, schedule)` (normalized):
    each group stacked and mapped over, all groups in one compiled program."""
    stacked = [jax.tree.map(lambda *xs: np.stack(xs), *(s for _, _, s in g)) for g in groups]
    metrics = [np.asarray([c.get("metric", [0.0] * STEPS) for _, c, _ in g], np.float32)
               for g in groups]  # fmt: skip
    runs = [_runner(g[0][2], "metric" in g[0][1], max(len(c["lr"]) for _, c, _ in g))
            for g in groups]  # fmt: skip

    def all_groups(stacked, metrics):
        return [jax.lax.map(lambda sm, run=run: run(*sm), (s, m))
                for run, s, m in zip(runs, stacked, metrics, strict=True)]  # fmt: skip

    return [np.asarray(x) for x in jax.jit(all_groups)(stacked, metrics)]


STEPS = 50  # recorded per configuration


def _groups(library: str) -> dict[str, list]:
    _, cases = reference(f"random_{library}.json")
    by_name = collections.defaultdict(list)
    for case in cases:
        by_name[case["name"]].append(case)
    return by_name


# torch's 15 constructors in two halves, so that the two test workers share the work.
PARTS = [("torch", 0, 2), ("torch", 1, 2), *((library, 0, 1) for library in LIBRARIES[1:])]


@pytest.mark.parametrize("library, part, parts", PARTS, ids=[f"{lib}-{i}" for lib, i, _ in PARTS])
def test_random_configurations_give_the_library_values_and_errors(library, part, parts):
    problems: dict[str, list[str]] = collections.defaultdict(list)
    accepted = []
    constructors = dict(list(_groups(library).items())[part::parts])
    for name, cases in constructors.items():
        assert len(cases) >= 100, name
        for i, case in enumerate(cases):
            item = _check_acceptance(library, i, case, problems[name])
            if item is not None:
                accepted.append(item)
    _compare(accepted, problems)
    _report(problems, {name: len(cases) for name, cases in constructors.items()})


def test_torch_momentum_is_torchs_in_sgd_and_adam():
    """OneCycleLR and CyclicLR cycling the momentum (tests/reference/torch_momentum.json:
    hand-picked and random configurations): `.momentum` is the momentum torch writes into SGD
    and Adam's `betas[0]` before each step, the lr stays torch's, and without
    `cycle_momentum` there is no `.momentum`."""
    _, cases = reference("torch_momentum.json")
    problems: dict[str, list[str]] = collections.defaultdict(list)
    accepted = []
    for i, case in enumerate(cases):
        item = _check_acceptance("torch", i, case, problems[case["name"]])
        if item is None:
            continue
        schedule = item[2]
        if not case["args"].get("cycle_momentum", True):
            assert not hasattr(schedule, "momentum"), case
            accepted.append(item)
            continue
        assert case["momentum"] == case["beta1"]  # torch gives SGD and Adam the same values
        accepted += [
            item,
            (i, {**case, "lr": case["momentum"], "what": "momentum"}, schedule.momentum),
        ]
    assert len(accepted) > len(cases)
    _compare(accepted, problems)
    _report(problems, collections.Counter(case["name"] for case in cases))


def _compare(accepted: list[tuple], problems: dict[str, list[str]]) -> None:
    """Each accepted `(i, case, schedule)` gives `case["lr"]`, else a line in `problems`."""
    by_structure = collections.defaultdict(list)  # structure -> [(i, case, schedule)]
    for i, case, schedule in accepted:
        schedule = _normalized(schedule)
        leaves, treedef = jax.tree.flatten(schedule)
        by_structure[treedef, tuple(x.shape for x in leaves)].append((i, case, schedule))
    # Every structure of every constructor in one compiled program.
    groups = list(by_structure.values())
    for group, ours in zip(groups, _evaluate(groups), strict=True):
        for (i, case, _), values in zip(group, ours, strict=True):
            theirs = np.asarray(case["lr"], np.float64)
            n = len(theirs)  # fewer where torch raised in the middle of the run
            if case["name"] == "torch.OneCycleLR":  # torch's steps past the cycle go back up
                n = min(n, _total_steps(case["args"]))
            if case.get("tie") is not None:  # GreedyLR's reset decided by float64's rounding
                n = min(n, case["tie"] + 1)
            scale = np.max(np.abs(theirs[:n]), initial=1)
            close = np.isclose(values[:n], theirs[:n], rtol=2e-5, atol=1e-7 * scale)
            if not close.all():
                bad = int(np.argmin(close))
                problems[case["name"]].append(
                    f"#{i} {case['args']}: {case.get('what', 'lr')} at step {bad}: schedax "
                    f"{values[bad]}, the library "
                    f"{theirs[bad]}"
                )


def _report(problems: dict[str, list[str]], counts: dict[str, int]) -> None:
    report = [f"{name}: {len(lines)} of {counts[name]} differ:\n  " + "\n  ".join(lines[:10])
              for name, lines in problems.items() if lines]  # fmt: skip
    assert not report, "\n".join(report)


def _check_acceptance(library: str, i: int, case: dict, problems: list[str]):
    """`(i, case, schedule)` when both accept the configuration; else None, with a problem
    recorded unless both reject it or a restriction explains the difference."""
    if "ZeroDivisionError" in case.get("stopped", ""):
        # The library divides by zero in the middle of the run (StepLR with step_size 0,
        # ConstantLR with factor 0 at total_iters): schedax may refuse the configuration, or
        # go on and give the values of the steps before.
        try:
            _build(library, case)
        except (ValueError, TypeError):
            return None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always" if library in ("optax", "timm") else "error")
            schedule = _build(library, case)
    except (ValueError, TypeError) as error:
        if not case["error"] and restriction(case["name"], case["args"]) is None:
            problems.append(f"#{i} {case['args']}: schedax raised {error}, the library accepts")
        return None
    if case["error"]:
        problems.append(f"#{i} {case['args']}: the library raised {case['error']}, schedax accepts")
        return None
    if library == "optax" and bool(caught) != optax_warns(case):
        said = [str(w.message) for w in caught]
        problems.append(
            f"#{i} {case['args']}: optax logged {case['logged']}, schedax warned {said}"
        )
    return i, case, schedule


def _total_steps(args):
    return args.get("total_steps") or args["epochs"] * args["steps_per_epoch"]
