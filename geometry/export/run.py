"""Export a design for the mask maker: check it, build the artwork once, and write the chosen format.

A design with check errors is refused (the shop would make a mask that does not work) unless ``force`` is
given; the refusal names the failed checks.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from geometry.checks.records import CheckReport, Severity
from geometry.export import formats
from geometry.export.artwork import ReliefLike, build_artwork
from geometry.export.backends import LARGE_ENTITY_COUNT, REGISTRY, ExportJob, art_entity_count, exporter, write_with
from geometry.export.notes import title_block
from geometry.model.design import Design

FORMATS: tuple[str, ...] = tuple(REGISTRY)
"""Every registered format name (``all`` is the shop package)."""

__all__ = ["FORMATS", "LARGE_ENTITY_COUNT", "ExportRefusedError", "ExportResult", "art_entity_count",
           "default_suffix", "export_design", "exporter", "formats"]


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


def default_suffix(fmt: str) -> str:
    """The suffix an output of this format gets when none is given (folders for gerber and all)."""
    return exporter(fmt).suffix


def export_design(design: Design, out: str | Path, fmt: str = "dxf", *, force: bool = False,
                  report: CheckReport | None = None, relief: ReliefLike | None = None,
                  date: _dt.date | None = None) -> ExportResult:
    """Write ``design`` to ``out`` in ``fmt`` (dxf file, gerber folder, pdf file, all: folder or .zip)."""
    exp = exporter(fmt)
    if report is None:
        from geometry.checks.registry import run_checks

        report = run_checks(design)
    if report.has_errors and not force:
        raise ExportRefusedError(report)
    out = Path(out)
    if exp.suffix and not out.suffix:
        out = out.with_suffix(exp.suffix)
    art = build_artwork(design, relief)
    job = ExportJob(design, art, title_block(design, art, date), report)
    write_with(exp, job, out)
    return ExportResult(out, report, report.has_errors)
