"""Explicit site lists read from CSV (name, x, y, pad diameter), one site per line.

The file is read through the bounded readers of :mod:`geometry.base.textio` (regular files of bounded size,
cells of bounded length, numbers as ASCII decimals only), so a measurement file never reaches a traceback.

A measured wafer lists a million sites, and reading it row by row (one check and one :class:`ExplicitSite` per
line) took half a minute. :func:`fast_site_columns` therefore reads a well-formed file column-wise: the text is
split once, each column is checked as one joined string and converted with one ``map(float)``, and the arrays
go straight into :class:`SiteColumns`. It accepts only what the row-by-row reader (:func:`checked_site_columns`)
accepts, with the same values; on anything it is unsure of (a bad cell, a repeated name, a lone carriage return)
it gives up, and the row-by-row reader runs to name the file, line, column and value exactly as before.
"""

from __future__ import annotations

import csv
import gc
import io
import math
import re
import sys
from collections.abc import Callable, Sequence
from itertools import compress
from operator import itemgetter
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError
from geometry.base.limits import MAX_CSV_CELL_CHARS, MAX_LENGTH_MM, MAX_NAME_CHARS, MIN_LENGTH_MM
from geometry.base.textio import csv_rows, parse_decimal, read_csv_file
from geometry.model.layouts.explicit import ExplicitLayout, ExplicitSite, SiteColumns

_COLUMN_ALIASES = {
    "name": ("name", "site", "ball", "pin"),
    "x": ("x", "x_mm", "x (mm)"),
    "y": ("y", "y_mm", "y (mm)"),
    "pad": ("pad", "pad_mm", "pad_diameter", "pad diameter", "pad_diameter_mm", "pad (mm)"),
}

_NUMBER_CHARS = re.compile(r"[0-9.eE+\- \t\n]*")
"""A joined number column holds only these. Within them, float() accepts exactly the ASCII decimals that
:func:`parse_decimal` accepts (no ``inf``, ``nan``, ``2_5`` or non-ASCII digits can be spelt), around the
spaces and tabs that the row-by-row reader strips."""

_MAX_NUMBER_CHARS = 100
"""The longest number cell :func:`parse_decimal` reads."""

_FLOAT_MIN = sys.float_info.min
"""Below this a coordinate is a denormal, which :class:`ExplicitSite` refuses."""

_EMPTY_LINES = re.compile(r"\n\n+")

# The cells of the data rows that have ``count`` cells (row indices ``rows``, or every data row when None):
# one list per wanted column index, in row order.
_ColumnsOf = Callable[[NDArray[np.intp] | None, int, list[int]], list[list[str]]]
# The header's cells, the cell count of each data row, their columns, whether data row i is blank, and whether
# every cell is known to be short enough to skip the checks of cell length.
_Table = tuple[list[str], NDArray[np.intp], _ColumnsOf, Callable[[int], bool], bool]


def read_sites_csv(source: str | Path, *, label: str | None = None) -> ExplicitLayout:
    """Read sites from CSV text or a file: a header row naming ``name, x, y[, pad]`` (mm), one site per line.

    Extra columns are ignored; a bad number raises :class:`DesignError` naming the line and column, because a
    designer fixing a 2,000-line export needs to know exactly where to look.
    """
    if isinstance(source, Path):
        text, where = read_csv_file(source, label)
    else:
        text, where = source, label or "CSV"
    columns = fast_site_columns(text)
    return ExplicitLayout(columns if columns is not None else checked_site_columns(text, where))


def _header_columns(cells: Sequence[str]) -> tuple[list[str], dict[str, int]]:
    """The header's lower-cased names and the index of the first column of each known kind."""
    header = [h.strip().lower() for h in cells]
    cols: dict[str, int] = {}
    for key, aliases in _COLUMN_ALIASES.items():
        for i, h in enumerate(header):
            if h in aliases:
                cols[key] = i
                break
    return header, cols


# one branch per bad-row reason
def checked_site_columns(text: str, where: str) -> SiteColumns:
    """The sites of CSV text read row by row, every value checked where it stands: the reference reader, and
    the one whose errors name the file (``where``), the line and the column."""
    # Each row with the number of the line it ends on, so errors point at the file's own line numbers even
    # after leading blank lines or a quoted cell that spans lines.
    numbered = csv_rows(text, where)
    while numbered and not any(cell.strip() for cell in numbered[0][0]):
        numbered.pop(0)
    if not numbered:
        raise DesignError(f"{where} line 1", "", "the file is empty: expected a header row name,x,y,pad")
    rows = [r for r, _ in numbered]
    header_line = numbered[0][1]
    header, cols = _header_columns(rows[0])
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
    return SiteColumns.of(items)


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


def fast_site_columns(text: str) -> SiteColumns | None:
    """The sites of CSV text read column-wise, or None when the text is not plainly valid.

    None sends the caller to :func:`checked_site_columns`, which either reads the same file (a case this path
    leaves to it, such as a blank line of spaces in an odd place) or names what is wrong with it.
    """
    if "\0" in text:
        return None
    table = _quoted_rows(text) if '"' in text else _plain_rows(text)
    return None if table is None else _site_columns(*table)


def _first_filled(rows: Sequence[str] | Sequence[list[str]], blank: Callable[[int], bool]) -> int | None:
    """The index of the first row that is not blank (the header), or None."""
    for i in range(len(rows)):
        if not blank(i):
            return i
    return None


def _plain_rows(text: str) -> _Table | None:
    """Text without quotes, whose rows are its lines split at commas (what the csv module reads from them)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:  # a lone carriage return: the csv module's business
            return None
    pos = 0
    while True:  # the header is the first line that is not blank
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if len(line) >= MAX_CSV_CELL_CHARS:  # a cell may be over the csv module's limit
            return None
        if line.replace(",", "").strip():
            break
        if end < 0:
            return None
        pos = end + 1
    body = "" if end < 0 else text[end + 1:]
    if "\n\n" in body or body.startswith("\n"):
        body = _EMPTY_LINES.sub("\n", body).lstrip("\n")  # an empty line is a blank row
    body = body.removesuffix("\n")
    if not body:
        return None
    counts, longest = _cells_per_line(body)
    if longest >= MAX_CSV_CELL_CHARS:
        return None
    lines: list[str] = []

    def columns(rows: NDArray[np.intp] | None, count: int, wanted: list[int]) -> list[list[str]]:
        if rows is None:
            flat = body.replace("\n", ",").split(",")
        else:
            if not lines:
                lines.extend(body.split("\n"))
            flat = ",".join(map(lines.__getitem__, rows.tolist())).split(",")
        return [flat[c::count] for c in wanted]  # count cells a row: column c is every count-th cell from c

    def blank(i: int) -> bool:
        if not lines:
            lines.extend(body.split("\n"))
        return not lines[i].replace(",", "").strip()

    return line.split(","), counts, columns, blank, max(longest, len(line)) <= _MAX_NUMBER_CHARS


def _cells_per_line(body: str) -> tuple[NDArray[np.intp], int]:
    """The number of cells on each line of ``body`` (lines joined by newlines), and an upper bound of the
    longest line's length (its length in UTF-8 bytes), from the positions of its commas and newlines."""
    b = np.frombuffer(body.encode(), np.uint8)
    ends = np.append(np.flatnonzero(b == ord("\n")), b.size)
    commas = np.flatnonzero(b == ord(","))
    longest = int((np.diff(ends, prepend=-1) - 1).max())
    n = ends.size
    per = commas.size // n
    if per and commas.size == n * per:
        # The common case, k commas on every line: the k-th group of sorted commas lies on line k, for every k.
        grouped = commas.reshape(n, per)
        if bool((grouped[:, 0] > np.append(-1, ends[:-1])).all() and (grouped[:, -1] < ends).all()):
            return np.full(n, per + 1, np.intp), longest
    return np.diff(np.searchsorted(commas, ends), prepend=0) + 1, longest


def _quoted_rows(text: str) -> _Table | None:
    """Text with quotes, its rows read by the csv module (as the row-by-row reader reads them)."""
    collecting = gc.isenabled()
    gc.disable()  # a million row lists would otherwise set off many collections that find nothing to free
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return None
    finally:
        if collecting:
            gc.enable()
    head = _first_filled(rows, lambda i: not any(c.strip() for c in rows[i]))
    if head is None:
        return None
    data = list(filter(None, rows[head + 1:]))  # an empty row is blank
    counts = np.fromiter(map(len, data), np.intp, len(data))

    def columns(which: NDArray[np.intp] | None, count: int, wanted: list[int]) -> list[list[str]]:
        group = data if which is None else list(map(data.__getitem__, which.tolist()))
        return [list(map(itemgetter(c), group)) for c in wanted]

    return rows[head], counts, columns, lambda i: not any(c.strip() for c in data[i]), False


def _site_columns(header_cells: list[str], counts: NDArray[np.intp], columns: _ColumnsOf,
                  blank: Callable[[int], bool], short: bool) -> SiteColumns | None:
    """The data rows (``counts[i]`` cells in row ``i``) as site columns, or None at the first doubt."""
    _, cols = _header_columns(header_cells)
    if not all(k in cols for k in ("name", "x", "y")) or counts.size == 0:
        return None  # the row-by-row reader names the missing column, or says there are no sites
    keys = [k for k in ("name", "x", "y", "pad") if k in cols]
    filled = _without_blank_rows(_gather(keys, cols, counts, columns), blank)
    if filled is None:
        return None
    cells, names = filled
    if (not short and max(map(len, names)) > MAX_NAME_CHARS) or not "".join(names).isprintable():
        return None
    x, y = _coordinates(cells["x"], short), _coordinates(cells["y"], short)
    pad = _pads(cells["pad"], short) if "pad" in cells else np.full(len(names), np.nan)
    if x is None or y is None or pad is None:
        return None
    try:  # a repeated name: the row-by-row reader says which line it repeats
        return SiteColumns(np.array(names, dtype=np.str_), x, y, pad)
    except DesignError:
        return None


def _without_blank_rows(cells: dict[str, list[str]],
                        blank: Callable[[int], bool]) -> tuple[dict[str, list[str]], list[str]] | None:
    """The cells without the blank rows (which the row-by-row reader skips), and the stripped names; None when
    a row that is not blank has no name, or no row is left."""
    names = list(map(str.strip, cells["name"]))
    if all(names):
        return cells, names
    unnamed = np.flatnonzero(~np.fromiter(map(bool, names), bool, len(names)))
    if not all(map(blank, unnamed.tolist())):
        return None
    keep = np.ones(len(names), bool)
    keep[unnamed] = False
    kept = keep.tolist()
    names = list(compress(names, kept))
    return ({k: list(compress(v, kept)) for k, v in cells.items()}, names) if names else None


def _gather(keys: Sequence[str], cols: dict[str, int], counts: NDArray[np.intp],
            columns: _ColumnsOf) -> dict[str, list[str]]:
    """The cells of each wanted column in row order, ``""`` where a row is too short to hold one.

    Rows are taken in groups of equal cell count (one group in a well-kept file), each group split at once.
    """
    sizes = np.unique(counts).tolist()
    if len(sizes) == 1:
        present = [k for k in keys if cols[k] < sizes[0]]
        got = dict(zip(present, columns(None, sizes[0], [cols[k] for k in present]), strict=True))
        return {k: got.get(k) or [""] * counts.size for k in keys}
    out = {k: np.full(counts.size, "", dtype=object) for k in keys}
    for size in sizes:
        rows = np.flatnonzero(counts == size)
        present = [k for k in keys if cols[k] < size]
        for k, col in zip(present, columns(rows, size, [cols[k] for k in present]), strict=True):
            out[k][rows] = np.array(col, dtype=object)
    return {k: v.tolist() for k, v in out.items()}


def _numbers(cells: list[str], short: bool) -> NDArray[np.float64] | None:
    """A column of ASCII decimals as floats (float() of each, as the row-by-row reader does), or None.

    ``short`` says every cell is known to be at most :data:`_MAX_NUMBER_CHARS` long.
    """
    if (not short and max(map(len, cells)) > _MAX_NUMBER_CHARS) or not _NUMBER_CHARS.fullmatch("\n".join(cells)):
        return None
    try:
        return np.fromiter(map(float, cells), np.float64, len(cells))
    except ValueError:  # empty, or digits and signs that do not make a number (1e, +-1, 1.2.3)
        return None


def _coordinates(cells: list[str], short: bool) -> NDArray[np.float64] | None:
    """A coordinate column: within 1 m of the origin and no denormal, as :class:`ExplicitSite` requires."""
    v = _numbers(cells, short)
    if v is None:
        return None
    a = np.abs(v)
    return v if bool(((a <= MAX_LENGTH_MM) & ((a >= _FLOAT_MIN) | (v == 0))).all()) else None


def _pads(cells: list[str], short: bool) -> NDArray[np.float64] | None:
    """The pad column: NaN where the cell is empty (the design's pad), else from 1 nm to 1 m."""
    stripped = list(map(str.strip, cells))
    given = np.fromiter(map(bool, stripped), bool, len(stripped))
    pad = np.full(len(stripped), np.nan)
    if given.any():
        v = _numbers(stripped if given.all() else list(compress(stripped, given.tolist())), short)
        if v is None or not bool(((v >= MIN_LENGTH_MM) & (v <= MAX_LENGTH_MM)).all()):
            return None
        pad[given] = v
    return pad
