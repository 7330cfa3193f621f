"""Arguments: what each may hold (`Rule`), the fields that declare it, and whose arguments
errors name (`constructor`)."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import inspect
import math
import numbers
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np

if TYPE_CHECKING:
    from ._base import Schedule

from ._habits import foreign_keyword, usage
from ._registry import register
from ._util import (
    OPTIMIZER_HINT,
    _is_integer,
    _short_repr,
    as_real,
    canonical,
    default_float,
    default_int,
    fmt,
    has_optimizer_shape,
    host,
    int_range,
    is_concrete,
    is_integer_dtype,
    to_array,
)

Array = jax.Array
MISSING: Any = dataclasses.MISSING

# ----------------------------------------------------------------------------- who is calling

# While `constructor` functions run (one may call another: `get_scheduler` calls
# `get_cosine_schedule_with_warmup`), outermost first: each one's name, which of its arguments
# each argument of what it calls comes from, and whether it is a compat function. An error
# names the outermost function the user called and its own argument (`StepLR: gamma must be
# > 0`, not `exponential_decay: decay_rate ...`).
_CALLERS: contextvars.ContextVar[tuple[tuple[str, dict[str, str], bool], ...]] = (
    contextvars.ContextVar("schedax_callers", default=())
)


# While `grid` builds a sweep: scalar arguments may be 1-D arrays of values, checked at once.
_SWEEP: contextvars.ContextVar[bool] = contextvars.ContextVar("schedax_sweep", default=False)


def error_names(where: str, arg: str) -> tuple[str, str]:
    """The (function, argument) to name in an error about argument `arg` of `where`: mapped
    through the `names` tables of the constructor functions running, from `where`'s caller
    outwards, as far as each maps it (an argument a function computed from its own, which it
    checked itself, stops there)."""
    chain = _CALLERS.get()
    names = [name for name, _, _ in chain]
    callers = chain[: names.index(where)] if where in names else chain
    base, bracket, index = arg.partition("[")  # schedules[1] -> schedulers[1]
    for name, table, _ in reversed(callers):
        mapped = table.get(base)
        if mapped is None:
            break
        where, base = name, mapped
    return where, base + bracket + index


def top_level() -> bool:
    """Whether the constructor running was called by the user under a schedax name (not
    through a compat function, which gives its library's meaning to every input)."""
    return not any(compat for _, _, compat in _CALLERS.get())


@contextlib.contextmanager
def calling(name: str, names: dict[str, str], compat: bool) -> Iterator[None]:
    """Runs the body as constructor function `name`, whose `names` map what it calls to its
    own arguments."""
    token = _CALLERS.set((*_CALLERS.get(), (name, names, compat)))
    try:
        yield
    finally:
        _CALLERS.reset(token)


def constructor(
    fn: Callable | None = None,
    /,
    *,
    names: dict[str, str] | None = None,
    config: bool = True,
    **rules: Rule,
) -> Any:
    """Registers a function that maps its arguments onto a curve (an alias or a compat name).

    The function's own rules (`rules`, by argument) are checked first, with the function's
    name. An error raised by a curve it builds names the function and its argument of the
    same name, or the one `names` maps the curve's argument to (`{"decay_rate": "gamma"}`);
    else the curve's (a value the function computed). Registered for configs as its name,
    prefixed by its compat module (`torch.StepLR`).
    """

    def wrap(fn: Callable) -> Callable:
        signature = inspect.signature(fn)
        module = fn.__module__.rpartition(".")[2]
        compat = ".compat." in fn.__module__
        name = f"{module}.{fn.__name__}" if compat else fn.__name__
        table = {arg: arg for arg in signature.parameters} | (names or {})

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            bound = _bind(fn.__name__, signature, args, kwargs, compat)
            with calling(fn.__name__, table, compat):
                for arg, rule in rules.items():
                    checked = rule(fn.__name__, arg, bound.arguments[arg])
                    if isinstance(bound.arguments[arg], np.generic):  # np.int8(5) * 100 wraps:
                        bound.arguments[arg] = checked  # the function gets the rule's array
                return fn(*bound.args, **bound.kwargs)

        call.names = table  # type: ignore[attr-defined]  # for functions forwarding **kwargs
        if config:  # (not a function returning something else than a schedule)
            register(name, call)
        return call

    return wrap if fn is None else wrap(fn)


def _bind(
    name: str, signature: inspect.Signature, args: Any, kwargs: Any, compat: bool = False
) -> inspect.BoundArguments:
    for keyword in () if compat else kwargs:
        if keyword not in signature.parameters:
            said = foreign_keyword(name, signature, keyword)
            if said:
                raise TypeError(f"{name}: {said}")
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as error:
        hint = OPTIMIZER_HINT if args and has_optimizer_shape(args[0]) else ""
        chain = _CALLERS.get()  # a function the user called forwarded these (its **kwargs)
        caller = f"{chain[0][0]}: " if chain and chain[0][0] != name else ""
        raise TypeError(f"{caller}{name}: {error}; the signature is "
                        f"{usage(name, signature, compat)}{hint}") from None  # fmt: skip
    bound.apply_defaults()
    return bound


# ----------------------------------------------------------------------------- rules


class Rule:
    """What an argument may hold, and how it is stored: one subclass per kind of argument.

    `Param` (a finite real scalar, stored as a floating array: a value or rate), `Count` (a
    finite real number of steps, stored as the default float, or an integer with `integer`;
    `whole` admits only whole numbers), `Steps` (a 1-D array of steps, >= 0 and non-decreasing
    unless not `ordered`), `Values` (a 1-D array of finite floats), `Size` (a Python int that
    shapes a state), `Flag` (a real bool), `Option` (one of `choices`), `Function` (a
    callable), `ScheduleArg` and `SchedulesArg` (a schedax schedule, a sequence of them).
    Bounds (`gt`, `ge`, `lt`, `le`) apply to numbers; `optional` admits None. Concrete values
    are checked; traced ones cannot be, and the formulas clamp them.
    """

    kind: ClassVar[str]  # the field's kind, as the classes that hold fields ask for it
    shown: ClassVar[str]  # the type the reference shows for the argument
    ndim: ClassVar[int | None] = None  # an array leaf's rank (None: not an array leaf)
    length: ClassVar[bool] = False  # lengths and boundaries: floating, however written

    def __init__(
        self,
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
        policy: bool = False,
    ):
        self.integer, self.choices, self.optional = integer, choices, optional
        self.whole = whole
        self.ordered = ordered
        self.bounds = [(op, v) for op, v in (("gt", gt), ("ge", ge), ("lt", lt), ("le", le))
                       if v is not None]  # fmt: skip
        self.positive = gt == 0  # a length: a schedax name refuses one under a step
        self.allowed = allowed
        # The bounds are schedax's policy, not the formula's: a compat constructor, whose
        # library takes any finite value here, passes any (a negative threshold, min_lr...).
        self.policy = policy

    def annotation(self) -> str:
        """The argument's type as the API reference shows it."""
        shown = "int" if self.integer else self.shown
        return f"{shown} | None" if self.optional else shown

    def __call__(self, where: str, arg: str, value: Any, on_host: bool = False) -> Any:
        """`value` checked and converted. Numbers given on the host (Python, numpy) are checked
        there; with `on_host` they stay numpy arrays, which a constructor puts on the device
        in one call, else each becomes a JAX array."""
        if value is None and self.optional:
            return None
        stored = self.convert(where, arg, value)
        if self.ndim is None:
            return stored
        if self.length and not self.integer and is_integer_dtype(stored.dtype):
            stored = stored.astype(default_float())  # gradients reach lengths
        if isinstance(stored, np.ndarray):
            return stored if on_host else jnp.asarray(stored)
        return canonical(stored)

    def convert(self, where: str, arg: str, x: Any) -> Any:
        """`x` checked and converted by this kind's rule."""
        raise NotImplementedError

    # -- errors

    def _fail(self, where: str, arg: str, text: str, error: type = ValueError) -> Any:
        where, arg = error_names(where, arg)
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
        if not self.bounds or not is_concrete(value) or (self.policy and not top_level()):
            return
        v = host(raw, value)
        if not all(_TESTS[op](v, bound).all() for op, bound in self.bounds):
            self._fail(where, arg, f"must be {self._describe_bounds()}, got {fmt(value)}")

    # -- kinds

    def _real(self, where: str, arg: str, x: Any) -> Array:
        """A real scalar: a numpy array for a number given on the host, else the JAX array."""
        try:
            arr, got = as_real(x, on_host=True)
        except OverflowError:
            self._fail(where, arg, f"must be finite, got an integer of {len(str(x))} digits")
        if arr is None:
            hint = OPTIMIZER_HINT if has_optimizer_shape(x) else ""
            if isinstance(x, str) and _numeric_text(x):
                hint = ("; a number as text, as YAML 1.1 (PyYAML's safe_load) reads 3e-4: read "
                        "config files with schedax.load_config, or write 3.0e-4")  # fmt: skip
            self._fail(where, arg, f"must be a real number, got {got}{hint}", TypeError)
        if arr.ndim > (1 if _SWEEP.get() else 0):  # a grid's axes are 1-D
            self._fail(where, arg, f"must be a scalar, got shape {tuple(arr.shape)}")
        if is_concrete(arr) and not np.isfinite(host(x, arr)).all():
            self._fail(where, arg, f"must be finite, got {fmt(arr)}")
        if self.integer and not is_integer_dtype(arr.dtype):
            if _is_integer(x):  # an integer beyond the default integer's range
                self._fail(where, arg, f"must be at most {int_range().max} (enable "
                           f"jax_enable_x64 for more), got {x}")  # fmt: skip
            v = host(x, arr) if is_concrete(arr) else None
            if (
                v is None
                or not (v == np.floor(v)).all()
                or not (np.abs(v) <= int_range().max).all()
            ):
                self._fail(where, arg, f"must be a whole number, got {fmt(arr)}", TypeError)
            arr = np.asarray(v).astype(default_int())  # 2.0 is the count 2 (torch, Keras)
        return arr

    def _check_whole(self, where: str, arg: str, raw: Any, value: Array) -> None:
        if self.whole and is_concrete(value):
            v = host(raw, value)
            if not (v == np.floor(v)).all():
                self._fail(where, arg, f"must be a whole number of steps, got {fmt(value)}")

    def _sequence(self, where: str, arg: str, x: Any, noun: str, what: str) -> Array:
        if isinstance(x, str) or not isinstance(x, Sequence | jax.Array | np.ndarray):
            self._fail(where, arg, f"must be a sequence of {noun}, got {type(x).__name__} {x!r}",
                       TypeError)  # fmt: skip
        if isinstance(x, Sequence):
            for i, v in enumerate(x):
                if isinstance(v, bool | np.bool_) or not isinstance(
                    v, numbers.Real | jax.Array | np.ndarray | np.generic
                ):
                    self._fail(where, arg, f"must hold {what}, got {type(v).__name__} "
                               f"{_short_repr(v)}", TypeError)  # fmt: skip
                if isinstance(v, jax.Array | np.ndarray) and np.ndim(v):
                    self._fail(where, f"{arg}[{i}]", f"must be a scalar, got shape {np.shape(v)}")
        try:
            arr = to_array(x, on_host=True) if len(x) else np.zeros((0,), np.int32)
        except OverflowError:
            self._fail(where, arg, "must hold finite numbers, got an integer beyond the float "
                       "range")  # fmt: skip
        if not (is_integer_dtype(arr.dtype) or jnp.issubdtype(arr.dtype, jnp.floating)):
            self._fail(where, arg, f"must hold real numbers, got dtype {arr.dtype}", TypeError)
        if arr.ndim != 1:
            self._fail(where, arg, f"must be one-dimensional, got shape {tuple(arr.shape)}")
        return arr


class Param(Rule):
    """A value or rate: a finite real scalar, stored as a floating array."""

    kind = "param"
    shown = "float"
    ndim = 0

    def convert(self, where: str, arg: str, x: Any) -> Array:
        arr = self._real(where, arg, x)
        if is_integer_dtype(arr.dtype):  # integers become the default float
            arr = arr.astype(default_float())
        if is_concrete(arr) and not np.isfinite(np.asarray(arr)).all():
            self._fail(where, arg, f"must be finite in {arr.dtype}, got {x}")  # 2**200, f32
        self._check_bounds(where, arg, x, arr)
        return arr


class Count(Rule):
    """A length or position in steps: a finite real scalar, stored as the default float."""

    kind = "count"
    shown = "float"
    ndim = 0
    length = True

    def convert(self, where: str, arg: str, x: Any) -> Array:
        arr = self._real(where, arg, x)
        self._check_bounds(where, arg, x, arr)
        self._check_whole(where, arg, x, arr)
        return arr


class Steps(Rule):
    """Boundaries: a 1-D array of steps, >= 0 and non-decreasing (unless not `ordered`)."""

    kind = "steps"
    shown = "Sequence[float]"
    ndim = 1
    length = True

    def convert(self, where: str, arg: str, x: Any) -> Array:
        steps = self._sequence(where, arg, x, "steps", "numbers of steps")
        if is_concrete(steps):
            values = np.asarray(steps, np.float64)
            for ok, allowed in (
                (np.all(np.isfinite(values)), "finite"),
                (np.all(values >= 0), ">= 0"),
                (not self.ordered or np.all(np.diff(values) >= 0), "non-decreasing"),
            ):
                if not ok:
                    self._fail(where, arg, f"must be {allowed}, got {fmt(steps)}")
        self._check_whole(where, arg, x, steps)
        return steps


class Values(Rule):
    """A 1-D array of finite floating values."""

    kind = "values"
    shown = "Sequence[float]"
    ndim = 1

    def convert(self, where: str, arg: str, x: Any) -> Array:
        values = self._sequence(where, arg, x, "numbers", "numbers")
        if is_integer_dtype(values.dtype):
            values = values.astype(default_float())
        if is_concrete(values):
            bad = np.flatnonzero(~np.isfinite(np.asarray(values, np.float64)))
            if bad.size:
                self._fail(where, f"{arg}[{bad[0]}]", f"must be finite, got {values[bad[0]]}")
        return values


class Size(Rule):
    """A Python int that shapes a state (a window): structure."""

    kind = "size"
    shown = "int"

    def convert(self, where: str, arg: str, x: Any) -> int:
        if isinstance(x, numbers.Real) and not math.isfinite(x):
            self._fail(where, arg, f"must be finite, got {x}")
        if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Integral):
            self._fail(where, arg, f"must be a Python int, got {type(x).__name__} "
                       f"{_short_repr(x)}", TypeError)  # fmt: skip
        self._check_bounds(where, arg, x, np.asarray(int(x)))
        return int(x)


class Flag(Rule):
    """A real bool: structure."""

    kind = "flag"
    shown = "bool"

    def convert(self, where: str, arg: str, x: Any) -> bool:
        if not isinstance(x, bool | np.bool_):
            self._fail(where, arg, f"must be a bool, got {type(x).__name__}", TypeError)
        return bool(x)


class Option(Rule):
    """One of `choices`: structure."""

    kind = "option"
    shown = "str"

    def convert(self, where: str, arg: str, x: Any) -> Any:
        if not any(x == c and type(x) is type(c) for c in self.choices or ()):
            self._fail(where, arg, f"must be one of {self.choices}, got {x!r}")
        return x


class Function(Rule):
    """A user function: structure."""

    kind = "function"
    shown = "Callable"

    def convert(self, where: str, arg: str, x: Any) -> Callable:
        from ._base import Module, Schedule

        if not callable(x) or (isinstance(x, Module) and not isinstance(x, Schedule)):
            self._fail(where, arg, f"must be {self.allowed or 'a callable'}, got "
                       f"{type(x).__name__} {x!r}", TypeError)  # fmt: skip
        return x


def stateful(where: str, arg: str, x: Any) -> TypeError:
    """The error for a stateful schedule where a function of the step is needed."""
    where, arg = error_names(where, arg)
    return TypeError(f"{where}: {arg} is stateful ({x._name}): its value depends on what it "
                     f"has observed, not on the step alone; {where} takes stateless schedules "
                     "(step -> lr)")  # fmt: skip


class ScheduleArg(Rule):
    """A schedax schedule (a PyTree child)."""

    kind = "schedule"
    shown = "Schedule"

    def convert(self, where: str, arg: str, x: Any) -> Schedule:
        from ._base import Module, Schedule  # the base imports the rules

        if isinstance(x, Module) and not isinstance(x, Schedule):
            raise stateful(where, arg, x)
        if not isinstance(x, Schedule):
            self._fail(where, arg, f"must be a schedax Schedule, got {type(x).__name__}",
                       TypeError)  # fmt: skip
        return x


class Operand(Rule):
    """A schedax schedule (a PyTree child) or a number (a floating leaf, as `Param` stores it)."""

    kind = "operand"
    shown = "Schedule | float"

    def __call__(self, where: str, arg: str, value: Any, on_host: bool = False) -> Any:
        from ._base import Module, Schedule

        if value is None and self.optional:
            return None
        if isinstance(value, Schedule):
            if value._batched():
                self._fail(where, arg, "is a stacked (batched) schedule; compose the single "
                           "schedules, then stack the results")  # fmt: skip
            return value
        if isinstance(value, Module):
            raise stateful(where, arg, value)
        if callable(value):
            self._fail(where, arg, f"must be a schedax Schedule or a real number, got "
                       f"{fmt(value)}; wrap a function of the step with lambda_lr",
                       TypeError)  # fmt: skip
        try:
            real, got = as_real(value, on_host=True)
        except OverflowError:  # a number: Param says what is wrong with it
            real, got = value, ""
        if real is None:
            self._fail(where, arg, f"must be a schedax Schedule or a real number, got {got}",
                       TypeError)  # fmt: skip
        return Param()(where, arg, value, on_host)


class SchedulesArg(Rule):
    """A sequence of schedax schedules, stored as a tuple of PyTree children."""

    kind = "schedules"
    shown = "Sequence[Schedule]"

    def convert(self, where: str, arg: str, x: Any) -> tuple[Schedule, ...]:
        from ._base import Module, Schedule

        if isinstance(x, Module) or not isinstance(x, Sequence):
            self._fail(where, arg, f"must be a sequence of schedules, got {fmt(x)}", TypeError)
        for i, s in enumerate(x):
            if not isinstance(s, Schedule):
                self._fail(where, f"{arg}[{i}]", "must be a schedax Schedule, got "
                           f"{type(s).__name__}", TypeError)  # fmt: skip
        return tuple(x)


def _numeric_text(text: str) -> bool:
    """Whether `text` is a number YAML 1.1 reads as a string: an exponent without a dot."""
    return re.fullmatch(r"[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+", text.strip()) is not None


_TESTS = {"gt": np.greater, "ge": np.greater_equal, "lt": np.less, "le": np.less_equal}


# ----------------------------------------------------------------------------- fields

_LEAF, _STATIC, _CHILD = "leaf", "static", "child"


def _field(where: str, rule: Rule | None, default: Any, arg: str | None, kw_only: bool) -> Any:
    return dataclasses.field(
        default=default, kw_only=kw_only, metadata={"where": where, "rule": rule, "arg": arg}
    )


def param(
    default: Any = MISSING, *, arg: str | None = None, kw_only: bool = False,
    optional: bool = False, policy: bool = False, **bounds: float,
) -> Any:  # fmt: skip
    """A floating hyperparameter (a value, rate or fraction): an array leaf that sets the
    output dtype. `bounds`: `gt`, `ge`, `lt`, `le`. `arg`: the constructor's name for it, where
    the field cannot have that name (`init` is a method of stateful schedules)."""
    return _field(_LEAF, Param(optional=optional, policy=policy, **bounds), default, arg, kw_only)


def count(
    default: Any = MISSING, *, arg: str | None = None, kw_only: bool = False,
    integer: bool = False, whole: bool = False, optional: bool = False, policy: bool = False,
    **bounds: float,
) -> Any:  # fmt: skip
    """A length or position in steps: an array leaf kept as given (integer or floating)."""
    rule = Count(integer=integer, whole=whole, optional=optional, policy=policy, **bounds)
    return _field(_LEAF, rule, default, arg, kw_only)


def schedule() -> Any:
    """A schedule (a PyTree child)."""
    return _field(_CHILD, ScheduleArg(), MISSING, None, False)


def operand(default: Any = MISSING) -> Any:
    """A schedule (a PyTree child) or a number (an array leaf)."""
    return _field(_CHILD, Operand(optional=default is None), default, None, False)


def schedules() -> Any:
    """A sequence of schedules (stored as a tuple of PyTree children)."""
    return _field(_CHILD, SchedulesArg(), MISSING, None, False)


def steps(default: Any = MISSING) -> Any:
    """A 1-D array of steps, >= 0 and non-decreasing (boundaries)."""
    return _field(_LEAF, Steps(), default, None, False)


def values(default: Any = MISSING) -> Any:
    """A 1-D array of finite floating hyperparameters."""
    return _field(_LEAF, Values(), default, None, False)


def size(default: Any = MISSING, *, kw_only: bool = False, **bounds: float) -> Any:
    """A whole number that sets the shape of a state (a window's length): structure."""
    return _field(_STATIC, Size(**bounds), default, None, kw_only)


def flag(default: Any = MISSING, *, kw_only: bool = False) -> Any:
    """A bool option: structure, so each value compiles its own program."""
    return _field(_STATIC, Flag(), default, None, kw_only)


def option(choices: tuple[Any, ...], default: Any = MISSING, *, kw_only: bool = False) -> Any:
    """One of `choices` (strings): structure."""
    return _field(_STATIC, Option(choices=choices), default, None, kw_only)


def function(allowed: str, default: Any = MISSING) -> Any:
    """A user function: structure (a new function is a new compilation)."""
    return _field(_STATIC, Function(allowed=allowed), default, None, False)


def static() -> Any:
    """Structure set by a constructor function, not an argument."""
    return _field(_STATIC, None, MISSING, None, False)


def child() -> Any:
    """Nested schedules (PyTree children), set by a constructor function."""
    return _field(_CHILD, None, MISSING, None, False)
