"""join_schedules: meaning, validation, traced boundaries, gradients and cost."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from conftest import np_cosine as cosine

import schedax as sx


def np_join(pieces, boundaries, t):
    """The join's meaning in numpy: piece i = #{b <= t} sees t - b_i."""
    t = np.maximum(np.asarray(t, np.float64), 0)
    starts = np.concatenate([[0.0], np.asarray(boundaries, np.float64)])
    index = np.searchsorted(np.asarray(boundaries, np.float64), t, side="right")
    return np.array([pieces[i](x - starts[i]) for i, x in zip(index, t, strict=True)])


def np_linear(init, end, n):
    return lambda t: init + (end - init) * min(t, n) / n


def np_cosine(init, n, end=0.0):
    return lambda t: cosine(t, init, n, end)


def np_exponential(init, rate):
    return lambda t: init * rate**t


def np_step(init, rate, size):
    return lambda t: init * rate ** np.floor(t / size)


F32 = np.float32  # hyperparameters as schedax stores them

STEPS = np.arange(-3, 700)


def test_mixed_kinds_with_zero_length_pieces():
    boundaries = [25, 100, 100, 180, 180, 500]
    pieces = [
        sx.linear_schedule(0.0, 0.2, 25),
        sx.exponential_decay(0.2, 0.99),
        sx.step_decay(0.05, 0.5, 20),  # zero length: never active
        sx.cosine_decay(0.02, 100, end=0.001),
        sx.linear_schedule(1.0, 2.0, 10),  # zero length
        sx.step_decay(0.01, 0.9, 30),
        sx.cosine_decay(0.003, 150),
    ]
    reference = [
        np_linear(0.0, F32(0.2), 25),
        np_exponential(F32(0.2), F32(0.99)),
        None,
        np_cosine(F32(0.02), 100, F32(0.001)),
        None,
        np_step(F32(0.01), F32(0.9), 30),
        np_cosine(F32(0.003), 150),
    ]
    lr = sx.join_schedules(pieces, boundaries)
    expected = np_join(reference, boundaries, STEPS)
    np.testing.assert_allclose(lr(jnp.asarray(STEPS)), expected, rtol=2e-6, atol=1e-10)
    scan = jax.lax.scan(lambda c, k: (c, lr(k)), None, jnp.asarray(STEPS))[1]
    np.testing.assert_allclose(scan, expected, rtol=2e-6, atol=1e-10)


def test_same_kind_pieces_share_one_table():
    pieces = [sx.cosine_decay(0.1 / (k + 1), 30 + 7 * k, end=0.001 * k) for k in range(40)]
    boundaries = [40 * (k + 1) for k in range(39)]
    lr = sx.join_schedules(pieces, boundaries)
    assert len(lr.tables) == 1 and lr.tables[0].init.shape == (40,)
    reference = [np_cosine(F32(0.1 / (k + 1)), 30 + 7 * k, F32(0.001 * k)) for k in range(40)]
    steps = np.arange(0, 1700)
    np.testing.assert_allclose(
        lr(jnp.asarray(steps)), np_join(reference, boundaries, steps), rtol=2e-6, atol=1e-10
    )


def test_boundary_at_zero_and_single_schedule():
    lr = sx.join_schedules([sx.constant_lr(1.0), sx.constant_lr(2.0), sx.constant_lr(3.0)], [0, 5])
    np.testing.assert_array_equal(lr(jnp.arange(8)), [2, 2, 2, 2, 2, 3, 3, 3])
    single = sx.join_schedules([sx.cosine_decay(0.1, 10)], [])
    np.testing.assert_array_equal(single(jnp.arange(12)), sx.cosine_decay(0.1, 10)(jnp.arange(12)))


def test_joins_nest():
    inner = sx.join_schedules(
        [sx.cosine_decay(0.1, 50, end=0.01), sx.step_decay(0.01, 0.5, 25)], [50]
    )
    outer = sx.join_schedules([sx.linear_schedule(0.0, 0.1, 20), inner], [20])

    def np_inner(t):
        pieces = [np_cosine(F32(0.1), 50, F32(0.01)), np_step(F32(0.01), 0.5, 25)]
        return np_join(pieces, [50], [t])[0]

    expected = np_join([np_linear(0.0, F32(0.1), 20), np_inner], [20], STEPS)
    np.testing.assert_allclose(outer(jnp.asarray(STEPS)), expected, rtol=2e-6, atol=1e-10)
    # Two joins of the same structure are one kind, stacked into one table.
    twice = sx.join_schedules([outer, outer], [300])
    assert len(twice.tables) == 1
    np.testing.assert_allclose(
        twice(jnp.asarray(STEPS)),
        np.concatenate([expected[:303], expected[3:403]]),
        rtol=2e-6,
        atol=1e-10,
    )


def test_plain_callables_and_optax_schedules_match_optax_join():
    warmup = optax.linear_schedule(0.0, 0.1, 30)
    decay = optax.cosine_decay_schedule(0.1, 200, alpha=0.05)
    steps = jnp.arange(0, 400)
    with jax.numpy_dtype_promotion("standard"):  # optax mixes int steps with floats
        theirs = optax.join_schedules(
            [warmup, decay, lambda s: jnp.full(jnp.shape(s), 0.005)], [30, 230]
        )(steps)
        theirs_mixed = optax.join_schedules([warmup, decay], [30])(steps)
    ours = sx.join_schedules([warmup, decay, lambda s: jnp.full(jnp.shape(s), 0.005)], [30, 230])
    mixed = sx.join_schedules([sx.linear_schedule(0.0, 0.1, 30), decay], [30])
    with jax.numpy_dtype_promotion("standard"):  # the pieces get integer steps, as in optax
        np.testing.assert_allclose(ours(steps), theirs, rtol=2e-6, atol=1e-9)
        # Scalar steps in a scan run only the active piece (lax.switch).
        scan = jax.lax.scan(lambda c, k: (c, ours(k)), None, steps)[1]
        np.testing.assert_allclose(scan, theirs, rtol=2e-6, atol=1e-9)
        # Mixed schedax and plain pieces.
        np.testing.assert_allclose(mixed(steps), theirs_mixed, rtol=2e-6, atol=1e-9)


def _inverse_sqrt_join(v):
    return [
        sx.linear_schedule(0.0, v, 100),
        lambda s: v * jnp.sqrt(100.0 / (jnp.asarray(s, jnp.float32) + 100.0)),
    ], [100]


def test_no_nan_gradient_from_an_inactive_piece():
    steps = jnp.arange(0, 300)

    def ours(v, t):
        return sx.join_schedules(*_inverse_sqrt_join(v))(t)

    def theirs(v, t):
        pieces, boundaries = _inverse_sqrt_join(v)
        return optax.join_schedules([optax.linear_schedule(0.0, v, 100), pieces[1]], boundaries)(t)

    grads = jax.jit(jax.vmap(jax.grad(ours), in_axes=(None, 0)))(1.0, steps)
    assert np.all(np.isfinite(grads))
    # d lr / d v is lr / v: t / 100 during warmup, sqrt(100 / t) after.
    t = np.arange(300.0)
    np.testing.assert_allclose(
        grads, np.where(t < 100, t / 100, np.sqrt(100 / np.maximum(t, 100))), rtol=1e-6
    )
    # The same join in optax hands the inactive piece step -100 at step 0: a NaN gradient.
    with jax.numpy_dtype_promotion("standard"):
        assert np.isnan(jax.grad(theirs)(1.0, jnp.asarray(0)))
    # The example: 1/sqrt(step) is never evaluated at step 50 with a scalar step.
    g = jax.grad(
        lambda v: sx.join_schedules(
            [sx.linear_schedule(0.0, v, 100), lambda s: v * jnp.sqrt(100 / s)], [100]
        )(50)
    )(1.0)
    np.testing.assert_allclose(g, 0.5, rtol=1e-6)


def test_a_user_function_singular_at_its_own_start_leaks_nothing_at_scalar_steps():
    # The join: lambda_lr's v * sqrt(100 / s) is infinite at its own step 0, so any
    # path that evaluates inactive pieces gave a NaN gradient at step 50 (bare function: 0.5).
    def lr(v, t):
        pieces = [sx.linear_schedule(0.0, v, 100), sx.lambda_lr(lambda s: v * jnp.sqrt(100 / s))]
        return sx.join_schedules(pieces, [100])(t)

    np.testing.assert_allclose(jax.grad(lr)(1.0, 50), 0.5, rtol=1e-6)
    np.testing.assert_allclose(jax.grad(lr)(1.0, 150), np.sqrt(100 / 50), rtol=1e-6)

    # The same in a training loop: the gradient of the summed lrs of steps 0..99 and 101..299
    # through lax.scan (step 100 itself is the function's own singular step 0).
    def total(v):
        steps = jnp.concatenate([jnp.arange(100), jnp.arange(101, 300)])
        return jax.lax.scan(lambda c, t: (c + lr(v, t), None), 0.0, steps)[0]

    t = np.concatenate([np.arange(100.0), np.arange(101.0, 300.0)])
    expected = np.sum(np.where(t < 100, t / 100, np.sqrt(100 / np.maximum(t - 100, 1))))
    np.testing.assert_allclose(jax.grad(total)(1.0), expected, rtol=1e-5)


def test_vmap_over_a_traced_warmup_length():
    steps = jnp.arange(0, 300)
    warmups = jnp.asarray([0, 1, 10, 50, 100])

    def run(w):
        return sx.join_schedules(
            [sx.linear_schedule(0.0, 0.1, jnp.maximum(w, 1)), sx.cosine_decay(0.1, 200)], [w]
        )(steps)

    out = jax.jit(jax.vmap(run))(warmups)
    for row, w in zip(out, np.asarray(warmups), strict=True):
        expected = np_join(
            [np_linear(0.0, F32(0.1), max(w, 1)), np_cosine(F32(0.1), 200)], [w], np.asarray(steps)
        )
        np.testing.assert_allclose(row, expected, rtol=2e-6, atol=1e-10)


def test_traced_boundaries_are_clamped():
    pieces = [sx.constant_lr(1.0), sx.constant_lr(2.0), sx.constant_lr(3.0)]
    run = jax.jit(lambda b: sx.join_schedules(pieces, b)(jnp.arange(8)))
    np.testing.assert_array_equal(run(jnp.asarray([5, 2])), [1, 1, 1, 1, 1, 3, 3, 3])  # as [5, 5]
    np.testing.assert_array_equal(run(jnp.asarray([-4, 3])), [2, 2, 2, 3, 3, 3, 3, 3])  # as [0, 3]


def test_grad_with_respect_to_boundaries_and_pieces():
    def lr(params, t):
        w, peak = params
        return sx.join_schedules(
            [sx.linear_schedule(0.0, peak, w), sx.cosine_decay(peak, 100.0)], [w]
        )(t)

    params = (jnp.float32(20.0), jnp.float32(0.1))
    grads = jax.jit(jax.vmap(jax.grad(lr), in_axes=(None, 0)))(params, jnp.arange(0, 200))
    assert all(np.all(np.isfinite(g)) for g in grads)
    # After warmup, d/dw of peak * cos-factor(t - w): central differences in float64 numpy.
    t, h = 60.0, 1e-3
    f = lambda w: np_cosine(0.1, 100)(t - w)  # noqa: E731
    np.testing.assert_allclose(grads[0][60], (f(20 + h) - f(20 - h)) / (2 * h), rtol=1e-3)


def test_compiles_once_across_boundaries_and_values():
    traces = []

    @jax.jit
    def evaluate(schedule, t):
        traces.append(1)
        return schedule(t)

    for w, peak in [(10, 0.1), (50, 0.3), (0, 1.0)]:
        lr = sx.join_schedules(
            [sx.linear_schedule(0.0, peak, 100), sx.cosine_decay(peak, 100)], [w]
        )
        expected = np_join(
            [np_linear(0.0, F32(peak), 100), np_cosine(F32(peak), 100)], [w], np.arange(300)
        )
        np.testing.assert_allclose(evaluate(lr, jnp.arange(300)), expected, rtol=2e-6, atol=1e-10)
    assert len(traces) == 1


def test_stacked_joins_are_a_sweep():
    configs = [(10, 0.1), (40, 0.2), (75, 0.05)]
    joins = [
        sx.join_schedules([sx.linear_schedule(0.0, p, w), sx.cosine_decay(p, 200)], [w])
        for w, p in configs
    ]
    steps = jnp.arange(300)
    out = jax.jit(jax.vmap(lambda s: s(steps)))(sx.stack(joins))
    for row, (w, p) in zip(out, configs, strict=True):
        expected = np_join([np_linear(0.0, F32(p), w), np_cosine(F32(p), 200)], [w], np.arange(300))
        np.testing.assert_allclose(row, expected, rtol=2e-6, atol=1e-10)


def _join_of(n: int, kinds: int = 1) -> sx.Schedule:
    """`n` pieces of `kinds` kinds in turn (cosine, linear, exponential, step)."""
    makers = [
        lambda k: sx.cosine_decay(0.1, 100 + k),
        lambda k: sx.linear_schedule(0.1, 0.0, 100 + k),
        lambda k: sx.exponential_decay(0.1, 0.99),
        lambda k: sx.step_decay(0.1, 0.9, 10 + k),
    ][:kinds]
    return sx.join_schedules(
        [makers[k % kinds](k) for k in range(n)], [100 * (k + 1) for k in range(n - 1)]
    )


@functools.lru_cache
def _hlo_size(n: int, kinds: int = 1) -> int:
    lr = _join_of(n, kinds)
    return (
        jax.jit(lambda s, t: s(t)).lower(lr, jnp.arange(10)).as_text().count("\n")
    )  # instructions


def test_program_size_grows_at_most_logarithmically():
    # optax's join adds a where() and a whole piece per piece (~36 HLO lines each). Ours is one
    # table lookup per kind of piece plus a search: a compare and a select per boundary up to 4
    # boundaries, a binary search of log2(N) levels past that.
    assert _hlo_size(5) - _hlo_size(2) <= 3 * 8  # three more unrolled boundaries
    assert _hlo_size(17) - _hlo_size(6) <= 2 * 20  # 3 -> 5 levels of the binary search
    assert _hlo_size(1024) - _hlo_size(64) <= 4 * 20  # four doublings
    assert _hlo_size(1024) - _hlo_size(2) <= 9 * 20 + 30  # nine doublings, 7 first-level selects
    assert _hlo_size(512, kinds=4) - _hlo_size(64, kinds=4) <= 3 * 20


def _loop_bytes(n):
    """What XLA counts one step of a scan over an `n`-piece mixed join to read and write, the
    join closed over (its tables constants), as `optax.adam(schedule)` in a jitted step holds
    it."""
    lr = _join_of(n, kinds=4)
    scan = jax.jit(lambda t: jax.lax.scan(lambda c, k: (c, lr(k)), None, t)[1])
    return scan.lower(jnp.arange(10)).compile().cost_analysis()["bytes accessed"]


def test_a_closed_over_join_keeps_its_loop_step_small():
    # Columns with one value (every exponential piece's rate) were constants XLA folded into
    # broadcasts and rebuilt at every step, past the 1024 bytes under which XLA:CPU compiles a
    # loop into one function (17x slower past it).
    assert _loop_bytes(128) - _loop_bytes(8) <= 128


def test_repr_lists_the_pieces():
    lr = sx.join_schedules([sx.linear_schedule(0.0, 0.1, 10), sx.cosine_decay(0.1, 200)], [10])
    assert repr(lr) == (
        "join_schedules(schedules=[linear_schedule(init=0.0, end=0.1, steps=10), "
        "cosine_decay(init=0.1, decay_steps=200)], boundaries=[10])"
    )


def test_repr_inside_a_trace_adds_no_operations():
    # jax.vmap(schedule) and jax.jit(schedule) call str() on the schedule while tracing: the
    # pieces are shown without slicing the tables (it was 640 operations for 128 pieces).
    lr = sx.join_schedules([sx.cosine_decay(0.1 / (k + 1), 10 + k) for k in range(128)],
                           list(range(10, 1280, 10)))  # fmt: skip
    texts = []
    jaxpr = jax.make_jaxpr(lambda s: texts.append(str(s)) or s.boundaries)(lr)
    assert not jaxpr.eqns
    assert texts[0].startswith("join_schedules(schedules=[cosine_decay(init=f32[], decay_steps=")
    assert texts[0].count("cosine_decay(") == 128


@pytest.mark.parametrize(
    "schedules, boundaries, error, match",
    [
        (
            [],
            [],
            ValueError,
            r"join_schedules: schedules must hold at least one schedule, got \[\]",
        ),
        (
            [sx.constant_lr(1.0)] * 3,
            [1],
            ValueError,
            r"join_schedules: got 3 schedules but 1 boundary; need len\(boundaries\) == len\(schedules\) - 1",
        ),
        ([sx.constant_lr(1.0)] * 2, [1, 2], ValueError, r"got 2 schedules but 2 boundaries"),
        (
            [sx.constant_lr(1.0)] * 3,
            [10, 5],
            ValueError,
            r"join_schedules: boundaries must be non-decreasing, got \[10, 5\]",
        ),
        (
            [sx.constant_lr(1.0)] * 2,
            [-1],
            ValueError,
            r"join_schedules: boundaries must be >= 0, got \[-1\]",
        ),
        (
            [sx.constant_lr(1.0)] * 2,
            [float("nan")],
            ValueError,
            r"join_schedules: boundaries must be finite, got \[nan\]",
        ),
        (
            [sx.constant_lr(1.0)] * 2,
            10,
            TypeError,
            r"join_schedules: boundaries must be a sequence of steps, got int 10",
        ),
        (
            [sx.constant_lr(1.0)] * 2,
            ["10"],
            TypeError,
            r"join_schedules: boundaries must hold numbers of steps, got str '10'",
        ),
        (
            [sx.constant_lr(1.0), 0.1],
            [5],
            TypeError,
            r"join_schedules: schedules\[1\] must be a schedule or a callable step -> lr, got float 0.1; wrap a constant",
        ),
        (
            sx.constant_lr(1.0),
            [],
            TypeError,
            r"join_schedules: schedules must be a sequence of schedules, got constant_lr\(lr=1.0\); pass a list",
        ),
    ],
)
def test_bad_arguments(schedules, boundaries, error, match):
    with pytest.raises(error, match=match):
        sx.join_schedules(schedules, boundaries)
