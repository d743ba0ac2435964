"""The snap grid made visible: small dots at the grid nodes new sites snap to, while the Add Site tool is in use
(and the preference allows it). Only the nodes in view are drawn, and none when they would be closer than a few
pixels, so it costs nothing at wafer scale."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from app import style
from app.render.picking import SitePicker

MIN_PX = 6.0  # nodes closer than this on screen are not drawn (they would be a grey fog)
MAX_NODES = 20000


class PassiveScatter(pg.ScatterPlotItem):
    """Marks drawn over the sites that never take a click: it goes on to the tool beneath (pyqtgraph's scene
    hands clicks to every item under the cursor that has points there, whatever its accepted buttons)."""

    def mouseClickEvent(self, ev: object) -> None:  # noqa: N802 (pyqtgraph override)
        ev.ignore()  # type: ignore[attr-defined]


class SnapGrid:
    """Dots at the snap nodes on a view box; ``update(picker)`` after a zoom, a design change or a tool change."""

    def __init__(self, box: pg.ViewBox) -> None:
        self.box = box
        self.enabled = True
        self.active = False
        self.item = PassiveScatter(size=3, pen=None, brush=pg.mkBrush(style.SNAP), symbol="s")
        self.item.setZValue(style.Z_TOOL - 1)
        self.item.setAcceptedMouseButtons(QtCore.Qt.MouseButton.NoButton)  # clicks go to the tool beneath
        box.addItem(self.item, ignoreBounds=True)
        self.count = 0

    def update(self, picker: SitePicker) -> None:
        """Redraw the nodes in view (none when off, inactive, or too dense)."""
        self.count = 0
        if not (self.enabled and self.active) or len(picker.sites) == 0:
            self.item.setData([], [])
            return
        pitch = picker.design.layout.pitch_hint_mm()  # after the test: an explicit layout's takes a KD-tree
        if not pitch:
            self.item.setData([], [])
            return
        (x0, x1), (y0, y1) = self.box.viewRange()
        width = max(1.0, float(self.box.width()))
        px = float(getattr(picker.design.layout, "pitch_x_mm", pitch))
        py = float(getattr(picker.design.layout, "pitch_y", pitch))
        if min(px, py) * width / max(x1 - x0, 1e-12) < MIN_PX:
            self.item.setData([], [])
            return
        ax, ay = picker.snap(x0, y0)
        nx, ny = math.ceil((x1 - ax) / px) + 1, math.ceil((y1 - ay) / py) + 1
        if nx * ny > MAX_NODES or nx <= 0 or ny <= 0:
            self.item.setData([], [])
            return
        gx, gy = np.meshgrid(ax + np.arange(nx) * px, ay + np.arange(ny) * py)
        self.item.setData(gx.ravel(), gy.ravel())
        self.count = int(gx.size)
