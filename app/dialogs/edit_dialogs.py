"""Small dialogs for edits that need numbers: move by a vector, a profile for the selection."""

from __future__ import annotations

from PySide6 import QtWidgets

from geometry.base.errors import DesignError
from geometry.model.design import Design
from geometry.model.profiles import OneSideVertical, Profile, Stepped, SteppedTapered, Straight, Tapered


def _spin(value: float, lo: float, hi: float, suffix: str, decimals: int = 3) -> QtWidgets.QDoubleSpinBox:
    b = QtWidgets.QDoubleSpinBox()
    b.setDecimals(decimals)
    b.setRange(lo, hi)
    b.setValue(value)
    b.setSuffix(suffix)
    return b


def ok_cancel_buttons(dialog: QtWidgets.QDialog) -> QtWidgets.QDialogButtonBox:
    """OK and Cancel wired to the dialog's accept and reject."""
    bb = QtWidgets.QDialogButtonBox(
        QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
    bb.accepted.connect(dialog.accept)
    bb.rejected.connect(dialog.reject)
    return bb


class MoveDialog(QtWidgets.QDialog):
    """Ask for a vector (dx, dy) in mm."""

    def __init__(self, count: int, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Move {count} site{'s' if count != 1 else ''}")
        self.dx = _spin(0.0, -1000.0, 1000.0, " mm", 4)
        self.dy = _spin(0.0, -1000.0, 1000.0, " mm", 4)
        self.dx.setObjectName("dx")
        self.dy.setObjectName("dy")
        form = QtWidgets.QFormLayout(self)
        form.addRow("dx", self.dx)
        form.addRow("dy", self.dy)
        form.addRow(ok_cancel_buttons(self))

    def vector(self) -> tuple[float, float]:
        """The vector entered."""
        return (self.dx.value(), self.dy.value())


PROFILE_KINDS = ("straight", "tapered", "stepped", "stepped-tapered", "one-side-vertical")


class ProfileDialog(QtWidgets.QDialog):
    """Choose a profile type and the values it needs; refused with the model's message when impossible here."""

    def __init__(self, design: Design, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set Profile for Selection")
        self.design = design
        self.profile: Profile | None = None
        op = design.opening
        t = design.mask.thickness_mm
        self.kind = QtWidgets.QComboBox()
        self.kind.addItems(PROFILE_KINDS)
        self.kind.setCurrentText(op.kind)
        self.angle = _spin(op.angle_deg if op.angle_deg < 90 else 60.0, 1.0, 89.9, " deg", 2)
        self.vertical = _spin(round(min(op.vertical_mm, t * 0.6) or t * 0.6, 3), 0.001, 5.0, " mm")
        self.lower_diameter = _spin(round(op.lower_mm, 3), 0.001, 20.0, " mm")
        self.direction = _spin(0.0, 0.0, 359.9, " deg", 1)
        for name, w in (("kind", self.kind), ("angle", self.angle), ("vertical", self.vertical),
                        ("lower", self.lower_diameter), ("direction", self.direction)):
            w.setObjectName(name)
        self.error_label = QtWidgets.QLabel()
        self.error_label.setStyleSheet("color: #c00000")
        self.error_label.setWordWrap(True)
        self.form = QtWidgets.QFormLayout(self)
        self.form.addRow("Profile", self.kind)
        self.form.addRow("Taper angle theta", self.angle)
        self.form.addRow("Vertical height h_v", self.vertical)
        self.form.addRow("Lower diameter d_l", self.lower_diameter)
        self.form.addRow("Direction phi", self.direction)
        self.form.addRow(self.error_label)
        self.form.addRow(ok_cancel_buttons(self))
        self.kind.currentTextChanged.connect(self._show_fields)
        self._show_fields(self.kind.currentText())

    def _show_fields(self, kind: str) -> None:
        need = {
            "straight": (), "tapered": ("angle",), "stepped": ("vertical", "lower"),
            "stepped-tapered": ("vertical", "angle"), "one-side-vertical": ("angle", "direction"),
        }[kind]
        for name, w in (("angle", self.angle), ("vertical", self.vertical), ("lower", self.lower_diameter),
                        ("direction", self.direction)):
            self.form.setRowVisible(w, name in need)

    def build(self) -> Profile:
        """The profile the fields describe (DesignError when invalid)."""
        k = self.kind.currentText()
        if k == "straight":
            return Straight()
        if k == "tapered":
            return Tapered(self.angle.value())
        if k == "stepped":
            return Stepped(vertical_mm=self.vertical.value(), lower_mm=self.lower_diameter.value())
        if k == "stepped-tapered":
            return SteppedTapered(vertical_mm=self.vertical.value(), angle_deg=self.angle.value())
        return OneSideVertical(angle_deg=self.angle.value(), direction_deg=self.direction.value())

    def accept(self) -> None:
        """Keep the profile only if it resolves on this mask."""
        try:
            p = self.build()
            self.design.resolve(p)
        except DesignError as e:
            self.error_label.setText(str(e))
            return
        self.profile = p
        super().accept()
