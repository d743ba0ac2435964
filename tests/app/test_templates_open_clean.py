"""Templates open with zero check errors at their own defaults, and refuse an out-of-range value with a message
instead of clamping it (issue 15, item 3)."""

from __future__ import annotations

import pytest
from PySide6 import QtWidgets

from app.dialogs.new_design import NewDesignDialog
from app.dialogs.templates import TEMPLATES, build_template
from geometry.base.errors import DesignError
from geometry.checks import run_checks
from geometry.checks.records import Severity
from geometry.model.materials import MATERIALS


@pytest.mark.parametrize("template", [t.id for t in TEMPLATES])
def test_each_template_opens_without_errors(template: str) -> None:
    design = build_template(template)
    report = run_checks(design)
    errors = [v for v in report.violations if v.severity is Severity.ERROR]
    assert errors == [], errors[:3]


def test_csp_picks_a_process_that_makes_its_webs() -> None:
    design = build_template("csp")
    pitch = design.layout.pitch_hint_mm()
    upper_web = pitch - design.opening.upper_mm
    material = MATERIALS[design.mask.material]
    assert material.web_min(design.mask.thickness_mm) <= upper_web  # computed here, not taken from the checks
    etched = MATERIALS["etched-stainless"]
    assert etched.web_min(design.mask.thickness_mm) > upper_web  # the old default could not make it


def test_out_of_range_is_refused_not_clamped() -> None:
    with pytest.raises(DesignError, match=r"between 0\.1 and 5"):
        build_template("bga", {"pitch_mm": 10})


def test_dialog_keeps_the_mistyped_value_and_says_why(qtbot) -> None:
    dlg = NewDesignDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    pitch = dlg.fields["pitch_mm"]
    assert isinstance(pitch, QtWidgets.QLineEdit)
    pitch.selectAll()
    qtbot.keyClicks(pitch, "10")
    assert pitch.text() == "10"  # not clamped to the maximum
    assert "Pitch must be between 0.1 and 5" in dlg.error_label.text()
    dlg.accept()
    assert dlg.design is None and dlg.isVisible()
    pitch.selectAll()
    qtbot.keyClicks(pitch, "1")
    assert dlg.error_label.text() == ""
    dlg.accept()
    assert dlg.design is not None and dlg.design.layout.pitch_hint_mm() == pytest.approx(1.0)


def test_dialog_offers_the_process(qtbot) -> None:
    dlg = NewDesignDialog()
    qtbot.addWidget(dlg)
    dlg.templates.setCurrentRow([t.id for t in TEMPLATES].index("csp"))
    combo = dlg.fields["material"]
    assert isinstance(combo, QtWidgets.QComboBox)
    assert combo.currentData() == "electroformed-nickel"
    combo.setCurrentIndex(combo.findData("laser-cut-stainless"))
    dlg.accept()
    assert dlg.design.mask.material == "laser-cut-stainless"
