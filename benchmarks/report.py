"""Writes benchmarks/RESULTS.md from the results the benchmark suite saved (no table by hand).

    python benchmarks/report.py --run          # run the suite twice (minutes), write RESULTS.md
    python benchmarks/report.py --run --quick  # a smoke run (seconds): sizes too small to read
    python benchmarks/report.py                # RESULTS.md again from benchmarks/results.json

`--run` is `pytest benchmarks -n 0 --benchmark-json ...` (pytest-benchmark, the `bench` extra),
`--runs` times (2), merged into benchmarks/results.json: each figure's minimum over the runs,
what each test recorded, and the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import subprocess
import sys
from collections.abc import Callable

import jax
import workloads as W

HERE = pathlib.Path(__file__).parent


def run_suite(json_path: pathlib.Path, quick: bool, runs: int) -> None:
    """Runs the suite `runs` times and saves each figure's minimum over the runs: this VM's
    speed drifts over minutes, and all rounds of one figure fall in the same minute."""
    merged: dict = {}
    for run in range(runs):
        part = json_path.with_suffix(f".run{run}.json")
        command = [sys.executable, "-m", "pytest", str(HERE), "-n", "0", "-q", "-p",
                   "no:cacheprovider", f"--benchmark-json={part}", *(["--quick"] if quick else [])]  # fmt: skip
        subprocess.run(command, check=True, cwd=HERE.parent)
        data = json.loads(part.read_text())
        part.unlink()
        if not merged:
            merged = {**data, "runs": runs}
            continue
        for old, new in zip(merged["benchmarks"], data["benchmarks"], strict=True):
            assert old["fullname"] == new["fullname"]
            old["stats"]["min"] = min(old["stats"]["min"], new["stats"]["min"])
            old["stats"]["rounds"] += new["stats"]["rounds"]
            minima = old["extra_info"].get("minima", {})  # figures a test measured in turn
            for key, seconds in new["extra_info"].get("minima", {}).items():
                minima[key] = min(minima[key], seconds)
    json_path.write_text(json.dumps(merged, indent=1))


class Results:
    """The saved measurements, looked up by what each test recorded in `extra_info`."""

    def __init__(self, data: dict):
        self.machine, self.runs, self.rows = data["machine_info"], data.get("runs", 1), []
        for bench in data["benchmarks"]:
            self.rows.append({**bench["extra_info"], "min": bench["stats"]["min"],
                              "rounds": bench["stats"]["rounds"]})  # fmt: skip

    def get(self, **keys) -> dict:
        found = [r for r in self.rows if all(r.get(k) == v for k, v in keys.items())]
        if len(found) != 1:
            raise KeyError(f"{len(found)} results for {keys}")
        return found[0]

    def has(self, **keys) -> bool:
        return any(all(r.get(k) == v for k, v in keys.items()) for r in self.rows)

    def seconds(self, **keys) -> float:
        return self.get(**keys)["min"]

    def pieces(self) -> list[int]:
        return sorted({r["n"] for r in self.rows if r.get("table") == "join"})


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1e3:.2f}"


def us(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1e6:.1f}"


def times(ratio: float) -> str:
    return "-" if math.isnan(ratio) else f"{ratio:.2f}x"


# ----------------------------------------------------------------------------- targets


# schedax and the hand-written formula held alike: (schedax's row, the formula's row).
HELD_ALIKE = {"closed over": ("schedax closed over", "formula"),
              "as arguments": ("schedax", "formula with arguments")}  # fmt: skip


def formula_ratio(r: Results, case: str, mode: str, how: str) -> float:
    """A schedule's time over its hand-written formula's (table 1), both held `how`."""
    ours, formula = HELD_ALIKE[how]
    get = lambda library: r.seconds(table="throughput", case=case, mode=mode, library=library)  # noqa: E731
    return get(ours) / get(formula)


def targets(r: Results) -> list[tuple[str, str, float, str, Callable[[float], bool], str]]:
    """(id, figure, measured, shown as, whether it meets its target, the target)."""
    lo, hi = r.pieces()[0], r.pieces()[-1]

    def join(kinds: str, mode: str, n: int, library: str = "schedax") -> float:
        return r.seconds(table="join", case=kinds, mode=mode, n=n, library=library)

    def growth(kinds: str, mode: str) -> float:
        return join(kinds, mode, hi) / join(kinds, mode, lo)

    def versus(kinds: str, mode: str) -> float:
        return join(kinds, mode, hi, "optax") / join(kinds, mode, hi)

    sweep = r.seconds(table="sweep", library="optax") / r.seconds(table="sweep", library="schedax")
    compilations = r.get(table="sweep", library="schedax")["compilations"]
    train = lambda case: r.seconds(table="training", case=case)  # noqa: E731
    plateau = train("reduce_on_plateau") / train("constant lr") - 1
    at_most = lambda x: lambda v: v <= x  # noqa: E731
    at_least = lambda x: lambda v: v >= x  # noqa: E731
    rows = []
    for kinds in ("cosine", "mixed"):
        for mode in ("scan", "vmap", "compile")[: 3 if kinds == "cosine" else 2]:
            rows.append((f"growth {kinds} {mode}", f"{kinds} join, N={hi} / N={lo}, {mode}",
                         growth(kinds, mode),
                         f"{growth(kinds, mode):.2f}x", at_most(3), "<= 3x"))  # fmt: skip
    every = len(W.JOIN_KINDS["mixed"])  # the first N with every kind of the mixed join
    for mode in ("scan", "vmap") if every in r.pieces() else ():
        ratio = join("mixed", mode, hi) / join("mixed", mode, every)
        rows.append((f"growth every kind {mode}", f"mixed join, N={hi} / N={every} (every kind "
                     f"in both), {mode}", ratio, f"{ratio:.2f}x", at_most(3), "<= 3x"))  # fmt: skip
    for kinds, mode in (("cosine", "scan"), ("cosine", "vmap"), ("cosine", "compile"),
                        ("mixed", "vmap")):  # fmt: skip
        rows.append((f"versus {mode}", f"optax / schedax, {kinds} join N={hi}, {mode}",
                     versus(kinds, mode),
                      f"{versus(kinds, mode):.1f}x", at_least(10), ">= 10x"))  # fmt: skip
    closed = "schedax closed over"
    for mode in ("scan", "vmap") if every in r.pieces() else ():
        ratio = join("mixed", mode, hi, closed) / join("mixed", mode, every, closed)
        rows.append((f"closed growth {mode}", f"mixed join closed over, N={hi} / N={every}, "
                     f"{mode}", ratio, f"{ratio:.2f}x", at_most(3), "<= 3x"))  # fmt: skip
    for mode in ("scan", "vmap"):
        ratio = join("mixed", mode, hi, "optax") / join("mixed", mode, hi, closed)
        rows.append((f"closed versus {mode}", f"optax / schedax, both closed over, mixed join "
                     f"N={hi}, {mode}", ratio, f"{ratio:.1f}x", at_least(5), ">= 5x"))  # fmt: skip
    for measure, label in TRAIN_MEASURES.items():
        for how in W.HOLDS:
            ratios = {k: v for k, v in _train_ratios(r, measure).items() if k[1] == how}
            (worst, _), ratio = max(
                ratios.items(), key=lambda item: -math.inf if math.isnan(item[1]) else item[1]
            )
            rows.append((f"train {measure} {how}", f"train step, {label}, schedax {how} / optax, "
                         f"highest of table 6 (`{worst}`)", ratio, f"{ratio:.2f}x",
                         at_most(1.1), "<= 1.1x"))  # fmt: skip
    first = join("cosine", "compile", lo) / join("cosine", "compile", lo, "optax")
    rows.append(("first compile", f"compile of a {lo}-piece cosine join, schedax / optax", first,
                 f"{first:.2f}x",
                 at_most(1.1), "<= 1.1x"))  # fmt: skip
    for mode in ("scan", "vmap"):
        for how in HELD_ALIKE:
            ratio = formula_ratio(r, "warmup_cosine_decay", mode, how)
            rows.append((f"formula {mode} {how}", f"warmup-cosine / hand-written formula, {mode}, "
                         f"both {how}", ratio, f"{ratio:.2f}x", at_most(1.2), "<= 1.2x"))  # fmt: skip
    composed = W.THROUGHPUT[3]
    for mode in ("scan", "vmap") if r.has(table="throughput", case=composed) else ():
        for how in HELD_ALIKE:
            ratio = formula_ratio(r, composed, mode, how)
            rows.append((f"composed {mode} {how}", f"`{composed}` composed / hand-written, "
                         f"{mode}, both {how}", ratio, f"{ratio:.2f}x", at_most(1.2), "<= 1.2x"))  # fmt: skip
    configs = r.get(table="sweep", library="schedax")["configs"]
    rows.append(("sweep", f"{configs}-configuration sweep, optax closures / schedax (with "
                 "compilation)", sweep, f"{sweep:.1f}x", at_least(10), ">= 10x"))  # fmt: skip
    build = lambda how: r.seconds(table="build", case=how)  # noqa: E731
    configs = r.get(table="build", case="schedax grid")["configs"]
    for how, limit in (("schedax list + stack", 20), ("schedax grid", 2)):
        ratio = build(how) / build("optax closures")
        rows.append((f"build {how}", f"building {configs:,} configurations, {how} / optax "
                     "closures", ratio, f"{ratio:.2f}x", at_most(limit), f"<= {limit}x"))  # fmt: skip
    rows.append(
        (
            "compilations",
            "compilations of that sweep",
            compilations,
            str(compilations),
            at_most(1),
            "1",
        )
    )
    rows.append(("plateau", "reduce_on_plateau in a training scan vs a constant lr", plateau,
                 f"{plateau * 100:+.1f}%", at_most(0.03), "<= +3%"))  # fmt: skip
    return rows


# A train step's schedax rows and the optax row each is compared with: optax's schedule (a
# closure) cannot be an argument, so as arguments schedax is compared with optax's closure.
TRAIN_VERSUS = {
    "schedax": "optax schedule",
    "schedax.compat.optax": "optax schedule",
    "schedax.inject_hyperparams": "optax.inject_hyperparams",
}


TRAIN_MEASURES = {"compile": "compile", "step": "time per call", "scan": "time per step in a scan"}


def _train(r: Results, case: str, how: str, measure: str) -> float:
    """Seconds per compilation, per call or per step in a scan (NaN: not measured, as a smoke
    run measures some rows only)."""
    got = r.get(table="train step", measure=measure)["minima"]
    return got.get(f"{case} / {how}", math.nan)


def _train_ratios(r: Results, measure: str) -> dict[tuple[str, str], float]:
    """(schedax row, how held) -> its time over optax's: held the same way where optax can,
    else closed over."""
    ratios = {}
    for ours, theirs in TRAIN_VERSUS.items():
        for how in W.HOLDS:
            held = how if (theirs, how) in W.train_steps() else "closed over"
            ratios[ours, how] = _train(r, ours, how, measure) / _train(r, theirs, held, measure)
    return ratios


def _composed_cause(r: Results, mode: str, how: str) -> str:
    """A composition next to the built-in schedule of the same two curves, held the same way
    in the same run: how far each is from its own hand-written formula."""
    ratio = lambda case: formula_ratio(r, case, mode, how)  # noqa: E731
    return (
        f"mostly its pieces' own cost: the built-in `warmup_cosine_decay`, one schedule of the "
        f"same two curves, is {ratio('warmup_cosine_decay'):.2f}x its hand-written formula held "
        f"the same way in this run (the row above), the composition "
        f"{ratio(W.THROUGHPUT[3]):.2f}x. Each factor clamps its traced numbers and computes its "
        "precise form (the row above); the composition adds its product and floor, and runs its "
        "operands' formulas directly in one fused loop body (no second step conversion or NaN "
        "pass-through per level)."
    )


# Why a figure misses its target, from what this run measured (the compile tests record HLO
# lines and gathers), and what would close it; keyed by the figure's id in `targets`.
CAUSES: dict[str, Callable[[Results], str]] = {
    "growth cosine vmap": lambda r: (
        f"at N={r.pieces()[-1]} each step finds its piece by a binary search (a gather per "
        f"level past the first three) and reads its row: {_gathers(r, 'cosine', r.pieces()[-1])} "
        f"gathers against {_gathers(r, 'cosine', r.pieces()[0])} at N={r.pieces()[0]} (an "
        "unrolled compare), and XLA:CPU does not vectorize a loop that gathers. A compare-and-"
        "sum (up to 16 pieces) was slower still (27.8 against 5.1 ms per 1M steps at N=16; "
        "removed). Would close it: an accelerator, where gathers are cheap (unmeasured here)."
    ),
    "growth cosine compile": lambda r: (
        f"the program grows from {_lines(r, 'cosine', r.pieces()[0], 'schedax')} to "
        f"{_lines(r, 'cosine', r.pieces()[-1], 'schedax')} HLO lines: the binary search's "
        "levels and the table reads."
    ),
    "growth mixed vmap": lambda r: (
        "the mixed join of 2 pieces holds 2 of the 4 kinds (linear and cosine); the exponential "
        "and step formulas join from N=4 on, and under vmap every kind runs at every step "
        "(the N=128 / N=4 row compares joins with every kind: the growth in N alone). Past one "
        "piece per kind, each kind reads its row with a gather per hyperparameter "
        f"({_gathers(r, 'mixed', r.pieces()[-1])} at N={r.pieces()[-1]}, 0 with one row per "
        "kind), and XLA:CPU does not vectorize a loop that gathers. Packing a row's "
        "hyperparameters into one lookup measured slower (before the switch: 22 -> 56 ms per 1M "
        "steps at N=128, and 46 ms -> 1.8 s in lax.scan). Would close it: an accelerator, where "
        "gathers are cheap (unmeasured here)."
    ),
    "growth mixed scan": lambda r: (
        "the mixed join of 2 pieces holds 2 of the 4 kinds: its lax.switch has two cheap "
        "branches (linear, cosine); from N=4 on it has four, the exponential and step ones with "
        "powers (the N=128 / N=4 row: the growth in N alone)."
    ),
    "versus compile": lambda r: (
        "optax's program grows linearly "
        f"({_lines(r, 'cosine', r.pieces()[-1], 'optax')} HLO lines at N={r.pieces()[-1]} "
        f"against schedax's {_lines(r, 'cosine', r.pieces()[-1], 'schedax')}), but its compile "
        "time per line is low; the ratio grows with N (table 2). Reaching 10x at N=128 needs "
        "schedax's compile at N=128 no slower than at N=2."
    ),
    "versus vmap": lambda r: (
        "the gathers of the mixed join (above) against optax's evaluation of every piece."
    ),
    "first compile": lambda r: (
        f"schedax's 2-piece program has {_lines(r, 'cosine', r.pieces()[0], 'schedax')} HLO "
        f"lines, optax's {_lines(r, 'cosine', r.pieces()[0], 'optax')}: the NaN pass-through, "
        "the clamps of traced hyperparameters, the precise (endpoint-nearer-zero) forms and "
        "the piece search are operations optax does not have. Replacing jnp.where and jnp.clip "
        "by lax selects (no nested jit) cut the lines by 12% and left the compile time as it "
        "was."
    ),
    "train compile as an argument": lambda r: (
        "with the schedule an argument its numbers are traced, so XLA folds nothing of it: "
        "the hand-written formula with arguments compiles "
        f"{_versus_optax(r, 'hand-written formula', 'compile')} optax's closure, schedax "
        f"{_versus_optax(r, 'schedax', 'compile')} (it also clamps each traced number into "
        "range and computes the precise forms), schedax.compat.optax "
        f"{_versus_optax(r, 'schedax.compat.optax', 'compile')} (optax's `exponent` is always a "
        "number there, a general power when traced; schedax's own leaves it out unless "
        "given). It is one compilation for every configuration (the programs column), where "
        "optax compiles one per configuration; a step costs the same (the other columns)."
    ),
    "train compile closed over": lambda r: (
        "the schedule's own program: closed over, schedax's still holds the NaN pass-through, "
        "the precise forms and the piece search that optax's has not (the 2-piece join row "
        "below: the same operations alone), "
        f"up to {_extra_compile_ms(r, 'closed over')} ms of "
        f"a {ms(_train(r, 'optax schedule', 'closed over', 'compile'))} ms compilation. A "
        "train step's compile is the least steady figure on this VM: the ratio moves by "
        "about 0.1 between runs of the suite."
    ),
    "train step closed over": lambda r: _inject_dispatch(r),
    "train step as an argument": lambda r: _inject_dispatch(r),
    "formula scan closed over": lambda r: (
        "in lax.scan each step is one fused loop body in both; schedax's computes the NaN "
        "pass-through and the precise forms besides the formula."
    ),
    "formula scan as arguments": lambda r: (
        "with its hyperparameters as arguments the hand-written formula has no clamps, and "
        "schedax clamps each traced one into its valid range (an argument cannot be checked) "
        "and computes the precise forms: a few more scalar operations in each step's loop body "
        "(the NaN pass-through is not it: skipping it and the step's clamp for integer steps "
        "measured 9.3 -> 9.1 ms). In a training step it is noise (table 4)."
    ),
    **{
        f"composed {mode} {how}": (lambda r, mode=mode, how=how: _composed_cause(r, mode, how))
        for mode in ("scan", "vmap")
        for how in ("closed over", "as arguments")
    },
    "formula vmap closed over": lambda r: "the same operations, per step (the scan rows).",
    "formula vmap as arguments": lambda r: "the same operations, per step (the scan rows).",
    "sweep": lambda r: (
        "with 32 configurations the wall time is mostly compilation: schedax compiles one "
        "program for all, optax one small program per configuration; the ratio grows with the "
        "number of configurations, and schedax's program compiles slower than one of optax's "
        "(the compile row above)."
    ),
}


THRESHOLDS = """### Tuned on this CPU (accelerators: unmeasured)

- `find_piece` (`src/schedax/_numerics.py`): a compare and a select per boundary up to 4
  boundaries, a binary search past that (a compare-and-sum up to 16 was a cliff: XLA:CPU does
  not fuse its reduction); the search's first 3 levels choose among known boundaries with
  selects (a 4th level cost more in `lax.scan` than it saved under `vmap`). On an accelerator
  gathers are cheap and reductions fuse: both thresholds may sit elsewhere there.
- Joins use `lax.switch` for a scalar step (`lax.scan`): selecting among all kinds instead was
  measured slower here at every N (2-piece mixed join 9.0 -> 10.8 ms, 128 pieces 48 -> 79 ms
  per 1M scanned steps), besides keeping user functions from leaking NaN gradients.
- XLA:CPU compiles a `lax.scan` into one function only when one step reads and writes under
  1,024 bytes by its cost model (`xla_cpu_small_while_loop_byte_threshold`); past that, each
  step launches its kernels one by one, about 17x slower for a scan over a schedule alone. A
  join closed over by jit (its tables constants) reads a column that holds one value, such as
  every exponential piece's rate, as that constant: XLA had folded such columns into
  broadcasts rebuilt at every step, 673 bytes at 16 pieces and 2,729 at 512, and the mixed
  join of 128 pieces ran 800 ms instead of 42 (tested: `tests/test_join.py`). A training
  step is past the threshold anyway; there each kernel of the schedule is one more launch."""


def _versus_optax(r: Results, case: str, measure: str) -> str:
    ours = _train(r, case, "as an argument", measure)
    return times(ours / _train(r, "optax schedule", "closed over", measure))


def _extra_compile_ms(r: Results, how: str) -> str:
    """The most a schedax row held `how` compiles beyond the optax row it is compared with."""
    extra = [_train(r, ours, how, "compile") - _train(r, theirs, how, "compile")
             for ours, theirs in TRAIN_VERSUS.items()]  # fmt: skip
    return ms(max(extra))


def _inject_dispatch(r: Results) -> str:
    scan = [_train(r, "schedax.inject_hyperparams", how, "scan")
            / _train(r, "optax.inject_hyperparams", how, "scan") for how in W.HOLDS]  # fmt: skip
    arrays = {lr: len(jax.tree.leaves(W.train_steps()[lr, "closed over"][3]))
              for lr in ("schedax.inject_hyperparams", "optax.inject_hyperparams")}  # fmt: skip
    return (
        "the computation is the same (time per step in a scan: "
        f"{min(scan):.2f}-{max(scan):.2f}x optax's); the time is in dispatching the call from "
        "Python. schedax's injected state holds the schedule itself (what lets configurations "
        f"share a program): {arrays['schedax.inject_hyperparams']} arrays against optax's "
        f"{arrays['optax.inject_hyperparams']}, each put in and taken out at every call, and "
        "the schedule a PyTree node flattened in Python. In a step of a model of any size "
        "this is noise; packing the schedule's numbers into one array per dtype in the state "
        "would close it here (not done: the state would no longer hold the schedule users "
        "read)."
    )


def _unknown(r: Results) -> str:
    return "no cause measured for this one: it is not a known miss; run the suite again."


def _gathers(r: Results, kinds: str, n: int) -> int:
    return r.get(table="join", case=kinds, mode="compile", n=n, library="schedax")["gathers"]


def _lines(r: Results, kinds: str, n: int, library: str) -> int:
    return r.get(table="join", case=kinds, mode="compile", n=n, library=library)["hlo_lines"]


# ----------------------------------------------------------------------------- tables


def throughput_table(r: Results) -> str:
    rows = []
    cases = dict.fromkeys(row["case"] for row in r.rows if row.get("table") == "throughput")
    for case in cases:  # as measured (a smoke run measures one)
        for mode in ("vmap", "scan"):
            t = {lib: r.seconds(table="throughput", case=case, mode=mode, library=lib)
                 for lib in W.LIBRARIES}  # fmt: skip
            rows.append([case, mode, *(ms(t[lib]) for lib in W.LIBRARIES),
                         f"{t['schedax closed over'] / t['formula']:.2f}x",
                         f"{t['schedax'] / t['formula with arguments']:.2f}x",
                         f"{t['optax'] / t['schedax closed over']:.2f}x"])  # fmt: skip
    steps = r.get(table="throughput", case="warmup_cosine_decay", mode="vmap", library="schedax")[
        "steps"
    ]
    header = ["schedule", "mode", *(f"{lib} ms" for lib in W.LIBRARIES),
              "schedax / formula, closed over", "schedax / formula, arguments",
              "optax / schedax, closed over"]  # fmt: skip
    return (f"## 1. One schedule, {steps:,} steps\n\n" "`schedax` and `formula with arguments` "
            "take their hyperparameters as arguments of the jitted function (one compilation for "
            "all values); `optax`, `formula` and `schedax closed over` close over them (constants "
            "XLA folds into the program).\n\n" + table(header, rows))  # fmt: skip


def join_tables(r: Results) -> str:
    out = []
    for kinds, label in (("cosine", "cosine pieces"),
                         ("mixed", "linear, cosine, exponential and step pieces in turn")):  # fmt: skip
        rows = []
        for n in r.pieces():
            get = lambda mode, library, kinds=kinds, n=n: r.seconds(  # noqa: E731
                table="join", case=kinds, mode=mode, n=n, library=library
            )
            ours, theirs = get("compile", "schedax"), get("compile", "optax")
            row = [str(n), ms(ours), f"{ms(theirs)} ({theirs / ours:.1f}x)",
                   str(_lines(r, kinds, n, "schedax")), str(_lines(r, kinds, n, "optax")),
                   str(_gathers(r, kinds, n))]  # fmt: skip
            for mode in ("vmap", "scan"):
                closed, theirs = get(mode, "schedax closed over"), get(mode, "optax")
                row += [ms(get(mode, "schedax")), ms(closed),
                        f"{ms(theirs)} ({theirs / closed:.1f}x)"]  # fmt: skip
            rows.append(row)
        steps = r.get(table="join", case=kinds, mode="vmap", n=r.pieces()[0], library="schedax")[
            "steps"
        ]
        header = ["N", "compile schedax", "compile optax", "HLO lines schedax", "HLO lines optax",
                  "gathers schedax", "vmap schedax", "vmap schedax closed over", "vmap optax",
                  "scan schedax", "scan schedax closed over", "scan optax"]  # fmt: skip
        out.append(f"## 2. Join of N {label}, {steps:,} steps\n\n"
                   "ms. `schedax` takes the join as an argument of the jitted function; "
                   "`schedax closed over` and `optax` close over it (`optax.adam(schedule)` in "
                   "a jitted step). In brackets: optax / schedax, compiled as each is used "
                   "(schedax as an argument), run both closed over.\n\n"
                   + table(header, rows))  # fmt: skip
    return "\n\n".join(out)


def _same_steps(r: Results) -> None:
    """Every row of the train-step table took optax's steps: how far its calls moved the
    parameters (summed) agrees with optax's schedule, or the constant rate's, to 1e-4."""
    final = r.get(table="train step", measure="step")["final"]
    for key, moved in final.items():
        reference = final["constant lr / closed over" if key.startswith("constant lr") else
                          "optax schedule / closed over"]  # fmt: skip
        if not math.isclose(moved, reference, rel_tol=1e-4):
            raise ValueError(f"train step {key!r} moved the parameters by {moved}, optax's "
                             f"rows by {reference}: the rows do not compute the same steps")  # fmt: skip


def train_step_table(r: Results) -> str:
    _same_steps(r)
    rows = []
    for case, how in W.train_steps():
        programs = r.get(table="train step", measure="compile")["programs"].get(f"{case} / {how}")
        rows.append([f"`{case}`", how, ms(_train(r, case, how, "compile")),
                     us(_train(r, case, how, "step")), us(_train(r, case, how, "scan")),
                     "-" if programs is None else str(programs)])  # fmt: skip
    calls = r.get(table="train step", measure="step")["calls"]
    configs = r.get(table="train step", measure="compile").get("configs", 4)
    ratios = {m: _train_ratios(r, m) for m in TRAIN_MEASURES}
    versus = [[f"`{ours}`", how, f"`{TRAIN_VERSUS[ours]}`",
               *(times(ratios[m][ours, how]) for m in TRAIN_MEASURES)]
              for ours, how in ratios["step"]]  # fmt: skip
    return ("## 6. A train step: `optax.adamw` on an MLP 32-64-1, batch 256, warmup-cosine "
            "learning rate\n\n"
            "Each round of the suite measures every row in turn (rows compared within a few "
            "percent see the same machine); a figure is a row's minimum over the rounds. "
            "Compile: a fresh trace, lowering and compilation of the jitted step. Per call: the "
            f"time per call of the compiled step, {calls} calls from Python threading the "
            "parameters and optimizer state (dispatch included, as a training loop pays it). "
            f"In a scan: {calls} steps in one jitted `lax.scan` (the computation alone). "
            f"Programs: what {configs} configurations (different peaks) compile, each held the "
            "row's way. Closed over, the optimizer is built outside the jitted step; as an argument, the "
            "schedule (or numbers) is an argument of the step, and an injected optimizer a "
            "static argument (as flax's `TrainState` holds it). optax's schedules are closures "
            "over Python numbers: they cannot be arguments.\n\n"
            + table(["learning rate", "held", "compile ms", "us per call", "us per step in a "
                     "scan", f"programs for {configs} configurations"], rows)
            + "\n\nschedax against optax (time over optax's; as an argument against optax's "
            "schedule closed over, the only way it runs):\n\n"
            + table(["schedax", "held", "optax", *TRAIN_MEASURES.values()], versus))  # fmt: skip


def sweep_table(r: Results) -> str:
    rows = []
    for library, label in (("schedax", "schedax: stacked, one vmap"),
                           ("optax", "optax: one closure per configuration")):  # fmt: skip
        got = r.get(table="sweep", library=library)
        rows.append([label, f"{got['min']:.3f}", str(got["compilations"])])
    got = r.get(table="sweep", library="schedax")
    return (f"## 3. Sweep: {got['configs']} warmup-cosine configurations x {got['steps']:,} "
            "steps, wall time including compilation\n\n"
            + table(["method", "seconds", "compilations"], rows))  # fmt: skip


def build_table(r: Results) -> str:
    rows = []
    for how in ("schedax list + stack", "schedax grid", "optax closures"):
        rows.append([how, f"{r.seconds(table='build', case=how):.4f}"])
    configs = r.get(table="build", case="schedax grid")["configs"]
    return (f"## 5. Building a sweep: {configs:,} warmup-cosine configurations (no evaluation)"
            "\n\n" + table(["how", "seconds"], rows))  # fmt: skip


def training_table(r: Results) -> str:
    base = r.seconds(table="training", case="constant lr")
    rows = []
    for case in ("constant lr", "warmup_cosine_decay", "16-piece join", "reduce_on_plateau"):
        t = r.seconds(table="training", case=case)
        rows.append([case, ms(t), f"{(t / base - 1) * 100:+.1f}%"])
    steps = r.get(table="training", case="constant lr")["steps"]
    return (f"## 4. Training loop: a jitted lax.scan of {steps:,} SGD steps, MLP 32-64-1, batch "
            "256\n\n" + table(["learning rate", "ms", "vs constant lr"], rows))  # fmt: skip


def report(r: Results) -> str:
    m = r.machine
    cpu = m.get("cpu", {}).get("brand_raw") or m.get("processor") or m.get("machine")
    rounds = max(row["rounds"] for row in r.rows)
    rows, misses = [], []
    for key, figure, value, shown, ok, target in targets(r):
        met = ok(value)
        rows.append([figure, shown, target, "yes" if met else "**no**"])
        if not met:
            cause = CAUSES.get(key, _unknown)
            misses.append(f"- **{figure}: {shown}** (target {target}): {cause(r)}")
    parts = [
        "# Benchmark results",
        "Generated by `python benchmarks/report.py` from `benchmarks/results.json`, which "
        "`python benchmarks/report.py --run` saves (the suite in `benchmarks/test_bench.py`, "
        "pytest-benchmark). Do not edit by hand: run it again.",
        f"Machine: {cpu}, {m.get('cores')} cores; python {m.get('python')}, jax {m.get('jax')}, "
        f"optax {m.get('optax')}, schedax {m.get('schedax')}, backend {m.get('backend')}"
        + (" (**a --quick smoke run: sizes too small to read**)" if m.get("quick") else "")
        + f". Each figure is the minimum of {rounds} timings over {r.runs} run(s) of the suite, "
        "measured in the same runs as what it is compared with: calls after their compilation "
        "(`block_until_ready`), or a fresh trace, lowering and compilation where a column says "
        "compile. This shared 2-core VM's speed drifts by tens of percent over minutes (hence "
        "the minimum over whole runs of the suite): read ratios, not absolute times.",
        "## Targets (issues 15, 25, 28 and 29)",
        table(["figure", "measured", "target", "met"], rows),
        "### Why the misses, and what would close them\n\n" + ("\n".join(misses) or "None."),
        THRESHOLDS,
        throughput_table(r),
        join_tables(r),
        sweep_table(r),
        training_table(r),
        build_table(r),
        train_step_table(r),
    ]
    return "\n\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true", help="run the suite first")
    parser.add_argument("--quick", action="store_true", help="with --run: smoke sizes")
    parser.add_argument("--runs", type=int, default=2, help="with --run: runs of the suite")
    parser.add_argument("--json", type=pathlib.Path, default=HERE / "results.json")
    parser.add_argument("--out", type=pathlib.Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    if args.run:
        run_suite(args.json, args.quick, 1 if args.quick else args.runs)
    args.out.write_text(report(Results(json.loads(args.json.read_text()))))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
