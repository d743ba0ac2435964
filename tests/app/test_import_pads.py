"""File > Import Pads...: the dialog's report follows the choices, OK applies one undoable command."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtWidgets

from app.dialogs.import_dialog import ImportPadsDialog
from app.document import Document
from app.main_window import MainWindow
from geometry.model.design import example_grid_design
from geometry.model.layouts import ExplicitLayout

kdb = pytest.importorskip("klayout.db")


def write_pads(path: Path, rows: int, cols: int, pitch_um: float, d_um: float = 300.0) -> None:
    """A rows x cols grid of 28-gon pads on layer 3/0 and an empty text layer 9/0 (made with klayout)."""
    ly = kdb.Layout()
    top = ly.create_cell("TOP")
    li = ly.layer(3, 0)
    a = 2 * np.pi * np.arange(28) / 28
    for r in range(rows):
        for c in range(cols):
            x, y = c * pitch_um, r * pitch_um
            top.shapes(li).insert(kdb.DPolygon([kdb.DPoint(x + d_um / 2 * np.cos(t), y + d_um / 2 * np.sin(t))
                                                for t in a]))
    top.shapes(ly.layer(9, 0)).insert(kdb.DText("label", 0, 0))
    ly.write(str(path))


def test_dialog_report_follows_the_choices(qtbot, tmp_path: Path) -> None:
    src = tmp_path / "pkg.gds"
    write_pads(src, 3, 4, 800.0)
    dlg = ImportPadsDialog(src)
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
    assert dlg.layer.currentData() == "3/0"
    text = dlg.report.toPlainText()
    assert "pads: 12 (12 polygons taken for circles" in text
    assert "3 rows x 4 columns" in text
    assert ok.isEnabled()
    dlg.view.setCurrentText("bottom")
    assert "view: bottom (drawn from the ball side" in dlg.report.toPlainText()
    dlg.layer.setCurrentIndex(dlg.layer.findData("9/0"))
    assert "Cannot import" in dlg.report.toPlainText()
    assert "has no pads" in dlg.report.toPlainText()
    assert not ok.isEnabled()
    dlg.grab().save(str(tmp_path / "import_dialog.png"))


def test_import_pads_action_is_one_undoable_command(qtbot, settings, tmp_path: Path, monkeypatch) -> None:
    doc = Document(example_grid_design(rows=3, cols=3, pitch_mm=0.8, ball_mm=0.45, thickness_mm=0.3))
    w = MainWindow(doc, settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    src = tmp_path / "pkg.gds"
    write_pads(src, 5, 6, 650.0, 320.0)
    dlg = ImportPadsDialog(src)
    qtbot.addWidget(dlg)
    monkeypatch.setattr(w, "ask_import_pads", lambda: dlg.imported)
    before = doc.design
    w.refresh_actions()
    w.qactions["file.import_pads"].trigger()
    assert isinstance(doc.design.layout, ExplicitLayout)
    assert len(doc.design.sites()) == 30
    assert doc.design.pad.diameter_mm == pytest.approx(0.32)
    assert doc.design.layout.source is not None
    assert doc.design.layout.source.file == "pkg.gds"
    assert doc.stack.undo_text == "Import 30 pads from pkg.gds"
    w.qactions["edit.undo"].trigger()
    assert doc.design == before


def test_reimport_shows_the_change_list_and_applies_as_one_command(qtbot, settings, tmp_path: Path,
                                                                    monkeypatch) -> None:
    doc = Document(example_grid_design(rows=3, cols=3, pitch_mm=0.8, ball_mm=0.45, thickness_mm=0.3))
    w = MainWindow(doc, settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    monkeypatch.setattr(w, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.Discard)  # unsaved at close
    w.refresh_actions()
    assert not w.qactions["file.reimport_pads"].isEnabled()  # nothing imported yet
    src_a, src_b = tmp_path / "a.gds", tmp_path / "b.gds"
    write_pads(src_a, 4, 4, 800.0)
    write_pads(src_b, 5, 4, 800.0)  # revision B: a fifth row
    first = ImportPadsDialog(src_a)
    qtbot.addWidget(first)
    monkeypatch.setattr(w, "ask_import_pads", lambda *a: first.imported)
    w.qactions["file.import_pads"].trigger()
    imported = doc.design
    seen: list[str] = []

    def reimport(against: object = None) -> object:
        dlg = ImportPadsDialog(src_b, None, against)  # type: ignore[arg-type]
        qtbot.addWidget(dlg)
        seen.append(dlg.report.toPlainText())
        return dlg.imported

    monkeypatch.setattr(w, "ask_import_pads", reimport)
    w.refresh_actions()
    assert w.qactions["file.reimport_pads"].isEnabled()
    w.qactions["file.reimport_pads"].trigger()
    assert seen[0].startswith("changes against the design:\nsites added: 4")
    assert len(doc.design.sites()) == 20
    assert doc.stack.undo_text == "Re-import 20 pads from b.gds"
    w.qactions["edit.undo"].trigger()
    assert doc.design == imported
