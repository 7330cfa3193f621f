"""`grid`: a sweep over every combination of hyperparameter values, built in one call."""

from __future__ import annotations

import contextlib
import math
from typing import Any

import jax.numpy as jnp
import numpy as np

from ._base import Module, Schedule
from ._rules import _SWEEP
from ._util import fmt


def grid(constructor: type[Schedule], /, **arguments: Any) -> Schedule:
    """Every combination of the values given as lists, as one stacked schedule.

    `grid(sx.warmup_cosine_decay, peak=[1e-3, 3e-3], warmup_steps=[100, 500, 1000],
    total_steps=10_000)` is the stacked schedule of the 6 configurations
    `warmup_cosine_decay(peak, warmup_steps, 10_000)` for `(peak, warmup_steps)` in
    `itertools.product([1e-3, 3e-3], [100, 500, 1000])`, in that order (the last argument
    varies fastest), built and checked at once: a list comprehension and `stack` build one
    schedule at a time. Map over the result with `jax.vmap`, shard its leading axis over
    devices, or stack optimizer states from it.

    Formula: `grid(c, a=[a_1..a_n], b=[b_1..b_m], **fixed)[i * m + j] == c(a_i, b_j, **fixed)`.

    Args:
        constructor: a schedule class of schedax (`sx.cosine_decay`, `sx.one_cycle`...).
        **arguments: the constructor's arguments; a scalar argument given as a list, tuple
            or 1-D array of values is an axis of the grid, every other argument is fixed.

    Returns:
        A stacked schedule whose leaves have a leading axis of the product of the axes'
        lengths.

    Raises:
        TypeError: `constructor` is not a schedax schedule class.
        ValueError: an axis is empty, or a value or combination is invalid (the
            constructor's own error, naming the argument).

    Examples:
        >>> import jax, jax.numpy as jnp, schedax as sx
        >>> sweep = sx.grid(sx.cosine_decay, init=[0.1, 0.2], decay_steps=[10, 20, 40])
        >>> sweep.init.shape
        (6,)
        >>> [round(float(lr), 4) for lr in jax.vmap(lambda s: s(10))(sweep)]
        [0.0, 0.05, 0.0854, 0.0, 0.1, 0.1707]
    """
    fn = "grid"
    if not (isinstance(constructor, type) and issubclass(constructor, Module)
            and constructor._fields):  # fmt: skip
        raise TypeError(f"{fn}: constructor must be a schedax schedule class such as "
                        f"sx.cosine_decay, got {fmt(constructor)}; for another constructor, "
                        "build the configurations in a list and sx.stack them")  # fmt: skip
    scalars = {arg for _, arg, rule in constructor._fields if rule is not None and rule.ndim == 0}
    axes = {}
    for arg, value in arguments.items():
        if arg in scalars and (isinstance(value, list | tuple) or np.ndim(value) == 1):
            if len(value) == 0:
                raise ValueError(f"{fn}: {arg} must hold at least one value, got {fmt(value)}")
            axes[arg] = value
    size = math.prod(len(v) for v in axes.values())
    fixed = {arg: v for arg, v in arguments.items() if arg not in axes}
    columns = np.meshgrid(*(np.arange(len(v)) for v in axes.values()), indexing="ij")
    swept = {arg: _take(v, index.ravel()) for (arg, v), index in zip(axes.items(), columns,
                                                                     strict=True)}  # fmt: skip
    with _sweeping():
        schedule = constructor(**fixed, **swept)
    return _broadcast(schedule, size)


def _take(values: Any, index: np.ndarray) -> Any:
    """`values[index]` without losing their type: a list of Python numbers stays a numpy
    array of them (the default precision), an array is indexed."""
    if isinstance(values, list | tuple):
        values = np.asarray(values)
        if values.dtype == object:
            raise TypeError(f"grid: values must be numbers, got {fmt(list(values))}")
        return values[index]
    return values[jnp.asarray(index)] if not isinstance(values, np.ndarray) else values[index]


@contextlib.contextmanager
def _sweeping() -> Any:
    token = _SWEEP.set(True)
    try:
        yield
    finally:
        _SWEEP.reset(token)


def _broadcast(schedule: Module, size: int) -> Any:
    """Every fixed leaf given the grid's leading axis."""
    changes = {}
    for field, _, rule in schedule._fields:
        leaf = getattr(schedule, field)
        if rule is not None and rule.ndim is not None and leaf is not None:
            if leaf.ndim == rule.ndim:
                changes[field] = jnp.broadcast_to(leaf, (size, *leaf.shape))
    fields = {f: getattr(schedule, f) for f, _, _ in schedule._fields}
    return type(schedule)._build(**{**fields, **changes})
