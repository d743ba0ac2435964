"""What `ballmask info` and `ballmask check` print: a design's derived values and its check report as text or
JSON records. Qt-free, like the rest of the command line."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geometry.checks.records import CheckReport
    from geometry.model.design import Design
    from geometry.model.profiles import Opening


def opening_lines(design: Design, opening: Opening, indent: str) -> list[str]:
    """The derived values of one resolved opening, one per line, d_u also as a multiple of D."""
    o = opening
    d = design.ball.diameter_mm
    lines = [
        f"{indent}d_u           {o.upper_mm:.4f} mm ({o.upper_mm / d:.3f} D)",
        f"{indent}d_l           {o.lower_mm:.4f} mm",
        f"{indent}theta         {o.angle_deg:.2f} deg",
        f"{indent}h_v           {o.vertical_mm:.4f} mm",
        f"{indent}relief depth  {o.relief_depth_mm:.4f} mm",
    ]
    if o.lower_shift_mm:
        lines.append(f"{indent}lower shift   {o.lower_shift_mm:.4f} mm toward {o.direction_deg:g} deg")
    return lines


def ridge_at_min_pitch(design: Design) -> tuple[float, float] | None:
    """(minimum centre distance, ridge height there) for two populated sites with the default profile.

    The ridge height is the depth below the upper surface at which the two openings meet
    (:func:`geometry.derive.pairs.contact_depth`); it equals t when they never meet. None with fewer than two sites.
    """
    import numpy as np

    from geometry.base.spatial import nearest_other
    from geometry.derive.pairs import contact_depth

    sites = design.sites()
    xy = sites.xy[sites.populated]
    if len(xy) < 2:
        return None
    dist, idx = nearest_other(xy[:, 0], xy[:, 1])
    k = int(np.argmin(dist))
    j = int(idx[k])
    dx = np.array([xy[j, 0] - xy[k, 0]])
    dy = np.array([xy[j, 1] - xy[k, 1]])
    o = design.opening
    return float(dist[k]), float(contact_depth(o, o, dx, dy)[0])


def relief_summary(design: Design, per_depth: bool = False) -> list[str]:
    """The merged lower relief (claim 7): groups of interconnected openings and metal islands, each counted once
    over all depth layers (:mod:`geometry.derive.relief.hole_cover`), single outlines, etched area per depth;
    regions and holes per depth layer as well when ``per_depth``."""
    import numpy as np

    from geometry.derive.relief.hole_cover import island_count, merged_groups
    from geometry.derive.relief.merged import lower_relief
    from geometry.derive.relief.model import depth_key

    relief = lower_relief(design)
    groups, joined = merged_groups(relief)
    holes = int(np.sum(relief.hole_counts()))
    islands, covered = island_count(relief)
    single = int(relief.circle_x_mm.shape[0])
    areas = relief.areas()
    if not areas:
        return ["none (no opening has a lower relief)"]
    places = islands + covered
    what = f"{islands} metal island(s) on the lower surface"
    if covered:
        what += f", {covered} under a shallower relief layer (metal above it, not at full thickness)"
    lines = [f"{groups} merged region(s) joining {joined} openings, {places} hole(s) ({what}); "
             f"{single} single lower outline(s)"]
    lines += [f"  depth {depth:.3f} mm: etched area {area:.3f} mm^2" for depth, area in sorted(areas.items())]
    if per_depth:
        rkey = depth_key(relief.region_depth_mm)
        per_region = relief.hole_counts()
        for key in np.unique(rkey).tolist():
            m = rkey == key
            lines.append(f"  depth {key / 1000.0:.3f} mm layer: {int(m.sum())} region(s), "
                         f"{int(per_region[m].sum())} hole ring(s)")
        if len(np.unique(rkey)) > 1:
            lines.append(f"  (per layer the regions and holes of one place repeat: {holes} hole rings in all)")
    return lines


def _number(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def report_records(report: CheckReport) -> list[dict[str, Any]]:
    """The violations as JSON records: check, severity, sites, x_mm, y_mm, measured, limit, unit, message."""
    return [
        {
            "check": v.check, "severity": str(v.severity), "sites": list(v.sites),
            "x_mm": _number(v.x_mm), "y_mm": _number(v.y_mm),
            "measured": _number(v.measured), "limit": _number(v.limit), "unit": v.unit, "message": v.message,
        }
        for v in report.violations
    ]


def _plural(n: int, word: str) -> str:
    """"1 error", "2 errors"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def format_report(report: CheckReport, show_all: bool = False, per_check: int = 10) -> list[str]:
    """Violations grouped by check, each group with its counts per severity, then a summary and the verdict."""
    from geometry.checks.records import Severity

    lines: list[str] = []
    for check, items in report.by_check().items():
        counts = [_plural(sum(1 for v in items if v.severity == s), str(s))
                  for s in Severity if any(v.severity == s for v in items)]
        lines.append(f"{check}: {', '.join(counts)}")
        shown = items if show_all else items[:per_check]
        for v in shown:
            where = ", ".join(v.sites[:4]) + (f" (+{len(v.sites) - 4})" if len(v.sites) > 4 else "")
            lines.append(f"  {v.severity:<8}{where or '-'} at ({v.x_mm:.3f}, {v.y_mm:.3f}) mm: "
                         f"measured {v.measured:.4g} {v.unit}, limit {v.limit:.4g} {v.unit}"
                         + (f": {v.message}" if v.message else ""))
        if len(items) > len(shown):
            lines.append(f"  ... {len(items) - len(shown)} more (--all lists them)")
    errors, warnings, infos = (report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    lines.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}, {infos} info")
    lines.append("FAIL: the design has errors" if errors else "PASS: no errors")
    return lines


def margin_lines(design: Design) -> list[str]:
    """The worst tolerance stack-up margin of ball-pass, single-ball and landing (docs/checks.md), both ways."""
    from geometry.checks.base import CheckContext
    from geometry.checks.margins import MARGIN_CHECKS, margin_table

    table = margin_table(CheckContext.of(design))
    lines = [f"margins ({design.tolerances.stack} decides):"]
    for check in MARGIN_CHECKS:
        mine = [m for m in table if m.check == check]
        if mine:
            w = min(mine, key=lambda m: m.deciding_mm)
            lines.append(f"  {check:<12} worst case {w.worst_mm:.4f} mm, RSS {w.rss_mm:.4f} mm ({len(w.rows)} sites)")
    return lines if len(lines) > 1 else []
