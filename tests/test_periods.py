"""Staircases and cycles land every integer multiple of their period in the right period, in
every mode: a scalar call, a vector call, jit with the schedule as an argument, jit closing over
it (XLA folds `t / k` into `t * (1 / k)` for a constant `k`), and lax.scan.

The references count periods with integer arithmetic in numpy (`t // k`, `t % k`); the
configurations are drawn at random (seeded), with the periods the issue found wrong added.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import schedax as sx
from schedax.compat import keras as K
from schedax.compat import torch as T

RNG = np.random.default_rng(20261130)
FOUND_WRONG = [41, 47, 55, 61, 82, 107]  # StepLR step sizes that decayed one step late


def _steps(k: int, rng: np.random.Generator, most: int = 2_000_000) -> np.ndarray:
    """Steps next to multiples of `k`: m * k - 1, m * k, m * k + 1 for some m * k <= most."""
    m = np.unique(np.concatenate([[1, 2, 3], rng.integers(1, most // k, size=6)]))
    return np.unique(np.concatenate([m * k - 1, m * k, m * k + 1])).astype(np.int64)


def _exp_staircase(k, rate, t):
    return 0.5 * rate ** (t // k)


def _inverse_time(k, rate, t):
    return 0.5 / (1 + rate * (t // k))


def _polynomial_cycle(k, power, t):
    horizon = k * np.maximum(-(-t // k), 1)
    return (0.5 - 0.01) * (1 - t / horizon) ** power + 0.01


def _restarts(k, peak_mult, t):
    i, position = t // k, t % k
    return 0.001 + (0.5 * peak_mult**i - 0.001) * 0.5 * (1 + np.cos(np.pi * position / k))


def _periodic_cosine(k, _, t):
    return 0.01 + (0.5 - 0.01) * 0.5 * (1 + np.cos(np.pi * (t % (2 * k)) / k))


def _cyclic(up, down, mode, t):
    cycle, position = t // (up + down), t % (up + down)
    scale = np.where(position <= up, position / up, (up + down - position) / down)
    return 0.01 + (0.5 - 0.01) * scale / (2.0**cycle if mode == "triangular2" else 1.0)


# (name, make(k, x), reference(k, x, t), draw x)
FAMILIES = [
    ("exponential_decay", lambda k, r: sx.exponential_decay(0.5, r, k, staircase=True),
     _exp_staircase, lambda rng: float(rng.uniform(0.5, 0.99))),
    ("step_lr", lambda k, r: sx.step_lr(0.5, k, r), _exp_staircase,
     lambda rng: float(rng.uniform(0.5, 0.99))),
    ("torch.StepLR", lambda k, r: T.StepLR(0.5, k, r), _exp_staircase,
     lambda rng: float(rng.uniform(0.5, 0.99))),
    ("keras.ExponentialDecay", lambda k, r: K.ExponentialDecay(0.5, k, r, staircase=True),
     _exp_staircase, lambda rng: float(rng.uniform(0.5, 0.99))),
    ("inverse_time_decay", lambda k, r: sx.inverse_time_decay(0.5, r, k, staircase=True),
     _inverse_time, lambda rng: float(rng.uniform(0.1, 3.0))),
    ("polynomial_decay_cycle", lambda k, p: sx.polynomial_decay(0.5, 0.01, k, p, cycle=True),
     _polynomial_cycle, lambda rng: float(rng.uniform(0.5, 3.0))),
    ("cosine_restarts", lambda k, m: sx.cosine_restarts(0.5, k, 1.0, m, 0.001),
     _restarts, lambda rng: float(rng.uniform(0.5, 1.0))),
    ("cosine_decay_periodic", lambda k, _: sx.cosine_decay(0.5, k, 0.01, periodic=True),
     _periodic_cosine, lambda rng: 0.0),
]  # fmt: skip


def _configs(draws: int) -> list[tuple]:
    """(id, make, reference, k, x, steps): the periods found wrong, then random ones."""
    configs = []
    for i, (name, make, reference, draw) in enumerate(FAMILIES):
        periods = [FOUND_WRONG[i % len(FOUND_WRONG)], *RNG.integers(2, 500, draws).tolist()]
        for k in periods:
            x = draw(RNG)
            configs.append((f"{name}-{k}", make, reference, k, x, _steps(k, RNG)))
    return configs


def _every_mode(schedules: list, steps: list, eager: set[int]) -> list[dict[str, np.ndarray]]:
    """Each schedule at its steps in every mode. The jitted modes hold all schedules in one
    program each (the closed-over one folds each schedule's constants in its own way); the
    eager vector call, a program per shape, is made for the schedules in `eager`."""
    ts = [jnp.asarray(t, jnp.int32) for t in steps]
    pairs = lambda ss, ts: zip(ss, ts, strict=True)  # noqa: E731
    argument = jax.jit(lambda ss, ts: [s(t) for s, t in pairs(ss, ts)])(schedules, ts)
    closed_over = jax.jit(lambda ts: [s(t) for s, t in pairs(schedules, ts)])(ts)
    scan = jax.jit(lambda ts: [jax.lax.scan(lambda c, x, s=s: (c, s(x)), 0, t)[1]
                               for s, t in pairs(schedules, ts)])(ts)  # fmt: skip
    modes = []
    for i, (schedule, t) in enumerate(pairs(schedules, steps)):
        mode = {"scalar": np.array([schedule(int(v)) for v in t[:6]]),
                "jit argument": argument[i], "jit closed over": closed_over[i], "scan": scan[i]}  # fmt: skip
        if i in eager:
            mode["vector"] = schedule(jnp.asarray(t, jnp.int32))
        modes.append(mode)
    return modes


CONFIGS = _configs(draws=2)


@functools.cache
def _staircases() -> dict[str, dict]:
    schedules = [make(k, x) for _, make, _, k, x, _ in CONFIGS]
    found_wrong = {i for i, (_, _, _, k, _, _) in enumerate(CONFIGS) if k in FOUND_WRONG}
    modes = _every_mode(schedules, [c[-1] for c in CONFIGS], found_wrong)
    return {c[0]: m for c, m in zip(CONFIGS, modes, strict=True)}


@pytest.mark.parametrize("config", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_every_multiple_lands_in_its_period_in_every_mode(config):
    name, _, reference, k, x, steps = config
    expected = reference(k, float(np.float32(x)), steps)
    for mode, actual in _staircases()[name].items():
        want = expected[: len(actual)]
        np.testing.assert_allclose(actual, want, rtol=2e-5, atol=1e-7, err_msg=f"{mode}, k={k}")


CYCLIC = [(up, down, mode) for mode in ("triangular", "triangular2")
          for up, down in [(47, 47), (20, 27), *RNG.integers(1, 300, (3, 2)).tolist()]]  # fmt: skip
CYCLIC_STEPS = [_steps(up + down, RNG, most=60 * (up + down)) for up, down, _ in CYCLIC]


@functools.cache
def _cycles() -> list[dict]:
    # triangular2 halves per cycle: steps up to 60 cycles.
    schedules = [sx.cyclic(0.01, 0.5, up, down, mode) for up, down, mode in CYCLIC]
    return _every_mode(schedules, CYCLIC_STEPS, eager={0, 1})


@pytest.mark.parametrize("i", range(len(CYCLIC)), ids=[f"{m}-{u}-{d}" for u, d, m in CYCLIC])
def test_cyclic_cycles_are_counted_exactly(i):
    up, down, mode = CYCLIC[i]
    expected = _cyclic(up, down, mode, CYCLIC_STEPS[i])
    for name, actual in _cycles()[i].items():
        np.testing.assert_allclose(
            actual, expected[: len(actual)], rtol=2e-5, atol=1e-7, err_msg=name
        )
