"""The checks panel's table model: one row per violation of a report, its sort keys, and the severity and text
filter over it (a Qt item model; the panel in :mod:`app.panels.checks_panel` shows it).

The model sorts and filters itself (numpy over keys read once from the report) and the table shows it directly: a
sorting filter proxy asked the model for a key through Qt for every comparison and every row, which on every new
report of an edit cost more than the rest of the table's update, and seconds for a million findings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QWidget

from app.style import SEVERITY_COLOURS
from app.units import LengthUnit, format_angle, format_length, format_number
from geometry.checks import CHECKS, CheckReport, Severity, Violation

COLUMNS = ("Severity", "Check", "Sites", "Measured", "Limit", "Message")
SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
SEVERITY_RANK = {s: k for k, s in enumerate(SEVERITY_ORDER)}
SEVERITY_PLURAL = {Severity.ERROR: "errors", Severity.WARNING: "warnings", Severity.INFO: "info"}
MERGEABLE = frozenset({"web-lower"})
SITES_SHOWN = 4


def severity_icon(severity: Severity, size: int = 12) -> QIcon:
    """A filled dot in the severity's colour (the same colours as the violation markers in the top view)."""
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(SEVERITY_COLOURS[severity])
    p.setPen(colour.darker(130))
    p.setBrush(colour)
    if severity is Severity.WARNING:  # a triangle, so the severities differ in shape too, not only in colour
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QPolygonF

        p.drawPolygon(QPolygonF([QPointF(size / 2, 1), QPointF(size - 1, size - 1), QPointF(1, size - 1)]))
    elif severity is Severity.INFO:
        p.drawRoundedRect(1, 1, size - 2, size - 2, 2, 2)
    else:
        p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QIcon(pm)


def format_value(value: float, unit: str, length_unit: LengthUnit) -> str:
    """A measured value or limit in the display unit (lengths), degrees, or as given."""
    if unit == "mm":
        return format_length(value, length_unit)
    if unit == "deg":
        return format_angle(value)
    return f"{format_number(value, 3)} {unit}".strip()


def sites_text(sites: tuple[str, ...]) -> str:
    """The first few site names, then how many more."""
    if len(sites) <= SITES_SHOWN:
        return ", ".join(sites)
    return f"{', '.join(sites[:SITES_SHOWN - 1])} … (+{len(sites) - SITES_SHOWN + 1})"


class ViolationModel(QAbstractTableModel):
    """The report's violations as table rows: the shown ones (severity, check and text filter), in the order of the
    header's column (:meth:`sort`). Keys and filters are numpy arrays over the report, so a report of a million
    findings is sorted and filtered in a fraction of a second, not a Python call per comparison or per row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.violations: tuple[Violation, ...] = ()  # the whole report, in its own order (check, then site order)
        self._rows = np.zeros(0, dtype=np.intp)  # the shown rows: places in ``violations``, in the shown order
        self._keys: dict[int, NDArray[Any]] = {}  # sort key per column, built when first asked for
        self._text_rank: dict[int, dict[str, int]] = {}  # of the text columns: each distinct text's rank
        self._sorted_by: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)
        self._shown: frozenset[Severity] = frozenset(SEVERITY_ORDER)
        self._text = ""
        self._check = ""
        self.unit = LengthUnit.MM
        self._icons = {s: severity_icon(s) for s in SEVERITY_ORDER}

    # -- the report and its keys ---------------------------------------------------------------------------
    def set_report(self, report: CheckReport) -> None:
        """Show another report (filtered and sorted as the table is)."""
        self.beginResetModel()
        self.violations = report.violations
        self._keys, self._text_rank = {}, {}
        self._rows = self._shown_rows()
        self.endResetModel()

    def _key(self, column: int) -> NDArray[Any]:
        """Integers or floats that order the rows by ``column`` (text as its rank among the distinct texts)."""
        if column not in self._keys:
            vs = self.violations
            n = len(vs)
            if column == 0:
                key: NDArray[Any] = np.fromiter((SEVERITY_RANK[v.severity] for v in vs), np.int8, n)
            elif column == 2:
                key = np.fromiter((len(v.sites) for v in vs), np.intp, n)
            elif column in (3, 4):
                key = np.fromiter((v.measured if column == 3 else v.limit for v in vs), np.float64, n)
            else:
                texts = [v.check if column == 1 else v.message for v in vs]
                rank = {t: k for k, t in enumerate(sorted(set(texts)))}
                self._text_rank[column] = rank
                key = np.fromiter((rank[t] for t in texts), np.intp, n)
            self._keys[column] = key
        return self._keys[column]

    def severity_counts(self) -> dict[Severity, int]:
        """Violations per severity in the whole report."""
        counts = np.bincount(self._key(0), minlength=len(SEVERITY_ORDER))
        return {s: int(counts[k]) for k, s in enumerate(SEVERITY_ORDER)}

    def check_counts(self) -> list[tuple[str, int]]:
        """The checks with findings and how many, in the report's order."""
        codes = self._key(1)
        if not len(codes):
            return []
        _codes, first, counts = np.unique(codes, return_index=True, return_counts=True)
        order = np.argsort(first)
        return [(self.violations[int(first[k])].check, int(counts[k])) for k in order]

    def _shown_rows(self) -> NDArray[np.intp]:
        """The rows the filter shows, in the sort order; ties keep the report's order (stable sorts)."""
        n = len(self.violations)
        if not n:
            return np.zeros(0, dtype=np.intp)
        column, order = self._sorted_by
        key = self._key(column)
        if order == Qt.SortOrder.DescendingOrder:
            # numbers negated (missing values stay last), so ties keep the report's order in both directions
            key = -key.astype(np.float64)
        rows = np.argsort(key, kind="stable").astype(np.intp)
        keep = np.isin(self._key(0), [SEVERITY_RANK[s] for s in self._shown])
        if self._check:
            codes = self._key(1)  # also ranks the check ids
            keep &= codes == self._text_rank[1].get(self._check, -1)
        if self._text:
            candidates = np.flatnonzero(keep)
            vs = self.violations
            found = np.fromiter((_mentions(vs[int(i)], self._text) for i in candidates), bool, len(candidates))
            keep[candidates[~found]] = False
        return rows[keep[rows]]

    # -- sort and filter ---------------------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt: sort the rows; selections and the current row follow their violations."""
        if 0 <= column < len(COLUMNS):
            self._sorted_by = (column, order)
            self._relayout()

    def set_filter(self, shown: set[Severity], text: str, check: str = "") -> None:
        """Change what is shown (``check``: one check id, or "" for all); shown rows stay selected."""
        self._shown = frozenset(shown)
        self._text = text.strip().lower()
        self._check = check
        self._relayout()

    def _relayout(self) -> None:
        """New shown rows; persistent indexes (selection, current row) move with their violations, or go."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        before = [int(self._rows[i.row()]) if 0 <= i.row() < len(self._rows) else -1 for i in old]
        self._rows = self._shown_rows()
        where = np.full(len(self.violations), -1, dtype=np.intp)
        where[self._rows] = np.arange(len(self._rows), dtype=np.intp)
        self.changePersistentIndexList(old, [self.index(int(where[b]), i.column()) if b >= 0 and where[b] >= 0
                                             else QModelIndex() for b, i in zip(before, old, strict=True)])
        self.layoutChanged.emit()

    # -- rows --------------------------------------------------------------------------------------------------
    def violation(self, row: int) -> Violation:
        """The violation on a shown row."""
        return self.violations[int(self._rows[row])]

    def texts(self, row: int) -> tuple[str, ...]:
        """The cells' text of a shown row (the column widths are fitted to these)."""
        v = self.violation(row)
        return (v.severity.value, v.check, sites_text(v.sites), format_value(v.measured, v.unit, self.unit),
                format_value(v.limit, v.unit, self.unit), v.message)

    def set_unit(self, unit: LengthUnit) -> None:
        """Lengths in another unit."""
        self.unit = unit
        if len(self._rows):
            self.dataChanged.emit(self.index(0, 3), self.index(len(self._rows) - 1, 4))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Qt: one row per shown violation."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Qt: the columns of COLUMNS."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt override)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt: column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    # one return per column and role
    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: PLR0911
        """Qt: text, icon, colour, tooltip and sort key of a cell."""
        if not index.isValid():
            return None
        v = self.violation(index.row())
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts(index.row())[col]
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return self._icons[v.severity]
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QBrush(QColor(SEVERITY_COLOURS[v.severity]).darker(115))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 1 and v.check in CHECKS:
                return f"<b>{CHECKS[v.check].title}</b>: {CHECKS[v.check].rule}<br>{v.message}"
            if col == 2:
                return ", ".join(v.sites[:200]) + (" …" if len(v.sites) > 200 else "")
            if col in (3, 4):
                return (f"measured {format_value(v.measured, v.unit, self.unit)}, limit "
                        f"{format_value(v.limit, v.unit, self.unit)}<br>{v.message}")
            return f"<p>{v.message}</p>"  # rich text, so a long message wraps instead of running off the screen
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None



def _mentions(v: Violation, text: str) -> bool:
    """Whether the search words (lower case) are in the check id, the sites or the message."""
    return any(text in s.lower() for s in (v.check, v.message, " ".join(v.sites)))
