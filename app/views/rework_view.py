"""The rework view: review a device to be reballed, and turn the production mask into its rework mask.

It observes the document and shows, for a design that carries rework data (:mod:`geometry.rework`):

- the sites coloured by state (to reball, damaged, failed place, residue too high, no ball), or the residue heights
  as a heat map (one scatter item for all sites, sized by the footprint);
- the sites that need attention (click one to select it in every view);
- the production vs rework comparison, site by site (closed openings, changed profiles);
- a **Derive rework mask** button (asks for the Rework menu's command, ``derive_requested``): the rework mask is
  opened as a new, unsaved design in a window of its own (:mod:`geometry.fileio.rework_design`); the production
  design in this window stays as it is.

The view never edits the design. A window showing a derived rework mask is given its production design as the
baseline for the comparison (:meth:`ReworkView.set_baseline`) until another file is opened. The cross-section
draws the residue with :func:`geometry.derive.section.residue_bumps`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app import style
from app.document import Document
from geometry.analysis.review import STATUS_LABELS, ReworkReview, SiteStatus, review
from geometry.base.errors import DesignError
from geometry.derive.residue import residue_table
from geometry.model.design import Design

STATUS_COLOURS: dict[SiteStatus, str] = {
    SiteStatus.REBALL: "#3a9a4a",
    SiteStatus.DAMAGED: "#505050",
    SiteStatus.FAILED_PLACE: "#e08a00",
    SiteStatus.RESIDUE_HIGH: "#d62728",
    SiteStatus.CLOSED: "#d0d0c8",
}
"""The colour of each site state (one table: the legend and the plot read it)."""

HEAT = pg.ColorMap([0.0, 0.5, 1.0], [(255, 255, 204), (253, 141, 60), (189, 0, 38)])
"""Residue height heat map (light yellow, orange, dark red: the higher the darker)."""
NO_RESIDUE = "#8c8c8c"
"""Heat-map colour of a site without residue (damaged, no ball as built, closed)."""

MODES = ("State", "Residue height")


def _rgba(colour: str) -> tuple[int, int, int, int]:
    c = QtGui.QColor(colour)
    return (c.red(), c.green(), c.blue(), 255)


class ReworkView(QtWidgets.QWidget):
    """Rework review of the document's design (see the module docstring)."""

    message = QtCore.Signal(str)
    review_changed = QtCore.Signal()
    """The review was recomputed (``self.review``; None for a design without rework data)."""
    derive_requested = QtCore.Signal()
    """The Derive button was pressed: the window derives the rework mask as a new design."""

    def __init__(self, document: Document, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.review: ReworkReview | None = None
        self._cleared = False  # the panel shows no review (the design has no rework data) and nothing else
        self.baseline: Design | None = None
        self.site_colours = np.zeros((0, 4), dtype=np.ubyte)

        self.summary_label = QtWidgets.QLabel()
        self.summary_label.setWordWrap(True)
        self.mode_combo = QtWidgets.QComboBox()
        self.mode_combo.addItems(MODES)
        self.mode_combo.setToolTip("Colour the sites by their rework state or by the residue height")
        self.apply_button = QtWidgets.QPushButton("Derive rework mask")
        self.apply_button.setToolTip("Open the rework mask (damaged sites closed, the proposed per-site changes "
                                     "applied) as a new, unsaved design; this production design stays as it is")
        self.legend_label = QtWidgets.QLabel()
        self.legend_label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.legend_label.setWordWrap(True)
        self._ranged: object = None  # what the plot's range was fitted to (the sites' extent)

        self.plot = pg.PlotWidget(background=style.CANVAS)
        self.plot.setObjectName("reworkPlot")
        pi = self.plot.getPlotItem()
        pi.hideButtons()
        pi.setAspectLocked(True)
        pi.showGrid(x=True, y=True, alpha=0.15)
        pi.setLabel("bottom", "x", units="mm")
        pi.setLabel("left", "y", units="mm")
        for name in ("left", "bottom"):
            pi.getAxis(name).enableAutoSIPrefix(False)
        self.scatter = pg.ScatterPlotItem(pxMode=False, pen=pg.mkPen(style.FOREGROUND, width=0.5))
        self.failed_marks = pg.ScatterPlotItem(pxMode=True, symbol="x", size=14,
                                               pen=pg.mkPen(STATUS_COLOURS[SiteStatus.FAILED_PLACE], width=2),
                                               brush=None)
        self.plot.addItem(self.scatter)
        self.plot.addItem(self.failed_marks)

        self.attention_table = QtWidgets.QTableWidget(0, 2)
        self.attention_table.setHorizontalHeaderLabels(["Site", "Needs attention"])
        self.changes_table = QtWidgets.QTableWidget(0, 4)
        self.changes_table.setHorizontalHeaderLabels(["Site", "Change", "Production", "Rework"])
        for table in (self.attention_table, self.changes_table):
            table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setStretchLastSection(True)
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.addTab(self.attention_table, "Needs attention")
        self.tabs.addTab(self.changes_table, "Production vs rework")

        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("Colour by"))
        top.addWidget(self.mode_combo)
        top.addStretch(1)
        top.addWidget(self.apply_button)
        split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        split.addWidget(self.plot)
        split.addWidget(self.tabs)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.summary_label)
        lay.addLayout(top)
        lay.addWidget(self.legend_label)
        lay.addWidget(split, 1)

        self.mode_combo.currentIndexChanged.connect(lambda _i: self._paint())
        self.apply_button.clicked.connect(self.apply_rework)
        self.attention_table.itemSelectionChanged.connect(lambda: self._select_from(self.attention_table))
        self.changes_table.itemSelectionChanged.connect(lambda: self._select_from(self.changes_table))
        self.scatter.sigClicked.connect(self._scatter_clicked)
        document.design_changed.connect(self._design_changed)
        document.path_changed.connect(self._path_changed)
        self.refresh()
        pi.autoRange()

    # -- document ----------------------------------------------------------------------------------------------
    def _design_changed(self, _design: Design) -> None:
        self.refresh()

    def set_baseline(self, production: Design | None) -> None:
        """Compare the document's (rework) design against ``production``."""
        self.baseline = production
        self.refresh()

    def _path_changed(self, _path: Path | None) -> None:
        self.baseline = None  # another file: its own production
        self.refresh()

    def apply_rework(self) -> None:
        """Ask the window to derive the rework mask (as a new design) from the document's design."""
        if self.document.design.rework is not None:
            self.derive_requested.emit()

    # -- drawing ---------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the review and redraw everything."""
        design = self.document.design
        if design.rework is None:
            if self._cleared:
                return  # already showing no review (an edit of a design without rework data changes nothing here)
            self._cleared = True
            self.review = None
            self.summary_label.setText("This design carries no rework data. Add residue measurements, damaged "
                                       "sites and failed places (ballmask rework, or the rework commands).")
            self.apply_button.setEnabled(False)
            self.scatter.setData([])
            self.failed_marks.setData([])
            self.site_colours = np.zeros((0, 4), dtype=np.ubyte)
            self._fill(self.attention_table, [])
            self._fill(self.changes_table, [])
            self.legend_label.setText("")
            self.review_changed.emit()
            return
        self._cleared = False
        baseline = self.baseline
        if baseline is not None and len(baseline.sites()) != len(design.sites()):
            baseline = None
        try:
            rv = review(design, baseline=baseline)
        except DesignError as e:
            self.message.emit(f"Rework review failed: {e}")
            self.review = None
            self.review_changed.emit()
            return
        self.review = rv
        pending = bool(rv.proposal.fixes) or bool(rv.damaged_open) or design != rv.rework_design
        derived = design.rework is not None and design.rework.derived_from is not None
        self.apply_button.setEnabled(pending and not derived)
        device = rv.device or "(device not named)"
        self.summary_label.setText(
            f"<b>Rework of {device}</b>: {len(rv.to_reball)} to reball, {len(rv.damaged)} damaged, "
            f"{len(rv.no_ball)} without a ball as built, {len(rv.failed)} failed place(s), "
            f"{len(rv.too_high)} with residue too high, " + (
                f"{len(rv.changes)} site(s) changed against production." if not pending else
                f"{len(rv.changes)} site(s) would change when the rework mask is derived.")
        )
        # before deriving, the comparison is a preview of what Derive will change, and says so
        self.tabs.setTabText(1, f"Production vs rework ({len(rv.changes)})" if not pending
                             else f"Would change ({len(rv.changes)})")
        self._paint()
        sites = design.sites()
        extent = sites.bounds() if len(sites) else None
        if extent != self._ranged:  # a new layout: show all of it (edits of a state keep the user's zoom)
            self._ranged = extent
            self.plot.getPlotItem().autoRange()
        self._fill(self.attention_table, [list(row) for row in rv.attention])
        self._fill(self.changes_table, [[c.site, c.what, c.before, c.after] for c in rv.changes])
        self.review_changed.emit()

    def _paint(self) -> None:
        rv = self.review
        if rv is None:
            return
        rt = residue_table(self.document.design)
        sites = rt.sites
        size = np.where(np.isnan(rt.footprint_mm), sites.pad_mm, np.fmax(rt.footprint_mm, sites.pad_mm))
        if self.mode_combo.currentIndex() == 1:
            h = np.nan_to_num(rt.height_mm, nan=0.0)
            top = float(h.max()) if len(h) else 0.0
            colours = HEAT.map(h / top if top > 0 else h, mode="byte")
            colours[~rt.residue] = _rgba(NO_RESIDUE)
            self.legend_label.setText(
                f"Residue height: <span style='background:#ffffcc'>&nbsp;0 um&nbsp;</span> "
                f"<span style='background:#fd8d3c'>&nbsp;{top * 500:.0f} um&nbsp;</span> "
                f"<span style='background:#bd0026;color:white'>&nbsp;{top * 1000:.0f} um&nbsp;</span>"
                f"&nbsp;&nbsp;<span style='color:{NO_RESIDUE}'>&#9679;</span> no residue")
        else:
            table = np.array([_rgba(STATUS_COLOURS[s]) for s in SiteStatus], dtype=np.ubyte)
            colours = table[rv.status]
            self.legend_label.setText("  ".join(
                f"<span style='color:{STATUS_COLOURS[s]}'>&#9679;</span> {STATUS_LABELS[s]}" for s in SiteStatus))
        self.site_colours = np.asarray(colours, dtype=np.ubyte)
        brushes = [pg.mkBrush(*c) for c in self.site_colours.tolist()]
        self.scatter.setData(x=sites.x_mm, y=sites.y_mm, size=size, brush=brushes, data=sites.names.tolist())
        marks = [f for f in rv.failed if math.isfinite(f.x_mm)]  # on a site or off the array: a cross each
        self.failed_marks.setData(x=[f.x_mm for f in marks], y=[f.y_mm for f in marks])

    @staticmethod
    def _fill(table: QtWidgets.QTableWidget, rows: list[list[str]]) -> None:
        blocked = table.blockSignals(True)  # refilling must not echo as a selection
        try:
            table.setRowCount(len(rows))
            for i, row in enumerate(rows):
                for j, text in enumerate(row):
                    item = QtWidgets.QTableWidgetItem(text)
                    item.setToolTip(" \u2192 ".join(row) if len(row) > 2 else text)  # the full row, never cut
                    table.setItem(i, j, item)
            table.resizeColumnsToContents()
            header = table.horizontalHeader()
            for j in range(table.columnCount() - 1):  # the last column stretches; the others fit but stay modest
                header.resizeSection(j, min(header.sectionSize(j), 180))
        finally:
            table.blockSignals(blocked)

    # -- selection ---------------------------------------------------------------------------------------------
    def _select_from(self, table: QtWidgets.QTableWidget) -> None:
        sites = self.document.design.sites()
        items = (table.item(i.row(), 0) for i in table.selectionModel().selectedRows())
        names = {item.text() for item in items if item is not None}
        self.document.set_selection(n for n in names if sites.has(n))

    def _scatter_clicked(self, _item: Any, points: Any, *_args: Any) -> None:
        if len(points):
            self.document.set_selection([str(points[0].data())])
