"""The wafer section of the Sites group: the wafer, the die grid on it, and the die's own site pattern.

A wafer design's layout is a :class:`~geometry.model.layouts.wafer.WaferLayout`; each control here edits one of its
fields with
:func:`dataclasses.replace` (the die pattern's fields edit ``layout.die`` the same way) through
``document.apply``, so every change is one undoable command ("Set street width to 0.12 mm"). The rows live in the
Sites group's form (one label column down the whole panel) and show only while the design is a wafer.

Nothing here walks the sites: the counts come from the cached die map and the cached sites, and the check that the
die pattern fits in its die is analytic for grid and staggered patterns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

from app.panels.fields import ChoiceField, ChoiceSpec, FieldGroup, FieldSpec, ValueField, ValueKind
from app.units import TIMES, LengthUnit, format_number, length_text
from geometry.base.errors import DesignError
from geometry.model.design import Design
from geometry.model.layouts import GridLayout, Layout, StaggeredLayout
from geometry.model.layouts.wafer import WAFER_DIAMETERS_MM, KeepRule, WaferLayout, WaferMark, die_map, die_sites

MARK_LABELS: tuple[tuple[WaferMark, str], ...] = (
    (WaferMark.NOTCH, "Notch"),
    (WaferMark.FLAT, "Flat"),
    (WaferMark.NONE, "None"),
)
KEEP_LABELS: tuple[tuple[KeepRule, str], ...] = (
    (KeepRule.SITES, "All pads inside"),
    (KeepRule.DIE, "Whole die inside"),
)
FIT_TOLERANCE_MM = 1e-9


def wafer_of(design: Design) -> WaferLayout | None:
    """The design's wafer layout, or None for any other layout."""
    layout = design.layout
    return layout if isinstance(layout, WaferLayout) else None


def _wafer(design: Design, what: str) -> WaferLayout:
    layout = wafer_of(design)
    if layout is None:
        raise DesignError(f"layout.{what}", design.layout.kind, "only a wafer layout has this parameter")
    return layout


def pattern_extent(die: Layout, pad_mm: float, fallback: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    """Half-width and half-height (mm) of a die pattern's pads around the die centre.

    Grid and staggered patterns are centred on 0 and measured from their parameters (no sites generated, so a
    typo of 1,000 rows costs nothing); any other pattern asks ``fallback`` (its generated sites).
    """
    r = pad_mm / 2.0
    if isinstance(die, GridLayout):
        return (die.cols - 1) * die.pitch_x_mm / 2.0 + r, (die.rows - 1) * die.pitch_y / 2.0 + r
    if isinstance(die, StaggeredLayout):
        shift = die.pitch_x_mm / 2.0 if die.rows > 1 else 0.0
        return ((die.cols - 1) * die.pitch_x_mm + shift) / 2.0 + r, (die.rows - 1) * die.pitch_y_mm / 2.0 + r
    return fallback()


def check_die_fits(design: Design) -> Design:
    """``design`` unchanged, or DesignError when the die's pads reach past the die rectangle (into the street)."""
    layout = wafer_of(design)
    if layout is None:
        return design

    def measured() -> tuple[float, float]:
        local = die_sites(layout, design.pad)
        if len(local) == 0:
            return 0.0, 0.0
        r = local.pad_mm / 2.0
        return (float(max((local.x_mm + r).max(), (r - local.x_mm).max())),
                float(max((local.y_mm + r).max(), (r - local.y_mm).max())))

    hx, hy = pattern_extent(layout.die, design.pad.diameter_mm, measured)
    if hx > layout.die_x_mm / 2.0 + FIT_TOLERANCE_MM or hy > layout.die_y / 2.0 + FIT_TOLERANCE_MM:
        size = f"{format_number(2 * hx, 3)} {TIMES} {format_number(2 * hy, 3)} mm"
        die = f"{format_number(layout.die_x_mm, 3)} {TIMES} {format_number(layout.die_y, 3)} mm"
        raise DesignError("layout.die", size, f"the die pattern with its pads ({size}) does not fit in the "
                                              f"{die} die")
    return design


def _wafer_field(name: str) -> tuple[Callable[[Design], Any], Callable[[Design, Any], Design]]:
    """get/set of one WaferLayout field; the set checks that the die pattern still fits in the die."""

    def get(d: Design) -> Any:
        layout = wafer_of(d)
        return getattr(layout, name) if layout is not None else None

    def set_(d: Design, v: Any) -> Design:
        return check_die_fits(d.with_(layout=replace(_wafer(d, name), **{name: v})))

    return get, set_


def _set_die_y(d: Design, v: float | None) -> Design:
    layout = _wafer(d, "die_y_mm")
    if v is not None and abs(v - layout.die_x_mm) < 1e-12:
        v = None  # a square die stays square when x changes later
    return check_die_fits(d.with_(layout=replace(layout, die_y_mm=v)))


def die_array(design: Design, what: str) -> GridLayout | StaggeredLayout:
    """The wafer's die pattern when it is a grid or staggered array (DesignError otherwise)."""
    die = _wafer(design, f"die.{what}").die
    if not isinstance(die, GridLayout | StaggeredLayout):
        raise DesignError(f"layout.die.{what}", die.kind, "an explicit die site list has no such parameter")
    return die


def put_die(design: Design, die: Layout) -> Design:
    """The design with the wafer's die pattern replaced (checked to fit in the die)."""
    return check_die_fits(design.with_(layout=replace(_wafer(design, "die"), die=die)))


def _square_die_hint(design: Design, unit: LengthUnit) -> str:
    layout = wafer_of(design)
    return f"= x ({length_text(layout.die_x_mm, unit)})" if layout is not None else ""


def _section_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    label.setStyleSheet("color: #333; padding-top: 6px;")
    return label


class WaferSection:
    """The wafer rows of a Sites group: wafer, die grid, the die pattern's fields (given), dies and sites kept.

    ``die_specs`` are the die pattern's fields (rows, columns, pitches, centre void, rings), built by the Sites
    group with :func:`die_array` / :func:`put_die` so they edit ``layout.die``. The group refreshes the controls;
    :meth:`refresh` shows or hides the rows and updates the read-only counts.
    """

    def __init__(self, group: FieldGroup, die_specs: Sequence[FieldSpec]) -> None:
        self.group = group
        box = group.box
        self.header = _section_label("Wafer", box)
        self.header.setObjectName("wafer.header")
        group.form.addRow(self.header)
        self.diameter: ChoiceField = group.add_choice(ChoiceSpec(
            "wafer.diameter_mm", "Diameter", "wafer diameter",
            tuple((d, f"{format_number(d, 1)} mm") for d in WAFER_DIAMETERS_MM),
            *_wafer_field("diameter_mm"), tooltip="Standard wafer diameters (SEMI M1)"))
        self.values: dict[str, ValueField] = {}
        self._value("edge_exclusion_mm", "Edge exclusion", "edge exclusion",
                    "The ring at the rim where no site may go")
        self.mark: ChoiceField = group.add_choice(ChoiceSpec(
            "wafer.mark", "Orientation mark", "orientation mark", MARK_LABELS, *_wafer_field("mark"),
            tooltip="Flat or notch at the bottom (6 o'clock)"))
        self.flat = self._value("flat_length_mm", "Flat length", "flat length", "Chord length of the flat")
        self.notch = self._value("notch_depth_mm", "Notch depth", "notch depth",
                                 "Depth of the notch (kept clear, grown by the edge exclusion)")
        self._value("die_x_mm", "Die size x", "die size x", "Die width")
        self.values["die_y_mm"] = group.add_value(FieldSpec(
            "wafer.die_y_mm", "Die size y", "die size y", ValueKind.OPTIONAL_LENGTH,
            _wafer_field("die_y_mm")[0], _set_die_y, tooltip="Die height (empty: same as x)",
            placeholder=_square_die_hint))
        self._value("street_mm", "Street width", "street width", "Dicing street between dies (step = die + street)")
        self._value("offset_x_mm", "Die grid offset x", "die grid offset x",
                    "Centre of die (0, 0) from the wafer centre (half a step: a street crosses the centre)")
        self._value("offset_y_mm", "Die grid offset y", "die grid offset y",
                    "Centre of die (0, 0) from the wafer centre (half a step: a street crosses the centre)")
        self.keep: ChoiceField = group.add_choice(ChoiceSpec(
            "wafer.keep", "Keep a die when", "keep rule", KEEP_LABELS, *_wafer_field("keep"),
            tooltip="Partial dies at the edge are left out: keep a die when all its pads, or its whole rectangle, "
                    "lie inside the usable area"))
        self.dies = QLabel(box)
        self.dies.setObjectName("wafer.dies")
        self.dies.setStyleSheet("color: #555;")
        group.form.addRow("Dies kept", self.dies)
        self.die_header = _section_label("Die pattern", box)
        self.die_header.setObjectName("wafer.die.header")
        group.form.addRow(self.die_header)
        self.die_values = [group.add_value(spec) for spec in die_specs]
        self.die_kind = QLabel(box)
        self.die_kind.setObjectName("wafer.die.kind")
        self.die_kind.setStyleSheet("color: #555;")
        group.form.addRow("Die sites", self.die_kind)

    def _value(self, name: str, label: str, command: str, tooltip: str) -> ValueField:
        get, set_ = _wafer_field(name)
        field = self.group.add_value(FieldSpec(f"wafer.{name}", label, command, ValueKind.LENGTH, get, set_,
                                               tooltip=tooltip))
        self.values[name] = field
        return field

    def rows(self) -> list[QWidget]:
        """Every row widget of the section (for showing and hiding)."""
        return [self.header, self.diameter, *self.values.values(), self.mark, self.keep, self.dies,
                self.die_header, *self.die_values, self.die_kind]

    def refresh(self, design: Design) -> None:
        """Which rows the design needs, and the dies and sites kept (cached: no per-site work)."""
        layout = wafer_of(design)
        show = self.group.set_row_visible
        for w in self.rows():
            show(w, layout is not None)
        if layout is None:
            return
        show(self.flat, layout.mark == WaferMark.FLAT)
        show(self.notch, layout.mark == WaferMark.NOTCH)
        array = isinstance(layout.die, GridLayout | StaggeredLayout)
        for w in self.die_values:
            show(w, array)
        dm = die_map(layout, design.pad)
        self.dies.setText(f"{dm.n_kept:,} of {len(dm):,} on the wafer")
        per_die = len(die_sites(layout, design.pad))
        kind = {"grid": "grid", "staggered": "staggered array"}.get(layout.die.kind, "explicit list")
        self.die_kind.setText(f"{per_die:,} per die ({kind})")
