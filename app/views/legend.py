"""The top view's legend: one swatch per layer in the layer's colours; clicking a swatch shows or hides it.

Built from the layer table (app.style.LAYERS), so the legend, the View menu and the drawing cannot disagree; while
a companion tool is shown its layers join the list (:meth:`LayerLegend.set_tool_entries`), so a screenshot of the
tool says what each colour is. It is small and out of the way: anchored by the view at its top-right corner, one
column, folded to its title line by a click on the title, and fixed in place (a drag on it selects or pans like
anywhere else on the canvas).
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

TEXT_SIZE = "8pt"
SWATCH_PX = 14  # side of a swatch's cell; the disc inside is 9 px


class SwatchSample(ItemSample):
    """A small filled disc in a layer's pen and brush; greyed and crossed when the layer is hidden."""

    def __init__(self, item: Any, pen: str, brush: str | None) -> None:
        super().__init__(item)
        self.setFixedWidth(SWATCH_PX)
        self.setFixedHeight(SWATCH_PX)
        self._pen = QtGui.QColor(pen)
        self._brush = QtGui.QColor(brush[:7]) if brush else QtGui.QColor(0, 0, 0, 0)
        if brush and len(brush) == 9:
            self._brush.setAlpha(max(90, int(brush[7:], 16)))

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt override)
        return QtCore.QRectF(0, 0, SWATCH_PX, SWATCH_PX)

    def paint(self, p: QtGui.QPainter, *args: Any) -> None:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        r = QtCore.QRectF(2.5, 2.5, 9, 9)
        if self.item.isVisible():
            p.setPen(QtGui.QPen(self._pen, 1.5))
            p.setBrush(QtGui.QBrush(self._brush))
            p.drawEllipse(r)
        else:
            p.setPen(QtGui.QPen(QtGui.QColor("#b0b0b0"), 1.0))
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            p.drawEllipse(r)
            p.drawLine(r.topLeft(), r.bottomRight())


class _Title(pg.LabelItem):
    """The legend's title line; a click folds or unfolds the legend."""

    clicked = QtCore.Signal()

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 (pyqtgraph override)
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            ev.accept()
            self.clicked.emit()


class _EntryLabel(pg.LabelItem):
    """An entry's text: a click on it shows or hides the layer, like a click on its swatch (and is taken here, so
    it never reaches the drawing, where it would clear the selection)."""

    def __init__(self, text: str, sample: SwatchSample, **kwargs: Any) -> None:
        super().__init__(text, **kwargs)
        self.sample = sample

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 (pyqtgraph override)
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            ev.accept()
            self.sample.item.setVisible(not self.sample.item.isVisible())


class LayerLegend(pg.LegendItem):
    """Legend of the top view's layers and violation colours, foldable to its title."""

    def __init__(self, view: TopView) -> None:
        super().__init__(
            offset=None, brush=pg.mkBrush(255, 255, 255, 215), pen=pg.mkPen("#a0a0a0"),
            labelTextColor=style.FOREGROUND, labelTextSize=TEXT_SIZE, colCount=1, verSpacing=-4, horSpacing=2,
        )
        self.setZValue(100)
        self.layout.setContentsMargins(4, 2, 6, 2)
        self.folded = False
        self.title = _Title("", color=style.FOREGROUND, size=TEXT_SIZE, bold=True, justify="left")
        self.title.clicked.connect(self.toggle_folded)
        entries = [(SwatchSample(view.layers[spec.id], spec.pen, spec.brush), spec.title, spec.id)
                   for spec in style.LAYERS]
        for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            colour = style.SEVERITY_COLOURS[sev]
            entries.append((SwatchSample(view.violation_layers[sev], colour, None), f"{sev.value.capitalize()}s",
                            sev.value))
        # every entry with its id; ``items`` (pyqtgraph's list) holds the ones shown
        self._entries: list[tuple[str, Any, pg.LabelItem]] = []
        self._absent: set[str] = set()
        self._tool_ids: tuple[str, ...] = ()
        self._layer_count = len(style.LAYERS)  # the tool's entries go between the layers and the severities
        for sample, name, entry_id in entries:
            self._entries.append(self._entry(sample, name, entry_id))
        self.items[:] = [(sample, label) for _, sample, label in self._entries]
        self._relayout()
        cache_in_device_pixels(self)

    def _entry(self, sample: SwatchSample, name: str, entry_id: str) -> tuple[str, Any, pg.LabelItem]:
        label = _EntryLabel(name, sample, color=style.FOREGROUND, justify="left", size=TEXT_SIZE)
        sample.sigClicked.connect(self.sigSampleClicked)
        return entry_id, sample, label

    @property
    def entry_titles(self) -> list[str]:
        """The titles of the entries shown, top to bottom (what a user reads)."""
        return [label.text for _, label in self.items]

    def set_tool_entries(self, entries: list[tuple[str, Any, str, str | None, str]]) -> None:
        """List the companion tool's layers: (id, layer item, pen, brush, title) each, after the mask's layers;
        an empty list takes the last tool's entries away (Tools > Mask). A click toggles them like the others."""
        ids = tuple(e[0] for e in entries)
        if ids == self._tool_ids:
            return
        for eid, sample, label in self._entries:
            if eid in self._tool_ids:
                for it in (sample, label):
                    self.layout.removeItem(it)
                    it.setParentItem(None)
                    if it.scene() is not None:
                        it.scene().removeItem(it)
        kept = [e for e in self._entries if e[0] not in self._tool_ids]
        new = [self._entry(SwatchSample(item, pen, brush), title, eid) for eid, item, pen, brush, title in entries]
        self._entries = kept[:self._layer_count] + new + kept[self._layer_count:]
        self._tool_ids = ids
        self.items[:] = [(sample, label) for eid, sample, label in self._entries if eid not in self._absent]
        self._relayout()
        cache_in_device_pixels(self)

    def set_folded(self, folded: bool) -> None:
        """Show only the title line (``True``) or every entry."""
        if folded != self.folded:
            self.folded = folded
            self._relayout()

    def set_entry_shown(self, entry_id: str, shown: bool) -> None:
        """Show or leave out one layer's entry (the WAFER layer's, for a design that is no wafer)."""
        if (entry_id not in self._absent) == shown:
            return
        (self._absent.discard if shown else self._absent.add)(entry_id)
        for eid, sample, label in self._entries:
            if eid == entry_id and not shown:
                sample.setVisible(False)
                label.setVisible(False)
        self.items[:] = [(sample, label) for eid, sample, label in self._entries if eid not in self._absent]
        self._relayout()

    def toggle_folded(self) -> None:
        """Fold or unfold (a click on the title)."""
        self.set_folded(not self.folded)

    def _relayout(self) -> None:
        lay = self.layout
        for i in range(lay.count() - 1, -1, -1):
            lay.removeAt(i)
        self.title.setText(("\u25b8 " if self.folded else "\u25be ") + "Layers")
        lay.addItem(self.title, 0, 0, 1, 2)
        for row, (sample, label) in enumerate(self.items, start=1):
            sample.setVisible(not self.folded)
            label.setVisible(not self.folded)
            if not self.folded:
                lay.addItem(sample, row, 0, alignment=QtCore.Qt.AlignmentFlag.AlignVCenter)
                lay.addItem(label, row, 1)
        self.updateSize()

    def updateSize(self) -> None:  # noqa: N802 (pyqtgraph override)
        """Fit the frame to what is shown (the grid layout keeps the rows of removed entries)."""
        rows = [(self.title,)] + ([] if self.folded else list(self.items))
        width = max(sum(_natural_width(it) for it in row) + 2 * len(row) for row in rows)
        height = sum(max(it.boundingRect().height() for it in row) for row in rows)
        left, top, right, bottom = self.layout.getContentsMargins()
        self.setGeometry(0, 0, width + left + right, height + top + bottom - 4 * (len(rows) - 1))

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 (pyqtgraph override)
        """A click between entries is the legend's too: it must not select or deselect on the drawing."""
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            ev.accept()

    def hoverEvent(self, ev: Any) -> None:  # noqa: N802 (pyqtgraph override)
        """Claim no drag: a drag on the legend selects or pans as on the rest of the canvas."""

    def mouseDragEvent(self, ev: Any) -> None:  # noqa: N802 (pyqtgraph override)
        ev.ignore()

    def refresh(self) -> None:
        """Redraw the swatches (a layer was shown or hidden); each is cached, so it is told itself."""
        for sample, _ in self.items:
            sample.update()
        self.update()


def _natural_width(item: QtWidgets.QGraphicsWidget) -> float:
    """A label's text width (the layout may have stretched the label itself), or a swatch's width."""
    text = getattr(item, "item", None)
    return float(text.boundingRect().width()) if isinstance(text, QtWidgets.QGraphicsTextItem) \
        else float(item.boundingRect().width())


def cache_in_device_pixels(item: QtWidgets.QGraphicsItem) -> None:
    """Give an item and all its descendants a device-coordinate cache: a pan or zoom of the view repaints them
    from a pixmap instead of laying out their text again (they are anchored to the view, not to the data)."""
    todo = [item]
    while todo:
        it = todo.pop()
        it.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        todo.extend(it.childItems())
