"""An edit and its result are drawn once: the top view holds its repaints until the result is in (never longer
than HOLD_MS), the cross-section redraws once per burst after that hold and not at all while hidden, and a layer
whose content an edit did not change keeps what it built."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QSettings

from app.views import repaint_hold
from geometry.analysis.live import CancelFn, Cancelled, LiveAnalysis, LiveResult, ProgressFn
from geometry.model.design import Design, example_grid_design
from tests.app.conftest import open_window


class GatedAnalysis(LiveAnalysis):
    """The real analysis, waiting while ``gate`` is cleared (open at first)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.gate.set()

    def update(self, design: Design, cancel: CancelFn = lambda: False,
               progress: ProgressFn = lambda f, t: None) -> LiveResult:
        while not self.gate.is_set():
            if cancel():
                raise Cancelled
            time.sleep(0.002)
        return super().update(design, cancel, progress)


class PaintCounter(QtCore.QObject):
    """Counts the paint events of a widget, noting for each its rectangle and ``probe()`` at that moment."""

    def __init__(self, widget: QtWidgets.QWidget, probe=lambda: None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(widget)
        self.count = 0
        self.seen: list[tuple[QtCore.QRect, object]] = []
        self._probe = probe
        widget.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Paint:
            self.count += 1
            self.seen.append((QtCore.QRect(event.rect()), self._probe()))  # type: ignore[attr-defined]
        return False


def thicker(d: Design) -> Design:
    return d.with_(mask=replace(d.mask, thickness_mm=round(d.mask.thickness_mm + 0.01, 6)))


@pytest.fixture
def window(qtbot, settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wait_for_result):
    """A shown main window on a 6 x 6 grid with its first result in; its analysis waits while the gate is shut."""
    analysis = GatedAnalysis()
    w = open_window(qtbot, settings, tmp_path, monkeypatch, example_grid_design(rows=6, cols=6),
                    analysis=analysis)
    wait_for_result(w.runner)
    qtbot.wait(20)
    yield w, analysis
    analysis.gate.set()


def test_an_edit_and_its_result_are_painted_in_one_repaint(qtbot, window, wait_for_result) -> None:
    w, analysis = window
    hold, plot = w.top_view.repaint_hold, w.top_view.plot
    paints = PaintCounter(plot.viewport(), lambda: (w.top_view._relief_design is w.document.design,
                                                    w.runner.stale, plot.viewport().rect()))
    analysis.gate.clear()
    w.document.apply("Thicker", thicker)
    assert hold.held and not plot.updatesEnabled()
    qtbot.wait(30)  # well inside the hold: the edit alone is not painted
    assert paints.count == 0 and w.runner.stale
    analysis.gate.set()
    wait_for_result(w.runner)
    assert not hold.held and plot.updatesEnabled()
    # painted at once when the result came in: the whole view, with the edit's relief, in one paint
    assert paints.count >= 1
    rect, (relief_current, stale, whole) = paints.seen[0]
    assert rect == whole and relief_current and not stale
    assert w.top_view._relief_design is w.document.design and not w.top_view.stale


def test_a_late_result_does_not_hold_the_edit_past_the_deadline(qtbot, window, wait_for_result) -> None:
    w, analysis = window
    hold, plot = w.top_view.repaint_hold, w.top_view.plot
    paints = PaintCounter(plot.viewport())
    analysis.gate.clear()
    t0 = time.monotonic()
    w.document.apply("Thicker", thicker)
    assert hold.held
    qtbot.waitUntil(lambda: not hold.held, timeout=3000)
    assert time.monotonic() - t0 >= repaint_hold.HOLD_MS / 1000.0 * 0.9
    qtbot.waitUntil(lambda: paints.count >= 1, timeout=3000)  # the edit is drawn while its result is not in
    assert w.runner.stale and w.top_view.stale and plot.updatesEnabled()
    analysis.gate.set()
    wait_for_result(w.runner)
    assert not w.top_view.stale


def test_a_design_whose_runs_are_slow_is_drawn_at_once(qtbot, window) -> None:
    w, _analysis = window
    w.runner.last_duration_s = 2.0  # its result would come long after any hold
    w.document.apply("Thicker", thicker)
    assert not w.top_view.repaint_hold.held and w.top_view.plot.updatesEnabled()


def test_the_cross_section_waits_for_the_result_then_shows_the_edited_design(qtbot, window,
                                                                            wait_for_result) -> None:
    w, analysis = window
    cross = w.cross_section
    runs = cross.deferred.runs
    analysis.gate.clear()
    for _ in range(3):  # a burst of edits while the result is awaited
        w.document.apply("Thicker", thicker)
    qtbot.wait(30)
    assert cross.deferred.pending and cross.deferred.runs == runs  # not drawn during the hold
    analysis.gate.set()
    wait_for_result(w.runner)
    qtbot.waitUntil(lambda: not cross.deferred.pending, timeout=3000)
    assert cross.deferred.runs == runs + 1  # one redraw for the burst
    sec = cross.section
    assert sec is not None and sec.thickness_mm == pytest.approx(w.document.design.mask.thickness_mm)


def test_a_hidden_cross_section_is_drawn_when_its_dock_is_shown(qtbot, window, wait_for_result) -> None:
    w, _analysis = window
    cross, dock = w.cross_section, w.docks["cross_section"]
    dock.hide()
    runs = cross.deferred.runs
    for _ in range(2):
        w.document.apply("Thicker", thicker)
        wait_for_result(w.runner)
    qtbot.wait(30)
    assert cross.deferred.runs == runs and cross.deferred.pending  # nothing drawn while hidden
    dock.show()
    qtbot.waitUntil(lambda: not cross.deferred.pending, timeout=3000)
    assert cross.deferred.runs == runs + 1
    assert cross._section is not None  # what is drawn (the property would draw a pending redraw first)
    assert cross._section.thickness_mm == pytest.approx(w.document.design.mask.thickness_mm)


def test_an_edit_rebuilds_only_the_layers_it_changes(qtbot, window, wait_for_result) -> None:
    w, _analysis = window
    layers = w.top_view.layers
    pads_tiles, lower_tiles = layers["pads"]._vectors, layers["lower"]._vectors
    w.document.apply("Thicker", thicker)  # the pads and the upper outlines stay; the lower relief moves
    wait_for_result(w.runner)
    assert layers["pads"]._vectors is pads_tiles  # its cell paths are kept
    assert layers["lower"]._vectors is not lower_tiles
    w.document.apply("Pad", lambda d: d.with_(pad=replace(d.pad, diameter_mm=d.pad.diameter_mm * 0.9)))
    assert layers["pads"]._vectors is not pads_tiles


def test_a_long_burst_of_held_edits_still_redraws_the_cross_section(qtbot, window, wait_for_result) -> None:
    w, analysis = window
    cross = w.cross_section
    runs = cross.deferred.runs
    analysis.gate.clear()  # no result during the burst: every edit is held up to its deadline
    t0 = time.monotonic()
    while time.monotonic() - t0 < 4 * repaint_hold.HOLD_MS / 1000.0:
        w.document.apply("Thicker", thicker)
        qtbot.wait(25)
    assert cross.deferred.runs > runs  # drawn during the burst, at least every HOLD_MS or so
    analysis.gate.set()
    wait_for_result(w.runner)
    qtbot.waitUntil(lambda: not cross.deferred.pending, timeout=3000)
    sec = cross.section
    assert sec is not None and sec.thickness_mm == pytest.approx(w.document.design.mask.thickness_mm)
