"""Command-line option values checked where they are typed: each refusal names the option and its own value.

These are argparse ``type=`` functions, so a bad value is reported by argparse as ``argument --pitch-y: ...``
with exit 2 before any work starts. Values are bounded like the file format's (docs/file-format.md, "Limits"):
a length is 1 nm to 1 m, a count 1 to 100,000; a 5,000-digit number is refused before it is converted.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from geometry.base.errors import DesignError, shorten
from geometry.base.limits import MAX_GRID_SIDE, MAX_LENGTH_MM, MAX_SITES, MIN_LENGTH_MM
from geometry.base.textio import parse_decimal

_MAX_DIGITS = 18


def _bad(text: str, problem: str) -> argparse.ArgumentTypeError:
    """argparse prints ``argument --opt: <problem> (got <text>)``, the form of every other input error."""
    return argparse.ArgumentTypeError(f"{problem} (got {shorten(text)})")


def _number(text: str) -> float:
    v = parse_decimal(text.strip())
    if v is None:
        raise _bad(text, "is not a number (ASCII digits, e.g. 0.45)")
    if not math.isfinite(v):
        raise _bad(text, "is not a finite number")
    return v


def length(*, allow_zero: bool = False) -> Callable[[str], float]:
    """A length in mm: 1 nm to 1 m (or 0 to 1 m)."""

    def parse(text: str) -> float:
        v = _number(text)
        if v < 0 or (v == 0 and not allow_zero):
            need = "positive" if not allow_zero else "zero or more"
            raise _bad(text, f"must be {need} mm")
        if v > MAX_LENGTH_MM:
            raise _bad(text, f"is more than {MAX_LENGTH_MM:g} mm (1 m)")
        if 0 < v < MIN_LENGTH_MM and not allow_zero:
            raise _bad(text, "is less than 1 nm")
        return v

    return parse


def coordinate(text: str) -> float:
    """A signed number of mm within 1 m of the origin."""
    v = _number(text)
    if abs(v) > MAX_LENGTH_MM:
        raise _bad(text, f"is more than {MAX_LENGTH_MM:g} mm (1 m) from 0")
    return v


def angle(lo: float, hi: float) -> Callable[[str], float]:
    """An angle in degrees within [lo, hi]."""

    def parse(text: str) -> float:
        v = _number(text)
        if not lo <= v <= hi:
            raise _bad(text, f"must be from {lo:g} to {hi:g} degrees")
        return v

    return parse


def count(minimum: int = 1, maximum: int = MAX_GRID_SIDE) -> Callable[[str], int]:
    """A whole number from ``minimum`` to ``maximum`` (ASCII digits only; a huge one is refused unconverted)."""

    def parse(text: str) -> int:
        t = text.strip()
        digits = t.lstrip("+-")
        if not digits.isascii() or not digits.isdigit() or len(t) - len(digits) > 1:
            raise _bad(text, "is not a whole number")
        if len(digits) > _MAX_DIGITS:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,} (got a number of {len(digits):,} digits)")
        v = int(t)
        if not minimum <= v <= maximum:
            raise _bad(t, f"must be from {minimum:,} to {maximum:,}")
        return v

    return parse


def text(limit: int = 256) -> Callable[[str], str]:
    """Text of at most ``limit`` characters, printable and valid Unicode."""

    def parse(value: str) -> str:
        if len(value) > limit:
            raise _bad(value, f"is longer than {limit} characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _bad(value, "is not valid Unicode") from None
        if not value.isprintable():
            raise _bad(value, "holds control characters")
        return value

    return parse


def check_grid_size(rows: int, cols: int) -> None:
    """Refuse rows x cols above the site limit before anything is made, naming the larger of the two options."""
    n = rows * cols
    if n > MAX_SITES:
        option, value = ("--cols", cols) if cols >= rows else ("--rows", rows)
        raise DesignError(option, value, f"{rows:,} rows x {cols:,} columns is {n:,} sites, more than the limit "
                                         f"of {MAX_SITES:,} sites")
