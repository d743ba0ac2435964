"""Checks between neighbouring sites on the upper side: ball gap, upper web, overlapping openings, pitch.

Neighbours come from a KD-tree over the populated centres (:func:`geometry.derive.pairs.close_pairs`) with a reach just
large enough for the rule, so a 10,000-site grid looks at tens of thousands of pairs, never fifty million; the
rules are then evaluated for all pairs at once.
"""

from __future__ import annotations

import numpy as np

from geometry.base.spatial import nearest_other
from geometry.checks.base import EPS_MM, Check, CheckContext, FloatArray, IntArray, Scope, fmt_mm
from geometry.checks.records import Severity, Violation
from geometry.derive.pairs import close_pairs


def _populated_pairs(ctx: CheckContext, reach_mm: float) -> tuple[IntArray, IntArray, FloatArray]:
    """Site rows (i < j) of populated sites whose centres are within ``reach_mm``, and their distances."""
    rows = ctx.table.rows
    pi, pj, dist = close_pairs(ctx.sites.xy[rows], reach_mm + EPS_MM)
    return rows[pi], rows[pj], dist


def ball_gap(ctx: CheckContext) -> list[Violation]:
    """centre distance - D >= g_min: placed balls do not touch (reflowed balls would bridge)."""
    d = ctx.design.ball.diameter_mm
    g_min = ctx.limits.ball_gap_min_mm
    i, j, dist = _populated_pairs(ctx, d + g_min)
    gap = dist - d
    bad = gap < g_min - EPS_MM
    return ctx.pair_violations(
        "ball-gap", Severity.ERROR, i[bad], j[bad], gap[bad], g_min,
        lambda a, b, m, lim: f"ball gap {fmt_mm(m)} between {a} and {b} is below {fmt_mm(lim)}",
    )


def _upper_webs(ctx: CheckContext) -> tuple[IntArray, IntArray, FloatArray]:
    """Pairs whose upper circles are closer than w_min (edge to edge), with that distance (negative: overlap)."""
    rows = ctx.table.rows
    if len(rows) < 2:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0)
    w_min = ctx.limits.web_min_mm
    i, j, dist = _populated_pairs(ctx, float(np.max(ctx.table.upper_mm[rows])) + w_min)
    web = dist - (ctx.table.upper_mm[i] + ctx.table.upper_mm[j]) / 2.0
    close = web < w_min - EPS_MM
    return i[close], j[close], web[close]


def web_upper(ctx: CheckContext) -> list[Violation]:
    """Upper edge-to-edge distance >= w_min (the web is strong enough and can be etched).

    Pairs whose upper outlines meet or overlap are the ``overlap`` check's, not reported here a second time.
    """
    i, j, web = _upper_webs(ctx)
    sel = web >= EPS_MM
    return ctx.pair_violations(
        "web-upper", Severity.ERROR, i[sel], j[sel], web[sel], ctx.limits.web_min_mm,
        lambda a, b, m, lim: f"upper web {fmt_mm(m)} between {a} and {b} is below {fmt_mm(lim)}",
    )


def overlap(ctx: CheckContext) -> list[Violation]:
    """Upper outlines are disjoint; touching (a web of zero) counts as overlapping, since no metal is left."""
    i, j, web = _upper_webs(ctx)
    sel = web < EPS_MM
    return ctx.pair_violations(
        "overlap", Severity.ERROR, i[sel], j[sel], web[sel], 0.0,
        lambda a, b, m, lim: (
            f"upper openings of {a} and {b} overlap by {fmt_mm(-m)}" if m < -EPS_MM
            else f"upper openings of {a} and {b} touch: no metal is left between them"
        ),
    )


def pitch(ctx: CheckContext) -> list[Violation]:
    """D < the smallest centre distance among populated sites; one violation at the closest pair."""
    rows = ctx.table.rows
    if len(rows) < 2:
        return []
    d = ctx.design.ball.diameter_mm
    xy = ctx.sites.xy[rows]
    dist, nn = nearest_other(xy[:, 0], xy[:, 1])
    k = int(np.argmin(dist))
    closest = float(dist[k])
    if closest > d + EPS_MM:  # strict rule: balls exactly one diameter apart already touch
        return []
    other = int(nn[k])  # never k itself, even for coincident centres
    a, b = sorted((int(rows[k]), int(rows[other])))
    ia, ib = np.array([a], dtype=np.intp), np.array([b], dtype=np.intp)
    return ctx.pair_violations(
        "pitch", Severity.ERROR, ia, ib, np.array([closest]), d,
        lambda na, nb, m, lim: (
            f"the ball {fmt_mm(lim)} does not fit: the closest sites {na} and {nb} are only {fmt_mm(m)} apart"
        ),
    )


CHECKS = (
    Check("ball-gap", "Ball gap", "centre distance - D >= g_min", ball_gap, Scope.PAIR),
    Check("web-upper", "Upper web", "upper edge-to-edge distance >= w_min", web_upper, Scope.PAIR),
    Check("overlap", "Overlapping openings", "upper outlines are disjoint", overlap, Scope.PAIR),
    Check("pitch", "Ball fits the pitch", "D < smallest centre distance", pitch, Scope.ONCE),
)
