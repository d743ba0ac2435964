"""export_design hands large designs to the streaming writers; what they write reads back like the small path."""

from __future__ import annotations

from pathlib import Path

import ezdxf
import numpy as np

from geometry.derive.openings import opening_table
from geometry.derive.relief.merged import lower_relief
from geometry.export.artwork import build_artwork
from geometry.export.run import LARGE_ENTITY_COUNT, art_entity_count, export_design
from geometry.model.design import example_grid_design


def test_large_grid_streams_dxf_and_gerber_with_the_same_content(tmp_path: Path) -> None:
    d = example_grid_design(rows=150, cols=150, pitch_mm=0.8, ball_mm=0.45, thickness_mm=0.28)
    art = build_artwork(d)
    assert art_entity_count(art) > LARGE_ENTITY_COUNT
    out = export_design(d, tmp_path / "big.dxf", "dxf").path
    doc = ezdxf.readfile(out)
    assert not doc.audit().has_errors
    msp = doc.modelspace()
    circles = msp.query(f'CIRCLE[layer=="{d.output.upper_layer}"]')
    assert len(circles) == len(opening_table(d).rows) == 22_500
    radii = np.array([c.dxf.radius for c in circles])
    assert np.allclose(radii, d.opening.upper_mm / 2)
    relief = lower_relief(d)
    polys = msp.query(f'LWPOLYLINE[layer=="{d.output.lower_layer(0.28)}"]')
    assert len(polys) == len(relief.rings)
    gerbers = export_design(d, tmp_path / "gbr", "gerber").path
    upper = (gerbers / f"{d.output.upper_layer}.gbr").read_text()
    assert upper.count("D03*") == 22_500
    assert "%MOMM*%" in upper


def test_large_pdf_draws_crowded_layers_as_coverage(tmp_path: Path) -> None:
    """A wafer-sized layer is drawn as the cells it covers: the page stays small and fast, yet shows the layer."""
    import pypdf

    from geometry.export import pdf

    d = example_grid_design(rows=150, cols=150, pitch_mm=0.8, ball_mm=0.45, thickness_mm=0.28)
    out = export_design(d, tmp_path / "big.pdf", "pdf").path
    page = pypdf.PdfReader(out).pages[0].extract_text()
    assert "TOP VIEW" in page
    assert out.stat().st_size < 3_000_000
    # the small example still draws every opening: its top view has one circle path per opening
    small = example_grid_design(rows=4, cols=4)
    art = build_artwork(small)
    assert all(len(la.circles) + len(la.rings.bulge) <= pdf.DRAW_LIMIT for la in art.layers)
