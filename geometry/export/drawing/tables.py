"""Rows of the drawing's tables: openings (one per group, with count and site ranges), rework sites, fiducials
and tooling holes, and the layer stack."""

from __future__ import annotations

from typing import Any

import numpy as np

from geometry.derive.openings import opening_table
from geometry.export.drawing.facts import CHANGED, CLOSED, OpeningGroup, site_states
from geometry.export.drawing.sheet import Sheet, wrap
from geometry.export.drawing.tolerances import ProcessTolerances, pm
from geometry.model.design import Design


def opening_rows(design: Design, groups: list[OpeningGroup], tol: ProcessTolerances) -> list[tuple[str, ...]]:
    """One row per group and a total."""
    rows: list[tuple[str, ...]] = []
    for i, g in enumerate(groups, start=1):
        o = g.opening
        theta = "90° (vertical)" if not o.tapered else f"{o.angle_deg:.2f}° {pm(tol.angle_deg, 0)}°"
        hv = f"{o.vertical_mm:.3f}" + (f" {pm(tol.depth_mm)}" if 0 < o.vertical_mm < o.thickness_mm else "")
        depth = f"{o.relief_depth_mm:.3f}" + (f" {pm(tol.depth_mm)}" if 0 < o.relief_depth_mm < o.thickness_mm
                                              else "")
        rows.append((str(i), o.kind, f"{o.upper_mm:.3f} {pm(tol.opening_mm)}", f"{o.lower_mm:.3f} {pm(tol.opening_mm)}",
                     theta, hv, depth, str(g.count), g.ranges))
    total = sum(g.count for g in groups)
    rows.append(("", "total", "", "", "", "", "", str(total), f"{total} openings on {design.output.upper_layer}"))
    return rows


def rework_rows(design: Design) -> list[tuple[str, ...]]:
    """Closed and changed sites of a rework design with what changed."""
    table = opening_table(design)
    state = site_states(design)
    base = design.resolve(design.profile)
    rows: list[tuple[str, ...]] = []
    for k in np.flatnonzero((state == CLOSED) | (state == CHANGED)).tolist():
        name = str(table.sites.names[k])
        if state[k] == CLOSED:
            why = "damaged pad" if design.rework is not None and name in design.rework.damaged else "no ball as built"
            change = f"opening closed ({why}): no opening on any layer"
        else:
            o = table.opening_of(k)
            assert o is not None
            change = (f"own profile {o.kind}: theta {o.angle_deg:.2f}° (default {base.angle_deg:.2f}°), "
                      f"d_u {o.upper_mm:.3f}, d_l {o.lower_mm:.3f} (default {base.lower_mm:.3f})")
        rows.append((name, str(state[k]), f"{table.sites.x_mm[k]:.3f}", f"{table.sites.y_mm[k]:.3f}", change))
    return rows


def stack_rows(stack: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """The layer stack as table rows."""
    out: list[tuple[str, ...]] = []
    for s in stack:
        depth = "through" if s["through"] else f"{s['depth_mm']:.3f} {pm(s['depth_tolerance_mm'])}"
        seen = s["drawn_as_seen_from"] + (" (mirrored)" if s["mirrored"] else "")
        out.append((str(s["step"]), s["layer"], s["made"], s["from_side"], depth, f"{seen} side"))
    return out


def fiducial_table(sh: Sheet, design: Design, tol: ProcessTolerances, x: float, top: float, width: float) -> float:
    """The fiducials and tooling holes with their coordinates from the origin; returns the y below it."""
    rows = [(f"F{i + 1}", f"{f.x_mm:.3f}", f"{f.y_mm:.3f}", f"{f.diameter_mm:.3f}",
             "through" if f.etch == "through" else f"half {design.mask.thickness_mm / 2:.3f}")
            for i, f in enumerate(design.mask.fiducials)]
    frame = design.drawing.frame
    rows += [(name, f"{h.x_mm:.3f}", f"{h.y_mm:.3f}", f"{h.diameter_mm:.3f}", "frame tooling, through")
             for name, h in zip(frame.tooling_hole_names(), frame.tooling_holes, strict=True)]
    t = design.mask.thickness_mm
    rows += [(f.name, f"{f.x_mm:.3f}", f"{f.y_mm:.3f}", f"{f.diameter_mm:.3f}",
              "carrier tooling, through" if f.through else f"{f.face} {f.etch_depth_mm(t):.3f} deep")
             for f in design.features]
    head = f"FIDUCIALS AND TOOLING HOLES (from origin 0,0; position {pm(tol.position_mm)})"
    lines = wrap(head, 7, width)
    y = top - 3
    for line in lines:
        sh.text(x, y, line, 7, bold=True)
        y -= 3.0
    if not rows:
        sh.text(x, y, "none", 7)
        return y - 3
    cols = (0.14, 0.2, 0.2, 0.18, 0.28)
    header = ("mark", "X", "Y", "Ø", "made")
    sh.stroke(0.25)
    for r in (header, *rows):
        xx = x
        for f, v in zip(cols, r, strict=True):
            sh.rect(xx, y - 1.2, f * width, 3.8)
            sh.text(xx + 0.8, y, v, 6.5, bold=r is header)
            xx += f * width
        y -= 3.8
    return y - 1.5
