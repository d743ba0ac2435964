"""The ``ballmask export`` subcommand: options and the function cli/main.py delegates to.

Exit codes: 0 written, 1 refused because of check errors (the failed checks are named), 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from geometry.base.errors import DesignError

if TYPE_CHECKING:
    from geometry.model.design import Design
    from geometry.model.output_settings import DxfVersion

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2
DXF_VERSIONS: dict[str, DxfVersion] = {"R2000": "R2000", "R12": "R12"}  # --dxf-version's text to the value
TOOL_CHOICES = ("mask", "flux-stencil", "pin-plate", "pick-head", "inspection")  # geometry.model.tools.ToolKind
# geometry.export.run.FORMATS (not imported: --help stays fast)
FORMAT_CHOICES = ("dxf", "gerber", "pdf", "all", "gds", "oasis")


def configure_export(parser: argparse.ArgumentParser) -> None:
    """Add the export options to a parser."""
    parser.add_argument("file", metavar="FILE", help="the .ballmask design to export")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="output file (dxf, pdf), folder (gerber, all) or .zip (all); default: beside FILE")
    parser.add_argument("--format", choices=FORMAT_CHOICES, default="dxf", help="what to write (default dxf)")
    parser.add_argument("--dxf-version", choices=tuple(DXF_VERSIONS), help="DXF version (default: the design's)")
    parser.add_argument("--segments-only", action="store_true",
                        help="write arcs of merged outlines as straight segments within the chord tolerance")
    parser.add_argument("--blocks", action="store_true", help="one BLOCK per distinct opening and INSERTs")
    parser.add_argument("--mirror-lower", action="store_true",
                        help="draw the lower-side layers as seen from the lower side")
    parser.add_argument("--force", action="store_true",
                        help="export even when the design has check errors, and replace a file by a folder output "
                             "(or a folder by a file)")
    parser.add_argument("--with-inspection", action="store_true",
                        help="with --format all: the package holds the post-mount inspection reference too "
                             "(inspection/balls.csv and its DXF)")
    parser.add_argument("--tool", choices=TOOL_CHOICES, default="mask",
                        help="what to write: the mask (default, in --format) or a companion tool made from the same "
                        "sites, as a folder (flux-stencil, pin-plate, pick-head, inspection)")


def segments_note(design: Design) -> str | None:
    """What --segments-only does to arcs at a chord tolerance so tiny that the per-arc bound takes over."""
    import math

    from geometry.base.limits import MAX_SEGMENTS_PER_CIRCLE

    tol = design.output.chord_tol_mm
    radius = max(o.lower_mm for o in [design.opening, *(design.resolve(v.profile) for v in design.overrides)]) / 2.0
    step = 2.0 * math.acos(max(-1.0, 1.0 - tol / radius)) if tol < radius else math.pi
    if step >= 2.0 * math.pi / MAX_SEGMENTS_PER_CIRCLE:
        return None
    return (f"chord tolerance {tol:g} mm asks for more than {MAX_SEGMENTS_PER_CIRCLE} segments per circle; "
            f"arcs are written with at most {MAX_SEGMENTS_PER_CIRCLE} per full circle "
            f"(chord error up to {radius * (1 - math.cos(math.pi / MAX_SEGMENTS_PER_CIRCLE)):.2g} mm)")


def run_export(args: argparse.Namespace) -> int:
    """Load, check and export; DesignError and OSError propagate to the caller (exit 2 there)."""
    from pathlib import Path

    from cli.outputs import check_output
    from geometry.export.run import ExportRefusedError, export_design
    from geometry.fileio import load_design

    design = load_design(args.file)
    out_settings = design.output
    # an option given on the command line overrides the design's setting; one left out keeps it
    wanted = replace(out_settings,
                     dxf_version=DXF_VERSIONS[args.dxf_version] if args.dxf_version else out_settings.dxf_version,
                     segments_only=out_settings.segments_only or args.segments_only,
                     blocks=out_settings.blocks or args.blocks,
                     mirror_lower=out_settings.mirror_lower or args.mirror_lower,
                     package_inspection=True if args.with_inspection else out_settings.package_inspection)
    if args.with_inspection and args.format != "all":
        raise DesignError("--with-inspection", args.format, "needs --format all (the shop package)")
    if wanted != out_settings:
        design = design.with_(output=wanted)
    src = Path(args.file)
    if args.tool != "mask":
        return _run_tool(design, src, args)
    from geometry.export.run import exporter

    suffix = exporter(args.format).suffix  # empty: the format writes a folder (or, for all, a .zip if asked)
    out = Path(args.output) if args.output else src.with_name(src.stem + (suffix or f"_{args.format}"))
    if suffix and not out.suffix:
        out = out.with_suffix(suffix)
    check_output(out, [src], folder=not suffix and not (args.format == "all" and out.suffix.lower() == ".zip"),
                 force=args.force)
    if design.output.segments_only:
        note = segments_note(design)
        if note:
            sys.stderr.write(f"ballmask: note: {note}\n")
    try:
        result = export_design(design, out, args.format, force=args.force)
    except ExportRefusedError as e:
        sys.stderr.write(f"ballmask: {e}\n")
        for v in e.report.violations:
            if v.severity.value == "error":
                sys.stderr.write(f"  {v.check}: {v.message or ', '.join(v.sites)}\n")
        return EXIT_REFUSED
    if result.forced:
        sys.stderr.write("ballmask: warning: exported despite check errors (--force)\n")
    sys.stdout.write(f"wrote {result.path}\n")
    return EXIT_OK


def _run_tool(design: object, src: object, args: argparse.Namespace) -> int:
    """Write one companion tool's folder; refused (exit 1) when its checks find errors, unless forced."""
    from pathlib import Path

    from geometry.checks.records import Severity
    from geometry.checks.tools import tool_report
    from geometry.export.tools import write_tool
    from geometry.model.design import Design
    from geometry.model.tools import ToolKind

    assert isinstance(design, Design)
    assert isinstance(src, Path)
    tool = ToolKind(args.tool)
    report = tool_report(design, tool)
    errors = [v for v in report.violations if v.severity is Severity.ERROR]
    if errors and not args.force:
        sys.stderr.write(f"ballmask: export refused: {len(errors)} {tool.value} check error(s); fix them or "
                         "force the export (--force)\n")
        for v in errors[:20]:
            sys.stderr.write(f"  {v.check}: {v.message}\n")
        return EXIT_REFUSED
    out = Path(args.output) if args.output else src.with_name(f"{src.stem}_{tool.value}")
    for v in report.violations:
        if v.severity is not Severity.ERROR:
            sys.stderr.write(f"ballmask: {v.severity.value}: {v.message}\n")
    sys.stdout.write(f"wrote {write_tool(design, tool, out)}\n")
    return EXIT_OK
