"""The checks panel: the table shows the runner's report, filters by severity, and a click selects and zooms."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from app.check_runner import CheckRunner
from app.document import Document
from app.panels.checks_panel import ChecksPanel
from geometry.checks import Severity, run_checks
from geometry.model.design import example_grid_design
from geometry.model.operations import set_auto_merge
from geometry.model.profiles import Tapered


@pytest.fixture
def document() -> Document:
    # A 25 degree taper at 0.8 mm pitch with merging off: web-lower errors, ridge and taper-angle warnings.
    return Document(set_auto_merge(example_grid_design(rows=6, cols=6, profile=Tapered(25.0)), False))


@pytest.fixture
def runner(qtbot, document: Document) -> CheckRunner:
    r = CheckRunner(document)
    r.flush()
    return r


@pytest.fixture
def panel(qtbot, document: Document, runner: CheckRunner) -> ChecksPanel:
    p = ChecksPanel(document, runner)
    qtbot.addWidget(p)
    p.resize(900, 400)
    p.show()
    return p


def click_row(qtbot, panel: ChecksPanel, row: int) -> None:
    index = panel.model.index(row, 2)
    panel.table.scrollTo(index)
    rect = panel.table.visualRect(index)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_table_lists_every_violation_with_counts(panel: ChecksPanel, runner: CheckRunner) -> None:
    report = runner.report
    assert report.count(Severity.ERROR) > 0 and report.count(Severity.WARNING) > 0
    assert panel.row_count() == len(report.violations)
    assert panel.filters[Severity.ERROR].text() == f"{report.count(Severity.ERROR)} errors"
    assert panel.filters[Severity.WARNING].text() == f"{report.count(Severity.WARNING)} warnings"
    assert panel.filters[Severity.INFO].text() == "0 info"
    first = panel.violation_at(0)
    assert first.severity is Severity.ERROR  # sorted by severity: errors first
    cells = [panel.model.index(0, c).data() for c in range(6)]
    assert cells[0] == "error" and cells[1] == first.check
    assert cells[3].endswith(" mm") and cells[4] == "0.30 mm"


def test_filter_by_severity_and_text(qtbot, panel: ChecksPanel, runner: CheckRunner) -> None:
    qtbot.mouseClick(panel.filters[Severity.ERROR], Qt.MouseButton.LeftButton)
    assert panel.row_count() == runner.report.count(Severity.WARNING)
    assert all(panel.violation_at(r).severity is Severity.WARNING for r in range(panel.row_count()))
    panel.search.setText("taper-angle")
    assert panel.row_count() == 1
    panel.set_severity_shown(Severity.ERROR, True)
    panel.search.setText("")
    assert panel.row_count() == len(runner.report.violations)


def test_sorting_by_measured_value(qtbot, panel: ChecksPanel) -> None:
    panel.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    values = [panel.violation_at(r).measured for r in range(panel.row_count())]
    assert values == sorted(values, reverse=True)


def test_default_order_is_severity_then_the_report_s_own_order(panel: ChecksPanel, runner: CheckRunner) -> None:
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    expected = sorted(runner.report.violations, key=lambda v: rank[v.severity])  # stable: report order kept
    assert [panel.violation_at(r) for r in range(panel.row_count())] == expected


def test_sort_by_a_column_keeps_ties_in_report_order_and_holds_for_the_next_report(
        qtbot, panel: ChecksPanel, runner: CheckRunner, document: Document) -> None:
    panel.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # by check id, descending
    shown = [panel.violation_at(r) for r in range(panel.row_count())]
    assert shown == sorted(runner.report.violations, key=lambda v: v.check, reverse=True)
    # a new report (an edit) is shown in the same order
    document.apply("thinner", lambda d: d.with_(mask=dataclasses.replace(d.mask, thickness_mm=0.19)))
    runner.flush()
    shown = [panel.violation_at(r) for r in range(panel.row_count())]
    assert shown == sorted(runner.report.violations, key=lambda v: v.check, reverse=True)
    assert panel.table.horizontalHeader().sortIndicatorSection() == 1


def test_the_current_row_follows_its_violation_when_sorted(qtbot, panel: ChecksPanel) -> None:
    click_row(qtbot, panel, 2)
    chosen = panel.current_violation()
    assert chosen is not None
    panel.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert panel.current_violation() == chosen
    assert panel.table.currentIndex().row() != 2 or panel.violation_at(2) == chosen


def test_click_selects_sites_and_asks_for_zoom(qtbot, panel: ChecksPanel, document: Document) -> None:
    row = 3
    v = panel.violation_at(row)
    with qtbot.waitSignal(panel.zoom_requested, timeout=1000) as blocker:
        click_row(qtbot, panel, row)
    x, y, size = blocker.args
    assert (x, y) == pytest.approx((v.x_mm, v.y_mm))
    assert size >= 2 * 0.8  # at least a couple of pitches around the point
    assert document.selection == frozenset(v.sites)
    assert panel.current_violation() == v


def test_merge_these_joins_a_web_lower_pair(qtbot, panel: ChecksPanel, document: Document,
                                            runner: CheckRunner) -> None:
    rows = [r for r in range(panel.row_count()) if panel.violation_at(r).check == "web-lower"]
    v = panel.violation_at(rows[0])
    assert not panel.merge_button.isEnabled()
    click_row(qtbot, panel, rows[0])
    assert panel.merge_button.isEnabled()
    qtbot.mouseClick(panel.merge_button, Qt.MouseButton.LeftButton)
    assert document.design.merge.channels == (v.sites,)
    assert document.stack.undo_text == f"Merge {v.sites[0]} + {v.sites[1]}"
    with qtbot.waitSignal(runner.report_ready, timeout=10_000):
        pass
    still = [w for w in runner.report.violations if w.check == "web-lower" and set(w.sites) == set(v.sites)]
    assert still == []
    assert panel.row_count() == len(runner.report.violations)
    document.undo()
    runner.flush()
    assert any(w.check == "web-lower" and w.sites == v.sites for w in runner.report.violations)


def test_merge_button_is_off_for_other_checks(qtbot, panel: ChecksPanel) -> None:
    rows = [r for r in range(panel.row_count()) if panel.violation_at(r).check != "web-lower"]
    click_row(qtbot, panel, rows[0])
    assert not panel.merge_button.isEnabled()


def test_table_follows_the_design(qtbot, panel: ChecksPanel, document: Document, runner: CheckRunner) -> None:
    # at t = 0.28 mm the islands between the openings stay (at 0.3 mm channels etch them: a span finding)
    document.apply("Steeper", lambda d: set_auto_merge(
        d.with_(profile=Tapered(60.0), mask=dataclasses.replace(d.mask, thickness_mm=0.28)), True))
    with qtbot.waitSignal(runner.report_ready, timeout=10_000):
        pass
    assert runner.report == run_checks(document.design)
    assert panel.row_count() == len(runner.report.violations) == 0
    assert panel.summary.text().startswith("No findings on 36 sites")


def test_lengths_in_micrometres(panel: ChecksPanel) -> None:
    panel.set_unit("um")
    row = next(r for r in range(panel.row_count()) if panel.violation_at(r).check == "web-lower")
    assert panel.model.index(row, 4).data() == "300 µm"


def test_filters_and_sorts_together_as_a_python_reference_would(qtbot) -> None:
    """A report of mixed checks (some values missing): severity, check and text filters with a descending sort
    of the measured values; ties and missing values as a stable Python sort of the report gives them."""
    import math
    import random

    from geometry.checks import CheckReport, Violation

    rng = random.Random(5)
    checks = ("web-lower", "ridge", "lower-island")
    sevs = (Severity.ERROR, Severity.WARNING, Severity.INFO)
    vs = tuple(Violation(rng.choice(checks), rng.choice(sevs), (f"A{k}", f"B{k % 7}"), 0.0, 0.0,
                         math.nan if k % 11 == 0 else round(rng.uniform(0, 1), 2), 0.5, "mm", f"note {k % 3}")
               for k in range(400))
    doc = Document(example_grid_design(rows=2, cols=2))
    runner = CheckRunner(doc)
    panel = ChecksPanel(doc, runner)
    qtbot.addWidget(panel)
    panel.set_report(CheckReport(vs))
    panel.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    panel.set_severity_shown(Severity.INFO, False)
    panel.set_check_shown("ridge")
    panel.search.setText("note 1")
    shown = [panel.violation_at(r) for r in range(panel.row_count())]
    kept = [v for v in vs if v.severity is not Severity.INFO and v.check == "ridge" and "note 1" in v.message]
    numbers = sorted((v for v in kept if not math.isnan(v.measured)), key=lambda v: v.measured, reverse=True)
    assert shown == numbers + [v for v in kept if math.isnan(v.measured)]
    assert panel.counts() == {s: sum(v.severity is s for v in vs) for s in sevs}  # of the whole report


def test_a_selected_row_stays_selected_while_the_filter_keeps_it(qtbot, panel: ChecksPanel) -> None:
    click_row(qtbot, panel, 0)
    chosen = panel.current_violation()
    assert chosen is not None
    panel.set_severity_shown(Severity.WARNING, chosen.severity is Severity.WARNING)  # hide another severity
    assert panel.current_violation() == chosen
