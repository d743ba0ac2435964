"""The streamed DXF and the die-block DXF read back with ezdxf: audit clean, same counts and areas."""

from __future__ import annotations

import datetime
import math
from collections import Counter
from pathlib import Path

import ezdxf
import ezdxf.path
import pytest
from ezdxf.math import area as poly_area

from geometry.derive.relief.merged import lower_relief
from geometry.derive.repetition import Repeated, repetition
from geometry.export.artwork import build_artwork
from geometry.export.dxf import write_dxf
from geometry.export.dxf_stream import write_dxf_blocks, write_dxf_streaming
from geometry.export.notes import title_block
from geometry.model.layouts import GridLayout
from tests.geometry.wafer.conftest import wafer_design

DAY = datetime.date(2024, 1, 1)


def _summary(path: Path) -> tuple[Counter[tuple[str, str]], dict[str, float]]:
    doc = ezdxf.readfile(path)
    auditor = doc.audit()
    assert not auditor.has_errors
    assert doc.header["$INSUNITS"] == 4
    counts: Counter[tuple[str, str]] = Counter()
    areas: dict[str, float] = {}

    def visit(e: ezdxf.entities.DXFGraphic) -> None:
        counts[(e.dxftype(), e.dxf.layer)] += 1
        if e.dxftype() == "CIRCLE":
            areas[e.dxf.layer] = areas.get(e.dxf.layer, 0.0) + math.pi * e.dxf.radius**2
        elif e.dxftype() == "LWPOLYLINE":
            path = ezdxf.path.make_path(e)
            a = poly_area(list(path.flattening(1e-5)))
            areas[e.dxf.layer] = areas.get(e.dxf.layer, 0.0) + a

    for e in doc.modelspace():
        if e.dxftype() == "INSERT":
            for v in e.virtual_entities():
                visit(v)
        else:
            visit(e)
    return counts, areas


@pytest.fixture(scope="module")
def design() -> object:
    return wafer_design(die=GridLayout(4, 5, 0.24), die_mm=3.0, diameter_mm=100.0)


def test_streamed_dxf_equals_the_ezdxf_one(design: object, tmp_path: Path) -> None:
    from geometry.model.design import Design

    assert isinstance(design, Design)
    art = build_artwork(design, lower_relief(design))
    title = title_block(design, art, DAY)
    write_dxf_streaming(design, tmp_path / "fast.dxf", art, title)
    write_dxf(art, title, design.output, tmp_path / "slow.dxf")
    fast, slow = _summary(tmp_path / "fast.dxf"), _summary(tmp_path / "slow.dxf")
    assert fast[0] == slow[0]
    assert fast[0][("CIRCLE", "UPPER_THROUGH")] == len(design.sites())
    for layer, a in slow[1].items():
        assert fast[1][layer] == pytest.approx(a, rel=1e-7)
    # every contour's exact area, arcs included (holes are contours of their own in the DXF)
    relief = lower_relief(design)
    relief_area = float(abs(relief.rings.signed_areas()).sum() + (math.pi * relief.circle_r_mm**2).sum())
    lower = sum(a for layer, a in fast[1].items() if layer.startswith("LOWER_RELIEF_"))
    assert lower == pytest.approx(relief_area, rel=1e-6)


def test_block_dxf_expands_to_the_same_drawing(design: object, tmp_path: Path) -> None:
    from geometry.model.design import Design

    assert isinstance(design, Design)
    art = build_artwork(design, lower_relief(design))
    title = title_block(design, art, DAY)
    write_dxf_streaming(design, tmp_path / "flat.dxf", art, title)
    rep = repetition(design)
    assert isinstance(rep, Repeated)
    write_dxf_blocks(rep, tmp_path / "blocks.dxf", title)
    flat, blocks = _summary(tmp_path / "flat.dxf"), _summary(tmp_path / "blocks.dxf")
    assert blocks[0] == flat[0]
    for layer, a in flat[1].items():
        assert blocks[1][layer] == pytest.approx(a, rel=1e-7)
    doc = ezdxf.readfile(tmp_path / "blocks.dxf")
    inserts = [e for e in doc.modelspace() if e.dxftype() == "INSERT"]
    assert len(inserts) == 2 * len(set(design.sites().group.tolist()))
