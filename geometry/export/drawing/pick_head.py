"""The vacuum pick-head plate's drawing (PDF): the plate's top view with its holes at the mask's sites,
the hole table, the rule that a hole holds one ball and cannot pass it, the tool checks and the notes.

It is drawn like the mask's fabrication drawing (the same sheet, title block, scales and layer colours) from the
artwork the plate's DXF is written from (``geometry.export.tools``), so the two cannot disagree. The hole is the
ball diameter x the hole ratio (about 0.7 D): it must be smaller than the smallest
ball (D - tol_D) so that no ball is drawn in, and at least the hold ratio x D so the vacuum holds the ball
(docs/tools.md).
"""

from __future__ import annotations

import io
from dataclasses import replace
from fractions import Fraction

from reportlab.pdfgen.canvas import Canvas

from geometry.checks.base import EPS_MM
from geometry.checks.records import Severity
from geometry.checks.tools import tool_report
from geometry.derive.tools import pick_hole_mm, tool_sites
from geometry.export.artwork import Artwork
from geometry.export.drawing import fields
from geometry.export.drawing.artwork_paths import draw_layer
from geometry.export.drawing.dims import dim_h, dim_v
from geometry.export.drawing.scale import View, pick_scale, scale_label
from geometry.export.drawing.sheet import A3, A4, FONT, Sheet, register_fonts
from geometry.export.drawing.textpages import Flow, Paragraphs, Table
from geometry.export.drawing.titleblock import block_height, title_block
from geometry.export.drawing.tolerances import pm, process_tolerances
from geometry.export.drawing.topview import scale_bar
from geometry.export.layers import Role
from geometry.export.notes import TitleBlock
from geometry.model.design import Design
from geometry.model.tools import ToolKind

SIDE = 24.0  # paper mm kept around the plate for the dimensions


def hole_rule(design: Design) -> list[str]:
    """The hole against the ball, in words: what it is and whether it holds one ball and cannot pass it."""
    ph = design.companion_tools.pick_head
    ball = design.ball
    hole = pick_hole_mm(design)
    smallest = ball.diameter_mm - ball.tolerance_mm
    hold = ph.hold_ratio_min * ball.diameter_mm
    passes = hole >= smallest - EPS_MM
    weak = hole < hold - EPS_MM
    verdict = ("FAILS: a ball can be drawn into the hole" if passes else
               "holds the ball weakly: the vacuum may not hold it" if weak else
               "holds one ball and cannot pass it")
    return [f"HOLE: Ø{hole:.3f} mm = ball Ø{ball.diameter_mm:.3f} x {ph.hole_ratio:g}, at every ball site, through "
            "the plate.",
            f"RULE: hole < smallest ball Ø{smallest:.3f} (D - tol_D {ball.tolerance_mm:.3f}) so that no ball passes; "
            f"hole >= {ph.hold_ratio_min:g} D = Ø{hold:.3f} so that the vacuum holds it.",
            f"VERDICT: {verdict}."]


def _plate_view(sh: Sheet, art: Artwork, v: View, scale: Fraction | None) -> None:
    x0a, _, _, y1a = sh.area
    head = "PICK-HEAD PLATE, seen from the ball side (the face that touches the balls); x right, y up"
    sh.text(x0a + 3, y1a - 6, head, 10, bold=True)
    label = f"SCALE {scale_label(scale)}" if scale is not None else "NOT TO A STANDARD SCALE: use the scale bar"
    hx = x0a + 3 + sh.box_of(0, 0, head, 10, True)[2] + 6
    sh.text(hx, y1a - 6, label, 10, bold=True)
    scale_bar(sh, hx + sh.box_of(0, 0, label, 10, True)[2] + 6, y1a - 6.2, v.scale)
    box = art.bounds()
    for la in art.layers:
        draw_layer(sh, la, v, box, 0.5 if la.layer.role == Role.OUTLINE else 0.18)
    x0, y0, x1, y1 = art.outline_rect
    (px0, py0), (px1, py1) = v.p(x0, y0), v.p(x1, y1)
    dim_h(sh, px0, py0, px1, py0, py0 - 8.0, f"{x1 - x0:.3f}")
    dim_v(sh, px1, py0, px1, py1, px1 + 8.0, f"{y1 - y0:.3f}")


def _render(c: Canvas, design: Design, art: Artwork, title: TitleBlock, total: int) -> int:
    tol = process_tolerances(design)
    base = fields(design, title, tol, "1:1")
    doc = replace(base, document_type="Fabrication drawing, vacuum pick-head plate",
                  title=f"{base.title}: pick-head plate", material="per the machine maker's plate",
                  thickness="per the machine maker")
    x0, y0, x1, y1 = art.bounds()
    w, h = x1 - x0, y1 - y0
    best: tuple[tuple[float, float], Fraction | None, float] | None = None
    for paper in (A4, A3):
        rw = paper[0] - 30.0 - 2 * SIDE
        rh = paper[1] - 20.0 - block_height(doc) - 14.0 - 2 * SIDE
        s = pick_scale(w, h, rw, rh)
        k = float(s) if s is not None else min(rw / max(w, 1e-9), rh / max(h, 1e-9))
        if best is None or k > best[2] * 1.2:
            best = (paper, s, k)
    assert best is not None
    paper, scale, k = best
    n = 0

    def sheet() -> tuple[Sheet, tuple[float, float, float, float]]:
        nonlocal n
        if n:
            c.showPage()
        n += 1
        sh = Sheet(c, paper)
        sh.border()
        tb = title_block(sh, replace(doc, scale=scale_label(scale) if scale and n == 1 else "none"), n, total)
        ax0, _, ax1, ay1 = sh.area
        return sh, (ax0 + 4, tb[3] + 3, ax1 - 4, ay1 - 3)

    sh, room = sheet()
    ax0, _, ax1, ay1 = sh.area
    tb_top = room[1] - 3
    v = View.centred(art.bounds(), k, (ax0 + SIDE, tb_top + SIDE - 8, ax1 - SIDE, ay1 - SIDE + 8))
    _plate_view(sh, art, v, scale)
    ts = tool_sites(design)
    report = tool_report(design, ToolKind.PICK_HEAD)
    flow = Flow(sheet)
    flow.place(Table("HOLES (mm)", (("holes", 0.1), ("Ø hole", 0.12), ("ball Ø", 0.14), ("smallest ball", 0.14),
                                    ("hold min", 0.12), ("position", 0.12), ("sites", 0.26)),
                     ((str(len(ts)), f"{pick_hole_mm(design):.3f}",
                       f"{design.ball.diameter_mm:.3f} {pm(design.ball.tolerance_mm)}",
                       f"{design.ball.diameter_mm - design.ball.tolerance_mm:.3f}",
                       f"{design.companion_tools.pick_head.hold_ratio_min * design.ball.diameter_mm:.3f}",
                       pm(tol.position_mm), "every populated ball site of the mask (sites.csv)"),)))
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    found = [f"{v.severity}: {v.message}" for v in report.violations[:12]]
    flow.place(Paragraphs("PICK-HEAD CHECKS", (f"{errors} error(s), {warnings} warning(s).", *found)))
    flow.place(Paragraphs("NOTES", (*hole_rule(design),
                                    "POSITIONS: the holes are at the mask's ball sites, in the mask's coordinates "
                                    f"(origin 0,0, mm), {pm(tol.position_mm)} mm; the plate's DXF holds them.",
                                    "NO HOLE MODIFICATION: drill or etch every hole exactly as drawn.",
                                    *title.lines)))
    c.showPage()
    return n


def pick_head_pdf_bytes(design: Design, art: Artwork, title: TitleBlock) -> bytes:
    """The drawing as PDF bytes (rendered twice: once to count the sheets, then with "sheet n of m")."""
    register_fonts()
    total = 1
    stamp = f"D:{title.date.replace('-', '')}000000+00'00'"
    for _ in range(2):
        buf = io.BytesIO()
        c = Canvas(buf, pagesize=A4, invariant=True, initialFontName=FONT, initialFontSize=8)
        c.setDateFormatter(lambda *_: stamp)
        c.setTitle(f"{design.name}, rev {design.revision}: vacuum pick-head plate")
        c.setCreator("ballmask")
        c.setProducer("ballmask pick-head drawing (reportlab)")
        total_now = _render(c, design, art, title, total)
        c.save()
        if total_now == total:
            break
        total = total_now
    return buf.getvalue()
