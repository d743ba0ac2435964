"""The checks panel's table model: one row per violation of a report, its sort keys, and the severity and text
filter over it (Qt item models; the panel in :mod:`app.panels.checks_panel` shows them).

The model sorts itself (a Python sort over precomputed keys) and the filter only filters: a proxy that sorts asks
the model for a key through Qt for every comparison, which on every new report of an edit cost more than the
rest of the table's update.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
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
    """The report's violations as table rows, sorted by :meth:`sort` (the header's column and order)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.violations: tuple[Violation, ...] = ()  # in the shown order (sorted)
        self._report_row: list[int] = []  # each shown row's place in the report (the severity column's tie-break)
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None
        self.unit = LengthUnit.MM
        self._icons = {s: severity_icon(s) for s in SEVERITY_ORDER}

    def set_report(self, report: CheckReport) -> None:
        """Show another report (in the order the table is sorted by)."""
        self.beginResetModel()
        self.violations = report.violations
        self._report_row = list(range(len(report.violations)))
        if self._sorted_by is not None:
            self._reorder(self._permutation(*self._sorted_by))
        self.endResetModel()

    def sort_key(self, row: int, column: int) -> Any:
        """What a column sorts by: severity then the report's own order (check order, then site order), the
        number of sites, the numbers themselves (missing ones last), text."""
        v = self.violations[row]
        if column == 0:
            return SEVERITY_RANK[v.severity], self._report_row[row]
        if column in (3, 4):
            x = v.measured if column == 3 else v.limit
            return (True, 0.0) if math.isnan(x) else (False, x)
        if column == 2:
            return len(v.sites)
        return v.check if column == 1 else v.message

    def _permutation(self, column: int, order: Qt.SortOrder) -> list[int]:
        """Shown rows in the new order; ties keep the report's order (a stable sort from the report's order)."""
        by_report = sorted(range(len(self.violations)), key=self._report_row.__getitem__)
        return sorted(by_report, key=lambda r: self.sort_key(r, column),
                      reverse=order == Qt.SortOrder.DescendingOrder)

    def _reorder(self, perm: list[int]) -> None:
        self.violations = tuple(self.violations[p] for p in perm)
        self._report_row = [self._report_row[p] for p in perm]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt: sort the rows; selections and the current row follow their violations."""
        if not 0 <= column < len(COLUMNS):
            return
        self._sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        perm = self._permutation(column, order)
        new_row = [0] * len(perm)
        for k, p in enumerate(perm):
            new_row[p] = k
        old = self.persistentIndexList()
        self._reorder(perm)
        self.changePersistentIndexList(old, [self.index(new_row[i.row()], i.column()) for i in old])
        self.layoutChanged.emit()

    def texts(self, row: int) -> tuple[str, ...]:
        """The cells' text of a row (the column widths are fitted to these)."""
        v = self.violations[row]
        return (v.severity.value, v.check, sites_text(v.sites), format_value(v.measured, v.unit, self.unit),
                format_value(v.limit, v.unit, self.unit), v.message)

    def set_unit(self, unit: LengthUnit) -> None:
        """Lengths in another unit."""
        self.unit = unit
        if self.violations:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self.violations) - 1, 4))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Qt: one row per violation."""
        return 0 if parent.isValid() else len(self.violations)

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
        v = self.violations[index.row()]
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

    def violation(self, row: int) -> Violation:
        """The violation on a source row."""
        return self.violations[row]


class ViolationFilter(QSortFilterProxyModel):
    """Rows of the shown severities whose text contains the search words, in the model's (sorted) order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: set[Severity] = set(SEVERITY_ORDER)
        self.text = ""
        self.check = ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt: the header's sort goes to the model, which sorts itself (see the module docstring)."""
        model = self.sourceModel()
        if isinstance(model, ViolationModel):
            model.sort(column, order)

    def set_filter(self, shown: set[Severity], text: str, check: str = "") -> None:
        """Change what is shown (``check``: one check id, or "" for all)."""
        self.beginFilterChange()
        self.shown = set(shown)
        self.text = text.strip().lower()
        self.check = check
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        """Qt: severity shown and text found (in the check id, sites or message)."""
        model = self.sourceModel()
        assert isinstance(model, ViolationModel)
        v = model.violation(row)
        if v.severity not in self.shown or (self.check and v.check != self.check):
            return False
        if not self.text:
            return True
        return any(self.text in s.lower() for s in (v.check, v.message, " ".join(v.sites)))
