"""Combinators: `join_schedules` (phases one after another, at a cost that does not grow with
their number) and `chain_schedules` (torch's chaining: factors multiplied)."""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Module, Schedule, as_written
from ._numerics import find_piece, output_dtype, sorted_steps
from ._rules import (
    Flag,
    Steps,
    child,
    constructor,
    error_names,
    param,
    schedules,
    stateful,
    static,
)
from ._stateful import StatefulSchedule
from ._util import Array, Shown, default_float, fmt, is_concrete, promote


class _Join(Schedule):
    # Pieces of the same kind (same PyTree structure and leaf shapes) are stacked into one table
    # each; plain callables are kinds of their own. A step finds its piece, then the row of its
    # kind's table, and evaluates that kind's formula on the row's hyperparameters.
    boundaries: Array = child()
    tables: tuple[Schedule, ...] = child()  # one stacked schedule per kind
    callables: tuple[Callable[[Array], Any], ...] = static()
    layout: tuple[tuple[int, int], ...] = static()  # piece -> (kind, row)
    shift: bool = static()  # whether a piece sees the step from its boundary (else the step)
    out: np.dtype = static()  # the promotion of the pieces' dtypes, however they group

    _name = "join_schedules"

    @property
    def _integer_steps(self) -> bool:  # type: ignore[override]
        return bool(self.callables) or any(table._integer_steps for table in self.tables)

    @property
    def dtype(self) -> np.dtype:
        return self.out

    def _batched(self) -> bool:
        return self.boundaries.ndim != 1

    @property
    def schedules(self) -> list[Any]:
        """The pieces, in order."""
        return [self._piece(kind, row) for kind, row in self.layout]

    def _piece(self, kind: int, row: Any) -> Any:
        if kind < len(self.tables):
            return jax.tree.map(lambda leaf: leaf[row], self.tables[kind])
        return self.callables[kind - len(self.tables)]

    def _repr_items(self) -> list[tuple[str, Any]]:
        # JAX calls str() on every function it transforms (`jax.vmap(schedule)`): the pieces
        # are shown from one host copy of each table leaf, not sliced out one by one (a
        # 128-piece join: 37 ms a call, most of the tracing time).
        shown = [jax.tree.map(Shown.rows, table) for table in self.tables]

        def piece(kind: int, row: int) -> Any:
            if kind >= len(self.tables):
                return self._piece(kind, row)
            return jax.tree.map(lambda rows: rows[row], shown[kind],
                                is_leaf=lambda x: isinstance(x, list))  # fmt: skip

        pieces = [piece(kind, row) for kind, row in self.layout]
        return self._items(pieces, self.boundaries)

    def _config_items(self) -> list[tuple[str, Any]]:
        return self._items(self.schedules, self.boundaries)

    def _items(self, pieces: list[Any], boundaries: Any) -> list[tuple[str, Any]]:
        items = [("schedules", pieces), ("boundaries", as_written(boundaries, "steps"))]
        return items if self.shift else [*items, ("shift", False)]

    def _value_at(self, t: Array, step: Array) -> Array:
        integer = jnp.issubdtype(step.dtype, jnp.integer)
        step = jnp.maximum(step, 0) if integer else t  # integer steps reach pieces as integers
        bounds = sorted_steps(self.boundaries, t.dtype)
        starts = jnp.concatenate([jnp.zeros((1,), t.dtype), bounds])
        ends = jnp.concatenate([bounds, jnp.full((1,), jnp.inf, t.dtype)])
        piece, start = find_piece(bounds, t)
        kind_of, row_of = (np.array(col, np.int32) for col in zip(*self.layout, strict=True))
        # Each piece a kind of its own, in order (a warmup then a decay): the kind is the piece.
        kind_is_piece = np.array_equal(kind_of, np.arange(len(kind_of)))
        first_piece = {kind: i for i, (kind, _) in reversed(list(enumerate(self.layout)))}

        def table(stacked: Schedule) -> Callable[..., Array]:
            # A column with one value needs no lookup: a single row, or a join closed over
            # by jit whose pieces share a value (the decay rate of every exponential piece).
            # XLA folds such a constant column into a broadcast, which it rebuilds at every
            # step of a loop, and XLA:CPU then counts the loop as too large to compile into
            # one function (a 128-piece join closed over: 47 -> 800 ms per 1M scanned steps).
            stacked = jax.tree.map(lambda leaf: leaf[:1] if _uniform(leaf) else leaf, stacked)

            def run(t: Array, step: Array, start: Array, row: Array) -> Array:
                # Float local steps carry gradients to the boundaries; user functions get
                # integer ones for integer steps.
                if integer and stacked._integer_steps:
                    local = step - jnp.ceil(start).astype(step.dtype) if self.shift else step
                else:
                    local = t - start if self.shift else t
                piece = jax.tree.map(lambda leaf: leaf[0 if len(leaf) == 1 else row], stacked)
                return piece(local).astype(t.dtype)

            return run

        def function(fn: Callable[[Array], Any], i: int) -> Callable[..., Array]:
            def run(t: Array, step: Array, start: Array, row: Array) -> Array:
                # An inactive callable sees a step inside its own range, never a negative one.
                if not integer:
                    own = jnp.clip(t - starts[i], 0, ends[i] - starts[i])
                else:
                    begin = jnp.ceil(starts[i]).astype(step.dtype)
                    own = jnp.maximum(step - begin, 0)
                    if i < len(self.layout) - 1:
                        own = jnp.minimum(own, jnp.ceil(ends[i]).astype(step.dtype) - begin)
                if not self.shift:  # the step itself, within the piece's range
                    own = own + (starts[i] if not integer else begin)
                return jnp.asarray(fn(own), t.dtype).reshape(())

            return run

        kinds = [table(stacked) for stacked in self.tables]
        kinds += [function(fn, first_piece[len(self.tables) + k])
                  for k, fn in enumerate(self.callables)]  # fmt: skip

        kind = piece if kind_is_piece else jnp.asarray(kind_of)[piece]
        # One kind, its pieces in order (restarts of one curve): the row is the piece.
        row = (
            piece if np.array_equal(row_of, np.arange(len(row_of))) else jnp.asarray(row_of)[piece]
        )
        if t.ndim == 0:
            if len(kinds) == 1:
                return kinds[0](t, step, start, row)
            # A scalar step runs only its own kind's formula (lax.switch), so an inactive
            # piece can leak nothing into values or gradients.
            return jax.lax.switch(kind, kinds, t, step, start, row)
        # A vector of steps: every kind runs once per step on its own table row, and the step's
        # kind is selected: what a mapped lax.switch becomes, written out (mapping the switch
        # traced each formula three times: a timm cosine with warmup, 130 -> 67 ms).
        flat = [x.reshape(-1) for x in (t, step, start, row)]
        outs = [jax.vmap(fn)(*flat) for fn in kinds]
        value = outs[0] if len(outs) == 1 else jax.lax.select_n(kind.reshape(-1), *outs)
        return value.reshape(t.shape)


# Schedules nest in joins, chains and compositions; deeper than this is a mistake (and would
# exhaust the stack).
MAX_NESTING = 32


def nesting(schedule: Any) -> int:
    """How many levels of schedules holding schedules `schedule` is, itself included (0 for
    one that holds none)."""
    if not isinstance(schedule, Schedule):
        return 0
    inner = [x for f, *_ in schedule._fields for x in _held(getattr(schedule, f, None))]
    return 1 + max(map(nesting, inner)) if inner else 0


def _held(value: Any) -> list[Schedule]:
    if isinstance(value, Schedule):
        return [value]
    return [x for x in value if isinstance(x, Schedule)] if isinstance(value, tuple) else []


def check_piece(where: str, arg: str, piece: Any) -> None:
    """A piece of a join or chain: a stateless, unbatched schedule or a callable, nested less
    than `MAX_NESTING` deep."""
    if isinstance(piece, StatefulSchedule):
        raise stateful(where, arg, piece)
    if not callable(piece) or isinstance(piece, Module) and not isinstance(piece, Schedule):
        raise TypeError(
            f"{where}: {arg} must be a schedule or a callable step -> lr, "
            f"got {type(piece).__name__} {piece!r:.60}; wrap a constant with constant_lr"
        )
    if isinstance(piece, Schedule) and piece._batched():
        raise ValueError(
            f"{where}: {arg} is a stacked (batched) schedule; join the single schedules, "
            "then stack the joins, or map the join over them with jax.vmap"
        )
    if nesting(piece) >= MAX_NESTING:
        raise ValueError(f"{where}: {arg} nests joins deeper than {MAX_NESTING} levels")


def _kind(piece: Schedule) -> tuple:
    """Pieces of one kind share a table: the same structure and leaf shapes. Leaf dtypes may
    differ (a length given as an int in one piece and a float in another, a Python number and
    a float32 array): the table holds their promotion, so their number stays the number of
    curves, not of spellings."""
    leaves, treedef = jax.tree.flatten(piece)
    return treedef, tuple(leaf.shape for leaf in leaves)


def _uniform(leaf: Array) -> bool:
    """Whether a table column has one row, or is a constant (not traced) with one value."""
    if leaf.shape[0] == 1:
        return True
    if not is_concrete(leaf):
        return False
    values = np.asarray(leaf)
    return bool((values == values[:1]).all())


def _stack(leaves: Sequence[Array]) -> Array:
    if len({(leaf.dtype, leaf.weak_type) for leaf in leaves}) == 1:
        return jnp.stack(leaves)  # keeps a weak type: the pieces show as they were written
    with jax.numpy_dtype_promotion("standard"):
        dtype = jnp.result_type(*leaves)
    return jnp.stack([leaf.astype(dtype) for leaf in leaves])


@constructor
def join_schedules(
    schedules: Sequence[Callable[[Array], Any]], boundaries: Any, *, shift: bool = True
) -> Schedule:
    """Schedules one after another (MLX's, optax's and torch `SequentialLR`'s meaning).

    Schedule `i + 1` is active from `step == boundaries[i]` on and sees `step - boundaries[i]`:
    it starts at its own step 0 on its boundary. Boundaries are absolute steps. With
    `shift=False` every schedule sees the step itself: a piecewise function of the step, as a
    warmup laid over a curve that counts from step 0 (timm's warmup without `warmup_prefix`).

    Formula: with `b_0 = 0` and `i = #{j : boundaries[j] <= step}`,
    `lr(step) = schedules[i](step - b_i)` (`schedules[i](step)` with `shift=False`).

    The cost does not grow with the number of pieces: pieces of the same kind are stored as one
    table of hyperparameters, and each step finds its piece (counting boundaries, or a binary
    search past 4) and evaluates one formula per kind: only the active kind's when the step is
    a scalar, as in a training loop, so no inactive piece leaks a NaN into values or gradients.

    Pieces may be schedax schedules (joins nest) or plain callables such as optax schedules and
    lambdas, which get the local step (for integer steps an integer: the steps since the
    piece's first one, `step - ceil(boundary)`, so a fractional boundary starts it at 0; else
    a float), clipped into their own range, so an inactive piece never sees a negative step. With
    a vector of steps every kind is evaluated at every step and the active one selected: a
    plain callable or `lambda_lr` whose gradient is infinite somewhere in its own range can
    then make the gradient at other steps NaN (scalar steps cannot).

    Args:
        schedules: one or more schedules or callables `step -> lr`.
        boundaries: `len(schedules) - 1` steps, >= 0 and non-decreasing. They may be traced
            (e.g. a warmup length under `vmap`); traced boundaries are clamped to >= 0 and made
            non-decreasing with a running maximum.
        shift: whether a schedule sees the step counted from its boundary (True) or the step
            itself (False).

    Returns:
        A `Schedule`. Its dtype is the promotion of the pieces' dtypes.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> warmup = sx.linear_schedule(0.0, 0.1, 2)
        >>> lr = sx.join_schedules([warmup, sx.cosine_decay(0.1, 2)], [2])
        >>> lr(jnp.arange(6))
        Array([0.  , 0.05, 0.1 , 0.05, 0.  , 0.  ], dtype=float32)
    """
    fn = "join_schedules"
    shift = Flag()(fn, "shift", shift)
    where, arg = error_names(fn, "schedules")
    if callable(schedules) or not isinstance(schedules, Sequence):
        got = repr(schedules) if callable(schedules) else type(schedules).__name__
        raise TypeError(f"{where}: {arg} must be a sequence of schedules, got {got}; pass a list")
    pieces = list(schedules)
    if not pieces:
        raise ValueError(f"{where}: {arg} must hold at least one schedule, got []")
    for i, s in enumerate(pieces):
        check_piece(where, f"{arg}[{i}]", s)
    bounds = Steps()(fn, "boundaries", boundaries)
    if bounds.shape[0] != len(pieces) - 1:
        _, b_arg = error_names(fn, "boundaries")
        singular = "boundary" if b_arg == "boundaries" else b_arg[:-1]
        noun = singular if bounds.shape[0] == 1 else b_arg
        raise ValueError(
            f"{where}: got {len(pieces)} {arg} but {bounds.shape[0]} {noun}; "
            f"need len({b_arg}) == len({arg}) - 1"
        )

    kinds: dict[tuple, list[int]] = collections.defaultdict(list)
    for i, s in enumerate(pieces):
        if isinstance(s, Schedule):
            kinds[_kind(s)].append(i)
    layout: list[tuple[int, int]] = [(-1, -1)] * len(pieces)
    tables = []
    for kind, members in enumerate(kinds.values()):
        tables.append(jax.tree.map(lambda *xs: _stack(xs), *(pieces[i] for i in members)))
        for row, i in enumerate(members):
            layout[i] = (kind, row)
    callables: list[Callable] = []
    for i, s in enumerate(pieces):
        if not isinstance(s, Schedule):
            layout[i] = (len(tables) + len(callables), 0)
            callables.append(s)
    dtypes = [s.dtype if isinstance(s, Schedule) else output_dtype(s, default_float())
              for s in pieces]  # fmt: skip
    return _Join._build(boundaries=bounds, tables=tuple(tables), callables=tuple(callables),
                        layout=tuple(layout), shift=shift, out=promote(*dtypes))  # fmt: skip


class chain_schedules(Schedule):
    """torch's `ChainedScheduler`: schedules built on the same base `lr`, applied together.

    Each schedule's factor on `lr` is `s(step) / lr`; the factors multiply. This is torch's
    chaining of its multiplicative schedulers (ConstantLR, LinearLR, ExponentialLR, StepLR,
    MultiStepLR, PolynomialLR), each built with the same `lr`.

    Formula: `lr(step) = lr * prod(s(step) / lr for s in schedules)`.

    Args:
        lr: the base learning rate, nonzero.
        schedules: schedax schedules built with `lr`.

    Returns:
        A `Schedule`.

    Examples:
        >>> import jax.numpy as jnp, schedax as sx
        >>> warmup = sx.piecewise_constant([2], [0.05, 0.1])
        >>> lr = sx.chain_schedules(0.1, [warmup, sx.exponential_decay(0.1, 0.5)])
        >>> lr(jnp.arange(4))
        Array([0.05  , 0.025 , 0.025 , 0.0125], dtype=float32)
    """

    lr: Array = param()
    schedules: tuple[Schedule, ...] = schedules()

    def _check(self) -> None:
        for i, s in enumerate(self.schedules):
            check_piece(*error_names(self._name, f"schedules[{i}]"), s)
        if is_concrete(self.lr) and self.lr == 0:
            raise self._invalid(f"{{0}} must be nonzero, got {fmt(self.lr)}", "lr")

    @property
    def dtype(self) -> np.dtype:
        return promote(self.lr, *(s.dtype for s in self.schedules))

    def _value(self, t: Array) -> Array:
        lr = self.lr.astype(t.dtype)
        value = jnp.broadcast_to(lr, t.shape)
        for s in self.schedules:
            value = value * (s(t).astype(t.dtype) / lr)
        return value
