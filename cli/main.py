"""The ``ballmask`` command line: make, inspect and check designs without the window.

No Qt is imported on these paths (a test runs ``check`` with PySide6 made unimportable), so the command line
works on a headless build machine. ``ballmask`` alone, or ``ballmask FILE.ballmask``, opens the window; that
import happens only then.

Subcommands are entries of :data:`COMMANDS`: a name, a one-line help, a function that adds the command's
options to its parser, and a function that runs it and returns the exit code. To add one (``export``,
``rework``), write those two functions in a module of your own and append a :class:`Command` to
:data:`COMMANDS`; import heavy modules inside the run function, not at the top, so ``--help`` stays fast.

Exit codes: 0 success (``check``: no errors), 1 the design has check errors, 2 bad input (a malformed file, a
bad option, a missing file); the message goes to stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import options
from cli.errors import GuardedParser, run_guarded
from cli.report import format_report, margin_lines, opening_lines, relief_summary, report_records, ridge_at_min_pitch
from geometry.base.allocator import keep_freed_memory
from geometry.base.errors import DesignError

if TYPE_CHECKING:
    from geometry.checks.records import CheckReport
    from geometry.model.design import Design
    from geometry.model.profiles import Profile

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_BAD_INPUT = 2

PROG = "ballmask"


@dataclass(frozen=True, slots=True)
class Command:
    """One subcommand: ``configure`` adds its options, ``run`` does the work and returns the exit code."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _version() -> str:
    # from the source, not the package metadata: a frozen bundle has none, and a checkout's may be stale
    from geometry.base.version import __version__

    return __version__


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"{PROG}: {text}\n")


# -- ballmask new grid -------------------------------------------------------------------------------------
PROFILE_OPTIONS: dict[str, frozenset[str]] = {
    "straight": frozenset({"upper"}),
    "tapered": frozenset({"angle", "lower", "upper"}),
    "stepped": frozenset({"vertical", "lower", "upper"}),
    "stepped-tapered": frozenset({"vertical", "angle", "lower", "upper"}),
    "one-side-vertical": frozenset({"angle", "lower", "direction", "upper"}),
}
"""Which profile options each profile uses; giving another one is an error, not silently ignored."""


PROFILE_FIELD_OPTIONS = {"angle_deg": "--angle", "lower_mm": "--lower", "vertical_mm": "--vertical",
                         "upper_mm": "--upper", "direction_deg": "--direction"}


def _configure_new(parser: argparse.ArgumentParser) -> None:
    layouts = parser.add_subparsers(dest="layout", metavar="LAYOUT", required=True)
    grid = layouts.add_parser(
        "grid", help="a full grid of sites (optionally staggered and depopulated)",
        description="Make a design for a grid of balls and write it to a .ballmask file. Lengths in mm, "
                    "angles in degrees.",
    )
    g = grid.add_argument_group("layout")
    g.add_argument("--rows", type=options.count(), required=True, help="number of rows (A, B, ...)")
    g.add_argument("--cols", type=options.count(), required=True, help="number of columns (1, 2, ...)")
    g.add_argument("--pitch", type=options.length(), required=True, metavar="P", help="column pitch, mm")
    g.add_argument("--pitch-y", type=options.length(), metavar="PY", help="row pitch, mm (default: the column pitch)")
    g.add_argument("--staggered", action="store_true", help="shift every other row by half a pitch")
    g.add_argument("--centre-void", type=options.count(), metavar="K", help="leave out a K x K block at the centre")
    g.add_argument("--rings", type=options.count(), metavar="N", help="keep only the N outermost rings of sites")
    b = grid.add_argument_group("ball, pad and mask")
    b.add_argument("--ball", type=options.length(), required=True, metavar="D", help="ball diameter D, mm")
    b.add_argument("--pad", type=options.length(), metavar="P", help="pad diameter, mm (default 0.8 D)")
    b.add_argument("--thickness", type=options.length(), metavar="T", help="mask thickness t, mm (default 0.6 D)")
    b.add_argument("--material", default="etched-stainless",
                   help="material preset: etched-stainless (default), laser-cut-stainless, electroformed-nickel")
    b.add_argument("--margin", type=options.length(), default=5.0, metavar="M",
                   help="mask outline margin around the sites, mm (default 5)")
    p = grid.add_argument_group("opening profile")
    p.add_argument("--profile", default="tapered", choices=list(PROFILE_OPTIONS),
                   help="the openings' cross-section (default tapered)")
    p.add_argument("--angle", type=options.angle(0.0, 90.0), metavar="A",
                   help="wall angle theta to the upper surface, degrees (tapered, stepped-tapered, "
                        "one-side-vertical; default 60 unless --lower is given)")
    p.add_argument("--lower", type=options.length(), metavar="DL",
                   help="lower diameter d_l, mm (instead of --angle; required for stepped)")
    p.add_argument("--vertical", type=options.length(), metavar="H", help="vertical wall height h_v, mm (stepped, "
                   "stepped-tapered)")
    p.add_argument("--direction", type=options.angle(-360.0, 360.0), metavar="PHI",
                   help="direction of the tapered side, degrees (one-side-vertical; default 0 = +x)")
    p.add_argument("--upper", type=options.length(), metavar="DU", help="upper diameter d_u, mm (default 1.1 D)")
    o = grid.add_argument_group("output")
    o.add_argument("--name", type=options.text(), help="design name (default: the file name)")
    o.add_argument("-o", "--output", required=True, metavar="FILE", help="the .ballmask file to write")
    o.add_argument("--force", action="store_true", help="replace FILE if it exists")
    from cli.new_carrier import configure_carriers  # only ``new`` needs the carrier options

    configure_carriers(layouts, grid)


def _as_option(option: str, make: Callable[[], Any]) -> Any:
    """Build a value, reporting a validation error against the command-line option the user typed."""
    try:
        return make()
    except DesignError as e:
        raise DesignError(option, e.value, e.problem) from None


def build_profile(args: argparse.Namespace) -> Profile:
    """The profile the ``new`` options describe; options the profile does not use are refused."""
    from geometry.model.profiles import OneSideVertical, Stepped, SteppedTapered, Straight, Tapered

    kind = args.profile
    used = PROFILE_OPTIONS[kind]
    for opt in ("angle", "lower", "vertical", "direction", "upper"):
        if getattr(args, opt) is not None and opt not in used:
            raise DesignError(f"--{opt}", getattr(args, opt), f"is not used by the {kind} profile")
    if args.angle is not None and args.lower is not None:
        raise DesignError("--lower", args.lower, "give either --angle or --lower, not both")
    angle = args.angle if args.angle is not None or args.lower is not None else 60.0
    if kind in ("stepped", "stepped-tapered") and args.vertical is None:
        raise DesignError("--vertical", None, f"the {kind} profile needs the vertical wall height h_v")
    if kind == "stepped" and args.lower is None:
        raise DesignError("--lower", None, "the stepped profile needs the recess diameter d_l")

    def make() -> Profile:
        if kind == "straight":
            return Straight(upper_mm=args.upper)
        if kind == "tapered":
            return Tapered(angle_deg=angle, lower_mm=args.lower, upper_mm=args.upper)
        if kind == "stepped":
            return Stepped(vertical_mm=args.vertical, lower_mm=args.lower, upper_mm=args.upper)
        if kind == "stepped-tapered":
            return SteppedTapered(vertical_mm=args.vertical, angle_deg=angle, lower_mm=args.lower,
                                  upper_mm=args.upper)
        return OneSideVertical(angle_deg=angle, lower_mm=args.lower,
                               direction_deg=args.direction if args.direction is not None else 0.0,
                               upper_mm=args.upper)

    try:
        return make()
    except DesignError as e:
        raise DesignError(PROFILE_FIELD_OPTIONS.get(e.path, e.path), e.value, e.problem) from None


LAYOUT_FIELD_OPTIONS = {"rows": "--rows", "cols": "--cols", "pitch_x_mm": "--pitch", "pitch_y_mm": "--pitch-y"}


def build_grid_design(args: argparse.Namespace) -> Design:
    """The design the ``new grid`` options describe (validated; errors name the option)."""
    from geometry.model.ball import Ball
    from geometry.model.design import Design
    from geometry.model.layouts import CentreVoid, GridLayout, Pad, PerimeterRings, StaggeredLayout
    from geometry.model.layouts.depopulation import Depopulation
    from geometry.model.mask import MarginOutline, Mask

    ball = _as_option("--ball", lambda: Ball(args.ball))
    pad_mm = args.pad if args.pad is not None else round(0.8 * ball.diameter_mm, 3)
    pad = _as_option("--pad", lambda: Pad(pad_mm))
    thickness = args.thickness if args.thickness is not None else round(0.6 * ball.diameter_mm, 3)
    outline = _as_option("--margin", lambda: MarginOutline(args.margin))
    mask = _as_option("--thickness", lambda: Mask(thickness, "etched-stainless", outline))
    mask = _as_option("--material", lambda: Mask(thickness, args.material, outline))
    depop: list[Depopulation] = []
    if args.centre_void is not None:
        depop.append(_as_option("--centre-void", lambda: CentreVoid(args.centre_void)))
    if args.rings is not None:
        depop.append(_as_option("--rings", lambda: PerimeterRings(args.rings)))
    options.check_grid_size(args.rows, args.cols)
    try:
        if args.staggered:
            layout: GridLayout | StaggeredLayout = StaggeredLayout(
                args.rows, args.cols, args.pitch, args.pitch_y if args.pitch_y is not None else args.pitch,
                tuple(depop))
        else:
            layout = GridLayout(args.rows, args.cols, args.pitch, args.pitch_y, tuple(depop))
    except DesignError as e:
        raise DesignError(LAYOUT_FIELD_OPTIONS.get(e.path, "--pitch"), e.value, e.problem) from None
    profile = build_profile(args)
    name = args.name if args.name is not None else Path(args.output).stem
    try:
        return Design(ball=ball, pad=pad, layout=layout, mask=mask, profile=profile, name=name)
    except DesignError as e:
        head, _, tail = e.path.partition(".")
        option = PROFILE_FIELD_OPTIONS.get(tail, "--profile") if head == "profile" else \
            {"limits": "--material", "upper_ratio": "--upper"}.get(head, e.path)
        raise DesignError(option, e.value, e.problem) from None


def _run_new(args: argparse.Namespace) -> int:
    from cli.new_carrier import CARRIERS, build_carrier_design
    from geometry.fileio import save_design

    design = build_grid_design(args)
    if args.layout in CARRIERS:
        design = build_carrier_design(args, design)
    out = Path(args.output)
    if out.exists() and not args.force:
        raise DesignError("-o", str(out), "the file exists: give --force to replace it")
    save_design(design, out)
    sites = design.sites()
    o = design.opening
    _out(f"wrote {out}: {len(sites)} sites ({int(sites.populated.sum())} populated), {o.kind} openings "
         f"d_u {o.upper_mm:.3f} mm, d_l {o.lower_mm:.3f} mm")
    _out(f"next: {PROG} info {out}  /  {PROG} check {out}")
    return EXIT_OK


# -- ballmask info -----------------------------------------------------------------------------------------
def _configure_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a .ballmask design file")


def _run_info(args: argparse.Namespace) -> int:
    from geometry.fileio import load_design
    from geometry.model.materials import MATERIALS

    design = load_design(args.file)
    sites = design.sites()
    n_pop = int(sites.populated.sum())
    mask = design.mask
    x0, y0, x1, y1 = design.outline_rect()
    layout = design.layout
    pitch = layout.pitch_hint_mm()
    _out(f"{design.name} (revision {design.revision})")
    _out(f"file          {args.file}")
    _out(f"layout        {layout.kind}" + (f", pitch {pitch:g} mm" if pitch else ""))
    _out(f"sites         {len(sites)} ({n_pop} populated, {len(sites) - n_pop} depopulated)")
    _out(f"ball          D {design.ball.diameter_mm:g} mm (tolerance {design.ball.tolerance_mm:g} mm, "
         f"{design.ball.alloy})")
    _out(f"pad           {design.pad.diameter_mm:g} mm {design.pad.kind.name.lower().replace('_', '-')}")
    _out(f"thickness     t {mask.thickness_mm:g} mm")
    _out(f"material      {MATERIALS[mask.material].label} ({mask.material})")
    _out(f"outline       {x1 - x0:.3f} x {y1 - y0:.3f} mm ({mask.outline.kind}), "
         f"{len(mask.fiducials)} fiducial(s)")
    _out(f"profile       {design.opening.kind}")
    for line in opening_lines(design, design.opening, "  "):
        _out(line)
    ridge = ridge_at_min_pitch(design)
    if ridge is not None:
        p, h = ridge
        joined = "the openings interconnect on the lower side" if h < mask.thickness_mm - 1e-9 \
            else "the openings do not meet"
        _out(f"  ridge height  {h:.4f} mm at the minimum pitch {p:.4f} mm ({joined})")
    for i, ov in enumerate(design.overrides):
        o = design.resolve(ov.profile)
        shown = ", ".join(ov.sites[:6]) + (f", ... ({len(ov.sites)} sites)" if len(ov.sites) > 6 else "")
        _out(f"override {i + 1}    {o.kind} for {shown}")
        for line in opening_lines(design, o, "  "):
            _out(line)
    for line in _edit_warnings(design):
        _out(f"warning       {line}")
    first, *rest = relief_summary(design, per_depth=getattr(args, "per_depth", False))
    _out(f"lower relief  {first}")
    for line in rest:
        _out(line)
    if design.limits:
        _out("limits set    " + ", ".join(f"{k} {v:g}" for k, v in design.limits))
    return EXIT_OK


def _configure_info(parser: argparse.ArgumentParser) -> None:
    _configure_file(parser)
    parser.add_argument("--per-depth", action="store_true",
                        help="also list the lower relief's regions and holes per depth layer")


def _edit_warnings(design: Design) -> list[str]:
    """Hand edits that name sites the layout does not have (they do nothing; likely a typo)."""
    from geometry.model.layouts.edits import edit_warnings

    return edit_warnings(design.layout, design.pad, design.edits)


# -- ballmask check ----------------------------------------------------------------------------------------
def _configure_check(parser: argparse.ArgumentParser) -> None:
    _configure_file(parser)
    parser.add_argument("--json", action="store_true", help="print the violations as a JSON list of records")
    parser.add_argument("--all", action="store_true", help="list every violation (default: 10 per check)")


def _run_check(args: argparse.Namespace) -> int:
    from geometry.checks import run_checks
    from geometry.fileio import load_design

    design = load_design(args.file)
    report: CheckReport = run_checks(design)
    if args.json:
        _out(json.dumps(report_records(report), indent=2))
        for line in _edit_warnings(design):
            sys.stderr.write(f"ballmask: warning: {line}\n")
    else:
        _out(f"{design.name}: {args.file}")
        for line in _edit_warnings(design):
            _out(f"warning: {line}")
        lines = format_report(report, show_all=args.all)
        for line in [*lines[:-2], *margin_lines(design), *lines[-2:]]:  # the counts and the verdict stay last
            _out(line)
    return EXIT_ERRORS if report.has_errors else EXIT_OK


# -- ballmask export (cli.export holds the options and the work) ----------------------------------
def _configure_export(parser: argparse.ArgumentParser) -> None:
    from cli.export import configure_export

    configure_export(parser)


def _run_export(args: argparse.Namespace) -> int:
    from cli.export import run_export

    return run_export(args)


# -- the window --------------------------------------------------------------------------------------------
def open_window(path: str | None) -> int:
    """Open the window on a design file (or an empty design); Qt is imported only here."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            _err(f"{path}: no such design file")
            return EXIT_BAD_INPUT
    try:
        from app.main import run_app
    except ImportError as e:
        _err(f"the window cannot start ({e}); the command line works: {PROG} --help")
        return EXIT_BAD_INPUT
    return int(run_app(None if path is None else Path(path)))


# -- ballmask rework (cli.rework holds the options and the work) ------------------------------
def _configure_rework(parser: argparse.ArgumentParser) -> None:
    from cli.rework import configure_rework

    configure_rework(parser)


def _run_rework(args: argparse.Namespace) -> int:
    from cli.rework import run_rework

    return run_rework(args)


def _lazy(name: str) -> Callable[[Any], Any]:
    """A function of cli.import_cmd, imported when first called (cli.import_cmd imports this module)."""

    def call(arg: Any) -> Any:
        from cli import import_cmd

        return getattr(import_cmd, name)(arg)

    return call


COMMANDS: list[Command] = [
    Command("new", "make a new design file from a generator", _configure_new, _run_new),
    Command("info", "show a design: sites, ball, mask, profile and derived values, lower relief",
            _configure_info, _run_info),
    Command("check", "check a design against its rules; exit 1 when there are errors", _configure_check,
            _run_check),
    Command("export", "write the mask maker's files: DXF, Gerber, PDF drawing, or all in a folder or zip",
            _configure_export, _run_export),
    Command("rework", "derive a rework mask for a device peeled off its board and print the review",
            _configure_rework, _run_rework),
    Command("import", "start a design from a customer's pad file (GDS, OASIS, Gerber, DXF, IPC-2581, KiCad, CSV)",
            _lazy("configure_import"), _lazy("run_import")),
    Command("compare", "match a design's openings with the pads of a file; exit 1 on any difference",
            _lazy("configure_compare"), _lazy("run_compare")),
]
"""The subcommands, in the order ``--help`` lists them. Append a :class:`Command` to add one."""


def chosen_command(args_list: Sequence[str]) -> str | None:
    """The subcommand a command line names (its first word that is a command's name), None when it names none."""
    names = {c.name for c in COMMANDS}
    return next((a for a in args_list if a in names), None)


def make_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand, or with only the options of the subcommand ``only`` (none
    when ``only`` is "").

    Configuring a subcommand imports its module (``rework`` the rework model and numpy, ``export`` the
    exporter registry), so ``ballmask check FILE`` configures ``check`` alone and every other subcommand is
    just its name and help line (what ``ballmask --help`` lists) -- a cold ``check`` then imports only what
    checking needs, and ``ballmask --help`` nothing of geometry but the option types.
    """
    parser = GuardedParser(
        prog=PROG,
        description="CAD for solder-ball mounting masks. Without a command (or with a .ballmask file) it "
                    "opens the window.",
        epilog="Exit codes: 0 success, 1 the design has check errors, 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    parser.add_argument("--self-test", nargs="?", const="", metavar="DIR",
                        help="open a bundled example, check it, export every format, render the window "
                             "offscreen; exit 0 when every step passes (outputs kept in DIR when given)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for cmd in COMMANDS:
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        if only is None or cmd.name == only:
            cmd.configure(p)
        p.set_defaults(run=cmd.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ballmask`` script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    keep_freed_memory()
    names = {c.name for c in COMMANDS}
    if not args_list:
        return open_window(None)
    if len(args_list) == 1 and not args_list[0].startswith("-") and args_list[0] not in names:
        return open_window(args_list[0])
    only = chosen_command(args_list) or ""
    if "numpy" not in sys.modules:
        # OpenBLAS starts a thread per core when numpy is imported, about 30 ms of CPU on a 2-core machine; no
        # command does a matrix product big enough to use them (geometry solves 2 x 2 and 3 x 3 systems at most)
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    return run_guarded(lambda: make_parser(only), args_list, _self_test)


def _self_test(args: argparse.Namespace) -> int | None:
    """``--self-test``: run before any subcommand (None: not asked for)."""
    if getattr(args, "self_test", None) is None:
        return None
    from cli.selftest import run_self_test

    return run_self_test(Path(args.self_test) if args.self_test else None)

if __name__ == "__main__":
    sys.exit(main())
