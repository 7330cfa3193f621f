"""Side-by-side benchmarks: schedax vs optax, measured in the same process run.

    python benchmarks/run.py            # the full tables (a few minutes on 2 cores)
    python benchmarks/run.py --quick    # a smoke run: small sizes, one repeat

Every figure is a median of several runs after a warm-up (compilation excluded, except in
the compile column), with `.block_until_ready()`. Output is markdown, for RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax

import schedax as sx


def median_seconds(fn: Callable[[], jax.Array], repeats: int) -> float:
    fn().block_until_ready()  # warm-up: compile once
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn().block_until_ready()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compile_seconds(fn: Callable, *args) -> tuple[float, int]:
    """Lower + compile time of a fresh jit of `fn`, and its instruction count."""
    start = time.perf_counter()
    lowered = jax.jit(fn).lower(*args)
    lowered.compile()
    seconds = time.perf_counter() - start
    return seconds, lowered.as_text().count("\n")


def cosine_pieces(n: int) -> tuple[list[tuple[float, int]], list[int]]:
    """n cosine pieces of 1000 steps each with decreasing peaks."""
    return [(0.1 / (1 + k), 1000 + k) for k in range(n)], [1000 * (k + 1) for k in range(n - 1)]


def join_case(n: int, steps: jax.Array, repeats: int) -> dict[str, float]:
    params, boundaries = cosine_pieces(n)
    ours = sx.join_schedules([sx.cosine_decay(p, d) for p, d in params], boundaries)
    theirs = optax.join_schedules(
        [optax.cosine_decay_schedule(p, d) for p, d in params], boundaries
    )

    def ours_vmap(s, t):
        return jax.vmap(s)(t)

    def ours_scan(s, t):
        return jax.lax.scan(lambda c, k: (c, s(k)), None, t)[1]

    def theirs_vmap(t):
        return jax.vmap(theirs)(t)

    def theirs_scan(t):
        return jax.lax.scan(lambda c, k: (c, theirs(k)), None, t)[1]

    row: dict[str, float] = {}
    row["ours_compile"], row["ours_hlo"] = compile_seconds(ours_vmap, ours, steps)
    row["theirs_compile"], row["theirs_hlo"] = compile_seconds(theirs_vmap, steps)
    vmap_ours, scan_ours = jax.jit(ours_vmap), jax.jit(ours_scan)
    vmap_theirs, scan_theirs = jax.jit(theirs_vmap), jax.jit(theirs_scan)
    row["ours_vmap"] = median_seconds(lambda: vmap_ours(ours, steps), repeats)
    row["theirs_vmap"] = median_seconds(lambda: vmap_theirs(steps), repeats)
    row["ours_scan"] = median_seconds(lambda: scan_ours(ours, steps), repeats)
    row["theirs_scan"] = median_seconds(lambda: scan_theirs(steps), repeats)
    return row


def join_scaling(sizes: list[int], num_steps: int, repeats: int) -> str:
    steps = jnp.arange(num_steps, dtype=jnp.int32)
    rows = {n: join_case(n, steps, repeats) for n in sizes}
    lines = [
        f"### Join of N cosine pieces: {num_steps:,} steps (seconds; optax / schedax in brackets)",
        "",
        "| N | compile schedax | compile optax | HLO lines schedax | HLO lines optax "
        "| vmap schedax | vmap optax | scan schedax | scan optax |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n, r in rows.items():
        cells = [str(n)]
        for kind in ("compile", "hlo", "vmap", "scan"):
            ours, theirs = r[f"ours_{kind}"], r[f"theirs_{kind}"]
            if kind == "hlo":
                cells += [f"{ours:.0f}", f"{theirs:.0f}"]
            else:
                cells += [f"{ours:.4f}", f"{theirs:.4f} ({theirs / ours:.1f}x)"]
        lines.append("| " + " | ".join(cells) + " |")
    first, last = rows[sizes[0]], rows[sizes[-1]]
    lines += [
        "",
        f"schedax N={sizes[-1]} / N={sizes[0]}: "
        + ", ".join(
            f"{kind} {last[f'ours_{kind}'] / first[f'ours_{kind}']:.2f}x"
            for kind in ("compile", "vmap", "scan")
        ),
    ]
    return "\n".join(lines)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    args = parser.parse_args()
    if args.quick:
        sizes, num_steps, repeats = [2, 8], 10_000, 1
    else:
        sizes, num_steps, repeats = [2, 8, 32, 128], 1_000_000, 15
    print(f"Machine: {machine()}\n")
    print(join_scaling(sizes, num_steps, repeats))


if __name__ == "__main__":
    main()
