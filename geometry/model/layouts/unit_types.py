"""Several unit types on one carrier: a strip or panel that holds more than one device, each with its own layout and
profile (issue 16).

A carrier's ``unit`` is its first unit type, opened with the design's profile. :class:`UnitType` adds another: a
name (``B``), the unit's own site layout, optionally its own profile, and the (row, column) positions of the
units it occupies; every other kept unit is of the first type. Unit and site names stay as for one type
(``U01-03:A1``), and sites are still written unit by unit, each unit with its own type's sites. The repetition
(:meth:`geometry.model.layouts.carrier.CarrierLayout.repetition`) gives one group of alike units per type, so
relief, checks and the block DXF compute each type once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError
from geometry.model.layouts.base import Layout, Pad, RepeatedType
from geometry.model.profiles import Profile
from geometry.model.sites import Sites

if TYPE_CHECKING:
    from geometry.model.layouts.carrier import CarrierLayout

IntArray = NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class UnitType:
    """A further unit type of a carrier: ``unit`` (unit-local, centred on the unit) at the ``units`` listed as
    (row, column) from 1, opened with ``profile`` (None: the design's profile)."""

    name: str
    unit: Layout
    units: tuple[tuple[int, int], ...]
    profile: Profile | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip() or not self.name.replace("-", "").replace(
                "_", "").isalnum():
            raise DesignError("name", self.name, "must be a short name of letters, digits, - and _ (B, TYPE2)")
        if not isinstance(self.unit, Layout) or self.unit.repetition(Pad(0.1)) is not None:
            raise DesignError("unit", type(self.unit).__name__, "must be a single unit layout (grid, staggered, ...)")
        units = tuple(tuple(rc) for rc in self.units)
        for k, rc in enumerate(units):
            if len(rc) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in rc):
                raise DesignError(f"units[{k}]", rc, "must be a (row, column) pair of whole numbers")
        if not units:
            raise DesignError("units", [], "must list at least one (row, column) unit")
        object.__setattr__(self, "units", tuple(sorted(set(units))))

    def as_repeated(self) -> RepeatedType:
        """The type as the repetition describes it."""
        return RepeatedType(self.name, self.unit, self.profile)


def check_unit_types(layout: CarrierLayout) -> None:
    """Refuse unit types placed outside the matrix, two types on one unit, or two types of one name."""
    seen: dict[tuple[int, int], str] = {}
    names: set[str] = set()
    for i, t in enumerate(layout.unit_types):
        if not isinstance(t, UnitType):
            raise DesignError(f"unit_types[{i}]", type(t).__name__, "must be a unit type (name, unit, units)")
        if t.name in names:
            raise DesignError(f"unit_types[{i}].name", t.name, "names two unit types")
        names.add(t.name)
        for k, (r, c) in enumerate(t.units):
            if not (1 <= r <= layout.unit_rows and 1 <= c <= layout.unit_cols):
                raise DesignError(f"unit_types[{i}].units[{k}]", f"{r},{c}", f"is not a unit of the "
                                  f"{layout.unit_rows} x {layout.unit_cols} matrix (rows and columns count from 1)")
            if (r, c) in seen:
                raise DesignError(f"unit_types[{i}].units[{k}]", f"{r},{c}", f"is already of unit type {seen[r, c]}")
            seen[r, c] = t.name


def type_of_units(layout: CarrierLayout, row: IntArray, col: IntArray) -> IntArray:
    """The type (0: ``layout.unit``, k: ``layout.unit_types[k - 1]``) of each unit at (row, col), 1-based."""
    out = np.zeros(len(row), dtype=np.intp)
    if not layout.unit_types:
        return out
    grid = np.zeros((layout.unit_rows + 1, layout.unit_cols + 1), dtype=np.intp)
    for k, t in enumerate(layout.unit_types, start=1):
        rc = np.asarray(t.units, dtype=np.intp).reshape(-1, 2)
        grid[rc[:, 0], rc[:, 1]] = k
    result: IntArray = grid[row, col]
    return result


def typed_sites(layouts: list[Layout], pad: Pad, type_of: IntArray, offsets: NDArray[np.float64],
                prefixes: list[str]) -> Sites:
    """Every unit's sites, unit by unit, each from its own type's layout; ``group`` is the unit's index."""
    local = [t.generate(pad) for t in layouts]
    counts = np.array([len(s) for s in local], dtype=np.intp)[type_of]
    blocks = []
    for t, s in enumerate(local):
        units = np.flatnonzero(type_of == t)
        if not len(units) or not len(s):
            continue
        k = len(units)
        names = np.strings.add(np.asarray([prefixes[u] for u in units.tolist()])[:, None], s.names[None, :])
        blocks.append((units, Sites.build(
            names.ravel(), (offsets[units, 0:1] + s.x_mm[None, :]).ravel(),
            (offsets[units, 1:2] + s.y_mm[None, :]).ravel(), np.tile(s.pad_mm, k), np.tile(s.pad_kind, k),
            np.tile(s.state, k), np.repeat(units.astype(np.int32), len(s)))))
    if not blocks:
        return Sites.empty()
    # unit-major order: each unit's rows start after the previous unit's
    start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
    total = int(counts.sum())
    dest = np.concatenate([(start[u][:, None] + np.arange(len(local[int(type_of[u[0]])]))[None, :]).ravel()
                           for u, _ in blocks])
    merged = Sites.concat([b for _, b in blocks])
    order = np.empty(total, dtype=np.intp)
    order[dest] = np.arange(total, dtype=np.intp)
    return merged.take(order)
