"""Learning-rate noise (timm's): a schedule times `1 + noise`, drawn from a seed and the step."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Schedule
from ._join import check_piece
from ._rules import count, option, param, schedule
from ._util import Array


class noisy(Schedule):
    """A schedule with multiplicative noise on steps in `[start, stop)` (timm's lr noise).

    At such a step the value is `schedule(step) * (1 + noise)`: with `kind="normal"`, `noise`
    is `std` times a standard normal draw, redrawn until `|noise| < pct` (a normal truncated to
    `(-pct, pct)`); with `kind="uniform"`, uniform in `[-pct, pct)`. The draw depends only on
    `seed` and the whole step (`jax.random.fold_in(jax.random.key(seed), step)`), so a step's
    value is the same on every call, under `jit`, `vmap` and `scan`. These are not the draws
    of torch's generator that timm uses: the distribution and the range are timm's, the
    numbers are not.

    Formula: `schedule(step) * (1 + n(seed, step))` for `start <= step < stop`, `schedule(step)`
    elsewhere; `n` a normal of deviation `std` truncated to `(-pct, pct)`, or uniform in `[-pct,
    pct)`.

    Args:
        schedule: the schedule to perturb (a schedax schedule).
        start: the first noisy step, >= 0.
        stop: the first step without noise after `start`, or None for none.
        pct: the bound on `|noise|`, > 0.
        std: the normal's standard deviation, >= 0.
        seed: an integer seed.
        kind: "normal" or "uniform".

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> lr = sx.noisy(sx.constant_lr(1.0), start=2, pct=0.1)
        >>> values = lr(jnp.arange(6))
        >>> bool(jnp.all(values[:2] == 1.0) and jnp.all(jnp.abs(values[2:] - 1) < 0.1))
        True
    """

    schedule: Schedule = schedule()
    start: Array = count(ge=0)
    stop: Array | None = count(default=None, optional=True, ge=0)
    pct: Array = param(default=0.67, gt=0)
    std: Array = param(default=1.0, ge=0)
    seed: Array = count(default=42, integer=True)
    kind: str = option(("normal", "uniform"), default="normal")

    def _check(self) -> None:
        check_piece(self._name, "schedule", self.schedule)

    @property
    def dtype(self) -> np.dtype:
        return self.schedule.dtype

    def _batched(self) -> bool:
        return super()._batched() or self.schedule._batched()

    def _value(self, t: Array) -> Array:
        value = self.schedule(t).astype(t.dtype)
        on = t >= self.start.astype(t.dtype)
        if self.stop is not None:
            on = on & (t < self.stop.astype(t.dtype))
        step = jnp.floor(jnp.minimum(t, jnp.iinfo(jnp.int32).max)).astype(jnp.int32)
        return jnp.where(on, value * (1 + self._noise(step, t.dtype)), value)

    def _noise(self, step: Array, dtype: np.dtype) -> Array:
        def one(step: Array) -> Array:
            key = jax.random.fold_in(jax.random.key(self.seed.astype(jnp.uint32)), step)
            pct = jnp.maximum(self.pct.astype(dtype), 0)
            if self.kind == "uniform":
                return jax.random.uniform(key, (), dtype, -pct, pct)
            std = jnp.abs(self.std.astype(dtype))
            bound = pct / jnp.where(std > 0, std, 1)
            return std * jax.random.truncated_normal(key, -bound, bound, (), dtype)

        return jnp.vectorize(one)(step)
