"""Reduce the learning rate when a metric stops improving (torch's and Keras's counting)."""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ._numerics import anneal, linear
from ._rules import count, flag, option, param, size
from ._stateful import StatefulSchedule
from ._util import Array, default_float, is_concrete


def worst(mode: str) -> Array:
    """The best metric before any observation: +inf in min mode, -inf in max mode."""
    return jnp.array(np.inf if mode == "min" else -np.inf, default_float())


def improves(schedule: StatefulSchedule, value: Array, best: Array) -> Array:
    """Whether `value` beats `best` by the schedule's `threshold` in its `threshold_mode`
    ("rel": by a fraction of `best`, "abs": by an amount) and `mode` ("min" or "max")."""
    threshold = schedule.threshold.astype(best.dtype)
    sign = 1 if schedule.mode == "min" else -1
    # As a difference (`value < best * (1 - threshold)` is `value - best < -threshold * best`):
    # in float32, 1 - 1e-8 is 1, and a repeated value would not count where torch counts it.
    bar = -threshold * best if schedule.threshold_mode == "rel" else -threshold
    return jnp.where(jnp.isinf(best), sign * value < sign * best, sign * (value - best) < bar)


class PlateauState(NamedTuple):
    """State of `reduce_on_plateau`.

    Examples:
        >>> import schedax as sx
        >>> sched = sx.reduce_on_plateau(0.1)
        >>> state = sched.observe(sched.init(), 0.5)
        >>> float(state.best), int(state.num_bad), int(state.observations)
        (0.5, 0, 1)
    """

    lr: Array  # the learning rate in use
    best: Array  # the best metric so far (+inf in min mode, -inf in max mode, before any)
    num_bad: Array  # observations since the last improvement (torch num_bad_epochs, Keras wait)
    cooldown_counter: Array  # observations left in the cooldown
    observations: Array  # how many were made (Keras takes the first as the best)


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
    observations in cooldown, and resets nothing once at `min_lr`. With `warmup_steps` (timm's
    `PlateauLRScheduler`), the value at steps `1 .. warmup_steps` climbs linearly from
    `warmup_init` to `init` (`warmup_init` at step 0), and the first `warmup_steps`
    observations are ignored: one observation per step, as a loop that observes once per epoch
    and counts epochs as steps makes them. The plateau then starts from the warmup's value at
    its last whole step (`init` for a whole `warmup_steps`).

    Formula: after an observation that ends a run of more than `patience` (Keras: `patience`)
    without improvement, outside cooldown: `lr = max(lr * factor, min_lr)`; otherwise `lr` is
    unchanged.

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
        warmup_steps: the warmup's length in steps (and ignored observations), >= 0.
        warmup_init: the value at step 0 with a warmup.

    Returns:
        A `StatefulSchedule` whose state is a `PlateauState`. Traced hyperparameters are
        clamped (factor to [0, 1], cooldown to >= 0); a negative patience, which torch
        accepts through `compat`, reduces at every observation.

    Examples:
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
    patience: Array = count(default=10, kw_only=True, integer=True, ge=0, policy=True)
    threshold: Array = param(default=1e-4, kw_only=True, ge=0, policy=True)
    threshold_mode: str = option(("rel", "abs"), default="rel", kw_only=True)
    cooldown: Array = count(default=0, kw_only=True, integer=True, ge=0, policy=True)
    min_lr: Array = param(default=0.0, kw_only=True, ge=0, policy=True)
    mode: str = option(("min", "max"), default="min", kw_only=True)
    eps: Array = param(default=1e-8, kw_only=True, ge=0, policy=True)
    counting: str = option(("torch", "keras"), default="torch", kw_only=True)
    warmup_steps: Array = count(default=0, kw_only=True, ge=0)
    warmup_init: Array = param(default=0.0, kw_only=True)

    @property
    def dtype(self) -> np.dtype:
        return jnp.dtype(jnp.result_type(self.init_lr))

    def init(self) -> PlateauState:
        zero = jnp.array(0, jnp.int32)
        return PlateauState(
            lr=self._warmup_lr(jnp.floor(jnp.maximum(self.warmup_steps, 0))),
            best=worst(self.mode),
            num_bad=zero,
            cooldown_counter=zero,
            observations=zero,
        )

    def _warmup_lr(self, step: Array) -> Array:
        """The warmup's value at `step` (`init` without a warmup): the plateau starts from its
        value at the last whole step of the warmup (`init` when `warmup_steps` is whole)."""
        init = jnp.asarray(self.init_lr, self.dtype)
        warmup = jnp.maximum(self.warmup_steps, 0).astype(self.dtype)
        start = self.warmup_init.astype(self.dtype)
        ramp = anneal(
            start, init, step.astype(self.dtype), jnp.where(warmup > 0, warmup, 1), linear
        )
        return jnp.where(warmup > 0, ramp, init)

    def _step(self, step: Array, state: PlateauState) -> tuple[Array, PlateauState]:
        if is_concrete(self.warmup_steps) and np.asarray(self.warmup_steps) == 0:
            return state.lr, state
        warmup = jnp.maximum(self.warmup_steps.astype(state.lr.dtype), 0)
        in_warmup = (warmup > 0) & (step.astype(warmup.dtype) <= warmup)
        return jnp.where(in_warmup, self._warmup_lr(step), state.lr), state

    def _is_better(self, value: Array, best: Array) -> Array:
        return improves(self, value, best)

    def _reduced(self, lr: Array) -> Array:
        factor, min_lr = self.factor.astype(lr.dtype), self.min_lr.astype(lr.dtype)
        return jnp.maximum(lr * jnp.clip(factor, 0, 1), min_lr)

    def _observe(self, state: PlateauState, value: Any) -> PlateauState:
        value = jnp.asarray(value).astype(state.best.dtype)
        lr, best, num_bad, cooldown, observations = state
        observed = observations > 0
        patience = self.patience.astype(num_bad.dtype)  # negative (compat): every observation
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
        new = PlateauState(lr=lr, best=best, num_bad=num_bad, cooldown_counter=cooldown,
                           observations=observations + 1)  # fmt: skip
        # Observations during the warmup only count themselves.
        warmup = jnp.maximum(self.warmup_steps, 0).astype(default_float())
        ignored = (observations + 1).astype(warmup.dtype) <= warmup
        return jax.tree.map(lambda a, b: jnp.where(ignored, a, b),
                            state._replace(observations=observations + 1), new)  # fmt: skip


class GreedyState(NamedTuple):
    """State of `greedy_lr`.

    Examples:
        >>> import schedax as sx
        >>> sched = sx.greedy_lr(0.1)
        >>> state = sched.observe(sched.init(), 0.5)
        >>> float(state.best), int(state.num_good)
        (0.5, 1)
    """

    lr: Array  # the learning rate in use
    best: Array  # the best (smoothed) metric since the start or the last reset
    num_bad: Array  # observations since the last improvement
    num_good: Array  # improvements in a row
    cooldown_counter: Array  # observations left to ignore after a reduction
    warmup_counter: Array  # observations left to ignore after an increase
    reset_left: Array  # reductions at min_lr left before the reset
    window: Array  # the last `window_size` observations (smooth=True; empty otherwise)
    seen: Array  # observations in the window since the start or the last reset


class greedy_lr(StatefulSchedule):
    """GreedyLR (transformers' `GreedyLR`): up while the metric improves, down when it stalls.

    Feed it the metric with `state = sched.observe(state, value)` (one call per transformers
    `scheduler.step(value)`); `sched(step, state)` returns the learning rate in use. An
    observation is better when it beats the best so far by the threshold (as in
    `reduce_on_plateau`). More than `patience` better observations in a row raise the learning
    rate to `min(lr / factor, max_lr)`, then `warmup` observations are ignored; more than
    `patience` observations without improvement lower it to `max(lr * factor, min_lr)`, then
    `cooldown` observations are ignored. A change by no more than `eps` is skipped. After
    `reset_start` reductions at `min_lr` with no increase between, everything starts over from
    `init`. With `smooth=True` the metric is the mean of the last `window_size` observations.

    Formula: after more than `patience` better observations, outside cooldown and warmup: `lr =
    min(lr / factor, max_lr)`; after more than `patience` worse ones: `lr = max(lr * factor,
    min_lr)`; otherwise unchanged.

    Args:
        init: the initial learning rate (transformers: the optimizer's).
        factor: the multiplier of a reduction and divisor of an increase, in (0, 1).
        patience: observations to wait, an integer >= 0.
        threshold: the improvement that counts, >= 0.
        threshold_mode: "rel" or "abs".
        cooldown: observations to ignore after a reduction, an integer >= 0.
        warmup: observations to ignore after an increase, an integer >= 0.
        min_lr: the floor of the learning rate, >= 0.
        max_lr: the ceiling of the learning rate, >= 0.
        mode: "min" (a loss) or "max" (an accuracy).
        eps: changes of no more than this are skipped, >= 0.
        smooth: whether to average the metric over a window.
        window_size: the window's length in observations, a Python int >= 1.
        reset_start: reductions at `min_lr` before the reset, an integer >= 0.

    Returns:
        A `StatefulSchedule` whose state is a `GreedyState`. Traced hyperparameters are
        clamped (factor to (0, 1], cooldown and warmup to >= 0); a negative patience, which
        transformers accepts through `compat`, acts at every observation.

    Examples:
        >>> import schedax as sx
        >>> sched = sx.greedy_lr(0.1, factor=0.5, patience=1, min_lr=0.0)
        >>> state = sched.init()
        >>> for loss in [1.0, 0.9, 0.8]:  # improving: the rate doubles
        ...     state = sched.observe(state, loss)
        >>> sched(0, state)[0]
        Array(0.2, dtype=float32)
    """

    init_lr: Array = param(arg="init")
    factor: Array = param(default=0.95, kw_only=True, gt=0, lt=1)
    patience: Array = count(default=10, kw_only=True, integer=True, ge=0, policy=True)
    threshold: Array = param(default=1e-6, kw_only=True, ge=0, policy=True)
    threshold_mode: str = option(("rel", "abs"), default="abs", kw_only=True)
    cooldown: Array = count(default=0, kw_only=True, integer=True, ge=0, policy=True)
    warmup: Array = count(default=0, kw_only=True, integer=True, ge=0, policy=True)
    min_lr: Array = param(default=1e-3, kw_only=True, ge=0, policy=True)
    max_lr: Array = param(default=1.0, kw_only=True, ge=0, policy=True)
    mode: str = option(("min", "max"), default="min", kw_only=True)
    eps: Array = param(default=1e-8, kw_only=True, ge=0, policy=True)
    smooth: bool = flag(default=False, kw_only=True)
    window_size: int = size(default=50, kw_only=True, ge=1)
    reset_start: Array = count(default=500, kw_only=True, integer=True, ge=0)

    @property
    def dtype(self) -> np.dtype:
        return jnp.dtype(jnp.result_type(self.init_lr))

    def init(self) -> GreedyState:
        zero = jnp.array(0, jnp.int32)
        return GreedyState(
            lr=jnp.array(self.init_lr, self.dtype, copy=True),
            best=worst(self.mode),
            num_bad=zero,
            num_good=zero,
            cooldown_counter=zero,
            warmup_counter=zero,
            reset_left=jnp.asarray(self.reset_start, jnp.int32),
            window=jnp.zeros((self.window_size if self.smooth else 0,), default_float()),
            seen=zero,
        )

    def _step(self, step: Array, state: GreedyState) -> tuple[Array, GreedyState]:
        return state.lr, state

    def _observe(self, state: GreedyState, value: Any) -> GreedyState:
        value = jnp.asarray(value).astype(state.best.dtype)
        lr, window, seen = state.lr, state.window, state.seen
        if self.smooth:  # the mean of the last window_size observations
            window = window.at[seen % self.window_size].set(value)
            seen = seen + 1
            held = jnp.arange(self.window_size) < seen
            count = jnp.minimum(seen, self.window_size).astype(window.dtype)
            value = jnp.sum(jnp.where(held, window, 0)) / count
        cooling, warming = state.cooldown_counter > 0, state.warmup_counter > 0
        waiting = cooling | warming
        cooldown = jnp.where(cooling, state.cooldown_counter - 1, state.cooldown_counter)
        warmup = jnp.where(~cooling & warming, state.warmup_counter - 1, state.warmup_counter)
        better = improves(self, value, state.best)
        best = jnp.where(~waiting & better, value, state.best)
        num_bad = jnp.where(waiting | better, 0, state.num_bad + 1)
        num_good = jnp.where(waiting | ~better, 0, state.num_good + 1)
        patience = self.patience.astype(num_bad.dtype)  # negative (compat): every observation
        increase = ~waiting & (num_good > patience)  # (a negative patience: each time)
        reduce = ~waiting & ~increase & (num_bad > patience)
        factor = jnp.clip(self.factor.astype(lr.dtype), jnp.finfo(lr.dtype).tiny, 1)
        min_lr, max_lr = self.min_lr.astype(lr.dtype), self.max_lr.astype(lr.dtype)
        eps = self.eps.astype(lr.dtype)
        up, down = jnp.minimum(lr / factor, max_lr), jnp.maximum(lr * factor, min_lr)
        lower = jnp.where(lr - down > eps, down, lr)
        lr = jnp.where(increase & (up - lr > eps), up, jnp.where(reduce, lower, lr))
        original = jnp.asarray(self.reset_start, jnp.int32)
        at_min = reduce & (lower <= min_lr)
        reset_left = jnp.where(increase, original, state.reset_left - at_min.astype(jnp.int32))
        reset = at_min & (reset_left <= 0)
        warmup_length = jnp.maximum(self.warmup, 0).astype(warmup.dtype)
        cooldown_length = jnp.maximum(self.cooldown, 0).astype(cooldown.dtype)
        return GreedyState(
            lr=jnp.where(reset, self.init_lr.astype(lr.dtype), lr),
            best=jnp.where(reset, worst(self.mode), best),
            num_bad=jnp.where(reduce, 0, num_bad),
            num_good=jnp.where(increase | reset, 0, num_good),
            cooldown_counter=jnp.where(reduce, cooldown_length, cooldown),
            warmup_counter=jnp.where(increase, warmup_length, jnp.where(reset, 0, warmup)),
            reset_left=jnp.where(reset, original, reset_left),
            window=jnp.where(reset, 0, window),
            seen=jnp.where(reset, 0, seen),
        )
