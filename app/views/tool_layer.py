"""The chosen companion tool on the top view: flux apertures, transfer pins and their flux spots, pick-head holes,
or the inspection reference's balls with their position window.

The shapes come from :mod:`geometry.derive.tools` (one numpy expression over the sites each) and are drawn by two
:class:`~app.render.lod.LodLayer` items on the top view's box, so a million apertures draw as fast as a million
openings. While a tool is shown the mask's own opening layers are dimmed, not hidden: the user's layer choices
(View > Layers, remembered between runs) stay as they were, and the tool reads against the mask it comes from.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from app.document import Document
from app.panels.fields import connect_event
from app.render.lod import LodLayer, Points
from app.render.paths import cosmetic_pen
from app.view_state import ViewState
from geometry.derive.tools import flux_apertures_mm, pick_hole_mm, pin_diameters_mm, spot_diameters_mm, tool_sites
from geometry.model.design import Design
from geometry.model.tools import ToolKind

Z_TOOL_LAYER = 12.0  # above the mask layers (z <= 5), below the selection (20) and the findings (30)
DIMMED = 0.25
DIMMED_LAYERS = ("upper", "lower", "balls")
TOOL_COLOURS: dict[ToolKind, tuple[str, str, str]] = {
    # (outline, fill, secondary outline): one hue per tool, so a screenshot says which tool it shows
    ToolKind.FLUX_STENCIL: ("#7a5a00", "#f2c94c90", "#7a5a00"),
    ToolKind.PIN_PLATE: ("#2d5d2d", "#5aa05aa0", "#c9a227"),
    ToolKind.PICK_HEAD: ("#5a2d82", "#9b6ad0a0", "#5a2d82"),
    ToolKind.INSPECTION: ("#0b6e79", "#3fb8c560", "#c0392b"),
}

TOOL_TITLES: dict[ToolKind, tuple[str, str | None]] = {
    # the legend's titles of the main and the secondary layer (None: the tool has none)
    ToolKind.FLUX_STENCIL: ("Flux apertures", None),
    ToolKind.PIN_PLATE: ("Transfer pins", "Flux spots"),
    ToolKind.PICK_HEAD: ("Pick-head holes", None),
    ToolKind.INSPECTION: ("Reference balls", "Position windows"),
}


def tool_shapes(design: Design, kind: ToolKind) -> tuple[Points | None, Points | None]:
    """The tool's main shapes (apertures, pins, holes, balls) and its secondary ones (a pin's flux spot, a ball's
    position window), as circles at the populated sites; (None, None) for the mask."""
    if kind is ToolKind.MASK:
        return None, None
    ts = tool_sites(design)
    x, y = ts.x_mm, ts.y_mm
    if kind is ToolKind.FLUX_STENCIL:
        return Points.of(x, y, flux_apertures_mm(design) / 2.0), None
    if kind is ToolKind.PIN_PLATE:
        return Points.of(x, y, pin_diameters_mm(design) / 2.0), Points.of(x, y, spot_diameters_mm(design) / 2.0)
    if kind is ToolKind.PICK_HEAD:
        return Points.of(x, y, np.full(len(ts), pick_hole_mm(design) / 2.0)), None
    ball = design.ball.diameter_mm
    window = ball / 2.0 + design.companion_tools.inspection.position_tolerance_mm
    return Points.of(x, y, ball / 2.0), Points.of(x, y, window)



class ToolLayer:
    """Draws the view state's tool on a top view (its ``box`` and its mask ``layers``).

    Each tool gets its two layers the first time it is shown; switching tools hides the others (and empties
    them, so no cache of a tool not shown is kept up to date). Nothing is computed while the mask is shown.
    """

    def __init__(self, box: object, mask_layers: dict[str, LodLayer], document: Document, view_state: ViewState,
                 owner: QtCore.QObject) -> None:
        self.mask_layers = mask_layers
        self.document = document
        self.view_state = view_state
        self.kind = ToolKind.MASK
        self.layers: dict[ToolKind, tuple[LodLayer, LodLayer]] = {}
        self.shown: tuple[Points | None, Points | None] = (None, None)
        self._add: Callable[[LodLayer], None] = getattr(box, "addItem")  # noqa: B009 (pyqtgraph's ViewBox, Any)
        self.legend = getattr(owner, "legend", None)  # the top view's legend lists the tool's layers
        connect_event(owner, view_state.tool_kind_changed, lambda _k: self.refresh())
        connect_event(owner, document.design_changed, lambda _d: self.refresh())
        self.refresh()

    def _layers_of(self, kind: ToolKind) -> tuple[LodLayer, LodLayer]:
        if kind not in self.layers:
            line, fill, other = TOOL_COLOURS[kind]
            # the fill is "#RRGGBBAA", as pyqtgraph reads it
            main = LodLayer(cosmetic_pen(line, 1.2), pg.mkBrush(fill), Z_TOOL_LAYER)
            main.setObjectName(f"toolLayer.{kind.value}")
            secondary = LodLayer(cosmetic_pen(other, 1.0, dashed=True), None, Z_TOOL_LAYER + 0.5)
            secondary.setObjectName(f"toolLayer.{kind.value}.secondary")
            for layer in (main, secondary):
                self._add(layer)
            self.layers[kind] = (main, secondary)
        return self.layers[kind]

    def refresh(self) -> None:
        """Redraw for the current design and tool (the mask: nothing, and the mask layers at full strength)."""
        kind = self.view_state.tool_kind
        if kind is ToolKind.MASK and self.kind is ToolKind.MASK and not self.layers:
            return
        self.kind = kind
        main, secondary = tool_shapes(self.document.design, kind)
        self.shown = (main, secondary)
        for lid in DIMMED_LAYERS:
            if lid in self.mask_layers:
                self.mask_layers[lid].setOpacity(1.0 if kind is ToolKind.MASK else DIMMED)
        for k, (a, b) in self.layers.items():
            if k is not kind:
                if a.isVisible() or b.isVisible():
                    a.set_content()
                    b.set_content()
                a.hide()
                b.hide()
        if main is None:
            self._list_in_legend(kind)
            return
        a, b = self._layers_of(kind)
        a.set_content([main])
        b.set_content([secondary] if secondary is not None else [])
        a.show()
        b.setVisible(secondary is not None)
        self._list_in_legend(kind)

    def _list_in_legend(self, kind: ToolKind) -> None:
        """The tool's layers as legend entries, in the tool's colours (none for the mask)."""
        set_entries = getattr(self.legend, "set_tool_entries", None)
        if set_entries is None:
            return
        if kind is ToolKind.MASK:
            set_entries([])
            return
        line, fill, other = TOOL_COLOURS[kind]
        main_title, second_title = TOOL_TITLES[kind]
        a, b = self.layers[kind]
        entries: list[tuple[str, LodLayer, str, str | None, str]] = [(f"tool.{kind.value}", a, line, fill, main_title)]
        if second_title is not None:
            entries.append((f"tool.{kind.value}.secondary", b, other, None, second_title))
        set_entries(entries)
