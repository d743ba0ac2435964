"""Small wafer designs for the wafer tests."""

from __future__ import annotations

from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import GridLayout, Layout, Pad
from geometry.model.layouts.wafer import WaferLayout
from geometry.model.mask import Mask
from geometry.model.profiles import Tapered


def wafer_design(die: Layout | None = None, die_mm: float = 4.8, street_mm: float = 0.1, diameter_mm: float = 100.0,
                 angle_deg: float = 55.0, thickness_mm: float = 0.08, **kw: object) -> Design:
    """A 0.24 mm pitch WLCSP-like wafer whose tapered lower outlines merge inside each die (the bench design)."""
    lay = WaferLayout(die or GridLayout(20, 20, 0.24), die_mm, street_mm=street_mm, diameter_mm=diameter_mm,
                      edge_exclusion_mm=2.0, **kw)  # type: ignore[arg-type]
    return Design(Ball(0.15), Pad(0.12), lay, Mask(thickness_mm, "electroformed-nickel"), Tapered(angle_deg),
                  upper_ratio=1.15)
