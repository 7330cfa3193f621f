"""timm's schedulers (`timm.scheduler`), as schedax schedules.

The value of a schedule at `t` is timm's `_get_lr(t)`: what `scheduler.step(t)` sets, or
`scheduler.step_update(t)` with `t_in_epochs=False`. timm counts `t` in epochs by default
(`t_in_epochs=True`): call the schedule with the epoch, or build it in updates
(`create_scheduler_v2(..., step_on_epochs=False, updates_per_epoch=n)`, timm's
`--sched-on-updates`) and call it with the optimizer step. `t_in_epochs` and `initialize` are
accepted for the signature's sake: a schedax schedule is a function of whatever `t` you give it.
Each function takes the base learning rate where timm takes the optimizer, and timm's other
arguments by their names; values are checked against timm 1.0.31.

Noise (`noise_range_t`, `noise_pct`, `noise_std`, `noise_seed`) follows timm's distribution
and range rules with JAX's random numbers (`schedax.noisy`): deterministic in the seed and the
step, traceable, but not the numbers of torch's generator.

Examples:
    >>> import jax.numpy as jnp
    >>> from schedax.compat import timm
    >>> lr = timm.CosineLRScheduler(1.0, t_initial=4, warmup_t=2, warmup_prefix=True)
    >>> lr(jnp.arange(0, 8, 2)).round(3)  # warmup, then a cycle from step 2 on
    Array([0. , 1. , 0.5, 0. ], dtype=float32)
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any

import jax.numpy as jnp

import schedax as sx

from .._numerics import like, select
from .._rules import Count, Flag, Param, Values, constructor, error_names
from .._util import fmt, is_concrete, warn
from .torch import _no_negative

__all__ = [
    "CosineLRScheduler",
    "MultiStepLRScheduler",
    "PlateauLRScheduler",
    "PolyLRScheduler",
    "StepLRScheduler",
    "TanhLRScheduler",
    "WSDLRScheduler",
    "create_scheduler_v2",
]

_LR = Param()
_FLAG = Flag()
_WARMUP = Count(ge=0)  # timm accepts a negative warmup_t: it shifts the curve back


_REAL = Count()  # a finite real number, kept as given
_MILESTONES = Values()


# The arguments of the curves timm's schedulers build, by the names timm gives them.
_NOISE = {"pct": "noise_pct", "std": "noise_std", "seed": "noise_seed", "start": "noise_range_t",
          "stop": "noise_range_t"}  # fmt: skip
_CYCLES = {**_NOISE, "period": "t_initial", "period_mult": "cycle_mul",
           "peak_mult": "cycle_decay", "warp": "k_decay"}  # fmt: skip
_WARMUP_NAMES = {"warmup_steps": "warmup_t", "init": "warmup_lr_init"}
_NAMES = {
    "CosineLRScheduler": _CYCLES,
    "TanhLRScheduler": _CYCLES,
    "PolyLRScheduler": _CYCLES,
    "PlateauLRScheduler": {
        **_WARMUP_NAMES,
        "init": "lr",
        "factor": "decay_rate",
        "patience": "patience_t",
        "cooldown": "cooldown_t",
        "min_lr": "lr_min",
        "warmup_init": "warmup_lr_init",
    },
    "WSDLRScheduler": {
        **_NOISE,
        **_WARMUP_NAMES,
        "peak": "lr",
        "end": "lr_min",
        "decay_steps": "decay_t",
    },
    "StepLRScheduler": {**_NOISE, "decay_steps": "decay_t"},
    "MultiStepLRScheduler": {**_NOISE, "values": "decay_rate"},
}  # lr * decay_rate**k


def _checked(fn: Callable) -> Callable:
    """A timm constructor: registered, with its flags and numbers checked (finite reals,
    named as timm names them) before timm's own rules."""
    rules = {"lr": _LR}
    for p in inspect.signature(fn).parameters.values():
        if isinstance(p.default, bool):
            rules[p.name] = _FLAG
        elif p.name != "lr" and (isinstance(p.default, int | float) or p.default is p.empty):
            rules[p.name] = _MILESTONES if fn.__name__ == "MultiStepLRScheduler" and (
                p.name == "decay_t") else _REAL  # fmt: skip
    return constructor(fn, names=_NAMES.get(fn.__name__, _NOISE), **rules)


def _python(x: Any) -> bool:
    return is_concrete(x) and isinstance(x, int | float)


def _require(where: str, ok: Any, arg: str, value: Any, allowed: str) -> None:
    """timm's asserts, as ValueErrors naming the argument (traced values cannot be checked:
    `ok` is then never read)."""
    if _python(value) and not ok:
        where, arg = error_names(where, arg)
        raise ValueError(f"{where}: {arg} must be {allowed}, got {fmt(value)}")


def _with_noise(
    schedule: sx.Schedule, noise_range_t: Any, pct: Any, std: Any, seed: Any
) -> sx.Schedule:
    """timm's noise: on `t >= noise_range_t`, or `start <= t < stop` for a pair. timm stores
    `noise_std` and never reads it (its normal noise is a standard normal draw kept within
    `noise_pct`), so the noise has unit scale whatever `std` says."""
    del std
    if noise_range_t is None:
        return schedule
    if isinstance(noise_range_t, list | tuple):
        if len(noise_range_t) < 2:
            where, arg = error_names("timm", "noise_range_t")
            raise ValueError(f"{where}: {arg} must be a number or a pair (start, stop), got "
                             f"{noise_range_t!r}")  # fmt: skip
        start, stop = noise_range_t[0], noise_range_t[1]
    else:
        start, stop = noise_range_t, None
    # A negative start is step 0; a stop at or before it: no noisy step.
    start = max(start, 0) if _python(start) else start
    if stop is not None and _python(stop) and _python(start) and stop <= start:
        return schedule
    return sx.noisy(schedule, start, stop, pct=pct, std=1.0, seed=seed)


def _warmup(
    lr: Any, warmup_t: Any, warmup_lr_init: Any, then: sx.Schedule, prefix: bool, target: Any = None
) -> sx.Schedule:
    """timm's linear warmup from `warmup_lr_init` to `target` (the base lr) before `warmup_t`,
    then `then`, counted from `warmup_t` with `prefix`, else from 0."""
    _WARMUP("timm", "warmup_t", warmup_t)
    # warmup_t == 0 (timm: `if self.warmup_t:`): no warmup and no shift, in the same structure
    # as a warmup, so that a sweep over warmup_t compiles once.
    length = select(warmup_t > 0, warmup_t, like(warmup_t, 1))
    ramp = sx.linear_schedule(warmup_lr_init, lr if target is None else target, length)
    return sx.join_schedules([ramp, then], [warmup_t], shift=prefix)


def _cycles(
    where: str, lr: Any, t_initial: Any, lr_min: Any, cycle_mul: Any, cycle_decay: Any,
    cycle_limit: Any, shape: str, **options: Any,
) -> sx.Schedule:  # fmt: skip
    """timm's cycles (cosine, tanh, poly): `restarts` with timm's argument checks."""
    _require(where, t_initial > 0, "t_initial", t_initial, "> 0")
    _require(where, lr_min >= 0, "lr_min", lr_min, ">= 0")
    if _python(t_initial) and t_initial == 1 and cycle_mul == 1 and cycle_decay == 1:
        warn(f"{where}: the schedule has no effect on the learning rate since t_initial = "
             "cycle_mul = cycle_decay = 1 (timm logs this too)")  # fmt: skip
    if _python(cycle_limit) and (cycle_limit < 0 or cycle_limit != math.floor(cycle_limit)):
        cycle_limit = max(math.ceil(cycle_limit), 0)  # cycle i runs while i < cycle_limit
    return sx.restarts(lr, t_initial, shape, period_mult=cycle_mul, peak_mult=cycle_decay,
                       end=lr_min, limit=cycle_limit, **options)  # fmt: skip


@_checked
def CosineLRScheduler(  # noqa: N802
    lr: Any,
    t_initial: int,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    t_in_epochs: bool = True,
    noise_range_t: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    k_decay: float = 1.0,
    initialize: bool = True,
) -> sx.Schedule:
    """timm's `CosineLRScheduler`: SGDR cosine cycles after a linear warmup.

    Cycle `i` lasts `t_initial * cycle_mul**i`, peaks at `lr * cycle_decay**i` and decays to
    `lr_min` along `(1 + cos(pi x)) / 2` with `x = (t_cur / t_i)**k_decay`; after
    `cycle_limit` cycles, `lr_min`. The warmup goes from `warmup_lr_init` to `lr` over
    `warmup_t`; with `warmup_prefix` the cycles start after it, else at 0.

    Formula: in cycle `i` (of `t_i = t_initial * cycle_mul**i`), at `t_cur` into it: `lr_min + (lr *
    cycle_decay**i - lr_min) * (1 + cos(pi (t_cur / t_i)**k_decay)) / 2`; `warmup_lr_init + (lr -
    warmup_lr_init) * t / warmup_t` during the warmup; `lr_min` after `cycle_limit` cycles.

    Returns:
        A `restarts` (after a `join_schedules` warmup, under `noisy` noise).

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import timm
        >>> lr = timm.CosineLRScheduler(1.0, t_initial=4, cycle_limit=2)
        >>> lr(jnp.arange(0, 10, 2)).round(3)
        Array([1. , 0.5, 1. , 0.5, 0. ], dtype=float32)
    """
    where = "CosineLRScheduler"
    cycles = _cycles(where, lr, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit, "cosine",
                     warp=k_decay)  # fmt: skip
    schedule = _warmup(lr, warmup_t, warmup_lr_init, cycles, warmup_prefix)
    return _with_noise(schedule, noise_range_t, noise_pct, noise_std, noise_seed)


@_checked
def TanhLRScheduler(  # noqa: N802
    lr: Any,
    t_initial: int,
    lb: float = -7.0,
    ub: float = 3.0,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    t_in_epochs: bool = True,
    noise_range_t: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    initialize: bool = True,
) -> sx.Schedule:
    """timm's `TanhLRScheduler`: cycles along `(1 - tanh(lb * (1 - x) + ub * x)) / 2`.

    As `CosineLRScheduler` (no `k_decay`); without `warmup_prefix` the warmup ends at the
    curve's value at `warmup_t`, as timm's does.

    Formula: in cycle `i`, at fraction `x` of it: `lr_min + (lr * cycle_decay**i - lr_min) * (1 -
    tanh(lb * (1 - x) + ub * x)) / 2`, cycles and warmup as `CosineLRScheduler`.

    Returns:
        A `restarts` with `shape="tanh"` (after a warmup, under noise).

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import timm
        >>> timm.TanhLRScheduler(1.0, t_initial=10)(jnp.array([0, 7, 10])).round(4)
        Array([1. , 0.5, 0. ], dtype=float32)
    """
    where = "TanhLRScheduler"
    if is_concrete(lb) and is_concrete(ub) and not lb < ub:  # numbers, numpy's included
        raise ValueError(f"{where}: lb must be < ub, got lb={fmt(lb)}, ub={fmt(ub)}")
    _require(where, cycle_limit >= 0, "cycle_limit",
             cycle_limit, ">= 0")  # fmt: skip
    _require(where, warmup_t >= 0, "warmup_t", warmup_t, ">= 0")
    _require(where, warmup_lr_init >= 0, "warmup_lr_init",
             warmup_lr_init, ">= 0")  # fmt: skip
    cycles = _cycles(where, lr, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit, "tanh",
                     lower=lb, upper=ub)  # fmt: skip
    target = None if warmup_prefix else cycles(warmup_t)  # (inactive with warmup_t == 0)
    schedule = _warmup(lr, warmup_t, warmup_lr_init, cycles, warmup_prefix, target)
    return _with_noise(schedule, noise_range_t, noise_pct, noise_std, noise_seed)


@_checked
def PolyLRScheduler(  # noqa: N802
    lr: Any,
    t_initial: int,
    power: float = 0.5,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    t_in_epochs: bool = True,
    noise_range_t: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    k_decay: float = 1.0,
    initialize: bool = True,
) -> sx.Schedule:
    """timm's `PolyLRScheduler`: cycles along `(1 - x)**power`, `x = (t_cur / t_i)**k_decay`.

    As `CosineLRScheduler` otherwise.

    Formula: in cycle `i`, at `t_cur` into it: `lr_min + (lr * cycle_decay**i - lr_min) * (1 -
    (t_cur / t_i)**k_decay)**power`, cycles and warmup as `CosineLRScheduler`.

    Returns:
        A `restarts` with `shape="polynomial"` (after a warmup, under noise).

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import timm
        >>> timm.PolyLRScheduler(1.0, t_initial=4, power=1.0)(jnp.arange(5))
        Array([1.  , 0.75, 0.5 , 0.25, 0.  ], dtype=float32)
    """
    where = "PolyLRScheduler"
    cycles = _cycles(where, lr, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit,
                     "polynomial", warp=k_decay, power=power)  # fmt: skip
    schedule = _warmup(lr, warmup_t, warmup_lr_init, cycles, warmup_prefix)
    return _with_noise(schedule, noise_range_t, noise_pct, noise_std, noise_seed)


@_checked
def StepLRScheduler(  # noqa: N802
    lr: Any,
    decay_t: float,
    decay_rate: float = 1.0,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = True,
    t_in_epochs: bool = True,
    noise_range_t: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    initialize: bool = True,
) -> sx.Schedule:
    """timm's `StepLRScheduler`: `lr * decay_rate**(t // decay_t)` after a linear warmup.

    With `warmup_prefix` (timm's default here) `t` counts from the end of the warmup.

    Formula: `lr * decay_rate**floor(t / decay_t)` after the warmup (`t` counted from its end with
    `warmup_prefix`).

    Returns:
        An `exponential_decay` with `staircase=True` (after a warmup, under noise).

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import timm
        >>> timm.StepLRScheduler(1.0, decay_t=2, decay_rate=0.5)(jnp.arange(5))
        Array([1.  , 1.  , 0.5 , 0.5 , 0.25], dtype=float32)
    """
    steps = sx.exponential_decay(lr, decay_rate, decay_t, staircase=True)
    schedule = _warmup(lr, warmup_t, warmup_lr_init, steps, warmup_prefix)
    return _with_noise(schedule, noise_range_t, noise_pct, noise_std, noise_seed)


@_checked
def MultiStepLRScheduler(  # noqa: N802
    lr: Any,
    decay_t: Sequence[int],
    decay_rate: float = 1.0,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = True,
    t_in_epochs: bool = True,
    noise_range_t: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    initialize: bool = True,
) -> sx.Schedule:
    """timm's `MultiStepLRScheduler`: `lr * decay_rate**k`, `k` the milestones `<= t + 1`.

    timm compares the milestones with `t + 1`: a milestone of 10 applies from `t = 9` (torch's
    `MultiStepLR` from 10). Repeated milestones count each time.

    Formula: `lr * decay_rate**#{m in decay_t : m <= t + 1}` after the warmup.

    Returns:
        A `piecewise_constant` (after a warmup, under noise).

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import timm
        >>> timm.MultiStepLRScheduler(1.0, decay_t=[2, 4], decay_rate=0.5)(jnp.arange(5))
        Array([1.  , 0.5 , 0.5 , 0.25, 0.25], dtype=float32)
    """
    where = "MultiStepLRScheduler"
    if isinstance(decay_t, str) or not isinstance(decay_t, Sequence):
        raise TypeError(f"{where}: decay_t must be a list of milestones, got "
                        f"{type(decay_t).__name__}")  # fmt: skip
    if all(map(_python, decay_t)) and list(decay_t) != sorted(decay_t):
        raise ValueError(f"{where}: decay_t must be sorted (timm bisects it), got {decay_t}")
    # A milestone m applies from t = m - 1; those <= 1 from the start.
    bounds = [max(m - 1, 0) if _python(m) else jnp.maximum(m - 1, 0) for m in decay_t]
    _require(
        where,
        decay_rate >= 0,
        "decay_rate",
        decay_rate,
        ">= 0 (a negative rate alternates the sign)",
    )
    rate = _LR(where, "decay_rate", decay_rate)  # numpy integers as floats: no wrapping powers
    values = [_LR(where, "lr", lr) * rate**k for k in range(len(decay_t) + 1)]
    steps = sx.piecewise_constant(bounds, values)
    schedule = _warmup(lr, warmup_t, warmup_lr_init, steps, warmup_prefix)
    return _with_noise(schedule, noise_range_t, noise_pct, noise_std, noise_seed)


@_checked
def WSDLRScheduler(  # noqa: N802
    lr: Any,
    t_initial: int,
    decay_t: int,
    lr_min: float = 0.0,
    stable_fn: str = "constant",
    stable_timescale: Any = None,
    stable_power: float = 0.5,
    decay_fn: Any = "1-sqrt",
    decay_power: float = 0.5,
    decay_ratio: float = 0.1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    t_in_epochs: bool = True,
    noise_range_t: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    initialize: bool = True,
) -> sx.Schedule:
    """timm's `WSDLRScheduler`: warmup, stable, decay to `lr_min` over the last `decay_t` of
    `t_initial` (the stable and decay phases, after the warmup), then `lr_min`.

    Formula: after the warmup, `lr` (times `(1 + s / stable_timescale)**-stable_power` with a
    timescale) until the last `decay_t` steps of `t_initial`, then `lr_min + (lr - lr_min) *
    shape(p)` over them (`decay_fn`), `lr_min` after.

    Returns:
        A `warmup_stable_decay` (under noise).

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import timm
        >>> lr = timm.WSDLRScheduler(1.0, t_initial=4, decay_t=2, decay_fn="linear")
        >>> lr(jnp.arange(5))
        Array([1. , 1. , 1. , 0.5, 0. ], dtype=float32)
    """
    where = "WSDLRScheduler"
    _require(where, t_initial > 0, "t_initial", t_initial, "> 0")
    if _python(decay_t) and _python(t_initial) and not 0 < decay_t <= t_initial:
        raise ValueError(f"{where}: decay_t must be in (0, t_initial] with t_initial="
                         f"{fmt(t_initial)}, got {fmt(decay_t)}")  # fmt: skip
    _require(where, lr_min >= 0, "lr_min", lr_min, ">= 0")
    stable_fns, decay_fns = ("constant", "rsqrt", "power"), ("linear", "1-sqrt", "cosine",
                                                             "power", "exp")  # fmt: skip
    if stable_fn not in stable_fns:
        raise ValueError(f"{where}: stable_fn must be one of {stable_fns}, got {stable_fn!r}")
    if not callable(decay_fn) and decay_fn not in decay_fns:
        raise ValueError(f"{where}: decay_fn must be one of {decay_fns} or a callable, got "
                         f"{decay_fn!r}")  # fmt: skip
    _require(where, 0 < decay_ratio < 1 if _python(decay_ratio) else True, "decay_ratio",
             decay_ratio, "in (0, 1)")  # fmt: skip
    _require(where, decay_power > 0, "decay_power",
             decay_power, "> 0")  # fmt: skip
    _require(where, stable_power > 0, "stable_power",
             stable_power, "> 0")  # fmt: skip
    if callable(decay_fn):
        raise TypeError(f"{where}: decay_fn must be one of {decay_fns}: a Python function of the "
                        "progress cannot be traced into a schedax schedule; join a lambda_lr "
                        "after the stable phase instead")  # fmt: skip
    timescale, power = None, stable_power
    if stable_fn != "constant":
        timescale = warmup_t if stable_timescale is None else stable_timescale
        if _python(timescale) and timescale <= 0:
            raise ValueError(f"{where}: stable_fn={stable_fn} requires a positive "
                             f"stable_timescale, it defaults to warmup_t ({fmt(warmup_t)}); set "
                             "it explicitly when there is no warmup")  # fmt: skip
        power = 0.5 if stable_fn == "rsqrt" else stable_power
    if timescale is None and _python(lr) and _python(lr_min) and lr < lr_min:
        # timm's stable value is max(lr, lr_min), and the decay from it to lr_min is flat.
        schedule = _warmup(lr, warmup_t, warmup_lr_init, sx.constant_lr(lr_min), True)
    else:
        schedule = sx.warmup_stable_decay(
            lr, warmup_t, t_initial - decay_t, decay_t, warmup_lr_init, lr_min, decay_fn,
            decay_power=decay_power, decay_ratio=decay_ratio, stable_timescale=timescale,
            stable_power=power,
        )  # fmt: skip
    return _with_noise(schedule, noise_range_t, noise_pct, noise_std, noise_seed)


@_checked
def PlateauLRScheduler(  # noqa: N802
    lr: Any,
    decay_rate: float = 0.1,
    patience_t: int = 10,
    threshold: float = 1e-4,
    cooldown_t: int = 0,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    lr_min: float = 0.0,
    mode: str = "max",
    noise_range_t: Any = None,
    noise_type: str = "normal",
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: Any = None,
    initialize: bool = True,
) -> sx.StatefulSchedule:
    """timm's `PlateauLRScheduler` (deprecated in timm, which warns; so does schedax): torch's
    `ReduceLROnPlateau` after a linear warmup.

    Stateful: where timm's loop calls `scheduler.step(epoch, metric)`, call
    `state = schedule.observe(state, metric)`, then `lr, state = schedule(epoch, state)`. The
    value at epochs `1 .. warmup_t` climbs from `warmup_lr_init` to `lr`, and the first
    `warmup_t` observations are ignored, as timm ignores the metrics of the warmup epochs; at
    epoch 0 it is the lr before any step (`warmup_lr_init` with a warmup, else `lr`). Noise is
    not supported here (`noise_range_t` must be None).

    Formula: the warmup `warmup_lr_init + (lr - warmup_lr_init) * t / warmup_t`, then `lr = max(lr *
    decay_rate, lr_min)` after more than `patience_t` observations without improvement, outside
    cooldown.

    Returns:
        A `reduce_on_plateau`.

    Examples:
        >>> import warnings
        >>> from schedax.compat import timm
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", FutureWarning)
        ...     plateau = timm.PlateauLRScheduler(
        ...         0.1, patience_t=0, mode="min", decay_rate=0.5)
        >>> state = plateau.observe(plateau.observe(plateau.init(), 1.0), 1.0)
        >>> round(float(plateau(2, state)[0]), 6)
        0.05
    """
    where = "PlateauLRScheduler"
    warn(f"{where} is deprecated in timm (its metric-driven state is not in its checkpoints); "
         "schedax's reduce_on_plateau keeps it in an explicit state", FutureWarning)  # fmt: skip
    if noise_range_t is not None:
        raise ValueError(f"{where}: noise_range_t must be None (noise on a plateau schedule is "
                         f"not in schedax), got {noise_range_t!r}")  # fmt: skip
    if noise_type not in ("normal", "uniform"):
        raise ValueError(f"{where}: noise_type must be 'normal' or 'uniform', got {noise_type!r}")
    if _python(warmup_t) and warmup_t < 0:  # timm: `if self.warmup_t:` sets the lr to
        lr, warmup_t = warmup_lr_init, 0  # warmup_lr_init, and no epoch is <= warmup_t
    return sx.reduce_on_plateau(
        lr, factor=_no_negative(decay_rate), patience=patience_t, threshold=threshold,
        cooldown=cooldown_t, min_lr=lr_min, mode=mode, warmup_steps=warmup_t,
        warmup_init=warmup_lr_init,
    )  # fmt: skip


# create_scheduler_v2's names, and the schedulers they build.
SCHEDULERS = ("cosine", "tanh", "step", "multistep", "poly", "wsd", "rsqrt", "constant", "plateau",
              "none")  # fmt: skip


# The schedulers' arguments create_scheduler_v2 passes on, by its own names.
_V2_NAMES = {"lr": "learning_rate", "t_initial": "num_epochs", "lr_min": "min_lr",
             "warmup_t": "warmup_epochs", "warmup_lr_init": "warmup_lr", "decay_t": "decay_epochs",
             "patience_t": "patience_epochs", "noise_range_t": "noise", "noise_pct": "noise_pct",
             "noise_std": "noise_std", "noise_seed": "noise_seed", "cycle_mul": "cycle_mul",
             "cycle_decay": "cycle_decay", "cycle_limit": "cycle_limit", "k_decay": "k_decay",
             "decay_rate": "decay_rate", "decay_fn": "decay_fn", "mode": "plateau_mode",
             "stable_timescale": "stable_timescale"}  # fmt: skip


@constructor(
    config=False, names=_V2_NAMES, decay_epochs=Count(optional=True),
    **dict.fromkeys(("num_epochs", "cooldown_epochs", "patience_epochs", "decay_rate", "min_lr",
                     "warmup_lr", "warmup_epochs", "noise_pct", "noise_std", "cycle_mul",
                     "cycle_decay", "cycle_limit", "k_decay", "updates_per_epoch"), _REAL),
)  # fmt: skip
def create_scheduler_v2(
    learning_rate: Any,
    sched: str = "cosine",
    num_epochs: int = 300,
    decay_epochs: Any = None,
    decay_milestones: Sequence[int] = (90, 180, 270),
    cooldown_epochs: int = 0,
    patience_epochs: int = 10,
    decay_rate: float = 0.1,
    min_lr: float = 0.0,
    warmup_lr: float = 1e-5,
    warmup_epochs: int = 0,
    warmup_prefix: bool = False,
    noise: Any = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    cycle_mul: float = 1.0,
    cycle_decay: float = 0.1,
    cycle_limit: int = 1,
    k_decay: float = 1.0,
    decay_fn: Any = None,
    stable_timescale: Any = None,
    plateau_mode: str = "max",
    step_on_epochs: bool = True,
    updates_per_epoch: int = 0,
) -> tuple[Any, int]:
    """timm's `create_scheduler_v2`: `(schedule, num_epochs)` for a scheduler name.

    `learning_rate` stands where timm takes the optimizer; the rest is timm's: with
    `step_on_epochs=False` lengths are converted to updates (`updates_per_epoch` of them per
    epoch) and the schedule is called with the update count; `num_epochs` is the total to train,
    cycles, warmup prefix and cooldown included, as timm returns it. "none" gives
    `(None, num_epochs)`.

    Formula: that of the scheduler `sched` names (`"cosine"`, `"tanh"`, `"step"`, `"multistep"`,
    `"plateau"`, `"poly"`, `"wsd"`, `"rsqrt"`...), built from the same arguments as timm builds it.

    Examples:
        >>> from schedax.compat import timm
        >>> lr, epochs = timm.create_scheduler_v2(
        ...     0.1, "cosine", num_epochs=100, warmup_epochs=5, warmup_prefix=True,
        ...     cooldown_epochs=10)
        >>> epochs
        115
    """
    where = "create_scheduler_v2"
    if sched not in SCHEDULERS:
        raise ValueError(f"{where}: sched must be one of timm's {SCHEDULERS}, got {sched!r}")
    if decay_epochs is None:
        decay_epochs = 0.2 if sched in ("wsd", "rsqrt") else 90
    t_initial, warmup_t, decay_t = num_epochs, warmup_epochs, decay_epochs
    cooldown_t, timescale_t = cooldown_epochs, stable_timescale
    if not step_on_epochs:
        if not updates_per_epoch > 0:
            raise ValueError(f"{where}: updates_per_epoch must be set to the number of "
                             f"dataloader batches (> 0), got {updates_per_epoch}")  # fmt: skip
        n = updates_per_epoch
        t_initial, warmup_t, decay_t, cooldown_t = (t_initial * n, warmup_t * n, decay_t * n,
                                                    cooldown_t * n)  # fmt: skip
        decay_milestones = [d * n for d in decay_milestones]
        timescale_t = None if timescale_t is None else timescale_t * n
    if noise is None:
        noise_range = None
    elif isinstance(noise, list | tuple):
        noise_range = [x * t_initial for x in noise]
        noise_range = noise_range[0] if len(noise_range) == 1 else noise_range
    else:
        noise_range = noise * t_initial
    warmup = dict(warmup_lr_init=warmup_lr, warmup_t=warmup_t, warmup_prefix=warmup_prefix)
    noises = dict(noise_range_t=noise_range, noise_pct=noise_pct, noise_std=noise_std,
                  noise_seed=noise_seed)  # fmt: skip
    cycles = dict(cycle_mul=cycle_mul, cycle_decay=cycle_decay, cycle_limit=cycle_limit)
    lr = learning_rate
    length = None  # the scheduler's get_cycle_length(), where it has one
    if sched == "none":
        return None, num_epochs + (warmup_epochs if warmup_prefix else 0)
    if sched == "plateau":
        if not step_on_epochs:
            raise ValueError(f"{where}: plateau only supports step per epoch "
                             "(step_on_epochs=True)")  # fmt: skip
        schedule = PlateauLRScheduler(
            lr, decay_rate, patience_epochs, cooldown_t=0, warmup_t=warmup_t,
            warmup_lr_init=warmup_lr, lr_min=min_lr, mode=plateau_mode, **noises,
        )  # fmt: skip
        return schedule, num_epochs + (warmup_epochs if warmup_prefix else 0)
    if sched in ("cosine", "tanh", "poly"):
        if sched == "cosine":
            schedule = CosineLRScheduler(lr, t_initial, min_lr, **cycles, **warmup, **noises,
                                         k_decay=k_decay)  # fmt: skip
        elif sched == "tanh":
            schedule = TanhLRScheduler(lr, t_initial, lr_min=min_lr, **cycles, **warmup, **noises)
        else:
            schedule = PolyLRScheduler(lr, t_initial, decay_rate, min_lr, **cycles, **warmup,
                                       **noises, k_decay=k_decay)  # fmt: skip
        length = _cycle_length(t_initial, cycle_mul, cycle_limit)
        length += warmup_t if warmup_prefix else 0
    elif sched in ("step", "constant"):
        rate, every = (decay_rate, decay_t) if sched == "step" else (1.0, 1)
        schedule = StepLRScheduler(lr, every, rate, **warmup, **noises)
    elif sched == "multistep":
        schedule = MultiStepLRScheduler(lr, list(decay_milestones), decay_rate, **warmup, **noises)
    else:  # wsd, rsqrt
        t_sched = t_initial if warmup_prefix else t_initial - warmup_t
        if 0 < decay_epochs < 1:
            decay_t = decay_epochs * t_sched  # a fraction of the stable + decay length
        decay_t = int(round(decay_t))
        if not 0 < decay_t <= t_sched:
            within = "" if warmup_prefix else " - warmup_epochs"
            raise ValueError(f"{where}: {sched} schedule requires 0 < decay_epochs <= "
                             f"epochs{within}, got decay {decay_t} and stable + decay length "
                             f"{t_sched}")  # fmt: skip
        schedule = WSDLRScheduler(
            lr, t_sched, decay_t, min_lr, stable_fn="rsqrt" if sched == "rsqrt" else "constant",
            stable_timescale=timescale_t,
            decay_fn=decay_fn or ("linear" if sched == "rsqrt" else "1-sqrt"),
            warmup_t=warmup_t, warmup_lr_init=warmup_lr, **noises,
        )  # fmt: skip
        length = warmup_t + t_sched
    if length is None:
        return schedule, num_epochs + (warmup_epochs if warmup_prefix else 0)
    total = length + cooldown_t
    return schedule, total if step_on_epochs else total // updates_per_epoch


def _cycle_length(t_initial: Any, cycle_mul: Any, cycle_limit: Any) -> Any:
    """timm's `get_cycle_length()`: the length of `cycle_limit` cycles (at least one)."""
    cycles = max(1, cycle_limit or 1)
    if cycle_mul == 1.0:
        return t_initial * cycles
    return int(math.floor(-t_initial * (cycle_mul**cycles - 1) / (1 - cycle_mul)))
