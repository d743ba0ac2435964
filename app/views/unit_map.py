"""The unit map of a strip or panel: every position of the carrier's unit matrix as one cell, like the wafer map.

A cell is a rectangle at the unit's place, drawn with the unit's true pitch and block gaps (one scatter item with a
rectangular symbol, not one item per unit): kept units filled, skipped units (the carrier's bad-unit list) hollow
and greyed, the current unit in the selection colour. A cell's border takes the colour of the worst finding inside
the unit (the findings' points fall in its cell). A click on a cell makes it the current unit and emits
:attr:`UnitMapView.unit_clicked` with its (row, column); the window then cuts the cross-section through it. Skip
Unit (the context menu, the button or Ctrl+K) leaves the current unit out, or puts a skipped one back, as one
undoable command on ``layout.skip``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6 import QtCore, QtGui, QtWidgets

from app import style
from app.document import Document
from app.panels.fields import connect_event, user_message
from geometry.base.errors import DesignError
from geometry.checks.records import Severity
from geometry.model.design import Design
from geometry.model.layouts import CarrierLayout
from geometry.model.layouts.carrier import unit_matrix

SKIP_KEY = "Ctrl+K"
FILL_KEPT, FILL_SKIPPED, FILL_CURRENT = "#96bee1", "#ecece6", "#ffd700"
BORDER_NONE = "#3c3c3c"
BORDER = {Severity.INFO: "#7890f0", Severity.WARNING: "#f5a03c", Severity.ERROR: "#e13232"}
RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}
CELL_FILL = 0.9
"""A cell covers this share of the unit pitch, so neighbouring cells read apart."""


def unit_name(layout: CarrierLayout, row: int, col: int) -> str:
    """The name of unit (row, col), as :func:`geometry.model.layouts.carrier.unit_matrix` writes it."""
    width = max(2, len(str(max(layout.unit_rows, layout.unit_cols))))
    return f"U{row:0{width}d}-{col:0{width}d}"


def toggle_skip(design: Design, row: int, col: int) -> Design:
    """The design with unit (row, col) left out, or put back when it is left out already."""
    lay = design.layout
    if not isinstance(lay, CarrierLayout):
        raise DesignError("layout.skip", lay.kind, "only a strip or panel has units to skip")
    rc = (int(row), int(col))
    skip = tuple(s for s in lay.skip if s != rc) if rc in lay.skip else (*lay.skip, rc)
    if len(skip) >= lay.unit_rows * lay.unit_cols:
        raise DesignError("layout.skip", unit_name(lay, *rc), "is the last unit: a carrier keeps at least one")
    return design.with_(layout=replace(lay, skip=skip))


def unit_cut_line(design: Design, row: int, col: int) -> tuple[float, float, float, float] | None:
    """A cut across unit (row, col) through its middle row of balls, one unit pitch long (None: no such unit)."""
    lay = design.layout
    if not isinstance(lay, CarrierLayout) or not (1 <= row <= lay.unit_rows and 1 <= col <= lay.unit_cols):
        return None
    centre = unit_matrix(replace(lay, skip=())).offsets_mm[(row - 1) * lay.unit_cols + (col - 1)]
    local = lay.unit.generate(design.pad)
    ys = np.unique(np.round(local.y_mm, 6))
    row_y = float(ys[np.argmin(np.abs(ys))]) if len(ys) else 0.0
    x, y, hx = float(centre[0]), float(centre[1]) + row_y, lay.unit_pitch_x_mm / 2.0
    return (x - hx, y, x + hx, y)


def _nearest(values: NDArray[np.float64], v: NDArray[np.float64]) -> NDArray[np.intp]:
    """Index of the nearest of the sorted ``values`` to each of ``v``."""
    if len(values) < 2:
        return np.zeros(len(v), dtype=np.intp)
    i = np.clip(np.searchsorted(values, v), 1, len(values) - 1)
    out: NDArray[np.intp] = np.where(np.abs(v - values[i - 1]) <= np.abs(values[i] - v), i - 1, i).astype(np.intp)
    return out


class UnitMapView(QtWidgets.QWidget):
    """Units as cells; a click chooses a unit (``unit_clicked(row, col)``); Skip Unit toggles it (undoable)."""

    unit_clicked = QtCore.Signal(int, int)
    message = QtCore.Signal(str)

    def __init__(self, document: Document, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("UnitMapView")
        self.document = document
        self.layout_shown: CarrierLayout | None = None
        self.rows = np.zeros(0, dtype=np.intp)  # every matrix position, skipped or not, row-major
        self.cols = np.zeros(0, dtype=np.intp)
        self.centres = np.zeros((0, 2))
        self.kept = np.zeros(0, dtype=bool)
        self.severity = np.zeros(0, dtype=np.intp)  # worst finding per position: 0 none, RANK otherwise
        self.current = -1  # index into the positions

        self.plot = pg.PlotWidget(background=style.CANVAS)
        self.plot.setObjectName("unitMapPlot")
        self.plot.setAspectLocked(True)
        self.plot.getPlotItem().hideButtons()
        self.plot.getPlotItem().setMenuEnabled(False)
        self.plot.getPlotItem().getViewBox().invertY(False)
        self.cells = pg.ScatterPlotItem(pxMode=False)
        self.plot.addItem(self.cells)
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self.plot.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.plot.customContextMenuRequested.connect(self._context_menu)

        self.detail = pg.PlotWidget(background=style.CANVAS)  # the unit's own sites, as in the wafer map
        self.detail.setObjectName("unitSitesPlot")
        self.detail.setAspectLocked(True)
        self.detail.getPlotItem().hideButtons()
        self.detail.getPlotItem().setMenuEnabled(False)
        self.unit_outline = pg.PlotCurveItem(pen=pg.mkPen(style.FOREGROUND))
        self.unit_sites = pg.ScatterPlotItem(pen=pg.mkPen(style.FOREGROUND), brush=pg.mkBrush(70, 130, 180, 160),
                                             pxMode=False)
        self.detail.addItem(self.unit_outline)
        self.detail.addItem(self.unit_sites)
        self.caption = QtWidgets.QLabel()
        self.caption.setObjectName("unitMapCaption")
        self.caption.setWordWrap(True)
        self.skip_action = QtGui.QAction("Skip Unit", self)
        self.skip_action.setObjectName("unitMap.skip")
        self.skip_action.setShortcut(QtGui.QKeySequence(SKIP_KEY))
        self.skip_action.setShortcutContext(QtCore.Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.skip_action.triggered.connect(self.toggle_current)
        self.addAction(self.skip_action)
        self.skip_button = QtWidgets.QToolButton()
        self.skip_button.setObjectName("unitMap.skip_button")
        self.skip_button.setDefaultAction(self.skip_action)
        self.skip_button.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.skip_button, 0, QtCore.Qt.AlignmentFlag.AlignTop)
        side = QtWidgets.QWidget()
        side_layout = QtWidgets.QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addLayout(bar)
        side_layout.addWidget(self.detail, 1)
        self.splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)  # a narrow side dock: they stack
        self.splitter.addWidget(self.plot)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.splitter)

        connect_event(self, document.design_changed, self._design_changed)
        self._design_changed(document.design)

    # -- building ------------------------------------------------------------------------------------------
    def _design_changed(self, design: Design) -> None:
        lay = design.layout
        if not isinstance(lay, CarrierLayout):
            self.layout_shown = None
            self.rows = self.cols = np.zeros(0, dtype=np.intp)
            self.centres = np.zeros((0, 2))
            self.kept = np.zeros(0, dtype=bool)
            self.severity = np.zeros(0, dtype=np.intp)
            self.current = -1
            self.cells.setData([])
            self.unit_sites.setData([])
            self.unit_outline.setData([], [])
            self.caption.setText("Not a strip or panel: the unit map shows the units of a carrier layout.")
            self._update_action()
            return
        same_matrix = (self.layout_shown is not None and (self.layout_shown.unit_rows, self.layout_shown.unit_cols)
                       == (lay.unit_rows, lay.unit_cols))
        everything = unit_matrix(replace(lay, skip=()))
        self.layout_shown = lay
        self.rows, self.cols = everything.row, everything.col
        self.centres = everything.offsets_mm
        kept = np.ones(len(self.rows), dtype=bool)
        if lay.skip:
            skip = np.asarray(lay.skip, dtype=np.intp)
            kept[(skip[:, 0] - 1) * lay.unit_cols + (skip[:, 1] - 1)] = False
        self.kept = kept
        if not same_matrix:
            self.current = -1
            self.severity = np.zeros(len(self.rows), dtype=np.intp)
        self._paint()
        local = lay.unit.generate(design.pad)
        hx, hy = lay.unit_pitch_x_mm / 2.0, lay.unit_pitch_y / 2.0
        self.unit_outline.setData([-hx, hx, hx, -hx, -hx], [-hy, -hy, hy, hy, -hy])  # the unit's pitch cell
        self.unit_sites.setData(x=local.x_mm, y=local.y_mm, size=local.pad_mm)
        if not same_matrix:
            self.plot.getPlotItem().getViewBox().autoRange(padding=0.04)
            self.detail.getPlotItem().getViewBox().autoRange(padding=0.04)

    def _symbol(self) -> tuple[QtGui.QPainterPath, float]:
        """A rectangle of the unit pitch's aspect (the scatter scales a symbol by one size) and that size, mm."""
        lay = self.layout_shown
        assert lay is not None
        w, h = lay.unit_pitch_x_mm * CELL_FILL, lay.unit_pitch_y * CELL_FILL
        size = max(w, h)
        path = QtGui.QPainterPath()
        path.addRect(QtCore.QRectF(-w / size / 2.0, -h / size / 2.0, w / size, h / size))
        return path, size

    def _paint(self) -> None:
        if self.layout_shown is None:
            return
        path, size = self._symbol()
        fills = np.where(self.kept, FILL_KEPT, FILL_SKIPPED).astype(object)
        if 0 <= self.current < len(fills):
            fills[self.current] = FILL_CURRENT
        colours = {0: BORDER_NONE, **{RANK[s]: c for s, c in BORDER.items()}}
        pens = [pg.mkPen(colours[int(k)], width=2.5 if k else 1.0) for k in self.severity.tolist()]
        brushes = [pg.mkBrush(c) for c in fills.tolist()]
        self.cells.setData(x=self.centres[:, 0], y=self.centres[:, 1], size=size, symbol=path, pen=pens,
                           brush=brushes, data=np.arange(len(self.rows)))
        lay = self.layout_shown
        n_bad = int(np.count_nonzero(self.kept & (self.severity == RANK[Severity.ERROR])))
        if self.current >= 0:
            r, c = int(self.rows[self.current]), int(self.cols[self.current])
            state = "kept" if self.kept[self.current] else "skipped"
            x, y = self.centres[self.current]
            self.caption.setText(f"Unit {unit_name(lay, r, c)} (row {r}, column {c}) at ({x:.3f}, {y:.3f}) mm, "
                                 f"{state}. {SKIP_KEY} skips or restores it.")
        else:
            self.caption.setText(f"{lay.form.value.capitalize()}: {lay.unit_count()} of {len(self.rows)} units "
                                 f"kept, {lay.unit.site_count()} sites each"
                                 f"{f', {n_bad} with errors' if n_bad else ''}. Click a unit to cut through it.")
        self._update_action()

    def _update_action(self) -> None:
        ok = self.layout_shown is not None and self.current >= 0
        skipped = ok and not bool(self.kept[self.current])
        self.skip_action.setEnabled(ok)
        self.skip_action.setText("Restore Unit" if skipped else "Skip Unit")

    def set_report(self, report: Any) -> None:
        """Border each unit by the worst finding whose point falls in its cell."""
        lay = self.layout_shown
        sev = np.zeros(len(self.rows), dtype=np.intp)
        vs = getattr(report, "violations", ())
        if lay is not None and vs and len(self.rows):
            vx = np.fromiter((v.x_mm for v in vs), dtype=np.float64, count=len(vs))
            vy = np.fromiter((v.y_mm for v in vs), dtype=np.float64, count=len(vs))
            vr = np.fromiter((RANK[v.severity] for v in vs), dtype=np.intp, count=len(vs))
            k = self.positions_at(vx, vy)
            hit = k >= 0
            np.maximum.at(sev, k[hit], vr[hit])
        self.severity = sev
        self._paint()

    # -- picking -------------------------------------------------------------------------------------------
    def positions_at(self, x_mm: NDArray[np.float64], y_mm: NDArray[np.float64]) -> NDArray[np.intp]:
        """The matrix position whose pitch cell holds each point (-1 outside every cell: a block gap, the rim)."""
        lay = self.layout_shown
        out = np.full(len(x_mm), -1, dtype=np.intp)
        if lay is None or not len(self.rows):
            return out
        xs = np.unique(self.centres[:, 0])
        ys = np.unique(self.centres[:, 1])
        ci, ri = _nearest(xs, x_mm), _nearest(ys, y_mm)
        inside = ((np.abs(xs[ci] - x_mm) <= lay.unit_pitch_x_mm / 2.0 + 1e-9)
                  & (np.abs(ys[ri] - y_mm) <= lay.unit_pitch_y / 2.0 + 1e-9))
        # columns run left to right, rows top (largest y) to bottom
        col = ci
        row = len(ys) - 1 - ri
        out[inside] = (row * lay.unit_cols + col)[inside]
        return out

    def select(self, index: int) -> None:
        """Make matrix position ``index`` the current unit (-1: none); emits :attr:`unit_clicked` for a unit."""
        if not -1 <= index < len(self.rows):
            return
        self.current = index
        self._paint()
        if index >= 0:
            self.unit_clicked.emit(int(self.rows[index]), int(self.cols[index]))

    def click_at(self, x_mm: float, y_mm: float) -> int:
        """A click at a carrier point: the unit there becomes current; its position, or -1."""
        k = int(self.positions_at(np.array([x_mm]), np.array([y_mm]))[0])
        if k >= 0:
            self.select(k)
        return k

    def cell_centre_widget(self, index: int) -> QtCore.QPoint:
        """The plot widget's point over the centre of position ``index`` (for a test's click)."""
        vb = self.plot.getPlotItem().getViewBox()
        x, y = self.centres[index]
        point: QtCore.QPoint = self.plot.mapFromScene(vb.mapViewToScene(QtCore.QPointF(float(x), float(y))))
        return point

    def _scene_clicked(self, ev: Any) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        p = self.plot.getPlotItem().getViewBox().mapSceneToView(ev.scenePos())
        if self.click_at(p.x(), p.y()) >= 0:
            ev.accept()

    def _context_menu(self, pos: QtCore.QPoint) -> None:
        p = self.plot.getPlotItem().getViewBox().mapSceneToView(self.plot.mapToScene(pos))
        if self.click_at(p.x(), p.y()) < 0:
            return
        menu = QtWidgets.QMenu(self)
        menu.addAction(self.skip_action)
        menu.exec(self.plot.mapToGlobal(pos))

    # -- editing -------------------------------------------------------------------------------------------
    def toggle_current(self) -> bool:
        """Skip the current unit, or restore it when skipped: one undoable command ("Skip unit U01-03")."""
        lay = self.layout_shown
        if lay is None or self.current < 0:
            return False
        r, c = int(self.rows[self.current]), int(self.cols[self.current])
        verb = "Restore" if (r, c) in lay.skip else "Skip"
        try:
            self.document.apply(f"{verb} unit {unit_name(lay, r, c)}", lambda d: toggle_skip(d, r, c))
        except DesignError as e:
            self.message.emit(user_message(e))
            return False
        return True
