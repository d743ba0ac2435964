"""Cross-sections: one per opening group, through the opening's centre along its shift direction, the ball resting
on its pad, every size with its process tolerance (d_u, d_l, t, theta, h_v, the relief depth) and the ridge
between neighbouring openings."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from reportlab.lib import colors

from geometry.derive.pairs import contact_depth
from geometry.export.drawing.dims import dim_h, dim_v, place_leader
from geometry.export.drawing.facts import OpeningGroup
from geometry.export.drawing.scale import pick_scale, scale_label
from geometry.export.drawing.sheet import PT, Box, Sheet, wrap
from geometry.export.drawing.tolerances import ProcessTolerances, pm
from geometry.model.design import Design
from geometry.model.profiles import Opening

METAL = colors.Color(0.86, 0.88, 0.92)


def ridge_text(design: Design, o: Opening, tol: ProcessTolerances) -> str:
    """Where the walls of two neighbours at the layout's pitch meet, or the lower web when they do not."""
    p = design.layout.pitch_hint_mm()
    if not p:
        return "ridge: no pitch in this layout (see the check summary)"
    depth = float(contact_depth(o, o, np.array([float(p)]), np.array([0.0]))[0])
    if depth < o.thickness_mm - 1e-9:
        return (f"ridge: walls of neighbours at pitch {p:.3f} meet {depth:.3f} {pm(tol.depth_mm)} below the upper "
                "surface")
    return f"ridge: none, neighbours at pitch {p:.3f} keep a lower web of {p - o.lower_mm:.3f}"


def _hatch(sh: Sheet, polys: list[list[tuple[float, float]]], box: Box) -> None:
    """Fill the metal light grey and hatch it at 45 degrees (ISO 128-50), clipped to the polygons."""
    sh.c.saveState()
    path = sh.c.beginPath()
    for pts in polys:
        path.moveTo(pts[0][0] * PT, pts[0][1] * PT)
        for x, y in pts[1:]:
            path.lineTo(x * PT, y * PT)
        path.close()
    sh.c.clipPath(path, stroke=0, fill=0)
    sh.fill(METAL)
    sh.rect(box[0], box[1], box[2] - box[0], box[3] - box[1], fill=True)
    sh.stroke(0.13, colors.Color(0.35, 0.35, 0.4))
    x0, y0, x1, y1 = box
    h = y1 - y0
    x = x0 - h
    while x < x1:
        sh.line(x, y0, x + h, y1)
        x += 1.6
    sh.c.restoreState()
    sh.fill(colors.black)


def section_view(sh: Sheet, design: Design, g: OpeningGroup, number: int, tol: ProcessTolerances,
                 room: Box) -> None:
    """Draw one group's section in ``room`` (paper mm)."""
    o = g.opening
    t, d_ball = o.thickness_mm, design.ball.diameter_mm
    half = max(o.lower_mm, o.upper_mm, d_ball, g.pad_mm) / 2 + o.lower_shift_mm + 0.45 * max(t, d_ball)
    z_top = min(0.0, t - d_ball) - 0.05 * t
    z_bot = t + 0.12 * t
    rw, rh = room[2] - room[0] - 44, room[3] - room[1] - 36
    scale = pick_scale(2 * half, z_bot - z_top, rw, rh) or Fraction(1, 1)
    k = float(scale)
    cx = (room[0] + room[2]) / 2
    top_y = room[3] - 16 - (0.0 - z_top) * k  # paper y of the upper surface

    def p(s: float, z: float) -> tuple[float, float]:
        return cx + s * k, top_y - z * k

    heading = f"SECTION {number}: {o.kind}, {g.count} opening{'s' if g.count != 1 else ''}  SCALE {scale_label(scale)}"
    sh.text(room[0] + 2, room[3] - 4, heading, 9, bold=True)
    left, right = o.wall_polylines(0.0, o.direction_deg, samples=24)
    lft = [p(-half, 0.0), *[p(s, z) for s, z in left.tolist()], p(-half, t)]
    rgt = [p(half, 0.0), *[p(s, z) for s, z in right.tolist()], p(half, t)]
    x0p, y0p = p(-half, t)
    x1p, y1p = p(half, 0.0)
    _hatch(sh, [lft, rgt], (x0p, y0p, x1p, y1p))
    sh.keepouts.append((x0p, y0p, x1p, y1p))
    sh.stroke(0.5)
    sh.poly(lft)
    sh.poly(rgt)
    # device surface and pad under the mask, the ball resting on the pad
    sh.stroke(0.18, dash=(4.0, 1.0, 0.6, 1.0))
    dx0, dy = p(-half - 0.1 * half, t)
    dx1, _ = p(half + 0.1 * half, t)
    sh.line(dx0, dy, dx1, dy)
    sh.stroke(0.9, colors.Color(0.8, 0.45, 0.1))
    pa, _ = p(-g.pad_mm / 2, t)
    pb, _ = p(g.pad_mm / 2, t)
    sh.line(pa, dy - 0.45, pb, dy - 0.45)
    bx, by = p(0.0, t - d_ball / 2)
    sh.stroke(0.35)
    sh.fill(colors.Color(0.72, 0.74, 0.78), alpha=0.55)
    sh.circle(bx, by, d_ball / 2 * k, fill=True)
    sh.keepouts.append((bx - d_ball / 2 * k, by - d_ball / 2 * k, bx + d_ball / 2 * k, by + d_ball / 2 * k))
    sh.fill(colors.black)
    sh.stroke()
    # d_u above, d_l below
    ul, ur = p(*left[0].tolist()), p(*right[0].tolist())
    ll, lr = p(*left[-1].tolist()), p(*right[-1].tolist())
    above = max(top_y, by + d_ball / 2 * k) + 6
    dim_h(sh, ul[0], ul[1], ur[0], ur[1], above, f"d_u Ø{o.upper_mm:.3f} {pm(tol.opening_mm)}")
    dim_h(sh, ll[0], ll[1], lr[0], lr[1], dy - 7, f"d_l Ø{o.lower_mm:.3f} {pm(tol.opening_mm)}")
    # t on the right; h_v and the relief depth as a chain on the left
    dim_v(sh, x1p, top_y, x1p, y0p, x1p + 6, f"t {t:.3f} {pm(tol.thickness_mm)}")
    if 1e-9 < o.vertical_mm < t - 1e-9:
        hv_y = top_y - o.vertical_mm * k
        dim_v(sh, x0p, top_y, x0p, hv_y, x0p - 6, f"h_v {o.vertical_mm:.3f} {pm(tol.depth_mm)}")
        dim_v(sh, x0p, hv_y, x0p, y0p, x0p - 6, f"depth {o.relief_depth_mm:.3f} {pm(tol.depth_mm)}")
    if o.tapered:
        # theta between the tapered face of the right wall and the upper surface, in the metal at the taper's top
        pts = right.tolist()
        top_pt = p(*pts[-2]) if o.vertical_mm > 0 and len(pts) > 2 and o.vertical_mm < t else p(*pts[0])
        bot_pt = p(*pts[-1])
        ang = math.degrees(math.atan2(top_pt[1] - bot_pt[1], bot_pt[0] - top_pt[0]))
        rad = min(9.0, 0.6 * math.hypot(bot_pt[0] - top_pt[0], bot_pt[1] - top_pt[1]))
        sh.stroke(0.18, dash=(1.2, 0.6))
        sh.line(top_pt[0], top_pt[1], top_pt[0] + rad + 3, top_pt[1])
        sh.stroke(0.18)
        sh.c.arc((top_pt[0] - rad) * PT, (top_pt[1] - rad) * PT, (top_pt[0] + rad) * PT, (top_pt[1] + rad) * PT,
                 -ang, ang)
        a = math.radians(-ang / 2)
        ex, ey = top_pt[0] + rad * math.cos(a), top_pt[1] + rad * math.sin(a)
        place_leader(sh, ex, ey, f"theta {o.angle_deg:.1f}° {pm(tol.angle_deg, 0)}°", arrow=False,
                     tries=[(rad * 0.6 + 4, -6), (rad + 6, -10), (rad + 8, 2), (4, -12)])
    place_leader(sh, bx - d_ball / 2 * k * 0.7071, by + d_ball / 2 * k * 0.7071,
                 f"ball Ø{d_ball:.3f} {pm(design.ball.tolerance_mm)}", tries=[(-8, 7), (-12, 4), (-6, 10)])
    place_leader(sh, pa + 0.5, dy - 0.45, f"pad Ø{g.pad_mm:.3f}",
                 tries=[(x0p - pa - 12, -3.0), (x0p - pa - 16, -3.0), (-6, -5), (-10, -4), (-4, -12)])
    y = dy - 14
    for s in (ridge_text(design, o, tol), *wrap(f"sites: {g.ranges}", 7, room[2] - room[0] - 6)[:3]):
        sh.text(room[0] + 3, y, s, 7)
        y -= 3.2
    if len(wrap(f"sites: {g.ranges}", 7, room[2] - room[0] - 6)) > 3:
        sh.text(room[0] + 3, y, "(all sites in the opening table)", 7)
