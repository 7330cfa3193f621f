"""Every example runs as a script and prints what it claims."""

from __future__ import annotations

import importlib.util
import json
import pathlib
import re
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from cases import _one_cycle, _one_cycle_momentum
from conftest import np_cosine

ROOT = pathlib.Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
# Each example has a test below that checks what it prints.
TESTED = {"quickstart", "sweep", "torch_migration", "nano_optax_solver", "plot", "plateau",
          "one_cycle_sgd", "learn_schedule"}  # fmt: skip


# All examples run as `__main__` in one fresh Python process (one start and one import of
# jax for all of them), each with its own argv and its output captured apart.
RUNNER = """
import contextlib, io, json, runpy, sys
outputs = {}
for path, *argv in json.loads(sys.argv[1]):
    sys.argv = [path, *argv]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        runpy.run_path(path, run_name="__main__")
    outputs[path] = out.getvalue()
print(json.dumps(outputs))
"""


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What each example printed, by name; files they write land in a temporary folder."""
    out_dir = tmp_path_factory.mktemp("examples")
    runs = [[str(p), *([str(out_dir / "out.png")] if p.stem == "plot" else [])] for p in EXAMPLES]
    done = subprocess.run([sys.executable, "-c", RUNNER, json.dumps(runs)], cwd=out_dir,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    outputs = {pathlib.Path(path).stem: text for path, text in json.loads(done.stdout).items()}
    return {**outputs, "out_dir": str(out_dir)}


def test_every_example_is_tested():
    assert {path.stem for path in EXAMPLES} == TESTED


def _plateau_example_lowers_the_lr_when_the_loss_stalls(printed):
    out = printed["plateau"]
    rows = [
        tuple(map(float, row))
        for row in re.findall(r"^step +(\d+) +loss (\S+) +lr (\S+)$", out, re.M)
    ]
    steps, losses, lrs = (np.array(column) for column in zip(*rows, strict=True))
    assert steps.tolist() == list(range(0, 600, 50))
    assert lrs[0] == 0.2 and np.all(np.diff(lrs) <= 0) and lrs[-1] < 0.2 * lrs[0]
    lowered = [
        int(k) for k in re.search(r"^lr lowered at steps: \[(.*)\]$", out, re.M)[1].split(",")
    ]
    assert len(lowered) >= 2 and lowered == sorted(lowered)
    # The loss had stalled at the first lr; with the lower ones it ends clearly lower.
    stalled = losses[(steps >= 50) & (steps < lowered[0])]
    assert stalled.size and losses[-1] < 0.5 * stalled.min()


def _one_cycle_sgd_example_uses_torchs_lr_and_momentum_and_the_weight_decay(printed):
    row = r"^step +(\d+) +lr (\S+) +momentum (\S+) +weight_decay (\S+) +loss (\S+)$"
    rows = np.array(re.findall(row, printed["one_cycle_sgd"], re.M), np.float64)
    steps, lr, momentum, weight_decay, losses = rows.T
    assert steps.tolist() == [*range(0, 300, 30), 299]
    # What the optimizer used at each step: torch's OneCycleLR lr and momentum (numpy).
    np.testing.assert_allclose(lr, _one_cycle(steps, 0.05, 300), rtol=2e-6)
    np.testing.assert_allclose(momentum, _one_cycle_momentum(steps, 300), rtol=2e-6)
    np.testing.assert_allclose(weight_decay, np_cosine(steps, 1e-3, 300), rtol=2e-6, atol=1e-12)
    assert losses[-1] < 1e-6 * losses[0]


def _learn_schedule_example_lowers_the_validation_loss(printed):
    row = r"^ *(before|outer step +\d+): peak (\S+) +warmup +(\S+) +validation loss (\S+)$"
    rows = re.findall(row, printed["learn_schedule"], re.M)
    assert [r[0] for r in rows] == ["before", *(f"outer step {i}" for i in range(5, 31, 5))]
    peaks, warmups, losses = np.array([r[1:] for r in rows], np.float64).T
    assert peaks[0] == 0.005 and warmups[0] == 100.0 and np.all(warmups > 0)
    assert np.all(np.diff(losses) < 0) and losses[-1] < 0.05 * losses[0]


def _example(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_learn_schedule_hypergradient_is_the_central_difference_and_lowers_the_loss():
    example = _example("learn_schedule")
    with jax.enable_x64(True):
        h = 1e-6

        @jax.jit
        def loss_hypergradient_and_central_differences(theta):
            loss, grad = jax.value_and_grad(example.validation_loss)(theta, 50)
            shifted = theta[None] + h * jnp.concatenate([jnp.eye(2), -jnp.eye(2)])
            losses = jax.vmap(lambda x: example.validation_loss(x, 50))(shifted)
            return loss, grad, (losses[:2] - losses[2:]) / (2 * h)

        # Peak 0.01, warmup 20.5 steps (between steps: no kink) of 50 training steps; then
        # three outer steps down the hypergradient.
        theta, losses = jnp.log(jnp.array([0.01, 20.5])), []
        for _ in range(4):
            loss, grad, central = loss_hypergradient_and_central_differences(theta)
            assert grad.dtype == jnp.float64 and np.all(grad != 0)
            np.testing.assert_allclose(grad, central, rtol=1e-6)
            theta, losses = theta - 0.1 * grad / jnp.linalg.norm(grad), [*losses, float(loss)]
    assert np.all(np.diff(losses) < 0), losses


def _sweep_example_is_one_batched_call(printed):
    out = printed["sweep"]
    assert "shape: (12, 10000)" in out
    assert "peak 1e-03 warmup  1000: lr at step 500 = 5.000e-04" in out  # halfway up the warmup


def _torch_migration_example_agrees_with_the_native_spelling(printed):
    gap = re.search(r"^max relative \|compat - native\| over 1000 steps: (\S+)$",
                    printed["torch_migration"], re.M)  # fmt: skip
    assert gap and float(gap[1]) < 1e-6  # a few float32 roundings apart, not a different curve


def _nano_optax_solver_example_converges_with_every_kind_of_lr(printed):
    losses = [float(x) for x in re.findall(r"final loss (\S+),", printed["nano_optax_solver"])]
    assert len(losses) == 4 and max(losses) < 1e-6


def _plot_example_writes_a_png(printed):
    out = pathlib.Path(printed["out_dir"]) / "out.png"
    assert printed["plot"] == f"wrote {out}\n" and out.read_bytes()[:4] == b"\x89PNG"


def _quickstart_trains_and_sweeps(printed):
    out = printed["quickstart"]
    assert "lr at steps 0, 10, 20, 110, 200: [0.    0.025 0.05  0.025 0.   ]" in out
    final = float(re.search(r"^final loss: (\S+)$", out, re.M).group(1))
    assert final < 1e-3  # the noise floor is 1e-4
    assert len(re.findall(r"^peak .* final loss", out, re.M)) == 9
    # The same runs through sx.inject_hyperparams: the same losses, one compilation.
    swept = dict(re.findall(r"^(peak .* warmup \S+) .*final loss (\S+)$", out, re.M))
    injected = re.findall(r"^injected (peak .* warmup \S+) .*final loss (\S+)$", out, re.M)
    assert len(injected) == 3
    for config, value in injected:
        np.testing.assert_allclose(float(value), float(swept[config]), rtol=1e-2)
    assert "compilations of the injected step: 1" in out


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert f"```bash\n{command}\n```" in readme


# Each example's check, run by one test: with one test, one xdist worker runs the examples
# (a session fixture runs once per worker that asks for it: 8 s more when two do).
CHECKS = [
    _plateau_example_lowers_the_lr_when_the_loss_stalls,
    _one_cycle_sgd_example_uses_torchs_lr_and_momentum_and_the_weight_decay,
    _learn_schedule_example_lowers_the_validation_loss,
    _sweep_example_is_one_batched_call,
    _torch_migration_example_agrees_with_the_native_spelling,
    _nano_optax_solver_example_converges_with_every_kind_of_lr,
    _plot_example_writes_a_png,
    _quickstart_trains_and_sweeps,
]


def test_each_example_prints_what_it_claims(printed):
    for check in CHECKS:
        check(printed)
