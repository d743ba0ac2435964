"""The edge check: openings keep e_min away from the mask outline and from every fiducial; fiducials lie inside
the outline and keep e_min from it too.

Both the upper circle (centred on the site) and the lower circle (shifted for one-side-vertical openings) count,
since either one weakens the sheet near its edge or eats into a fiducial's clear area. Distances are computed for
all sites at once; the loop is over the few fiducials only. A fiducial outside the outline is not on the sheet
at all (the machine's camera finds no mark), and one closer than e_min to the outline weakens the edge the same
way an opening does, so both are errors.
"""

from __future__ import annotations

import numpy as np

from geometry.checks.base import EPS_MM, Check, CheckContext, FloatArray, Scope, fmt_mm
from geometry.checks.records import Severity, Violation


def _inset(cx: FloatArray, cy: FloatArray, r: FloatArray, rect: tuple[float, float, float, float]) -> FloatArray:
    """Distance from circles to the rectangle's edge, measured inward (negative where a circle crosses it)."""
    x0, y0, x1, y1 = rect
    return np.minimum(np.minimum(cx - x0, x1 - cx), np.minimum(cy - y0, y1 - cy)) - r


def _fiducials_in_outline(
    ctx: CheckContext, rect: tuple[float, float, float, float], e_min: float,
) -> list[Violation]:
    """Fiducials whose disc crosses or leaves the outline, or comes closer than e_min to it."""
    out: list[Violation] = []
    for n, fid in enumerate(ctx.design.mask.fiducials, start=1):
        one = np.array([fid.x_mm])
        m = float(_inset(one, np.array([fid.y_mm]), np.array([fid.diameter_mm / 2.0]), rect)[0])
        if m >= e_min - EPS_MM:
            continue
        where = f"fiducial {n} at ({fid.x_mm:g}, {fid.y_mm:g}) mm"
        x0, y0, x1, y1 = rect
        if not (x0 <= fid.x_mm <= x1 and y0 <= fid.y_mm <= y1):
            text = f"{where} lies outside the mask outline; its rim must be at least {fmt_mm(e_min)} inside it"
        elif m < 0.0:
            text = f"{where} crosses the mask outline by {fmt_mm(-m)}; its rim must be at least {fmt_mm(e_min)} inside"
        else:
            text = f"{where} is {fmt_mm(m)} from the mask outline, below {fmt_mm(e_min)}"
        out.append(Violation("edge", Severity.ERROR, (), fid.x_mm, fid.y_mm, m, e_min, "mm", text))
    return out


def edge(ctx: CheckContext) -> list[Violation]:
    """Every opening's upper and lower circle is at least e_min from the outline rectangle and fiducial edges."""
    e_min = ctx.limits.edge_min_mm
    rect = ctx.outline_rect()
    out = _fiducials_in_outline(ctx, rect, e_min)
    t = ctx.table
    rows = t.rows
    if not len(rows):
        return out
    ux, uy = ctx.sites.x_mm[rows], ctx.sites.y_mm[rows]
    lx, ly = t.lower_x_mm[rows], t.lower_y_mm[rows]
    ur, lr = t.upper_mm[rows] / 2.0, t.lower_mm[rows] / 2.0
    names = ctx.sites.names[rows]

    dist = np.minimum(_inset(ux, uy, ur, rect), _inset(lx, ly, lr, rect))
    for k in np.flatnonzero(dist < e_min - EPS_MM).tolist():
        name, m = str(names[k]), float(dist[k])
        out.append(Violation(
            "edge", Severity.ERROR, (name,), float(ux[k]), float(uy[k]), m, e_min, "mm",
            f"opening {name} is {fmt_mm(m)} from the mask outline, below {fmt_mm(e_min)}",
        ))

    for n, fid in enumerate(ctx.design.mask.fiducials, start=1):
        fr = fid.diameter_mm / 2.0
        du = np.hypot(ux - fid.x_mm, uy - fid.y_mm) - ur - fr
        dl = np.hypot(lx - fid.x_mm, ly - fid.y_mm) - lr - fr
        dist = np.minimum(du, dl)
        for k in np.flatnonzero(dist < e_min - EPS_MM).tolist():
            name, m = str(names[k]), float(dist[k])
            out.append(Violation(
                "edge", Severity.ERROR, (name,), float(ux[k]), float(uy[k]), m, e_min, "mm",
                f"opening {name} is {fmt_mm(m)} from fiducial {n} at ({fid.x_mm:g}, {fid.y_mm:g}) mm,"
                f" below {fmt_mm(e_min)}",
            ))
    return out


CHECKS = (Check(
    "edge", "Edge distance",
    "distance of openings and fiducials to the mask outline, and of openings to fiducials >= e_min", edge,
    Scope.PLACEMENT,
),)
