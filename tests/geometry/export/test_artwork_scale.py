"""The artwork scale (docs/checks.md, thermal): every writer gets the scaled artwork, and the notes state it."""

from __future__ import annotations

import ezdxf
import pytest

from geometry.export.artwork import build_artwork
from geometry.export.notes import title_block
from geometry.model.design import example_grid_design
from geometry.model.output_settings import OutputSettings


def test_no_scale_by_default_and_the_notes_say_nothing() -> None:
    d = example_grid_design(3, 3)
    assert d.output.artwork_scale_ppm is None
    art = build_artwork(d)
    assert not any(line.startswith("SCALE") for line in title_block(d, art).lines)


def test_scale_moves_every_opening_about_the_outline_centre(tmp_path) -> None:
    d = example_grid_design(3, 3, thickness_mm=0.28)
    ppm = -72.0
    ds = d.with_(output=OutputSettings(artwork_scale_ppm=ppm))
    plain, scaled = build_artwork(d), build_artwork(ds)
    k = 1 + ppm * 1e-6
    x0, y0, x1, y1 = plain.outline_rect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    up0, up1 = plain.layer("UPPER_THROUGH").circles, scaled.layer("UPPER_THROUGH").circles
    assert up1[:, 0] == pytest.approx(cx + (up0[:, 0] - cx) * k, abs=1e-12)
    assert up1[:, 1] == pytest.approx(cy + (up0[:, 1] - cy) * k, abs=1e-12)
    assert up1[:, 2] == pytest.approx(up0[:, 2] * k, abs=1e-12)
    lines = title_block(ds, scaled).lines
    assert any(line.startswith("SCALE") and "-72.0 ppm" in line for line in lines)
    # read the written DXF back with ezdxf: the corner opening sits where the scale puts it
    from geometry.export.dxf import write_dxf

    path = tmp_path / "m.dxf"
    write_dxf(scaled, title_block(ds, scaled), ds.output, path)
    doc = ezdxf.readfile(path)
    xs = sorted(e.dxf.center.x for e in doc.modelspace().query("CIRCLE") if e.dxf.layer == "UPPER_THROUGH")
    assert xs[0] == pytest.approx(cx + (up0[:, 0].min() - cx) * k, abs=1e-9)
    assert xs[0] != pytest.approx(up0[:, 0].min(), abs=1e-6)
