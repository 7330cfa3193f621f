"""Random configurations, recorded from the real libraries: the parity data of tests/test_parity.py.

Each library's constructors get at least 100 configurations drawn with a fixed seed: ordinary
values most of the time, and deliberate edge values (0, negative, fractional, huge, unsorted,
repeated) a fifth of the time. For each one the library's values over the first steps are
recorded, or the exception it raised. Run by `generate.py random` (see there for the
environment); nothing here imports schedax. A case is
`{"name": ..., "args": {...}, "error": None | "ValueError: ...", "lr": [...]}`, with `args` in
the library's own argument names (the optimizer's learning rate as `lr`, `base_lr` or `max_lr`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

STEPS = 50  # values recorded per configuration
PER_CONSTRUCTOR = 100
EDGE = 0.2  # the share of edge values


def _g(x: float) -> float:
    """A float rounded to 9 significant digits: float32 is compared, not float64's last bits."""
    return float(f"{x:.9g}")


def _error(error: BaseException) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"


def _record(name: str, args: dict, values: Callable[[], list[float]]) -> dict:
    """A case: the library's values, or the error it raised (recorded: what it rejects)."""
    case: dict[str, Any] = {"name": name, "args": args, "error": None, "lr": []}
    try:
        case["lr"] = values()
    except Exception as error:  # noqa: BLE001
        case["error"] = _error(error)
    return case


class Draw:
    """Seeded draws: `pick(ordinary, edges)` takes an edge value with probability EDGE."""

    def __init__(self, seed: str):
        self.r = random.Random(seed)

    def pick(self, ordinary: Callable[[], Any], edges: list[Any]) -> Any:
        return self.r.choice(edges) if edges and self.r.random() < EDGE else ordinary()

    def lr(self) -> float:
        return self.pick(lambda: _g(10 ** self.r.uniform(-4, 0)), [0.0, 1.0, 1e-8, 3.0])

    def length(self, hi: int = 40, edges: list[Any] | None = None) -> Any:
        default = [0, 1, 2.0, 2.5, -1, 10**9]
        return self.pick(lambda: self.r.randint(1, hi), default if edges is None else edges)

    def factor(self, edges: list[Any] | None = None) -> float:
        default = [0.0, 1.0, 1.5, -0.1]
        return self.pick(lambda: _g(self.r.uniform(0, 1)), default if edges is None else edges)

    def rate(self) -> float:
        return self.pick(lambda: _g(self.r.uniform(0.3, 1.0)), [0.0, 1.0, 1.5, -0.5, 1e-3])

    def steps(self, k: int, hi: int = 60) -> list[int]:
        return sorted(self.r.randint(0, hi) for _ in range(k))

    def flag(self) -> bool:
        return self.r.random() < 0.5


def _configurations(library: str, draws: dict[str, Callable[[Draw], dict]]):
    """`(name, d, args)`: each constructor's PER_CONSTRUCTOR configurations, drawn from its own
    seeded `d` (which the caller may draw more from)."""
    for name, draw in draws.items():
        d = Draw(f"{library}.{name}")
        for _ in range(PER_CONSTRUCTOR):
            yield name, d, draw(d)


# ----------------------------------------------------------------------------- torch

TORCH_LAMBDAS = ["inverse", "warmup_10", "times_0.95", "every_5th_half"]


def _torch_draws() -> dict[str, Callable[[Draw], dict]]:
    def milestones(d: Draw) -> Any:
        k = d.r.choice([0, 1, 3, 6])
        m = d.steps(k)
        if d.r.random() < EDGE:  # unsorted, repeated, fractional
            m = d.r.choice([m[::-1], m + m[-1:], [*m, 2.5], [*m, -3]]) if m else [0]
        return m

    def simple(d: Draw, k: int) -> list[tuple[str, dict]]:
        # Pieces of joins and chains: their values are random, their kinds one of a few lists,
        # so that the combinations (each a program to compile in the tests) stay few.
        kinds = {
            1: [["ConstantLR"], ["LinearLR"], ["StepLR"]],
            2: [["LinearLR", "StepLR"], ["ConstantLR", "LinearLR"], ["StepLR", "ConstantLR"]],
        }
        return [(name, draws[name](d)) for name in d.r.choice(kinds[k])]  # fmt: skip

    draws: dict[str, Callable[[Draw], dict]] = {
        "ConstantLR": lambda d: {
            "lr": d.lr(),
            "factor": d.factor(),
            "total_iters": d.length(edges=[0, 2.5, 2.0, -1, 10**9]),
        },
        "LinearLR": lambda d: {
            "lr": d.lr(),
            "start_factor": d.factor([0.0, 1.0, 1.5, 1e-3]),
            "end_factor": d.factor(),
            "total_iters": d.length(),
        },
        "StepLR": lambda d: {"lr": d.lr(), "step_size": d.length(12), "gamma": d.rate()},
        "MultiStepLR": lambda d: {"lr": d.lr(), "milestones": milestones(d), "gamma": d.rate()},
        "ExponentialLR": lambda d: {"lr": d.lr(), "gamma": d.rate()},
        "PolynomialLR": lambda d: {
            "lr": d.lr(),
            "total_iters": d.length(),
            "power": d.pick(lambda: _g(d.r.uniform(0.2, 3)), [0.0, 1.0, -1.0]),
        },
        "CosineAnnealingLR": lambda d: {
            "lr": d.lr(),
            "T_max": d.length(edges=[1, 2.5, 10**9]),
            "eta_min": d.pick(lambda: _g(d.r.uniform(0, 0.01)), [0.0, 0.5]),
        },
        "CosineAnnealingWarmRestarts": lambda d: {
            "lr": d.lr(),
            "T_0": d.length(15, [1, 0, 2.0, 2.5]),
            "T_mult": d.pick(lambda: d.r.randint(1, 3), [1, 0, 2.0]),
            "eta_min": d.pick(lambda: _g(d.r.uniform(0, 0.01)), [0.0]),
        },
        "CyclicLR": lambda d: {
            "base_lr": d.lr(),
            "max_lr": d.lr(),
            "step_size_up": d.length(15, [1, 2.5, 0]),
            "step_size_down": d.pick(lambda: d.r.choice([None, d.r.randint(1, 15)]), [1, 2.5, 0]),
            "mode": d.pick(lambda: d.r.choice(["triangular", "triangular2", "exp_range"]), ["bad"]),
            "gamma": d.pick(lambda: _g(d.r.uniform(0.9, 1.0)), [0.0, 1.0, 1.1]),
            "scale_mode": d.r.choice(["cycle", "iterations"]),
        },
        "OneCycleLR": lambda d: {
            "max_lr": d.lr(),
            **(
                {"total_steps": d.length(60, [1, 2, 10, 0, 10.5])}
                if d.flag()
                else {"epochs": d.length(6, [1, 10.5, 0]), "steps_per_epoch": d.length(10, [1, 0])}
            ),
            "pct_start": d.pick(lambda: _g(d.r.uniform(0.05, 0.7)), [0.0, 1.0, 0.1, 0.5, 0.05]),
            "anneal_strategy": d.r.choice(["cos", "linear"]),
            "div_factor": d.pick(lambda: _g(d.r.uniform(2, 50)), [1.0, 0.0]),
            "final_div_factor": d.pick(lambda: _g(10 ** d.r.uniform(0, 4)), [1.0]),
            "three_phase": d.flag(),
        },
        "LambdaLR": lambda d: {"lr": d.lr(), "lr_lambda": d.r.choice(TORCH_LAMBDAS)},
        "MultiplicativeLR": lambda d: {"lr": d.lr(), "lr_lambda": d.r.choice(TORCH_LAMBDAS)},
        "SequentialLR": lambda d: (
            lambda k: {
                "schedulers": simple(d, k),
                "milestones": d.pick(lambda: d.steps(k - 1, 40), [[0] * (k - 1), d.steps(k, 40)]),
            }
        )(d.r.choice([1, 2, 2, 2])),
        "ChainedScheduler": lambda d: {"schedulers": simple(d, d.r.choice([1, 2, 2]))},
        "ReduceLROnPlateau": lambda d: {
            "lr": d.pick(lambda: _g(10 ** d.r.uniform(-3, 0)), [0.0]),
            "mode": d.r.choice(["min", "max"]),
            "factor": d.factor([0.0, 0.999, 1.0, -0.5]),
            "patience": d.length(5, [0, 2.5, 2.0, -1]),
            "threshold": d.pick(lambda: _g(10 ** d.r.uniform(-4, -1)), [0.0, -1e-3, 1e-8]),
            "threshold_mode": d.r.choice(["rel", "abs"]),
            "cooldown": d.pick(lambda: d.r.randint(0, 3), [0, 1.0, -1]),
            "min_lr": d.pick(lambda: _g(10 ** d.r.uniform(-5, -2)), [0.0, -1e-3]),
            "eps": d.pick(lambda: 1e-8, [0.0, 1e-3, -1e-3]),
        },
    }
    return draws


def torch_momentum_configs(per_constructor: int = 40) -> list[tuple[str, dict]]:
    """`OneCycleLR` and `CyclicLR` with their momentum arguments: torch's draws above for the
    learning rate, and momentum values with edges (inverted, equal, 0, 1, not cycled), from
    seeds of their own (the configurations above stay as they are)."""

    def momentum(d: Draw) -> dict:
        base = d.pick(lambda: _g(d.r.uniform(0.5, 0.95)), [0.0, 1.0, 0.9])
        top = d.pick(lambda: _g(d.r.uniform(base, 0.999)), [base, 0.5, 1.0])
        cycle = d.pick(lambda: True, [False])
        return {"cycle_momentum": cycle, "base_momentum": base, "max_momentum": top}

    draws, configs = _torch_draws(), []
    for name in ("OneCycleLR", "CyclicLR"):
        d = Draw(f"torch.momentum.{name}")
        configs += [(name, {**draws[name](d), **momentum(d)}) for _ in range(per_constructor)]
    return configs


def metric(d: Draw) -> list[float]:
    """A loss-like sequence: a random walk with plateaus, repeats and the odd spike."""
    value, values = 1.0, []
    for _ in range(STEPS):
        move = d.r.choice(["down", "flat", "flat", "wiggle", "up"])
        value *= {"down": 0.9, "flat": 1.0, "wiggle": 1 + d.r.uniform(-1e-4, 1e-4), "up": 1.05}[
            move
        ]
        values.append(_g(value))
    return values


def torch_random() -> tuple[str, list[dict]]:
    import torch
    from generate import torch_scheduler as make  # the one way to build torch's schedulers

    def optimizer_lr(name: str, args: dict) -> float:
        if name == "CyclicLR":
            return args["base_lr"]
        if name == "OneCycleLR":
            return args["max_lr"]
        if name == "SequentialLR":
            return args["schedulers"][0][1]["lr"]
        return args["lr"]

    cases = []
    for name, d, args in _configurations("torch", _torch_draws()):
        if name in ("SequentialLR", "ChainedScheduler"):
            lr = d.lr()
            args["schedulers"] = [(n, {**a, "lr": lr}) for n, a in args["schedulers"]]
            if name == "ChainedScheduler":
                args["lr"] = lr
        case: dict[str, Any] = {"name": f"torch.{name}", "args": args, "error": None, "lr": []}
        if name == "ReduceLROnPlateau":
            case["metric"] = metric(d)
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=optimizer_lr(name, args))
        try:
            sched = make(opt, name, args)
        except Exception as error:  # noqa: BLE001  (recorded: what torch rejects)
            case["error"] = _error(error)
            cases.append(case)
            continue
        try:
            for k in range(STEPS):
                if name == "ReduceLROnPlateau":
                    sched.step(case["metric"][k])
                    case["lr"].append(_g(opt.param_groups[0]["lr"]))
                    continue
                case["lr"].append(_g(opt.param_groups[0]["lr"]))
                opt.step()
                sched.step()
        except Exception as error:  # noqa: BLE001  (OneCycleLR past its last step)
            case["stopped"] = _error(error)
        cases.append(case)
    return torch.__version__, cases


# ----------------------------------------------------------------------------- Keras

KERAS_SCHEDULES = ["keras_docs", "times_0.7_every_3rd", "inverse_epoch", "ramp_then_halve"]


def _keras_draws() -> dict[str, Callable[[Draw], dict]]:
    def boundaries(d: Draw) -> tuple[list, list]:
        k = d.r.choice([0, 1, 3, 6])
        b = d.steps(k)
        v = [d.lr() for _ in range(k + 1)]
        if d.r.random() < EDGE:
            b, v = d.r.choice(
                [(b[::-1], v), (b, v[:-1]), ([*b, 2.5], [*v, 0.1]), ([-2, *b], [0.1, *v])]
            )
        return b, v

    return {
        "ExponentialDecay": lambda d: {
            "initial_learning_rate": d.lr(),
            "decay_steps": d.length(20, [0, 2.5, -1, 1]),
            "decay_rate": d.rate(),
            "staircase": d.flag(),
        },
        "PiecewiseConstantDecay": lambda d: dict(
            zip(("boundaries", "values"), boundaries(d), strict=True)
        ),
        "PolynomialDecay": lambda d: {
            "initial_learning_rate": d.lr(),
            "decay_steps": d.length(40, [0, 2.5, 1]),
            "end_learning_rate": d.pick(lambda: _g(d.r.uniform(0, 1e-3)), [0.0, 0.5]),
            "power": d.pick(lambda: _g(d.r.uniform(0.3, 3)), [1.0, 0.0]),
            "cycle": d.flag(),
        },
        "InverseTimeDecay": lambda d: {
            "initial_learning_rate": d.lr(),
            "decay_steps": d.length(20, [0, 2.5, 1]),
            "decay_rate": d.pick(lambda: _g(d.r.uniform(0, 2)), [0.0, -0.5]),
            "staircase": d.flag(),
        },
        "CosineDecay": lambda d: {
            "initial_learning_rate": d.lr(),
            "decay_steps": d.length(40, [0, 2.5, 1]),
            "alpha": d.pick(lambda: _g(d.r.uniform(0, 0.2)), [0.0, 1.0, -0.1]),
            **(
                {"warmup_target": d.lr(), "warmup_steps": d.length(20, [0, 1, 2.5])}
                if d.flag()
                else {}
            ),
        },
        "CosineDecayRestarts": lambda d: {
            "initial_learning_rate": d.lr(),
            "first_decay_steps": d.length(15, [0, 1, 2.5]),
            "t_mul": d.pick(lambda: _g(d.r.choice([1.0, 2.0, d.r.uniform(1, 3)])), [0.5, 1.0]),
            "m_mul": d.pick(lambda: _g(d.r.uniform(0.3, 1.0)), [0.0, 1.0, 1.5]),
            "alpha": d.pick(lambda: _g(d.r.uniform(0, 0.2)), [0.0]),
        },
        "LearningRateScheduler": lambda d: {
            "init": d.lr(),
            "schedule": d.r.choice(KERAS_SCHEDULES),
        },
        "ReduceLROnPlateau": lambda d: {
            "init": d.pick(lambda: _g(10 ** d.r.uniform(-3, 0)), [0.0]),
            "mode": d.r.choice(["min", "max", "auto"]),
            "factor": d.factor([0.0, 0.999, 1.0, -0.5]),
            "patience": d.length(5, [0, 1, 2.0]),
            "min_delta": d.pick(lambda: _g(10 ** d.r.uniform(-4, -1)), [0.0, -0.01]),
            "cooldown": d.pick(lambda: d.r.randint(0, 3), [0, 1.0]),
            "min_lr": d.pick(lambda: _g(10 ** d.r.uniform(-5, -2)), [0.0, -1e-3]),
        },
    }


def keras_random() -> tuple[str, list[dict]]:
    import os
    import warnings

    os.environ.setdefault("KERAS_BACKEND", "jax")
    import jax
    import keras

    schedules = {
        "keras_docs": lambda epoch, lr: lr if epoch < 10 else lr * math.exp(-0.1),
        "times_0.7_every_3rd": lambda epoch, lr: lr * 0.7 if epoch % 3 == 2 else lr,
        "inverse_epoch": lambda epoch, lr: 0.5 / (1 + epoch),
        "ramp_then_halve": lambda epoch, lr: lr + 0.01 if epoch < 5 else lr * 0.5,
    }

    def model(lr: float) -> Any:
        m = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        m.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
        return m

    def current(m: Any) -> float:
        return _g(float(keras.ops.convert_to_numpy(m.optimizer.learning_rate)))

    cases = []
    for name, d, args in _configurations("keras", _keras_draws()):
        case: dict[str, Any] = {"name": f"keras.{name}", "args": args, "error": None, "lr": []}
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if name == "LearningRateScheduler":
                    m = model(args["init"])
                    callback = keras.callbacks.LearningRateScheduler(schedules[args["schedule"]])
                    callback.set_model(m)
                    for epoch in range(STEPS):
                        callback.on_epoch_begin(epoch)
                        case["lr"].append(current(m))
                elif name == "ReduceLROnPlateau":
                    case["metric"] = metric(d)
                    kwargs = {k: v for k, v in args.items() if k != "init"}
                    m = model(args["init"])
                    callback = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", **kwargs)
                    callback.set_model(m)
                    callback.on_train_begin()
                    for epoch, v in enumerate(case["metric"]):
                        callback.on_epoch_end(epoch, {"val_loss": v})
                        case["lr"].append(current(m))
                else:
                    # Op by op, with Keras's Python control flow run as Python: its values
                    # (to float32 rounding) at a tenth of the time of compiling each call.
                    schedule = getattr(keras.optimizers.schedules, name)(**args)
                    with jax.disable_jit():
                        case["lr"] = [_g(float(keras.ops.convert_to_numpy(schedule(k))))
                                      for k in range(STEPS)]  # fmt: skip
            case["warned"] = bool(caught)
        except Exception as error:  # noqa: BLE001  (recorded: what Keras rejects)
            case["error"], case["lr"] = _error(error), []
        cases.append(case)
    return f"{keras.__version__} ({keras.backend.backend()} backend)", cases


# ----------------------------------------------------------------------------- MLX


def _mlx_draws() -> dict[str, Callable[[Draw], dict]]:
    def piece(d: Draw) -> dict:  # kinds from a pool, as torch's joins above
        name = d.r.choice(["exponential_decay", "cosine_decay", "linear_schedule"])
        return {"name": name, "args": draws[name](d)}

    draws: dict[str, Callable[[Draw], dict]] = {
        "exponential_decay": lambda d: {"init": d.lr(), "decay_rate": d.rate()},
        "step_decay": lambda d: {
            "init": d.lr(),
            "decay_rate": d.rate(),
            "step_size": d.length(12, [1, 0, 2.5]),
        },
        "cosine_decay": lambda d: {
            "init": d.lr(),
            "decay_steps": d.length(40, [1, 0, 2.5]),
            "end": d.pick(lambda: _g(d.r.uniform(0, 1e-3)), [0.0, 0.5]),
        },
        "linear_schedule": lambda d: {
            "init": d.lr(),
            "end": d.lr(),
            "steps": d.length(40, [1, 0, -1]),
        },
        "join_schedules": lambda d: (
            lambda k: {
                "schedules": [piece(d) for _ in range(k)],
                "boundaries": d.pick(lambda: d.steps(k - 1, 40), [[0] * (k - 1), d.steps(k, 40)]),
            }
        )(d.r.choice([1, 2, 2])),
    }
    return draws


def mlx_random() -> tuple[str, list[dict]]:
    import mlx.core as mx
    import mlx.optimizers as optim

    def build(name: str, args: dict) -> Any:
        if name == "join_schedules":
            pieces = [build(p["name"], p["args"]) for p in args["schedules"]]
            return optim.join_schedules(pieces, args["boundaries"])
        return getattr(optim, name)(**args)

    cases = []
    for name, _d, args in _configurations("mlx", _mlx_draws()):

        def values(name: str = name, args: dict = args) -> list[float]:
            schedule = build(name, args)
            return [_g(schedule(mx.array(k)).item()) for k in range(STEPS)]

        cases.append(_record(name, args, values))
    return mx.__version__, cases


# ----------------------------------------------------------------------------- optax


def _optax_draws() -> dict[str, Callable[[Draw], dict]]:
    def begin(d: Draw) -> Any:
        return d.pick(lambda: d.r.choice([0, d.r.randint(0, 20)]), [0, 1, -2, 2.5])

    def transition(d: Draw) -> Any:  # optax makes <= 0 a constant
        return d.length(40, [0, -3, 1, 2.5, 10**9])

    def power(d: Draw) -> float:
        return d.pick(lambda: _g(d.r.uniform(0.3, 3)), [0.0, 1.0, -1.0])

    def pairs(d: Draw) -> Any:  # boundaries_and_scales, as [step, scale] pairs (JSON keys)
        if d.r.random() < EDGE / 2:
            return d.r.choice([None, []])
        steps = sorted(set(d.steps(d.r.choice([1, 2, 3, 5]), 45)))
        if d.r.random() < EDGE:  # a step before 0, at 0, fractional, or a step apart
            steps = sorted(set([*steps[1:], d.r.choice([-5, 0, 7.5, 12.25, steps[0] + 1])]))
        scale = lambda: d.pick(lambda: _g(d.r.uniform(0.1, 2)), [0.0, 1.0, 3.0, -0.5])  # noqa: E731
        return [[k, scale()] for k in steps]

    def warmup_decay(d: Draw) -> tuple[Any, Any]:
        w, t = sorted([d.r.randint(0, 20), d.r.randint(1, 45)])
        if d.r.random() < EDGE:
            return d.r.choice([(0, 10), (10, 10), (12, 5), (-2, 10), (2.5, 12), (0, 1)])
        return w, t + 1

    def onecycle(d: Draw, final: bool) -> dict:
        args = {
            "transition_steps": d.length(45, [1, 2, 3, 0, -1, 2.5]),
            "peak_value": d.lr(),
            "pct_start": d.pick(lambda: _g(d.r.uniform(0.1, 0.5)), [0.0, 1.0, -0.1, 0.95]),
        }
        if final:
            args["pct_final"] = d.pick(lambda: _g(d.r.uniform(0.55, 0.95)), [0.2, 1.0])
        args["div_factor"] = d.pick(lambda: _g(d.r.uniform(2, 30)), [1.0, 0.5])
        args["final_div_factor"] = d.pick(lambda: _g(10 ** d.r.uniform(1, 4)), [1.0, 0.5])
        return args

    def exponential(d: Draw) -> dict:
        return {
            "transition_steps": d.length(20, [0, -1, 1, 2.5]),
            "decay_rate": d.pick(lambda: _g(d.r.uniform(0.3, 1.0)), [0.0, 1.0, 1.5, -0.5]),
            "transition_begin": begin(d),
            "staircase": d.flag(),
            "end_value": d.pick(lambda: None, [None, 1e-3, 0.5, 2.0]),
        }

    def cycle(d: Draw) -> dict:
        w, t = sorted([d.r.randint(0, 8), d.r.randint(1, 20)])
        kwargs = {"init_value": d.lr(), "peak_value": d.lr(), "warmup_steps": w,
                  "decay_steps": t + 1}  # fmt: skip
        if d.flag():
            kwargs["end_value"] = _g(d.r.uniform(0, 1e-3))
        return kwargs

    def piece(d: Draw, kind: str) -> dict:
        args = {
            "linear_schedule": lambda: {
                "init_value": d.lr(),
                "end_value": d.lr(),
                "transition_steps": d.r.randint(1, 20),
            },  # fmt: skip
            "cosine_decay_schedule": lambda: {
                "init_value": d.lr(),
                "decay_steps": d.r.randint(1, 20),
            },  # fmt: skip
            "constant_schedule": lambda: {"value": d.lr()},
        }[kind]()
        return {"name": kind, "args": args}

    def join(d: Draw) -> dict:
        kinds = d.r.choice([["linear_schedule", "cosine_decay_schedule"],
                            ["linear_schedule", "constant_schedule", "cosine_decay_schedule"],
                            ["cosine_decay_schedule", "cosine_decay_schedule"]])  # fmt: skip
        bounds = d.steps(len(kinds) - 1, 40)
        if d.r.random() < EDGE:  # unsorted, repeated, at 0, one too few or too many, negative
            bounds = d.r.choice([bounds[::-1], [bounds[0]] * len(bounds), [0] * len(bounds),
                                 bounds[:-1], [*bounds, 45], [-3] + bounds[1:]])  # fmt: skip
        return {"schedules": [piece(d, k) for k in kinds], "boundaries": bounds}

    return {
        "constant_schedule": lambda d: {"value": d.lr()},
        "linear_schedule": lambda d: {
            "init_value": d.lr(),
            "end_value": d.lr(),
            "transition_steps": transition(d),
            "transition_begin": begin(d),
        },
        "polynomial_schedule": lambda d: {
            "init_value": d.lr(),
            "end_value": d.lr(),
            "power": power(d),
            "transition_steps": transition(d),
            "transition_begin": begin(d),
        },
        "piecewise_constant_schedule": lambda d: {
            "init_value": d.lr(),
            "boundaries_and_scales": pairs(d),
        },
        "piecewise_interpolate_schedule": lambda d: {
            "interpolate_type": d.pick(lambda: d.r.choice(["linear", "cosine"]), ["quadratic"]),
            "init_value": d.lr(),
            "boundaries_and_scales": pairs(d),
        },
        "exponential_decay": lambda d: {"init_value": d.lr(), **exponential(d)},
        "cosine_decay_schedule": lambda d: {
            "init_value": d.lr(),
            "decay_steps": d.length(40, [0, 1, -1, 2.5, 10**9]),
            "alpha": d.pick(lambda: _g(d.r.uniform(0, 0.2)), [0.0, 1.0, -0.5, 2.0]),
            "exponent": power(d),
        },
        "warmup_constant_schedule": lambda d: {
            "init_value": d.lr(),
            "peak_value": d.lr(),
            "warmup_steps": d.length(30, [0, -1, 1, 2.5]),
        },
        "warmup_cosine_decay_schedule": lambda d: (
            lambda w, t: {
                "init_value": d.lr(),
                "peak_value": d.pick(d.lr, [0.0]),
                "warmup_steps": w,
                "decay_steps": t,
                "end_value": d.pick(lambda: _g(d.r.uniform(0, 1e-3)), [0.0, 0.5]),
                "exponent": d.pick(lambda: 1.0, [2.0, 0.5, 0.0, -1.0]),
            }
        )(*warmup_decay(d)),
        "warmup_exponential_decay_schedule": lambda d: {
            "init_value": d.lr(),
            "peak_value": d.lr(),
            "warmup_steps": d.length(20, [0, -1, 1, 2.5]),
            **exponential(d),
        },
        "sgdr_schedule": lambda d: {
            "cosine_kwargs": [cycle(d) for _ in range(d.r.choice([1, 2, 3]))]
        },
        "linear_onecycle_schedule": lambda d: onecycle(d, final=True),
        "cosine_onecycle_schedule": lambda d: onecycle(d, final=False),
        "join_schedules": join,
    }


def optax_arguments(optax: Any, name: str, args: dict) -> dict:
    """The arguments of optax's `name` from a recorded case: `boundaries_and_scales` pairs as
    a dict, join pieces built (the tests build them with schedax the same way)."""
    call = dict(args)
    if call.get("boundaries_and_scales") is not None:
        call["boundaries_and_scales"] = {k: v for k, v in call["boundaries_and_scales"]}
    if name == "join_schedules":
        call["schedules"] = [getattr(optax, p["name"])(**optax_arguments(optax, p["name"], p["args"]))
                             for p in call["schedules"]]  # fmt: skip
    return call


class OptaxLog:
    """optax's absl INFO log (where it returns a constant or falls back), captured."""

    def __enter__(self) -> list[str]:
        import logging

        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.INFO)
        self.messages: list[str] = []
        self.handler = logging.Handler()
        self.handler.emit = lambda record: self.messages.append(record.getMessage())  # type: ignore[method-assign]
        logging.getLogger("absl").addHandler(self.handler)
        return self.messages

    def __exit__(self, *exc: Any) -> None:
        import logging

        logging.getLogger("absl").removeHandler(self.handler)


def optax_random() -> tuple[str, list[dict]]:
    import jax.numpy as jnp
    import optax

    cases = []
    for name, _d, args in _configurations("optax", _optax_draws()):

        def values(name: str = name, args: dict = args) -> list[float]:
            schedule = getattr(optax, name)(**optax_arguments(optax, name, args))
            return [_g(float(schedule(jnp.int32(k)))) for k in range(STEPS)]

        with OptaxLog() as logged:
            case = _record(f"optax.{name}", args, values)
        case["logged"] = logged
        cases.append(case)
    return optax.__version__, cases


# ----------------------------------------------------------------------------- transformers


def _transformers_draws() -> dict[str, Callable[[Draw], dict]]:
    def warmup_total(d: Draw) -> tuple[int, int]:
        w, t = sorted([d.r.randint(0, 20), d.r.randint(1, 45)])
        return (w, max(t, 1)) if d.r.random() > EDGE else d.r.choice([(0, 1), (5, 5), (0, 40)])

    return {
        "get_constant_schedule_with_warmup": lambda d: {
            "lr": d.lr(),
            "num_warmup_steps": d.pick(lambda: d.r.randint(0, 30), [0, 1]),
        },
        "get_linear_schedule_with_warmup": lambda d: (
            lambda w, t: {"lr": d.lr(), "num_warmup_steps": w, "num_training_steps": t}
        )(*warmup_total(d)),
        "get_cosine_schedule_with_warmup": lambda d: (
            lambda w, t: {
                "lr": d.lr(),
                "num_warmup_steps": w,
                "num_training_steps": t,
                "num_cycles": d.pick(lambda: 0.5, [-0.5, 1.0, -1.5]),
            }  # fmt: skip
        )(*warmup_total(d)),
        "get_constant_schedule": lambda d: {"lr": d.lr()},
        "get_cosine_with_hard_restarts_schedule_with_warmup": lambda d: (
            lambda w, t: {
                "lr": d.lr(),
                "num_warmup_steps": w,
                "num_training_steps": t,
                "num_cycles": d.pick(lambda: d.r.randint(1, 4), [0, 2.5, -2]),
            }  # fmt: skip
        )(*warmup_total(d)),
        "get_polynomial_decay_schedule_with_warmup": lambda d: (
            lambda w, t: {
                "lr": d.lr(),
                "num_warmup_steps": w,
                "num_training_steps": t,
                "lr_end": d.pick(lambda: _g(d.r.uniform(0, 1e-4)), [0.0, 1e-7]),
                "power": d.pick(lambda: _g(d.r.uniform(0.5, 3)), [1.0, 0.0, -1.0]),
            }
        )(*warmup_total(d)),
        "get_inverse_sqrt_schedule": lambda d: {
            "lr": d.lr(),
            "num_warmup_steps": d.pick(lambda: d.r.randint(0, 30), [0, 1]),
            "timescale": d.pick(lambda: None, [1, 7, 100]),
        },
        "get_cosine_with_min_lr_schedule_with_warmup": lambda d: (
            lambda w, t: {
                "lr": d.lr(),
                "num_warmup_steps": w,
                "num_training_steps": t,
                "num_cycles": d.pick(lambda: 0.5, [1.3, 0.0, 2.0, -0.5]),
                **d.r.choice(
                    [
                        {"min_lr": _g(d.r.uniform(0, 1e-4))},
                        {"min_lr_rate": d.pick(lambda: _g(d.r.uniform(0, 0.2)), [0.0, 1.0])},
                    ]
                ),
            }
        )(*warmup_total(d)),
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate": lambda d: (
            lambda w, t: {
                "lr": d.lr(),
                "num_warmup_steps": w,
                "num_training_steps": t,
                "num_cycles": d.pick(lambda: 0.5, [1.3, 0.0]),
                "min_lr_rate": d.pick(lambda: _g(d.r.uniform(0, 0.2)), [0.0, 1.0]),
                "warmup_lr_rate": d.pick(
                    lambda: d.r.choice([None, _g(d.r.uniform(0, 0.5))]), [0.0, 1.0]
                ),  # fmt: skip
            }
        )(*warmup_total(d)),
        "get_greedy_schedule": lambda d: {
            "lr": d.pick(lambda: _g(10 ** d.r.uniform(-3, -1)), [0.0, 1.0]),
            "mode": d.r.choice(["min", "min", "max"]),
            "factor": d.factor([0.0, 0.999, 1.0, -0.5]),
            "patience": d.length(4, [0, 2.5, 2.0, -1]),
            "threshold": d.pick(lambda: _g(10 ** d.r.uniform(-6, -2)), [0.0, -1e-3]),
            "threshold_mode": d.r.choice(["rel", "abs"]),
            "cooldown": d.pick(lambda: d.r.randint(0, 3), [0, 1.0]),
            "warmup": d.pick(lambda: d.r.randint(0, 3), [0, 2.0]),
            "min_lr": d.pick(lambda: _g(10 ** d.r.uniform(-5, -2)), [0.0, [1e-4], -1e-3]),
            "max_lr": d.pick(lambda: _g(10 ** d.r.uniform(-1, 0)), [1.0, 0.05]),
            "reset_start": d.pick(lambda: d.r.randint(0, 6), [500]),
            # The window's length shapes the state: two lengths keep the programs few.
            **d.r.choice([{}, {"smooth": True, "window_size": d.r.choice([1, 4])}]),
        },
        "get_wsd_schedule": lambda d: {
            "lr": d.lr(),
            "num_warmup_steps": d.pick(lambda: d.r.randint(0, 15), [0]),
            "num_decay_steps": d.pick(lambda: d.r.randint(1, 25), [1, 0]),
            # transformers starts the decay early when training is shorter than warmup + decay
            **d.r.choice(
                [
                    {"num_stable_steps": d.pick(lambda: d.r.randint(0, 15), [0])},
                    {"num_training_steps": d.pick(lambda: d.r.randint(5, 45), [1, 3])},
                ]
            ),
            "decay_type": d.r.choice(["linear", "cosine", "1-sqrt"]),
            "min_lr_ratio": d.pick(lambda: _g(d.r.uniform(0, 0.2)), [0.0]),
        },
    }


def _one(bound: Any) -> float:
    """A per-group bound as one number (a list of one, or a number)."""
    return bound[0] if isinstance(bound, list) else bound


def transformers_random() -> tuple[str, list[dict]]:
    import torch
    import transformers

    cases = []
    for name, _d, args in _configurations("transformers", _transformers_draws()):
        stopped: list[str] = []
        ties: list[int] = []

        # GreedyLR smooths with a running sum, whose float64 rounding (a value added, then
        # taken away) decides ties; metrics on a grid of 2**-12 keep that sum exact.
        observed = [round(v * 4096) / 4096 for v in metric(_d)] if "greedy" in name else None

        def values(
            name: str = name, args: dict = args, stopped=stopped, ties=ties, observed=observed
        ) -> list[float]:
            opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=args["lr"])
            kwargs = {k: v for k, v in args.items() if k != "lr"}
            sched = getattr(transformers, name)(opt, **kwargs)
            lrs = []
            if observed is not None:  # the lr after each scheduler.step(metric)
                for k, value in enumerate(observed):
                    # Where lr * factor lands within float32's rounding of min_lr, whether
                    # the lr reached min_lr (counted towards the reset) is float64's luck.
                    lr, low = opt.param_groups[0]["lr"], _one(kwargs.get("min_lr", 1e-3))
                    if not ties and 0 < low and abs(lr * kwargs["factor"] - low) <= 1e-6 * low:
                        ties.append(k)
                    try:
                        sched.step(value)
                    except ZeroDivisionError as error:  # an increase with factor 0
                        stopped.append(_error(error))
                        break
                    lrs.append(_g(opt.param_groups[0]["lr"]))
                return lrs
            for _ in range(STEPS):
                lrs.append(_g(opt.param_groups[0]["lr"]))
                opt.step()
                try:
                    sched.step()
                except ZeroDivisionError as error:  # in the middle of the run
                    stopped.append(_error(error))
                    break
            return lrs

        case = _record(f"transformers.{name}", args, values)
        if observed is not None:
            case["metric"] = observed
            case["tie"] = ties[0] if ties else None  # the first observation float32 can't decide
        if stopped:
            case["stopped"] = stopped[0]
        cases.append(case)
    return transformers.__version__, cases


# ----------------------------------------------------------------------------- timm


def timm_scheduler() -> Any:
    """`timm.scheduler` without timm's package `__init__` (which imports torchvision, whose
    wheels do not match torch 2.13's CPU build): timm under a stub package."""
    import importlib.util
    import sys
    import types

    if "timm.scheduler" not in sys.modules:
        spec = importlib.util.find_spec("timm")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("timm is not installed: pip install --no-deps timm==1.0.31")
        stub = types.ModuleType("timm")
        stub.__path__ = list(spec.submodule_search_locations)
        sys.modules["timm"] = stub
    import timm.scheduler

    return timm.scheduler


def timm_version() -> str:
    import importlib.metadata

    return importlib.metadata.version("timm")


def timm_values(sched: Any, opt: Any, steps: int, t_in_epochs: bool = True) -> list[float]:
    """The lr timm sets at t = 0 .. steps - 1: `step(t)`, or `step_update(t)` in updates."""
    lrs = []
    for t in range(steps):
        if t_in_epochs:
            sched.step(t)
        else:
            sched.step_update(t)
        lrs.append(_g(opt.param_groups[0]["lr"]))
    return lrs


def _timm_draws() -> dict[str, Callable[[Draw], dict]]:
    def warmup(d: Draw, prefix: bool) -> dict:
        return {
            "warmup_t": d.pick(lambda: d.r.choice([0, d.r.randint(1, 10)]), [0, 1, 2.5, -2]),
            "warmup_lr_init": d.pick(lambda: _g(10 ** d.r.uniform(-6, -3)), [0.0, 1.0]),
            "warmup_prefix": d.pick(lambda: d.flag(), [prefix]),
            "t_in_epochs": d.flag(),
        }

    def cycles(d: Draw) -> dict:
        return {
            "t_initial": d.length(30, [1, 2.5, 0, -3, 7]),
            "lr_min": d.pick(lambda: _g(10 ** d.r.uniform(-6, -3)), [0.0, -1e-4]),
            "cycle_mul": d.pick(
                lambda: d.r.choice([1.0, 2.0, _g(d.r.uniform(1, 2.5))]), [1.0, 0.5, 3]
            ),  # fmt: skip
            "cycle_decay": d.pick(
                lambda: d.r.choice([1.0, _g(d.r.uniform(0.1, 1))]), [0.0, 1.5, -0.5]
            ),  # fmt: skip
            "cycle_limit": d.pick(lambda: d.r.randint(1, 5), [0, 1, 100, 2.5, -1]),
        }

    def k_decay(d: Draw) -> dict:
        return {"k_decay": d.pick(lambda: d.r.choice([1.0, _g(d.r.uniform(0.3, 3))]),
                                  [1.0, 0.0, -1.0])}  # fmt: skip

    return {
        "CosineLRScheduler": lambda d: {
            "lr": d.lr(),
            **cycles(d),
            **warmup(d, False),
            **k_decay(d),
        },
        "TanhLRScheduler": lambda d: {
            "lr": d.lr(),
            **cycles(d),
            **warmup(d, False),
            "lb": d.pick(lambda: _g(d.r.uniform(-9, -2)), [-7.0, 3.0, 4.0]),
            "ub": d.pick(lambda: _g(d.r.uniform(1, 5)), [3.0]),
        },  # fmt: skip
        "PolyLRScheduler": lambda d: {
            "lr": d.lr(),
            **cycles(d),
            **warmup(d, False),
            **k_decay(d),
            "power": d.pick(lambda: _g(d.r.uniform(0.3, 3)), [0.5, 1.0, 0.0, -1.0]),
        },  # fmt: skip
        "StepLRScheduler": lambda d: {
            "lr": d.lr(),
            **warmup(d, True),
            "decay_t": d.pick(lambda: d.r.randint(1, 15), [1, 2.5, 0, -3]),
            "decay_rate": d.rate(),
        },  # fmt: skip
        "MultiStepLRScheduler": lambda d: {
            "lr": d.lr(),
            **warmup(d, True),
            "decay_t": d.pick(
                lambda: d.steps(d.r.choice([1, 2, 3, 4]), 40),
                [[], [0], [1, 1, 5], [10, 5], [2.5, 7]],
            ),
            "decay_rate": d.rate(),
        },  # fmt: skip
        "WSDLRScheduler": lambda d: (
            lambda t: {
                "lr": d.lr(),
                "t_initial": t,
                "decay_t": d.pick(lambda: d.r.randint(1, t), [t, 0, t + 1]),
                "lr_min": d.pick(lambda: _g(10 ** d.r.uniform(-6, -3)), [0.0, 0.5]),
                "decay_fn": d.r.choice(["linear", "1-sqrt", "cosine", "power", "exp"]),
                "decay_power": d.pick(lambda: _g(d.r.uniform(0.2, 3)), [0.5, 0.0]),
                "decay_ratio": d.pick(lambda: _g(d.r.uniform(0.01, 0.9)), [0.1, 1.0]),
                "stable_fn": d.r.choice(["constant", "constant", "rsqrt", "power"]),
                "stable_timescale": d.pick(
                    lambda: d.r.choice([None, d.r.randint(1, 20)]), [None, 0, 2.5]
                ),  # fmt: skip
                "stable_power": d.pick(lambda: _g(d.r.uniform(0.2, 2)), [0.5]),
                "warmup_t": d.pick(lambda: d.r.randint(0, 10), [0]),
                "warmup_lr_init": d.pick(lambda: _g(10 ** d.r.uniform(-6, -3)), [0.0]),
                "t_in_epochs": d.flag(),
            }
        )(d.pick(lambda: d.r.randint(1, 40), [1, 5])),
        "PlateauLRScheduler": lambda d: {
            "lr": d.pick(lambda: _g(10 ** d.r.uniform(-3, 0)), [0.0]),
            "decay_rate": d.factor([0.0, 0.999, 1.0, -0.5]),
            "patience_t": d.length(5, [0, 2.5, 2.0, -1]),
            "threshold": d.pick(lambda: _g(10 ** d.r.uniform(-4, -1)), [0.0]),
            "cooldown_t": d.pick(lambda: d.r.randint(0, 3), [0]),
            "warmup_t": d.pick(lambda: d.r.choice([0, d.r.randint(1, 8)]), [0, 2.5, -2]),
            "warmup_lr_init": d.pick(lambda: _g(10 ** d.r.uniform(-6, -3)), [0.0]),
            "lr_min": d.pick(lambda: _g(10 ** d.r.uniform(-5, -2)), [0.0, -1e-3]),
            "mode": d.r.choice(["min", "max"]),
        },
        "create_scheduler_v2": lambda d: {
            "lr": d.lr(),
            "sched": d.r.choice(
                ["cosine", "tanh", "step", "multistep", "poly", "wsd", "rsqrt", "constant", "none"]
            ),  # fmt: skip
            "decay_fn": d.pick(lambda: None, ["linear", "cosine", "exp"]),
            "stable_timescale": d.pick(lambda: None, [3, 0.5]),
            "num_epochs": d.pick(lambda: d.r.randint(2, 30), [1, 2]),
            "decay_epochs": d.pick(
                lambda: d.r.choice([None, d.r.randint(1, 10), _g(d.r.uniform(0.05, 0.9))]), [None]
            ),  # fmt: skip
            "decay_milestones": d.steps(d.r.choice([1, 2, 3]), 30),
            "cooldown_epochs": d.pick(lambda: d.r.randint(0, 5), [0]),
            "decay_rate": d.pick(lambda: _g(d.r.uniform(0.1, 0.9)), [0.1, 1.0]),
            "min_lr": d.pick(lambda: _g(10 ** d.r.uniform(-6, -3)), [0.0]),
            "warmup_lr": d.pick(lambda: _g(10 ** d.r.uniform(-6, -3)), [1e-5]),
            "warmup_epochs": d.pick(lambda: d.r.randint(0, 6), [0]),
            "warmup_prefix": d.flag(),
            "cycle_mul": d.pick(lambda: 1.0, [2.0, 1.5]),
            "cycle_decay": d.pick(lambda: _g(d.r.uniform(0.1, 1)), [0.1]),
            "cycle_limit": d.pick(lambda: d.r.randint(1, 4), [1]),
            "k_decay": d.pick(lambda: 1.0, [0.5, 2.0]),
            "step_on_epochs": d.flag(),
            "updates_per_epoch": d.pick(lambda: d.r.randint(1, 4), [0, 1]),
        },
    }


def timm_random() -> tuple[str, list[dict]]:
    import torch

    scheduler = timm_scheduler()
    cases = []
    for name, _d, args in _configurations("timm", _timm_draws()):
        extra: dict[str, Any] = {}

        if name == "PlateauLRScheduler":
            extra["metric"] = metric(_d)

        def values(name: str = name, args: dict = args, extra=extra) -> list[float]:
            opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=args["lr"])
            kwargs = {k: v for k, v in args.items() if k != "lr"}
            if name == "PlateauLRScheduler":  # the lr after step(epoch, metric), epochs 1, 2...
                sched = getattr(scheduler, name)(opt, **kwargs)
                lrs = []
                for epoch, value in enumerate(extra["metric"], 1):
                    sched.step(epoch, value)
                    lrs.append(_g(opt.param_groups[0]["lr"]))
                return lrs
            if name == "create_scheduler_v2":
                sched, extra["num_epochs"] = scheduler.create_scheduler_v2(opt, **kwargs)
                if sched is None:
                    return [_g(opt.param_groups[0]["lr"])] * STEPS
                return timm_values(sched, opt, STEPS, kwargs["step_on_epochs"])
            sched = getattr(scheduler, name)(opt, **kwargs)
            return timm_values(sched, opt, STEPS, kwargs.get("t_in_epochs", True))

        case = _record(f"timm.{name}", args, values)
        case.update(extra)
        cases.append(case)
    return timm_version(), cases
