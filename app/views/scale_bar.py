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
        self.per_mm = 1.0  # display units per mm (1000 when lengths are shown in µm)
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
        self.length_mm = nice_length(TARGET_PX * px_w * self.per_mm) / self.per_mm  # round in the display unit
        w = self.length_mm / px_w
        rect = QtCore.QRectF(-w, 0, w, 4)
        if rect != self.bar.rect():  # the bar and its label are cached as pixmaps: touch them only on a change
            self.bar.setRect(rect)
        label = format_mm(self.length_mm) if self.per_mm == 1.0 else f"{self.length_mm * self.per_mm:g} \u00b5m"
        if label != self.text.toPlainText():
            self.text.setText(label)
        if self.text.pos() != QtCore.QPointF(-w / 2.0, 0):
            self.text.setPos(-w / 2.0, 0)

    def set_per_mm(self, per_mm: float) -> None:
        """Label the bar in another unit (1: mm, 1000: µm)."""
        self.per_mm = float(per_mm)
        self.update_bar()

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


class MmAxis(pg.AxisItem):
    """An axis in mm whose ticks and labels cost a fraction of a millisecond per zoom.

    pyqtgraph's AxisItem lays out every tick level's labels anew on each range change (a Point per tick, a text
    bounding box per label through QPainter): about 1.5 ms per axis and frame. This one labels one tick level of
    round values (1, 2, 5 x 10^k) about ``LABEL_PX`` pixels apart, with unlabelled minor ticks between, and
    measures each label text once (``QFontMetricsF``, cached by string).
    """

    LABEL_PX = 90.0

    def __init__(self, orientation: str, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self._sizes: dict[str, tuple[float, float]] = {}

    def major_step(self, lo: float, hi: float, px: float) -> float:
        """The labelled spacing (mm) for a range of ``px`` pixels."""
        if px <= 0 or not hi > lo:
            return 0.0
        want = (hi - lo) * self.LABEL_PX / px
        k = math.floor(math.log10(want))
        for m in (1.0, 2.0, 5.0, 10.0):
            if m * 10.0**k >= want * (1 - 1e-9):
                return m * 10.0**k
        return 10.0 ** (k + 1)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:  # noqa: N802, N803
        step = self.major_step(minVal, maxVal, size)
        if step <= 0:
            return []
        return [(step, 0.0), (step / self._minor_div(step), 0.0)]

    @staticmethod
    def _minor_div(step: float) -> int:
        mant = round(step / 10.0 ** math.floor(math.log10(step) + 1e-9))
        return 4 if mant == 2 else 5

    def _text_size(self, text: str) -> tuple[float, float]:
        size = self._sizes.get(text)
        if size is None:
            if len(self._sizes) > 4096:
                self._sizes.clear()
            font = self.style["tickFont"] or self.font()
            fm = QtGui.QFontMetricsF(font)
            size = self._sizes[text] = (math.ceil(fm.horizontalAdvance(text)) + 1.0, math.ceil(fm.height()))
        return size

    def generateDrawSpecs(self, p: QtGui.QPainter) -> Any:  # noqa: N802 (pyqtgraph hook)
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        b = self.mapRectFromParent(self.geometry())
        # the axis reads in the display unit: AxisItem.setScale(µm per mm) scales the labelled values
        f = float(self.scale or 1.0)
        lo, hi = float(self.range[0]) * f, float(self.range[1]) * f
        vertical = self.orientation in ("left", "right")
        length = b.height() if vertical else b.width()
        if length <= 0 or not hi > lo or not math.isfinite(hi - lo):
            return None
        step = self.major_step(lo, hi, length)
        minor = step / self._minor_div(step)
        scale = length / (hi - lo)
        tick_len = float(self.style["tickLength"])
        text_off = max(0.0, tick_len) + self.style["tickTextOffset"][0 if vertical else 1]
        places = max(0, -math.floor(math.log10(step) + 1e-9))
        pen = self.tickPen()
        minor_pen = QtGui.QPen(pen)
        c = QtGui.QColor(minor_pen.color())
        c.setAlpha(c.alpha() // 2)
        minor_pen.setColor(c)
        ticks, texts = [], []
        biggest = 0.0
        left = self.orientation == "left"
        bottom = self.orientation == "bottom"
        if vertical:
            stop = b.right() if left else b.left()
            direction = -1.0 if left else 1.0
            axis_spec = (self.pen(), QtCore.QPointF(stop - direction, b.top() - 1), QtCore.QPointF(stop - direction,
                                                                                               b.bottom() + 1))
        else:
            stop = b.top() if bottom else b.bottom()
            direction = 1.0 if bottom else -1.0
            axis_spec = (self.pen(), QtCore.QPointF(b.left() - 1, stop + direction),
                         QtCore.QPointF(b.right() + 1, stop + direction))
        n0, n1 = math.ceil(lo / minor - 1e-9), math.floor(hi / minor + 1e-9)
        div = self._minor_div(step)
        for n in range(n0, n1 + 1):
            v = n * minor
            major = n % div == 0
            along = (hi - v) * scale + b.top() if vertical else (v - lo) * scale + b.left()
            tl = tick_len if major else tick_len / 2.0
            if vertical:
                ticks.append((pen if major else minor_pen, QtCore.QPointF(stop, along),
                              QtCore.QPointF(stop + tl * direction, along)))
            else:
                ticks.append((pen if major else minor_pen, QtCore.QPointF(along, stop),
                              QtCore.QPointF(along, stop + tl * direction)))
            if not major:
                continue
            text = f"{0.0 if abs(v) < step * 1e-6 else v:.{places}f}"
            w, h = self._text_size(text)
            if vertical:
                biggest = max(biggest, w)
                x = stop - text_off - w if left else stop + text_off
                align = QtCore.Qt.AlignmentFlag.AlignRight if left else QtCore.Qt.AlignmentFlag.AlignLeft
                rect = QtCore.QRectF(x, along - h / 2.0, w, h)
                flags = align | QtCore.Qt.AlignmentFlag.AlignVCenter
            else:
                biggest = max(biggest, h)
                y = stop + text_off if bottom else stop - text_off - h
                rect = QtCore.QRectF(along - w / 2.0, y, w, h)
                flags = QtCore.Qt.AlignmentFlag.AlignHCenter | (QtCore.Qt.AlignmentFlag.AlignTop if bottom else
                                                                QtCore.Qt.AlignmentFlag.AlignBottom)
            texts.append((rect, flags | QtCore.Qt.TextFlag.TextDontClip, text))
        self._updateMaxTextSize(math.ceil(biggest))
        return axis_spec, ticks, texts
