"""The window and bad design files (issue 11): File > Open, a drop on the window and the command line each show
one dialog with the message and keep the current design; nothing reaches stderr as a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from app.document import Document
from app.main import build_window
from app.main_window import MainWindow
from geometry.base.resources import example_paths
from geometry.model.design import example_grid_design

BGA = next(p for p in example_paths() if p.name == "bga-0.8mm-tapered.ballmask").read_bytes()

BAD_FILES = {
    "cut-at-newline": BGA[: BGA.index(b"\n", 200) + 1],
    "huge-int": BGA.replace(b'"rows": 15', b'"rows": ' + b"9" * 5000),
    "deep-nesting": BGA.replace(b'"notes": "', b'"notes": ' + b"[" * 5000 + b"]" * 5000 + b', "x": "'),
    "ball-1e308": BGA.replace(b'"diameter_mm": 0.45', b'"diameter_mm": 1e308'),
    "lone-surrogate": BGA.replace(b'"name": "BGA', b'"name": "\\ud800BGA'),
    "whitespace": b"  \n\n",
}
WHERE = {"cut-at-newline": "line", "huge-int": "layout.rows", "deep-nesting": "nested",
         "ball-1e308": "ball.diameter_mm", "lone-surrogate": "name", "whitespace": "line"}


class RecordingBox(QtWidgets.QMessageBox):
    """A QMessageBox that records its text instead of showing itself."""

    shown: ClassVar[list[str]] = []

    def open(self) -> None:  # type: ignore[override]
        RecordingBox.shown.append(self.text())

    def exec(self) -> int:  # type: ignore[override]
        RecordingBox.shown.append(self.text())
        return int(QtWidgets.QMessageBox.StandardButton.Ok.value)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    RecordingBox.shown = []
    monkeypatch.setattr(QtWidgets, "QMessageBox", RecordingBox)
    return RecordingBox.shown


@pytest.fixture
def window(qtbot, settings, tmp_path: Path) -> MainWindow:
    w = MainWindow(Document(example_grid_design(rows=2, cols=2)), settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    return w


def _bad(tmp_path: Path, name: str) -> Path:
    p = tmp_path / f"{name}.ballmask"
    p.write_bytes(BAD_FILES[name])
    return p


def _assert_one_dialog(boxes: list[str], path: Path, name: str, capfd: pytest.CaptureFixture[str]) -> None:
    assert len(boxes) == 1, boxes
    text = boxes[0]
    assert path.name in text and WHERE[name] in text, text
    assert len(text) < 1000
    err = capfd.readouterr().err
    assert "Traceback" not in err, err


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_file_open_shows_one_dialog_and_keeps_the_design(name: str, window: MainWindow, boxes: list[str],
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capfd: pytest.CaptureFixture[str]) -> None:
    from app import actions

    path = _bad(tmp_path, name)
    before = window.document.design
    monkeypatch.setattr(window, "ask_open_path", lambda: path)
    actions.file_open(window)
    _assert_one_dialog(boxes, path, name, capfd)
    assert window.document.design is before and window.document.path is None


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_drop_shows_one_dialog_and_keeps_the_design(name: str, window: MainWindow, boxes: list[str],
                                                    tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = _bad(tmp_path, name)
    before = window.document.design
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(path))])
    enter = QtGui.QDragEnterEvent(QtCore.QPoint(10, 10), QtCore.Qt.DropAction.CopyAction, mime,
                                  QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(QtCore.QPointF(10, 10), QtCore.Qt.DropAction.CopyAction, mime,
                            QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    _assert_one_dialog(boxes, path, name, capfd)
    assert window.document.design is before


def test_a_good_dropped_file_opens(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "good.ballmask"
    path.write_bytes(BGA)
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(path))])
    window.dropEvent(QtGui.QDropEvent(QtCore.QPointF(10, 10), QtCore.Qt.DropAction.CopyAction, mime,
                                      QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier))
    assert window.document.path == path and len(window.document.design.sites()) == 225


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_command_line_file_shows_one_dialog(name: str, qtbot, settings, boxes: list[str], tmp_path: Path,
                                            capfd: pytest.CaptureFixture[str]) -> None:
    path = _bad(tmp_path, name)
    w = build_window(path, settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    _assert_one_dialog(boxes, path, name, capfd)
    assert w.document.path is None and len(w.document.design.sites()) > 0
