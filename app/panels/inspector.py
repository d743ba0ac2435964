"""The site inspector: the selected site (or sites) with name, position, pad, profile and override, d_u, d_l and
the findings on it. Its buttons run the window's own actions, so an edit from here is a command like any other.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6 import QtWidgets

from app.document import Document
from app.units import LengthUnit, format_length
from geometry.derive.openings import opening_table

MAX_LISTED = 12


class SiteInspector(QtWidgets.QWidget):
    """What the selection is; ``run_action(id)`` runs a window action (Move To, Set Profile, Default Profile)."""

    def __init__(self, document: Document, run_action: Callable[[str], None],
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.unit = LengthUnit.MM
        self.report: Any = None
        self._run = run_action
        self.title = QtWidgets.QLabel()
        self.title.setObjectName("inspectorTitle")
        self.title.setStyleSheet("font-weight: bold;")
        self.table = QtWidgets.QTableWidget(0, 2)
        self.table.setObjectName("inspectorTable")
        self.table.horizontalHeader().hide()
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        buttons = QtWidgets.QHBoxLayout()
        self.buttons: dict[str, QtWidgets.QPushButton] = {}
        for aid, text, tip in (("edit.move_to", "Move To...", "Move the selection to typed x, y"),
                               ("edit.set_profile", "Set Profile...", "Give the selection its own opening profile"),
                               ("edit.clear_profile", "Default Profile", "The selection uses the design's profile")):
            b = QtWidgets.QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(lambda _c=False, aid=aid: self._run(aid))
            buttons.addWidget(b)
            self.buttons[aid] = b
        buttons.addStretch(1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        document.selection_changed.connect(lambda _s: self.refresh())
        document.design_changed.connect(lambda _d: self.refresh())
        self.refresh()

    def set_unit(self, unit: LengthUnit | str) -> None:
        """Lengths in another unit."""
        self.unit = LengthUnit(unit)
        self.refresh()

    def set_report(self, report: Any) -> None:
        """The latest findings (those on the selection are listed)."""
        self.report = report
        self.refresh()

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) as shown."""
        names = sorted(self.document.selection)
        if not names:
            return []
        design = self.document.design
        sites = design.sites()
        idx = sites.indices_of(names)
        table = opening_table(design)
        u = self.unit

        def length(v: float) -> str:
            return "none" if math.isnan(v) else format_length(float(v), u)

        overridden = {n for o in design.overrides for n in getattr(o, "sites", ())}
        rows: list[tuple[str, str]] = []
        if len(idx) == 1:
            i = int(idx[0])
            name = names[0]
            prof = table.profiles[int(table.which[i])] if int(table.which[i]) >= 0 else None
            rows += [("Name", name), ("Position", f"({length(sites.x_mm[i])}, {length(sites.y_mm[i])})"),
                     ("Pad", length(sites.pad_mm[i])),
                     ("Ball", "yes" if sites.populated[i] else "no (depopulated)"),
                     ("Profile", (prof.kind if prof is not None else "none")
                      + (" (override)" if name in overridden else " (default)")),
                     ("d_u", length(table.upper_mm[i])), ("d_l", length(table.lower_mm[i]))]
        else:
            listed = ", ".join(names[:MAX_LISTED]) + (" …" if len(names) > MAX_LISTED else "")
            xs, ys = sites.x_mm[idx], sites.y_mm[idx]
            du = table.upper_mm[idx]
            rows += [("Sites", listed),
                     ("Extent", f"{length(float(np.ptp(xs)))} \u00d7 {length(float(np.ptp(ys)))}"),
                     ("Centre", f"({length(float(xs.mean()))}, {length(float(ys.mean()))})"),
                     ("With a ball", f"{int(sites.populated[idx].sum())} of {len(idx)}"),
                     ("Overrides", str(len(set(names) & overridden))),
                     ("d_u", "none" if np.all(np.isnan(du)) else
                      f"{length(float(np.nanmin(du)))} to {length(float(np.nanmax(du)))}")]
        chosen = set(names)
        found = [v for v in getattr(self.report, "violations", ()) if chosen & set(v.sites)]
        rows.append(("Findings", "none" if not found else f"{len(found)}"))
        rows += [(f"  {v.severity.value}", f"{v.check}: {v.message}") for v in found[:MAX_LISTED]]
        return rows

    def refresh(self) -> None:
        """Rows for the current selection."""
        rows = self.rows()
        n = len(self.document.selection)
        self.title.setText("Select a site to inspect it." if n == 0 else
                           f"{n} site{'s' if n != 1 else ''} selected")
        self.table.setRowCount(len(rows))
        for r, (label, value) in enumerate(rows):
            for c, text in enumerate((label, value)):
                item = QtWidgets.QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeRowsToContents()
        for b in self.buttons.values():
            b.setEnabled(n > 0)
