"""The Drawing dialog: what the user types becomes the design's drawing fields, saved with the design; a refused
value keeps the dialog open with the model's message; the menu command is one undoable edit."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtWidgets

from app.actions import ACTIONS, edit_drawing_info
from app.dialogs.drawing_dialog import DrawingDialog
from app.document import Document
from geometry.fileio import load_design, save_design
from geometry.model.design import example_grid_design
from geometry.model.drawing_info import DrawingInfo, FrameSettings, ToolingHole


def test_fields_become_drawing_info(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dlg = DrawingDialog(DrawingInfo())
    qtbot.addWidget(dlg)
    dlg.fields["drawing_number"].setText("BM-77")
    dlg.fields["date"].setText("2026-12-03")
    dlg.fields["checked_by"].setText("R. Roe")
    dlg.quantity.setValue(4)
    dlg.frame.setCurrentIndex(2)  # 584 x 584
    dlg.holes.setPlainText("-10, 10, 2.5\n10, -10")
    dlg.revisions.setPlainText("A | 2026-11-01 | first issue | J. Doe\nB | 2026-12-03 | pitch corrected")
    dlg.show()
    dlg.grab().save(str(tmp_path / "drawing_dialog.png"))
    dlg.accept()
    info = dlg.info
    assert info is not None and dlg.result() == QtWidgets.QDialog.DialogCode.Accepted
    assert (info.drawing_number, info.date, info.checked_by, info.quantity) == ("BM-77", "2026-12-03", "R. Roe", 4)
    assert info.frame.preset == "584x584"
    assert info.frame.tooling_holes == (ToolingHole(-10.0, 10.0, 2.5), ToolingHole(10.0, -10.0, 3.0))
    assert [r.revision for r in info.revisions] == ["A", "B"] and info.revisions[0].by == "J. Doe"
    design = example_grid_design().with_(drawing=info)
    save_design(design, tmp_path / "d.ballmask")
    assert load_design(tmp_path / "d.ballmask").drawing == info


def test_refused_value_keeps_the_dialog_open(qtbot) -> None:  # type: ignore[no-untyped-def]
    dlg = DrawingDialog(DrawingInfo())
    qtbot.addWidget(dlg)
    dlg.fields["date"].setText("3.12.2026")
    dlg.accept()
    assert dlg.info is None and "YYYY-MM-DD" in dlg.error_label.text()
    dlg.fields["date"].setText("")
    dlg.frame.setCurrentIndex(3)  # custom without a size
    dlg.accept()
    assert dlg.info is None and "custom frame" in dlg.error_label.text()


class _Shell:
    def __init__(self, doc: Document, answer: DrawingInfo | None) -> None:
        self.document, self.answer, self.errors = doc, answer, []

    def ask_drawing_info(self, info: DrawingInfo) -> DrawingInfo | None:
        return self.answer

    def error(self, text: str) -> None:
        self.errors.append(text)


def test_menu_command_is_one_undoable_edit() -> None:
    doc = Document(example_grid_design())
    new = DrawingInfo(drawing_number="X", frame=FrameSettings("736x736"))
    edit_drawing_info(_Shell(doc, new))  # type: ignore[arg-type]
    assert doc.design.drawing == new
    doc.undo()
    assert doc.design.drawing == DrawingInfo()
    edit_drawing_info(_Shell(doc, None))  # type: ignore[arg-type]  # cancelled: nothing changes
    assert doc.design.drawing == DrawingInfo() and not doc.stack.can_undo
    assert any(a.id == "file.drawing" and a.menu == "File" for a in ACTIONS)
