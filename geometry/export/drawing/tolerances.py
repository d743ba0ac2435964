"""Process tolerances per material preset: what the drawing writes after every toleranced size.

Practice values for photo-etched and laser-cut stainless and electroformed nickel (what such shops state in their
capability sheets); the user's own thickness tolerance, set in the drawing fields, wins over the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from geometry.model.design import Design


@dataclass(frozen=True, slots=True)
class ProcessTolerances:
    """Plus-minus tolerances: opening size, centre position, sheet thickness, wall angle, step and etch depth."""

    opening_mm: float
    position_mm: float
    thickness_mm: float
    angle_deg: float
    depth_mm: float
    basis: str


# (opening, position, thickness as a fraction of t with a floor, angle, depth as a fraction with a floor)
_TABLE: dict[str, tuple[float, float, float, float, float, float, float, str]] = {
    "etched-stainless": (0.010, 0.010, 0.05, 0.005, 5.0, 0.10, 0.010, "photo-etching practice"),
    "laser-cut-stainless": (0.005, 0.005, 0.05, 0.005, 3.0, 0.10, 0.010, "laser-cutting practice"),
    "electroformed-nickel": (0.003, 0.003, 0.03, 0.003, 3.0, 0.05, 0.005, "electroforming practice"),
}


def process_tolerances(design: Design) -> ProcessTolerances:
    """The tolerances of the design's material at its thickness (and its deepest relief)."""
    op, pos, tf, tmin, ang, df, dmin, basis = _TABLE.get(design.mask.material, _TABLE["etched-stainless"])
    t = design.mask.thickness_mm
    thick = design.drawing.thickness_tolerance_mm
    if thick is None:
        thick = round(max(tmin, tf * t), 4)
    return ProcessTolerances(op, pos, thick, ang, round(max(dmin, df * t), 4), basis)


def pm(value: float, digits: int = 3) -> str:
    """``±0.010``."""
    return f"\u00b1{value:.{digits}f}"
