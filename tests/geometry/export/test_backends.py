"""The exporter registry: the shop package holds exactly the files the single formats write."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import replace
from pathlib import Path

import ezdxf
import pytest

from geometry.base.resources import resource_path
from geometry.derive.repetition import Repeated, repetition
from geometry.export.artwork import build_artwork
from geometry.export.backends import REGISTRY, Mode, choose_mode
from geometry.export.package import base_name
from geometry.export.run import FORMATS, export_design
from geometry.fileio import load_design
from geometry.model.design import Design
from geometry.model.layouts import GridLayout
from tests.geometry.wafer.conftest import wafer_design

DAY = datetime.date(2026, 1, 2)
EXAMPLES = sorted(p.name for p in resource_path("examples").iterdir() if p.suffix == ".ballmask")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_format_is_registered_once_and_all_is_the_package() -> None:
    assert tuple(REGISTRY) == FORMATS
    assert {"dxf", "gerber", "pdf", "all"} <= set(FORMATS)
    assert REGISTRY["all"].package_path is None
    assert all(REGISTRY[n].package_path is not None for n in ("dxf", "gerber", "pdf"))


def _package_equals_single_formats(design: Design, tmp_path: Path) -> None:
    pkg = export_design(design, tmp_path / "pkg", "all", force=True, date=DAY).path
    stem = base_name(design)
    for name, exp in REGISTRY.items():
        if exp.package_path is None:
            continue
        single = export_design(design, tmp_path / f"single_{name}{exp.suffix}", name, force=True, date=DAY).path
        inside = pkg / exp.package_path(stem)
        if exp.is_folder:
            assert _files(single) == _files(inside), name
        else:
            assert _digest(single) == _digest(inside), name


@pytest.mark.parametrize("example", EXAMPLES)
def test_package_files_are_byte_identical_to_the_single_formats(example: str, tmp_path: Path) -> None:
    design = load_design(resource_path("examples") / example)
    _package_equals_single_formats(design, tmp_path)


def test_wafer_with_blocks_writes_the_same_block_dxf_alone_and_in_the_package(tmp_path: Path) -> None:
    d = wafer_design(die=GridLayout(4, 5, 0.24), die_mm=3.0, diameter_mm=100.0)
    d = d.with_(output=replace(d.output, blocks=True))
    assert d.output.blocks
    assert isinstance(repetition(d), Repeated)
    assert choose_mode(REGISTRY["dxf"], d, build_artwork(d)) is Mode.BLOCKS
    _package_equals_single_formats(d, tmp_path)
    doc = ezdxf.readfile(tmp_path / "single_dxf.dxf")
    assert any(e.dxftype() == "INSERT" for e in doc.modelspace())
    assert "DIE_UPPER_THROUGH" in [b.name for b in doc.blocks]


def test_large_designs_stream_and_small_ones_use_objects() -> None:
    small = GridLayout(3, 3, 0.8)
    d = wafer_design(die=GridLayout(20, 20, 0.24), die_mm=4.8, diameter_mm=100.0)
    assert choose_mode(REGISTRY["dxf"], d, build_artwork(d)) is Mode.STREAM
    assert choose_mode(REGISTRY["gerber"], d, build_artwork(d)) is Mode.STREAM
    assert choose_mode(REGISTRY["pdf"], d, build_artwork(d)) is Mode.OBJECT
    s = d.with_(layout=small)
    assert choose_mode(REGISTRY["dxf"], s, build_artwork(s)) is Mode.OBJECT
