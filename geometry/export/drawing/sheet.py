"""A drawing sheet in paper millimetres: ISO paper sizes, the embedded fonts, and a record of every text box.

Every text drawn goes through :meth:`Sheet.text`, which measures it with the embedded font and remembers its box,
so that labels can be placed where nothing else is (:meth:`Sheet.free`) and a drawing never prints one text over
another. The fonts are the Bitstream Vera TrueType files that ship inside reportlab itself: wherever the program
runs, the same glyphs are embedded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import reportlab
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

PT = 72.0 / 25.4  # points per mm
A4 = (297.0, 210.0)  # landscape, mm
A3 = (420.0, 297.0)
LEFT_MARGIN = 20.0  # ISO 5457 filing margin
MARGIN = 10.0
FONT = "BallmaskSans"
BOLD = "BallmaskSans-Bold"
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in paper mm

_FONT_DIR = Path(reportlab.__file__).parent / "fonts"


def register_fonts() -> None:
    """Register the embedded TrueType fonts once."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_FONT_DIR / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(_FONT_DIR / "VeraBd.ttf")))


def text_width(s: str, size: float, bold: bool = False) -> float:
    """Width of a text in paper mm."""
    register_fonts()
    return float(pdfmetrics.stringWidth(s, BOLD if bold else FONT, size)) / PT


def wrap(s: str, size: float, width_mm: float, bold: bool = False) -> list[str]:
    """Lines of ``s`` no wider than ``width_mm`` (words are never cut; a long word stands on its own line)."""
    register_fonts()
    return simpleSplit(s, BOLD if bold else FONT, size, width_mm * PT) or [""]


def overlaps(a: Box, b: Box, slack: float = 0.0) -> bool:
    """Whether two boxes intersect by more than ``slack`` mm."""
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


class Sheet:
    """One page: draws in paper mm (origin lower left) and records text boxes."""

    def __init__(self, canvas: Canvas, size: tuple[float, float]) -> None:
        register_fonts()
        self.c = canvas
        self.w, self.h = size
        self.boxes: list[Box] = []
        self.keepouts: list[Box] = []  # drawing that labels must not cover (dimension lines, crowded artwork)
        canvas.setPageSize((self.w * PT, self.h * PT))
        canvas.setLineJoin(1)

    # -- geometry of the sheet --------------------------------------------------------------------------
    @property
    def area(self) -> Box:
        """The drawing area inside the border."""
        return (LEFT_MARGIN, MARGIN, self.w - MARGIN, self.h - MARGIN)

    def border(self) -> None:
        """The frame line of the drawing area and centring marks (ISO 5457)."""
        x0, y0, x1, y1 = self.area
        self.stroke(0.7)
        self.c.rect(x0 * PT, y0 * PT, (x1 - x0) * PT, (y1 - y0) * PT)
        self.stroke(0.35)
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        for a, b in (((mx, y0), (mx, y0 - 5)), ((mx, y1), (mx, y1 + 5)), ((x0, my), (x0 - 5, my)),
                     ((x1, my), (x1 + 5, my))):
            self.line(*a, *b)

    # -- drawing ------------------------------------------------------------------------------------------
    def stroke(self, width_mm: float = 0.25, colour: colors.Color = colors.black, dash: Sequence[float] = ()) -> None:
        """Line width (mm), colour and dash pattern (mm) for the following strokes."""
        self.c.setLineWidth(width_mm * PT)
        self.c.setStrokeColor(colour)
        if dash:
            self.c.setDash([d * PT for d in dash])
        else:
            self.c.setDash()

    def fill(self, colour: colors.Color = colors.black, alpha: float = 1.0) -> None:
        """Fill colour for the following fills and texts."""
        self.c.setFillColor(colour, alpha=alpha)

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """A straight line."""
        self.c.line(x0 * PT, y0 * PT, x1 * PT, y1 * PT)

    def rect(self, x: float, y: float, w: float, h: float, fill: bool = False) -> None:
        """A rectangle from its lower left corner."""
        self.c.rect(x * PT, y * PT, w * PT, h * PT, stroke=1, fill=1 if fill else 0)

    def circle(self, x: float, y: float, r: float, fill: bool = False, stroke: bool = True) -> None:
        """A circle."""
        self.c.circle(x * PT, y * PT, r * PT, stroke=1 if stroke else 0, fill=1 if fill else 0)

    def poly(self, pts: Sequence[tuple[float, float]], close: bool = True, fill: bool = False,
             stroke: bool = True) -> None:
        """A polyline or polygon through paper points."""
        path = self.c.beginPath()
        path.moveTo(pts[0][0] * PT, pts[0][1] * PT)
        for x, y in pts[1:]:
            path.lineTo(x * PT, y * PT)
        if close:
            path.close()
        self.c.drawPath(path, stroke=1 if stroke else 0, fill=1 if fill else 0)

    def arrow(self, x: float, y: float, angle_deg: float, length: float = 2.5) -> None:
        """A filled arrowhead with its tip at (x, y) pointing along ``angle_deg`` (ISO closed arrow, 1:3)."""
        a = math.radians(angle_deg)
        bx, by = x - length * math.cos(a), y - length * math.sin(a)
        nx, ny = -math.sin(a) * length / 6, math.cos(a) * length / 6
        self.fill(colors.black)
        self.poly([(x, y), (bx + nx, by + ny), (bx - nx, by - ny)], fill=True, stroke=False)

    # -- text -----------------------------------------------------------------------------------------------
    @staticmethod
    def box_of(x: float, y: float, s: str, size: float, bold: bool = False, align: str = "left",
               rotate: float = 0.0) -> Box:
        """The box a text would cover (from its baseline point; descenders and ascenders included)."""
        w = text_width(s, size, bold)
        h_up, h_down = size * 0.76 / PT, size * 0.24 / PT
        dx = {"left": 0.0, "centre": -w / 2, "right": -w}[align]
        if rotate == 90.0:  # reads from the right of the sheet (ISO: bottom-to-top)
            return (x - h_up, y + dx, x + h_down, y + dx + w)
        return (x + dx, y - h_down, x + dx + w, y + h_up)

    def free(self, box: Box, slack: float = 0.0) -> bool:
        """Whether a box is inside the drawing area and clear of every text drawn so far."""
        x0, y0, x1, y1 = self.area
        inside = box[0] >= x0 + 0.5 and box[1] >= y0 + 0.5 and box[2] <= x1 - 0.5 and box[3] <= y1 - 0.5
        return inside and not any(overlaps(box, b, slack) for b in (*self.boxes, *self.keepouts))

    def keep_line(self, x0: float, y0: float, x1: float, y1: float, pad: float = 0.4) -> None:
        """Keep labels off a horizontal or vertical line."""
        self.keepouts.append((min(x0, x1) - pad, min(y0, y1) - pad, max(x0, x1) + pad, max(y0, y1) + pad))

    def text(self, x: float, y: float, s: str, size: float = 8.0, bold: bool = False, align: str = "left",
             rotate: float = 0.0, colour: colors.Color = colors.black) -> Box:
        """Draw a text from its baseline point and record its box."""
        box = self.box_of(x, y, s, size, bold, align, rotate)
        self.boxes.append(box)
        self.c.saveState()
        self.c.setFillColor(colour)
        self.c.setFont(BOLD if bold else FONT, size)
        self.c.translate(x * PT, y * PT)
        if rotate:
            self.c.rotate(rotate)
        {"left": self.c.drawString, "centre": self.c.drawCentredString, "right": self.c.drawRightString}[align](
            0, 0, s)
        self.c.restoreState()
        return box

    def block(self, x: float, top: float, lines: Sequence[str], size: float = 8.0, bold: bool = False,
              leading: float = 1.3) -> float:
        """Lines from ``top`` downward; returns the y below the last line."""
        step = size * leading / PT
        y = top - size * 0.76 / PT
        for s in lines:
            self.text(x, y, s, size, bold)
            y -= step
        return y + step - size * 0.24 / PT - 1.0
