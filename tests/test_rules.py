"""Bad input, by the kind of argument, to every constructor, derived from its declarations.

Every core curve declares its fields (a value, a number of steps, a flag, an option...) with
their rules; each rule gives a bad input here, and the error must name the constructor and
the argument. A new curve gets these tests by being defined and having one valid example.
Every compat constructor (and alias) must name itself and its own argument too, although the
check that fires belongs to the core curve it maps onto.
"""

from __future__ import annotations

import inspect
import math
import operator
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from cases import CASES
from conftest import KERAS_SCHEDULES, TORCH_LAMBDAS, optax_arguments, reference

import schedax as sx
from schedax._base import Module
from schedax._config import constructors
from schedax._registry import REGISTRY
from schedax._rules import Count, Param, Rule
from schedax.compat import keras as K
from schedax.compat import torch as T
from schedax.compat import transformers as HF

NAN = math.nan

# One valid call per core class: the test cases' own, and these for the rest.
EXAMPLES = {type(case.build()): case.kwargs | case.static for case in reversed(CASES)} | {
    sx.piecewise_constant: dict(boundaries=[10, 20], values=[1.0, 0.5, 0.1]),
    sx.piecewise_interpolate: dict(boundaries=[0, 10], values=[0.0, 1.0]),
    sx.lambda_lr: dict(lr_lambda=lambda t: 0.1 * t),
    sx.chain_schedules: dict(lr=0.1, schedules=[sx.constant_lr(0.1)]),
    sx.learning_rate_scheduler: dict(schedule=KERAS_SCHEDULES["keras_docs"], init=0.1),
    sx.reduce_on_plateau: dict(init=0.1, factor=0.5),
    sx.greedy_lr: dict(init=0.1, smooth=True, window_size=4),
    sx.restarts: dict(init=0.1, period=10, shape="polynomial", limit=3),
    sx.noisy: dict(schedule=sx.constant_lr(0.1), start=5, stop=20),
    **{type(op(sx.constant_lr(0.1), 2.0)): dict(a=sx.constant_lr(0.1), b=2.0)
       for op in (operator.add, operator.sub, operator.mul, operator.truediv, sx.minimum,
                  sx.maximum)},
    type(-sx.constant_lr(0.1)): dict(schedule=sx.constant_lr(0.1)),
    sx.clip: dict(schedule=sx.constant_lr(0.1), lo=0.01, hi=sx.constant_lr(0.5)),
    sx.repeat: dict(schedule=sx.constant_lr(0.1), period=10, decay=0.5),
    sx.cooldown: dict(schedule=sx.constant_lr(0.1), start=10, length=5),
}  # fmt: skip
CLASSES = sorted((c for c in REGISTRY.values() if isinstance(c, type)), key=lambda c: c.__name__)


def test_every_core_curve_has_a_valid_example():
    assert set(CLASSES) == set(EXAMPLES), "add a valid example for each new curve"
    for cls in CLASSES:
        cls(**EXAMPLES[cls])


def _bad_inputs(rule: Rule, valid) -> list[tuple[object, type, str]]:
    """(bad value, error type, what the message says after the argument's name)."""
    if rule.kind in ("param", "count"):
        bad = [(NAN, ValueError, "must be finite, got nan"),
               ("0.1", TypeError, "must be a real number, got str '0.1'"),
               (True, TypeError, "must be a real number, got bool True"),
               (1 + 2j, TypeError, "must be a real number, got complex"),
               (10**400, ValueError, "must be finite, got an integer of 401 digits"),
               (jnp.ones(2), ValueError, r"must be a scalar, got shape \(2,\)")]  # fmt: skip
        for op, bound in rule.bounds:
            outside = {"gt": bound, "ge": bound - 1, "lt": bound, "le": bound + 1}[op]
            outside = int(outside) if rule.integer else float(outside)
            bad.append((outside, ValueError, f"must be {re.escape(rule._describe_bounds())}"))
        if rule.integer:
            bad.append((2.5, TypeError, "must be a whole number, got 2.5"))
        return bad
    if rule.kind == "flag":
        return [(v, TypeError, "must be a bool") for v in ("False", 1, None, [True])]
    if rule.kind == "size":
        return [(2.5, TypeError, "must be a Python int, got float 2.5"),
                (NAN, ValueError, "must be finite, got nan"),
                (0, ValueError, f"must be {re.escape(rule._describe_bounds())}, got 0")]  # fmt: skip
    if rule.kind == "option":
        return [("nope", ValueError, r"must be one of \(.*\), got 'nope'")]
    if rule.kind == "steps":
        return [(list(valid)[::-1] + [-1], ValueError, "must be non-decreasing|must be >= 0"),
                ("10", TypeError, "must be a sequence of steps")]  # fmt: skip
    if rule.kind == "values":
        return [([NAN] * len(valid), ValueError, "must be finite, got nan")]
    if rule.kind == "function":
        return [(0.1, TypeError, "must be a callable")]
    if rule.kind == "schedule":
        return [(0.1, TypeError, "must be a schedax Schedule, got float"),
                (sx.reduce_on_plateau(0.1), TypeError, r"is stateful \(reduce_on_plateau\)")]  # fmt: skip
    if rule.kind == "operand":
        return [("0.1", TypeError, "must be a schedax Schedule or a real number, got str '0.1'"),
                (NAN, ValueError, "must be finite, got nan"),
                (lambda t: t, TypeError, "must be a schedax Schedule or a real number, got "
                 ".*; wrap a function of the step with lambda_lr"),
                (sx.stack([sx.constant_lr(0.1)] * 2), ValueError, "is a stacked"),
                (sx.reduce_on_plateau(0.1), TypeError, r"is stateful \(reduce_on_plateau\)")]  # fmt: skip
    if rule.kind == "schedules":
        return [([0.1], TypeError, "must be a schedax Schedule, got float")]
    raise AssertionError(f"no bad inputs for rule kind {rule.kind!r}")


def _core_params() -> list:
    params = []
    for cls in CLASSES:
        valid = dict(EXAMPLES[cls])
        for _, arg, rule in cls._fields:
            if rule is None:
                continue
            default = inspect.signature(cls).parameters[arg].default
            good = valid.get(arg, default)
            for bad, error, text in _bad_inputs(rule, good if good is not None else [1]):
                params.append(pytest.param(cls, valid, arg, bad, error, text,
                                           id=f"{cls.__name__}-{arg}-{bad!r:.12}"))  # fmt: skip
    return params


@pytest.mark.parametrize("cls, valid, arg, bad, error, text", _core_params())
def test_core_constructors_name_themselves_and_the_argument(cls, valid, arg, bad, error, text):
    with pytest.raises(error, match=rf"^{cls.__name__}: {arg}(\[0\])? ({text})"):
        cls(**{**valid, arg: bad})


def _one_per_argument(params: list) -> list:
    seen, kept = set(), []
    for param in params:
        cls, _, arg, *_ = param.values
        if (cls, arg) not in seen:
            seen.add((cls, arg))
            kept.append(param)
    return kept


@pytest.mark.parametrize("cls, valid, arg, bad, error, text", _one_per_argument(_core_params()))
def test_config_values_get_the_same_sentence(cls, valid, arg, bad, error, text):
    # A config value is an argument by another road: the same rule, the same error.
    with pytest.raises(error, match=rf"^{cls.__name__}: {arg}(\[0\])? ({text})"):
        sx.from_config({"name": cls.__name__, **valid, arg: bad})


def _compat_examples() -> dict[str, dict]:
    examples = {}
    for filename, prefix in (("torch_compat.json", "torch"), ("keras_compat.json", "keras")):
        for case in reference(filename)[1]:
            args = dict(case["args"])
            if "lr_lambda" in args:
                args["lr_lambda"] = TORCH_LAMBDAS[args["lr_lambda"]]
            if "schedulers" in args:
                args["schedulers"] = [getattr(T, n)(**a) for n, a in args["schedulers"]]
            examples.setdefault(f"{prefix}.{case['name']}", args)
    for case in reference("optax.json")[1]:
        if not case["x64"] and not any(
            p.get("callable") for p in case["args"].get("schedules", [])
        ):
            examples.setdefault(
                f"optax.{case['name']}", optax_arguments(case["name"], case["args"])
            )
    for case in reference("transformers_compat.json")[1]:
        if "signature" in case:  # the functions (not get_scheduler by name)
            examples.setdefault(f"transformers.{case['name']}", dict(lr=0.02, **case["args"]))
    examples["transformers.get_reduce_on_plateau_schedule"] = dict(lr=0.1)
    examples["transformers.get_greedy_schedule"] = dict(lr=0.1)
    for case in reference("timm_compat.json")[1]:
        if "signature" in case and case["name"] != "create_scheduler_v2":
            examples.setdefault(f"timm.{case['name']}", dict(lr=0.02, **case["args"]))
    for name, make in HF.SCHEDULERS.items():  # configs' SchedulerType names
        examples[f"transformers.{name}"] = examples[f"transformers.{make.__name__}"]
    examples["torch.ReduceLROnPlateau"] = dict(lr=0.1)
    examples["keras.ReduceLROnPlateau"] = dict(init=0.1)
    examples["keras.LearningRateScheduler"] = dict(schedule=KERAS_SCHEDULES["keras_docs"], init=0.1)
    examples |= {"step_lr": dict(base_lr=0.1, step_size=10), "join_schedules": dict(
        schedules=[sx.constant_lr(0.1), sx.constant_lr(0.01)], boundaries=[10]),
        "step_decay": dict(init=0.1, decay_rate=0.5, step_size=10),
        "cosine_restarts": dict(init=0.1, period=10)}  # fmt: skip
    return examples


COMPAT = {name: make for name, make in constructors().items() if not isinstance(make, type)}
IGNORED = {
    "verbose",
    "last_epoch",
}  # Keras's logging level: unused; transformers' resume index: -1 only
# Arguments the library reads only together with another one (torch: gamma only in exp_range).
CONTEXT = {("torch.CyclicLR", "gamma"): {"mode": "exp_range"}}


def _compat_params() -> list:
    examples, params = _compat_examples(), []
    for name, make in COMPAT.items():
        for arg, p in inspect.signature(make).parameters.items():
            valid = examples[name] | CONTEXT.get((name, arg), {})
            value = valid.get(arg, p.default)
            if arg in IGNORED or isinstance(value, bool) or value is None:
                continue
            if isinstance(value, int | float):
                params.append(pytest.param(make, valid, arg, NAN, id=f"{name}-{arg}"))
            elif isinstance(value, list) and value and isinstance(value[0], int | float):
                params.append(
                    pytest.param(make, valid, arg, [NAN] * len(value), id=f"{name}-{arg}")
                )
    return params


def test_every_compat_constructor_has_an_example():
    assert set(COMPAT) <= set(_compat_examples())
    assert {"torch.StepLR", "keras.CosineDecay", "step_lr", "join_schedules"} <= set(COMPAT)


@pytest.mark.parametrize("make, valid, arg, bad", _compat_params())
def test_compat_constructors_name_themselves_and_their_argument(make, valid, arg, bad):
    with pytest.raises(ValueError, match=rf"^{make.__name__}: {arg}(\[\d+\])? must be finite"):
        make(**{**valid, arg: bad})


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: T.StepLR(0.1, step_size=0), r"^StepLR: step_size must be > 0, got 0$"),
        (lambda: T.ExponentialLR(0.1, gamma=-1), r"^ExponentialLR: gamma must be >= 0, got -1.0$"),
        (lambda: K.ExponentialDecay(0.1, 0, 0.5), r"^ExponentialDecay: decay_steps must be > 0"),
        (lambda: K.CosineDecayRestarts(0.1, 10, t_mul=0.5), r"^CosineDecayRestarts: t_mul must be >= 1"),
        (lambda: T.SequentialLR([sx.constant_lr(1.0)] * 3, [1]),
         r"^SequentialLR: got 3 schedulers but 1 milestone; need len\(milestones\) == len\(schedulers\) - 1$"),
        (lambda: T.OneCycleLR(0.1, total_steps=100, pct_start=1.5), r"^OneCycleLR: pct_start must be in \[0, 1\], got 1.5$"),
        (lambda: sx.step_lr(0.1, 10, gamma=-2), r"^step_lr: gamma must be >= 0, got -2.0$"),
        (lambda: T.StepLR(0.1), r"^StepLR: missing a required argument: 'step_size'; the signature is "
         r"StepLR\(lr, step_size, gamma=0\.1\)$"),
    ],
)  # fmt: skip
def test_compat_errors_use_the_library_names(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_only_constructors_are_registered():
    # The registry fills itself: classes when defined, constructor functions when wrapped.
    assert all(
        isinstance(c, type) and issubclass(c, Module) or callable(c) for c in REGISTRY.values()
    )
    assert "tanh_decay" in REGISTRY and "torch.StepLR" in constructors()


def _numbers(rule: Rule) -> list:
    """Python numbers around what a rule admits: its bounds and just past them, the integer
    limits of int32 and of float64's exact integers, tiny and huge ones, and non-finite ones."""
    near = [b + d for _, b in rule.bounds for d in (-1, -0.5, 0, 1e-9, 0.5, 1)]
    edges = [0, 1, 2, -3, 0.5, 2.0, 1e-45, 3e38, 1e39, 2**31 - 1, 2**31, -(2**31) - 1,
             2**53 - 1, 2**53, 2.0**53, 10**20, NAN, math.inf]  # fmt: skip
    return [*near, *[int(v) for v in near if v == int(v)], *edges]


@pytest.mark.parametrize("x64", [False, True])
def test_python_and_numpy_numbers_take_one_path_to_the_same_arrays(x64):
    # One path checks every number (issue 26: Python numbers had a shortcut of their own): a
    # Python number and the numpy scalar of it give the same array (value, dtype, strong) or
    # the same error, for every rule and every edge.
    def outcome(rule, x):
        try:
            arr = rule("f", "a", x)
        except (ValueError, TypeError) as error:
            return type(error), str(error).replace(repr(x), str(x))
        return arr.dtype, arr.weak_type, arr.tolist()

    rules = {(rule.kind, tuple(rule.bounds), rule.integer, rule.whole): rule
             for cls in CLASSES for _, _, rule in cls._fields
             if rule is not None and rule.kind in ("param", "count")}  # fmt: skip
    for rule in (
        Count(ge=0, whole=True),
        Count(integer=True, gt=0),
        Param(integer=True),
        Param(gt=0, lt=1),
    ):  # compat's rules too
        rules[rule.kind, tuple(rule.bounds), rule.integer, rule.whole] = rule
    checked = 0
    with jax.enable_x64(x64):
        for rule in rules.values():
            for x in _numbers(rule):
                if isinstance(x, int) and not -(2**63) <= x < 2**63:
                    continue  # no numpy integer holds it
                python = outcome(rule, x)
                numpy = outcome(rule, np.float64(x) if isinstance(x, float) else np.int64(x))
                assert python == numpy, (rule.kind, rule.bounds, x)
                checked += not isinstance(python[0], type)
    assert len(rules) >= 8 and checked >= 100
