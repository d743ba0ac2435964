"""Strips and panels: a substrate carrier holding a matrix of identical units, each a ball-site layout.

Most BGAs are ball-mounted on a substrate strip or panel that carries many units in rows and columns, through one
mask stretched in a frame. A :class:`CarrierLayout` is that matrix: ``unit_rows`` x ``unit_cols`` units at the
unit pitch, optionally in blocks separated by an extra gap (a strip of 4 blocks of 4 x 4 units, say), with units
left out (a bad-unit map or a list). Units are counted from 1 at the carrier's first corner, the top-left as seen
from the upper surface, row-major: unit (1, 1) is ``U01-01``. Sites are named ``U01-01:A1``.

The matrix is centred on the mask origin. The layout repeats its unit (:meth:`CarrierLayout.repetition`), so
relief, checks and exporters work on one unit and repeat it, exactly as for a wafer's dies. A carrier may hold
several unit types (:mod:`geometry.model.layouts.unit_types`), each with its own layout and profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError, require_length
from geometry.model.hashed import HashedOnce
from geometry.model.layouts.base import (
    Layout,
    Pad,
    UnitRepetition,
    register_layout,
    require_count,
    require_site_count,
)
from geometry.model.layouts.unit_types import UnitType, check_unit_types, type_of_units, typed_sites
from geometry.model.sites import Sites

FloatArray = NDArray[np.float64]

MAX_UNITS = 100_000
"""More units than any strip or panel carries: a larger matrix is a typo."""


class CarrierForm(StrEnum):
    """What the carrier is called on the drawing and in the notes."""

    STRIP = "strip"
    PANEL = "panel"


@register_layout
@dataclass(frozen=True, slots=True, eq=False)
class CarrierLayout(HashedOnce):
    """A matrix of units, each the layout ``unit`` (see the module docstring).

    ``unit_pitch_x_mm`` / ``unit_pitch_y_mm`` (square when None) are the distances between neighbouring unit
    centres inside a block; ``block_cols`` / ``block_rows`` units make a block (0: one block), and blocks are
    ``block_gap_x_mm`` / ``block_gap_y_mm`` further apart than the unit pitch. ``skip`` lists (row, column) of
    units left out, 1-based from the top-left. ``unit_types`` places further unit types (their own layout and
    profile) at the units they list; the others are ``unit``.
    """

    kind: ClassVar[str] = "carrier"
    unit: Layout
    unit_rows: int
    unit_cols: int
    unit_pitch_x_mm: float
    unit_pitch_y_mm: float | None = None
    block_rows: int = 0
    block_cols: int = 0
    block_gap_x_mm: float = 0.0
    block_gap_y_mm: float = 0.0
    skip: tuple[tuple[int, int], ...] = field(default=())
    form: CarrierForm = CarrierForm.STRIP
    unit_types: tuple[UnitType, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.unit, CarrierLayout) or not isinstance(self.unit, Layout):
            raise DesignError("unit", type(self.unit).__name__, "must be a unit site layout (grid, staggered, ...)")
        if self.unit.repetition(Pad(0.1)) is not None:
            raise DesignError("unit", self.unit.kind, "must be a single unit, not a repeated layout")
        require_count("unit_rows", self.unit_rows)
        require_count("unit_cols", self.unit_cols)
        if self.unit_rows * self.unit_cols > MAX_UNITS:
            raise DesignError("unit_rows", self.unit_rows, f"unit_rows x unit_cols is more than {MAX_UNITS} units")
        object.__setattr__(self, "unit_pitch_x_mm", require_length("unit_pitch_x_mm", self.unit_pitch_x_mm))
        if self.unit_pitch_y_mm is not None:
            object.__setattr__(self, "unit_pitch_y_mm", require_length("unit_pitch_y_mm", self.unit_pitch_y_mm))
        require_count("block_rows", self.block_rows, minimum=0)
        require_count("block_cols", self.block_cols, minimum=0)
        object.__setattr__(self, "block_gap_x_mm", require_length("block_gap_x_mm", self.block_gap_x_mm,
                                                                  allow_zero=True))
        object.__setattr__(self, "block_gap_y_mm", require_length("block_gap_y_mm", self.block_gap_y_mm,
                                                                  allow_zero=True))
        skip = tuple(tuple(s) for s in self.skip)
        for k, rc in enumerate(skip):
            if len(rc) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in rc):
                raise DesignError(f"skip[{k}]", rc, "must be a (row, column) pair of whole numbers")
            r, c = rc
            if not (1 <= r <= self.unit_rows and 1 <= c <= self.unit_cols):
                raise DesignError(f"skip[{k}]", f"{r},{c}", f"is not a unit of the {self.unit_rows} x "
                                  f"{self.unit_cols} matrix (rows and columns count from 1)")
        object.__setattr__(self, "skip", tuple(sorted(set(skip))))
        try:
            object.__setattr__(self, "form", CarrierForm(self.form))
        except ValueError:
            raise DesignError("form", self.form, "must be strip or panel") from None
        object.__setattr__(self, "unit_types", tuple(self.unit_types))
        check_unit_types(self)
        require_site_count("unit_cols" if self.unit_cols >= self.unit_rows else "unit_rows",
                           max(self.unit_rows, self.unit_cols), self.site_count())

    @property
    def unit_pitch_y(self) -> float:
        """The unit row pitch in mm (equal to the column pitch unless given)."""
        return self.unit_pitch_x_mm if self.unit_pitch_y_mm is None else self.unit_pitch_y_mm

    def pitch_hint_mm(self) -> float | None:
        """The unit pattern's pitch."""
        return self.unit.pitch_hint_mm()

    def unit_count(self) -> int:
        """Units kept (the matrix less the skipped ones)."""
        return self.unit_rows * self.unit_cols - len(self.skip)

    def site_count(self) -> int:
        """The kept units times the unit's sites (each unit type's units times its sites)."""
        if not self.unit_types:
            return self.unit_count() * self.unit.site_count()
        counts = np.array([self.unit.site_count()] + [t.unit.site_count() for t in self.unit_types])
        m = unit_matrix(self)
        return int(counts[type_of_units(self, m.row, m.col)].sum())

    def repetition(self, pad: Pad) -> UnitRepetition | None:
        """The unit (or its type's unit) at every kept matrix position, in the order :meth:`generate` writes them."""
        m = unit_matrix(self)
        if not self.unit_types:
            return UnitRepetition(self.unit, m.offsets_mm, m.names, self.unit_pitch_x_mm, self.unit_pitch_y,
                                  unit_word="unit")
        type_of = type_of_units(self, m.row, m.col)
        type_of.flags.writeable = False
        return UnitRepetition(self.unit, m.offsets_mm, m.names, self.unit_pitch_x_mm, self.unit_pitch_y,
                              unit_word="unit", others=tuple(t.as_repeated() for t in self.unit_types),
                              type_of=type_of)

    def generate(self, pad: Pad) -> Sites:
        """Every kept unit's sites, unit-major (row-major over the matrix from the top-left)."""
        return _generate(self, pad)


@dataclass(frozen=True, eq=False)
class UnitMatrix:
    """The kept units of a carrier: 1-based ``row`` and ``col``, centres, names, in site order."""

    row: NDArray[np.intp]
    col: NDArray[np.intp]
    offsets_mm: FloatArray
    names: tuple[str, ...]


def _axis_centres(n: int, pitch: float, block: int, gap: float) -> FloatArray:
    """Centres of n units along one axis with a gap after every ``block`` units, centred on 0."""
    k = np.arange(n, dtype=np.float64)
    blocks = np.floor(k / block) if block > 0 else np.zeros(n)
    pos: FloatArray = k * pitch + blocks * gap
    centred: FloatArray = pos - (pos[0] + pos[-1]) / 2.0
    return centred


@lru_cache(maxsize=16)
def unit_matrix(layout: CarrierLayout) -> UnitMatrix:
    """The kept units of ``layout`` (see :class:`UnitMatrix`)."""
    xs = _axis_centres(layout.unit_cols, layout.unit_pitch_x_mm, layout.block_cols, layout.block_gap_x_mm)
    ys = -_axis_centres(layout.unit_rows, layout.unit_pitch_y, layout.block_rows, layout.block_gap_y_mm)
    rr, cc = np.meshgrid(np.arange(1, layout.unit_rows + 1), np.arange(1, layout.unit_cols + 1), indexing="ij")
    row, col = rr.ravel().astype(np.intp), cc.ravel().astype(np.intp)
    keep = np.ones(len(row), dtype=bool)
    for r, c in layout.skip:
        keep[(r - 1) * layout.unit_cols + (c - 1)] = False
    row, col = row[keep], col[keep]
    offsets = np.column_stack([xs[col - 1], ys[row - 1]])
    width = max(2, len(str(max(layout.unit_rows, layout.unit_cols))))
    names = tuple(f"U{r:0{width}d}-{c:0{width}d}" for r, c in zip(row.tolist(), col.tolist(), strict=True))
    for a in (row, col, offsets):
        a.flags.writeable = False
    return UnitMatrix(row, col, offsets, names)


@lru_cache(maxsize=4)
def _generate(layout: CarrierLayout, pad: Pad) -> Sites:
    m = unit_matrix(layout)
    if layout.unit_types:
        return typed_sites([layout.unit, *(t.unit for t in layout.unit_types)], pad,
                           type_of_units(layout, m.row, m.col), m.offsets_mm, [n + ":" for n in m.names])
    local = layout.unit.generate(pad)
    k, n = len(m.names), len(local)
    x = (m.offsets_mm[:, 0:1] + local.x_mm[None, :]).ravel()
    y = (m.offsets_mm[:, 1:2] + local.y_mm[None, :]).ravel()
    prefix = np.asarray([name + ":" for name in m.names], dtype=np.str_)
    names = np.strings.add(prefix[:, None], local.names[None, :]).ravel() if k else np.zeros(0, dtype=np.str_)
    group = np.repeat(np.arange(k, dtype=np.int32), n)
    return Sites.build(names, x, y, np.tile(local.pad_mm, k), np.tile(local.pad_kind, k),
                       np.tile(local.state, k), group)


def carrier_extent_mm(layout: CarrierLayout) -> tuple[float, float]:
    """Width and height of the unit matrix from the outermost unit centres, mm (without the units' own size)."""
    m = unit_matrix(layout)
    if not len(m.names):
        return (0.0, 0.0)
    span = m.offsets_mm.max(axis=0) - m.offsets_mm.min(axis=0)
    return (float(span[0]), float(span[1]))


@dataclass(frozen=True, slots=True)
class StripPreset:
    """A common substrate strip: its size and unit matrix (JEDEC-style 'strip' forms of assembly lines)."""

    name: str
    width_mm: float
    height_mm: float
    unit_rows: int
    unit_cols: int
    block_cols: int
    note: str


STRIP_PRESETS: tuple[StripPreset, ...] = (
    StripPreset("240x74-4x16", 240.0, 74.0, 4, 16, 4,
                "240 x 74 mm strip (the common 'long strip' of BGA lines), 4 rows x 16 units in 4 blocks"),
    StripPreset("187.5x62-3x12", 187.5, 62.0, 3, 12, 4,
                "187.5 x 62 mm strip, 3 x 12 units in 3 blocks (smaller BGA lines)"),
    StripPreset("250x70-5x20", 250.0, 70.0, 5, 20, 5,
                "250 x 70 mm strip, 5 x 20 units in 4 blocks (fine-pitch CSP)"),
)
"""Starting points; every field stays a setting (docs/file-format.md explains the choice)."""

