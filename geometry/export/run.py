"""Export a design for the mask maker: check it, build the artwork once, and write the chosen format.

A design with check errors is refused (the shop would make a mask that does not work) unless ``force`` is
given; the refusal names the failed checks.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from geometry.base.atomic import atomic_folder
from geometry.base.errors import DesignError
from geometry.checks.records import CheckReport, Severity
from geometry.export.artwork import Artwork, ReliefLike, build_artwork
from geometry.export.dxf import write_dxf
from geometry.export.gerber import write_gerbers
from geometry.export.notes import title_block
from geometry.export.package import write_package
from geometry.export.pdf import write_pdf
from geometry.model.design import Design

Format = Literal["dxf", "gerber", "pdf", "all"]
FORMATS: tuple[str, ...] = ("dxf", "gerber", "pdf", "all")


class ExportRefusedError(Exception):
    """The design has check errors and the export was not forced."""

    def __init__(self, report: CheckReport) -> None:
        self.report = report
        failed = sorted({v.check for v in report.violations if v.severity == Severity.ERROR})
        self.failed_checks = tuple(failed)
        n = report.count(Severity.ERROR)
        super().__init__(f"export refused: {n} check error(s) in {', '.join(failed)}; fix them or force the "
                         "export (--force)")


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What was written, the check report it was written with, and whether errors were overridden."""

    path: Path
    report: CheckReport
    forced: bool


LARGE_ENTITY_COUNT = 20_000


def art_entity_count(art: Artwork) -> int:
    """Circles and ring vertices over all layers: what the writers loop over."""
    return sum(len(la.circles) + len(la.rings.bulge) for la in art.layers)


def default_suffix(fmt: str) -> str:
    """The suffix an output of this format gets when none is given (folders for gerber and all)."""
    return {"dxf": ".dxf", "pdf": ".pdf"}.get(fmt, "")


def export_design(design: Design, out: str | Path, fmt: str = "dxf", *, force: bool = False,
                  report: CheckReport | None = None, relief: ReliefLike | None = None,
                  date: _dt.date | None = None) -> ExportResult:
    """Write ``design`` to ``out`` in ``fmt`` (dxf file, gerber folder, pdf file, all: folder or .zip)."""
    if fmt not in FORMATS:
        raise DesignError("format", fmt, f"must be one of {', '.join(FORMATS)}")
    if report is None:
        from geometry.checks.registry import run_checks

        report = run_checks(design)
    if report.has_errors and not force:
        raise ExportRefusedError(report)
    out = Path(out)
    if fmt in ("dxf", "pdf") and not out.suffix:
        out = out.with_suffix(default_suffix(fmt))
    art = build_artwork(design, relief)
    title = title_block(design, art, date)
    # Large designs (wafers) take the streaming writers: the same entities, written as text in chunks instead of
    # one ezdxf/gerber-writer object each (geometry.model.layouts.wafer's tests read both back and compare them).
    large = art_entity_count(art) > LARGE_ENTITY_COUNT
    if fmt == "dxf":
        from geometry.export import dxf_stream as dxf_fast

        if design.output.blocks and getattr(design.layout, "kind", None) == "wafer":
            dxf_fast.write_wafer_dxf_blocks(design, out, title)
        elif large:
            dxf_fast.write_dxf_streaming(design, out, art, title)
        else:
            write_dxf(art, title, design.output, out)
    elif fmt == "pdf":
        write_pdf(design, art, title, report, out)
    elif fmt == "gerber":
        if large:
            from geometry.export.gerber_stream import write_gerbers_fast

            write_gerbers_fast(design, out, art, title)
        else:
            with atomic_folder(out) as tmp:
                write_gerbers(art, title, tmp)
    else:
        write_package(design, art, title, report, out)
    return ExportResult(out, report, report.has_errors)
