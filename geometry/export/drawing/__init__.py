"""The fabrication drawing (PDF, reportlab, no Qt): sheets a mask maker's CAM engineer can quote and make from.

Sheet 1: the top view at a standard scale with the title block, the revision table, the fiducial table and the
layer key. Sheet 2: detail A (one array corner) and the first cross-sections; further sheets hold the other
cross-sections. Then the opening table, the rework sites, the layer stack, the check summary and the order notes,
over as many sheets as they need. A4 landscape unless the top view is only legible on A3.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from geometry.base.atomic import write_bytes_atomic
from geometry.checks.records import CheckReport
from geometry.derive.openings import opening_table
from geometry.export.artwork import Artwork
from geometry.export.drawing.detail import corner, detail_view
from geometry.export.drawing.facts import (
    CHANGED,
    CLOSED,
    drawing_title,
    material_grade,
    opening_groups,
    site_states,
)
from geometry.export.drawing.frame import frame_sketch
from geometry.export.drawing.order import layer_stack, order_notes
from geometry.export.drawing.scale import View, pick_scale, scale_label
from geometry.export.drawing.section import section_view
from geometry.export.drawing.sheet import A3, A4, FONT, Sheet, register_fonts
from geometry.export.drawing.tables import fiducial_table, opening_rows, rework_rows, stack_rows
from geometry.export.drawing.textpages import Figure, Flow, Paragraphs, Table
from geometry.export.drawing.titleblock import TitleFields, block_height, title_block
from geometry.export.drawing.tolerances import ProcessTolerances, pm, process_tolerances
from geometry.export.drawing.topview import legend, top_view, view_box
from geometry.export.notes import NO_APERTURE_MODIFICATION, TitleBlock, check_summary_lines
from geometry.model.design import Design

PRODUCER = "ballmask fabrication drawing (reportlab)"
VIEW_SIDE = 32.0  # paper mm kept around the outline for dimensions and leaders
MIN_PITCH_ON_PAPER = 3.0  # mm: below this the top view goes on A3 if A3 allows a larger scale


def fields(design: Design, title: TitleBlock, tol: ProcessTolerances, scale: str) -> TitleFields:
    """The title block's fields from the design's drawing data."""
    info = design.drawing
    return TitleFields(
        title=drawing_title(design), drawing_number=info.drawing_number or "-", revision=design.revision,
        date=title.date, scale=scale, units="mm", material=material_grade(design),
        thickness=f"{design.mask.thickness_mm:.3f} {pm(tol.thickness_mm)} mm", drawn_by=info.drawn_by,
        checked_by=info.checked_by, approved_by=info.approved_by, general_tolerances=info.general_tolerances,
        projection=info.projection.replace("-", " "),
        document_type="Fabrication drawing, ball-mount mask" + (" (REWORK)" if design.rework else ""),
        revisions=info.revisions,
    )


def top_layout(design: Design, art: Artwork, tol: ProcessTolerances, title: TitleBlock) -> tuple[
        tuple[float, float], Fraction | None, float]:
    """Paper size, standard scale (None: fitted, with the scale bar only) and paper mm per model mm."""
    box = view_box(design, art)
    w, h = box[2] - box[0], box[3] - box[1]
    pitch = design.layout.pitch_hint_mm() or 1.0
    tb = block_height(fields(design, title, tol, "1:1"))
    best: tuple[tuple[float, float], Fraction | None, float] | None = None
    for paper in (A4, A3):
        rw = paper[0] - 30.0 - 2 * VIEW_SIDE
        rh = paper[1] - 20.0 - tb - 14.0 - 2 * VIEW_SIDE
        s = pick_scale(w, h, rw, rh)
        k = float(s) if s is not None else min(rw / max(w, 1e-9), rh / max(h, 1e-9))
        if best is None or k > best[2]:
            best = (paper, s, k)
        if k * pitch >= MIN_PITCH_ON_PAPER:
            break
    assert best is not None
    return best


class _Pages:
    """Counts sheets and closes each one before the next starts."""

    def __init__(self, c: Canvas, paper: tuple[float, float]) -> None:
        self.c, self.paper, self.n, self.open = c, paper, 0, False

    def new(self, paper: tuple[float, float] | None = None) -> Sheet:
        if self.open:
            self.c.showPage()
        self.n += 1
        self.open = True
        sh = Sheet(self.c, paper or self.paper)
        sh.border()
        return sh


def _render(c: Canvas, design: Design, art: Artwork, title: TitleBlock, report: CheckReport | None,
            total: int) -> int:
    tol = process_tolerances(design)
    paper, scale, k = top_layout(design, art, tol, title)
    pages = _Pages(c, paper)
    # sheet 1: top view
    sh = pages.new()
    main_scale = scale_label(scale) if scale is not None else "see scale bar"
    tb = title_block(sh, fields(design, title, tol, main_scale), 1, total)
    x0, _, x1, y1 = sh.area
    box = view_box(design, art)
    room = (x0 + VIEW_SIDE, tb[3] + VIEW_SIDE - 8, x1 - VIEW_SIDE, y1 - VIEW_SIDE + 8)
    v = View.centred(box, k, room)
    found = corner(design)
    detail_at = None
    if found is not None:
        s = opening_table(design).sites
        detail_at = (float(s.x_mm[found[0]]), float(s.y_mm[found[0]]))
    # the fiducial table and the layer key left of the title block, before the view so its labels avoid them
    ybot = fiducial_table(sh, design, tol, x0 + 2, tb[3] - 1, tb[0] - x0 - 6)
    legend(sh, design, art, x0 + 2, ybot - 1, tb[0] - x0 - 6)
    top_view(sh, design, art, v, scale, detail_at)
    # sheet 2 on: detail A and the cross-sections
    groups = opening_groups(design)
    sh = pages.new()
    tb = title_block(sh, fields(design, title, tol, "as shown"), pages.n, total)
    x0, _, x1, y1 = sh.area
    split = x0 + 0.45 * (x1 - x0)
    detail_view(sh, design, art, tol, (x0 + 2, tb[3] + 2, split, y1 - 2))
    slots = _slots((split, tb[3] + 2, x1 - 2, y1 - 2), 1, max(1, min(2, len(groups))))
    number = 1
    rest = list(groups)
    for slot in slots:
        if not rest:
            break
        section_view(sh, design, rest.pop(0), number, tol, slot)
        number += 1
    while rest:
        sh = pages.new()
        tb = title_block(sh, fields(design, title, tol, "as shown"), pages.n, total)
        x0, _, x1, y1 = sh.area
        for slot in _slots((x0 + 2, tb[3] + 2, x1 - 2, y1 - 2), 2, 1 if len(rest) <= 2 else 2):
            if not rest:
                break
            section_view(sh, design, rest.pop(0), number, tol, slot)
            number += 1

    # tables and notes
    def text_sheet() -> tuple[Sheet, tuple[float, float, float, float]]:
        s = pages.new()
        t = title_block(s, fields(design, title, tol, "none"), pages.n, total)
        ax0, _, ax1, ay1 = s.area
        return s, (ax0 + 4, t[3] + 3, ax1 - 4, ay1 - 3)

    flow = Flow(text_sheet)
    flow.place(Table("OPENING TABLE (one row per profile, d_u, d_l and depth; sizes in mm)", (
        ("No", 0.04), ("profile", 0.10), ("Ø d_u", 0.09), ("Ø d_l", 0.09), ("theta", 0.07), ("h_v", 0.08),
        ("relief depth", 0.08), ("count", 0.06), ("sites", 0.39)), tuple(opening_rows(design, groups, tol))))
    if design.rework is not None:
        states = site_states(design)
        n_closed, n_changed = int((states == CLOSED).sum()), int((states == CHANGED).sum())
        flow.place(Table(f"REWORK SITES ({n_closed} closed, {n_changed} changed; marked on the top view)", (
            ("site", 0.08), ("state", 0.10), ("x", 0.09), ("y", 0.09), ("change", 0.64)),
            tuple(rework_rows(design))))
    flow.place(Table("LAYER STACK (order of making; depths in mm)", (
        ("step", 0.05), ("layer", 0.2), ("made", 0.37), ("from side", 0.09), ("depth", 0.1),
        ("drawn as seen from", 0.19)), tuple(stack_rows(layer_stack(design, art, tol)))))
    sketch = frame_sketch(design, art)
    if sketch is not None:
        flow.place(Figure("FRAME AND FOIL (not to scale)", sketch[0], sketch[1]))
    flow.place(Paragraphs("CHECK SUMMARY", tuple(check_summary_lines(report))))
    notes = order_notes(design, art, tol)
    lines = ["!" + NO_APERTURE_MODIFICATION, *(n for n in (*notes, *title.lines) if not n.startswith("NO APERTURE"))]
    flow.place(Paragraphs("ORDER NOTES", tuple(lines)))
    c.showPage()
    return pages.n


def _slots(room: tuple[float, float, float, float], cols: int, rows: int) -> list[tuple[float, float, float, float]]:
    x0, y0, x1, y1 = room
    w, h = (x1 - x0) / cols, (y1 - y0) / rows
    return [(x0 + i * w, y1 - (j + 1) * h, x0 + (i + 1) * w, y1 - j * h) for j in range(rows) for i in range(cols)]


def _canvas(buf: io.BytesIO, design: Design, title: TitleBlock) -> Canvas:
    register_fonts()  # the page's initial font too, so that no unembedded standard font is listed
    c = Canvas(buf, pagesize=A4, invariant=True, initialFontName=FONT, initialFontSize=8)
    y, m, d = (int(p) for p in title.date.split("-"))
    c.setDateFormatter(lambda *_: f"D:{y:04d}{m:02d}{d:02d}000000+00'00'")
    number = design.drawing.drawing_number
    c.setTitle(f"{drawing_title(design)}, rev {design.revision}: fabrication drawing" + (f" {number}" if number
                                                                                        else ""))
    c.setAuthor(design.drawing.drawn_by or "ballmask")
    c.setSubject("ball-mount mask fabrication drawing")
    c.setCreator("ballmask")
    c.setProducer(PRODUCER)
    return c


def pdf_bytes(design: Design, art: Artwork, title: TitleBlock, report: CheckReport | None) -> bytes:
    """The drawing as PDF bytes (rendered twice: once to count the sheets, then with "sheet n of m")."""
    register_fonts()
    count = _render(_canvas(io.BytesIO(), design, title), design, art, title, report, 0)
    buf = io.BytesIO()
    c = _canvas(buf, design, title)
    _render(c, design, art, title, report, count)
    c.save()
    return buf.getvalue()


def write_pdf(design: Design, art: Artwork, title: TitleBlock, report: CheckReport | None,
              target: str | Path) -> Path:
    """Write the drawing atomically."""
    return write_bytes_atomic(target, pdf_bytes(design, art, title, report))
