"""The title block (ISO 7200 fields) and the revision table above it, in the lower right corner of every sheet."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors

from geometry.export.drawing.sheet import PT, Box, Sheet, wrap
from geometry.model.drawing_info import RevisionEntry

WIDTH = 180.0
ROWS = (9.0, 9.0, 15.0, 9.0)  # bottom to top
HEIGHT = sum(ROWS)
REV_ROW = 4.6
REV_COLS = ((14.0, "Rev"), (24.0, "Date"), (112.0, "Description"), (30.0, "By"))
LABEL = 5.5  # pt
VALUE = 8.0


@dataclass(frozen=True, slots=True)
class TitleFields:
    """Every field the title block shows; ``sheet`` and ``sheets`` are filled per page."""

    title: str
    drawing_number: str
    revision: str
    date: str
    scale: str
    units: str
    material: str
    thickness: str
    drawn_by: str
    checked_by: str
    approved_by: str
    general_tolerances: str
    projection: str
    document_type: str
    revisions: tuple[RevisionEntry, ...]


def _cell(sh: Sheet, x: float, y: float, w: float, h: float, label: str, value: str, bold: bool = False,
          size: float = VALUE) -> None:
    sh.stroke(0.35)
    sh.rect(x, y, w, h)
    sh.text(x + 1.2, y + h - 2.3, label, LABEL, colour=colors.Color(0.25, 0.25, 0.25))
    if not value:
        return
    room = h - 3.4
    for s in (size, size - 1, size - 2, size - 2.5):
        lines = wrap(value, s, w - 2.4, bold)
        if len(lines) * s * 1.15 / PT <= room:
            break
    step = s * 1.15 / PT
    top = y + h - 3.4
    for i, line in enumerate(lines):
        sh.text(x + 1.2, top - (i + 1) * step + 0.25 * s / PT, line, s, bold)


def projection_symbol(sh: Sheet, x: float, y: float, first_angle: bool) -> None:
    """The ISO 5456-2 symbol: a truncated cone's side view on the left and its end view (two circles) on the right.

    The end view shows the cone's small end (both circles visible). In first angle the view from the left goes on
    the right, so the small end is on the left of the side view; in third angle the view from the right goes on
    the right, so the small end faces the circles.
    """
    r1, r2, ln = 2.6, 1.4, 6.0
    tx, cx = x, x + ln + 3.0 + r1
    sh.stroke(0.3)
    sh.circle(cx, y, r1)
    sh.circle(cx, y, r2)
    if first_angle:
        sh.poly([(tx, y - r2), (tx, y + r2), (tx + ln, y + r1), (tx + ln, y - r1)])
    else:
        sh.poly([(tx, y - r1), (tx, y + r1), (tx + ln, y + r2), (tx + ln, y - r2)])
    sh.stroke(0.15, dash=(1.5, 0.6, 0.3, 0.6))
    sh.line(cx - r1 - 0.8, y, cx + r1 + 0.8, y)
    sh.line(cx, y - r1 - 0.8, cx, y + r1 + 0.8)
    sh.line(tx - 0.8, y, tx + ln + 0.8, y)
    sh.stroke()


def title_block(sh: Sheet, f: TitleFields, sheet_no: int, sheets: int) -> Box:
    """Draw the block at the lower right of the drawing area; returns the box of it and its revision table."""
    x1, y0 = sh.area[2], sh.area[1]
    x = x1 - WIDTH
    y = y0
    # row 0: general tolerances, scale, units, revision, date, sheet
    widths = (52.0, 20.0, 16.0, 16.0, 36.0, 40.0)
    cells = (("General tolerances", f.general_tolerances), ("Scale", f.scale), ("Units", f.units),
             ("Revision", f.revision), ("Date", f.date), ("Sheet", f"{sheet_no} of {sheets}"))
    cx = x
    for w, (label, value) in zip(widths, cells, strict=True):
        _cell(sh, cx, y, w, ROWS[0], label, value, bold=label in ("Revision", "Sheet"))
        cx += w
    y += ROWS[0]
    # row 1: material and grade, thickness, projection
    _cell(sh, x, y, 100.0, ROWS[1], "Material and grade", f.material)
    _cell(sh, x + 100.0, y, 50.0, ROWS[1], "Thickness and tolerance", f.thickness)
    _cell(sh, x + 150.0, y, 30.0, ROWS[1], f"Projection: {f.projection}", "")
    projection_symbol(sh, x + 153.0, y + 3.4, f.projection.startswith("first"))
    y += ROWS[1]
    # row 2: title (wrapped, never cut) and drawing number
    _cell(sh, x, y, 125.0, ROWS[2], "Title", f.title, bold=True, size=9.0)
    _cell(sh, x + 125.0, y, 55.0, ROWS[2], "Drawing number", f.drawing_number, bold=True, size=9.0)
    y += ROWS[2]
    # row 3: people and document type
    for i, (label, value) in enumerate((("Drawn by", f.drawn_by), ("Checked by", f.checked_by),
                                        ("Approved by", f.approved_by))):
        _cell(sh, x + 40.0 * i, y, 40.0, ROWS[3], label, value)
    _cell(sh, x + 120.0, y, 60.0, ROWS[3], "Document type", f.document_type)
    y += ROWS[3]
    sh.stroke(0.7)
    sh.rect(x, y0, WIDTH, HEIGHT)
    top = revision_table(sh, x, y, f)
    sh.boxes.append((x, y0, x1, top))  # nothing else may print on the block
    return (x, y0, x1, top)


def _revision_rows(f: TitleFields) -> list[RevisionEntry]:
    rows = list(f.revisions)
    if not any(r.revision == f.revision for r in rows):
        rows.append(RevisionEntry(f.revision, f.date, "this issue"))
    return rows


def _row_height(values: tuple[str, ...]) -> float:
    lines = max(len(wrap(v, 7.0, w - 2.0)) for (w, _), v in zip(REV_COLS, values, strict=True))
    return max(REV_ROW, lines * 3.0 + 1.6)


def block_height(f: TitleFields) -> float:
    """Height of the title block with its revision table."""
    rows = _revision_rows(f)
    return HEIGHT + sum(_row_height((r.revision, r.date, r.description, r.by)) for r in rows) + REV_ROW + 4.0


def revision_table(sh: Sheet, x: float, y: float, f: TitleFields) -> float:
    """Rows of the revision history above the title block, newest on top; returns its top."""
    rows = _revision_rows(f)
    cols = REV_COLS
    entries = [(r.revision, r.date, r.description, r.by) for r in rows]
    sh.stroke(0.35)
    yy = y
    for values in entries:  # oldest at the bottom, as revisions are added upward
        h = _row_height(values)
        xx = x
        for (w, _), v in zip(cols, values, strict=True):
            sh.rect(xx, yy, w, h)
            for i, line in enumerate(wrap(v, 7.0, w - 2.0)):
                sh.text(xx + 1.0, yy + h - 3.2 - i * 3.0, line, 7.0)
            xx += w
        yy += h
    xx = x
    for w, label in cols:
        sh.rect(xx, yy, w, REV_ROW)
        sh.text(xx + 1.0, yy + 1.4, label, 7.0, bold=True)
        xx += w
    yy += REV_ROW
    sh.text(x, yy + 1.2, "REVISIONS", 7.0, bold=True)
    return yy + 4.0
