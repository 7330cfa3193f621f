"""`torch.optim.lr_scheduler`, as schedax schedules: change the import, keep the numbers.

torch's "epoch" (one `scheduler.step()`) is a schedax step. Each constructor takes the
optimizer's learning rate as its first argument (`lr`; `max_lr` / `base_lr` where torch's
scheduler has its own), keeps torch's argument names, and returns a core schedax schedule whose
values are the learning rates torch's scheduler sets, checked against torch 2.13 in the tests.
Errors name the torch constructor and its argument.

Examples:
    >>> import math

import jax.numpy as jnp
    >>> from schedax.compat import torch as lr_scheduler
    >>> lr_scheduler.StepLR(0.1, step_size=2, gamma=0.5)(jnp.arange(5))
    Array([0.1  , 0.1  , 0.05 , 0.05 , 0.025], dtype=float32)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import (
    Schedule,
    StatefulSchedule,
    chain_schedules,
    cosine_decay,
    cosine_restarts,
    cyclic,
    exponential_decay,
    join_schedules,
    lambda_lr,
    learning_rate_scheduler,
    linear_schedule,
    one_cycle,
    piecewise_constant,
    polynomial_decay,
    reduce_on_plateau,
)
from .._rules import Count, Flag, Function, Param, Steps, constructor
from .._util import is_concrete, warn

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

_LR = Param()
_FACTOR = Param(ge=0, le=1)
# torch compares its step counter with lengths by `==` and `%`: fractional ones give artifacts
# (a ConstantLR that never restores lr), so only whole numbers are taken (the migration
# guide's restrictions).
_ITERS = Count(ge=0, whole=True)

# Schedules whose values differ when SequentialLR restarts them at a milestone (torch then
# sets the lr from the closed form, not the chainable one): the restarted version.


@constructor(lr=_LR, factor=_FACTOR, total_iters=_ITERS)
def ConstantLR(lr: Any, factor: float = 1.0 / 3, total_iters: int = 5) -> Schedule:  # noqa: N802
    """torch's `ConstantLR`: `lr * factor` for the first `total_iters` steps, then `lr`.

    torch quirk kept: with `total_iters=0` torch never restores `lr` (it stays `lr * factor`),
    except as a later piece of `SequentialLR`, which restarts it at `lr`, as torch does.

    Formula: `lr * factor` for `step < total_iters`, then `lr`.

    Args:
        lr: the optimizer's learning rate.
        factor: the multiplier during the first steps, in [0, 1].
        total_iters: how many steps it lasts, >= 0.

    Returns:
        A `piecewise_constant`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.ConstantLR(1.0, factor=0.5, total_iters=2)(jnp.arange(4))]
        [0.5, 0.5, 1.0, 1.0]
    """
    lr, factor = _LR("ConstantLR", "lr", lr), _LR("ConstantLR", "factor", factor)
    if is_concrete(total_iters) and total_iters == 0:
        # `lr` before step 0 (never shown: steps start at 0) is torch's closed form, where
        # SequentialLR restarts it; from step 0 on, the factor torch never takes back.
        return piecewise_constant([0], [lr, lr * factor])
    return piecewise_constant([total_iters], [lr * factor, lr])


@constructor(lr=_LR, start_factor=Param(gt=0, le=1), end_factor=_FACTOR, total_iters=_ITERS)
def LinearLR(  # noqa: N802
    lr: Any, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5
) -> Schedule:
    """torch's `LinearLR`: `lr` times a factor going linearly from `start_factor` to `end_factor`.

    Formula: `lr * (start + (end - start) * min(step, total_iters) / total_iters)`.

    Args:
        lr: the optimizer's learning rate.
        start_factor: the factor at step 0, in (0, 1].
        end_factor: the factor from step `total_iters` on, in [0, 1].
        total_iters: the length of the ramp in steps, >= 0 (0: torch's quirk, `lr *
            start_factor` for ever).

    Returns:
        A `linear_schedule`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> lr = T.LinearLR(1.0, start_factor=0.5, total_iters=2)
        >>> [float(x) for x in lr(jnp.arange(4))]
        [0.5, 0.75, 1.0, 1.0]
    """
    lr = _LR("LinearLR", "lr", lr)
    if is_concrete(total_iters) and total_iters == 0:  # torch never leaves the start factor
        return piecewise_constant([], [lr * start_factor])
    return linear_schedule(lr * start_factor, lr * end_factor, total_iters)


@constructor(
    names={"init": "lr", "decay_rate": "gamma", "decay_steps": "step_size"},
    step_size=Count(gt=0, whole=True),
)
def StepLR(lr: Any, step_size: int, gamma: float = 0.1) -> Schedule:  # noqa: N802
    """torch's `StepLR`: `lr * gamma**(step // step_size)`.

    Formula: `lr * gamma**floor(step / step_size)`.

    Args:
        lr: the optimizer's learning rate.
        step_size: the period in steps, > 0.
        gamma: the factor per period, > 0.

    Returns:
        An `exponential_decay` with `staircase=True`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.StepLR(1.0, step_size=2, gamma=0.5)(jnp.arange(5))]
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    return exponential_decay(lr, gamma, step_size, staircase=True)


@constructor(names={"boundaries": "milestones", "values": "gamma"},  # values: lr * gamma**k
             lr=_LR, milestones=Steps(ordered=False, whole=True), gamma=Param())  # fmt: skip
def MultiStepLR(lr: Any, milestones: Sequence[int], gamma: float = 0.1) -> Schedule:  # noqa: N802
    """torch's `MultiStepLR`: `lr * gamma**(number of milestones <= step)`.

    A repeated milestone counts each time, as in torch.

    Formula: `lr * gamma**#{m in milestones : m <= step}`.

    Args:
        lr: the optimizer's learning rate.
        milestones: steps, >= 0 (sorted here).
        gamma: the factor per milestone.

    Returns:
        A `piecewise_constant`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.MultiStepLR(1.0, [1, 3, 3], gamma=0.5)(jnp.arange(4))]
        [1.0, 0.5, 0.5, 0.125]
    """
    if isinstance(milestones, Sequence | np.ndarray):  # concrete: sorted without compiling
        milestones = sorted(np.asarray(milestones).tolist())
    else:
        milestones = jnp.sort(milestones)
    n = len(milestones)
    if isinstance(lr, int | float) and isinstance(gamma, int | float):
        return piecewise_constant(milestones, [lr * gamma**k for k in range(n + 1)])
    lr, gamma = _LR("MultiStepLR", "lr", lr), _LR("MultiStepLR", "gamma", gamma)
    return piecewise_constant(milestones, lr * gamma ** jnp.arange(n + 1, dtype=gamma.dtype))


@constructor(names={"init": "lr", "decay_rate": "gamma"})
def ExponentialLR(lr: Any, gamma: float) -> Schedule:  # noqa: N802
    """torch's `ExponentialLR`: `lr * gamma**step`.

    Formula: `lr * gamma**step`.

    Args:
        lr: the optimizer's learning rate.
        gamma: the factor per step, > 0.

    Returns:
        An `exponential_decay`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.ExponentialLR(1.0, gamma=0.5)(jnp.arange(3))]
        [1.0, 0.5, 0.25]
    """
    return exponential_decay(lr, gamma)


@constructor(names={"init": "lr", "decay_steps": "total_iters"}, total_iters=_ITERS)
def PolynomialLR(lr: Any, total_iters: int = 5, power: float = 1.0) -> Schedule:  # noqa: N802
    """torch's `PolynomialLR`: `lr * (1 - min(step, total_iters) / total_iters)**power`.

    Formula: `lr * (1 - min(step, total_iters) / total_iters)**power`.

    Args:
        lr: the optimizer's learning rate.
        total_iters: the length of the decay in steps, >= 0 (0: torch never decays).
        power: the exponent, > 0.

    Returns:
        A `polynomial_decay` to 0.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.PolynomialLR(1.0, total_iters=2, power=2.0)(jnp.arange(3))]
        [1.0, 0.25, 0.0]
    """
    if is_concrete(total_iters) and total_iters == 0:  # torch never decays
        return piecewise_constant([], [lr])
    return polynomial_decay(lr, 0.0, total_iters, power)


@constructor(names={"init": "lr", "decay_steps": "T_max", "end": "eta_min"})
def CosineAnnealingLR(lr: Any, T_max: int, eta_min: float = 0.0) -> Schedule:  # noqa: N802, N803
    """torch's `CosineAnnealingLR`: half a cosine from `lr` to `eta_min`; periodic, as torch is.

    Formula: `eta_min + (lr - eta_min) * (1 + cos(pi * step / T_max)) / 2` at every step: it
    climbs back up after `T_max` (for a schedule that holds `eta_min`, use `cosine_decay`).

    Args:
        lr: the optimizer's learning rate.
        T_max: half the period in steps, > 0.
        eta_min: the minimum.

    Returns:
        A `cosine_decay` with `periodic=True`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [round(float(x), 4) for x in T.CosineAnnealingLR(1.0, T_max=2)(jnp.arange(5))]
        [1.0, 0.5, 0.0, 0.5, 1.0]
    """
    return cosine_decay(lr, T_max, eta_min, periodic=True)


@constructor(
    names={"init": "lr", "end": "eta_min", "period": "T_0", "period_mult": "T_mult"},
    T_0=Count(integer=True, gt=0),
    T_mult=Count(integer=True, ge=1),
)
def CosineAnnealingWarmRestarts(  # noqa: N802
    lr: Any,
    T_0: int,  # noqa: N803
    T_mult: int = 1,  # noqa: N803
    eta_min: float = 0.0,
) -> Schedule:
    """torch's `CosineAnnealingWarmRestarts` (SGDR): cycles of `T_0 * T_mult**i` steps.

    Each cycle decays along half a cosine from `lr` to `eta_min`, then restarts at `lr`.

    Formula: in cycle `i`, of `T_i = T_0 * T_mult**i` steps, at `x` steps into it: `eta_min + (lr -
    eta_min) * (1 + cos(pi x / T_i)) / 2`.

    Args:
        lr: the optimizer's learning rate.
        T_0: the length of the first cycle in steps, > 0.
        T_mult: the growth of each cycle, an integer >= 1.
        eta_min: the value each cycle decays to.

    Returns:
        A `cosine_restarts`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> lr = T.CosineAnnealingWarmRestarts(1.0, T_0=2)
        >>> [round(float(x), 4) for x in lr(jnp.arange(5))]
        [1.0, 0.5, 1.0, 0.5, 1.0]
    """
    for arg, value in (("T_0", T_0), ("T_mult", T_mult)):
        if isinstance(value, float | np.floating):  # torch checks isinstance(value, int)
            raise ValueError(f"CosineAnnealingWarmRestarts: {arg} must be an int, as torch "
                             f"requires, got {value!r}")  # fmt: skip
    return cosine_restarts(lr, T_0, T_mult, 1.0, eta_min)


@constructor(names={"base": "base_lr", "peak": "max_lr"}, gamma=Param(), cycle_momentum=Flag())
def CyclicLR(  # noqa: N802
    base_lr: Any,
    max_lr: Any,
    step_size_up: int = 2000,
    step_size_down: int | None = None,
    mode: str = "triangular",
    gamma: float = 1.0,
    scale_fn: Callable | None = None,
    scale_mode: str = "cycle",
    cycle_momentum: bool = True,
    base_momentum: float = 0.8,
    max_momentum: float = 0.9,
) -> Schedule:
    """torch's `CyclicLR`: the learning rates, and the momentum as `.momentum`.

    Custom `scale_fn`s are not supported (a ValueError says to use `mode`); as in torch,
    `scale_mode` and (but for "exp_range") `gamma` are then ignored. torch writes the
    momentum cycle into the optimizer (SGD's `momentum`, Adam's `betas[0]`: the same values);
    here it is the schedule's `.momentum`, for `optax.inject_hyperparams`.

    Formula: `sx.cyclic(base_lr, max_lr, step_size_up, step_size_down, mode, gamma)`; `.momentum` is
    the same wave from `max_momentum` to `base_momentum`.

    Args:
        base_lr: the lower end of the wave.
        max_lr: the upper end of the first cycle.
        step_size_up: steps from `base_lr` to `max_lr`, > 0.
        step_size_down: steps back down, or None for `step_size_up`.
        mode: "triangular", "triangular2" or "exp_range".
        gamma: the per-step factor of "exp_range".
        scale_fn: must be None.
        scale_mode: ignored, as torch ignores it without a `scale_fn`.
        cycle_momentum: whether `.momentum` cycles (False: the schedule has no `.momentum`).
        base_momentum: the momentum at `max_lr`.
        max_momentum: the momentum at `base_lr`.

    Returns:
        A `cyclic`; `.momentum` is torch's momentum sequence.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> lr = T.CyclicLR(0.0, 1.0, step_size_up=2)
        >>> [float(x) for x in lr(jnp.arange(5))]
        [0.0, 0.5, 1.0, 0.5, 0.0]
        >>> [round(float(m), 3) for m in lr.momentum(jnp.arange(5))]
        [0.9, 0.85, 0.8, 0.85, 0.9]
    """
    if scale_fn is not None:
        raise ValueError("CyclicLR: scale_fn is not supported; use mode='triangular', "
                         "'triangular2' or 'exp_range', or schedax.lambda_lr")  # fmt: skip
    if scale_mode not in ("cycle", "iterations"):
        warn(f"CyclicLR: scale_mode is {scale_mode!r}, neither 'cycle' nor 'iterations'; as "
             "torch, it is ignored without a scale_fn")  # fmt: skip
    gamma = gamma if mode == "exp_range" else 1.0
    momentum = _cycled_momentum(cycle_momentum, base_momentum, max_momentum)
    return cyclic(base_lr, max_lr, step_size_up, step_size_down, mode, gamma, *momentum)


@constructor(
    names={"peak": "max_lr", "anneal": "anneal_strategy"},
    cycle_momentum=Flag(),
    total_steps=Count(integer=True, gt=0, optional=True),
    epochs=Count(integer=True, gt=0, optional=True),
    steps_per_epoch=Count(integer=True, gt=0, optional=True),
    pct_start=Param(ge=0, le=1),
)
def OneCycleLR(  # noqa: N802
    max_lr: Any,
    total_steps: int | None = None,
    epochs: int | None = None,
    steps_per_epoch: int | None = None,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    cycle_momentum: bool = True,
    base_momentum: float = 0.85,
    max_momentum: float = 0.95,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
) -> Schedule:
    """torch's `OneCycleLR`: the learning rates, and the momentum as `.momentum`.

    torch writes the momentum cycle into the optimizer (SGD's `momentum`, Adam's `betas[0]`:
    the same values); here it is the schedule's `.momentum`, for `optax.inject_hyperparams`.

    Formula: `sx.one_cycle(max_lr, total_steps, pct_start, div_factor, final_div_factor,
    anneal_strategy, three_phase)` (`total_steps = epochs * steps_per_epoch` if not given);
    `.momentum` its `one_cycle_momentum`.

    Args:
        max_lr: the peak learning rate.
        total_steps: the cycle's length, or None to use `epochs * steps_per_epoch`.
        epochs: with `steps_per_epoch`, when `total_steps` is None.
        steps_per_epoch: see `epochs`.
        pct_start: the fraction of the cycle spent rising, in [0, 1].
        anneal_strategy: "cos" or "linear".
        cycle_momentum: whether `.momentum` cycles (False: the schedule has no `.momentum`).
        base_momentum: the momentum at `max_lr`.
        max_momentum: the momentum at the start (and the end).
        div_factor: `max_lr / initial lr`.
        final_div_factor: `initial lr / final lr`.
        three_phase: torch's three-phase variant.

    Returns:
        A `one_cycle` (held after the last step, where torch raises); `.momentum` is torch's
        momentum sequence.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> lr = T.OneCycleLR(1.0, total_steps=10, div_factor=10.0, anneal_strategy="linear")
        >>> [round(float(x), 2) for x in lr(jnp.array([0, 2]))]
        [0.1, 1.0]
        >>> [round(float(m), 2) for m in lr.momentum(jnp.array([0, 2]))]
        [0.95, 0.85]
    """
    if total_steps is None:
        if epochs is None or steps_per_epoch is None:
            raise ValueError(
                "OneCycleLR: give total_steps, or epochs and steps_per_epoch, "
                f"got total_steps=None, epochs={epochs!r}, steps_per_epoch={steps_per_epoch!r}"
            )
        total_steps = epochs * steps_per_epoch
    if is_concrete(total_steps) and is_concrete(pct_start) and float(pct_start) * total_steps == 1:
        raise ValueError(  # torch divides 0 by 0 at step 0
            f"OneCycleLR: pct_start ({pct_start}) * total_steps ({total_steps}) must not be 1: "
            "the first phase would end at step 0 (torch raises ZeroDivisionError)"
        )
    momentum = _cycled_momentum(cycle_momentum, base_momentum, max_momentum)
    return one_cycle(max_lr, total_steps, pct_start, div_factor, final_div_factor,
                     anneal_strategy, three_phase, *momentum)  # fmt: skip


def _cycled_momentum(cycle_momentum: Any, base: Any, top: Any) -> tuple[Any, Any]:
    """The core curve's momentum fields for torch's `cycle_momentum` (False: none, so the
    schedule has no `.momentum`; torch leaves the optimizer's momentum alone)."""
    return (base, top) if cycle_momentum else (None, None)


@constructor(names={"scale": "lr"}, lr_lambda=Function(allowed="a callable step -> factor"))
def LambdaLR(lr: Any, lr_lambda: Callable[[Any], Any]) -> Schedule:  # noqa: N802
    """torch's `LambdaLR`: `lr * lr_lambda(step)`.

    The function gets the step as torch's epoch, an integer array (for integer steps), and must
    be JAX-traceable (a select rather than Python `if`); it is structure, not a hyperparameter,
    so configs cannot hold it.

    Formula: `lr * lr_lambda(step)`.

    Args:
        lr: the optimizer's learning rate.
        lr_lambda: `step -> factor`.

    Returns:
        A `lambda_lr` with `scale=lr`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> lr = T.LambdaLR(1.0, lambda epoch: jnp.where(epoch < 2, 1.0, 0.1))
        >>> [round(float(x), 4) for x in lr(jnp.arange(4))]
        [1.0, 1.0, 0.1, 0.1]
    """
    return lambda_lr(lr_lambda, scale=lr)


@constructor(names={"init": "lr"}, lr_lambda=Function(allowed="a callable step -> factor"))
def MultiplicativeLR(lr: Any, lr_lambda: Callable[[Any], Any]) -> StatefulSchedule:  # noqa: N802
    """torch's `MultiplicativeLR`, stateful: the previous lr times `lr_lambda(step)` each step.

    `lr` at step 0; the function gets the step as a traced integer array.

    Formula: `lr_0 = lr`, `lr_k = lr_{k-1} * lr_lambda(k)` for `k >= 1`.

    Args:
        lr: the optimizer's learning rate.
        lr_lambda: `step -> factor`, JAX-traceable.

    Returns:
        A `learning_rate_scheduler` with `multiplicative=True` (state: `EpochState`).

    Examples:
        >>> from schedax.compat import torch as T
        >>> sched = T.MultiplicativeLR(1.0, lambda step: 0.5)
        >>> state, lrs = sched.init(), []
        >>> for step in range(3):
        ...     lr, state = sched(step, state)
        ...     lrs.append(float(lr))
        >>> lrs
        [1.0, 0.5, 0.25]
    """
    return learning_rate_scheduler(lr_lambda, lr, multiplicative=True)


@constructor(names={"schedules": "schedulers", "boundaries": "milestones"})
def SequentialLR(schedulers: Sequence[Any], milestones: Sequence[int]) -> Schedule:  # noqa: N802
    """torch's `SequentialLR`: scheduler `i + 1` starts at its own step 0 on milestone `i`.

    Formula: with `m_0 = 0`: `schedulers[i](step - m_i)` for `m_i <= step < m_{i+1}`.

    Args:
        schedulers: schedules (compat or native), one more than the milestones.
        milestones: steps, >= 0 and non-decreasing.

    Returns:
        A `join_schedules`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> lr = T.SequentialLR([T.ConstantLR(1.0, 0.5, 10), T.ExponentialLR(1.0, 0.5)], [2])
        >>> [float(x) for x in lr(jnp.arange(4))]
        [0.5, 0.5, 1.0, 0.5]
    """
    if isinstance(schedulers, Sequence) and not isinstance(schedulers, str):
        if not schedulers:  # torch: "expects at least one scheduler"
            raise ValueError("SequentialLR: schedulers must hold at least one scheduler, got []")
        schedulers = [schedulers[0], *(_restarted(s) for s in schedulers[1:])]
    return join_schedules(schedulers, milestones)


def _restarted(schedule: Any) -> Any:
    """A later scheduler of SequentialLR, restarted as torch restarts it (`step(0)`, its closed
    form): only ConstantLR(total_iters=0) differs, which holds its closed form before step 0."""
    if (
        isinstance(schedule, piecewise_constant)
        and schedule.inclusive
        and schedule.boundaries.shape == (1,)
        and is_concrete(schedule.boundaries)
        and schedule.boundaries[0] == 0
    ):
        return piecewise_constant([], schedule.values[:1])
    return schedule


@constructor(names={"schedules": "schedulers"})
def ChainedScheduler(lr: Any, schedulers: Sequence[Schedule]) -> Schedule:  # noqa: N802
    """torch's `ChainedScheduler`: all schedulers at once, their factors multiplied.

    Formula: `lr * prod(s(step) / lr)` over the schedulers, each built with the same `lr`: torch's
    chaining of multiplicative schedulers (ConstantLR, LinearLR, ExponentialLR, StepLR,
    MultiStepLR, PolynomialLR). torch's chaining of CosineAnnealingLR is not reproduced.

    Args:
        lr: the optimizer's learning rate, nonzero.
        schedulers: schedules built with `lr`.

    Returns:
        A `chain_schedules`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> pieces = [T.ConstantLR(1.0, 0.5, 2), T.ExponentialLR(1.0, 0.5)]
        >>> lr = T.ChainedScheduler(1.0, pieces)
        >>> [float(x) for x in lr(jnp.arange(4))]
        [0.5, 0.25, 0.25, 0.125]
    """
    if is_concrete(lr) and isinstance(lr, int | float) and lr == 0:  # every factor of 0 is 0
        return piecewise_constant([], [lr])
    return chain_schedules(lr, schedulers)


@constructor(names={"init": "lr"})
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
    """torch's `ReduceLROnPlateau`: `schedax.reduce_on_plateau` with torch's argument order.

    Feed it the metric with `state = sched.observe(state, value)`; see `reduce_on_plateau` for
    the rule and the arguments.

    Formula: that of `sx.reduce_on_plateau`: `lr = max(lr * factor, min_lr)` after more than
    `patience` observations without improvement, outside cooldown.

    Returns:
        A `reduce_on_plateau`.

    Examples:
        >>> from schedax.compat import torch as T
        >>> sched = T.ReduceLROnPlateau(1.0, factor=0.5, patience=0)
        >>> state = sched.init()
        >>> for loss in [1.0, 1.0]:
        ...     state = sched.observe(state, loss)
        >>> float(sched(0, state)[0])
        0.5
    """
    return reduce_on_plateau(
        lr, factor=_no_negative(factor), patience=patience, threshold=threshold,
        threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr, mode=mode, eps=eps,
    )  # fmt: skip


def _no_negative(factor: Any) -> Any:
    """torch and Keras take `max(lr * factor, min_lr)`: with `min_lr >= 0` a negative factor
    acts as 0, which the core takes."""
    negative = is_concrete(factor) and isinstance(factor, int | float) and factor < 0
    return 0.0 if negative and math.isfinite(factor) else factor  # -inf: refused as not finite
