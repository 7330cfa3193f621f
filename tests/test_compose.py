"""Compositions beyond tests/cases.py's contract: how they read (repr), where numbers come from
(numpy and JAX scalars, `sum`), integer steps to user functions, configs and the CLI, and the
errors. Values are checked against numpy closed forms written here."""

from __future__ import annotations

import operator

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import pytest

import schedax as sx
from schedax._cli import main

A = sx.linear_schedule(0.0, 1.0, 10)
B = sx.cosine_decay(0.1, 100)
TA, TB = "linear_schedule(init=0.0, end=1.0, steps=10)", "cosine_decay(init=0.1, decay_steps=100)"


@pytest.mark.parametrize(
    "schedule, text",
    [
        (0.5 * B, f"0.5 * {TB}"),
        (B + 1e-5, f"{TB} + 1e-05"),
        (1 - B, f"1.0 - {TB}"),
        (A - (B - A), f"{TA} - ({TB} - {TA})"),
        ((A - B) - A, f"{TA} - {TB} - {TA}"),
        ((A + B) * 2, f"({TA} + {TB}) * 2.0"),
        (A / (B * 2), f"{TA} / ({TB} * 2.0)"),
        (-(A * B), f"-({TA} * {TB})"),
        (A * -B, f"{TA} * -{TB}"),
        (sx.maximum(A * B, 1e-3), f"maximum(a={TA} * {TB}, b=0.001)"),
        (sx.clip(B, hi=0.05), f"clip(schedule={TB}, hi=0.05)"),
        (sx.repeat(B, 50, 0.5), f"repeat(schedule={TB}, period=50, decay=0.5)"),
        (sx.cooldown(B, 80, 10), f"cooldown(schedule={TB}, start=80, length=10)"),
    ],
)
def test_a_composition_reads_as_it_was_written(schedule, text):
    assert repr(schedule) == text


def test_numbers_of_any_kind_and_sum_compose():
    steps = np.arange(0, 120, 7)
    cosine = 0.1 * 0.5 * (1 + np.cos(np.pi * np.minimum(steps, 100) / 100))
    built = [np.float32(2) * B, jnp.float32(2) * B, B * np.int64(2), 2 * B, sum([B, B])]
    for schedule in built:
        assert isinstance(schedule, sx.Schedule) and schedule.dtype == jnp.float32
    outs = jax.jit(lambda ss: [s(steps) for s in ss])(built)  # one program for all five
    for out in outs:
        np.testing.assert_allclose(out, 2 * cosine, rtol=1e-6, atol=1e-9)
    # An explicit precision is kept, as for any hyperparameter.
    assert (jnp.bfloat16(2) * B).dtype == jnp.bfloat16


def test_one_program_for_a_structure_and_a_sweep_of_a_multiplier():
    traces = []

    @jax.jit
    def evaluate(schedule):
        traces.append(1)
        return schedule(jnp.arange(0, 100, 10))

    for k in (0.5, 2, 3.0):  # an int multiplier too: one leaf type
        evaluate(sx.maximum(k * A * B, 1e-3))
    assert len(traces) == 1
    sweep = sx.stack([k * B for k in (0.5, 1.0, 2.0)])
    out = jax.vmap(lambda s: s(jnp.int32(0)))(sweep)
    np.testing.assert_allclose(out, [0.05, 0.1, 0.2], rtol=1e-6)
    grad = jax.grad(lambda k: (k * B + sx.repeat(k * A, 20))(25))(0.5)
    np.testing.assert_allclose(grad, 0.1 * 0.5 * (1 + np.cos(np.pi * 25 / 100)) + 0.5, rtol=1e-6)


def test_user_functions_get_integer_steps_in_every_combinator():
    table = jnp.array([1.0, 0.5, 0.25])
    lookup = sx.lambda_lr(lambda step: table[jnp.minimum(step, 2)])  # indexes: needs integers
    steps = np.arange(10)
    expected = {
        "scaled": 2 * np.array([1.0, 0.5, 0.25, *[0.25] * 7]),
        "repeat": 0.5 ** (steps // 4) * np.array([1.0, 0.5, 0.25, 0.25] * 3)[:10],
        "cooldown": np.array([1.0, 0.5, 0.25, 0.25, 0.25, 0.125, 0.0, 0.0, 0.0, 0.0]),
    }
    built = {"scaled": 2 * lookup, "repeat": sx.repeat(lookup, 4, 0.5),
             "cooldown": sx.cooldown(lookup, 4, 2)}  # fmt: skip
    for name, out in jax.jit(lambda ss: {k: s(steps) for k, s in ss.items()})(built).items():
        np.testing.assert_allclose(out, expected[name], rtol=1e-6, err_msg=name)


def test_a_composition_in_a_config_file_the_cli_and_a_plot(tmp_path, capsys):
    lr = sx.cooldown(sx.maximum(sx.linear_schedule(0.0, 0.1, 10) * sx.cosine_decay(1.0, 90), 1e-3),
                     start=60, length=20, shape="1-sqrt")  # fmt: skip
    config = sx.to_config(lr)
    assert config["name"] == "cooldown" and config["schedule"]["a"]["name"] == "multiply"
    path = tmp_path / "lr.json"
    path.write_text(__import__("json").dumps(config))
    assert main(["table", str(path), "--steps", "100", "--every", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    steps, lrs = np.array([[float(x) for x in line.split("\t")] for line in lines]).T

    def base(t):
        return np.maximum(0.1 * np.minimum(t / 10, 1) * 0.5 * (1 + np.cos(np.pi * np.minimum(t, 90) / 90)), 1e-3)  # fmt: skip

    def expected(t):
        return np.where(t < 60, base(t), base(60) * (1 - np.sqrt(np.clip((t - 60) / 20, 0, 1))))

    np.testing.assert_allclose(lrs, expected(steps), rtol=1e-6, atol=1e-9)
    matplotlib.use("Agg")
    (line,) = sx.plot(lr, 100).lines  # labelled with the composition as written (shortened)
    np.testing.assert_allclose(line.get_ydata(), expected(np.arange(100.0)), rtol=1e-6, atol=1e-9)
    assert line.get_label().startswith("cooldown(schedule=maximum(a=linear_schedule(init=0.0")


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: "a" * B, TypeError, r"^multiply: a must be a schedax Schedule or a real number, got str 'a'$"),
        (lambda: B * None, TypeError, r"^multiply: b must be a schedax Schedule or a real number, got NoneType"),
        (lambda: 0.5 * sx.reduce_on_plateau(0.1), TypeError,
         r"^multiply: b is stateful \(reduce_on_plateau\): its value depends on what it has observed"),
        (lambda: sx.reduce_on_plateau(0.1) + B, TypeError, r"^add: a is stateful"),
        (lambda: -sx.greedy_lr(0.1), TypeError, r"^negative: schedule is stateful \(greedy_lr\)"),
        (lambda: sx.repeat(sx.reduce_on_plateau(0.1), 10), TypeError, r"^repeat: schedule is stateful"),
        (lambda: B / 0, ValueError, r"^divide: b must be nonzero, got 0.0$"),
        (lambda: sx.minimum(1.0, 2), ValueError, r"^minimum: a and b are both numbers \(1.0, 2.0\); at least one must be a schedule$"),
        (lambda: sx.clip(B), ValueError, r"^clip: lo and hi are both None; give a floor, a ceiling or both$"),
        (lambda: sx.clip(B, 0.5, 0.1), ValueError, r"^clip: lo \(0.5\) must be <= hi \(0.1\)$"),
        (lambda: sx.repeat(B, -1), ValueError, r"^repeat: period must be > 0, got -1$"),
        (lambda: sx.repeat(B, 10, decay=-0.5), ValueError, r"^repeat: decay must be >= 0, got -0.5$"),
        (lambda: sx.cooldown(B, 10, 10, shape="exp"), ValueError,
         r"^cooldown: shape must be one of \('linear', 'cosine', '1-sqrt'\), got 'exp'$"),
        (lambda: sx.stack([B, B]) * 2, ValueError, r"^multiply: a is a stacked \(batched\) schedule"),
        (lambda: np.ones(2) * B, ValueError, r"^multiply: a must be a scalar, got shape \(2,\)$"),
        (lambda: sum([B] * 40), ValueError, r"^add: nests schedules deeper than 32 levels$"),
    ],
)  # fmt: skip
def test_bad_compositions_say_what_is_wrong(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv])
def test_stacked_compositions_must_share_a_structure(op):
    with pytest.raises(ValueError, match="^stack: schedules"):
        sx.stack([op(B, 2.0), op(2.0, B)])  # the number on the other side: another program
