"""The package for the shop (``--format all``): every registered format that belongs in it, and a README with
the order notes, as a folder or a zip. Either appears complete or not at all.

The package holds exactly what the single formats write: each backend is called through
:func:`geometry.export.backends.write_with`, which picks the same mode as a single-format export.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

from geometry.base.atomic import atomic_folder, write_bytes_atomic
from geometry.checks.records import CheckReport
from geometry.export.artwork import Artwork
from geometry.export.backends import REGISTRY, ExportJob, write_with
from geometry.export.notes import TitleBlock, check_summary_lines
from geometry.export.shop import gerber_job_text, readme_sections, sites_csv_text, stack_json_text
from geometry.model.design import Design


def base_name(design: Design) -> str:
    """A file-name-safe stem from the design name and revision."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", design.name).strip("._") or "mask"
    rev = re.sub(r"[^A-Za-z0-9._-]+", "_", design.revision).strip("._")
    return f"{stem}_rev{rev}" if rev else stem


def readme_text(design: Design, art: Artwork, title: TitleBlock, report: CheckReport | None,
                files: list[str]) -> str:
    """The README: what each file is, the layers, the order notes and the check summary."""
    lines = [f"Ball-mount mask {design.name}, revision {design.revision}, {title.date}", "",
             "FILES", *[f"  {f}" for f in files], "", "LAYERS (DXF layer = Gerber file name)"]
    lines += [f"  {s.name}: {s.meaning}; {s.made_how}" + ("; seen from the LOWER side (mirrored)" if s.mirrored
                                                           else "; seen from the upper side")
              for s in art.specs]
    lines += ["", *readme_sections(design, art)]
    lines += ["", "ORDER NOTES", *[f"  {n}" for n in title.lines], "", *check_summary_lines(report), ""]
    return "\n".join(lines)


def write_shop_reports(folder: Path, job: ExportJob, gerbers: list[Path]) -> list[str]:
    """sites.csv, stack.json and the Gerber job file at the package's root (the gerber folder stays what
    ``--format gerber`` writes); returns their README lines."""
    stem = base_name(job.design)
    (folder / "sites.csv").write_text(sites_csv_text(job.design), encoding="utf-8")
    (folder / "stack.json").write_text(stack_json_text(job.design, job.art), encoding="utf-8")
    job_dir = folder
    sub = gerbers[0].parent.relative_to(folder).as_posix() if gerbers else ""
    (job_dir / f"{stem}.gbrjob").write_text(gerber_job_text(job.design, job.art, job.title, gerbers, sub),
                                            encoding="utf-8")
    rel = (job_dir / f"{stem}.gbrjob").relative_to(folder).as_posix()
    return [f"{rel}: Gerber job file (Gerber Job Format, JSON): the files and the sheet",
            "sites.csv: every site: name, x, y, d_u, d_l, profile, depth, state (mm)",
            "stack.json: the layer stack: side, depth and order of each layer, registration, frame"]


def write_inspection(folder: Path, job: ExportJob) -> list[str]:
    """The inspection reference (``inspection/``: balls.csv and its R12 DXF) when the output settings ask for it
    in the package (``ballmask export --format all --with-inspection``); returns its README lines."""
    if not job.design.output.package_inspection:
        return []
    from geometry.export.tools import write_tool  # the tools' writers build on this module's base_name
    from geometry.model.tools import ToolKind

    write_tool(job.design, ToolKind.INSPECTION, folder / "inspection", _dt.date.fromisoformat(job.title.date))
    return ["inspection/: the post-mount inspection reference: balls.csv (every expected ball, x, y, D and the "
            "tolerances) and an R12 DXF of the ball circles"]


def _fill(folder: Path, job: ExportJob) -> None:
    stem = base_name(job.design)
    files: list[str] = []
    gerbers: list[Path] = []
    for exp in REGISTRY.values():
        if exp.package_path is None:
            continue
        rel = exp.package_path(stem)
        written = write_with(exp, job, folder / rel)
        files += [exp.describe(p.relative_to(folder).as_posix()) for p in written]
        gerbers += [p for p in written if p.suffix == ".gbr"]
    files += write_shop_reports(folder, job, gerbers)
    files += write_inspection(folder, job)
    files.append("README.txt: this file")
    (folder / "README.txt").write_text(readme_text(job.design, job.art, job.title, job.report, files),
                                       encoding="utf-8")


def write_package(job: ExportJob, target: str | Path) -> Path:
    """Write the package to ``target``: a zip when it ends in .zip, else a folder."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() != ".zip":
        with atomic_folder(target) as tmp:
            _fill(tmp, job)
        return target
    # the process id in the name lets the next export tell a killed export's folder from a running one's
    with tempfile.TemporaryDirectory(prefix=f".ballmask-export-{os.getpid()}-", dir=target.parent) as tmp_name:
        tmp = Path(tmp_name)
        _fill(tmp, job)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(tmp.rglob("*")):
                if p.is_file():
                    zf.write(p, f"{base_name(job.design)}/{p.relative_to(tmp).as_posix()}")
    return write_bytes_atomic(target, buf.getvalue())
