"""The registered output formats: DXF, Gerber, the PDF drawing, and the shop package made of them.

Importing this module registers them (:mod:`geometry.export.run` does). Each backend's ``write`` receives the
mode :func:`geometry.export.backends.choose_mode` picked, so the same design always gives the same file whether
it is exported alone or inside the package.
"""

from __future__ import annotations

from pathlib import Path

from geometry.base.atomic import atomic_folder
from geometry.derive.repetition import Repeated, repetition
from geometry.export.backends import Exporter, ExportJob, Mode, register
from geometry.export.dxf import write_dxf
from geometry.export.dxf_stream import write_dxf_blocks, write_dxf_streaming
from geometry.export.gerber import write_gerbers
from geometry.export.gerber_stream import write_gerbers_fast
from geometry.export.package import write_package
from geometry.export.pdf import write_pdf


def _dxf(job: ExportJob, target: Path) -> list[Path]:
    design = job.design
    if job.mode is Mode.BLOCKS:
        rep = repetition(design)
        assert isinstance(rep, Repeated), "choose_mode picks blocks only for repeated designs"
        return [write_dxf_blocks(rep, target, job.title)]
    if job.mode is Mode.STREAM:
        return [write_dxf_streaming(design, target, job.art, job.title)]
    return [write_dxf(job.art, job.title, design.output, target)]


def _gerber(job: ExportJob, target: Path) -> list[Path]:
    if job.mode is Mode.STREAM:
        return write_gerbers_fast(job.design, target, job.art, job.title)
    with atomic_folder(target) as tmp:
        written = write_gerbers(job.art, job.title, tmp)
    return [target / p.name for p in written]


def _pdf(job: ExportJob, target: Path) -> list[Path]:
    return [write_pdf(job.design, job.art, job.title, job.report, target)]


def _package(job: ExportJob, target: Path) -> list[Path]:
    return [write_package(job, target)]


DXF = register(Exporter(
    "dxf", "DXF (one file, layers per face and depth)", ".dxf", frozenset({Mode.OBJECT, Mode.STREAM, Mode.BLOCKS}),
    _dxf,
    package_path=lambda stem: f"{stem}.dxf",
    describe=lambda rel: f"{rel}: the artwork, one layer per face and etch depth, mm"))
GERBER = register(Exporter(
    "gerber", "Gerber RS-274X (folder, one file per layer)", "", frozenset({Mode.OBJECT, Mode.STREAM}), _gerber,
    package_path=lambda stem: "gerber",
    describe=lambda rel: f"{rel}: layer {Path(rel).stem} (RS-274X, X2, mm)"))
PDF = register(Exporter(
    "pdf", "Fabrication drawing (PDF)", ".pdf", frozenset({Mode.OBJECT}), _pdf,
    package_path=lambda stem: f"{stem}.pdf",
    describe=lambda rel: f"{rel}: fabrication drawing (top view, cross-sections, checks, notes)"))
PACKAGE = register(Exporter(
    "all", "Everything for the shop (folder)", "", frozenset({Mode.OBJECT}), _package))


def _gds(job: ExportJob, target: Path) -> list[Path]:
    from geometry.export.gds import write_design_gds

    return [write_design_gds(job.design, job.art, target, "gds")]


def _oasis(job: ExportJob, target: Path) -> list[Path]:
    from geometry.export.gds import write_design_gds

    return [write_design_gds(job.design, job.art, target, "oasis")]


GDS = register(Exporter(
    "gds", "GDS2 (one layer per DXF layer, circles as polygons)", ".gds", frozenset({Mode.OBJECT, Mode.STREAM}),
    _gds))
OASIS = register(Exporter(
    "oasis", "OASIS (one layer per DXF layer, circles as polygons)", ".oas", frozenset({Mode.OBJECT, Mode.STREAM}),
    _oasis))
