"""New design from a template: pick a template, adjust its parameters, get a valid design or a clear message."""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtWidgets

from app.dialogs.templates import TEMPLATES, Param, Template, build_template, defaults
from app.units import format_number, parse_number
from geometry.base.errors import DesignError
from geometry.model.design import Design


class NumberEdit(QtWidgets.QLineEdit):
    """A number typed as text: what the user types stays as typed (no clamping); ``value`` parses it."""

    def value(self) -> float:
        """The number typed (ValueError when it is none)."""
        return parse_number(self.text())

    def setValue(self, value: float) -> None:  # noqa: N802 (the spin-box name, for callers used to one)
        """Show a number (as if typed)."""
        self.setText(format_number(float(value), 4))
        self.textEdited.emit(self.text())


class NewDesignDialog(QtWidgets.QDialog):
    """Template list on the left, its parameters on the right; OK builds the design (refused if invalid)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Design from Template")
        self.design: Design | None = None
        self.templates = QtWidgets.QListWidget()
        self.templates.setObjectName("templates")
        for t in TEMPLATES:
            item = QtWidgets.QListWidgetItem(t.title)
            item.setToolTip(t.description)
            self.templates.addItem(item)
        self.templates.setFixedWidth(140)
        self.description = QtWidgets.QLabel()
        self.description.setWordWrap(True)
        self.form_host = QtWidgets.QWidget()
        self.form = QtWidgets.QFormLayout(self.form_host)
        self.fields: dict[str, QtWidgets.QWidget] = {}
        self.error_label = QtWidgets.QLabel()
        self.error_label.setStyleSheet("color: #c00000")
        self.error_label.setWordWrap(True)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        right = QtWidgets.QVBoxLayout()
        right.addWidget(self.description)
        right.addWidget(self.form_host)
        right.addStretch(1)
        right.addWidget(self.error_label)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.templates)
        top.addLayout(right, 1)
        outer = QtWidgets.QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(buttons)
        self.templates.currentRowChanged.connect(self._show_template)
        self.templates.setCurrentRow(0)
        self.resize(520, 340)

    @property
    def template(self) -> Template:
        """The chosen template."""
        return TEMPLATES[max(0, self.templates.currentRow())]

    def _show_template(self, row: int) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields.clear()
        t = TEMPLATES[max(0, row)]
        self.description.setText(t.description)
        vals = defaults(t)
        for p in t.params:
            box: QtWidgets.QWidget
            if p.options:
                combo = QtWidgets.QComboBox()
                for value, label in p.options:
                    combo.addItem(label, value)
                combo.setCurrentIndex([v for v, _ in p.options].index(str(vals[p.key])))
                box = combo
            else:
                # a line edit, not a spin box: a spin box clamps a mistyped value silently, this one refuses it
                edit = NumberEdit(format_number(float(vals[p.key]), 4))
                edit.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
                edit.setFixedWidth(110)
                edit.setProperty("numeric", True)
                edit.textEdited.connect(lambda _t: self._validate())
                box = edit
            unit = f" {p.unit}" if p.unit else ""
            box.setToolTip(p.tip or (f"{p.label}: {p.minimum:g} to {p.maximum:g}{unit}" if not p.options else p.label))
            box.setObjectName(p.key)
            self.fields[p.key] = box
            if p.unit and not p.options:
                row_box = QtWidgets.QHBoxLayout()
                row_box.addWidget(box)
                row_box.addWidget(QtWidgets.QLabel(p.unit.replace("deg", "°")))
                row_box.addStretch(1)
                self.form.addRow(p.label, row_box)
            else:
                self.form.addRow(p.label, box)
        self.error_label.clear()

    def values(self) -> dict[str, Any]:
        """The parameters as entered (numbers parsed; ValueError names the field that is not a number)."""
        out: dict[str, Any] = {}
        labels = {p.key: p.label for p in self.template.params}
        for k, box in self.fields.items():
            if isinstance(box, QtWidgets.QComboBox):
                out[k] = box.currentData()
            else:
                assert isinstance(box, NumberEdit)
                try:
                    out[k] = box.value()
                except ValueError as e:
                    raise ValueError(f"{labels[k]}: {e}") from None
        return out

    def _validate(self) -> bool:
        """Show at once why the values make no design (the first refused field is marked)."""
        try:
            values = self.values()
            bad = next((p for p in self.template.params if _refuses(p, values[p.key])), None)
            if bad is not None:
                bad.check(values[bad.key])
        except (DesignError, ValueError) as e:
            self.error_label.setText(str(e))
            return False
        self.error_label.clear()
        return True

    def accept(self) -> None:
        """Build the design; an invalid combination is refused with the model's message."""
        try:
            self.design = build_template(self.template.id, self.values())
        except (DesignError, NotImplementedError, ValueError) as e:
            self.error_label.setText(str(e))
            return
        super().accept()


def _refuses(param: Param, value: Any) -> bool:
    try:
        param.check(value)
    except DesignError:
        return True
    return False
