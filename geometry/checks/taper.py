"""The taper-angle check: a tapered face is really tapered (claim 4), and not so flat that its edge is weak."""

from __future__ import annotations

from geometry.checks.base import Check, CheckContext, Scope, above, below, fmt_deg
from geometry.checks.records import Severity, Violation


def taper_angle(ctx: CheckContext) -> list[Violation]:
    """theta <= 60 deg (claim 4) and theta >= 30 deg, for openings with a tapered face only (both warnings).

    Straight and stepped openings have no tapered face (theta = 90 is their vertical wall), so they are skipped.
    """
    hi, lo = ctx.limits.taper_max_deg, ctx.limits.taper_weak_deg
    out: list[Violation] = []
    for o, rows in ctx.opening_groups():
        if not o.tapered:
            continue
        theta = o.angle_deg
        if above(theta, hi):
            out.append(ctx.group_violation(
                "taper-angle", Severity.WARNING, rows, theta, hi,
                f"wall angle {fmt_deg(theta)} is above {fmt_deg(hi)}: the face is hardly tapered (claim 4)",
                unit="deg",
            ))
        elif below(theta, lo):
            out.append(ctx.group_violation(
                "taper-angle", Severity.WARNING, rows, theta, lo,
                f"wall angle {fmt_deg(theta)} is below {fmt_deg(lo)}: the edge is weak",
                unit="deg",
            ))
    return out


CHECKS = (
    Check("taper-angle", "Taper angle", "30 deg <= theta <= 60 deg on a tapered face (claim 4)",
          taper_angle, Scope.OPENING),
)
