"""What only the compat layers do: warn (as their libraries do) at the user's line."""

from __future__ import annotations

import pathlib
import sys
import warnings

_PACKAGE = str(pathlib.Path(__file__).parents[1])


def warn(text: str, category: type[Warning] = UserWarning) -> None:
    """A warning (`UserWarning` unless said) pointing at the user's line: the first caller
    outside schedax."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(text, category, stacklevel=level)
