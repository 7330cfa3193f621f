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
    """torch's `ConstantLR`: `lr * factor` for the first `total_iters` steps, then `lr`.

    torch quirk kept: with `total_iters=0` torch never restores `lr` (it stays `lr * factor`).

    Args:
        lr: the optimizer's learning rate.
        factor: the multiplier during the first steps, in [0, 1].
        total_iters: how many steps it lasts, >= 0.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.ConstantLR(1.0, factor=0.5, total_iters=2)(jnp.arange(4))]
        [0.5, 0.5, 1.0, 1.0]
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
    """torch's `LinearLR`: `lr` times a factor going linearly from `start_factor` to `end_factor`.

    Formula: `lr * (start + (end - start) * min(step, total_iters) / total_iters)`.

    Args:
        lr: the optimizer's learning rate.
        start_factor: the factor at step 0, in (0, 1].
        end_factor: the factor from step `total_iters` on, in [0, 1].
        total_iters: the length of the ramp in steps, > 0.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.LinearLR(1.0, start_factor=0.5, total_iters=2)(jnp.arange(4))]
        [0.5, 0.75, 1.0, 1.0]
    """
    fn = "LinearLR"
    lr = as_param(fn, "lr", lr)
    start = as_param(fn, "start_factor", start_factor)
    require(fn, "start_factor", start, lambda v: (v > 0) & (v <= 1), "in (0, 1]")
    end = _factor(fn, "end_factor", end_factor)
    total_iters = as_length(fn, "total_iters", total_iters)
    return linear_schedule(lr * start, lr * end, total_iters)


def StepLR(lr: Any, step_size: int, gamma: float = 0.1) -> Schedule:  # noqa: N802
    """torch's `StepLR`: `lr * gamma**(step // step_size)`.

    Args:
        lr: the optimizer's learning rate.
        step_size: the period in steps, > 0.
        gamma: the factor per period, > 0.

    Returns:
        A `Schedule` (a `step_decay`).

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.StepLR(1.0, step_size=2, gamma=0.5)(jnp.arange(5))]
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    return step_decay(lr, gamma, step_size)


def MultiStepLR(lr: Any, milestones: Sequence[int], gamma: float = 0.1) -> Schedule:  # noqa: N802
    """torch's `MultiStepLR`: `lr * gamma**(number of milestones <= step)`.

    A repeated milestone counts each time, as in torch.

    Args:
        lr: the optimizer's learning rate.
        milestones: steps, >= 0 (sorted here).
        gamma: the factor per milestone.

    Returns:
        A `Schedule` (a `piecewise_constant`).

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.MultiStepLR(1.0, [1, 3, 3], gamma=0.5)(jnp.arange(4))]
        [1.0, 0.5, 0.5, 0.125]
    """
    fn = "MultiStepLR"
    lr, gamma = as_param(fn, "lr", lr), as_param(fn, "gamma", gamma)
    milestones = sorted(milestones) if isinstance(milestones, Sequence) else milestones
    n = len(milestones)
    return piecewise_constant(milestones, [lr * gamma**k for k in range(n + 1)])


def ExponentialLR(lr: Any, gamma: float) -> Schedule:  # noqa: N802
    """torch's `ExponentialLR`: `lr * gamma**step`.

    Args:
        lr: the optimizer's learning rate.
        gamma: the factor per step, > 0.

    Returns:
        A `Schedule` (an `exponential_decay`).

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.ExponentialLR(1.0, gamma=0.5)(jnp.arange(3))]
        [1.0, 0.5, 0.25]
    """
    return exponential_decay(lr, gamma)


def PolynomialLR(lr: Any, total_iters: int = 5, power: float = 1.0) -> Schedule:  # noqa: N802
    """torch's `PolynomialLR`: `lr * (1 - min(step, total_iters) / total_iters)**power`.

    Args:
        lr: the optimizer's learning rate.
        total_iters: the length of the decay in steps, > 0.
        power: the exponent, > 0.

    Returns:
        A `Schedule` (a `polynomial_decay` to 0).

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.PolynomialLR(1.0, total_iters=2, power=2.0)(jnp.arange(3))]
        [1.0, 0.25, 0.0]
    """
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
    """torch's `CosineAnnealingLR`: half a cosine from `lr` to `eta_min`; periodic, as torch is.

    Formula: `eta_min + (lr - eta_min) * (1 + cos(pi * step / T_max)) / 2` at every step: it
    climbs back up after `T_max` (for a schedule that holds `eta_min`, use `cosine_decay`).

    Args:
        lr: the optimizer's learning rate.
        T_max: half the period in steps, > 0.
        eta_min: the minimum.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [round(float(x), 4) for x in T.CosineAnnealingLR(1.0, T_max=2)(jnp.arange(5))]
        [1.0, 0.5, 0.0, 0.5, 1.0]
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
    """torch's `CosineAnnealingWarmRestarts` (SGDR): cycles of `T_0 * T_mult**i` steps.

    Each cycle decays along half a cosine from `lr` to `eta_min`, then restarts at `lr`.

    Args:
        lr: the optimizer's learning rate.
        T_0: the length of the first cycle in steps, > 0.
        T_mult: the growth of each cycle, an integer >= 1.
        eta_min: the value each cycle decays to.

    Returns:
        A `Schedule` (a `cosine_restarts`).

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [round(float(x), 4) for x in T.CosineAnnealingWarmRestarts(1.0, T_0=2)(jnp.arange(5))]
        [1.0, 0.5, 1.0, 0.5, 1.0]
    """
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
    """torch's `CyclicLR` learning rates (momentum cycling is the optimizer's business).

    Custom `scale_fn`s are not supported (a ValueError says to use `mode`); `scale_mode` must be
    the one torch uses for the mode ("iterations" for "exp_range", else "cycle").

    Args:
        base_lr: the lower end of the wave.
        max_lr: the upper end of the first cycle.
        step_size_up: steps from `base_lr` to `max_lr`, > 0.
        step_size_down: steps back down, or None for `step_size_up`.
        mode: "triangular", "triangular2" or "exp_range".
        gamma: the per-step factor of "exp_range".
        scale_fn: must be None.
        scale_mode: see above.

    Returns:
        A `Schedule` (a `cyclic`).

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.CyclicLR(0.0, 1.0, step_size_up=2)(jnp.arange(5))]
        [0.0, 0.5, 1.0, 0.5, 0.0]
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
    """torch's `OneCycleLR` learning rates (momentum cycling is the optimizer's business).

    Args:
        max_lr: the peak learning rate.
        total_steps: the cycle's length, or None to use `epochs * steps_per_epoch`.
        epochs: with `steps_per_epoch`, when `total_steps` is None.
        steps_per_epoch: see `epochs`.
        pct_start: the fraction of the cycle spent rising, in (0, 1).
        anneal_strategy: "cos" or "linear".
        div_factor: `max_lr / initial lr`.
        final_div_factor: `initial lr / final lr`.
        three_phase: torch's three-phase variant.

    Returns:
        A `Schedule` (a `one_cycle`; held after the last step, where torch raises).

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> lr = T.OneCycleLR(1.0, total_steps=10, div_factor=10.0, anneal_strategy="linear")
        >>> [round(float(x), 2) for x in lr(jnp.array([0, 2]))]
        [0.1, 1.0]
    """
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
    """torch's `LambdaLR`: `lr * lr_lambda(step)`.

    The function gets the step as a float array and must be JAX-traceable (`jnp.where` rather
    than Python `if`); it is structure, not a hyperparameter, so configs cannot hold it.

    Args:
        lr: the optimizer's learning rate.
        lr_lambda: `step -> factor`.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> [float(x) for x in T.LambdaLR(1.0, lambda step: 1.0 / (1.0 + step))(jnp.arange(3))]
        [1.0, 0.5, 0.3333333432674408]
    """
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
    """torch's `MultiplicativeLR`, stateful: the previous lr times `lr_lambda(step)` each step.

    `lr` at step 0; the function gets the step as a traced integer array.

    Args:
        lr: the optimizer's learning rate.
        lr_lambda: `step -> factor`, JAX-traceable.

    Returns:
        A `StatefulSchedule` (state: `EpochState`).

    Example:
        >>> from schedax.compat import torch as T
        >>> sched = T.MultiplicativeLR(1.0, lambda step: 0.5)
        >>> state, lrs = sched.init(), []
        >>> for step in range(3):
        ...     lr, state = sched(step, state)
        ...     lrs.append(float(lr))
        >>> lrs
        [1.0, 0.5, 0.25]
    """
    fn = "MultiplicativeLR"
    if not callable(lr_lambda):
        raise TypeError(f"{fn}: lr_lambda must be a callable step -> factor, got {lr_lambda!r}")
    return _MultiplicativeLR(
        schedule=lr_lambda, init_lr=as_param(fn, "lr", lr), steps_per_epoch=jnp.asarray(1)
    )


def SequentialLR(schedulers: Sequence[Any], milestones: Sequence[int]) -> Schedule:  # noqa: N802
    """torch's `SequentialLR`: scheduler `i + 1` starts at its own step 0 on milestone `i`.

    Args:
        schedulers: schedules (compat or native), one more than the milestones.
        milestones: steps, >= 0 and non-decreasing.

    Returns:
        A `Schedule` (a `join_schedules`).

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> lr = T.SequentialLR([T.ConstantLR(1.0, 0.5, 10), T.ExponentialLR(1.0, 0.5)], [2])
        >>> [float(x) for x in lr(jnp.arange(4))]
        [0.5, 0.5, 1.0, 0.5]
    """
    return join_schedules(schedulers, milestones)


class _Chained(Schedule, name="ChainedScheduler"):
    lr: Array = param()
    schedulers: tuple[Schedule, ...]

    def _value(self, t: Array) -> Array:
        lr = self.lr.astype(t.dtype)
        factors = [jnp.asarray(s(t), t.dtype) / lr for s in self.schedulers]
        return lr * functools.reduce(operator.mul, factors, jnp.ones_like(t))


def ChainedScheduler(lr: Any, schedulers: Sequence[Schedule]) -> Schedule:  # noqa: N802
    """torch's `ChainedScheduler`: all schedulers at once, their factors multiplied.

    Formula: `lr * prod(s(step) / lr)` over the schedulers, each built with the same `lr`: torch's
    chaining of multiplicative schedulers (ConstantLR, LinearLR, ExponentialLR, StepLR,
    MultiStepLR, PolynomialLR). torch's chaining of CosineAnnealingLR is not reproduced.

    Args:
        lr: the optimizer's learning rate, nonzero.
        schedulers: schedules built with `lr`.

    Returns:
        A `Schedule`.

    Example:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import torch as T
        >>> lr = T.ChainedScheduler(1.0, [T.ConstantLR(1.0, 0.5, 2), T.ExponentialLR(1.0, 0.5)])
        >>> [float(x) for x in lr(jnp.arange(4))]
        [0.5, 0.25, 0.25, 0.125]
    """
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
    """torch's `ReduceLROnPlateau`: `schedax.reduce_on_plateau` with torch's argument order.

    Feed it the metric with `state = sched.observe(state, value)`; see `reduce_on_plateau` for
    the rule and the arguments.

    Returns:
        A `StatefulSchedule`.

    Example:
        >>> from schedax.compat import torch as T
        >>> sched = T.ReduceLROnPlateau(1.0, factor=0.5, patience=0)
        >>> state = sched.init()
        >>> for loss in [1.0, 1.0]:
        ...     state = sched.observe(state, loss)
        >>> float(sched(0, state)[0])
        0.5
    """
    return _plateau(
        "ReduceLROnPlateau", lr, factor=factor, patience=patience, threshold=threshold,
        threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr, mode=mode, eps=eps,
        counting="torch",
    )  # fmt: skip
