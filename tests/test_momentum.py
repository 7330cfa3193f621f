"""The momentum counterparts of the cycles (torch's `cycle_momentum=True`): `.momentum` of
`one_cycle` and `cyclic`, against torch's formulas in numpy (tests/cases.py)."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from cases import _cyclic, _one_cycle_momentum

import schedax as sx

STEPS = np.arange(0, 320)


def _cyclic_momentum(t, base_momentum, max_momentum, **kw):
    # torch's CyclicLR: max_momentum - (max_momentum - base_momentum) * x * scale
    return max_momentum - (max_momentum - base_momentum) * _cyclic(t, 0.0, 1.0, **kw)


CYCLES = [
    (sx.one_cycle(0.1, 200), _one_cycle_momentum, dict(total_steps=200)),
    (sx.one_cycle(0.1, 240, pct_start=0.25, anneal="linear", three_phase=True,
                  base_momentum=0.8, max_momentum=0.9), _one_cycle_momentum,
     dict(total_steps=240, pct_start=0.25, anneal="linear", three_phase=True,
          base_momentum=0.8, max_momentum=0.9)),
    (sx.cyclic(0.01, 0.1, 20), _cyclic_momentum,
     dict(step_size_up=20, base_momentum=0.8, max_momentum=0.9)),
    (sx.cyclic(0.01, 0.1, 15, 25, mode="triangular2", base_momentum=0.85, max_momentum=0.95),
     _cyclic_momentum, dict(step_size_up=15, step_size_down=25, mode="triangular2",
                            base_momentum=0.85, max_momentum=0.95)),
    (sx.cyclic(0.01, 0.1, 10, mode="exp_range", gamma=0.99), _cyclic_momentum,
     dict(step_size_up=10, mode="exp_range", gamma=0.99, base_momentum=0.8, max_momentum=0.9)),
]  # fmt: skip


@functools.cache
def _momenta() -> list:
    return jax.jit(lambda ss: [s.momentum(jnp.asarray(STEPS)) for s in ss])([c[0] for c in CYCLES])


@pytest.mark.parametrize("i", range(len(CYCLES)))
def test_momentum_is_torchs_cycle(i):
    _, reference, kwargs = CYCLES[i]
    expected = reference(STEPS.astype(np.float64), **kwargs)
    np.testing.assert_allclose(_momenta()[i], expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("make", [sx.one_cycle, lambda *a, **k: sx.cyclic(0.1, *a, **k)])
def test_no_momentum_cycle_without_both_values(make):
    lr = make(1.0, 10, base_momentum=None, max_momentum=None)  # torch's cycle_momentum=False
    assert not hasattr(lr, "momentum")
    with pytest.raises(AttributeError, match=r"has no momentum: base_momentum and max_momentum"):
        lr.momentum  # noqa: B018
    with pytest.raises(ValueError, match=r"go together \(both or neither\), got "
                       r"base_momentum=None, max_momentum=0.9$"):  # fmt: skip
        make(1.0, 10, base_momentum=None, max_momentum=0.9)


def test_momentum_values_do_not_set_the_learning_rate_dtype():
    lr = sx.one_cycle(jnp.asarray(0.1, jnp.bfloat16), 100, base_momentum=jnp.float32(0.8))
    assert lr(3).dtype == jnp.bfloat16 and lr.momentum(3).dtype == jnp.float32
    wave = sx.cyclic(jnp.asarray(0.01, jnp.bfloat16), 0.1, 10, max_momentum=jnp.float32(0.9))
    assert wave(3).dtype == jnp.bfloat16 and wave.momentum(3).dtype == jnp.float32


def test_momentum_feeds_sgds_momentum_and_adams_b1_through_inject_hyperparams():
    import optax

    lr = sx.one_cycle(0.1, 20)
    sgd = optax.inject_hyperparams(optax.sgd)(learning_rate=lr, momentum=lr.momentum)
    adam = optax.inject_hyperparams(optax.adam)(learning_rate=lr, b1=lr.momentum)
    params = jnp.zeros(2)

    def run(opt, name):
        def step(state, _):
            _, state = opt.update(jnp.ones(2), state, params)
            return state, sx.current_hyperparams(state)[name]

        return jax.lax.scan(step, opt.init(params), length=25)[1]

    with jax.numpy_dtype_promotion("standard"):  # optax's adam mixes its int32 count in
        seen = jax.jit(lambda: [run(sgd, "momentum"), run(adam, "b1")])()
    for values in seen:
        np.testing.assert_allclose(values, _one_cycle_momentum(np.arange(25.0), 20), rtol=1e-6)


def test_a_stacked_cycle_has_the_stacked_momentum():
    cycles = [sx.one_cycle(0.1, 100), sx.one_cycle(0.2, 80, base_momentum=0.8, max_momentum=0.9)]
    waves = [sx.cyclic(0.01, 0.1, 5), sx.cyclic(0.01, 0.2, 7, base_momentum=0.7, max_momentum=0.9)]
    steps = np.arange(100)
    for schedules in (cycles, waves):
        stacked = jax.jit(jax.vmap(lambda s: s.momentum(jnp.asarray(steps))))(sx.stack(schedules))
        for row, s in zip(stacked, schedules, strict=True):
            np.testing.assert_allclose(row, s.momentum(steps), rtol=1e-6)
