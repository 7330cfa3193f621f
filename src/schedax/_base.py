"""The base of every schedule: declared fields, the class as constructor, checks, `stack`.

A curve is defined once, as a class whose fields say what they hold:

    class cosine_decay(Schedule):
        init: Array = param()
        decay_steps: Array = count(gt=0)
        end: Array = param(default=0.0)

        def _value(self, t): ...

Defining the class makes it a frozen dataclass, registers it as a PyTree and under its name for
configs, and gives it a constructor whose signature is the field list (`inspect.signature`
shows it). The constructor converts and checks every argument by its field's rule, in one place
(`Rule`), and errors name the constructor and the argument. Functions that map another
library's arguments onto a curve (`compat`, aliases such as `step_lr`) are wrapped by
`constructor`, so errors name *them* and *their* arguments.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import dataclasses
import functools
import inspect
import itertools
import math
import numbers
import operator
import pathlib
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np

Array = jax.Array

MISSING: Any = dataclasses.MISSING

# Every constructor a config can name: "cosine_decay", "torch.StepLR", ...; user classes by
# their qualified name ("__main__.my_decay"). Filled by `register` alone.
REGISTRY: dict[str, Callable[..., Any]] = {}
_PACKAGE_NAME = __name__.rpartition(".")[0]  # "schedax"


def register(name: str, make: Callable[..., Any]) -> None:
    """Makes `make` the constructor a config names `name`. A name is registered once: only a
    class defined again under its own qualified name (a notebook cell run twice) replaces
    itself."""
    old = REGISTRY.get(name)
    if old is not None and old is not make and not _redefined(old, make):
        raise ValueError(f"register: {name!r} already names {fmt(old)}; a config name is "
                         "registered once")  # fmt: skip
    REGISTRY[name] = make


def _redefined(old: Any, new: Any) -> bool:
    return (
        isinstance(old, type)
        and isinstance(new, type)
        and ((old.__module__, old.__qualname__) == (new.__module__, new.__qualname__))
    )


def config_name(cls: type) -> str:
    """The name a config gives a class: its own for schedax's, qualified for any other (so a
    user's `class cosine_decay(sx.Schedule)` never replaces the built-in one)."""
    if cls.__module__.partition(".")[0] == _PACKAGE_NAME:
        return cls.__name__
    return f"{cls.__module__}.{cls.__qualname__}"


# ----------------------------------------------------------------------------- small helpers


_DEFAULTS = {False: (np.dtype(np.float32), np.dtype(np.int32)),
             True: (np.dtype(np.float64), np.dtype(np.int64))}  # fmt: skip


def default_float() -> np.dtype:
    """float32, or float64 when `jax_enable_x64` is on."""
    return _DEFAULTS[bool(jax.config.jax_enable_x64)][0]


def default_int() -> np.dtype:
    """int32, or int64 when `jax_enable_x64` is on."""
    return _DEFAULTS[bool(jax.config.jax_enable_x64)][1]


def compute_dtype(dtype: Any) -> np.dtype:
    """The dtype formulas run in: the output dtype, widened to at least float32."""
    dtype = jnp.dtype(dtype)
    return dtype if dtype.itemsize >= 4 else jnp.dtype(jnp.float32)


# Host scalars to device arrays in one dispatch (an identity: its outputs are its inputs, placed).
_to_device = jax.jit(lambda values: values)


def canonical(x: Array) -> Array:
    """`x` strongly typed: `100`, `100.0`, `np.int64(100)`, `jnp.float32(100)` and
    `jnp.asarray(100.0)` stored as a float become one leaf type, so they share one program.
    Only an explicit other precision (bfloat16, float16, float64 with x64) stays apart."""
    return jax.lax.convert_element_type(x, x.dtype) if getattr(x, "weak_type", False) else x


def promote(*xs: Any) -> np.dtype:
    """The dtype of values computed from `xs` (arrays or dtypes): their promotion, where the
    default float (however it was written) gives way to an explicit other precision, as a
    Python number would: a bfloat16 `init` with a default `end` is bfloat16."""
    weak = [0.0 if jnp.dtype(jnp.result_type(x)) == default_float() else x for x in xs]
    return jnp.dtype(jnp.result_type(*weak)) if weak else default_float()


def is_concrete(x: Any) -> bool:
    """Whether `x` has a value now (not a tracer inside jit, vmap or grad)."""
    return not isinstance(x, jax.core.Tracer)


def fmt(x: Any) -> str:
    """Short text for a value: numbers as numbers, traced values as their type."""
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
        return "[" + ", ".join(fmt(v) for v in x) + "]"
    if callable(x) and not isinstance(x, Module):
        return getattr(x, "__qualname__", None) or repr(x)
    if isinstance(x, Shown):
        return x.text if x.text is not None else fmt(x.value)
    return repr(x)


@dataclasses.dataclass(frozen=True)
class Shown:
    """A leaf as a repr shows it without slicing device arrays: a host value and whether its
    array was weakly typed (`_is_default` hides Python numbers left at their defaults), or
    the text of a traced one."""

    value: Any = None
    weak: bool = False
    text: str | None = None

    @classmethod
    def rows(cls, leaf: Any) -> list[Shown]:
        """One `Shown` per row of a stacked leaf: one host copy for all of them."""
        if not is_concrete(leaf):
            aval = jax.core.ShapedArray(leaf.shape[1:], leaf.dtype, weak_type=leaf.weak_type)
            return [cls(text=aval.str_short(short_dtypes=True))] * leaf.shape[0]
        host = np.asarray(leaf)
        return [cls(row, getattr(leaf, "weak_type", False)) for row in host]


_INT32, _INT64 = np.iinfo(np.int32), np.iinfo(np.int64)


def int_range() -> np.iinfo:
    """The range of JAX's default integer: int32, or int64 with `jax_enable_x64`."""
    return _INT64 if jax.config.jax_enable_x64 else _INT32


def to_array(x: Any) -> Array:
    """A number, numpy value or list of numbers as a JAX array, without wrapping integers.

    Python numbers stay weakly typed. Integers beyond JAX's default integer (int32 unless
    `jax_enable_x64`) become floating point instead of wrapping around; Fractions and other
    `numbers.Real` become floats. Lists of plain numbers go through numpy in one call.
    Raises OverflowError for integers beyond the float range.
    """
    if isinstance(x, jax.Array):
        return x
    if isinstance(x, int):  # bool was rejected before
        return jnp.asarray(x if _fits(x) else float(x))
    if isinstance(x, float):
        return jnp.asarray(x)
    if isinstance(x, numbers.Real) and not isinstance(x, float | np.generic):
        return jnp.asarray(float(x))  # Fraction, and other real types
    if isinstance(x, list | tuple) and any(isinstance(v, jax.Array) for v in x):
        return jnp.stack([to_array(v) for v in x])  # traced elements: one stack
    array = np.asarray(x)
    if array.dtype == object:  # Python ints beyond int64, Fractions
        array = np.asarray([float(v) for v in array.ravel()]).reshape(array.shape)
    if (
        np.issubdtype(array.dtype, np.integer)
        and array.size
        and not (_fits(int(array.min())) and _fits(int(array.max())))
    ):
        array = array.astype(np.float64)
    return jnp.asarray(array)


def has_optimizer_shape(x: Any) -> bool:
    """Whether `x` looks like a torch or Keras optimizer (passed where a learning rate goes)."""
    return hasattr(x, "param_groups") or hasattr(x, "learning_rate") and hasattr(x, "apply")


OPTIMIZER_HINT = (
    "; schedax schedules take the learning rate, not the optimizer: pass the optimizer's "
    "learning rate as the first argument"
)


_PACKAGE = str(pathlib.Path(__file__).parent)


def warn(text: str, category: type[Warning] = UserWarning) -> None:
    """A warning (`UserWarning` unless said) pointing at the user's line: the first caller
    outside schedax."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(text, category, stacklevel=level)


# ----------------------------------------------------------------------------- who is calling

# While a `constructor` function runs: its name and its arguments by identity, so that an error
# raised by the curve it maps onto names the function the user called and that function's own
# argument (`StepLR: gamma must be > 0`, not `exponential_decay: decay_rate ...`).
_CALLER: contextvars.ContextVar[tuple[str, dict[int, list[str]]] | None] = contextvars.ContextVar(
    "schedax_caller", default=None
)


# While `grid` builds a sweep: scalar arguments may be 1-D arrays of values, checked at once.
_SWEEP: contextvars.ContextVar[bool] = contextvars.ContextVar("schedax_sweep", default=False)


def error_names(where: str, arg: str, raw: Any) -> tuple[str, str]:
    """The (constructor, argument) to name in an error about `raw`, given to `where` as `arg`."""
    caller = _CALLER.get()
    if caller is None:
        return where, arg
    name, args = caller
    names = args.get(id(raw))
    if not names:
        return where, arg  # computed by the caller from its arguments, which it checked itself
    base, bracket, index = arg.partition("[")  # schedules[1] -> schedulers[1]
    return name, (base if base in names else names[0]) + bracket + index


@contextlib.contextmanager
def _calling(name: str, arguments: dict[str, Any]) -> Iterator[None]:
    if _CALLER.get() is not None:  # a constructor called by another: the outer one speaks
        yield
        return
    ids: dict[int, list[str]] = {}
    for arg, value in arguments.items():
        ids.setdefault(id(value), []).append(arg)
    token = _CALLER.set((name, ids))
    try:
        yield
    finally:
        _CALLER.reset(token)


def constructor(fn: Callable | None = None, /, **rules: Rule) -> Any:
    """Registers a function that maps its arguments onto a curve (an alias or a compat name).

    The function's own rules (`rules`, by argument) are checked first, with the function's
    name; errors raised by the curves it builds name the function and the argument the bad
    value came from. Registered for configs as its name, prefixed by its compat module
    (`torch.StepLR`).
    """

    def wrap(fn: Callable) -> Callable:
        signature = inspect.signature(fn)
        module = fn.__module__.rpartition(".")[2]
        name = f"{module}.{fn.__name__}" if ".compat." in fn.__module__ else fn.__name__

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            arguments = _bind(fn.__name__, signature, args, kwargs)
            with _calling(fn.__name__, arguments):
                for arg, rule in rules.items():
                    rule(fn.__name__, arg, arguments[arg])
                return fn(*args, **kwargs)

        register(name, call)
        return call

    return wrap if fn is None else wrap(fn)


def _bind(name: str, signature: inspect.Signature, args: Any, kwargs: Any) -> dict[str, Any]:
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as error:
        hint = OPTIMIZER_HINT if args and has_optimizer_shape(args[0]) else ""
        raise TypeError(f"{name}: {error}{hint}") from None
    bound.apply_defaults()
    return bound.arguments


# ----------------------------------------------------------------------------- rules


class Rule:
    """What an argument may hold, and how it is stored.

    `whole` admits only whole numbers (2 or 2.0, not 2.5), `integer` only integer types.

    Kinds: "param" (a finite real scalar, stored as a floating array: a value or rate),
    "count" (a finite real scalar number of steps, stored as given), "steps" (a 1-D array of
    steps, >= 0 and non-decreasing unless not `ordered`), "values" (a 1-D array of finite
    floats), "size" (a Python int that shapes a state), "flag" (a real bool), "option" (one
    of `choices`), "function" (a callable), "schedule" (a schedax schedule), "schedules" (a
    sequence of schedules). Bounds (`gt`, `ge`, `lt`, `le`) and `integer` apply to numbers;
    `optional` admits None. Concrete values are checked; traced ones cannot be, and the
    formulas clamp them.
    """

    def __init__(
        self,
        kind: str,
        *,
        gt: float | None = None,
        ge: float | None = None,
        lt: float | None = None,
        le: float | None = None,
        integer: bool = False,
        whole: bool = False,
        choices: tuple[Any, ...] | None = None,
        optional: bool = False,
        ordered: bool = True,
        allowed: str | None = None,
    ):
        self.kind, self.integer, self.choices, self.optional = kind, integer, choices, optional
        self.whole = whole
        self.ordered = ordered
        self.bounds = [(op, v) for op, v in (("gt", gt), ("ge", ge), ("lt", lt), ("le", le))
                       if v is not None]  # fmt: skip
        self.allowed = allowed

    def __call__(self, where: str, arg: str, value: Any) -> Any:
        if value is None and self.optional:
            return None
        stored = getattr(self, f"_{self.kind}")(where, arg, value)
        if self.kind in ("count", "steps") and not self.integer:
            # Lengths and boundaries are floating (gradients reach them), however written.
            if jnp.issubdtype(stored.dtype, jnp.integer):
                stored = stored.astype(default_float())
        return canonical(stored) if self.kind in _ARRAYS else stored

    # -- errors

    def _fail(self, where: str, arg: str, raw: Any, text: str, error: type = ValueError) -> Any:
        where, arg = error_names(where, arg, raw)
        raise error(f"{where}: {arg} {text}")

    def _describe_bounds(self) -> str:
        ops = dict(self.bounds)
        lo = ("(", ops["gt"]) if "gt" in ops else ("[", ops["ge"]) if "ge" in ops else None
        hi = (")", ops["lt"]) if "lt" in ops else ("]", ops["le"]) if "le" in ops else None
        if lo and hi:
            return f"in {lo[0]}{lo[1]:g}, {hi[1]:g}{hi[0]}"
        symbol = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
        return " and ".join(f"{symbol[op]} {v:g}" for op, v in self.bounds)

    def _check_bounds(self, where: str, arg: str, raw: Any, value: Array) -> None:
        if not self.bounds or not is_concrete(value):
            return
        v = host(raw, value)
        tests = {"gt": np.greater, "ge": np.greater_equal, "lt": np.less, "le": np.less_equal}
        if not all(np.all(tests[op](v, bound)) for op, bound in self.bounds):
            self._fail(where, arg, raw, f"must be {self._describe_bounds()}, got {fmt(value)}")

    # -- kinds

    def _real(self, where: str, arg: str, x: Any) -> Array:
        if isinstance(x, bool | np.bool_) or not isinstance(
            x, numbers.Real | jax.Array | np.ndarray | np.generic
        ):
            hint = OPTIMIZER_HINT if has_optimizer_shape(x) else ""
            self._fail(where, arg, x, f"must be a real number, got {type(x).__name__} "
                       f"{_short_repr(x)}{hint}", TypeError)  # fmt: skip
        if isinstance(x, np.ndarray | np.generic) and not (
            np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)
        ):
            self._fail(where, arg, x, f"must be a real number, got dtype {x.dtype}", TypeError)
        try:
            arr = to_array(x)  # Python numbers stay weakly typed
        except OverflowError:
            self._fail(where, arg, x, f"must be finite, got an integer of {len(str(x))} digits")
        if not (jnp.issubdtype(arr.dtype, jnp.integer) or jnp.issubdtype(arr.dtype, jnp.floating)):
            self._fail(where, arg, x, f"must be a real number, got dtype {arr.dtype}", TypeError)
        if arr.ndim != (1 if _SWEEP.get() else 0):
            self._fail(where, arg, x, f"must be a scalar, got shape {tuple(arr.shape)}")
        if is_concrete(arr) and not np.all(np.isfinite(host(x, arr))):
            self._fail(where, arg, x, f"must be finite, got {fmt(arr)}")
        if self.integer and not jnp.issubdtype(arr.dtype, jnp.integer):
            if _is_integer(x):  # an integer beyond the default integer's range
                self._fail(where, arg, x, f"must be at most {int_range().max} (enable "
                           f"jax_enable_x64 for more), got {x}")  # fmt: skip
            self._fail(where, arg, x, f"must be an integer, got {fmt(arr)}", TypeError)
        return arr

    def _number(self, x: Any, count: bool) -> Array | None:
        """A valid Python number below 2**53 as its array, checked on the host: what the general
        path stores, a constructor taking 35-45% less time (most arguments are such numbers).
        None for anything else, which the general path checks and explains."""
        if type(x) not in (int, float) or not abs(x) < 2**53 or self.integer and type(x) is float:
            return None
        if not all(_COMPARE[op](x, bound) for op, bound in self.bounds):
            return None
        if count and (self.whole and x != math.floor(x) or type(x) is int and not _fits(x)):
            return None
        # A numpy scalar of the stored dtype: the constructor puts its numbers on the device in
        # one call (26 us for 5, against 39 us each through `jnp.asarray`).
        if self.integer:  # an integer count (a patience)
            return default_int().type(x) if count else None
        return default_float().type(x)  # a value, rate or length

    def _param(self, where: str, arg: str, x: Any) -> Array:
        fast = self._number(x, count=False)
        if fast is not None:
            return fast
        # A Python int becomes the default float at once (one array, not two).
        arr = self._real(where, arg, float(x) if type(x) is int and abs(x) < 2**53 else x)
        if jnp.issubdtype(arr.dtype, jnp.integer):  # integers become the default float
            arr = jnp.asarray(float(x)) if isinstance(x, int) else arr.astype(default_float())
        if is_concrete(arr) and not np.all(
            np.isfinite(  # 2**200 in float32 (rounded on the host)
                np.asarray(x, arr.dtype) if type(x) is float else np.asarray(arr)
            )
        ):
            self._fail(where, arg, x, f"must be finite in {arr.dtype}, got {x}")
        self._check_bounds(where, arg, x, arr)
        return arr

    def _count(self, where: str, arg: str, x: Any) -> Array:
        fast = self._number(x, count=True)
        if fast is not None:
            return fast
        arr = self._real(where, arg, x)
        self._check_bounds(where, arg, x, arr)
        self._check_whole(where, arg, x, arr)
        return arr

    def _check_whole(self, where: str, arg: str, raw: Any, value: Array) -> None:
        if self.whole and is_concrete(value):
            v = host(raw, value)
            if not np.all(v == np.floor(v)):
                self._fail(where, arg, raw, f"must be a whole number of steps, got {fmt(value)}")

    def _schedule(self, where: str, arg: str, x: Any) -> Schedule:
        if not isinstance(x, Schedule):
            self._fail(where, arg, x, f"must be a schedax Schedule, got {type(x).__name__}",
                       TypeError)  # fmt: skip
        return x

    def _schedules(self, where: str, arg: str, x: Any) -> tuple[Schedule, ...]:
        if isinstance(x, Module) or not isinstance(x, Sequence):
            self._fail(where, arg, x, f"must be a sequence of schedules, got {fmt(x)}", TypeError)
        for i, s in enumerate(x):
            if not isinstance(s, Schedule):
                self._fail(where, f"{arg}[{i}]", x, "must be a schedax Schedule, got "
                           f"{type(s).__name__}", TypeError)  # fmt: skip
        return tuple(x)

    def _sequence(self, where: str, arg: str, x: Any, noun: str, what: str) -> Array:
        if isinstance(x, str) or not isinstance(x, Sequence | jax.Array | np.ndarray):
            self._fail(where, arg, x, f"must be a sequence of {noun}, got {type(x).__name__} {x!r}",
                       TypeError)  # fmt: skip
        if isinstance(x, Sequence):
            for i, v in enumerate(x):
                if isinstance(v, bool | np.bool_) or not isinstance(
                    v, numbers.Real | jax.Array | np.ndarray | np.generic
                ):
                    self._fail(where, arg, x, f"must hold {what}, got {type(v).__name__} "
                               f"{_short_repr(v)}", TypeError)  # fmt: skip
                if isinstance(v, jax.Array | np.ndarray) and np.ndim(v):
                    self._fail(where, f"{arg}[{i}]", x,
                               f"must be a scalar, got shape {np.shape(v)}")  # fmt: skip
        try:
            arr = to_array(x) if len(x) else jnp.zeros((0,), jnp.int32)
        except OverflowError:
            self._fail(where, arg, x, "must hold finite numbers, got an integer beyond the float "
                       "range")  # fmt: skip
        if not (jnp.issubdtype(arr.dtype, jnp.integer) or jnp.issubdtype(arr.dtype, jnp.floating)):
            self._fail(where, arg, x, f"must hold real numbers, got dtype {arr.dtype}", TypeError)
        if arr.ndim != 1:
            self._fail(where, arg, x, f"must be one-dimensional, got shape {tuple(arr.shape)}")
        return arr

    def _steps(self, where: str, arg: str, x: Any) -> Array:
        steps = self._sequence(where, arg, x, "steps", "numbers of steps")
        if is_concrete(steps):
            values = np.asarray(steps, np.float64)
            for ok, allowed in (
                (np.all(np.isfinite(values)), "finite"),
                (np.all(values >= 0), ">= 0"),
                (not self.ordered or np.all(np.diff(values) >= 0), "non-decreasing"),
            ):
                if not ok:
                    self._fail(where, arg, x, f"must be {allowed}, got {fmt(steps)}")
        self._check_whole(where, arg, x, steps)
        return steps

    def _values(self, where: str, arg: str, x: Any) -> Array:
        values = self._sequence(where, arg, x, "numbers", "numbers")
        if jnp.issubdtype(values.dtype, jnp.integer):
            values = values.astype(default_float())
        if is_concrete(values):
            bad = np.flatnonzero(~np.isfinite(np.asarray(values, np.float64)))
            if bad.size:
                self._fail(where, f"{arg}[{bad[0]}]", x, f"must be finite, got {values[bad[0]]}")
        return values

    def _size(self, where: str, arg: str, x: Any) -> int:
        if isinstance(x, numbers.Real) and not math.isfinite(x):
            self._fail(where, arg, x, f"must be finite, got {x}")
        if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Integral):
            self._fail(where, arg, x, f"must be a Python int, got {type(x).__name__} "
                       f"{_short_repr(x)}", TypeError)  # fmt: skip
        self._check_bounds(where, arg, x, np.asarray(int(x)))
        return int(x)

    def _flag(self, where: str, arg: str, x: Any) -> bool:
        if not isinstance(x, bool | np.bool_):
            self._fail(where, arg, x, f"must be a bool, got {type(x).__name__}", TypeError)
        return bool(x)

    def _option(self, where: str, arg: str, x: Any) -> Any:
        if not any(x == c and type(x) is type(c) for c in self.choices or ()):
            self._fail(where, arg, x, f"must be one of {self.choices}, got {x!r}")
        return x

    def _function(self, where: str, arg: str, x: Any) -> Callable:
        if not callable(x) or (isinstance(x, Module) and not isinstance(x, Schedule)):
            self._fail(where, arg, x, f"must be {self.allowed or 'a callable'}, got "
                       f"{type(x).__name__} {x!r}", TypeError)  # fmt: skip
        return x


_ARRAYS = ("param", "count", "steps", "values")


_COMPARE = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}


def _fits(x: int) -> bool:
    """Whether a Python int fits JAX's default integer."""
    info = int_range()
    return info.min <= x <= info.max


def host(raw: Any, value: Array) -> np.ndarray:
    """A concrete value on the host, as float64: a Python number as given (no transfer from
    the device), else the array's."""
    if type(raw) in (int, float) and abs(raw) < 2**53:
        return np.float64(raw)
    return np.asarray(value, np.float64)


def _is_integer(x: Any) -> bool:
    return isinstance(x, int) or np.issubdtype(np.asarray(x).dtype, np.integer)


def _short_repr(x: Any, limit: int = 60) -> str:
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ----------------------------------------------------------------------------- fields

_LEAF, _STATIC, _CHILD = "leaf", "static", "child"


def _field(where: str, rule: Rule | None, default: Any, arg: str | None, kw_only: bool) -> Any:
    return dataclasses.field(
        default=default, kw_only=kw_only, metadata={"where": where, "rule": rule, "arg": arg}
    )


def param(
    default: Any = MISSING, *, arg: str | None = None, kw_only: bool = False,
    optional: bool = False, **bounds: float,
) -> Any:  # fmt: skip
    """A floating hyperparameter (a value, rate or fraction): an array leaf that sets the
    output dtype. `bounds`: `gt`, `ge`, `lt`, `le`. `arg`: the constructor's name for it, where
    the field cannot have that name (`init` is a method of stateful schedules)."""
    return _field(_LEAF, Rule("param", optional=optional, **bounds), default, arg, kw_only)


def count(
    default: Any = MISSING, *, arg: str | None = None, kw_only: bool = False,
    integer: bool = False, whole: bool = False, optional: bool = False, **bounds: float,
) -> Any:  # fmt: skip
    """A length or position in steps: an array leaf kept as given (integer or floating)."""
    rule = Rule("count", integer=integer, whole=whole, optional=optional, **bounds)
    return _field(_LEAF, rule, default, arg, kw_only)


def schedule() -> Any:
    """A schedule (a PyTree child)."""
    return _field(_CHILD, Rule("schedule"), MISSING, None, False)


def schedules() -> Any:
    """A sequence of schedules (stored as a tuple of PyTree children)."""
    return _field(_CHILD, Rule("schedules"), MISSING, None, False)


def steps(default: Any = MISSING) -> Any:
    """A 1-D array of steps, >= 0 and non-decreasing (boundaries)."""
    return _field(_LEAF, Rule("steps"), default, None, False)


def values(default: Any = MISSING) -> Any:
    """A 1-D array of finite floating hyperparameters."""
    return _field(_LEAF, Rule("values"), default, None, False)


def size(default: Any = MISSING, *, kw_only: bool = False, **bounds: float) -> Any:
    """A whole number that sets the shape of a state (a window's length): structure."""
    return _field(_STATIC, Rule("size", **bounds), default, None, kw_only)


def flag(default: Any = MISSING, *, kw_only: bool = False) -> Any:
    """A bool option: structure, so each value compiles its own program."""
    return _field(_STATIC, Rule("flag"), default, None, kw_only)


def option(choices: tuple[Any, ...], default: Any = MISSING, *, kw_only: bool = False) -> Any:
    """One of `choices` (strings): structure."""
    return _field(_STATIC, Rule("option", choices=choices), default, None, kw_only)


def function(allowed: str, default: Any = MISSING) -> Any:
    """A user function: structure (a new function is a new compilation)."""
    return _field(_STATIC, Rule("function", allowed=allowed), default, None, False)


def static() -> Any:
    """Structure set by a constructor function, not an argument."""
    return _field(_STATIC, None, MISSING, None, False)


def child() -> Any:
    """Nested schedules (PyTree children), set by a constructor function."""
    return _field(_CHILD, None, MISSING, None, False)


# ----------------------------------------------------------------------------- Module

_POSITIONAL = inspect.Parameter.POSITIONAL_OR_KEYWORD


def _signed_init(cls: type) -> Callable[..., None]:
    """`Module.__init__` for `cls`, with `cls`'s signature (for `help`, IDEs and docs tools,
    which read `__init__`)."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        Module.__init__(self, *args, **kwargs)

    this = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
    __init__.__signature__ = cls.__signature__.replace(  # type: ignore[attr-defined]
        parameters=[this, *cls.__signature__.parameters.values()]
    )
    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__module__ = cls.__module__
    return __init__


class Module:
    """An immutable dataclass registered as a JAX PyTree, built and shown as its constructor.

    Subclassing makes the class a frozen dataclass, registers it with JAX and (unless its name
    starts with `_`) under its name for configs, and makes its fields its constructor's
    arguments, in order. `param`, `count`, `steps` and `values` fields are array leaves;
    `flag`, `option`, `function` and `static` fields are structure; `child` fields nest.
    Cross-field rules go in `_check`, which raises with `self._invalid`.
    """

    _name: ClassVar[str] = "Module"
    _fields: ClassVar[tuple[tuple[str, str, Rule | None], ...]] = ()  # (field, argument, rule)
    __signature__: ClassVar[inspect.Signature]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._name = cls.__dict__.get("_name", cls.__name__)
        dataclasses.dataclass(frozen=True, eq=False, repr=False, init=False)(cls)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        cls._fields = tuple((f.name, f.metadata.get("arg") or f.name, f.metadata.get("rule"))
                            for f in fields)  # fmt: skip
        parameters = [
            inspect.Parameter(
                arg,
                inspect.Parameter.KEYWORD_ONLY if f.kw_only else _POSITIONAL,
                default=inspect.Parameter.empty if f.default is MISSING else f.default,
            )
            for f, (_, arg, rule) in zip(fields, cls._fields, strict=True)
            if rule is not None
        ]  # fmt: skip
        cls.__signature__ = inspect.Signature(parameters)
        if "__init__" not in cls.__dict__:  # an __init__ whose signature is the constructor's
            cls.__init__ = _signed_init(cls)  # type: ignore[method-assign]
        _register(cls)
        if not cls.__name__.startswith("_") and cls._fields:
            register(config_name(cls), cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name = type(self)._name
        arguments = _bind(name, self.__signature__, args, kwargs)
        raw, stored = {}, {}
        for field, arg, rule in self._fields:
            if rule is not None:
                raw[field] = arguments[arg]
                stored[field] = rule(name, arg, arguments[arg])
        on_host = [field for field, value in stored.items() if isinstance(value, np.generic)]
        if on_host:  # Python numbers, checked on the host: to the device in one call
            with jax.ensure_compile_time_eval():  # concrete even inside jit
                placed = _to_device(tuple(stored[field] for field in on_host))
            stored.update(zip(on_host, placed, strict=True))
        for field, value in stored.items():
            object.__setattr__(self, field, value)
        with self._checking(raw):
            self._check()

    @classmethod
    def _build(cls, **fields: Any) -> Any:
        """An instance from stored field values, unchecked: for constructor functions."""
        obj = object.__new__(cls)
        for name, value in fields.items():
            object.__setattr__(obj, name, value)
        return obj

    @contextlib.contextmanager
    def _checking(self, raw: dict[str, Any]) -> Iterator[None]:
        object.__setattr__(self, "_raw", raw)
        try:
            yield
        finally:
            object.__delattr__(self, "_raw")

    def _check(self) -> None:
        """Rules across fields, on concrete values: raise `self._invalid(...)`."""

    def _invalid(self, text: str, *fields: str) -> ValueError:
        """A ValueError about `fields`: `{0}`, `{1}`... in `text` are their argument names."""
        where, labels = self._name, []
        for field in fields:
            arg = dict((f, a) for f, a, _ in self._fields)[field]
            where, label = error_names(self._name, arg, self._raw.get(field))
            labels.append(label)
        return ValueError(f"{where}: {text.format(*labels)}")

    def _arguments(self) -> list[tuple[dataclasses.Field, str, Any]]:
        fields = zip(dataclasses.fields(self), self._fields, strict=True)  # type: ignore[arg-type]
        return [(f, arg, as_written(getattr(self, name), rule.kind))
                for f, (name, arg, rule) in fields if rule]  # fmt: skip

    def _repr_items(self) -> list[tuple[str, Any]]:
        """The constructor's arguments, but those left at their defaults."""
        return [(arg, v) for f, arg, v in self._arguments() if not _is_default(v, f.default)]

    def _config_items(self) -> list[tuple[str, Any]]:
        """The constructor's arguments for `to_config`: all of them, defaults included."""
        return [(arg, v) for _, arg, v in self._arguments()]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={fmt(v)}" for k, v in self._repr_items())
        return f"{self._name}({args})"

    def __getattr__(self, name: str) -> Any:
        # Reached for missing attributes, and when a property raised AttributeError: then the
        # property runs again, so its own error (a user function's typo) is what is seen.
        attribute = getattr(type(self), name, None)
        if isinstance(attribute, property):
            return attribute.__get__(self, type(self))
        # A missing attribute: say what to write instead of torch's habits.
        hint = self._habits().get(name)
        if hint is None:
            raise AttributeError(f"{self._name!r} object has no attribute {name!r}")
        raise AttributeError(f"{self._name} has no {name}: {hint}")

    def _habits(self) -> dict[str, str]:
        """torch scheduler methods users reach for, and what to write instead."""
        return {}


def as_written(value: Any, kind: str) -> Any:
    """A stored argument as a repr or config shows it: lengths and boundaries are stored as
    the default float, and shown as whole numbers where they are whole (`decay_steps=1000`)."""
    if kind not in ("count", "steps"):
        return value
    if isinstance(value, Shown):
        return value if value.text is not None else dataclasses.replace(
            value, value=as_written(value.value, kind))  # fmt: skip
    if not isinstance(value, jax.Array | np.ndarray | np.generic) or not is_concrete(value):
        return value
    if value.dtype != default_float() or value.ndim > 1:
        return value
    host = np.asarray(value)
    if np.all(np.isfinite(host)) and np.all(host == np.round(host)) and np.all(abs(host) < 2**53):
        return host.astype(np.int64)
    return value


def _is_default(value: Any, default: Any) -> bool:
    if default is MISSING or value is None or default is None:
        return value is default
    if isinstance(value, jax.Array | np.ndarray):  # a scalar, not a stacked array
        return is_concrete(value) and value.ndim == 0 and bool(value == default)
    if isinstance(value, Shown):
        return np.ndim(value.value) == 0 and bool(value.value == default)
    return type(value) is type(default) and value == default


def _register(cls: type) -> None:
    """Registers a dataclass as a PyTree: static fields are aux data, the others children.

    Not `jax.tree_util.register_dataclass`: in jax 0.10.2 its tree definitions of two different
    classes with the same number of fields compare equal, so jit could reuse one schedule's
    compiled program for another.
    """
    fields = dataclasses.fields(cls)
    meta = tuple(f.name for f in fields if f.metadata.get("where") == _STATIC)
    data = tuple(f.name for f in fields if f.metadata.get("where") != _STATIC)
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


# How many compiled eager programs are kept (one per schedule structure, leaf shapes and
# argument shapes); the least recently used is dropped, and with it its executable.
EAGER_CACHE_SIZE = 32


def eager(module: Module, method: str, *args: Any) -> Any:
    """`module.method(*args)`, compiled once per structure and shapes, in a bounded cache.

    Eager calls (a Python training loop) dispatch here instead of running op by op; calls made
    while tracing (inside jit, vmap, grad, scan) call the method directly and fuse with the
    caller, since a nested jit under vmap cost 40% in the benchmarks. Each entry is its own
    jitted function holding one executable, dropped when `EAGER_CACHE_SIZE` newer ones were
    used (one `jax.jit` kept them all: 5 MB per distinct structure). JAX's own tracing caches
    still keep about 2.8 MB per program compiled; `jax.clear_caches()` frees them.
    """
    leaves, treedef = jax.tree.flatten((module, args))
    key = (method, treedef, tuple(map(_aval, leaves)))
    return _compiled(key)(module, *args)


def _aval(x: Any) -> Any:
    if isinstance(x, jax.Array):
        return x.shape, x.dtype, x.weak_type
    return np.shape(x), type(x), np.result_type(x)


_COMPILED: collections.OrderedDict[tuple, Callable[..., Any]] = collections.OrderedDict()


def _compiled(key: tuple) -> Callable[..., Any]:
    fn = _COMPILED.get(key)
    if fn is not None:
        _COMPILED.move_to_end(key)
        return fn
    method = key[0]
    fn = _COMPILED[key] = jax.jit(lambda module, *args: getattr(module, method)(*args))
    while len(_COMPILED) > EAGER_CACHE_SIZE:
        _, dropped = _COMPILED.popitem(last=False)
        dropped.clear_cache()  # its executable
    return fn


def as_steps(where: str, step: Any) -> Array:
    """`step` as an integer or floating array. Integers beyond JAX's default integer (int32
    unless `jax_enable_x64`) become floating point rather than wrapping around."""
    if isinstance(step, str | bytes) or isinstance(step, np.ndarray) and step.dtype == object:
        raise TypeError(f"{where}: step must be an integer or float array, got "
                        f"{type(step).__name__} {_short_repr(step)}")  # fmt: skip
    try:
        step = to_array(step)
    except OverflowError:
        raise ValueError(
            f"{where}: step must be finite, got an integer beyond the float range"
        ) from None
    except (TypeError, ValueError) as error:
        raise TypeError(f"{where}: step must be an integer or float array, got "
                        f"{type(step).__name__} {_short_repr(step)}") from error  # fmt: skip
    if not (jnp.issubdtype(step.dtype, jnp.integer) or jnp.issubdtype(step.dtype, jnp.floating)):
        raise TypeError(f"{where}: step must be an integer or float array, got {step.dtype}")
    return step


def traced(*trees: Any) -> bool:
    """Whether any leaf of `trees` is a tracer: the call is inside a transformation."""
    return not all(map(is_concrete, jax.tree.leaves(trees)))


class Schedule(Module):
    """Base class of every stateless schedule: `schedule(step) -> lr`, a PyTree.

    Subclasses declare their fields and implement `_value`. A schedule can be passed to
    `jax.jit`, mapped over with `jax.vmap` and differentiated with `jax.grad`.

    Calling a schedule converts the step once to floating point (so int32 steps never
    overflow), treats negative steps as step 0, and returns an array with the step's shape in
    the schedule's `dtype`: the promotion of its floating hyperparameters (Python numbers are
    weakly typed, so they give float32, or float64 with x64; a bfloat16 array keeps bfloat16).
    Formulas run in at least float32.

    Examples:
        >>> import jax, jax.numpy as jnp, schedax as sx
        >>> lr = sx.cosine_decay(0.1, 100)
        >>> isinstance(lr, sx.Schedule), lr.dtype
        (True, dtype('float32'))
        >>> jax.jit(lambda schedule, step: schedule(step))(lr, jnp.arange(0, 150, 50))
        Array([0.1 , 0.05, 0.  ], dtype=float32)
    """

    # Whether the schedule hands integer steps to a user function (`lambda_lr`, joins of
    # callables): joins then give it integer local steps.
    _integer_steps: ClassVar[bool] = False

    def __call__(self, step: Any) -> Array:
        """The learning rate at `step` (any shape, integer or floating), elementwise."""
        step = as_steps(self._name, step)
        if traced(self, step):
            return self._evaluate(step)
        return eager(self, "_evaluate", step)

    # Floating fields that do not set the output dtype (a cycle's momentum values).
    _untyped: ClassVar[tuple[str, ...]] = ()

    def _habits(self) -> dict[str, str]:
        call = "schedax schedules are functions of the step: lr = schedule(step)"
        state = ("a schedule is a PyTree with no hidden state; save it with any PyTree "
                 "serializer, or its arguments with schedax.to_config(schedule)")  # fmt: skip
        return {"step": f"{call} (nothing to advance)", "get_last_lr": call, "get_lr": call,
                "last_epoch": call, "state_dict": state, "load_state_dict": state}  # fmt: skip

    def _evaluate(self, step: Array) -> Array:
        dtype = self.dtype
        t = step.astype(compute_dtype(dtype))
        # Negative steps are step 0; +inf is the last finite step; NaN stays NaN.
        t = jnp.clip(t, 0, jnp.finfo(t.dtype).max)
        value = self._value_at(t, step)
        return jnp.where(jnp.isnan(t), jnp.nan, value).astype(dtype)

    def _value_at(self, t: Array, step: Array) -> Array:
        """The formula at floating steps `t` (`step` as given, for formulas that hand integer
        steps to user functions)."""
        return self._value(t)

    def _value(self, t: Array) -> Array:
        """The formula at floating steps `t >= 0`, in `t.dtype`, with the shape of `t`."""
        raise NotImplementedError

    def _batched(self) -> bool:
        """Whether the schedule was stacked (its leaves have a batch axis)."""
        ndim = {"param": 0, "count": 0, "steps": 1, "values": 1}
        for field, _, rule in self._fields:
            leaf = getattr(self, field)
            if rule is not None and rule.kind in ndim and leaf is not None:
                if jnp.ndim(leaf) > ndim[rule.kind]:
                    return True
            if rule is not None and rule.kind == "schedules":
                if any(s._batched() for s in leaf):
                    return True
        return False

    @property
    def dtype(self) -> np.dtype:
        """The output dtype: the promotion of the floating hyperparameters."""
        leaves = [getattr(self, field) for field, _, rule in self._fields
                  if rule is not None and rule.kind in ("param", "values")
                  and field not in self._untyped]  # fmt: skip
        return promote(*(leaf for leaf in leaves if leaf is not None))


# ----------------------------------------------------------------------------- formula helpers


def positive(x: Array) -> Array:
    """`x` clamped to the smallest positive normal float: keeps traced divisors nonzero."""
    return jnp.maximum(x, jnp.finfo(x.dtype).tiny)


# The shortest length a traced length is clamped to: short enough to be below any length a
# schedule is written with, long enough that `step / length` and its gradient stay finite.
MIN_LENGTH = 2.0**-10


def length(x: Array) -> Array:
    """A length in steps, clamped to >= `MIN_LENGTH` (traced lengths cannot be checked)."""
    return jnp.maximum(x, MIN_LENGTH)


def safe_power(x: Array, p: Array) -> Array:
    """`x**p` for `x >= 0`, with `0**0 == 1` and finite gradients at `x == 0`."""
    safe = jnp.where(x > 0, x, 1)
    return jnp.where(p == 0, 1, jnp.where(x > 0, safe ** jnp.where(p == 0, 1, p), 0))


def periods(t: Array, k: Array) -> Array:
    """`floor(t / k)`, exact for integer `t` and `k` whose multiples the float holds exactly
    (`t < 2**24` in float32). `t >= 0`, `k > 0`.

    `floor(t / k)` is not enough: XLA turns a division by a constant into a multiplication by
    its reciprocal, so `floor(47 / 47)` can be 0 under jit. The estimate is within one of the
    answer; the exact product `q * k` tells which way to correct it.
    """
    q = jnp.floor(t / k)
    left = t - q * k
    return q + (left >= k).astype(t.dtype) - (left < 0).astype(t.dtype)


def floor_div(t: Array, k: Array) -> tuple[Array, Array]:
    """`(q, r)`: whole periods as `periods`, and the position in the period, `r = t mod k`,
    exact at any step (`fmod` is; `t - q * k` loses the position near 2**31 in float32)."""
    r = jnp.fmod(t, k)
    return jnp.round((t - r) / k), r


def linear(x: Array) -> Array:
    """The straight curve for `anneal`: weight `x` after a fraction `x` of the way."""
    return x


def half_cosine(x: Array) -> Array:
    """Half a cosine for `anneal`: `(1 - cos(pi x)) / 2`, as `sin(pi x / 2)**2`, without the
    cancellation near `x = 0`."""
    return jnp.sin(math.pi / 2 * x) ** 2


def power_of(left: Array, power: Array) -> Array:
    """`left**power` for `left` in [0, 1] and `power >= 0` (`0**0 == 1`), with a finite
    gradient at `left = 0`."""
    safe = jnp.where(left > 0, left, 1)
    return jnp.where(left > 0, safe**power, (power == 0).astype(left.dtype))


def one_minus_power(done: Array, power: Array) -> Array:
    """`1 - (1 - done)**power` for `done` in [0, 1] and `power >= 0` (`0**0 == 1`), accurate
    for small `done`, with a finite gradient at `done = 1`."""
    safe = jnp.where(done < 1, done, 0)
    at_one = (power != 0).astype(done.dtype)  # 1 - 0**power
    return jnp.where(done < 1, -jnp.expm1(power * jnp.log1p(-safe)), at_one)


def output_dtype(fn: Callable, default: np.dtype) -> np.dtype:
    """The floating dtype `fn` returns for a scalar step (an integer one, as user functions
    get, else a `default`-typed one), else `default`."""
    try:
        dtype = jax.eval_shape(fn, jax.ShapeDtypeStruct((), jnp.result_type(int))).dtype
    except Exception:  # a function written for float steps only
        dtype = jax.eval_shape(fn, jax.ShapeDtypeStruct((), default)).dtype
    return jnp.dtype(dtype) if jnp.issubdtype(dtype, jnp.floating) else default


_length = length  # `anneal` has an argument of that name


def anneal(
    init: Array,
    end: Array,
    t: Array,
    length: Array,
    rise: Callable[[Array], Array],
    fall: Callable[[Array], Array] | None = None,
    exponent: Array | None = None,
) -> Array:
    """From `init` at step 0 to `end` at step `length` along a curve, then `end`.

    `rise(x)` is the weight of `end` after a fraction `x` of the way, `fall(x)` the weight of
    `init` with a fraction `x` of the way left: `rise(x) + fall(1 - x) == 1`, both 0 at 0 and 1
    at 1 (linear: both `x`; cosine: both `sin(pi x / 2)**2`, the default `fall` being `rise`).
    The curve is computed from the endpoint nearer zero, with the fraction away from it exact in
    the subtraction, so a warmup from 0 and a decay to 0 keep full relative precision; it is
    exactly constant when `init == end` and reaches `end` exactly at `length`. With an
    `exponent` (symmetric curves only), the weight of `init` is raised to it (optax's cosine
    `exponent`; 0 keeps `init` throughout, as `0**0 == 1`). A traced `length` is clamped to
    > 0, a traced `exponent` to >= 0.
    """
    init, end = init.astype(t.dtype), end.astype(t.dtype)
    length = _length(length.astype(t.dtype))
    t = jnp.clip(t, 0, length)
    from_init = jnp.abs(init) <= jnp.abs(end)
    if fall is None:  # symmetric: one evaluation of the curve
        near, far = jnp.where(from_init, init, end), jnp.where(from_init, end, init)
        weight = rise(jnp.where(from_init, t, length - t) / length)  # of `far`
        if exponent is not None:  # init's weight (1 - rise)**exponent, from either side
            e = jnp.maximum(exponent.astype(t.dtype), 0)
            powered = jnp.where(from_init, one_minus_power(weight, e), power_of(weight, e))
            weight = jnp.where(e == 1, weight, powered)
        return near + (far - near) * weight
    from_start = init + (end - init) * rise(t / length)
    from_end = end + (init - end) * fall((length - t) / length)
    return jnp.where(from_init, from_start, from_end)


# Up to _UNROLL_MAX boundaries, a compare and a select per boundary fuse with the formula (a
# 3-piece join under vmap: 3.4 ms per 1M steps, against 7.4 ms for the compare-and-sum, whose
# reduction XLA:CPU does not fuse); past it, a binary search's log2(n) levels (a 16-piece join
# under vmap: 5.1 ms per 1M steps, against 27.8 ms for the compare-and-sum it replaced).
_UNROLL_MAX = 4
# The binary search's first levels probe one of 1, 2, 4 known boundaries: selects, not gathers
# (a 128-piece cosine join under vmap: 9.5 -> 7.9 ms per 1M steps; a fourth level, 7 more
# selects, gained less than it cost in lax.scan).
_SELECT_LEVELS = 3


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


def sorted_steps(steps: Array, dtype: Any) -> Array:
    """Boundaries in `dtype`, made >= 0 and non-decreasing (a running max): traced ones
    cannot be checked, so they are clamped; valid ones are unchanged."""
    return jnp.maximum(jax.lax.cummax(steps.astype(dtype)), 0)


def find_piece(bounds: Array, t: Array, inclusive: bool = True) -> tuple[Array, Array]:
    """The piece at each step, the number of boundaries <= t (< t if not `inclusive`), and
    where it starts: the last such boundary, or 0."""
    n = bounds.shape[0]
    if n <= _UNROLL_MAX:  # a few boundaries: one compare and select each, all fused
        piece, start = jnp.zeros(t.shape, jnp.int32), jnp.zeros(t.shape, t.dtype)
        for bound in bounds.astype(t.dtype):
            right = t >= bound if inclusive else t > bound
            piece, start = piece + right.astype(jnp.int32), jnp.where(right, bound, start)
        return piece, start
    # Branchless binary search over the boundaries padded with +inf to 2**levels - 1: each level
    # is one lookup and one select, which XLA fuses better than jnp.searchsorted's loop. The
    # start is looked up once at the end: carried through the levels, each level's lookup had
    # two users, and XLA:CPU gave each its own loop over the steps (a 128-piece cosine join:
    # 7.8 -> 4.5 ms per 1M steps under vmap, 23 -> 16 ms in lax.scan).
    levels = math.ceil(math.log2(n + 1))
    padded = jnp.concatenate([bounds, jnp.full((2**levels - 1 - n,), jnp.inf, bounds.dtype)])
    piece = jnp.zeros(t.shape, jnp.int32)
    for level in reversed(range(levels)):
        width = 2**level
        if level >= levels - _SELECT_LEVELS:  # one of 2**k known boundaries
            candidates = range(0, 2**levels - 1, 2 * width)
            probe = padded[candidates[0] + width - 1]
            for c in candidates[1:]:
                probe = jnp.where(piece == c, padded[c + width - 1], probe)
        else:
            probe = padded[piece + (width - 1)]
        right = t >= probe if inclusive else t > probe
        piece = jnp.where(right, piece + width, piece)
    start = jnp.where(piece > 0, padded[jnp.maximum(piece - 1, 0)], 0).astype(t.dtype)
    return piece, start


# ----------------------------------------------------------------------------- stack


def stack(schedules: Sequence[Any]) -> Any:
    """Stacks schedules of the same structure into one batched schedule for `jax.vmap`.

    Every array leaf gains a leading axis of length `len(schedules)`; the structure (kind,
    options, user callables) must be the same for all. The result is meant to be mapped over:
    `jax.vmap(lambda s: s(steps))(stacked)` evaluates every schedule on `steps` at once. Any
    PyTrees holding schedules stack the same way: the optimizer states of transformations
    from `inject_hyperparams` that compare equal, for a sweep of whole training runs.

    Args:
        schedules: a non-empty sequence of schedules (or of PyTrees holding schedules) with
            the same PyTree structure.

    Returns:
        A schedule (or PyTree) of the same kind whose leaves have a leading batch axis.

    Examples:
        >>> import jax, jax.numpy as jnp, schedax as sx
        >>> sweep = sx.stack([sx.cosine_decay(p, 100) for p in (0.1, 0.2, 0.3)])
        >>> jax.vmap(lambda s: s(jnp.arange(3)))(sweep).shape
        (3, 3)
    """
    schedules = list(schedules)
    if not schedules:
        raise ValueError("stack: schedules must not be empty")
    is_module = lambda x: isinstance(x, Module)  # noqa: E731
    for i, s in enumerate(schedules):
        holds = any(map(is_module, jax.tree.leaves(s, is_leaf=is_module)))
        if not holds or isinstance(schedules[0], Schedule) and not isinstance(s, Schedule):
            raise TypeError(f"stack: schedules[{i}] must be a schedax Schedule (or a PyTree "
                            f"holding schedules), got {type(s).__name__}")  # fmt: skip
    first = jax.tree_util.tree_structure(schedules[0])
    for i, s in enumerate(schedules[1:], 1):
        if jax.tree_util.tree_structure(s) != first:
            shown = (s, schedules[0]) if isinstance(s, Module) else (type(s), type(schedules[0]))
            raise ValueError(
                f"stack: schedules[{i}] has a different structure from schedules[0]; "
                f"got {shown[0]!r} and {shown[1]!r}"
            )
    return jax.tree.map(_stack_leaves, *schedules)


def _stack_leaves(*xs: Any) -> Array:
    """One leaf of many schedules, stacked: on the host when every value is concrete (a device
    stack of 10,000 scalars takes 60 times longer), else with `jnp.stack`."""
    if all(map(is_concrete, xs)):
        return jnp.asarray(np.stack([np.asarray(x) for x in xs]))
    return jnp.stack(xs)
