"""Length units. The model is in millimetres; micrometres appear only at the edges (display, layer names)."""

from __future__ import annotations

UM_PER_MM = 1000.0


def round_um(value_mm: float) -> float:
    """Round a length in mm to whole micrometres (the resolution masks are specified in)."""
    return round(value_mm * UM_PER_MM) / UM_PER_MM


def to_um(value_mm: float) -> float:
    """Millimetres to micrometres."""
    return value_mm * UM_PER_MM


def from_um(value_um: float) -> float:
    """Micrometres to millimetres."""
    return value_um / UM_PER_MM
