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

import contextlib
import dataclasses
import inspect
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np

from ._eager import eager
from ._habits import check_order, usage
from ._registry import REGISTRY, config_name, register
from ._rules import _STATIC, MISSING, Count, Rule, _bind, error_names, top_level
from ._util import (
    Shown,
    _short_repr,
    _to_device,
    compute_dtype,
    default_float,
    fmt,
    is_concrete,
    promote,
    to_array,
)

Array = jax.Array


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
                annotation=rule.annotation(),
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
        arguments = _bind(name, self.__signature__, args, kwargs).arguments
        raw, stored = {}, {}
        for field, arg, rule in self._fields:
            if rule is not None:
                raw[field] = arguments[arg]
                stored[field] = rule(name, arg, arguments[arg], on_host=True)
        on_host = [field for field, value in stored.items() if isinstance(value, np.ndarray)]
        if on_host:  # numbers checked on the host: to the device in one call (26 us for five,
            # 39 us each through jnp.asarray)
            with jax.ensure_compile_time_eval():  # concrete even inside jit
                # (0-d arrays as numpy scalars: the jit's argument path is faster for them)
                placed = _to_device(tuple(stored[f][()] if stored[f].ndim == 0 else stored[f]
                                          for f in on_host))  # fmt: skip
            stored.update(zip(on_host, placed, strict=True))
        for field, value in stored.items():
            object.__setattr__(self, field, value)
        with self._checking(raw):
            self._check()
            if top_level():
                self._check_habits()

    def _check_habits(self) -> None:
        """Another library's argument order on a schedax name: a length under one step is an
        error, numbers that read as that order a warning; both show the signature."""
        for field, arg, rule in self._fields:
            if not (isinstance(rule, Count) and (rule.positive or arg.endswith("_steps"))):
                continue
            value = self._raw[field]
            if isinstance(value, int | float):  # as written: no device round trip
                short = 0 < value < 1
            else:
                short = is_concrete(value) and value is not None and bool(
                    np.any((np.asarray(value) > 0) & (np.asarray(value) < 1)))  # fmt: skip
            if short:
                where, label = error_names(self._name, arg)
                make = REGISTRY.get(where, type(self))
                raise ValueError(f"{where}: {label} must be at least 1 step (a length), got "
                                 f"{fmt(value)}; the signature is "
                                 f"{usage(where, inspect.signature(make))}")  # fmt: skip
        check_order(self)

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
            where, label = error_names(self._name, arg)
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

    # Arithmetic with numbers and other schedules builds a schedule (`0.5 * s`, `warmup *
    # decay`, `s + 1e-5`); a stateful operand is refused there, saying why. numpy defers to
    # these (`np.float32(0.5) * s`) instead of making an object array.
    __array_ufunc__ = None

    def __add__(self, other: Any) -> Any:
        return _combine("add", self, other)

    def __radd__(self, other: Any) -> Any:
        return _combine("add", other, self)

    def __sub__(self, other: Any) -> Any:
        return _combine("subtract", self, other)

    def __rsub__(self, other: Any) -> Any:
        return _combine("subtract", other, self)

    def __mul__(self, other: Any) -> Any:
        return _combine("multiply", self, other)

    def __rmul__(self, other: Any) -> Any:
        return _combine("multiply", other, self)

    def __truediv__(self, other: Any) -> Any:
        return _combine("divide", self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return _combine("divide", other, self)

    def __neg__(self) -> Any:
        return _combine("negative", self)


def _combine(name: str, *operands: Any) -> Any:
    from . import _compose  # the combinators are schedules: they import this module

    return getattr(_compose, name)(*operands)


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

    Schedules combine with numbers and with each other into schedules: `+ - * /`, unary `-`,
    `minimum`, `maximum`, `clip`, `repeat` and `cooldown` (`0.5 * warmup * decay`).

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
        for field, _, rule in self._fields:
            leaf = getattr(self, field)
            if rule is not None and rule.ndim is not None and leaf is not None:
                if jnp.ndim(leaf) > rule.ndim:
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
