"""The one error type for bad design input.

Every invalid value, whether typed into the window, read from a project file or given on the command line,
raises :class:`DesignError` naming the field path and the bad value, so that each front end can show one clear
sentence instead of a traceback.
"""

from __future__ import annotations

from typing import Any


class DesignError(ValueError):
    """A design value is invalid; ``path`` names the field (``mask.thickness_mm``), ``value`` the bad value."""

    def __init__(self, path: str, value: Any, problem: str) -> None:
        self.path = path
        self.value = value
        self.problem = problem
        shown = repr(value) if not isinstance(value, float) else f"{value:g}"
        where = f"{path}: " if path else ""
        super().__init__(f"{where}{problem} (got {shown})")

    def under(self, prefix: str) -> DesignError:
        """The same error with its path prefixed, for errors raised deep in a nested reader."""
        path = f"{prefix}.{self.path}" if self.path and not self.path.startswith("[") else f"{prefix}{self.path}"
        return DesignError(path, self.value, self.problem)


def require_length(path: str, value: float, *, allow_zero: bool = False) -> float:
    """Validate a length in mm: finite and positive (or zero when allowed); return it as float."""
    import math

    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DesignError(path, value, "must be a number of millimetres")
    v = float(value)
    if not math.isfinite(v):
        raise DesignError(path, value, "must be a finite number")
    if v < 0 or (v == 0 and not allow_zero):
        raise DesignError(path, value, "must be positive" if not allow_zero else "must not be negative")
    return v


def require_finite(path: str, value: float) -> float:
    """Validate a coordinate or other signed number: finite; return it as float."""
    import math

    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DesignError(path, value, "must be a number")
    v = float(value)
    if not math.isfinite(v):
        raise DesignError(path, value, "must be a finite number")
    return v
