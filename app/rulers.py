"""Rulers as in KLayout: the Measure tool's two clicks leave a ruler on the drawing until it is deleted or all are
cleared (View > Clear Rulers, Shift+Esc).

Each end snaps to what is under the cursor: a site's centre, or the edge of its upper or lower opening (the
nearest of the three within a few pixels). Between two sites a ruler also gives the edge-to-edge webs: the upper
web between the upper openings and the lower web between the lower openings (the lower centre may be shifted), and
always the length, dx, dy and the angle. :class:`RulerList` is the dock listing them, to delete one or all.

The arithmetic (:func:`snap_point`, :func:`measure`) is Qt-free; :class:`RulerSet` draws on a pyqtgraph ViewBox.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app import style
from app.units import LengthUnit, format_angle, format_length
from app.views.label_layout import place_labels
from app.views.snap_grid import PassiveScatter
from geometry.derive.openings import OpeningTable, opening_table
from geometry.model.design import Design

SNAP_PX = 8.0
"""How near (screen pixels) the cursor must be to a centre or an opening edge for an end to snap to it."""


@dataclass(frozen=True)
class Snap:
    """Where a ruler end lands: the point, the site it belongs to (or None) and what it snapped to."""

    x_mm: float
    y_mm: float
    site: str | None = None
    kind: str = "free"  # "centre", "upper edge", "lower edge" or "free"


@dataclass(frozen=True)
class Ruler:
    """Two ends and what lies between them (mm and degrees)."""

    a: Snap
    b: Snap
    upper_web_mm: float | None = None
    lower_web_mm: float | None = None

    @property
    def dx_mm(self) -> float:
        return self.b.x_mm - self.a.x_mm

    @property
    def dy_mm(self) -> float:
        return self.b.y_mm - self.a.y_mm

    @property
    def length_mm(self) -> float:
        return math.hypot(self.dx_mm, self.dy_mm)

    @property
    def angle_deg(self) -> float:
        """Direction from a to b, counter-clockwise from +x, in (-180, 180]."""
        return math.degrees(math.atan2(self.dy_mm, self.dx_mm))

    def ends_text(self) -> str:
        """"A1 -> A2" or the coordinates of free ends."""
        def end(s: Snap) -> str:
            return s.site if s.site and s.kind == "centre" else (
                f"{s.site} {s.kind}" if s.site else f"({s.x_mm:.3f}, {s.y_mm:.3f})")

        return f"{end(self.a)} \u2192 {end(self.b)}"

    def text(self, unit: LengthUnit) -> str:
        """One line: length, angle, webs."""
        parts = [f"{format_length(self.length_mm, unit)} at {format_angle(round(self.angle_deg, 2))}"]
        if self.upper_web_mm is not None:
            parts.append(f"upper web {format_length(self.upper_web_mm, unit)}")
        if self.lower_web_mm is not None:
            parts.append(f"lower web {format_length(self.lower_web_mm, unit)}")
        return ", ".join(parts)


def snap_point(table: OpeningTable, x_mm: float, y_mm: float, tol_mm: float, site_rows: Sequence[int]) -> Snap:
    """Snap (x, y) to the nearest centre, upper edge or lower edge of the given sites within ``tol_mm``."""
    sites = table.sites
    candidates: list[tuple[float, Snap]] = []
    for i in site_rows:
        name = str(sites.names[i])
        cx, cy = float(sites.x_mm[i]), float(sites.y_mm[i])
        candidates.append((math.hypot(x_mm - cx, y_mm - cy), Snap(cx, cy, name, "centre")))
        for kind, diameter, ex, ey in (("upper edge", table.upper_mm[i], cx, cy),
                                       ("lower edge", table.lower_mm[i], table.lower_x_mm[i],
                                        table.lower_y_mm[i])):
            if math.isnan(float(diameter)):
                continue
            ox, oy, r = float(ex), float(ey), float(diameter) / 2.0
            d = math.hypot(x_mm - ox, y_mm - oy)
            ux, uy = ((x_mm - ox) / d, (y_mm - oy) / d) if d > 1e-12 else (1.0, 0.0)
            candidates.append((abs(d - r), Snap(ox + ux * r, oy + uy * r, name, kind)))
    if not candidates:
        return Snap(x_mm, y_mm)
    dist, best = min(candidates, key=lambda c: c[0])
    return best if dist <= tol_mm else Snap(x_mm, y_mm)


def measure(table: OpeningTable, a: Snap, b: Snap) -> Ruler:
    """A ruler between two ends; between two different sites with openings, also the upper and lower webs."""
    if a.site is None or b.site is None or a.site == b.site:
        return Ruler(a, b)
    s = table.sites
    i, j = s.index_of(a.site), s.index_of(b.site)
    du_i, du_j = float(table.upper_mm[i]), float(table.upper_mm[j])
    if math.isnan(du_i) or math.isnan(du_j):
        return Ruler(a, b)
    centre = math.hypot(float(s.x_mm[j] - s.x_mm[i]), float(s.y_mm[j] - s.y_mm[i]))
    lower = math.hypot(float(table.lower_x_mm[j] - table.lower_x_mm[i]),
                       float(table.lower_y_mm[j] - table.lower_y_mm[i]))
    return Ruler(a, b, centre - (du_i + du_j) / 2.0,
                 lower - (float(table.lower_mm[i]) + float(table.lower_mm[j])) / 2.0)


class RulerSet(QtCore.QObject):
    """The rulers on one view box: two clicks add one; they stay until removed or cleared."""

    changed = QtCore.Signal()
    message = QtCore.Signal(str)

    def __init__(self, box: pg.ViewBox, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.box = box
        self.rulers: list[Ruler] = []
        self.unit = LengthUnit.MM
        self._items: list[tuple[pg.PlotCurveItem, pg.TextItem]] = []
        self._start: Snap | None = None
        pen = pg.mkPen(style.MEASURE, width=1.5, style=QtCore.Qt.PenStyle.DashLine)
        self._preview = pg.PlotCurveItem(pen=pen)
        self._preview.setZValue(style.Z_TOOL + 1)
        box.addItem(self._preview, ignoreBounds=True)
        self._marker = PassiveScatter(size=11, pen=pg.mkPen(style.MEASURE, width=1.5), brush=None, symbol="o")
        self._marker.setZValue(style.Z_TOOL + 2)
        self._marker.setAcceptedMouseButtons(QtCore.Qt.MouseButton.NoButton)  # the click is the ruler's end
        box.addItem(self._marker, ignoreBounds=True)
        # tags are sized on screen: after a zoom two tags may cover each other, so they are placed again
        box.sigRangeChanged.connect(lambda *_a: self.place_tags())
        box.sigResized.connect(lambda *_a: self.place_tags())

    def place_tags(self) -> None:
        """Every tag at its ruler's end, moved off the tags before it where they would overlap on screen."""
        if self._items:
            place_labels(self.box, [(label, r.b.x_mm, r.b.y_mm) for r, (_line, label) in
                                    zip(self.rulers, self._items, strict=True)])

    @property
    def pending(self) -> Snap | None:
        """The first end of a ruler being drawn."""
        return self._start

    def tolerance_mm(self) -> float:
        """SNAP_PX screen pixels in mm at the current zoom."""
        w = max(1.0, float(self.box.width()))
        (x0, x1), _ = self.box.viewRange()
        return float(SNAP_PX * abs(float(x1) - float(x0)) / w)

    def snap(self, design: Design, x_mm: float, y_mm: float, near: Sequence[int]) -> Snap:
        """Where an end at (x, y) lands, given the rows of the sites near it."""
        return snap_point(opening_table(design), x_mm, y_mm, self.tolerance_mm(), near)

    def hover(self, design: Design, x_mm: float, y_mm: float, near: Sequence[int]) -> Snap:
        """Show where a click would land and, after the first click, the ruler it would make."""
        s = self.snap(design, x_mm, y_mm, near)
        self._marker.setData([s.x_mm], [s.y_mm]) if s.kind != "free" else self._marker.setData([], [])
        if self._start is not None:
            self._preview.setData([self._start.x_mm, s.x_mm], [self._start.y_mm, s.y_mm])
        return s

    def click(self, design: Design, x_mm: float, y_mm: float, near: Sequence[int]) -> Ruler | None:
        """First click: the start; second click: the ruler (returned), which stays on the drawing."""
        s = self.snap(design, x_mm, y_mm, near)
        if self._start is None:
            self._start = s
            self.message.emit(f"Ruler from {s.site + ' ' + s.kind if s.site else 'a free point'}: click the end "
                              "(Esc cancels).")
            return None
        ruler = measure(opening_table(design), self._start, s)
        self._start = None
        self._preview.setData([], [])
        self.add(ruler)
        self.message.emit(f"{ruler.ends_text()}: {ruler.text(self.unit)}")
        return ruler

    def cancel(self) -> None:
        """Drop a ruler being drawn."""
        self._start = None
        self._preview.setData([], [])
        self._marker.setData([], [])

    def add(self, ruler: Ruler) -> None:
        """Keep a ruler and draw it."""
        self.rulers.append(ruler)
        line = pg.PlotCurveItem([ruler.a.x_mm, ruler.b.x_mm], [ruler.a.y_mm, ruler.b.y_mm],
                                pen=pg.mkPen(style.MEASURE, width=2))
        line.setZValue(style.Z_TOOL)
        # a compact tag at the ruler's end, pointing away from the ruler: the webs are in the list and the tooltip
        right = ruler.dx_mm >= 0
        up = ruler.dy_mm >= 0
        label = pg.TextItem("", color=style.MEASURE, anchor=(0.0 if right else 1.0, 1.0 if up else 0.0),
                            fill=pg.mkBrush(255, 255, 255, 200))
        label.setFont(QtGui.QFont(label.textItem.font().family(), 8))
        label.setZValue(style.Z_TOOL + 1)
        label.setPos(ruler.b.x_mm, ruler.b.y_mm)
        self.box.addItem(line, ignoreBounds=True)
        self.box.addItem(label, ignoreBounds=True)
        self._items.append((line, label))
        self._label(len(self.rulers) - 1)
        self.place_tags()
        self.changed.emit()

    def _label(self, i: int) -> None:
        r = self.rulers[i]
        label = self._items[i][1]
        label.setText(f"#{i + 1} {format_length(r.length_mm, self.unit)}")
        label.setToolTip(f"#{i + 1} {r.ends_text()}: {r.text(self.unit)}")

    def remove(self, index: int) -> None:
        """Delete one ruler."""
        if not 0 <= index < len(self.rulers):
            return
        del self.rulers[index]
        line, label = self._items.pop(index)
        self.box.removeItem(line)
        self.box.removeItem(label)
        for i in range(len(self.rulers)):
            self._label(i)
        self.place_tags()
        self.changed.emit()

    def clear(self) -> None:
        """Delete every ruler."""
        self.cancel()
        for line, label in self._items:
            self.box.removeItem(line)
            self.box.removeItem(label)
        self._items.clear()
        self.rulers.clear()
        self.changed.emit()

    def set_unit(self, unit: LengthUnit | str) -> None:
        """Labels in another unit."""
        self.unit = LengthUnit(unit)
        for i in range(len(self.rulers)):
            self._label(i)
        self.place_tags()
        self.changed.emit()

    def label_item(self, index: int) -> pg.TextItem:
        """The label drawn for ruler ``index`` (for tests)."""
        return self._items[index][1]


class RulerList(QtWidgets.QWidget):
    """The rulers as a table: ends, length, angle, webs; delete the selected ones or all."""

    COLUMNS = ("#", "From \u2192 to", "Length", "Angle", "Upper web", "Lower web")

    def __init__(self, rulers: RulerSet, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.rulers = rulers
        self.table = QtWidgets.QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("rulerTable")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.delete_button = QtWidgets.QPushButton("Delete")
        self.delete_button.setToolTip("Delete the rulers selected in the list")
        self.delete_button.clicked.connect(self.delete_selected)
        self.clear_button = QtWidgets.QPushButton("Clear All")
        self.clear_button.setToolTip("Delete every ruler (Shift+Esc)")
        self.clear_button.clicked.connect(rulers.clear)
        self.hint = QtWidgets.QLabel("Measure (M): click two points; ends snap to centres and opening edges.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #606060;")
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.hint)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        rulers.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Rows from the ruler set."""
        unit = self.rulers.unit
        rs = self.rulers.rulers
        self.table.setRowCount(len(rs))
        for r, ruler in enumerate(rs):
            cells = (str(r + 1), ruler.ends_text(), format_length(ruler.length_mm, unit),
                     format_angle(round(ruler.angle_deg, 2)),
                     "" if ruler.upper_web_mm is None else format_length(ruler.upper_web_mm, unit),
                     "" if ruler.lower_web_mm is None else format_length(ruler.lower_web_mm, unit))
            for c, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(text)
                item.setToolTip(f"{ruler.ends_text()}: {ruler.text(unit)}")
                if c:
                    item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.delete_button.setEnabled(bool(rs))
        self.clear_button.setEnabled(bool(rs))

    def delete_selected(self) -> None:
        """Delete the rulers whose rows are selected."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for r in rows:
            self.rulers.remove(r)
