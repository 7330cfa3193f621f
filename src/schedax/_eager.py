"""The eager cache: a schedule called outside a transformation runs a compiled program."""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import jax
import numpy as np

if TYPE_CHECKING:
    from ._base import Module


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
