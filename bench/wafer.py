"""The wafer-scale benchmark of issue 6: a ~1.1M-opening 300 mm wafer and a 100,000-opening array.

Run ``python -m bench [--quick] [--no-window] [--out DIR] [GROUP ...]`` (``--list`` names the groups; the strip
and the panel are in :mod:`bench.carrier`). One line per step: wall time, peak resident memory
while the step ran, the target and whether it is met. ``--quick`` replaces the 300 mm wafer by a 150 mm one (for
development). The last run's table is written to ``bench/last_run.md``.

The wafer: 300 mm, notch, 2 mm edge exclusion, 4.8 mm dies on 0.1 mm streets holding 20 x 20 sites at 0.24 mm
pitch, D 0.15 mm, 80 um electroformed nickel, tapered at 55 degrees with d_u = 1.15 D (1,102,800 openings; lower
outlines merge inside each die with a metal island in every cell). Issue 6 asks for 0.4 mm pitch and D 0.25 mm
at 1.1 M openings on 300 mm, which cannot all hold: 1.1 M openings at 0.4 mm pitch need 176,000 mm^2, 2.5 times
a 300 mm wafer's area, so the wafer keeps the count and scales the pitch and the ball (the D/pitch ratio 0.6 is
kept near 0.625). The 100,000-opening array is the issue's geometry: 316 x 316 at 0.4 mm pitch, D 0.25 mm,
130 um laser-cut stainless tapered at 60 degrees (lower outlines merge, holes between every four).

Yardsticks on the 100k array's lower discs (and upper discs for the space check), as 64-gons: KLayout's
``Region.merged()`` and ``Region.space_check()`` (pip package klayout) and shapely's ``union_all``; and for the
flattened DXF a plain Python text formatter writing the same CIRCLE and LWPOLYLINE entities.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.memory import Step, max_rss_mb, measure
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import GridLayout, Pad
from geometry.model.layouts.wafer import WaferLayout, WaferMark
from geometry.model.mask import Mask
from geometry.model.profiles import Tapered

KLAYOUT_POINTS = 64


def wafer_design(diameter_mm: float = 300.0) -> Design:
    """The benchmark wafer (see the module docstring)."""
    lay = WaferLayout(GridLayout(20, 20, 0.24), 4.8, street_mm=0.1, diameter_mm=diameter_mm,
                      edge_exclusion_mm=2.0, mark=WaferMark.NOTCH)
    return Design(Ball(0.15), Pad(0.12), lay, Mask(0.08, "electroformed-nickel"), Tapered(55.0),
                  name="bench-wafer", upper_ratio=1.15)


def array_design() -> Design:
    """The 100k array (issue 6's geometry)."""
    return Design(Ball(0.25), Pad(0.2), GridLayout(316, 316, 0.4), Mask(0.13, "laser-cut-stainless"), Tapered(60.0),
                  name="bench-array")


def clear_caches() -> None:
    """Forget every derived value, so each step is timed from scratch (as after an edit)."""
    from geometry.checks import placement, registry, repeated
    from geometry.derive import islands, openings, openings_edit, pairs, repetition, span
    from geometry.derive.relief import merged as relief
    from geometry.derive.relief import repeated as relief_tiles
    from geometry.model.layouts import edits, site_rows
    from geometry.model.layouts import wafer as layout

    for f in (edits.build_sites, openings.opening_table, pairs.merge_graph, relief.lower_relief,
              repetition.repetition, repetition._unit_index, repetition._names_cached, site_rows._units,
              registry._run_all, registry._repeated, layout.die_map, layout._generate, layout._die_sites_cached,
              repetition.outline_box, relief_tiles._type_tile, placement.unit_context, placement.unit_spread,
              repeated.unit_findings, span.largest_span, islands.lower_islands, islands.failing_islands):
        f.cache_clear()
    edits.forget_base_sites()
    openings_edit.forget()  # the last table of each layout, kept to patch the next edit's from


def clear_check_caches() -> None:
    """Forget the checks' findings and what only they derive, keeping the relief and the merge graph (the checks
    are then timed on a computed relief, as the scale benchmark times them)."""
    from geometry.checks import placement, registry, repeated
    from geometry.derive import islands, span

    for f in (registry._run_all, registry._repeated, placement.unit_context, placement.unit_spread,
              repeated.unit_findings, span.largest_span, islands.lower_islands, islands.failing_islands):
        f.cache_clear()


# -- the steps ---------------------------------------------------------------------------------------------
def generate(make: Callable[[], Design]) -> Design:
    d = make()
    d.sites()
    return d


def checks(d: Design) -> Any:
    from geometry.checks import run_checks

    return run_checks(d)


def relief_of(d: Design) -> Any:
    from geometry.derive.relief.merged import lower_relief

    return lower_relief(d)


def dxf_flat(d: Design, out: Path) -> Path:
    from geometry.export.dxf_stream import write_dxf_streaming

    return write_dxf_streaming(d, out)


def dxf_blocks(d: Design, out: Path) -> Path:
    from geometry.derive.repetition import Repeated, repetition
    from geometry.export.dxf_stream import write_dxf_blocks

    rep = repetition(d)
    assert isinstance(rep, Repeated), rep
    return write_dxf_blocks(rep, out)


def edited_unit(d: Design) -> Design:
    """``d`` with one unit edited: its middle unit's first site moved by 10 um and two sites on their own profile
    (a steeper taper), the edit of issue 12."""
    from geometry.derive.repetition import Repeated, repetition
    from geometry.model.design import ProfileOverride

    rep = repetition(d)
    assert isinstance(rep, Repeated), rep
    prefix = rep.layout.prefixes[len(rep.layout.names) // 2]
    local = rep.unit_design.sites().names[:2].tolist()
    edits = d.edits.with_moves([prefix + local[0]], 0.01, 0.0)
    steeper = ProfileOverride(tuple(prefix + n for n in local), Tapered(65.0))
    return d.with_(edits=edits, overrides=(*d.overrides, steeper))


def edit_one_unit(label: str, d: Design, say: Callable[[str], None]) -> None:
    """Relief and checks of ``d`` with one unit edited, after those of ``d`` (as after an edit in the window: the
    previous design's results are cached), split into relief and checks."""
    from geometry.derive.repetition import Repeated, repetition

    relief_of(d)
    checks(d)
    e = edited_unit(d)
    split: dict[str, float] = {}

    def both(into: dict[str, float]) -> None:
        t0 = time.perf_counter()
        relief_of(e)
        t1 = time.perf_counter()
        checks(e)
        into["relief"], into["checks"] = t1 - t0, time.perf_counter() - t1

    step = measure(f"{label}: one unit edited (a site moved, 2 own profiles), relief + checks", lambda: both(split),
                   fresh=False)  # as an edit in the window: the memory of the previous results at hand
    rep = repetition(e)
    groups = len(rep.groups) if isinstance(rep, Repeated) else rep.reason
    say(line(step, "<= 200 ms", step.seconds <= 0.2)
        + f"  (groups: {groups}; relief {split['relief'] * 1000:.0f} ms, checks {split['checks'] * 1000:.0f} ms)")


def edit_one_unit_cold(label: str, d: Design, say: Callable[[str], None]) -> None:
    """Relief and checks of ``d`` with one unit edited from no caches at all (layout, unit designs, tiles): run
    last, since it forgets what the other steps computed."""
    e = edited_unit(d)
    clear_caches()
    split: dict[str, float] = {}

    def both() -> None:
        t0 = time.perf_counter()
        relief_of(e)
        t1 = time.perf_counter()
        checks(e)
        split["relief"], split["checks"] = t1 - t0, time.perf_counter() - t1

    step = measure(f"{label}: one unit edited, relief + checks, cold (no caches)", both)
    say(line(step) + f"  (relief {split['relief'] * 1000:.0f} ms, checks {split['checks'] * 1000:.0f} ms)")


def gerber(d: Design, out: Path) -> list[Path]:
    from geometry.export.gerber_stream import write_gerbers_fast

    return write_gerbers_fast(d, out)


def plain_dxf_formatter(d: Design, out: Path) -> int:
    """The yardstick: a plain Python loop writing the same CIRCLE and LWPOLYLINE entities as text."""
    from geometry.derive.relief.merged import lower_relief
    from geometry.export.artwork import build_artwork

    art = build_artwork(d, lower_relief(d))
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        w = f.write
        h = 0x100
        for la in art.layers:
            layer = la.layer.name
            for x, y, r in la.circles.tolist():
                w(f"  0\nCIRCLE\n  5\n{h:X}\n330\n1F\n100\nAcDbEntity\n  8\n{layer}\n100\nAcDbCircle\n"
                  f" 10\n{x:.10g}\n 20\n{y:.10g}\n 30\n0.0\n 40\n{r:.10g}\n")
                h += 1
            rs = la.rings
            xy = rs.xy.tolist()
            bulge = rs.bulge.tolist()
            start = rs.start.tolist()
            for k in range(len(rs)):
                a, b = start[k], start[k + 1]
                w(f"  0\nLWPOLYLINE\n  5\n{h:X}\n330\n1F\n100\nAcDbEntity\n  8\n{layer}\n100\nAcDbPolyline\n"
                  f" 90\n{b - a}\n 70\n1\n")
                for v in range(a, b):
                    w(f" 10\n{xy[v][0]:.10g}\n 20\n{xy[v][1]:.10g}\n 42\n{bulge[v]:.12g}\n")
                h += 1
            n += la.circle_count + len(rs)
    return n


# -- yardsticks on the 100k array --------------------------------------------------------------------------
def _discs(d: Design, lower: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from geometry.derive.openings import opening_table

    t = opening_table(d)
    rows = t.rows
    if lower:
        return t.lower_x_mm[rows], t.lower_y_mm[rows], t.lower_mm[rows] / 2.0
    return t.sites.x_mm[rows], t.sites.y_mm[rows], t.upper_mm[rows] / 2.0


def klayout_region(x: np.ndarray, y: np.ndarray, r: np.ndarray) -> Any:
    """The discs as 64-gons in a KLayout Region, database unit 1 nm."""
    import klayout.db as kdb

    a = np.linspace(0.0, 2.0 * math.pi, KLAYOUT_POINTS, endpoint=False)
    reg = kdb.Region()
    px = np.rint((x[:, None] + r[:, None] * np.cos(a)) * 1e6).astype(np.int64)
    py = np.rint((y[:, None] + r[:, None] * np.sin(a)) * 1e6).astype(np.int64)
    for xs, ys in zip(px.tolist(), py.tolist(), strict=True):
        reg.insert(kdb.Polygon([kdb.Point(u, v) for u, v in zip(xs, ys, strict=True)]))
    return reg


def shapely_discs(x: np.ndarray, y: np.ndarray, r: np.ndarray) -> Any:
    import shapely

    return shapely.buffer(shapely.points(x, y), r, quad_segs=KLAYOUT_POINTS // 4)


# -- report --------------------------------------------------------------------------------------------------
def line(step: Step, target: str = "", ok: bool | None = None) -> str:
    verdict = "" if ok is None else ("  ok" if ok else "  MISSES")
    t = "   n/a " if math.isnan(step.seconds) else (f"{step.seconds:8.3f} s" if step.seconds < 100 else
                                                      f"{step.seconds:8.1f} s")
    mem = "" if math.isnan(step.peak_mb) else f"peak {step.peak_mb:7.0f} MB"
    return f"{step.label:<62} {t}  {mem:<17} {target}{verdict}"


GROUPS = {
    "wafer": "the 1.1 M-opening 300 mm wafer: generate, checks, relief, DXF flat and blocks, Gerber, pipeline, window",
    "array": "the 100k array: checks and relief against KLayout and shapely, window",
    "carrier": "a 240 x 74 mm strip and a 600 x 600 mm panel of repeated units",
    "import": "a 1M-site explicit design saved and loaded; 1M GDS and Gerber pads imported (bench/import_bench.py)",
    "cold": "check-cold: ballmask check of the 225-site BGA in fresh processes, CPU (bench/check_cold.py)",
    "scale": "1M jittered openings read from CSV: relief and all checks, the 1M grid, KLayout (bench/scale.py)",
}


GroupRun = Callable[[Path, Callable[[str], None], bool], None]  # (out_dir, say, quick)
EXTRA_GROUPS: dict[str, GroupRun] = {}


def register_group(name: str, what: str, run: GroupRun) -> None:
    """Add a group of steps from another module (``bench/__main__.py`` registers them, one line each)."""
    GROUPS[name] = what
    EXTRA_GROUPS[name] = run


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table."""
    from geometry.base.allocator import keep_freed_memory

    keep_freed_memory()  # as the ballmask command does
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a 150 mm wafer instead of 300 mm (development)")
    p.add_argument("--no-window", action="store_true", help="skip the window steps")
    p.add_argument("--out", type=Path, default=None, help="folder for the written files (default: a temp dir)")
    p.add_argument("--list", action="store_true", help="name the groups of steps and stop")
    p.add_argument("groups", nargs="*", metavar="GROUP", help=f"run only these groups ({', '.join(GROUPS)})")
    args = p.parse_args(argv)
    if args.list:
        for name, what in GROUPS.items():
            print(f"{name:8s} {what}")
        return
    unknown = sorted(set(args.groups) - set(GROUPS))
    if unknown:
        p.error(f"unknown group(s) {', '.join(unknown)}; --list names them")
    groups = args.groups or list(GROUPS)
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="ballmask-bench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}")

    if "wafer" in groups:
        run_wafer(150.0 if args.quick else 300.0, not args.no_window, out_dir, say)
    if "array" in groups:
        clear_caches()
        run_array(not args.no_window, say)
    if "carrier" in groups:
        from bench.carrier import run_carriers

        run_carriers(out_dir, say)
    if "import" in groups:
        clear_caches()
        from bench.import_bench import run_import

        run_import(out_dir, say, line)
    if "cold" in groups:
        from bench.check_cold import run_check_cold

        run_check_cold(say, line)
    if "scale" in groups:
        from bench.scale import run_scale

        run_scale(say, line, out_dir=out_dir)
    for name, run in EXTRA_GROUPS.items():
        if name in groups:
            clear_caches()
            run(out_dir, say, args.quick)
    say(f"peak memory of the whole benchmark process: {max_rss_mb():.0f} MB")
    if set(groups) != set(GROUPS):
        return  # bench/last_run.md holds full runs only
    report = Path(__file__).with_name("last_run.md")
    report.write_text("# Last benchmark run\n\n```\n" + "\n".join(lines) + "\n```\n", encoding="utf-8")
    print(f"written: {report}")


def run_wafer(dia: float, window: bool, out_dir: Path, say: Callable[[str], None]) -> None:
    """The wafer steps."""
    clear_caches()
    gen = measure("wafer: generate the design", lambda: generate(lambda: wafer_design(dia)))
    d: Design = gen.result
    n = len(d.sites())
    say(f"wafer: {dia:.0f} mm, {n:,} openings, {len(set(d.sites().group.tolist())):,} dies")
    say(line(gen, "<= 1 s", gen.seconds <= 1.0))
    # each from clean caches: the checks measure the relief (islands, span), so whichever ran second would
    # find the other's work done
    d.sites()
    rel = measure("wafer: merged lower relief, exact arcs", lambda: relief_of(d))
    r = rel.result
    clear_caches()
    d.sites()
    chk = measure("wafer: all checks (the relief they measure included)", lambda: checks(d))
    say(line(chk, "<= 2 s", chk.seconds <= 2.0) + f"  ({len(chk.result.violations)} violations)")
    say(line(rel, "<= 5 s", rel.seconds <= 5.0)
        + f"  ({r.n_regions:,} regions, {int(r.hole_counts().sum()):,} holes, {len(r.rings.bulge):,} vertices)")
    flat_path = out_dir / "wafer.dxf"
    flat = measure("wafer: flattened DXF (R2000, streamed)", lambda: dxf_flat(d, flat_path))
    yard = measure("wafer: yardstick, plain text formatter, same entities",
                   lambda: plain_dxf_formatter(d, out_dir / "yardstick.dxf"))
    ratio = flat.seconds / yard.seconds
    say(line(flat, "<= 30 s, <= 3x yardstick", flat.seconds <= 30.0 and ratio <= 3.0)
        + f"  ({flat_path.stat().st_size / 2**20:.0f} MB, {ratio:.2f}x yardstick)")
    say(line(yard) + f"  ({yard.result:,} entities)")
    blk = measure("wafer: DXF with die blocks", lambda: dxf_blocks(d, out_dir / "wafer-blocks.dxf"))
    say(line(blk, "<= 3 s", blk.seconds <= 3.0))
    edit_one_unit("wafer", d, say)
    gbr = measure("wafer: Gerber (streamed RS-274X)", lambda: gerber(d, out_dir / "wafer-gerber"))
    say(line(gbr, "<= 10 s", gbr.seconds <= 10.0)
        + f"  ({sum(q.stat().st_size for q in gbr.result) / 2**20:.0f} MB)")

    def pipeline() -> None:
        clear_caches()
        dd = generate(lambda: wafer_design(dia))
        checks(dd)
        relief_of(dd)
        dxf_flat(dd, out_dir / "pipeline.dxf")
        gerber(dd, out_dir / "pipeline-gerber")

    whole = measure("wafer: whole pipeline (generate, check, merge, DXF, Gerber)", pipeline)
    say(line(whole, "<= 60 s, <= 2 GB", whole.seconds <= 60.0 and whole.peak_mb <= 2048))
    edit_one_unit_cold("wafer", d, say)
    if window:
        from bench.view_alone import window_in_subprocess

        window_in_subprocess("wafer", dia, say)


def run_array(window: bool, say: Callable[[str], None]) -> None:
    """The 100k array steps and the yardsticks."""
    a_gen = measure("array: generate", lambda: generate(array_design))
    a: Design = a_gen.result
    say(f"array: {len(a.sites()):,} openings")
    say(line(a_gen))
    import scipy.spatial  # noqa: F401 - imported once per process (0.3 s), outside the timing as KLayout's is

    from geometry.checks import run_checks
    from geometry.derive.relief.merged import lower_relief

    a_rel = measure("array: merged lower relief, exact arcs", lambda: lower_relief(a))
    clear_caches()
    a.sites()
    a_chk = measure("array: all checks (the relief they measure included)", lambda: run_checks(a))
    say(line(a_chk) + f"  ({len(a_chk.result.violations)} violations)")
    clear_check_caches()
    a_chk_only = measure("array: all checks on the computed relief", lambda: run_checks(a))
    say(line(a_chk_only))
    say(line(a_rel) + f"  ({a_rel.result.n_regions:,} regions, {int(a_rel.result.hole_counts().sum()):,} holes)")
    lx, ly, lr = _discs(a, lower=True)
    ux, uy, ur = _discs(a, lower=False)
    try:
        lreg = klayout_region(lx, ly, lr)
        ureg = klayout_region(ux, uy, ur)
        k_merge = measure(f"array: KLayout Region.merged() ({KLAYOUT_POINTS}-gons)", lreg.merged)
        ratio = k_merge.seconds / a_rel.seconds
        say(line(k_merge, "ours >= 10x faster", ratio >= 10.0) + f"  (ours is {ratio:.1f}x faster)")
        web = a.effective_limits().web_min_mm
        k_space = measure(f"array: KLayout Region.space_check({web:g} mm)",
                          lambda: ureg.space_check(round(web * 1e6)))
        # KLayout's one spacing check against all of ours, each on what it needs made (our relief is measured
        # against merged() above); with the relief made inside the checks' time too, the ratio is printed also
        space_ratio = k_space.seconds / a_chk_only.seconds
        say(line(k_space, "our checks >= 10x faster", space_ratio >= 10.0)
            + f"  (our all checks: {space_ratio:.1f}x faster, {k_space.seconds / a_chk.seconds:.1f}x with the relief"
              f" made in them; {k_space.result.count()} edge pairs)")
    except ImportError:
        say("array: KLayout not installed (pip install klayout): yardstick skipped")
    import shapely

    discs = shapely_discs(lx, ly, lr)
    s_union = measure(f"array: shapely union_all ({KLAYOUT_POINTS}-gons)", lambda: shapely.union_all(discs))
    say(line(s_union) + f"  (ours is {s_union.seconds / a_rel.seconds:.1f}x faster)")
    if window:
        from bench.view_alone import window_in_subprocess

        window_in_subprocess("array", 0.0, say)
