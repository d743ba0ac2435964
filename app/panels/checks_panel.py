"""The checks panel: every violation of the latest report in a sortable, filterable table.

Clicking a row selects the violation's sites in the document and asks the top view to zoom to its point
(``zoom_requested``); a web-lower violation offers the one-click merge of checks.md ("Merge these"), applied as a
command through :func:`geometry.model.operations.merge_channel`. The panel reads reports from the
:class:`~app.check_runner.CheckRunner`, never runs checks itself.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QModelIndex,
    QPoint,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.check_runner import CheckRunner
from app.document import Document
from app.panels.fields import ERROR_COLOUR, connect_event, user_message
from app.panels.violation_model import (
    COLUMNS,
    MERGEABLE,
    SEVERITY_ORDER,
    SEVERITY_PLURAL,
    ViolationModel,
    severity_icon,
)
from app.units import LengthUnit
from geometry.base.errors import DesignError
from geometry.checks import CheckReport, Severity, Violation
from geometry.model.design import Design
from geometry.model.operations import merge_channel

FIT_FIRST_ROWS = 40  # the columns are fitted to these first rows of the table ...
FIT_SPREAD_ROWS = 40  # ... and to this many rows spread evenly over all of them

class ChecksPanel(QWidget):
    """The violations table with severity filters and counts; a row click selects and zooms."""

    zoom_requested = Signal(float, float, float)
    finding_selected = Signal(object)  # the Violation of the current row, or None
    help_requested = Signal(str)  # a check id: "What does this check mean?"

    def __init__(self, document: Document, runner: CheckRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChecksPanel")
        self.document = document
        self.runner = runner
        self.unit = LengthUnit.MM
        self._styled_stale: bool | None = None  # the stale look the style sheets were last set for

        self.filters: dict[Severity, QToolButton] = {}
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(4)
        for s in SEVERITY_ORDER:
            b = QToolButton(self)
            b.setObjectName(f"filter.{s.value}")
            b.setCheckable(True)
            b.setChecked(True)
            b.setIcon(severity_icon(s))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setToolTip(f"Show {SEVERITY_PLURAL[s]}")
            b.toggled.connect(self._update_filter)
            self.filters[s] = b
            bar.addWidget(b)
        self.search = QLineEdit(self)
        self.search.setObjectName("checks.search")
        self.search.setPlaceholderText("Filter: check, site or text")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._update_filter)
        self.check_filter = QComboBox(self)
        self.check_filter.setObjectName("checks.check_filter")
        self.check_filter.setToolTip("Show the findings of one check only")
        self.check_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.check_filter.addItem("All checks", "")
        self.check_filter.currentIndexChanged.connect(self._update_filter)
        bar.addSpacing(8)
        bar.addWidget(self.check_filter)
        bar.addWidget(self.search, 1)

        self.model = ViolationModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("checks.table")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.fit_columns()
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.clicked.connect(lambda index: self.activate(index.row()))
        self.table.activated.connect(lambda index: self.activate(index.row()))
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.summary = QLabel(self)
        self.summary.setObjectName("checks.summary")
        self.summary.setStyleSheet("color: #444;")
        self.message = QLabel(self)
        self.message.setObjectName("checks.message")
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message.hide()
        self.merge_button = QPushButton("Merge", self)
        self.merge_button.setObjectName("checks.merge")
        self.merge_button.setToolTip("Join the two lower outlines by a channel (one relief, claim 7)")
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge_current)
        self.merge_all_button = QPushButton("Merge all", self)
        self.merge_all_button.setObjectName("checks.merge_all")
        self.merge_all_button.setToolTip("Join every pair of this kind (the same check and the same web) by a "
                                         "channel: one command, one Undo")
        self.merge_all_button.setEnabled(False)
        self.merge_all_button.clicked.connect(self.merge_all_like_current)
        self.help_button = QToolButton(self)
        self.help_button.setObjectName("checks.help")
        self.help_button.setText("?")
        self.help_button.setToolTip("What does this check mean? (the check reference)")
        self.help_button.setEnabled(False)
        self.help_button.clicked.connect(self._help_current)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.help_button)
        bottom.addWidget(self.merge_button)
        bottom.addWidget(self.merge_all_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        runner.report_ready.connect(self.set_report)
        runner.state_changed.connect(self.show_stale)
        connect_event(self, document.design_changed, self._on_design_changed)
        self.set_report(runner.report)

    # -- report -> table -----------------------------------------------------------------------------------
    def set_report(self, report: CheckReport) -> None:
        """Show a new report; counts per severity on the filter buttons."""
        self.model.set_report(report)
        per_severity = self.model.severity_counts()
        for s, b in self.filters.items():
            n = per_severity[s]
            b.setText(f"{n} {SEVERITY_PLURAL[s] if n != 1 or s is Severity.INFO else s.value}")
        n_sites = len(self.runner.checked_design.sites()) if self.runner.checked_design is not None else 0
        if report.violations:
            self._summary = (f"{len(report.violations)} finding(s) on {n_sites:,} sites "
                             f"({self.runner.last_duration_s * 1000:.0f} ms)")
        else:
            self._summary = f"No findings on {n_sites:,} sites" if n_sites else ""
        self.show_message(None)
        self._fill_check_filter(report)
        self.fit_columns()
        self._current_changed(self.table.currentIndex())
        self.show_stale()

    def show_stale(self) -> None:
        """While the findings are of an earlier design (the runner is computing, or was cancelled), say so in the
        summary and grey the counts; the table stays usable."""
        stale = self.runner.stale
        if stale != self._styled_stale:  # a style sheet re-polishes its widget: set only when the look changes
            self._styled_stale = stale
            grey = "color: #9e9e9e;" if stale else ""
            for b in self.filters.values():
                b.setStyleSheet(grey)
            self.summary.setStyleSheet("color: #8a6d00; font-style: italic;" if stale else "color: #444;")
        self.summary.setText(f"Out of date \u2014 {self.runner.status_text()}" if stale else self._summary)
        self.stale = stale

    def _fill_check_filter(self, report: CheckReport) -> None:
        """The checks that found something, with their counts; the chosen one stays chosen while it has any."""
        current = str(self.check_filter.currentData() or "")
        counts = dict(self.model.check_counts())
        with QSignalBlocker(self.check_filter):
            self.check_filter.clear()
            self.check_filter.addItem("All checks", "")
            for check, n in counts.items():
                self.check_filter.addItem(f"{check} ({n})", check)
            i = self.check_filter.findData(current)
            self.check_filter.setCurrentIndex(max(0, i))
        if current and self.check_filter.currentIndex() == 0:
            self._update_filter()

    def fit_columns(self) -> None:
        """Every column but the message as wide as its widest text (header and a sample of rows); the message
        takes the rest and its full text is in the tooltip."""
        fm = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        n = self.model.rowCount()
        # the first rows (what the table opens on) and rows spread over the rest: enough to see the widths, and
        # each edit's report is fitted again (formatting 300 rows was 2 ms of a 225-site edit; a wafer: 100,000)
        rows = np.unique(np.concatenate([np.arange(min(n, FIT_FIRST_ROWS)),
                                         np.linspace(0, n - 1, min(n, FIT_SPREAD_ROWS)).astype(np.intp)]))
        cells = [self.model.texts(int(r)) for r in rows]
        for col in range(len(COLUMNS) - 1):
            texts = {COLUMNS[col]} | {c[col] for c in cells}  # each distinct text measured once
            extra = 34 if col == 0 else 18  # the icon, the sort arrow and the cell margins
            header.resizeSection(col, min(260, max(fm.horizontalAdvance(t) for t in texts) + extra))

    def counts(self) -> dict[Severity, int]:
        """Violations per severity in the shown report (for the status bar)."""
        return self.model.severity_counts()

    def set_unit(self, unit: LengthUnit | str) -> None:
        """Measured values and limits in mm or µm (the property panel's setting)."""
        self.unit = LengthUnit(unit)
        self.model.set_unit(self.unit)

    def _on_design_changed(self, _design: Design) -> None:
        self.show_stale()

    def _update_filter(self) -> None:
        shown = {s for s, b in self.filters.items() if b.isChecked()}
        self.model.set_filter(shown, self.search.text(), str(self.check_filter.currentData() or ""))

    def set_check_shown(self, check: str) -> None:
        """Show only one check's findings ("" for all)."""
        self.check_filter.setCurrentIndex(max(0, self.check_filter.findData(check)))

    def set_severity_shown(self, severity: Severity, shown: bool) -> None:
        """Show or hide a severity (the filter buttons' state)."""
        self.filters[severity].setChecked(shown)

    # -- rows -> document ----------------------------------------------------------------------------------
    def row_count(self) -> int:
        """Rows shown (after filtering)."""
        return self.model.rowCount()

    def violation_at(self, row: int) -> Violation:
        """The violation shown on a table row (after sorting and filtering)."""
        return self.model.violation(row)

    def current_violation(self) -> Violation | None:
        """The violation of the current row, if any."""
        index = self.table.currentIndex()
        return self.violation_at(index.row()) if index.isValid() else None

    def activate(self, row: int) -> None:
        """Select the row's sites in the document and ask the views to zoom to its point."""
        v = self.violation_at(row)
        with QSignalBlocker(self.table.selectionModel()):
            self.table.selectRow(row)
        self._current_changed(self.table.currentIndex())
        self.document.set_selection(v.sites)
        self.zoom_requested.emit(v.x_mm, v.y_mm, self.zoom_size(v))

    def zoom_size(self, v: Violation) -> float:
        """How much to show around a violation: its sites (when few) plus a few pitches around them."""
        design = self.document.design
        pitch = design.layout.pitch_hint_mm() or 2.0 * design.ball.diameter_mm
        size = 4.0 * pitch
        if 1 < len(v.sites) <= 16:
            sites = design.sites()
            rows = sites.indices_of(list(v.sites))
            if len(rows):
                extent = max(float(np.ptp(sites.x_mm[rows])), float(np.ptp(sites.y_mm[rows])))
                size = max(size, extent + 3.0 * pitch)
        return size

    def _current_changed(self, index: QModelIndex) -> None:
        v = self.violation_at(index.row()) if index.isValid() else None
        mergeable = v is not None and v.check in MERGEABLE and len(v.sites) >= 2
        self.merge_button.setEnabled(mergeable)
        like = self.like(v) if mergeable and v is not None else []
        self.merge_all_button.setEnabled(len(like) > 1)
        self.merge_all_button.setText(f"Merge all {len(like)}" if len(like) > 1 else "Merge all")
        self.help_button.setEnabled(v is not None)
        self.finding_selected.emit(v)

    def like(self, v: Violation) -> list[Violation]:
        """The findings of the same kind as ``v``: the same check and the same measured value (to 0.1 µm), two
        sites each: the pairs one design rule produced, which the user fixes together."""
        key = round(v.measured, 4)
        return [w for w in self.model.violations
                if w.check == v.check and len(w.sites) == 2 and round(w.measured, 4) == key]

    def merge_all_like_current(self) -> None:
        """Join every pair like the current one by channels, as one undoable command."""
        v = self.current_violation()
        if v is None or v.check not in MERGEABLE:
            return
        pairs = [w.sites for w in self.like(v)]

        def change(d: Design) -> Design:
            for sites in pairs:
                d = merge_channel(d, sites)
            return d

        try:
            self.document.apply(f"Merge {len(pairs)} {v.check} pairs", change)
        except (DesignError, ValueError) as e:
            self.show_message(user_message(e))

    def _help_current(self) -> None:
        v = self.current_violation()
        if v is not None:
            self.help_requested.emit(v.check)

    def merge_current(self) -> None:
        """The one-click merge: join the current web-lower violation's sites by a channel (one command)."""
        v = self.current_violation()
        if v is None or v.check not in MERGEABLE:
            return
        self.merge(v)

    def merge(self, v: Violation) -> None:
        """Join a violation's sites by a channel, as an undoable command."""
        try:
            self.document.apply(f"Merge {' + '.join(v.sites)}", lambda d: merge_channel(d, v.sites))
        except (DesignError, ValueError) as e:
            self.show_message(user_message(e))

    def show_message(self, text: str | None) -> None:
        """A refusal (e.g. a merge the design does not allow), or nothing."""
        self.message.setText(text or "")
        self.message.setVisible(bool(text))
        self.summary.setVisible(not text)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.activate(index.row())
        v = self.violation_at(index.row())
        menu = QMenu(self)
        zoom = QAction("Zoom to", menu)
        zoom.triggered.connect(lambda: self.zoom_requested.emit(v.x_mm, v.y_mm, self.zoom_size(v)))
        menu.addAction(zoom)
        select = QAction(f"Select {len(v.sites)} site(s)", menu)
        select.triggered.connect(lambda: self.document.set_selection(v.sites))
        menu.addAction(select)
        if v.check in MERGEABLE:
            merge = QAction("Merge these", menu)
            merge.triggered.connect(lambda: self.merge(v))
            menu.addAction(merge)
            n = len(self.like(v))
            if n > 1:
                merge_all = QAction(f"Merge all {n} like this", menu)
                merge_all.triggered.connect(self.merge_all_like_current)
                menu.addAction(merge_all)
        only = QAction(f"Show only {v.check}", menu)
        only.triggered.connect(lambda: self.set_check_shown(v.check))
        menu.addAction(only)
        menu.addSeparator()
        help_action = QAction("What does this check mean?", menu)
        help_action.triggered.connect(lambda: self.help_requested.emit(v.check))
        menu.addAction(help_action)
        menu.exec(self.table.viewport().mapToGlobal(pos))
