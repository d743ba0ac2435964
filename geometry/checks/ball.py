"""Checks of one opening against the ball: it passes, only one enters, it is held, none stacks, it lands.

All but ``landing`` depend on the resolved opening only, so they report once per distinct opening (listing the
sites that use it); ``landing`` also depends on the pad, so it reports once per (opening, pad diameter).
"""

from __future__ import annotations

from geometry.checks.base import Check, CheckContext, Scope, above, below, fmt_mm
from geometry.checks.records import Severity, Violation

STEPPED_KINDS = frozenset({"stepped", "stepped-tapered"})


def ball_pass(ctx: CheckContext) -> list[Violation]:
    """d_u >= D + tol_D + c_pass: a ball at the top of its tolerance, plus clearance, drops through."""
    ball = ctx.design.ball
    limit = ball.diameter_mm + ball.tolerance_mm + ctx.limits.ball_pass_clearance_mm
    return [
        ctx.group_violation(
            "ball-pass", Severity.ERROR, rows, o.upper_mm, limit,
            f"upper diameter {fmt_mm(o.upper_mm)} is below {fmt_mm(limit)} (ball {fmt_mm(ball.diameter_mm)}"
            f" + tolerance {fmt_mm(ball.tolerance_mm)} + clearance {fmt_mm(ctx.limits.ball_pass_clearance_mm)}):"
            " the ball may not pass",
        )
        for o, rows in ctx.opening_groups()
        if below(o.upper_mm, limit)
    ]


def single_ball(ctx: CheckContext) -> list[Violation]:
    """d_u < 2 D (error: two balls enter at or above it); d_u > 1.3 D warns; outside 1.05-1.2 D is info."""
    d = ctx.design.ball.diameter_mm
    lim = ctx.limits
    two = lim.single_ball_max_ratio * d
    warn = lim.single_ball_warn_ratio * d
    low, high = lim.comfort_low_ratio * d, lim.comfort_high_ratio * d
    out: list[Violation] = []
    for o, rows in ctx.opening_groups():
        du = o.upper_mm
        ratio = f"{du / d:.3g} D"
        if not below(du, two):  # the rule is strict: at exactly 2 D two balls fit side by side
            out.append(ctx.group_violation(
                "single-ball", Severity.ERROR, rows, du, two,
                f"upper diameter {fmt_mm(du)} ({ratio}) is not below {fmt_mm(two)}"
                f" ({lim.single_ball_max_ratio:g} D): two balls can enter one opening",
            ))
        elif above(du, warn):
            out.append(ctx.group_violation(
                "single-ball", Severity.WARNING, rows, du, warn,
                f"upper diameter {fmt_mm(du)} ({ratio}) is above {fmt_mm(warn)}"
                f" ({lim.single_ball_warn_ratio:g} D): a second ball may wedge in",
            ))
        elif below(du, low) or above(du, high):
            edge = low if du < low else high
            out.append(ctx.group_violation(
                "single-ball", Severity.INFO, rows, du, edge,
                f"upper diameter {fmt_mm(du)} ({ratio}) is outside the comfortable band {fmt_mm(low)} to"
                f" {fmt_mm(high)} ({lim.comfort_low_ratio:g} D to {lim.comfort_high_ratio:g} D)",
            ))
    return out


def hold(ctx: CheckContext) -> list[Violation]:
    """Stepped profiles: h_v >= r (claim 6); other profiles: t >= r, so sweeping leaves the ball in place."""
    r = ctx.design.ball.radius_mm
    out: list[Violation] = []
    for o, rows in ctx.opening_groups():
        stepped = o.kind in STEPPED_KINDS
        height = o.vertical_mm if stepped else o.thickness_mm
        what = "vertical wall" if stepped else "mask thickness"
        if below(height, r):
            out.append(ctx.group_violation(
                "hold", Severity.ERROR, rows, height, r,
                f"{what} {fmt_mm(height)} is below the ball radius {fmt_mm(r)}:"
                " the ball is not held while excess balls are swept off",
            ))
    return out


def stack(ctx: CheckContext) -> list[Violation]:
    """t <= D + pad stand-off: a second ball cannot rest on the first inside the opening."""
    d = ctx.design.ball.diameter_mm
    limit = d + ctx.limits.standoff_mm
    out: list[Violation] = []
    for o, rows in ctx.opening_groups():
        if above(o.thickness_mm, limit):
            out.append(ctx.group_violation(
                "stack", Severity.WARNING, rows, o.thickness_mm, limit,
                f"mask thickness {fmt_mm(o.thickness_mm)} is above {fmt_mm(limit)} (ball + pad stand-off):"
                " a second ball may rest on the first",
            ))
    return out


def landing(ctx: CheckContext) -> list[Violation]:
    """(d_u - D)/2 + a <= p/2 (error), <= p/4 (else warning): the ball's possible offset stays on its pad."""
    d = ctx.design.ball.diameter_mm
    a = ctx.limits.alignment_mm
    out: list[Violation] = []
    for o, pad, rows in ctx.groups_by_opening_and_pad():
        off = (o.upper_mm - d) / 2.0 + a
        if above(off, pad / 2.0):
            out.append(ctx.group_violation(
                "landing", Severity.ERROR, rows, off, pad / 2.0,
                f"the ball may land {fmt_mm(off)} off centre, more than half the pad {fmt_mm(pad / 2.0)}"
                f" (pad {fmt_mm(pad)}): it can miss its pad",
            ))
        elif above(off, pad / 4.0):
            out.append(ctx.group_violation(
                "landing", Severity.WARNING, rows, off, pad / 4.0,
                f"the ball may land {fmt_mm(off)} off centre, more than a quarter of the pad {fmt_mm(pad / 4.0)}"
                f" (pad {fmt_mm(pad)})",
            ))
    return out


CHECKS = (
    Check("ball-pass", "Ball passes", "d_u >= D + tol_D + c_pass", ball_pass, Scope.OPENING),
    Check("single-ball", "Only one ball enters",
          "d_u < 2 D (error); d_u > 1.3 D warns; 1.05 D to 1.2 D is comfortable", single_ball, Scope.OPENING),
    Check("hold", "Ball held while sweeping", "stepped profiles: h_v >= r; other profiles: t >= r",
          hold, Scope.OPENING),
    Check("stack", "No ball stacks", "t <= D + pad stand-off", stack, Scope.OPENING),
    Check("landing", "Ball lands on its pad", "(d_u - D)/2 + a <= p/2 (error); above p/4 a warning",
          landing, Scope.OPENING),
)
