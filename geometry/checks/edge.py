"""The edge check: openings keep e_min away from the mask outline and from every fiducial.

Both the upper circle (centred on the site) and the lower circle (shifted for one-side-vertical openings) count,
since either one weakens the sheet near its edge or eats into a fiducial's clear area. Distances are computed for
all sites at once; the loop is over the few fiducials only.
"""

from __future__ import annotations

import numpy as np

from geometry.checks.base import EPS_MM, Check, CheckContext, FloatArray, Scope, fmt_mm
from geometry.checks.records import Severity, Violation


def _inset(cx: FloatArray, cy: FloatArray, r: FloatArray, rect: tuple[float, float, float, float]) -> FloatArray:
    """Distance from circles to the rectangle's edge, measured inward (negative where a circle crosses it)."""
    x0, y0, x1, y1 = rect
    return np.minimum(np.minimum(cx - x0, x1 - cx), np.minimum(cy - y0, y1 - cy)) - r


def edge(ctx: CheckContext) -> list[Violation]:
    """Every opening's upper and lower circle is at least e_min from the outline rectangle and fiducial edges."""
    t = ctx.table
    rows = t.rows
    if not len(rows):
        return []
    e_min = ctx.limits.edge_min_mm
    ux, uy = ctx.sites.x_mm[rows], ctx.sites.y_mm[rows]
    lx, ly = t.lower_x_mm[rows], t.lower_y_mm[rows]
    ur, lr = t.upper_mm[rows] / 2.0, t.lower_mm[rows] / 2.0
    names = ctx.sites.names[rows]
    out: list[Violation] = []

    rect = ctx.design.outline_rect()
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


CHECKS = (Check("edge", "Edge distance", "distance to the mask outline and fiducials >= e_min", edge, Scope.PLACEMENT),)
