"""The panels together on one document, as the main window composes them: one edit, every view follows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from app.check_runner import CheckRunner
from app.document import Document
from app.panels.checks_panel import ChecksPanel
from app.panels.fields import ValueField
from app.panels.properties import PropertyPanel
from app.views.cross_section import CrossSectionView
from geometry.model.design import example_grid_design


def metal(view: CrossSectionView) -> np.ndarray:
    """The drawn metal's vertices, once a redraw still pending after an edit has run (the view draws in the next
    pass of the event loop; reading its section draws it now)."""
    assert view.section is not None
    p = view.metal_item.path()
    return np.array([(p.elementAt(k).x, p.elementAt(k).y) for k in range(p.elementCount())])


@pytest.fixture
def window(qtbot, tmp_path: Path):
    doc = Document(example_grid_design(rows=8, cols=8, pitch_mm=0.8, ball_mm=0.45, thickness_mm=0.3))
    runner = CheckRunner(doc)
    props = PropertyPanel(doc, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    checks = ChecksPanel(doc, runner)
    section = CrossSectionView(doc)
    props.units_changed.connect(checks.set_unit)
    props.units_changed.connect(section.set_unit)
    for w in (props, checks, section):
        qtbot.addWidget(w)
        w.show()
    runner.flush()
    return doc, runner, props, checks, section


def enter(qtbot, field: ValueField, text: str) -> None:
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, text)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)


def test_taper_angle_in_the_panel_reaches_model_checks_and_section(qtbot, window) -> None:
    doc, runner, props, checks, section = window
    # no errors at 60 degrees (the span of the merged 8 x 8 relief is reported, as info or warning)
    assert not runner.report.has_errors
    initial = checks.row_count()
    assert initial == len(runner.report.violations)
    before = metal(section)
    field = props.field("profile.angle_deg")
    assert isinstance(field, ValueField)
    with qtbot.waitSignal(runner.report_ready, timeout=10_000):
        enter(qtbot, field, "25")
    assert doc.design.profile.angle_deg == 25.0  # type: ignore[union-attr]
    found = {checks.violation_at(r).check for r in range(checks.row_count())}
    assert {"taper-angle", "ridge"} <= found
    assert checks.row_count() == len(runner.report.violations)
    after = metal(section)
    assert before.shape != after.shape or not np.allclose(before, after)
    assert after[:, 1].max() == pytest.approx(0.3)
    doc.undo()
    runner.flush()
    assert checks.row_count() == initial
    assert np.allclose(metal(section), before)
    assert field.edit.text() == "60"


def test_thickness_too_thin_to_hold_the_ball(qtbot, window) -> None:
    doc, runner, props, checks, section = window
    field = props.field("mask.thickness_mm")
    assert isinstance(field, ValueField)
    with qtbot.waitSignal(runner.report_ready, timeout=10_000):
        enter(qtbot, field, "0.2")
    assert doc.design.mask.thickness_mm == pytest.approx(0.2)
    assert any(checks.violation_at(r).check == "hold" for r in range(checks.row_count()))
    assert metal(section)[:, 1].max() == pytest.approx(0.2)


def test_unit_switch_reaches_every_view(qtbot, window) -> None:
    _doc, _runner, props, checks, section = window
    props.unit_combo.setCurrentIndex(1)
    assert checks.unit.value == "um" and section.unit.value == "um"
    assert section.info.text().startswith(f"{len(section.section.opening_sites())} opening(s) cut · t = 300 µm")


def test_a_refused_value_changes_nothing_anywhere(qtbot, window) -> None:
    doc, runner, props, _checks, section = window
    design, before = doc.design, metal(section)
    field = props.field("ball.diameter_mm")
    assert isinstance(field, ValueField)
    enter(qtbot, field, "-1")
    qtbot.wait(60)
    assert doc.design is design and runner.run_count == 1
    assert np.allclose(metal(section), before)
