"""Hugging Face transformers' schedules (`transformers.optimization`), as schedax schedules.

transformers builds a torch `LambdaLR` whose multiplier is a function of the step; the value
of a schedax schedule at step `t` is the learning rate that scheduler sets after `t` calls of
`scheduler.step()`: the base learning rate times the multiplier at `t`, past
`num_training_steps` included (transformers' cosine keeps following its curve there). Each
function takes the base learning rate where transformers takes the optimizer, and
transformers' other arguments by their names; values are checked against transformers 5.23.

`last_epoch` is accepted for the signature's sake and must be -1: a schedax schedule is a
function of the step, so a resumed run calls it with the step it resumes from. Lengths are
whole numbers of steps, >= 0 (transformers compares them with its integer step counter).

Examples:
    >>> import jax.numpy as jnp
    >>> from schedax.compat import transformers as hf
    >>> lr = hf.get_linear_schedule_with_warmup(1.0, num_warmup_steps=2, num_training_steps=6)
    >>> lr(jnp.arange(0, 8, 2))
    Array([0. , 1. , 0.5, 0. ], dtype=float32)
"""

from __future__ import annotations

import inspect
from typing import Any

import schedax as sx

from .._numerics import like, select
from .._registry import register
from .._rules import Count, Flag, Option, Param, constructor
from .._util import fmt, is_concrete, warn
from . import torch as _torch

__all__ = [
    "get_scheduler",
    "get_reduce_on_plateau_schedule",
    "get_greedy_schedule",
    "GreedyLR",
    "get_constant_schedule",
    "get_constant_schedule_with_warmup",
    "get_cosine_schedule_with_warmup",
    "get_cosine_with_hard_restarts_schedule_with_warmup",
    "get_cosine_with_min_lr_schedule_with_warmup",
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "get_inverse_sqrt_schedule",
    "get_wsd_schedule",
    "get_linear_schedule_with_warmup",
    "get_polynomial_decay_schedule_with_warmup",
]

_LR = Param()
_STEPS = Count(ge=0, whole=True)
_CYCLES = Param(ge=0)  # hard restarts: a negative count reverses each cycle (the migration guide)
_WAVES = Param()  # the cosine is even: a negative count of waves gives |num_cycles|'s values
_LAST_EPOCH = Option(choices=(-1,))
_FLAG = Flag()  # resuming is calling the schedule at that step


def _at_least_one(n: Any) -> Any:
    """transformers' `max(1, n)`, for a whole number of steps."""
    return select(n >= 1, n, like(n, 1))


def _warmup(lr: Any, warmup: Any, then: sx.Schedule) -> sx.Schedule:
    """`lr * t / max(1, warmup)` before `warmup`, then `then` counted from there."""
    ramp = sx.linear_schedule(0.0, lr, _at_least_one(warmup))
    return sx.join_schedules([ramp, then], [warmup])


def _cosine(
    lr: Any, warmup: Any, total: Any, cycles: Any, rate: Any, offset: int = 0
) -> sx.Schedule:
    """transformers' cosine after a warmup: `num_cycles` waves over the decay, from `lr` down to
    `rate * lr`, not clamped (past `num_training_steps` the cosine goes on), `offset` steps
    ahead."""
    cycles = abs(cycles)  # Python, numpy and JAX numbers alike
    flat = cycles == 0  # cos(0): the learning rate throughout
    half_wave = _at_least_one(total - warmup) / (2 * select(flat, like(cycles, 1), cycles))
    end = select(flat, lr, lr * rate)
    return sx.cosine_decay(lr, half_wave, end, periodic=True, offset=offset)


@constructor(lr=_LR, last_epoch=_LAST_EPOCH)
def get_constant_schedule(lr: Any, last_epoch: int = -1) -> sx.Schedule:
    """transformers' `get_constant_schedule`: `lr` at every step.

    Formula: `lr`.

    Examples:
        >>> from schedax.compat import transformers as hf
        >>> float(hf.get_constant_schedule(0.1)(1000))
        0.10000000149011612
    """
    return sx.constant_lr(lr)


@constructor(lr=_LR, num_warmup_steps=_STEPS, last_epoch=_LAST_EPOCH)
def get_constant_schedule_with_warmup(
    lr: Any, num_warmup_steps: int, last_epoch: int = -1
) -> sx.Schedule:
    """transformers' `get_constant_schedule_with_warmup`: from 0 up to `lr` over
    `num_warmup_steps`, then `lr`.

    Formula: `lr * step / max(1, num_warmup_steps)` for `step < num_warmup_steps`, then `lr`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import transformers as hf
        >>> hf.get_constant_schedule_with_warmup(1.0, 4)(jnp.arange(0, 6, 2))
        Array([0. , 0.5, 1. ], dtype=float32)
    """
    return _warmup(lr, num_warmup_steps, sx.constant_lr(lr))


@constructor(lr=_LR, num_warmup_steps=_STEPS, num_training_steps=_STEPS, last_epoch=_LAST_EPOCH)
def get_linear_schedule_with_warmup(
    lr: Any, num_warmup_steps: int, num_training_steps: int, last_epoch: int = -1
) -> sx.Schedule:
    """transformers' `get_linear_schedule_with_warmup`: warmup, then linearly down to 0 at
    `num_training_steps`, and 0 after.

    Formula: `lr * t / max(1, w)` before `w`, then `lr * max(0, (T - t) / max(1, T - w))`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import transformers as hf
        >>> hf.get_linear_schedule_with_warmup(1.0, 2, 6)(jnp.arange(0, 8, 2))
        Array([0. , 1. , 0.5, 0. ], dtype=float32)
    """
    warmup, total = num_warmup_steps, num_training_steps
    start = select(total > warmup, lr, like(lr, 0))  # no decay left: 0 from the warmup's end
    return _warmup(lr, warmup, sx.linear_schedule(start, 0.0, _at_least_one(total - warmup)))


@constructor(lr=_LR, num_warmup_steps=_STEPS, num_training_steps=_STEPS, num_cycles=_WAVES,
             last_epoch=_LAST_EPOCH)  # fmt: skip
def get_cosine_schedule_with_warmup(
    lr: Any,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> sx.Schedule:
    """transformers' `get_cosine_schedule_with_warmup`: warmup, then a cosine.

    Formula: `lr * t / max(1, w)` before `w`, then `lr * (1 + cos(2 pi c p)) / 2` with
    `p = (t - w) / max(1, T - w)` and `c = num_cycles`: half a wave by default. As in
    transformers, `p` is not clamped: past `num_training_steps` the cosine climbs back.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import transformers as hf
        >>> hf.get_cosine_schedule_with_warmup(1.0, 2, 6)(jnp.arange(0, 12, 2)).round(3)
        Array([0. , 1. , 0.5, 0. , 0.5, 1. ], dtype=float32)
    """
    cosine = _cosine(lr, num_warmup_steps, num_training_steps, num_cycles, 0.0)
    return _warmup(lr, num_warmup_steps, cosine)


@constructor(lr=_LR, num_warmup_steps=_STEPS, num_training_steps=_STEPS, num_cycles=_CYCLES,
             last_epoch=_LAST_EPOCH)  # fmt: skip
def get_cosine_with_hard_restarts_schedule_with_warmup(
    lr: Any,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: int = 1,
    last_epoch: int = -1,
) -> sx.Schedule:
    """transformers' `get_cosine_with_hard_restarts_schedule_with_warmup`: warmup, then
    `num_cycles` cosine decays from `lr` to 0, each restarting at `lr`; 0 from
    `num_training_steps` on.

    Formula: `lr * (1 + cos(pi * ((c p) mod 1))) / 2` with `p = (t - w) / max(1, T - w) < 1`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import transformers as hf
        >>> restarts = hf.get_cosine_with_hard_restarts_schedule_with_warmup
        >>> lr = restarts(1.0, 0, 8, num_cycles=2)
        >>> lr(jnp.arange(0, 10, 2)).round(3)
        Array([1. , 0.5, 1. , 0.5, 0. ], dtype=float32)
    """
    warmup, cycles = num_warmup_steps, num_cycles
    decay = _at_least_one(num_training_steps - warmup)
    flat = cycles == 0  # (0 * p) mod 1 == 0: the learning rate until the end
    period = decay / select(flat, like(cycles, 1), cycles)
    zero = like(lr, 0)
    restarts = sx.cosine_restarts(lr, period, end=select(flat, lr, zero))
    ramp = sx.linear_schedule(0.0, lr, _at_least_one(warmup))
    return sx.join_schedules([ramp, restarts, sx.constant_lr(zero)], [warmup, warmup + decay])


@constructor(lr=_LR, num_warmup_steps=_STEPS, num_training_steps=_STEPS, lr_end=Param(),
             power=Param(ge=0), last_epoch=_LAST_EPOCH)  # fmt: skip
def get_polynomial_decay_schedule_with_warmup(
    lr: Any,
    num_warmup_steps: int,
    num_training_steps: int,
    lr_end: float = 1e-7,
    power: float = 1.0,
    last_epoch: int = -1,
) -> sx.Schedule:
    """transformers' `get_polynomial_decay_schedule_with_warmup`: warmup, then from `lr` to
    `lr_end` along a power, and `lr_end` after `num_training_steps`.

    Formula: `(lr - lr_end) * (1 - (t - w) / (T - w))**power + lr_end` from `w` to `T`.
    `lr_end` must be smaller than `lr` (transformers raises otherwise).

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import transformers as hf
        >>> polynomial = hf.get_polynomial_decay_schedule_with_warmup
        >>> lr = polynomial(1.0, 0, 4, lr_end=0.0, power=2.0)
        >>> lr(jnp.arange(6))
        Array([1.    , 0.5625, 0.25  , 0.0625, 0.    , 0.    ], dtype=float32)
    """
    if is_concrete(lr) and is_concrete(lr_end) and not lr > lr_end:
        raise ValueError(f"get_polynomial_decay_schedule_with_warmup: lr_end ({fmt(lr_end)}) "
                         f"must be smaller than lr ({fmt(lr)})")  # fmt: skip
    warmup, total = num_warmup_steps, num_training_steps
    ramp = sx.linear_schedule(0.0, lr, _at_least_one(warmup))
    decay = sx.polynomial_decay(lr, lr_end, _at_least_one(total - warmup), power)
    # lr_end after num_training_steps, whatever the power (0**0 == 1 keeps lr until then).
    end = select(total + 1 > warmup, total + 1, warmup)
    return sx.join_schedules([ramp, decay, sx.constant_lr(lr_end)], [warmup, end])


@constructor(lr=_LR, num_warmup_steps=_STEPS, timescale=Count(gt=0, optional=True),
             last_epoch=_LAST_EPOCH)  # fmt: skip
def get_inverse_sqrt_schedule(
    lr: Any, num_warmup_steps: int, timescale: int | None = None, last_epoch: int = -1
) -> sx.Schedule:
    """transformers' `get_inverse_sqrt_schedule`: warmup, then `lr * sqrt(s / (t - w + s))`
    with the timescale `s` (default: `num_warmup_steps`, or 10,000 without a warmup).

    Formula: `lr * step / max(1, w)` before `w = num_warmup_steps`, then `lr * sqrt(s / (step - w +
    s))` with the timescale `s`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import transformers as hf
        >>> hf.get_inverse_sqrt_schedule(1.0, 4)(jnp.array([0, 2, 4, 16]))
        Array([0. , 0.5, 1. , 0.5], dtype=float32)
    """
    if timescale is None:
        timescale = select(num_warmup_steps > 0, num_warmup_steps, like(num_warmup_steps, 10_000))
    return sx.inverse_sqrt(lr, num_warmup_steps, 0.0, timescale)


@constructor(lr=_LR, num_warmup_steps=_STEPS, num_training_steps=_STEPS, num_cycles=_WAVES,
             last_epoch=_LAST_EPOCH, min_lr=Param(ge=0, optional=True),
             min_lr_rate=Param(ge=0, optional=True))  # fmt: skip
def get_cosine_with_min_lr_schedule_with_warmup(
    lr: Any,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
) -> sx.Schedule:
    """transformers' `get_cosine_with_min_lr_schedule_with_warmup`: the cosine of
    `get_cosine_schedule_with_warmup`, between `lr` and `min_lr` (or `min_lr_rate * lr`).

    Exactly one of `min_lr` and `min_lr_rate` is given, as transformers requires.

    Formula: `lr * step / max(1, w)` before `w = num_warmup_steps`, then `m + (lr - m) * (1 + cos(2
    pi num_cycles p)) / 2` with `p = (step - w) / max(1, T - w)` and `m = min_lr` (or `min_lr_rate *
    lr`).

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import transformers as hf
        >>> lr = hf.get_cosine_with_min_lr_schedule_with_warmup(1.0, 0, 4, min_lr=0.2)
        >>> lr(jnp.arange(0, 6, 2)).round(3)
        Array([1. , 0.6, 0.2], dtype=float32)
    """
    rate = _min_lr_rate("get_cosine_with_min_lr_schedule_with_warmup", lr, min_lr, min_lr_rate)
    cosine = _cosine(lr, num_warmup_steps, num_training_steps, num_cycles, rate)
    return _warmup(lr, num_warmup_steps, cosine)


def _min_lr_rate(where: str, lr: Any, min_lr: Any, min_lr_rate: Any) -> Any:
    """transformers' `min_lr` or `min_lr_rate` (exactly one), as a fraction of `lr`."""
    if min_lr is not None and min_lr_rate is not None:
        raise ValueError(f"{where}: only one of min_lr or min_lr_rate should be set")
    if min_lr is None and min_lr_rate is None:
        raise ValueError(f"{where}: one of min_lr or min_lr_rate should be set")
    if min_lr is not None and is_concrete(lr) and lr == 0:  # transformers divides by it
        raise ValueError(f"{where}: min_lr is a fraction of lr, which must be nonzero, got 0")
    return min_lr / lr if min_lr is not None else min_lr_rate


@constructor(lr=_LR, num_warmup_steps=_STEPS, num_training_steps=_STEPS, num_cycles=_WAVES,
             last_epoch=_LAST_EPOCH, min_lr=Param(ge=0, optional=True),
             min_lr_rate=Param(ge=0, optional=True),
             warmup_lr_rate=Param(ge=0, optional=True))  # fmt: skip
def get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
    lr: Any,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
    warmup_lr_rate: float | None = None,
) -> sx.Schedule:
    """transformers' `get_cosine_with_min_lr_schedule_with_warmup_lr_rate` (the
    "cosine_warmup_with_min_lr" type): `get_cosine_with_min_lr_schedule_with_warmup` one step
    ahead.

    The warmup is `lr * (t + 1) / max(1, w)`, or with `warmup_lr_rate` r
    `lr * (r + (1 - r) * t / max(1, w - 1))`; the cosine's progress is
    `(t - w + 1) / max(1, T - w)`.

    Formula: `lr * (step + 1) / max(1, w)` (with `warmup_lr_rate` r: `lr * (r + (1 - r) * step /
    max(1, w - 1))`) before `w`, then `m + (lr - m) * (1 + cos(2 pi num_cycles p)) / 2` with `p =
    (step - w + 1) / max(1, T - w)`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import transformers as hf
        >>> cosine = hf.get_cosine_with_min_lr_schedule_with_warmup_lr_rate
        >>> lr = cosine(1.0, 2, 6, min_lr=0.0)
        >>> [round(float(x), 3) for x in lr(jnp.arange(0, 6))]
        [0.5, 1.0, 0.854, 0.5, 0.146, 0.0]
    """
    where = "get_cosine_with_min_lr_schedule_with_warmup_lr_rate"
    rate = _min_lr_rate(where, lr, min_lr, min_lr_rate)
    warmup = num_warmup_steps
    first = lr / _at_least_one(warmup) if warmup_lr_rate is None else lr * warmup_lr_rate
    ramp = sx.linear_schedule(first, lr, _at_least_one(warmup - 1))
    cosine = _cosine(lr, warmup, num_training_steps, num_cycles, rate, offset=1)
    return sx.join_schedules([ramp, cosine], [warmup])


_SHAPES = Option(choices=("linear", "cosine", "1-sqrt"))


@constructor(lr=_LR, num_warmup_steps=_STEPS, num_decay_steps=Count(ge=0, whole=True),
             num_training_steps=Count(whole=True, optional=True),
             num_stable_steps=Count(ge=0, whole=True, optional=True),
             warmup_type=_SHAPES, decay_type=_SHAPES, min_lr_ratio=Param(ge=0),
             num_cycles=Param(gt=0), last_epoch=_LAST_EPOCH)  # fmt: skip
def get_wsd_schedule(
    lr: Any,
    num_warmup_steps: int,
    num_decay_steps: int,
    num_training_steps: int | None = None,
    num_stable_steps: int | None = None,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    min_lr_ratio: float = 0,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> sx.Schedule:
    """transformers' `get_wsd_schedule`: warmup, stable, decay (`sx.warmup_stable_decay`).

    From `min_lr_ratio * lr` up to `lr` over `num_warmup_steps` (shape `warmup_type`), `lr`
    for `num_stable_steps` (default: `num_training_steps - num_warmup_steps -
    num_decay_steps`), down to `min_lr_ratio * lr` over `num_decay_steps` (shape `decay_type`;
    a cosine with `num_cycles` waves), and `min_lr_ratio * lr` after.

    Formula: with `m = min_lr_ratio * lr`: from `m` to `lr` over `num_warmup_steps` (`warmup_type`),
    `lr` for the stable steps, `m + (lr - m) * shape(p)` over `num_decay_steps` (`decay_type`), `m`
    after.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import transformers as hf
        >>> lr = hf.get_wsd_schedule(1.0, 2, 4, num_stable_steps=2, decay_type="linear")
        >>> lr(jnp.arange(0, 10, 2))
        Array([0. , 1. , 1. , 0.5, 0. ], dtype=float32)
    """
    where = "get_wsd_schedule"
    if num_training_steps is None and num_stable_steps is None:
        raise ValueError(f"{where}: either num_training_steps or num_stable_steps must be "
                         "specified")  # fmt: skip
    if num_stable_steps is None:  # negative when training is shorter than warmup + decay:
        # as transformers, the decay then starts before the warmup ends
        num_stable_steps = num_training_steps - num_warmup_steps - num_decay_steps
    elif num_training_steps is not None:
        warn(f"{where}: both num_training_steps and num_stable_steps are specified; as "
             "transformers, num_stable_steps is used")  # fmt: skip
    low = lr * min_lr_ratio
    no_decay = is_concrete(num_decay_steps) and num_decay_steps == 0
    stable = select(num_stable_steps > 0, num_stable_steps, like(num_stable_steps, 0))
    wsd = sx.warmup_stable_decay(
        lr, num_warmup_steps, stable if no_decay else num_stable_steps,
        1 if no_decay else num_decay_steps, low, low, decay_type, warmup_type,
        num_cycles if decay_type == "cosine" else None,
    )  # fmt: skip
    if not no_decay:
        return wsd
    # No decay steps: min_lr_ratio * lr from the end of the stable phase (or of the warmup).
    return sx.join_schedules([wsd, sx.constant_lr(low)], [num_warmup_steps + stable])


@constructor(lr=_LR, names=_torch.ReduceLROnPlateau.names)  # its kwargs are torch's
def get_reduce_on_plateau_schedule(lr: Any, **kwargs: Any) -> sx.StatefulSchedule:
    """transformers' `get_reduce_on_plateau_schedule`: torch's `ReduceLROnPlateau` with
    `kwargs` (`mode`, `factor`, `patience`, `threshold`, `threshold_mode`, `cooldown`, `min_lr`,
    `eps`). Stateful: feed the metric with `state = schedule.observe(state, value)`.

    Formula: that of torch's `ReduceLROnPlateau`: `lr = max(lr * factor, min_lr)` after more than
    `patience` observations without improvement, outside cooldown.

    Examples:
        >>> from schedax.compat import transformers as hf
        >>> plateau = hf.get_reduce_on_plateau_schedule(0.1, patience=0)
        >>> state = plateau.observe(plateau.observe(plateau.init(), 1.0), 1.0)
        >>> round(float(plateau(0, state)[0]), 6)
        0.01
    """
    return _torch.ReduceLROnPlateau(lr, **kwargs)


@constructor(lr=_LR, verbose=_FLAG)
def GreedyLR(  # noqa: N802
    lr: Any,
    mode: str = "min",
    factor: float = 0.95,
    patience: int = 10,
    threshold: float = 1e-6,
    threshold_mode: str = "abs",
    cooldown: int = 0,
    warmup: int = 0,
    min_lr: Any = 1e-3,
    max_lr: Any = 1.0,
    eps: float = 1e-8,
    verbose: bool = False,
    smooth: bool = False,
    window_size: int = 50,
    reset_start: int = 500,
) -> sx.StatefulSchedule:
    """transformers' `GreedyLR`: `schedax.greedy_lr` with transformers' arguments.

    Feed it the metric with `state = schedule.observe(state, value)`; see `greedy_lr` for the
    rule. `min_lr` and `max_lr` may be lists of one value (one per parameter group, as
    transformers takes them); `verbose` is accepted and prints nothing (a jitted schedule
    cannot print).

    Formula: up (`min(lr / factor, max_lr)`) after more than `patience` better observations, down
    (`max(lr * factor, min_lr)`) after more than `patience` worse ones, outside cooldown and warmup.

    Examples:
        >>> from schedax.compat import transformers as hf
        >>> greedy = hf.GreedyLR(0.1, factor=0.5, patience=0, min_lr=0.0)
        >>> state = greedy.observe(greedy.init(), 1.0)  # better than none: up
        >>> state = greedy.observe(state, 1.0)  # not better: down
        >>> round(float(greedy(0, state)[0]), 6)
        0.1
    """
    where = "GreedyLR"
    min_lr, max_lr = (_one_group(where, name, v) for name, v in (("min_lr", min_lr),
                                                                  ("max_lr", max_lr)))  # fmt: skip
    return sx.greedy_lr(
        lr, mode=mode, factor=factor, patience=patience, threshold=threshold,
        threshold_mode=threshold_mode, cooldown=cooldown, warmup=warmup, min_lr=min_lr,
        max_lr=max_lr, eps=eps, smooth=smooth, window_size=window_size, reset_start=reset_start,
    )  # fmt: skip


def _one_group(where: str, arg: str, value: Any) -> Any:
    """A per-group bound: a number, or a list of one (schedax schedules one learning rate)."""
    if isinstance(value, list | tuple):
        if len(value) != 1:
            raise ValueError(f"{where}: {arg} must have one value per parameter group (1), got "
                             f"{len(value)}")  # fmt: skip
        return value[0]
    return value


@constructor(lr=_LR, names=GreedyLR.names)  # its kwargs are GreedyLR's
def get_greedy_schedule(lr: Any, **kwargs: Any) -> sx.StatefulSchedule:
    """transformers' `get_greedy_schedule`: `GreedyLR(lr, **kwargs)`. Stateful: feed the metric
    with `state = schedule.observe(state, value)`.

    Formula: that of `GreedyLR`: up (`lr / factor`, at most `max_lr`) after more than `patience`
    better observations, down (`lr * factor`, at least `min_lr`) after more than `patience` worse
    ones.

    Examples:
        >>> from schedax.compat import transformers as hf
        >>> greedy = hf.get_greedy_schedule(0.1, factor=0.5, patience=0, min_lr=0.0)
        >>> state = greedy.observe(greedy.observe(greedy.init(), 1.0), 0.5)  # better twice
        >>> round(float(greedy(0, state)[0]), 6)
        0.4
    """
    return GreedyLR(lr, **kwargs)


# transformers' SchedulerType names, in its order, and the function each one calls.
SCHEDULERS = {
    "linear": get_linear_schedule_with_warmup,
    "cosine": get_cosine_schedule_with_warmup,
    "cosine_with_restarts": get_cosine_with_hard_restarts_schedule_with_warmup,
    "polynomial": get_polynomial_decay_schedule_with_warmup,
    "constant": get_constant_schedule,
    "constant_with_warmup": get_constant_schedule_with_warmup,
    "inverse_sqrt": get_inverse_sqrt_schedule,
    "reduce_lr_on_plateau": get_reduce_on_plateau_schedule,
    "cosine_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup,
    "cosine_warmup_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    "warmup_stable_decay": get_wsd_schedule,
    "greedy": get_greedy_schedule,
}
# Configs name them by SchedulerType too: {"name": "transformers.cosine", "lr": ...}.
for _name, _make in SCHEDULERS.items():
    register(f"transformers.{_name}", _make)


# The schedules' arguments get_scheduler passes on, by its own names.
_KWARGS = ("num_cycles", "lr_end", "power", "timescale", "min_lr", "min_lr_rate", "warmup_lr_rate",
           "num_decay_steps", "num_stable_steps", "warmup_type", "decay_type", "min_lr_ratio",
           "mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "eps",
           "warmup", "max_lr", "smooth", "window_size", "reset_start")  # fmt: skip
_GET_NAMES = {"lr": "learning_rate", "num_warmup_steps": "num_warmup_steps",
              "num_training_steps": "num_training_steps",
              **{k: f"scheduler_specific_kwargs[{k!r}]" for k in _KWARGS}}  # fmt: skip


@constructor(config=False, names=_GET_NAMES)
def get_scheduler(
    name: str,
    learning_rate: Any,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    scheduler_specific_kwargs: dict | None = None,
) -> sx.Schedule | sx.StatefulSchedule:
    """transformers' `get_scheduler`: the schedule a `SchedulerType` name stands for.

    `learning_rate` stands where transformers takes the optimizer. As in transformers,
    "constant" takes nothing else, "reduce_lr_on_plateau" and "greedy" only
    `scheduler_specific_kwargs`, the others need `num_warmup_steps`, and all but
    "constant_with_warmup" and "inverse_sqrt" need `num_training_steps` too.

    Formula: that of the schedule `name` stands for (`SchedulerType`), built from the same
    arguments.

    Args:
        name: a `SchedulerType` name ("linear", "cosine", ...).
        learning_rate: the base learning rate.
        num_warmup_steps: the warmup length.
        num_training_steps: the training length.
        scheduler_specific_kwargs: the function's other arguments (`num_cycles`, `lr_end`...).

    Returns:
        The schedule its function builds.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import transformers as hf
        >>> lr = hf.get_scheduler("linear", 1.0, num_warmup_steps=2, num_training_steps=6)
        >>> lr(jnp.arange(0, 8, 2))
        Array([0. , 1. , 0.5, 0. ], dtype=float32)
    """
    if name not in SCHEDULERS:
        raise ValueError(f"get_scheduler: name {name!r} is not a valid SchedulerType, please "
                         f"select one of {list(SCHEDULERS)}")  # fmt: skip
    make = SCHEDULERS[name]
    kwargs = scheduler_specific_kwargs or {}
    if not isinstance(kwargs, dict):
        raise TypeError("get_scheduler: scheduler_specific_kwargs must be a dict of the "
                        f"schedule's other arguments, got {type(kwargs).__name__}")  # fmt: skip
    taken = inspect.signature(make).parameters
    unknown = sorted(set(kwargs) - set(taken))
    if unknown and name not in ("constant", "constant_with_warmup", "reduce_lr_on_plateau",
                                "greedy"):  # fmt: skip
        raise TypeError(
            f"get_scheduler: scheduler_specific_kwargs has {unknown}, which "
            f"{make.__name__} does not take; its arguments are {list(taken)}"
        )
    if kwargs and name in ("constant", "constant_with_warmup"):
        warn(f"get_scheduler: {name!r} takes no scheduler_specific_kwargs; as transformers, "
             f"{sorted(kwargs)} are ignored")  # fmt: skip
    if name == "constant":
        return make(learning_rate)
    if name in ("reduce_lr_on_plateau", "greedy"):
        return make(learning_rate, **kwargs)
    if num_warmup_steps is None:
        raise ValueError(f"get_scheduler: {name} requires `num_warmup_steps`, please provide "
                         "that argument.")  # fmt: skip
    if name == "warmup_stable_decay":  # num_training_steps or a num_stable_steps kwarg
        return make(learning_rate, num_warmup_steps=num_warmup_steps,
                    num_training_steps=num_training_steps, **kwargs)  # fmt: skip
    if name in ("constant_with_warmup", "inverse_sqrt"):
        extra = {} if name == "constant_with_warmup" else kwargs
        return make(learning_rate, num_warmup_steps=num_warmup_steps, **extra)
    if num_training_steps is None:
        raise ValueError(f"get_scheduler: {name} requires `num_training_steps`, please provide "
                         "that argument.")  # fmt: skip
    return make(learning_rate, num_warmup_steps=num_warmup_steps,
                num_training_steps=num_training_steps, **kwargs)  # fmt: skip
