"""GDS2 and OASIS out: the mask's layers written with klayout, read back with klayout's reader and with our own
importer; circles are polygons within the chord tolerance; export -> import -> compare has no differences."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cli.main import main
from geometry.base.resources import example_paths
from geometry.export.artwork import build_artwork
from geometry.export.gds import circle_vertices
from geometry.fileio import load_design

kdb = pytest.importorskip("klayout.db")
EXAMPLES = [p for p in example_paths() if "rework" not in p.name]


@pytest.mark.parametrize("fmt", ["gds", "oasis"])
def test_every_layer_written_and_circles_within_the_chord_tolerance(tmp_path: Path, fmt: str) -> None:
    example = EXAMPLES[0]
    design = load_design(example)
    out = tmp_path / f"mask.{fmt}"
    assert main(["export", str(example), "--format", fmt, "-o", str(out), "--force"]) == 0
    ly = kdb.Layout()
    ly.read(str(out))
    art = build_artwork(design)
    names = {ly.get_info(li).layer: ly.get_info(li).name for li in ly.layer_indexes()}
    written = [la for la in art.layers if la.circle_count or la.n_regions]
    for number, la in enumerate(art.layers, start=1):
        if la in written:
            assert number in names
            if fmt == "oasis":
                assert names[number] == la.layer.name
    upper = next(k for k, la in enumerate(art.layers, start=1) if la.layer.name == "UPPER_THROUGH")
    li = ly.find_layer(upper, 0)
    region = kdb.Region(ly.top_cell().begin_shapes_rec(li))
    assert region.count() == art.layers[upper - 1].circle_count
    tol = design.output.chord_tol_mm
    r_mm = float(art.layers[upper - 1].circles[0, 2])
    poly = next(iter(region.each()))
    pts = np.array([(p.x, p.y) for p in poly.each_point_hull()], float) * ly.dbu / 1000
    c = pts.mean(axis=0)
    dist = np.hypot(*(pts - c).T)
    assert len(pts) == circle_vertices(r_mm, tol)
    assert np.abs(dist - r_mm).max() <= 1e-6  # vertices on the circle (1 nm grid)
    assert r_mm * (1 - math.cos(math.pi / len(pts))) <= tol  # chords within the tolerance
    # The relief layer's area equals the artwork's (regions with holes kept).
    lower = next(k for k, la in enumerate(art.layers, start=1) if la.layer.name.startswith("LOWER_RELIEF"))
    reg = kdb.Region(ly.top_cell().begin_shapes_rec(ly.find_layer(lower, 0)))
    area = reg.area() * (ly.dbu / 1000) ** 2
    circ, regions = art.layers[lower - 1].areas()
    assert area == pytest.approx(circ + regions, rel=2e-3)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_round_trip_through_gds_has_no_differences(tmp_path: Path, example: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    design = load_design(example)
    art = build_artwork(design)
    upper = next(k for k, la in enumerate(art.layers, start=1) if la.layer.name == "UPPER_THROUGH")
    out = tmp_path / "mask.gds"
    assert main(["export", str(example), "--format", "gds", "-o", str(out), "--force"]) == 0
    capsys.readouterr()
    assert main(["compare", str(example), str(out), "--layer", f"{upper}/0"]) == 0
    assert "no differences" in capsys.readouterr().out
