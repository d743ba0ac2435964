"""The Import dialog's preview: the chosen layer's pad outlines with the recognised sites drawn over them.

Drawn in the design's (top) view, so a bottom-view file shows mirrored with its sites: the file's outlines in
grey, sites on the detected grid in green, sites off it or taken at an inscribed diameter in red. A big layer is
drawn thinned (every k-th pad, which the title says); the sites off the grid are always all drawn.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

from app.render.pad_outlines import pad_outlines, sample_rows
from geometry.fileio.importers.importing import ImportResult

PREVIEW_MAX = 20_000
"""The preview draws at most this many pads."""
ON_GRID = "#2e7d32"
OFF_GRID = "#d84315"
SOURCE = "#7a7a7a"


class ImportPreview(pg.PlotWidget):
    """The file's pad outlines (grey) and the recognised sites: on the grid in green, off it or non-round in red."""

    def __init__(self) -> None:
        super().__init__(background="w")
        self.setObjectName("import.preview")
        self.setMinimumSize(300, 260)
        self.setAspectLocked(True)
        self.hideButtons()
        self.setMenuEnabled(False)
        pen = QtGui.QPen(QtGui.QColor(SOURCE))
        pen.setCosmetic(True)
        self.source_item = QtWidgets.QGraphicsPathItem()
        self.source_item.setPen(pen)
        self.addItem(self.source_item)
        self.on_item = pg.ScatterPlotItem(pxMode=False, pen=None, brush=pg.mkBrush(ON_GRID + "b0"))
        self.off_item = pg.ScatterPlotItem(pxMode=False, pen=pg.mkPen(OFF_GRID, width=1.5),
                                           brush=pg.mkBrush(OFF_GRID + "c0"))
        self.addItem(self.on_item)
        self.addItem(self.off_item)
        self.counts = {"source": 0, "on_grid": 0, "off_grid": 0}

    def clear_preview(self) -> None:
        """Nothing shown (the import failed)."""
        self.source_item.setPath(QtGui.QPainterPath())
        self.on_item.setData([], [])
        self.off_item.setData([], [])
        self.counts = {"source": 0, "on_grid": 0, "off_grid": 0}
        self.setTitle("")

    def show_result(self, r: ImportResult) -> None:
        """Draw one import: the chosen layer's outlines in the design's (top) view, the sites over them."""
        pads, rec = r.pads, r.recognised
        rows = sample_rows(len(pads), PREVIEW_MAX)
        self.source_item.setPath(pad_outlines(pads, rows, mirror_x=rec.mirrored).to_path(False))
        cols = rec.columns
        on = rec.grid.on_grid.copy() if rec.grid is not None else np.zeros(len(cols), bool)
        if rec.inscribed:
            on &= ~np.isin(cols.names, np.array(rec.inscribed))
        d = np.where(np.isnan(cols.pad_mm), rec.pad_mm, cols.pad_mm)
        keep = np.zeros(len(cols), bool)
        keep[sample_rows(len(cols), PREVIEW_MAX)] = True
        good, bad = np.flatnonzero(on & keep), np.flatnonzero(~on)  # every bad one is drawn
        self.on_item.setData(x=cols.x_mm[good], y=cols.y_mm[good], size=0.8 * d[good])
        self.off_item.setData(x=cols.x_mm[bad], y=cols.y_mm[bad], size=0.8 * d[bad])
        self.counts = {"source": int(rows.shape[0]), "on_grid": int(good.shape[0]), "off_grid": int(bad.shape[0])}
        step = len(pads) // max(rows.shape[0], 1)
        self.setTitle(f"<span style='font-size:8pt'>{len(cols)} sites, {bad.shape[0]} off the grid or not round"
                      + (f"; every {step}th pad drawn" if step > 1 else "") + "</span>")
        self.autoRange(padding=0.05)
