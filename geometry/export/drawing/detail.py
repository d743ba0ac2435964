"""Detail A: one corner of the array at a large scale, two or three openings with their upper and lower outlines,
the pitch, the diameters with their tolerances and the webs between them."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from reportlab.lib import colors

from geometry.base.names import ROW_LETTERS, row_index, row_name, split_name
from geometry.derive.openings import opening_table
from geometry.export import ringops
from geometry.export.artwork import Artwork, LayerArt
from geometry.export.drawing.artwork_paths import draw_layer
from geometry.export.drawing.dims import dim_h, dim_v, place_leader
from geometry.export.drawing.scale import View, pick_scale, scale_label
from geometry.export.drawing.sheet import PT, Box, Sheet
from geometry.export.drawing.tolerances import ProcessTolerances, pm
from geometry.export.layers import Role
from geometry.model.design import Design


def corner(design: Design) -> tuple[int, int | None, int | None] | None:
    """Rows of A1 (or the first opening), its neighbour along the row and along the column, if they have openings."""
    table = opening_table(design)
    s = table.sites
    if len(table.rows) == 0:
        return None
    k = s.index_of("A1") if s.has("A1") and table.which[s.index_of("A1")] >= 0 else int(table.rows[0])
    along = across = None
    parts = split_name(str(s.names[k]))
    if parts is not None and all(ch in ROW_LETTERS for ch in parts[0]):
        letters, num = parts
        for cand, which in ((f"{letters}{num + 1}", "along"), (f"{row_name(row_index(letters) + 1)}{num}",
                                                                "across")):
            if s.has(cand) and table.which[s.index_of(cand)] >= 0:
                if which == "along":
                    along = s.index_of(cand)
                else:
                    across = s.index_of(cand)
    if along is None and across is None:  # no JEDEC neighbours: the nearest opening
        d = np.hypot(s.x_mm[table.rows] - s.x_mm[k], s.y_mm[table.rows] - s.y_mm[k])
        d[table.rows == k] = np.inf
        if np.isfinite(d).any():
            along = int(table.rows[int(np.argmin(d))])
    return k, along, across


def _window(la: LayerArt, box: tuple[float, float, float, float]) -> LayerArt:
    """The part of a layer near the detail's window: circles that reach into it, regions with a vertex in it."""
    x0, y0, x1, y1 = box
    c = la.circles
    keep = (c[:, 0] + c[:, 2] >= x0) & (c[:, 0] - c[:, 2] <= x1) & (c[:, 1] + c[:, 2] >= y0) & (c[:, 1] - c[:, 2] <= y1)
    rings = la.rings
    if len(rings):
        xy = rings.xy
        pad = 0.5 * max(x1 - x0, y1 - y0)
        inside = ((xy[:, 0] >= x0 - pad) & (xy[:, 0] <= x1 + pad) & (xy[:, 1] >= y0 - pad)
                  & (xy[:, 1] <= y1 + pad)).astype(np.int64)
        per_ring = np.add.reduceat(inside, rings.start[:-1]) > 0 if len(inside) else np.zeros(len(rings), bool)
        regions = np.zeros(max(la.n_regions, int(rings.region.max()) + 1), dtype=bool)
        regions[rings.region[per_ring]] = True
        rings = ringops.select_regions(rings, regions)
        n = int(regions.sum())
    else:
        n = 0
    return LayerArt(la.layer, c[keep], rings, n)


def detail_view(sh: Sheet, design: Design, art: Artwork, tol: ProcessTolerances, room: Box) -> tuple[
        float, float] | None:
    """Draw detail A in ``room``; returns the model point it is centred on (for the mark on the top view)."""
    found = corner(design)
    if found is None:
        return None
    k, along, across = found
    table = opening_table(design)
    s = table.sites
    pts = [k] + [j for j in (along, across) if j is not None]
    xs, ys = s.x_mm[pts], s.y_mm[pts]
    reach = float(max(np.nanmax(table.lower_mm[pts]), np.nanmax(table.upper_mm[pts]))) / 2 + 0.15 * float(
        max(np.ptp(xs), np.ptp(ys), 0.2))
    box = (float(xs.min()) - reach, float(ys.min()) - reach, float(xs.max()) + reach, float(ys.max()) + reach)
    rw, rh = room[2] - room[0] - 36, room[3] - room[1] - 40
    scale = pick_scale(box[2] - box[0], box[3] - box[1], rw, rh) or Fraction(1)
    v = View.centred(box, float(scale), (room[0] + 18, room[1] + 14, room[2] - 18, room[3] - 26))
    sh.text(room[0] + 2, room[3] - 5, f"DETAIL A: array corner at {s.names[k]}  SCALE {scale_label(scale)}", 10,
            bold=True)
    sh.text(room[0] + 2, room[3] - 9.5, "upper outline solid, lower outline dashed (hidden); mm", 7)
    # clip the artwork to the detail's window
    (cx0, cy0), (cx1, cy1) = v.p(box[0], box[1]), v.p(box[2], box[3])
    sh.c.saveState()
    clip = sh.c.beginPath()
    clip.rect(cx0 * PT, cy0 * PT, (cx1 - cx0) * PT, (cy1 - cy0) * PT)
    sh.c.clipPath(clip, stroke=0, fill=0)
    for la in art.layers:
        if la.layer.role == Role.UPPER:
            draw_layer(sh, _window(la, box), v, box, 0.35)
        elif la.layer.role == Role.LOWER:
            draw_layer(sh, _window(la, box), v, box, 0.3, (1.6, 0.8))
    sh.c.restoreState()
    sh.stroke(0.18, colors.Color(0.4, 0.4, 0.4), (4.0, 1.0, 0.6, 1.0))
    sh.rect(cx0, cy0, cx1 - cx0, cy1 - cy0)
    for j in pts:  # centre lines
        x, y = v.p(float(s.x_mm[j]), float(s.y_mm[j]))
        r = float(table.lower_mm[j]) / 2 * v.scale + 2
        sh.line(x - r, y, x + r, y)
        sh.line(x, y - r, x, y + r)
    sh.stroke()
    du, dl = float(table.upper_mm[k]), float(table.lower_mm[k])
    kx, ky = v.p(float(s.x_mm[k]), float(s.y_mm[k]))
    ru, rl = du / 2 * v.scale, dl / 2 * v.scale
    lx, ly = float(table.lower_x_mm[k]), float(table.lower_y_mm[k])
    lpx, lpy = v.p(lx, ly)
    place_leader(sh, kx - ru * 0.7071, ky + ru * 0.7071, f"Ø{du:.3f} {pm(tol.opening_mm)} upper",
                 tries=[(-10, 14), (-16, 10), (-8, 20)])
    lower_of = along if along is not None else k
    lpx, lpy = v.p(float(table.lower_x_mm[lower_of]), float(table.lower_y_mm[lower_of]))
    rl2 = float(table.lower_mm[lower_of]) / 2 * v.scale
    place_leader(sh, lpx + rl2 * 0.7071, lpy + rl2 * 0.7071, f"Ø{float(table.lower_mm[lower_of]):.3f} "
                 f"{pm(tol.opening_mm)} lower", tries=[(cx1 - lpx + 4, 10), (cx1 - lpx + 4, 16), (12, 14)])
    if along is not None:
        ax, ay = v.p(float(s.x_mm[along]), float(s.y_mm[along]))
        pitch = float(np.hypot(s.x_mm[along] - s.x_mm[k], s.y_mm[along] - s.y_mm[k]))
        dim_h(sh, kx, ky, ax, ay, cy1 + 6, f"{pitch:.3f} {pm(tol.position_mm)}")
        du2 = float(table.upper_mm[along]) / 2 * v.scale
        web_u = pitch - (du + float(table.upper_mm[along])) / 2
        dim_h(sh, kx + ru, ky, ax - du2, ay, ky, f"web {web_u:.3f}")
        dl2 = float(table.lower_mm[along]) / 2
        web_l = pitch - dl / 2 - dl2
        if web_l > 0:
            dim_h(sh, kx + rl, ky, ax - dl2 * v.scale, ay, cy0 - 6, f"lower web {web_l:.3f}")
        else:
            sh.text(cx0, cy0 - 5, f"lower outlines of {s.names[k]} and {s.names[along]} merge ({-web_l:.3f} "
                    "overlap): one relief", 7)
    if across is not None:
        bx, by = v.p(float(s.x_mm[across]), float(s.y_mm[across]))
        pitch = float(np.hypot(s.x_mm[across] - s.x_mm[k], s.y_mm[across] - s.y_mm[k]))
        dim_v(sh, kx, ky, bx, by, cx0 - 6, f"{pitch:.3f} {pm(tol.position_mm)}")
    return float(s.x_mm[k]), float(s.y_mm[k])
