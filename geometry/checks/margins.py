"""Tolerance stack-up and thermal scale (docs/checks.md, 'Process tolerances').

The nominal checks (ball-pass, single-ball, landing) use drawn sizes. Here each one's slack is stacked against
the tolerances that eat it, per (opening, pad diameter):

* ball-pass: slack d_u - D - c_pass against tol_D and tol_open (a large ball in a small opening);
* single-ball: slack 2 D - d_u against 2 tol_D and tol_open (two small balls in a large opening);
* landing: slack p/2 - (d_u - D)/2 against a, tol_pos, the thermal error at the group's farthest site,
  tol_open / 2 and tol_D / 2 (how far the ball can land off the pad centre).

The margin is the slack minus the sum of the tolerances (worst case) or minus their root-sum-square (RSS);
``Tolerances.stack`` chooses which one decides: a negative deciding margin is a warning (the drawn design
passes, but the process can make a mask that fails). :func:`margin_table` gives every margin for reports.

Thermal: mask and device expand differently between mask making and ball mounting; the mask is larger than the
device by (alpha_mask - alpha_substrate) x dT plus any artwork scale the output applies (set it to minus that
to compensate). The misalignment at the opening farthest from the centre of the sites is checked against the
placement tolerance (``thermal``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geometry.checks.base import EPS_MM, Check, CheckContext, Scope, fmt_mm
from geometry.checks.records import Severity, Violation
from geometry.model.design import Design
from geometry.model.materials import Limits
from geometry.model.profiles import Opening

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]

MARGIN_CHECKS = ("ball-pass", "single-ball", "landing")


@dataclass(frozen=True, slots=True)
class Margin:
    """The margin of one check for one group of sites (same opening and pad): lengths in mm."""

    check: str
    rows: IntArray
    slack_mm: float
    worst_mm: float
    rss_mm: float
    deciding_mm: float
    sources: tuple[tuple[str, float], ...]


def residual_ppm(design: Design) -> float:
    """How much larger the mask is than the device at ball mounting, in ppm, after the artwork scale."""
    scale = design.output.artwork_scale_ppm or 0.0
    return design.tolerances.thermal_ppm(design.mask.material) + scale


def _centre(ctx: CheckContext) -> tuple[float, float]:
    rows = ctx.table.rows
    x, y = ctx.sites.x_mm[rows], ctx.sites.y_mm[rows]
    return (float(x.min() + x.max()) / 2.0, float(y.min() + y.max()) / 2.0) if len(rows) else (0.0, 0.0)


def _radius(ctx: CheckContext, rows: IntArray) -> FloatArray:
    cx, cy = _centre(ctx)
    return np.asarray(np.hypot(ctx.sites.x_mm[rows] - cx, ctx.sites.y_mm[rows] - cy), dtype=np.float64)


def _extent(ctx: CheckContext) -> float:
    """The largest centre-to-centre distance of the openings (the diagonal of their bounding box)."""
    rows = ctx.table.rows
    if not len(rows):
        return 0.0
    x, y = ctx.sites.x_mm[rows], ctx.sites.y_mm[rows]
    return float(math.hypot(float(x.max() - x.min()), float(y.max() - y.min())))


Stack = tuple[float, float, float]
"""(worst case, RSS, deciding) margin of one slack against its tolerances, in mm."""


def stack_margin(slack: float, sources: list[tuple[str, float]] | tuple[tuple[str, float], ...],
                 stack: str) -> Stack:
    """The slack minus the tolerances summed (worst case) and root-sum-squared (RSS), and the one that decides."""
    worst = slack - sum(v for _, v in sources)
    rss = slack - math.sqrt(sum(v * v for _, v in sources))
    return worst, rss, worst if stack == "worst-case" else rss


def margin_stacks(
    d: Design, limits: Limits, extent_mm: float, classes: list[tuple[Opening, float, float]],
) -> list[tuple[int, str, float, list[tuple[str, float]]]]:
    """(class, check, slack, tolerances) of every margin, per check of MARGIN_CHECKS, per class in order.

    A class is the sites of one (opening, pad diameter): ``classes`` holds its opening, pad diameter and the
    largest distance of one of its sites from the centre of the openings (the radius of its thermal error);
    ``extent_mm`` is the openings' largest centre-to-centre distance (the placement tolerance grows with it).
    The whole design's classes and the repeated units' classes (:mod:`geometry.checks.placement`) go through
    this one function, so both give the same numbers.
    """
    tol = d.tolerances
    ball = d.ball
    t_open = tol.opening_tol(d.mask.material, d.mask.thickness_mm)
    t_pos = tol.position_tol(d.mask.material, extent_mm)
    ppm = abs(residual_ppm(d))
    out: list[tuple[int, str, float, list[tuple[str, float]]]] = []
    for k, (o, _pad, _r) in enumerate(classes):
        out.append((k, "ball-pass", o.upper_mm - ball.diameter_mm - limits.ball_pass_clearance_mm,
                    [("tol_D", ball.tolerance_mm), ("tol_open", t_open)]))
    for k, (o, _pad, _r) in enumerate(classes):
        out.append((k, "single-ball", 2.0 * ball.diameter_mm - o.upper_mm,
                    [("2 tol_D", 2.0 * ball.tolerance_mm), ("tol_open", t_open)]))
    for k, (o, pad, radius) in enumerate(classes):
        out.append((k, "landing", pad / 2.0 - (o.upper_mm - ball.diameter_mm) / 2.0,
                    [("a", limits.alignment_mm), ("tol_pos", t_pos), ("thermal", ppm * 1e-6 * radius),
                     ("tol_open/2", t_open / 2.0), ("tol_D/2", ball.tolerance_mm / 2.0)]))
    return out


def margin_table(ctx: CheckContext) -> list[Margin]:
    """Every margin: per check of MARGIN_CHECKS, per (opening, pad diameter) group, in that order."""
    groups = ctx.groups_by_opening_and_pad()
    classes = [(o, pad, float(_radius(ctx, rows).max())) for o, pad, rows in groups]
    stack = ctx.design.tolerances.stack
    out: list[Margin] = []
    for k, check, slack, sources in margin_stacks(ctx.design, ctx.limits, _extent(ctx), classes):
        worst, rss, deciding = stack_margin(slack, sources, stack)
        out.append(Margin(check, groups[k][2], slack, worst, rss, deciding, tuple(sources)))
    return out


def short_margin(check: str, slack: float, sources: list[tuple[str, float]] | tuple[tuple[str, float], ...],
                 stack: str) -> tuple[float, str] | None:
    """(deciding margin, message) when the margin is not positive enough (single-ball's must stay positive),
    None when it passes."""
    worst, rss, deciding = stack_margin(slack, sources, stack)
    if not (deciding < -EPS_MM or (check == "single-ball" and deciding <= EPS_MM)):
        return None
    parts = ", ".join(f"{k} {fmt_mm(v)}" for k, v in sources)
    return deciding, (f"{check}: slack {fmt_mm(slack)} after tolerances ({parts}) leaves {fmt_mm(worst)}"
                      f" worst case, {fmt_mm(rss)} RSS; the {stack} margin is not positive")


def margin(ctx: CheckContext) -> list[Violation]:
    """A warning per check and group whose deciding margin is negative (single-ball's must stay positive)."""
    mode = ctx.design.tolerances.stack
    out: list[Violation] = []
    for m in margin_table(ctx):
        short = short_margin(m.check, m.slack_mm, m.sources, mode)
        if short is not None:
            out.append(ctx.group_violation("margin", Severity.WARNING, m.rows, short[0], 0.0, short[1]))
    return out


def thermal_misalignment_mm(ctx: CheckContext) -> tuple[float, int]:
    """(misalignment at the farthest opening in mm, its site row); (0, -1) without openings."""
    rows = ctx.table.rows
    if not len(rows):
        return 0.0, -1
    r = _radius(ctx, rows)
    k = int(np.argmax(r))
    return abs(residual_ppm(ctx.design)) * 1e-6 * float(r[k]), int(rows[k])


def thermal_applies(d: Design) -> bool:
    """Whether the thermal check reports at all: a temperature difference or an artwork scale is set."""
    return not (d.tolerances.delta_t_k == 0.0 and d.output.artwork_scale_ppm is None)


def thermal_violation(d: Design, radius_mm: float, name: str, x_mm: float, y_mm: float) -> Violation:
    """The thermal finding for the farthest opening ``name`` at (x, y), ``radius_mm`` from the openings' centre:
    info within the placement tolerance, an error above it."""
    mis = abs(residual_ppm(d)) * 1e-6 * radius_mm
    limit = d.tolerances.placement_tol_mm
    bad = mis > limit + EPS_MM
    tol = d.tolerances
    text = (f"mask {tol.mask_cte(d.mask.material):g} ppm/K over {tol.substrate} {tol.substrate_cte():g} ppm/K at"
            f" dT {tol.delta_t_k:g} K, artwork scale {d.output.artwork_scale_ppm or 0.0:g} ppm: the mask is"
            f" {residual_ppm(d):.1f} ppm off, {fmt_mm(mis)} at the farthest opening {name}")
    text += f", above the placement tolerance {fmt_mm(limit)}" if bad else f", within {fmt_mm(limit)}"
    return Violation("thermal", Severity.ERROR if bad else Severity.INFO, (name,), x_mm, y_mm, mis, limit, "mm",
                     text)


def thermal(ctx: CheckContext) -> list[Violation]:
    """Info on the thermal misalignment when a temperature difference or artwork scale is set; error above the
    placement tolerance."""
    d = ctx.design
    rows = ctx.table.rows
    if not thermal_applies(d) or not len(rows):
        return []
    r = _radius(ctx, rows)
    k = int(np.argmax(r))
    row = int(rows[k])
    return [thermal_violation(d, float(r[k]), str(ctx.sites.names[row]), float(ctx.sites.x_mm[row]),
                              float(ctx.sites.y_mm[row]))]


CHECKS = (
    Check("margin", "Tolerance stack-up",
          "ball-pass, single-ball and landing keep a positive margin after the process tolerances", margin,
          Scope.PLACEMENT),
    Check("thermal", "Thermal scale",
          "|(alpha_mask - alpha_substrate) dT + artwork scale| x radius <= placement tolerance", thermal,
          Scope.PLACEMENT),
)
