"""What the drawing and the shop package state about a design, computed once: the title-block fields, the
opening groups (one per profile, d_u, d_l and depth) with their counts and site ranges, and every site's state.

The PDF, ``sites.csv`` and the README all read these, so that the numbers on the drawing are the design's and
agree with the files next to it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geometry.base.names import row_index, split_name
from geometry.derive.openings import opening_table
from geometry.model.design import Design
from geometry.model.materials import MATERIALS
from geometry.model.profiles import Opening

# The usual grade of each material preset, written when the user names none.
DEFAULT_GRADE = {
    "etched-stainless": "stainless steel AISI 301 / 1.4310, full hard",
    "laser-cut-stainless": "stainless steel AISI 301 / 1.4310, full hard",
    "electroformed-nickel": "electroformed nickel (Ni >= 99.9 %)",
}

CLOSED = "closed"
CHANGED = "changed"
POPULATED = "populated"
DEPOPULATED = "depopulated"


@dataclass(frozen=True, slots=True)
class OpeningGroup:
    """Sites that share one opening: the resolved profile, how many, and their names."""

    opening: Opening
    count: int
    names: tuple[str, ...]
    pad_mm: float

    @property
    def ranges(self) -> str:
        """The site names as ranges: ``A1-A15, B1-B6``; whole rows with the same columns as ``rows A-R: 1-15``."""
        return site_ranges(self.names)


def _runs(nums: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for n in sorted(nums):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


RANGE_PIECES = 16  # more pieces than this and the sites are summarised (sites.csv lists them all)
RANGE_NAMES = 5000  # more names than this are summarised without being parsed


def _summary(names: tuple[str, ...] | list[str]) -> str:
    return f"{len(names)} sites from {names[0]} to {names[-1]} (every site in sites.csv)"


def site_ranges(names: tuple[str, ...] | list[str]) -> str:
    """Compact site ranges. Rows of JEDEC names with the same column runs on consecutive rows are joined; a list
    that stays long (a wafer's die-prefixed names) is summarised by its count, first and last name."""
    if len(names) > RANGE_NAMES:
        return _summary(names)
    jedec: dict[str, list[int]] = {}
    other: list[str] = []
    for n in names:
        parts = split_name(n)
        if parts is None:
            other.append(n)
            continue
        try:
            row_index(parts[0])
        except ValueError:
            other.append(n)
            continue
        jedec.setdefault(parts[0], []).append(parts[1])
    rows = sorted(jedec, key=row_index)
    per_row = [(r, tuple(_runs(jedec[r]))) for r in rows]
    pieces: list[str] = []
    i = 0
    while i < len(per_row):
        j = i
        while (j + 1 < len(per_row) and per_row[j + 1][1] == per_row[i][1]
               and row_index(per_row[j + 1][0]) == row_index(per_row[j][0]) + 1):
            j += 1
        runs = per_row[i][1]
        cols = ", ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in runs)
        if j > i:
            pieces.append(f"rows {per_row[i][0]}-{per_row[j][0]}: {cols}")
            i = j + 1
            continue
        r = per_row[i][0]
        pieces.append(", ".join(f"{r}{a}-{r}{b}" if b > a else f"{r}{a}" for a, b in runs))
        i += 1
    if other:  # names that are not JEDEC style, listed one by one
        pieces.append(", ".join(sorted(other)))
    if len(pieces) + max(0, len(other) - 1) > RANGE_PIECES:
        return _summary(names)
    return "; ".join(pieces)


def opening_groups(design: Design) -> list[OpeningGroup]:
    """One group per distinct (profile kind, d_u, d_l, relief depth), largest first; sizes to 1 nm."""
    table = opening_table(design)
    keyed: dict[tuple[str, float, float, float, float], list[int]] = {}
    for k, o in enumerate(table.openings):
        key = (o.kind, round(o.upper_mm, 6), round(o.lower_mm, 6), round(o.relief_depth_mm, 6),
               round(o.angle_deg, 4))
        keyed.setdefault(key, []).append(k)
    out = []
    names = table.sites.names
    for ks in keyed.values():
        rows = np.flatnonzero(np.isin(table.which, ks))
        if len(rows) == 0:
            continue
        out.append(OpeningGroup(table.openings[ks[0]], len(rows), tuple(names[rows].tolist()),
                                float(np.median(table.sites.pad_mm[rows]))))
    return sorted(out, key=lambda g: -g.count)


def site_states(design: Design) -> NDArray[np.str_]:
    """Per site: populated, depopulated, or in a rework design closed (no ball) and changed (own profile)."""
    table = opening_table(design)
    names = table.sites.names
    state = np.where(table.which >= 0, POPULATED, DEPOPULATED).astype("<U12")
    if design.rework is not None:
        closed = np.isin(names, list(design.rework.closed)) & (table.which < 0)
        state[closed] = CLOSED
        changed = np.zeros(len(names), dtype=bool)
        for o in design.overrides:
            changed |= np.isin(names, list(o.sites))
        state[changed & (table.which >= 0)] = CHANGED
    return state


def material_grade(design: Design) -> str:
    """The material and grade as the title block says it."""
    grade = design.drawing.material_grade or DEFAULT_GRADE.get(design.mask.material, "")
    label = MATERIALS[design.mask.material].label
    return f"{label}, {grade}" if grade else label


def drawing_title(design: Design) -> str:
    """The title: the user's, else the design name."""
    return design.drawing.title or design.name


def drawing_date(design: Design, fallback: _dt.date | None = None) -> _dt.date:
    """The drawing's date: the design's, else the export's."""
    return design.drawing.day(fallback)


def artwork_scale(design: Design) -> float:
    """The factor the artwork is scaled by (1 when the output settings do not name one)."""
    for name in ("artwork_scale", "scale_factor", "artwork_scale_factor"):
        v = getattr(design.output, name, None)
        if isinstance(v, int | float) and not isinstance(v, bool):
            return float(v)
    return 1.0
