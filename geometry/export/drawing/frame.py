"""The frame and foil sketch (not to scale): frame, foil inside its border, the pattern at its offset and rotation,
the unpatterned border on each side, tooling holes. It draws :func:`geometry.derive.frame.frame_geometry`, the
same rectangles as the FRAME layer of the DXF and Gerber, seen in the frame's axes."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from reportlab.lib import colors

from geometry.derive.frame import FrameGeometry, frame_geometry
from geometry.export.artwork import Artwork
from geometry.export.drawing.dims import dim_h, dim_v
from geometry.export.drawing.sheet import Box, Sheet
from geometry.model.design import Design


def _in_frame(geo: FrameGeometry, xy: np.ndarray) -> np.ndarray:
    """Design mm to the frame's own axes (origin at the frame's centre)."""
    a = math.radians(geo.rotation_deg)
    r = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    out: np.ndarray = (xy - np.array(geo.pattern_centre_mm)) @ r.T + np.array(geo.offset_mm)
    return out


def frame_sketch(design: Design, art: Artwork) -> tuple[float, Callable[[Sheet, Box], None]] | None:
    """Height and draw function of the sketch, None without a frame."""
    frame = design.drawing.frame
    geo = frame_geometry(design)
    if geo is None:
        return None
    outer, foil = geo.outer_mm, geo.foil_mm
    x0, y0, x1, y1 = art.outline_rect

    def draw(sh: Sheet, box: Box) -> None:
        h = box[3] - box[1] - 16
        k = h / max(outer[1], outer[0])
        cx, cy = box[0] + 20 + outer[0] * k / 2, box[1] + 8 + h / 2
        ow, oh = outer[0] * k, outer[1] * k
        sh.stroke(0.5)
        sh.rect(cx - ow / 2, cy - oh / 2, ow, oh)
        pr = frame.profile_mm * k
        sh.stroke(0.25)
        sh.rect(cx - ow / 2 + pr, cy - oh / 2 + pr, ow - 2 * pr, oh - 2 * pr)
        fw, fh = foil[0] * k, foil[1] * k
        sh.stroke(0.35, colors.Color(0.0, 0.2, 0.85))
        sh.rect(cx - fw / 2, cy - fh / 2, fw, fh)
        q = _in_frame(geo, geo.pattern)
        pc = q.mean(axis=0)
        # at least 3 mm on paper, so a small pattern still shows where it is and how it is turned
        grow = max(1.0, 3.0 / max(float(np.ptp(q[:, 0])) * k, float(np.ptp(q[:, 1])) * k, 1e-9))
        pts = [(cx + (pc[0] + (px - pc[0]) * grow) * k, cy + (pc[1] + (py - pc[1]) * grow) * k)
               for px, py in q.tolist()]
        sh.stroke(0.35, colors.Color(0.85, 0.0, 0.0))
        sh.poly(pts)
        sh.fill(colors.Color(0.85, 0.0, 0.0))
        sh.circle(pts[0][0], pts[0][1], 0.6, fill=True)  # the outline's first corner (xmin, ymin)
        sh.fill(colors.black)
        sh.stroke()
        dim_h(sh, cx - ow / 2, cy - oh / 2, cx + ow / 2, cy - oh / 2, cy - oh / 2 - 5, f"frame {outer[0]:.1f}")
        dim_v(sh, cx + fw / 2, cy - fh / 2, cx + fw / 2, cy + fh / 2, cx + ow / 2 + 6, f"foil {foil[1]:.1f}")
        tx = cx + ow / 2 + 22
        left, bottom, right, top = geo.border_mm
        dx, dy = geo.offset_mm
        lines = [f"{frame.label}; NOT TO SCALE; layer FRAME (reference)",
                 f"frame profile {frame.profile_mm:.1f} mm, border {frame.border_mm:.1f} mm",
                 f"foil {foil[0]:.1f} x {foil[1]:.1f} mm (blue), pattern {x1 - x0:.3f} x {y1 - y0:.3f} mm (red, "
                 "dot: its corner xmin, ymin)",
                 f"pattern centre at ({dx:.3f}, {dy:.3f}) from the frame centre, turned {geo.rotation_deg:g} deg",
                 f"foil left around the pattern: left {left:.1f}, bottom {bottom:.1f}, right {right:.1f}, "
                 f"top {top:.1f} mm",
                 "upper surface (ball side) up",
                 *(f"frame tooling hole {name} Ø{t.diameter_mm:.2f} at ({t.x_mm:.3f}, {t.y_mm:.3f}) from the origin"
                   for name, t in zip(frame.tooling_hole_names(), frame.tooling_holes, strict=True))]
        sh.block(tx, box[3] - 6, lines, 7.5)

    return 60.0, draw
