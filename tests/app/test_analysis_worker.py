"""The analysis off the GUI thread: the window takes edits while a slow analysis runs, a newer edit cancels the
older run, a cancel keeps the last complete result (marked out of date), and the final result is the geometry's."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QSettings

from app import check_runner
from app.check_runner import CheckRunner
from app.document import Document
from app.panels.checks_panel import ChecksPanel
from app.panels.fields import ValueField
from geometry.analysis.live import CancelFn, Cancelled, LiveAnalysis, LiveResult, ProgressFn
from geometry.checks import run_checks
from geometry.derive.relief.merged import lower_relief
from geometry.model.design import Design, example_grid_design
from tests.app.conftest import open_window


class GatedAnalysis(LiveAnalysis):
    """The real analysis behind a gate: ``update`` sleeps in small steps, polling ``cancel``, until ``gate`` is
    set; it notes which designs it started, saw cancelled and completed."""

    def __init__(self, open_gate: bool = False) -> None:
        super().__init__()
        self.gate = threading.Event()
        if open_gate:
            self.gate.set()
        self.started: list[Design] = []
        self.cancelled: list[Design] = []
        self.completed: list[Design] = []

    def update(self, design: Design, cancel: CancelFn = lambda: False,
               progress: ProgressFn = lambda f, t: None) -> LiveResult:
        self.started.append(design)
        k = 0
        while not self.gate.is_set():
            if cancel():
                self.cancelled.append(design)
                raise Cancelled
            time.sleep(0.005)
            k += 1
            progress(min(0.9, k / 400), "waiting at the gate")
        if cancel():
            self.cancelled.append(design)
            raise Cancelled
        result = LiveResult(design, lower_relief(design), run_checks(design))
        self.completed.append(design)
        return result


def thicker(d: Design) -> Design:
    return d.with_(mask=replace(d.mask, thickness_mm=round(d.mask.thickness_mm + 0.01, 6)))


@pytest.fixture
def slow_window(qtbot, settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A shown main window on a 4 x 4 grid whose analysis waits at a gate (closed at first)."""
    monkeypatch.setattr(check_runner, "SLOW_S", 0.05)  # the status bar's progress and Cancel show at once
    analysis = GatedAnalysis()
    w = open_window(qtbot, settings, tmp_path, monkeypatch, example_grid_design(rows=4, cols=4),
                    analysis=analysis)
    published: list[Design | None] = []
    w.runner.report_ready.connect(lambda _r: published.append(w.runner.checked_design))
    yield w, analysis, published
    analysis.gate.set()  # let the thread finish its run before the window goes


def enter(qtbot, field: ValueField, text: str) -> None:
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, text)
    qtbot.keyClick(field.edit, QtCore.Qt.Key.Key_Return)


def test_edits_are_applied_at_once_while_a_slow_analysis_runs(qtbot, slow_window, wait_for_result) -> None:
    w, analysis, published = slow_window
    doc = w.document
    qtbot.waitUntil(lambda: len(analysis.started) == 1, timeout=5000)
    assert w.runner.stale and w.top_view.stale and w.panels["checks"].stale
    assert "out of date" in w.top_view.stale_label.text()
    assert w.top_view.layers["lower"].shape_count == 0  # no relief before the first result: none is computed here
    assert w.top_view.layers["upper"].shape_count == 16  # the openings are drawn at once
    # the status bar shows the progress and Cancel of the slow run
    qtbot.waitUntil(w.analysis_status.button.isVisible, timeout=5000)
    assert w.analysis_status.button.text() == "Cancel"

    # a click in a panel field takes effect while the analysis waits
    field = w.panels["properties"].field("mask.thickness_mm")  # type: ignore[attr-defined]
    assert isinstance(field, ValueField)
    enter(qtbot, field, "0.25")
    assert doc.design.mask.thickness_mm == pytest.approx(0.25)
    # a menu edit changes the view at once, and Undo works
    name = sorted(doc.design.sites().names)[0]
    doc.set_selection((name,))
    w.qactions["edit.depopulate"].trigger()
    assert w.top_view.layers["upper"].shape_count == 15
    w.qactions["edit.undo"].trigger()
    assert w.top_view.layers["upper"].shape_count == 16
    assert doc.design.mask.thickness_mm == pytest.approx(0.25)
    # the event loop keeps running: a zero timer fires at once
    fired: list[float] = []
    t0 = time.perf_counter()
    QtCore.QTimer.singleShot(0, lambda: fired.append(time.perf_counter() - t0))
    qtbot.waitUntil(lambda: bool(fired), timeout=1000)
    assert w.runner.stale and not analysis.completed and published == []

    analysis.gate.set()
    wait_for_result(w.runner)
    assert w.runner.report == run_checks(doc.design)
    assert w.runner.result is not None and w.runner.result.design is doc.design
    assert published == [doc.design]  # only the current design's result was shown
    assert not w.top_view.stale and not w.panels["checks"].stale
    assert w.top_view.layers["lower"].shape_count == len(lower_relief(doc.design).rings) + len(
        lower_relief(doc.design).circle_x_mm)
    assert w.top_view.layers["lower"].opacity() == 1.0


def test_a_newer_edit_cancels_the_older_run_whose_result_is_never_shown(qtbot, slow_window, wait_for_result) -> None:
    w, analysis, published = slow_window
    doc = w.document
    first = doc.design
    qtbot.waitUntil(lambda: analysis.started == [first], timeout=5000)
    doc.apply("thicker", thicker)
    second = doc.design
    qtbot.waitUntil(lambda: analysis.cancelled == [first], timeout=5000)  # the older run stopped at a poll
    qtbot.waitUntil(lambda: analysis.started == [first, second], timeout=5000)
    analysis.gate.set()
    wait_for_result(w.runner)
    assert analysis.completed == [second]
    assert published == [second]
    assert w.runner.report == run_checks(second)


def test_cancel_keeps_the_last_complete_result_marked_out_of_date(qtbot, slow_window, wait_for_result) -> None:
    w, analysis, published = slow_window
    doc = w.document
    analysis.gate.set()
    wait_for_result(w.runner)
    first = doc.design
    lower_count = w.top_view.layers["lower"].shape_count
    assert published == [first] and lower_count > 0

    analysis.gate.clear()
    doc.apply("thicker", thicker)
    qtbot.waitUntil(lambda: len(analysis.started) == 2, timeout=5000)
    qtbot.waitUntil(w.analysis_status.button.isVisible, timeout=5000)
    qtbot.mouseClick(w.analysis_status.button, QtCore.Qt.MouseButton.LeftButton)  # Cancel
    qtbot.waitUntil(lambda: analysis.cancelled == [doc.design], timeout=5000)
    assert w.runner.cancelled_by_user and w.runner.stale
    assert w.runner.result is not None and w.runner.result.design is first  # the last complete result stays
    assert w.runner.report == run_checks(first)
    assert published == [first]
    assert "cancelled" in w.top_view.stale_label.text().lower() and w.top_view.stale
    assert w.top_view.layers["lower"].shape_count == lower_count  # still drawn, faded
    assert w.top_view.layers["lower"].opacity() < 1.0
    assert "cancelled" in w.panels["checks"].summary.text().lower()
    assert w.analysis_status.button.text() == "Check Now"

    analysis.gate.set()
    qtbot.mouseClick(w.analysis_status.button, QtCore.Qt.MouseButton.LeftButton)  # Check Now
    wait_for_result(w.runner)
    assert published == [first, doc.design]
    assert w.runner.report == run_checks(doc.design)
    assert not w.analysis_status.button.isVisible()


def test_flush_waits_behind_a_dialog_and_can_be_cancelled(qtbot) -> None:
    doc = Document(example_grid_design(rows=3, cols=3))
    analysis = GatedAnalysis()
    runner = CheckRunner(doc, analysis=analysis)
    QtCore.QTimer.singleShot(600, analysis.gate.set)  # opens while flush's dialog is up
    assert runner.flush()
    assert runner.report == run_checks(doc.design) and not runner.stale

    analysis.gate.clear()
    doc.apply("thicker", thicker)
    before = runner.result

    def press_cancel() -> None:
        dialogs = [d for d in QtWidgets.QApplication.topLevelWidgets()
                   if isinstance(d, QtWidgets.QProgressDialog) and d.isVisible()]
        assert dialogs
        dialogs[0].cancel()

    QtCore.QTimer.singleShot(600, press_cancel)
    assert not runner.flush()
    assert runner.result is before and runner.stale and runner.cancelled_by_user
    analysis.gate.set()


def test_a_failing_analysis_is_reported_and_the_window_goes_on(qtbot) -> None:
    class Failing(LiveAnalysis):
        def update(self, design: Design, cancel: CancelFn = lambda: False,
                   progress: ProgressFn = lambda f, t: None) -> LiveResult:
            raise ValueError("mask.thickness_mm = 0.3: no relief for this taper")

    doc = Document(example_grid_design(rows=3, cols=3))
    runner = CheckRunner(doc, analysis=Failing())
    panel = ChecksPanel(doc, runner)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        pass
    assert "mask.thickness_mm = 0.3" in blocker.args[0]
    assert runner.stale and runner.error is not None
    assert "Checks failed" in panel.summary.text()
    assert not runner.flush()  # nothing to wait for: the failure is the answer


def test_an_older_result_that_finishes_anyway_is_dropped(qtbot, wait_for_result) -> None:
    class Deaf(GatedAnalysis):
        """Never polls cancel: the older design's run completes after the newer edit."""

        def update(self, design: Design, cancel: CancelFn = lambda: False,
                   progress: ProgressFn = lambda f, t: None) -> LiveResult:
            return super().update(design, lambda: False, progress)

    doc = Document(example_grid_design(rows=3, cols=3))
    analysis = Deaf()
    runner = CheckRunner(doc, analysis=analysis)
    published: list[Design | None] = []
    runner.report_ready.connect(lambda _r: published.append(runner.checked_design))
    first = doc.design
    qtbot.waitUntil(lambda: analysis.started == [first], timeout=5000)
    doc.apply("thicker", thicker)
    qtbot.wait(50)  # the newer design is queued behind the deaf run
    analysis.gate.set()
    wait_for_result(runner)
    assert analysis.completed == [first, doc.design]  # the older run did finish ...
    assert published == [doc.design]  # ... but its result was never shown
    assert runner.report == run_checks(doc.design)
