"""The carrier's fiducials and tooling holes as a small table in the properties: add, remove, edit.

A strip or panel mask registers to its substrate by tooling holes (through the sheet, over the fixture's pins)
and fiducials (blind marks the camera finds), ``Design.carrier_features``
(:mod:`geometry.model.carrier_features`). Each row is one feature: name, kind (a tooling hole, or a fiducial on
the upper or the lower face: one column, so the table fits the narrow panel), x, y, diameter and a fiducial's
depth (empty: half the sheet), lengths in the display unit. Every change is one undoable command through
``document.apply`` ("Set T1 x to 12.000 mm", "Add fiducial F3", "Remove T2"); a value the model refuses (a
diameter of 30 mm, a name another feature has, a depth for a tooling hole) changes nothing: the row snaps back and
the group's message line says why, with the field and the value. The table refreshes from ``design_changed``
with its signals blocked, so no edit echoes.

The group shows for strips and panels and for any design that has features.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.document import Document
from app.panels.carrier_section import carrier_of
from app.panels.fields import FieldGroup, user_message
from app.units import LengthUnit, format_length, length_text, parse_length
from geometry.base.errors import DesignError
from geometry.model.carrier_features import FIDUCIAL_MM, TOOLING_HOLE_MM, CarrierFeature, Face, FeatureKind
from geometry.model.design import Design

COLUMNS = ("Name", "Kind", "x", "y", "Ø", "Depth")
KIND_LABELS: tuple[tuple[tuple[FeatureKind, Face], str], ...] = (  # short: the panel is narrow
    ((FeatureKind.TOOLING_HOLE, Face.UPPER), "Hole"),
    ((FeatureKind.FIDUCIAL, Face.UPPER), "Fid. upper"),
    ((FeatureKind.FIDUCIAL, Face.LOWER), "Fid. lower"),
)
KIND_TIPS = ("Tooling hole, through the sheet (over the fixture's pin)",
             "Fiducial etched from the upper face (blind)", "Fiducial etched from the lower face (blind)")
KIND_WORDS = ("tooling hole", "upper fiducial", "lower fiducial")  # in the command's name
LENGTH_FIELDS = {2: "x_mm", 3: "y_mm", 4: "diameter_mm", 5: "depth_mm"}
ROW_HEIGHT = 24
ROWS_SHOWN = 8  # more features scroll inside the table


def _next_name(design: Design, prefix: str) -> str:
    """The first free name F1, F2, ... (or T1, ...) among the design's features, case-insensitively."""
    taken = {f.name.casefold() for f in design.features}
    n = 1
    while f"{prefix}{n}".casefold() in taken:
        n += 1
    return f"{prefix}{n}"


def _new_position(design: Design) -> tuple[float, float]:
    """Where a new feature starts: the outline's upper-left corner, a little in (the user moves it)."""
    x0, _y0, _x1, y1 = design.outline_rect()
    return round(x0 + 2.0, 3), round(y1 - 2.0, 3)


def add_feature(design: Design, kind: FeatureKind) -> Design:
    """The design with one more fiducial (F<n>, 1 mm, half-etched from the upper face) or tooling hole (T<n>,
    2 mm); the starting sizes are the strip defaults of :mod:`geometry.model.carrier_features`."""
    x, y = _new_position(design)
    if kind is FeatureKind.TOOLING_HOLE:
        f = CarrierFeature(_next_name(design, "T"), x, y, TOOLING_HOLE_MM, kind)
    else:
        f = CarrierFeature(_next_name(design, "F"), x, y, FIDUCIAL_MM, kind, Face.UPPER)
    return design.with_(carrier_features=(*design.features, f))


def remove_feature(design: Design, index: int) -> Design:
    """The design without its feature at ``index``."""
    feats = design.features
    if not 0 <= index < len(feats):
        raise DesignError("carrier_features", index, "no such feature")
    return design.with_(carrier_features=feats[:index] + feats[index + 1:])


def edit_feature(design: Design, index: int, field: str, value: Any) -> Design:
    """The design with one field of one feature changed (validated by the model: DesignError names it).

    ``field`` "kind" takes (kind, face); a fiducial made a tooling hole loses its depth (a hole goes through)."""
    feats = design.features
    f = feats[index]
    changes: dict[str, Any] = {field: value}
    if field == "kind":
        kind, face = value
        changes = {"kind": kind, "face": face}
        if kind is FeatureKind.TOOLING_HOLE:
            changes["depth_mm"] = None
    try:
        new = replace(f, **changes)
    except DesignError as e:
        raise e.under(f"carrier_features[{f.name}]") from None
    return design.with_(carrier_features=(*feats[:index], new, *feats[index + 1:]))


class FeaturesGroup(FieldGroup):
    """The table of fiducials and tooling holes, with Add fiducial, Add tooling hole and Remove."""

    def __init__(self, document: Document, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(document, "Fiducials and tooling holes", unit, parent)
        self.box.setObjectName("features.box")
        self.table = QTableWidget(0, len(COLUMNS), self.box)
        self.table.setObjectName("features.table")
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the kind takes what the numbers leave
        header.setMinimumSectionSize(28)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.itemChanged.connect(self._item_changed)
        self.form.addRow(self.table)
        buttons = QWidget(self.box)
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        self.add_fiducial = self._button(buttons, "features.add_fiducial", "Add fiducial",
                                         lambda: self._add(FeatureKind.FIDUCIAL))
        self.add_hole = self._button(buttons, "features.add_tooling_hole", "Add tooling hole",
                                     lambda: self._add(FeatureKind.TOOLING_HOLE))
        self.remove = self._button(buttons, "features.remove", "Remove", self._remove)
        for b in (self.add_fiducial, self.add_hole, self.remove):
            row.addWidget(b)
        row.addStretch(1)
        self.form.addRow(buttons)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.finish()
        self.refresh(document.design)

    @staticmethod
    def _button(parent: QWidget, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        b = QPushButton(text, parent)
        b.setObjectName(name)
        b.clicked.connect(slot)
        return b

    # -- model -> widget ---------------------------------------------------------------------------------------
    def refresh(self, design: Design) -> None:
        """One row per feature, signals blocked; the group shows for carriers and designs with features."""
        super().refresh(design)
        self.setVisible(carrier_of(design) is not None or bool(design.features))
        feats = design.features
        t = design.mask.thickness_mm
        self.box.setTitle(f"Fiducials and tooling holes ({self.unit.symbol})")
        with QSignalBlocker(self.table):
            self.table.setHorizontalHeaderLabels(list(COLUMNS))
            self.table.setRowCount(len(feats))
            for r, f in enumerate(feats):
                self._set_text(r, 0, f.name)
                self._set_text(r, 2, length_text(f.x_mm, self.unit))
                self._set_text(r, 3, length_text(f.y_mm, self.unit))
                self._set_text(r, 4, length_text(f.diameter_mm, self.unit))
                depth = "" if f.through or f.depth_mm is None else length_text(f.depth_mm, self.unit)
                item = self._set_text(r, 5, depth, editable=not f.through)
                item.setToolTip("through the sheet" if f.through else
                                f"etched {format_length(f.etch_depth_mm(t), self.unit)} deep (empty: half the sheet)")
                self._combo(r, 1, (f.kind, Face.UPPER if f.through else f.face))
        rows = min(max(len(feats), 1), ROWS_SHOWN)
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + ROW_HEIGHT * rows
                                  + 2 * self.table.frameWidth())
        self._selection_changed()

    def _set_text(self, row: int, col: int, text: str, editable: bool = True) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        if not editable:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, col, item)
        return item

    def _combo(self, row: int, col: int, value: tuple[FeatureKind, Face]) -> QComboBox:
        combo = self.table.cellWidget(row, col)
        if not isinstance(combo, QComboBox):
            combo = QComboBox(self.table)
            combo.setObjectName(f"features.kind.{row}")
            combo.setFrame(False)
            for i, (_v, label) in enumerate(KIND_LABELS):
                combo.addItem(label)
                combo.setItemData(i, KIND_TIPS[i], Qt.ItemDataRole.ToolTipRole)
            combo.setProperty("row", row)  # a cell's combo stays in its row while the table lives
            combo.currentIndexChanged.connect(lambda i, c=combo: self._combo_changed(c, i))
            self.table.setCellWidget(row, col, combo)
        with QSignalBlocker(combo):
            combo.setCurrentIndex(next(i for i, (v, _) in enumerate(KIND_LABELS) if v == value))
        return combo

    def _selection_changed(self) -> None:
        self.remove.setEnabled(bool(self.table.selectionModel().selectedRows()))

    # -- widget -> model ---------------------------------------------------------------------------------------
    def _apply(self, name: str, change: Callable[[Design], Design]) -> bool:
        try:
            self.document.apply(name, change)
        except (DesignError, ValueError) as e:
            self.refresh(self.document.design)  # the row snaps back
            self.show_message(str(e) if isinstance(e, DesignError) else user_message(e))  # field, problem, value
            return False
        return True

    def _add(self, kind: FeatureKind) -> None:
        what = "tooling hole" if kind is FeatureKind.TOOLING_HOLE else "fiducial"
        name = _next_name(self.document.design, "T" if kind is FeatureKind.TOOLING_HOLE else "F")
        if self._apply(f"Add {what} {name}", lambda d: add_feature(d, kind)):
            self.table.selectRow(len(self.document.design.features) - 1)

    def _remove(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        index = rows[0].row()
        name = self.document.design.features[index].name
        self._apply(f"Remove {name}", lambda d: remove_feature(d, index))

    def _combo_changed(self, combo: QComboBox, index: int) -> None:
        row = int(combo.property("row"))
        if index < 0 or row >= len(self.document.design.features):
            return
        value, _label = KIND_LABELS[index]
        name = self.document.design.features[row].name
        self._apply(f"Set {name} kind to {KIND_WORDS[index]}", lambda d: edit_feature(d, row, "kind", value))

    def _item_changed(self, item: QTableWidgetItem) -> None:
        row, col = item.row(), item.column()
        feats = self.document.design.features
        if row >= len(feats):
            return
        f = feats[row]
        text = item.text().strip()
        value: str | float | None = text
        field, shown = "name", text
        try:
            if col != 0:
                field = LENGTH_FIELDS[col]
                length = None if field == "depth_mm" and not text else parse_length(text, self.unit)
                value, shown = length, ("half the sheet" if length is None else format_length(length, self.unit))
        except ValueError as e:
            self.refresh(self.document.design)
            self.show_message(f"{f.name} {COLUMNS[col]}: {text!r} {e}")
            return
        words = {"name": "name", "x_mm": "x", "y_mm": "y", "diameter_mm": "diameter", "depth_mm": "depth"}[field]
        self._apply(f"Set {f.name} {words} to {shown}", lambda d: edit_feature(d, row, field, value))
