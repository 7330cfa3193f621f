"""Stateful schedules: Keras-style epochs, reduce-on-plateau, as_schedule, resume, vmap."""

from __future__ import annotations

import functools
import io
import json

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from cases import STRUCTURES
from conftest import KERAS_SCHEDULES, reference

import schedax as sx
from schedax.compat import keras as K
from schedax.compat import torch as T


def run(schedule: sx.StatefulSchedule, num_steps: int, metric=None, state=None, start=0):
    """lrs over `num_steps` steps in one jitted lax.scan, observing `metric[k]` before step k."""
    state = schedule.init() if state is None else state
    observations = jnp.zeros(num_steps) if metric is None else jnp.asarray(metric, jnp.float32)
    steps = jnp.arange(start, start + num_steps, dtype=jnp.int32)
    state, lrs = _scan(schedule, state, steps, observations, metric is not None)
    return np.asarray(lrs), state


@functools.partial(jax.jit, static_argnums=4)  # one compilation per kind of schedule and length
def _scan(schedule, state, steps, observations, observe: bool):
    def body(state, inputs):
        step, value = inputs
        if observe:
            state = schedule.observe(state, value)
        lr, state = schedule(step, state)
        return state, lr

    return jax.lax.scan(body, state, (steps, observations))


# ----------------------------------------------------------------------------- Keras epochs

_, KERAS_SCHEDULER_CASES = reference("keras_scheduler.json")


@pytest.mark.parametrize(
    "case", KERAS_SCHEDULER_CASES, ids=lambda c: f"{c['schedule']}-{c['init']}"
)
def test_learning_rate_scheduler_matches_keras(case):
    sched = sx.learning_rate_scheduler(KERAS_SCHEDULES[case["schedule"]], case["init"])
    lrs, _ = run(sched, len(case["lr"]))
    np.testing.assert_allclose(lrs, case["lr"], rtol=2e-6)


def test_keras_documentation_example():
    # lr stays 0.01 for epochs 0-9, then is multiplied by exp(-0.1) per epoch.
    sched = sx.learning_rate_scheduler(KERAS_SCHEDULES["keras_docs"], 0.01)
    lrs, _ = run(sched, 20)
    expected = 0.01 * np.exp(-0.1 * np.maximum(np.arange(20) - 9, 0))
    np.testing.assert_allclose(lrs, expected, rtol=2e-6)
    np.testing.assert_allclose(lrs[14], 0.0060653, rtol=1e-5)  # Keras prints 0.00607


def test_steps_per_epoch_holds_the_lr_within_an_epoch():
    per_epoch, _ = run(sx.learning_rate_scheduler(KERAS_SCHEDULES["ramp_then_halve"], 0.2), 12)
    per_step, _ = run(sx.learning_rate_scheduler(KERAS_SCHEDULES["ramp_then_halve"], 0.2, 5), 60)
    np.testing.assert_array_equal(per_step, np.repeat(per_epoch, 5))


def test_the_schedule_sees_traced_integer_epochs_and_the_previous_lr():
    seen = []

    def schedule(epoch, lr):
        seen.append((epoch.dtype, lr.dtype, isinstance(epoch, jax.core.Tracer)))
        return lr * 0.5

    sched = sx.learning_rate_scheduler(schedule, 1.0)
    lrs, _ = run(sched, 4)
    np.testing.assert_array_equal(lrs, [0.5, 0.25, 0.125, 0.0625])
    assert all(
        e in (jnp.int32, jnp.int64) and lr == jnp.float32 and traced for e, lr, traced in seen
    )


def test_skipped_epochs_are_applied_in_order():
    # Jumping from step 0 to step 7 applies epochs 1..7, as Keras would have one by one.
    sched = sx.learning_rate_scheduler(KERAS_SCHEDULES["ramp_then_halve"], 0.2)
    state = sched.init()
    _, state = sched(0, state)
    lr, _ = sched(7, state)
    np.testing.assert_allclose(lr, run(sched, 8)[0][7], rtol=1e-7)


# ----------------------------------------------------------------------------- plateau

TORCH_SOURCE, TORCH_PLATEAU_CASES = reference("torch_plateau.json")
KERAS_SOURCE, KERAS_PLATEAU_CASES = reference("keras_plateau.json")


@pytest.mark.parametrize("case", TORCH_PLATEAU_CASES, ids=lambda c: json.dumps(c["kwargs"]))
def test_reduce_on_plateau_matches_torch(case):
    sched = sx.reduce_on_plateau(case["init"], **case["kwargs"])
    lrs, _ = run(sched, len(case["metric"]), metric=case["metric"])
    np.testing.assert_allclose(lrs, case["lr"], rtol=2e-5, err_msg=TORCH_SOURCE)
    assert len(set(case["lr"])) > 3  # the sequence really reduces, several times


@pytest.mark.parametrize("case", KERAS_PLATEAU_CASES, ids=lambda c: json.dumps(c["kwargs"]))
def test_keras_counting_matches_keras(case):
    k = case["kwargs"]
    sched = sx.reduce_on_plateau(
        case["init"], factor=k["factor"], patience=k["patience"], threshold=k["min_delta"],
        threshold_mode="abs", cooldown=k["cooldown"], min_lr=k["min_lr"], mode=k["mode"], eps=0.0,
        counting="keras",
    )  # fmt: skip
    lrs, _ = run(sched, len(case["metric"]), metric=case["metric"])
    # atol: halving 150 times reaches float32 subnormals, which XLA:CPU flushes to zero.
    np.testing.assert_allclose(lrs, case["lr"], rtol=2e-5, atol=1e-37, err_msg=KERAS_SOURCE)


def test_torch_and_keras_counting_differ():
    # patience 2 on a flat metric: torch reduces after the 3rd bad observation, Keras the 2nd.
    metric = [1.0] * 8
    kwargs = dict(factor=0.5, patience=2, threshold=0.0, threshold_mode="abs", cooldown=0)
    torch_rule = sx.reduce_on_plateau(1.0, **kwargs, eps=0.0, counting="torch")
    keras_rule = sx.reduce_on_plateau(1.0, **kwargs, eps=0.0, counting="keras")
    np.testing.assert_array_equal(
        run(torch_rule, 8, metric)[0], [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]
    )
    np.testing.assert_array_equal(
        run(keras_rule, 8, metric)[0], [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]
    )


def test_vmap_over_64_plateau_factors_in_one_scan():
    case = TORCH_PLATEAU_CASES[1]
    factors = jnp.linspace(0.05, 0.95, 64)
    metric = jnp.asarray(case["metric"], jnp.float32)
    traces = []

    @jax.jit
    def sweep(factors):
        traces.append(1)

        def one(factor):
            sched = sx.reduce_on_plateau(0.1, **{**case["kwargs"], "factor": factor})
            return run_inline(sched, metric)

        return jax.vmap(one)(factors)

    out = sweep(factors)
    assert out.shape == (64, metric.shape[0]) and len(traces) == 1
    for i in (0, 31, 63):  # each row is that factor's own run
        single = sx.reduce_on_plateau(0.1, **{**case["kwargs"], "factor": float(factors[i])})
        np.testing.assert_array_equal(out[i], run(single, metric.shape[0], metric)[0])
    # The torch reference factor 0.5 is one of them, up to float32 rounding of the factor.
    half = sx.reduce_on_plateau(0.1, **case["kwargs"])
    np.testing.assert_allclose(run(half, metric.shape[0], metric)[0], case["lr"], rtol=2e-5)


def run_inline(sched, metric):
    def body(state, inputs):
        step, value = inputs
        lr, state = sched(step, sched.observe(state, value))
        return state, lr

    steps = jnp.arange(metric.shape[0], dtype=jnp.int32)
    return jax.lax.scan(body, sched.init(), (steps, metric))[1]


# ----------------------------------------------------------------------------- state contract

STATEFUL = {
    "keras_epochs": (
        sx.learning_rate_scheduler(KERAS_SCHEDULES["times_0.7_every_3rd"], 0.1, 3),
        None,
    ),
    "plateau": (
        sx.reduce_on_plateau(0.1, factor=0.5, patience=2, cooldown=1),
        TORCH_PLATEAU_CASES[0]["metric"],
    ),
    "torch_multiplicative": (
        T.MultiplicativeLR(0.1, lambda step: 1.0 - 0.001 * (step % 7).astype(jnp.float32)),
        None,
    ),
    "keras_plateau": (
        K.ReduceLROnPlateau(0.1, factor=0.5, patience=2, cooldown=1),
        TORCH_PLATEAU_CASES[0]["metric"],
    ),
    "greedy": (
        sx.greedy_lr(0.1, factor=0.5, patience=1, warmup=1, smooth=True, window_size=3),
        TORCH_PLATEAU_CASES[0]["metric"],
    ),
}


@pytest.mark.parametrize("name", STATEFUL)
def test_state_structure_shapes_and_dtypes_never_change(name):
    sched, metric = STATEFUL[name]
    state = sched.init()
    spec = jax.tree.map(lambda x: (x.shape, x.dtype, x.weak_type), state)
    for step in range(20):
        if metric is not None:
            state = sched.observe(state, metric[step])
        _, state = sched(step, state)
        assert jax.tree.map(lambda x: (x.shape, x.dtype, x.weak_type), state) == spec


@pytest.mark.parametrize("name", STATEFUL)
def test_calls_are_idempotent_per_step(name):
    sched, _ = STATEFUL[name]
    state = sched.init()
    for step in range(10):
        lr, new_state = sched(step, state)
        again, _ = sched(step, state)
        retried, _ = sched(step, new_state)
        assert lr == again == retried


@pytest.mark.parametrize("name", STATEFUL)
def test_resume_from_a_saved_state_is_bitwise_identical(name):
    sched, metric = STATEFUL[name]
    total, cut = 120, 47
    full, final = run(sched, total, None if metric is None else metric[:total])
    first, state = run(sched, cut, None if metric is None else metric[:cut])
    # Save and restore the state the way a checkpoint would: flattened leaves in an .npz.
    buffer = io.BytesIO()
    np.savez(buffer, *jax.tree.leaves(state))
    buffer.seek(0)
    loaded = np.load(buffer)
    treedef = jax.tree.structure(sched.init())
    restored = jax.tree.unflatten(
        treedef, [jnp.asarray(loaded[f"arr_{i}"]) for i in range(len(loaded.files))]
    )
    rest, resumed = run(
        sched, total - cut, None if metric is None else metric[cut:total], restored, start=cut
    )
    np.testing.assert_array_equal(np.concatenate([first, rest]), full)
    jax.tree.map(np.testing.assert_array_equal, resumed, final)


def test_calling_a_stateful_schedule_without_state_says_what_to_do():
    with pytest.raises(
        TypeError, match=r"reduce_on_plateau is stateful: call it as schedule\(step, state\)"
    ):
        sx.reduce_on_plateau(0.1)(3)
    with pytest.raises(TypeError, match=r"learning_rate_scheduler: step must be a scalar integer"):
        sched = sx.learning_rate_scheduler(KERAS_SCHEDULES["keras_docs"], 0.1)
        sched(jnp.arange(3), sched.init())


@pytest.mark.parametrize(
    "make, error, match",
    [
        (
            lambda: sx.reduce_on_plateau(0.1, factor=1.0),
            ValueError,
            r"^reduce_on_plateau: factor must be in \[0, 1\), got 1.0$",
        ),
        (
            lambda: sx.reduce_on_plateau(0.1, factor=-0.5),
            ValueError,
            r"^reduce_on_plateau: factor must be in \[0, 1\), got -0.5$",
        ),
        (
            lambda: sx.reduce_on_plateau(0.1, patience=-1),
            ValueError,
            r"^reduce_on_plateau: patience must be >= 0, got -1$",
        ),
        (
            lambda: sx.reduce_on_plateau(0.1, patience=2.5),
            TypeError,
            r"^reduce_on_plateau: patience must be a whole number, got 2.5$",
        ),
        (
            lambda: sx.reduce_on_plateau(0.1, cooldown=-2),
            ValueError,
            r"^reduce_on_plateau: cooldown must be >= 0, got -2$",
        ),
        (
            lambda: sx.reduce_on_plateau(0.1, mode="minimum"),
            ValueError,
            r"^reduce_on_plateau: mode must be one of \('min', 'max'\), got 'minimum'$",
        ),
        (
            lambda: sx.reduce_on_plateau(0.1, threshold_mode="relative"),
            ValueError,
            r"threshold_mode must be one of \('rel', 'abs'\), got 'relative'",
        ),
        (
            lambda: sx.reduce_on_plateau(0.1, min_lr=-1e-3),
            ValueError,
            r"^reduce_on_plateau: min_lr must be >= 0, got -0.001$",
        ),
        (
            lambda: sx.reduce_on_plateau(float("nan")),
            ValueError,
            r"^reduce_on_plateau: init must be finite, got nan$",
        ),
        (
            lambda: sx.learning_rate_scheduler(0.1, 0.1),
            TypeError,
            r"^learning_rate_scheduler: schedule must be a callable \(epoch, lr\) -> lr, got float 0.1$",
        ),
        (
            lambda: sx.learning_rate_scheduler(KERAS_SCHEDULES["keras_docs"], 0.1, 0),
            ValueError,
            r"^learning_rate_scheduler: steps_per_epoch must be >= 1, got 0$",
        ),
        (
            lambda: sx.learning_rate_scheduler(KERAS_SCHEDULES["keras_docs"], 0.1, 2.5),
            TypeError,
            r"^learning_rate_scheduler: steps_per_epoch must be a whole number, got 2.5$",
        ),
    ],
)
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_repr_uses_the_argument_names():
    text = repr(sx.reduce_on_plateau(0.1, factor=0.5))
    assert text == (
        "reduce_on_plateau(init=0.1, factor=0.5)"  # the defaults are left out
    )
    assert repr(K.ReduceLROnPlateau(0.1, patience=3)) == (
        "reduce_on_plateau(init=0.1, patience=3, threshold_mode='abs', eps=0.0, counting='keras')"
    )


# ----------------------------------------------------------------------------- as_schedule


def nano_solver(loss, w0, lr, schedule_state=None, num_steps=50):
    """A minimal nano-optax-style solver: as_schedule once, fn(step, state) in lax.scan."""
    fn, state = sx.as_schedule(lr, schedule_state)

    def body(carry, step):
        w, state = carry
        eta, state = fn(step, state)
        return (w - eta * jax.grad(loss)(w), state), eta

    (w, state), etas = jax.lax.scan(body, (w0, state), jnp.arange(num_steps, dtype=jnp.int32))
    return w, state, etas


def quadratic(w):
    return 0.5 * jnp.sum(w**2)


def _counting_schedule(step, count):
    return 0.1 / (1.0 + count), count + 1


@pytest.mark.parametrize(
    "lr, state, expected",
    [
        (0.1, None, lambda k: np.full_like(k, 0.1)),
        (jnp.float32(0.05), None, lambda k: np.full_like(k, 0.05)),
        (sx.step_lr(0.1, 10, 0.5), None, lambda k: 0.1 * 0.5 ** (k // 10)),
        (sx.cosine_decay(0.1, 50), jnp.int32(7), lambda k: 0.05 * (1 + np.cos(np.pi * k / 50))),
        (optax.exponential_decay(0.1, 1, 0.9), None, lambda k: 0.1 * 0.9**k),
        (lambda step: 0.1 / (1.0 + step), None, lambda k: 0.1 / (1.0 + k)),
        (_counting_schedule, jnp.float32(0.0), lambda k: 0.1 / (1.0 + k)),
        (
            sx.learning_rate_scheduler(lambda e, lr: lr * 0.9, 0.1, 5),
            None,
            lambda k: 0.1 * 0.9 ** (k // 5 + 1),
        ),
        (sx.reduce_on_plateau(0.07), None, lambda k: np.full_like(k, 0.07)),
    ],
    ids=[
        "float",
        "array",
        "step_lr",
        "schedule+state",
        "optax",
        "lambda",
        "stateful_fn",
        "keras",
        "plateau",
    ],
)
def test_nano_optax_convention(lr, state, expected):
    w0 = jnp.ones(3)
    with jax.numpy_dtype_promotion("standard"):  # optax's own schedules mix int and float
        w, final_state, etas = nano_solver(quadratic, w0, lr, state)
    k = np.arange(50.0)
    np.testing.assert_allclose(etas, expected(k), rtol=2e-6)
    np.testing.assert_allclose(
        w, np.prod(1 - np.asarray(expected(k)), dtype=np.float64) * np.ones(3), rtol=2e-5
    )
    if isinstance(lr, sx.Schedule) and state is not None:  # a given state passes through
        assert final_state == state


def test_as_schedule_uses_the_init_state_of_a_stateful_schedule():
    sched = sx.reduce_on_plateau(0.3)
    _, state = sx.as_schedule(sched)
    jax.tree.map(np.testing.assert_array_equal, state, sched.init())
    given = sched.init()._replace(lr=jnp.float32(0.2))
    fn, state = sx.as_schedule(sched, given)
    assert fn(0, state)[0] == np.float32(0.2)


@pytest.mark.parametrize(
    "lr, state, match",
    [
        (
            _counting_schedule,
            None,
            r"^as_schedule: lr takes \(step, state\) but schedule_state is None; pass its initial state",
        ),
        (
            (lambda s: 0.1, None),
            None,
            r"^as_schedule: lr must be a number or a schedule, got a tuple of 2; .* pass as_schedule\(schedule_fn, schedule_state=state\)",
        ),
        (
            lambda step: 0.1,
            jnp.zeros(()),
            r"^as_schedule: lr takes a single step but a schedule_state was given",
        ),
        (
            "0.1",
            None,
            r"^as_schedule: lr must be a number, an array, a schedule or a function, got str '0.1'$",
        ),
    ],
)
def test_as_schedule_misuse(lr, state, match):
    with pytest.raises(TypeError, match=match):
        sx.as_schedule(lr, state)


def test_a_stateful_function_must_return_a_pair():
    fn, state = sx.as_schedule(lambda step, state: 0.1, jnp.zeros(()))
    with pytest.raises(
        TypeError, match=r"as_schedule: a stateful lr must return \(lr, new_state\), got float"
    ):
        fn(0, state)


# ----------------------------------------------------------------------------- optax


def sgd_run(opt, num_steps=30, values=None):
    params = jnp.ones(2)
    state = opt.init(params)
    lrs = []
    for k in range(num_steps):
        extra = {} if values is None else {"value": values[k]}
        updates, state = opt.update(jnp.ones(2), state, params, **extra)
        lrs.append(float(sx.current_lr(state)))
    return np.asarray(lrs), updates, state


STATELESS = {
    # A mechanism that does not depend on the curve: a few structures, a join, a user function.
    **{case.id: case.build() for case in STRUCTURES[:4]},
    "join": sx.join_schedules(
        [sx.linear_schedule(0.0, 0.1, 5), sx.exponential_decay(0.1, 0.9)], [5]
    ),
    "lambda_lr": sx.lambda_lr(lambda t: 0.1 / (1.0 + jnp.asarray(t, jnp.float32))),
}


@pytest.mark.parametrize("name", STATELESS)
def test_stateless_schedules_in_inject_hyperparams(name):
    schedule = STATELESS[name]
    expected = np.asarray(schedule(jnp.arange(30)))
    opt = optax.inject_hyperparams(optax.sgd)(learning_rate=schedule)
    lrs, updates, _ = sgd_run(opt)
    np.testing.assert_allclose(lrs, expected, rtol=1e-6)
    np.testing.assert_allclose(updates, -expected[-1] * np.ones(2), rtol=1e-6)
    lrs, updates, _ = sgd_run(optax.chain(sx.scale_by_schedule(schedule), optax.scale(-1.0)))
    np.testing.assert_allclose(lrs, expected, rtol=1e-6)
    np.testing.assert_allclose(updates, -expected[-1] * np.ones(2), rtol=1e-6)


def test_plateau_through_to_optax_and_scale_by_schedule_matches_torch():
    case = TORCH_PLATEAU_CASES[1]
    metric, n = case["metric"], len(case["metric"])
    sched = sx.reduce_on_plateau(case["init"], **case["kwargs"])
    injected = optax.inject_hyperparams(optax.sgd)(learning_rate=sx.to_optax(sched))
    lrs, _, _ = sgd_run(injected, n, metric)
    np.testing.assert_allclose(lrs, case["lr"], rtol=2e-5)
    chained = optax.chain(optax.identity(), sx.scale_by_schedule(sched))
    lrs, updates, _ = sgd_run(chained, n, metric)
    np.testing.assert_allclose(lrs, case["lr"], rtol=2e-5)
    np.testing.assert_allclose(updates, case["lr"][-1] * np.ones(2), rtol=2e-5)


def test_keras_epochs_through_optax():
    sched = sx.learning_rate_scheduler(KERAS_SCHEDULES["times_0.7_every_3rd"], 0.1, 2)
    expected, _ = run(sched, 30)
    lrs, _, _ = sgd_run(optax.inject_hyperparams(optax.sgd)(learning_rate=sx.to_optax(sched)))
    np.testing.assert_allclose(lrs, expected, rtol=1e-6)


def test_current_lr_errors():
    with pytest.raises(
        ValueError, match=r"^current_lr: found no learning rate in this optimizer state; build"
    ):
        sx.current_lr(optax.adam(0.1).init(jnp.ones(2)))
    two = optax.chain(sx.scale_by_schedule(0.1), sx.scale_by_schedule(0.2))
    with pytest.raises(ValueError, match=r"^current_lr: found 2 learning rates"):
        sx.current_lr(two.init(jnp.ones(2)))
    with pytest.raises(
        TypeError,
        match=r"^to_optax: schedule must be a schedax Schedule or StatefulSchedule, got function$",
    ):
        sx.to_optax(lambda step: 0.1)


def test_current_hyperparams_reads_every_injected_hyperparameter_by_name():
    # Weight decay and SGD's learning rate and momentum, each scheduled, in a chain of two
    # injected transformations; after update k each is its schedule at step k (numpy's formula).
    decay = optax.inject_hyperparams(optax.add_decayed_weights)(
        weight_decay=sx.linear_schedule(1e-3, 0.0, 10)
    )
    sgd = optax.inject_hyperparams(optax.sgd)(
        learning_rate=sx.cosine_decay(0.1, 10), momentum=sx.linear_schedule(0.85, 0.95, 10)
    )
    opt = optax.chain(decay, optax.chain(sgd))  # nested
    params = jnp.ones(2)

    def step(state, _):
        _, state = opt.update(jnp.ones(2), state, params)
        return state, sx.current_hyperparams(state)

    seen = jax.jit(lambda: jax.lax.scan(step, opt.init(params), length=12)[1])()
    k = np.minimum(np.arange(12), 10)
    expected = {"weight_decay": 1e-3 * (1 - k / 10), "momentum": 0.85 + 0.1 * k / 10,
                "learning_rate": 0.05 * (1 + np.cos(np.pi * k / 10))}  # fmt: skip
    assert set(seen) == set(expected)
    for name, values in expected.items():
        np.testing.assert_allclose(seen[name], values, rtol=1e-6, atol=1e-9, err_msg=name)
    # scale_by_schedule's lr is the learning rate; a name found twice is an error.
    state = optax.chain(sx.scale_by_schedule(sx.constant_lr(0.5)), sgd).init(params)
    with pytest.raises(ValueError, match="^current_hyperparams: found 'learning_rate' more than"):
        sx.current_hyperparams(state)
    assert sx.current_hyperparams(optax.sgd(0.1).init(params)) == {}


def test_current_hyperparams_on_a_flax_nnx_optimizer_are_jax_arrays():
    from flax import nnx  # a test dependency; imported here to keep collection fast

    model = nnx.Linear(2, 1, rngs=nnx.Rngs(0))
    tx = optax.inject_hyperparams(optax.sgd)(learning_rate=sx.cosine_decay(0.1, 10), momentum=0.9)
    found = sx.current_hyperparams(nnx.Optimizer(model, tx, wrt=nnx.Param).opt_state)
    assert sorted(found) == ["learning_rate", "momentum"]
    assert all(type(v) is type(jnp.zeros(())) for v in found.values())
    np.testing.assert_allclose([found["learning_rate"], found["momentum"]], [0.1, 0.9], rtol=1e-7)
