"""The `schedax` command (once as a user runs it, in a subprocess; else `main()`), `sx.plot`."""

from __future__ import annotations

import json
import subprocess
import sys

import matplotlib
import matplotlib.image
import numpy as np
import pytest

import schedax as sx
from schedax._cli import main

matplotlib.use("Agg")

CONFIG = {"name": "warmup_cosine_decay", "peak": 0.001, "warmup_steps": 10, "total_steps": 100}


def schedax(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "schedax", *args], capture_output=True, text=True, timeout=300
    )


def test_table_from_inline_json_in_a_subprocess():
    done = schedax("table", json.dumps(CONFIG), "--steps", "100", "--every", "10")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "step\tlr" and len(lines) == 11
    steps, lrs = zip(*(map(float, line.split("\t")) for line in lines[1:]), strict=True)
    expected = np.asarray(sx.from_config(CONFIG)(np.asarray(steps, np.int32)))
    np.testing.assert_allclose(lrs, expected, rtol=1e-6)


def test_table_from_a_yaml_file(tmp_path, capsys):
    # In this process from here on (main() is what the command runs): a Python start is 2 s.
    path = tmp_path / "config.yaml"
    path.write_text("name: cosine_decay\ninit: 0.1\ndecay_steps: 4\n")
    assert main(["table", str(path), "--steps", "5"]) == 0
    lrs = [float(line.split("\t")[1]) for line in capsys.readouterr().out.splitlines()[1:]]
    np.testing.assert_allclose(
        lrs, 0.05 * (1 + np.cos(np.pi * np.minimum(np.arange(5), 4) / 4)), rtol=1e-6, atol=1e-9
    )


def test_plot_writes_a_real_png(tmp_path):
    out = tmp_path / "lr.png"
    assert main(["plot", json.dumps(CONFIG), "--steps", "100", "-o", str(out), "--log"]) == 0
    image = matplotlib.image.imread(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.ndim == 3 and image.shape[1] > 300
    assert image.std() > 0.05  # not a blank canvas


def test_list_names_every_schedule_with_defaults(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert (
        "cosine_decay(init, decay_steps, end=0.0, exponent=None, periodic=False, offset=0)" in out
    )
    assert "torch.OneCycleLR(max_lr, total_steps=None" in out
    assert "keras.CosineDecay(initial_learning_rate, decay_steps, alpha=0.0" in out
    assert "timm.CosineLRScheduler(lr, t_initial, lr_min=0.0, cycle_mul=1.0" in out
    assert "transformers.cosine(lr, num_warmup_steps, num_training_steps, num_cycles=0.5" in out
    assert "transformers.get_greedy_schedule(lr, **kwargs)" in out


@pytest.mark.parametrize(
    "config, message",
    [
        (
            '{"name": "cosine_decy", "init": 0.1, "decay_steps": 5}',
            "unknown schedule name 'cosine_decy'; did you mean 'cosine_decay'?",
        ),
        (
            '{"name": "cosine_decay", "init": 0.1, "decay_steps": 0}',
            "cosine_decay: decay_steps must be > 0, got 0",
        ),
        ('{"name": "cosine_decay", "init": 0.1,', "cannot parse the config as JSON"),
        ("missing.json", "config 'missing.json' is neither a file nor inline JSON"),
        ('{"name": "lambda_lr", "lr_lambda": 3}', "lambda_lr: lr_lambda must be a callable"),
    ],
)
def test_a_bad_config_is_one_line_and_status_2(config, message, capsys):
    # In this process (main() is what the command runs), to spare a Python start per case.
    assert main(["table", config, "--steps", "5"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("schedax: error: ") and message in err


def test_plot_function_returns_axes_with_every_schedule():
    lines = [sx.cosine_decay(0.1, 50), sx.reduce_on_plateau(0.05)]
    ax = sx.plot(lines, 60, labels=["cosine", "plateau"], log=True)
    assert [line.get_label() for line in ax.get_lines()] == ["cosine", "plateau"]
    np.testing.assert_allclose(
        ax.get_lines()[0].get_ydata(), sx.cosine_decay(0.1, 50)(np.arange(60)), rtol=1e-6
    )
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match=r"^plot: got 2 schedules but 1 labels$"):
        sx.plot(lines, 10, labels=["one"])


def test_plot_without_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # makes the import fail
    with pytest.raises(
        ImportError, match=r'^plot needs matplotlib: pip install "schedax\[plot\]"$'
    ):
        sx.plot(sx.cosine_decay(0.1, 10), 10)
