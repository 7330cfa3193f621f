"""Keras-style `schedule(epoch, lr)` as a jittable stateful schedule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Array, as_param, count, param, require, static
from ._stateful import StatefulSchedule


class EpochState(NamedTuple):
    """State of `learning_rate_scheduler`: the lr in use and the last epoch it was set for."""

    lr: Array
    epoch: Array  # -1 before the first step


class _LearningRateScheduler(StatefulSchedule, name="learning_rate_scheduler"):
    schedule: Callable[[Array, Array], Any] = static()
    init_lr: Array = param(arg="init")
    steps_per_epoch: Array = count()

    def init(self) -> EpochState:
        # Strongly typed, so the state's dtypes are the same before and after a step.
        lr = jnp.array(self.init_lr, self.dtype, copy=True)
        return EpochState(lr=lr, epoch=jnp.array(-1, jnp.result_type(int)))

    @property
    def dtype(self) -> np.dtype:
        return jnp.dtype(jnp.result_type(self.init_lr))

    def _begin_epoch(self, epoch: Array, lr: Array) -> Any:
        return self.schedule(epoch, lr)

    def _step(self, step: Array, state: EpochState) -> tuple[Array, EpochState]:
        epoch = step // jnp.maximum(self.steps_per_epoch, 1).astype(step.dtype)

        def begin_epoch(e: Array, lr: Array) -> Array:
            return jnp.asarray(self._begin_epoch(e, lr), lr.dtype)

        # Usually one epoch begins (or none); a resumed run may have skipped several, which
        # are applied in order, as Keras would have at each epoch's start.
        lr = jax.lax.fori_loop(state.epoch + 1, epoch + 1, begin_epoch, state.lr)
        return lr, EpochState(lr=lr, epoch=jnp.maximum(state.epoch, epoch))


def learning_rate_scheduler(
    schedule: Callable[[Array, Array], Any], init: Any, steps_per_epoch: Any = 1
) -> StatefulSchedule:
    """Keras's `LearningRateScheduler`: `lr = schedule(epoch, lr)` at each epoch's start.

    At the first step of epoch `e` (0-indexed, `e = step // steps_per_epoch`) the learning rate
    becomes `schedule(e, previous lr)`, starting from `init`; within an epoch it holds. The
    `schedule` gets traced arrays (an integer epoch and a float lr) and must be JAX-traceable:
    use `jnp.where` rather than Python `if` on them. The state is `EpochState(lr, epoch)`.

    Formula: `lr_e = schedule(e, lr_{e-1})`, `lr_{-1} = init`; `lr(step) = lr_{step // k}`.

    Args:
        schedule: `(epoch, lr) -> new lr`, JAX-traceable.
        init: the learning rate before the first epoch (Keras: the optimizer's).
        steps_per_epoch: steps in an epoch, an integer >= 1. A traced value is clamped to >= 1.

    Returns:
        A `StatefulSchedule`.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> halve_after_2 = lambda epoch, lr: jnp.where(epoch < 2, lr, lr / 2)
        >>> sched = sx.learning_rate_scheduler(halve_after_2, 0.1)
        >>> state, lrs = sched.init(), []
        >>> for step in range(5):
        ...     lr, state = sched(step, state)
        ...     lrs.append(round(float(lr), 4))
        >>> lrs
        [0.1, 0.1, 0.05, 0.025, 0.0125]
    """
    fn = "learning_rate_scheduler"
    if not callable(schedule):
        raise TypeError(
            f"{fn}: schedule must be a callable (epoch, lr) -> lr, "
            f"got {type(schedule).__name__} {schedule!r}"
        )
    if isinstance(steps_per_epoch, bool) or not isinstance(
        steps_per_epoch, int | np.integer | jax.Array | np.ndarray
    ):
        raise TypeError(f"{fn}: steps_per_epoch must be an integer, got {steps_per_epoch!r}")
    spe = jnp.asarray(steps_per_epoch)
    if not jnp.issubdtype(spe.dtype, jnp.integer) or spe.ndim:
        raise TypeError(
            f"{fn}: steps_per_epoch must be a scalar integer, got {spe.dtype}{list(spe.shape)}"
        )
    require(fn, "steps_per_epoch", spe, lambda v: v >= 1, ">= 1")
    init_lr = as_param(fn, "init", init)
    return _LearningRateScheduler(schedule=schedule, init_lr=init_lr, steps_per_epoch=spe)
