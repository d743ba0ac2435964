"""The fabrication drawing: a PDF a shop can read next to the DXF and Gerber files (reportlab, no Qt).

Page 1: the top view of the mask (outline, upper openings, lower relief, fiducials) with its overall size and
the title block. Page 2 on: a dimensioned cross-section of every profile used, the ball resting in its opening
on the pad (d_u, d_l, theta, h_v, t, D). Last page: the layer table, the check summary and the order notes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from geometry.base.atomic import write_bytes_atomic
from geometry.checks.records import CheckReport
from geometry.derive.openings import opening_table
from geometry.export import ringops
from geometry.export.artwork import Artwork, LayerArt
from geometry.export.layers import LayerSpec, Role
from geometry.export.notes import TitleBlock, check_summary_lines, opening_line
from geometry.model.design import Design
from geometry.model.profiles import Opening

FloatArray = NDArray[np.float64]
PAGE = landscape(A4)
MARGIN = 28.0  # points
FONT = "Helvetica"
ACI_RGB = {1: (0.85, 0.0, 0.0), 2: (0.75, 0.6, 0.0), 3: (0.0, 0.6, 0.0), 4: (0.0, 0.6, 0.7), 5: (0.0, 0.2, 0.85),
           6: (0.7, 0.0, 0.7), 7: (0.0, 0.0, 0.0), 8: (0.45, 0.45, 0.45), 30: (0.9, 0.45, 0.0),
           140: (0.3, 0.5, 0.8)}


def _rgb(spec: LayerSpec) -> colors.Color:
    r, g, b = ACI_RGB.get(spec.colour, (0.0, 0.0, 0.0))
    return colors.Color(r, g, b)


class _View:
    """Maps mm to page points: uniform scale, y up, box fitted into a frame."""

    def __init__(self, box: tuple[float, float, float, float], frame: tuple[float, float, float, float]) -> None:
        x0, y0, x1, y1 = box
        self.box = box
        fx, fy, fw, fh = frame
        self.scale = min(fw / max(x1 - x0, 1e-9), fh / max(y1 - y0, 1e-9))
        self.ox = fx + (fw - (x1 - x0) * self.scale) / 2.0 - x0 * self.scale
        self.oy = fy + (fh - (y1 - y0) * self.scale) / 2.0 - y0 * self.scale

    def p(self, x: float, y: float) -> tuple[float, float]:
        return self.ox + x * self.scale, self.oy + y * self.scale


def _title_box(c: Canvas, title: TitleBlock, page: int, pages: int, what: str) -> None:
    """The title block in the lower right corner."""
    w, h = 260.0, 58.0
    x, y = PAGE[0] - MARGIN - w, MARGIN
    c.setStrokeColor(colors.black)
    c.setLineWidth(0.8)
    c.rect(x, y, w, h)
    c.line(x, y + 20, x + w, y + 20)
    c.setFont(FONT + "-Bold", 11)
    c.drawString(x + 6, y + h - 15, title.name[:40])
    c.setFont(FONT, 8)
    c.drawString(x + 6, y + h - 28, f"Rev {title.revision}    {title.date}    units: mm")
    c.drawString(x + 6, y + 7, f"{what}    sheet {page} of {pages}    ballmask")
    c.rect(MARGIN / 2, MARGIN / 2, PAGE[0] - MARGIN, PAGE[1] - MARGIN)


def _dim_h(c: Canvas, xa: float, xb: float, y: float, label: str, ext_from: float | None = None) -> None:
    """A horizontal dimension line with arrows and a centred label (page coordinates)."""
    c.setLineWidth(0.4)
    c.setStrokeColor(colors.black)
    if ext_from is not None:
        c.line(xa, ext_from, xa, y)
        c.line(xb, ext_from, xb, y)
    c.line(xa, y, xb, y)
    for x, s in ((xa, 1), (xb, -1)):
        c.line(x, y, x + 5 * s, y + 2)
        c.line(x, y, x + 5 * s, y - 2)
    c.setFont(FONT, 8)
    c.drawCentredString((xa + xb) / 2, y + 3, label)


def _dim_v(c: Canvas, x: float, ya: float, yb: float, label: str, ext_from: float | None = None) -> None:
    """A vertical dimension line with arrows and its label to the right."""
    c.setLineWidth(0.4)
    if ext_from is not None:
        c.line(ext_from, ya, x, ya)
        c.line(ext_from, yb, x, yb)
    c.line(x, ya, x, yb)
    lo, hi = min(ya, yb), max(ya, yb)
    for y, s in ((lo, 1), (hi, -1)):
        c.line(x, y, x - 2, y + 5 * s)
        c.line(x, y, x + 2, y + 5 * s)
    c.setFont(FONT, 8)
    c.drawString(x + 4, (ya + yb) / 2 - 3, label)


def _poly(c: Canvas, pts: FloatArray, close: bool = True, fill: bool = False) -> None:
    path = c.beginPath()
    path.moveTo(float(pts[0, 0]), float(pts[0, 1]))
    for x, y in pts[1:].tolist():
        path.lineTo(x, y)
    if close:
        path.close()
    c.drawPath(path, stroke=1, fill=1 if fill else 0)


# Above this many circles and ring vertices on a layer, the openings are far below a printed line's width at the
# sheet's scale (a wafer): the layer is drawn as the cells of a grid that its openings occupy, and says so.
DRAW_LIMIT = 20_000
COVERAGE_CELLS = 240


def _coverage(c: Canvas, la: LayerArt, v: _View) -> None:
    """Draw a crowded layer as the grid cells its outlines occupy (one path), with a note of the count."""
    pts = np.concatenate([la.circles[:, :2], la.rings.xy]) if len(la.rings.xy) else la.circles[:, :2]
    x0, y0, x1, y1 = v.box
    size = max(x1 - x0, y1 - y0) / COVERAGE_CELLS
    ij = np.unique(np.floor((pts - [x0, y0]) / size).astype(np.int64), axis=0)
    path = c.beginPath()
    for i, j in ij.tolist():
        px, py = v.p(x0 + i * size, y0 + j * size)
        path.rect(px, py, size * v.scale, size * v.scale)
    c.setFillColor(_rgb(la.layer), alpha=0.35)
    c.drawPath(path, stroke=0, fill=1)
    c.setFillColor(colors.black)


def _wafer_reference(c: Canvas, la: LayerArt, v: _View, tol: float) -> None:
    """The WAFER reference layer (rim, usable-area edge): thin dashed lines, so it never reads as metal to cut."""
    c.saveState()
    c.setLineWidth(0.4)
    c.setDash(3, 2)
    for k in range(len(la.rings)):
        xy = la.rings.densify(k, tol)
        _poly(c, np.column_stack([v.ox + xy[:, 0] * v.scale, v.oy + xy[:, 1] * v.scale]))
    c.restoreState()


def _top_view(c: Canvas, art: Artwork, title: TitleBlock, pages: int) -> None:
    box = art.bounds()
    legend_h = 10.0 * sum(1 for s in art.specs if s.is_artwork) + 30.0
    frame = (MARGIN + 30, MARGIN + 75, PAGE[0] - 2 * MARGIN - 60, PAGE[1] - 2 * MARGIN - 80 - legend_h)
    v = _View(box, frame)
    c.setFont(FONT + "-Bold", 12)
    c.drawString(MARGIN, PAGE[1] - MARGIN - 6, "TOP VIEW, seen from the upper surface (where the balls come from)")
    tol = 0.25 / v.scale  # a quarter point on paper
    for la in art.layers:
        c.setStrokeColor(_rgb(la.layer))
        c.setLineWidth(0.8 if la.layer.role == Role.OUTLINE else 0.3)
        if la.layer.role == Role.WAFER:
            _wafer_reference(c, la, v, tol)
            continue
        if len(la.circles) + len(la.rings.bulge) > DRAW_LIMIT:
            _coverage(c, la, v)
            continue
        for x, y, r in la.circles.tolist():
            px, py = v.p(x, y)
            c.circle(px, py, max(r * v.scale, 0.2), stroke=1, fill=0)
        rings = ringops.densified(la.rings, tol) if len(la.rings) else la.rings
        for k in range(len(rings)):
            xy, _ = rings.ring(k)
            pts = np.column_stack([v.ox + xy[:, 0] * v.scale, v.oy + xy[:, 1] * v.scale])
            _poly(c, pts)
    x0, y0, x1, y1 = art.outline_rect
    (ax, ay), (bx, by) = v.p(x0, y0), v.p(x1, y1)
    _dim_h(c, ax, bx, ay - 22, f"{x1 - x0:.3f}", ext_from=ay - 3)
    _dim_v(c, bx + 22, ay, by, f"{y1 - y0:.3f}", ext_from=bx + 3)
    # legend
    c.setFont(FONT, 8)
    ly = PAGE[1] - MARGIN - 22
    for spec in art.specs:
        if not spec.is_artwork:
            continue
        c.setStrokeColor(_rgb(spec))
        c.setLineWidth(1.5)
        c.line(MARGIN, ly + 3, MARGIN + 14, ly + 3)
        c.setFillColor(colors.black)
        side = " (mirrored: seen from the lower side)" if spec.mirrored else ""
        c.drawString(MARGIN + 18, ly, f"{spec.name}: {spec.made_how}{side}")
        ly -= 10
    _title_box(c, title, 1, pages, "top view")


def _section(c: Canvas, design: Design, o: Opening, pad_mm: float, frame: tuple[float, float, float, float],
             label: str) -> None:
    """One dimensioned cross-section through the opening's centre along its shift direction."""
    t, d_ball = o.thickness_mm, design.ball.diameter_mm
    half = max(o.lower_mm, o.upper_mm, d_ball, pad_mm) * 0.5 + o.lower_shift_mm + 0.35 * max(t, d_ball)
    stand = 0.12 * t
    box = (-half, -(t + 2 * stand), half, 0.45 * t)
    v = _View(box, frame)
    left, right = o.wall_polylines(0.0, o.direction_deg, samples=24)

    def pts(arr: FloatArray) -> FloatArray:
        return np.column_stack([v.ox + arr[:, 0] * v.scale, v.oy - arr[:, 1] * v.scale])

    # metal on both sides of the opening
    c.setFillColor(colors.Color(0.82, 0.84, 0.88))
    c.setStrokeColor(colors.black)
    c.setLineWidth(0.8)
    lft = np.vstack([[[-half, 0.0]], left, [[-half, t]]])
    rgt = np.vstack([[[half, 0.0]], right, [[half, t]]])
    _poly(c, pts(lft), fill=True)
    _poly(c, pts(rgt), fill=True)
    # device and pad under the mask
    c.setFillColor(colors.Color(0.93, 0.9, 0.8))
    dx0, dy0 = v.p(-half, -(t + 2 * stand))
    c.rect(dx0, dy0, 2 * half * v.scale, stand * v.scale, stroke=1, fill=1)
    c.setFillColor(colors.Color(0.85, 0.55, 0.2))
    px0, py0 = v.p(-pad_mm / 2, -(t + stand))
    c.rect(px0, py0 - 0.35 * stand * v.scale, pad_mm * v.scale, 0.35 * stand * v.scale, stroke=1, fill=1)
    # the ball resting on the pad (its bottom on the pad surface)
    bx, by = v.p(0.0, -(t + stand) + d_ball / 2)
    c.setFillColor(colors.Color(0.7, 0.72, 0.75))
    c.circle(bx, by, d_ball / 2 * v.scale, stroke=1, fill=1)
    c.setFillColor(colors.black)
    c.setFont(FONT, 8)
    c.drawCentredString(bx, by - 3, f"D {d_ball:.3f}")
    # dimensions
    top_y = v.p(0, 0)[1]
    bot_y = v.p(0, -t)[1]
    ul, ur = pts(left[:1])[0, 0], pts(right[:1])[0, 0]
    ll, lr = pts(left[-1:])[0, 0], pts(right[-1:])[0, 0]
    _dim_h(c, ul, ur, top_y + 16, f"d_u {o.upper_mm:.3f}", ext_from=top_y + 2)
    _dim_h(c, ll, lr, dy0 - 14, f"d_l {o.lower_mm:.3f}", ext_from=bot_y - 2)
    rx = v.p(half, 0)[0]
    _dim_v(c, rx + 10, top_y, bot_y, f"t {t:.3f}", ext_from=rx + 2)
    if 0.0 < o.vertical_mm < t - 1e-9:
        _dim_v(c, ul - 14, top_y, v.p(0, -o.vertical_mm)[1], f"h_v {o.vertical_mm:.3f}", ext_from=ul - 2)
    if o.tapered:
        # theta: between the tapered face of the right wall and a line parallel to the upper surface, in the
        # metal wedge at the top of the taper
        top = pts(right[-2:-1] if o.vertical_mm > 0 else right[:1])[0]
        bot = pts(right[-1:])[0]
        theta_page = math.degrees(math.atan2(top[1] - bot[1], bot[0] - top[0]))
        rad = 22.0
        c.setLineWidth(0.4)
        c.setDash(2, 2)
        c.line(top[0], top[1], top[0] + rad + 8, top[1])
        c.setDash()
        c.arc(top[0] - rad, top[1] - rad, top[0] + rad, top[1] + rad, -theta_page, theta_page)
        c.drawString(top[0] + rad + 10, top[1] - 10, f"theta {o.angle_deg:.1f} deg")
    c.setFont(FONT + "-Bold", 10)
    c.drawString(frame[0], frame[1] + frame[3] + 4, label)
    c.setFont(FONT, 7.5)
    c.drawString(frame[0], frame[1] - 26, opening_line(o, 0).split(": ", 1)[1])


def _sections(c: Canvas, design: Design, title: TitleBlock, page: int, pages: int,
              items: Sequence[tuple[Opening, int, float]]) -> None:
    c.setFont(FONT + "-Bold", 12)
    c.drawString(MARGIN, PAGE[1] - MARGIN - 6,
                 "CROSS-SECTIONS through the opening centre (upper surface at top, device below; mm)")
    cols = 2
    w = (PAGE[0] - 2 * MARGIN - 40) / cols
    h = (PAGE[1] - 2 * MARGIN - 130) / 2
    for i, (o, count, pad) in enumerate(items):
        col, row = i % cols, i // cols
        frame = (MARGIN + 20 + col * w + 20, PAGE[1] - MARGIN - 50 - (row + 1) * h + 30, w - 70, h - 60)
        _section(c, design, o, pad, frame, f"{o.kind}  ({count} openings)")
    _title_box(c, title, page, pages, "cross-sections")


def _text_page(c: Canvas, title: TitleBlock, art: Artwork, report: CheckReport | None, page: int,
               pages: int) -> None:
    y = PAGE[1] - MARGIN - 6
    width = PAGE[0] - 2 * MARGIN - 10

    def para(text: str, font: str = FONT, size: float = 8.5) -> None:
        nonlocal y
        for line in simpleSplit(text, font, size, width):
            if y < MARGIN + 70:
                return
            c.setFont(font, size)
            c.drawString(MARGIN, y, line)
            y -= size * 1.3

    para("LAYERS", FONT + "-Bold", 11)
    for spec in art.specs:
        para(f"{spec.name}  (DXF colour {spec.colour}): {spec.meaning}; {spec.made_how}"
             + ("; seen from the LOWER side (mirrored)" if spec.mirrored else ""))
    y -= 6
    para("CHECK SUMMARY", FONT + "-Bold", 11)
    for line in check_summary_lines(report):
        para(line)
    y -= 6
    para("ORDER NOTES", FONT + "-Bold", 11)
    for line in title.lines:
        para(line, FONT + "-Bold" if line.startswith("NO APERTURE") else FONT)
    _title_box(c, title, page, pages, "notes and checks")


def pdf_bytes(design: Design, art: Artwork, title: TitleBlock, report: CheckReport | None) -> bytes:
    """The drawing as PDF bytes."""
    table = opening_table(design)
    items: list[tuple[Opening, int, float]] = []
    for k, o in enumerate(table.openings):
        rows = np.flatnonzero(table.which == k)
        if len(rows):
            items.append((o, len(rows), float(np.median(table.sites.pad_mm[rows]))))
    section_pages = [items[i:i + 4] for i in range(0, len(items), 4)]
    pages = 2 + len(section_pages)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=PAGE, invariant=True)
    c.setTitle(f"{design.name} rev {design.revision}: fabrication drawing")
    c.setAuthor("ballmask")
    _top_view(c, art, title, pages)
    c.showPage()
    for i, chunk in enumerate(section_pages):
        _sections(c, design, title, 2 + i, pages, chunk)
        c.showPage()
    _text_page(c, title, art, report, pages, pages)
    c.showPage()
    c.save()
    return buf.getvalue()


def write_pdf(design: Design, art: Artwork, title: TitleBlock, report: CheckReport | None,
              target: str | Path) -> Path:
    """Write the drawing atomically."""
    return write_bytes_atomic(target, pdf_bytes(design, art, title, report))
