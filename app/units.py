"""Display units for lengths: the model is in millimetres, the user may read and type micrometres.

Only the edges of the window convert (fields, tables, labels); everything behind them stays in mm, so a unit
switch can never change the design. The choice is remembered in QSettings under :data:`SETTINGS_KEY`.
"""

from __future__ import annotations

import math
from enum import StrEnum

from geometry.base.units import UM_PER_MM

SETTINGS_KEY = "display/length_unit"
TIMES = "\u00d7"  # the multiplication sign (written as an escape: ruff flags the literal as ambiguous)


class LengthUnit(StrEnum):
    """The unit lengths are shown and typed in."""

    MM = "mm"
    UM = "um"

    @property
    def symbol(self) -> str:
        """What the user reads next to a value."""
        return "µm" if self is LengthUnit.UM else "mm"

    @property
    def per_mm(self) -> float:
        """How many display units make one millimetre."""
        return UM_PER_MM if self is LengthUnit.UM else 1.0


def unit_from_setting(value: object) -> LengthUnit:
    """The unit stored in settings, mm when missing or unknown (settings files outlive versions)."""
    try:
        return LengthUnit(str(value))
    except ValueError:
        return LengthUnit.MM


def to_display(value_mm: float, unit: LengthUnit) -> float:
    """A length in mm as a number in ``unit``."""
    return value_mm * unit.per_mm


def from_display(value: float, unit: LengthUnit) -> float:
    """A number typed in ``unit`` as mm."""
    return value / unit.per_mm


def format_number(value: float, max_decimals: int, min_decimals: int = 0) -> str:
    """``value`` with at most ``max_decimals`` decimals, trailing zeros trimmed down to ``min_decimals``."""
    text = f"{value:.{max_decimals}f}"
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0")
        frac = frac.ljust(min_decimals, "0")
        text = f"{whole}.{frac}" if frac else whole
    return "0" if text in ("-0", "-0.0") else text


def length_text(value_mm: float, unit: LengthUnit) -> str:
    """A length as the number shown in a field (no unit): mm to 0.1 um (4 decimals, at least 2), um to 0.1."""
    if unit is LengthUnit.UM:
        return format_number(to_display(value_mm, unit), 1)
    return format_number(value_mm, 4, 2)


def format_length(value_mm: float, unit: LengthUnit) -> str:
    """A length with its unit, for labels, tables and command names: ``0.30 mm``, ``300 µm``."""
    return f"{length_text(value_mm, unit)} {unit.symbol}"


def format_angle(value_deg: float) -> str:
    """An angle with its unit: ``60°``, ``56.3°``."""
    return f"{format_number(value_deg, 2)}°"


def parse_number(text: str) -> float:
    """A number typed by the user (a decimal comma and a trailing ° are accepted); ValueError otherwise."""
    cleaned = text.strip().replace(",", ".")
    for suffix in ("°", "deg"):
        if cleaned.endswith(suffix):
            cleaned = cleaned[: -len(suffix)].strip()
            break
    if not cleaned:
        raise ValueError("enter a number")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text.strip()!r} is not a finite number")
    return value


def parse_length(text: str, unit: LengthUnit) -> float:
    """A length typed in ``unit`` (or with an explicit ``mm`` / ``um`` / ``µm`` suffix) as mm."""
    cleaned = text.strip()
    for suffix, u in (("mm", LengthUnit.MM), ("µm", LengthUnit.UM), ("um", LengthUnit.UM)):
        if cleaned.endswith(suffix):
            return from_display(parse_number(cleaned[: -len(suffix)]), u)
    return from_display(parse_number(cleaned), unit)
