"""The check runner: one run per burst of edits, the report of the design the user ends up with."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.check_runner import CheckRunner
from app.document import Document
from geometry.analysis.live import LiveAnalysis
from geometry.checks import run_checks
from geometry.model.design import Design, example_grid_design
from geometry.model.profiles import Tapered


def thicker(by: float):
    def change(d: Design) -> Design:
        return d.with_(mask=replace(d.mask, thickness_mm=d.mask.thickness_mm + by))

    return change


class Counting(LiveAnalysis):
    """The real analysis, noting every design it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Design] = []

    def update(self, design, cancel=lambda: False, progress=lambda f, t: None):  # type: ignore[no-untyped-def]
        self.seen.append(design)
        return super().update(design, cancel, progress)


def test_burst_of_edits_checks_once_on_the_last_design(qtbot) -> None:
    doc = Document(example_grid_design(rows=4, cols=4))
    counting = Counting()
    runner = CheckRunner(doc, analysis=counting, debounce_ms=20)
    for k in range(5):
        doc.apply(f"edit {k}", thicker(0.01))
    assert counting.seen == []  # nothing ran yet: the edits came in one burst
    assert runner.stale and runner.pending
    with qtbot.waitSignal(runner.report_ready, timeout=10_000):
        pass
    assert counting.seen == [doc.design]
    qtbot.wait(80)
    assert runner.run_count == 1
    assert runner.checked_design is doc.design
    assert not runner.stale and not runner.pending


def test_report_is_the_geometry_report_and_follows_undo(qtbot) -> None:
    # t = 0.28 mm: the islands between the openings stay (at 0.3 mm channels etch them: a span finding)
    doc = Document(example_grid_design(rows=6, cols=6, thickness_mm=0.28))
    runner = CheckRunner(doc)
    with qtbot.waitSignal(runner.report_ready, timeout=10_000):
        pass
    assert runner.report == run_checks(doc.design)
    assert not runner.report.violations
    doc.apply("Weak taper", lambda d: d.with_(profile=Tapered(25.0)))
    with qtbot.waitSignal(runner.report_ready, timeout=10_000) as blocker:
        pass
    assert blocker.args[0] is runner.report
    assert "taper-angle" in runner.report.by_check()
    doc.undo()
    runner.flush()
    assert not runner.pending
    assert "taper-angle" not in runner.report.by_check()


def test_flush_runs_a_pending_check_at_once(qtbot) -> None:
    doc = Document(example_grid_design(rows=3, cols=3))
    runner = CheckRunner(doc, debounce_ms=10_000)
    assert runner.pending
    runner.flush()
    assert runner.run_count == 1 and not runner.pending
    runner.flush()
    assert runner.run_count == 1


@pytest.mark.parametrize("rows", [100])
def test_ten_thousand_sites_are_checked_and_the_time_is_recorded(qtbot, rows: int) -> None:
    # how fast is measured by `make bench` (bench_checks.py), not here: this checks the runner's report
    doc = Document(example_grid_design(rows=rows, cols=100, profile=Tapered(25.0)))
    runner = CheckRunner(doc)
    runner.flush()
    assert len(doc.design.sites()) == 10_000
    assert runner.report == run_checks(doc.design)
    assert runner.report.violations
    assert runner.last_duration_s > 0.0


def test_the_runner_leaves_a_core_for_painting(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    """The analysis thread's large arrays are split over the cores but one (two cores: it works alone)."""
    from geometry.base import threads

    monkeypatch.setattr(threads, "_limit", [None])
    monkeypatch.setattr(threads, "cores", lambda: 2)
    assert threads.workers() == 2
    runner = CheckRunner(Document(example_grid_design(rows=3, cols=3)))
    assert threads.workers() == 1
    runner.deleteLater()
