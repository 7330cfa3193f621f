"""Schedules to and from plain dicts (JSON- and YAML-safe), with the constructors' own names."""

from __future__ import annotations

import difflib
import inspect
import json
import os
import pathlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import jax
import jax.numpy as jnp
import numpy as np

from ._base import Module, Schedule
from ._registry import REGISTRY, config_name
from ._util import default_float

if TYPE_CHECKING:
    from ._stateful import StatefulSchedule


def constructors() -> dict[str, Callable[..., Any]]:
    """Every schedule constructor a config can name: the core curves, registered when they are
    defined, and the compat layers' names (`torch.StepLR`), registered when imported."""
    from .compat import keras, optax, timm, torch, transformers  # noqa: F401  (importing registers their constructors)

    return dict(sorted(REGISTRY.items()))


def _plain(fn: str, key: str, value: Any) -> Any:
    if isinstance(value, Module):
        return to_config(value)
    if isinstance(value, list | tuple):
        return [_plain(fn, key, v) for v in value]
    if isinstance(value, jax.core.Tracer):
        raise TypeError(f"{fn}: {key} is traced; call to_config outside jit, vmap and grad")
    if isinstance(value, jax.Array | np.ndarray | np.generic):
        array = np.asarray(value)
        if array.ndim > 1:
            raise ValueError(
                f"{fn}: {key} has shape {array.shape}; stacked schedules have no config"
            )
        plain = _shortest(array) if array.ndim == 0 else [_shortest(x) for x in array]
        if jnp.issubdtype(array.dtype, jnp.floating) and array.dtype != default_float():
            return {"value": plain, "dtype": array.dtype.name}  # bfloat16 stays bfloat16
        return plain
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    raise TypeError(f"{fn}: {key} of type {type(value).__name__} has no config form")


def to_config(schedule: Schedule | StatefulSchedule) -> dict[str, Any]:
    """A schedule as a plain dict: `{"name": constructor, **arguments}`.

    The dict holds only strings, numbers, booleans, lists and nested dicts (JSON- and
    YAML-safe), with the constructor's own argument names, so a Hydra or YAML config can name a
    schedule directly. Joins and compat layers nest to any depth. `from_config` inverts it.

    Args:
        schedule: a built-in schedax schedule, stateless or stateful.

    Returns:
        The config dict.

    Raises:
        TypeError: the schedule holds a user function (`lambda_lr`, `learning_rate_scheduler`,
            torch's `LambdaLR`...), or is not a schedax schedule.

    Examples:
        >>> import schedax as sx
        >>> sx.to_config(sx.cosine_decay(3e-4, 1000))  # doctest: +NORMALIZE_WHITESPACE
        {'name': 'cosine_decay', 'init': 0.0003, 'decay_steps': 1000, 'end': 0.0,
         'exponent': None, 'periodic': False, 'offset': 0}
    """
    fn = "to_config"
    if not isinstance(schedule, Module):
        raise TypeError(f"{fn}: schedule must be a schedax schedule, got {type(schedule).__name__}")
    config = {"name": config_name(type(schedule))}
    for key, value in schedule._config_items():
        if callable(value) and not isinstance(value, Module):
            raise TypeError(
                f"{fn}: {schedule._name} holds a user function ({key}) and cannot be "
                "serialized; build it in code, or use a schedule without a function"
            )
        config[key] = _plain(fn, key, value)
    return config


def _shortest(value: Any) -> int | float:
    """A scalar as the Python number that prints like its own dtype (0.1, not 0.10000000149)."""
    array = np.asarray(value)
    if np.issubdtype(array.dtype, np.integer):
        return int(array)
    return float(str(array[()]))


def from_config(config: dict[str, Any]) -> Schedule | StatefulSchedule:
    """The schedule a `to_config` dict describes.

    Args:
        config: `{"name": constructor, **arguments}`; nested schedules are dicts too.

    Returns:
        The schedule, with the same values at every step and the same PyTree structure as the
        one the config came from.

    Raises:
        ValueError: an unknown name or argument (the error names the key and suggests the
            closest valid one), or a bad value (the constructor's own error).

    Examples:
        >>> import schedax as sx
        >>> sx.from_config({"name": "cosine_decay", "init": 0.1, "decay_steps": 100})
        cosine_decay(init=0.1, decay_steps=100)
    """
    fn = "from_config"
    if isinstance(config, str | os.PathLike):
        raise TypeError(f"{fn}: config must be a dict, got {type(config).__name__}; read a "
                        "config file or text with schedax.load_config")  # fmt: skip
    if not isinstance(config, dict):
        raise TypeError(f"{fn}: config must be a dict, got {type(config).__name__}")
    _check_size(config)
    if "name" not in config:
        raise ValueError(f"{fn}: config has no 'name' key; got keys {sorted(map(str, config))}")
    known = constructors()
    name = config["name"]
    if not isinstance(name, str):
        raise TypeError(f"{fn}: name must be a schedule name (a str), got {name!r:.60}")
    if name not in known:
        raise ValueError(f"{fn}: unknown schedule name {name!r}{_suggest(name, known)}")
    make = known[name]
    parameters = inspect.signature(make).parameters
    # A function taking **kwargs (transformers' plateau and greedy) hands them on: the
    # constructor it calls names what it does not take.
    named = {k for k, p in parameters.items() if p.kind != p.VAR_KEYWORD}
    open_ = len(named) < len(parameters)
    kwargs = {}
    for key, value in config.items():
        if key == "name":
            continue
        if not isinstance(key, str) or key not in named and not open_:
            raise ValueError(
                f"{fn}: {name} has no argument {key!r}{_suggest(str(key), parameters)}"
            )
        kwargs[key] = _build(value)
    return make(**kwargs)


# A config is read whole before anything is built: at most this many values (a list of 100,000
# boundaries fits) and this deep (joins of joins, 16 levels), so a small file whose aliases
# expand to billions of values, or nesting that would exhaust the stack, is refused at once.
MAX_VALUES = 200_000
MAX_DEPTH = 48


def _check_size(config: Any) -> None:
    """Counts the values of `config` as they would be copied (a YAML alias counts each time it
    is used), stopping at the limits."""
    count, stack = 0, [(config, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise ValueError(f"from_config: the config holds more than {MAX_VALUES} values")
        if depth > MAX_DEPTH:
            raise ValueError(f"from_config: the config is nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list | tuple):
            stack.extend((v, depth + 1) for v in value)


def _build(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"value", "dtype"}:  # a typed value
        return _typed(value["value"], value["dtype"])
    if isinstance(value, dict) and "name" in value:
        return from_config(value)
    if isinstance(value, list):
        return [_build(v) for v in value]
    return value


def _typed(value: Any, dtype: Any) -> Any:
    try:
        dtype = jnp.dtype(dtype)
    except TypeError:
        raise ValueError(f"from_config: unknown dtype {dtype!r}") from None
    if not jnp.issubdtype(dtype, jnp.floating):
        raise ValueError(f"from_config: dtype must be a float type, got {dtype.name!r}")
    return jnp.asarray(np.asarray(value, np.float64).astype(dtype))


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; valid: {', '.join(sorted(choices))}"


# A config file larger than this is not a config.
MAX_CONFIG_BYTES = 1 << 20


def load_config(source: str | os.PathLike) -> Schedule | StatefulSchedule:
    """The schedule a config file or text describes: JSON, or YAML (with PyYAML).

    YAML numbers are read as YAML 1.2 reads them: `lr: 3e-4` is a float (PyYAML's
    `safe_load` follows YAML 1.1 and reads it as the string "3e-4"). The `schedax` command
    reads configs the same way.

    Args:
        source: a path to a `.json`, `.yaml` or `.yml` file, or the config itself as JSON text
            (starting with `{`).

    Returns:
        The schedule, as `from_config` builds it.

    Raises:
        ValueError: a file that cannot be read or parsed, or a bad config (`from_config`'s
            errors).

    Examples:
        >>> import schedax as sx
        >>> sx.load_config('{"name": "cosine_decay", "init": 3e-4, "decay_steps": 100}')
        cosine_decay(init=0.0003, decay_steps=100)
    """
    try:
        return from_config(_read("load_config", source))
    except RecursionError as error:
        raise ValueError("load_config: the config is nested too deeply") from error


def _read(fn: str, source: str | os.PathLike) -> Any:
    text, is_yaml = os.fspath(source), False
    if not isinstance(text, str):
        raise TypeError(f"{fn}: source must be a path or JSON text, got {type(source).__name__}")
    if not text.lstrip().startswith(("{", "[")):  # else JSON text
        path = pathlib.Path(text)
        try:
            if not path.is_file():
                raise ValueError(f"{fn}: config {text[:60]!r} is neither a file nor inline JSON")
            with path.open("rb") as file:
                data = file.read(MAX_CONFIG_BYTES + 1)
        except OSError as error:
            raise ValueError(f"{fn}: cannot read config {text[:60]!r}: "
                             f"{error.strerror or error}") from error  # fmt: skip
        if len(data) > MAX_CONFIG_BYTES:
            raise ValueError(f"{fn}: config {path} is larger than {MAX_CONFIG_BYTES} bytes")
        try:
            text = data.decode()
        except UnicodeDecodeError as error:
            raise ValueError(f"{fn}: config {path} is not UTF-8 text") from error
        is_yaml = path.suffix in (".yaml", ".yml")
    if not is_yaml:
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"{fn}: cannot parse the config as JSON: {error}") from error
    try:
        import yaml
    except ImportError as error:
        raise ValueError(f"{fn}: YAML configs need PyYAML: pip install pyyaml") from error
    try:
        return yaml.load(text, Loader=_yaml_loader())  # noqa: S506 (a safe loader)
    except yaml.YAMLError as error:
        first = str(error).splitlines()[0]
        raise ValueError(f"{fn}: cannot parse the config as YAML: {first}") from error


def _yaml_loader() -> Any:
    """PyYAML's safe loader, reading `3e-4` as a float (YAML 1.2 does; YAML 1.1, which PyYAML
    follows, wants `3.0e-4`)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    exponent = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")
    Loader.add_implicit_resolver("tag:yaml.org,2002:float", exponent, list("-+0123456789."))
    return Loader
