"""The hole-size check: the process (the material preset) can make an opening this small in this sheet."""

from __future__ import annotations

from geometry.checks.base import Check, CheckContext, Scope, below, fmt_mm
from geometry.checks.records import Severity, Violation


def hole_size(ctx: CheckContext) -> list[Violation]:
    """d_u >= k_hole t: etching undercuts, so a hole much smaller than the sheet is thick cannot be etched."""
    k = ctx.limits.hole_factor
    out: list[Violation] = []
    for o, rows in ctx.opening_groups():
        limit = k * o.thickness_mm
        if below(o.upper_mm, limit):
            out.append(ctx.group_violation(
                "hole-size", Severity.ERROR, rows, o.upper_mm, limit,
                f"upper diameter {fmt_mm(o.upper_mm)} is below {fmt_mm(limit)} ({k:g} x thickness"
                f" {fmt_mm(o.thickness_mm)}): the process cannot make it",
            ))
    return out


CHECKS = (Check("hole-size", "Hole size", "d_u >= k_hole t", hole_size, Scope.OPENING),)
