"""``ballmask new strip / panel / wafer``: the unit from the grid options, the matrix from the carrier options."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from geometry.fileio import load_design
from geometry.model.layouts import CarrierForm, CarrierLayout, GridLayout
from geometry.model.layouts.wafer import WaferLayout

UNIT = ["--rows", "6", "--cols", "8", "--pitch", "0.5", "--ball", "0.3", "--thickness", "0.2",
        "--material", "laser-cut-stainless"]


def test_new_strip_writes_the_matrix_without_skipped_units(tmp_path: Path) -> None:
    out = tmp_path / "s.ballmask"
    code = main(["new", "strip", *UNIT, "--unit-rows", "2", "--unit-cols", "5", "--unit-pitch", "6",
                 "--skip", "1,3", "--skip", "2,5", "-o", str(out)])
    assert code == 0
    d = load_design(out)
    lay = d.layout
    assert isinstance(lay, CarrierLayout) and lay.form is CarrierForm.STRIP
    assert isinstance(lay.unit, GridLayout) and (lay.unit.rows, lay.unit.cols) == (6, 8)
    assert lay.skip == ((1, 3), (2, 5))
    assert len(d.sites()) == 8 * 48
    assert main(["check", str(out)]) == 0


def test_new_panel_and_wafer(tmp_path: Path) -> None:
    assert main(["new", "panel", *UNIT, "--unit-rows", "3", "--unit-cols", "3", "--unit-pitch", "6",
                 "--block-cols", "2", "--block-gap", "4", "-o", str(tmp_path / "p.ballmask")]) == 0
    p = load_design(tmp_path / "p.ballmask").layout
    assert isinstance(p, CarrierLayout) and p.form is CarrierForm.PANEL and p.block_gap_x_mm == 4.0
    assert main(["new", "wafer", *UNIT, "--die", "5", "--diameter", "100", "-o", str(tmp_path / "w.ballmask")]) == 0
    assert isinstance(load_design(tmp_path / "w.ballmask").layout, WaferLayout)


@pytest.mark.parametrize(("args", "option"), [
    (["--unit-rows", "2", "--unit-cols", "5", "--unit-pitch", "6", "--skip", "3,1"], "--skip"),
    (["--unit-rows", "0", "--unit-cols", "5", "--unit-pitch", "6"], "--unit-rows"),
    (["--unit-rows", "2", "--unit-cols", "5", "--unit-pitch", "-6"], "--unit-pitch"),
])
def test_bad_carrier_options_name_the_option(args: list[str], option: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "strip", *UNIT, *args, "-o", str(tmp_path / "x.ballmask")]) == 2
    err = capsys.readouterr().err
    assert option in err and "Traceback" not in err
    assert not (tmp_path / "x.ballmask").exists()


def test_export_tool_writes_the_folder_and_refuses_on_tool_errors(tmp_path: Path) -> None:
    from geometry.fileio import save_design
    from geometry.model.design import example_grid_design
    from geometry.model.tools import FluxStencil, Tools

    src = tmp_path / "d.ballmask"
    save_design(example_grid_design(rows=3, cols=3), src)
    assert main(["export", str(src), "--tool", "inspection", "-o", str(tmp_path / "insp")]) == 0
    assert (tmp_path / "insp" / "balls.csv").read_text(encoding="utf-8").count("\n") == 10
    thick = example_grid_design(rows=3, cols=3).with_(tools=Tools(flux_stencil=FluxStencil(thickness_mm=0.3)))
    save_design(thick, src)
    assert main(["export", str(src), "--tool", "flux-stencil", "-o", str(tmp_path / "flux")]) == 1
    assert not (tmp_path / "flux").exists()


def test_new_strip_with_a_second_unit_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "small.ballmask"
    assert main(["new", "grid", "--rows", "3", "--cols", "3", "--pitch", "0.6", "--ball", "0.3", "--thickness",
                 "0.2", "--material", "laser-cut-stainless", "--profile", "straight", "-o", str(other)]) == 0
    out = tmp_path / "s.ballmask"
    assert main(["new", "strip", *UNIT, "--unit-rows", "2", "--unit-cols", "3", "--unit-pitch", "6",
                 "--unit-type", f"1,2={other}", "--unit-type", f"2,3={other}", "-o", str(out)]) == 0
    lay = load_design(out).layout
    assert isinstance(lay, CarrierLayout) and len(lay.unit_types) == 1
    t = lay.unit_types[0]
    assert t.name == "B" and t.units == ((1, 2), (2, 3)) and t.unit == GridLayout(3, 3, 0.6)
    assert t.profile is not None and t.profile.kind == "straight"
    assert len(load_design(out).sites()) == 4 * 48 + 2 * 9
    capsys.readouterr()
    assert main(["check", str(out)]) == 1  # the straight walls of type B leave too little flux clearance
    text = capsys.readouterr().out
    assert "flux-clear: 1 error" in text and "U01-02:A1, U01-02:A2" in text and "U01-01:" not in text


@pytest.mark.parametrize(("ref", "needle"), [("9,9=FILE", "--unit-type"), ("1,2", "ROW,COL=FILE"),
                                             ("1,2=missing.ballmask", "cannot be read")])
def test_bad_unit_types_name_the_option(ref: str, needle: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "small.ballmask"
    assert main(["new", "grid", *UNIT, "-o", str(other)]) == 0
    ref = ref.replace("FILE", str(other))
    assert main(["new", "strip", *UNIT, "--unit-rows", "2", "--unit-cols", "3", "--unit-pitch", "6",
                 "--unit-type", ref, "-o", str(tmp_path / "x.ballmask")]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err
    assert not (tmp_path / "x.ballmask").exists()
