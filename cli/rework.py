"""``ballmask rework FILE --residue CSV -o NEW_FILE``: derive the rework mask and print the review.

The options add rework data to the design read from FILE (a production design, or one that carries rework data
already: options then add to it); the rework design is derived (closures, per-site changes), its review printed,
its checks run, and it is written to NEW_FILE, a new design named ``<name>-rework`` that records the production
design it derives from (name and SHA-256 of its file text). ``-o`` is required and may not name FILE: the
production file is never written. Exit codes as ``ballmask check``: 0 when the
rework design has no check errors, 1 when it has, 2 on bad input (the message names the file, line and column).
No Qt on this path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import options
from geometry.base.errors import DesignError
from geometry.base.textio import parse_decimal
from geometry.model.rework import FailedPlace, Residue, Rework
from geometry.model.sites import Sites

EXIT_OK = 0
EXIT_ERRORS = 1


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.replace(";", ",").split(",") if n.strip())


def _known(option: str, names: tuple[str, ...], sites: Sites) -> tuple[str, ...]:
    """The names, each a site of the design (a typo must not pass as a site that had no effect)."""
    for n in names:
        if not sites.has(n):
            raise DesignError(option, n, "is not a site of this design")
    return names


def parse_failed(text: str) -> FailedPlace:
    """``NAME[:note]`` or ``X,Y[:note]`` (mm) as a failed place."""
    where, _, note = text.partition(":")
    where = where.strip()
    parts = [p.strip() for p in where.split(",")]
    if len(parts) == 2:
        x, y = parse_decimal(parts[0]), parse_decimal(parts[1])
        if x is None or y is None:
            raise DesignError("--failed", text, "give NAME[:note] or X,Y[:note] with X and Y in mm")
        try:
            return FailedPlace(None, x, y, note.strip())
        except DesignError as e:
            raise DesignError("--failed", text, e.problem) from None
    if len(parts) != 1 or not where:
        raise DesignError("--failed", text, "give NAME[:note] or X,Y[:note] with X and Y in mm")
    return FailedPlace(where, note=note.strip())


def configure_rework(parser: argparse.ArgumentParser) -> None:
    """The rework command's options."""
    parser.add_argument("file", metavar="FILE", help="the production design (.ballmask)")
    parser.add_argument("--residue", metavar="CSV", type=Path,
                        help="measured residue per pad: columns name (or x, y), height, [diameter], in mm")
    parser.add_argument("--height", type=options.length(allow_zero=True), metavar="MM",
                        help="residue height h_res on every pad that had a ball (unless measured)")
    parser.add_argument("--diameter", type=options.length(), metavar="MM",
                        help="residue footprint diameter on every pad (default: the pad grown by the flux spread)")
    parser.add_argument("--tolerance", type=options.length(), default=0.05, metavar="MM",
                        help="how far a CSV point may be from its site centre (default 0.05 mm)")
    parser.add_argument("--damaged", default="", metavar="NAMES", help="damaged sites (pad lifted), comma separated")
    parser.add_argument("--no-ball", default="", metavar="NAMES",
                        help="sites that carried no ball as built, comma separated")
    parser.add_argument("--failed", action="append", default=[], metavar="PLACE",
                        help="a failed place: NAME[:note] or X,Y[:note]; repeat for more")
    parser.add_argument("--device", type=options.text(), metavar="ID",
                        help="the device's identifier (serial number, board position)")
    parser.add_argument("-o", "--output", metavar="NEW_FILE", type=Path, required=True,
                        help="write the rework design here (a new file: never the production FILE)")
    parser.add_argument("--force", action="store_true", help="replace NEW_FILE if it exists")


def rework_from_args(base: Rework, args: argparse.Namespace, sites: Sites) -> Rework:
    """The rework data of FILE (or none) with the options applied."""
    from geometry.fileio.residue_csv import read_residue_csv
    rw = base
    if args.height is not None or args.diameter is not None:
        try:
            residue = Residue(args.height if args.height is not None else rw.residue.height_mm,
                              args.diameter if args.diameter is not None else rw.residue.diameter_mm)
        except DesignError as e:
            raise DesignError(f"--{e.path.removesuffix('_mm')}", e.value, e.problem) from None
        rw = rw.with_(residue=residue)
    if args.residue is not None:
        measured = read_residue_csv(args.residue, sites, tolerance_mm=args.tolerance)
        kept = tuple(m for m in rw.measured if m.site not in {x.site for x in measured})
        rw = rw.with_(measured=kept + measured)
    if args.damaged:
        rw = rw.with_(damaged=rw.damaged + _known("--damaged", _names(args.damaged), sites))
    if args.no_ball:
        rw = rw.with_(no_ball=rw.no_ball + _known("--no-ball", _names(args.no_ball), sites))
    if args.failed:
        failed = tuple(parse_failed(f) for f in args.failed)
        _known("--failed", tuple(f.site for f in failed if f.site is not None), sites)
        rw = rw.with_(failed=rw.failed + failed)
    if args.device is not None:
        rw = rw.with_(device=args.device)
    return rw


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (also through links, or before ``b`` exists)."""
    try:
        if a.exists() and b.exists():
            return a.samefile(b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def run_rework(args: argparse.Namespace) -> int:
    """Derive, review, check, write; the exit code."""
    from cli.outputs import check_output
    from geometry.analysis.review import format_review, review
    from geometry.checks import run_checks
    from geometry.checks.records import Severity
    from geometry.fileio import load_design, save_design
    from geometry.fileio.rework_design import derive_rework_design

    out: Path = args.output
    if _same_file(Path(args.file), out):
        raise DesignError("-o", str(out), "is the production file: the rework mask goes to a new file")
    design = load_design(args.file)
    check_output(out, [Path(args.file), *([args.residue] if args.residue is not None else [])], folder=False,
                 force=args.force)
    if out.exists() and not args.force:
        raise DesignError("-o", str(out), "the file exists: give --force to replace it")
    if design.rework is None and args.residue is None and args.height is None and not args.damaged:
        raise DesignError("--residue", None, "the design carries no rework data: give --residue CSV or --height")
    rework = rework_from_args(design.rework or Rework(), args, design.sites())
    derived = derive_rework_design(design, rework).design
    production = design.with_(rework=rework)
    rv = review(production)
    w = sys.stdout.write
    w(f"{design.name}: {args.file}\n")
    w(format_review(rv) + "\n")
    report = run_checks(derived)
    errors = [v for v in report.violations if v.severity == Severity.ERROR]
    by_check: dict[str, int] = {}
    for v in errors:
        by_check[v.check] = by_check.get(v.check, 0) + 1
    if errors:
        w("rework design check: " + ", ".join(f"{k} {n}" for k, n in by_check.items()) + " error(s)\n")
        w("FAIL: the rework design has errors\n")
    else:
        w("PASS: the rework design has no errors\n")
    save_design(derived, out)
    w(f"wrote {out} ({derived.name}, derived from {design.name})\n")
    return EXIT_ERRORS if errors else EXIT_OK
