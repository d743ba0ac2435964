"""Metal islands on the lower surface (docs/checks.md, island).

An island is a hole of a merged relief region (:func:`geometry.derive.relief.merged.lower_relief`): metal the
relief leaves standing inside its outline. Only the part that no other relief layer etches reaches the lower
surface and touches the device (where a layer of another depth covers it, that etch wins, so the metal there is
recessed), so each hole is cut by the other depths' relief first; what is left (nothing, the hole, or several
pieces) are the islands.

* ``inscribed_mm``: the diameter of the island's largest inscribed circle; its centre is the island's centroid;
* ``width_mm``: its narrowest width, the smallest distance between two parallel lines enclosing it. It is never
  below the inscribed diameter.

Holes of at most :data:`~geometry.derive.arc_islands.MAX_VERTICES` vertices, arcs and straight edges (arrays,
wafers, channels), are measured in closed form by :mod:`geometry.derive.arc_islands`, exactly; longer ones on
polygons (:mod:`geometry.derive.polygon_islands`, to ``CHORD_TOL_MM``). With several depths the pieces are the
holes of the exact union of every layer that lie in a relief hole (:mod:`geometry.derive.etched_holes`), measured
the same way, so a cut island is as exact as a whole one. Every measurement is within ``MEASURE_TOL_MM``, which
the checks use as their tolerance. Islands are listed in the relief's hole order; with several depths the holes
no other depth cuts come first, then the pieces of the others, hole by hole.

A design of repeated units (a wafer's dies) is measured on one unit and tiled. The sites around an island are the
sites whose lower circle comes within its inscribed radius of its outline (a circle that bounds it touches it; a
channel that bounds it runs between two sites whose circles end at the island's corners).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from geometry.base.lazy import LazyModule
from geometry.derive import island_chunks
from geometry.derive.arc_islands import Measured, closed_form_rings, measure_rings
from geometry.derive.island_sites import sites_around_arcs
from geometry.derive.openings import opening_table
from geometry.derive.polygon_islands import (
    CHORD_TOL_MM,
    _depth_count,
    _Found,
    _measured_holes,
    _polygons,
    _sites_around,
    measure,
)
from geometry.derive.relief.merged import Relief, lower_relief
from geometry.derive.repetition import Repeated, repetition
from geometry.derive.rings import RingSet
from geometry.model.design import Design

if TYPE_CHECKING:
    import shapely
else:
    shapely = LazyModule("shapely")

__all__ = ["CHORD_TOL_MM", "MEASURE_TOL_MM", "Islands", "failing", "failing_islands", "lower_islands", "measure",
           "tile_islands", "whole_islands"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

MEASURE_TOL_MM = 1e-5
"""Resolution of the island and span measurements (0.01 um): within it of a limit counts as at the limit."""


@dataclass(frozen=True, eq=False)
class Islands:
    """The islands of a design's lower relief that reach the lower surface. Lengths in mm.

    Island k: centre (``x_mm[k]``, ``y_mm[k]``), ``inscribed_mm[k]``, ``width_mm[k]``, the depth of the relief
    around it ``depth_mm[k]``, and the site rows around it ``site_rows[site_start[k]:site_start[k + 1]]``
    (sorted). Islands are in the order of the relief's holes.
    """

    x_mm: FloatArray
    y_mm: FloatArray
    inscribed_mm: FloatArray
    width_mm: FloatArray
    depth_mm: FloatArray
    site_start: IntArray
    site_rows: IntArray

    def __len__(self) -> int:
        return int(self.x_mm.shape[0])

    def sites_of(self, k: int) -> IntArray:
        """Site rows around island k."""
        return self.site_rows[int(self.site_start[k]):int(self.site_start[k + 1])]


def _empty() -> Islands:
    f = np.zeros(0)
    return Islands(f, f, f, f, f, np.zeros(1, dtype=np.intp), np.zeros(0, dtype=np.intp))


def whole_islands(design: Design, relief: Relief | None = None, *, polygons: bool = False,
                  below_mm: float | None = None) -> Islands:
    """The islands computed over the whole design at once (no repetition); ``relief`` defaults to its relief.

    With one depth, holes of at most :data:`~geometry.derive.arc_islands.MAX_VERTICES` vertices (arcs and
    straight edges) are measured in closed form (:mod:`geometry.derive.arc_islands`), the others on polygons.
    With several depths the islands are the holes of the union of every layer that lie in the relief's holes
    (:mod:`geometry.derive.etched_holes`), measured the same way. ``polygons`` measures every hole on polygons
    and cuts it by the other depths' polygons instead (the reference the closed forms are tested against).

    ``below_mm`` keeps only the islands whose inscribed diameter is below it (in the same order, with the same
    sites): the island check's findings. With one depth their sites are found for them alone: on an array of a
    million islands that pass, finding the sites around every one was half of the check.
    """
    if below_mm is not None and (polygons or (relief is not None and _depth_count(relief) > 1)):
        return failing(whole_islands(design, relief, polygons=polygons), below_mm)
    relief = lower_relief(design) if relief is None else relief
    rs = relief.rings
    if not rs.hole.any():
        return _empty()
    holes = _holes(rs)
    depth = relief.region_depth_mm[holes.region]
    if polygons:
        return _polygon_islands(design, _measured_holes(relief, holes, depth))
    if _depth_count(relief) > 1:
        cut = _cut_islands(design, holes, depth)
        return cut if below_mm is None else failing(cut, below_mm)
    fast = closed_form_rings(holes)
    fast_rows = np.flatnonzero(fast)
    fx, fy, fi, fw, solved = island_chunks.measured(holes.subset(fast))
    fast[fast_rows[~solved]] = False
    fast_rows, fx, fy, fi, fw = fast_rows[solved], fx[solved], fy[solved], fi[solved], fw[solved]
    slow_rows = np.flatnonzero(~fast)
    slow = _measured_holes(relief, holes.subset(~fast), depth[slow_rows])
    if not len(fast_rows):
        whole = _polygon_islands(design, slow)
        return whole if below_mm is None else failing(whole, below_mm)
    # one depth: every hole is one island, so the two parts interleave back into the holes' order
    n = len(holes)
    cols = [np.zeros(n) for _ in range(5)]
    for col, a, b in zip(cols, (fx, fy, fi, fw, depth[fast_rows]),
                         (slow.x, slow.y, slow.inscribed, slow.width, slow.depth), strict=True):
        col[fast_rows] = a
        col[slow_rows] = b
    kept = np.ones(n, dtype=bool) if below_mm is None else cols[2] < below_mm
    if not kept[fast_rows].all():  # the sites of the kept ones only
        sel = kept[fast_rows]
        fast[fast_rows[~sel]] = False
        fast_rows, fx, fy, fi = fast_rows[sel], fx[sel], fy[sel], fi[sel]
    t = opening_table(design)
    sites = t.rows
    fi_isl = fi_site = np.zeros(0, dtype=np.intp)
    if len(fast_rows):
        fi_isl, fi_site = island_chunks.sites_around(holes.subset(fast), fx, fy, fi, t.lower_x_mm[sites],
                                                     t.lower_y_mm[sites], t.lower_mm[sites] / 2.0)
    isl, rows = fast_rows[fi_isl], sites[fi_site]
    if len(slow.x):
        s_start, s_rows = _sites_around(design, slow)
        isl = np.concatenate([isl, slow_rows[np.repeat(np.arange(len(slow.x)), np.diff(s_start))]])
        rows = np.concatenate([rows, s_rows])
        order = np.lexsort((rows, isl))
        isl, rows = isl[order], rows[order]
    if below_mm is not None:  # the kept islands numbered in their order
        on = kept[isl]
        isl, rows = (np.cumsum(kept) - 1)[isl[on]], rows[on]
        cols = [c[kept] for c in cols]
        n = len(cols[0])
    start = np.concatenate([[0], np.cumsum(np.bincount(isl, minlength=n))]).astype(np.intp)  # isl is sorted
    return _frozen(Islands(cols[0], cols[1], cols[2], cols[3], cols[4], start, rows.astype(np.intp)))


def failing(isl: Islands, below_mm: float) -> Islands:
    """The islands of ``isl`` whose inscribed diameter is below ``below_mm``, in order, with their sites."""
    keep = np.flatnonzero(isl.inscribed_mm < below_mm)
    lo, counts = isl.site_start[keep], isl.site_start[keep + 1] - isl.site_start[keep]
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp)
    pos = np.repeat(lo - start[:-1], counts) + np.arange(int(start[-1]), dtype=np.intp)
    return _frozen(Islands(isl.x_mm[keep], isl.y_mm[keep], isl.inscribed_mm[keep], isl.width_mm[keep],
                           isl.depth_mm[keep], start, isl.site_rows[pos].astype(np.intp)))


def _holes(rings: RingSet) -> RingSet:
    """The holes of a relief's rings: views where they are consecutive (a region's outer ring, then its holes:
    an array's million holes are not copied)."""
    at = np.flatnonzero(rings.hole)
    if len(at) and at[-1] - at[0] + 1 == len(at):
        return rings.slice(int(at[0]), int(at[-1]) + 1)
    return rings.subset(rings.hole)


def _polygon_islands(design: Design, slow: _Found) -> Islands:
    """Islands measured on polygons, with their sites."""
    if not len(slow.x):
        return _empty()
    start, rows = _sites_around(design, slow)
    return _frozen(Islands(slow.x, slow.y, slow.inscribed, slow.width, slow.depth, start, rows))


def _measured_rings(rings: RingSet) -> Measured:
    """Every ring measured: in closed form where it can be, else on polygons (centroid, shapely's inscribed
    circle, calipers; the inscribed circle's centre as the inside point)."""
    m = measure_rings(rings)
    slow = np.flatnonzero(~closed_form_rings(rings) | ~m.solved)
    if not len(slow):
        return m
    keep = np.zeros(len(rings), dtype=bool)
    keep[slow] = True
    polys = _polygons(rings.subset(keep))
    x, y, ins, wid = measure(polys)
    centre = shapely.get_coordinates(shapely.get_point(shapely.maximum_inscribed_circle(polys, CHORD_TOL_MM / 2.0),
                                                       0))
    cols = [a.copy() for a in (m.x, m.y, m.inscribed, m.width, m.px, m.py)]
    for col, val in zip(cols, (x, y, ins, wid, centre[:, 0], centre[:, 1]), strict=True):
        col[slow] = val
    return Measured(cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], np.ones(len(rings), dtype=bool))


def _cut_islands(design: Design, holes: RingSet, depth: FloatArray) -> Islands:
    """Islands of a relief of several depths: the holes of the union of every layer inside each relief hole.

    Holes no other depth cuts come first, in the relief's order, then the pieces of the others, hole by hole (the
    polygon path lists every hole whose coarse outline meets another depth among the pieces, so the two orders
    differ). A hole is whole when it is a hole of the union itself, or holds one of the same area.
    """
    # imported here: only a relief of several depths is cut by the union of its layers (issue 12)
    from geometry.derive.etched_holes import etched_union, holes_containing, same_rings

    union = etched_union(design)
    pieces = union.holes()
    m = _measured_rings(pieces)
    area_h = np.abs(holes.signed_areas())
    area_p = union.hole_areas()
    # most holes no other depth touches are a hole of the union as they are; only the others (and every piece,
    # which may lie in a hole of another depth too) need the containment test
    same_h, same_p = same_rings(holes, area_h, pieces, area_p)
    rest = np.ones(len(holes), dtype=bool)
    rest[same_h] = False
    piece, hole = holes_containing(holes, m.px, m.py, np.flatnonzero(rest))
    count = np.bincount(hole, minlength=len(holes))
    one = count[hole] == 1
    alike = one & (np.abs(area_p[piece] - area_h[hole]) <= 1e-9 * area_h[hole] + 1e-13)
    whole = np.concatenate([np.ones(len(same_h), dtype=bool), alike])
    piece, hole = np.concatenate([same_p, piece]), np.concatenate([same_h, hole])
    # whole holes first in the relief's order, then the pieces, hole by hole
    order = np.lexsort((piece, hole, ~whole))
    piece, hole = piece[order], hole[order]
    if not len(piece):
        return _empty()
    used, inverse = np.unique(piece, return_inverse=True)
    t = opening_table(design)
    sites = t.rows
    keep = np.zeros(len(pieces), dtype=bool)
    keep[used] = True
    p_isl, p_site = sites_around_arcs(pieces.subset(keep), m.x[used], m.y[used], m.inscribed[used],
                                      t.lower_x_mm[sites], t.lower_y_mm[sites], t.lower_mm[sites] / 2.0)
    p_start = np.searchsorted(p_isl, np.arange(len(used) + 1))
    counts = np.diff(p_start)[inverse]
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp)
    first = np.repeat(p_start[:-1][inverse] - start[:-1], counts) + np.arange(int(start[-1]), dtype=np.intp)
    rows = sites[p_site[first]].astype(np.intp)
    return _frozen(Islands(m.x[piece], m.y[piece], m.inscribed[piece], m.width[piece], depth[hole], start, rows))


def _frozen(isl: Islands) -> Islands:
    for a in (isl.x_mm, isl.y_mm, isl.inscribed_mm, isl.width_mm, isl.depth_mm, isl.site_start, isl.site_rows):
        a.flags.writeable = False
    return isl


@lru_cache(maxsize=8)
def lower_islands(design: Design) -> Islands:
    """The islands of a design that reach the lower surface, measured (see the module docstring).

    A design of repeated units (:func:`geometry.derive.repetition.repetition`) is measured on one unit and tiled:
    the same islands in the same order as the whole-design computation, because its relief tiles the same way.
    """
    rep = repetition(design)
    if isinstance(rep, Repeated):
        parts = [tile_islands(lower_islands(g.unit_design), g.offsets_mm, g.site_rows) for g in rep.groups]
        return parts[0] if len(parts) == 1 else _concat(parts)
    return whole_islands(design)


@lru_cache(maxsize=8)
def failing_islands(design: Design, below_mm: float) -> Islands:
    """The islands of :func:`lower_islands` whose inscribed diameter is below ``below_mm`` (the island check's
    findings), in its order with its sites, without finding the sites of the islands that pass."""
    if isinstance(repetition(design), Repeated):
        return failing(lower_islands(design), below_mm)  # one unit's islands, tiled: their sites cost little
    return whole_islands(design, below_mm=below_mm)


def tile_islands(die: Islands, centres: FloatArray, site_rows: IntArray | int) -> Islands:
    """``die`` (unit-local coordinates, site rows 0..n-1) repeated at every centre (K, 2), unit by unit;
    ``site_rows`` (K, n) maps each unit's site rows to the design's (an int n: unit k's site j is k * n + j)."""
    k = len(centres)
    di = np.arange(k, dtype=np.intp)[:, None]
    n_pairs = len(die.site_rows)
    start = np.append((die.site_start[:-1][None, :] + di * n_pairs).ravel(), k * n_pairs).astype(np.intp)
    if isinstance(site_rows, int | np.integer):
        rows = (die.site_rows[None, :] + di * int(site_rows)).ravel()
    else:
        rows = np.asarray(site_rows, dtype=np.intp)[:, die.site_rows].ravel()
    return _frozen(Islands(
        (centres[:, 0:1] + die.x_mm[None, :]).ravel(), (centres[:, 1:2] + die.y_mm[None, :]).ravel(),
        np.tile(die.inscribed_mm, k), np.tile(die.width_mm, k), np.tile(die.depth_mm, k), start,
        rows.astype(np.intp),
    ))


def _concat(parts: list[Islands]) -> Islands:
    """Islands of groups of units one group after another."""
    n_pairs = np.cumsum([0] + [len(p.site_rows) for p in parts])
    def cat(field: str) -> FloatArray:
        return np.concatenate([getattr(p, field) for p in parts])

    return _frozen(Islands(
        cat("x_mm"), cat("y_mm"), cat("inscribed_mm"), cat("width_mm"), cat("depth_mm"),
        np.append(np.concatenate([p.site_start[:-1] + n_pairs[i] for i, p in enumerate(parts)]),
                  n_pairs[-1]).astype(np.intp),
        np.concatenate([p.site_rows for p in parts]).astype(np.intp),
    ))
