"""The default opening profile: its type, only the fields that type needs, and the derived values read-only.

The user gives either the wall angle or the lower diameter of a taper (checks.md: "the user gives theta or d_l,
the other follows"); the other one, and d_u, h_v and the relief depth, are shown below as the geometry resolves
them, so the panel never computes a profile itself.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from app.document import Document
from app.panels.fields import ChoiceSpec, FieldGroup, FieldSpec, ValueKind
from app.units import TIMES, LengthUnit, format_angle, format_length, length_text
from geometry.base.errors import DesignError
from geometry.base.units import round_um
from geometry.model.design import Design
from geometry.model.profiles import OneSideVertical, Profile, Stepped, SteppedTapered, Straight, Tapered

PROFILE_LABELS: tuple[tuple[str, str], ...] = (
    ("straight", "Straight"),
    ("tapered", "Tapered"),
    ("stepped", "Stepped"),
    ("stepped-tapered", "Stepped + tapered"),
    ("one-side-vertical", "One side vertical"),
)
_GIVEN = (("angle", "Wall angle θ"), ("lower", "Lower diameter d_l"))
_HAS_TAPER = ("tapered", "stepped-tapered", "one-side-vertical")


def profile_of_kind(design: Design, kind: str) -> Profile:
    """A profile of another type that keeps what carries over (fixed d_u, angle, lower diameter, direction).

    New step heights start at max(r, t/2) (claim 6 wants h_v >= r) but below 0.8 t, so the result resolves.
    """
    p, cur = design.profile, design.opening
    t, r = design.mask.thickness_mm, design.ball.radius_mm
    upper = p.upper_mm
    theta = round(cur.angle_deg, 2) if cur.angle_deg < 89.99 else 60.0
    hv = round_um(min(max(r, t / 2.0), 0.8 * t))
    if kind == "straight":
        return Straight(upper_mm=upper)
    if kind == "tapered":
        return Tapered(angle_deg=theta, upper_mm=upper)
    if kind == "stepped":
        lower = cur.lower_mm if cur.lower_mm > cur.upper_mm + 0.001 else cur.upper_mm + 2 * (t - hv) / math.tan(
            math.radians(60.0))
        return Stepped(vertical_mm=hv, lower_mm=round_um(lower), upper_mm=upper)
    if kind == "stepped-tapered":
        return SteppedTapered(vertical_mm=hv, angle_deg=theta, upper_mm=upper)
    if kind == "one-side-vertical":
        return OneSideVertical(angle_deg=theta, direction_deg=getattr(p, "direction_deg", 0.0), upper_mm=upper)
    raise DesignError("profile.kind", kind, "is not a profile type")


def _given(design: Design) -> str:
    return "lower" if getattr(design.profile, "angle_deg", 0.0) is None else "angle"


def _set_given(design: Design, given: str) -> Design:
    """Switch between giving the angle and giving d_l, keeping the current opening (to 1 um / 0.01 deg)."""
    p, o = design.profile, design.opening
    if not isinstance(p, Tapered | SteppedTapered | OneSideVertical) or given == _given(design):
        return design
    if given == "lower":
        return design.with_(profile=replace(p, angle_deg=None, lower_mm=round_um(o.lower_mm)))
    return design.with_(profile=replace(p, lower_mm=None, angle_deg=round(o.angle_deg, 2)))


def _profile_field(name: str) -> tuple[Any, Any]:
    def get(d: Design) -> Any:
        return getattr(d.profile, name, None)

    def set_(d: Design, v: Any) -> Design:
        if not hasattr(d.profile, name):
            raise DesignError(f"profile.{name}", v, f"a {d.profile.kind} profile has no such value")
        return d.with_(profile=replace(d.profile, **{name: v}))

    return get, set_


class ProfileGroup(FieldGroup):
    """Type chooser, the type's own fields, and d_u / d_l / θ / h_v / relief depth as the geometry gives them."""

    def __init__(self, document: Document, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(document, "Opening profile (default)", unit, parent)
        self.add_value(FieldSpec(
            "design.upper_ratio", "Upper ratio d_u / D", "upper ratio", ValueKind.NUMBER,
            lambda d: d.upper_ratio, lambda d, v: d.with_(upper_ratio=v), suffix=f"{TIMES} D",
            tooltip="The upper diameter is this ratio times the ball diameter (1.05 to 1.2 is comfortable)",
        ))
        self.kind_field = self.add_choice(ChoiceSpec(
            "profile.kind", "Type", "profile type", PROFILE_LABELS,
            lambda d: d.profile.kind, lambda d, k: d.with_(profile=profile_of_kind(d, k)),
            tooltip="The cross-section of every opening without an override",
        ))
        get, set_ = _profile_field("upper_mm")
        self.upper_field = self.add_value(FieldSpec(
            "profile.upper_mm", "Upper diameter d_u", "upper diameter", ValueKind.OPTIONAL_LENGTH, get, set_,
            tooltip="Leave empty to size d_u from the ball (ratio above); type a value to fix it",
            placeholder=lambda d, u: f"auto {length_text(d.default_upper_mm, u)}",
        ))
        self.given_field = self.add_choice(ChoiceSpec(
            "profile.given", "Taper given by", "taper given by", _GIVEN, _given, _set_given,
            tooltip="Give the wall angle or the lower diameter; the other follows",
        ))
        get, set_ = _profile_field("angle_deg")
        self.angle_field = self.add_value(FieldSpec(
            "profile.angle_deg", "Wall angle θ", "taper angle", ValueKind.ANGLE, get, set_,
            tooltip="Angle between the tapered side face and the upper surface (claim 4: 60° or less)",
        ))
        get, set_ = _profile_field("lower_mm")
        self.lower_field = self.add_value(FieldSpec(
            "profile.lower_mm", "Lower diameter d_l", "lower diameter", ValueKind.LENGTH, get, set_,
            tooltip="Opening diameter on the lower surface (the side facing the device)",
        ))
        get, set_ = _profile_field("vertical_mm")
        self.vertical_field = self.add_value(FieldSpec(
            "profile.vertical_mm", "Vertical height h_v", "vertical height", ValueKind.LENGTH, get, set_,
            tooltip="Height of the vertical wall below the upper surface (claim 6: at least the ball radius)",
        ))
        get, set_ = _profile_field("direction_deg")
        self.direction_field = self.add_value(FieldSpec(
            "profile.direction_deg", "Taper direction φ", "taper direction", ValueKind.ANGLE, get, set_,
            tooltip="The lower opening is shifted toward this direction (0° = +x, 90° = +y)",
        ))
        self.derived = _DerivedValues(self.box)
        self.form.addRow("Derived", self.derived)
        self.finish()
        self.refresh(document.design)

    def refresh(self, design: Design) -> None:
        """Fields, which rows the type needs, and the derived values."""
        super().refresh(design)
        p = design.profile
        tapered = p.kind in _HAS_TAPER
        by_angle = tapered and getattr(p, "angle_deg", None) is not None
        self.set_row_visible(self.given_field, tapered)
        self.set_row_visible(self.angle_field, by_angle)
        self.set_row_visible(self.lower_field, p.kind == "stepped" or (tapered and not by_angle))
        self.set_row_visible(self.vertical_field, p.kind in ("stepped", "stepped-tapered"))
        self.set_row_visible(self.direction_field, p.kind == "one-side-vertical")
        self.derived.show_design(design, self.unit)

    def set_unit(self, unit: LengthUnit) -> None:
        """Lengths (fields and derived values) in another unit."""
        super().set_unit(unit)
        self.derived.show_design(self.document.design, unit)


class _DerivedValues(QWidget):
    """Read-only d_u, d_l, θ, h_v, relief depth (and the lower shift of a one-side-vertical opening)."""

    ROWS = (("upper", "d_u"), ("lower", "d_l"), ("angle", "θ"), ("vertical", "h_v"), ("relief", "relief"),
            ("shift", "shift"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 2)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self.labels: dict[str, QLabel] = {}
        for k, (key, sym) in enumerate(self.ROWS):
            name = QLabel(sym, self)
            name.setStyleSheet("color: #555;")
            value = QLabel(self)
            value.setObjectName(f"derived.{key}")
            value.setStyleSheet("color: #1a1a1a; font-family: monospace;")
            grid.addWidget(name, k // 2, (k % 2) * 2)
            grid.addWidget(value, k // 2, (k % 2) * 2 + 1)
            self.labels[key] = value
        grid.setColumnStretch(4, 1)
        self.setToolTip("Derived from the profile, the ball and the mask thickness (read-only)")

    def show_design(self, design: Design, unit: LengthUnit) -> None:
        """The default opening as the geometry resolves it."""
        o = design.opening
        self.labels["upper"].setText(format_length(o.upper_mm, unit))
        self.labels["lower"].setText(format_length(o.lower_mm, unit))
        self.labels["angle"].setText(format_angle(o.angle_deg))
        self.labels["vertical"].setText(format_length(o.vertical_mm, unit))
        self.labels["relief"].setText(format_length(o.relief_depth_mm, unit))
        self.labels["shift"].setText(format_length(o.lower_shift_mm, unit))
