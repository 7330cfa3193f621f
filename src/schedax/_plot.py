"""Plotting schedules with matplotlib (an optional extra: `pip install "schedax[plot]"`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Module, Schedule
from ._stateful import StatefulSchedule


def values(schedule: Module, num_steps: int) -> np.ndarray:
    """The learning rate at steps 0 .. num_steps - 1 (a stateful one with no observations)."""
    steps = jnp.arange(num_steps, dtype=jnp.int32)
    if isinstance(schedule, StatefulSchedule):
        body = lambda state, k: schedule(k, state)[::-1]  # noqa: E731
        return np.asarray(jax.lax.scan(body, schedule.init(), steps)[1])
    if isinstance(schedule, Schedule):
        return np.asarray(schedule(steps))
    raise TypeError(f"plot: schedules must be schedax schedules, got {type(schedule).__name__}")


def plot(
    schedules: Schedule | StatefulSchedule | Sequence[Schedule | StatefulSchedule],
    num_steps: int,
    ax: Any = None,
    labels: Sequence[str] | None = None,
    log: bool = False,
) -> Any:
    """Draws one or several schedules over steps 0 .. num_steps - 1 with matplotlib.

    Args:
        schedules: a schedule or a sequence of them (stateful ones run without observations).
        num_steps: how many steps to draw, > 0.
        ax: the matplotlib Axes to draw on; a new figure's if None.
        labels: one legend label per schedule; their `repr` if None.
        log: a logarithmic learning-rate axis.

    Returns:
        The matplotlib Axes.

    Raises:
        ImportError: matplotlib is not installed (`pip install "schedax[plot]"`).

    Examples:
        >>> import schedax as sx
        >>> ax = sx.plot(sx.warmup_cosine_decay(1e-3, 100, 1000), 1000)
        >>> ax.get_xlabel()
        'step'
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError('plot needs matplotlib: pip install "schedax[plot]"') from error
    if isinstance(num_steps, bool) or not isinstance(num_steps, int) or num_steps <= 0:
        raise ValueError(f"plot: num_steps must be an integer > 0, got {num_steps!r}")
    if not isinstance(log, bool):
        raise TypeError(f"plot: log must be a bool, got {type(log).__name__} {log!r:.40}")
    many = [schedules] if isinstance(schedules, Module) else list(schedules)
    if labels is not None:
        if isinstance(labels, str) or not isinstance(labels, Sequence):
            raise TypeError(f"plot: labels must be a list of str, got {type(labels).__name__}")
        if not all(isinstance(label, str) for label in labels):
            raise TypeError(f"plot: labels must be a list of str, got {labels!r:.60}")
        if len(labels) != len(many):
            raise ValueError(f"plot: got {len(many)} schedules but {len(labels)} labels")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
    steps = np.arange(num_steps)
    for i, schedule in enumerate(many):
        label = labels[i] if labels is not None else _short(repr(schedule))
        ax.plot(steps, values(schedule, num_steps), label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    if log:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return ax


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
