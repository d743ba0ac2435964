"""The frame and foil sketch (not to scale): frame, foil inside its border, the pattern centred, tooling holes."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib import colors

from geometry.export.artwork import Artwork
from geometry.export.drawing.dims import dim_h, dim_v
from geometry.export.drawing.sheet import Box, Sheet
from geometry.model.design import Design


def frame_sketch(design: Design, art: Artwork) -> tuple[float, Callable[[Sheet, Box], None]] | None:
    """Height and draw function of the sketch, None without a frame."""
    frame = design.drawing.frame
    outer = frame.outer_size()
    foil = frame.foil_size()
    if outer is None or foil is None:
        return None
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
        pw, ph = max((x1 - x0) * k, 3.0), max((y1 - y0) * k, 3.0)
        sh.stroke(0.35, colors.Color(0.85, 0.0, 0.0))
        sh.rect(cx - pw / 2, cy - ph / 2, pw, ph)
        sh.stroke()
        dim_h(sh, cx - ow / 2, cy - oh / 2, cx + ow / 2, cy - oh / 2, cy - oh / 2 - 5, f"frame {outer[0]:.1f}")
        dim_v(sh, cx + fw / 2, cy - fh / 2, cx + fw / 2, cy + fh / 2, cx + ow / 2 + 6, f"foil {foil[1]:.1f}")
        tx = cx + ow / 2 + 22
        lines = [f"{frame.label}; NOT TO SCALE",
                 f"frame profile {frame.profile_mm:.1f} mm, border {frame.border_mm:.1f} mm",
                 f"foil {foil[0]:.1f} x {foil[1]:.1f} mm (blue), pattern {x1 - x0:.3f} x {y1 - y0:.3f} mm (red)",
                 "pattern centred in the frame, upper surface (ball side) up",
                 *(f"tooling hole T{i + 1} Ø{t.diameter_mm:.2f} at ({t.x_mm:.3f}, {t.y_mm:.3f}) from the origin"
                   for i, t in enumerate(frame.tooling_holes))]
        sh.block(tx, box[3] - 6, lines, 7.5)

    return 60.0, draw
