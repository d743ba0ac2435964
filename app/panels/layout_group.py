"""The site generator: grid or staggered array (rows, columns, pitch), depopulation patterns, CSV import.

The design stores the generator's parameters, not the sites (house style 7); every control here edits one
parameter of the layout with :func:`dataclasses.replace`, and the sites follow from geometry.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QSizePolicy, QWidget

from app.document import Document
from app.panels.fields import ChoiceSpec, FieldGroup, FieldSpec, ValueKind, user_message
from app.units import TIMES, LengthUnit, length_text
from geometry.design import Design
from geometry.errors import DesignError
from geometry.layouts import CentreVoid, GridLayout, PerimeterRings, StaggeredLayout, read_sites_csv

LAYOUT_LABELS: tuple[tuple[str, str], ...] = (
    ("grid", "Grid"),
    ("staggered", "Staggered"),
    ("explicit", "Explicit list (CSV)"),
)


def _array(design: Design, what: str) -> GridLayout | StaggeredLayout:
    layout = design.layout
    if not isinstance(layout, GridLayout | StaggeredLayout):
        raise DesignError(f"layout.{what}", layout.kind, "an explicit site list has no such parameter")
    return layout


def _set_kind(design: Design, kind: str) -> Design:
    """Grid <-> staggered keeping rows, columns, pitch and depopulation; explicit lists come from a CSV."""
    layout = design.layout
    if kind == layout.kind:
        return design
    if kind == "explicit":
        raise DesignError("layout", kind, "use 'Import sites from CSV…' to load an explicit site list")
    if isinstance(layout, GridLayout | StaggeredLayout):
        rows, cols, px, depop = layout.rows, layout.cols, layout.pitch_x_mm, layout.depopulation
        py = layout.pitch_y if isinstance(layout, GridLayout) else layout.pitch_y_mm
    else:
        pitch = layout.pitch_hint_mm() or 1.0
        rows, cols, px, py, depop = 10, 10, pitch, pitch, ()
    if kind == "grid":
        return design.with_(layout=GridLayout(rows, cols, px, None if py == px else py, depop))
    return design.with_(layout=StaggeredLayout(rows, cols, px, py, depop))


def _layout_field(name: str) -> tuple[Any, Any]:
    def get(d: Design) -> Any:
        return getattr(d.layout, name, None)

    def set_(d: Design, v: Any) -> Design:
        return d.with_(layout=replace(_array(d, name), **{name: v}))

    return get, set_


def _set_pitch_y(d: Design, v: float | None) -> Design:
    layout = _array(d, "pitch_y_mm")
    if isinstance(layout, StaggeredLayout):
        if v is None:
            raise DesignError("layout.pitch_y_mm", v, "a staggered array needs its row pitch")
        return d.with_(layout=replace(layout, pitch_y_mm=v))
    if v is not None and abs(v - layout.pitch_x_mm) < 1e-12:
        v = None  # a square grid stays square when x changes later
    return d.with_(layout=replace(layout, pitch_y_mm=v))


def _pattern_size(kind: type) -> Any:
    """get/set for a depopulation pattern with one count (0 = none), keeping the other patterns."""
    attr = "size" if kind is CentreVoid else "rings"

    def get(d: Design) -> int:
        for p in getattr(d.layout, "depopulation", ()):
            if isinstance(p, kind):
                return int(getattr(p, attr))
        return 0

    def set_(d: Design, v: int) -> Design:
        layout = _array(d, "depopulation")
        if v < 0:
            raise DesignError(f"layout.depopulation.{attr}", v, "must be 0 (none) or more")
        kept = tuple(p for p in layout.depopulation if not isinstance(p, kind))
        added = (kind(v),) if v > 0 else ()
        return d.with_(layout=replace(layout, depopulation=kept + added))

    return get, set_


class LayoutGroup(FieldGroup):
    """Generator type, rows / columns / pitches, centre void and perimeter rings, and CSV import."""

    def __init__(self, document: Document, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(document, "Sites", unit, parent)
        self.kind_field = self.add_choice(ChoiceSpec("layout.kind", "Generator", "site generator", LAYOUT_LABELS,
                                               lambda d: d.layout.kind, _set_kind))
        get, set_ = _layout_field("rows")
        self.rows_field = self.add_value(FieldSpec("layout.rows", "Rows", "rows", ValueKind.COUNT, get, set_))
        get, set_ = _layout_field("cols")
        self.cols_field = self.add_value(FieldSpec("layout.cols", "Columns", "columns", ValueKind.COUNT, get, set_))
        get, set_ = _layout_field("pitch_x_mm")
        self.pitch_x_field = self.add_value(FieldSpec("layout.pitch_x_mm", "Pitch x", "pitch x", ValueKind.LENGTH,
                                                get, set_, tooltip="Distance between columns"))
        self.pitch_y_field = self.add_value(FieldSpec(
            "layout.pitch_y_mm", "Pitch y", "pitch y", ValueKind.OPTIONAL_LENGTH,
            lambda d: getattr(d.layout, "pitch_y_mm", None), _set_pitch_y,
            tooltip="Distance between rows (empty: same as pitch x)",
            placeholder=lambda d, u: f"= x ({length_text(d.layout.pitch_x_mm, u)})"
            if isinstance(d.layout, GridLayout) else "",
        ))
        get, set_ = _pattern_size(CentreVoid)
        self.void_field = self.add_value(FieldSpec(
            "layout.centre_void", f"Centre void k {TIMES} k", "centre void", ValueKind.COUNT, get, set_,
            tooltip=f"Leave out a k {TIMES} k block at the centre (0: none)"))
        get, set_ = _pattern_size(PerimeterRings)
        self.rings_field = self.add_value(FieldSpec("layout.perimeter_rings", "Perimeter rings", "perimeter rings",
                                              ValueKind.COUNT, get, set_,
                                              tooltip="Keep only the n outermost rings (0: all sites)"))
        self.import_button = QPushButton("Import sites from CSV…", self.box)
        self.import_button.setObjectName("layout.import_csv")
        self.import_button.setToolTip("A CSV with a header row: name, x, y and optionally pad (mm)")
        self.import_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.import_button.clicked.connect(self._choose_csv)
        self.form.addRow("", self.import_button)
        self.count = QLabel(self.box)
        self.count.setObjectName("layout.count")
        self.count.setStyleSheet("color: #555;")
        self.form.addRow("", self.count)
        self.finish()
        self.refresh(document.design)

    def refresh(self, design: Design) -> None:
        """Fields, which rows the generator needs, and the site count."""
        super().refresh(design)
        array = isinstance(design.layout, GridLayout | StaggeredLayout)
        for w in (self.rows_field, self.cols_field, self.pitch_x_field, self.pitch_y_field, self.void_field,
                  self.rings_field):
            self.set_row_visible(w, array)
        sites = design.sites()
        n = len(sites)
        self.count.setText(f"{n:,} sites, {int(sites.populated.sum()):,} with a ball")

    def _choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import sites", "", "CSV files (*.csv);;All files (*)")
        if path:
            self.import_csv(Path(path))

    def import_csv(self, path: Path) -> bool:
        """Replace the layout by the sites of a CSV file (one undoable command); errors name line and column."""
        try:
            layout = read_sites_csv(path)
            self.document.apply(f"Import sites from {path.name}", lambda d: d.with_(layout=layout))
        except (DesignError, ValueError) as e:
            self.show_message(str(e) if isinstance(e, DesignError) else user_message(e))
            return False
        return True
