"""The wafer map: every die position of a wafer design as one cell, and the sites of the die the user clicks.

Dies are drawn as one image (one pixel per die position, scaled to the die step), never one item per die: kept
dies, dropped partial dies and the selected die in their own colours, the wafer's rim (with its flat or notch)
and the usable area's edge on top. A click on a kept die selects it, emits :attr:`WaferMapView.die_clicked`
with its index (``Sites.group`` of its sites) and shows its sites in the detail plot beside the map.

The view observes the document (``design_changed``) and never changes it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from app import style
from app.document import Document
from geometry.model.design import Design
from geometry.model.layouts.wafer import DieMap, WaferLayout, die_map, die_sites

# cell values of the map image, and their colours (RGBA)
EMPTY, DROPPED, KEPT, SELECTED = 0, 1, 2, 3
CELL_COLOURS = np.array([
    [0, 0, 0, 0],  # no die position here
    [200, 200, 195, 255],  # a partial die, left out by the keep rule
    [70, 130, 180, 255],  # a kept die
    [255, 160, 0, 255],  # the selected die
], dtype=np.ubyte)


class WaferMapView(QtWidgets.QWidget):
    """Dies as cells; click a die to see its sites. ``die_clicked(int)`` carries the kept die's index."""

    die_clicked = QtCore.Signal(int)

    def __init__(self, document: Document, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.dies: DieMap | None = None
        self.selected = -1
        self._cells = np.zeros((1, 1), dtype=np.ubyte)
        self._rect = QtCore.QRectF(0.0, 0.0, 1.0, 1.0)
        self._origin = (0, 0)

        self.map = pg.PlotWidget(background=style.CANVAS)
        self.map.setObjectName("waferMapPlot")
        self.map.setAspectLocked(True)
        self.map.getPlotItem().hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(CELL_COLOURS)
        self.image.setLevels([0, len(CELL_COLOURS) - 1])
        self.map.addItem(self.image)
        self.rim = pg.PlotCurveItem(pen=pg.mkPen(style.FOREGROUND, width=1.5))
        self.usable = pg.PlotCurveItem(pen=pg.mkPen("#c04040", width=1, style=QtCore.Qt.PenStyle.DashLine))
        self.map.addItem(self.rim)
        self.map.addItem(self.usable)
        self.map.scene().sigMouseClicked.connect(self._scene_clicked)

        self.detail = pg.PlotWidget(background=style.CANVAS)
        self.detail.setObjectName("waferDiePlot")
        self.detail.setAspectLocked(True)
        self.detail.getPlotItem().hideButtons()
        self.die_outline = pg.PlotCurveItem(pen=pg.mkPen(style.FOREGROUND))
        self.die_sites = pg.ScatterPlotItem(pen=pg.mkPen(style.FOREGROUND), brush=pg.mkBrush(70, 130, 180, 160),
                                            pxMode=False)
        self.detail.addItem(self.die_outline)
        self.detail.addItem(self.die_sites)
        self.caption = QtWidgets.QLabel()
        self.caption.setObjectName("waferMapCaption")
        self.caption.setWordWrap(True)

        # the wafer over the die, in a splitter: the view lives in a narrow side dock, so the two stack
        side = QtWidgets.QWidget()
        side_layout = QtWidgets.QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.caption)
        side_layout.addWidget(self.detail, 1)
        self.splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        self.splitter.addWidget(self.map)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.splitter)

        document.design_changed.connect(self._design_changed)
        self._design_changed(document.design)

    # -- building ------------------------------------------------------------------------------------------
    def _design_changed(self, design: Design) -> None:
        lay = design.layout
        if not isinstance(lay, WaferLayout):
            self.dies = None
            self.selected = -1
            self.image.clear()
            self.rim.setData([], [])
            self.usable.setData([], [])
            self.die_sites.setData([])
            self.die_outline.setData([], [])
            self.caption.setText("Not a wafer design: the wafer map shows the dies of a wafer layout.")
            return
        dm = die_map(lay, design.pad)
        self.dies = dm
        i0, j0 = int(dm.i.min()), int(dm.j.min())
        cols = int(dm.i.max()) - i0 + 1
        rows = int(dm.j.max()) - j0 + 1
        cells = np.zeros((rows, cols), dtype=np.ubyte)
        cells[dm.j - j0, dm.i - i0] = np.where(dm.kept, KEPT, DROPPED)
        self._cells = cells
        self._origin = (i0, j0)
        # image pixel (c, r) covers die grid position (i0 + c, j0 + r): centre offset + (i, j) * step
        x0 = lay.offset_x_mm + (i0 - 0.5) * lay.step_x
        y0 = lay.offset_y_mm + (j0 - 0.5) * lay.step_y
        self._rect = QtCore.QRectF(x0, y0, cols * lay.step_x, rows * lay.step_y)
        rim = lay.rim()
        self.rim.setData(np.append(rim[:, 0], rim[0, 0]), np.append(rim[:, 1], rim[0, 1]))
        a = np.linspace(0.0, 2.0 * np.pi, 361)
        ru = lay.radius_mm - lay.edge_exclusion_mm
        self.usable.setData(ru * np.cos(a), ru * np.sin(a))
        if self.selected >= dm.n_kept:
            self.selected = -1
        self._paint_cells()
        self._show_die(self.selected)
        self.map.getPlotItem().getViewBox().setRange(
            xRange=(-lay.radius_mm * 1.05, lay.radius_mm * 1.05),
            yRange=(-lay.radius_mm * 1.05, lay.radius_mm * 1.05), padding=0.0)

    def _paint_cells(self) -> None:
        cells = self._cells.copy()
        dm = self.dies
        if dm is not None and self.selected >= 0:
            k = int(dm.kept_rows[self.selected])
            cells[dm.j[k] - self._origin[1], dm.i[k] - self._origin[0]] = SELECTED
        self.image.setImage(cells, autoLevels=False, levels=(0, len(CELL_COLOURS) - 1))
        self.image.setRect(self._rect)  # after setImage: the scale follows the image's size

    def _show_die(self, group: int) -> None:
        dm = self.dies
        design = self.document.design
        if dm is None or not isinstance(design.layout, WaferLayout):
            return
        lay = design.layout
        local = die_sites(lay, design.pad)
        hx, hy = lay.die_x_mm / 2.0, lay.die_y / 2.0
        self.die_outline.setData([-hx, hx, hx, -hx, -hx], [-hy, -hy, hy, hy, -hy])
        self.die_sites.setData(x=local.x_mm, y=local.y_mm, size=local.pad_mm)
        if group < 0:
            self.caption.setText(f"{dm.n_kept} dies of {len(dm)} positions kept, {len(local)} sites per die, "
                                 f"{dm.n_kept * len(local):,} sites on the wafer. Click a die to see its sites.")
        else:
            k = int(dm.kept_rows[group])
            self.caption.setText(f"Die {dm.name[k]} (column {dm.col[k]}, row {dm.row[k]}) at "
                                 f"({dm.x_mm[k]:.3f}, {dm.y_mm[k]:.3f}) mm: {len(local)} sites, named "
                                 f"{dm.name[k]}:{local.names[0]} ... {dm.name[k]}:{local.names[-1]}.")
        self.detail.getPlotItem().getViewBox().autoRange()

    # -- interaction ---------------------------------------------------------------------------------------
    def select_die(self, group: int) -> None:
        """Select kept die ``group`` (-1: none), show its sites and emit :attr:`die_clicked` when it is a die."""
        dm = self.dies
        if dm is None or group >= dm.n_kept:
            return
        self.selected = group
        self._paint_cells()
        self._show_die(group)
        if group >= 0:
            self.die_clicked.emit(group)

    def click_at(self, x_mm: float, y_mm: float) -> int:
        """A click at a wafer point: selects the kept die there; returns its index, or -1 (no kept die there)."""
        dm = self.dies
        if dm is None:
            return -1
        k = dm.at(x_mm, y_mm)
        if k < 0 or not dm.kept[k]:
            return -1
        group = int(dm.index[k])
        self.select_die(group)
        return group

    def die_centre_widget(self, group: int) -> QtCore.QPoint:
        """The widget point (of the map plot) over the centre of kept die ``group``, e.g. for a test's click."""
        assert self.dies is not None
        k = int(self.dies.kept_rows[group])
        vb = self.map.getPlotItem().getViewBox()
        scene = vb.mapViewToScene(QtCore.QPointF(float(self.dies.x_mm[k]), float(self.dies.y_mm[k])))
        point: QtCore.QPoint = self.map.mapFromScene(scene)
        return point

    def _scene_clicked(self, ev: Any) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        vb = self.map.getPlotItem().getViewBox()
        p = vb.mapSceneToView(ev.scenePos())
        if self.click_at(p.x(), p.y()) >= 0:
            ev.accept()
