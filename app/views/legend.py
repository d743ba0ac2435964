"""The top view's legend: one swatch per layer in the layer's colours; clicking a swatch shows or hides it.

Built from the layer table (app.style.LAYERS), so the legend, the View menu and the drawing cannot disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6 import QtCore, QtGui, QtWidgets

from app import style
from geometry.checks.records import Severity

if TYPE_CHECKING:
    from app.views.top_view import TopView


class SwatchSample(ItemSample):
    """A filled square in a layer's pen and brush; greyed and crossed when the layer is hidden."""

    def __init__(self, item: Any, pen: str, brush: str | None) -> None:
        super().__init__(item)
        self._pen = QtGui.QColor(pen)
        self._brush = QtGui.QColor(brush[:7]) if brush else QtGui.QColor(0, 0, 0, 0)
        if brush and len(brush) == 9:
            self._brush.setAlpha(max(90, int(brush[7:], 16)))

    def paint(self, p: QtGui.QPainter, *args: Any) -> None:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        r = QtCore.QRectF(3, 4, 14, 14)
        if self.item.isVisible():
            p.setPen(QtGui.QPen(self._pen, 1.5))
            p.setBrush(QtGui.QBrush(self._brush))
            p.drawEllipse(r)
        else:
            p.setPen(QtGui.QPen(QtGui.QColor("#b0b0b0"), 1.0))
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            p.drawEllipse(r)
            p.drawLine(r.topLeft(), r.bottomRight())


class LayerLegend(pg.LegendItem):
    """Legend of the top view's layers and violation colours."""

    def __init__(self, view: TopView) -> None:
        super().__init__(
            offset=None, brush=pg.mkBrush(255, 255, 255, 225), pen=pg.mkPen("#a0a0a0"),
            labelTextColor=style.FOREGROUND, labelTextSize="9pt", colCount=2,
        )
        self.setZValue(100)
        for spec in style.LAYERS:
            self.addItem(SwatchSample(view.layers[spec.id], spec.pen, spec.brush), spec.title)
        for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            colour = style.SEVERITY_COLOURS[sev]
            self.addItem(SwatchSample(view.violation_layers[sev], colour, None), f"{sev.value.capitalize()}s")
        cache_in_device_pixels(self)

    def refresh(self) -> None:
        """Redraw the swatches (a layer was shown or hidden); each is cached, so it is told itself."""
        for sample, _ in self.items:
            sample.update()
        self.update()


def cache_in_device_pixels(item: QtWidgets.QGraphicsItem) -> None:
    """Give an item and all its descendants a device-coordinate cache: a pan or zoom of the view repaints them
    from a pixmap instead of laying out their text again (they are anchored to the view, not to the data)."""
    todo = [item]
    while todo:
        it = todo.pop()
        it.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        todo.extend(it.childItems())
