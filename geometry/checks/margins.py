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


def _margin(check: str, rows: IntArray, slack: float, sources: list[tuple[str, float]], stack: str) -> Margin:
    worst = slack - sum(v for _, v in sources)
    rss = slack - math.sqrt(sum(v * v for _, v in sources))
    return Margin(check, rows, slack, worst, rss, worst if stack == "worst-case" else rss, tuple(sources))


def margin_table(ctx: CheckContext) -> list[Margin]:
    """Every margin: per check of MARGIN_CHECKS, per (opening, pad diameter) group, in that order."""
    d = ctx.design
    tol = d.tolerances
    ball = d.ball
    t_open = tol.opening_tol(d.mask.material, d.mask.thickness_mm)
    t_pos = tol.position_tol(d.mask.material, _extent(ctx))
    ppm = abs(residual_ppm(d))
    groups = ctx.groups_by_opening_and_pad()
    out: list[Margin] = []
    for o, _pad, rows in groups:
        out.append(_margin("ball-pass", rows, o.upper_mm - ball.diameter_mm - ctx.limits.ball_pass_clearance_mm,
                           [("tol_D", ball.tolerance_mm), ("tol_open", t_open)], tol.stack))
    for o, _pad, rows in groups:
        out.append(_margin("single-ball", rows, 2.0 * ball.diameter_mm - o.upper_mm,
                           [("2 tol_D", 2.0 * ball.tolerance_mm), ("tol_open", t_open)], tol.stack))
    for o, pad, rows in groups:
        thermal = ppm * 1e-6 * float(_radius(ctx, rows).max())
        out.append(_margin("landing", rows, pad / 2.0 - (o.upper_mm - ball.diameter_mm) / 2.0,
                           [("a", ctx.limits.alignment_mm), ("tol_pos", t_pos), ("thermal", thermal),
                            ("tol_open/2", t_open / 2.0), ("tol_D/2", ball.tolerance_mm / 2.0)], tol.stack))
    return out


def margin(ctx: CheckContext) -> list[Violation]:
    """A warning per check and group whose deciding margin is negative (single-ball's must stay positive)."""
    mode = ctx.design.tolerances.stack
    out: list[Violation] = []
    for m in margin_table(ctx):
        strict = m.check == "single-ball"
        if m.deciding_mm < -EPS_MM or (strict and m.deciding_mm <= EPS_MM):
            parts = ", ".join(f"{k} {fmt_mm(v)}" for k, v in m.sources)
            out.append(ctx.group_violation(
                "margin", Severity.WARNING, m.rows, m.deciding_mm, 0.0,
                f"{m.check}: slack {fmt_mm(m.slack_mm)} after tolerances ({parts}) leaves {fmt_mm(m.worst_mm)}"
                f" worst case, {fmt_mm(m.rss_mm)} RSS; the {mode} margin is not positive",
            ))
    return out


def thermal_misalignment_mm(ctx: CheckContext) -> tuple[float, int]:
    """(misalignment at the farthest opening in mm, its site row); (0, -1) without openings."""
    rows = ctx.table.rows
    if not len(rows):
        return 0.0, -1
    r = _radius(ctx, rows)
    k = int(np.argmax(r))
    return abs(residual_ppm(ctx.design)) * 1e-6 * float(r[k]), int(rows[k])


def thermal(ctx: CheckContext) -> list[Violation]:
    """Info on the thermal misalignment when a temperature difference or artwork scale is set; error above the
    placement tolerance."""
    d = ctx.design
    if d.tolerances.delta_t_k == 0.0 and d.output.artwork_scale_ppm is None:
        return []
    mis, row = thermal_misalignment_mm(ctx)
    if row < 0:
        return []
    limit = d.tolerances.placement_tol_mm
    bad = mis > limit + EPS_MM
    tol = d.tolerances
    name = str(ctx.sites.names[row])
    text = (f"mask {tol.mask_cte(d.mask.material):g} ppm/K over {tol.substrate} {tol.substrate_cte():g} ppm/K at"
            f" dT {tol.delta_t_k:g} K, artwork scale {d.output.artwork_scale_ppm or 0.0:g} ppm: the mask is"
            f" {residual_ppm(d):.1f} ppm off, {fmt_mm(mis)} at the farthest opening {name}")
    text += f", above the placement tolerance {fmt_mm(limit)}" if bad else f", within {fmt_mm(limit)}"
    return [Violation("thermal", Severity.ERROR if bad else Severity.INFO, (name,), float(ctx.sites.x_mm[row]),
                      float(ctx.sites.y_mm[row]), mis, limit, "mm", text)]


CHECKS = (
    Check("margin", "Tolerance stack-up",
          "ball-pass, single-ball and landing keep a positive margin after the process tolerances", margin,
          Scope.PLACEMENT),
    Check("thermal", "Thermal scale",
          "|(alpha_mask - alpha_substrate) dT + artwork scale| x radius <= placement tolerance", thermal,
          Scope.PLACEMENT),
)
