"""Checks of the lower side: the lower web, the ridge left where outlines merge, and flux clearance.

``web-lower`` and ``ridge`` read the merge graph (:func:`geometry.derive.pairs.merge_graph`), which already holds every
pair of lower outlines closer than the lower web minimum, found with a KD-tree; ``flux-clear`` is per site and
depends only on the opening and the pad, so it reports once per (opening, pad diameter).
"""

from __future__ import annotations

import numpy as np

from geometry.checks.base import EPS_MM, Check, CheckContext, Scope, fmt_mm
from geometry.checks.records import Severity, Violation


def web_lower(ctx: CheckContext) -> list[Violation]:
    """Two lower outlines that stay separate leave a wall of at least w_min; otherwise they must be merged.

    A pair is reported when its lower gap is below w_min and it is not joined (merging is off, or forbidden for
    the pair, or no channel can be cut), and when its lower outlines overlap although merging them is forbidden.
    The record names the two sites, so the window can offer a one-click merge of exactly that pair. Pairs of two
    straight openings have no lower artwork (their lower outline is the upper hole), so they are the upper web's.
    """
    g = ctx.graph
    t = ctx.table
    w_min = ctx.limits.web_min_mm
    has_relief = (t.relief_mm[g.i] > EPS_MM) | (t.relief_mm[g.j] > EPS_MM)
    thin = ~g.joined & (g.gap_mm < w_min - EPS_MM)
    forced = g.forbidden & g.overlap
    sel = np.flatnonzero(has_relief & (thin | forced))
    i, j, gap = g.i[sel], g.j[sel], g.gap_mm[sel]
    px = (t.lower_x_mm[i] + t.lower_x_mm[j]) / 2.0
    py = (t.lower_y_mm[i] + t.lower_y_mm[j]) / 2.0

    def message(a: str, b: str, m: float, lim: float) -> str:
        if m < -EPS_MM:
            return (f"lower outlines of {a} and {b} overlap by {fmt_mm(-m)} but merging them is forbidden:"
                    f" allow the merge of {a} and {b} or move them apart")
        return f"lower web {fmt_mm(m)} between {a} and {b} is below {fmt_mm(lim)}: merge {a} and {b}"

    return ctx.pair_violations("web-lower", Severity.ERROR, i, j, gap, w_min, message, px, py)


def ridge(ctx: CheckContext) -> list[Violation]:
    """Where lower outlines are joined, the metal left under the upper surface is at least m_min (no knife edge).

    The ridge is the depth at which the two walls meet (h_v for stepped openings), or over a channel the
    membrane left above it; both come from the merge graph.
    """
    g = ctx.graph
    t = ctx.table
    m_min = ctx.limits.membrane_min_mm
    sel = np.flatnonzero(g.joined & (g.ridge_mm < m_min - EPS_MM))
    i, j = g.i[sel], g.j[sel]
    px = (t.lower_x_mm[i] + t.lower_x_mm[j]) / 2.0
    py = (t.lower_y_mm[i] + t.lower_y_mm[j]) / 2.0
    return ctx.pair_violations(
        "ridge", Severity.WARNING, i, j, g.ridge_mm[sel], m_min,
        lambda a, b, m, lim: (
            f"ridge {fmt_mm(m)} under the upper surface between {a} and {b} is below {fmt_mm(lim)}: a knife edge"
        ),
        px, py,
    )


def flux_clear(ctx: CheckContext) -> list[Violation]:
    """The lower circle contains the pad grown by the flux spread: |offset| + p/2 + f <= d_l/2.

    Measured is the clearance between the pad edge and the lower outline on the tightest side
    (d_l/2 - |offset| - p/2), compared with the flux spread f.
    """
    f = ctx.limits.flux_spread_mm
    out: list[Violation] = []
    for o, pad, rows in ctx.groups_by_opening_and_pad():
        clearance = o.lower_mm / 2.0 - abs(o.lower_shift_mm) - pad / 2.0
        if clearance < f - EPS_MM:
            out.append(ctx.group_violation(
                "flux-clear", Severity.ERROR, rows, clearance, f,
                f"the lower outline clears the pad {fmt_mm(pad)} by {fmt_mm(clearance)}, less than the flux"
                f" spread {fmt_mm(f)}: the mask touches flux",
            ))
    return out


CHECKS = (
    Check("web-lower", "Lower web", "lower gap >= w_min, otherwise the outlines must be merged", web_lower, Scope.PAIR),
    Check("ridge", "Ridge", "ridge height (or h_v for stepped) >= m_min where lower outlines merge", ridge, Scope.PAIR),
    Check("flux-clear", "Flux clearance", "the lower outline contains the pad grown by f", flux_clear, Scope.OPENING),
)
