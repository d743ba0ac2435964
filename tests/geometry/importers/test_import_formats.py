"""Pad import from every format: files made here with klayout, ezdxf or by hand, each import compared with the
layout that made the file (count, positions within the snap tolerance, diameters, names)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cli.main import main
from geometry.base.errors import DesignError
from geometry.base.resources import example_paths
from geometry.fileio import load_design
from geometry.fileio.importers.importing import ImportOptions, import_layout
from geometry.model.layouts import GridLayout, Pad, Recognition, StaggeredLayout
from geometry.model.layouts.depopulation import CentreVoid
from geometry.model.sites import Sites

klayout = pytest.importorskip("klayout.db")
SNAP = 0.001


def polygon(cx: float, cy: float, d: float, n: int = 28, phase: float = 0.3) -> list[tuple[float, float]]:
    a = phase + 2 * np.pi * np.arange(n) / n
    return list(zip((cx + d / 2 * np.cos(a)).tolist(), (cy + d / 2 * np.sin(a)).tolist(), strict=True))


def reference(layout: GridLayout | StaggeredLayout, big: tuple[str, ...] = ()) -> Sites:
    """Populated sites of a generated layout; the named sites get a 0.35 mm pad instead of 0.3 mm."""
    s = layout.generate(Pad(0.3))
    s = s.take(s.populated)
    return s.replace(pad_mm=np.where(np.isin(s.names, big), 0.35, 0.3))


def write_gds(path: Path, sites: Sites, *, layer: tuple[int, int] = (3, 0), dbu: float = 0.001,
              empty_layer: bool = True) -> None:
    """Each pad a 28-gon in um on ``layer``; an empty layer 9/0 (a box elsewhere would be a pad)."""
    ly = klayout.Layout()
    ly.dbu = dbu
    top = ly.create_cell("TOP")
    li = ly.layer(*layer)
    for x, y, d in zip(sites.x_mm, sites.y_mm, sites.pad_mm, strict=True):
        pts = [klayout.DPoint(px * 1000, py * 1000) for px, py in polygon(x, y, d)]
        top.shapes(li).insert(klayout.DPolygon(pts))
    if empty_layer:
        top.shapes(ly.layer(9, 0)).insert(klayout.DText("label", 0, 0))
    ly.write(str(path))


def assert_same(result_cols: object, ref: Sites, tol: float = SNAP) -> None:
    from geometry.model.layouts import SiteColumns

    assert isinstance(result_cols, SiteColumns)
    got = {n: (x, y) for n, x, y in zip(result_cols.names.tolist(), result_cols.x_mm, result_cols.y_mm,
                                        strict=True)}
    assert sorted(got) == sorted(ref.names.tolist())
    for n, x, y in zip(ref.names.tolist(), ref.x_mm, ref.y_mm, strict=True):
        assert math.hypot(got[n][0] - x, got[n][1] - y) <= tol, n


def test_gds_28gons_depopulated_centre_two_sizes(tmp_path: Path) -> None:
    lay = GridLayout(10, 10, 0.8, depopulation=(CentreVoid(2),))
    ref = reference(lay, big=("A1", "A10", "K1", "K10"))
    path = tmp_path / "pkg.gds"
    write_gds(path, ref)
    r = import_layout(path, ImportOptions(layer="3/0"))
    rec = r.recognised
    assert len(rec.columns) == 96
    assert rec.polygons_as_circles == 96
    assert_same(rec.columns, ref)
    assert rec.pad_mm == pytest.approx(0.3, abs=1e-6)
    own = dict(zip(rec.columns.names.tolist(), rec.columns.pad_mm.tolist(), strict=True))
    assert own["A1"] == pytest.approx(0.35, abs=1e-6)
    assert math.isnan(own["B2"])
    assert [c for _, c in rec.size_classes] == [92, 4]
    assert rec.grid is not None
    assert (rec.grid.pitch_x_mm, rec.grid.rows, rec.grid.cols) == (pytest.approx(0.8), 10, 10)
    assert sorted(rec.depopulated) == ["E5", "E6", "F5", "F6"]
    assert rec.off_grid == ()
    text = "\n".join(r.report_lines())
    assert "missing sites (depopulated): 4" in text
    assert "92 x 0.3000 mm, 4 x 0.3500 mm" in text
    assert r.record.layer == "3/0"
    assert len(r.record.sha256) == 64


def test_oasis_staggered_grid(tmp_path: Path) -> None:
    lay = StaggeredLayout(6, 7, 0.5, 0.4)
    ref = reference(lay)
    path = tmp_path / "pkg.oas"
    write_gds(path, ref)
    r = import_layout(path, ImportOptions(fmt="oasis", layer="3/0"))
    assert r.recognised.grid is not None
    assert r.recognised.grid.staggered
    assert r.recognised.depopulated == ()
    assert_same(r.recognised.columns, ref)


def test_bottom_view_is_mirrored_and_named_from_the_chosen_corner(tmp_path: Path) -> None:
    lay = GridLayout(4, 5, 1.0)
    ref = reference(lay)
    mirrored = ref.replace(x_mm=-ref.x_mm)
    path = tmp_path / "bottom.gds"
    write_gds(path, mirrored)
    r = import_layout(path, ImportOptions(layer="3/0", recognition=Recognition(view="bottom")))
    assert r.recognised.mirrored
    assert_same(r.recognised.columns, ref)
    # A1 at the bottom-right of the top view instead: the names turn, the positions stay.
    r2 = import_layout(path, ImportOptions(layer="3/0", recognition=Recognition(view="bottom", a1="bottom-right")))
    got = dict(zip(r2.recognised.columns.names.tolist(), r2.recognised.columns.x_mm.tolist(), strict=True))
    assert got["A1"] == pytest.approx(ref.x_mm.max())
    assert "view: bottom" in "\n".join(r.report_lines())


def test_off_grid_pads_keep_generated_names_and_snap_is_reported(tmp_path: Path) -> None:
    lay = GridLayout(5, 5, 0.8)
    ref = reference(lay)
    x = ref.x_mm.copy()
    x[3] += 0.0004  # within the 1 um snap tolerance
    noisy = ref.replace(x_mm=x)
    extra = Sites.build(["", ""], [0.33, 5.0], [0.11, 5.0], 0.3)
    path = tmp_path / "off.gds"
    write_gds(path, Sites.concat([noisy, extra]))
    r = import_layout(path, ImportOptions(layer="3/0"))
    rec = r.recognised
    assert rec.off_grid == ("X1", "X2")
    assert rec.largest_snap_mm == pytest.approx(0.0004, abs=2e-5)
    names = rec.columns.names.tolist()
    snapped = rec.columns.x_mm[names.index(str(ref.names[3]))]
    assert rec.grid is not None
    assert snapped == pytest.approx(rec.grid.origin_x_mm + 3 * rec.grid.pitch_x_mm, abs=1e-12)  # on its node
    assert snapped == pytest.approx(ref.x_mm[3], abs=2e-5)
    assert rec.columns.x_mm[names.index("X1")] == pytest.approx(0.33, abs=1e-6)


def test_empty_layer_ambiguous_layers_and_corrupt_file(tmp_path: Path) -> None:
    ref = reference(GridLayout(3, 3, 1.0))
    path = tmp_path / "two.gds"
    ly = klayout.Layout()
    top = ly.create_cell("TOP")
    for layer in ((3, 0), (4, 0)):
        for x, y in zip(ref.x_mm, ref.y_mm, strict=True):
            top.shapes(ly.layer(*layer)).insert(klayout.DPolygon(
                [klayout.DPoint(px * 1000, py * 1000) for px, py in polygon(x, y, 0.3)]))
    top.shapes(ly.layer(9, 0)).insert(klayout.DText("x", 0, 0))
    ly.write(str(path))
    with pytest.raises(DesignError, match=r"several layers have pads: 3/0 \(9 pads\), 4/0 \(9 pads\)"):
        import_layout(path)
    with pytest.raises(DesignError, match="has no pads"):
        import_layout(path, ImportOptions(layer="9/0"))
    with pytest.raises(DesignError, match="is not a layer of the file"):
        import_layout(path, ImportOptions(layer="5/0"))
    bad = tmp_path / "corrupt.gds"
    bad.write_bytes(b"\x00\x06\x00\x02\x00\x07" + b"\xff" * 40)
    with pytest.raises(DesignError, match=r"corrupt\.gds.*not a readable GDS"):
        import_layout(bad)


def test_two_pitches_are_an_error_naming_both(tmp_path: Path) -> None:
    xs = [0.0, 0.8, 1.6, 2.4, 3.4, 4.4, 5.4]
    s = Sites.build([""] * len(xs), xs, [0.0] * len(xs), 0.3)
    path = tmp_path / "pitches.gds"
    write_gds(path, s, empty_layer=False)
    with pytest.raises(DesignError, match=r"two pitches are plausible \(0.8 mm.*1 mm"):
        import_layout(path)


def test_dxf_blocks_bulges_and_inch_units(tmp_path: Path) -> None:
    import ezdxf

    ref = reference(GridLayout(4, 4, 1.27))
    doc = ezdxf.new("R2000", units=1)  # inch
    blk = doc.blocks.new("PAD")
    blk.add_circle((0, 0), 0.3 / 25.4 / 2, dxfattribs={"layer": "0"})
    msp = doc.modelspace()
    for k, (x, y) in enumerate(zip(ref.x_mm / 25.4, ref.y_mm / 25.4, strict=True)):
        if k % 2:
            msp.add_blockref("PAD", (x, y), dxfattribs={"layer": "PADS"})
        else:  # a circle drawn as two bulged segments
            r = 0.3 / 25.4 / 2
            msp.add_lwpolyline([(x - r, y, 0, 0, 1), (x + r, y, 0, 0, 1)], format="xyseb", close=True,
                               dxfattribs={"layer": "PADS"})
    msp.add_line((0, 0), (1, 1), dxfattribs={"layer": "PADS"})
    path = tmp_path / "pkg.dxf"
    doc.saveas(path)
    r = import_layout(path, ImportOptions(layer="PADS"))
    assert r.unit == "inch"
    assert_same(r.recognised.columns, ref)
    assert r.recognised.pad_mm == pytest.approx(0.3, abs=1e-6)
    # The unit overridden: numbers read as mm give a grid 25.4 times smaller.
    small = import_layout(path, ImportOptions(layer="PADS", units="mm"))
    assert small.recognised.grid is not None
    assert small.recognised.grid.pitch_x_mm == pytest.approx(0.05, abs=1e-6)


def test_unitless_dxf_asks_for_units(tmp_path: Path) -> None:
    import ezdxf

    doc = ezdxf.new("R12")
    doc.modelspace().add_circle((0, 0), 0.15)
    doc.modelspace().add_circle((1, 0), 0.15)
    path = tmp_path / "r12.dxf"
    doc.saveas(path)
    with pytest.raises(DesignError, match="give --units"):
        import_layout(path)
    assert len(import_layout(path, ImportOptions(units="mm")).recognised.columns) == 2


GERBER_HEAD = "%FSLAX46Y46*%\n%MOIN*%\n%TF.FileFunction,Soldermask,Top*%\n%ADD10C,0.011811*%\n%ADD11C,0.013780*%\n"


def gerber_text(ref: Sites, region_every: int = 0) -> str:
    lines = [GERBER_HEAD, "D10*"]
    for k, (x, y, d) in enumerate(zip(ref.x_mm, ref.y_mm, ref.pad_mm, strict=True)):
        if region_every and k % region_every == 0:
            pts = polygon(x / 25.4, y / 25.4, d / 25.4, 32)
            lines.append("G36*")
            lines.append("X{}Y{}D02*".format(*(round(v * 1e6) for v in pts[0])))
            lines += ["X{}Y{}D01*".format(*(round(v * 1e6) for v in p)) for p in pts[1:] + pts[:1]]
            lines.append("G37*")
            continue
        lines.append("D11*" if d > 0.32 else "D10*")
        lines.append(f"X{round(x / 25.4 * 1e6)}Y{round(y / 25.4 * 1e6)}D03*")
    lines.append("M02*")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("regions", [0, 3], ids=["flashes-fast-path", "with-regions-gerbonara"])
def test_gerber_inch_flashes_and_regions(tmp_path: Path, regions: int) -> None:
    ref = reference(GridLayout(6, 6, 1.0), big=("A1",))
    path = tmp_path / "mask.gbr"
    path.write_text(gerber_text(ref, regions), encoding="ascii")
    r = import_layout(path)
    assert r.pads.layer == "soldermask"
    assert r.pad_kind.name == "SOLDER_RESIST"
    assert r.unit == "inch"
    assert_same(r.recognised.columns, ref, tol=0.0002)  # 1 uinch grid of the file
    assert dict(zip(r.recognised.columns.names.tolist(), r.recognised.columns.pad_mm.tolist(),
                    strict=True))["A1"] == pytest.approx(0.35, abs=1e-4)
    if regions:
        assert r.recognised.polygons_as_circles == 12


IPC = """<?xml version="1.0"?>
<IPC-2581 revision="C" xmlns="http://webstds.ipc.org/2581">
 <Content><DictionaryStandard units="MICRON">
  <EntryStandard id="RND300"><Circle diameter="300"/></EntryStandard>
 </DictionaryStandard></Content>
 <Ecad><CadHeader units="MICRON"/><CadData>
  <Layer name="TOP" layerFunction="CONDUCTOR" side="TOP"/>
  <Layer name="INNER" layerFunction="CONDUCTOR" side="INTERNAL"/>
  <Step name="pkg"><LayerFeature layerRef="TOP">
{pads}
  </LayerFeature></Step>
 </CadData></Ecad>
</IPC-2581>
"""


def test_ipc2581_pins_and_um_units(tmp_path: Path) -> None:
    ref = reference(GridLayout(3, 4, 0.65))
    pads = "\n".join(
        f'<Set net="N{k}"><Pad><Location x="{x * 1000:.1f}" y="{y * 1000:.1f}"/>'
        f'<StandardPrimitiveRef id="RND300"/><PinRef componentRef="U1" pin="{n}"/></Pad></Set>'
        for k, (n, x, y) in enumerate(zip(ref.names.tolist(), ref.x_mm, ref.y_mm, strict=True)))
    path = tmp_path / "pkg.xml"
    path.write_text(IPC.format(pads=pads), encoding="utf-8")
    r = import_layout(path)  # INNER has no pads, so TOP is the one layer
    assert r.unit == "um"
    assert r.recognised.names_from == "source"
    assert_same(r.recognised.columns, ref)
    assert r.recognised.pad_mm == pytest.approx(0.3)


def test_kicad_rotated_footprint_keeps_its_pad_names(tmp_path: Path) -> None:
    ref = reference(GridLayout(4, 4, 0.8))
    # The footprint drawn rotated by 90 degrees (y down, as KiCad draws): pad (x, y) -> (-y, x) in y-up.
    pads = "\n".join(
        f'  (pad "{n}" smd circle (at {-y:.4f} {-x:.4f}) (size 0.3 0.3) (layers "F.Cu" "F.Mask"))'
        for n, x, y in zip(ref.names.tolist(), ref.x_mm, ref.y_mm, strict=True))
    path = tmp_path / "BGA16.kicad_mod"
    path.write_text(f'(footprint "BGA16" (layer "F.Cu")\n{pads}\n)\n', encoding="utf-8")
    with pytest.raises(DesignError, match="several layers"):
        import_layout(path)
    r = import_layout(path, ImportOptions(layer="F.Cu"))
    got = {n: (x, y) for n, x, y in zip(r.recognised.columns.names.tolist(), r.recognised.columns.x_mm,
                                        r.recognised.columns.y_mm, strict=True)}
    for n, x, y in zip(ref.names.tolist(), ref.x_mm, ref.y_mm, strict=True):
        assert got[n] == (pytest.approx(-y, abs=1e-9), pytest.approx(x, abs=1e-9))
    bad = tmp_path / "bad.kicad_mod"
    bad.write_text('(footprint "X" (pad "1" smd circle (at 0 0) (size 0.3 0.3))', encoding="utf-8")
    with pytest.raises(DesignError, match="bracket is missing"):
        import_layout(bad)


def test_square_pads_are_refused_or_taken_inscribed(tmp_path: Path) -> None:
    ly = klayout.Layout()
    top = ly.create_cell("TOP")
    for k in range(3):
        top.shapes(ly.layer(3, 0)).insert(klayout.DBox(k * 800 - 150, -150, k * 800 + 150, 150))
    path = tmp_path / "squares.gds"
    ly.write(str(path))
    with pytest.raises(DesignError, match="3 pads are not round"):
        import_layout(path)
    r = import_layout(path, ImportOptions(non_round="inscribed"))
    assert r.recognised.pad_mm == pytest.approx(0.3)
    assert len(r.recognised.inscribed) == 3


def test_cli_import_writes_the_design_and_compare_finds_differences(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    ref = reference(GridLayout(5, 5, 0.8))
    src = tmp_path / "pkg.gds"
    write_gds(src, ref)
    out = tmp_path / "pkg.ballmask"
    assert main(["import", str(src), "--layer", "3/0", "--ball", "0.4", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "grid: pitch 0.8000 x 0.8000 mm, 5 rows x 5 columns" in text
    d = load_design(out)
    assert d.layout.source.file == "pkg.gds"  # type: ignore[attr-defined]
    assert_same(d.layout.sites, ref)  # type: ignore[attr-defined]
    assert main(["compare", str(out), str(src), "--layer", "3/0"]) == 0
    assert "no differences" in capsys.readouterr().out
    moved = ref.replace(x_mm=np.where(ref.names == "C3", ref.x_mm + 0.05, ref.x_mm))
    write_gds(src, moved)
    assert main(["compare", str(out), str(src), "--layer", "3/0"]) == 1
    text = capsys.readouterr().out
    assert "opening C3 at (0.0000, 0.0000) mm without pad, nearest pad 50.0 um away" in text
    assert main(["import", str(tmp_path / "missing.gds"), "--report-only"]) == 2
    assert "missing.gds" in capsys.readouterr().err


@pytest.mark.parametrize("example", [p for p in example_paths() if "rework" not in p.name], ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["dxf", "gerber"])
def test_round_trip_export_import_compare_has_no_differences(tmp_path: Path, example: Path, fmt: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / ("mask.dxf" if fmt == "dxf" else "gerbers")
    assert main(["export", str(example), "--format", fmt, "-o", str(out), "--force"]) == 0
    src = out if fmt == "dxf" else out / "UPPER_THROUGH.gbr"
    capsys.readouterr()
    assert main(["compare", str(example), str(src), "--layer", "UPPER_THROUGH" if fmt == "dxf" else "gerber"]) == 0
    text = capsys.readouterr().out
    n = int(load_design(example).sites().populated.sum())
    assert f"matched: {n} " in text
    assert "no differences" in text


def test_re_import_lists_added_removed_moved_and_resized_sites(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    ref = reference(GridLayout(4, 4, 1.0))
    src = tmp_path / "rev-a.gds"
    write_gds(src, ref)
    design = tmp_path / "d.ballmask"
    assert main(["import", str(src), "--layer", "3/0", "--ball", "0.4", "-o", str(design)]) == 0
    # Revision B: D4 gone, C3 off by 0.3 um (snapped back: no move), A1 larger, a row E below.
    rev = ref.take(ref.names != "D4")
    rev = rev.replace(x_mm=np.where(rev.names == "C3", rev.x_mm + 0.0003, rev.x_mm),
                      pad_mm=np.where(rev.names == "A1", 0.35, rev.pad_mm))
    row_e = Sites.build(["", "", "", ""], ref.x_mm[:4], ref.y_mm[12:16] - 1.0, 0.3)
    src_b = tmp_path / "rev-b.gds"
    write_gds(src_b, Sites.concat([rev, row_e]))
    capsys.readouterr()
    assert main(["import", str(src_b), "--layer", "3/0", "--against", str(design), "--report-only"]) == 0
    text = capsys.readouterr().out
    assert "sites added: 4: E1, E2, E3, E4" in text
    assert "sites removed: 1: D4" in text
    assert "sites moved: 0" in text
    assert "  A1 0.3000 -> 0.3500 mm" in text
    # Names from the source (KiCad): a pad moved by 50 um is a move, not a removal and an addition.
    def footprint(dx: float) -> str:
        pads = "\n".join(f'  (pad "{n}" smd circle (at {x + (dx if n == "B2" else 0):.4f} {-y:.4f}) (size 0.3 0.3) '
                         f'(layers "F.Cu"))' for n, x, y in zip(ref.names.tolist(), ref.x_mm, ref.y_mm, strict=True))
        return f'(footprint "F"\n{pads}\n)\n'
    ka, kb = tmp_path / "a.kicad_mod", tmp_path / "b.kicad_mod"
    ka.write_text(footprint(0.0), encoding="utf-8")
    kb.write_text(footprint(0.05), encoding="utf-8")
    kd = tmp_path / "k.ballmask"
    assert main(["import", str(ka), "--ball", "0.4", "-o", str(kd)]) == 0
    capsys.readouterr()
    assert main(["import", str(kb), "--against", str(kd), "--report-only"]) == 0
    text = capsys.readouterr().out
    assert "sites moved: 1\n  B2 by 50.000 um" in text
    assert "off-grid pads: 1: B2" in text


def test_corrupt_gerber_and_kicad_name_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "broken.gbr"
    bad.write_text("this is not gerber\n", encoding="ascii")
    assert main(["import", str(bad), "--report-only"]) == 2
    err = capsys.readouterr().err
    assert "broken.gbr" in err
    assert "not a readable Gerber file" in err
    assert "Traceback" not in err
