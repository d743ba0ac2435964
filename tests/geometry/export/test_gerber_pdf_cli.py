"""Gerber read back with gerbonara, the PDF's pages, the package, refusal on check errors, and the CLI."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from cli.main import main
from geometry.export.artwork import build_artwork
from geometry.export.gerber import write_gerbers
from geometry.export.notes import title_block
from geometry.export.run import FORMATS, ExportRefusedError, export_design
from geometry.fileio import save_design
from geometry.model.design import Design
from geometry.model.profiles import Straight
from tests.geometry.export.readback import flash_area, gerber_objects, region_area
from tests.geometry.export.reliefs import FakeRelief, shapely_area_two_circles


def test_gerber_counts_and_areas(grid_design: Design, fake_relief: FakeRelief, tmp_path: Path) -> None:
    art = build_artwork(grid_design, fake_relief)
    paths = write_gerbers(art, title_block(grid_design, art), tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"{la.layer.name}.gbr" for la in art.layers)
    for la in art.layers:
        text = (tmp_path / f"{la.layer.name}.gbr").read_text()
        assert "%MOMM*%" in text and "TF.FileFunction" in text and "NO APERTURE MODIFICATION" in text
        got = gerber_objects(tmp_path / f"{la.layer.name}.gbr")
        if la.layer.name == "OUTLINE":
            assert len(got["lines"]) == 4 and not got["flashes"]
            continue
        assert len(got["flashes"]) == la.circle_count
        assert flash_area(got["flashes"]) == pytest.approx(la.areas()[0], rel=1e-6)
        dark = [r for r in got["regions"] if r[0]]
        clear = [r for r in got["regions"] if not r[0]]
        assert len(dark) == int((~la.rings.hole).sum()) and len(clear) == int(la.rings.hole.sum())
        assert region_area(got["regions"]) == pytest.approx(la.areas()[1], rel=1e-5)
    lens = gerber_objects(tmp_path / "LOWER_RELIEF_300UM.gbr")["regions"]
    assert region_area(lens) == pytest.approx(shapely_area_two_circles(10.0, 0.0, 0.6, 0.4), rel=1e-5)
    text = (tmp_path / "LOWER_RELIEF_150UM.gbr").read_text()
    assert text.index("%LPC*%") < text.rindex("%LPD*%")  # the hole clears, then dark again for flashes
    assert "G02*" in text or "G03*" in text


def test_gerber_real_relief(bga_design: Design, tmp_path: Path) -> None:
    from geometry.derive.relief.merged import lower_relief

    relief = lower_relief(bga_design)
    art = build_artwork(bga_design, relief)
    write_gerbers(art, title_block(bga_design, art), tmp_path)
    la = next(la for la in art.layers if la.layer.name.startswith("LOWER"))
    got = gerber_objects(tmp_path / f"{la.layer.name}.gbr")
    assert len([r for r in got["regions"] if not r[0]]) == int(relief.rings.hole.sum()) > 0
    assert region_area(got["regions"]) == pytest.approx(float(relief.rings.region_areas(relief.n_regions).sum()),
                                                        rel=1e-5)
    up = gerber_objects(tmp_path / "UPPER_THROUGH.gbr")["flashes"]
    assert len(up) == 225


def test_pdf_pages(grid_design: Design, fake_relief: FakeRelief, tmp_path: Path) -> None:
    res = export_design(grid_design, tmp_path / "d.pdf", "pdf", relief=fake_relief)
    reader = PdfReader(res.path)
    assert len(reader.pages) == 3
    p1, p2, p3 = (p.extract_text() for p in reader.pages)
    assert "TOP VIEW" in p1 and "13.200" in p1 and "12.400" in p1  # the outline dimensioned
    assert "d_u Ø0.495 ±" in p2 and "theta 60.0° ±" in p2 and "t 0.300 ±" in p2 and "ball Ø0.450 ±" in p2
    assert "NO APERTURE MODIFICATION" in p3 and "CHECK SUMMARY" in p3 and "OPENING TABLE" in p3


def test_refused_with_check_errors_then_forced(grid_design: Design, tmp_path: Path) -> None:
    bad = grid_design.with_(profile=Straight(upper_mm=0.40))  # smaller than the ball: ball-pass fails
    with pytest.raises(ExportRefusedError) as e:
        export_design(bad, tmp_path / "bad.dxf", "dxf")
    assert "ball-pass" in str(e.value) and "ball-pass" in e.value.failed_checks
    assert not (tmp_path / "bad.dxf").exists()
    res = export_design(bad, tmp_path / "bad.dxf", "dxf", force=True)
    assert res.forced and res.path.exists()


@pytest.mark.parametrize("zipped", [False, True])
def test_package_all(bga_design: Design, tmp_path: Path, zipped: bool) -> None:
    out = tmp_path / ("shop.zip" if zipped else "shop")
    export_design(bga_design, out, "all")
    if zipped:
        names = zipfile.ZipFile(out).namelist()
        assert any(n.endswith("README.txt") for n in names)
        assert sum(n.endswith(".gbr") for n in names) == 4
        assert sum(n.endswith(".dxf") for n in names) == 1 and sum(n.endswith(".pdf") for n in names) == 1
    else:
        files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        assert "README.txt" in files and sum(f.endswith(".gbr") for f in files) == 4
        readme = (out / "README.txt").read_text()
        assert "NO APERTURE MODIFICATION" in readme and "LOWER_RELIEF_280UM" in readme
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporaries left


def test_cli_export(bga_design: Design, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bga.ballmask"
    save_design(bga_design, src)
    assert main(["export", str(src), "-o", str(tmp_path / "o.dxf"), "--dxf-version", "R12", "--blocks",
                 "--mirror-lower", "--segments-only"]) == 0
    import ezdxf

    doc = ezdxf.readfile(tmp_path / "o.dxf")
    assert doc.dxfversion == "AC1009"
    assert len(doc.modelspace().query("INSERT")) == 225 + 2
    polys = doc.modelspace().query("POLYLINE")
    assert all(v.dxf.bulge == 0 for p in polys for v in p.vertices)
    assert main(["export", str(src), "-o", str(tmp_path / "g"), "--format", "gerber"]) == 0
    assert len(list((tmp_path / "g").glob("*.gbr"))) == 4
    bad = tmp_path / "bad.ballmask"
    save_design(bga_design.with_(profile=Straight(upper_mm=0.40)), bad)
    capsys.readouterr()
    assert main(["export", str(bad), "-o", str(tmp_path / "bad.dxf")]) == 1
    assert "ball-pass" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "missing.ballmask")]) == 2
    assert main(["export", str(src), "--format", "svg"]) == 2


def test_cli_formats_match() -> None:
    from cli.export import FORMAT_CHOICES

    assert FORMAT_CHOICES == FORMATS


def test_upper_areas_match_design(bga_design: Design) -> None:
    art = build_artwork(bga_design)
    up = art.layer(bga_design.output.upper_layer)
    assert up.areas()[0] == pytest.approx(225 * math.pi * 0.495**2 / 4)
    assert np.all(up.circles[:, 2] == 0.2475)
