"""Dimensions as a drafter draws them (ISO 129): extension lines with a small gap from the feature, a thin
dimension line with closed arrowheads, the value above the line; the value and arrows go outside when the
space between the extension lines is too small. Labels are placed only where no other text is.
"""

from __future__ import annotations

from geometry.export.drawing.sheet import Box, Sheet

ARROW = 2.5  # mm
GAP = 1.0  # between the feature and its extension line
OVERSHOOT = 1.5  # extension line beyond the dimension line
SIZE = 7.5  # pt, dimension values


def _first_free(sh: Sheet, candidates: list[tuple[float, float, str, float]], s: str, size: float) -> tuple[
        float, float, str, float]:
    for x, y, align, rot in candidates:
        if sh.free(sh.box_of(x, y, s, size, False, align, rot)):
            return x, y, align, rot
    return candidates[0]


def dim_h(sh: Sheet, xa: float, ya: float, xb: float, yb: float, y: float, s: str, size: float = SIZE) -> Box:
    """Horizontal dimension between feature points (xa, ya) and (xb, yb), its line at paper height ``y``."""
    if xb < xa:
        xa, ya, xb, yb = xb, yb, xa, ya
    sh.stroke(0.18)
    for fx, fy in ((xa, ya), (xb, yb)):
        sgn = 1.0 if y > fy else -1.0
        if abs(y - fy) > GAP:
            sh.line(fx, fy + sgn * GAP, fx, y + sgn * OVERSHOOT)
            sh.keep_line(fx, fy + sgn * GAP, fx, y + sgn * OVERSHOOT)
    w = sh.box_of(0, 0, s, size)[2]
    inside = xb - xa >= w + 2 * ARROW + 2
    if inside:
        sh.line(xa, y, xb, y)
        sh.arrow(xa, y, 180.0)
        sh.arrow(xb, y, 0.0)
        cands = [((xa + xb) / 2, y + 0.8, "centre", 0.0), ((xa + xb) / 2, y - 3.2, "centre", 0.0),
                 (xb + 1.5, y + 0.8, "left", 0.0), (xa - 1.5, y + 0.8, "right", 0.0)]
    else:  # arrows outside pointing in, the value beside them
        sh.line(xa - ARROW - 2, y, xb + ARROW + 2, y)
        sh.arrow(xa, y, 0.0)
        sh.arrow(xb, y, 180.0)
        cands = [(xb + ARROW + 3, y - 1.0, "left", 0.0), (xa - ARROW - 3, y - 1.0, "right", 0.0),
                 (xb + ARROW + 3, y + 0.8, "left", 0.0), ((xa + xb) / 2, y + 0.8, "centre", 0.0),
                 ((xa + xb) / 2, y - 3.2, "centre", 0.0)]
    x, ty, align, rot = _first_free(sh, cands, s, size)
    sh.keep_line(xa, y, xb, y)
    return sh.text(x, ty, s, size, align=align, rotate=rot)


def dim_v(sh: Sheet, xa: float, ya: float, xb: float, yb: float, x: float, s: str, size: float = SIZE) -> Box:
    """Vertical dimension between feature points, its line at paper ``x``; the value reads from the right."""
    if yb < ya:
        xa, ya, xb, yb = xb, yb, xa, ya
    sh.stroke(0.18)
    for fx, fy in ((xa, ya), (xb, yb)):
        sgn = 1.0 if x > fx else -1.0
        if abs(x - fx) > GAP:
            sh.line(fx + sgn * GAP, fy, x + sgn * OVERSHOOT, fy)
            sh.keep_line(fx + sgn * GAP, fy, x + sgn * OVERSHOOT, fy)
    w = sh.box_of(0, 0, s, size)[2]
    inside = yb - ya >= w + 2 * ARROW + 2
    if inside:
        sh.line(x, ya, x, yb)
        sh.arrow(x, ya, 270.0)
        sh.arrow(x, yb, 90.0)
        cands = [(x - 0.8, (ya + yb) / 2, "centre", 90.0), (x + 3.2, (ya + yb) / 2, "centre", 90.0)]
    else:
        sh.line(x, ya - ARROW - 2, x, yb + ARROW + 2)
        sh.arrow(x, ya, 90.0)
        sh.arrow(x, yb, 270.0)
        cands = [(x - 1.5, (ya + yb) / 2 - 1.0, "right", 0.0), (x + 1.5, (ya + yb) / 2 - 1.0, "left", 0.0),
                 (x + 1.2, yb + ARROW + 3, "left", 0.0), (x + 1.2, ya - ARROW - 5, "left", 0.0),
                 (x - 1.2, yb + ARROW + 3, "right", 0.0), (x - 1.2, ya - ARROW - 5, "right", 0.0)]
    tx, ty, align, rot = _first_free(sh, cands, s, size)
    sh.keep_line(x, ya, x, yb)
    return sh.text(tx, ty, s, size, align=align, rotate=rot)


def leader(sh: Sheet, x: float, y: float, tx: float, ty: float, s: str, size: float = SIZE,
           arrow: bool = True) -> Box:
    """A leader from a feature point (arrowhead on it) to a value at (tx, ty) with a short shoulder."""
    import math

    right = tx >= x
    shoulder = 3.0 if right else -3.0
    sh.stroke(0.18)
    sh.line(x, y, tx, ty)
    sh.line(tx, ty, tx + shoulder, ty)
    if arrow:
        sh.arrow(x, y, math.degrees(math.atan2(y - ty, x - tx)), 2.0)
    return sh.text(tx + shoulder + (0.8 if right else -0.8), ty - 0.9, s, size, align="left" if right else "right")


def place_leader(sh: Sheet, x: float, y: float, s: str, size: float = SIZE,
                 tries: list[tuple[float, float]] | None = None, arrow: bool = True) -> Box:
    """A leader to the first of the offsets ``tries`` (paper mm from the feature) where the value is free."""
    tries = tries or [(8, 8), (-8, 8), (8, -8), (-8, -8), (14, 14), (-14, 14), (14, -14), (-14, -14),
                      (20, 4), (-20, 4), (20, -4), (-20, -4)]
    import math

    spiral = [(r * math.cos(math.radians(a)), r * math.sin(math.radians(a)))
              for r in (6.0, 10.0, 14.0, 20.0, 28.0, 36.0) for a in (45, 135, 315, 225, 20, 160, 340, 200)]
    for dx, dy in [*tries, *spiral]:
        tx, ty = x + dx, y + dy
        right = dx >= 0
        bx = tx + (3.8 if right else -3.8)
        box = sh.box_of(bx, ty - 0.9, s, size, align="left" if right else "right")
        if sh.free(box, 0.0):
            return leader(sh, x, y, tx, ty, s, size, arrow)
    dx, dy = tries[0]
    return leader(sh, x, y, x + dx, y + dy, s, size, arrow)
