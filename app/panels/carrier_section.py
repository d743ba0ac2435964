"""The carrier section of the Sites group: a strip's or panel's form, its unit's generator and the unit's array.

A strip or panel design's layout is a :class:`~geometry.model.layouts.CarrierLayout`, a matrix of units each the
layout ``unit``. The Sites group's "Generator" row shows the carrier's form (Strip of units, Panel of units) the
way it shows Wafer for a wafer; the rows here show and edit the unit: its generator (grid or staggered) and its
rows, columns and pitches, each edit one undoable command on ``layout.unit`` through :func:`dataclasses.replace`.
The rows live in the Sites group's form and show only while the design is a carrier.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtWidgets import QLabel

from app.panels.fields import ChoiceField, ChoiceSpec, FieldGroup, FieldSpec, ValueField
from app.units import TIMES, format_length
from geometry.base.errors import DesignError
from geometry.model.design import Design
from geometry.model.layouts import CarrierForm, CarrierLayout, GridLayout, Layout, StaggeredLayout

CARRIER_LABELS: tuple[tuple[str, str], ...] = (
    (CarrierForm.STRIP.value, "Strip of units"),
    (CarrierForm.PANEL.value, "Panel of units"),
)
UNIT_LABELS: tuple[tuple[str, str], ...] = (
    ("grid", "Grid"),
    ("staggered", "Staggered"),
    ("explicit", "Explicit list (CSV)"),
)


def carrier_of(design: Design) -> CarrierLayout | None:
    """The design's strip or panel layout, or None for any other layout."""
    layout = design.layout
    return layout if isinstance(layout, CarrierLayout) else None


def generator_of(design: Design) -> str:
    """What the Generator row shows: the carrier's form for a strip or panel, else the layout's kind."""
    carrier = carrier_of(design)
    return carrier.form.value if carrier is not None else design.layout.kind


def set_form(design: Design, form: str) -> Design:
    """A strip becomes a panel or back (the matrix stays); any other layout is started from File > New."""
    carrier = carrier_of(design)
    if carrier is None:
        raise DesignError("layout", form, "start a strip or panel with File > New (the Strip or Panel template)")
    return design.with_(layout=replace(carrier, form=CarrierForm(form)))


def _carrier(design: Design, what: str) -> CarrierLayout:
    carrier = carrier_of(design)
    if carrier is None:
        raise DesignError(f"layout.unit.{what}", design.layout.kind, "only a strip or panel has a unit")
    return carrier


def unit_of(design: Design) -> Layout | None:
    """The carrier's unit layout, None for a design that is no strip or panel."""
    carrier = carrier_of(design)
    return carrier.unit if carrier is not None else None


def unit_array(design: Design, what: str) -> GridLayout | StaggeredLayout:
    """The carrier's unit as a grid or staggered array (for an edit of one of its parameters)."""
    unit = _carrier(design, what).unit
    if not isinstance(unit, GridLayout | StaggeredLayout):
        raise DesignError(f"layout.unit.{what}", unit.kind, "the unit is an explicit site list: it has no such "
                          "parameter")
    return unit


def put_unit(design: Design, unit: Layout) -> Design:
    """The design with ``unit`` as its carrier's unit."""
    return design.with_(layout=replace(_carrier(design, "unit"), unit=unit))


def set_unit_kind(design: Design, kind: str, convert: Callable[[Layout, str], Layout]) -> Design:
    """The unit turned into another generator by ``convert`` (grid <-> staggered keeps rows, columns, pitch)."""
    return put_unit(design, convert(_carrier(design, "kind").unit, kind))


class CarrierSection:
    """The carrier's rows in the Sites group: the unit's generator, its array fields and a summary line."""

    def __init__(self, group: FieldGroup, unit_specs: Sequence[FieldSpec],
                 convert: Callable[[Layout, str], Layout]) -> None:
        self.group = group
        self.kind_field: ChoiceField = group.add_choice(ChoiceSpec(
            "carrier.unit.kind", "Unit generator", "unit generator", UNIT_LABELS,
            lambda d: u.kind if (u := unit_of(d)) is not None else None,
            lambda d, v: set_unit_kind(d, v, convert),
            tooltip="The site pattern of every unit on the strip or panel"))
        self.fields: list[ValueField] = [group.add_value(spec) for spec in unit_specs]
        self.summary = QLabel(group.box)
        self.summary.setObjectName("carrier.summary")
        self.summary.setStyleSheet("color: #555;")
        self.summary.setWordWrap(True)
        group.form.addRow("", self.summary)

    def refresh(self, design: Design) -> None:
        """Show the rows only for a strip or panel, the array rows only for a grid or staggered unit."""
        carrier = carrier_of(design)
        self.group.set_row_visible(self.kind_field, carrier is not None)
        self.group.set_row_visible(self.summary, carrier is not None)
        array = carrier is not None and isinstance(carrier.unit, GridLayout | StaggeredLayout)
        for w in self.fields:
            self.group.set_row_visible(w, array)
        if carrier is None:
            return
        u = self.group.unit
        py = carrier.unit_pitch_y
        pitch = f"{format_length(carrier.unit_pitch_x_mm, u)} {TIMES} {format_length(py, u)}"
        self.summary.setText(
            f"{carrier.form.value.capitalize()}: {carrier.unit_rows} {TIMES} {carrier.unit_cols} units at {pitch}, "
            f"{carrier.unit_count():,} kept; the unit map places and leaves out units")
