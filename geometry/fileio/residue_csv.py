"""Residue measurements from CSV: one line per measured pad, matched to a site by name or by position.

A header row names the columns (case and surrounding spaces ignored, extra columns ignored):

- ``name`` (or ``site``, ``ball``, ``pin``) -- or ``x`` and ``y`` in mm, matched to the nearest site within a
  tolerance; a line with a name uses the name;
- ``height`` (h_res, mm; ``height_um`` in micrometres);
- optionally ``diameter`` (the footprint, mm; ``diameter_um`` in micrometres); empty means the pad grown by f.

Profilometer exports run to thousands of lines, so every problem names the file's own line number and column and
the bad text: a bad or negative number, a name that is no site, a point with no site near it, a pad measured twice.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from geometry.base.errors import DesignError
from geometry.model.rework import SiteResidue
from geometry.model.sites import Sites

# column key -> (header text, factor to mm)
_ALIASES: dict[str, dict[str, float]] = {
    "name": {"name": 1.0, "site": 1.0, "ball": 1.0, "pin": 1.0},
    "x": {"x": 1.0, "x_mm": 1.0, "x (mm)": 1.0, "x_um": 0.001},
    "y": {"y": 1.0, "y_mm": 1.0, "y (mm)": 1.0, "y_um": 0.001},
    "height": {"height": 1.0, "height_mm": 1.0, "height (mm)": 1.0, "h": 1.0, "h_res": 1.0, "h_res_mm": 1.0,
               "residue_height": 1.0, "height_um": 0.001, "height (um)": 0.001, "h_res_um": 0.001},
    "diameter": {"diameter": 1.0, "diameter_mm": 1.0, "diameter (mm)": 1.0, "d": 1.0, "footprint": 1.0,
                 "footprint_mm": 1.0, "residue_diameter": 1.0, "diameter_um": 0.001, "diameter (um)": 0.001,
                 "footprint_um": 0.001},
}

DEFAULT_TOLERANCE_MM = 0.05
"""How far a measured point may lie from a site centre and still be that site's measurement."""


def _read_text(source: str | Path, label: str | None) -> tuple[str, str]:
    if isinstance(source, Path):
        try:
            return source.read_text(encoding="utf-8-sig"), label or source.name
        except OSError as e:
            raise DesignError(str(source), str(source), f"cannot read the file: {e.strerror or e}") from None
        except UnicodeDecodeError:
            raise DesignError(str(source), str(source), "is not UTF-8 text") from None
    return source, label or "CSV"


def read_residue_csv(  # noqa: PLR0912 (one branch per bad-row reason)
    source: str | Path, sites: Sites, *, tolerance_mm: float = DEFAULT_TOLERANCE_MM, label: str | None = None,
) -> tuple[SiteResidue, ...]:
    """Residue measurements (by site name, in file order) from CSV text or a file; DesignError on bad input."""
    text, where = _read_text(source, label)
    reader = csv.reader(io.StringIO(text))
    numbered = [(row, reader.line_num) for row in reader]
    while numbered and not any(cell.strip() for cell in numbered[0][0]):
        numbered.pop(0)
    if not numbered:
        raise DesignError(f"{where} line 1", "", "the file is empty: expected a header row name,height,diameter")
    header_row, header_line = numbered[0]
    header = [h.strip().lower() for h in header_row]
    cols: dict[str, tuple[int, float]] = {}
    for key, aliases in _ALIASES.items():
        for i, h in enumerate(header):
            if h in aliases:
                cols[key] = (i, aliases[h])
                break
    by_name = "name" in cols
    by_xy = "x" in cols and "y" in cols
    if "height" not in cols or not (by_name or by_xy):
        need = [k for k, ok in (("height", "height" in cols), ("name (or x and y)", by_name or by_xy)) if not ok]
        raise DesignError(f"{where} line {header_line}", ",".join(header_row),
                          f"the header has no column {', '.join(need)}")
    tree = None
    out: list[SiteResidue] = []
    seen: dict[str, int] = {}
    for row, line_no in numbered[1:]:
        if not any(cell.strip() for cell in row):
            continue

        def place(key: str, line_no: int = line_no) -> str:
            return f"{where} line {line_no}, column {header[cols[key][0]]!r}"

        def cell(key: str, row: list[str] = row) -> str:
            i = cols[key][0]
            return row[i].strip() if i < len(row) else ""

        def number(key: str, *, positive: bool, cell: Callable[[str], str] = cell) -> float:
            raw = cell(key)
            if not raw:
                raise DesignError(place(key), "", "the value is missing")
            try:
                v = float(raw) * cols[key][1]
            except ValueError:
                raise DesignError(place(key), raw, "is not a number") from None
            if not math.isfinite(v):
                raise DesignError(place(key), raw, "must be a finite number")
            if positive and v <= 0:
                raise DesignError(place(key), raw, "must be a positive number")
            if v < 0:
                raise DesignError(place(key), raw, "must not be negative")
            return v

        def coordinate(key: str, cell: Callable[[str], str] = cell) -> float:
            raw = cell(key)
            try:
                v = float(raw) * cols[key][1]
            except ValueError:
                raise DesignError(place(key), raw, "is not a number" if raw else "the value is missing") from None
            if not math.isfinite(v):
                raise DesignError(place(key), raw, "must be a finite number")
            return v

        name = cell("name") if by_name else ""
        if name:
            if not sites.has(name):
                raise DesignError(place("name"), name, "is not a site of this design")
            key_col = "name"
        elif by_xy:
            x, y = coordinate("x"), coordinate("y")
            if len(sites) == 0:
                raise DesignError(place("x"), cell("x"), "the design has no sites to match")
            if tree is None:
                from scipy.spatial import cKDTree

                tree = cKDTree(np.asarray(sites.xy))
            dist, idx = tree.query([x, y])
            near = str(sites.names[int(idx)])
            if dist > tolerance_mm + 1e-9:
                raise DesignError(
                    f"{where} line {line_no}, columns {header[cols['x'][0]]!r}/{header[cols['y'][0]]!r}",
                    f"{x:g}, {y:g}",
                    f"no site within {tolerance_mm:g} mm (the nearest, {near}, is {dist:.3f} mm away)",
                )
            name, key_col = near, "x"
        else:
            raise DesignError(place("name"), "", "the name is empty")
        height = number("height", positive=False)
        diameter = number("diameter", positive=True) if "diameter" in cols and cell("diameter") else None
        if name in seen:
            raise DesignError(place(key_col), name, f"site {name} is measured already on line {seen[name]}")
        seen[name] = line_no
        out.append(SiteResidue(name, height, diameter))
    if not out:
        raise DesignError(f"{where} line {header_line + 1}", "", "the file has a header but no measurements")
    return tuple(out)
