"""The selected finding drawn distinctly on the top view: a thick ring in the selection colour with a dashed halo
around the finding's point, over the severity markers, so the one being looked at stands out from its
neighbours (every marker of a severity looks the same)."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from app import style
from app.render.paths import cosmetic_pen


class FindingHighlight:
    """Rings around the current finding on a view box (hidden when there is none)."""

    def __init__(self, box: pg.ViewBox) -> None:
        self.box = box
        self.ring = QtWidgets.QGraphicsEllipseItem()
        self.ring.setPen(cosmetic_pen(style.SELECTION, 3.5))
        self.halo = QtWidgets.QGraphicsEllipseItem()
        self.halo.setPen(cosmetic_pen("#000000", 1.2, dashed=True))
        for item, z in ((self.ring, 2.0), (self.halo, 2.5)):
            item.setZValue(style.Z_VIOLATIONS + 5 + z)
            item.hide()
            box.addItem(item, ignoreBounds=True)
        self.shown: tuple[float, float, float] | None = None

    def show(self, violation: Any, pitch_mm: float) -> None:
        """Ring the violation's point (None: hide)."""
        if violation is None:
            self.ring.hide()
            self.halo.hide()
            self.shown = None
            return
        x, y = float(violation.x_mm), float(violation.y_mm)
        r = 0.6 * pitch_mm
        self.ring.setRect(QtCore.QRectF(x - r, y - r, 2 * r, 2 * r))
        self.halo.setRect(QtCore.QRectF(x - 1.35 * r, y - 1.35 * r, 2.7 * r, 2.7 * r))
        self.ring.show()
        self.halo.show()
        self.shown = (x, y, r)
