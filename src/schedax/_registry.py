"""The names configs give constructors: one registry, filled by `register` alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._util import fmt

# Every constructor a config can name: "cosine_decay", "torch.StepLR", ...; user classes by
# their qualified name ("__main__.my_decay"). Filled by `register` alone.
REGISTRY: dict[str, Callable[..., Any]] = {}
_PACKAGE_NAME = __name__.partition(".")[0]  # "schedax"


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
    """The name a config gives a class: its constructor's for schedax's (`join_schedules` for
    a join), qualified for any other (so a user's `class cosine_decay(sx.Schedule)` never
    replaces the built-in one)."""
    if cls.__module__.partition(".")[0] == _PACKAGE_NAME:
        return getattr(cls, "_name", cls.__name__)
    return f"{cls.__module__}.{cls.__qualname__}"
