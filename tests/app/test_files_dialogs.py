"""Autosave and crash recovery, recent files, the template dialog and the export dialog."""

from __future__ import annotations

import json
import os
from pathlib import Path

import ezdxf
import pytest
from PySide6 import QtCore, QtWidgets

from app.dialogs.edit_dialogs import ProfileDialog
from app.dialogs.export_dialog import ExportDialog
from app.dialogs.new_design import NewDesignDialog
from app.dialogs.templates import TEMPLATES, build_template
from app.document import Document
from app.files import Autosave, RecentFiles, find_recovery
from app.main import build_window
from geometry.fileio import load_design, save_design
from geometry.model.design import example_grid_design
from geometry.model.operations import depopulate
from geometry.model.profiles import Stepped


def dead_pid() -> int:
    pid = 999_999
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_autosave_writes_only_unsaved_work_and_is_removed(qtbot, tmp_path: Path) -> None:
    doc = Document(example_grid_design(rows=3, cols=3))
    auto = Autosave(doc, tmp_path, seconds=3600)
    assert auto.tick() is False and not auto.path.exists()
    doc.apply("Depopulate 1 site", lambda d: depopulate(d, ["A1"]))
    assert auto.tick() is True
    assert load_design(auto.path) == doc.design
    assert auto.tick() is False  # nothing new since
    assert find_recovery(tmp_path) is None  # this process is alive: not a crash
    auto.remove()
    assert not auto.path.exists()


def test_recovery_after_a_crash_is_offered_and_restores_unsaved_work(qtbot, tmp_path: Path, settings) -> None:
    original = tmp_path / "mine.ballmask"
    base = example_grid_design(rows=3, cols=3)
    save_design(base, original)
    crashed = depopulate(base, ["B2"])
    rec_dir = tmp_path / "recovery"
    rec_dir.mkdir()
    save_design(crashed, rec_dir / "recovery-1.ballmask")
    (rec_dir / "recovery-1.json").write_text(json.dumps({"pid": dead_pid(), "original": str(original),
                                                          "saved_at": 1.0}))
    found = find_recovery(rec_dir)
    assert found is not None and found.original == original

    asked: list[str] = []

    def yes(self, title, text, buttons):
        asked.append(text)
        return QtWidgets.QMessageBox.StandardButton.Yes

    from app.main_window import MainWindow

    orig_question = MainWindow.question
    MainWindow.question = yes  # answer the startup question
    try:
        w = build_window(None, settings, rec_dir, autosave_seconds=3600)
    finally:
        MainWindow.question = orig_question
    qtbot.addWidget(w)
    assert asked and "mine.ballmask" in asked[0]
    assert w.document.design == crashed and w.document.path == original
    assert w.document.dirty and "mine.ballmask*" in w.windowTitle()
    w.document.undo()
    assert w.document.design == base  # undo goes back to what was saved
    assert find_recovery(rec_dir) is None  # taken: not offered again
    w.document.redo()
    w.save_to(original)


def test_recent_files_newest_first_without_duplicates(settings, tmp_path: Path) -> None:
    rf = RecentFiles(settings)
    a, b = tmp_path / "a.ballmask", tmp_path / "b.ballmask"
    a.write_text("x")
    b.write_text("x")
    rf.add(a)
    rf.add(b)
    rf.add(a)
    assert rf.paths() == [a.resolve(), b.resolve()]
    b.unlink()
    assert rf.paths() == [a.resolve()]


@pytest.mark.parametrize("template", [t.id for t in TEMPLATES if t.id != "wafer"])
def test_templates_build_valid_designs(template: str) -> None:
    d = build_template(template)
    assert len(d.sites()) > 0 and d.opening.upper_mm > d.ball.diameter_mm


def test_new_design_dialog_builds_and_refuses(qtbot) -> None:
    dlg = NewDesignDialog()
    qtbot.addWidget(dlg)
    wafer_item = dlg.templates.item(2)
    assert wafer_item.text() == "Wafer" and wafer_item.flags() & QtCore.Qt.ItemFlag.ItemIsEnabled
    dlg.fields["rows"].setValue(4)
    dlg.fields["cols"].setValue(5)
    dlg.accept()
    assert dlg.result() == QtWidgets.QDialog.DialogCode.Accepted and len(dlg.design.sites()) == 20
    dlg2 = NewDesignDialog()
    qtbot.addWidget(dlg2)
    dlg2.templates.setCurrentRow(1)  # CSP
    dlg2.fields["thickness_mm"].setValue(0.02)  # thinner than the step: refused with the model's message
    dlg2.accept()
    assert dlg2.design is None and "vertical_mm" in dlg2.error_label.text()


def test_profile_dialog_gives_a_valid_profile(qtbot) -> None:
    d = example_grid_design(rows=2, cols=2, thickness_mm=0.3)
    dlg = ProfileDialog(d)
    qtbot.addWidget(dlg)
    dlg.kind.setCurrentText("stepped")
    dlg.vertical.setValue(0.5)  # more than the thickness: refused
    dlg.accept()
    assert dlg.profile is None and dlg.error_label.text()
    dlg.vertical.setValue(0.2)
    dlg.lower_diameter.setValue(0.6)
    dlg.accept()
    assert dlg.profile == Stepped(vertical_mm=0.2, lower_mm=0.6)


def test_export_dialog_writes_a_dxf_that_reads_back(qtbot, tmp_path: Path) -> None:
    design = example_grid_design(rows=4, cols=4)
    doc = Document(design, tmp_path / "d.ballmask")
    dlg = ExportDialog(doc)
    qtbot.addWidget(dlg)
    out = tmp_path / "mask.dxf"
    dlg.output.setText(str(out))
    dlg.force.setChecked(True)
    with qtbot.waitSignal(dlg.finished_export, timeout=60_000) as sig:
        dlg.start()
    assert sig.args == [out] and out.exists(), dlg.error_text
    assert not list(tmp_path.glob(".ballmask-export-*")), "the temporary folder is gone"
    doc_read = ezdxf.readfile(out)
    circles = [e for e in doc_read.modelspace() if e.dxftype() == "CIRCLE" and e.dxf.layer == "UPPER_THROUGH"]
    assert len(circles) == 16


def test_export_cancel_leaves_nothing(qtbot, tmp_path: Path) -> None:
    doc = Document(example_grid_design(rows=4, cols=4))
    dlg = ExportDialog(doc)
    qtbot.addWidget(dlg)
    out = tmp_path / "mask.dxf"
    dlg.output.setText(str(out))
    dlg.force.setChecked(True)
    dlg.start()
    future = dlg._future
    dlg.cancel()
    future.exception(timeout=60)
    qtbot.waitUntil(lambda: not list(tmp_path.glob(".ballmask-export-*")), timeout=10_000)
    assert not out.exists()
