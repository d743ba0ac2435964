"""Companion tools: each check passes exactly at its limit and fails just past it; the files read back."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import ezdxf
import pytest

from geometry.checks.tools import tool_report
from geometry.export.tools import write_tool
from geometry.fileio import load_design, save_design
from geometry.model.design import Design, example_grid_design
from geometry.model.tools import FluxStencil, PickHead, PinPlate, ToolKind, Tools

UM = 1e-3
PAD = 0.36  # example_grid_design: pad 0.8 x 0.45 mm ball, pitch 0.8 mm


def with_tools(**kw: object) -> Design:
    return example_grid_design(rows=4, cols=5).with_(tools=Tools(**kw))  # type: ignore[arg-type]


def checks(design: Design, tool: ToolKind) -> set[str]:
    return {v.check for v in tool_report(design, tool).violations}


def test_flux_area_ratio_at_and_past_its_limit() -> None:
    t_limit = PAD / (4 * 0.66)  # d / 4t = 0.66 exactly
    assert "flux-area-ratio" not in checks(with_tools(flux_stencil=FluxStencil(thickness_mm=t_limit)),
                                           ToolKind.FLUX_STENCIL)
    past = with_tools(flux_stencil=FluxStencil(thickness_mm=t_limit + UM))
    v = [x for x in tool_report(past, ToolKind.FLUX_STENCIL).violations if x.check == "flux-area-ratio"]
    assert len(v) == 1 and len(v[0].sites) == 20
    assert v[0].measured == pytest.approx(PAD / (4 * (t_limit + UM)))


def test_flux_aspect_ratio_at_and_past_its_limit() -> None:
    st = FluxStencil(thickness_mm=0.1, aperture_ratio=0.15 / PAD, area_ratio_min=0.1)  # d 0.15: d / t = 1.5
    assert "flux-aspect-ratio" not in checks(with_tools(flux_stencil=st), ToolKind.FLUX_STENCIL)
    past = FluxStencil(thickness_mm=0.1 + UM, aperture_ratio=0.15 / PAD, area_ratio_min=0.1)
    assert "flux-aspect-ratio" in checks(with_tools(flux_stencil=past), ToolKind.FLUX_STENCIL)


def test_flux_web_at_and_past_its_limit() -> None:
    # aperture 0.7 mm at 0.8 mm pitch leaves a 0.1 mm web
    at = FluxStencil(aperture_offset_mm=(0.7 - PAD) / 2)
    assert "flux-web" not in checks(with_tools(flux_stencil=at), ToolKind.FLUX_STENCIL)
    past = FluxStencil(aperture_offset_mm=(0.7 - PAD) / 2 + UM)
    webs = [v for v in tool_report(with_tools(flux_stencil=past), ToolKind.FLUX_STENCIL).violations
            if v.check == "flux-web"]
    # 4 x 5 grid: nearest-neighbour pairs along rows and columns that are each other's nearest
    assert webs and all(v.measured == pytest.approx(0.1 - 2 * UM) for v in webs)


def test_pin_spots_at_and_past_the_gap() -> None:
    pin = PAD * 0.8
    spread = (0.8 - 0.05) / pin  # spot 0.75 mm: 0.05 mm apart at 0.8 mm pitch
    assert "pin-spot-gap" not in checks(with_tools(pin_plate=PinPlate(spot_spread=spread)), ToolKind.PIN_PLATE)
    past = with_tools(pin_plate=PinPlate(spot_spread=spread + 0.01))
    assert "pin-spot-gap" in checks(past, ToolKind.PIN_PLATE)


def test_pick_hole_cannot_pass_the_smallest_ball() -> None:
    smallest = 0.45 - 0.01
    assert "pick-hole-pass" not in checks(with_tools(pick_head=PickHead(hole_ratio=(smallest - UM) / 0.45)),
                                          ToolKind.PICK_HEAD)
    assert "pick-hole-pass" in checks(with_tools(pick_head=PickHead(hole_ratio=smallest / 0.45)),
                                      ToolKind.PICK_HEAD)
    small = with_tools(pick_head=PickHead(hole_ratio=0.3))
    assert [v.severity.value for v in tool_report(small, ToolKind.PICK_HEAD).violations] == ["warning"]


def test_tool_settings_round_trip_and_defaults_stay_out_of_the_file(tmp_path: Path) -> None:
    plain = example_grid_design(rows=2, cols=2)
    save_design(plain, tmp_path / "a.ballmask")
    assert '"tools"' not in (tmp_path / "a.ballmask").read_text()
    d = with_tools(pin_plate=PinPlate(pin_ratio=0.7))
    save_design(d, tmp_path / "b.ballmask")
    assert load_design(tmp_path / "b.ballmask") == d


@pytest.mark.parametrize("tool", [ToolKind.FLUX_STENCIL, ToolKind.PIN_PLATE, ToolKind.PICK_HEAD,
                                  ToolKind.INSPECTION])
def test_each_tool_folder_reads_back(tool: ToolKind, tmp_path: Path) -> None:
    d = example_grid_design(rows=4, cols=5)
    out = write_tool(d, tool, tmp_path / tool.value, date=datetime.date(2026, 1, 2))
    dxf = next(out.glob("*.dxf"))
    doc = ezdxf.readfile(dxf)
    circles = [e for e in doc.modelspace() if e.dxftype() == "CIRCLE"]
    radius = {ToolKind.FLUX_STENCIL: PAD / 2, ToolKind.PIN_PLATE: PAD * 0.8 / 2, ToolKind.PICK_HEAD: 0.45 * 0.7 / 2,
              ToolKind.INSPECTION: 0.45 / 2}[tool]
    tool_circles = [c for c in circles if c.dxf.layer not in ("OUTLINE", "FIDUCIAL")]
    assert len(tool_circles) == 20
    assert all(c.dxf.radius == pytest.approx(radius) for c in tool_circles)
    if tool is ToolKind.INSPECTION:
        assert doc.dxfversion == "AC1009"  # R12
        rows = list(csv.DictReader((out / "balls.csv").read_text(encoding="utf-8").splitlines()))
        assert len(rows) == 20 and rows[0]["name"] == "A1" and float(rows[0]["diameter_mm"]) == 0.45
    if tool is ToolKind.PIN_PLATE:
        rows = list(csv.DictReader((out / "pins.csv").read_text(encoding="utf-8").splitlines()))
        assert float(rows[0]["spot_mm"]) == pytest.approx(PAD * 0.8 * 1.3, abs=1e-4)
    if tool is ToolKind.FLUX_STENCIL:
        assert (out / "gerber" / "FLUX_APERTURE.gbr").exists()
