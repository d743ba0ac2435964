"""Typed coordinates, as KLayout and KiCad have them: add a site, set a cut line or move the selection by typing
numbers in the display unit, absolute or relative to an origin the user sets; and the grid name a new site gets.

The origin is view state (never part of the design): typed and shown coordinates are relative to it, the design
stays in absolute mm.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6 import QtCore, QtWidgets

from app.units import LengthUnit, length_text, parse_length
from geometry.base.names import row_name
from geometry.model.design import Design
from geometry.model.layouts import GridLayout


def grid_name(design: Design, x_mm: float, y_mm: float) -> str | None:
    """The JEDEC name of the grid node at (x, y) of a grid layout (row letter, column number: E11), or None when
    the point is no node of the grid, lies outside its rows and columns' numbering, or the name is taken."""
    layout = design.layout
    if not isinstance(layout, GridLayout):
        return None
    px, py = layout.pitch_x_mm, layout.pitch_y
    c = (x_mm / px) + (layout.cols - 1) / 2.0
    r = (layout.rows - 1) / 2.0 - (y_mm / py)
    ci, ri = round(c), round(r)
    if abs(c - ci) > 1e-6 or abs(r - ri) > 1e-6 or ci < 0 or ri < 0:
        return None
    name = f"{row_name(ri)}{ci + 1}"
    return None if design.sites().has(name) else name


class CoordinateDialog(QtWidgets.QDialog):
    """Numbers typed in the display unit, relative to the origin or absolute; ``values_mm`` gives absolute mm.

    ``fields`` are (label, default in absolute mm, axis "x" / "y" / "" for a difference that no origin shifts).
    """

    def __init__(self, title: str, fields: Sequence[tuple[str, float, str]], unit: LengthUnit,
                 origin: tuple[float, float] = (0.0, 0.0), note: str = "",
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.unit = unit
        self.origin = origin
        self.axes = [axis for _, _, axis in fields]
        self.edits: list[QtWidgets.QLineEdit] = []
        form = QtWidgets.QFormLayout(self)
        if note:
            note_label = QtWidgets.QLabel(note)
            note_label.setWordWrap(True)
            form.addRow(note_label)
        self.relative = QtWidgets.QCheckBox(f"Relative to the origin ({length_text(origin[0], unit)}, "
                                            f"{length_text(origin[1], unit)}) {unit.symbol}")
        self.relative.setObjectName("relative")
        self.relative.setToolTip("Typed x and y are measured from the origin set with View > Set Origin")
        self.relative.setChecked(origin != (0.0, 0.0))
        self.relative.setVisible(any(self.axes) and origin != (0.0, 0.0))
        for label, default, axis in fields:
            shown = default - (self._shift(axis) if self.relative.isChecked() else 0.0)
            edit = QtWidgets.QLineEdit(length_text(shown, unit))
            edit.setObjectName(label.split()[0].lower())
            edit.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
            edit.setToolTip(f"{label} in {unit.symbol} (type mm or µm after the number for the other unit)")
            edit.textEdited.connect(lambda _t: self._validate())
            self.edits.append(edit)
            row = QtWidgets.QHBoxLayout()
            row.addWidget(edit)
            row.addWidget(QtWidgets.QLabel(unit.symbol))
            form.addRow(label, row)
        form.addRow("", self.relative)
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #c62828;")
        form.addRow(self.error)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(380, 0)

    def _shift(self, axis: str) -> float:
        return self.origin[0] if axis == "x" else self.origin[1] if axis == "y" else 0.0

    def values_mm(self) -> list[float]:
        """The typed values as absolute mm (ValueError names the field that is not a length)."""
        rel = self.relative.isChecked()
        out = []
        for edit, axis in zip(self.edits, self.axes, strict=True):
            try:
                v = parse_length(edit.text(), self.unit)
            except ValueError as e:
                raise ValueError(f"{edit.objectName()}: {e}") from None
            out.append(v + (self._shift(axis) if rel else 0.0))
        return out

    def _validate(self) -> bool:
        try:
            self.values_mm()
        except ValueError as e:
            self.error.setText(str(e))
            return False
        self.error.clear()
        return True

    def accept(self) -> None:
        """Only numbers are accepted; the message says which field is not one."""
        if self._validate():
            super().accept()
