"""File > New > Strip... and Panel...: the new-design dialog fixed to the strip or the panel template.

The fields are the template's (:mod:`app.dialogs.carrier_templates`), typed as text and refused with the field's
range, never clamped, exactly as in the template dialog. Under the fields a line says what the values make: the
units, the sites, the unit pitch and the mask size, so a strip preset's derived pitch is seen before OK.
"""

from __future__ import annotations

from PySide6 import QtWidgets

from app.dialogs.carrier_templates import PRESET_BY_NAME
from app.dialogs.new_design import NewDesignDialog
from app.dialogs.templates import TEMPLATE_BY_ID, TEMPLATES, build_template
from geometry.base.errors import DesignError
from geometry.model.design import Design
from geometry.model.layouts import CarrierLayout

CARRIER_TEMPLATES = ("strip", "panel")


def carrier_summary(design: Design) -> str:
    """One line on what a carrier design holds: units, sites, unit pitch, mask size."""
    lay = design.layout
    x0, y0, x1, y1 = design.outline_rect()
    mask = f"mask {x1 - x0:.6g} x {y1 - y0:.6g} mm"
    if not isinstance(lay, CarrierLayout):
        return mask
    return (f"{lay.unit_count()} units of {lay.unit.site_count()} sites ({lay.site_count():,} sites), unit pitch "
            f"{lay.unit_pitch_x_mm:.6g} x {lay.unit_pitch_y:.6g} mm, {mask}")


class NewCarrierDialog(NewDesignDialog):
    """The template dialog for one carrier form (``"strip"`` or ``"panel"``), with a summary of the result."""

    def __init__(self, form: str, parent: QtWidgets.QWidget | None = None) -> None:
        if form not in CARRIER_TEMPLATES:
            raise ValueError(f"{form!r} is not one of {', '.join(CARRIER_TEMPLATES)}")
        super().__init__(parent)
        self.form_id = form
        self.templates.setCurrentRow([t.id for t in TEMPLATES].index(form))
        self.templates.hide()  # one template: the list would offer nothing to choose
        self.setWindowTitle(f"New {TEMPLATE_BY_ID[form].title}")
        self.summary = QtWidgets.QLabel()
        self.summary.setObjectName("carrier.summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #444;")
        self.form.addRow(self.summary)
        preset = self.fields.get("preset")
        if isinstance(preset, QtWidgets.QComboBox):
            preset.currentIndexChanged.connect(lambda _i: self._validate())
        self._validate()
        self.resize(500, 520)

    def _validate(self) -> bool:
        """The template's validation, then the summary of what the values make (empty when they make nothing)."""
        ok = super()._validate()
        text = ""
        if ok:
            try:
                text = carrier_summary(build_template(self.form_id, self.values()))
            except (DesignError, ValueError) as e:
                self.error_label.setText(str(e))
                ok = False
        if hasattr(self, "summary"):
            self.summary.setText(text)
        preset = self.fields.get("preset")
        if isinstance(preset, QtWidgets.QComboBox) and preset.currentData() in PRESET_BY_NAME:
            note = PRESET_BY_NAME[preset.currentData()].note
            self.description.setText(f"{TEMPLATE_BY_ID[self.form_id].description}\n{note}.")
        return ok
