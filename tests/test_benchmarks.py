"""The benchmark suite's workloads compute the same values in schedax, optax and the
hand-written formulas they are timed against; and the suite runs, end to end, in its smoke mode
(`python benchmarks/report.py --run --quick`), writing a RESULTS.md from its own JSON."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import chex
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

BENCHMARKS = pathlib.Path(__file__).parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import workloads as W  # noqa: E402

import schedax as sx  # noqa: E402

STEPS = 5_000


def _close(a, b) -> None:
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=2e-4, atol=1e-9)


@pytest.fixture(autouse=True)
def _standard_promotion():
    # optax's schedules mix Python and int32 types; the MLP broadcasts its biases.
    with jax.numpy_dtype_promotion("standard"), jax.numpy_rank_promotion("allow"):
        yield


@pytest.mark.parametrize("case", W.THROUGHPUT)
def test_throughput_programs_agree_with_optax_and_the_formula(case):
    # Every way the suite runs a schedule (as an argument or closed over; schedax, optax, the
    # formula), in both modes, against the hand-written formula closed over its constants.
    steps = jnp.arange(STEPS, dtype=jnp.int32)
    ours, theirs, formula = W.throughput(STEPS)[case]
    expected = formula(steps)
    for library in W.LIBRARIES:
        if library == "optax" and case == "one_cycle":
            continue  # optax's one-cycle places its phases otherwise (docs/migration/index.md)
        schedule = {"schedax": ours, "optax": theirs, "formula": formula}[library.split()[0]]
        for mode in W.MODES:
            fn, args = W.program(library, schedule, mode)
            _close(jax.jit(fn)(*args, steps), expected)


@pytest.mark.parametrize("kinds", list(W.JOIN_KINDS))
def test_join_workloads_agree_with_optax(kinds):
    steps = jnp.arange(0, 8 * W.PIECE_STEPS + 500, 7, dtype=jnp.int32)
    ours, theirs = W.join(8, kinds)
    _close(jax.jit(lambda s: s(steps))(ours), jax.vmap(theirs)(steps))


def test_sweep_workload_agrees_with_optax():
    configs = W.sweep_configs(3, 400)
    steps = jnp.arange(400)
    stacked = sx.stack([sx.warmup_cosine_decay(p, w, total) for p, w, total in configs])
    ours = jax.vmap(lambda s: s(steps))(stacked)
    for row, (p, w, total) in zip(ours, configs, strict=True):
        _close(row, optax.warmup_cosine_decay_schedule(0.0, p, w, total)(steps))


def test_build_workloads_build_the_same_sweep():
    built = W.builders(3)
    listed, grid = built["schedax list + stack"](), built["schedax grid"]()
    chex.assert_trees_all_equal(listed, grid)
    closures = built["optax closures"]()
    steps = jnp.arange(0, 10_000, 250)
    ours = jax.vmap(lambda s: s(steps))(grid)
    theirs = jnp.stack([jnp.asarray(f(steps), jnp.float32) for f in closures])
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-9)


def test_the_suite_runs_and_writes_its_report_in_smoke_mode(tmp_path):
    # Not as an xdist worker: pytest-benchmark would take the inner run for one and not save.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHONPATH"))}
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "report.py"), "--run", "--quick",
         "--json", str(tmp_path / "results.json"), "--out", str(tmp_path / "RESULTS.md")],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = (tmp_path / "RESULTS.md").read_text()
    assert "a --quick smoke run" in report and "## Targets (issues 15, 25, 28 and 29)" in report
    for section in (
        "## 1. One schedule",
        "## 2. Join of N cosine",
        "## 3. Sweep",
        "## 4. Training",
        "## 5. Building a sweep",
        "## 6. A train step",
    ):
        assert section in report, section
    # The train-step table's rows take the same steps as optax's closure (warmup and decay,
    # 4 steps in smoke mode): each records how far its calls from Python moved the parameters
    # (summed; float32 rounding of the learning rate differs in the last digits).
    runs = json.loads((tmp_path / "results.json").read_text())["benchmarks"]
    (step,) = [b["extra_info"] for b in runs if b["extra_info"].get("measure") == "step"]
    final = {tuple(key.split(" / ")): moved for key, moved in step["final"].items()}
    assert {lr for lr, _ in final} == set(W.QUICK.step_timed)
    for (lr, _), got in final.items():
        np.testing.assert_allclose(got, final["optax schedule", "closed over"], rtol=1e-4,
                                   err_msg=lr)  # fmt: skip
    assert abs(final["optax schedule", "closed over"]) > 1e-4  # the steps moved them
