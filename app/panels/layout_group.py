"""The site generator: grid or staggered array (rows, columns, pitch), depopulation patterns, CSV import, and
a wafer's section (:mod:`app.panels.wafer_group`), whose die pattern uses the same array fields on ``layout.die``.

The design stores the generator's parameters, not the sites (house style 7); every control here edits one
parameter of the layout with :func:`dataclasses.replace`, and the sites follow from geometry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QSizePolicy, QWidget

from app.document import Document
from app.panels.carrier_section import (
    CARRIER_LABELS,
    CarrierSection,
    generator_of,
    put_unit,
    set_form,
    unit_array,
    unit_of,
)
from app.panels.fields import ChoiceSpec, FieldGroup, FieldSpec, ValueKind, user_message
from app.panels.wafer_group import WaferSection, die_array, put_die, wafer_of
from app.units import TIMES, LengthUnit, length_text
from geometry.base.errors import DesignError
from geometry.model.design import Design
from geometry.model.layouts import (
    CarrierLayout,
    CentreVoid,
    GridLayout,
    Layout,
    PerimeterRings,
    StaggeredLayout,
    read_sites_csv,
)
from geometry.model.layouts.wafer import WaferLayout

LAYOUT_LABELS: tuple[tuple[str, str], ...] = (
    ("grid", "Grid"),
    ("staggered", "Staggered"),
    ("explicit", "Explicit list (CSV)"),
    ("wafer", "Wafer"),
    *CARRIER_LABELS,  # a strip's or panel's form (app/panels/carrier_section.py)
)


def _array(design: Design, what: str) -> GridLayout | StaggeredLayout:
    layout = design.layout
    if isinstance(layout, WaferLayout):
        raise DesignError(f"layout.{what}", layout.kind, "a wafer has this parameter in its die pattern")
    if isinstance(layout, CarrierLayout):
        raise DesignError(f"layout.{what}", layout.kind, "a strip or panel has this parameter in its unit")
    if not isinstance(layout, GridLayout | StaggeredLayout):
        raise DesignError(f"layout.{what}", layout.kind, "an explicit site list has no such parameter")
    return layout


def _set_kind(design: Design, kind: str) -> Design:
    """Grid <-> staggered keeping rows, columns, pitch and depopulation; explicit lists come from a CSV.

    A wafer becomes its die pattern's array and a strip or panel its unit's; a wafer, strip or panel is started
    from File > New (its template); a strip becomes a panel and back.
    """
    if kind in dict(CARRIER_LABELS):
        return set_form(design, kind)
    if kind == generator_of(design):
        return design
    return design.with_(layout=_converted(design.layout, kind))


def _converted(layout: Layout, kind: str) -> Layout:
    """``layout`` as a grid or staggered array (the Generator row, and the Unit generator row of a carrier)."""
    if kind == layout.kind:
        return layout
    if kind == "explicit":
        raise DesignError("layout", kind, "use 'Import sites from CSV…' to load an explicit site list")
    if kind == "wafer":
        raise DesignError("layout", kind, "start a wafer design with File > New (the Wafer template)")
    if isinstance(layout, WaferLayout):
        layout = layout.die
    if isinstance(layout, CarrierLayout):
        layout = layout.unit
    if isinstance(layout, GridLayout | StaggeredLayout):
        rows, cols, px, depop = layout.rows, layout.cols, layout.pitch_x_mm, layout.depopulation
        py = layout.pitch_y if isinstance(layout, GridLayout) else layout.pitch_y_mm
    else:
        pitch = layout.pitch_hint_mm() or 1.0
        rows, cols, px, py, depop = 10, 10, pitch, pitch, ()
    if kind == "grid":
        return GridLayout(rows, cols, px, None if py == px else py, depop)
    return StaggeredLayout(rows, cols, px, py, depop)


@dataclass(frozen=True)
class ArrayTarget:
    """The grid or staggered array a field edits: the design's own layout, or a wafer's die pattern.

    ``find`` gives the array's layout (or None) for showing values; ``array`` gives it for an edit (DesignError
    when the design has none); ``put`` returns the design with the edited array in its place.
    """

    key: str
    noun: str
    find: Callable[[Design], Layout | None]
    array: Callable[[Design, str], GridLayout | StaggeredLayout]
    put: Callable[[Design, Layout], Design]


def _die_of(design: Design) -> Layout | None:
    wafer = wafer_of(design)
    return wafer.die if wafer is not None else None


LAYOUT_TARGET = ArrayTarget("layout", "", lambda d: d.layout, _array, lambda d, lay: d.with_(layout=lay))
DIE_TARGET = ArrayTarget("wafer.die", "die ", _die_of, die_array, put_die)
UNIT_TARGET = ArrayTarget("carrier.unit", "unit ", unit_of, unit_array, put_unit)


def _layout_field(name: str, target: ArrayTarget = LAYOUT_TARGET) -> tuple[Any, Any]:
    def get(d: Design) -> Any:
        layout = target.find(d)
        return getattr(layout, name) if isinstance(layout, GridLayout | StaggeredLayout) else None

    def set_(d: Design, v: Any) -> Design:
        return target.put(d, replace(target.array(d, name), **{name: v}))

    return get, set_


def _pitch_y_field(target: ArrayTarget = LAYOUT_TARGET) -> tuple[Any, Any]:
    def get(d: Design) -> float | None:
        layout = target.find(d)
        return layout.pitch_y_mm if isinstance(layout, GridLayout | StaggeredLayout) else None

    def set_(d: Design, v: float | None) -> Design:
        layout = target.array(d, "pitch_y_mm")
        if isinstance(layout, StaggeredLayout):
            if v is None:
                raise DesignError(f"{target.key}.pitch_y_mm", v, "a staggered array needs its row pitch")
            return target.put(d, replace(layout, pitch_y_mm=v))
        if v is not None and abs(v - layout.pitch_x_mm) < 1e-12:
            v = None  # a square grid stays square when x changes later
        return target.put(d, replace(layout, pitch_y_mm=v))

    return get, set_


def _pattern_size(kind: type, target: ArrayTarget = LAYOUT_TARGET) -> tuple[Any, Any]:
    """get/set for a depopulation pattern with one count (0 = none), keeping the other patterns."""
    attr = "size" if kind is CentreVoid else "rings"

    def get(d: Design) -> int:
        for p in getattr(target.find(d), "depopulation", ()):
            if isinstance(p, kind):
                return int(getattr(p, attr))
        return 0

    def set_(d: Design, v: int) -> Design:
        layout = target.array(d, "depopulation")
        if v < 0:
            raise DesignError(f"{target.key}.depopulation.{attr}", v, "must be 0 (none) or more")
        kept = tuple(p for p in layout.depopulation if not isinstance(p, kind))
        added = (kind(v),) if v > 0 else ()
        return target.put(d, replace(layout, depopulation=kept + added))

    return get, set_


def array_specs(target: ArrayTarget) -> list[FieldSpec]:
    """Rows, columns, pitch x and y, centre void and perimeter rings of one array, as bound field specs."""
    k, n = target.key, target.noun

    def square_hint(d: Design, u: LengthUnit) -> str:
        layout = target.find(d)
        return f"= x ({length_text(layout.pitch_x_mm, u)})" if isinstance(layout, GridLayout) else ""

    return [
        FieldSpec(f"{k}.rows", "Rows", f"{n}rows", ValueKind.COUNT, *_layout_field("rows", target)),
        FieldSpec(f"{k}.cols", "Columns", f"{n}columns", ValueKind.COUNT, *_layout_field("cols", target)),
        FieldSpec(f"{k}.pitch_x_mm", "Pitch x", f"{n}pitch x", ValueKind.LENGTH,
                  *_layout_field("pitch_x_mm", target), tooltip="Distance between columns"),
        FieldSpec(f"{k}.pitch_y_mm", "Pitch y", f"{n}pitch y", ValueKind.OPTIONAL_LENGTH, *_pitch_y_field(target),
                  tooltip="Distance between rows (empty: same as pitch x)", placeholder=square_hint),
        FieldSpec(f"{k}.centre_void", f"Centre void k {TIMES} k", f"{n}centre void", ValueKind.COUNT,
                  *_pattern_size(CentreVoid, target), tooltip=f"Leave out a k {TIMES} k block at the centre (0: none)"),
        FieldSpec(f"{k}.perimeter_rings", "Perimeter rings", f"{n}perimeter rings", ValueKind.COUNT,
                  *_pattern_size(PerimeterRings, target), tooltip="Keep only the n outermost rings (0: all sites)"),
    ]


class LayoutGroup(FieldGroup):
    """Generator type, rows / columns / pitches, centre void and perimeter rings, CSV import, and for a wafer
    design the wafer section (:mod:`app.panels.wafer_group`): the wafer, its die grid and the die's pattern."""

    def __init__(self, document: Document, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(document, "Sites", unit, parent)
        self.kind_field = self.add_choice(ChoiceSpec("layout.kind", "Generator", "site generator", LAYOUT_LABELS,
                                               generator_of, _set_kind))
        (self.rows_field, self.cols_field, self.pitch_x_field, self.pitch_y_field, self.void_field,
         self.rings_field) = (self.add_value(spec) for spec in array_specs(LAYOUT_TARGET))
        self.wafer = WaferSection(self, array_specs(DIE_TARGET))
        self.carrier = CarrierSection(self, array_specs(UNIT_TARGET), _converted)
        self.import_button = QPushButton("Import sites from CSV…", self.box)
        self.import_button.setObjectName("layout.import_csv")
        self.import_button.setToolTip("A CSV with a header row: name, x, y and optionally pad (mm)")
        self.import_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.import_button.clicked.connect(self._choose_csv)
        self.form.addRow("", self.import_button)
        self.count = QLabel(self.box)
        self.count.setObjectName("layout.count")
        self.count.setStyleSheet("color: #555;")
        self.count.setWordWrap(True)
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
        self.wafer.refresh(design)
        self.carrier.refresh(design)
        self.set_row_visible(self.import_button, not isinstance(design.layout, WaferLayout))
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
