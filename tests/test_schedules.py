"""The core contract, checked on every stateless schedule against numpy closed forms."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from cases import CASES, STRUCTURES, Case
from conftest import np_cosine

import schedax as sx

by_id = pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])


by_structure = pytest.mark.parametrize("case", STRUCTURES, ids=[c.id for c in STRUCTURES])

# Before the start (down to the smallest int32), across every horizon, and far beyond (up to
# the largest int32, which float32 holds as 2**31).
STEPS = np.concatenate(
    [[-(2**31), -100, -5, -1], np.arange(0, 260), [299, 1000, 4321, 2**31 - 1]]
).astype(np.int32)

# A shared compiled program: jit caches it by the schedule's structure, so every test that
# sweeps the same kind of schedule reuses one compilation.
sweep = jax.jit(lambda stacked, t: jax.vmap(lambda schedule: schedule(t))(stacked))


def _close(actual, expected, rtol=1e-6):
    np.testing.assert_allclose(
        np.asarray(actual, np.float64), expected, rtol=rtol, atol=1e-7 * rtol
    )


@by_id
def test_matches_closed_form(case: Case):
    lr = case.build()
    # The formula at the steps as float32 holds them (2**31 - 1 is 2**31); negative steps are 0.
    # An eager call runs one compiled program with the schedule as an argument (the jit mode
    # that takes the schedule as an argument is the same program).
    out = lr(jnp.asarray(STEPS))
    assert out.shape == STEPS.shape and out.dtype == jnp.float32 and np.all(np.isfinite(out))
    _close(out, case.expected(np.float32(STEPS)), case.rtol)
    np.testing.assert_array_equal(out[:4], np.full(4, lr(0)))  # exactly step 0


@by_id
def test_scalar_in_scalar_out(case: Case):
    lr = case.build()
    # Each step type is a program of its own: every type for a few cases, two for the rest.
    many = case.id in {c.id for c in STRUCTURES[:3]}
    kinds = (
        (0, 17, jnp.int32(3), jnp.float32(2.0), np.int64(5), jnp.uint8(200))
        if many
        else (jnp.float32(17.0),)
    )
    for step in kinds:
        out = lr(step)
        assert out.shape == () and out.dtype == jnp.float32
        _close(out, case.expected(float(step)))
    out = jax.eval_shape(lr, jax.ShapeDtypeStruct((2, 3), jnp.int32))  # traced: no compilation
    assert out.shape == (2, 3) and out.dtype == jnp.float32


@by_structure
@pytest.mark.parametrize("dtype", [jnp.int32])  # float steps: test_scalar_in_scalar_out
def test_jit_closing_over_the_schedule_equals_eager(case: Case, dtype):
    # Eager calls run one compiled program with the hyperparameters as arguments; a jit that
    # closes over the schedule folds them in as constants, and XLA rewrites around them.
    lr = case.build()
    steps = jnp.arange(0, 250, dtype=dtype)
    eager = lr(steps)
    jitted = jax.jit(lambda t: lr(t))(steps)
    # XLA fuses (reciprocals, FMAs, vectorized sin): equal to a few roundings, not bit for bit.
    np.testing.assert_allclose(eager, jitted, rtol=max(5e-7, case.rtol), atol=0)
    assert jitted.dtype == eager.dtype == jnp.float32  # the step's dtype never changes it


@by_id
def test_int64_steps_with_x64(case: Case):
    with jax.enable_x64(True):
        lr = case.build()
        steps = jnp.asarray(np.r_[0:250, 10**12], jnp.int64)
        eager = lr(steps)
        assert eager.dtype == jnp.float64
        _close(eager, case.expected(np.asarray(steps), np.float64), rtol=1e-12)


@by_structure
def test_vmap_over_each_hyperparameter(case: Case):
    steps = jnp.arange(0, 260, 3)
    # Every numeric argument traced at once (one compilation), one of them varied at a time.
    run = jax.jit(jax.vmap(lambda kwargs: case.build(**kwargs)(steps)))
    for name in case.numeric_args():
        values = case.sweep(name)
        if any(isinstance(v, float) for v in values):
            values = [float(v) for v in values]
        batch = {k: jnp.asarray([v] * 3) for k, v in case.kwargs.items() if k != name}
        out = run({**batch, name: jnp.asarray(values)})
        expected = np.stack([case.expected(np.asarray(steps), **{name: v}) for v in values])
        _close(out, expected, case.rtol)


@by_structure
def test_compiles_once_across_values(case: Case):
    traces = []

    @jax.jit
    def evaluate(schedule, steps):
        traces.append(schedule)
        return schedule(steps)

    steps = jnp.arange(300)
    for kwargs in case.variants():
        out = evaluate(case.build(**kwargs), steps)
        _close(out, case.expected(np.asarray(steps), **kwargs), case.rtol)
    assert len(traces) == 1


@by_structure
def test_stack_is_a_sweep(case: Case):
    variants = case.variants()
    stacked = sx.stack([case.build(**kw) for kw in variants])
    steps = jnp.arange(300)
    out = sweep(stacked, steps)
    expected = np.stack([case.expected(np.asarray(steps), **kw) for kw in variants])
    _close(out, expected, case.rtol)


def _grad_steps(case: Case) -> np.ndarray:
    """Steps away from kinks (the horizon, period edges), where the formula is smooth."""
    steps = np.array([0.0, 1.0, 10.5, 20.5, 36.5, 50.5, 99.5, 150.5, 199.5, 260.5, 1000.5])
    return steps[np.abs(steps - case.horizon) > 0.25]


@by_id
def test_grad_matches_finite_differences(case: Case):
    # In float64, so the comparison with central differences of the numpy formula is tight.
    with jax.enable_x64(True):
        x0 = {name: jnp.float64(case.kwargs[name]) for name in case.floats}
        steps = _grad_steps(case)
        grads = jax.jit(jax.vmap(jax.grad(lambda x, t: case.build(**x)(t)), in_axes=(None, 0)))(
            x0, jnp.asarray(steps)
        )
        for name in case.floats:
            x = float(x0[name])
            h = 1e-5 * max(abs(x), 1e-2)  # above float64 noise, below curvature
            f = {k: case.expected(steps, np.float64, **{name: x + k * h}) for k in (-2, -1, 1, 2)}
            fd = (f[-2] - 8 * f[-1] + 8 * f[1] - f[2]) / (12 * h)  # fourth order
            np.testing.assert_allclose(grads[name], fd, rtol=1e-6, atol=1e-9, err_msg=f"d/d{name}")


def test_grad_finite_everywhere():
    # One structure per curve, every numeric argument (step counts too, as floats), at every
    # step of STEPS; all structures in one compiled program.
    steps = jnp.asarray(STEPS)

    def grads(case: Case, args: dict) -> dict:
        return jax.vmap(jax.grad(lambda a, t: case.build(**a)(t)), in_axes=(None, 0))(args, steps)

    args = [{k: jnp.float32(case.kwargs[k]) for k in case.numeric_args()} for case in STRUCTURES]
    everything = jax.jit(lambda args: [grads(c, a) for c, a in zip(STRUCTURES, args, strict=True)])
    for case, case_grads in zip(STRUCTURES, everything(args), strict=True):
        for name, g in case_grads.items():
            assert np.all(np.isfinite(g)), f"{case.id}: {name}"


def test_count_hyperparameters_are_differentiable_when_float():
    # d/d steps of init + (end - init) * t / steps at t < steps is -(end - init) * t / steps**2.
    g = jax.grad(lambda n: sx.linear_schedule(0.0, 1.0, n)(25))(50.0)
    np.testing.assert_allclose(g, -25 / 50**2, rtol=1e-6)


# ----------------------------------------------------------------------------- dtype policy


@pytest.mark.parametrize("dtype", [jnp.bfloat16, jnp.float16, jnp.float32])
def test_floating_array_hyperparameters_keep_their_dtype(dtype):
    lr = sx.cosine_decay(jnp.asarray(0.1, dtype), 100, end=0.0)
    out = lr(jnp.arange(0, 150, 10))
    assert out.dtype == dtype
    init = float(jnp.asarray(0.1, dtype))  # as stored
    expected = np_cosine(np.arange(0, 150, 10), init, 100)
    # Computed in float32, rounded once to the output dtype.
    np.testing.assert_allclose(
        np.asarray(out, np.float64), expected, rtol=float(jnp.finfo(dtype).eps) / 2 + 1e-6
    )


def test_python_numbers_give_the_default_float():
    assert sx.exponential_decay(1, 0.5)(3).dtype == jnp.float32
    with jax.enable_x64(True):
        assert sx.exponential_decay(1, 0.5)(3).dtype == jnp.float64
        assert sx.exponential_decay(jnp.float32(1), 0.5)(jnp.int64(3)).dtype == jnp.float32


def test_lambda_lr_hands_the_function_the_step_in_its_dtype():
    seen = []

    def fn(step):
        seen.append(step.dtype)
        return 0.5 / (1.0 + jnp.asarray(step, jnp.float32))

    out = sx.lambda_lr(fn)(jnp.asarray([-3, 0, 1, 3]))
    _close(out, 0.5 / (1.0 + np.array([0.0, 0.0, 1.0, 3.0])))
    assert seen[-1] == jnp.int32
    sx.lambda_lr(fn)(jnp.asarray([0.5]))
    assert seen[-1] == jnp.float32
    # Integer steps in, integer steps to the function: a table lookup works (issue 11, item 17),
    # in a join too, where the function gets its own local step.
    table = jnp.array([1.0, 2.0, 3.0])
    _close(sx.lambda_lr(lambda t: table[t])(jnp.arange(3)), table)
    joined = sx.join_schedules([sx.constant_lr(9.0), sx.lambda_lr(lambda t: table[t])], [2])
    _close(joined(jnp.arange(5)), np.array([9.0, 9.0, 1.0, 2.0, 3.0]))
    _close(sx.join_schedules([lambda t: table[t]], [])(jnp.arange(3)), table)
    assert sx.lambda_lr(lambda s: 1)(jnp.arange(2)).dtype == jnp.float32  # int result -> float
    assert sx.lambda_lr(lambda s: (0.1 * s).astype(jnp.bfloat16))(2).dtype == jnp.bfloat16


# ----------------------------------------------------------------------------- repr and PyTree


def test_repr_shows_kind_and_hyperparameters():
    assert (
        repr(sx.cosine_decay(0.1, 1000, end=0.001))
        == "cosine_decay(init=0.1, decay_steps=1000, end=0.001)"
    )
    # An alias builds the curve it maps onto, and shows that call; defaults are left out.
    assert repr(sx.step_lr(0.5, 10)) == (
        "exponential_decay(init=0.5, decay_rate=0.1, decay_steps=10, staircase=True)"
    )
    assert repr(sx.cosine_decay(0.1, 10)) == "cosine_decay(init=0.1, decay_steps=10)"
    assert (
        repr(sx.stack([sx.constant_lr(1.0), sx.constant_lr(2.0)])) == "constant_lr(lr=[1.0, 2.0])"
    )
    assert "lambda_lr(lr_lambda=" in repr(sx.lambda_lr(abs))


def test_schedules_are_immutable_pytrees_with_array_leaves():
    lr = sx.cosine_decay(0.1, 100, end=0.01)
    with pytest.raises(AttributeError):
        lr.init = 0.2  # type: ignore[misc]
    leaves, treedef = jax.tree.flatten(lr)
    assert all(isinstance(x, jax.Array) for x in leaves) and len(leaves) == 3
    doubled = jax.tree.map(lambda x: x * 2, lr)
    _close(doubled(50), 0.02 + 0.18 * 0.5 * (1 + np.cos(np.pi * 50 / 200)))
    assert jax.tree.structure(sx.lambda_lr(abs)) != jax.tree.structure(sx.lambda_lr(round))


def test_different_kinds_have_different_tree_structures():
    # jax 0.10.2's register_dataclass made these equal, and jit then reused one kind's program
    # for the other: an inverse_sqrt evaluated as the linear_schedule compiled before it.
    a, b = sx.linear_schedule(0.0, 1.0, 10), sx.inverse_sqrt(0.01, 40, init=0.001)
    assert jax.tree.structure(a) != jax.tree.structure(b)
    evaluate = jax.jit(lambda s, t: s(t))
    np.testing.assert_allclose(evaluate(a, jnp.arange(3)), [0.0, 0.1, 0.2], rtol=1e-6)
    np.testing.assert_allclose(evaluate(b, jnp.arange(3)), [0.001, 0.001225, 0.00145], rtol=1e-6)


def test_public_surface_is_all():
    public = {name for name in dir(sx) if not name.startswith("_")} - {"compat"}  # subpackage
    assert public == set(sx.__all__)
    assert {"Schedule", "stack", "join_schedules", "cosine_decay", "step_lr"} <= public


def test_optax_accepts_schedules_as_learning_rate():
    lr = sx.join_schedules([sx.linear_schedule(0.0, 0.1, 5), sx.cosine_decay(0.1, 20)], [5])
    opt = optax.sgd(learning_rate=lr)
    params = jnp.ones(3)
    state = opt.init(params)

    def step(carry, _):
        params, state = carry
        updates, state = opt.update(jnp.ones(3), state, params)
        return (optax.apply_updates(params, updates), state), None

    (params, _), _ = jax.lax.scan(step, (params, state), length=30)
    taken = np.sum([float(lr(k)) for k in range(30)])
    np.testing.assert_allclose(params, 1.0 - taken, rtol=1e-5)
