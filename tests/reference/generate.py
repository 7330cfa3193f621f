"""Records reference learning-rate sequences from the real libraries into JSON test data.

Run in an environment that has the reference libraries (not schedax's test dependencies):

    python -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install "mlx[cpu]" torch==2.13.0 keras jax optax==0.2.8 \
        transformers==5.23.0 numpy
    /tmp/refvenv/bin/pip install --no-deps timm==1.0.31  # imported under a stub package
    /tmp/refvenv/bin/python tests/reference/generate.py            # everything
    /tmp/refvenv/bin/python tests/reference/generate.py random     # random configurations only

Each output file names the library and the version the values came from. A case is
`{"schedule": SPEC, "steps": [...], "values": [...]}` where SPEC is
`{"name": schedax_name, "args": {...}}` and join pieces are SPECs themselves; the tests build
the schedax schedule from the same SPEC. Nothing here imports schedax.
"""

from __future__ import annotations

import json
import pathlib
import platform

HERE = pathlib.Path(__file__).parent


def _write(filename: str, library: str, version: str, cases: list[dict]) -> None:
    data = {
        "library": library,
        "version": version,
        "python": platform.python_version(),
        "generator": "tests/reference/generate.py",
        "cases": cases,
    }
    header = json.dumps({k: v for k, v in data.items() if k != "cases"})[:-1]
    body = ",\n  ".join(json.dumps(case) for case in cases)  # one case a line
    (HERE / filename).write_text(f'{header}, "cases": [\n  {body}\n]}}\n')
    print(f"wrote {filename}: {len(cases)} cases from {library} {version}")


# ----------------------------------------------------------------------------- MLX


def mlx_cases() -> None:
    import mlx.core as mx
    import mlx.optimizers as optim

    def build(spec: dict):
        args = spec["args"]
        if spec["name"] == "join_schedules":
            return optim.join_schedules([build(s) for s in args["schedules"]], args["boundaries"])
        return getattr(optim, spec["name"])(**args)

    def record(spec: dict, num_steps: int) -> dict:
        schedule = build(spec)
        steps = list(range(num_steps))
        # One step at a time, as an MLX optimizer calls its schedule with its step counter.
        values = [schedule(mx.array(k)).item() for k in steps]
        return {"schedule": spec, "steps": steps, "values": values}

    def spec(name: str, **args) -> dict:
        return {"name": name, "args": args}

    cases = [
        record(spec("linear_schedule", init=0.0, end=0.1, steps=10), 30),
        record(spec("linear_schedule", init=1.0, end=0.25, steps=100), 300),
        record(spec("linear_schedule", init=3e-4, end=3e-5, steps=1), 5),
        record(spec("cosine_decay", init=0.1, decay_steps=200), 400),
        record(spec("cosine_decay", init=1e-3, decay_steps=37, end=1e-5), 120),
        record(spec("cosine_decay", init=0.5, decay_steps=1, end=0.1), 4),
        record(spec("exponential_decay", init=0.1, decay_rate=0.9), 200),
        record(spec("exponential_decay", init=2.0, decay_rate=0.999), 300),
        record(spec("step_decay", init=0.1, decay_rate=0.9, step_size=10), 300),
        record(spec("step_decay", init=1.0, decay_rate=0.5, step_size=1), 40),
        record(spec("step_decay", init=3e-4, decay_rate=0.1, step_size=33), 200),
        # The MLX documentation's example, and longer, mixed and nested joins.
        record(
            spec(
                "join_schedules",
                schedules=[
                    spec("linear_schedule", init=0, end=1e-1, steps=10),
                    spec("cosine_decay", init=1e-1, decay_steps=200),
                ],
                boundaries=[10],
            ),
            300,
        ),
        record(
            spec(
                "join_schedules",
                schedules=[
                    spec("linear_schedule", init=0.0, end=0.2, steps=25),
                    spec("exponential_decay", init=0.2, decay_rate=0.99),
                    spec("step_decay", init=0.05, decay_rate=0.5, step_size=20),
                    spec("cosine_decay", init=0.02, decay_steps=100, end=0.001),
                    spec("linear_schedule", init=0.001, end=0.0, steps=150),
                ],
                boundaries=[25, 100, 100, 180],
            ),
            400,
        ),
        record(
            spec(
                "join_schedules",
                schedules=[
                    spec("cosine_decay", init=0.1 / (k + 1), decay_steps=30 + 7 * k)
                    for k in range(9)
                ],
                boundaries=[40 * (k + 1) for k in range(8)],
            ),
            420,
        ),
        record(
            spec(
                "join_schedules",
                schedules=[
                    spec("linear_schedule", init=0.0, end=0.1, steps=20),
                    spec(
                        "join_schedules",
                        schedules=[
                            spec("cosine_decay", init=0.1, decay_steps=50, end=0.01),
                            spec("step_decay", init=0.01, decay_rate=0.5, step_size=25),
                        ],
                        boundaries=[50],
                    ),
                ],
                boundaries=[20],
            ),
            250,
        ),
    ]
    _write("mlx.json", "mlx", mx.__version__, cases)


# ----------------------------------------------------------------------------- torch


def torch_cases() -> None:
    import torch

    def sequential(
        base_lr: float, factor: float, total_iters: int, gamma: float, milestone: int, n: int
    ) -> list[float]:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)
        s1 = torch.optim.lr_scheduler.ConstantLR(opt, factor=factor, total_iters=total_iters)
        s2 = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=gamma)
        sched = torch.optim.lr_scheduler.SequentialLR(opt, [s1, s2], milestones=[milestone])
        values = []
        for _ in range(n):
            values.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return values

    def spec(name: str, **args) -> dict:
        return {"name": name, "args": args}

    cases = []
    # torch's SequentialLR documentation example, with base lr 0.05 and the milestone at 20:
    # ConstantLR(factor=0.1, total_iters=20) then ExponentialLR(gamma=0.9).
    for base_lr, milestone, gamma in [(0.05, 20, 0.9), (0.1, 5, 0.95)]:
        n = 3 * milestone + 60
        cases.append(
            {
                "schedule": spec(
                    "join_schedules",
                    schedules=[
                        spec("constant_lr", lr=0.1 * base_lr),
                        spec("exponential_decay", init=base_lr, decay_rate=gamma),
                    ],
                    boundaries=[milestone],
                ),
                "steps": list(range(n)),
                "values": sequential(base_lr, 0.1, milestone, gamma, milestone, n),
            }
        )
    _write("torch.json", "torch", torch.__version__, cases)
    _write("torch_plateau.json", "torch", torch.__version__, torch_plateau_cases())
    _write("torch_compat.json", "torch", torch.__version__, torch_compat_cases())
    _write("torch_momentum.json", "torch", torch.__version__, torch_momentum_cases())


# ----------------------------------------------------------------------------- plateaus


def plateau_metric() -> list[float]:
    """A validation-loss-like sequence: descents, plateaus with small wiggles, a rise, a floor."""
    import math

    values = []
    for k in range(160):
        if k < 20:
            v = 1.0 - 0.03 * k  # steady improvement
        elif k < 45:
            v = 0.43 + 0.002 * math.sin(k)  # plateau with wiggles below the rel threshold
        elif k < 60:
            v = 0.43 - 0.0107 * (k - 44)  # improves again (steps not on any threshold)
        elif k < 75:
            v = 0.3 + 0.0093 * (k - 60)  # gets worse
        elif k < 110:
            v = 0.28 - 0.00047 * (k - 75)  # creeps down by less than an abs threshold
        else:
            v = 0.25  # flat: drives the lr down to its floor
        values.append(round(v, 6))
    return values


PLATEAU_CASES = [
    {},
    {"factor": 0.5, "patience": 3, "cooldown": 2, "min_lr": 1e-3},
    {"factor": 0.5, "patience": 0, "threshold": 0.01, "threshold_mode": "abs"},
    {
        "factor": 0.2,
        "patience": 2,
        "cooldown": 5,
        "threshold": 0.05,
        "threshold_mode": "abs",
        "mode": "max",
    },
    {"factor": 0.9, "patience": 1, "min_lr": 0.05, "eps": 0.004},
    {"factor": 0.3, "patience": 5, "cooldown": 1, "threshold": 0.1, "mode": "max"},
    {"factor": 0.5, "patience": 4, "cooldown": 3, "min_lr": 0.01, "threshold": 0.0},
]


def torch_plateau_cases() -> list[dict]:
    import torch

    metric = plateau_metric()
    cases = []
    for kwargs in PLATEAU_CASES:
        values = metric if kwargs.get("mode") != "max" else [round(1 - v, 6) for v in metric]
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        lrs = []
        for v in values:
            sched.step(v)
            lrs.append(opt.param_groups[0]["lr"])
        cases.append({"init": 0.1, "kwargs": kwargs, "metric": values, "lr": lrs})
    return cases


# ----------------------------------------------------------------------------- Keras

# Keras `schedule(epoch, lr)` functions by name; tests/conftest.py has the same ones in jnp.
KERAS_SCHEDULES = {
    "keras_docs": lambda epoch, lr: lr if epoch < 10 else lr * __import__("math").exp(-0.1),
    "times_0.7_every_3rd": lambda epoch, lr: lr * 0.7 if epoch % 3 == 2 else lr,
    "inverse_epoch": lambda epoch, lr: 0.5 / (1 + epoch),
    "ramp_then_halve": lambda epoch, lr: lr + 0.01 if epoch < 5 else lr * 0.5,
}


def keras_cases() -> None:
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    def model(lr: float):
        m = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        m.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
        return m

    def current(m) -> float:
        return float(keras.ops.convert_to_numpy(m.optimizer.learning_rate))

    schedulers = []
    for name, fn in KERAS_SCHEDULES.items():
        for init in (0.01, 0.2):
            m = model(init)
            callback = keras.callbacks.LearningRateScheduler(fn)
            callback.set_model(m)
            lrs = []
            for epoch in range(30):
                callback.on_epoch_begin(epoch)
                lrs.append(current(m))
            schedulers.append({"schedule": name, "init": init, "lr": lrs})

    metric = plateau_metric()
    plateaus = []
    for kwargs in PLATEAU_CASES:
        keras_kwargs = {
            "factor": kwargs.get("factor", 0.1),
            "patience": kwargs.get("patience", 10),
            "min_delta": kwargs.get("threshold", 1e-4),
            "cooldown": kwargs.get("cooldown", 0),
            "min_lr": kwargs.get("min_lr", 0.0),
            "mode": kwargs.get("mode", "min"),
        }
        values = metric if keras_kwargs["mode"] != "max" else [round(1 - v, 6) for v in metric]
        m = model(0.1)
        callback = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", **keras_kwargs)
        callback.set_model(m)
        callback.on_train_begin()
        lrs = []
        for epoch, v in enumerate(values):
            callback.on_epoch_end(epoch, {"val_loss": v})
            lrs.append(current(m))
        plateaus.append({"init": 0.1, "kwargs": keras_kwargs, "metric": values, "lr": lrs})
    version = f"{keras.__version__} ({keras.backend.backend()} backend)"
    _write("keras_scheduler.json", "keras", version, schedulers)
    _write("keras_plateau.json", "keras", version, plateaus)
    _write("keras_compat.json", "keras", *keras_compat_cases())


# ----------------------------------------------------------------------------- compat layers

# torch LambdaLR / MultiplicativeLR functions by name; tests/conftest.py has them in jnp.
TORCH_LAMBDAS = {
    "inverse": lambda epoch: 1.0 / (1.0 + epoch),
    "warmup_10": lambda epoch: min(1.0, (epoch + 1) / 10),
    "times_0.95": lambda epoch: 0.95,
    "every_5th_half": lambda epoch: 0.5 if epoch % 5 == 0 else 1.0,
}

# (name, schedax compat args); "lr" is the optimizer's learning rate, the rest torch's own.
TORCH_COMPAT = [
    ("ConstantLR", {"lr": 0.1}),
    ("ConstantLR", {"lr": 0.1, "factor": 0.5, "total_iters": 40}),
    ("ConstantLR", {"lr": 0.05, "factor": 1.0, "total_iters": 3}),
    ("ConstantLR", {"lr": 0.05, "factor": 0.2, "total_iters": 0}),
    ("LinearLR", {"lr": 0.1}),
    ("LinearLR", {"lr": 0.1, "start_factor": 0.01, "end_factor": 1.0, "total_iters": 100}),
    ("LinearLR", {"lr": 0.2, "start_factor": 1.0, "end_factor": 0.1, "total_iters": 37}),
    ("StepLR", {"lr": 0.1, "step_size": 30}),
    ("StepLR", {"lr": 0.5, "step_size": 7, "gamma": 0.8}),
    ("MultiStepLR", {"lr": 0.1, "milestones": [30, 80, 150]}),
    ("MultiStepLR", {"lr": 0.1, "milestones": [0, 50, 50, 120], "gamma": 0.5}),
    ("ExponentialLR", {"lr": 0.1, "gamma": 0.99}),
    ("ExponentialLR", {"lr": 1.0, "gamma": 1.0}),
    ("PolynomialLR", {"lr": 0.1}),
    ("PolynomialLR", {"lr": 0.1, "total_iters": 150, "power": 2.0}),
    ("PolynomialLR", {"lr": 0.3, "total_iters": 77, "power": 0.5}),
    ("CosineAnnealingLR", {"lr": 0.1, "T_max": 100}),
    ("CosineAnnealingLR", {"lr": 0.1, "T_max": 37, "eta_min": 0.01}),
    ("CosineAnnealingWarmRestarts", {"lr": 0.1, "T_0": 30}),
    ("CosineAnnealingWarmRestarts", {"lr": 0.1, "T_0": 10, "T_mult": 2, "eta_min": 0.001}),
    ("CosineAnnealingWarmRestarts", {"lr": 0.05, "T_0": 7, "T_mult": 3}),
    ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 20}),
    (
        "CyclicLR",
        {
            "base_lr": 0.001,
            "max_lr": 0.01,
            "step_size_up": 15,
            "step_size_down": 35,
            "mode": "triangular2",
        },
    ),
    (
        "CyclicLR",
        {
            "base_lr": 0.001,
            "max_lr": 0.01,
            "step_size_up": 10,
            "mode": "exp_range",
            "gamma": 0.995,
            "scale_mode": "iterations",
        },
    ),
    ("OneCycleLR", {"max_lr": 0.1, "total_steps": 300}),
    (
        "OneCycleLR",
        {
            "max_lr": 0.1,
            "epochs": 10,
            "steps_per_epoch": 30,
            "pct_start": 0.25,
            "anneal_strategy": "linear",
        },
    ),
    (
        "OneCycleLR",
        {
            "max_lr": 0.05,
            "total_steps": 300,
            "three_phase": True,
            "div_factor": 10.0,
            "final_div_factor": 100.0,
        },
    ),
    ("LambdaLR", {"lr": 0.1, "lr_lambda": "inverse"}),
    ("LambdaLR", {"lr": 0.1, "lr_lambda": "warmup_10"}),
    ("MultiplicativeLR", {"lr": 0.1, "lr_lambda": "times_0.95"}),
    ("MultiplicativeLR", {"lr": 0.1, "lr_lambda": "every_5th_half"}),
    (
        "SequentialLR",
        {
            "schedulers": [
                ("LinearLR", {"lr": 0.1, "start_factor": 0.1, "total_iters": 20}),
                ("CosineAnnealingLR", {"lr": 0.1, "T_max": 200}),
            ],
            "milestones": [20],
        },
    ),
    (
        "SequentialLR",
        {
            "schedulers": [
                ("ConstantLR", {"lr": 0.1, "factor": 0.1, "total_iters": 10}),
                ("ExponentialLR", {"lr": 0.1, "gamma": 0.98}),
                ("StepLR", {"lr": 0.1, "step_size": 40, "gamma": 0.5}),
            ],
            "milestones": [10, 100],
        },
    ),
    (
        "SequentialLR",
        {
            "schedulers": [
                ("ExponentialLR", {"lr": 0.1, "gamma": 0.9}),
                ("ConstantLR", {"lr": 0.1, "factor": 0.5, "total_iters": 5}),
            ],
            "milestones": [0],
        },
    ),
    (
        "ChainedScheduler",
        {
            "lr": 0.1,
            "schedulers": [
                ("ConstantLR", {"lr": 0.1, "factor": 0.1, "total_iters": 5}),
                ("ExponentialLR", {"lr": 0.1, "gamma": 0.98}),
            ],
        },
    ),
    (
        "ChainedScheduler",
        {
            "lr": 0.1,
            "schedulers": [
                ("LinearLR", {"lr": 0.1, "start_factor": 0.2, "total_iters": 30}),
                ("StepLR", {"lr": 0.1, "step_size": 50, "gamma": 0.5}),
                ("MultiStepLR", {"lr": 0.1, "milestones": [120, 200]}),
            ],
        },
    ),
]


def torch_scheduler(opt, name: str, args: dict):
    """torch's scheduler `name` on `opt`, from schedax compat arguments (lambdas by name)."""
    from torch.optim import lr_scheduler

    args = {k: v for k, v in args.items() if k != "lr"}
    if name in ("SequentialLR", "ChainedScheduler"):
        inner = [torch_scheduler(opt, n, a) for n, a in args["schedulers"]]
        if name == "SequentialLR":
            return lr_scheduler.SequentialLR(opt, inner, milestones=args["milestones"])
        return lr_scheduler.ChainedScheduler(inner, optimizer=opt)
    if "lr_lambda" in args:
        args["lr_lambda"] = TORCH_LAMBDAS[args["lr_lambda"]]
    if name in ("CyclicLR", "OneCycleLR"):
        args["cycle_momentum"] = False
    return getattr(lr_scheduler, name)(opt, **args)


def torch_compat_cases() -> list[dict]:
    import torch

    make = torch_scheduler

    def optimizer_lr(name, args):
        if name == "CyclicLR":
            return args["base_lr"]
        if name == "OneCycleLR":
            return args["max_lr"]
        return args.get("lr", args.get("schedulers", [(None, {"lr": 0.1})])[0][1].get("lr"))

    cases = []
    for name, args in TORCH_COMPAT:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=optimizer_lr(name, args))
        sched = make(opt, name, args)
        lrs = []
        for _ in range(300):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        cases.append({"name": name, "args": args, "lr": lrs})
    return cases


# OneCycleLR and CyclicLR cycling the momentum (torch's default): what tests/test_momentum.py
# compares `.momentum` with; seeded random configurations follow (random_configs.py).
TORCH_MOMENTUM = [
    ("OneCycleLR", {"max_lr": 0.1, "total_steps": 300}),
    ("OneCycleLR", {"max_lr": 0.1, "epochs": 10, "steps_per_epoch": 30, "pct_start": 0.25,
                    "anneal_strategy": "linear", "base_momentum": 0.8, "max_momentum": 0.9}),
    ("OneCycleLR", {"max_lr": 0.05, "total_steps": 300, "three_phase": True,
                    "base_momentum": 0.7, "max_momentum": 0.99}),
    ("OneCycleLR", {"max_lr": 0.05, "total_steps": 240, "pct_start": 0.4, "three_phase": True,
                    "anneal_strategy": "linear"}),
    ("OneCycleLR", {"max_lr": 0.1, "total_steps": 100, "base_momentum": 0.95,
                    "max_momentum": 0.85}),
    ("OneCycleLR", {"max_lr": 0.1, "total_steps": 100, "cycle_momentum": False}),
    ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 20}),
    ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 15, "step_size_down": 35,
                  "mode": "triangular2", "base_momentum": 0.85, "max_momentum": 0.95}),
    ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 10, "mode": "exp_range",
                  "gamma": 0.995, "scale_mode": "iterations"}),
    ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 7, "step_size_down": 3,
                  "mode": "exp_range", "gamma": 0.99, "base_momentum": 0.5,
                  "max_momentum": 0.99}),
    ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 20, "cycle_momentum": False}),
]  # fmt: skip


def torch_momentum_cases() -> list[dict]:
    """Each configuration's lr, and the momentum torch writes into SGD (`momentum`) and into
    Adam (`betas[0]`), before each step (or the error torch raised at construction)."""
    import random_configs as rc
    import torch
    from torch.optim import lr_scheduler

    optimizers = {
        "momentum": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), lambda g: g["momentum"]),
        "beta1": (lambda p: torch.optim.Adam(p, lr=0.1), lambda g: g["betas"][0]),
    }
    hand_picked = [(name, args, 300) for name, args in TORCH_MOMENTUM]
    drawn = [(name, args, 80) for name, args in rc.torch_momentum_configs()]
    cases = []
    for name, args, num_steps in hand_picked + drawn:
        case: dict = {"name": f"torch.{name}", "args": args, "error": None, "lr": []}
        for key, (make, read) in optimizers.items():
            opt = make([torch.nn.Parameter(torch.zeros(1))])
            try:
                sched = getattr(lr_scheduler, name)(opt, **args)
            except Exception as error:  # noqa: BLE001  (recorded: what torch rejects)
                case["error"] = rc._error(error)
                break
            case[key], lrs = [], []
            try:
                for _ in range(num_steps):
                    lrs.append(rc._g(opt.param_groups[0]["lr"]))
                    case[key].append(rc._g(read(opt.param_groups[0])))
                    opt.step()
                    sched.step()
            except Exception as error:  # noqa: BLE001  (OneCycleLR past its last step)
                case["stopped"] = rc._error(error)
            assert case["lr"] in ([], lrs)  # the same lr with either optimizer
            case["lr"] = lrs
        cases.append(case)
    return cases


KERAS_COMPAT = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 50, "decay_rate": 0.5}),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 30, "decay_rate": 0.9, "staircase": True},
    ),
    ("PiecewiseConstantDecay", {"boundaries": [50, 120, 121], "values": [0.1, 0.05, 0.01, 0.001]}),
    ("PiecewiseConstantDecay", {"boundaries": [0, 100], "values": [1.0, 0.5, 0.25]}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 100}),
    (
        "PolynomialDecay",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 60,
            "end_learning_rate": 0.01,
            "power": 2.0,
            "cycle": True,
        },
    ),
    (
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 250, "end_learning_rate": 0.0, "power": 0.5},
    ),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 20, "decay_rate": 0.5}),
    (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 25, "decay_rate": 1.5, "staircase": True},
    ),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 200}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 150, "alpha": 0.1}),
    (
        "CosineDecay",
        {
            "initial_learning_rate": 0.0,
            "decay_steps": 200,
            "alpha": 0.05,
            "warmup_target": 0.1,
            "warmup_steps": 50,
        },
    ),
    (
        "CosineDecay",
        {
            "initial_learning_rate": 0.01,
            "decay_steps": 100,
            "warmup_target": 0.2,
            "warmup_steps": 30,
        },
    ),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 20}),
    (
        "CosineDecayRestarts",
        {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 30,
            "t_mul": 1.0,
            "m_mul": 0.8,
            "alpha": 0.1,
        },
    ),
    (
        "CosineDecayRestarts",
        {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 10,
            "t_mul": 3.0,
            "m_mul": 0.5,
            "alpha": 0.01,
        },
    ),
]


def keras_compat_cases() -> tuple[str, list[dict]]:
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    cases = []
    for name, args in KERAS_COMPAT:
        schedule = getattr(keras.optimizers.schedules, name)(**args)
        lrs = [float(keras.ops.convert_to_numpy(schedule(step))) for step in range(300)]
        cases.append({"name": name, "args": args, "lr": lrs})
    return f"{keras.__version__} ({keras.backend.backend()} backend)", cases


def transformers_cases() -> tuple[str, list[dict]]:
    import torch
    import transformers

    cases = []
    for warmup, stable, decay, shape, ratio in [
        (20, 100, 80, "linear", 0.0),
        (20, 100, 80, "cosine", 0.1),
        (20, 100, 80, "1-sqrt", 0.0),
        (0, 50, 150, "cosine", 0.0),
        (30, 0, 100, "1-sqrt", 0.05),
    ]:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.02)
        sched = transformers.get_wsd_schedule(
            opt, num_warmup_steps=warmup, num_stable_steps=stable, num_decay_steps=decay,
            decay_type=shape, min_lr_ratio=ratio,
        )  # fmt: skip
        lrs = []
        for _ in range(300):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        args = {"peak": 0.02, "warmup_steps": warmup, "stable_steps": stable, "decay_steps": decay,
                "init": 0.02 * ratio, "end": 0.02 * ratio, "decay_shape": shape}  # fmt: skip
        cases.append({"name": "warmup_stable_decay", "args": args, "lr": lrs})
    return transformers.__version__, cases


# ----------------------------------------------------------------------------- transformers

TRANSFORMERS_COMPAT = [  # (function, arguments but the optimizer, steps): past the end
    ("get_constant_schedule", dict(), 20),
    ("get_constant_schedule_with_warmup", dict(num_warmup_steps=10), 40),
    ("get_constant_schedule_with_warmup", dict(num_warmup_steps=0), 5),
    ("get_linear_schedule_with_warmup", dict(num_warmup_steps=10, num_training_steps=100), 150),
    ("get_linear_schedule_with_warmup", dict(num_warmup_steps=0, num_training_steps=37), 60),
    ("get_linear_schedule_with_warmup", dict(num_warmup_steps=20, num_training_steps=20), 30),
    ("get_cosine_schedule_with_warmup", dict(num_warmup_steps=10, num_training_steps=100), 250),
    ("get_cosine_schedule_with_warmup", dict(num_warmup_steps=5, num_training_steps=60,
                                             num_cycles=1.5), 120),  # fmt: skip
    ("get_cosine_schedule_with_warmup", dict(num_warmup_steps=30, num_training_steps=10), 50),
    ("get_cosine_with_hard_restarts_schedule_with_warmup", dict(
        num_warmup_steps=10, num_training_steps=100, num_cycles=3), 130),
    ("get_cosine_with_hard_restarts_schedule_with_warmup", dict(
        num_warmup_steps=0, num_training_steps=50, num_cycles=2.5), 70),
    ("get_polynomial_decay_schedule_with_warmup", dict(num_warmup_steps=10,
                                                       num_training_steps=100), 130),  # fmt: skip
    ("get_polynomial_decay_schedule_with_warmup", dict(
        num_warmup_steps=5, num_training_steps=60, lr_end=1e-4, power=2.0), 80),
    ("get_polynomial_decay_schedule_with_warmup", dict(
        num_warmup_steps=5, num_training_steps=60, lr_end=1e-4, power=0.0), 80),
    ("get_inverse_sqrt_schedule", dict(num_warmup_steps=20), 300),
    ("get_inverse_sqrt_schedule", dict(num_warmup_steps=0), 300),
    ("get_inverse_sqrt_schedule", dict(num_warmup_steps=20, timescale=5), 100),
    ("get_cosine_with_min_lr_schedule_with_warmup", dict(
        num_warmup_steps=10, num_training_steps=100, min_lr=1e-5), 250),
    ("get_cosine_with_min_lr_schedule_with_warmup", dict(
        num_warmup_steps=0, num_training_steps=80, num_cycles=1.2, min_lr_rate=0.1), 120),
    ("get_cosine_with_min_lr_schedule_with_warmup_lr_rate", dict(
        num_warmup_steps=10, num_training_steps=100, min_lr=1e-4), 150),
    ("get_cosine_with_min_lr_schedule_with_warmup_lr_rate", dict(
        num_warmup_steps=8, num_training_steps=60, min_lr_rate=0.05, warmup_lr_rate=0.1,
        num_cycles=1.2), 90),
    ("get_cosine_with_min_lr_schedule_with_warmup_lr_rate", dict(
        num_warmup_steps=0, num_training_steps=40, min_lr_rate=0.1), 60),
    ("get_wsd_schedule", dict(num_warmup_steps=10, num_decay_steps=40, num_training_steps=100),
     130),
    ("get_wsd_schedule", dict(num_warmup_steps=10, num_decay_steps=30, num_stable_steps=20,
                              warmup_type="cosine", decay_type="1-sqrt", min_lr_ratio=0.1), 80),
    ("get_wsd_schedule", dict(num_warmup_steps=15, num_decay_steps=40, num_stable_steps=5,
                              warmup_type="1-sqrt", num_cycles=1.25, min_lr_ratio=0.05), 80),
    ("get_wsd_schedule", dict(num_warmup_steps=0, num_decay_steps=20, num_stable_steps=0,
                              decay_type="linear"), 30),
]  # fmt: skip


def transformers_compat_cases() -> tuple[str, list[dict]]:
    """Each function's learning rates as a torch optimizer sees them (lr 0.02) after t calls
    of `scheduler.step()`, and its signature: (name, default or "<required>") per argument."""
    import inspect

    import torch
    import transformers

    cases = []
    for name, args, n in TRANSFORMERS_COMPAT:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.02)
        sched = getattr(transformers, name)(opt, **args)
        lrs = []
        for _ in range(n):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        parameters = inspect.signature(getattr(transformers, name)).parameters.values()
        signature = [[p.name, "<required>" if p.default is p.empty else p.default]
                     for p in parameters]  # fmt: skip
        cases.append({"name": name, "args": args, "lr": lrs, "signature": signature})
    # GreedyLR: the lr after each scheduler.step(metric), metrics that rise, stall and fall.
    metric = plateau_metric()
    for args in GREEDY:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.02)
        sched = transformers.get_greedy_schedule(opt, **args)
        lrs = []
        for value in metric:
            sched.step(value)
            lrs.append(opt.param_groups[0]["lr"])
        parameters = inspect.signature(transformers.GreedyLR).parameters.values()
        signature = [[p.name, "<required>" if p.default is p.empty else p.default]
                     for p in parameters]  # fmt: skip
        cases.append({"name": "GreedyLR", "args": args, "metric": metric, "lr": lrs,
                      "signature": signature})  # fmt: skip
    # get_scheduler by name, and the arguments it requires (recorded: its errors).
    for args in GET_SCHEDULER:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.02)
        case = {"name": "get_scheduler", "args": args, "error": None, "lr": []}
        try:
            sched = transformers.get_scheduler(optimizer=opt, **args)
        except Exception as error:  # noqa: BLE001
            case["error"] = f"{type(error).__name__}: {error}"
            cases.append(case)
            continue
        if args["name"] == "greedy":  # the lr after each scheduler.step(metric)
            case["metric"] = metric
            for value in metric:
                sched.step(value)
                case["lr"].append(opt.param_groups[0]["lr"])
        else:
            for _ in range(120):
                case["lr"].append(opt.param_groups[0]["lr"])
                opt.step()
                sched.step()
        cases.append(case)
    return transformers.__version__, cases


GREEDY = [  # GreedyLR's arguments but the optimizer (lr 0.02), over plateau_metric()
    dict(),
    dict(patience=2, factor=0.5, min_lr=1e-3, max_lr=0.05),
    dict(patience=1, factor=0.8, cooldown=2, warmup=3, threshold=1e-3),
    dict(patience=0, factor=0.7, threshold=0.01, threshold_mode="rel", min_lr=0.01, reset_start=3),
    dict(patience=3, factor=0.9, smooth=True, window_size=5, min_lr=[1e-4]),
    dict(patience=1, factor=0.6, mode="max", min_lr=0.005, reset_start=2, eps=1e-3),
    dict(patience=4, factor=0.5, smooth=True, window_size=20, reset_start=0, min_lr=0.0),
]  # fmt: skip


GET_SCHEDULER = [
    dict(name="linear", num_warmup_steps=10, num_training_steps=100),
    dict(name="cosine", num_warmup_steps=10, num_training_steps=100),
    dict(name="cosine", num_warmup_steps=10, num_training_steps=100,
         scheduler_specific_kwargs={"num_cycles": 1.5}),
    dict(name="cosine_with_restarts", num_warmup_steps=5, num_training_steps=90,
         scheduler_specific_kwargs={"num_cycles": 3}),
    dict(name="polynomial", num_warmup_steps=5, num_training_steps=90,
         scheduler_specific_kwargs={"lr_end": 1e-4, "power": 2.0}),
    dict(name="constant"),
    dict(name="constant_with_warmup", num_warmup_steps=15),
    dict(name="inverse_sqrt", num_warmup_steps=15),
    dict(name="inverse_sqrt", num_warmup_steps=15, scheduler_specific_kwargs={"timescale": 40}),
    dict(name="cosine_with_min_lr", num_warmup_steps=10, num_training_steps=100,
         scheduler_specific_kwargs={"min_lr": 1e-3}),
    dict(name="warmup_stable_decay", num_warmup_steps=10, num_training_steps=100,
         scheduler_specific_kwargs={"num_decay_steps": 30}),
    dict(name="warmup_stable_decay", num_warmup_steps=10,
         scheduler_specific_kwargs={"num_decay_steps": 30, "num_stable_steps": 40}),
    dict(name="cosine_warmup_with_min_lr", num_warmup_steps=10, num_training_steps=100,
         scheduler_specific_kwargs={"min_lr_rate": 0.1, "warmup_lr_rate": 0.05}),
    dict(name="greedy", scheduler_specific_kwargs={"patience": 2, "factor": 0.5}),
    dict(name="greedy", num_warmup_steps=10, num_training_steps=100),
    dict(name="cosine", num_warmup_steps=10),
    dict(name="linear"),
    dict(name="cosine_with_min_lr", num_warmup_steps=10, num_training_steps=100),
    dict(name="no_such_schedule", num_warmup_steps=10, num_training_steps=100),
]  # fmt: skip


# ----------------------------------------------------------------------------- timm

TIMM_COMPAT = [  # (scheduler, arguments but the optimizer (lr 0.02), steps): past the end
    ("CosineLRScheduler", dict(t_initial=50), 80),
    ("CosineLRScheduler", dict(t_initial=20, warmup_t=5, warmup_lr_init=1e-4, cycle_limit=3,
                               cycle_decay=0.5), 80),
    ("CosineLRScheduler", dict(t_initial=20, warmup_t=5, warmup_lr_init=1e-4, warmup_prefix=True,
                               cycle_limit=3, lr_min=1e-4), 80),
    ("CosineLRScheduler", dict(t_initial=10, cycle_mul=2.0, cycle_limit=4, k_decay=2.0), 160),
    ("CosineLRScheduler", dict(t_initial=7, cycle_mul=1.5, cycle_limit=5, k_decay=0.5,
                               t_in_epochs=False), 100),
    ("TanhLRScheduler", dict(t_initial=40, warmup_t=5), 60),
    ("TanhLRScheduler", dict(t_initial=15, lb=-4.0, ub=4.0, cycle_limit=3, cycle_mul=2.0,
                             cycle_decay=0.7, warmup_t=3, warmup_prefix=True), 120),
    ("PolyLRScheduler", dict(t_initial=40, power=2.0, lr_min=1e-5), 60),
    ("PolyLRScheduler", dict(t_initial=12, cycle_limit=3, k_decay=1.5, warmup_t=4,
                             warmup_lr_init=1e-3), 60),
    ("StepLRScheduler", dict(decay_t=10, decay_rate=0.5), 50),
    ("StepLRScheduler", dict(decay_t=7.5, decay_rate=0.3, warmup_t=5, warmup_lr_init=1e-4), 50),
    ("StepLRScheduler", dict(decay_t=10, decay_rate=0.5, warmup_t=5, warmup_prefix=False), 50),
    ("MultiStepLRScheduler", dict(decay_t=[10, 20, 20, 35], decay_rate=0.5), 50),
    ("MultiStepLRScheduler", dict(decay_t=[0, 1, 15], decay_rate=0.1, warmup_t=3,
                                  warmup_lr_init=1e-3), 30),
    ("MultiStepLRScheduler", dict(decay_t=[10, 20], decay_rate=0.1, warmup_t=5,
                                  warmup_prefix=False), 30),
    ("WSDLRScheduler", dict(t_initial=40, decay_t=10, warmup_t=5), 60),
    ("WSDLRScheduler", dict(t_initial=40, decay_t=15, warmup_t=5, decay_fn="cosine",
                            lr_min=1e-4), 60),
    ("WSDLRScheduler", dict(t_initial=40, decay_t=20, warmup_t=5, stable_fn="rsqrt",
                            decay_fn="linear"), 60),
    ("WSDLRScheduler", dict(t_initial=30, decay_t=10, stable_fn="power", stable_timescale=3,
                            stable_power=0.8, decay_fn="power", decay_power=2.0), 40),
    ("WSDLRScheduler", dict(t_initial=30, decay_t=30, decay_fn="exp", decay_ratio=0.05,
                            t_in_epochs=False), 40),
]  # fmt: skip

CREATE_SCHEDULER_V2 = [  # create_scheduler_v2's arguments but the optimizer (lr 0.02)
    dict(sched="cosine", num_epochs=30),
    dict(sched="cosine", num_epochs=20, warmup_epochs=3, warmup_prefix=True, cooldown_epochs=5,
         cycle_limit=2, cycle_decay=0.5, min_lr=1e-5),
    dict(sched="cosine", num_epochs=10, warmup_epochs=2, step_on_epochs=False,
         updates_per_epoch=4, cooldown_epochs=2),
    dict(sched="cosine", num_epochs=10, cycle_mul=2.0, cycle_limit=3),
    dict(sched="tanh", num_epochs=20, warmup_epochs=3),
    dict(sched="step", num_epochs=30, decay_epochs=7, decay_rate=0.5, warmup_epochs=2),
    dict(sched="step", num_epochs=30, warmup_epochs=2, warmup_prefix=True),
    dict(sched="multistep", num_epochs=30, decay_milestones=[5, 12, 12], decay_rate=0.5),
    dict(sched="multistep", num_epochs=8, decay_milestones=[3, 6], step_on_epochs=False,
         updates_per_epoch=3),
    dict(sched="poly", num_epochs=20, decay_rate=2.0, warmup_epochs=2, k_decay=1.5),
    dict(sched="wsd", num_epochs=30, warmup_epochs=3),
    dict(sched="wsd", num_epochs=30, warmup_epochs=3, warmup_prefix=True, decay_epochs=5,
         decay_fn="cosine", cooldown_epochs=3),
    dict(sched="rsqrt", num_epochs=30, warmup_epochs=4),
    dict(sched="rsqrt", num_epochs=10, warmup_epochs=2, step_on_epochs=False,
         updates_per_epoch=5, stable_timescale=3),
    dict(sched="constant", num_epochs=20, warmup_epochs=4),
    dict(sched="none", num_epochs=20, warmup_epochs=4, warmup_prefix=True),
    dict(sched="plateau", num_epochs=20, warmup_epochs=3, decay_rate=0.5, patience_epochs=2,
         plateau_mode="min"),
    dict(sched="cosine", num_epochs=10, step_on_epochs=False),
    dict(sched="wsd", num_epochs=10, warmup_epochs=10),
    dict(sched="plateau", num_epochs=10, step_on_epochs=False, updates_per_epoch=2),
    dict(sched="no_such_schedule"),
]  # fmt: skip

TIMM_NOISE = [  # (scheduler, arguments): the noise-free values and timm's noisy ones
    ("CosineLRScheduler", dict(t_initial=200, noise_range_t=20)),
    ("StepLRScheduler", dict(decay_t=50, decay_rate=0.5, noise_range_t=[30, 150], noise_pct=0.2,
                             noise_std=0.5, noise_seed=7)),
]  # fmt: skip

TIMM_PLATEAU = [  # PlateauLRScheduler's arguments (lr 0.02), over plateau_metric()
    dict(mode="min", patience_t=2, decay_rate=0.5),
    dict(mode="min", patience_t=3, decay_rate=0.3, warmup_t=5, warmup_lr_init=1e-4, cooldown_t=2,
         lr_min=1e-4),
    dict(mode="max", patience_t=1, decay_rate=0.5, warmup_t=3),
]  # fmt: skip


def timm_compat_cases() -> tuple[str, list[dict]]:
    """Each scheduler's lr after `step(t)` (or `step_update(t)`), its signature, the noise,
    the plateau's lr after `step(epoch, metric)`, and create_scheduler_v2's schedule and
    `num_epochs` (or its error); lr 0.02. timm.scheduler is imported under a stub package."""
    import inspect

    import random_configs as rc
    import torch

    scheduler = rc.timm_scheduler()

    def optimizer():
        return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.02)

    def signature(fn) -> list:
        parameters = inspect.signature(fn).parameters.values()
        return [[p.name, "<required>" if p.default is p.empty else
                 (list(p.default) if isinstance(p.default, tuple) else p.default)]
                for p in parameters]  # fmt: skip

    cases = []
    for name, args, n in TIMM_COMPAT:
        opt = optimizer()
        sched = getattr(scheduler, name)(opt, **args)
        lrs = rc.timm_values(sched, opt, n, args.get("t_in_epochs", True))
        cases.append({"name": name, "args": args, "lr": lrs,
                      "signature": signature(getattr(scheduler, name))})  # fmt: skip
    for name, args in TIMM_NOISE:
        opt = optimizer()
        quiet = {k: v for k, v in args.items() if not k.startswith("noise")}
        clean = rc.timm_values(getattr(scheduler, name)(opt, **quiet), opt, 200)
        opt = optimizer()
        noisy = rc.timm_values(getattr(scheduler, name)(opt, **args), opt, 200)
        cases.append({"name": name, "args": args, "lr": clean, "noisy": noisy})
    metric = plateau_metric()
    for args in TIMM_PLATEAU:
        opt = optimizer()
        sched = scheduler.PlateauLRScheduler(opt, **args)
        lrs = [opt.param_groups[0]["lr"]]  # epoch 0: before any step
        for epoch, value in enumerate(metric, 1):
            sched.step(epoch, value)
            lrs.append(opt.param_groups[0]["lr"])
        cases.append({"name": "PlateauLRScheduler", "args": args, "metric": metric, "lr": lrs,
                      "signature": signature(scheduler.PlateauLRScheduler)})  # fmt: skip
    for args in CREATE_SCHEDULER_V2:
        opt = optimizer()
        case = {"name": "create_scheduler_v2", "args": args, "error": None, "lr": []}
        try:
            sched, case["num_epochs"] = scheduler.create_scheduler_v2(opt, **args)
        except Exception as error:  # noqa: BLE001
            case["error"] = f"{type(error).__name__}: {error}"
            cases.append(case)
            continue
        if sched is None:
            case["lr"] = [opt.param_groups[0]["lr"]] * 40
        elif args["sched"] == "plateau":
            case["metric"] = metric[:60]
            case["lr"] = [opt.param_groups[0]["lr"]]
            for epoch, value in enumerate(case["metric"], 1):
                sched.step(epoch, value)
                case["lr"].append(opt.param_groups[0]["lr"])
        else:
            case["lr"] = rc.timm_values(sched, opt, 60, args.get("step_on_epochs", True))
        cases.append(case)
    cases.append({"name": "create_scheduler_v2", "signature":
                  signature(scheduler.create_scheduler_v2)})  # fmt: skip
    return rc.timm_version(), cases


# ----------------------------------------------------------------------------- optax


def _optax_specs() -> list[tuple[str, dict, int]]:
    """(constructor, arguments, steps): several argument sets per constructor, optax's
    degenerate cases among them. `boundaries_and_scales` are [step, scale] pairs (JSON keys
    are strings); join pieces are specs, built with optax, or marked `"callable": true`: the
    tests then pass optax's own closure to compat.optax's join."""

    def piece(name: str, callable_: bool = False, **args) -> dict:
        return {"name": name, "args": args, "callable": callable_}

    cycle = dict(init_value=0.0, peak_value=1.0, warmup_steps=5, decay_steps=40)
    return [
        ("constant_schedule", dict(value=0.1), 5),
        ("constant_schedule", dict(value=5), 5),
        ("linear_schedule", dict(init_value=0.0, end_value=0.1, transition_steps=100), 150),
        ("linear_schedule", dict(init_value=1.0, end_value=0.25, transition_steps=37,
                                 transition_begin=20), 80),  # fmt: skip
        ("linear_schedule", dict(init_value=3e-4, end_value=3e-5, transition_steps=1), 5),
        ("linear_schedule", dict(init_value=1.0, end_value=0.0, transition_steps=0), 5),
        ("linear_schedule", dict(init_value=1.0, end_value=0.0, transition_steps=-5), 5),
        ("linear_schedule", dict(init_value=1.0, end_value=0.1, transition_steps=10,
                                 transition_begin=-4), 20),  # fmt: skip
        ("linear_schedule", dict(init_value=1.0, end_value=0.0, transition_steps=12.5,
                                 transition_begin=2.5), 20),  # fmt: skip
        ("polynomial_schedule", dict(init_value=1.0, end_value=0.01, power=2,
                                     transition_steps=100), 150),  # fmt: skip
        ("polynomial_schedule", dict(init_value=1e-3, end_value=0.0, power=0.5,
                                     transition_steps=77, transition_begin=10), 100),  # fmt: skip
        ("polynomial_schedule", dict(init_value=0.5, end_value=1.0, power=3,
                                     transition_steps=40), 50),  # fmt: skip
        ("polynomial_schedule", dict(init_value=0.5, end_value=0.1, power=0.0,
                                     transition_steps=10), 15),  # fmt: skip
        ("polynomial_schedule", dict(init_value=0.5, end_value=0.1, power=2.0,
                                     transition_steps=0), 5),  # fmt: skip
        ("piecewise_constant_schedule", dict(init_value=0.1, boundaries_and_scales=[[100, 0.1],
                                             [200, 0.1]]), 300),  # fmt: skip
        ("piecewise_constant_schedule", dict(init_value=1.0, boundaries_and_scales=None), 5),
        ("piecewise_constant_schedule", dict(init_value=1.0, boundaries_and_scales=[]), 5),
        ("piecewise_constant_schedule", dict(init_value=1.0, boundaries_and_scales=[[10, 0.0],
                                             [20, 5.0]]), 30),  # fmt: skip
        ("piecewise_constant_schedule", dict(init_value=1.0, boundaries_and_scales=[[-5, 0.5],
                                             [0, 2.0], [10.5, 3.0]]), 20),  # fmt: skip
        ("piecewise_constant_schedule", dict(init_value=1e-3, boundaries_and_scales=[[50, 1.5],
                                             [100, 2.0]]), 120),  # fmt: skip
        *[
            ("piecewise_interpolate_schedule", dict(interpolate_type=kind, init_value=1.0,
                                                    boundaries_and_scales=pairs), n)  # fmt: skip
            for kind in ("linear", "cosine")
            for pairs, n in (
                ([[4, 0.1], [8, 0.01]], 12),
                ([[10, 0.0], [20, 3.0]], 30),
                ([[0, 0.5], [25, 4.0], [60, 0.1]], 80),
                (None, 3),
                ([[2.5, 0.5], [7.5, 2.0]], 12),
            )
        ],
        ("exponential_decay", dict(init_value=0.1, transition_steps=10, decay_rate=0.9), 100),
        ("exponential_decay", dict(init_value=1.0, transition_steps=7, decay_rate=0.5,
                                   staircase=True), 50),  # fmt: skip
        ("exponential_decay", dict(init_value=1.0, transition_steps=3, decay_rate=0.5,
                                   transition_begin=4, staircase=True, end_value=0.1), 30),  # fmt: skip
        ("exponential_decay", dict(init_value=0.01, transition_steps=5, decay_rate=1.5,
                                   end_value=0.1), 60),  # fmt: skip
        ("exponential_decay", dict(init_value=1.0, transition_steps=5, decay_rate=1.0,
                                   end_value=0.5), 10),  # fmt: skip
        ("exponential_decay", dict(init_value=1.0, transition_steps=0, decay_rate=0.5), 5),
        ("exponential_decay", dict(init_value=1.0, transition_steps=4, decay_rate=0.0,
                                   end_value=0.5), 10),  # fmt: skip
        ("exponential_decay", dict(init_value=1.0, transition_steps=4, decay_rate=0.5,
                                   transition_begin=-3), 10),  # fmt: skip
        ("exponential_decay", dict(init_value=1.0, transition_steps=2.5, decay_rate=0.5,
                                   staircase=True), 12),  # fmt: skip
        ("cosine_decay_schedule", dict(init_value=0.1, decay_steps=200), 250),
        ("cosine_decay_schedule", dict(init_value=1e-3, decay_steps=37, alpha=0.01), 50),
        ("cosine_decay_schedule", dict(init_value=1.0, decay_steps=50, exponent=2.0), 60),
        ("cosine_decay_schedule", dict(init_value=1.0, decay_steps=50, alpha=0.1,
                                       exponent=0.5), 60),  # fmt: skip
        ("cosine_decay_schedule", dict(init_value=1.0, decay_steps=30, alpha=2.0), 40),
        ("cosine_decay_schedule", dict(init_value=1.0, decay_steps=30, alpha=-0.5), 40),
        ("cosine_decay_schedule", dict(init_value=0.5, decay_steps=1), 4),
        ("cosine_decay_schedule", dict(init_value=0.5, decay_steps=10, exponent=0.0), 15),
        ("warmup_constant_schedule", dict(init_value=0.0, peak_value=1.0, warmup_steps=10), 20),
        ("warmup_constant_schedule", dict(init_value=0.5, peak_value=1.0, warmup_steps=0), 5),
        ("warmup_constant_schedule", dict(init_value=0.1, peak_value=0.01, warmup_steps=25), 30),
        ("warmup_cosine_decay_schedule", dict(init_value=0.0, peak_value=1.0, warmup_steps=10,
                                              decay_steps=100), 120),  # fmt: skip
        ("warmup_cosine_decay_schedule", dict(init_value=0.1, peak_value=1.0, warmup_steps=0,
                                              decay_steps=50, end_value=0.01), 60),  # fmt: skip
        ("warmup_cosine_decay_schedule", dict(init_value=0.0, peak_value=1.0, warmup_steps=10,
                                              decay_steps=60, exponent=2.0), 70),  # fmt: skip
        ("warmup_cosine_decay_schedule", dict(init_value=0.0, peak_value=0.0, warmup_steps=5,
                                              decay_steps=20, end_value=0.5), 25),  # fmt: skip
        ("warmup_cosine_decay_schedule", dict(init_value=0.0, peak_value=1.0, warmup_steps=2.5,
                                              decay_steps=12), 15),  # fmt: skip
        ("warmup_cosine_decay_schedule", dict(init_value=0.0, peak_value=1.0, warmup_steps=99,
                                              decay_steps=100), 105),  # fmt: skip
        ("warmup_exponential_decay_schedule", dict(init_value=0.0, peak_value=1.0,
                                                   warmup_steps=10, transition_steps=5,
                                                   decay_rate=0.9), 60),  # fmt: skip
        ("warmup_exponential_decay_schedule", dict(init_value=0.0, peak_value=1.0,
                                                   warmup_steps=5, transition_steps=4,
                                                   decay_rate=0.5, transition_begin=3,
                                                   staircase=True, end_value=0.1), 40),  # fmt: skip
        ("warmup_exponential_decay_schedule", dict(init_value=0.5, peak_value=1.0,
                                                   warmup_steps=0, transition_steps=2,
                                                   decay_rate=0.8), 20),  # fmt: skip
        ("warmup_exponential_decay_schedule", dict(init_value=0.0, peak_value=1.0,
                                                   warmup_steps=4, transition_steps=0,
                                                   decay_rate=0.8), 10),  # fmt: skip
        ("warmup_exponential_decay_schedule", dict(init_value=0.0, peak_value=1.0,
                                                   warmup_steps=4, transition_steps=3,
                                                   decay_rate=0.0), 10),  # fmt: skip
        ("sgdr_schedule", dict(cosine_kwargs=[cycle, dict(cycle, peak_value=0.5, end_value=0.1),
                                              dict(cycle, warmup_steps=0, decay_steps=25,
                                                   exponent=2.0)]), 120),  # fmt: skip
        ("sgdr_schedule", dict(cosine_kwargs=[cycle]), 50),
        ("linear_onecycle_schedule", dict(transition_steps=100, peak_value=0.1), 120),
        ("linear_onecycle_schedule", dict(transition_steps=10, peak_value=1.0, pct_start=0.25,
                                          pct_final=0.75, div_factor=10.0,
                                          final_div_factor=100.0), 15),  # fmt: skip
        ("linear_onecycle_schedule", dict(transition_steps=1, peak_value=1.0), 4),
        ("linear_onecycle_schedule", dict(transition_steps=3, peak_value=1.0), 5),
        ("linear_onecycle_schedule", dict(transition_steps=20, peak_value=1.0, pct_start=0.9,
                                          pct_final=0.5), 25),  # fmt: skip
        ("cosine_onecycle_schedule", dict(transition_steps=100, peak_value=0.1), 120),
        ("cosine_onecycle_schedule", dict(transition_steps=30, peak_value=1.0, pct_start=0.25,
                                          div_factor=10.0, final_div_factor=100.0), 40),  # fmt: skip
        ("cosine_onecycle_schedule", dict(transition_steps=1, peak_value=1.0), 4),
        ("cosine_onecycle_schedule", dict(transition_steps=3, peak_value=1.0, pct_start=1.0), 5),
        ("cosine_onecycle_schedule", dict(transition_steps=8, peak_value=1.0, pct_start=0.0), 10),
        ("join_schedules", dict(schedules=[
            piece("linear_schedule", init_value=0.0, end_value=1.0, transition_steps=10),
            piece("cosine_decay_schedule", init_value=1.0, decay_steps=30)], boundaries=[10]), 50),
        ("join_schedules", dict(schedules=[
            piece("linear_schedule", True, init_value=0.0, end_value=1.0, transition_steps=10),
            piece("cosine_decay_schedule", True, init_value=1.0, decay_steps=30),
            piece("exponential_decay", init_value=0.5, transition_steps=3, decay_rate=0.5,
                  staircase=True)], boundaries=[10, 25]), 50),
        ("join_schedules", dict(schedules=[
            piece("constant_schedule", value=0.1), piece("constant_schedule", value=0.2),
            piece("constant_schedule", value=0.3)], boundaries=[20, 10]), 30),
        ("join_schedules", dict(schedules=[
            piece("constant_schedule", value=0.1), piece("linear_schedule", init_value=0.2,
                  end_value=0.0, transition_steps=5), piece("constant_schedule", value=0.3)],
            boundaries=[10, 10]), 20),
        ("join_schedules", dict(schedules=[
            piece("linear_schedule", init_value=0.0, end_value=1.0, transition_steps=10),
            piece("constant_schedule", value=0.5), piece("constant_schedule", value=0.1)],
            boundaries=[6]), 20),
        ("join_schedules", dict(schedules=[
            piece("constant_schedule", value=0.5), piece("cosine_decay_schedule",
                  init_value=1.0, decay_steps=8)], boundaries=[0]), 10),
    ]  # fmt: skip


# Steps near 10**10: int64 with x64 (exact), float32 without (JAX's default integer is int32).
GIANT = [0, 1, 10**9, 10**10 - 2048, 10**10 - 1024, 10**10, 10**10 + 1024, 2 * 10**10, 10**11]
GIANT_SPECS = [
    ("linear_schedule", dict(init_value=1.0, end_value=0.0, transition_steps=10**10)),
    ("polynomial_schedule", dict(init_value=1.0, end_value=0.1, power=2.0,
                                 transition_steps=10**10, transition_begin=10**9)),  # fmt: skip
    ("exponential_decay", dict(init_value=1.0, transition_steps=10**9, decay_rate=0.5,
                               staircase=True)),  # fmt: skip
    ("exponential_decay", dict(init_value=1.0, transition_steps=10**9, decay_rate=0.9,
                               transition_begin=10**9, end_value=0.01)),  # fmt: skip
    ("cosine_decay_schedule", dict(init_value=1000.0, decay_steps=10**10)),
    ("warmup_cosine_decay_schedule", dict(init_value=0.0, peak_value=1.0, warmup_steps=10**9,
                                          decay_steps=10**10, end_value=0.01)),  # fmt: skip
    ("piecewise_constant_schedule", dict(init_value=1.0, boundaries_and_scales=[[10**10, 0.5]])),
    ("piecewise_interpolate_schedule", dict(interpolate_type="linear", init_value=1.0,
                                            boundaries_and_scales=[[10**10, 0.5]])),  # fmt: skip
    ("cosine_onecycle_schedule", dict(transition_steps=10**10, peak_value=1.0)),
]  # fmt: skip


def optax_cases() -> tuple[str, list[dict]]:
    import jax
    import jax.numpy as jnp
    import numpy as np
    import optax
    import random_configs as rc

    def build(name: str, args: dict):
        return getattr(optax, name)(**rc.optax_arguments(optax, name, args))

    cases = []
    for name, args, n in _optax_specs():
        with rc.OptaxLog() as logged:
            schedule = build(name, args)
        lrs = [float(schedule(jnp.int32(k))) for k in range(n)]
        cases.append({"name": name, "args": args, "x64": False, "steps": list(range(n)),
                      "lr": lrs, "logged": logged})  # fmt: skip
    for name, args in GIANT_SPECS:
        for x64 in (False, True):
            # The float32 steps nearest to GIANT without x64, as Python floats.
            steps = GIANT if x64 else [float(np.float32(k)) for k in GIANT]
            step = jnp.int64 if x64 else jnp.float32
            with jax.enable_x64(x64), rc.OptaxLog() as logged:
                schedule = build(name, args)

                def values(schedule=schedule, step=step, steps=steps) -> list[float]:
                    return [float(schedule(step(k))) for k in steps]

                case = rc._record(name, args, values)
            if case["error"]:
                # Without x64, optax fails on Python-int lengths beyond int32 (an OverflowError
                # when it calls jnp with them): its error, and its values with x64 at the same
                # steps, which a float32 computation should approach.
                with jax.enable_x64(True):
                    schedule = build(name, args)
                    case["lr_x64"] = [float(schedule(jnp.int64(int(k)))) for k in steps]
            cases.append({**case, "x64": x64, "steps": steps, "logged": logged})
    return optax.__version__, cases


if __name__ == "__main__":
    import sys

    wanted = set(sys.argv[1:]) or {
        "mlx",
        "torch",
        "keras",
        "transformers",
        "optax",
        "timm",
        "random",
    }
    if "mlx" in wanted:
        mlx_cases()
    if "torch" in wanted:
        torch_cases()
    if "keras" in wanted:
        keras_cases()
    if "transformers" in wanted:
        _write("transformers.json", "transformers", *transformers_cases())
    if "optax" in wanted:
        _write("optax.json", "optax", *optax_cases())
    if "transformers_compat" in wanted or "transformers" in wanted:
        _write("transformers_compat.json", "transformers", *transformers_compat_cases())
    if "timm" in wanted:
        _write("timm_compat.json", "timm", *timm_compat_cases())
    # Random configurations (tests/test_parity.py): "random", or "random_torch" and the like.
    import random_configs as rc

    for library in ("torch", "keras", "mlx", "optax", "transformers", "timm"):
        if "random" in wanted or f"random_{library}" in wanted:
            record = getattr(rc, f"{library}_random")
            _write(f"random_{library}.json", library, *record())
