"""Schedules kept inside models (equinox, flax nnx, plain PyTrees): out of the trained and
weight-decayed parameters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Schedule
from ._epochs import EpochState
from ._plateau import GreedyState, PlateauState
from ._stateful import StatefulSchedule
from ._util import fmt

# Schedules and the states of stateful ones: never parameters.
_SCHEDULES = (Schedule, StatefulSchedule, EpochState, PlateauState, GreedyState)


def _is_inexact_array(x: Any) -> bool:
    return isinstance(x, jax.Array | np.ndarray | np.generic) and jnp.issubdtype(
        x.dtype, jnp.inexact
    )


def without_schedules(tree: Any, filter_spec: bool | Callable[[Any], bool] | None = None) -> Any:
    """A filter spec of `tree` that leaves its schedules (and their states) out.

    A schedule's hyperparameters are floating arrays, so a model that holds one (a KL weight,
    a temperature, the learning rate itself) hands them to whatever selects floating arrays as
    parameters: `equinox.filter(model, equinox.is_inexact_array)` and an optimizer that decays
    every parameter (`optax.adamw`) would train them. This returns a tree of the same
    structure where each schedule, stateful schedule or schedule state is `False` (a prefix:
    its whole subtree), and every other leaf is `filter_spec(leaf)`: by default whether it is
    a floating array (`equinox.is_inexact_array`). Use it wherever a tree of booleans selects
    the trained leaves: `equinox.partition`, `equinox.filter`, `optax.masked`, the `mask` of
    `optax.adamw`.

    Args:
        tree: any PyTree, e.g. an equinox model.
        filter_spec: a bool, or a function of a leaf; None: whether it is a floating array.

    Returns:
        A PyTree of bools, a prefix of `tree`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> model = {"w": jnp.ones(3), "kl_weight": sx.linear_schedule(0.0, 1.0, 100)}
        >>> sx.without_schedules(model)
        {'kl_weight': False, 'w': True}
    """
    if filter_spec is None:
        filter_spec = _is_inexact_array
    elif not (isinstance(filter_spec, bool) or callable(filter_spec)):
        raise TypeError("without_schedules: filter_spec must be a bool or a function of a leaf, "
                        f"got {type(filter_spec).__name__} {fmt(filter_spec)}")  # fmt: skip

    def spec(x: Any) -> bool:
        if isinstance(x, _SCHEDULES):
            return False
        return filter_spec if isinstance(filter_spec, bool) else bool(filter_spec(x))

    return jax.tree.map(spec, tree, is_leaf=lambda x: isinstance(x, _SCHEDULES))
