"""`join_schedules`: phases one after another, at a cost that does not grow with their number."""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Array, Schedule, as_steps, count, default_float, find_piece, sorted_steps, static
from ._constant import _output_dtype


class _Join(Schedule, name="join_schedules"):
    # Pieces of the same kind (same PyTree structure and leaf shapes) are stacked into one table
    # each; a step looks up its piece with a binary search and evaluates one row of one table.
    # Plain callables cannot be stacked and are branches of their own.
    boundaries: Array = count()
    tables: tuple[Schedule, ...]  # one stacked schedule per kind
    callables: tuple[Callable[[Array], Any], ...] = static()
    layout: tuple[tuple[int, int], ...] = static()  # piece -> (branch, row)

    @property
    def dtype(self) -> np.dtype:
        dtypes = [table.dtype for table in self.tables]
        dtypes += [_output_dtype(fn, default_float()) for fn in self.callables]
        return jnp.dtype(jnp.result_type(*dtypes))

    @property
    def schedules(self) -> list[Any]:
        """The pieces, in order."""
        return [self._piece(branch, row) for branch, row in self.layout]

    def _piece(self, branch: int, row: Any) -> Any:
        if branch < len(self.tables):
            return jax.tree.map(lambda leaf: leaf[row], self.tables[branch])
        return self.callables[branch - len(self.tables)]

    def _repr_items(self) -> list[tuple[str, Any]]:
        return [("schedules", self.schedules), ("boundaries", self.boundaries)]

    def _value(self, t: Array) -> Array:
        if not self.boundaries.shape[0]:
            return jnp.asarray(self._piece(*self.layout[0])(t), t.dtype)
        bounds = sorted_steps(self.boundaries, t.dtype)
        if not self.callables and len(self.tables) > 1 and len(self.layout) <= _DIRECT_MAX:
            # A few pieces of several kinds: evaluate each on its own local step and keep the
            # active one, as a chain of selects that fuses with no lookups. schedax pieces are
            # finite with finite gradients at every step, so inactive ones leak nothing.
            out = None
            for i, piece_of in enumerate(self.schedules):
                start = bounds[i - 1] if i else jnp.zeros((), t.dtype)
                value = piece_of(jnp.maximum(t - start, 0)).astype(t.dtype)
                out = value if out is None else jnp.where(t >= start, value, out)
            return out
        starts = jnp.concatenate([jnp.zeros((1,), t.dtype), bounds])
        piece = find_piece(bounds, t)
        local = t - starts[piece]

        if not self.callables and len(self.tables) == 1 and _one_scalar_per_row(self.tables[0]):
            # All pieces of one kind (rows in piece order): gather the active row's
            # hyperparameters for every step and evaluate the formula once, elementwise.
            gathered = jax.tree.map(lambda leaf: leaf.astype(t.dtype)[piece], self.tables[0])
            return gathered(local).astype(t.dtype)

        ends = jnp.concatenate([bounds, jnp.full((1,), jnp.inf, t.dtype)])
        first_piece = {branch: i for i, (branch, _) in enumerate(self.layout)}

        def from_table(table: Schedule) -> Callable[..., Array]:
            def run(t: Array, local: Array, row: Array) -> Array:
                return jax.tree.map(lambda leaf: leaf[row], table)(local).astype(t.dtype)

            return run

        def from_callable(fn: Callable[[Array], Any], i: int) -> Callable[..., Array]:
            def run(t: Array, local: Array, row: Array) -> Array:
                # An inactive callable sees a step inside its own range, never a negative one.
                own = jnp.clip(t - starts[i], 0, ends[i] - starts[i])
                return jnp.asarray(fn(own), t.dtype).reshape(())

            return run

        branches = [from_table(table) for table in self.tables]
        for k, fn in enumerate(self.callables):
            branches.append(from_callable(fn, first_piece[len(self.tables) + k]))

        def one(t: Array, local: Array, branch: Array, row: Array) -> Array:
            # Scalar step: only the active branch runs. Under vmap, every branch runs once per
            # step on its own table row, and the active one is selected.
            if len(branches) == 1:
                return branches[0](t, local, row)
            return jax.lax.switch(branch, branches, t, local, row)

        branch_of, row_of = (np.array(col, np.int32) for col in zip(*self.layout, strict=True))
        branch, row = jnp.asarray(branch_of)[piece], jnp.asarray(row_of)[piece]
        if t.ndim == 0:
            return one(t, local, branch, row)
        flat = [x.reshape(-1) for x in (t, local, branch, row)]
        return jax.vmap(one)(*flat).reshape(t.shape)


# Up to this many pieces of several kinds, each piece is evaluated and the active one selected;
# past it, one evaluation per kind on looked-up hyperparameters (benchmarks/run.py).
_DIRECT_MAX = 8


def _one_scalar_per_row(table: Schedule) -> bool:
    return all(leaf.ndim == 1 for leaf in jax.tree.leaves(table))


def _boundaries(n: int, boundaries: Any) -> Array:
    bounds = as_steps("join_schedules", "boundaries", boundaries)
    if bounds.shape[0] != n - 1:
        noun = "boundary" if bounds.shape[0] == 1 else "boundaries"
        raise ValueError(
            f"join_schedules: got {n} schedules but {bounds.shape[0]} {noun}; "
            "need len(boundaries) == len(schedules) - 1"
        )
    return bounds


def _kind(piece: Schedule) -> tuple:
    leaves, treedef = jax.tree.flatten(piece)
    return treedef, tuple((leaf.shape, jnp.dtype(leaf.dtype), leaf.weak_type) for leaf in leaves)


def join_schedules(schedules: Sequence[Callable[[Array], Any]], boundaries: Any) -> Schedule:
    """Schedules one after another (MLX's, optax's and torch `SequentialLR`'s meaning).

    Schedule `i + 1` is active from `step == boundaries[i]` on and sees `step - boundaries[i]`:
    it starts at its own step 0 on its boundary. Boundaries are absolute steps.

    Formula: with `b_0 = 0` and `i = #{j : boundaries[j] <= step}`,
    `lr(step) = schedules[i](step - b_i)`.

    The program grows only with log(pieces): pieces of the same kind are stored as one table of
    hyperparameters, and each step finds its piece (counting boundaries, or a binary search past
    16) and evaluates one formula per kind (only the active kind's when the step is a scalar, as
    in a training loop). Up to 8 schedax pieces of mixed kinds are evaluated directly instead.

    Pieces may be schedax schedules (joins nest) or plain callables such as optax schedules and
    lambdas, which get the local step as a float array, clipped into their own range
    `[0, next boundary - own boundary]`, so an inactive piece never sees a negative step.
    With a scalar step only the active callable runs, so no gradient leaks from the others;
    schedax pieces are finite with finite gradients everywhere, so they never leak.

    Args:
        schedules: one or more schedules or callables `step -> lr`.
        boundaries: `len(schedules) - 1` steps, >= 0 and non-decreasing. They may be traced
            (e.g. a warmup length under `vmap`); traced boundaries are clamped to >= 0 and made
            non-decreasing with a running maximum.

    Returns:
        A `Schedule`. Its dtype is the promotion of the pieces' dtypes.

    Example:
        >>> import jax.numpy as jnp, schedax as sx
        >>> warmup = sx.linear_schedule(0.0, 0.1, 2)
        >>> lr = sx.join_schedules([warmup, sx.cosine_decay(0.1, 2)], [2])
        >>> lr(jnp.arange(6))
        Array([0.  , 0.05, 0.1 , 0.05, 0.  , 0.  ], dtype=float32)
    """
    fn = "join_schedules"
    if callable(schedules) or not isinstance(schedules, Sequence):
        got = repr(schedules) if callable(schedules) else type(schedules).__name__
        raise TypeError(f"{fn}: schedules must be a sequence of schedules, got {got}; pass a list")
    schedules = list(schedules)
    if not schedules:
        raise ValueError(f"{fn}: schedules must hold at least one schedule, got []")
    for i, s in enumerate(schedules):
        if not callable(s):
            raise TypeError(
                f"{fn}: schedules[{i}] must be a schedule or a callable step -> lr, "
                f"got {type(s).__name__} {s!r}; wrap a constant with constant_lr"
            )
    bounds = _boundaries(len(schedules), boundaries)

    kinds: dict[tuple, list[int]] = collections.defaultdict(list)
    callables: list[Callable] = []
    for i, s in enumerate(schedules):
        if isinstance(s, Schedule):
            kinds[_kind(s)].append(i)
    layout: list[tuple[int, int]] = [(-1, -1)] * len(schedules)
    tables = []
    for branch, members in enumerate(kinds.values()):
        tables.append(jax.tree.map(lambda *xs: jnp.stack(xs), *(schedules[i] for i in members)))
        for row, i in enumerate(members):
            layout[i] = (branch, row)
    for i, s in enumerate(schedules):
        if not isinstance(s, Schedule):
            layout[i] = (len(tables) + len(callables), 0)
            callables.append(s)
    return _Join(
        boundaries=bounds, tables=tuple(tables), callables=tuple(callables), layout=tuple(layout)
    )
