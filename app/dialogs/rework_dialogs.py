"""Small dialogs of the Rework menu: the uniform residue and the device, a note for a failed place.

They return values (a :class:`~geometry.model.rework.Rework`, a note); the action functions turn them into one
undoable command. An impossible value is refused in the dialog with the model's message.
"""

from __future__ import annotations

from PySide6 import QtWidgets

from app.dialogs.edit_dialogs import ok_cancel_buttons
from geometry.base.errors import DesignError
from geometry.model.rework import Residue, Rework


class ReworkSettingsDialog(QtWidgets.QDialog):
    """The residue on every site without a measurement (height, footprint diameter) and the device's id.

    A footprint of 0 means "not measured": the residue-clear check then takes the pad grown by the flux spread.
    """

    def __init__(self, rework: Rework, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Residue and Device")
        self.base = rework
        self.rework: Rework | None = None
        self.device = QtWidgets.QLineEdit(rework.device)
        self.device.setObjectName("device")
        self.device.setPlaceholderText("serial number, board position, ...")
        self.residue_height = QtWidgets.QDoubleSpinBox()
        self.residue_height.setObjectName("height")
        self.residue_height.setDecimals(1)
        self.residue_height.setRange(0.0, 2000.0)
        self.residue_height.setSingleStep(5.0)
        self.residue_height.setSuffix(" \u00b5m")
        self.residue_height.setValue(rework.residue.height_mm * 1000.0)
        self.diameter = QtWidgets.QDoubleSpinBox()
        self.diameter.setObjectName("diameter")
        self.diameter.setDecimals(3)
        self.diameter.setRange(0.0, 10.0)
        self.diameter.setSingleStep(0.01)
        self.diameter.setSuffix(" mm")
        self.diameter.setSpecialValueText("pad + flux spread")
        self.diameter.setValue(rework.residue.diameter_mm or 0.0)
        note = QtWidgets.QLabel(f"{len(rework.measured)} site(s) carry their own measurement (Import Residue "
                                "CSV); these values apply to every other site that had a ball.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #606060;")
        self.error_label = QtWidgets.QLabel()
        self.error_label.setStyleSheet("color: #c00000")
        self.error_label.setWordWrap(True)
        form = QtWidgets.QFormLayout(self)
        form.addRow("Device", self.device)
        form.addRow("Residue height h_res", self.residue_height)
        form.addRow("Residue footprint", self.diameter)
        form.addRow(note)
        form.addRow(self.error_label)
        form.addRow(ok_cancel_buttons(self))
        self.resize(420, 0)

    def value(self) -> Rework:
        """The rework data with these values (DesignError when they are impossible)."""
        d = self.diameter.value()
        residue = Residue(round(self.residue_height.value() / 1000.0, 6), d if d > 0 else None)
        return self.base.with_(device=self.device.text().strip(), residue=residue)

    def accept(self) -> None:
        """Keep the values, or say why not."""
        try:
            self.rework = self.value()
        except DesignError as e:
            self.error_label.setText(str(e))
            return
        super().accept()


class FailedPlaceDialog(QtWidgets.QDialog):
    """A note for the electrically failed place at a site (what failed, how it was found)."""

    def __init__(self, site: str, note: str = "", parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Failed Place at {site}")
        self.note = QtWidgets.QLineEdit(note)
        self.note.setObjectName("note")
        self.note.setPlaceholderText("e.g. open after drop test, cracked joint")
        form = QtWidgets.QFormLayout(self)
        form.addRow(QtWidgets.QLabel(f"Site <b>{site}</b> is where the device failed electrically."))
        form.addRow("Note", self.note)
        form.addRow(ok_cancel_buttons(self))
        self.resize(420, 0)

    def text(self) -> str:
        """The note entered."""
        return self.note.text().strip()
