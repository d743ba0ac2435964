"""Wafer layouts: one die's site pattern stepped and repeated across a wafer (seed 001, wafer-level CSP).

Coordinates: the wafer centre is (0, 0), +y points away from the orientation mark (flat or notch at the bottom,
6 o'clock, as seen from the upper surface of the mask). The die at grid position (i, j) has its centre at
``(offset_x_mm + i * step_x, offset_y_mm + j * step_y)`` where the step is the die size plus the street width;
the die's own sites (any other layout, generated around its own origin) are placed around that centre.

Dies are named by column and row: ``C07R12`` is the 7th column from the left and the 12th row from the top of
the candidate grid (every grid position whose die rectangle touches the wafer disc), so a die keeps its name
when the edge exclusion or the keep rule changes. Column and row numbers have two digits, or more when the
wafer holds 100 columns or rows or more. A site is named ``<die>:<site in the die>``, e.g. ``C07R12:A1``.

Keep rule: a die is kept when all its sites (each site's pad disc) lie inside the usable area (the default,
``KeepRule.SITES``), or when the whole die rectangle does (``KeepRule.DIE``). The usable area is the wafer disc
shrunk by the edge exclusion, less the flat (a chord of ``flat_length_mm``, shifted inward by the exclusion) or
the notch (approximated as a disc of radius ``notch_depth_mm`` around the notch's tip on the rim, grown by the
exclusion).

Dies named in ``skip`` are left out (a wafer map's null and bad dies, :mod:`geometry.fileio.wafer_map`).

Sites are die-major: the sites of kept die k (``Sites.group == k``) are rows ``k * n .. (k + 1) * n - 1`` of the
generated block, n being the die's site count, so every per-die computation can be a reshape.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError, require_finite, require_length
from geometry.model.hashed import HashedOnce
from geometry.model.layouts.base import Layout, Pad, UnitRepetition, register_layout, require_site_count
from geometry.model.sites import Sites

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

_DIE_NAME = re.compile(r"C\d{2,}R\d{2,}")

WAFER_DIAMETERS_MM = (100.0, 125.0, 150.0, 200.0, 300.0, 450.0)
"""Standard wafer diameters (SEMI M1); 150, 200 and 300 mm are the ones wafer-level packaging uses."""


class WaferMark(StrEnum):
    """The wafer's orientation mark, at the bottom (6 o'clock)."""

    NOTCH = "notch"
    FLAT = "flat"
    NONE = "none"


class KeepRule(StrEnum):
    """Which dies are kept: all pads of the die inside the usable area, or the whole die rectangle."""

    SITES = "sites"
    DIE = "die"


@register_layout
@dataclass(frozen=True, slots=True, eq=False)
class WaferLayout(HashedOnce):
    """A die pattern ``die`` stepped across a wafer of ``diameter_mm``; see the module docstring.

    ``die_x_mm`` / ``die_y_mm`` is the die size (square when die_y_mm is None), ``street_mm`` the dicing street
    between dies (the step is die + street), ``offset_x_mm`` / ``offset_y_mm`` where the centre of die grid
    position (0, 0) sits relative to the wafer centre (0, 0: a die centred on the wafer; half a step: a street
    crossing there). ``edge_exclusion_mm`` is the ring at the rim where no site may go.
    """

    kind: ClassVar[str] = "wafer"
    die: Layout
    die_x_mm: float
    die_y_mm: float | None = None
    street_mm: float = 0.1
    diameter_mm: float = 300.0
    edge_exclusion_mm: float = 3.0
    mark: WaferMark = WaferMark.NOTCH
    flat_length_mm: float = 57.5
    notch_depth_mm: float = 1.0
    offset_x_mm: float = 0.0
    offset_y_mm: float = 0.0
    keep: KeepRule = KeepRule.SITES
    skip: tuple[str, ...] = ()
    """Dies left out by name (``C07R12``): null or bad dies of a wafer map, or the user's choice."""

    def __post_init__(self) -> None:
        if isinstance(self.die, WaferLayout) or not isinstance(self.die, Layout):
            raise DesignError("die", type(self.die).__name__, "must be a die site pattern (grid, staggered, ...)")
        object.__setattr__(self, "die_x_mm", require_length("die_x_mm", self.die_x_mm))
        if self.die_y_mm is not None:
            object.__setattr__(self, "die_y_mm", require_length("die_y_mm", self.die_y_mm))
        object.__setattr__(self, "street_mm", require_length("street_mm", self.street_mm, allow_zero=True))
        d = require_length("diameter_mm", self.diameter_mm)
        if d not in WAFER_DIAMETERS_MM:
            raise DesignError("diameter_mm", d, f"must be a standard wafer diameter: {WAFER_DIAMETERS_MM}")
        object.__setattr__(self, "diameter_mm", d)
        ex = require_length("edge_exclusion_mm", self.edge_exclusion_mm, allow_zero=True)
        if ex >= d / 2.0:
            raise DesignError("edge_exclusion_mm", ex, "leaves no usable area on the wafer")
        object.__setattr__(self, "edge_exclusion_mm", ex)
        try:
            object.__setattr__(self, "mark", WaferMark(self.mark))
        except ValueError:
            raise DesignError("mark", self.mark, "must be notch, flat or none") from None
        try:
            object.__setattr__(self, "keep", KeepRule(self.keep))
        except ValueError:
            raise DesignError("keep", self.keep, "must be sites or die") from None
        fl = require_length("flat_length_mm", self.flat_length_mm)
        if fl >= d:
            raise DesignError("flat_length_mm", fl, "must be shorter than the wafer diameter")
        object.__setattr__(self, "flat_length_mm", fl)
        nd = require_length("notch_depth_mm", self.notch_depth_mm)
        if nd >= d / 4.0:
            raise DesignError("notch_depth_mm", nd, "is too deep for the wafer")
        object.__setattr__(self, "notch_depth_mm", nd)
        object.__setattr__(self, "offset_x_mm", require_finite("offset_x_mm", self.offset_x_mm))
        object.__setattr__(self, "offset_y_mm", require_finite("offset_y_mm", self.offset_y_mm))
        skip = tuple(self.skip)
        for k, name in enumerate(skip):
            if not isinstance(name, str) or not _DIE_NAME.fullmatch(name):
                raise DesignError(f"skip[{k}]", name, "must be a die name such as C07R12")
        object.__setattr__(self, "skip", tuple(sorted(set(skip))))
        # a grid of tiny dies on a big wafer is a typo, not a design: 400,000 dies is far beyond any real wafer
        if self.step_x * self.step_y * 400_000 < math.pi * (d / 2.0) ** 2:
            raise DesignError("die_x_mm", self.die_x_mm, "gives more than 400,000 dies on the wafer")
        require_site_count("die", type(self.die).__name__, self.site_count())

    # -- derived values ------------------------------------------------------------------------------------
    @property
    def die_y(self) -> float:
        """Die height in mm (equal to the width unless given)."""
        return self.die_x_mm if self.die_y_mm is None else self.die_y_mm

    @property
    def step_x(self) -> float:
        """Die pitch along x: die width + street, mm."""
        return self.die_x_mm + self.street_mm

    @property
    def step_y(self) -> float:
        """Die pitch along y: die height + street, mm."""
        return self.die_y + self.street_mm

    @property
    def radius_mm(self) -> float:
        """Wafer radius, mm."""
        return self.diameter_mm / 2.0

    def pitch_hint_mm(self) -> float | None:
        """The die pattern's pitch."""
        return self.die.pitch_hint_mm()

    def candidate_dies(self) -> int:
        """How many grid positions touch the wafer's bounding square (at least the candidate dies)."""
        big = self.radius_mm
        ni = _axis_count(self.offset_x_mm, self.step_x, self.die_x_mm / 2.0, big)
        nj = _axis_count(self.offset_y_mm, self.step_y, self.die_y / 2.0, big)
        return ni * nj

    def site_count(self) -> int:
        """An upper bound: the candidate positions times the die's sites (the keep rule drops some dies)."""
        return self.candidate_dies() * self.die.site_count()

    def repetition(self, pad: Pad) -> UnitRepetition | None:
        """The die pattern at every kept die, in the order :meth:`generate` writes them."""
        dm = die_map(self, pad)
        return UnitRepetition(self.die, dm.kept_centres(), tuple(dm.name[dm.kept_rows].tolist()), self.step_x,
                              self.step_y, unit_word="die")

    def generate(self, pad: Pad) -> Sites:
        """Every kept die's sites, die-major; ``group`` is the kept die's index (see :func:`die_map`)."""
        return _generate(self, pad)

    # -- usable area -------------------------------------------------------------------------------------
    def inside(self, x: FloatArray, y: FloatArray, r: FloatArray | float = 0.0) -> BoolArray:
        """Whether discs of radius ``r`` centred at (x, y) lie entirely inside the usable area."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        big = self.radius_mm
        ex = self.edge_exclusion_mm
        ok: BoolArray = np.hypot(x, y) + r <= big - ex
        if self.mark == WaferMark.FLAT:
            ok &= y - r >= self.flat_y_mm + ex
        elif self.mark == WaferMark.NOTCH:
            ok &= np.hypot(x, y + big) - r >= self.notch_depth_mm + ex
        return ok

    @property
    def flat_y_mm(self) -> float:
        """y of the flat's chord (bottom of the wafer)."""
        big = self.radius_mm
        return -math.sqrt(big * big - (self.flat_length_mm / 2.0) ** 2)

    def rim(self, segments: int = 720) -> FloatArray:
        """The wafer's outline (with its flat or notch) as a closed counter-clockwise polygon (M, 2), for drawing.

        The notch is drawn as a 90 degree V of depth ``notch_depth_mm`` at the bottom.
        """
        big = self.radius_mm
        if self.mark == WaferMark.NOTCH:
            half = self.notch_depth_mm / big  # half the angle the V's mouth spans (90 degree V: width 2 depth)
            a = np.linspace(-math.pi / 2.0 + half, 1.5 * math.pi - half, segments)
            pts = np.column_stack([big * np.cos(a), big * np.sin(a)])
            return np.vstack([pts, [[0.0, -big + self.notch_depth_mm]]])
        a = np.linspace(-math.pi / 2.0, 1.5 * math.pi, segments, endpoint=False)
        pts = np.column_stack([big * np.cos(a), big * np.sin(a)])
        if self.mark == WaferMark.FLAT:
            pts[:, 1] = np.maximum(pts[:, 1], self.flat_y_mm)
        return pts


@dataclass(frozen=True, eq=False)
class DieMap:
    """Every candidate die position of a wafer layout, and which ones are kept.

    Arrays are per candidate: grid indices ``i, j``, 1-based ``col`` (from the left) and ``row`` (from the top),
    die centres ``x_mm, y_mm``, ``name`` (``C07R12``), ``kept``, and ``index`` (the kept die's index, which is
    ``Sites.group`` of its sites; -1 where not kept). ``kept_rows`` lists the candidates that are kept, in
    ``index`` order (row-major from the top-left).
    """

    layout: WaferLayout
    i: IntArray
    j: IntArray
    col: IntArray
    row: IntArray
    x_mm: FloatArray
    y_mm: FloatArray
    name: NDArray[np.str_]
    kept: BoolArray
    index: IntArray
    kept_rows: IntArray

    def __len__(self) -> int:
        return int(self.i.shape[0])

    @property
    def n_kept(self) -> int:
        """Number of kept dies."""
        return int(self.kept_rows.shape[0])

    def kept_centres(self) -> FloatArray:
        """(K, 2) centres of the kept dies in group order."""
        r = self.kept_rows
        return np.column_stack([self.x_mm[r], self.y_mm[r]])

    def die_name(self, group: int) -> str:
        """The name of kept die ``group``."""
        return str(self.name[self.kept_rows[group]])

    def group_of(self, name: str) -> int:
        """The group (kept die index) of a die name such as ``C07R12``; -1 when not kept; KeyError if unknown."""
        hit = np.flatnonzero(self.name == name)
        if not len(hit):
            raise KeyError(name)
        return int(self.index[hit[0]])

    def at(self, x_mm: float, y_mm: float) -> int:
        """The candidate row whose die rectangle holds the point, or -1 (streets and outside the grid)."""
        lay = self.layout
        fi = (x_mm - lay.offset_x_mm) / lay.step_x
        fj = (y_mm - lay.offset_y_mm) / lay.step_y
        i, j = round(fi), round(fj)
        if abs(x_mm - (lay.offset_x_mm + i * lay.step_x)) > lay.die_x_mm / 2.0:
            return -1
        if abs(y_mm - (lay.offset_y_mm + j * lay.step_y)) > lay.die_y / 2.0:
            return -1
        hit = np.flatnonzero((self.i == i) & (self.j == j))
        return int(hit[0]) if len(hit) else -1


def _axis_count(offset: float, step: float, half_die: float, big: float) -> int:
    """How many indices :func:`_axis_range` gives, without making them."""
    lo = math.ceil((-big - half_die - offset) / step)
    hi = math.floor((big + half_die - offset) / step)
    return max(0, hi - lo + 1)


def _axis_range(offset: float, step: float, half_die: float, big: float) -> IntArray:
    """Grid indices whose die interval [c - half, c + half] meets [-big, big]."""
    lo = math.ceil((-big - half_die - offset) / step)
    hi = math.floor((big + half_die - offset) / step)
    return np.arange(lo, hi + 1, dtype=np.intp)


def _die_sites_local(layout: WaferLayout, pad: Pad) -> Sites:
    return _die_sites_cached(layout.die, pad)  # type: ignore[arg-type]  # layouts are frozen dataclasses


@lru_cache(maxsize=8)
def _die_sites_cached(die: Layout, pad: Pad) -> Sites:
    return die.generate(pad)


@lru_cache(maxsize=8)
def die_map(layout: WaferLayout, pad: Pad | None = None) -> DieMap:
    """The candidate dies of ``layout`` and the keep decision (pads from ``pad``; a 0 mm pad when None)."""
    big = layout.radius_mm
    hx, hy = layout.die_x_mm / 2.0, layout.die_y / 2.0
    ii = _axis_range(layout.offset_x_mm, layout.step_x, hx, big)
    jj = _axis_range(layout.offset_y_mm, layout.step_y, hy, big)
    mi, mj = np.meshgrid(ii, jj[::-1])  # row-major from the top-left
    gi: IntArray = mi.ravel()
    gj: IntArray = mj.ravel()
    cx = layout.offset_x_mm + gi * layout.step_x
    cy = layout.offset_y_mm + gj * layout.step_y
    # candidates: the die rectangle touches the wafer disc
    nx = np.clip(0.0, cx - hx, cx + hx)
    ny = np.clip(0.0, cy - hy, cy + hy)
    touch = np.hypot(nx, ny) < big
    gi, gj, cx, cy = gi[touch], gj[touch], cx[touch], cy[touch]
    col = (gi - ii[0] + 1).astype(np.intp)
    row = (jj[-1] - gj + 1).astype(np.intp)
    width = max(2, len(str(len(ii))), len(str(len(jj))))
    names = np.strings.add(
        np.strings.add(np.strings.add("C", np.strings.zfill(col.astype(np.str_), width)), "R"),
        np.strings.zfill(row.astype(np.str_), width),
    )
    kept = _keep(layout, pad, cx, cy)
    if layout.skip:
        kept &= ~np.isin(names, np.asarray(layout.skip))
    index = np.where(kept, np.cumsum(kept) - 1, -1).astype(np.intp)
    arrays = (gi, gj, col, row, cx, cy, names, kept, index)
    for a in arrays:
        a.flags.writeable = False
    kept_rows = np.flatnonzero(kept)
    kept_rows.flags.writeable = False
    return DieMap(layout, gi, gj, col, row, cx, cy, names, kept, index, kept_rows)


def _keep(layout: WaferLayout, pad: Pad | None, cx: FloatArray, cy: FloatArray) -> BoolArray:
    """Which candidate dies the keep rule keeps."""
    if layout.keep == KeepRule.DIE:
        hx, hy = layout.die_x_mm / 2.0, layout.die_y / 2.0
        px = np.array([-hx, hx, hx, -hx])
        py = np.array([-hy, -hy, hy, hy])
        ok: BoolArray = np.asarray(layout.inside(cx[:, None] + px, cy[:, None] + py).all(axis=1))
        if layout.mark == WaferMark.NOTCH:
            # the nearest point of each rectangle to the notch tip
            big = layout.radius_mm
            nx = np.clip(0.0, cx - hx, cx + hx)
            ny = np.clip(-big, cy - hy, cy + hy)
            ok &= np.hypot(nx, ny + big) >= layout.notch_depth_mm + layout.edge_exclusion_mm
        return ok
    local = _die_sites_local(layout, pad or Pad(1e-6))
    if len(local) == 0:
        return np.zeros(cx.shape, dtype=bool)
    r = local.pad_mm / 2.0  # a pad disc reaches its radius (pad_mm is the diameter) beyond its centre
    pts = local.xy
    if len(pts) >= 3:
        # distance to the wafer centre and height above the flat are convex: their worst case over a die's
        # pads is at a vertex of the convex hull of its centres (grown by the largest pad radius)
        from scipy.spatial import ConvexHull, QhullError

        try:
            hull = ConvexHull(pts).vertices
        except QhullError:  # collinear or repeated centres: use every site
            hull = np.arange(len(pts))
        hx_, hy_, hr = pts[hull, 0], pts[hull, 1], float(r.max())
    else:
        hx_, hy_, hr = pts[:, 0], pts[:, 1], float(r.max())
    big = layout.radius_mm
    ex = layout.edge_exclusion_mm
    gx = cx[:, None] + hx_
    gy = cy[:, None] + hy_
    ok = np.asarray((np.hypot(gx, gy) + hr <= big - ex).all(axis=1))
    if layout.mark == WaferMark.FLAT:
        ok &= (gy - hr >= layout.flat_y_mm + ex).all(axis=1)
    elif layout.mark == WaferMark.NOTCH:
        reach = layout.notch_depth_mm + ex + hr + math.hypot(layout.die_x_mm, layout.die_y)
        near = np.flatnonzero(ok & (np.hypot(cx, cy + big) < reach))
        for k in near.tolist():
            d = np.hypot(cx[k] + pts[:, 0], cy[k] + pts[:, 1] + big) - r
            ok[k] = bool((d >= layout.notch_depth_mm + ex).all())
    return ok


@lru_cache(maxsize=4)
def _generate(layout: WaferLayout, pad: Pad) -> Sites:
    local = _die_sites_local(layout, pad)
    dm = die_map(layout, pad)
    centres = dm.kept_centres()
    k, n = len(centres), len(local)
    x = (centres[:, 0:1] + local.x_mm[None, :]).ravel()
    y = (centres[:, 1:2] + local.y_mm[None, :]).ravel()
    prefix = np.strings.add(dm.name[dm.kept_rows], ":")
    names = np.strings.add(prefix[:, None], local.names[None, :]).ravel()
    group = np.repeat(np.arange(k, dtype=np.int32), n)
    return Sites.build(
        names, x, y, np.tile(local.pad_mm, k), np.tile(local.pad_kind, k), np.tile(local.state, k), group,
    )


def die_sites(layout: WaferLayout, pad: Pad) -> Sites:
    """The sites of one die in die-local coordinates (as the die pattern generates them)."""
    return _die_sites_local(layout, pad)


def split_site_name(name: str) -> tuple[str, str] | None:
    """``"C07R12:A1"`` -> ``("C07R12", "A1")``; None when the name has no die part."""
    die, sep, site = name.partition(":")
    return (die, site) if sep else None


def group_rows(sites: Sites, group: int) -> IntArray:
    """Rows of the sites of kept die ``group`` (contiguous for generated sites; any order after edits)."""
    g = sites.group
    n = len(g)
    if n and bool(np.all(g[1:] >= g[:-1])):
        lo, hi = np.searchsorted(g, [group, group + 1])
        return np.arange(lo, hi, dtype=np.intp)
    return np.flatnonzero(g == group).astype(np.intp)
