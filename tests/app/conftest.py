"""Qt tests run on the offscreen platform, and a Qt warning fails the test that caused it.

QT_QPA_PLATFORM is set before anything imports Qt (conftest modules are imported first). pytest-qt captures Qt
messages per test (``qtlog``); the autouse fixture turns a warning or worse into a failure, so a broken signal
connection or a painter misuse does not pass silently.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QtMsgType

# Messages of the offscreen platform itself, not of our code.
BENIGN = ("This plugin does not support", "propagateSizeHints")


@pytest.fixture(autouse=True)
def _fail_on_qt_warnings(request: pytest.FixtureRequest) -> Iterator[None]:
    if "qtlog" not in request.fixturenames and "qtbot" not in request.fixturenames:
        yield
        return
    qtlog = request.getfixturevalue("qtlog")
    yield
    bad = [r.message for r in qtlog.records
           if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
           and not any(b in r.message for b in BENIGN)]
    assert not bad, f"Qt warnings: {bad}"


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """A settings file of the test's own (never the user's real settings)."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def open_window(qtbot, settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                design: object, *, fit: bool = False, analysis: object = None) -> object:
    """The main window on ``design``, shown at 1300 x 850, answering "discard" to any question (fitted if asked;
    ``analysis``: the runner's analysis instead of a new LiveAnalysis)."""
    from PySide6 import QtWidgets

    from app.document import Document
    from app.main_window import MainWindow

    w = MainWindow(Document(design), settings, tmp_path / "recovery", analysis=analysis)  # type: ignore[arg-type]
    qtbot.addWidget(w)
    monkeypatch.setattr(w, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.Discard)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    if fit:
        w.fit_all()
    return w


@pytest.fixture
def main_window_4x4(qtbot, settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The main window, shown at 1300 x 850 on a 4 x 4 grid, answering "discard" to any question."""
    from PySide6 import QtWidgets

    from geometry.model.design import example_grid_design

    w = open_window(qtbot, settings, tmp_path, monkeypatch, example_grid_design(rows=4, cols=4))
    yield w
    # a test may have changed the answer (Yes to an export question): the window must still close, or its
    # application-wide shortcuts stay alive and make the next test's keys ambiguous
    monkeypatch.setattr(w, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.Discard)
    assert w.close(), "the main window refused to close"


@pytest.fixture
def wait_for_result(qtbot) -> Callable[..., None]:  # type: ignore[no-untyped-def]
    """``wait_for_result(runner)``: wait (processing events) until the check runner holds the result of the
    document's current design.

    The relief and the checks run on the analysis thread (app.check_runner); a test that reads the report, the
    findings table or the drawn relief after an edit waits for them here instead of assuming they are at once.
    """

    def wait(runner: object, timeout_ms: int = 10_000) -> None:
        qtbot.waitUntil(lambda: not runner.stale, timeout=timeout_ms)  # type: ignore[attr-defined]

    return wait
