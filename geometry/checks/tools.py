"""Checks of the companion tools (docs/tools.md): each returns violation records like the
mask's checks, from the arrays of :mod:`geometry.derive.tools`.

* flux-stencil: area ratio d / 4t >= 0.66 and aspect ratio d / t >= 1.5 per aperture size (IPC-7525), the web
  between neighbouring apertures >= its minimum;
* pin-plate: neighbouring flux spots keep at least the spot gap apart (they cannot bridge);
* pick-head: the hole is smaller than the smallest ball (D - tol_D: it cannot pass one), not so small that the
  vacuum cannot hold the ball (>= hold ratio x D, a warning), and neighbouring balls do not touch (pitch > D).

A rule that holds exactly at its limit passes (the comparison tolerance is :data:`EPS_MM`).
"""

from __future__ import annotations

import numpy as np

from geometry.checks.base import EPS_MM
from geometry.checks.records import CheckReport, Severity, Violation
from geometry.derive.tools import ToolSites, flux_apertures_mm, pick_hole_mm, spot_diameters_mm, tool_sites
from geometry.model.design import Design
from geometry.model.tools import ToolKind

FloatArray = np.ndarray


def _groups(ts: ToolSites, value: FloatArray, bad: np.ndarray, check: str, severity: Severity,
            limit: float, unit: str, text: str) -> list[Violation]:
    """One finding per distinct failing value, naming its sites (``text`` formats value and limit)."""
    out: list[Violation] = []
    rows = np.flatnonzero(bad)
    if not len(rows):
        return out
    keys, inverse = np.unique(np.round(value[rows], 9), return_inverse=True)
    for g, v in enumerate(keys.tolist()):
        members = rows[inverse.reshape(-1) == g]
        names = tuple(ts.names[members].tolist())
        r = int(members[0])
        where = f"site {names[0]}" if len(names) == 1 else f"{len(names)} sites"
        out.append(Violation(check, severity, names, float(ts.x_mm[r]), float(ts.y_mm[r]), float(v), limit, unit,
                             f"{text.format(value=v, limit=limit)} ({where})"))
    return out


def _pairs(ts: ToolSites, gap: FloatArray, limit: float, check: str, text: str) -> list[Violation]:
    """One finding per pair of nearest neighbours whose gap is below ``limit`` (each pair once)."""
    i = np.arange(len(ts), dtype=np.intp)
    j = ts.neighbour
    bad = (j >= 0) & (gap < limit - EPS_MM)
    a, b = np.minimum(i, j)[bad], np.maximum(i, j)[bad]
    pairs = np.unique(np.column_stack([a, b]), axis=0) if len(a) else np.zeros((0, 2), dtype=np.intp)
    out = []
    for p, q in pairs.tolist():
        g = float(gap[p] if ts.neighbour[p] == q else gap[q])
        out.append(Violation(check, Severity.ERROR, (str(ts.names[p]), str(ts.names[q])),
                             float((ts.x_mm[p] + ts.x_mm[q]) / 2), float((ts.y_mm[p] + ts.y_mm[q]) / 2), g, limit,
                             "mm", text.format(a=ts.names[p], b=ts.names[q], value=g, limit=limit)))
    return out


def flux_stencil_violations(design: Design) -> list[Violation]:
    """Area ratio, aspect ratio and web of the flux-stencil apertures."""
    st = design.companion_tools.flux_stencil
    ts = tool_sites(design)
    d = flux_apertures_mm(design)
    t = st.thickness_mm
    area = d / (4.0 * t)
    aspect = d / t
    out = _groups(ts, area, area < st.area_ratio_min - 1e-9, "flux-area-ratio", Severity.ERROR, st.area_ratio_min,
                  "ratio", "flux aperture area ratio {value:.3f} is below {limit:.2f} (d / 4t): the flux will not "
                  "release; open the aperture or use a thinner foil")
    out += _groups(ts, aspect, aspect < st.aspect_ratio_min - 1e-9, "flux-aspect-ratio", Severity.ERROR,
                   st.aspect_ratio_min, "ratio", "flux aperture aspect ratio {value:.3f} is below {limit:.2f} (d / t)")
    web = ts.neighbour_mm - (d + d[np.maximum(ts.neighbour, 0)]) / 2.0
    out += _pairs(ts, web, st.web_min_mm, "flux-web",
                  "flux stencil web {value:.3f} mm between {a} and {b} is below {limit:.3f} mm")
    return out


def pin_plate_violations(design: Design) -> list[Violation]:
    """Neighbouring flux spots of the transfer pins must not bridge."""
    pp = design.companion_tools.pin_plate
    ts = tool_sites(design)
    spot = spot_diameters_mm(design)
    gap = ts.neighbour_mm - (spot + spot[np.maximum(ts.neighbour, 0)]) / 2.0
    return _pairs(ts, gap, pp.spot_gap_min_mm, "pin-spot-gap",
                  "flux spots of {a} and {b} are {value:.3f} mm apart, below {limit:.3f} mm: they may bridge; "
                  "use thinner pins or less spread")


def pick_head_violations(design: Design) -> list[Violation]:
    """The pick-head hole holds one ball without passing it; neighbouring balls do not touch."""
    ph = design.companion_tools.pick_head
    ts = tool_sites(design)
    if not len(ts):
        return []
    hole = pick_hole_mm(design)
    ball = design.ball
    smallest = ball.diameter_mm - ball.tolerance_mm
    holes = np.full(len(ts), hole)
    out = _groups(ts, holes, holes >= smallest - EPS_MM, "pick-hole-pass", Severity.ERROR, smallest, "mm",
                  "pick-head hole {value:.3f} mm is not smaller than the smallest ball {limit:.3f} mm: a ball can "
                  "be drawn into it")
    hold = ph.hold_ratio_min * ball.diameter_mm
    out += _groups(ts, holes, holes < hold - EPS_MM, "pick-hole-hold", Severity.WARNING, hold, "mm",
                   "pick-head hole {value:.3f} mm is below {limit:.3f} mm: the vacuum may not hold the ball")
    gap = ts.neighbour_mm - ball.diameter_mm
    out += _pairs(ts, gap, EPS_MM * 2, "pick-ball-gap",
                  "balls at {a} and {b} would touch on the pick head (gap {value:.3f} mm)")
    return out


def tool_report(design: Design, tool: ToolKind) -> CheckReport:
    """The findings of one companion tool (the mask's own checks are :func:`geometry.checks.run_checks`)."""
    found = {ToolKind.FLUX_STENCIL: flux_stencil_violations, ToolKind.PIN_PLATE: pin_plate_violations,
             ToolKind.PICK_HEAD: pick_head_violations}.get(tool)
    return CheckReport(tuple(found(design)) if found else ())
