"""The one error type for bad design input.

Every invalid value, whether typed into the window, read from a project file or given on the command line,
raises :class:`DesignError` naming the field path and the bad value, so that each front end can show one clear
sentence instead of a traceback.

The message is always one line of bounded length: the value is shown shortened to at most
:data:`SHOWN_VALUE_CHARS` characters, the path and the problem are cut too (a bad file may put 200,000 characters
in a key or a name), and characters that cannot be printed (newlines, lone surrogates) are escaped, because the
message is printed to a terminal, written into JSON and shown in a dialog.
"""

from __future__ import annotations

import reprlib
import sys
from typing import Any

SHOWN_VALUE_CHARS = 80
"""The longest a bad value is quoted in a message."""

_FLOAT_MIN = sys.float_info.min
_PATH_CHARS = 160
_PROBLEM_CHARS = 400

_REPR = reprlib.Repr()
_REPR.maxlevel = 2
_REPR.maxstring = SHOWN_VALUE_CHARS
_REPR.maxother = SHOWN_VALUE_CHARS
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4
_REPR.maxlong = 40


def shorten(text: str, limit: int = SHOWN_VALUE_CHARS) -> str:
    """``text`` on one printable line of at most ``limit`` characters (``...`` marks a cut)."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[: limit * 2])
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown_value(value: Any) -> str:
    """The value as quoted in a message: floats as ``%g``, huge integers by their size, the rest as a short repr."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of {int(value.bit_length() * 0.30103) + 1} digits"
    if isinstance(value, str) and len(value) > 4 * SHOWN_VALUE_CHARS:
        value = value[: 4 * SHOWN_VALUE_CHARS]  # repr of a 100,000-character string is not needed to cut it
    try:
        text = _REPR.repr(value)
    except Exception:  # a value whose repr fails (an integer over Python's digit limit) is named by its type
        text = f"a {type(value).__name__}"
    return shorten(text)


class DesignError(ValueError):
    """A design value is invalid; ``path`` names the field (``mask.thickness_mm``), ``value`` the bad value."""

    def __init__(self, path: str, value: Any, problem: str) -> None:
        self.path = path
        self.value = value
        self.problem = problem
        where = f"{shorten(path, _PATH_CHARS)}: " if path else ""
        super().__init__(f"{where}{shorten(problem, _PROBLEM_CHARS)} (got {shown_value(value)})")

    def under(self, prefix: str) -> DesignError:
        """The same error with its path prefixed, for errors raised deep in a nested reader."""
        path = f"{prefix}.{self.path}" if self.path and not self.path.startswith("[") else f"{prefix}{self.path}"
        return DesignError(path, self.value, self.problem)


def require_length(path: str, value: float, *, allow_zero: bool = False) -> float:
    """Validate a length in mm: finite, from 1 nm to 1 m (or from zero, when allowed, to 1 m); return it as float."""
    import math

    from geometry.base.limits import MAX_LENGTH_MM, MIN_LENGTH_MM

    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DesignError(path, value, "must be a number of millimetres")
    v = float(value)
    if not math.isfinite(v):
        raise DesignError(path, value, "must be a finite number")
    if v < 0 or (v == 0 and not allow_zero):
        raise DesignError(path, value, "must be positive" if not allow_zero else "must not be negative")
    if v > MAX_LENGTH_MM:
        raise DesignError(path, value, f"is more than {MAX_LENGTH_MM:g} mm (1 m): is the unit mm?")
    if 0 < v < _FLOAT_MIN:
        raise DesignError(path, value, "is a denormal number (too close to 0 to compute with)")
    if 0 < v < MIN_LENGTH_MM and not allow_zero:  # where zero is allowed, a tiny length is as good as zero
        raise DesignError(path, value, "is less than 1 nm: is the unit mm?")
    return v


def require_finite(path: str, value: float) -> float:
    """Validate a coordinate or other signed number of mm: finite, at most 1 m from 0; return it as float."""
    import math

    from geometry.base.limits import MAX_LENGTH_MM

    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DesignError(path, value, "must be a number")
    v = float(value)
    if not math.isfinite(v):
        raise DesignError(path, value, "must be a finite number")
    if abs(v) > MAX_LENGTH_MM:
        raise DesignError(path, value, f"is more than {MAX_LENGTH_MM:g} mm (1 m) from the origin")
    if v != 0.0 and abs(v) < _FLOAT_MIN:
        raise DesignError(path, value, "is a denormal number (too close to 0 to compute with)")
    return v
