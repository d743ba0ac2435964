"""The shop package (``--format all``): sites.csv read with the csv module, stack.json and the Gerber job file
with json, all compared with values computed from the design; the README and the order notes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from geometry.base.resources import resource_path
from geometry.export.run import export_design
from geometry.fileio import load_design
from geometry.model.design import Design
from geometry.model.drawing_info import DrawingInfo, FrameSettings, ToolingHole


@pytest.fixture(scope="module")
def rework_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Design, Path]:
    design = load_design(resource_path("examples", "rework-bga-0.8mm-tapered.ballmask"))
    info = DrawingInfo(date="2026-12-01", drawing_number="RW-9", quantity=2, inspection="measure every opening",
                       frame=FrameSettings("584x584", border_mm=20.0, tooling_holes=(ToolingHole(0.0, -10.0, 2.5),)))
    design = design.with_(drawing=info)
    out = tmp_path_factory.mktemp("pkg") / "shop"
    export_design(design, out, "all", force=True)
    return design, out


def test_sites_csv(rework_package: tuple[Design, Path]) -> None:
    design, out = rework_package
    with (out / "sites.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    sites = design.sites()
    assert [r["name"] for r in rows] == sites.names.tolist()
    assert list(rows[0]) == ["name", "x_mm", "y_mm", "d_u_mm", "d_l_mm", "profile", "depth_mm", "state"]
    np.testing.assert_allclose([float(r["x_mm"]) for r in rows], sites.x_mm, atol=1e-4)
    assert design.rework is not None
    closed = {r["name"] for r in rows if r["state"] == "closed"}
    assert closed == set(design.rework.damaged) | set(design.rework.no_ball)
    assert all(r["d_u_mm"] == "" for r in rows if r["state"] == "closed")
    changed = {r["name"]: r for r in rows if r["state"] == "changed"}
    assert set(changed) == {s for o in design.overrides for s in o.sites}
    for o in design.overrides:
        for s in o.sites:
            assert float(changed[s]["d_l_mm"]) == pytest.approx(design.resolve(o.profile).lower_mm, abs=1e-4)
    base = design.resolve(design.profile)
    plain = [r for r in rows if r["state"] == "populated"]
    assert all(float(r["d_u_mm"]) == pytest.approx(base.upper_mm, abs=1e-4) for r in plain)
    assert len(plain) + len(changed) + len(closed) == len(sites)


def test_stack_json(rework_package: tuple[Design, Path]) -> None:
    design, out = rework_package
    stack = json.loads((out / "stack.json").read_text(encoding="utf-8"))
    layers = stack["layers"]
    assert [s["step"] for s in layers] == list(range(1, len(layers) + 1))
    assert layers[0]["layer"] == design.output.upper_layer and layers[0]["from_side"] == "upper"
    relief = [s for s in layers if s["role"] == "lower"]
    assert relief and all(s["from_side"] == "lower" for s in relief)
    assert relief[0]["depth_mm"] == pytest.approx(design.opening.relief_depth_mm)
    assert layers[-1]["role"] == "outline"
    assert stack["frame"]["outer_mm"] == [584.0, 584.0] and stack["frame"]["foil_mm"] == [464.0, 464.0]
    assert "register" in stack["registration"]


def test_gerber_job_file(rework_package: tuple[Design, Path]) -> None:
    design, out = rework_package
    (job,) = list(out.glob("*.gbrjob"))
    data = json.loads(job.read_text(encoding="utf-8"))
    assert data["Header"]["GenerationSoftware"]["Application"] == "ballmask"
    assert data["Header"]["CreationDate"].startswith("2026-12-01T")
    assert data["GeneralSpecs"]["ProjectId"]["Revision"] == design.revision
    x0, y0, x1, y1 = design.outline_rect()
    assert data["GeneralSpecs"]["Size"] == {"X": pytest.approx(x1 - x0), "Y": pytest.approx(y1 - y0)}
    paths = [f["Path"] for f in data["FilesAttributes"]]
    assert sorted(paths) == sorted(f"gerber/{p.name}" for p in (out / "gerber").glob("*.gbr"))
    assert all((out / p).exists() for p in paths)
    assert any(f["FileFunction"] == "Profile,NP" for f in data["FilesAttributes"])
    assert data["MaterialStackup"][0]["Thickness"] == design.mask.thickness_mm


def test_readme_order_notes(rework_package: tuple[Design, Path]) -> None:
    design, out = rework_package
    readme = (out / "README.txt").read_text(encoding="utf-8")
    for text in ("sites.csv", "stack.json", ".gbrjob", "OPENINGS (summary of sites.csv", "LAYER STACK",
                 "584 x 584 mm (23 in) frame", "FOIL: 464.0 x 464.0 mm",
                 "FRAME TOOLING HOLES: FT1 Ø2.500 at (0.000, -10.000)",
                 "FIDUCIALS: 2 round mark(s)", "QUANTITY: 2 mask(s)", "INSPECTION: measure every opening",
                 "NO APERTURE MODIFICATION", "ARTWORK SCALE FACTOR: 1", "WALL ANGLE:", "within the process"):
        assert text in readme, text
    total = sum(1 for _ in design.sites().names) - len(design.rework.closed if design.rework else ())
    import re

    m = re.search(r"\| total +\|[^\n]*?\| (\d+) +\|", readme)
    assert m and int(m.group(1)) == total
