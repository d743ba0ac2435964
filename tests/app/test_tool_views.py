"""The Tools menu and the selector on the top view: the chosen companion tool's shapes on the top view, its
findings in the checks panel, its settings in the properties (undoable), and Export writing its folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtWidgets

from geometry.model.tools import ToolKind
from tests.app.panel_helpers import type_into, value


def _shown_checks(panel) -> set[str]:  # type: ignore[no-untyped-def]
    return {panel.violation_at(r).check for r in range(panel.row_count())}


def test_selector_shows_each_tool_on_the_top_view(qtbot, main_window_4x4) -> None:
    w = main_window_4x4
    d = w.document.design
    selector = w.top_view.tool_selector
    assert isinstance(selector, QtWidgets.QComboBox) and selector.isVisible()
    pad, ball = d.pad.diameter_mm, d.ball.diameter_mm
    expected = {  # radii from the documented defaults (docs/tools.md), not from geometry.derive.tools
        ToolKind.FLUX_STENCIL: (pad * 1.0 / 2, None),
        ToolKind.PIN_PLATE: (pad * 0.8 / 2, pad * 0.8 * 1.3 / 2),
        ToolKind.PICK_HEAD: (ball * 0.7 / 2, None),
        ToolKind.INSPECTION: (ball / 2, ball / 2 + 0.05),
    }
    layer = w.top_view.tool_layer
    for kind, (r_main, r_second) in expected.items():
        selector.setCurrentIndex(selector.findData(kind.value))
        assert w.view_state.tool_kind is kind
        assert w.qactions[f"tools.show.{kind.value}"].isChecked()
        main, second = layer.shown
        assert main is not None and len(main.x) == 16 and np.allclose(main.r, r_main)
        assert (second is None) if r_second is None else np.allclose(second.r, r_second)
        a, _b = layer.layers[kind]
        assert a.isVisible() and not any(other[0].isVisible() for k, other in layer.layers.items() if k is not kind)
        assert w.top_view.layers["upper"].opacity() < 1.0  # the mask dimmed under the tool
    w.qactions["tools.show.mask"].trigger()
    assert selector.currentData() == "mask" and w.top_view.layers["upper"].opacity() == 1.0
    assert not any(a.isVisible() for a, _b in layer.layers.values())


def test_tool_settings_are_undoable_and_its_findings_replace_the_masks(qtbot, main_window_4x4) -> None:
    w = main_window_4x4
    checks = w.panels["checks"]
    props = w.panels["properties"]
    w.runner.flush()
    mask_checks = _shown_checks(checks)
    assert not props.tool_group.isVisible()
    w.qactions["tools.show.flux-stencil"].trigger()
    assert props.tool_group.isVisible() and props.tool_group.box.title() == "Flux stencil settings"
    assert not value(props, "tools.pin_plate.pin_ratio").isVisible()
    assert _shown_checks(checks) == set() and checks.tool_findings.banner.isVisible()
    pad = w.document.design.pad.diameter_mm
    type_into(qtbot, value(props, "tools.flux_stencil.thickness_mm"), "0.3")
    assert w.document.design.companion_tools.flux_stencil.thickness_mm == pytest.approx(0.3)
    assert w.document.stack.undo_text.startswith("Set flux foil thickness to")
    w.runner.flush()
    # a 0.36 mm aperture in a 0.3 mm foil: area ratio d / 4t = 0.3 < 0.66, aspect d / t = 1.2 < 1.5
    assert pad / (4 * 0.3) < 0.66 and pad / 0.3 < 1.5
    assert _shown_checks(checks) == {"flux-area-ratio", "flux-aspect-ratio"}
    row = next(r for r in range(checks.row_count()) if checks.violation_at(r).check == "flux-area-ratio")
    assert checks.violation_at(row).measured == pytest.approx(pad / (4 * 0.3))
    assert "2 error(s)" in checks.tool_findings.banner.text()
    w.qactions["edit.undo"].trigger()
    w.runner.flush()
    assert w.document.design.tools is None or w.document.design.companion_tools.flux_stencil.thickness_mm == 0.05
    assert _shown_checks(checks) == set()
    w.qactions["tools.show.mask"].trigger()
    assert _shown_checks(checks) == mask_checks and not checks.tool_findings.banner.isVisible()


def test_export_writes_the_shown_tool(qtbot, main_window_4x4, tmp_path: Path, monkeypatch) -> None:
    w = main_window_4x4
    w.qactions["tools.show.inspection"].trigger()
    assert w.qactions["file.export"].text() == "&Export Inspection..."
    monkeypatch.setattr(w, "ask_tool_folder", lambda kind: tmp_path / kind.value)
    w.qactions["file.export"].trigger()
    lines = (tmp_path / "inspection" / "balls.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("name,x_mm,y_mm") and len(lines) == 1 + 16
    # a flux stencil with errors: refused when the user answers no (the fixture answers Discard, not Yes)
    from geometry.model.tools import FluxStencil, Tools

    w.document.apply("thick foil", lambda d: d.with_(tools=Tools(flux_stencil=FluxStencil(thickness_mm=0.3))))
    w.qactions["tools.show.flux-stencil"].trigger()
    w.qactions["file.export"].trigger()
    assert not (tmp_path / "flux-stencil").exists()
    monkeypatch.setattr(w, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.Yes)
    w.qactions["file.export"].trigger()
    assert any(p.suffix == ".dxf" for p in (tmp_path / "flux-stencil").iterdir())
