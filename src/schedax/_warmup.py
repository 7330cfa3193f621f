"""Warmup then decay: warmup-cosine and warmup-stable-decay (WSD)."""

from __future__ import annotations

import math
from collections.abc import Callable

import jax.numpy as jnp
import numpy as np

from ._base import Schedule
from ._numerics import MIN_LENGTH, anneal, half_cosine, linear, power_of
from ._numerics import length as steps_length
from ._rules import count, option, param
from ._util import Array, fmt, host, is_concrete


def _sqrt_rise(done: Array) -> Array:
    # The weight of the end of a "1-sqrt" decay: sqrt(done), with a finite gradient at 0.
    safe = jnp.where(done > 0, done, 1)
    return jnp.where(done > 0, jnp.sqrt(safe), 0)


def _sqrt_fall(left: Array) -> Array:
    # The weight of the start, 1 - sqrt(1 - left), without the cancellation near left = 0.
    done = 1 - left
    safe = jnp.where(done > 0, done, 1)
    return left / (1 + jnp.where(done > 0, jnp.sqrt(safe), 0))


# decay_shape -> (rise, fall) for anneal
DECAY_SHAPES: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array] | None]] = {
    "linear": (linear, None),
    "cosine": (half_cosine, None),
    "1-sqrt": (_sqrt_rise, _sqrt_fall),
}


# warmup_shape -> (rise, fall) for anneal: the weight of the peak after a fraction x of the
# warmup is x, (1 - cos(pi x)) / 2 or 1 - sqrt(1 - x).
WARMUP_SHAPES: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array] | None]] = {
    "linear": (linear, None),
    "cosine": (half_cosine, None),
    "1-sqrt": (_sqrt_fall, _sqrt_rise),
}


def _warmup(
    init: Array, peak: Array, t: Array, warmup: Array, then: Array, shape: str = "linear"
) -> Array:
    """A warmup from `init` to `peak` before step `warmup`, `then` from it on."""
    # A warmup of 0 steps is never active; give it length 1 so its gradient stays finite.
    length = jnp.where(warmup > 0, warmup, 1)
    ramp = anneal(init, peak, t, length, *WARMUP_SHAPES[shape])  # holds `peak` past `length`
    return jnp.where(t < warmup, ramp, then)


class warmup_cosine_decay(Schedule):
    """Linear warmup from `init` to `peak`, then cosine decay to `end` at `total_steps`.

    `total_steps` counts the warmup (as optax's `warmup_cosine_decay_schedule`, unlike Keras's
    `CosineDecay`, whose `decay_steps` come after it). With `warmup_steps=0` the schedule
    starts at `peak` (optax's warmup of length 0 stays at `init` forever).

    Formula: `init + (peak - init) * step / warmup_steps` before `warmup_steps`; then, with
    `x = (step - warmup_steps) / (total_steps - warmup_steps)`,
    `end + (peak - end) * ((1 + cos(pi * x)) / 2)**exponent`; `end` from `total_steps` on.

    Args:
        peak: the value at step `warmup_steps`.
        warmup_steps: the warmup length in steps, >= 0 and <= `total_steps`. A traced value is
            clamped to [0, total_steps].
        total_steps: the length of the whole schedule in steps, > 0.
        init: the value at step 0.
        end: the value from `total_steps` on.
        exponent: the power of the cosine factor (optax's `exponent`), >= 0, or None for 1.
            A traced value is clamped to >= 0.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.warmup_cosine_decay(1.0, 2, 6)(jnp.arange(0, 8, 2)).round(3)
        Array([0. , 1. , 0.5, 0. ], dtype=float32)
    """

    peak: Array = param()
    warmup_steps: Array = count(ge=0)
    total_steps: Array = count(gt=0)
    init: Array = param(default=0.0)
    end: Array = param(default=0.0)
    exponent: Array | None = param(default=None, optional=True, ge=0)

    def _check(self) -> None:
        warmup, total = self.warmup_steps, self.total_steps
        # On the host, from the arguments as given where they are Python numbers (a device
        # comparison costs more than building the schedule).
        if (
            is_concrete(warmup)
            and is_concrete(total)
            and np.any(
                host(self._raw["warmup_steps"], warmup) > host(self._raw["total_steps"], total)
            )
        ):
            raise self._invalid(
                f"{{0}} ({fmt(self._raw['warmup_steps'])}) must be <= "
                f"{{1}} ({fmt(self._raw['total_steps'])})",
                "warmup_steps", "total_steps",
            )  # fmt: skip

    def _value(self, t: Array) -> Array:
        total = jnp.maximum(self.total_steps.astype(t.dtype), 0)
        warmup = jnp.clip(self.warmup_steps.astype(t.dtype), 0, total)
        decay = anneal(
            self.peak, self.end, t - warmup, total - warmup, half_cosine, exponent=self.exponent
        )
        return _warmup(self.init, self.peak, t, warmup, decay)


class warmup_stable_decay(Schedule):
    """Warmup, stable, decay (WSD): the schedule of recent LLM training runs.

    A warmup from `init` to `peak` over `warmup_steps`, `peak` for `stable_steps`, then a
    decay to `end` over `decay_steps`, and `end` after. The decay's shape is the weight of
    `peak` at progress `p` of the decay: "linear" `1 - p`, "cosine" `(1 + cos(pi p)) / 2`
    (with `decay_cycles` c: `(1 + cos(2 pi c p)) / 2`, then `end` at `p = 1`), "1-sqrt"
    `1 - sqrt(p)`, "power" `1 - p**decay_power`, "exp" `(r**p - r) / (1 - r)` with
    `r = decay_ratio`; the warmup's is the weight of `peak` at progress `x`: "linear" `x`,
    "cosine" `(1 - cos(pi x)) / 2`, "1-sqrt" `1 - sqrt(1 - x)`. With a `stable_timescale`, the
    value after the warmup decays as `max(peak * (1 + s / stable_timescale)**-stable_power,
    end)` at `s` steps past the warmup, through the stable and the decay phases (timm's "rsqrt"
    and "power" stable functions). Values match transformers' `get_wsd_schedule` with
    `init = end = min_lr_ratio * peak`, and timm's `WSDLRScheduler`.

    Formula: with `w`, `s`, `d` the three lengths: the warmup shape from `init` to `peak` on `[0,
    w)`, `peak` (times `(1 + (step - w) / stable_timescale)**-stable_power` with a timescale) on
    `[w, w + s)`, `end + (peak - end) * shape(p)` with `p = (step - w - s) / d` on `[w + s, w + s +
    d)`, `end` after.

    Args:
        peak: the value of the stable phase.
        warmup_steps: >= 0. A traced value is clamped to >= 0.
        stable_steps: >= 0. A negative traced value (or a compat constructor's, as
            transformers takes it) starts the decay that many steps before the warmup ends;
            the warmup still runs to its end.
        decay_steps: > 0. A traced value is clamped to > 0.
        init: the value at step 0.
        end: the value at the end of the decay and after.
        decay_shape: "linear", "cosine", "1-sqrt", "power" or "exp".
        warmup_shape: "linear", "cosine" or "1-sqrt".
        decay_cycles: the number of cosine waves over the decay (transformers' `num_cycles`),
            > 0, or None for half a wave; with `decay_shape="cosine"` only. A traced value is
            clamped to >= 0.
        decay_power: the exponent of the "power" decay, > 0.
        decay_ratio: the fraction the "exp" decay would reach before its normalization, in
            (0, 1).
        stable_timescale: the timescale of the decaying stable value, > 0, or None for a
            constant one. A traced value is clamped to > 0.
        stable_power: its exponent, > 0 (0.5: reciprocal square root).

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> sx.warmup_stable_decay(1.0, 2, 2, 4)(jnp.arange(0, 10, 2))
        Array([0. , 1. , 1. , 0.5, 0. ], dtype=float32)
    """

    peak: Array = param()
    warmup_steps: Array = count(ge=0)
    stable_steps: Array = count(ge=0, policy=True)
    decay_steps: Array = count(gt=0)
    init: Array = param(default=0.0)
    end: Array = param(default=0.0)
    decay_shape: str = option((*DECAY_SHAPES, "power", "exp"), default="linear")
    warmup_shape: str = option(tuple(WARMUP_SHAPES), default="linear")
    decay_cycles: Array | None = param(default=None, optional=True, gt=0)
    decay_power: Array = param(default=0.5, gt=0)
    decay_ratio: Array = param(default=0.1, gt=0, lt=1)
    stable_timescale: Array | None = count(default=None, optional=True, gt=0)
    stable_power: Array = param(default=0.5, gt=0)

    def _check(self) -> None:
        if self.decay_cycles is not None and self.decay_shape != "cosine":
            raise self._invalid(f"{{0}} shapes a cosine decay only, got {{1}}="
                                f"{self.decay_shape!r}", "decay_cycles", "decay_shape")  # fmt: skip

    def _weight(self, progress: Array) -> Array:
        """The weight of the stable value at `progress` in [0, 1] of a waved, power or exp
        decay."""
        if self.decay_shape == "power":
            return 1 - power_of(progress, jnp.maximum(self.decay_power.astype(progress.dtype), 0))
        if self.decay_shape == "exp":
            r = jnp.clip(self.decay_ratio.astype(progress.dtype), MIN_LENGTH, 1 - MIN_LENGTH)
            return (r**progress - r) / (1 - r)
        cycles = jnp.maximum(self.decay_cycles.astype(progress.dtype), 0)
        return (1 + jnp.cos(2 * math.pi * cycles * progress)) / 2

    def _value(self, t: Array) -> Array:
        warmup = jnp.maximum(self.warmup_steps.astype(t.dtype), 0)
        start = warmup + self.stable_steps.astype(t.dtype)  # < warmup: an early decay (compat)
        elapsed = jnp.maximum(t - start, 0)
        peak, end = self.peak.astype(t.dtype), self.end.astype(t.dtype)
        top = peak  # the stable value, at t
        if self.stable_timescale is not None:
            since = jnp.maximum(t - warmup, 0) / steps_length(self.stable_timescale.astype(t.dtype))
            power = jnp.maximum(self.stable_power.astype(t.dtype), 0)
            top = jnp.maximum(peak * (1 + since) ** -power, end)
        if self.decay_cycles is None and self.decay_shape in DECAY_SHAPES:
            decay = anneal(top, end, elapsed, self.decay_steps, *DECAY_SHAPES[self.decay_shape])
        else:  # waves are not monotone, power and exp take a parameter: not an anneal
            length = steps_length(self.decay_steps.astype(t.dtype))
            progress = jnp.minimum(elapsed / length, 1)
            decay = jnp.where(progress < 1, end + (top - end) * self._weight(progress), end)
        return _warmup(self.init, self.peak, t, warmup, decay, self.warmup_shape)
