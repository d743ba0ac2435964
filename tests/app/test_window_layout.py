"""A stable window (issue 15, item 10): it never resizes itself when designs change, it fits a 1600 x 1000
screen at a 1.5 scale factor (about 1066 x 666 logical pixels), and it never opens larger than the screen."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtWidgets

from app.dialogs.templates import build_template
from app.document import Document
from app.main_window import MainWindow
from geometry.base.resources import example_paths

SMALL_SCREEN = (1600 / 1.5, 1000 / 1.5)


def make(qtbot, settings, tmp_path: Path, monkeypatch) -> MainWindow:
    w = MainWindow(Document(build_template("bga")), settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    monkeypatch.setattr(w, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.Discard)
    return w


def test_window_fits_a_small_screen_and_the_screen(qtbot, settings, tmp_path: Path, monkeypatch) -> None:
    w = make(qtbot, settings, tmp_path, monkeypatch)
    w.show()
    qtbot.waitExposed(w)
    assert w.minimumSizeHint().width() <= SMALL_SCREEN[0]
    w.resize(5000, 3000)  # as a saved geometry from a larger screen would
    w.fit_screen()
    avail = w.screen().availableGeometry()
    # the test screen (800 x 800) is smaller than the 1066 logical pixels the issue asks for: the window is
    # then as small as it can be, never larger than it must
    assert w.width() <= max(avail.width(), w.minimumSizeHint().width()) and w.height() <= avail.height()


def test_window_keeps_its_size_when_designs_change(qtbot, settings, tmp_path: Path, monkeypatch) -> None:
    w = make(qtbot, settings, tmp_path, monkeypatch)
    w.resize(1200, 700)  # a small window with room above its minimum
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(50)  # the fit to the screen after showing
    size = w.size()
    rework = next(p for p in example_paths() if p.name.startswith("rework"))
    for step in (lambda: w.start_new(build_template("wafer", {"diameter_mm": 150.0})), lambda: w.open_path(rework),
                 lambda: w.start_new(build_template("csp")), lambda: w.start_new(build_template("bga"))):
        step()
        qtbot.wait(50)
        assert w.size() == size
