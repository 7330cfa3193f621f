"""Every example runs, and the benchmark script's smoke run works (no timing is asserted)."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(path: pathlib.Path):
    assert run(str(path))


def test_quickstart_trains_and_sweeps():
    out = run("examples/quickstart.py")
    assert "lr at steps 0, 10, 20, 110, 200: [0.    0.025 0.05  0.025 0.   ]" in out
    final = float(re.search(r"^final loss: (\S+)$", out, re.M).group(1))
    assert final < 1e-3  # the noise floor is 1e-4
    assert len(re.findall(r"^peak .* final loss", out, re.M)) == 9


def test_benchmark_smoke_run():
    out = run("benchmarks/run.py", "--quick")
    assert "| N | compile schedax |" in out and re.search(r"^\| 8 \|", out, re.M)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert f"```bash\n{command}\n```" in readme
