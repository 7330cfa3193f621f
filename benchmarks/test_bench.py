"""The benchmark suite: schedax next to optax (and a hand-written formula) in the same run.

Every timed figure is the time of a call after its compilation (`block_until_ready`), the
minimum of `sizes.rounds` runs; compile figures are a fresh trace, lowering and compilation.
Each test records what it measured in `extra_info`; benchmarks/report.py reads the JSON that
pytest-benchmark saves and writes RESULTS.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import pytest
import workloads as W

import schedax as sx


def _time(benchmark, fn: Callable[[], jax.Array], sizes: W.Sizes, **info) -> None:
    jax.block_until_ready(fn())  # compiled before it is timed
    benchmark.extra_info.update(info)
    benchmark.pedantic(lambda: jax.block_until_ready(fn()), rounds=sizes.rounds, iterations=1)


def _steps(sizes: W.Sizes) -> jax.Array:
    return jnp.arange(sizes.steps, dtype=jnp.int32)


@pytest.mark.parametrize("library", list(W.LIBRARIES))
@pytest.mark.parametrize("mode", list(W.MODES))
def test_throughput(benchmark, sizes, case, mode, library):
    ours, theirs, formula = W.throughput(sizes.steps)[case]
    schedule = {"schedax": ours, "optax": theirs, "formula": formula}[library.split()[0]]
    fn, args = W.program(library, schedule, mode)
    jitted, steps = jax.jit(fn), _steps(sizes)
    _time(benchmark, lambda: jitted(*args, steps), sizes, table="throughput", case=case,
          mode=mode, library=library, steps=sizes.steps)  # fmt: skip


@pytest.mark.parametrize("library", ["schedax", "schedax closed over", "optax"])
@pytest.mark.parametrize("mode", list(W.MODES))
@pytest.mark.parametrize("kinds", list(W.JOIN_KINDS))
def test_join(benchmark, sizes, kinds, n, mode, library):
    schedule = W.join(n, kinds)[library == "optax"]
    fn, args = W.program(library, schedule, mode)
    jitted, steps = jax.jit(fn), _steps(sizes)
    _time(benchmark, lambda: jitted(*args, steps), sizes, table="join", case=kinds, n=n,
          mode=mode, library=library, steps=sizes.steps)  # fmt: skip


@pytest.mark.parametrize("library", ["schedax", "optax"])
@pytest.mark.parametrize("kinds", list(W.JOIN_KINDS))
def test_join_compile(benchmark, sizes, kinds, n, library):
    schedule = W.join(n, kinds)[library == "optax"]
    fn, args = W.program(library, schedule, "vmap")
    steps, compiled = _steps(sizes), []

    def compile_fresh():  # a new function each time: traced, lowered and compiled anew
        compiled.append(jax.jit(lambda *a: fn(*a)).lower(*args, steps).compile())

    warmup = 1 if sizes.rounds > 1 else 0  # a smoke run compiles once
    benchmark.pedantic(compile_fresh, rounds=sizes.rounds, iterations=1, warmup_rounds=warmup)
    hlo = compiled[-1].as_text()
    benchmark.extra_info.update(table="join", case=kinds, n=n, mode="compile", library=library,
                                steps=sizes.steps, hlo_lines=hlo.count("\n"),
                                gathers=hlo.count(" gather("))  # fmt: skip


@pytest.mark.parametrize("library", ["schedax", "optax"])
def test_sweep(benchmark, sizes, library):
    """Every configuration's values, wall time including compilation: new functions every
    round, so each round traces and compiles anew (in a process that has run JAX before: the
    warm-up round)."""
    configs = W.sweep_configs(sizes.sweep_configs, sizes.sweep_steps)
    steps = jnp.arange(sizes.sweep_steps, dtype=jnp.int32)
    traces: list[int] = []

    def schedax_sweep():
        @jax.jit
        def evaluate(stacked, t):
            traces.append(1)
            return jax.vmap(lambda s: s(t))(stacked)

        stacked = sx.stack([sx.warmup_cosine_decay(p, w, total) for p, w, total in configs])
        return evaluate(stacked, steps)

    def optax_sweep():
        import optax

        outs = []
        for p, w, total in configs:  # a closure per configuration: a compilation each
            traces.append(1)
            outs.append(jax.jit(optax.warmup_cosine_decay_schedule(0.0, p, w, total))(steps))
        return jnp.stack(outs)

    def run():
        traces.clear()
        return jax.block_until_ready({"schedax": schedax_sweep, "optax": optax_sweep}[library]())

    benchmark.pedantic(
        run, rounds=sizes.rounds, iterations=1, warmup_rounds=min(sizes.rounds - 1, 1)
    )
    benchmark.extra_info.update(table="sweep", library=library, configs=len(configs),
                                steps=sizes.sweep_steps, compilations=len(traces))  # fmt: skip


@pytest.mark.parametrize("how", list(W.builders(1)))
def test_build(benchmark, sizes, how):
    """Building every configuration of a grid (no evaluation): schedax's schedules are data
    made on the host and put on the device, optax's are closures."""
    build = W.builders(sizes.build_axis)[how]
    benchmark.pedantic(lambda: jax.block_until_ready(build()), rounds=sizes.rounds,
                       iterations=1, warmup_rounds=1)  # fmt: skip
    benchmark.extra_info.update(table="build", case=how, configs=sizes.build_axis**2)


@pytest.mark.parametrize("lr", list(W.training_optimizers(16)))
def test_training_loop(benchmark, sizes, lr):
    train = W.training(W.training_optimizers(sizes.train_steps)[lr], sizes.train_steps)
    _time(benchmark, train, sizes, table="training", case=lr, steps=sizes.train_steps)


@pytest.mark.parametrize("measure", ["compile", "step", "scan"])
def test_train_step(benchmark, sizes, measure):
    """An adamw step of an MLP (a linear model in a smoke run) as users write it, the learning
    rate held each way (every row of W.train_steps): a fresh trace, lowering and compilation
    (and how many programs `step_configs` configurations of the schedule, different peaks,
    compile); `step_calls` calls from Python; or `step_calls` steps in one jitted lax.scan (the
    computation alone, no dispatch).

    The rows are compared with each other within a few percent, closer than this VM's drift
    over minutes: each round measures every row in turn, and a row's figure is its minimum
    over the rounds (`minima`, seconds per step or per compilation)."""
    params, x, y = W.mlp(sizes.step_widths)
    cases = W.train_steps(total=sizes.step_total, widths=sizes.step_widths)
    runners, info = {}, {}
    for (lr, how), (fn, held, static, state) in cases.items():
        key = f"{lr} / {how}"
        if lr not in (sizes.step_timed or (lr,)):
            continue  # a smoke run measures a few rows
        if measure == "compile":
            runners[key] = lambda fn=fn, held=held, static=static, state=state: (
                jax.jit(lambda *a: fn(*a), static_argnums=static)
                .lower(*held, params, state, x, y).compile()
            )  # fmt: skip
            info.setdefault("programs", {})[key] = _programs(lr, how, sizes, params, x, y)
            if sizes.rounds > 1:  # a first compilation, before the timed ones (a smoke run: one)
                runners[key]()
        elif measure == "scan":
            many = jax.jit(W.scanned_steps(fn, sizes.step_calls), static_argnums=static)
            runners[key] = lambda many=many, held=held, state=state: jax.block_until_ready(
                many(*held, params, state, x, y)
            )
            runners[key]()  # compiled before it is timed
        else:
            step = jax.jit(fn, static_argnums=static)

            def train(step=step, held=held, state=state):
                p, s = params, state
                for _ in range(sizes.step_calls):
                    p, s, _ = step(*held, p, s, x, y)
                return jax.block_until_ready(p)

            runners[key] = train
            moved = jax.tree.map(lambda a, b: (a - b).sum(), train(), params)  # and compiled
            info.setdefault("final", {})[key] = float(sum(jax.tree.leaves(moved)))  # compared
    per = 1 if measure == "compile" else sizes.step_calls
    minima = dict.fromkeys(runners, float("inf"))

    def every_row():
        for key, run in runners.items():
            start = time.perf_counter()
            run()
            minima[key] = min(minima[key], (time.perf_counter() - start) / per)

    benchmark.pedantic(every_row, rounds=sizes.rounds, iterations=1)
    benchmark.extra_info.update(info, table="train step", measure=measure, minima=minima,
                                calls=sizes.step_calls, configs=sizes.step_configs)  # fmt: skip


def _programs(lr: str, how: str, sizes: W.Sizes, params, x, y) -> int:
    """The programs `sizes.step_configs` configurations (peaks) compile, each held as `how`
    says (one jit per distinct step function, as a user's script has)."""
    jitted: dict = {}
    W.TRACES.clear()
    for k in range(sizes.step_configs):
        peak = 1e-3 * (k + 1)
        fn, held, static, state = W.train_steps(peak, sizes.step_total, sizes.step_widths)[lr, how]
        step = jitted.setdefault(fn, jax.jit(fn, static_argnums=static))
        step.trace(*held, params, state, x, y)  # a program is compiled per new trace
    return len(W.TRACES)
