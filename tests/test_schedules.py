"""The core contract, checked on every stateless schedule against numpy closed forms."""

from __future__ import annotations

import functools
import pathlib

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


def _close(actual, expected, rtol=1e-6):
    np.testing.assert_allclose(
        np.asarray(actual, np.float64), expected, rtol=rtol, atol=1e-7 * rtol
    )


# Each test below checks one case, but reads it from one compiled program that evaluates every
# case at once (computed once per test process): many small programs cost three times the
# compilation of one that holds them all.


def _index(cases: list[Case], case: Case) -> int:
    return [c.id for c in cases].index(case.id)


@functools.cache
def _on_steps() -> list:
    """Every case at STEPS and at step 0, the schedules as arguments (the eager program)."""
    run = jax.jit(lambda ss, t: [(s(t), s(jnp.int32(0)), s(jnp.float32(17.0))) for s in ss])
    return run([case.build() for case in CASES], jnp.asarray(STEPS))


@by_id
def test_matches_closed_form(case: Case):
    # The formula at the steps as float32 holds them (2**31 - 1 is 2**31); negative steps are 0.
    out, zero, _ = _on_steps()[_index(CASES, case)]
    assert out.shape == STEPS.shape and out.dtype == jnp.float32 and np.all(np.isfinite(out))
    _close(out, case.expected(np.float32(STEPS)), case.rtol)
    np.testing.assert_array_equal(out[:4], np.full(4, zero))  # exactly step 0


@by_id
def test_scalar_in_scalar_out(case: Case):
    _, zero, seventeen = _on_steps()[_index(CASES, case)]
    for out, step in ((zero, 0), (seventeen, 17.0)):
        assert out.shape == () and out.dtype == jnp.float32
        _close(out, case.expected(step))
    # Each step type is an eager program of its own: every type for a few cases.
    if case.id in {c.id for c in STRUCTURES[:3]}:
        lr = case.build()
        for step in (0, 17, jnp.int32(3), jnp.float32(2.0), np.int64(5), jnp.uint8(200)):
            out = lr(step)
            assert out.shape == () and out.dtype == jnp.float32
            _close(out, case.expected(float(step)))
    out = jax.eval_shape(case.build(), jax.ShapeDtypeStruct((2, 3), jnp.int32))  # traced
    assert out.shape == (2, 3) and out.dtype == jnp.float32


@functools.cache
def _closed_over() -> tuple:
    # Eager calls run one compiled program with the hyperparameters as arguments; a jit that
    # closes over the schedule folds them in as constants, and XLA rewrites around them.
    schedules, steps = [case.build() for case in STRUCTURES], jnp.arange(0, 250, dtype=jnp.int32)
    as_arguments = jax.jit(lambda ss: [s(steps) for s in ss])(schedules)
    closed_over = jax.jit(lambda: [s(steps) for s in schedules])()
    return as_arguments, closed_over


@by_structure
def test_jit_closing_over_the_schedule_equals_eager(case: Case):
    i = _index(STRUCTURES, case)
    eager, jitted = _closed_over()[0][i], _closed_over()[1][i]
    # XLA fuses (reciprocals, FMAs, vectorized sin): equal to a few roundings, not bit for bit.
    np.testing.assert_allclose(eager, jitted, rtol=max(5e-7, case.rtol), atol=0)
    assert jitted.dtype == eager.dtype == jnp.float32  # the step's dtype never changes it


X64_STEPS = np.r_[0:250, 10**12]


@functools.cache
def _x64() -> list:
    with jax.enable_x64(True):
        run = jax.jit(lambda ss, t: [s(t) for s in ss])
        return run([case.build() for case in CASES], jnp.asarray(X64_STEPS, jnp.int64))


@by_id
def test_int64_steps_with_x64(case: Case):
    out = _x64()[_index(CASES, case)]
    assert out.dtype == jnp.float64
    _close(out, case.expected(X64_STEPS, np.float64), rtol=1e-12)


SWEEP_STEPS = jnp.arange(0, 260, 3)


def _one_at_a_time(case: Case) -> dict:
    """Every numeric argument as a batch: its sweep values, one argument varied at a time."""
    rows = [{**case.kwargs, name: v} for name in case.numeric_args() for v in case.sweep(name)]
    floats = {n for n in case.numeric_args() if any(isinstance(v, float) for v in case.sweep(n))}
    return {k: jnp.asarray([float(r[k]) if k in floats else r[k] for r in rows])
            for k in case.kwargs}  # fmt: skip


@functools.cache
def _vmapped() -> list:
    # Every numeric argument traced at once, every structure in one program.
    def run(batches):
        return [jax.vmap(lambda kw, c=c: c.build(**kw)(SWEEP_STEPS))(b)
                for c, b in zip(STRUCTURES, batches, strict=True)]  # fmt: skip

    return jax.jit(run)([_one_at_a_time(case) for case in STRUCTURES])


@by_structure
def test_vmap_over_each_hyperparameter(case: Case):
    out = _vmapped()[_index(STRUCTURES, case)]
    expected = [case.expected(np.asarray(SWEEP_STEPS), **{name: v})
                for name in case.numeric_args() for v in case.sweep(name)]  # fmt: skip
    _close(out, np.stack(expected), case.rtol)


def test_compiles_once_across_values():
    traces = []

    @jax.jit
    def evaluate(schedules, steps):
        traces.append(1)
        return [s(steps) for s in schedules]

    steps = jnp.arange(300)
    for i in range(3):  # every structure with other values: one compilation for all
        schedules = [case.build(**case.variants()[i]) for case in STRUCTURES]
        for case, out in zip(STRUCTURES, evaluate(schedules, steps), strict=True):
            _close(out, case.expected(np.asarray(steps), **case.variants()[i]), case.rtol)
    assert len(traces) == 1


@functools.cache
def _stacked() -> list:
    stacked = [sx.stack([case.build(**kw) for kw in case.variants()]) for case in STRUCTURES]
    return jax.jit(lambda ss: [jax.vmap(lambda s: s(jnp.arange(300)))(s) for s in ss])(stacked)


@by_structure
def test_stack_is_a_sweep(case: Case):
    out = _stacked()[_index(STRUCTURES, case)]
    expected = [case.expected(np.arange(300), **kw) for kw in case.variants()]
    _close(out, np.stack(expected), case.rtol)


def _grad_steps(case: Case) -> np.ndarray:
    """Steps away from kinks (the horizon, period edges), where the formula is smooth."""
    steps = np.array([0.0, 1.0, 10.5, 20.5, 36.5, 50.5, 99.5, 150.5, 199.5, 260.5, 1000.5])
    return steps[np.abs(steps - case.horizon) > 0.25]


@functools.cache
def _grads() -> list:
    # In float64, so the comparison with central differences of the numpy formula is tight.
    with jax.enable_x64(True):

        def grads(case: Case, x0: dict):
            f = jax.grad(lambda x, t: case.build(**x)(t))
            return jax.vmap(f, in_axes=(None, 0))(x0, jnp.asarray(_grad_steps(case)))

        x0 = [{n: jnp.float64(case.kwargs[n]) for n in case.floats} for case in CASES]
        return jax.jit(lambda xs: [grads(c, x) for c, x in zip(CASES, xs, strict=True)])(x0)


@by_id
def test_grad_matches_finite_differences(case: Case):
    grads, steps = _grads()[_index(CASES, case)], _grad_steps(case)
    for name in case.floats:
        x = float(case.kwargs[name])
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
    assert all(isinstance(x, jax.Array) for x in leaves) and len(leaves) == 4  # offset too
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
    # __all__ is written out (issue 26: computed from dir(), this test could not fail).
    public = {name for name in dir(sx) if not name.startswith("_")} - {"compat"}  # subpackage
    assert public == set(sx.__all__) and len(sx.__all__) == len(set(sx.__all__))
    assert sx.__all__ == sorted(sx.__all__)
    source = (pathlib.Path(sx.__file__)).read_text()
    assert "dir()" not in source
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
