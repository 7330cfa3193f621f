"""The calls of issue 11, one test each: values right at the edges, bad input a clear error.

Each test names the item it reproduces. Expected values are numpy closed forms or the
library's documented behaviour, never schedax's own output.
"""

from __future__ import annotations

import json
import math
import time
import tracemalloc
import weakref

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import schedax as sx
import schedax._eager as base
from schedax._cli import main
from schedax.compat import keras as K
from schedax.compat import torch as T

# ----------------------------------------------------------------------------- wrong values


def test_01_exponential_does_not_overflow_before_the_multiply():
    # torch: lr * gamma**t computed step by step in float64.
    np.testing.assert_allclose(T.ExponentialLR(1e-8, gamma=1.5)(219), 1e-8 * 1.5**219, rtol=1e-5)
    assert float(T.ExponentialLR(0.0, gamma=2.0)(128)) == 0.0
    grads = jax.jit(jax.grad(lambda r: sx.exponential_decay(0.0, r)(219.0)))(2.0)
    assert np.isfinite(grads)


def test_02_a_restart_past_2_24_lands_on_its_step_in_float32():
    s = T.CosineAnnealingWarmRestarts(1.0, T_0=3, T_mult=2)
    # Cycle 22 runs from 3 * (2**22 - 1) to 3 * (2**23 - 1) = 25165821: step 25165820 is its
    # last step, whose value is (1 + cos(pi * (L - 1) / L)) / 2 with L = 3 * 2**22.
    length = 3 * 2**22
    expected = (1 + math.cos(math.pi * (length - 1) / length)) / 2
    for f in (s, jax.jit(lambda t: s(t))):
        values = np.asarray(f(jnp.array([25165820, 25165822])))
        np.testing.assert_allclose(values[0], expected, rtol=0.1, atol=1e-15)
        assert values[1] == 1.0  # the restart, one float32 step later


def test_03_keras_plateau_takes_a_nan_first_value_as_the_best():
    # Keras 3.15: best is None before the first value, so NaN becomes the best; nothing
    # compares better than NaN afterwards, so it cuts every `patience` epochs.
    sched = K.ReduceLROnPlateau(1.0, factor=0.5, patience=2)
    state, lrs = sched.init(), []
    for value in [float("nan"), 1.0, 1.0, 1.0, 1.0]:
        state = sched.observe(state, value)
        lrs.append(float(sched(0, state)[0]))
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.25]


def test_04_sequential_lr_restarts_constant_lr_at_its_milestone():
    lr = T.SequentialLR([T.LinearLR(1, 1, 1, 1), T.ConstantLR(1, 0.5, 0)], [1])
    np.testing.assert_array_equal(lr(jnp.arange(4)), [1.0, 1.0, 1.0, 1.0])  # torch 2.13
    np.testing.assert_array_equal(T.ConstantLR(1, 0.5, 0)(jnp.arange(3)), [0.5, 0.5, 0.5])


@pytest.mark.parametrize(
    "make",
    [
        lambda: T.ConstantLR(1, 0.5, total_iters=2.5),
        lambda: T.StepLR(1, 2.5, 0.5),
        lambda: T.LinearLR(1, 0.5, 1.0, total_iters=2.5),
        lambda: T.PolynomialLR(1, total_iters=2.5),
        lambda: T.OneCycleLR(0.1, epochs=10.5, steps_per_epoch=3),
    ],
)
def test_05_fractional_lengths_are_refused(make):
    with pytest.raises(
        (ValueError, TypeError),
        match=r"must be (a whole number of steps|a whole number|an integer)",
    ):
        make()


def test_06_numpy_integers_beyond_int32_do_not_wrap():
    assert float(sx.constant_lr(np.int64(2**33 + 7))(0)) == np.float32(2**33 + 7)
    lr = sx.cosine_decay(0.1, np.uint64(2**32 + 5))
    np.testing.assert_allclose(lr(2**20), 0.05 * (1 + math.cos(math.pi * 2**20 / (2**32 + 5))))
    assert float(sx.cosine_decay(1.0, 2**31 - 1)(np.int64(2**32 + 100))) == 0.0


@pytest.mark.parametrize(
    "make",
    [
        lambda b: sx.piecewise_constant([1], [1.0, 2.0], inclusive=b),
        lambda b: sx.exponential_decay(1.0, 0.5, 2, staircase=b),
        lambda b: sx.one_cycle(1.0, 10, three_phase=b),
        lambda b: sx.polynomial_decay(1.0, 0.0, 10, cycle=b),
        lambda b: sx.plot(sx.constant_lr(0.1), 3, log=b),
    ],
)
@pytest.mark.parametrize("flag", ["False", None, 2, [True]])
def test_07_flags_are_bools(make, flag):
    with pytest.raises(TypeError, match=r"must be a bool"):
        make(flag)


def test_08_keras_exponential_decay_takes_a_zero_rate_and_refuses_a_negative_one():
    # Keras: init * 0**(step / decay_steps): init at step 0, then 0; with staircase 0**floor().
    np.testing.assert_array_equal(K.ExponentialDecay(1.0, 2, 0.0)(jnp.arange(4)), [1, 0, 0, 0])
    np.testing.assert_array_equal(
        K.ExponentialDecay(1.0, 2, 0.0, True)(jnp.arange(4)), [1, 1, 0, 0]
    )
    for staircase in (False, True):
        with pytest.raises(ValueError, match=r"^ExponentialDecay: decay_rate must be >= 0"):
            K.ExponentialDecay(1.0, 2, -0.5, staircase)


def test_09_gradients_stay_finite_at_degenerate_lengths():
    steps = jnp.array([0.0, 50.0, 100.0, 150.0])
    # warmup == total: a decay of 0 steps; every hyperparameter and the step.
    grad = jax.grad(lambda a, t: sx.warmup_cosine_decay(*a)(t), argnums=(0, 1))
    wcd = jax.jit(jax.vmap(grad, (None, 0)))
    assert all(np.all(np.isfinite(g)) for g in jax.tree.leaves(wcd((0.1, 100.0, 100.0), steps)))
    values = jax.jit(lambda q: sx.cosine_restarts(0.1, q, 2.0)(jnp.arange(3)))(0.0)
    assert np.all(np.isfinite(values))

    def restarts(q, m):  # a zero period and a zero peak factor, torch's and Keras's spellings
        return (sx.cosine_restarts(0.1, q, 2.0, m)(7.0) + T.CosineAnnealingWarmRestarts(0.1, 3, 2)(7.0) * q
                + K.CosineDecayRestarts(0.1, q, 2.0, m)(7.0))  # fmt: skip

    assert all(np.isfinite(jax.jit(jax.grad(restarts, argnums=(0, 1)))(0.0, 0.0)))


def test_10_non_finite_steps_and_values():
    for s in (
        sx.polynomial_decay(1.0, 0.0, 10),
        sx.cyclic(0.0, 1.0, 5),
        sx.cosine_restarts(1.0, 5, 2.0),
    ):
        assert np.isnan(s(jnp.nan))
        assert np.isfinite(s(jnp.inf))
    with pytest.raises(
        TypeError, match=r"^constant_lr: lr must be a real number, got dtype complex"
    ):
        sx.constant_lr(np.array(1 + 2j))
    with pytest.raises(TypeError, match=r"^constant_lr: lr must be a real number"):
        sx.constant_lr(np.array(True))
    with pytest.raises(ValueError, match=r"^as_schedule: lr\[0\] must be finite, got nan$"):
        sx.as_schedule(np.array([np.nan, 0.1]))
    sched = sx.reduce_on_plateau(0.1)
    with pytest.raises(TypeError, match=r"^reduce_on_plateau.observe: value must be a real number"):
        sched.observe(sched.init(), 1 + 1j)


def test_11_configs_keep_bf16_and_f16():
    for dtype in (jnp.bfloat16, jnp.float16):
        s = sx.cosine_decay(jnp.asarray(0.1, dtype), 10)
        back = sx.from_config(json.loads(json.dumps(sx.to_config(s))))
        assert back.dtype == dtype and back.init.dtype == dtype
        np.testing.assert_array_equal(back(jnp.arange(12)), s(jnp.arange(12)))


def test_12_epoch_schedules_at_the_last_int32_step():
    sched = T.MultiplicativeLR(1.0, lambda epoch: 0.5)
    # An eager jump of 2**31 epochs is refused with a sentence, not run for minutes.
    with pytest.raises(ValueError, match=r"epochs past the state's epoch -1; catching up"):
        sched(2**31 - 1, sched.init())
    # Inside jit the bound no longer overflows: the epoch is applied.
    lr_scheduler = sx.learning_rate_scheduler(lambda e, lr: lr * 0.5, 1.0, steps_per_epoch=2**30)
    state = lr_scheduler.init()
    lr, state = jax.jit(lr_scheduler)(2**31 - 1, state)
    assert float(lr) == 0.25 and int(state.epoch) == 1  # epochs 0 and 1: 1.0 * 0.5 * 0.5


# ----------------------------------------------------------------------------- valid input


def test_13_cyclic_lr_ignores_what_torch_ignores():
    t = np.arange(12)
    lr = T.CyclicLR(0.01, 0.1, step_size_up=5, mode="exp_range", gamma=0.99)
    wave = 1 - np.abs(t / 5 - 1 - 2 * np.floor(t / 10))
    np.testing.assert_allclose(lr(t), 0.01 + 0.09 * wave * 0.99**t, rtol=1e-5)
    np.testing.assert_allclose(T.CyclicLR(0.01, 0.1, 5, mode="triangular", gamma=0.0)(t),
                               0.01 + 0.09 * wave, rtol=1e-5)  # fmt: skip
    np.testing.assert_allclose(T.MultiStepLR(0.1, np.array([20, 10]))(np.array([9, 10, 20])),
                               [0.1, 0.01, 0.001], rtol=1e-5)  # fmt: skip


def test_14_one_cycle_with_a_phase_before_step_0():
    # torch: phase 1 ends at 0.05 * 10 - 1 = -0.5, so step t anneals from (-0.5) to 9.
    lr = T.OneCycleLR(max_lr=0.1, total_steps=10, pct_start=0.05)
    t = np.arange(10)
    pct = (t + 0.5) / 9.5
    expected = 0.1 / 25 / 1e4 + (0.1 - 0.1 / 25 / 1e4) * (1 + np.cos(np.pi * pct)) / 2
    np.testing.assert_allclose(lr(t), expected, rtol=1e-5)


def test_15_lengths_of_2_31_and_more():
    np.testing.assert_allclose(sx.cosine_decay(1000.0, 10**10)(10**9), 975.5283, rtol=1e-6)
    assert float(sx.warmup_cosine_decay(0.1, 10, 3 * 10**9)(5)) == pytest.approx(0.05)
    np.testing.assert_allclose(T.MultiStepLR(0.1, milestones=[3 * 10**9])(np.array([0, 2**31 - 1])),
                               [0.1, 0.1], rtol=1e-6)  # fmt: skip


def test_16_yaml_reads_3e_4_as_a_float(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text("name: cosine_decay\ninit: 3e-4\ndecay_steps: 1e3\n")
    assert main(["table", str(path), "--steps", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "0\t0.000300000014"


def test_17_user_functions_get_integer_steps():
    table = jnp.array([0.3, 0.2, 0.1])
    np.testing.assert_allclose(sx.lambda_lr(lambda t: table[t])(jnp.arange(3)), table)


def test_18_a_join_of_one_callable_has_the_step_shape():
    assert sx.join_schedules([lambda t: 0.1], [])(jnp.arange(5)).shape == (5,)


# ----------------------------------------------------------------------------- resources


def _fails_in_one_line(args, message, capsys):
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and message in err, err


def test_19_a_string_length_is_refused_before_it_is_multiplied(capsys):
    config = {"name": "torch.OneCycleLR", "max_lr": 0.1, "epochs": "3", "steps_per_epoch": 10**9}
    _fails_in_one_line(["table", json.dumps(config), "--steps", "3"],
                       "OneCycleLR: epochs must be a real number, got str '3'", capsys)  # fmt: skip


def test_20_a_yaml_alias_bomb_is_refused_quickly_and_small(tmp_path, capsys):
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join([*lines, "name: piecewise_constant", "boundaries: *i", ""]))
    assert path.stat().st_size < 600
    tracemalloc.start()
    start = time.perf_counter()
    _fails_in_one_line(
        ["table", str(path), "--steps", "3"], "holds more than 200000 values", capsys
    )
    seconds, peak = time.perf_counter() - start, tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 5 and peak < 100e6  # (generous: the limit is 1 s and 100 MB)


def test_21_ten_thousand_boundaries():
    start = time.perf_counter()
    lr = sx.piecewise_constant(list(range(10000)), [0.1] * 10001)
    assert time.perf_counter() - start < 5  # was 19-29 s
    assert lr.boundaries.shape == (10000,)


def test_22_the_eager_cache_is_bounded_and_lets_old_user_functions_go(monkeypatch):
    monkeypatch.setattr(base, "EAGER_CACHE_SIZE", 2)
    for n in range(1, 6):  # five shapes: five programs, two kept
        sx.constant_lr(0.1)(jnp.zeros(n))
    assert len(base._COMPILED) <= 2

    def fn(t):
        return 0.1

    ref = weakref.ref(fn)
    sx.lambda_lr(fn)(jnp.zeros(7))
    for n in range(8, 11):
        sx.constant_lr(0.1)(jnp.zeros(n))
    del fn
    import gc

    # Out of schedax's cache, the function is held by JAX's own bounded caches only (issue
    # 25: held strongly, so schedules with user functions can be returned from jit).
    jax.clear_caches()
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: K.ReduceLROnPlateau(0.1, monitor=5), TypeError, r"^ReduceLROnPlateau: monitor must be a metric name"),
        (lambda: K.ReduceLROnPlateau(0.1, monitor=None), TypeError, r"^ReduceLROnPlateau: monitor must be a metric name"),
        (lambda: sx.reduce_on_plateau(0.1)(0, {}), TypeError, r"^reduce_on_plateau: state must be this schedule's state"),
        (lambda: sx.reduce_on_plateau(0.1)(0, T.MultiplicativeLR(0.1, lambda e: 0.9).init()), TypeError,
         r"^reduce_on_plateau: state must be this schedule's state"),
        (lambda: sx.reduce_on_plateau(0.1).observe(sx.reduce_on_plateau(0.1).init(), jnp.ones(3)), ValueError,
         r"^reduce_on_plateau.observe: value must be a scalar \(a metric\), got shape \(3,\)$"),
        (lambda: sx.plot(sx.constant_lr(0.1), 3, labels={"a": 1}), TypeError, r"^plot: labels must be a list of str"),
        (lambda: sx.from_config({"name": None}), TypeError, r"^from_config: name must be a schedule name"),
        (lambda: sx.constant_lr("0.1"), TypeError, r"^constant_lr: lr must be a real number, got str"),
        (lambda: sx.constant_lr(__import__("decimal").Decimal("0.1")), TypeError, r"^constant_lr: lr must be a real number"),
        (lambda: sx.join_schedules([sx.reduce_on_plateau(0.1), sx.constant_lr(1.0)], [3]), TypeError,
         r"^join_schedules: schedules\[0\] is stateful"),
        (lambda: T.SequentialLR([T.ReduceLROnPlateau(0.1), T.ConstantLR(0.1)], [3]), TypeError,
         r"^SequentialLR: schedulers\[0\] is stateful"),
        (lambda: sx.join_schedules([sx.stack([sx.constant_lr(1.0)] * 2), sx.constant_lr(1.0)], [3]), ValueError,
         r"^join_schedules: schedules\[0\] is a stacked"),
        (lambda: sx.piecewise_constant([1], [[[[0.1]]], 0.2]), TypeError, r"^piecewise_constant: values must hold numbers, got list"),
    ],
)  # fmt: skip
def test_23_internal_errors_are_sentences(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_23_fractions_are_numbers_and_deep_joins_stop():
    assert float(sx.constant_lr(__import__("fractions").Fraction(1, 4))(0)) == 0.25
    lr = sx.constant_lr(0.1)
    with pytest.raises(ValueError, match=r"nests joins deeper than 32 levels"):
        for _ in range(300):  # 32 levels, then the error
            lr = sx.join_schedules([lr], [])
    deep = {"name": "constant_lr", "lr": 0.1}
    for _ in range(300):
        deep = {"name": "join_schedules", "schedules": [deep], "boundaries": []}
    with pytest.raises(
        ValueError, match=r"^from_config: the config is nested deeper than 48 levels$"
    ):
        sx.from_config(deep)


@pytest.mark.parametrize(
    "args, message",
    [
        (["table", "[" * 100000 + "]" * 100000, "--steps", "3"], "nested too deeply"),
        (["table", '{"lr": ' + "[" * 100000 + "]" * 100000 + "}", "--steps", "3"], "nested too deeply"),
        (["table", "x" * 5000, "--steps", "3"], "cannot read config"),
        (["table", "/proc/self/mem", "--steps", "3"], "cannot read config"),
        (["plot", '{"name": "constant_lr", "lr": 0.1}', "--steps", "3", "-o", "/nonexistent/x.png"], "does not exist"),
        (["plot", '{"name": "constant_lr", "lr": 0.1}', "--steps", "3", "-o", "lr.unknown"], "name the image with one of"),
        (["table", '{"name": "constant_lr", "lr": ' + "9" * 400 + "}", "--steps", "3"], "must be finite, got an integer of 400 digits"),
    ],
)  # fmt: skip
def test_24_the_cli_answers_in_one_line(args, message, capsys):
    _fails_in_one_line(args, message, capsys)


def test_24_plot_into_a_directory_and_argparse_values(tmp_path, capsys):
    _fails_in_one_line(["plot", '{"name": "constant_lr", "lr": 0.1}', "--steps", "3", "-o", str(tmp_path)],
                       "is a directory", capsys)  # fmt: skip
    for steps, message in (
        ("ten", "must be a whole number > 0, got 'ten'"),
        ("3000000000", "must be in [1, "),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(["table", '{"name": "constant_lr", "lr": 0.1}', "--steps", steps])
        assert exit_.value.code == 2 and message in capsys.readouterr().err


# ----------------------------------------------------------------------------- ports


def test_25_torch_habits_say_what_to_write():
    with pytest.raises(AttributeError, match=r"state = schedule.observe\(state, value\)"):
        T.ReduceLROnPlateau(0.1).step(1.0)
    with pytest.raises(AttributeError, match=r"lr = schedule\(step\)"):
        T.StepLR(0.1, 3).get_last_lr()

    class Optimizer:  # what torch's optimizers have
        param_groups = [{"lr": 0.1}]

    with pytest.raises(
        TypeError, match=r"pass the optimizer's learning rate as the first argument"
    ):
        T.OneCycleLR(Optimizer(), max_lr=0.1, total_steps=10)
    with pytest.raises(
        TypeError, match=r"pass the optimizer's learning rate as the first argument"
    ):
        T.StepLR(Optimizer(), 10)


def test_26_current_lr_on_a_flax_nnx_optimizer_is_a_jax_array():
    import optax
    from flax import nnx  # a test dependency; imported here to keep collection fast

    model = nnx.Linear(2, 1, rngs=nnx.Rngs(0))
    tx = optax.inject_hyperparams(optax.sgd)(learning_rate=sx.cosine_decay(0.1, 10))
    optimizer = nnx.Optimizer(model, tx, wrt=nnx.Param)
    lr = sx.current_lr(optimizer.opt_state)
    assert isinstance(lr, jax.Array) and f"{lr:.3e}" == "1.000e-01"
