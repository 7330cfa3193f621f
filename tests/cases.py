"""The stateless schedules under test, each with an independent numpy closed form (float64)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

import schedax as sx


@dataclasses.dataclass(frozen=True)
class Case:
    """A schedule constructor, its arguments, and its formula in numpy."""

    id: str
    make: Callable[..., sx.Schedule]
    kwargs: dict[str, Any]
    reference: Callable[..., np.ndarray]  # reference(t, **kwargs), t float64 >= 0
    floats: tuple[str, ...]  # hyperparameters the value is smooth in (grad vs finite differences)
    horizon: float  # steps past which the value is constant (or inf if it never is)

    rtol: float = 1e-6  # float32 against the float64 formula

    def expected(self, steps, dtype=np.float32, /, **overrides) -> np.ndarray:
        """The formula in float64 at the hyperparameters as stored (rounded to `dtype`)."""
        t = np.maximum(np.asarray(steps, np.float64), 0.0)
        kwargs = {k: float(dtype(v)) for k, v in {**self.kwargs, **overrides}.items()}
        return self.reference(t, **kwargs)

    def numeric_args(self) -> list[str]:
        return [k for k, v in self.kwargs.items() if isinstance(v, int | float)]


def _linear(t, init, end, steps):
    return init + (end - init) * np.minimum(t, steps) / steps


def _cosine(t, init, decay_steps, end=0.0):
    return end + (init - end) * 0.5 * (1 + np.cos(np.pi * np.minimum(t, decay_steps) / decay_steps))


def _exponential(t, init, decay_rate):
    return init * decay_rate**t


def _step_decay(t, init, decay_rate, step_size):
    return init * decay_rate ** np.floor(t / step_size)


def _step_lr(t, base_lr, step_size, gamma=0.1):
    return base_lr * gamma ** np.floor(t / step_size)


def _constant(t, lr):
    return np.full_like(t, lr)


CASES = [
    Case("constant_lr", sx.constant_lr, dict(lr=0.03), _constant, ("lr",), 0),
    Case(
        "linear_up", sx.linear_schedule, dict(init=0.0, end=0.1, steps=100), _linear, ("end",), 100
    ),
    Case(
        "linear_down",
        sx.linear_schedule,
        dict(init=1.0, end=0.25, steps=37),
        _linear,
        ("init", "end"),
        37,
    ),
    Case("cosine", sx.cosine_decay, dict(init=0.1, decay_steps=200), _cosine, ("init",), 200),
    Case(
        "cosine_end",
        sx.cosine_decay,
        dict(init=3e-3, decay_steps=77, end=1e-4),
        _cosine,
        ("init", "end"),
        77,
    ),
    Case(
        "exponential",
        sx.exponential_decay,
        dict(init=0.1, decay_rate=0.99),
        _exponential,
        ("init", "decay_rate"),
        np.inf,
        rtol=5e-6,
    ),  # float32 exp(t log rate) loses |t log rate| * 2**-23 at large t
    Case(
        "step_decay",
        sx.step_decay,
        dict(init=0.1, decay_rate=0.5, step_size=30),
        _step_decay,
        ("init", "decay_rate"),
        np.inf,
    ),
    Case(
        "step_lr",
        sx.step_lr,
        dict(base_lr=0.2, step_size=25, gamma=0.3),
        _step_lr,
        ("base_lr", "gamma"),
        np.inf,
    ),
    Case(
        "step_lr_default_gamma",
        sx.step_lr,
        dict(base_lr=1.0, step_size=7),
        _step_lr,
        ("base_lr",),
        np.inf,
    ),
]
