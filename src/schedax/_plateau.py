"""Reduce the learning rate when a metric stops improving (torch's and Keras's counting)."""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Array, _fmt, as_count, as_param, count, default_float, param, require, static
from ._stateful import StatefulSchedule


class PlateauState(NamedTuple):
    """State of `reduce_on_plateau`."""

    lr: Array  # the learning rate in use
    best: Array  # the best metric so far (+inf in min mode, -inf in max mode, before any)
    num_bad: Array  # observations since the last improvement (torch num_bad_epochs, Keras wait)
    cooldown_counter: Array  # observations left in the cooldown


class _ReduceOnPlateau(StatefulSchedule, name="reduce_on_plateau"):
    init_lr: Array = param(arg="init")
    factor: Array = param()
    patience: Array = count()
    threshold: Array = param()
    threshold_mode: str = static()
    cooldown: Array = count()
    min_lr: Array = param()
    mode: str = static()
    eps: Array = param()
    # "torch": reduce when bad observations exceed `patience`; an observation in cooldown
    # counts, then is forgotten. "keras": reduce when they reach `patience`; observations in
    # cooldown are not counted; at `min_lr` nothing is reset. The Keras compat layer uses it.
    counting: str = static()

    @property
    def dtype(self) -> np.dtype:
        return jnp.dtype(jnp.result_type(self.init_lr))

    def _repr_items(self) -> list[tuple[str, Any]]:
        return [(k, v) for k, v in super()._repr_items() if k != "counting"]

    def _config_items(self) -> list[tuple[str, Any]]:
        if self.counting == "torch":
            return self._repr_items()
        # Keras's callback: its own names (to_config names it keras.ReduceLROnPlateau).
        return [("init", self.init_lr), ("factor", self.factor), ("patience", self.patience),
                ("mode", self.mode), ("min_delta", self.threshold), ("cooldown", self.cooldown),
                ("min_lr", self.min_lr)]  # fmt: skip

    def init(self) -> PlateauState:
        metric = default_float()
        worst = np.inf if self.mode == "min" else -np.inf
        zero = jnp.array(0, jnp.int32)
        return PlateauState(
            lr=jnp.array(self.init_lr, self.dtype, copy=True),
            best=jnp.array(worst, metric),
            num_bad=zero,
            cooldown_counter=zero,
        )

    def _step(self, step: Array, state: PlateauState) -> tuple[Array, PlateauState]:
        return state.lr, state

    def observe(self, state: PlateauState, value: Any) -> PlateauState:
        """The state after one observation of the metric (torch: one `scheduler.step(value)`)."""
        return _observe(self, state, value)

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
        value = jnp.asarray(value).astype(state.best.dtype).reshape(())
        lr, best, num_bad, cooldown = state
        patience = jnp.maximum(self.patience, 0).astype(num_bad.dtype)
        better = self._is_better(value, best)
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
        return PlateauState(lr=lr, best=best, num_bad=num_bad, cooldown_counter=cooldown)


_observe = jax.jit(lambda schedule, state, value: schedule._observe(state, value))


def _plateau(
    fn: str,
    init: Any,
    *,
    factor: Any,
    patience: Any,
    threshold: Any,
    threshold_mode: str,
    cooldown: Any,
    min_lr: Any,
    mode: str,
    eps: Any,
    counting: str,
) -> StatefulSchedule:
    """The checks and construction shared by `reduce_on_plateau` and the Keras compat layer."""
    for arg, value, allowed in (
        ("mode", mode, ("min", "max")),
        ("threshold_mode", threshold_mode, ("rel", "abs")),
    ):
        if value not in allowed:
            raise ValueError(f"{fn}: {arg} must be one of {allowed}, got {value!r}")
    factor = as_param(fn, "factor", factor)
    require(fn, "factor", factor, lambda v: (v > 0) & (v < 1), "in (0, 1)")
    values = {
        "init": as_param(fn, "init", init),
        "threshold": as_param(fn, "threshold", threshold),
        "min_lr": as_param(fn, "min_lr", min_lr),
        "eps": as_param(fn, "eps", eps),
        "patience": as_count(fn, "patience", patience),
        "cooldown": as_count(fn, "cooldown", cooldown),
    }
    for arg, value in values.items():
        if arg in ("patience", "cooldown") and not jnp.issubdtype(value.dtype, jnp.integer):
            raise TypeError(f"{fn}: {arg} must be an integer, got {_fmt(value)}")
        require(fn, arg, value, lambda v: v >= 0, ">= 0")
    return _ReduceOnPlateau(
        init_lr=values.pop("init"),
        factor=factor,
        threshold_mode=threshold_mode,
        mode=mode,
        counting=counting,
        **values,
    )


def reduce_on_plateau(
    init: Any,
    *,
    factor: Any = 0.1,
    patience: Any = 10,
    threshold: Any = 1e-4,
    threshold_mode: str = "rel",
    cooldown: Any = 0,
    min_lr: Any = 0.0,
    mode: str = "min",
    eps: Any = 1e-8,
) -> StatefulSchedule:
    """torch's `ReduceLROnPlateau`, as a stateful schedule that takes observations.

    Feed it the metric with `state = sched.observe(state, value)` (one call per torch
    `scheduler.step(value)`, e.g. per epoch or per evaluation); `sched(step, state)` returns the
    learning rate in use. An observation is better when it beats the best so far by the
    threshold (`rel`: `value < best * (1 - threshold)` in min mode, `value > best * (1 +
    threshold)` in max mode; `abs`: `value < best - threshold`, `value > best + threshold`).
    When the number of observations without improvement exceeds `patience`, the learning rate
    becomes `max(lr * factor, min_lr)` (unless that changes it by no more than `eps`), and the
    next `cooldown` observations are not counted.

    Args:
        init: the initial learning rate (torch: the optimizer's).
        factor: the multiplier for a reduction, in (0, 1).
        patience: observations without improvement to tolerate, an integer >= 0.
        threshold: the improvement that counts, >= 0.
        threshold_mode: "rel" or "abs".
        cooldown: observations to ignore after a reduction, an integer >= 0.
        min_lr: the floor of the learning rate, >= 0.
        mode: "min" (a loss) or "max" (an accuracy).
        eps: reductions changing the lr by no more than this are skipped, >= 0.

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
    return _plateau(
        "reduce_on_plateau",
        init,
        factor=factor,
        patience=patience,
        threshold=threshold,
        threshold_mode=threshold_mode,
        cooldown=cooldown,
        min_lr=min_lr,
        mode=mode,
        eps=eps,
        counting="torch",
    )
