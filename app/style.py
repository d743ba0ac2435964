"""Colours and the layer styles of the top view: one place, not string literals spread over the widgets.

Dark-on-light CAD colours: a near-white canvas, saturated but not loud fills, thin dark outlines. The layer
styles are data so the view, the legend and the View menu are built from the same rows (house style 10). A
layer that shows an artwork layer names its export role: its meaning and DXF layer name come from the export
layer table (:mod:`geometry.export.layers`), and the style adds only screen colours and stacking. The few
layers that exist only on screen (pads, balls, depopulated sites) say what they mean themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from geometry.checks.records import Severity
from geometry.export.layers import ROLE_MEANINGS, Role, role_layer_name
from geometry.model.output_settings import OutputSettings

CANVAS = "#fbfbf8"
GRID = "#d8d8d0"
FOREGROUND = "#202020"
SELECTION = "#00a0ff"
MEASURE = "#c000c0"
SNAP = "#208020"


DEFAULT_OUTPUT = OutputSettings()
SCREEN_ONLY_ROLES = frozenset({Role.NOTES})  # the title block and notes are text for the files, not shapes


@dataclass(frozen=True, slots=True)
class LayerStyle:
    """One drawable layer: outline colour (``pen``), fill (``brush``, RGBA hex or None), stacking ``z``.

    ``role`` is the export layer it shows (None: a layer of the screen only, explained by ``screen_meaning``);
    ``layer_suffix`` follows the role's layer name where the layer is one of a family (the carrier fiducials'
    ``FIDUCIAL_<FACE>_<um>UM``, one per face and depth, beside the mask's own ``FIDUCIAL``).
    """

    id: str
    title: str
    pen: str
    brush: str | None
    z: float
    role: Role | None = None
    screen_meaning: str = ""
    visible: bool = True
    layer_suffix: str = ""

    def meaning_for(self, output: OutputSettings) -> str:
        """What the layer shows, with the DXF layer name it is written to under these output settings."""
        if self.role is None:
            return self.screen_meaning
        return f"{ROLE_MEANINGS[self.role]} ({role_layer_name(self.role, output)}{self.layer_suffix})"

    @property
    def meaning(self) -> str:
        """What the layer shows, with its DXF layer name under the default output settings."""
        return self.meaning_for(DEFAULT_OUTPUT)


LAYERS: tuple[LayerStyle, ...] = (
    LayerStyle("outline", "Mask outline", "#303030", None, 0, Role.OUTLINE),
    LayerStyle("pads", "Pads", "#b07020", "#e8a04070", 3.5,
               screen_meaning="copper pads or solder-resist openings on the device"),
    LayerStyle("lower", "Lower relief", "#1f5fa8", "#4a8fd860", 2, Role.LOWER),
    LayerStyle("upper", "Upper openings", "#202020", "#ffffffe0", 3, Role.UPPER),
    LayerStyle("balls", "Balls", "#707070", "#a0a0a050", 4, screen_meaning="the solder balls as placed",
               visible=False),
    LayerStyle("depop", "Depopulated", "#a0a0a0", None, 1.5, screen_meaning="sites without a ball (pad only)"),
    LayerStyle("fiducials", "Fiducials", "#2a7a2a", "#2a7a2a80", 5, Role.FIDUCIAL),
    LayerStyle("wafer", "Wafer (reference)", "#9a6a20", None, 0.5, Role.WAFER),
    # a strip's or panel's registration (app/views/carrier_layer.py): its tooling holes and fiducials, and the frame
    LayerStyle("tooling", "Tooling holes", "#a0306a", "#a0306a38", 5.2, Role.TOOLING),
    LayerStyle("carrier_fiducials", "Carrier fiducials", "#00806a", "#00806a90", 5.1, Role.FIDUCIAL,
               layer_suffix="_<FACE>_<um>UM"),
    LayerStyle("frame", "Frame (reference)", "#7a6a50", None, 0.4, Role.FRAME),
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
