"""Other libraries' argument orders and keywords on schedax's own names are never silent."""

from __future__ import annotations

import inspect
import math
import pathlib
import re
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import schedax as sx
from schedax.compat import keras as K
from schedax.compat import optax as O
from schedax.compat import timm as TM
from schedax.compat import torch as T
from schedax.compat import transformers as HF

ORDER = r"; the signature is {}\(.*\); for (optax|torch)'s order use schedax\.compat\."


@pytest.mark.parametrize(
    "make, name, arg",
    [
        # optax's (init, peak, warmup, decay_steps) read as (peak, warmup_steps, total, init)
        (lambda: sx.warmup_cosine_decay(0.0, 3e-4, 1000, 100000), "warmup_cosine_decay",
         "warmup_steps"),
        # optax's (init, transition_steps, rate) read as (init, rate, decay_steps)
        (lambda: sx.exponential_decay(0.1, 1000, 0.5), "exponential_decay", "decay_steps"),
        (lambda: sx.cosine_decay(1000, 3e-4), "cosine_decay", "decay_steps"),
        (lambda: sx.cosine_restarts(0.1, 0.5), "cosine_restarts", "period"),
        (lambda: sx.step_lr(0.1, 0.5), "step_lr", "step_size"),
    ],
)  # fmt: skip
def test_a_length_under_one_step_names_the_argument_and_the_signature(make, name, arg):
    with pytest.raises(ValueError, match=rf"^{name}: {arg} must be at least 1 step .*"
                       + ORDER.format(name)):  # fmt: skip
        make()


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: sx.cosine_decay(0.1, 1000, 0.1), "end equals init"),  # optax's alpha
        (lambda: sx.exponential_decay(0.1, 1000, 5), "decay_rate is 1000"),
        (lambda: sx.polynomial_decay(0.1, 0.0, 2, 1000), "power is 1000"),
    ],
)
def test_numbers_in_another_librarys_order_warn_with_the_signature(make, match):
    with pytest.warns(UserWarning, match=match + ".*the signature is") as record:
        make()
    assert record[0].filename == __file__  # at the user's line


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: sx.cosine_decay(init_value=0.1, decay_steps=100),
         r"^cosine_decay: init_value is another library's name; schedax's is init: "
         r"cosine_decay\(init, decay_steps, end=0\.0, "),
        (lambda: sx.cosine_decay(0.1, 100, alpha=0.1),
         r"^cosine_decay: alpha is another library.s fraction .* \(end = init \* alpha\)"),
        (lambda: sx.warmup_cosine_decay(peak_value=1.0, warmup_steps=1, total_steps=9),
         r"^warmup_cosine_decay: peak_value .* schedax's is peak"),
        (lambda: sx.exponential_decay(0.1, 0.5, transition_steps=10),
         r"^exponential_decay: transition_steps .* schedax's is decay_steps"),
        (lambda: sx.step_lr(0.1, 10, decay_rate=0.5),
         r"^step_lr: decay_rate .* schedax's is gamma: .* schedax\.compat\.torch\.StepLR$"),
        (lambda: sx.cosine_decay(0.1, 100, typo=1),
         r"^cosine_decay: got an unexpected keyword argument 'typo'; the signature is "),
        (lambda: sx.linear_schedule(0.1, 0.0, 10, 1),
         r"^linear_schedule: too many positional arguments; the signature is "
         r"linear_schedule\(init, end, steps\); for optax's order"),
        (lambda: sx.cosine_decay(), r"^cosine_decay: missing a required argument: 'init'; "),
    ],
)  # fmt: skip
def test_foreign_keywords_and_bad_calls_show_schedaxs_signature(make, match):
    with pytest.raises(TypeError, match=match):
        make()


def test_compat_names_keep_their_librarys_meaning_without_a_word():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        O.cosine_decay_schedule(0.1, 0.5)  # optax accepts a fractional length
        O.exponential_decay(0.1, 1000, 5.0)
        T.StepLR(0.1, 2)
        sx.cosine_decay(0.1, 1000, 0.0)  # schedax's own order: nothing to say
        sx.warmup_cosine_decay(1.0, 0, 100)
    with pytest.raises(TypeError, match=r"^StepLR: got an unexpected keyword argument 'x'; "
                       r"the signature is StepLR\(lr, step_size, gamma=0\.1\)$"):  # fmt: skip
        T.StepLR(0.1, 2, x=1)


# ----------------------------------------------------------------------------- measured defects


def test_keras_cosine_decay_sums_steps_without_wrapping():
    # Keras accepts a decay of 2**31 - 1 steps after a warmup; int32 arithmetic wrapped it.
    lr = K.CosineDecay(0.0, 2**31 - 1, warmup_target=1.0, warmup_steps=10)
    np.testing.assert_allclose(np.asarray(lr(jnp.array([5, 10]))), [0.5, 1.0], rtol=1e-6)


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: K.CosineDecay(initial_learning_rate=np.int64(2**33 + 7), decay_steps=100)(0),
         float(2**33 + 7)),
        (lambda: T.MultiStepLR(0.1, [10, 20], gamma=np.int64(2**33 + 7))(30),
         0.1 * float(2**33 + 7) ** 2),
        (lambda: TM.MultiStepLRScheduler(1.0, [10, 20], decay_rate=np.int64(2**33 + 7))(30),
         float(2**33 + 7) ** 2),
        (lambda: T.PolynomialLR(np.int64(2**33 + 7), total_iters=0)(3), float(2**33 + 7)),
    ],
)  # fmt: skip
def test_numpy_integers_past_int32_do_not_wrap(make, expected):
    np.testing.assert_allclose(float(make()), expected, rtol=1e-6)


def test_timm_plateau_with_a_negative_warmup_starts_from_warmup_lr_init():
    # timm: `if self.warmup_t:` is true for -2, so the lr is set to warmup_lr_init, and no epoch
    # is <= warmup_t afterwards: a plateau from 0.01 (the other timm schedulers reject it).
    with pytest.warns(FutureWarning):
        plateau = TM.PlateauLRScheduler(0.5, warmup_t=-2, warmup_lr_init=0.01, patience_t=0,
                                        mode="min", decay_rate=0.1)  # fmt: skip
    state, out = plateau.init(), []
    for epoch in range(3):
        lr, state = plateau(epoch, state)
        out.append(float(lr))
        state = plateau.observe(state, 1.0)
    np.testing.assert_allclose(out, [0.01, 0.01, 0.001], rtol=1e-6)


@pytest.mark.parametrize("mode, metric", [("min", -1.0), ("max", 1.0), ("min", 3.0)])
def test_a_tiny_relative_threshold_counts_a_repeated_metric_as_torch_does(mode, metric):
    # torch (float64): -1 < -1 * (1 - 1e-8) is True, so a repeated metric is an improvement and
    # the lr stays; float32's 1 - 1e-8 == 1 made it a plateau. (For metric 3.0, min mode, the
    # repeated value is no improvement in float64 either: the lr halves.)
    p = T.ReduceLROnPlateau(1.0, mode=mode, threshold=1e-8, patience=0, factor=0.5)
    state, out = p.init(), []
    for _ in range(3):
        state = p.observe(state, metric)
        out.append(float(p(0, state)[0]))
    best, improving = np.float64(metric), []
    for _ in range(2):
        improving.append(
            metric < best * (1 - 1e-8) if mode == "min" else metric > best * (1 + 1e-8)
        )
    expected = [1.0] + [1.0 if ok else 0.5 ** (i + 1) for i, ok in enumerate(improving)]
    np.testing.assert_allclose(out, expected)


def test_timm_noise_is_a_standard_normal_within_noise_pct_whatever_noise_std():
    # timm stores noise_std and never reads it: its noise is randn redrawn until |n| < pct.
    # The standard deviation of a standard normal truncated to (-a, a), in closed form:
    a = 0.67
    pdf, mass = math.exp(-(a**2) / 2) / math.sqrt(2 * math.pi), math.erf(a / math.sqrt(2))
    expected_std = math.sqrt(1 - 2 * a * pdf / mass)
    for std in (0.25, 1.0):
        lr = TM.CosineLRScheduler(1.0, 10**6, noise_range_t=0, noise_pct=a, noise_std=std)
        clean = TM.CosineLRScheduler(1.0, 10**6)
        steps = jnp.arange(20_000)
        noise = np.asarray(lr(steps), np.float64) / np.asarray(clean(steps), np.float64) - 1
        assert abs(noise.std() - expected_std) < 0.01, (std, noise.std(), expected_std)


# ----------------------------------------------------------------------------- reliability


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: T.SequentialLR([], [10]), ValueError, r"^SequentialLR: schedulers must hold"),
        (lambda: sx.from_config({"name": "learning_rate_scheduler", "init": 0.1, "schedule":
                                 {"name": "cosine_decay", "init": 0.1, "decay_steps": 10}}),
         TypeError, r"^learning_rate_scheduler: schedule must be a callable \(epoch, lr\)"),
        (lambda: sx.tanh_decay(0.1, 100, lower=5.0, upper=-5.0), ValueError,
         r"^tanh_decay: lower must be < upper, got lower=5.0, upper=-5.0$"),
        (lambda: TM.TanhLRScheduler(0.1, 100, lb=np.int8(5), ub=3.0), ValueError,
         r"^TanhLRScheduler: lb must be < ub"),
        (lambda: TM.CosineLRScheduler(0.1, 100, cycle_limit=None), TypeError,  # timm: '<' fails
         r"^CosineLRScheduler: cycle_limit must be a real number, got NoneType"),
        (lambda: TM.create_scheduler_v2(0.1, "cosine", cooldown_epochs=math.nan), ValueError,
         r"^create_scheduler_v2: cooldown_epochs must be finite"),
        (lambda: TM.create_scheduler_v2(0.1, "cosine", num_epochs=-5), ValueError,
         r"^create_scheduler_v2: num_epochs must be > 0, got -5$"),
        (lambda: TM.create_scheduler_v2(0.1, "cosine", min_lr=-1.0), ValueError,
         r"^create_scheduler_v2: min_lr must be >= 0"),
        (lambda: sx.current_hyperparams(5), TypeError, r"^current_hyperparams: opt_state must"),
        (lambda: sx.current_hyperparams(None), TypeError, r"^current_hyperparams: opt_state"),
        (lambda: sx.current_hyperparams(optax.sgd(0.1)), TypeError, r"got GradientTransform"),
        (lambda: sx.current_hyperparams(sx.constant_lr(0.1)), TypeError, r"got constant_lr$"),
        (lambda: HF.get_scheduler("cosine", 0.1, 10, 100, [("num_cycles", 1)]), TypeError,
         r"^get_scheduler: scheduler_specific_kwargs must be a dict"),
        (lambda: HF.get_scheduler("cosine", 0.1, 10, 100, {"nope": 1}), TypeError,
         r"^get_scheduler: scheduler_specific_kwargs has \['nope'\], which "
         r"get_cosine_schedule_with_warmup does not take"),
        (lambda: HF.get_scheduler("xyz", 0.1), ValueError, r"^get_scheduler: name 'xyz' is not"),
        (lambda: HF.get_scheduler("cosine", 0.1, 10, 100, {"num_cycles": math.nan}), ValueError,
         r"^get_scheduler: scheduler_specific_kwargs\['num_cycles'\] must be finite"),
        (lambda: HF.get_scheduler("linear", 0.1, -1, 100), ValueError,
         r"^get_scheduler: num_warmup_steps must be >= 0"),
        (lambda: HF.get_reduce_on_plateau_schedule(0.1, factor=2.0), ValueError,
         r"^get_reduce_on_plateau_schedule: factor must be in \[0, 1\)"),
        (lambda: HF.get_greedy_schedule(0.1, factor=2.0), ValueError,
         r"^get_greedy_schedule: factor must be in \(0, 1\)"),
        (lambda: O.linear_onecycle_schedule(100, 0.1, div_factor=0), ValueError,
         r"^linear_onecycle_schedule: div_factor must be > 0"),  # optax: ZeroDivisionError
        (lambda: O.cosine_onecycle_schedule(100, 0.1, final_div_factor=0.0), ValueError,
         r"^cosine_onecycle_schedule: final_div_factor must be > 0"),
        (lambda: O.linear_onecycle_schedule(100, 0.1, div_factor=-1.0), ValueError,
         r"^linear_onecycle_schedule: div_factor must be > 0"),  # optax: negative scales
        (lambda: T.OneCycleLR(0.1, 100, cycle_momentum="False"), TypeError,
         r"^OneCycleLR: cycle_momentum must be a bool"),  # torch: a truthy string
        (lambda: T.CyclicLR(0.01, 0.1, gamma="0.1"), TypeError,
         r"^CyclicLR: gamma must be a real number, got str"),
        (lambda: T.OneCycleLR(0.1, 100, anneal_strategy="nope"), ValueError,
         r"^OneCycleLR: anneal_strategy must be one of"),
        (lambda: TM.MultiStepLRScheduler(0.1, [10, 20], decay_rate=-0.5), ValueError,
         r"^MultiStepLRScheduler: decay_rate must be >= 0"),  # a restriction of the migration guide
    ],
)  # fmt: skip
def test_bad_input_names_the_function_called_and_its_argument(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_numpy_scalars_take_the_path_of_the_numbers_they_hold():
    # np.int8(5) * 100 wraps: a compat function gets the rule's array for a numpy scalar.
    a = O.linear_onecycle_schedule(100, 0.1, pct_start=np.int8(1))
    b = O.linear_onecycle_schedule(100, 0.1, pct_start=1)
    steps = jnp.arange(0, 120, 7)
    np.testing.assert_allclose(np.asarray(a(steps)), np.asarray(b(steps)), rtol=1e-6)
    np.testing.assert_allclose(float(HF.get_inverse_sqrt_schedule(1.0, np.int8(5))(4)), 0.8)


@pytest.mark.parametrize("count", [2.0, np.float64(2.0)])
def test_whole_float_counts_are_counts(count):
    # patience=2.0 is torch's, Keras's and transformers' patience 2; 2.5 stays refused.
    a, b = sx.reduce_on_plateau(0.1, patience=count), sx.reduce_on_plateau(0.1, patience=2)
    assert a.patience.dtype == b.patience.dtype and int(a.patience) == 2
    with pytest.raises(TypeError, match=r"^reduce_on_plateau: patience must be a whole number"):
        sx.reduce_on_plateau(0.1, patience=2.5)


@pytest.mark.parametrize(
    "make",
    [
        lambda: sx.reduce_on_plateau(0.1),
        lambda: sx.greedy_lr(0.1),
        lambda: sx.learning_rate_scheduler(lambda epoch, lr: lr * 0.9, 0.1),
    ],
)
def test_a_nan_step_gives_a_nan_lr_and_keeps_the_state_as_stateless_schedules_do(make):
    schedule = make()
    state = schedule.init()
    for f in (schedule, jax.jit(schedule)):
        lr, kept = f(jnp.float32(jnp.nan), state)
        assert np.isnan(float(lr))
        assert jax.tree.all(jax.tree.map(lambda a, b: bool(jnp.all(a == b)), kept, state))
    assert np.isnan(float(sx.cosine_decay(0.1, 10)(jnp.nan)))  # the stateless rule


def test_schedules_build_and_run_under_disable_jit():
    # jax.disable_jit() (a debugging session) returned the host numbers a constructor puts on
    # the device as numpy scalars, and a join of them failed on `.weak_type`.
    with jax.disable_jit():
        join = sx.join_schedules([sx.linear_schedule(0.0, 1.0, 10), sx.cosine_decay(1.0, 20)], [10])
        np.testing.assert_allclose(np.asarray(join(jnp.array([0, 5, 10, 30]))), [0, 0.5, 1, 0])
        plateau = sx.reduce_on_plateau(0.1)
        assert float(plateau(3, plateau.init())[0]) == np.float32(0.1)


# ----------------------------------------------------------------------------- configs


def test_load_config_reads_files_and_text_as_the_cli_does(tmp_path):
    yaml_file, json_file = tmp_path / "lr.yaml", tmp_path / "lr.json"
    yaml_file.write_text(
        "name: warmup_cosine_decay\npeak: 3e-4\nwarmup_steps: 10\ntotal_steps: 100\n"
    )
    json_file.write_text('{"name": "warmup_cosine_decay", "peak": 3e-4, "warmup_steps": 10, '
                         '"total_steps": 100}')  # fmt: skip
    expected = sx.warmup_cosine_decay(3e-4, 10, 100)
    steps = jnp.arange(0, 120, 7)
    for source in (yaml_file, str(yaml_file), json_file, json_file.read_text()):
        np.testing.assert_array_equal(np.asarray(sx.load_config(source)(steps)), expected(steps))
    with pytest.raises(ValueError, match=r"^load_config: config 'nope.yaml' is neither a file"):
        sx.load_config("nope.yaml")
    with pytest.raises(ValueError, match=r"^load_config: cannot parse the config as JSON"):
        sx.load_config('{"name": ')


def test_a_number_read_as_text_says_how_to_load_yaml():
    import yaml  # a test dependency

    config = yaml.safe_load("name: cosine_decay\ninit: 3e-4\ndecay_steps: 100\n")
    assert config["init"] == "3e-4"  # YAML 1.1
    with pytest.raises(TypeError, match=r"^cosine_decay: init must be a real number, got str "
                       r"'3e-4'; a number as text, .* schedax\.load_config"):  # fmt: skip
        sx.from_config(config)
    with pytest.raises(TypeError, match=r"^from_config: config must be a dict, got str; read "
                       r"a config file or text with schedax\.load_config$"):  # fmt: skip
        sx.from_config("lr.yaml")


# ----------------------------------------------------------------------------- docs


def test_the_schedules_table_shows_each_signature_whole():
    # Its inverse_sqrt row had left out timescale: each row's arguments are the constructor's,
    # in order, with the same defaults.
    page = (pathlib.Path(__file__).parents[1] / "docs" / "schedules.md").read_text()
    table = page.split("## The curves", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| `(\w+)\((.*?)\)` \|", table, re.M)
    assert len(rows) >= 20
    for name, written in rows:
        parameters = inspect.signature(getattr(sx, name)).parameters.values()
        shown = [p.replace(annotation=p.empty) for p in parameters]
        expected = str(inspect.Signature(shown))[1:-1].replace("'", '"')
        assert written == expected, name


def test_a_zero_decay_rate_does_what_the_docs_say():
    # exponential_decay's docstring: init at step 0, then 0; with staircase, after the first
    # period. Keras's ExponentialDecay takes 0 as Keras does.
    steps = jnp.arange(6)
    np.testing.assert_array_equal(sx.exponential_decay(1.0, 0.0, 4)(steps), [1, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(sx.exponential_decay(1.0, 0.0, 4, staircase=True)(steps),
                                  [1, 1, 1, 1, 0, 0])  # fmt: skip
    np.testing.assert_array_equal(K.ExponentialDecay(1.0, 4, 0.0)(steps), [1, 0, 0, 0, 0, 0])
