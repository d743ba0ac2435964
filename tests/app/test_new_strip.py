"""File > New > Strip... / Panel...: the carrier templates in their dialog, refused values, zero errors at the
defaults."""

from __future__ import annotations

import itertools
import math

import pytest
from PySide6 import QtWidgets

from app.dialogs.new_strip import NewCarrierDialog
from app.dialogs.templates import build_template
from geometry.checks import run_checks
from geometry.checks.records import Severity
from geometry.model.layouts import CarrierForm, CarrierLayout
from geometry.model.layouts.carrier import STRIP_PRESETS


def _errors(design) -> list:  # type: ignore[no-untyped-def]
    return [v for v in run_checks(design).violations if v.severity is Severity.ERROR]


def _type(qtbot, dlg: NewCarrierDialog, key: str, text: str) -> None:  # type: ignore[no-untyped-def]
    edit = dlg.fields[key]
    assert isinstance(edit, QtWidgets.QLineEdit)
    edit.selectAll()
    qtbot.keyClicks(edit, text)


@pytest.mark.parametrize("preset", range(len(STRIP_PRESETS)))
def test_every_strip_preset_opens_without_errors(preset: int) -> None:
    p = STRIP_PRESETS[preset]
    d = build_template("strip", {"preset": p.name})
    lay = d.layout
    assert isinstance(lay, CarrierLayout) and (lay.unit_rows, lay.unit_cols) == (p.unit_rows, p.unit_cols)
    x0, y0, x1, y1 = d.outline_rect()
    assert (x1 - x0, y1 - y0) == pytest.approx((p.width_mm, p.height_mm))  # the mask is the strip
    # the rail features of `ballmask new strip --preset`: two tooling holes and two fiducials inside the strip
    kinds = sorted(f.kind.value for f in d.carrier_features)
    assert kinds == ["fiducial", "fiducial", "tooling-hole", "tooling-hole"]
    assert all(abs(f.x_mm) < p.width_mm / 2 and abs(f.y_mm) < p.height_mm / 2 for f in d.carrier_features)
    assert _errors(d) == []


def test_strip_dialog_derives_the_pitch_and_refuses_without_clamping(qtbot) -> None:
    dlg = NewCarrierDialog("strip")
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.templates.isVisible() and dlg.windowTitle() == "New Strip"
    combo = dlg.fields["preset"]
    assert isinstance(combo, QtWidgets.QComboBox)
    p = STRIP_PRESETS[2]
    combo.setCurrentIndex(combo.findData(p.name))
    blocks = math.ceil(p.unit_cols / p.block_cols)
    pitch_x = (p.width_mm - 2 * 6.0 - (blocks - 1) * 3.0) / p.unit_cols  # the default rails and block gap
    pitch_y = (p.height_mm - 2 * 6.0) / p.unit_rows
    assert f"unit pitch {pitch_x:.6g} x {pitch_y:.6g} mm" in dlg.summary.text()
    assert f"{p.unit_rows * p.unit_cols} units of 100 sites" in dlg.summary.text()
    assert p.note in dlg.description.text()

    _type(qtbot, dlg, "rail_mm", "40")
    assert dlg.fields["rail_mm"].text() == "40"  # kept as typed
    assert "Edge rails must be between 0 and 30 mm" in dlg.error_label.text() and dlg.summary.text() == ""
    dlg.accept()
    assert dlg.design is None and dlg.isVisible()
    _type(qtbot, dlg, "rail_mm", "6")
    _type(qtbot, dlg, "rows", "30")  # 30 balls at 0.8 mm: 23.65 mm, wider than the unit pitch
    assert "neighbouring units would overlap" in dlg.error_label.text()
    _type(qtbot, dlg, "rows", "8")
    assert dlg.error_label.text() == ""
    dlg.accept()
    d = dlg.design
    assert d is not None and isinstance(d.layout, CarrierLayout) and d.layout.form is CarrierForm.STRIP
    assert d.layout.unit_pitch_x_mm == pytest.approx(pitch_x, abs=1e-3)
    assert len(d.sites()) == p.unit_rows * p.unit_cols * 8 * 10
    assert _errors(d) == []


def test_panel_dialog_builds_the_typed_matrix(qtbot) -> None:
    dlg = NewCarrierDialog("panel")
    qtbot.addWidget(dlg)
    dlg.show()
    assert _errors(build_template("panel")) == []
    _type(qtbot, dlg, "unit_cols", "1001")
    assert "Units per row must be between 1 and 1000" in dlg.error_label.text()
    _type(qtbot, dlg, "unit_cols", "5")
    _type(qtbot, dlg, "block_cols", "2")
    _type(qtbot, dlg, "block_gap_x_mm", "4")
    dlg.accept()
    d = dlg.design
    assert d is not None and isinstance(d.layout, CarrierLayout) and d.layout.form is CarrierForm.PANEL
    xs = sorted({round(float(x), 6) for x in d.layout.repetition(d.pad).offsets_mm[:, 0]})  # type: ignore[union-attr]
    steps = [round(b - a, 6) for a, b in itertools.pairwise(xs)]
    assert steps == [12.0, 16.0, 12.0, 16.0]  # pitch inside a block, pitch + gap between blocks
    assert _errors(d) == []


def test_file_new_strip_in_the_window(qtbot, main_window_4x4, monkeypatch) -> None:
    w = main_window_4x4
    titles = [a.text() for a in w.menus["File/New"].actions()]
    assert titles == ["Design from &Template...", "&Strip...", "&Panel..."]
    monkeypatch.setattr(NewCarrierDialog, "exec", lambda self: (self.accept(), self.result())[1])
    w.qactions["file.new_strip"].trigger()
    d = w.document.design
    assert isinstance(d.layout, CarrierLayout) and d.name == f"Strip {STRIP_PRESETS[0].name}"
    assert w.document.path is None
