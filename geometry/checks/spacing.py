"""Checks between neighbouring sites on the upper side: ball gap, upper web, overlapping openings, pitch.

Neighbours come from one KD-tree pass over the populated centres (:func:`geometry.derive.pairs.close_pairs`) per
check run, with a reach just large enough for the widest rule of the family, so a 10,000-site grid looks at tens
of thousands of pairs, never fifty million; each rule keeps the pairs within its own reach and is evaluated for
all of them at once.
"""

from __future__ import annotations

import numpy as np

from geometry.checks.base import EPS_MM, Check, CheckContext, FloatArray, IntArray, Scope, fmt_mm
from geometry.checks.records import Severity, Violation


def family_reach(ctx: CheckContext) -> float:
    """The largest centre distance any check of this family looks at: the ball gap's or the upper web's."""
    rows = ctx.table.rows
    upper = float(np.max(ctx.table.upper_mm[rows])) if len(rows) else 0.0
    return max(ctx.design.ball.diameter_mm + ctx.limits.ball_gap_min_mm, upper + ctx.limits.web_min_mm) + EPS_MM


def _populated_pairs(ctx: CheckContext, reach_mm: float) -> tuple[IntArray, IntArray, FloatArray]:
    """Site rows (i < j) of populated sites whose centres are within ``reach_mm``, and their distances.

    The family shares one KD-tree pass (:attr:`CheckContext.upper_pairs`, at :func:`family_reach`); each rule
    keeps the pairs within its own reach, in the same (i, j) order.
    """
    i, j, dist = ctx.upper_pairs(family_reach)
    keep = dist <= reach_mm + EPS_MM
    return i[keep], j[keep], dist[keep]


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
    """D < the smallest centre distance among populated sites; one violation at the closest pair.

    The closest pair comes from the family's shared pairs (their reach, D + g_min, is past D): the first in
    (i, j) order among those at the smallest distance, so ties name the lowest rows.
    """
    rows = ctx.table.rows
    if len(rows) < 2:
        return []
    d = ctx.design.ball.diameter_mm
    i, j, dist = _populated_pairs(ctx, d)
    if not len(dist):
        return []
    k = int(np.argmin(dist))
    closest = float(dist[k])
    if closest > d + EPS_MM:  # strict rule: balls exactly one diameter apart already touch
        return []
    ia, ib = i[k:k + 1], j[k:k + 1]
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
