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


class MmGrid(pg.GraphicsObject):
    """Light grid lines at the bottom axis' major tick spacing, drawn as one batch of non-antialiased lines.

    pyqtgraph's own grid (``showGrid``) draws through the axes' QPictures and costs tens of milliseconds a frame
    on a large view; this costs well under one.
    """

    def __init__(self, axis: pg.AxisItem, colour: str, alpha: int = 40) -> None:
        super().__init__()
        self._axis = axis
        c = QtGui.QColor(colour)
        c.setAlpha(alpha)
        self._pen = QtGui.QPen(c)
        self._pen.setCosmetic(True)
        self._pen.setWidthF(1.0)
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setZValue(-100)

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt override)
        view = self.getViewBox()
        if view is None:
            return QtCore.QRectF()
        (x0, x1), (y0, y1) = view.viewRange()
        return QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)

    def viewRangeChanged(self) -> None:  # noqa: N802 (pyqtgraph hook)
        self.prepareGeometryChange()
        self.update()

    def paint(self, p: QtGui.QPainter, *args: Any) -> None:
        r = self.boundingRect()
        if r.isEmpty():
            return
        px = max(self._axis.width(), self._axis.geometry().width(), 1.0)
        levels = self._axis.tickSpacing(r.left(), r.right(), px)
        if not levels:
            return
        step = float(levels[0][0])
        if step <= 0 or max(r.width(), r.height()) / step > 400:
            return
        xs = math.ceil(r.left() / step) * step
        ys = math.ceil(r.top() / step) * step
        lines = [QtCore.QLineF(x, r.top(), x, r.bottom()) for x in _range(xs, r.right(), step)]
        lines += [QtCore.QLineF(r.left(), y, r.right(), y) for y in _range(ys, r.bottom(), step)]
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        p.setPen(self._pen)
        p.drawLines(lines)


def _range(a: float, b: float, step: float) -> list[float]:
    n = math.floor((b - a) / step) + 1
    return [a + k * step for k in range(max(n, 0))]
