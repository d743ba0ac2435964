"""The checks panel at CAD level (issue 15, item 5): columns fit their text, full text in tooltips, filters by
check and severity, the selected finding ringed on the drawing, "merge all like this" as one undoable command,
and "What does this check mean?" opening the check reference at that check."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtWidgets
from PySide6.QtCore import Qt

from app import window_extras
from app.document import Document
from app.main_window import MainWindow
from geometry.checks import Severity
from geometry.model.design import example_grid_design
from geometry.model.operations import set_auto_merge
from geometry.model.profiles import Tapered


@pytest.fixture
def window(qtbot, settings, tmp_path: Path, monkeypatch) -> MainWindow:
    # a 25 degree taper at 0.8 mm pitch, merging off: web-lower errors between every pair of neighbours
    doc = Document(set_auto_merge(example_grid_design(rows=5, cols=5, profile=Tapered(25.0)), False))
    w = MainWindow(doc, settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    monkeypatch.setattr(w, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.Discard)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    w.runner.flush()
    qtbot.waitUntil(lambda: w.docks["checks"].widget().row_count() > 0)
    return w


def panel_of(w: MainWindow):
    return w.docks["checks"].widget()


def test_columns_fit_their_text_and_tooltips_hold_it_all(window: MainWindow) -> None:
    p = panel_of(window)
    fm = p.table.fontMetrics()
    header = p.table.horizontalHeader()
    for col in range(5):
        widest = max(fm.horizontalAdvance(str(p.model.index(r, col).data())) for r in range(p.row_count()))
        assert header.sectionSize(col) >= widest, col
    message = p.violation_at(0).message
    assert message and message in p.model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole)
    assert message in p.model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)


def test_filter_by_check(window: MainWindow) -> None:
    p = panel_of(window)
    checks = {p.violation_at(r).check for r in range(p.row_count())}
    assert "web-lower" in checks and len(checks) > 1
    p.set_check_shown("web-lower")
    shown = {p.violation_at(r).check for r in range(p.row_count())}
    assert shown == {"web-lower"}
    p.set_severity_shown(Severity.ERROR, False)
    assert all(p.violation_at(r).severity is not Severity.ERROR for r in range(p.row_count()))
    p.set_severity_shown(Severity.ERROR, True)
    p.set_check_shown("")
    assert {p.violation_at(r).check for r in range(p.row_count())} == checks


def test_selected_finding_is_ringed_on_the_drawing(qtbot, window: MainWindow) -> None:
    p = panel_of(window)
    p.set_check_shown("web-lower")
    p.activate(0)
    v = p.violation_at(0)
    ring = window.finding_highlight
    assert ring.ring.isVisible() and ring.shown[:2] == (v.x_mm, v.y_mm)
    p.activate(1)
    assert ring.shown[:2] == (p.violation_at(1).x_mm, p.violation_at(1).y_mm)


def test_merge_all_like_this_is_one_undoable_command(qtbot, window: MainWindow) -> None:
    p = panel_of(window)
    p.set_check_shown("web-lower")
    p.activate(0)
    like = p.like(p.violation_at(0))
    assert len(like) > 10
    assert p.merge_all_button.isEnabled() and str(len(like)) in p.merge_all_button.text()
    before = window.document.design
    qtbot.mouseClick(p.merge_all_button, Qt.MouseButton.LeftButton)
    channels = window.document.design.merge.channels
    assert {frozenset(c) for c in channels} >= {frozenset(v.sites) for v in like}
    assert window.document.stack.undo_text == f"Merge {len(like)} web-lower pairs"
    window.qactions["edit.undo"].trigger()
    assert window.document.design == before


def test_what_does_this_check_mean(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    filler = "\n\n".join(f"Paragraph {i} about something else." for i in range(80))
    (docs / "checks.md").write_text(f"# Checks\n\n{filler}\n\n## web-lower: the lower web\n\nBetween lower "
                                    "outlines.\n", encoding="utf-8")
    monkeypatch.setattr(window_extras, "docs_folder", lambda: docs)
    p = panel_of(window)
    p.set_check_shown("web-lower")
    p.activate(0)
    assert p.help_button.isEnabled()
    qtbot.mouseClick(p.help_button, Qt.MouseButton.LeftButton)
    dlg = window.doc_browser
    assert dlg.anchor_found
    assert dlg.browser.textCursor().block().text().startswith("web-lower")
    assert dlg.browser.verticalScrollBar().value() > 0
    dlg.close()
