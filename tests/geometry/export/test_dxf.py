"""DXF read back with ezdxf: counts, areas, units, audit; R12, segments only, mirrored, blocks."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import ezdxf
import numpy as np
import pytest

from geometry.derive.openings import opening_table
from geometry.export.artwork import build_artwork
from geometry.export.dxf import EzdxfSink, write_dxf
from geometry.export.layers import Role
from geometry.export.notes import NO_APERTURE_MODIFICATION, title_block
from geometry.model.design import Design
from tests.geometry.export.readback import bulge_polygon, dxf_layers, polyline_area, polyline_points, sorted_xy
from tests.geometry.export.reliefs import FakeRelief, shapely_area_two_circles


def _write(design: Design, relief: FakeRelief | None, tmp_path: Path, **out: object) -> tuple[Path, object]:
    d = design.with_(output=replace(design.output, **out)) if out else design
    art = build_artwork(d, relief)
    path = write_dxf(art, title_block(d, art), d.output, tmp_path / "mask.dxf")
    return path, art


def test_r2000_counts_areas_units_audit(grid_design: Design, fake_relief: FakeRelief, tmp_path: Path) -> None:
    path, art = _write(grid_design, fake_relief, tmp_path)
    doc = ezdxf.readfile(path)
    assert doc.dxfversion == "AC1015"
    assert doc.header["$INSUNITS"] == 4
    assert doc.header["$MEASUREMENT"] == 1
    assert not doc.audit().has_errors
    ext0, ext1 = doc.header["$EXTMIN"], doc.header["$EXTMAX"]
    x0, y0, x1, y1 = grid_design.outline_rect()
    assert ext0[0] <= x0 and ext0[1] <= y0 and ext1[0] >= x1 and ext1[1] >= y1
    layers = dxf_layers(path)
    assert not any("HATCH" in v for v in layers.values())
    # upper: one CIRCLE per populated site with d_u
    table = opening_table(grid_design)
    up = layers["UPPER_THROUGH"]["CIRCLE"]
    assert len(up) == len(table.rows) == 20
    assert {round(2 * c.dxf.radius, 9) for c in up} == {round(float(table.upper_mm[0]), 9)}
    got = sorted_xy(np.array([[c.dxf.center.x, c.dxf.center.y] for c in up]))
    want = sorted_xy(np.column_stack([table.sites.x_mm, table.sites.y_mm]))
    np.testing.assert_allclose(got, want, atol=1e-12)
    # relief layers: circles by depth, regions as closed LWPOLYLINEs with bulges, holes separate
    deep, shallow = layers["LOWER_RELIEF_300UM"], layers["LOWER_RELIEF_150UM"]
    assert len(deep["CIRCLE"]) == 2 and len(shallow["CIRCLE"]) == 1
    assert len(deep["LWPOLYLINE"]) == 1 and len(shallow["LWPOLYLINE"]) == 2
    assert all(p.closed and not p.has_width for p in deep["LWPOLYLINE"] + shallow["LWPOLYLINE"])
    lens = deep["LWPOLYLINE"][0]
    assert any(b != 0 for *_, b in lens.get_points("xyb"))
    assert polyline_area(lens) == pytest.approx(shapely_area_two_circles(10.0, 0.0, 0.6, 0.4), rel=1e-5)
    assert polyline_area(lens) == pytest.approx(float(fake_relief.rings.region_areas(2)[0]), rel=1e-5)
    sq = sorted(polyline_area(p) for p in shallow["LWPOLYLINE"])
    assert sq == pytest.approx([math.pi * 0.25, 4.0], rel=1e-5)
    # outline and fiducials (mixed etches: one layer each)
    (rect,) = layers["OUTLINE"]["LWPOLYLINE"]
    assert polyline_area(rect) == pytest.approx((x1 - x0) * (y1 - y0))
    assert len(layers["FIDUCIAL_THROUGH"]["CIRCLE"]) == 1 and len(layers["FIDUCIAL_HALF"]["CIRCLE"]) == 1
    texts = [t.dxf.text for t in layers["NOTES"]["TEXT"]]
    assert NO_APERTURE_MODIFICATION in texts
    assert any("d_u 0.495 mm" in t and "theta 60 deg" in t for t in texts)
    # layer colours from the table
    for spec in art.specs:  # type: ignore[attr-defined]
        assert doc.layers.get(spec.name).color == spec.colour


def test_real_relief_areas_match(bga_design: Design, tmp_path: Path) -> None:
    from geometry.derive.relief.merged import lower_relief

    relief = lower_relief(bga_design)
    path, _ = _write(bga_design, None, tmp_path)
    layer = dxf_layers(path)[bga_design.output.lower_layer(float(relief.region_depth_mm[0]))]
    polys = layer["LWPOLYLINE"]
    assert len(polys) == len(relief.rings)
    outer = sum(polyline_area(p) for p in polys if _ccw(p))
    holes = sum(polyline_area(p) for p in polys if not _ccw(p))
    assert outer - holes == pytest.approx(float(relief.rings.region_areas(relief.n_regions).sum()), rel=1e-6)
    assert not ezdxf.readfile(path).audit().has_errors


def _ccw(p: object) -> bool:
    return bool(bulge_polygon(polyline_points(p)).exterior.is_ccw)


def test_r12_polylines_and_notes_say_mm(grid_design: Design, fake_relief: FakeRelief, tmp_path: Path) -> None:
    path, _ = _write(grid_design, fake_relief, tmp_path, dxf_version="R12")
    doc = ezdxf.readfile(path)
    assert doc.dxfversion == "AC1009"
    assert not doc.audit().has_errors
    assert "$INSUNITS" not in doc.header
    layers = dxf_layers(path)
    assert "LWPOLYLINE" not in layers["LOWER_RELIEF_300UM"]
    (lens,) = layers["LOWER_RELIEF_300UM"]["POLYLINE"]
    assert lens.is_closed
    assert polyline_area(lens) == pytest.approx(shapely_area_two_circles(10.0, 0.0, 0.6, 0.4), rel=1e-5)
    assert len(layers["UPPER_THROUGH"]["CIRCLE"]) == 20
    texts = " ".join(t.dxf.text for t in layers["NOTES"]["TEXT"])
    assert "R12" in texts and "mm" in texts


def test_r12_refuses_bad_layer_name(grid_design: Design, fake_relief: FakeRelief, tmp_path: Path) -> None:
    from geometry.base.errors import DesignError

    with pytest.raises(DesignError, match="upper_layer"):
        _write(grid_design, fake_relief, tmp_path, dxf_version="R12", upper_layer="UPPER THROUGH")


@pytest.mark.parametrize("tol", [1e-4, 1e-3])
def test_segments_only_chord_error(grid_design: Design, fake_relief: FakeRelief, tmp_path: Path,
                                   tol: float) -> None:
    path, _ = _write(grid_design, fake_relief, tmp_path, segments_only=True, chord_tol_mm=tol)
    (lens,) = dxf_layers(path)["LOWER_RELIEF_300UM"]["LWPOLYLINE"]
    pts = lens.get_points("xyb")
    assert all(b == 0 for *_, b in pts)
    xy = np.array([(x, y) for x, y, _ in pts])
    centres = np.array([[10.0, 0.0], [10.6, 0.0]])
    r = 0.4
    d = np.min(np.hypot(xy[:, None, 0] - centres[None, :, 0], xy[:, None, 1] - centres[None, :, 1]), axis=1)
    np.testing.assert_allclose(d, r, atol=1e-9)  # every vertex on the true arcs
    mid = (xy + np.roll(xy, -1, axis=0)) / 2
    dm = np.min(np.hypot(mid[:, None, 0] - centres[None, :, 0], mid[:, None, 1] - centres[None, :, 1]), axis=1)
    # chord midpoints fall short of the arc by at most the tolerance (the two cusps are vertices, so midpoints
    # there lie inside both circles)
    assert np.all(r - dm <= tol + 1e-12)
    assert np.any(r - dm > tol / 4)  # and the chords are not needlessly fine
    assert len(xy) < 4 * math.ceil(2 * math.pi / (2 * math.acos(1 - tol / r))) + 4


def test_mirrored_lower_layers(grid_design: Design, fake_relief: FakeRelief, tmp_path: Path) -> None:
    plain, _art = _write(grid_design, fake_relief, tmp_path)
    mirror_dir = tmp_path / "m"
    mirrored, _ = _write(grid_design, fake_relief, mirror_dir, mirror_lower=True)
    x0, _, x1, _ = grid_design.outline_rect()
    axis = (x0 + x1) / 2
    a, b = dxf_layers(plain), dxf_layers(mirrored)
    ca = np.array([[c.dxf.center.x, c.dxf.center.y] for c in a["LOWER_RELIEF_300UM"]["CIRCLE"]])
    cb = np.array([[c.dxf.center.x, c.dxf.center.y] for c in b["LOWER_RELIEF_300UM"]["CIRCLE"]])
    ca[:, 0] = 2 * axis - ca[:, 0]
    np.testing.assert_allclose(sorted_xy(ca), sorted_xy(cb), atol=1e-12)
    pa = a["LOWER_RELIEF_300UM"]["LWPOLYLINE"][0]
    pb = b["LOWER_RELIEF_300UM"]["LWPOLYLINE"][0]
    assert polyline_area(pb) == pytest.approx(polyline_area(pa), rel=1e-9)
    ba, bb = bulge_polygon(polyline_points(pa)).bounds, bulge_polygon(polyline_points(pb)).bounds
    assert bb[0] == pytest.approx(2 * axis - ba[2], abs=1e-6)
    assert bb[2] == pytest.approx(2 * axis - ba[0], abs=1e-6)
    # upper layer is not mirrored
    ua = sorted_xy(np.array([[c.dxf.center.x, c.dxf.center.y] for c in a["UPPER_THROUGH"]["CIRCLE"]]))
    ub = sorted_xy(np.array([[c.dxf.center.x, c.dxf.center.y] for c in b["UPPER_THROUGH"]["CIRCLE"]]))
    np.testing.assert_array_equal(ua, ub)
    notes = " ".join(t.dxf.text for t in b["NOTES"]["TEXT"])
    assert "LOWER_RELIEF_300UM" in notes and "seen from the LOWER side (mirrored)" in notes
    assert "UPPER_THROUGH: every opening's outline on the upper surface; through-etched; seen from the " \
           "upper side" in notes


def test_blocks_and_inserts(grid_design: Design, fake_relief: FakeRelief, tmp_path: Path) -> None:
    path, _art = _write(grid_design, fake_relief, tmp_path, blocks=True)
    doc = ezdxf.readfile(path)
    assert not doc.audit().has_errors
    layers = dxf_layers(path)
    ins = layers["UPPER_THROUGH"]["INSERT"]
    assert len(ins) == 20 and "CIRCLE" not in layers["UPPER_THROUGH"]
    assert {i.dxf.name for i in ins} == {"UPPER_THROUGH_D495000NM"}
    relief_blocks = {i.dxf.name for i in layers["LOWER_RELIEF_300UM"]["INSERT"]}
    assert relief_blocks == {"LOWER_RELIEF_300UM_D500000NM"}
    # exploded, the inserts are the same circles as the flattened file
    circles = [e for i in ins for e in i.virtual_entities()]
    assert all(c.dxftype() == "CIRCLE" and c.dxf.radius == pytest.approx(0.2475) for c in circles)
    table = opening_table(grid_design)
    got = sorted_xy(np.array([[c.dxf.center.x, c.dxf.center.y] for c in circles]))
    np.testing.assert_allclose(got, sorted_xy(table.sites.xy), atol=1e-12)


def test_failed_write_keeps_old_file(grid_design: Design, fake_relief: FakeRelief, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path, _ = _write(grid_design, fake_relief, tmp_path)
    before = path.read_bytes()

    def boom(self: EzdxfSink, target: Path) -> None:
        target.write_text("partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(EzdxfSink, "finish", boom)
    with pytest.raises(RuntimeError):
        _write(grid_design.with_(name="other"), fake_relief, tmp_path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mask.dxf"]


def test_layer_table_roles(grid_design: Design, fake_relief: FakeRelief) -> None:
    art = build_artwork(grid_design, fake_relief)
    roles = [s.role for s in art.specs]
    assert roles == [Role.OUTLINE, Role.UPPER, Role.LOWER, Role.LOWER, Role.FIDUCIAL, Role.FIDUCIAL, Role.NOTES]
    assert [s.name for s in art.specs if s.role == Role.LOWER] == ["LOWER_RELIEF_300UM", "LOWER_RELIEF_150UM"]
