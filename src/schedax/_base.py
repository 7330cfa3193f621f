"""The `Schedule` base class, field kinds, argument checks and `stack`."""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np

Array = jax.Array

_KIND = "schedax"


def param(arg: str | None = None) -> Any:
    """A floating hyperparameter (a value or rate): an array leaf that sets the output dtype.

    `arg` is the constructor's name for it where the field cannot use that name (`init` is a
    method of stateful schedules).
    """
    return dataclasses.field(metadata={_KIND: "param", "arg": arg})


def count(arg: str | None = None) -> Any:
    """A length or position in steps: an array leaf that does not set the output dtype."""
    return dataclasses.field(metadata={_KIND: "count", "arg": arg})


def static() -> Any:
    """Structure (option strings, booleans, user callables): part of the PyTree definition."""
    return dataclasses.field(metadata={_KIND: "static"})


def default_float() -> np.dtype:
    """float32, or float64 when `jax_enable_x64` is on."""
    return jnp.dtype(jnp.result_type(float))


def compute_dtype(dtype: Any) -> np.dtype:
    """The dtype formulas run in: the output dtype, widened to at least float32."""
    dtype = jnp.dtype(dtype)
    return dtype if dtype.itemsize >= 4 else jnp.dtype(jnp.float32)


class Module:
    """An immutable dataclass registered as a JAX PyTree, shown as its constructor call.

    Subclassing makes the class a frozen dataclass and registers it with JAX. Fields declared
    with `param()` or `count()` are array leaves, `static()` fields are structure; fields with
    no kind are children (nested modules).
    """

    _name: ClassVar[str] = "Module"

    def __init_subclass__(cls, *, name: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._name = name or cls.__name__
        dataclasses.dataclass(frozen=True, eq=False, repr=False)(cls)
        _register(cls)

    def _repr_items(self) -> list[tuple[str, Any]]:
        fields = dataclasses.fields(self)  # type: ignore[arg-type]
        return [(f.metadata.get("arg") or f.name, getattr(self, f.name)) for f in fields]

    def _config_items(self) -> list[tuple[str, Any]]:
        """The constructor's arguments for `to_config` (by default those `repr` shows)."""
        return self._repr_items()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_fmt(v)}" for k, v in self._repr_items())
        return f"{self._name}({args})"


def _register(cls: type) -> None:
    """Registers a dataclass as a PyTree: non-static fields are children, static ones aux data.

    Not `jax.tree_util.register_dataclass`: in jax 0.10.2 its tree definitions of two different
    classes with the same number of fields compare equal, so jit could reuse one schedule's
    compiled program for another.
    """
    fields = dataclasses.fields(cls)
    meta = tuple(f.name for f in fields if f.metadata.get(_KIND) == "static")
    data = tuple(f.name for f in fields if f.metadata.get(_KIND) != "static")
    keys = tuple(jax.tree_util.GetAttrKey(name) for name in data)

    def flatten(obj: Any) -> tuple[list[Any], tuple[Any, ...]]:
        return [getattr(obj, n) for n in data], tuple(getattr(obj, n) for n in meta)

    def flatten_with_keys(obj: Any) -> tuple[list[tuple[Any, Any]], tuple[Any, ...]]:
        return list(zip(keys, [getattr(obj, n) for n in data], strict=True)), flatten(obj)[1]

    def unflatten(aux: tuple[Any, ...], children: Any) -> Any:
        obj = object.__new__(cls)  # no __init__: children may be tracers or placeholders
        for name, value in (*zip(data, children, strict=True), *zip(meta, aux, strict=True)):
            object.__setattr__(obj, name, value)
        return obj

    jax.tree_util.register_pytree_with_keys(cls, flatten_with_keys, unflatten, flatten)


class Schedule(Module):
    """Base class of every stateless schedule: `schedule(step) -> lr`, a PyTree.

    Subclasses declare their fields with `param()` (floating hyperparameters), `count()`
    (lengths and positions in steps) or `static()` (structure), and implement `_value`.
    A schedule can be passed to `jax.jit`, mapped over with `jax.vmap` and differentiated with
    `jax.grad`.

    Calling a schedule converts the step once to floating point (so int32 steps never
    overflow), treats negative steps as step 0, and returns an array with the step's shape in
    the schedule's `dtype`: the promotion of its floating hyperparameters (Python numbers are
    weakly typed, so they give float32, or float64 with x64; a bfloat16 array keeps bfloat16).
    Formulas run in at least float32.
    """

    def __call__(self, step: Any) -> Array:
        """The learning rate at `step` (any shape, integer or floating), elementwise."""
        step = jnp.asarray(step)
        if not (
            jnp.issubdtype(step.dtype, jnp.integer) or jnp.issubdtype(step.dtype, jnp.floating)
        ):
            raise TypeError(
                f"{self._name}: step must be an integer or float array, got {step.dtype}"
            )
        if not (is_concrete(step) and all(map(is_concrete, jax.tree.leaves(self)))):
            return self._evaluate(step)  # already inside jit/vmap/grad: inline, fuse freely
        return _evaluate(self, step)

    def _evaluate(self, step: Array) -> Array:
        dtype = self.dtype
        t = jnp.maximum(step.astype(compute_dtype(dtype)), 0)
        return self._value(t).astype(dtype)

    def _value(self, t: Array) -> Array:
        """The formula at floating steps `t >= 0`, in `t.dtype`, with the shape of `t`."""
        raise NotImplementedError

    @property
    def dtype(self) -> np.dtype:
        """The output dtype: the promotion of the floating hyperparameters."""
        leaves = [getattr(self, f.name) for f in _fields(self, "param")]
        return jnp.dtype(jnp.result_type(*leaves)) if leaves else default_float()


# One compiled program per schedule structure and step type: eager calls (a Python training
# loop) dispatch to it instead of running op by op. Traced calls skip it: a nested jit under
# vmap cost 40% in benchmarks/run.py.
_evaluate = jax.jit(lambda schedule, step: schedule._evaluate(step))


def _fields(obj: Any, kind: str) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(obj) if f.metadata.get(_KIND) == kind]


def _fmt(x: Any) -> str:
    """Short text for a hyperparameter: numbers as numbers, traced values as their type."""
    if isinstance(x, jax.core.Tracer):
        return str(x.aval.str_short(short_dtypes=True))
    if isinstance(x, jax.Array | np.ndarray | np.generic):
        x = np.asarray(x)
        if x.ndim == 0:
            return str(x[()])  # shortest text that round-trips in the array's own dtype
        if x.ndim == 1 and x.size <= 8:
            return "[" + ", ".join(str(v) for v in x) + "]"
        return f"{x.dtype.name}{list(x.shape)}"
    if isinstance(x, list | tuple):
        return "[" + ", ".join(_fmt(v) for v in x) + "]"
    if callable(x) and not isinstance(x, Module):
        return getattr(x, "__qualname__", None) or repr(x)
    return repr(x)


# ----------------------------------------------------------------------------- argument checks


def is_concrete(x: Any) -> bool:
    """Whether `x` has a value now (not a tracer inside jit, vmap or grad)."""
    return not isinstance(x, jax.core.Tracer)


def _real_array(fn: str, arg: str, x: Any) -> Array:
    if isinstance(x, bool | np.bool_) or not isinstance(
        x, numbers.Real | jax.Array | np.ndarray | np.generic
    ):
        raise TypeError(f"{fn}: {arg} must be a real number, got {type(x).__name__} {x!r}")
    arr = jnp.asarray(x)  # Python numbers stay weakly typed
    if not (jnp.issubdtype(arr.dtype, jnp.integer) or jnp.issubdtype(arr.dtype, jnp.floating)):
        raise TypeError(f"{fn}: {arg} must be a real number, got dtype {arr.dtype}")
    return arr


def _scalar(fn: str, arg: str, arr: Array) -> Array:
    if arr.ndim != 0:
        raise ValueError(f"{fn}: {arg} must be a scalar, got shape {tuple(arr.shape)}")
    if is_concrete(arr) and not np.isfinite(np.asarray(arr, np.float64)):
        raise ValueError(f"{fn}: {arg} must be finite, got {_fmt(arr)}")
    return arr


def as_param(fn: str, arg: str, x: Any) -> Array:
    """A finite floating scalar. Integers become the default float; floating arrays keep dtype."""
    arr = _real_array(fn, arg, x)
    if jnp.issubdtype(arr.dtype, jnp.integer):
        weak = isinstance(x, int)
        arr = jnp.asarray(float(x)) if weak else arr.astype(default_float())
    return _scalar(fn, arg, arr)


def as_count(fn: str, arg: str, x: Any) -> Array:
    """A finite scalar number of steps, integer or floating, kept as given."""
    return _scalar(fn, arg, _real_array(fn, arg, x))


def as_length(fn: str, arg: str, x: Any) -> Array:
    """A number of steps > 0 (a length or period)."""
    x = as_count(fn, arg, x)
    require(fn, arg, x, lambda v: v > 0, "> 0")
    return x


def as_positive(fn: str, arg: str, x: Any) -> Array:
    """A floating hyperparameter > 0 (a rate or exponent)."""
    x = as_param(fn, arg, x)
    require(fn, arg, x, lambda v: v > 0, "> 0")
    return x


def as_nonnegative_count(fn: str, arg: str, x: Any) -> Array:
    """A number of steps >= 0 (a length that may be empty)."""
    x = as_count(fn, arg, x)
    require(fn, arg, x, lambda v: v >= 0, ">= 0")
    return x


def as_nonnegative(fn: str, arg: str, x: Any) -> Array:
    """A floating hyperparameter >= 0."""
    x = as_param(fn, arg, x)
    require(fn, arg, x, lambda v: v >= 0, ">= 0")
    return x


def as_steps(fn: str, arg: str, x: Any) -> Array:
    """A 1-D array of steps: finite, >= 0 and non-decreasing when concrete."""
    if isinstance(x, str) or not isinstance(x, Sequence | jax.Array | np.ndarray):
        raise TypeError(f"{fn}: {arg} must be a sequence of steps, got {type(x).__name__} {x!r}")
    for b in x if isinstance(x, Sequence) else ():
        if isinstance(b, bool) or not isinstance(b, numbers.Real | jax.Array | np.ndarray):
            raise TypeError(f"{fn}: {arg} must hold numbers of steps, got {type(b).__name__} {b!r}")
    steps = jnp.asarray(x) if len(x) else jnp.zeros((0,), jnp.int32)
    if not (jnp.issubdtype(steps.dtype, jnp.integer) or jnp.issubdtype(steps.dtype, jnp.floating)):
        raise TypeError(f"{fn}: {arg} must be integer or float steps, got dtype {steps.dtype}")
    if steps.ndim != 1:
        raise ValueError(f"{fn}: {arg} must be one-dimensional, got shape {tuple(steps.shape)}")
    if is_concrete(steps):
        values = np.asarray(steps, np.float64)
        for ok, allowed in (
            (np.all(np.isfinite(values)), "finite"),
            (np.all(values >= 0), ">= 0"),
            (np.all(np.diff(values) >= 0), "non-decreasing"),
        ):
            if not ok:
                raise ValueError(f"{fn}: {arg} must be {allowed}, got {_fmt(steps)}")
    return steps


def as_values(fn: str, arg: str, x: Any) -> Array:
    """A 1-D array of finite floating hyperparameters (integers become the default float)."""
    if isinstance(x, str) or not isinstance(x, Sequence | jax.Array | np.ndarray):
        raise TypeError(f"{fn}: {arg} must be a sequence of numbers, got {type(x).__name__} {x!r}")
    values = (
        [as_param(fn, f"{arg}[{i}]", v) for i, v in enumerate(x)]
        if isinstance(x, Sequence)
        else None
    )
    array = jnp.stack(values) if values else jnp.asarray(x)
    if values is None and jnp.issubdtype(array.dtype, jnp.integer):
        array = array.astype(default_float())
    if array.ndim != 1:
        raise ValueError(f"{fn}: {arg} must be one-dimensional, got shape {tuple(array.shape)}")
    if is_concrete(array) and not np.all(np.isfinite(np.asarray(array, np.float64))):
        raise ValueError(f"{fn}: {arg} must be finite, got {_fmt(array)}")
    return array


def require(fn: str, arg: str, x: Array, ok: Callable[[np.ndarray], Any], allowed: str) -> None:
    """Raise `ValueError` if the concrete value `x` fails `ok`; traced values pass."""
    if is_concrete(x) and not np.all(ok(np.asarray(x))):
        raise ValueError(f"{fn}: {arg} must be {allowed}, got {_fmt(x)}")


def positive(x: Array) -> Array:
    """`x` clamped to the smallest positive normal float: keeps traced divisors nonzero."""
    return jnp.maximum(x, jnp.finfo(x.dtype).tiny)


def linear(x: Array) -> Array:
    """The straight curve for `anneal`: weight `x` after a fraction `x` of the way."""
    return x


def half_cosine(x: Array) -> Array:
    """Half a cosine for `anneal`: `(1 - cos(pi x)) / 2`, as `sin(pi x / 2)**2`, without the
    cancellation near `x = 0`."""
    return jnp.sin(math.pi / 2 * x) ** 2


def anneal(
    init: Array,
    end: Array,
    t: Array,
    length: Array,
    rise: Callable[[Array], Array],
    fall: Callable[[Array], Array] | None = None,
) -> Array:
    """From `init` at step 0 to `end` at step `length` along a curve, then `end`.

    `rise(x)` is the weight of `end` after a fraction `x` of the way, `fall(x)` the weight of
    `init` with a fraction `x` of the way left: `rise(x) + fall(1 - x) == 1`, both 0 at 0 and 1
    at 1 (linear: both `x`; cosine: both `sin(pi x / 2)**2`, the default `fall` being `rise`).
    The curve is computed from the endpoint nearer zero, with the fraction away from it exact in
    the subtraction, so a warmup from 0 and a decay to 0 keep full relative precision; it is
    exactly constant when `init == end` and reaches `end` exactly at `length`.
    A traced `length` is clamped to > 0.
    """
    init, end = init.astype(t.dtype), end.astype(t.dtype)
    length = positive(length.astype(t.dtype))
    t = jnp.minimum(t, length)
    from_init = jnp.abs(init) <= jnp.abs(end)
    if fall is None:  # symmetric: one evaluation of the curve
        near, far = jnp.where(from_init, init, end), jnp.where(from_init, end, init)
        return near + (far - near) * rise(jnp.where(from_init, t, length - t) / length)
    from_start = init + (end - init) * rise(t / length)
    from_end = end + (init - end) * fall((length - t) / length)
    return jnp.where(from_init, from_start, from_end)


# Up to this many boundaries, counting those <= t (one fused compare-and-sum) is fastest; past
# it, a binary search's log2(n) levels win (measured by benchmarks/run.py).
_COMPARE_ALL_MAX = 16


def sorted_steps(steps: Array, dtype: Any) -> Array:
    """Boundaries in `dtype`, made >= 0 and non-decreasing (a running max): traced ones
    cannot be checked, so they are clamped; valid ones are unchanged."""
    return jnp.maximum(jax.lax.cummax(steps.astype(dtype)), 0)


def find_piece(bounds: Array, t: Array, inclusive: bool = True) -> Array:
    """The piece at each step: the number of boundaries <= t (< t if not `inclusive`)."""
    n = bounds.shape[0]
    if n <= _COMPARE_ALL_MAX:
        grid = bounds.reshape((1,) * t.ndim + (n,))
        after = t[..., None] >= grid if inclusive else t[..., None] > grid
        return jnp.sum(after, axis=-1, dtype=jnp.int32)
    # Branchless binary search over the boundaries padded with +inf to 2**levels - 1: each level
    # is one lookup and one select, which XLA fuses better than jnp.searchsorted's loop.
    levels = math.ceil(math.log2(n + 1))
    padded = jnp.concatenate([bounds, jnp.full((2**levels - 1 - n,), jnp.inf, bounds.dtype)])
    piece = jnp.zeros(t.shape, jnp.int32)
    for level in reversed(range(levels)):
        width = 2**level
        probe = padded[piece + (width - 1)]
        piece = jnp.where(t >= probe if inclusive else t > probe, piece + width, piece)
    return piece


# ----------------------------------------------------------------------------- stack


def stack(schedules: Sequence[Schedule]) -> Schedule:
    """Stacks schedules of the same structure into one batched schedule for `jax.vmap`.

    Every array leaf gains a leading axis of length `len(schedules)`; the structure (kind,
    options, user callables) must be the same for all. The result is meant to be mapped over:
    `jax.vmap(lambda s: s(steps))(stacked)` evaluates every schedule on `steps` at once.

    Args:
        schedules: a non-empty sequence of schedules with the same PyTree structure.

    Returns:
        A schedule of the same kind whose leaves have a leading batch axis.

    Example:
        >>> import jax, jax.numpy as jnp, schedax as sx
        >>> sweep = sx.stack([sx.cosine_decay(p, 100) for p in (0.1, 0.2, 0.3)])
        >>> jax.vmap(lambda s: s(jnp.arange(3)))(sweep).shape
        (3, 3)
    """
    schedules = list(schedules)
    if not schedules:
        raise ValueError("stack: schedules must not be empty")
    for i, s in enumerate(schedules):
        if not isinstance(s, Schedule):
            raise TypeError(
                f"stack: schedules[{i}] must be a schedax Schedule, got {type(s).__name__}"
            )
    first = jax.tree_util.tree_structure(schedules[0])
    for i, s in enumerate(schedules[1:], 1):
        if jax.tree_util.tree_structure(s) != first:
            raise ValueError(
                f"stack: schedules[{i}] has a different structure from schedules[0]; "
                f"got {s!r} and {schedules[0]!r}"
            )
    return jax.tree.map(lambda *xs: jnp.stack(xs), *schedules)
