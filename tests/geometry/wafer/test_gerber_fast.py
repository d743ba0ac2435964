"""The streamed Gerber read back with gerbonara: counts and areas per layer match the artwork."""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import pytest

from geometry.derive.relief.merged import lower_relief
from geometry.export.artwork import build_artwork
from geometry.export.gerber_stream import write_gerbers_fast
from geometry.export.notes import title_block
from geometry.model.layouts import GridLayout
from tests.geometry.export.readback import flash_area, gerber_objects, region_area
from tests.geometry.wafer.conftest import wafer_design


def test_streamed_gerber_reads_back(tmp_path: Path) -> None:
    d = wafer_design(die=GridLayout(3, 4, 0.24), die_mm=10.0, diameter_mm=100.0)
    art = build_artwork(d, lower_relief(d))
    title = title_block(d, art, datetime.date(2024, 1, 1))
    paths = write_gerbers_fast(d, tmp_path / "gbr", art, title)
    assert sorted(p.name for p in paths) == sorted(f"{la.layer.name}.gbr" for la in art.layers)
    for la in art.layers:
        objs = gerber_objects(tmp_path / "gbr" / f"{la.layer.name}.gbr")
        assert len(objs["flashes"]) == la.circle_count
        circ, reg = la.areas()
        if la.circle_count:
            assert flash_area(objs["flashes"]) == pytest.approx(circ, rel=1e-6)
        if la.layer.name.startswith("LOWER_RELIEF_"):
            assert sum(dark for dark, _ in objs["regions"]) == la.n_regions
            assert region_area(objs["regions"]) == pytest.approx(reg, rel=1e-4)
        if la.layer.name == "OUTLINE":
            assert len(objs["lines"]) == 4
    assert not math.isnan(sum(la.areas()[1] for la in art.layers))
