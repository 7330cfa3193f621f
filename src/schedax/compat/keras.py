"""`keras.optimizers.schedules` and Keras's learning-rate callbacks, as schedax schedules.

Keras's `step` is the optimizer's iteration count, a schedax step. Each constructor keeps
Keras's argument names and semantics (checked against Keras 3 in the tests) and returns a core
schedax schedule; errors name the Keras constructor and its argument. The callbacks, which read
the learning rate from the optimizer, take it as their first argument.

Examples:
    >>> import jax.numpy as jnp
    >>> from schedax.compat import keras as schedules
    >>> schedules.PiecewiseConstantDecay([2], [1.0, 0.5])(jnp.arange(4))  # step 2 stays 1.0
    Array([1. , 1. , 1. , 0.5], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import (
    Schedule,
    StatefulSchedule,
    cosine_decay,
    cosine_restarts,
    exponential_decay,
    inverse_time_decay,
    learning_rate_scheduler,
    piecewise_constant,
    polynomial_decay,
    reduce_on_plateau,
    warmup_cosine_decay,
)
from .._rules import Count, Param, constructor
from .._util import warn
from .torch import _no_negative

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateScheduler",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "ReduceLROnPlateau",
]

_VALUE = Param()
_STEPS = Count(ge=0)


@constructor(names={"init": "initial_learning_rate"})
def ExponentialDecay(  # noqa: N802
    initial_learning_rate: Any, decay_steps: Any, decay_rate: Any, staircase: bool = False
) -> Schedule:
    """Keras's `ExponentialDecay`: `initial_learning_rate * decay_rate**(step / decay_steps)`.

    With `staircase`, the exponent is `floor(step / decay_steps)`.

    Formula: `lr0 * decay_rate**(step / decay_steps)` (`floor` of the exponent with `staircase`).

    Args:
        initial_learning_rate: the value at step 0.
        decay_steps: the time scale in steps, > 0.
        decay_rate: the factor per `decay_steps`, >= 0 (0, as Keras: the initial rate at step
            0, then 0; with `staircase`, after the first period).
        staircase: decay in whole periods.

    Returns:
        An `exponential_decay`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import keras as K
        >>> [float(x) for x in K.ExponentialDecay(1.0, 2, 0.25)(jnp.arange(0, 6, 2))]
        [1.0, 0.25, 0.0625]
    """
    return exponential_decay(initial_learning_rate, decay_rate, decay_steps, staircase)


@constructor
def PiecewiseConstantDecay(boundaries: Sequence[Any], values: Sequence[Any]) -> Schedule:  # noqa: N802
    """Keras's `PiecewiseConstantDecay`: `values[i]` for `boundaries[i-1] < step <= boundaries[i]`.

    A boundary step keeps the earlier value (optax and `schedax.piecewise_constant` switch on it).

    Formula: `values[#{b in boundaries : b < step}]`.

    Args:
        boundaries: steps, >= 0 and non-decreasing.
        values: one more than the boundaries.

    Returns:
        A `piecewise_constant` with `inclusive=False`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import keras as K
        >>> [float(x) for x in K.PiecewiseConstantDecay([2], [1.0, 0.5])(jnp.arange(4))]
        [1.0, 1.0, 1.0, 0.5]
    """
    if isinstance(boundaries, Sequence | np.ndarray) and len(boundaries) == 0:
        raise ValueError(  # Keras indexes boundaries[0]
            "PiecewiseConstantDecay: boundaries must hold at least one step, got []; "
            "use schedax.constant_lr for a constant"
        )
    return piecewise_constant(boundaries, values, inclusive=False)


@constructor(names={"init": "initial_learning_rate", "end": "end_learning_rate"})
def PolynomialDecay(  # noqa: N802
    initial_learning_rate: Any,
    decay_steps: Any,
    end_learning_rate: Any = 0.0001,
    power: Any = 1.0,
    cycle: bool = False,
) -> Schedule:
    """Keras's `PolynomialDecay`, with `cycle` as Keras has it.

    Formula: `(init - end) * (1 - step / horizon)**power + end` with `horizon = decay_steps`
    (steps past it hold `end`) or, with `cycle`, `decay_steps * ceil(step / decay_steps)`.

    Args:
        initial_learning_rate: the value at step 0.
        decay_steps: the horizon in steps, > 0.
        end_learning_rate: the value at the horizon.
        power: the exponent, > 0.
        cycle: restart the decay at every multiple of `decay_steps`.

    Returns:
        A `polynomial_decay`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import keras as K
        >>> [float(x) for x in K.PolynomialDecay(1.0, 2, 0.0, cycle=True)(jnp.arange(5))]
        [1.0, 0.5, 0.0, 0.25, 0.0]
    """
    return polynomial_decay(initial_learning_rate, end_learning_rate, decay_steps, power, cycle)


@constructor(names={"init": "initial_learning_rate"})
def InverseTimeDecay(  # noqa: N802
    initial_learning_rate: Any, decay_steps: Any, decay_rate: Any, staircase: bool = False
) -> Schedule:
    """Keras's `InverseTimeDecay`: `initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    Formula: `lr0 / (1 + decay_rate * step / decay_steps)` (`floor(step / decay_steps)` with
    `staircase`).

    Args:
        initial_learning_rate: the value at step 0.
        decay_steps: the time scale in steps, > 0.
        decay_rate: >= 0.
        staircase: use `floor(step / decay_steps)`.

    Returns:
        An `inverse_time_decay`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import keras as K
        >>> [float(x) for x in K.InverseTimeDecay(1.0, 1, 1.0)(jnp.arange(4))]
        [1.0, 0.5, 0.3333333432674408, 0.25]
    """
    return inverse_time_decay(initial_learning_rate, decay_rate, decay_steps, staircase)


@constructor(
    initial_learning_rate=_VALUE,
    decay_steps=Count(gt=0),
    alpha=_VALUE,
    warmup_target=Param(optional=True),
    warmup_steps=Count(ge=0),
)
def CosineDecay(  # noqa: N802
    initial_learning_rate: Any,
    decay_steps: Any,
    alpha: Any = 0.0,
    name: str | None = None,
    warmup_target: Any = None,
    warmup_steps: Any = 0,
) -> Schedule:
    """Keras 3's `CosineDecay`, with its optional warmup.

    Without `warmup_target`: a cosine decay from `initial_learning_rate` to
    `alpha * initial_learning_rate` over `decay_steps`. With it: a linear warmup from
    `initial_learning_rate` to `warmup_target` over `warmup_steps`, then a cosine decay to
    `alpha * warmup_target` over `decay_steps` counted after the warmup.

    Formula: without a warmup, `lr0 * (alpha + (1 - alpha) * (1 + cos(pi min(step, d) / d)) / 2)`
    with `d = decay_steps`; with one, `lr0 + (warmup_target - lr0) * step / warmup_steps` first,
    then the same decay of `warmup_target` over the next `decay_steps`.

    Args:
        initial_learning_rate: the value at step 0.
        decay_steps: the length of the decay in steps, > 0.
        alpha: the final value as a fraction of the peak.
        name: ignored (Keras's op name).
        warmup_target: the peak after the warmup, or None for no warmup.
        warmup_steps: the warmup length in steps, >= 0.

    Returns:
        A `cosine_decay` or a `warmup_cosine_decay`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import keras as K
        >>> lr = K.CosineDecay(0.0, 2, warmup_target=1.0, warmup_steps=2)
        >>> [round(float(x), 4) for x in lr(jnp.arange(5))]
        [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    del name
    if warmup_target is None:
        init = _VALUE("CosineDecay", "initial_learning_rate", initial_learning_rate)
        return cosine_decay(init, decay_steps, init * _VALUE("CosineDecay", "alpha", alpha))
    # As arrays of the rules' types: numpy integers past int32 do not wrap, nor sums of steps.
    target = _VALUE("CosineDecay", "warmup_target", warmup_target)
    warmup = _STEPS("CosineDecay", "warmup_steps", warmup_steps)
    alpha = _VALUE("CosineDecay", "alpha", alpha)
    return warmup_cosine_decay(
        target, warmup, warmup + decay_steps, initial_learning_rate, target * alpha
    )


@constructor(
    names={
        "init": "initial_learning_rate",
        "period": "first_decay_steps",
        "period_mult": "t_mul",
        "peak_mult": "m_mul",
    },
    alpha=_VALUE,
)
def CosineDecayRestarts(  # noqa: N802
    initial_learning_rate: Any,
    first_decay_steps: Any,
    t_mul: Any = 2.0,
    m_mul: Any = 1.0,
    alpha: Any = 0.0,
    name: str | None = None,
) -> Schedule:
    """Keras's `CosineDecayRestarts`: SGDR whose cycle amplitudes shrink by `m_mul`.

    Cycle `i` lasts `first_decay_steps * t_mul**i` steps and decays along half a cosine from
    `initial_learning_rate * ((1 - alpha) * m_mul**i + alpha)` to
    `initial_learning_rate * alpha`.

    Formula: in cycle `i`, of `first_decay_steps * t_mul**i` steps, at fraction `x` of it: `lr0 *
    (alpha + (1 - alpha) * m_mul**i * (1 + cos(pi x)) / 2)`.

    Args:
        initial_learning_rate: the value at step 0.
        first_decay_steps: the first cycle's length in steps, > 0.
        t_mul: the growth of each cycle, >= 1.
        m_mul: the factor on each cycle's amplitude, >= 0.
        alpha: the minimum as a fraction of `initial_learning_rate`.
        name: ignored (Keras's op name).

    Returns:
        A `cosine_restarts` with `scale="range"`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from schedax.compat import keras as K
        >>> lr = K.CosineDecayRestarts(1.0, 2, t_mul=1.0, m_mul=0.5)
        >>> [round(float(x), 4) for x in lr(jnp.arange(4))]
        [1.0, 0.5, 0.5, 0.25]
    """
    del name
    end = _VALUE("CosineDecayRestarts", "initial_learning_rate", initial_learning_rate) * _VALUE(
        "CosineDecayRestarts", "alpha", alpha
    )
    return cosine_restarts(initial_learning_rate, first_decay_steps, t_mul, m_mul, end, "range")


@constructor
def LearningRateScheduler(  # noqa: N802
    schedule: Callable[[Any, Any], Any], init: Any, steps_per_epoch: Any = 1
) -> StatefulSchedule:
    """Keras's `LearningRateScheduler` callback: `lr = schedule(epoch, lr)` at each epoch start.

    Formula: at the first step of epoch `e`, `lr = schedule(e, lr)`, starting from `init`.

    Args:
        schedule: `(epoch, lr) -> new lr`, JAX-traceable (a select, not a Python `if`).
        init: the optimizer's learning rate before the first epoch.
        steps_per_epoch: steps in an epoch, an integer >= 1.

    Returns:
        A `learning_rate_scheduler`.

    Examples:
        >>> from schedax.compat import keras as K
        >>> halve = lambda epoch, lr: lr * 0.5  # each epoch
        >>> sched = K.LearningRateScheduler(halve, 1.0)
        >>> state, lrs = sched.init(), []
        >>> for step in range(3):
        ...     lr, state = sched(step, state)
        ...     lrs.append(float(lr))
        >>> lrs
        [0.5, 0.25, 0.125]
    """
    return learning_rate_scheduler(schedule, init, steps_per_epoch)


@constructor(min_delta=_VALUE)
def ReduceLROnPlateau(  # noqa: N802
    init: Any,
    monitor: str = "val_loss",
    factor: float = 0.1,
    patience: int = 10,
    verbose: int = 0,
    mode: str = "auto",
    min_delta: float = 1e-4,
    cooldown: int = 0,
    min_lr: float = 0.0,
) -> StatefulSchedule:
    """Keras's `ReduceLROnPlateau` callback, with Keras's counting.

    A reduction to `max(lr * factor, min_lr)` when `patience` observations in a row (outside
    cooldown) fail to beat the best by `min_delta`; feed them with `state = sched.observe(state,
    value)`. `mode="auto"` means "min" for a monitored loss; name the mode for anything else.

    Formula: after `patience` observations in a row without an improvement of `min_delta`, outside
    cooldown: `lr = max(lr * factor, min_lr)`.

    Args:
        init: the optimizer's learning rate.
        monitor: the metric's name (only used by `mode="auto"`).
        factor: in (0, 1).
        patience: an integer >= 0.
        verbose: ignored.
        mode: "auto", "min" or "max".
        min_delta: the improvement that counts (absolute).
        cooldown: observations to ignore after a reduction, an integer >= 0.
        min_lr: the floor of the learning rate.

    Returns:
        A `reduce_on_plateau` with `counting="keras"`.

    Examples:
        >>> from schedax.compat import keras as K
        >>> sched = K.ReduceLROnPlateau(1.0, factor=0.5, patience=1)
        >>> state = sched.init()
        >>> for loss in [1.0, 1.0]:
        ...     state = sched.observe(state, loss)
        >>> float(sched(0, state)[0])
        0.5
    """
    del verbose
    if not isinstance(monitor, str):
        raise TypeError(f"ReduceLROnPlateau: monitor must be a metric name (a str), got "
                        f"{type(monitor).__name__} {monitor!r:.60}")  # fmt: skip
    if mode not in ("auto", "min", "max"):  # as Keras: a warning, then "auto"
        warn(f"ReduceLROnPlateau mode {mode!r} is unknown, fallback to auto mode.")
        mode = "auto"
    if mode == "auto":
        if monitor.removeprefix("val_") != "loss":
            raise ValueError(
                f"ReduceLROnPlateau: mode='auto' can only tell min for a loss, got "
                f"monitor={monitor!r}; pass mode='min' or mode='max'"
            )
        mode = "min"
    return reduce_on_plateau(
        init, factor=_no_negative(factor), patience=patience, threshold=abs(min_delta),
        threshold_mode="abs", cooldown=cooldown, min_lr=min_lr, mode=mode, eps=0.0,
        counting="keras",
    )  # fmt: skip
