"""What the benchmarks measure: each case as schedax, optax and (where there is one) a
hand-written jnp formula of the same values. tests/test_benchmarks.py checks that they agree."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import optax

import schedax as sx


@dataclasses.dataclass(frozen=True)
class Sizes:
    steps: int  # steps of the throughput and join cases
    rounds: int  # timed runs per figure (the minimum is reported)
    pieces: tuple[int, ...]  # N of the joins
    sweep_configs: int
    sweep_steps: int
    train_steps: int
    build_axis: int  # a grid of build_axis x build_axis configurations is built
    step_calls: int  # train steps per timing of the train-step table
    step_total: int  # the length of its schedules (10% warmup)
    step_configs: int  # configurations whose programs the train-step table counts
    step_widths: tuple[int, ...]  # its model's layer widths
    step_timed: tuple[str, ...] | None  # its learning rates compiled and scanned (None: all)


FULL = Sizes(1_000_000, 7, (2, 4, 8, 32, 64, 128), 32, 10_000, 10_000, 100, 200, 10_000, 4,
             (32, 64, 1), None)  # fmt: skip
# A smoke run: everything runs, nothing is timed well.
QUICK = Sizes(1_000, 1, (2, 4), 2, 200, 20, 3, 4, 20, 2, (32, 1),
              ("optax schedule", "schedax", "schedax.inject_hyperparams"))  # fmt: skip


# ----------------------------------------------------------------------------- throughput


THROUGHPUT = ("warmup_cosine_decay", "3-piece join", "one_cycle", "max(warmup * cosine, floor)")


def _warmup_cosine(t, h):
    t = t.astype(jnp.float32)
    rest = h["total"] - h["warmup"]
    decay = h["end"] + (h["peak"] - h["end"]) * 0.5 * (
        1 + jnp.cos(jnp.pi * jnp.minimum(t - h["warmup"], rest) / rest)
    )
    return jnp.where(t < h["warmup"], h["peak"] * t / h["warmup"], decay)


def _three_pieces(t, h):
    t = t.astype(jnp.float32)
    rest = h["total"] - h["b2"]
    decay = h["peak"] * 0.5 * (1 + jnp.cos(jnp.pi * jnp.minimum(t - h["b2"], rest) / rest))
    return jnp.where(t < h["b1"], h["peak"] * t / h["b1"], jnp.where(t < h["b2"], h["peak"], decay))


def _one_cycle(t, h):
    last = h["total"] - 1
    t = jnp.minimum(t.astype(jnp.float32), last)
    rise, peak, low = h["rise"], h["peak"], h["peak"] / 25
    up = peak + (low - peak) / 2 * (jnp.cos(jnp.pi * t / rise) + 1)
    pct = (t - rise) / (last - rise)
    down = low / 1e4 + (peak - low / 1e4) / 2 * (jnp.cos(jnp.pi * pct) + 1)
    return jnp.where(t <= rise, up, down)


def _floored_product(t, h):
    t = t.astype(jnp.float32)
    warmup = h["peak"] * jnp.minimum(t / h["warmup"], 1)
    cosine = 0.5 * (1 + jnp.cos(jnp.pi * jnp.minimum(t, h["total"]) / h["total"]))
    return jnp.maximum(warmup * cosine, h["floor"])


@dataclasses.dataclass(frozen=True)
class Formula:
    """A hand-written jnp formula `fn(t, hyperparameters)`: called with the hyperparameters as
    Python numbers (constants XLA folds, as optax's closures) or passed in as arrays (as a
    schedax schedule is)."""

    fn: Callable
    hyperparameters: dict[str, float]

    def __call__(self, t):
        return self.fn(t, self.hyperparameters)


def throughput(total: int) -> dict[str, tuple[sx.Schedule, Callable, Formula]]:
    """name -> (schedax schedule, optax schedule, hand-written formula), over `total` steps."""
    peak, warmup, end = 1e-3, total // 100, 1e-5
    b1, b2, rest = total // 100, total // 2, total - total // 2
    ours_join = [
        sx.linear_schedule(0.0, peak, b1),
        sx.constant_lr(peak),
        sx.cosine_decay(peak, rest),
    ]
    theirs_join = [optax.linear_schedule(0.0, peak, b1), optax.constant_schedule(peak),
                   optax.cosine_decay_schedule(peak, rest)]  # fmt: skip
    return {
        "warmup_cosine_decay": (
            sx.warmup_cosine_decay(peak, warmup, total, end=end),
            optax.warmup_cosine_decay_schedule(0.0, peak, warmup, total, end),
            Formula(_warmup_cosine, dict(peak=peak, warmup=warmup, total=total, end=end)),
        ),
        "3-piece join": (
            sx.join_schedules(ours_join, [b1, b2]),
            optax.join_schedules(theirs_join, [b1, b2]),
            Formula(_three_pieces, dict(peak=peak, b1=b1, b2=b2, total=total)),
        ),
        "one_cycle": (
            sx.one_cycle(peak, total),
            optax.cosine_onecycle_schedule(total, peak, 0.3, 25.0, 1e4),
            Formula(_one_cycle, dict(peak=peak, total=total, rise=0.3 * total - 1)),
        ),
        "max(warmup * cosine, floor)": (  # a composition: optax's spelling is a closure
            sx.maximum(sx.linear_schedule(0.0, peak, warmup) * sx.cosine_decay(1.0, total), end),
            lambda t: jnp.maximum(
                optax.linear_schedule(0.0, peak, warmup)(t)
                * optax.cosine_decay_schedule(1.0, total)(t),
                end,
            ),
            Formula(_floored_product, dict(peak=peak, warmup=warmup, total=total, floor=end)),
        ),
    }


# ----------------------------------------------------------------------------- joins

# Which kinds alternate in a join: cosine pieces only, or linear, cosine, exponential and step
# in turn.
JOIN_KINDS = {"cosine": (0,), "mixed": (0, 1, 2, 3)}
PIECE_STEPS = 1000


def join(n: int, kinds: str) -> tuple[sx.Schedule, Callable]:
    """`n` pieces of PIECE_STEPS steps, of the given kinds in turn: (schedax, optax)."""
    ours = [
        lambda k: sx.cosine_decay(0.1 / (1 + k), PIECE_STEPS + k),
        lambda k: sx.linear_schedule(0.1 / (1 + k), 0.0, PIECE_STEPS + k),
        lambda k: sx.exponential_decay(0.1 / (1 + k), 0.999),
        lambda k: sx.step_decay(0.1 / (1 + k), 0.9, 100 + k),
    ]
    theirs = [
        lambda k: optax.cosine_decay_schedule(0.1 / (1 + k), PIECE_STEPS + k),
        lambda k: optax.linear_schedule(0.1 / (1 + k), 0.0, PIECE_STEPS + k),
        lambda k: optax.exponential_decay(0.1 / (1 + k), 1, 0.999),
        lambda k: optax.exponential_decay(0.1 / (1 + k), 100 + k, 0.9, staircase=True),
    ]
    order = JOIN_KINDS[kinds]
    pick = [order[k % len(order)] for k in range(n)]
    boundaries = [PIECE_STEPS * (k + 1) for k in range(n - 1)]
    return (sx.join_schedules([ours[i](k) for k, i in enumerate(pick)], boundaries),
            optax.join_schedules([theirs[i](k) for k, i in enumerate(pick)], boundaries))  # fmt: skip


# ----------------------------------------------------------------------------- modes


def vmapped(schedule: Callable) -> Callable:
    return lambda t: jax.vmap(schedule)(t)


def scanned(schedule: Callable) -> Callable:
    return lambda t: jax.lax.scan(lambda c, k: (c, schedule(k)), None, t)[1]


MODES = {"vmap": vmapped, "scan": scanned}


# How a schedule reaches the program: "argument" (a schedax schedule, or a formula's
# hyperparameters as arrays: one compilation for all values) or "closure" (constants).
LIBRARIES = {"schedax": "argument", "optax": "closure", "formula": "closure",
             "schedax closed over": "closure", "formula with arguments": "argument"}  # fmt: skip


def program(library: str, schedule: Callable, mode: str) -> tuple[Callable, tuple]:
    """A function to jit and its arguments (without the steps)."""
    wrap = MODES[mode]
    if LIBRARIES[library] == "closure":
        return (lambda t: wrap(schedule)(t)), ()
    if isinstance(schedule, Formula):
        hyperparameters = {k: jnp.asarray(float(v)) for k, v in schedule.hyperparameters.items()}
        return (lambda h, t: wrap(lambda k: schedule.fn(k, h))(t)), (hyperparameters,)
    return (lambda s, t: wrap(s)(t)), (schedule,)


# ----------------------------------------------------------------------------- sweeps


def sweep_configs(n: int, steps: int) -> list[tuple[float, int, int]]:
    """`n` (peak, warmup, total) warmup-cosine configurations, drawn with a fixed seed."""
    import numpy as np

    rng = np.random.default_rng(0)
    total = rng.integers(steps // 2, steps, n)
    warmup = (rng.uniform(0.0, 0.2, n) * total).astype(int)
    peak = rng.uniform(1e-4, 1e-2, n)
    return list(zip(peak.tolist(), warmup.tolist(), total.tolist(), strict=True))


def build_grid(axis: int) -> tuple[list[float], list[int]]:
    """The axes of a build benchmark: `axis` peaks x `axis` warmup lengths (of 10,000 steps)."""
    import numpy as np

    return np.geomspace(1e-4, 1e-2, axis).tolist(), list(range(0, 10 * axis, 10))


def builders(axis: int) -> dict[str, Callable[[], object]]:
    """Ways to build every configuration of the grid: as users write it with schedax (a list
    comprehension and `stack`), with `grid`, and optax's closures."""
    peaks, warmups = build_grid(axis)
    configs = [(p, w) for p in peaks for w in warmups]
    return {
        "schedax list + stack": lambda: sx.stack(
            [sx.warmup_cosine_decay(p, w, 10_000) for p, w in configs]
        ),
        "schedax grid": lambda: sx.grid(
            sx.warmup_cosine_decay, peak=peaks, warmup_steps=warmups, total_steps=10_000
        ),
        "optax closures": lambda: [
            optax.warmup_cosine_decay_schedule(0.0, p, w, 10_000) for p, w in configs
        ],
    }


# ----------------------------------------------------------------------------- training loop


def training_optimizers(n: int) -> dict[str, optax.GradientTransformationExtraArgs]:
    """SGD with each learning rate, all taking `value=` (the plateau reads it)."""
    pieces = [sx.cosine_decay(0.05 / (1 + k), n // 16) for k in range(16)]
    join16 = sx.join_schedules(pieces, [n // 16 * (k + 1) for k in range(15)])
    return {
        "constant lr": optax.with_extra_args_support(optax.sgd(0.05)),
        "warmup_cosine_decay": optax.with_extra_args_support(
            optax.sgd(sx.warmup_cosine_decay(0.05, n // 10, n))
        ),
        "16-piece join": optax.with_extra_args_support(optax.sgd(join16)),
        "reduce_on_plateau": optax.chain(
            sx.scale_by_schedule(sx.reduce_on_plateau(0.05, patience=50)), optax.scale(-1.0)
        ),
    }


def mlp(widths: tuple[int, ...] = (32, 64, 1)) -> tuple[list[dict], jax.Array, jax.Array]:
    """An MLP's parameters (tanh between its layers; one layer is a linear model) and a batch
    of 256."""
    kx, *keys = jax.random.split(jax.random.key(0), len(widths))
    x = jax.random.normal(kx, (256, widths[0]))
    params = [{"w": jax.random.normal(k, (m, n)) * 0.1, "b": jnp.zeros(n)}
              for k, m, n in zip(keys, widths[:-1], widths[1:], strict=True)]  # fmt: skip
    return params, x, jnp.sin(x[:, :1] * 3)


def loss(params: list[dict], x: jax.Array, y: jax.Array) -> jax.Array:
    h = x
    for layer in params[:-1]:
        h = jnp.tanh(h @ layer["w"] + layer["b"])
    return jnp.mean((h @ params[-1]["w"] + params[-1]["b"] - y) ** 2)


def training(opt: optax.GradientTransformationExtraArgs, n: int) -> Callable[[], jax.Array]:
    """A jitted lax.scan of `n` SGD steps of an MLP 32-64-1 on a batch of 256: the losses."""
    params, x, y = mlp()

    @jax.jit
    def train(p):
        def step(carry, _):
            p, state = carry
            value, grads = jax.value_and_grad(loss)(p, x, y)
            updates, state = opt.update(grads, state, p, value=value)
            return (optax.apply_updates(p, updates), state), value

        return jax.lax.scan(step, (p, opt.init(p)), length=n)[1]

    return lambda: train(params)


# ----------------------------------------------------------------------------- a train step

# How a train step holds its learning rate: "closed over" (the optimizer built outside the
# jitted step: its schedule's numbers are constants of the program, so each configuration is a
# program of its own), or "as an argument" (the schedule an argument of the jitted step, or an
# injected optimizer as a static argument, as flax's TrainState holds it).
HOLDS = ("closed over", "as an argument")
TRACES: list[int] = []  # one entry per trace of a train step


def _step(opt: optax.GradientTransformation, p, state, x, y):
    TRACES.append(1)
    value, grads = jax.value_and_grad(loss)(p, x, y)
    updates, state = opt.update(grads, state, p)
    return optax.apply_updates(p, updates), state, value


# As an argument, a held schedule (or numbers) builds the optimizer inside the step; these are
# module-level functions, the same for every configuration, as a user's train step is.
def _step_with_lr(lr, p, state, x, y):
    return _step(optax.adamw(lr), p, state, x, y)


def _step_with_formula(h, p, state, x, y):
    return _step(optax.adamw(lambda t: _warmup_cosine(t, h)), p, state, x, y)


def _step_with_optimizer(opt, p, state, x, y):
    return _step(opt, p, state, x, y)


@functools.cache  # the same configuration, the same functions (a user's script defines them once)
def train_steps(
    peak: float = 1e-3, total: int = 10_000, widths: tuple[int, ...] = (32, 64, 1)
) -> dict[tuple[str, str], tuple]:
    """(learning rate, how it is held) -> (step function, its held arguments, which of them are
    static, the optimizer state): the step is `fn(*held, params, state, x, y)`, adamw with
    warmup-cosine (10% warmup) from `peak`. The pairs a library cannot do are absent: optax's
    schedules are closures over Python numbers, never arguments."""
    import schedax.compat.optax as compat

    warmup = total // 10
    hyper = dict(peak=peak, warmup=warmup, total=total, end=0.0)
    lrs: dict[str, Any] = {
        "constant lr": peak,
        "optax schedule": optax.warmup_cosine_decay_schedule(0.0, peak, warmup, total),
        "hand-written formula": Formula(_warmup_cosine, hyper),
        "schedax": sx.warmup_cosine_decay(peak, warmup, total),
        "schedax.compat.optax": compat.warmup_cosine_decay_schedule(0.0, peak, warmup, total),
    }
    injected = {
        "optax.inject_hyperparams": optax.inject_hyperparams(optax.adamw)(
            learning_rate=lrs["optax schedule"]
        ),
        "schedax.inject_hyperparams": sx.inject_hyperparams(optax.adamw)(
            learning_rate=lrs["schedax"]
        ),
    }
    params = mlp(widths)[0]
    cases: dict[tuple[str, str], tuple] = {}
    for name, lr in lrs.items():
        opt = optax.adamw(lr)
        init = opt.init(params)  # held either way, the optimizer's state is the same
        cases[name, "closed over"] = (lambda *a, opt=opt: _step(opt, *a), (), (), init)
        if name == "constant lr":
            cases[name, "as an argument"] = (_step_with_lr, (jnp.asarray(lr),), (), init)
        elif name == "hand-written formula":
            numbers = {k: jnp.asarray(float(v)) for k, v in hyper.items()}
            cases[name, "as an argument"] = (_step_with_formula, (numbers,), (), init)
        elif name != "optax schedule":
            cases[name, "as an argument"] = (_step_with_lr, (lr,), (), init)
    for name, opt in injected.items():
        init = opt.init(params)
        cases[name, "closed over"] = (lambda *a, opt=opt: _step(opt, *a), (), (), init)
        cases[name, "as an argument"] = (_step_with_optimizer, (opt,), (0,), init)
    return cases


def scanned_steps(fn: Callable, n: int) -> Callable:
    """`n` steps of `fn` in one lax.scan, called as `fn` is, `(*held, params, state, x, y)`, and
    returning the losses: jit it with the step's `static_argnums`."""

    def run(*args):
        *held, p, state, x, y = args

        def one(carry, _):
            p, state, value = fn(*held, *carry, x, y)
            return (p, state), value

        return jax.lax.scan(one, (p, state), length=n)[1]

    return run
