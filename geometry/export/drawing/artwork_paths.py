"""The artwork's shapes on a sheet: circles and relief rings mapped through a view, and the coverage drawing of a
layer too crowded to draw opening by opening (a wafer at a small scale)."""

from __future__ import annotations

import numpy as np
from reportlab.lib import colors

from geometry.export import ringops
from geometry.export.artwork import LayerArt
from geometry.export.drawing.scale import View
from geometry.export.drawing.sheet import PT, Sheet
from geometry.export.layers import LayerSpec

# Above this many circles and ring vertices on a layer, its openings are far below a printed line's width at the
# sheet's scale: the layer is drawn as the cells of a grid that its openings occupy, and the sheet says so.
DRAW_LIMIT = 20_000
COVERAGE_CELLS = 240
ACI_RGB = {1: (0.85, 0.0, 0.0), 2: (0.75, 0.6, 0.0), 3: (0.0, 0.6, 0.0), 4: (0.0, 0.6, 0.7), 5: (0.0, 0.2, 0.85),
           6: (0.7, 0.0, 0.7), 7: (0.0, 0.0, 0.0), 8: (0.45, 0.45, 0.45), 30: (0.9, 0.45, 0.0),
           140: (0.3, 0.5, 0.8)}


def layer_colour(spec: LayerSpec) -> colors.Color:
    """The layer's DXF colour as RGB."""
    r, g, b = ACI_RGB.get(spec.colour, (0.0, 0.0, 0.0))
    return colors.Color(r, g, b)


def crowded(la: LayerArt) -> bool:
    """Whether a layer is drawn as coverage."""
    return len(la.circles) + len(la.rings.bulge) > DRAW_LIMIT


def draw_layer(sh: Sheet, la: LayerArt, v: View, box: tuple[float, float, float, float], width: float,
               dash: tuple[float, ...] = ()) -> None:
    """Draw a layer's circles and rings (or its coverage) through view ``v``."""
    colour = layer_colour(la.layer)
    if crowded(la):
        pts = np.concatenate([la.circles[:, :2], la.rings.xy]) if len(la.rings.xy) else la.circles[:, :2]
        x0, y0, x1, y1 = box
        size = max(x1 - x0, y1 - y0) / COVERAGE_CELLS
        ij = np.unique(np.floor((pts - [x0, y0]) / size).astype(np.int64), axis=0)
        path = sh.c.beginPath()
        for i, j in ij.tolist():
            px, py = v.p(x0 + i * size, y0 + j * size)
            path.rect(px * PT, py * PT, size * v.scale * PT, size * v.scale * PT)
        sh.fill(colour, alpha=0.35)
        sh.c.drawPath(path, stroke=0, fill=1)
        sh.fill(colors.black)
        return
    sh.stroke(width, colour, dash)
    path = sh.c.beginPath()
    for x, y, r in la.circles.tolist():
        px, py = v.p(x, y)
        path.circle(px * PT, py * PT, max(r * v.scale, 0.1) * PT)
    if len(la.rings):
        rings = ringops.densified(la.rings, 0.05 / v.scale)
        for k in range(len(rings)):
            xy, _ = rings.ring(k)
            pts = np.column_stack([v.ox + (xy[:, 0] - v.ax) * v.scale, v.oy + (xy[:, 1] - v.ay) * v.scale]) * PT
            path.moveTo(float(pts[0, 0]), float(pts[0, 1]))
            for x, y in pts[1:].tolist():
                path.lineTo(x, y)
            path.close()
    sh.c.drawPath(path, stroke=1, fill=0)
    sh.stroke()
