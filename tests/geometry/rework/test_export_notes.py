"""The exporters' notes say that a rework mask is one, and for which device."""

from __future__ import annotations

from geometry.base.resources import resource_path
from geometry.export.artwork import build_artwork
from geometry.export.notes import title_block
from geometry.fileio import load_design


def test_rework_notes_name_the_device():
    d = load_design(resource_path("examples", "rework-bga-0.8mm-tapered.ballmask"))
    lines = title_block(d, build_artwork(d)).lines
    assert lines[1].startswith("REWORK MASK for U7 on board SN-2231")
    assert "1 site(s) closed" in lines[1]
    production = load_design(resource_path("examples", "bga-0.8mm-tapered.ballmask"))
    assert not any("REWORK" in line for line in title_block(production, build_artwork(production)).lines)
