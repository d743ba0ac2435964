"""A footprint placed turned by 90 degrees: its grid is found and its sites named as the package names them.

The reference is a 4 x 6 JEDEC grid (rows A-D, columns 1-6) turned a quarter turn either way; the expected
name of every pad is the name it had before the turn, so a wrong rotation or corner shows as wrong names.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geometry.fileio.importers.importing import ImportOptions, import_layout
from geometry.model.layouts import GridLayout, Recognition
from geometry.model.sites import Sites
from tests.geometry.importers.test_import_formats import reference, write_gds

pytest.importorskip("klayout.db")


def turned(sites: Sites, clockwise: bool) -> Sites:
    """The sites turned a quarter turn about the origin (y up)."""
    x, y = sites.x_mm, sites.y_mm
    nx, ny = (y, -x) if clockwise else (-y, x)
    return sites.replace(x_mm=np.round(nx, 9), y_mm=np.round(ny, 9))


def write_kicad(path: Path, sites: Sites) -> None:
    """The sites as a KiCad footprint (y down), each pad named by its site."""
    pads = "\n".join(f'  (pad "{n}" smd circle (at {x:.4f} {-y:.4f}) (size 0.3 0.3) (layers "F.Cu"))'
                     for n, x, y in zip(sites.names.tolist(), sites.x_mm, sites.y_mm, strict=True))
    path.write_text(f'(footprint "BGA24" (layer "F.Cu")\n{pads}\n)\n', encoding="utf-8")


def names_by_position(cols: object) -> dict[tuple[float, float], str]:
    return {(round(float(x), 4), round(float(y), 4)): str(n)
            for n, x, y in zip(cols.names.tolist(), cols.x_mm, cols.y_mm, strict=True)}  # type: ignore[attr-defined]


REF = reference(GridLayout(4, 6, 0.8))


@pytest.mark.parametrize(("clockwise", "corner"), [(True, "top-right"), (False, "bottom-left")])
def test_turned_kicad_footprint_rotation_told_from_its_names(tmp_path: Path, clockwise: bool, corner: str) -> None:
    sites = turned(REF, clockwise)
    path = tmp_path / "BGA24.kicad_mod"
    write_kicad(path, sites)
    own = import_layout(path)
    assert own.recognised.names_from == "source"
    assert own.recognised.rotation_deg == 90
    assert own.recognised.rotation_from == "names"
    assert any("rotation 90 (told from the source's pad names)" in line for line in own.report_lines())
    # Named from the grid with A1 where the turn put it: the package's own names again.
    grid = import_layout(path, ImportOptions(recognition=Recognition(naming="grid", a1=corner)))  # type: ignore[arg-type]
    assert grid.recognised.rotation_deg == 90
    assert names_by_position(grid.recognised.columns) == names_by_position(own.recognised.columns)
    assert len(grid.recognised.depopulated) == 0


def test_unturned_footprint_is_rotation_0_from_its_names(tmp_path: Path) -> None:
    path = tmp_path / "BGA24.kicad_mod"
    write_kicad(path, REF)
    r = import_layout(path, ImportOptions(recognition=Recognition(naming="grid")))
    assert (r.recognised.rotation_deg, r.recognised.rotation_from) == (0, "names")
    assert sorted(r.recognised.columns.names.tolist()) == sorted(REF.names.tolist())


def test_turned_gds_named_by_the_chosen_rotation_and_corner(tmp_path: Path) -> None:
    sites = turned(REF, clockwise=True)
    path = tmp_path / "turned.gds"
    write_gds(path, sites)
    want = names_by_position(sites)
    r = import_layout(path, ImportOptions(layer="3/0", recognition=Recognition(a1="top-right", rotation_deg=90)))
    assert (r.recognised.rotation_deg, r.recognised.rotation_from) == (90, "chosen")
    assert names_by_position(r.recognised.columns) == want
    assert any("rotation 90, not staggered" in line for line in r.report_lines())
    # Without the rotation the same pads read as 6 rows of 4 (A-F): other names, which the report says.
    plain = import_layout(path, ImportOptions(layer="3/0", recognition=Recognition(a1="top-right")))
    assert plain.recognised.rotation_from == "default"
    assert "F1" in set(plain.recognised.columns.names.tolist())
    assert names_by_position(plain.recognised.columns) != want


def test_rotation_is_saved_only_when_chosen() -> None:
    from geometry.fileio.design_file import CODEC

    assert "rotation_deg" not in CODEC.encode(Recognition())
    assert CODEC.encode(Recognition(rotation_deg=90))["rotation_deg"] == 90
    assert CODEC.decode({"rotation_deg": 90}, Recognition, "r") == Recognition(rotation_deg=90)
    with pytest.raises(Exception, match="must be one of 0, 90"):
        CODEC.decode({"rotation_deg": 45}, Recognition, "r")


def test_design_with_a_chosen_rotation_validates_against_the_schema(tmp_path: Path) -> None:
    import json

    import jsonschema

    from geometry.fileio import design_to_json
    from geometry.model.design import Design
    from geometry.model.layouts import ExplicitLayout, ImportSource, Pad, SiteColumns
    from tests.geometry.wafer.conftest import wafer_design

    schema_path = Path(__file__).resolve().parents[3] / "resources" / "schema" / "ballmask.schema.json"
    validator = jsonschema.Draft202012Validator(json.loads(schema_path.read_text(encoding="utf-8")))
    base = wafer_design()
    cols = SiteColumns(np.array(["A1", "A2"]), np.array([0.0, 0.5]), np.array([0.0, 0.0]))
    for rotation in (None, 0, 90):
        src = ImportSource("pkg.gds", "gds", "3/0", "0" * 64, "um", Recognition(rotation_deg=rotation))  # type: ignore[arg-type]
        d = Design(base.ball, Pad(0.3), ExplicitLayout(cols, src), base.mask)
        data = json.loads(design_to_json(d))
        validator.validate(data)
        rec = data["layout"]["source"]["recognition"]
        assert ("rotation_deg" in rec) == (rotation is not None)
    bad = json.loads(design_to_json(d))
    bad["layout"]["source"]["recognition"]["rotation_deg"] = 45
    assert not validator.is_valid(bad)


def test_cli_rotation_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    path = tmp_path / "turned.gds"
    write_gds(path, turned(REF, clockwise=True))
    assert main(["import", str(path), "--layer", "3/0", "--rotation", "90", "--a1", "top-right",
                 "--report-only"]) == 0
    out = capsys.readouterr().out
    assert "rotation 90, not staggered" in out and "6 rows x 4 columns" in out  # rows and columns of the file
    assert main(["import", str(path), "--layer", "3/0", "--rotation", "45", "--report-only"]) == 2
