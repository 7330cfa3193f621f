"""Test-wide settings and the helpers several test files share."""

from __future__ import annotations

import collections
import copy
import json
import os
import pathlib
import warnings

# Tests compile hundreds of small programs and run each once: LLVM's optimizations cost more
# compile time than they save (a tenth of the suite), and XLA:CPU's MLIR fusion emitters
# compile 2.4x slower than its elemental emitters (test_grad_finite_everywhere's program:
# 4.2 s against 1.8 s). Neither changes what is tested: LLVM does not reassociate floats, and
# XLA's own rewrites (t / c -> t * (1 / c)) happen before both, in its HLO passes.
os.environ["XLA_FLAGS"] = (
    os.environ.get("XLA_FLAGS", "")
    + " --xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
    + " --xla_cpu_use_fusion_emitters=false"
)

# The tests are CPU tests: no time spent looking for accelerators in each test process.
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402  (after XLA_FLAGS)
import jax.numpy as jnp
import numpy as np
import pytest

from schedax._plot import values as lrs  # noqa: F401  (steps 0..n-1; stateful in one scan)

# Catch silent promotions: every dtype change in schedax must be explicit.
jax.config.update("jax_numpy_dtype_promotion", "strict")
jax.config.update("jax_numpy_rank_promotion", "raise")

REFERENCE = pathlib.Path(__file__).parent / "reference"

# The functions of tests/reference/generate.py, written with jnp for tracing: Keras
# `schedule(epoch, lr)` functions, and torch `lr_lambda(epoch)` factors.
KERAS_SCHEDULES = {
    "keras_docs": lambda epoch, lr: jnp.where(epoch < 10, lr, lr * jnp.exp(-0.1)),
    "times_0.7_every_3rd": lambda epoch, lr: jnp.where(epoch % 3 == 2, lr * 0.7, lr),
    "inverse_epoch": lambda epoch, lr: 0.5 / (1.0 + epoch.astype(lr.dtype)),
    "ramp_then_halve": lambda epoch, lr: jnp.where(epoch < 5, lr + 0.01, lr * 0.5),
}


def _float(epoch):  # steps reach user functions as integers
    return jnp.asarray(epoch, jnp.float32)


TORCH_LAMBDAS = {
    "inverse": lambda epoch: 1.0 / (1.0 + _float(epoch)),
    "warmup_10": lambda epoch: jnp.minimum(1.0, (_float(epoch) + 1.0) / 10),
    "times_0.95": lambda epoch: 0.95,
    "every_5th_half": lambda epoch: jnp.where(epoch % 5 == 0, 0.5, 1.0),
}


def evaluate_all(
    schedules: list, num_steps: list[int], metrics: list | None = None
) -> list[np.ndarray]:
    """Each schedule at steps 0 .. n - 1 (a stateful one without observations, or, given a
    metric sequence, its lr after each observation, at steps 1, 2...), all in one compiled
    program: many small programs cost about three times the compilation of one that holds
    them all. Tests call it once per file (`functools.cache`) and check a case each."""
    import schedax as sx

    def one(schedule, metric, n: int):
        steps = jnp.arange(n, dtype=jnp.int32)
        if metric is not None:  # observed at steps 1, 2... (timm's epochs)

            def observe(state, inputs):
                state = schedule.observe(state, inputs[1])
                return state, schedule(inputs[0], state)[0]

            inputs = (jnp.arange(1, len(metric) + 1), jnp.asarray(metric, jnp.float32))
            return jax.lax.scan(observe, schedule.init(), inputs)[1]
        if isinstance(schedule, sx.StatefulSchedule):
            body = lambda state, k: schedule(k, state)[::-1]  # noqa: E731
            return jax.lax.scan(body, schedule.init(), steps)[1]
        return schedule(steps)

    # Schedules of the same structure, leaf types and metric length are stacked and mapped
    # over: the program grows with the number of structures, not of schedules.
    metrics = metrics or [None] * len(schedules)
    groups: dict = collections.defaultdict(list)
    for i, (schedule, metric) in enumerate(zip(schedules, metrics, strict=True)):
        leaves, treedef = jax.tree.flatten(schedule)
        types = tuple((x.shape, x.dtype, getattr(x, "weak_type", False)) for x in leaves)
        groups[treedef, types, None if metric is None else len(metric)].append(i)
    members = list(groups.values())
    stacked = [jax.tree.map(lambda *xs: jnp.stack(xs), *(schedules[i] for i in g)) for g in members]
    observed = [None if metrics[g[0]] is None else jnp.asarray([metrics[i] for i in g], jnp.float32)
                for g in members]  # fmt: skip
    longest = [max(num_steps[i] for i in g) for g in members]

    # lax.map, not vmap: one plain trace of each structure (a batching trace cost twice as
    # much, and vmap has tests of its own); the same values, in a loop over the rows.
    def run(stacked, observed):
        return [jax.lax.map(lambda sm, n=n: one(*sm, n), (s, m))
                for s, m, n in zip(stacked, observed, longest, strict=True)]  # fmt: skip

    out: list = [None] * len(schedules)
    for g, values in zip(members, jax.jit(run)(stacked, observed), strict=True):
        for row, i in enumerate(g):
            out[i] = np.asarray(values[row][: num_steps[i]])
    return out


def reference(filename: str) -> tuple[str, list[dict]]:
    """A recorded reference file: its source ("torch 2.13.0+cpu") and its cases."""
    data = json.loads((REFERENCE / filename).read_text())
    assert data["library"] and data["version"] and data["cases"]
    return f"{data['library']} {data['version']}", data["cases"]


def reference_params(filename: str, name=lambda case: case.get("name", "")) -> list:
    """The cases of a reference file as pytest params `(source, case)` with readable ids."""
    source, cases = reference(filename)
    return [pytest.param(source, case, id=f"{i}-{name(case)}") for i, case in enumerate(cases)]


def np_cosine(t, init, decay_steps, end=0.0):
    """The cosine decay in numpy float64, held after `decay_steps`."""
    t = np.minimum(np.asarray(t, np.float64), decay_steps)
    return end + (init - end) * 0.5 * (1 + np.cos(np.pi * t / decay_steps))


def optax_arguments(name: str, args: dict) -> dict:
    """A recorded optax case's arguments for `schedax.compat.optax`, as the generator passed
    them to optax: `boundaries_and_scales` pairs as a dict, join pieces built with
    `compat.optax`, or with optax itself where marked `callable` (a plain closure)."""
    import optax

    from schedax.compat import optax as compat

    args = dict(args)
    if args.get("boundaries_and_scales") is not None:
        args["boundaries_and_scales"] = {k: v for k, v in args["boundaries_and_scales"]}
    if name == "join_schedules":
        args["schedules"] = [
            getattr(optax if p.get("callable") else compat, p["name"])(
                **optax_arguments(p["name"], p["args"])
            )
            for p in args["schedules"]
        ]
    return args


def optax_warns(case: dict) -> bool:
    """Whether `compat.optax` should warn for a recorded case: where optax logs that it
    returns a constant or falls back (but for the warmup of a warmup-decay, which does what its
    length says), and where optax silently ignores extra schedules or boundaries of a join."""
    name, args = case["name"].removeprefix("optax."), case["args"]
    if name == "join_schedules":
        return len(args["boundaries"]) != len(args["schedules"]) - 1
    warmups = ("warmup_cosine_decay_schedule", "warmup_exponential_decay_schedule", "sgdr_schedule")
    return any(not (m.startswith("A polynomial") and name in warmups) for m in case["logged"])


def _with(args: dict, point: dict) -> dict:
    """`args` with the value at each path (a tuple of keys) of `point` replaced."""
    args = {k: copy.deepcopy(v) if isinstance(v, dict | list) and k != "schedules" else v
            for k, v in args.items()}  # fmt: skip
    for path, value in point.items():
        node = args
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return args


def check_transformations(make, args: dict, paths: dict, steps) -> None:
    """What a compat constructor's closures-free schedules give: one `vmap` where every numeric
    argument at `paths` is traced at once, over rows that change one argument at a time (the
    base values first), equals the schedules built from the same concrete values, which one
    jitted function taking the schedule as an argument evaluates with a single trace; and the
    gradient with respect to every argument is finite at every row."""
    base = {path: xs[0] for path, xs in paths.items()}
    rows = [base] + [{**base, path: x} for path, xs in paths.items() for x in xs[1:]]
    points = {path: jnp.asarray([row[path] for row in rows], jnp.float32) for path in paths}

    def values_and_grads(point):
        values, pullback = jax.vjp(lambda p: make(**_with(args, p))(steps), point)
        return values, pullback(jnp.ones_like(values))[0]

    values, grads = jax.tree.map(np.asarray, jax.jit(jax.vmap(values_and_grads))(points))
    traces = []

    @jax.jit
    def evaluate(schedule):
        traces.append(1)
        return schedule(steps)

    for row, got in zip(rows, values, strict=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # degenerate values warn where the library logs
            schedule = make(**_with(args, {p: float(np.float32(x)) for p, x in row.items()}))
        np.testing.assert_allclose(got, np.asarray(evaluate(schedule)), rtol=1e-6, atol=1e-9,
                                   err_msg=f"{make.__name__} {row}")  # fmt: skip
    assert len(traces) == 1, make.__name__  # every value, degenerate ones too: one program
    for path, grad in grads.items():
        assert np.all(np.isfinite(grad)), (make.__name__, path, grad)


# The longest tests first (a subprocess each, or a whole library's random configurations):
# started last, one of them keeps a worker busy while the other has nothing left to do.
LONGEST = ("test_the_site_builds", "test_the_suite_runs_and_writes", "test_each_example_prints",
           "test_random_configurations", "test_sweep_across_two_processes",
           "test_configs_guide_commands_run", "test_grad_finite_everywhere")  # fmt: skip


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not any(name in item.nodeid for name in LONGEST))
