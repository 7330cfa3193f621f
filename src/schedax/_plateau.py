"""Reduce the learning rate when a metric stops improving (torch's and Keras's counting)."""

from __future__ import annotations

from typing import Any, NamedTuple

import jax.numpy as jnp
import numpy as np

from ._base import Array, count, default_float, option, param
from ._stateful import StatefulSchedule


class PlateauState(NamedTuple):
    """State of `reduce_on_plateau`."""

    lr: Array  # the learning rate in use
    best: Array  # the best metric so far (+inf in min mode, -inf in max mode, before any)
    num_bad: Array  # observations since the last improvement (torch num_bad_epochs, Keras wait)
    cooldown_counter: Array  # observations left in the cooldown
    observed: Array  # whether any observation was made (Keras takes the first as the best)


class reduce_on_plateau(StatefulSchedule):
    """torch's `ReduceLROnPlateau`, as a stateful schedule that takes observations.

    Feed it the metric with `state = sched.observe(state, value)` (one call per torch
    `scheduler.step(value)`, e.g. per epoch or per evaluation); `sched(step, state)` returns the
    learning rate in use. An observation is better when it beats the best so far by the
    threshold (`rel`: `value < best * (1 - threshold)` in min mode, `value > best * (1 +
    threshold)` in max mode; `abs`: `value < best - threshold`, `value > best + threshold`).
    With torch's counting, when the number of observations without improvement exceeds
    `patience`, the learning rate becomes `max(lr * factor, min_lr)` (unless that changes it by
    no more than `eps`), and the next `cooldown` observations are not counted. Keras's counting
    (`counting="keras"`, as its callback) reduces when they reach `patience`, does not count
    observations in cooldown, and resets nothing once at `min_lr`.

    Args:
        init: the initial learning rate (torch: the optimizer's).
        factor: the multiplier for a reduction, in [0, 1).
        patience: observations without improvement to tolerate, an integer >= 0.
        threshold: the improvement that counts, >= 0.
        threshold_mode: "rel" or "abs".
        cooldown: observations to ignore after a reduction, an integer >= 0.
        min_lr: the floor of the learning rate, >= 0.
        mode: "min" (a loss) or "max" (an accuracy).
        eps: reductions changing the lr by no more than this are skipped, >= 0.
        counting: "torch" or "keras".

    Returns:
        A `StatefulSchedule` whose state is a `PlateauState`. Traced hyperparameters are
        clamped: factor to [0, 1], patience and cooldown to >= 0.

    Example:
        >>> import schedax as sx
        >>> sched = sx.reduce_on_plateau(0.1, factor=0.5, patience=1)
        >>> state = sched.init()
        >>> for loss in [1.0, 0.5, 0.5, 0.5, 0.5, 0.5]:
        ...     state = sched.observe(state, loss)
        >>> sched(0, state)[0]
        Array(0.025, dtype=float32)
    """

    init_lr: Array = param(arg="init")
    factor: Array = param(default=0.1, kw_only=True, ge=0, lt=1)
    patience: Array = count(default=10, kw_only=True, integer=True, ge=0)
    threshold: Array = param(default=1e-4, kw_only=True, ge=0)
    threshold_mode: str = option(("rel", "abs"), default="rel", kw_only=True)
    cooldown: Array = count(default=0, kw_only=True, integer=True, ge=0)
    min_lr: Array = param(default=0.0, kw_only=True, ge=0)
    mode: str = option(("min", "max"), default="min", kw_only=True)
    eps: Array = param(default=1e-8, kw_only=True, ge=0)
    counting: str = option(("torch", "keras"), default="torch", kw_only=True)

    @property
    def dtype(self) -> np.dtype:
        return jnp.dtype(jnp.result_type(self.init_lr))

    def init(self) -> PlateauState:
        metric = default_float()
        worst = np.inf if self.mode == "min" else -np.inf
        zero = jnp.array(0, jnp.int32)
        return PlateauState(
            lr=jnp.array(self.init_lr, self.dtype, copy=True),
            best=jnp.array(worst, metric),
            num_bad=zero,
            cooldown_counter=zero,
            observed=jnp.array(False),
        )

    def _step(self, step: Array, state: PlateauState) -> tuple[Array, PlateauState]:
        return state.lr, state

    def _is_better(self, value: Array, best: Array) -> Array:
        threshold = self.threshold.astype(best.dtype)
        sign = 1 if self.mode == "min" else -1
        if self.threshold_mode == "rel":
            return sign * value < sign * best * (1 - sign * threshold)
        return sign * value < sign * best - threshold

    def _reduced(self, lr: Array) -> Array:
        factor, min_lr = self.factor.astype(lr.dtype), self.min_lr.astype(lr.dtype)
        return jnp.maximum(lr * jnp.clip(factor, 0, 1), min_lr)

    def _observe(self, state: PlateauState, value: Any) -> PlateauState:
        value = jnp.asarray(value).astype(state.best.dtype)
        lr, best, num_bad, cooldown, observed = state
        patience = jnp.maximum(self.patience, 0).astype(num_bad.dtype)
        better = self._is_better(value, best)
        if self.counting == "keras":  # Keras's first value is the best, whatever it is (NaN too)
            better = better | ~observed
        best = jnp.where(better, value, best)
        new_lr = self._reduced(lr)
        if self.counting == "torch":
            num_bad = jnp.where(better, 0, num_bad + 1)
            in_cooldown = cooldown > 0
            cooldown = jnp.where(in_cooldown, cooldown - 1, cooldown)
            num_bad = jnp.where(in_cooldown, 0, num_bad)
            reduce = num_bad > patience
            lr = jnp.where(reduce & (lr - new_lr > self.eps.astype(lr.dtype)), new_lr, lr)
            reset = reduce
        else:
            in_cooldown = cooldown > 0
            cooldown = jnp.where(in_cooldown, cooldown - 1, cooldown)
            num_bad = jnp.where(in_cooldown, 0, num_bad)
            counted = ~better & (cooldown == 0)
            num_bad = jnp.where(better, 0, jnp.where(counted, num_bad + 1, num_bad))
            reset = counted & (num_bad >= patience) & (lr > self.min_lr.astype(lr.dtype))
            lr = jnp.where(reset, new_lr, lr)
        cooldown_length = jnp.maximum(self.cooldown, 0).astype(cooldown.dtype)
        cooldown = jnp.where(reset, cooldown_length, cooldown)
        num_bad = jnp.where(reset, 0, num_bad)
        return PlateauState(
            lr=lr, best=best, num_bad=num_bad, cooldown_counter=cooldown, observed=jnp.array(True)
        )
