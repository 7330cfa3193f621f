"""Small helpers every module uses: default dtypes, strong leaves, real numbers, text for values."""

from __future__ import annotations

import dataclasses
import numbers
import pathlib
import sys
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

Array = jax.Array

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
_identity = jax.jit(lambda values: values)


def _to_device(values: tuple[Any, ...]) -> tuple[Array, ...]:
    """Numbers checked on the host, put on the device in one call (26 us for five, 39 us each
    through jnp.asarray); under `jax.disable_jit()`, where the call returns them as given,
    one by one."""
    if jax.config.jax_disable_jit:
        return tuple(jnp.asarray(v) for v in values)
    return _identity(values)


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
    from ._base import Module  # the base imports these helpers

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


def is_integer_dtype(dtype: Any) -> bool:
    """Whether `dtype` is an integer dtype (`jnp.issubdtype(dtype, jnp.integer)`, 20x faster:
    constructors ask it of every argument)."""
    return np.dtype(dtype).kind in "iu"


def to_array(x: Any, on_host: bool = False) -> Array:
    """A number, numpy value or list of numbers as an array of JAX's dtypes, without wrapping
    integers: a JAX array, or with `on_host` a numpy one (a JAX array stays as it is).

    Python numbers stay weakly typed (on the host: JAX's default dtypes). Integers beyond
    JAX's default integer (int32 unless `jax_enable_x64`) become floating point instead of
    wrapping around; Fractions and other `numbers.Real` become floats. Raises OverflowError
    for integers beyond the float range.
    """
    if isinstance(x, jax.Array):
        return x
    if on_host and type(x) is float:  # most arguments: straight to the default dtypes
        with np.errstate(over="ignore"):  # 1e200 in float32 is inf, as JAX would store it
            return np.asarray(x, default_float())
    if on_host and type(x) is int and _fits(x):
        return np.asarray(x, default_int())
    if isinstance(x, list | tuple) and any(isinstance(v, jax.Array) for v in x):
        return jnp.stack([to_array(v) for v in x])  # traced elements: one stack
    if not on_host and isinstance(x, int | float):  # bool was rejected before
        return jnp.asarray(x if not isinstance(x, int) or _fits(x) else float(x))
    if isinstance(x, numbers.Real) and not isinstance(x, int | float | np.generic):
        x = float(x)  # Fraction, and other real types
    array = np.asarray(x)
    if array.dtype == object:  # Python ints beyond int64, Fractions
        array = np.asarray([float(v) for v in array.ravel()]).reshape(array.shape)
    if (
        np.issubdtype(array.dtype, np.integer)
        and array.size
        and not (_fits(int(array.min())) and _fits(int(array.max())))
    ):
        array = array.astype(np.float64)
    if not on_host:
        return jnp.asarray(array)
    dtype = jax.dtypes.canonicalize_dtype(array.dtype)
    if dtype == array.dtype:
        return array
    with np.errstate(over="ignore"):  # 1e200 in float32 is inf, as JAX would store it
        return array.astype(dtype)


def as_real(x: Any, on_host: bool = False) -> tuple[Array | None, str]:
    """`x` as an integer or floating array (`to_array`), or None and what it was instead
    (`"str 'a'"`, `"dtype complex64"`): the one test of "a real number". Raises OverflowError
    for integers beyond the float range."""
    if isinstance(x, str | bytes | bool | np.bool_) or not isinstance(
        x, numbers.Real | jax.Array | np.ndarray | np.generic
    ):
        return None, f"{type(x).__name__} {_short_repr(x)}"
    if isinstance(x, np.ndarray | np.generic) and not (
        np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)
    ):
        return None, f"dtype {x.dtype}"
    arr = to_array(x, on_host)
    if not (jnp.issubdtype(arr.dtype, jnp.integer) or jnp.issubdtype(arr.dtype, jnp.floating)):
        return None, f"dtype {arr.dtype}"
    return arr, ""


def has_optimizer_shape(x: Any) -> bool:
    """Whether `x` looks like a torch or Keras optimizer (passed where a learning rate goes)."""
    return hasattr(x, "param_groups") or hasattr(x, "learning_rate") and hasattr(x, "apply")


OPTIMIZER_HINT = (
    "; schedax schedules take the learning rate, not the optimizer: pass the optimizer's "
    "learning rate as the first argument"
)


def _fits(x: int) -> bool:
    """Whether a Python int fits JAX's default integer."""
    info = int_range()
    return info.min <= x <= info.max


def host(raw: Any, value: Array) -> np.ndarray:
    """A concrete value on the host, as float64: a Python number as given (no transfer from
    the device), else the array's."""
    if isinstance(raw, int | float | np.integer | np.floating) and abs(raw) < 2**53:
        return np.float64(raw)  # a number as written (numpy's too), before it is stored
    return np.asarray(value, np.float64)


def _is_integer(x: Any) -> bool:
    return isinstance(x, int) or np.issubdtype(np.asarray(x).dtype, np.integer)


def _short_repr(x: Any, limit: int = 60) -> str:
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_PACKAGE = str(pathlib.Path(__file__).parent)


def warn(text: str, category: type[Warning] = UserWarning) -> None:
    """A warning (`UserWarning` unless said) pointing at the user's line: the first caller
    outside schedax."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(text, category, stacklevel=level)
