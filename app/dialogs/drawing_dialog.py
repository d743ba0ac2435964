"""The Drawing dialog: title-block fields, revisions, order data and the stencil frame, saved with the design.

What the user types becomes a :class:`geometry.model.drawing_info.DrawingInfo`; a value the model refuses (a date
that is not YYYY-MM-DD, a custom frame without its size) is shown in the dialog and OK does nothing.
"""

from __future__ import annotations

from PySide6 import QtWidgets

from app.dialogs.edit_dialogs import ok_cancel_buttons
from geometry.base.errors import DesignError
from geometry.model.drawing_info import DrawingInfo, FrameSettings, RevisionEntry, ToolingHole

FRAME_CHOICES = (("none", "No frame (loose foil cut to the outline)"), ("736x736", "736 x 736 mm (29 in) frame"),
                 ("584x584", "584 x 584 mm (23 in) frame"), ("custom", "Custom frame"))


def parse_holes(text: str) -> tuple[ToolingHole, ...]:
    """``x, y, d`` per line (d optional, 3 mm) into tooling holes."""
    out = []
    for i, line in enumerate(t for t in text.splitlines() if t.strip()):
        parts = [p.strip() for p in line.replace(";", ",").split(",") if p.strip()]
        try:
            nums = [float(p) for p in parts]
        except ValueError:
            raise DesignError(f"tooling_holes[{i}]", line, "must be x, y or x, y, diameter in mm") from None
        if len(nums) not in (2, 3):
            raise DesignError(f"tooling_holes[{i}]", line, "must be x, y or x, y, diameter in mm")
        out.append(ToolingHole(*nums))
    return tuple(out)


def parse_revisions(text: str) -> tuple[RevisionEntry, ...]:
    """``rev | date | description | by`` per line into revision entries."""
    out = []
    for i, line in enumerate(t for t in text.splitlines() if t.strip()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3:
            raise DesignError(f"revisions[{i}]", line, "must be rev | YYYY-MM-DD | description | by")
        try:
            out.append(RevisionEntry(parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
        except DesignError as e:
            raise e.under(f"revisions[{i}]") from None
    return tuple(out)


class DrawingDialog(QtWidgets.QDialog):
    """Edit a design's drawing fields; ``info`` holds the result after OK."""

    def __init__(self, info: DrawingInfo, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Drawing and Title Block")
        self.info: DrawingInfo | None = None
        self.fields: dict[str, QtWidgets.QLineEdit] = {}
        form = QtWidgets.QFormLayout(self)
        for name, label, tip in (
                ("title", "Title", "empty: the design name"), ("drawing_number", "Drawing number", ""),
                ("date", "Date", "YYYY-MM-DD; empty: the day of the export"), ("drawn_by", "Drawn by", ""),
                ("checked_by", "Checked by", ""), ("approved_by", "Approved by", ""),
                ("material_grade", "Material grade", "empty: the material's usual grade"),
                ("general_tolerances", "General tolerances", ""), ("inspection", "Inspection",
                                                                  "empty: the standard inspection note")):
            edit = QtWidgets.QLineEdit(str(getattr(info, name)))
            edit.setObjectName(name)
            edit.setPlaceholderText(tip)
            self.fields[name] = edit
            form.addRow(label, edit)
        self.thickness_tol = QtWidgets.QDoubleSpinBox()
        self.thickness_tol.setObjectName("thickness_tolerance_mm")
        self.thickness_tol.setDecimals(4)
        self.thickness_tol.setRange(0.0, 1.0)
        self.thickness_tol.setSpecialValueText("process tolerance")
        self.thickness_tol.setValue(info.thickness_tolerance_mm or 0.0)
        self.thickness_tol.setSuffix(" mm")
        form.addRow("Thickness tolerance ±", self.thickness_tol)
        self.projection = QtWidgets.QComboBox()
        self.projection.setObjectName("projection")
        self.projection.addItems(["first-angle", "third-angle"])
        self.projection.setCurrentText(info.projection)
        form.addRow("Projection", self.projection)
        self.quantity = QtWidgets.QSpinBox()
        self.quantity.setObjectName("quantity")
        self.quantity.setRange(1, 100000)
        self.quantity.setValue(info.quantity)
        form.addRow("Quantity", self.quantity)
        f = info.frame
        self.frame = QtWidgets.QComboBox()
        self.frame.setObjectName("frame")
        for key, text in FRAME_CHOICES:
            self.frame.addItem(text, key)
        self.frame.setCurrentIndex([k for k, _ in FRAME_CHOICES].index(f.preset))
        form.addRow("Frame", self.frame)
        self.frame_w, self.frame_h, self.border = (QtWidgets.QDoubleSpinBox() for _ in range(3))
        for box, name, value in ((self.frame_w, "frame_width", f.width_mm or 0.0),
                                 (self.frame_h, "frame_height", f.height_mm or 0.0),
                                 (self.border, "border", f.border_mm)):
            box.setObjectName(name)
            box.setRange(0.0, 2000.0)
            box.setDecimals(1)
            box.setSuffix(" mm")
            box.setValue(value)
        form.addRow("Custom frame width", self.frame_w)
        form.addRow("Custom frame height", self.frame_h)
        form.addRow("Border", self.border)
        self.holes = QtWidgets.QPlainTextEdit("\n".join(f"{h.x_mm:g}, {h.y_mm:g}, {h.diameter_mm:g}"
                                                         for h in f.tooling_holes))
        self.holes.setObjectName("tooling_holes")
        self.holes.setPlaceholderText("x, y, diameter (mm), one hole per line")
        self.holes.setFixedHeight(60)
        form.addRow("Tooling holes", self.holes)
        self.revisions = QtWidgets.QPlainTextEdit("\n".join(f"{r.revision} | {r.date} | {r.description} | {r.by}"
                                                             for r in info.revisions))
        self.revisions.setObjectName("revisions")
        self.revisions.setPlaceholderText("rev | YYYY-MM-DD | description | by, one revision per line")
        self.revisions.setFixedHeight(70)
        form.addRow("Revisions", self.revisions)
        self.error_label = QtWidgets.QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet("color: #c00000")
        self.error_label.setWordWrap(True)
        form.addRow(self.error_label)
        form.addRow(ok_cancel_buttons(self))

    def build(self) -> DrawingInfo:
        """The fields as drawing data (DesignError when one is invalid)."""
        preset = str(self.frame.currentData())
        custom = preset == "custom"
        frame = FrameSettings(preset,  # type: ignore[arg-type]  # one of FRAME_CHOICES
                              self.frame_w.value() if custom and self.frame_w.value() > 0 else None,
                              self.frame_h.value() if custom and self.frame_h.value() > 0 else None,
                              border_mm=self.border.value(), tooling_holes=parse_holes(self.holes.toPlainText()))
        text = {k: e.text().strip() for k, e in self.fields.items()}
        return DrawingInfo(
            **text, thickness_tolerance_mm=self.thickness_tol.value() or None,
            projection=self.projection.currentText(),  # type: ignore[arg-type]
            quantity=self.quantity.value(), revisions=parse_revisions(self.revisions.toPlainText()), frame=frame)

    def accept(self) -> None:
        """Keep the dialog open with the model's message when a value is refused."""
        try:
            self.info = self.build()
        except DesignError as e:
            self.error_label.setText(str(e))
            return
        super().accept()
