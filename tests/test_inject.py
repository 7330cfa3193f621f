"""Compile once wherever the schedule lives (issue 25): `inject_hyperparams` inside flax's linen
`TrainState`, `nnx.Optimizer`, equinox modules and plain optax loops; `replace_schedules`;
one program for every spelling of the same numbers; schedules built inside transformations."""

from __future__ import annotations

import gc
import weakref

import chex
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx
from flax.training import train_state

import schedax as sx
from schedax import _eager as _base


@pytest.fixture(autouse=True)
def _standard_promotion():
    with jax.numpy_dtype_promotion("standard"):  # optax mixes its int32 count in
        yield


def _configs():
    """Three configurations of one structure: warmup-cosine lr, cosine weight decay."""
    return [
        (sx.warmup_cosine_decay(p, w, 50), sx.cosine_decay(wd, 50))
        for p, w, wd in ((0.1, 5, 1e-4), (0.3, 10, 1e-3), (0.05, 20, 0.0))
    ]


def _adamw(lr, wd):
    return sx.inject_hyperparams(optax.adamw)(learning_rate=lr, weight_decay=wd, b1=0.9)


def _loss(params, x):
    return jnp.sum((params["w"] * x - 3.0) ** 2)


PARAMS = {"w": jnp.ones(3)}
X = jnp.array([0.5, 1.0, 1.5])


def test_transformations_of_one_structure_compare_and_hash_equal():
    (a, wa), (b, wb), _ = _configs()
    ta, tb = _adamw(a, wa), _adamw(b, wb)
    assert ta == tb and hash(ta) == hash(tb)
    # Another curve, another static argument, another factory: another program.
    assert _adamw(sx.cosine_decay(0.1, 50), wa) != ta
    other = sx.inject_hyperparams(optax.adamw)(learning_rate=a, weight_decay=wa, nesterov=True)
    assert other != ta
    assert sx.inject_hyperparams(optax.adam)(learning_rate=a) != ta
    # A plain callable stays in the closure, as in optax: a new one is a new program.
    f, g = (lambda t: 0.1), (lambda t: 0.1)
    sgd = sx.inject_hyperparams(optax.sgd)
    assert sgd(learning_rate=f) == sgd(learning_rate=f) and sgd(learning_rate=f) != sgd(
        learning_rate=g
    )


def test_linen_train_state_compiles_once_and_matches_optax():
    traces = []

    @jax.jit
    def step(state, x):
        traces.append(1)
        grads = jax.grad(_loss)(state.params, x)
        return state.apply_gradients(grads=grads)

    for schedule, _ in _configs():
        tx = sx.inject_hyperparams(optax.sgd)(learning_rate=schedule, momentum=0.9)
        ours = train_state.TrainState.create(apply_fn=None, params=PARAMS, tx=tx)
        theirs = train_state.TrainState.create(
            apply_fn=None, params=PARAMS, tx=optax.sgd(schedule, momentum=0.9)
        )
        for _ in range(12):
            ours, theirs = step(ours, X), jax.jit(lambda s, x: s.apply_gradients(
                grads=jax.grad(_loss)(s.params, x)))(theirs, X)  # fmt: skip
        np.testing.assert_allclose(ours.params["w"], theirs.params["w"], rtol=1e-6)
        np.testing.assert_allclose(sx.current_lr(ours.opt_state), schedule(11), rtol=1e-6)
    assert len(traces) == 1


def test_nnx_optimizer_compiles_once():
    traces = []

    @nnx.jit
    def step(model, optimizer, x):
        traces.append(1)
        grads = nnx.grad(lambda m: jnp.sum((m(x) - 1.0) ** 2))(model)
        optimizer.update(model, grads)

    lrs = []
    for schedule, wd in _configs():
        model = nnx.Linear(3, 1, rngs=nnx.Rngs(0))
        optimizer = nnx.Optimizer(model, _adamw(schedule, wd), wrt=nnx.Param)
        for _ in range(3):
            step(model, optimizer, X[None])
        lrs.append(sx.current_hyperparams(optimizer.opt_state)["learning_rate"])
        np.testing.assert_allclose(lrs[-1], schedule(2), rtol=1e-6)
    assert len(traces) == 1


def test_equinox_module_and_plain_optax_loop_compile_once():
    class Model(eqx.Module):
        w: jax.Array
        tx: optax.GradientTransformation  # held as a PyTree: its leaves are arrays

    traces = {"eqx": 0, "argument": 0, "static": 0}

    @eqx.filter_jit
    def eqx_step(model, opt_state, x):
        traces["eqx"] += 1
        grads = jax.grad(lambda w: _loss({"w": w}, x))(model.w)
        updates, opt_state = model.tx.update(grads, opt_state, model.w)
        return eqx.tree_at(lambda m: m.w, model, model.w + updates), opt_state

    def plain(tx, params, opt_state, x):
        grads = jax.grad(_loss)(params, x)
        updates, opt_state = tx.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state

    def as_argument(tx, params, opt_state, x):
        traces["argument"] += 1
        return plain(tx, params, opt_state, x)

    def as_static(tx, params, opt_state, x):
        traces["static"] += 1
        return plain(tx, params, opt_state, x)

    as_argument, as_static = jax.jit(as_argument), jax.jit(as_static, static_argnums=0)
    for schedule, wd in _configs():
        tx = _adamw(schedule, wd)
        model = Model(jnp.ones(3), tx)
        opt_state = tx.init(model.w)
        model, opt_state = eqx_step(model, opt_state, X)
        assert sx.current_lr(opt_state) == schedule(0)
        for step in (as_argument, as_static):
            params, opt_state = PARAMS, tx.init(PARAMS)
            for _ in range(2):
                params, opt_state = step(tx, params, opt_state, X)
            np.testing.assert_allclose(sx.current_lr(opt_state), schedule(1), rtol=1e-6)
    assert traces == {"eqx": 1, "argument": 1, "static": 1}


def test_a_sweep_is_one_vmap_over_stacked_states():
    txs = [_adamw(s, wd) for s, wd in _configs()]
    assert all(tx == txs[0] for tx in txs)
    states = [tx.init(PARAMS) for tx in txs]
    stacked = sx.stack(states)

    def run(tx, state):
        params = PARAMS
        for _ in range(4):
            grads = jax.grad(_loss)(params, X)
            updates, state = tx.update(grads, state, params)
            params = optax.apply_updates(params, updates)
        return params, state

    swept, swept_states = jax.jit(jax.vmap(lambda s: run(txs[0], s)))(stacked)
    for i, (tx, state) in enumerate(zip(txs, states, strict=True)):
        alone, alone_state = run(tx, state)
        row = jax.tree.map(lambda x, i=i: x[i], swept)
        chex.assert_trees_all_close(row, alone, rtol=1e-6)
        hyper = sx.current_hyperparams(alone_state)
        np.testing.assert_allclose(
            sx.current_hyperparams(swept_states)["learning_rate"][i], hyper["learning_rate"]
        )


def test_stateful_schedule_observes_the_update_value():
    plateau = sx.reduce_on_plateau(0.1, factor=0.5, patience=0)
    tx = sx.inject_hyperparams(optax.sgd)(learning_rate=plateau)
    assert tx == sx.inject_hyperparams(optax.sgd)(
        learning_rate=sx.reduce_on_plateau(0.3, factor=0.1, patience=0)
    )
    state = tx.init(jnp.zeros(2))
    update = jax.jit(lambda s, loss: tx.update(jnp.ones(2), s, value=loss))
    seen = []
    for loss in (1.0, 1.0, 1.0, 0.5):
        updates, state = update(state, loss)
        seen.append(float(sx.current_lr(state)))
    # torch's rule with patience 0: each loss that does not improve halves the lr.
    np.testing.assert_allclose(seen, [0.1, 0.05, 0.025, 0.025], rtol=1e-6)
    np.testing.assert_allclose(updates, -0.025 * np.ones(2), rtol=1e-6)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda tx: optax.chain(optax.clip_by_global_norm(10.0), tx),
        lambda tx: optax.multi_transform({"a": tx, "b": optax.set_to_zero()}, {"w": "a"}),
        lambda tx: optax.MultiSteps(tx, every_k_schedule=2),
    ],
    ids=["chain", "multi_transform", "MultiSteps"],
)
def test_inside_optax_wrappers(wrap):
    s = sx.linear_schedule(0.1, 0.0, 10)
    ours = wrap(sx.inject_hyperparams(optax.sgd)(learning_rate=s))
    theirs = wrap(optax.sgd(s))
    params, state, ref_params, ref_state = PARAMS, ours.init(PARAMS), PARAMS, theirs.init(PARAMS)
    for _ in range(6):
        updates, state = ours.update(jax.grad(_loss)(params, X), state, params)
        params = optax.apply_updates(params, updates)
        ref_updates, ref_state = theirs.update(jax.grad(_loss)(ref_params, X), ref_state)
        ref_params = optax.apply_updates(ref_params, ref_updates)
    chex.assert_trees_all_close(params, ref_params, rtol=1e-6)
    assert "learning_rate" in sx.current_hyperparams(state)


def _clipped_adamw(learning_rate, weight_decay):  # a factory defined once: one program
    return optax.chain(
        optax.clip_by_global_norm(1.0), optax.adamw(learning_rate, weight_decay=weight_decay)
    )


def test_a_chain_compiles_once_as_one_injected_factory():
    # optax.chain returns new closures per call: inject the whole chain, built by a function
    # defined once, rather than chaining an injected transformation.
    txs = [sx.inject_hyperparams(_clipped_adamw)(learning_rate=s, weight_decay=wd)
           for s, wd in _configs()]  # fmt: skip
    assert len(set(txs)) == 1
    traces = []

    @jax.jit
    def step(state, x):
        traces.append(1)
        return state.apply_gradients(grads=jax.grad(_loss)(state.params, x))

    for tx, (s, wd) in zip(txs, _configs(), strict=True):
        state = step(train_state.TrainState.create(apply_fn=None, params=PARAMS, tx=tx), X)
        ref = train_state.TrainState.create(apply_fn=None, params=PARAMS, tx=_clipped_adamw(s, wd))
        ref = ref.apply_gradients(grads=jax.grad(_loss)(ref.params, X))
        chex.assert_trees_all_close(state.params, ref.params, rtol=1e-6)
    assert len(traces) == 1


def test_orbax_restores_the_state_bitwise(tmp_path):
    import orbax.checkpoint as ocp  # a test dependency: never skipped

    tx = _adamw(*_configs()[1])
    state = tx.init(PARAMS)
    _, state = tx.update(jax.grad(_loss)(PARAMS, X), state, PARAMS)
    with ocp.StandardCheckpointer() as checkpointer:
        checkpointer.save(tmp_path / "state", state)
    with ocp.StandardCheckpointer() as checkpointer:
        restored = checkpointer.restore(tmp_path / "state", target=tx.init(PARAMS))
    chex.assert_trees_all_equal(restored, state)
    assert jax.tree.structure(restored) == jax.tree.structure(state)


def test_replace_schedules_branches_a_cooldown_without_compiling():
    def wsd(cooldown_at):  # constant, then a linear cooldown of 4 steps from `cooldown_at`
        decay = sx.linear_schedule(0.1, 0.0, 4)
        return sx.join_schedules([sx.constant_lr(0.1), decay], [cooldown_at])

    tx = sx.inject_hyperparams(optax.sgd)(learning_rate=wsd(10**6))
    traces = []

    @jax.jit
    def step(state):
        traces.append(1)
        _, state = tx.update(jnp.ones(1), state)
        return state

    state = tx.init(jnp.zeros(1))
    for _ in range(5):
        state = step(state)
    checkpoint = state
    branch = sx.replace_schedules(checkpoint, learning_rate=wsd(5))
    lrs = []
    for _ in range(6):
        branch = step(branch)
        lrs.append(float(sx.current_lr(branch)))
    np.testing.assert_allclose(lrs, [0.1, 0.075, 0.05, 0.025, 0.0, 0.0], rtol=1e-6, atol=1e-9)
    assert int(branch.count) == 11 and len(traces) == 1
    # The checkpoint itself is unchanged: another branch can start from it.
    assert sx.current_lr(step(checkpoint)) == np.float32(0.1)


def test_replace_schedules_in_an_nnx_optimizer():
    model = nnx.Linear(2, 1, rngs=nnx.Rngs(0))
    optimizer = nnx.Optimizer(model, _adamw(*_configs()[0]), wrt=nnx.Param)
    new = sx.warmup_cosine_decay(0.7, 3, 50)
    optimizer.opt_state = sx.replace_schedules(optimizer.opt_state, learning_rate=new)
    grads = nnx.grad(lambda m: jnp.sum(m(jnp.ones((1, 2)))))(model)
    optimizer.update(model, grads)
    np.testing.assert_allclose(
        sx.current_hyperparams(optimizer.opt_state)["learning_rate"], new(0), rtol=1e-6
    )


def test_bad_input_names_the_function_and_argument():
    tx = sx.inject_hyperparams(optax.sgd)(learning_rate=sx.cosine_decay(0.1, 10))
    state = tx.init(PARAMS)
    with pytest.raises(ValueError, match=r"^replace_schedules: learning_rate must have the "
                       r"structure of the schedule it replaces .*linear_schedule.*cosine_decay"):  # fmt: skip
        sx.replace_schedules(state, learning_rate=sx.linear_schedule(0.1, 0.0, 10))
    with pytest.raises(ValueError, match=r"^replace_schedules: learning_rate must have the "):
        sx.replace_schedules(state, learning_rate=sx.cosine_decay(jnp.bfloat16(0.1), 10))
    with pytest.raises(TypeError, match=r"^replace_schedules: learning_rate must be a schedax "
                       r"schedule, got float 0.1$"):  # fmt: skip
        sx.replace_schedules(state, learning_rate=0.1)
    with pytest.raises(ValueError, match=r"^replace_schedules: found no schedule named momentum"):
        sx.replace_schedules(state, momentum=sx.constant_lr(0.9))
    with pytest.raises(TypeError, match=r"^replace_schedules: name the hyperparameters"):
        sx.replace_schedules(state)
    # A state updated by a transformation built from a schedule of another structure.
    other = sx.inject_hyperparams(optax.sgd)(learning_rate=sx.linear_schedule(0.1, 0.0, 10))
    with pytest.raises(ValueError, match=r"^inject_hyperparams: the state's learning_rate is "
                       r"cosine_decay, not the linear_schedule this transformation"):  # fmt: skip
        other.update(jax.grad(_loss)(PARAMS, X), state, PARAMS)
    with pytest.raises(TypeError, match=r"^inject_hyperparams: inner_factory must be a function"):
        sx.inject_hyperparams(0.1)
    with pytest.raises(ValueError, match=r"^inject_hyperparams: static_args names 'lr', which sgd"):
        sx.inject_hyperparams(optax.sgd, static_args="lr")
    with pytest.raises(TypeError, match=r"^inject_hyperparams\(sgd\): got an unexpected keyword "
                       r"argument 'lr'; it takes \(learning_rate, momentum=None, nesterov=False, "
                       r"accumulator_dtype=None\)$"):  # fmt: skip
        sx.inject_hyperparams(optax.sgd)(learning_rate=0.1, lr=0.1)
    with pytest.raises(ValueError, match=r"^stack: schedules\[1\] has a different structure"):
        sx.stack([state, other.init(PARAMS)])


# ----------------------------------------------------------------------------- one program


SPELLINGS_W = [100, 100.0, np.int64(100), np.int32(100), np.float32(100), jnp.int32(100),
               jnp.float32(100)]  # fmt: skip
SPELLINGS_P = [0.1, np.float64(0.1), np.float32(0.1), jnp.float32(0.1), jnp.asarray(0.1)]


def test_every_spelling_of_the_same_numbers_is_one_program():
    traces = []

    @jax.jit
    def f(schedule, t):
        traces.append(1)
        return schedule(t)

    values = {
        float(f(sx.warmup_cosine_decay(p, w, 1000), jnp.int32(50)))
        for w in SPELLINGS_W
        for p in SPELLINGS_P
    }
    assert len(traces) == 1 and len(values) == 1
    assert len(SPELLINGS_W) * len(SPELLINGS_P) == 35
    # The same through inject_hyperparams in a TrainState, and through a config.
    txs = {sx.inject_hyperparams(optax.sgd)(learning_rate=sx.cosine_decay(p, w))
           for w in SPELLINGS_W for p in SPELLINGS_P}  # fmt: skip
    assert len(txs) == 1
    leaves = {(x.dtype, x.weak_type) for w in SPELLINGS_W
              for x in jax.tree.leaves(sx.cosine_decay(0.1, w))}  # fmt: skip
    assert leaves == {(jnp.dtype(jnp.float32), False)}


def test_explicit_precisions_stay_their_own():
    s = sx.cosine_decay(jnp.bfloat16(0.1), 100)
    assert s.dtype == jnp.bfloat16 and s(3).dtype == jnp.bfloat16
    assert sx.cosine_decay(jnp.bfloat16(0.1), 100, end=jnp.float32(0.0)).dtype == jnp.bfloat16
    assert sx.cosine_decay(0.1, 100).init.dtype == jnp.float32


@pytest.mark.parametrize("length", [100, np.int64(100), jnp.int32(100), 100.0])
def test_gradients_reach_lengths_however_written(length):
    grad = jax.grad(lambda s: s(jnp.float32(30)))(sx.warmup_cosine_decay(0.1, length, 1000))
    # d/dw of peak * t / w at t = 30 < w: -peak * t / w**2
    np.testing.assert_allclose(grad.warmup_steps, -0.1 * 30 / 100**2, rtol=1e-5)


# ----------------------------------------------------------------------------- built in jit


def test_schedules_with_user_functions_are_built_and_returned_by_transformations():
    made = jax.jit(lambda k: sx.lambda_lr(lambda t: 0.5**t, scale=k))(0.1)
    np.testing.assert_allclose(made(2), 0.025, rtol=1e-6)
    fn = lambda t: 0.5**t  # noqa: E731
    swept = jax.vmap(lambda k: sx.lambda_lr(fn, scale=k))(jnp.arange(1.0, 4.0))
    np.testing.assert_allclose(jax.vmap(lambda s: s(1))(swept), [0.5, 1.0, 1.5], rtol=1e-6)
    final, _ = jax.lax.scan(lambda c, k: (sx.lambda_lr(fn, scale=k), None),
                            sx.lambda_lr(fn, scale=0.0), jnp.arange(3.0))  # fmt: skip
    np.testing.assert_allclose(final(1), 1.0, rtol=1e-6)


def test_eager_calls_keep_no_user_function_alive_beyond_jax_caches():
    refs = []
    for i in range(_base.EAGER_CACHE_SIZE + 8):

        def fn(t, i=i):
            return 0.5**t + i

        refs.append(weakref.ref(fn))
        sx.lambda_lr(fn, scale=0.1)(3)
        del fn
    assert len(_base._COMPILED) <= _base.EAGER_CACHE_SIZE
    jax.clear_caches()  # JAX's own caches are bounded LRUs (4,096 entries in jax 0.10)
    gc.collect()
    # schedax keeps the functions of its newest EAGER_CACHE_SIZE programs, no older ones.
    alive = [r() is not None for r in refs]
    assert not any(alive[:8]) and sum(alive) <= _base.EAGER_CACHE_SIZE


def test_hyperparameter_dtypes_follow_optax():
    s = sx.cosine_decay(0.1, 10)
    state = sx.inject_hyperparams(optax.sgd)(learning_rate=s, momentum=0.9).init(
        {"w": jnp.ones(2, jnp.bfloat16)}
    )  # the parameters' highest floating dtype, as in optax
    assert {v.dtype for v in state.hyperparams.values()} == {jnp.dtype(jnp.bfloat16)}
    sgd = sx.inject_hyperparams(optax.sgd, hyperparam_dtype=jnp.float16)
    state = sgd(learning_rate=s, momentum=0.9).init(PARAMS)
    assert {v.dtype for v in state.hyperparams.values()} == {jnp.dtype(jnp.float16)}
    _, state = sgd(learning_rate=s, momentum=0.9).update(PARAMS, state, PARAMS)
    assert {v.dtype for v in state.hyperparams.values()} == {jnp.dtype(jnp.float16)}


def test_replacing_a_stateful_schedule_keeps_its_state():
    tx = sx.inject_hyperparams(optax.sgd)(learning_rate=sx.reduce_on_plateau(1.0, patience=0))
    state = tx.init(jnp.zeros(1))
    for loss in (1.0, 2.0):  # the second does not improve: the lr halves (factor 0.1 default)
        _, state = tx.update(jnp.ones(1), state, value=loss)
    replaced = sx.replace_schedules(state, learning_rate=sx.reduce_on_plateau(0.5, patience=0))
    _, inner = replaced.hyperparams_states["learning_rate"]
    chex.assert_trees_all_equal(inner, state.hyperparams_states["learning_rate"].state)
    assert replaced.hyperparams_states["learning_rate"].schedule.init_lr == np.float32(0.5)


def test_every_spelling_is_one_leaf_type_with_x64():
    with jax.enable_x64(True):
        leaves = {(x.dtype, x.weak_type) for w in SPELLINGS_W[:4] + [np.float64(100)]
                  for x in jax.tree.leaves(sx.cosine_decay(0.1, w))}  # fmt: skip
        assert leaves == {(jnp.dtype(jnp.float64), False)}
        # An explicit other precision stays its own: float32 under x64.
        assert sx.cosine_decay(np.float32(0.1), 100).dtype == jnp.float32


# ----------------------------------------------------------------------------- grid


def test_grid_is_the_stack_of_every_combination_in_order():
    peaks, warmups = [1e-3, 3e-3], [0, 10, 99]
    grid = sx.grid(sx.warmup_cosine_decay, peak=peaks, warmup_steps=warmups, total_steps=100)
    listed = sx.stack([sx.warmup_cosine_decay(p, w, 100) for p in peaks for w in warmups])
    chex.assert_trees_all_equal(grid, listed)
    # An array axis, and a grid of one axis.
    one = sx.grid(sx.cosine_decay, init=np.array([0.1, 0.2]), decay_steps=50)
    chex.assert_trees_all_equal(one, sx.stack([sx.cosine_decay(0.1, 50), sx.cosine_decay(0.2, 50)]))


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: sx.grid(sx.step_lr, lr=[0.1], step_size=10), TypeError,
         r"^grid: constructor must be a schedax schedule class such as sx.cosine_decay, got step_lr"),
        (lambda: sx.grid(sx.cosine_decay, init=[], decay_steps=10), ValueError,
         r"^grid: init must hold at least one value, got \[\]$"),
        (lambda: sx.grid(sx.cosine_decay, init=[0.1], decay_steps=[10, 0]), ValueError,
         r"^cosine_decay: decay_steps must be > 0, got \[10, 0\]$"),
        (lambda: sx.grid(sx.warmup_cosine_decay, peak=0.1, warmup_steps=[10, 500], total_steps=100),
         ValueError, r"^warmup_cosine_decay: warmup_steps \(\[10, 500\]\) must be <= total_steps"),
        (lambda: sx.grid(sx.cosine_decay, init=["a"], decay_steps=10), TypeError,
         r"^cosine_decay: init must be a real number, got dtype <U1$"),
    ],
)  # fmt: skip
def test_grid_bad_input(make, error, match):
    with pytest.raises(error, match=match):
        make()
