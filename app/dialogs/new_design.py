"""New design from a template: pick a template, adjust its parameters, get a valid design or a clear message."""

from __future__ import annotations

from typing import Any

from PySide6 import QtWidgets

from app.dialogs.templates import TEMPLATES, Template, build_template, defaults
from geometry.base.errors import DesignError
from geometry.model.design import Design


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
        self.fields: dict[str, QtWidgets.QSpinBox | QtWidgets.QDoubleSpinBox] = {}
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
            box: QtWidgets.QSpinBox | QtWidgets.QDoubleSpinBox
            if p.integer:
                ib = QtWidgets.QSpinBox()
                ib.setRange(int(p.minimum), int(p.maximum))
                ib.setValue(int(vals[p.key]))
                if p.unit:
                    ib.setSuffix(f" {p.unit}")
                box = ib
            else:
                db = QtWidgets.QDoubleSpinBox()
                db.setDecimals(3)
                db.setRange(p.minimum, p.maximum)
                db.setSingleStep(0.01 if p.unit == "mm" else 1.0)
                db.setValue(float(vals[p.key]))
                if p.unit:
                    db.setSuffix(f" {p.unit}")
                box = db
            box.setObjectName(p.key)
            self.fields[p.key] = box
            self.form.addRow(p.label, box)
        self.error_label.clear()

    def values(self) -> dict[str, Any]:
        """The parameters as entered."""
        return {k: box.value() for k, box in self.fields.items()}

    def accept(self) -> None:
        """Build the design; an invalid combination is refused with the model's message."""
        try:
            self.design = build_template(self.template.id, self.values())
        except (DesignError, NotImplementedError) as e:
            self.error_label.setText(str(e))
            return
        super().accept()
