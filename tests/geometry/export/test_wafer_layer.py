"""The WAFER reference layer and the DXF extents in every writer, read back with ezdxf, gerbonara, gerbv, GDAL.

The rim and the usable-area edge are checked against values worked out here: the rim's area against the shoelace
area of WaferLayout.rim sampled finely, the usable edge against WaferLayout.inside (every point on it to 10 um).
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import ezdxf
import numpy as np
import pytest
import shapely

from geometry.derive.repetition import Repeated, repetition
from geometry.export.artwork import build_artwork
from geometry.export.dxf import write_dxf
from geometry.export.dxf_stream import write_dxf_blocks, write_dxf_streaming
from geometry.export.gerber import write_gerbers
from geometry.export.gerber_stream import write_gerbers_fast
from geometry.export.notes import title_block
from geometry.export.pdf import write_pdf
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import GridLayout, Pad
from geometry.model.layouts.wafer import WaferLayout, WaferMark
from geometry.model.mask import Mask
from geometry.model.profiles import Tapered
from tests.geometry.export.readback import bulge_polygon, dxf_layers, polyline_points

R = 50.0


def wafer(mark: WaferMark = WaferMark.NOTCH, **out: object) -> Design:
    """A 100 mm wafer of 5 mm dies, 3 x 3 balls each, 3 mm edge exclusion."""
    lay = WaferLayout(GridLayout(3, 3, 0.5), 5.0, diameter_mm=100.0, edge_exclusion_mm=3.0, mark=mark,
                      flat_length_mm=32.5, notch_depth_mm=1.0)
    d = Design(Ball(0.3), Pad(0.24), lay, Mask(0.1, "electroformed-nickel"), Tapered(60.0), name="wafer test")
    return d.with_(output=d.output.__class__(**out)) if out else d  # type: ignore[arg-type]


def shoelace(xy: np.ndarray) -> float:
    x, y = xy[:, 0], xy[:, 1]
    return float(0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def check_wafer_polylines(path: Path, design: Design) -> None:
    """The WAFER layer holds the rim and the usable edge; the header extents hold everything and are not 1e20."""
    lay = design.layout
    assert isinstance(lay, WaferLayout)
    layers = dxf_layers(path)
    polys = [e for kind in ("LWPOLYLINE", "POLYLINE") for e in layers["WAFER"].get(kind, [])]
    assert len(polys) == 2
    shapes = sorted((bulge_polygon(polyline_points(e)) for e in polys), key=lambda p: -p.area)
    rim, usable = shapes
    assert rim.area == pytest.approx(shoelace(lay.rim(200_000)), rel=1e-5)
    ring = np.asarray(usable.exterior.coords)
    assert not lay.inside(ring[:, 0], ring[:, 1], 0.01).any()
    assert lay.inside(ring[:, 0], ring[:, 1], -0.01).all()
    doc = ezdxf.readfile(path)
    lo, hi = doc.header["$EXTMIN"], doc.header["$EXTMAX"]
    assert max(abs(v) for v in (*lo, *hi)) < 1e6  # not the 1e20 defaults
    x0, y0, x1, y1 = rim.bounds
    assert lo[0] <= x0 + 1e-6 and lo[1] <= y0 + 1e-6 and hi[0] >= x1 - 1e-6 and hi[1] >= y1 - 1e-6
    # tight on the left and at the bottom (the notes are to the right): the rim or the mask outline, whichever is out
    ox0, oy0, _, _ = design.outline_rect()
    assert lo[0] == pytest.approx(min(x0, ox0), abs=0.5) and lo[1] == pytest.approx(min(y0, oy0), abs=0.5)


@pytest.mark.parametrize("mark", list(WaferMark))
def test_ezdxf_writer_draws_the_wafer_layer_and_sets_extents(tmp_path: Path, mark: WaferMark) -> None:
    d = wafer(mark)
    art = build_artwork(d)
    path = write_dxf(art, title_block(d, art), d.output, tmp_path / "w.dxf")
    check_wafer_polylines(path, d)


def test_r12_writer_draws_the_wafer_layer(tmp_path: Path) -> None:
    d = wafer(dxf_version="R12")
    art = build_artwork(d)
    path = write_dxf(art, title_block(d, art), d.output, tmp_path / "w.dxf")
    assert len(dxf_layers(path)["WAFER"]["POLYLINE"]) == 2


def test_streaming_writer_draws_the_wafer_layer_and_sets_extents(tmp_path: Path) -> None:
    d = wafer(WaferMark.FLAT)
    path = write_dxf_streaming(d, tmp_path / "s.dxf")
    check_wafer_polylines(path, d)
    assert not ezdxf.readfile(path).audit().has_errors


def test_blocks_writer_draws_the_wafer_layer_and_sets_extents(tmp_path: Path) -> None:
    d = wafer(WaferMark.NOTCH, blocks=True)
    rep = repetition(d)
    assert isinstance(rep, Repeated)
    path = write_dxf_blocks(rep, tmp_path / "b.dxf")
    assert dxf_layers(path)["UPPER_THROUGH"]["INSERT"]  # the blocks form, not the flattened fallback
    check_wafer_polylines(path, d)


def test_a_grid_design_has_no_wafer_layer(tmp_path: Path) -> None:
    from geometry.model.design import example_grid_design

    d = example_grid_design()
    assert "WAFER" not in [s.name for s in build_artwork(d).specs]


def test_layer_table_and_notes_say_the_wafer_layer_is_not_made() -> None:
    d = wafer()
    art = build_artwork(d)
    spec = art.layer("WAFER").layer
    assert spec.made_how.startswith("not made") and not spec.is_made
    assert any(line.startswith("LAYER WAFER:") and "not made" in line for line in title_block(d, art).lines)


def gerber_bounds(path: Path) -> tuple[float, float, float, float]:
    from gerbonara import GerberFile
    from gerbonara.utils import MM

    (x0, y0), (x1, y1) = GerberFile.open(path).bounding_box(MM)
    return x0, y0, x1, y1


@pytest.mark.parametrize("fast", [False, True])
def test_gerber_wafer_file_strokes_the_rim(tmp_path: Path, fast: bool) -> None:
    d = wafer(WaferMark.NONE)
    if fast:
        write_gerbers_fast(d, tmp_path / "g")
    else:
        art = build_artwork(d)
        write_gerbers(art, title_block(d, art), tmp_path / "g")
    from gerbonara import GerberFile
    from gerbonara.graphic_objects import Arc, Region

    g = GerberFile.open(tmp_path / "g" / "WAFER.gbr")
    assert g.objects and not any(isinstance(o, Region) for o in g.objects)  # strokes, nothing filled
    assert sum(isinstance(o, Arc) for o in g.objects) >= 8  # two full circles in arcs of at most 90 degrees
    x0, y0, x1, y1 = gerber_bounds(tmp_path / "g" / "WAFER.gbr")
    w = 0.01  # the stroke's width
    assert (x0, y0, x1, y1) == pytest.approx((-R - w / 2, -R - w / 2, R + w / 2, R + w / 2), abs=2e-3)


GERBV = shutil.which("gerbv")


@pytest.mark.skipif(GERBV is None, reason="gerbv is not installed (apt-get install gerbv)")
@pytest.mark.parametrize("fast", [False, True])
def test_gerbv_reads_every_file_without_warnings(tmp_path: Path, fast: bool, bga_design: Design) -> None:
    """Region-only relief files (the BGA's one merged region) and the wafer's files, exported to PNG by gerbv."""
    for k, d in enumerate((bga_design, wafer())):
        folder = tmp_path / f"g{k}"
        if fast:
            write_gerbers_fast(d, folder)
        else:
            art = build_artwork(d)
            write_gerbers(art, title_block(d, art), folder)
        for f in sorted(folder.glob("*.gbr")):
            png = tmp_path / f"{f.stem}.png"
            run = subprocess.run([str(GERBV), "-x", "png", "-o", str(png), str(f)], capture_output=True, text=True,
                                 timeout=120, check=False)
            assert run.returncode == 0, run.stderr
            assert run.stderr.strip() == "", (f.name, run.stderr)  # no warning, no "unknown extension"
            assert png.stat().st_size > 0


OGRINFO = shutil.which("ogrinfo")


@pytest.mark.skipif(OGRINFO is None, reason="GDAL's ogrinfo is not installed (apt-get install gdal-bin)")
def test_gdal_reads_the_wafer_layer(tmp_path: Path) -> None:
    d = wafer()
    path = write_dxf_streaming(d, tmp_path / "s.dxf")
    run = subprocess.run([str(OGRINFO), "-q", "-al", "-where", "Layer = 'WAFER'", str(path)], capture_output=True,
                         text=True, timeout=120, check=True)
    assert run.stdout.count("Layer (String) = WAFER") == 2
    polys = [shapely.from_wkt(line.strip()) for line in run.stdout.splitlines()
             if line.strip().startswith(("LINESTRING", "POLYGON"))]
    assert len(polys) == 2
    rim = max(polys, key=lambda p: shapely.Polygon(p.coords if p.geom_type == "LineString" else p.exterior).area)
    area = shapely.Polygon(rim.coords if rim.geom_type == "LineString" else rim.exterior).area
    assert area == pytest.approx(math.pi * R * R, rel=2e-3)  # GDAL tessellates the arcs; the notch is tiny


def test_pdf_legend_names_the_wafer_layer(tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    d = wafer()
    art = build_artwork(d)
    path = tmp_path / "w.pdf"
    write_pdf(d, art, title_block(d, art), None, path)
    text = subprocess.run([pdftotext, "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "WAFER: not made" in text


def test_process_words_follow_the_material() -> None:
    """Electroformed nickel is plated: no "etched" or "cut" in its layer table or notes; etched stainless is."""
    from geometry.model.design import example_grid_design
    from geometry.model.mask import Fiducial

    base = example_grid_design()
    fids = (Fiducial(-6.0, -6.0, 1.0, "through"), Fiducial(6.0, 6.0, 1.0, "half"))
    for material, banned, wanted in (
        ("electroformed-nickel", ("etch", "cut"), ("plated opening", "plated step")),
        ("etched-stainless", ("plated",), ("through-etched", "half-etched")),
    ):
        d = base.with_(mask=Mask(0.3, material, fiducials=fids))
        art = build_artwork(d)
        made = " ".join(s.made_how for s in art.specs)
        text = " ".join(title_block(d, art).lines).lower()
        for word in wanted:
            assert word in made, (material, word)
        for word in banned:
            assert word not in made, (material, word, made)
            assert word not in text.replace("etched area", "") or material != "electroformed-nickel", (material, word)


def test_notes_say_what_each_hole_is(bga_design: Design) -> None:
    """The BGA example (one 0.28 mm layer, 196 holes): islands at full thickness. A 6 x 6 grid tapered at 45 deg
    on 0.3 mm: its 0.225 mm layer has no holes and covers all 25 holes of the 0.3 mm layer, so none is metal at
    full thickness."""
    from geometry.model.design import example_grid_design

    def holes(d: Design) -> list[str]:
        return [line for line in title_block(d, build_artwork(d)).lines if line.startswith("HOLES")]

    (line,) = holes(bga_design)
    assert "196 metal island(s) left at full thickness" in line and "shallower" not in line
    (line,) = holes(example_grid_design(rows=6, cols=6, profile=Tapered(45.0)))
    assert "25 lie under a shallower relief layer" in line and "metal island" not in line
