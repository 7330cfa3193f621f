"""Helpers only the compat layers use: arguments whose meaning depends on their value,
replaced arguments that keep their type, optax's scales as points, warnings at the user's line."""

from __future__ import annotations

import itertools
import operator
import pathlib
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp

from .._util import default_float, is_concrete


def select(condition: Any, a: Any, b: Any) -> Any:
    """`a if condition else b`: as given for a concrete condition, elementwise when traced.

    For arguments that choose between two meanings (optax's `transition_steps <= 0` is a
    constant), so that a traced argument keeps the meaning its value would have."""
    if is_concrete(condition):
        return a if condition else b
    return jnp.where(condition, a, b)


def like(x: Any, value: float) -> Any:
    """`value` as the same kind of number as `x` (a Python int, a float32 array...): an argument
    a compat layer replaces keeps its type, so its schedule keeps its program."""
    return x * 0 + value


def scaled_points(
    init: Any, steps: Sequence[Any], scales: Sequence[Any]
) -> tuple[list[Any], list[Any]]:
    """`{step: scale}` items (optax's `boundaries_and_scales`, in the order given) as points:
    `(sorted steps, values)`, `values[0] = init` and each next value the previous one times
    the scale of the next step.

    A repeated step keeps its last scale, as a dict does. Concrete steps are sorted in Python
    (values multiplied in Python when they are Python numbers); traced steps the same way in
    JAX (a replaced scale becomes 1), giving lists of traced scalars."""
    if all(map(is_concrete, steps)):
        table: dict[Any, Any] = {}
        for step, scale in zip(steps, scales, strict=True):
            table[step.item() if hasattr(step, "item") else step] = scale
        items = sorted(table.items(), key=lambda item: item[0])
        values = itertools.accumulate([init, *(scale for _, scale in items)], operator.mul)
        return [step for step, _ in items], list(values)
    dtype = default_float()
    stacked = jnp.stack([jnp.asarray(step, dtype) for step in steps])
    factors = jnp.stack([jnp.asarray(scale, dtype) for scale in scales])
    replaced = jnp.stack([jnp.any(stacked[i + 1 :] == stacked[i]) for i in range(len(steps))])
    order = jnp.argsort(stacked, stable=True)
    factors = jnp.where(replaced, 1, factors)[order]
    values = jnp.cumprod(jnp.concatenate([jnp.asarray(init, dtype)[None], factors]))
    return list(stacked[order]), list(values)


_PACKAGE = str(pathlib.Path(__file__).parents[1])


def warn(text: str, category: type[Warning] = UserWarning) -> None:
    """A warning (`UserWarning` unless said) pointing at the user's line: the first caller
    outside schedax."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(text, category, stacklevel=level)
