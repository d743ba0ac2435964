"""A scale bar in millimetres that picks a round length (1, 2, 5 x 10^k mm) as the user zooms.

pyqtgraph's ScaleBar has a fixed length and SI metres; a mask designer wants "0.5 mm" at any zoom.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app import style

TARGET_PX = 110.0


def nice_length(max_mm: float) -> float:
    """The largest 1, 2 or 5 x 10^k not above ``max_mm`` (mm)."""
    if max_mm <= 0 or not math.isfinite(max_mm):
        return 1.0
    k = math.floor(math.log10(max_mm))
    for m in (5.0, 2.0, 1.0):
        if m * 10.0**k <= max_mm:
            return m * 10.0**k
    return 10.0**k


def format_mm(length_mm: float) -> str:
    """A length as the bar labels it: mm, or um below 0.01 mm."""
    if length_mm < 0.01:
        return f"{length_mm * 1000:g} \u00b5m"
    return f"{length_mm:g} mm"


class MmScaleBar(pg.GraphicsWidgetAnchor, pg.GraphicsObject):
    """A bar of a round length in mm, anchored to a corner of its ViewBox."""

    def __init__(self) -> None:
        pg.GraphicsObject.__init__(self)
        pg.GraphicsWidgetAnchor.__init__(self)
        self.setFlag(self.GraphicsItemFlag.ItemHasNoContents)
        self.setAcceptedMouseButtons(QtCore.Qt.MouseButton.NoButton)
        self.length_mm = 1.0
        self.bar = QtWidgets.QGraphicsRectItem(self)
        self.bar.setPen(QtGui.QPen(QtCore.Qt.PenStyle.NoPen))
        self.bar.setBrush(QtGui.QBrush(QtGui.QColor(style.FOREGROUND)))
        self.text = pg.TextItem(text="", color=style.FOREGROUND, anchor=(0.5, 1.0))
        self.text.setParentItem(self)

    def itemChange(self, change: Any, value: Any) -> Any:  # noqa: N802 (Qt override)
        ret = super().itemChange(change, value)
        if change == self.GraphicsItemChange.ItemParentHasChanged:
            view = self.parentItem()
            if view is not None:
                view.sigRangeChanged.connect(self.update_bar)
                view.sigResized.connect(self.update_bar)
                self.update_bar()
        return ret

    def update_bar(self, *args: Any) -> None:
        """Choose the length for the current zoom and redraw."""
        view = self.parentItem()
        if view is None:
            return
        px_w = view.viewPixelSize()[0]
        if not px_w or not math.isfinite(px_w):
            return
        self.length_mm = nice_length(TARGET_PX * px_w)
        w = self.length_mm / px_w
        self.bar.setRect(QtCore.QRectF(-w, 0, w, 4))
        self.text.setText(format_mm(self.length_mm))
        self.text.setPos(-w / 2.0, 0)

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt override)
        return QtCore.QRectF()
