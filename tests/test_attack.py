"""Every bad input of every public constructor: a ValueError or TypeError naming the function
the user called and its argument, never another exception, never taken silently.

Each constructor has a valid call (tests/test_rules.py's examples); each argument in turn gets
values of the wrong kind. A number's argument must refuse a string, a bool, NaN, inf, a list
and an object; a flag's must refuse a string, a number and None; an option's must refuse an
unknown string and a number. Other edge values (negative, zero, huge, numpy integers past
int32) may be accepted, but only as the ValueError/TypeError or a schedule: nothing else.
"""

from __future__ import annotations

import inspect
import math
import warnings

import jax
import numpy as np
import pytest
from test_rules import CLASSES, COMPAT, EXAMPLES, _compat_examples

REFUSED_AS_NUMBER = ["0.1", True, math.nan, math.inf, -math.inf, [1.0, 2.0], object()]
REFUSED_AS_FLAG = ["False", "True", 2, None]
REFUSED_AS_OPTION = ["nope", 1, None]
EDGES = [0, 2**70, np.int8(5)]


def _constructors() -> list[tuple[str, object, dict]]:
    examples = _compat_examples()
    named = [(cls.__name__, cls, dict(EXAMPLES[cls])) for cls in CLASSES]
    named += [(name, make, examples[name]) for name, make in COMPAT.items()]
    return named


def _attacks(make, valid) -> list[tuple[str, object, bool]]:
    """(argument, bad value, whether it must be refused) for each number, flag and option."""
    attacks = []
    for arg, p in inspect.signature(make).parameters.items():
        if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) or arg in ("verbose", "last_epoch"):
            continue
        good = valid.get(arg, p.default)
        if isinstance(good, bool):
            refused, edges = REFUSED_AS_FLAG, []
        elif isinstance(good, int | float):
            refused, edges = REFUSED_AS_NUMBER, EDGES
        elif isinstance(good, str):
            refused, edges = REFUSED_AS_OPTION, []
        else:
            continue  # sequences, schedules, functions: tests/test_rules.py's kinds
        attacks += [(arg, bad, True) for bad in refused] + [(arg, bad, False) for bad in edges]
    return attacks


def _outcome(name, make, valid, arg, bad, must_refuse) -> str | None:
    """What is wrong with `make(**valid, arg=bad)`, if anything."""
    # Users' promotion rules: np.float16 and np.int8 arguments meet float32 ones in compat's
    # arithmetic as in theirs (the suite's strict promotion is for schedax's own formulas).
    with jax.numpy_dtype_promotion("standard"), warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            make(**{**valid, arg: bad})
        except (ValueError, TypeError) as error:
            if not str(error).startswith(f"{make.__name__}: "):
                return f"{arg}={bad!r}: {type(error).__name__} names another: {error}"
            return None
        except Exception as error:  # noqa: BLE001
            return f"{arg}={bad!r}: {type(error).__name__}: {error}"
    # Taken: never silently. A compat function may take what its library takes, saying what
    # its library says (Keras's unknown mode); optax tests its flags for truth, as optax.
    loud = any(w.category is not DeprecationWarning for w in said)
    flag = isinstance(valid.get(arg, inspect.signature(make).parameters[arg].default), bool)
    truthy = name.startswith("optax.") and flag and bad == 2
    if must_refuse and not (loud or truthy):
        return f"{arg}={bad!r} was taken silently"
    return None


@pytest.mark.parametrize("name, make, valid", _constructors(), ids=[n for n, *_ in _constructors()])
def test_bad_input_is_refused_by_name_or_taken(name, make, valid):
    # One test per constructor, every argument and value within: ~4,000 calls in seconds.
    wrong = [_outcome(name, make, valid, arg, bad, must)
             for arg, bad, must in _attacks(make, valid)]  # fmt: skip
    try:  # an unknown keyword
        make(**valid, not_an_argument=1)
        wrong.append("not_an_argument=1 was taken")
    except TypeError as error:
        if not str(error).startswith(f"{make.__name__}: ") or "not_an_argument" not in str(error):
            wrong.append(f"not_an_argument=1: {error}")
    assert not [w for w in wrong if w], "\n".join(w for w in wrong if w)
