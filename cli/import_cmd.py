"""``ballmask import`` and ``ballmask compare``: start a design from a customer's pad file, and prove a design's
openings match a pad file.

``import`` prints the report (pads per layer, size classes, grid, depopulated and off-grid sites, largest snap,
unit, mirror) and then writes the design, unless ``--report-only``. ``compare`` exits 0 when every pad of the
source has its opening and every opening its pad, 1 otherwise (listing each with its distance), 2 on bad input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geometry.model.design import Design

import argparse
import sys
from pathlib import Path

from geometry.base.errors import DesignError

EXIT_OK = 0
EXIT_DIFFERENT = 1
FORMATS = ("gds", "oasis", "gerber", "dxf", "ipc2581", "kicad", "csv")  # geometry.fileio.importers.FORMATS
UNITS = ("nm", "um", "mm", "inch", "mil")
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _source_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="SOURCE", help="the pad file: GDS, OASIS, Gerber, DXF, IPC-2581, KiCad, CSV")
    p.add_argument("--format", choices=FORMATS, help="the source's format (default: from extension or content)")
    p.add_argument("--layer", metavar="L", help="the layer with the pads (GDS/OASIS: layer/datatype, e.g. 3/0); "
                   "may be left out when one layer has pads")
    p.add_argument("--units", choices=UNITS, help="the unit of the file's numbers (default: what the file says)")
    p.add_argument("--view", choices=("top", "bottom"), default="top",
                   help="bottom: the file is drawn from the ball side, mirror it (default top)")
    p.add_argument("--circle-tol", type=float, default=0.5, metavar="UM",
                   help="a polygon within this of a circle is a round pad, um (default 0.5)")
    p.add_argument("--snap-tol", type=float, default=1.0, metavar="UM",
                   help="pads within this of the detected grid are snapped onto it, um (default 1)")
    p.add_argument("--magnification", type=float, default=1.0, help="scale the GDS/OASIS geometry (default 1)")


def _recognition(args: argparse.Namespace, a1: str = "top-left", naming: str = "auto",
                 rotation: str = "auto") -> object:
    from geometry.model.layouts import Recognition

    try:
        return Recognition(args.circle_tol / 1000.0, args.snap_tol / 1000.0, args.view, a1, naming,  # type: ignore[arg-type]
                           None if rotation == "auto" else int(rotation))  # type: ignore[arg-type]
    except DesignError as e:
        option = {"circle_tol_mm": "--circle-tol", "snap_tol_mm": "--snap-tol"}.get(e.path, f"--{e.path}")
        raise DesignError(option, e.value, e.problem) from None


def configure_import(parser: argparse.ArgumentParser) -> None:
    """Options of ``ballmask import``."""
    _source_options(parser)
    parser.add_argument("--a1", choices=CORNERS, default="top-left", help="corner of A1 in the top view")
    parser.add_argument("--rotation", choices=("auto", "0", "90"), default="auto",
                        help="90: the footprint is placed turned, its rows (letters) run along y; auto (default): "
                        "told from the source's JEDEC pad names, else 0")
    parser.add_argument("--names", choices=("auto", "grid", "source"), default="auto",
                        help="site names from the grid (JEDEC), the source, or the source's when it names every "
                        "pad (default auto)")
    parser.add_argument("--non-round", choices=("refuse", "inscribed"), default="refuse",
                        help="pads that are not round: refuse (default) or take their inscribed diameter")
    parser.add_argument("--pad", type=float, metavar="P", help="pad diameter for CSV rows without one, mm")
    b = parser.add_argument_group("ball, mask and profile (as in new grid)")
    b.add_argument("--ball", type=float, metavar="D", help="ball diameter D, mm (required unless --report-only)")
    b.add_argument("--pad-kind", choices=("copper", "solder-resist"),
                   help="the pads' kind (default: solder-resist for a solder-mask layer, else copper)")
    b.add_argument("--thickness", type=float, metavar="T", help="mask thickness t, mm (default 0.6 D)")
    b.add_argument("--material", default="etched-stainless", help="material preset (default etched-stainless)")
    b.add_argument("--margin", type=float, default=5.0, metavar="M", help="outline margin, mm (default 5)")
    from cli.main import PROFILE_OPTIONS

    b.add_argument("--profile", default="tapered", choices=list(PROFILE_OPTIONS), help="opening profile")
    b.add_argument("--angle", type=float, metavar="A", help="wall angle, degrees")
    b.add_argument("--lower", type=float, metavar="DL", help="lower diameter d_l, mm")
    b.add_argument("--vertical", type=float, metavar="H", help="vertical wall height h_v, mm")
    b.add_argument("--direction", type=float, metavar="PHI", help="direction of the tapered side, degrees")
    b.add_argument("--upper", type=float, metavar="DU", help="upper diameter d_u, mm (default 1.1 D)")
    o = parser.add_argument_group("output")
    o.add_argument("--name", help="design name (default: the file name)")
    o.add_argument("-o", "--output", metavar="FILE", help="the .ballmask file to write")
    o.add_argument("--report-only", action="store_true", help="print the report, write nothing")
    o.add_argument("--against", metavar="DESIGN",
                   help="re-import: list the sites the source adds, removes, moves or resizes against DESIGN")
    o.add_argument("--force", action="store_true", help="replace FILE if it exists")


def run_import(args: argparse.Namespace) -> int:
    """Read, recognise, report, then build and write the design."""
    from geometry.fileio.importers.importing import ImportOptions, import_layout

    opts = ImportOptions(args.format, args.layer, args.units, _recognition(args, args.a1, args.names, args.rotation),  # type: ignore[arg-type]
                         args.non_round, args.magnification, args.pad)
    if not args.report_only:
        if args.output is None:
            raise DesignError("-o", None, "give the design file to write (or --report-only)")
        if args.ball is None:
            raise DesignError("--ball", None, "give the ball diameter (or --report-only)")
        if Path(args.output).exists() and not args.force:
            raise DesignError("-o", args.output, "the file exists: give --force to replace it")
    result = import_layout(args.source, opts)
    for line in result.report_lines():
        _out(line)
    if args.against:
        from geometry.fileio import load_design
        from geometry.fileio.importers.importing import site_changes
        from geometry.model.layouts import ExplicitLayout

        old = load_design(args.against)
        if not isinstance(old.layout, ExplicitLayout):
            raise DesignError("--against", args.against, "is not an explicit (imported) site list")
        for line in site_changes(old.layout, result.layout, old.pad.diameter_mm, result.recognised.pad_mm).lines():
            _out(line)
    if args.report_only:
        return EXIT_OK
    design = build_import_design(args, result)
    from geometry.fileio import save_design

    save_design(design, args.output)
    o = design.opening
    _out(f"wrote {args.output}: {len(design.sites())} sites, pad {design.pad.diameter_mm:.4f} mm "
         f"{design.pad.kind.name.lower().replace('_', '-')}, {o.kind} openings d_u {o.upper_mm:.3f} mm")
    return EXIT_OK


def build_import_design(args: argparse.Namespace, result: object) -> Design:
    """The design around an imported layout, from the ball, mask and profile options."""
    from cli.main import _as_option, build_profile
    from geometry.fileio.importers.importing import ImportResult
    from geometry.model.ball import Ball
    from geometry.model.design import Design
    from geometry.model.layouts import Pad
    from geometry.model.mask import MarginOutline, Mask
    from geometry.model.sites import PadKind

    assert isinstance(result, ImportResult)
    ball = _as_option("--ball", lambda: Ball(args.ball))
    kind = result.pad_kind if args.pad_kind is None else (
        PadKind.COPPER if args.pad_kind == "copper" else PadKind.SOLDER_RESIST)
    pad = Pad(result.recognised.pad_mm, kind)
    thickness = args.thickness if args.thickness is not None else round(0.6 * ball.diameter_mm, 3)
    outline = _as_option("--margin", lambda: MarginOutline(args.margin))
    mask = _as_option("--thickness", lambda: Mask(thickness, "etched-stainless", outline))
    mask = _as_option("--material", lambda: Mask(thickness, args.material, outline))
    profile = build_profile(args)
    name = args.name if args.name is not None else Path(args.output).stem
    try:
        return Design(ball=ball, pad=pad, layout=result.layout, mask=mask, profile=profile, name=name)
    except DesignError as e:
        raise DesignError(f"design {e.path}", e.value, e.problem) from None


def configure_compare(parser: argparse.ArgumentParser) -> None:
    """Options of ``ballmask compare``."""
    parser.add_argument("design", metavar="DESIGN", help="the .ballmask design")
    _source_options(parser)
    parser.add_argument("--tol", type=float, default=1.0, metavar="UM",
                        help="a pad and an opening match when their centres are within this, um (default 1)")


def run_compare(args: argparse.Namespace) -> int:
    """Match every pad of the source with an opening of the design; exit 1 on any difference."""
    import numpy as np

    from geometry.fileio import load_design
    from geometry.fileio.importers.importing import ImportOptions, compare_xy, import_layout

    design = load_design(args.design)
    opts = ImportOptions(args.format, args.layer, args.units, _recognition(args, naming="grid"),  # type: ignore[arg-type]
                         "inscribed", args.magnification)
    result = import_layout(args.source, opts)
    cols = result.recognised.columns
    src = np.column_stack([cols.x_mm, cols.y_mm])
    sites = design.sites()
    pop = sites.populated
    ours = sites.xy[pop]
    cmp = compare_xy(src, ours, sites.names[pop], args.tol / 1000.0)
    _out(f"{result.source.file} layer {result.pads.layer}: {len(src)} pads; {args.design}: {len(ours)} openings")
    _out(f"matched: {cmp.matched} (largest centre offset {1000 * cmp.largest_offset_mm:.3f} um)")
    for x, y, d in cmp.missing:
        _out(f"  pad without opening at ({x:.4f}, {y:.4f}) mm, nearest opening {1000 * d:.1f} um away")
    for n, x, y, d in cmp.extra:
        _out(f"  opening {n} at ({x:.4f}, {y:.4f}) mm without pad, nearest pad {1000 * d:.1f} um away")
    _out("no differences" if cmp.ok else f"{len(cmp.missing)} pads without opening, {len(cmp.extra)} openings "
         "without pad")
    return EXIT_OK if cmp.ok else EXIT_DIFFERENT
