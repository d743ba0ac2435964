"""Rule limits: every limit the checks use, its material default beside it, override or reset.

A limit the user has not touched follows the material and thickness (e.g. the etched web minimum grows with t);
typing a value stores an override in the design, the reset button removes it again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QToolButton, QWidget

from app.document import Document
from app.panels.fields import FieldGroup, FieldSpec, ValueField, ValueKind
from app.units import TIMES, LengthUnit, format_angle, format_length, format_number
from geometry.model.design import Design
from geometry.model.materials import LIMIT_NAMES, MATERIALS, Limits

# (label, name in command names, suffix of unitless limits, what it is for)
LIMIT_TEXT: dict[str, tuple[str, str, str, str]] = {
    "ball_pass_clearance_mm": ("Pass clearance c_pass", "pass clearance", "", "ball-pass: d_u >= D + tol_D + c_pass"),
    "single_ball_max_ratio": ("Single ball: d_u below", "single-ball max", f"{TIMES} D", "single-ball: error here"),
    "single_ball_warn_ratio": ("Single ball: warn above", "single-ball warning", f"{TIMES} D", "single-ball: warning"),
    "comfort_low_ratio": ("Comfort band from", "comfort band low", f"{TIMES} D", "single-ball: comfortable band"),
    "comfort_high_ratio": ("Comfort band to", "comfort band high", f"{TIMES} D", "single-ball: comfortable band"),
    "standoff_mm": ("Pad stand-off", "pad stand-off", "", "stack: t <= D + stand-off"),
    "taper_max_deg": ("Taper angle max", "taper angle max", "", "taper-angle: θ <= this (claim 4)"),
    "taper_weak_deg": ("Weak edge below", "weak edge angle", "", "taper-angle: warning below this"),
    "alignment_mm": ("Alignment a", "alignment tolerance", "", "landing: mask-to-device alignment"),
    "ball_gap_min_mm": ("Ball gap g_min", "ball gap minimum", "", "ball-gap: balls must not touch"),
    "web_min_mm": ("Web w_min", "web minimum", "", "web-upper / web-lower: thinnest web the process makes"),
    "hole_factor": ("Hole factor k_hole", "hole factor", f"{TIMES} t", "hole-size: d_u >= k_hole t"),
    "membrane_min_mm": ("Ridge m_min", "ridge minimum", "", "ridge: no knife edge between merged openings"),
    "flux_spread_mm": ("Flux spread f", "flux spread", "", "flux-clear: flux beyond the pad edge"),
    "residue_clearance_mm": ("Residue clearance", "residue clearance", "", "residue-clear: above old solder"),
    "edge_min_mm": ("Edge distance e_min", "edge distance", "", "edge: away from the outline and fiducials"),
}


def _kind(name: str) -> ValueKind:
    if name.endswith("_mm"):
        return ValueKind.LENGTH
    if name.endswith("_deg"):
        return ValueKind.ANGLE
    return ValueKind.NUMBER


def material_default(design: Design, name: str) -> float:
    """The limit the material preset gives at the design's thickness (what a reset goes back to)."""
    base: Limits = MATERIALS[design.mask.material].limits(design.mask.thickness_mm)
    return float(getattr(base, name))


def _limit_field(name: str) -> tuple[Any, Any]:
    def get(d: Design) -> float:
        return float(getattr(d.effective_limits(), name))

    def set_(d: Design, v: float) -> Design:
        return d.with_limit(name, v)

    return get, set_


class _LimitRow(QWidget):
    """One limit: its field, the material default, and a reset button enabled when overridden."""

    def __init__(self, document: Document, name: str, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.name = name
        label, cmd, suffix, why = LIMIT_TEXT.get(name, (name, name, "", ""))
        get, set_ = _limit_field(name)
        self.field = ValueField(document, FieldSpec(f"limits.{name}", label, cmd, _kind(name), get, set_,
                                                    suffix=suffix, tooltip=why), unit, self)
        self.default = QLabel(self)
        self.default.setObjectName(f"limits.{name}.default")
        self.default.setStyleSheet("color: #777;")
        self.reset = QToolButton(self)
        self.reset.setObjectName(f"limits.{name}.reset")
        self.reset.setText("\u21ba")
        self.reset.setToolTip("Reset: back to the material default")
        self.reset.setAutoRaise(True)
        self.reset.clicked.connect(self._reset)
        self._shown: tuple[bool, str] | None = None  # (overridden, default text) last shown
        # the field and its reset on one line, the material default under it when overridden: a narrow column
        row = QGridLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setHorizontalSpacing(4)
        row.setVerticalSpacing(0)
        row.addWidget(self.field, 0, 0)
        row.addWidget(self.reset, 0, 1, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.default, 1, 0, 1, 2)
        row.setColumnStretch(2, 1)

    def refresh(self, design: Design) -> None:
        """Value, default, and whether it is overridden (bold, reset enabled); Qt is told only of a change."""
        self.field.refresh(design)
        overridden = self.name in dict(design.limits)
        d = material_default(design, self.name)
        kind = _kind(self.name)
        if kind is ValueKind.LENGTH:
            text = format_length(d, self.field.unit)
        elif kind is ValueKind.ANGLE:
            text = format_angle(d)
        else:
            text = format_number(d, 4, 1)
        if (overridden, text) == self._shown:
            return
        self._shown = (overridden, text)
        font = QFont(self.field.edit.font())
        font.setBold(overridden)
        self.field.edit.setFont(font)
        self.reset.setEnabled(overridden)
        self.default.setVisible(overridden)
        self.default.setText(f"default {text}")

    def _reset(self) -> None:
        label = LIMIT_TEXT.get(self.name, (self.name, self.name, "", ""))[1]
        self.document.apply(f"Reset {label}", lambda d: d.with_limit(self.name, None))


class LimitsGroup(FieldGroup):
    """Every Limits field of the design, in the order the checks use them."""

    def __init__(self, document: Document, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(document, "Rule limits", unit, parent)
        self.rows: dict[str, _LimitRow] = {}
        for name in LIMIT_NAMES:
            row = _LimitRow(document, name, unit, self.box)
            self.rows[name] = row
            self.values[f"limits.{name}"] = row.field
            self.form.addRow(LIMIT_TEXT.get(name, (name,))[0], row)
        self.finish()
        self.refresh(document.design)

    def refresh(self, design: Design) -> None:
        """Values, defaults and override marks."""
        super().refresh(design)
        for row in self.rows.values():
            row.refresh(design)

    def set_unit(self, unit: LengthUnit) -> None:
        """Lengths in another unit, defaults too."""
        super().set_unit(unit)
        for row in self.rows.values():
            row.refresh(self.document.design)
