"""Side-by-side benchmarks: schedax vs optax (and torch, a hand-written formula), in one process.

    python benchmarks/run.py            # every table (several minutes on 2 cores)
    python benchmarks/run.py --quick    # a smoke run: small sizes, one repeat, under a minute

Every figure is measured in this process run next to what it is compared with: the median of
several runs after a warm-up (compilation excluded unless a column says so), with
`.block_until_ready()`. The output is markdown, for RESULTS.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import resource
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

import schedax as sx


@dataclasses.dataclass(frozen=True)
class Sizes:
    steps: int  # steps for throughput and join tables
    repeats: int
    join_pieces: tuple[int, ...]
    sweep_configs: int
    sweep_steps: int
    train_steps: int
    torch_steps: int
    memory_configs: int
    memory_steps: int
    shard_configs: int


FULL = Sizes(
    1_000_000,
    15,
    (2, 8, 32, 64, 128, 256, 512),
    256,
    10_000,
    10_000,
    100_000,
    1024,
    1_000_000,
    4096,
)
QUICK = Sizes(10_000, 1, (2, 8), 16, 1_000, 500, 2_000, 16, 20_000, 64)


def median_seconds(fn: Callable[[], jax.Array], repeats: int) -> float:
    jax.block_until_ready(fn())  # warm-up: compile once
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(fn())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compile_seconds(fn: Callable, *args) -> tuple[float, int]:
    """Lower + compile time of a fresh jit of `fn`, and its HLO line count."""
    start = time.perf_counter()
    lowered = jax.jit(fn).lower(*args)
    lowered.compile()
    return time.perf_counter() - start, lowered.as_text().count("\n")


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def vmapped(schedule: Callable) -> Callable:
    return lambda t: jax.vmap(schedule)(t)


def scanned(schedule: Callable) -> Callable:
    return lambda t: jax.lax.scan(lambda c, k: (c, schedule(k)), None, t)[1]


# ----------------------------------------------------------------------------- 1. throughput


def _throughput_cases():
    """(name, schedax schedule, optax schedule, hand-written fused formula)."""
    peak, warmup, total, end = 1e-3, 10_000, 1_000_000, 1e-5

    def wcd_formula(t):
        t = t.astype(jnp.float32)
        decay = end + (peak - end) * 0.5 * (
            1 + jnp.cos(jnp.pi * jnp.minimum(t - warmup, total - warmup) / (total - warmup))
        )
        return jnp.where(t < warmup, peak * t / warmup, decay)

    b1, b2 = 10_000, 500_000

    def join_formula(t):
        t = t.astype(jnp.float32)
        decay = peak * 0.5 * (1 + jnp.cos(jnp.pi * jnp.minimum(t - b2, 500_000.0) / 500_000.0))
        return jnp.where(t < b1, peak * t / b1, jnp.where(t < b2, peak, decay))

    one_total = 1_000_000
    rise = 0.3 * one_total - 1
    low = peak / 25

    def one_cycle_formula(t):
        t = jnp.minimum(t.astype(jnp.float32), one_total - 1)
        up = peak + (low - peak) / 2 * (jnp.cos(jnp.pi * t / rise) + 1)
        pct = (t - rise) / (one_total - 1 - rise)
        down = low / 1e4 + (peak - low / 1e4) / 2 * (jnp.cos(jnp.pi * pct) + 1)
        return jnp.where(t <= rise, up, down)

    return [
        (
            "warmup_cosine_decay",
            sx.warmup_cosine_decay(peak, warmup, total, end=end),
            optax.warmup_cosine_decay_schedule(0.0, peak, warmup, total, end),
            wcd_formula,
        ),
        (
            "3-piece join",
            sx.join_schedules(
                [
                    sx.linear_schedule(0.0, peak, b1),
                    sx.constant_lr(peak),
                    sx.cosine_decay(peak, 500_000),
                ],
                [b1, b2],
            ),
            optax.join_schedules(
                [
                    optax.linear_schedule(0.0, peak, b1),
                    optax.constant_schedule(peak),
                    optax.cosine_decay_schedule(peak, 500_000),
                ],
                [b1, b2],
            ),
            join_formula,
        ),
        (
            "one_cycle",
            sx.one_cycle(peak, one_total),
            optax.cosine_onecycle_schedule(one_total, peak, 0.3, 25.0, 1e4),
            one_cycle_formula,
        ),
    ]


def throughput(sizes: Sizes) -> str:
    steps = jnp.arange(sizes.steps, dtype=jnp.int32)
    rows = []
    for name, ours, theirs, formula in _throughput_cases():
        for mode, wrap in (("vmap", vmapped), ("scan", scanned)):
            ours_fn = jax.jit(lambda s, t, wrap=wrap: wrap(s)(t))
            theirs_fn, floor_fn = jax.jit(wrap(theirs)), jax.jit(wrap(formula))
            with jax.numpy_dtype_promotion("standard"):
                t_ours = median_seconds(partial(ours_fn, ours, steps), sizes.repeats)
                t_theirs = median_seconds(partial(theirs_fn, steps), sizes.repeats)
                t_floor = median_seconds(partial(floor_fn, steps), sizes.repeats)
            rows.append([name, mode, f"{t_ours * 1e3:.2f}", f"{t_theirs * 1e3:.2f}", f"{t_floor * 1e3:.2f}",
                         f"{t_ours / t_floor:.2f}x", f"{t_theirs / t_ours:.2f}x"])  # fmt: skip
    header = [
        "schedule",
        "mode",
        "schedax ms",
        "optax ms",
        "hand-written ms",
        "schedax / hand-written",
        "optax / schedax",
    ]
    return f"### 1. Single-schedule throughput: {sizes.steps:,} steps\n\n" + table(header, rows)


# ----------------------------------------------------------------------------- 2. joins


JOIN_KINDS = {  # which of the kinds below alternate in a join
    "cosine": (0,),
    "exponential/step": (2, 3),
    "linear/cosine/exponential/step": (0, 1, 2, 3),
}


def _joins(n: int, kinds: tuple[int, ...]) -> tuple[sx.Schedule, Callable]:
    """n pieces of 1000 steps, of the given kinds in turn."""
    ours_kinds = [
        lambda k: sx.cosine_decay(0.1 / (1 + k), 1000 + k),
        lambda k: sx.linear_schedule(0.1 / (1 + k), 0.0, 1000 + k),
        lambda k: sx.exponential_decay(0.1 / (1 + k), 0.999),
        lambda k: sx.step_decay(0.1 / (1 + k), 0.9, 100 + k),
    ]
    theirs_kinds = [
        lambda k: optax.cosine_decay_schedule(0.1 / (1 + k), 1000 + k),
        lambda k: optax.linear_schedule(0.1 / (1 + k), 0.0, 1000 + k),
        lambda k: optax.exponential_decay(0.1 / (1 + k), 1, 0.999),
        lambda k: optax.exponential_decay(0.1 / (1 + k), 100 + k, 0.9, staircase=True),
    ]
    boundaries = [1000 * (k + 1) for k in range(n - 1)]
    pick = [kinds[k % len(kinds)] for k in range(n)]
    ours = sx.join_schedules([ours_kinds[i](k) for k, i in enumerate(pick)], boundaries)
    theirs = optax.join_schedules([theirs_kinds[i](k) for k, i in enumerate(pick)], boundaries)
    return ours, theirs


def join_scaling(sizes: Sizes) -> str:
    steps = jnp.arange(sizes.steps, dtype=jnp.int32)
    sections = []
    for section, (label, kinds) in zip("abc", JOIN_KINDS.items(), strict=True):
        rows, measured = [], {}
        for n in sizes.join_pieces:
            ours, theirs = _joins(n, kinds)
            with jax.numpy_dtype_promotion("standard"):
                c_ours, h_ours = compile_seconds(lambda s, t: vmapped(s)(t), ours, steps)
                c_theirs, h_theirs = compile_seconds(vmapped(theirs), steps)
                r = {"compile": (c_ours, c_theirs)}
                for mode, wrap in (("vmap", vmapped), ("scan", scanned)):
                    ours_fn = jax.jit(lambda s, t, wrap=wrap: wrap(s)(t))
                    theirs_fn = jax.jit(wrap(theirs))
                    repeats = min(sizes.repeats, 5)  # optax's N = 512 takes seconds a call
                    r[mode] = (median_seconds(partial(ours_fn, ours, steps), repeats),
                               median_seconds(partial(theirs_fn, steps), repeats))  # fmt: skip
            measured[n] = r
            row = [str(n)]
            for kind in ("compile", "vmap", "scan"):
                a, b = r[kind]
                row += [f"{a:.4f}", f"{b:.4f} ({b / a:.1f}x)"]
            rows.append(row[:3] + [str(h_ours), str(h_theirs)] + row[3:])
        header = ["N", "compile schedax", "compile optax", "HLO lines schedax", "HLO lines optax",
                  "vmap schedax", "vmap optax", "scan schedax", "scan optax"]  # fmt: skip
        first = sizes.join_pieces[0]
        ratios = "; ".join(
            f"N={last} / N={first}: "
            + ", ".join(
                f"{k} {measured[last][k][0] / measured[first][k][0]:.2f}x"
                for k in ("compile", "vmap", "scan")
            )
            for last in sorted({min(128, sizes.join_pieces[-1]), sizes.join_pieces[-1]})
        )
        sections.append(
            f"### 2{section}. Join of N {label} pieces: {sizes.steps:,} steps "
            "(seconds; in brackets optax / schedax)\n\n"
            + table(header, rows)
            + f"\n\nschedax {ratios}"
        )
    return "\n\n".join(sections)


# ----------------------------------------------------------------------------- 3. sweeps


def sweeps(sizes: Sizes) -> str:
    rng = np.random.default_rng(0)
    n = sizes.sweep_configs
    total = rng.integers(sizes.sweep_steps // 2, sizes.sweep_steps, n)
    warmup = (rng.uniform(0.0, 0.2, n) * total).astype(int)
    peak = rng.uniform(1e-4, 1e-2, n)
    steps = jnp.arange(sizes.sweep_steps, dtype=jnp.int32)
    configs = list(zip(peak.tolist(), warmup.tolist(), total.tolist(), strict=True))

    traces = {"stacked": 0, "separate": 0}

    def run_stacked():
        @jax.jit
        def evaluate(stacked, t):
            traces["stacked"] += 1
            return jax.vmap(lambda s: s(t))(stacked)

        stacked = sx.stack([sx.warmup_cosine_decay(p, w, T) for p, w, T in configs])
        return evaluate(stacked, steps)

    def run_separate():
        @jax.jit
        def evaluate(schedule, t):
            traces["separate"] += 1
            return schedule(t)

        return jnp.stack([evaluate(sx.warmup_cosine_decay(p, w, T), steps) for p, w, T in configs])

    def run_optax():
        outs = []
        for p, w, T in configs:
            schedule = optax.warmup_cosine_decay_schedule(0.0, p, w, T)
            outs.append(jax.jit(schedule)(steps))  # a new closure: a new compilation
        return jnp.stack(outs)

    rows, results = [], {}
    with jax.numpy_dtype_promotion("standard"):
        for name, fn, compiles in (
            ("schedax, stacked + vmap", run_stacked, lambda: traces["stacked"]),
            ("schedax, separate objects, one jit", run_separate, lambda: traces["separate"]),
            ("optax, one closure per config", run_optax, lambda: n),
        ):
            jax.clear_caches()
            start = time.perf_counter()
            results[name] = jax.block_until_ready(fn())
            rows.append([name, f"{time.perf_counter() - start:.3f}", str(compiles())])
    base = float(rows[2][1])
    for row in rows:
        row.append(f"{base / float(row[1]):.1f}x")
    same = np.allclose(
        results["schedax, stacked + vmap"],
        results["optax, one closure per config"],
        rtol=1e-4,
        atol=1e-9,
    )
    return (
        f"### 3. Sweep: {n} warmup_cosine_decay configurations x {sizes.sweep_steps:,} steps, wall time "
        "including compilation\n\n"
        + table(["method", "seconds", "compilations", "optax / this"], rows)
        + f"\n\nschedax and optax values agree (rtol 1e-4): {same}"
    )


# ----------------------------------------------------------------------------- 4. training loop


def training_loop(sizes: Sizes) -> str:
    key = jax.random.key(0)
    kx, k1, k2 = jax.random.split(key, 3)
    x = jax.random.normal(kx, (256, 32))
    y = jnp.sin(x[:, :1] * 3)
    params = {"w1": jax.random.normal(k1, (32, 64)) * 0.1, "b1": jnp.zeros(64),
              "w2": jax.random.normal(k2, (64, 1)) * 0.1, "b2": jnp.zeros(1)}  # fmt: skip
    n = sizes.train_steps

    def loss(p):
        h = jnp.tanh(x @ p["w1"] + p["b1"])
        return jnp.mean((h @ p["w2"] + p["b2"] - y) ** 2)

    def make(opt):
        @jax.jit
        def train(p):
            def step(carry, _):
                p, state = carry
                value, grads = jax.value_and_grad(loss)(p)
                updates, state = opt.update(grads, state, p, value=value)
                return (optax.apply_updates(p, updates), state), value

            return jax.lax.scan(step, (p, opt.init(p)), length=n)[1]

        return train

    pieces = [sx.cosine_decay(0.05 / (1 + k), n // 16) for k in range(16)]
    optimizers = {
        "constant lr": optax.with_extra_args_support(optax.sgd(0.05)),
        "warmup_cosine_decay": optax.with_extra_args_support(
            optax.sgd(sx.warmup_cosine_decay(0.05, n // 10, n))
        ),
        "16-piece join": optax.with_extra_args_support(
            optax.sgd(sx.join_schedules(pieces, [n // 16 * (k + 1) for k in range(15)]))
        ),
        "reduce_on_plateau": optax.chain(
            sx.scale_by_schedule(sx.reduce_on_plateau(0.05, patience=50)), optax.scale(-1.0)
        ),
    }
    rows, base = [], None
    for name, opt in optimizers.items():
        seconds = median_seconds(partial(make(opt), params), sizes.repeats)
        base = base or seconds
        rows.append([name, f"{seconds * 1e3:.1f}", f"{(seconds / base - 1) * 100:+.1f}%"])
    return (
        f"### 4. Training-loop overhead: jitted lax.scan of {n:,} SGD steps, MLP 32-64-1, batch 256\n\n"
        + table(["learning rate", "ms", "overhead vs constant"], rows)
    )


# ----------------------------------------------------------------------------- 5. torch


def torch_loop(sizes: Sizes) -> str:
    title = f"### 5. What a torch user has: SequentialLR(LinearLR -> CosineAnnealingLR), {sizes.torch_steps:,} steps"
    try:
        import torch
    except ImportError:
        return (
            title
            + "\n\nskipped: torch is not installed here (`pip install torch==2.13.0` for the CPU build)"
        )
    n, warmup, lr = sizes.torch_steps, sizes.torch_steps // 10, 0.1
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    first = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.01, total_iters=warmup)
    second = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=n - warmup)
    sched = torch.optim.lr_scheduler.SequentialLR(opt, [first, second], milestones=[warmup])
    start = time.perf_counter()
    theirs = []
    for _ in range(n):
        theirs.append(opt.param_groups[0]["lr"])
        sched.step()
    t_torch = time.perf_counter() - start

    from schedax.compat import torch as T

    ours = T.SequentialLR(
        [
            T.LinearLR(lr, start_factor=0.01, total_iters=warmup),
            T.CosineAnnealingLR(lr, n - warmup),
        ],
        [warmup],
    )
    evaluate = jax.jit(lambda s, t: s(t))
    steps = jnp.arange(n, dtype=jnp.int32)
    start = time.perf_counter()
    values = jax.block_until_ready(evaluate(ours, steps))
    t_first = time.perf_counter() - start
    t_ours = median_seconds(lambda: evaluate(ours, steps), sizes.repeats)
    same = np.allclose(values, theirs, rtol=2e-5, atol=1e-9)
    rows = [["torch scheduler.step() in Python", f"{t_torch:.3f}", "1x"],
            ["schedax, jitted, first call (with compilation)", f"{t_first:.3f}", f"{t_torch / t_first:.0f}x"],
            ["schedax, jitted, compiled", f"{t_ours:.5f}", f"{t_torch / t_ours:.0f}x"]]  # fmt: skip
    return (
        title
        + f" (torch {torch.__version__})\n\n"
        + table(["method", "seconds", "speed-up"], rows)
        + f"\n\nsame values (rtol 2e-5): {same}"
    )


# ----------------------------------------------------------------------------- 6. memory


def memory(sizes: Sizes) -> str:
    n, total, chunk = sizes.memory_configs, sizes.memory_steps, 65_536
    stacked = sx.stack(
        [sx.warmup_cosine_decay(1e-3 * (1 + k / n), 1000 + k, total) for k in range(n)]
    )

    @jax.jit
    def chunk_stats(s, start):
        t = start + jnp.arange(chunk, dtype=jnp.int32)
        lrs = jax.vmap(lambda one: one(t))(s)  # (n, chunk), freed after the reduction
        valid = (t < total)[None, :]
        return jnp.sum(jnp.where(valid, lrs, 0), axis=1), jnp.max(jnp.where(valid, lrs, 0), axis=1)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sums, peaks = jnp.zeros(n), jnp.zeros(n)
    start = time.perf_counter()
    for begin in range(0, total, chunk):
        s, m = chunk_stats(stacked, jnp.int32(begin))
        sums, peaks = sums + s, jnp.maximum(peaks, m)
    jax.block_until_ready(sums)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    full = n * total * 4 / 2**20
    per_chunk = n * chunk * 4 / 2**20
    return (
        f"### 6. Memory: {n} schedules x {total:,} steps in chunks of {chunk:,} steps, keeping each "
        "schedule's mean and peak\n\n"
        + table(
            [
                "all values at once would take",
                "one chunk of values",
                "peak RSS before",
                "peak RSS after",
                "seconds",
            ],
            [
                [
                    f"{full:,.0f} MiB",
                    f"{per_chunk:,.0f} MiB",
                    f"{before:,.0f} MiB",
                    f"{after:,.0f} MiB",
                    f"{seconds:.2f}",
                ]
            ],
        )
        + f"\n\nmean lr of schedule 0: {float(sums[0]) / total:.3e}; peak: {float(peaks[0]):.3e}"
    )


# ----------------------------------------------------------------------------- 7. devices

SHARD_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import jax, jax.numpy as jnp, numpy as np
    from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
    import schedax as sx

    n, steps = int(sys.argv[1]), jnp.arange(int(sys.argv[2]), dtype=jnp.int32)
    rng = np.random.default_rng(0)
    stacked = sx.stack([sx.warmup_cosine_decay(float(p), int(w), 20_000)
                        for p, w in zip(rng.uniform(1e-4, 1e-2, n), rng.integers(0, 5_000, n))])
    evaluate = jax.jit(lambda s, t: jax.vmap(lambda one: one(t))(s))
    def timed(s):
        out = jax.block_until_ready(evaluate(s, steps))
        times = []
        for _ in range(5):
            start = time.perf_counter(); jax.block_until_ready(evaluate(s, steps)); times.append(time.perf_counter() - start)
        return out, sorted(times)[2]
    unsharded, t1 = timed(jax.device_put(stacked, jax.devices()[0]))
    mesh = Mesh(np.array(jax.devices()), ("sweep",))
    sharded_in = jax.device_put(stacked, NamedSharding(mesh, P("sweep")))
    sharded, tn = timed(sharded_in)
    print(json.dumps({"devices": len(jax.devices()), "equal": bool(np.array_equal(unsharded, sharded)),
                      "shards": len(sharded.sharding.device_set), "one_device": t1, "all_devices": tn}))
    """
)


def run_sharded(configs: int, steps: int, devices: int = 8) -> dict:
    import json

    env = {
        **os.environ,
        "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices}",
        "JAX_PLATFORMS": "cpu",
    }
    done = subprocess.run([sys.executable, "-c", SHARD_SCRIPT, str(configs), str(steps)], env=env,
                          capture_output=True, text=True, timeout=600, check=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def sharding(sizes: Sizes) -> str:
    steps = 10_000 if sizes is FULL else 1_000
    r = run_sharded(sizes.shard_configs, steps)
    rows = [[str(r["devices"]), str(r["shards"]), str(r["equal"]), f"{r['one_device'] * 1e3:.1f}",
             f"{r['all_devices'] * 1e3:.1f}", f"{r['one_device'] / r['all_devices']:.2f}x"]]  # fmt: skip
    return (
        f"### 7. Past one device: {sizes.shard_configs} stacked schedules x {steps:,} steps, sharded over a "
        "'sweep' mesh axis (8 CPU devices forced on this 2-core machine)\n\n"
        + table(
            [
                "devices",
                "shards",
                "equal to unsharded",
                "one device ms",
                "8 devices ms",
                "speed-up",
            ],
            rows,
        )
    )


# ----------------------------------------------------------------------------- main


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = (
        f"python {platform.python_version()}, jax {jax.__version__}, optax {optax.__version__}"
    )
    versions += f", schedax {sx.__version__}, backend {jax.default_backend()}"
    return f"{cpu}, {os.cpu_count()} cores; {versions}"


SECTIONS = {
    "throughput": throughput,
    "joins": join_scaling,
    "sweeps": sweeps,
    "training": training_loop,
    "torch": torch_loop,
    "memory": memory,
    "devices": sharding,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--only", nargs="*", choices=list(SECTIONS), help="run these sections")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    print(f"Machine: {machine()}\n")
    for name in args.only or SECTIONS:
        start = time.perf_counter()
        print(SECTIONS[name](sizes))
        print(f"\n({name}: {time.perf_counter() - start:.1f} s)\n", flush=True)


if __name__ == "__main__":
    main()
