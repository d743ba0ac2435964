"""Keys behave as in a CAD tool (issue 15, item 1): shortcuts work from fields without typing into them, fields
hand focus back to the drawing, the platform's standard keys, Help > Keyboard Shortcuts; Save As and Export start
in the user's folder, never the package's (item 2); File > Close, Find, Preferences."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from app.document import Document
from app.main_window import MainWindow
from app.preferences import LAST_DIR_KEY, Preferences, start_folder
from app.units import LengthUnit
from geometry.base.resources import example_paths
from geometry.model.design import example_grid_design


@pytest.fixture
def window(qtbot, settings, tmp_path: Path, monkeypatch) -> MainWindow:
    doc = Document(example_grid_design(rows=4, cols=4))
    w = MainWindow(doc, settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    monkeypatch.setattr(w, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.Discard)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    return w


def field(w: MainWindow, key: str) -> QtWidgets.QLineEdit:
    edit = w.findChild(QtWidgets.QLineEdit, f"{key}.edit")
    assert edit is not None
    return edit


def focus(qtbot, widget: QtWidgets.QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def test_tool_letter_in_a_number_field_chooses_the_tool_and_leaves_the_field(qtbot, window: MainWindow) -> None:
    edit = field(window, "ball.diameter_mm")
    focus(qtbot, edit)
    before = edit.text()
    edit.selectAll()  # as after Tab: "m" would replace the number, which no number field can hold
    qtbot.keyClick(edit, "m")
    assert window.current_tool() == "measure"
    assert edit.text() == before
    qtbot.waitUntil(window.top_view.plot.hasFocus)
    qtbot.keyClick(window.top_view.plot, "s")
    assert window.current_tool() == "select"


def test_a_unit_letter_after_a_number_is_typed(qtbot, window: MainWindow) -> None:
    edit = field(window, "ball.diameter_mm")
    focus(qtbot, edit)
    edit.selectAll()
    qtbot.keyClicks(edit, "0.4mm")
    assert edit.text() == "0.4mm"
    assert window.current_tool() == "select"
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.document.design.ball.diameter_mm == pytest.approx(0.4)
    qtbot.waitUntil(window.top_view.plot.hasFocus)  # Enter applied the value and gave the drawing focus back


def test_escape_reverts_and_leaves_the_field_without_clearing_the_selection(qtbot, window: MainWindow) -> None:
    window.document.set_selection(["A1"])
    edit = field(window, "ball.diameter_mm")
    focus(qtbot, edit)
    before = edit.text()
    edit.selectAll()
    qtbot.keyClicks(edit, "9")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == before
    assert window.document.selection == {"A1"}
    qtbot.waitUntil(window.top_view.plot.hasFocus)


def test_a_letter_in_a_text_field_is_typed(qtbot, window: MainWindow) -> None:
    edit = field(window, "ball.alloy")
    focus(qtbot, edit)
    edit.selectAll()
    qtbot.keyClicks(edit, "SAC")
    assert edit.text() == "SAC"
    assert window.current_tool() == "select"


def test_ctrl_e_from_a_field_exports_and_ctrl_q_quits(qtbot, window: MainWindow, monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(window, "run_export", lambda: calls.append("export"))
    monkeypatch.setattr(window, "close_window", lambda: calls.append("quit"))
    edit = field(window, "ball.diameter_mm")
    focus(qtbot, edit)
    text = edit.text()
    qtbot.keyClick(edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert calls == ["export"]
    assert edit.text() == text
    qtbot.keyClick(edit, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert calls == ["export", "quit"]


def test_standard_keys(window: MainWindow) -> None:
    def keys(aid: str) -> set[str]:
        return {s.toString() for s in window.qactions[aid].shortcuts()}

    assert {"Ctrl+Y", "Ctrl+Shift+Z"} <= keys("edit.redo")
    assert "Ctrl+Q" in keys("file.quit")
    assert "Ctrl+W" in keys("file.close")
    assert "Ctrl+Shift+S" in keys("file.save_as")
    assert "Ctrl++" in keys("view.zoom_in") and "Ctrl+-" in keys("view.zoom_out")
    assert "Ctrl+F" in keys("edit.find")
    assert "Ctrl+F1" in keys("help.shortcuts")
    for a in window.qactions.values():
        if a.shortcuts():
            assert a.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut
        assert a.toolTip(), a.objectName()


def test_ctrl_y_redoes(qtbot, window: MainWindow) -> None:
    window.document.set_selection(["A1"])
    window.qactions["edit.depopulate"].trigger()
    window.qactions["edit.undo"].trigger()
    assert window.document.stack.can_redo
    qtbot.keyClick(window.top_view.plot, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert not window.document.stack.can_redo


def test_keyboard_shortcuts_list(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.top_view.plot, Qt.Key.Key_F1, Qt.KeyboardModifier.ControlModifier)
    dlg = window.shortcuts_dialog
    qtbot.waitUntil(dlg.isVisible)
    table = dlg.table
    rows = {table.item(r, 1).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert rows["Measure"] == "M"
    assert "Ctrl+Y" in rows["Redo"]
    dlg.filter.setText("quit")
    shown = [table.item(r, 1).text() for r in range(table.rowCount()) if not table.isRowHidden(r)]
    assert shown == ["Quit"]
    dlg.close()


def test_toolbar_has_icons(window: MainWindow) -> None:
    tb = window.findChild(QtWidgets.QToolBar, "toolbar_tools")
    acts = [a for a in tb.actions() if not a.isSeparator()]
    assert len(acts) >= 10
    for a in acts:
        assert not a.icon().isNull(), a.objectName()
        assert not a.icon().pixmap(22, 22).toImage().isNull()
    assert tb.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly


def test_save_as_never_starts_in_the_package(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    bundled = next(p for p in example_paths() if "bga" in p.name)
    assert window.open_path(bundled)
    seen: list[str] = []

    def fake_dialog(parent, title, start, flt):
        seen.append(start)
        return "", ""

    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", fake_dialog)
    window.qactions["file.save_as"].trigger()
    start = Path(seen[0])
    assert start.name == bundled.name
    assert bundled.parent.resolve() not in (start.parent.resolve(), *start.parent.resolve().parents)
    # after a save elsewhere, that folder is where the next dialog starts
    out = tmp_path / "work"
    out.mkdir()
    assert window.save_to(out / "mine.ballmask")
    assert start_folder(window.settings, bundled) == out
    window.qactions["file.save_as"].trigger()
    assert Path(seen[1]).parent == out


def test_export_starts_in_the_last_folder(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    from app.dialogs import export_dialog

    bundled = next(p for p in example_paths() if "bga" in p.name)
    assert window.open_path(bundled)
    window.settings.setValue(LAST_DIR_KEY, str(tmp_path))
    shown: list[str] = []
    monkeypatch.setattr(export_dialog.ExportDialog, "exec", lambda self: shown.append(self.output.text()) or 0)
    window.run_export()
    assert Path(shown[0]).parent == tmp_path


def test_close_asks_then_starts_untitled(qtbot, window: MainWindow, tmp_path: Path) -> None:
    src = next(p for p in example_paths() if "bga" in p.name)
    shutil.copy(src, tmp_path / src.name)
    assert window.open_path(tmp_path / src.name)
    window.qactions["file.close"].trigger()
    assert window.document.path is None
    assert "unsaved" in window.windowTitle()


def test_find_selects_and_shows_a_site(qtbot, window: MainWindow, monkeypatch) -> None:
    monkeypatch.setattr(window, "ask_text", lambda *a: "b3")
    window.qactions["edit.find"].trigger()
    assert window.document.selection == {"B3"}
    sites = window.document.design.sites()
    i = sites.index_of("B3")
    (x0, x1), (y0, y1) = window.top_view.box.viewRange()
    assert x0 < sites.x_mm[i] < x1 and y0 < sites.y_mm[i] < y1
    assert x1 - x0 < 10.0  # zoomed in on it, not the whole mask


def test_preferences_are_stored_and_applied(qtbot, window: MainWindow, settings) -> None:
    window.apply_preferences(Preferences(unit=LengthUnit.UM, theme="dark", autosave_seconds=0))
    again = Preferences.load(settings)
    assert again.unit is LengthUnit.UM and again.theme == "dark" and again.autosave_seconds == 0
    assert field(window, "ball.diameter_mm").text() == "450"  # 0.45 mm shown in µm
    dark = QtWidgets.QApplication.palette().color(QtGui.QPalette.ColorRole.Window)
    assert dark.lightness() < 80
    window.apply_preferences(Preferences())
    assert QtWidgets.QApplication.palette().color(QtGui.QPalette.ColorRole.Window).lightness() > 150


def test_user_guide_opens_inside(qtbot, window: MainWindow) -> None:
    window.qactions["help.guide"].trigger()
    browser = window.doc_browser.browser
    assert isinstance(browser, QtWidgets.QTextBrowser)
    text = browser.toPlainText()
    assert text.startswith("ballmask user guide") and "Measure" in text
    assert browser.document().resource(QtGui.QTextDocument.ResourceType.ImageResource,
                                       QtCore.QUrl("images/main.png")) is not None  # its screenshots load
    assert browser.document().resource(QtGui.QTextDocument.ResourceType.ImageResource,
                                       QtCore.QUrl("images/no-such.png")) is None
    window.doc_browser.close()
