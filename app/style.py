"""Colours and the layer table of the top view: one place, not string literals spread over the widgets.

Dark-on-light CAD colours: a near-white canvas, saturated but not loud fills, thin dark outlines. The layer table
is data (id, title, colours, stacking order, what it means) so the view, the legend and the View menu are built
from the same rows (house style 10).
"""

from __future__ import annotations

from dataclasses import dataclass

from geometry.checks.records import Severity

CANVAS = "#fbfbf8"
GRID = "#d8d8d0"
FOREGROUND = "#202020"
SELECTION = "#00a0ff"
MEASURE = "#c000c0"
SNAP = "#208020"


@dataclass(frozen=True, slots=True)
class LayerStyle:
    """One drawable layer: outline colour (``pen``), fill (``brush``, RGBA hex or None), stacking ``z``."""

    id: str
    title: str
    pen: str
    brush: str | None
    z: float
    meaning: str
    visible: bool = True


LAYERS: tuple[LayerStyle, ...] = (
    LayerStyle("outline", "Mask outline", "#303030", None, 0, "the mask's outer edge (OUTLINE)"),
    LayerStyle("pads", "Pads", "#b07020", "#e8a04070", 3.5, "copper pads or solder-resist openings on the device"),
    LayerStyle("lower", "Lower relief", "#1f5fa8", "#4a8fd860", 2,
               "lower-surface outlines, merged where openings interconnect (LOWER_RELIEF)"),
    LayerStyle("upper", "Upper openings", "#202020", "#ffffffe0", 3, "upper-surface openings (UPPER_THROUGH)"),
    LayerStyle("balls", "Balls", "#707070", "#a0a0a050", 4, "the solder balls as placed", visible=False),
    LayerStyle("depop", "Depopulated", "#a0a0a0", None, 1.5, "sites without a ball (pad only)"),
    LayerStyle("fiducials", "Fiducials", "#2a7a2a", "#2a7a2a80", 5, "alignment marks (FIDUCIAL)"),
    LayerStyle("wafer", "Wafer (reference)", "#9a6a20", None, 0.5,
               "a wafer's rim with its notch or flat and the edge-exclusion line (WAFER, not made)"),
)

LAYER_BY_ID = {layer.id: layer for layer in LAYERS}

SEVERITY_COLOURS: dict[Severity, str] = {
    Severity.ERROR: "#e01010",
    Severity.WARNING: "#f08000",
    Severity.INFO: "#1060e0",
}

Z_SELECTION = 20.0
Z_VIOLATIONS = 30.0
Z_TOOL = 40.0
