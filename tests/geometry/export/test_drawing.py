"""The fabrication drawing read back: scale measured on the page, title-block fields, opening-table counts
computed independently from the design, fonts embedded, dates and metadata, no text over text, nothing outside
the frame."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from geometry.base.resources import example_paths
from geometry.export.drawing.facts import site_ranges
from geometry.export.run import export_design
from geometry.fileio import load_design
from geometry.model.design import Design
from geometry.model.drawing_info import DrawingInfo, FrameSettings, ToolingHole
from tests.geometry.export.pdfread import (
    MM,
    fonts,
    outline_width_pt,
    page_sizes_mm,
    page_texts,
    plumber_lines,
    text_outside,
    text_overlaps,
)

EXAMPLES = {p.stem: p for p in example_paths()}


@pytest.fixture(scope="module", params=sorted(EXAMPLES))
def drawn(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Design, Path]:
    design = load_design(EXAMPLES[request.param])
    out = tmp_path_factory.mktemp("drawing") / f"{request.param}.pdf"
    export_design(design, out, "pdf", force=True)
    return design, out


def _expected_counts(design: Design) -> Counter[tuple[float, float]]:
    """(d_u, d_l) -> count, from the sites and the overrides directly (later overrides win)."""
    sites = design.sites()
    prof = [design.profile] * len(sites)
    names = sites.names.tolist()
    for o in design.overrides:
        for i, n in enumerate(names):
            if n in o.sites:
                prof[i] = o.profile
    out: Counter[tuple[float, float]] = Counter()
    for i, p in enumerate(prof):
        if sites.state[i] == 0:
            op = design.resolve(p)
            out[(round(op.upper_mm, 3), round(op.lower_mm, 3))] += 1
    return out


def test_scale_stated_and_measured(drawn: tuple[Design, Path]) -> None:
    design, path = drawn
    first = page_texts(path)[0]
    m = re.search(r"SCALE (\d+):(\d+)", first)
    assert m, first[:200]
    scale = int(m.group(1)) / int(m.group(2))
    x0, _, x1, _ = design.outline_rect()
    widths = outline_width_pt(path)
    assert widths and widths[0] == pytest.approx((x1 - x0) * scale * MM, abs=0.05)
    info = design.drawing
    block = f"{info.general_tolerances} {m.group(1)}:{m.group(2)} mm {design.revision} {info.date} 1 of "
    assert any(block in line for line in plumber_lines(path)[0])  # the title block's scale field says the same


def test_title_block_on_every_sheet(drawn: tuple[Design, Path]) -> None:
    design, path = drawn
    texts = page_texts(path)
    n = len(texts)
    info = design.drawing
    title_words = design.name.split()
    for i, t in enumerate(texts, start=1):
        flat = " ".join(t.split())
        for label in ("Title", "Drawing number", "Revision", "Date", "Sheet", "Scale", "Units", "Material and grade",
                      "Thickness and tolerance", "Drawn by", "Checked by", "Approved by", "General tolerances",
                      "Projection: first angle", "Document type", "REVISIONS"):
            assert label in flat, (i, label)
        assert f"{i} of {n}" in flat
        assert info.drawing_number in flat and info.date in flat and "ISO 2768-f" in flat
        assert all(w in flat for w in title_words)  # the whole name, wrapped but never cut
        assert f"{design.mask.thickness_mm:.3f} ±" in flat and " mm " in f" {flat} "
        assert info.drawn_by in flat


def test_opening_table_counts_are_the_designs(drawn: tuple[Design, Path]) -> None:
    design, path = drawn
    rows: Counter[tuple[float, float]] = Counter()
    total = None
    for lines in plumber_lines(path):
        for line in lines:
            m = re.match(r"^\d+ [a-z-]+ ([\d.]+) ±[\d.]+ ([\d.]+) ±[\d.]+ .*? (\d+) (?:rows [A-Z]|[A-Z]+\d)", line)
            if m:
                rows[(float(m.group(1)), float(m.group(2)))] += int(m.group(3))
            t = re.match(r"^total (\d+) ", line)
            if t:
                total = int(t.group(1))
    expected = _expected_counts(design)
    assert rows == expected
    assert total == sum(expected.values())


def test_rework_sites_listed_and_marked(tmp_path: Path) -> None:
    design = load_design(EXAMPLES["rework-bga-0.8mm-tapered"])
    out = export_design(design, tmp_path / "r.pdf", "pdf", force=True).path
    flat = " ".join(" ".join(page_texts(out)).split())
    assert design.rework is not None
    for site in design.rework.damaged:
        assert re.search(rf"{site} closed -?[\d.]+ -?[\d.]+ opening closed", flat)
    for o in design.overrides:
        for site in o.sites:
            assert re.search(rf"{site} changed -?[\d.]+ -?[\d.]+ own profile", flat)
    assert "closed site" in flat and "changed site" in flat  # the key to the marks on the top view


def test_fonts_embedded_and_metadata(drawn: tuple[Design, Path]) -> None:
    design, path = drawn
    used = fonts(path)
    assert used
    for f in used:
        desc = f["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in f else \
            f.get("/FontDescriptor")
        assert desc is not None, f.get("/BaseFont")
        desc = desc.get_object()
        assert "/FontFile2" in desc or "/FontFile" in desc or "/FontFile3" in desc, f.get("/BaseFont")
    meta = PdfReader(path).metadata
    assert meta is not None
    day = design.drawing.date.replace("-", "")
    assert meta["/CreationDate"].startswith(f"D:{day}") and meta["/ModDate"].startswith(f"D:{day}")
    assert design.name in meta["/Title"] and design.drawing.drawing_number in meta["/Title"]
    assert "ballmask" in meta["/Producer"]


def test_no_text_overlaps_and_nothing_outside(drawn: tuple[Design, Path]) -> None:
    _, path = drawn
    assert text_overlaps(path) == []
    assert text_outside(path) == []


def test_views_and_notes_present(drawn: tuple[Design, Path]) -> None:
    design, path = drawn
    texts = [" ".join(t.split()) for t in page_texts(path)]
    first, second, allt = texts[0], texts[1], " ".join(texts)
    assert "TOP VIEW" in first and "ORIGIN 0,0" in first and "A1" in first and "F1 (" in first
    pitch = design.layout.pitch_x_mm  # type: ignore[attr-defined]
    assert f"x {pitch:.3f} =" in first  # the pitch in the array's chain dimension
    x0, y0, x1, y1 = design.outline_rect()
    assert f"{x1 - x0:.3f}" in first and f"{y1 - y0:.3f}" in first
    for f in design.mask.fiducials:
        assert f"({f.x_mm:.3f}, {f.y_mm:.3f})" in first
    assert "DETAIL A" in second and f"{pitch:.3f} ±" in second and "web" in second
    o = design.opening
    assert f"d_u Ø{o.upper_mm:.3f} ±" in allt and f"d_l Ø{o.lower_mm:.3f} ±" in allt and "ridge" in allt
    assert f"t {design.mask.thickness_mm:.3f} ±" in allt
    if o.tapered:
        assert f"theta {o.angle_deg:.1f}° ±" in allt
    if 0 < o.vertical_mm < o.thickness_mm:
        assert f"h_v {o.vertical_mm:.3f} ±" in allt
    assert "NO APERTURE MODIFICATION" in allt and "ARTWORK SCALE FACTOR" in allt and "CHECK SUMMARY" in allt
    assert all(size in ((297, 210), (420, 297)) for size in page_sizes_mm(path))


def test_frame_and_tooling_holes_on_drawing(tmp_path: Path) -> None:
    design = load_design(EXAMPLES["bga-0.8mm-tapered"])
    holes = (ToolingHole(-9.0, 9.0, 2.0), ToolingHole(9.0, -9.0, 2.0))
    info = DrawingInfo(date="2026-12-02", drawing_number="X-1", quantity=3,
                       frame=FrameSettings("736x736", tooling_holes=holes))
    out = export_design(design.with_(drawing=info), tmp_path / "f.pdf", "pdf", force=True).path
    allt = " ".join(" ".join(page_texts(out)).split())
    assert "736 x 736 mm (29 in) frame" in allt and "FOIL: 606.0 x 606.0 mm" in allt
    assert "FT1 Ø2.00 (-9.000, 9.000)" in allt and "QUANTITY: 3 mask(s)" in allt
    assert "FRAME TOOLING HOLES: FT1 Ø2.000 at (-9.000, 9.000); FT2 Ø2.000 at (9.000, -9.000)" in allt
    assert "FRAME AND FOIL (not to scale)" in allt and "frame 736.0" in allt and "foil 606.0" in allt
    assert PdfReader(out).metadata["/CreationDate"].startswith("D:20261202")
    assert text_overlaps(out) == []


def test_site_ranges() -> None:
    names = [f"{r}{c}" for r in "ABC" for c in range(1, 6)] + ["D1", "D2", "D4", "F3"]
    assert site_ranges(names) == "rows A-C: 1-5; D1-D2, D4; F3"
    assert site_ranges(["B7", "A1", "A2", "A3"]) == "A1-A3; B7"
    assert site_ranges(["X1", "die3", "A2"]) == "A2; X1, die3"  # X is no JEDEC row letter


def test_drawing_info_validation() -> None:
    from geometry.base.errors import DesignError

    with pytest.raises(DesignError, match="date"):
        DrawingInfo(date="1 Dec 2026")
    with pytest.raises(DesignError, match="quantity"):
        DrawingInfo(quantity=0)
    with pytest.raises(DesignError, match="custom frame"):
        FrameSettings("custom")
    assert FrameSettings("584x584").foil_size() == (584.0 - 130.0, 584.0 - 130.0)
    assert np.isclose(FrameSettings("custom", 500.0, 400.0, 30.0, 10.0).foil_size(), (420.0, 320.0)).all()


def test_wafer_drawing_summarises_sites_and_draws_the_detail(tmp_path: Path) -> None:
    from tests.geometry.wafer.conftest import wafer_design

    design = wafer_design()
    out = export_design(design, tmp_path / "w.pdf", "pdf", force=True).path
    texts = [" ".join(t.split()) for t in page_texts(out)]
    n = int((design.sites().state == 0).sum())
    assert len(texts) <= 4  # a wafer's site list goes to sites.csv, not over dozens of sheets
    assert f"{n} sites from " in " ".join(texts) and "(every site in sites.csv)" in " ".join(texts)
    assert "DETAIL A" in texts[1] and "web" in texts[1]
    assert text_overlaps(out) == [] and text_outside(out) == []
