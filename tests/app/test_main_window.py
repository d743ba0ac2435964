"""The main window driven like a user: mouse on the top view, menus, keyboard, files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.document import Document
from app.main_window import MainWindow
from app.panels.checks_panel import ChecksPanel
from geometry.base.resources import example_paths
from geometry.fileio import load_design
from geometry.model.design import example_grid_design
from geometry.model.sites import SiteState


@pytest.fixture
def example(tmp_path: Path) -> Path:
    src = next(p for p in example_paths() if "bga" in p.name)
    dst = tmp_path / src.name
    shutil.copy(src, dst)
    return dst


def discard_on_close(w: MainWindow, monkeypatch) -> None:
    """Closing at teardown must not block on the unsaved-work question."""
    monkeypatch.setattr(w, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.Discard)


@pytest.fixture
def window(qtbot, settings, tmp_path: Path, example: Path, monkeypatch) -> MainWindow:
    doc = Document(example_grid_design(rows=2, cols=2))
    w = MainWindow(doc, settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    discard_on_close(w, monkeypatch)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_path(example)
    return w


def click_site(qtbot, w: MainWindow, name: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    sites = w.document.design.sites()
    i = sites.index_of(name)
    pos = w.top_view.view_to_widget(float(sites.x_mm[i]), float(sites.y_mm[i]))
    qtbot.mouseClick(w.top_view.plot.viewport(), Qt.MouseButton.LeftButton, modifier, pos)


def test_open_shows_file_name_and_dirty_marker(window: MainWindow, example: Path) -> None:
    assert window.windowTitle().startswith(f"{example.name} ")
    assert "*" not in window.windowTitle()
    window.document.set_selection(["A1"])
    window.qactions["edit.depopulate"].trigger()
    assert f"{example.name}*" in window.windowTitle()
    window.qactions["edit.undo"].trigger()
    assert "*" not in window.windowTitle()


def test_mouse_select_then_depopulate_then_undo_redo(qtbot, window: MainWindow) -> None:
    window.top_view.zoom_to(-5.0, 5.0, 4.0)
    click_site(qtbot, window, "A1")
    assert window.document.selection == {"A1"}
    click_site(qtbot, window, "A2", Qt.KeyboardModifier.ShiftModifier)
    click_site(qtbot, window, "B1", Qt.KeyboardModifier.ShiftModifier)
    assert window.document.selection == {"A1", "A2", "B1"}
    click_site(qtbot, window, "A2", Qt.KeyboardModifier.ShiftModifier)  # shift-click again takes it away
    assert window.document.selection == {"A1", "B1"}
    assert window.qactions["edit.depopulate"].isEnabled()
    assert not window.qactions["edit.undo"].isEnabled()

    qtbot.keyClick(window.top_view.plot.viewport(), Qt.Key.Key_Delete)  # the platform Delete key depopulates
    sites = window.document.design.sites()
    assert sites.state[sites.index_of("A1")] == SiteState.DEPOPULATED
    assert sites.state[sites.index_of("B1")] == SiteState.DEPOPULATED
    assert sites.state[sites.index_of("A2")] == SiteState.POPULATED
    undo, redo = window.qactions["edit.undo"], window.qactions["edit.redo"]
    assert undo.text() == "Undo Depopulate 2 sites" and undo.isEnabled()
    assert redo.text() == "Redo" and not redo.isEnabled()

    undo.trigger()
    assert window.document.design.sites().populated.all()
    assert redo.text() == "Redo Depopulate 2 sites" and redo.isEnabled()
    assert undo.text() == "Undo"
    redo.trigger()
    assert not window.document.design.sites().populated.all()


def test_click_on_empty_canvas_clears_selection(qtbot, window: MainWindow) -> None:
    window.document.set_selection(["A1"])
    pos = window.top_view.view_to_widget(-9.0, -2.0)  # inside the outline, far from any site
    qtbot.mouseClick(window.top_view.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert window.document.selection == frozenset()


def test_rubber_band_selects_the_sites_inside(qtbot, window: MainWindow) -> None:
    view = window.top_view
    view.zoom_to(-5.0, 5.0, 2.5)
    vp = view.plot.viewport()
    a = view.view_to_widget(-5.9, 5.9)  # around A1, A2, B1, B2 (0.8 mm pitch, A1 at (-5.6, 5.6))
    b = view.view_to_widget(-4.5, 4.5)
    drag(vp, b, a)  # from the lower right
    assert window.document.selection == {"A1", "A2", "B1", "B2"}
    assert not view._band.isVisible()


def drag(vp: QtWidgets.QWidget, a: QtCore.QPoint, b: QtCore.QPoint,
         button=Qt.MouseButton.LeftButton, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """Press at a, move in steps with the button held, release at b (explicit events: QTest's moves do not
    always carry the held button)."""
    def send(kind, pos, btn, held):
        p = QtCore.QPointF(pos)
        ev = QtGui.QMouseEvent(kind, p, QtCore.QPointF(vp.mapToGlobal(pos)), btn, held, modifiers)
        QtWidgets.QApplication.sendEvent(vp, ev)

    send(QtCore.QEvent.Type.MouseButtonPress, a, button, button)
    for k in range(1, 9):
        QTest.qWait(15)  # pyqtgraph drops mouse moves closer than 10 ms apart (mouseRateLimit)
        send(QtCore.QEvent.Type.MouseMove, a + (b - a) * (k / 8), Qt.MouseButton.NoButton, button)
    QTest.qWait(15)
    send(QtCore.QEvent.Type.MouseButtonRelease, b, button, Qt.MouseButton.NoButton)


def test_right_drag_pans(window: MainWindow) -> None:
    view = window.top_view
    (x0, x1), _ = view.box.viewRange()
    scale0 = (x1 - x0) / view.box.width()
    vp = view.plot.viewport()
    c = QtCore.QPoint(vp.width() // 2, vp.height() // 2)
    drag(vp, c, c + QtCore.QPoint(40, 0), Qt.MouseButton.RightButton)
    (a0, a1), _ = view.box.viewRange()
    # moved left by the drag, same zoom (mm per pixel: the axis may narrow a little with other tick labels)
    assert a0 < x0 and abs((a1 - a0) / view.box.width() - scale0) < 1e-9
    assert window.document.selection == frozenset()


def test_save_reopen_equal(window: MainWindow, tmp_path: Path) -> None:
    window.document.set_selection(["C3", "D4"])
    window.qactions["edit.depopulate"].trigger()
    out = tmp_path / "saved.ballmask"
    assert window.save_to(out)
    assert "*" not in window.windowTitle() and out.name in window.windowTitle()
    designed = window.document.design
    assert load_design(out) == designed
    window.document.replace(example_grid_design(), None)
    assert window.open_path(out)
    assert window.document.design == designed
    assert window.recent.paths()[0] == out.resolve()


def test_question_before_losing_unsaved_work(window: MainWindow, monkeypatch) -> None:
    sb = QtWidgets.QMessageBox.StandardButton
    window.document.set_selection(["A1"])
    window.qactions["edit.depopulate"].trigger()
    asked: list[str] = []
    monkeypatch.setattr(window, "question", lambda title, text, buttons: asked.append(text) or sb.Cancel)
    window.close()
    assert asked and window.isVisible(), "Cancel keeps the window open"
    monkeypatch.setattr(window, "question", lambda title, text, buttons: sb.Discard)
    assert window.close()


def test_window_layout_is_remembered(qtbot, settings, tmp_path: Path) -> None:
    w = MainWindow(Document(example_grid_design(rows=2, cols=2)), settings)
    qtbot.addWidget(w)
    w.show()
    w.docks["cross_section"].hide()
    w.top_view.set_layer_visible("pads", False)
    w.resize(761, 477)
    assert w.height() == 477  # the width is clamped by the small offscreen screen
    w.close()
    w2 = MainWindow(Document(example_grid_design(rows=2, cols=2)), settings)
    qtbot.addWidget(w2)
    w2.show()
    assert w2.height() == 477
    assert not w2.docks["cross_section"].isVisible()
    assert w2.docks["properties"].isVisible()
    assert not w2.top_view.layer_visible("pads")
    assert not w2.qactions["view.layer.pads"].isChecked()


def test_view_menu_and_legend_toggle_the_same_layer(window: MainWindow) -> None:
    act = window.qactions["view.layer.lower"]
    assert act.isChecked() and window.top_view.layer_visible("lower")
    act.trigger()
    assert not window.top_view.layer_visible("lower")
    window.top_view.set_layer_visible("lower", True)  # e.g. a click on the legend swatch
    assert act.isChecked()


def test_tools_and_standard_shortcuts(window: MainWindow) -> None:
    acts = window.qactions
    assert acts["file.save"].shortcut().matches(QtGui_key("Save")) is not None
    acts["tools.measure"].trigger()
    assert window.top_view.tool.value == "measure" and acts["tools.measure"].isChecked()
    assert not acts["tools.select"].isChecked()
    assert acts["view.fit"].shortcut().toString() == "F"


def QtGui_key(name: str):
    from PySide6.QtGui import QKeySequence

    return QKeySequence(getattr(QKeySequence.StandardKey, name))


def test_report_draws_violations_and_counts_in_status_bar(qtbot, window: MainWindow) -> None:
    from geometry.checks.records import CheckReport, Severity, Violation

    report = CheckReport((Violation("web-upper", Severity.ERROR, ("A1", "A2"), -5.2, 5.6, 0.05, 0.1),
                          Violation("single-ball", Severity.WARNING, ("B1",), -5.6, 4.8, 0.6, 0.59)))
    window.show_report(report)
    tv = window.top_view
    assert tv.violation_layers[Severity.ERROR].shape_count == 3  # a ring and a cross of two strokes
    assert tv.violation_layers[Severity.INFO].is_empty()
    text = window.counts_label.text()
    assert ">1</span> errors" in text and ">1</span> warnings" in text and ">0</span> infos" in text


def test_checks_panel_zoom_request_moves_the_view(window: MainWindow) -> None:
    checks = window.docks["checks"].widget()
    assert isinstance(checks, ChecksPanel), "the checks panel is composed"
    checks.zoom_requested.emit(3.0, -2.0, 1.0)
    (x0, x1), (y0, y1) = window.top_view.box.viewRange()
    assert abs((x0 + x1) / 2 - 3.0) < 1e-6 and abs((y0 + y1) / 2 + 2.0) < 1e-6
    assert 0.99 < min(x1 - x0, y1 - y0) < 1.01  # 1 mm across the narrower side


def test_add_site_tool_snaps_to_the_pitch(qtbot, window: MainWindow) -> None:
    window.document.set_selection(["H8"])
    window.qactions["edit.delete"].trigger()
    assert not window.document.design.sites().has("H8")
    window.qactions["tools.add"].trigger()
    pos = window.top_view.view_to_widget(0.07, -0.05)  # near H8's old place (0, 0)
    qtbot.mouseClick(window.top_view.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    sites = window.document.design.sites()
    i = sites.index_of("X1")
    assert np.allclose((sites.x_mm[i], sites.y_mm[i]), (0.0, 0.0), atol=1e-9)
    assert window.qactions["edit.undo"].text().startswith("Undo Add site")
    qtbot.mouseClick(window.top_view.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)  # occupied now
    assert not window.document.design.sites().has("X2")


def test_measure_tool_gives_distance_and_web(qtbot, window: MainWindow) -> None:
    window.qactions["tools.measure"].trigger()
    click_site(qtbot, window, "A1")
    click_site(qtbot, window, "A2")
    m = window.top_view.last_measurement
    assert m is not None and (m.a, m.b) == ("A1", "A2")
    du = window.document.design.opening.upper_mm
    assert abs(m.distance_mm - 0.8) < 1e-9 and abs(m.web_mm - (0.8 - du)) < 1e-9
