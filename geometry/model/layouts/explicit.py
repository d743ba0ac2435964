"""Explicit site lists, typed in or imported from CSV (name, x, y, pad diameter)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from geometry.base.errors import DesignError, require_finite, require_length
from geometry.base.limits import MAX_LENGTH_MM, MAX_NAME_CHARS
from geometry.base.textio import csv_rows, parse_decimal, read_csv_file
from geometry.model.layouts.base import Pad, UnitRepetition, register_layout, require_site_count
from geometry.model.sites import PadKind, Sites, SiteState


@dataclass(frozen=True, slots=True)
class ExplicitSite:
    """One site given by hand: name, centre, and optionally its own pad diameter and kind."""

    name: str
    x_mm: float
    y_mm: float
    pad_mm: float | None = None
    pad_kind: PadKind | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise DesignError("name", self.name, "must be a non-empty name")
        object.__setattr__(self, "x_mm", require_finite("x_mm", self.x_mm))
        object.__setattr__(self, "y_mm", require_finite("y_mm", self.y_mm))
        if self.pad_mm is not None:
            object.__setattr__(self, "pad_mm", require_length("pad_mm", self.pad_mm))
        if self.pad_kind is not None:
            try:
                object.__setattr__(self, "pad_kind", PadKind(self.pad_kind))
            except ValueError:
                raise DesignError("pad_kind", self.pad_kind, "must be copper or solder-resist") from None


def sites_from_explicit(items: tuple[ExplicitSite, ...], pad: Pad) -> Sites:
    """Sites for a tuple of explicit sites, filling missing pads from ``pad``."""
    n = len(items)
    pads = np.fromiter((pad.diameter_mm if s.pad_mm is None else s.pad_mm for s in items), np.float64, n)
    kinds = np.fromiter((int(pad.kind) if s.pad_kind is None else int(s.pad_kind) for s in items), np.uint8, n)
    return Sites.build(
        [s.name for s in items],
        np.fromiter((s.x_mm for s in items), np.float64, n),
        np.fromiter((s.y_mm for s in items), np.float64, n),
        pads, kinds, SiteState.POPULATED,
    )


@register_layout
@dataclass(frozen=True, slots=True)
class ExplicitLayout:
    """Sites listed one by one (hand-placed or imported). Names must be unique."""

    kind: ClassVar[str] = "explicit"
    sites: tuple[ExplicitSite, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "sites", tuple(self.sites))
        require_site_count("sites", len(self.sites), len(self.sites))
        seen: set[str] = set()
        for i, s in enumerate(self.sites):
            if s.name in seen:
                raise DesignError(f"sites[{i}].name", s.name, "is used by another site")
            seen.add(s.name)

    def site_count(self) -> int:
        """The number of listed sites."""
        return len(self.sites)

    def repetition(self, pad: Pad) -> UnitRepetition | None:
        """Not made of repeated units."""
        return None

    def pitch_hint_mm(self) -> float | None:
        """Smallest centre distance, if there are two sites or more."""
        if len(self.sites) < 2:
            return None
        from scipy.spatial import cKDTree

        xy = np.array([(s.x_mm, s.y_mm) for s in self.sites])
        d, _ = cKDTree(xy).query(xy, k=2)
        m = float(d[:, 1].min())
        return m if m > 0 else None

    def generate(self, pad: Pad) -> Sites:
        """The listed sites in order."""
        return sites_from_explicit(self.sites, pad)


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
    return ExplicitLayout(tuple(items))


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
