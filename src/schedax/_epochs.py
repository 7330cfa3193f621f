"""Keras-style `schedule(epoch, lr)` as a jittable stateful schedule (torch's multiplicative
too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Schedule
from ._rules import count, error_names, flag, function, param
from ._stateful import StatefulSchedule
from ._util import Array, fmt

# The most epochs an eager call catches up at once (a jump from step 0 to 10**10 would run the
# schedule 10**10 times, uninterruptibly). Inside jit nothing can be checked: it runs.
MAX_CATCH_UP = 2**20


class EpochState(NamedTuple):
    """State of `learning_rate_scheduler`: the lr in use and the last epoch it was set for.

    Examples:
        >>> import schedax as sx
        >>> sched = sx.learning_rate_scheduler(lambda epoch, lr: lr * 0.5, 1.0)
        >>> sched.init()
        EpochState(lr=Array(1., dtype=float32), epoch=Array(-1, dtype=int32))
        >>> float(sched(0, sched.init())[1].lr)
        0.5
    """

    lr: Array
    epoch: Array  # -1 before the first step


class learning_rate_scheduler(StatefulSchedule):
    """Keras's `LearningRateScheduler`: `lr = schedule(epoch, lr)` at each epoch's start.

    At the first step of epoch `e` (0-indexed, `e = step // steps_per_epoch`) the learning rate
    becomes `schedule(e, previous lr)`, starting from `init`; within an epoch it holds. The
    `schedule` gets traced arrays (an integer epoch and a float lr) and must be JAX-traceable:
    use `jnp.where` rather than Python `if` on them. The state is `EpochState(lr, epoch)`.
    With `multiplicative` (torch's `MultiplicativeLR`), `schedule(epoch)` is a factor and
    `lr_e = lr_{e-1} * schedule(e)` from epoch 1 on.

    Formula: `lr_e = schedule(e, lr_{e-1})`, `lr_{-1} = init`; `lr(step) = lr_{step // k}`.

    Args:
        schedule: `(epoch, lr) -> new lr`, JAX-traceable.
        init: the learning rate before the first epoch (Keras: the optimizer's).
        steps_per_epoch: steps in an epoch, an integer >= 1. A traced value is clamped to >= 1.
        multiplicative: `schedule(epoch)` is a factor on the previous lr, from epoch 1 on.

    Returns:
        A `StatefulSchedule`.

    Examples:
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

    schedule: Callable[..., Any] = function("a callable (epoch, lr) -> lr")
    init_lr: Array = param(arg="init")
    steps_per_epoch: Array = count(default=1, integer=True, ge=1)
    multiplicative: bool = flag(default=False, kw_only=True)

    def _check(self) -> None:
        if isinstance(self.schedule, Schedule):  # a function of the step alone
            where, arg = error_names(self._name, "schedule")
            raise TypeError(
                f"{where}: {arg} must be a callable (epoch, lr) -> lr, got the "
                f"schedule {fmt(self.schedule)}, a function of the step alone: use "
                "it directly, or wrap it as lambda epoch, lr: schedule(epoch)"
            )

    def init(self) -> EpochState:
        # Strongly typed, so the state's dtypes are the same before and after a step.
        lr = jnp.array(self.init_lr, self.dtype, copy=True)
        return EpochState(lr=lr, epoch=jnp.array(-1, jnp.result_type(int)))

    @property
    def dtype(self) -> np.dtype:
        return jnp.dtype(jnp.result_type(self.init_lr))

    def _check_call(self, step: Array, state: EpochState) -> None:
        epochs = int(step) // max(int(self.steps_per_epoch), 1) - int(state.epoch)
        if epochs > MAX_CATCH_UP:
            raise ValueError(
                f"{self._name}: step {int(step)} is {epochs} epochs past the state's epoch "
                f"{int(state.epoch)}; catching up calls schedule once per epoch, at most "
                f"{MAX_CATCH_UP} at a time: call it at the steps in between, or from a state "
                "nearer that step"
            )

    def _step(self, step: Array, state: EpochState) -> tuple[Array, EpochState]:
        epoch = step // jnp.maximum(self.steps_per_epoch, 1).astype(step.dtype)

        def begin_epoch(e: Array, lr: Array) -> Array:
            if self.multiplicative:
                return jnp.where(e > 0, lr * jnp.asarray(self.schedule(e), lr.dtype), lr)
            return jnp.asarray(self.schedule(e, lr), lr.dtype)

        # Usually one epoch begins (or none); a resumed run may have skipped several, which
        # are applied in order, as Keras would have at each epoch's start.
        # Counting from state.epoch, not state.epoch + 1: no bound overflows at the largest step.
        lr = jax.lax.fori_loop(state.epoch, epoch, lambda e, lr: begin_epoch(e + 1, lr), state.lr)
        return lr, EpochState(lr=lr, epoch=jnp.maximum(state.epoch, epoch))
