"""Explicit site lists read from CSV (name, x, y, pad diameter), one site per line.

The file is read through the bounded readers of :mod:`geometry.base.textio` (regular files of bounded size,
cells of bounded length, numbers as ASCII decimals only), so a measurement file never reaches a traceback.
"""

from __future__ import annotations

import math
from pathlib import Path

from geometry.base.errors import DesignError
from geometry.base.limits import MAX_LENGTH_MM, MAX_NAME_CHARS
from geometry.base.textio import csv_rows, parse_decimal, read_csv_file
from geometry.model.layouts.explicit import ExplicitLayout, ExplicitSite, SiteColumns

_COLUMN_ALIASES = {
    "name": ("name", "site", "ball", "pin"),
    "x": ("x", "x_mm", "x (mm)"),
    "y": ("y", "y_mm", "y (mm)"),
    "pad": ("pad", "pad_mm", "pad_diameter", "pad diameter", "pad_diameter_mm", "pad (mm)"),
}


# one branch per bad-row reason
def read_sites_csv(source: str | Path, *, label: str | None = None) -> ExplicitLayout:
    """Read sites from CSV text or a file: a header row naming ``name, x, y[, pad]`` (mm), one site per line.

    Extra columns are ignored; a bad number raises :class:`DesignError` naming the line and column, because a
    designer fixing a 2,000-line export needs to know exactly where to look.
    """
    if isinstance(source, Path):
        text, where = read_csv_file(source, label)
    else:
        text, where = source, label or "CSV"
    # Each row with the number of the line it ends on, so errors point at the file's own line numbers even
    # after leading blank lines or a quoted cell that spans lines.
    numbered = csv_rows(text, where)
    while numbered and not any(cell.strip() for cell in numbered[0][0]):
        numbered.pop(0)
    if not numbered:
        raise DesignError(f"{where} line 1", "", "the file is empty: expected a header row name,x,y,pad")
    rows = [r for r, _ in numbered]
    header_line = numbered[0][1]
    header = [h.strip().lower() for h in rows[0]]
    cols: dict[str, int] = {}
    for key, aliases in _COLUMN_ALIASES.items():
        for i, h in enumerate(header):
            if h in aliases:
                cols[key] = i
                break
    missing = [k for k in ("name", "x", "y") if k not in cols]
    if missing:
        raise DesignError(
            f"{where} line {header_line}", ",".join(rows[0]), f"the header has no column {', '.join(missing)}"
        )
    items: list[ExplicitSite] = []
    seen: dict[str, int] = {}
    for row, line_no in numbered[1:]:
        if any(cell.strip() for cell in row):
            item = _csv_site(row, line_no, cols, header, where)
            if item.name in seen:
                raise DesignError(
                    f"{where} line {line_no}, column {header[cols['name']]!r}", item.name,
                    f"repeats the site of line {seen[item.name]}",
                )
            seen[item.name] = line_no
            items.append(item)
    if not items:
        raise DesignError(f"{where} line {header_line + 1}", "", "the file has a header but no sites")
    return ExplicitLayout(SiteColumns.of(items))


def _csv_site(row: list[str], line_no: int, cols: dict[str, int], header: list[str], where: str) -> ExplicitSite:
    """One CSV line as a site; errors name the line and the column."""

    def place(key: str) -> str:
        return f"{where} line {line_no}, column {header[cols[key]]!r}"

    def cell(key: str) -> str:
        i = cols[key]
        if i >= len(row):
            raise DesignError(place(key), "", "the value is missing")
        return row[i].strip()

    def number(key: str, positive: bool = False) -> float:
        raw = cell(key)
        parsed = parse_decimal(raw)
        if parsed is None:
            raise DesignError(place(key), raw, "is not a number (ASCII digits, e.g. 0.8)")
        v = parsed
        if abs(v) > MAX_LENGTH_MM:
            raise DesignError(place(key), raw, f"is more than {MAX_LENGTH_MM:g} mm (1 m)")
        if not math.isfinite(v) or (positive and v <= 0):
            raise DesignError(place(key), raw, "must be a positive number" if positive else "must be a finite number")
        return v

    name = cell("name")
    if not name:
        raise DesignError(place("name"), "", "the name is empty")
    if len(name) > MAX_NAME_CHARS or not name.isprintable():
        raise DesignError(place("name"), name, f"must be a printable name of at most {MAX_NAME_CHARS} characters")
    # The pad column is optional per row too: an empty or absent trailing cell means the default pad.
    pad = number("pad", positive=True) if "pad" in cols and cols["pad"] < len(row) and cell("pad") else None
    return ExplicitSite(name, number("x"), number("y"), pad)
