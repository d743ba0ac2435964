"""Sheets of tables and notes: the opening table, the rework sites, the fiducials, the layer stack, the check
summary and the order notes, flowed over as many sheets as they need (a table's header repeats on each sheet)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from geometry.export.drawing.sheet import PT, Sheet, wrap

CELL = 7.0  # pt
LINE = CELL * 1.22 / PT


@dataclass(frozen=True, slots=True)
class Table:
    """A heading, column titles with widths (fractions of the sheet width) and rows of text."""

    heading: str
    columns: tuple[tuple[str, float], ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Paragraphs:
    """A heading and lines of text (each wrapped); lines starting with ``!`` print in bold."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Figure:
    """A heading and a drawing of ``height`` mm, drawn by ``draw(sheet, box)`` across the sheet's width."""

    heading: str
    height: float
    draw: Callable[[Sheet, tuple[float, float, float, float]], None]


Block = Table | Paragraphs | Figure


class Flow:
    """Places blocks top-down in the free part of a sheet; asks for a new sheet when one is full."""

    def __init__(self, new_sheet: Callable[[], tuple[Sheet, tuple[float, float, float, float]]]) -> None:
        self.new_sheet = new_sheet
        self.sheet, self.room = new_sheet()
        self.y = self.room[3]

    def _need(self, h: float) -> None:
        if self.y - h < self.room[1]:
            self.sheet, self.room = self.new_sheet()
            self.y = self.room[3]

    def heading(self, text: str) -> None:
        self._need(12.0)
        self.y -= 5.0
        self.sheet.text(self.room[0], self.y, text, 9.5, bold=True)
        self.y -= 2.5

    def place(self, block: Block) -> None:
        if isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Figure):
            self._need(block.height + 12.0)
            self.heading(block.heading)
            block.draw(self.sheet, (self.room[0], self.y - block.height, self.room[2], self.y))
            self.y -= block.height
        else:
            self._paragraphs(block)
        self.y -= 3.0

    def _paragraphs(self, p: Paragraphs) -> None:
        self.heading(p.heading)
        width = self.room[2] - self.room[0]
        for raw in p.lines:
            bold = raw.startswith("!")
            text = raw[1:] if bold else raw
            indent = 4.0 if text.startswith("  ") else 0.0
            for i, line in enumerate(wrap(text.strip(), CELL + 0.5, width - indent - 4.0, bold)):
                self._need(LINE + 1.0)
                self.y -= LINE
                self.sheet.text(self.room[0] + indent + (4.0 if i else 0.0), self.y, line, CELL + 0.5, bold)
            self.y -= 0.6

    def _row(self, cells: Sequence[str], widths: list[float], bold: bool) -> None:
        wrapped = [wrap(c, CELL, w - 2.0, bold) for c, w in zip(cells, widths, strict=True)]
        fit = max(1, int((self.room[3] - self.room[1] - 12.0 - 1.6) / LINE))  # a row never outgrows a sheet
        wrapped = [w if len(w) <= fit else [*w[:fit - 1], "(continued in sites.csv)"] for w in wrapped]
        h = max(len(w) for w in wrapped) * LINE + 1.6
        self._need(h)
        sh = self.sheet
        x = self.room[0]
        sh.stroke(0.25)
        for lines, w in zip(wrapped, widths, strict=True):
            sh.rect(x, self.y - h, w, h)
            for i, line in enumerate(lines):
                sh.text(x + 1.0, self.y - 0.8 - (i + 1) * LINE + 0.3 * CELL / PT, line, CELL, bold)
            x += w
        self.y -= h

    def _table(self, t: Table) -> None:
        self.heading(t.heading)
        width = self.room[2] - self.room[0]
        widths = [f * width for _, f in t.columns]
        header = [c for c, _ in t.columns]
        self._row(header, widths, True)
        for r in t.rows:
            before = self.sheet
            self._need(LINE + 1.6)
            if self.sheet is not before:  # the table goes on: repeat its heading and header
                self.heading(f"{t.heading} (continued)")
                self._row(header, widths, True)
            self._row(r, widths, False)
