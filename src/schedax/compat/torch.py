"""`torch.optim.lr_scheduler`, as schedax schedules: change the import, keep the numbers.

torch's "epoch" (one `scheduler.step()`) is a schedax step. Each constructor takes the
optimizer's learning rate as its first argument (`lr`; `max_lr` / `base_lr` where torch's
scheduler has its own), keeps torch's argument names, and returns a schedule whose values are
the learning rates torch's scheduler sets, checked against torch 2.13 in the tests.

Example:
    >>> import jax.numpy as jnp
    >>> from schedax.compat import torch as lr_scheduler
    >>> lr_scheduler.StepLR(0.1, step_size=2, gamma=0.5)(jnp.arange(5))
    Array([0.1  , 0.1  , 0.05 , 0.05 , 0.025], dtype=float32)
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import jax.numpy as jnp

from .._base import (
    Array,
    Schedule,
    as_count,
    as_length,
    as_param,
    count,
    is_concrete,
    param,
    positive,
    require,
    static,
)
from .._cyclic import cosine_restarts, cyclic, one_cycle
from .._epochs import _LearningRateScheduler
from .._exponential import exponential_decay, step_decay
from .._join import join_schedules
from .._linear import linear_schedule
from .._piecewise import piecewise_constant
from .._plateau import _plateau
from .._polynomial import polynomial_decay
from .._stateful import StatefulSchedule

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]


def _factor(fn: str, arg: str, x: Any) -> Array:
    x = as_param(fn, arg, x)
    require(fn, arg, x, lambda v: (v >= 0) & (v <= 1), "in [0, 1]")
    return x


def ConstantLR(lr: Any, factor: float = 1.0 / 3, total_iters: int = 5) -> Schedule:  # noqa: N802
    """`lr * factor` for the first `total_iters` steps, then `lr`.

    torch quirk kept: with `total_iters=0` torch never restores `lr` (it stays `lr * factor`).
    """
    fn = "ConstantLR"
    lr, factor = as_param(fn, "lr", lr), _factor(fn, "factor", factor)
    total_iters = as_count(fn, "total_iters", total_iters)
    require(fn, "total_iters", total_iters, lambda v: v >= 0, ">= 0")
    if is_concrete(total_iters) and int(total_iters) == 0:
        return piecewise_constant([], [lr * factor])
    return piecewise_constant([total_iters], [lr * factor, lr])


def LinearLR(  # noqa: N802
    lr: Any, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5
) -> Schedule:
    """`lr` times a factor going linearly from `start_factor` to `end_factor` in `total_iters`."""
    fn = "LinearLR"
    lr = as_param(fn, "lr", lr)
    start = as_param(fn, "start_factor", start_factor)
    require(fn, "start_factor", start, lambda v: (v > 0) & (v <= 1), "in (0, 1]")
    end = _factor(fn, "end_factor", end_factor)
    total_iters = as_length(fn, "total_iters", total_iters)
    return linear_schedule(lr * start, lr * end, total_iters)


def StepLR(lr: Any, step_size: int, gamma: float = 0.1) -> Schedule:  # noqa: N802
    """`lr * gamma**(step // step_size)`."""
    return step_decay(lr, gamma, step_size)


def MultiStepLR(lr: Any, milestones: Sequence[int], gamma: float = 0.1) -> Schedule:  # noqa: N802
    """`lr * gamma**(number of milestones <= step)`; a repeated milestone counts each time."""
    fn = "MultiStepLR"
    lr, gamma = as_param(fn, "lr", lr), as_param(fn, "gamma", gamma)
    milestones = sorted(milestones) if isinstance(milestones, Sequence) else milestones
    n = len(milestones)
    return piecewise_constant(milestones, [lr * gamma**k for k in range(n + 1)])


def ExponentialLR(lr: Any, gamma: float) -> Schedule:  # noqa: N802
    """`lr * gamma**step`."""
    return exponential_decay(lr, gamma)


def PolynomialLR(lr: Any, total_iters: int = 5, power: float = 1.0) -> Schedule:  # noqa: N802
    """`lr * (1 - min(step, total_iters) / total_iters)**power`."""
    return polynomial_decay(lr, 0.0, total_iters, power)


class _CosineAnnealingLR(Schedule, name="CosineAnnealingLR"):
    lr: Array = param()
    T_max: Array = count()  # noqa: N815
    eta_min: Array = param()

    def _value(self, t: Array) -> Array:
        period = positive(self.T_max.astype(t.dtype))
        # (1 + cos(pi t / T)) / 2 == sin(pi q / 2)**2 with q = (T - t mod 2T) / T: the curve
        # repeats every 2 T, fmod is exact, and there is no cancellation near the minimum.
        q = (period - jnp.fmod(t, 2 * period)) / period
        lr, eta_min = self.lr.astype(t.dtype), self.eta_min.astype(t.dtype)
        return eta_min + (lr - eta_min) * jnp.sin(math.pi / 2 * q) ** 2


def CosineAnnealingLR(lr: Any, T_max: int, eta_min: float = 0.0) -> Schedule:  # noqa: N802, N803
    """Half a cosine from `lr` to `eta_min` over `T_max` steps; periodic after, as torch is.

    Formula: `eta_min + (lr - eta_min) * (1 + cos(pi * step / T_max)) / 2` at every step: it
    climbs back up after `T_max` (for a schedule that holds `eta_min`, use `cosine_decay`).
    """
    fn = "CosineAnnealingLR"
    return _CosineAnnealingLR(
        lr=as_param(fn, "lr", lr),
        T_max=as_length(fn, "T_max", T_max),
        eta_min=as_param(fn, "eta_min", eta_min),
    )


def CosineAnnealingWarmRestarts(  # noqa: N802
    lr: Any,
    T_0: int,  # noqa: N803
    T_mult: int = 1,  # noqa: N803
    eta_min: float = 0.0,
) -> Schedule:
    """SGDR: cycles of `T_0 * T_mult**i` steps, each from `lr` down to `eta_min`."""
    fn = "CosineAnnealingWarmRestarts"
    if isinstance(T_mult, bool) or not isinstance(T_mult, int) or T_mult < 1:
        raise ValueError(f"{fn}: T_mult must be an integer >= 1, got {T_mult!r}")
    return cosine_restarts(lr, as_length(fn, "T_0", T_0), float(T_mult), 1.0, eta_min)


def CyclicLR(  # noqa: N802
    base_lr: Any,
    max_lr: Any,
    step_size_up: int = 2000,
    step_size_down: int | None = None,
    mode: str = "triangular",
    gamma: float = 1.0,
    scale_fn: Callable | None = None,
    scale_mode: str = "cycle",
) -> Schedule:
    """torch's `CyclicLR` (its learning rates; momentum cycling is the optimizer's business).

    `scale_fn`/`scale_mode` other than the built-in modes are not supported: pass `mode`.
    """
    if scale_fn is not None:
        raise ValueError("CyclicLR: scale_fn is not supported; use mode='triangular', "
                         "'triangular2' or 'exp_range', or schedax.lambda_lr")  # fmt: skip
    expected_scale_mode = "iterations" if mode == "exp_range" else "cycle"
    if scale_mode != expected_scale_mode:
        raise ValueError(
            f"CyclicLR: scale_mode must be {expected_scale_mode!r} with mode={mode!r}, "
            f"got {scale_mode!r}"
        )
    return cyclic(base_lr, max_lr, step_size_up, step_size_down, mode, gamma)


def OneCycleLR(  # noqa: N802
    max_lr: Any,
    total_steps: int | None = None,
    epochs: int | None = None,
    steps_per_epoch: int | None = None,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
) -> Schedule:
    """torch's `OneCycleLR` learning rates; `total_steps` or `epochs * steps_per_epoch`."""
    if total_steps is None:
        if epochs is None or steps_per_epoch is None:
            raise ValueError(
                "OneCycleLR: give total_steps, or epochs and steps_per_epoch, "
                f"got total_steps=None, epochs={epochs!r}, steps_per_epoch={steps_per_epoch!r}"
            )
        total_steps = epochs * steps_per_epoch
    return one_cycle(
        max_lr, total_steps, pct_start, div_factor, final_div_factor, anneal_strategy, three_phase
    )


class _LambdaLR(Schedule, name="LambdaLR"):
    lr: Array = param()
    lr_lambda: Callable[[Array], Any] = static()

    def _value(self, t: Array) -> Array:
        factor = jnp.asarray(self.lr_lambda(t), t.dtype)
        return jnp.broadcast_to(self.lr.astype(t.dtype) * factor, t.shape)


def LambdaLR(lr: Any, lr_lambda: Callable[[Array], Any]) -> Schedule:  # noqa: N802
    """`lr * lr_lambda(step)`; the function gets the step as a float array and must trace."""
    fn = "LambdaLR"
    if not callable(lr_lambda):
        raise TypeError(f"{fn}: lr_lambda must be a callable step -> factor, got {lr_lambda!r}")
    return _LambdaLR(lr=as_param(fn, "lr", lr), lr_lambda=lr_lambda)


class _MultiplicativeLR(_LearningRateScheduler, name="MultiplicativeLR"):
    def _begin_epoch(self, epoch: Array, lr: Array) -> Any:
        factor = jnp.asarray(self.schedule(epoch), lr.dtype)
        return jnp.where(epoch > 0, lr * factor, lr)

    def _repr_items(self) -> list[tuple[str, Any]]:
        return [("lr", self.init_lr), ("lr_lambda", self.schedule)]


def MultiplicativeLR(lr: Any, lr_lambda: Callable[[Array], Any]) -> StatefulSchedule:  # noqa: N802
    """Stateful: `lr` at step 0, then the previous lr times `lr_lambda(step)` at each step.

    `lr_lambda` gets the step as a traced integer array.
    """
    fn = "MultiplicativeLR"
    if not callable(lr_lambda):
        raise TypeError(f"{fn}: lr_lambda must be a callable step -> factor, got {lr_lambda!r}")
    return _MultiplicativeLR(
        schedule=lr_lambda, init_lr=as_param(fn, "lr", lr), steps_per_epoch=jnp.asarray(1)
    )


def SequentialLR(schedulers: Sequence[Any], milestones: Sequence[int]) -> Schedule:  # noqa: N802
    """Schedulers one after another: scheduler `i + 1` starts at its own step 0 on milestone `i`."""
    return join_schedules(schedulers, milestones)


class _Chained(Schedule, name="ChainedScheduler"):
    lr: Array = param()
    schedulers: tuple[Schedule, ...]

    def _value(self, t: Array) -> Array:
        lr = self.lr.astype(t.dtype)
        factors = [jnp.asarray(s(t), t.dtype) / lr for s in self.schedulers]
        return lr * functools.reduce(operator.mul, factors, jnp.ones_like(t))


def ChainedScheduler(lr: Any, schedulers: Sequence[Schedule]) -> Schedule:  # noqa: N802
    """All schedulers at once: `lr * prod(s(step) / lr)` over the schedulers, each built with
    the same `lr` (torch's chaining of multiplicative schedulers such as ConstantLR, LinearLR,
    ExponentialLR, StepLR, MultiStepLR, PolynomialLR)."""
    fn = "ChainedScheduler"
    schedulers = list(schedulers)
    for i, s in enumerate(schedulers):
        if not isinstance(s, Schedule):
            raise TypeError(
                f"{fn}: schedulers[{i}] must be a schedax Schedule, got {type(s).__name__}"
            )
    lr = as_param(fn, "lr", lr)
    require(fn, "lr", lr, lambda v: v != 0, "nonzero")
    return _Chained(lr=lr, schedulers=tuple(schedulers))


def ReduceLROnPlateau(  # noqa: N802
    lr: Any,
    mode: str = "min",
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    threshold_mode: str = "rel",
    cooldown: int = 0,
    min_lr: float = 0.0,
    eps: float = 1e-8,
) -> StatefulSchedule:
    """torch's `ReduceLROnPlateau` (`schedax.reduce_on_plateau` with torch's argument order)."""
    return _plateau(
        "ReduceLROnPlateau", lr, factor=factor, patience=patience, threshold=threshold,
        threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr, mode=mode, eps=eps,
        counting="torch",
    )  # fmt: skip
