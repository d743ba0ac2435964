"""The union of every relief layer, the metal it leaves (its holes), and which layer holes hold that metal.

With several relief depths, an island of :mod:`geometry.derive.islands` is what is left of a hole of one layer
once the other layers are taken away (where any layer is etched the metal does not reach the lower surface).
Those pieces are exactly the holes of the union of all layers: a hole H of layer a is outside every element of
a, so H minus the other layers is H minus every layer, and each connected piece of that is a bounded piece of the
metal no layer etches, inside H. So the islands of layer a are the holes of the union of all layers that lie in a
hole of layer a, and are found with no polygon and no per-island difference:

* the union of every layer is one exact union of disks and channel capsules
  (:func:`geometry.derive.relief.channels.channel_union`, degenerate components through the polygon path of
  :mod:`geometry.derive.relief.merged`), whatever the depths: every site's lower circle, every channel;
* a hole of the union lies in a layer hole when a point strictly inside it (the centre of its inscribed circle)
  lies in that layer hole's chord polygon: the point is outside every disk, and the chord polygon of a hole is
  the hole plus circle segments inside its disks.

The same union, flattened, is the etched area the span (:mod:`geometry.derive.span`) is measured on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from geometry.base.arrays import distinct_rows
from geometry.base.lazy import LazyModule
from geometry.base.spatial import points_near
from geometry.derive.openings import opening_table
from geometry.derive.pairs import merge_graph
from geometry.derive.relief.arcs import circle_union
from geometry.derive.relief.channels import channel_union
from geometry.derive.relief.merged import _general_regions, depth_key
from geometry.derive.relief.model import HOLE_MIN_MM2, circle_ringset, region_polygons
from geometry.derive.rings import RingSet
from geometry.model.design import Design

if TYPE_CHECKING:
    import shapely
else:
    shapely = LazyModule("shapely")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

LARGE_HOLE = 48
"""Holes with more vertices than this are tested with shapely's prepared polygons (they hold many points)."""
CHUNK_EDGES = 1 << 22
"""Point-in-polygon tests run over at most about this many (pair, edge) rows at once (bounds the memory)."""


@dataclass(frozen=True, eq=False)
class EtchedUnion:
    """The union of every lower relief layer: merged regions as exact rings (``rings.region`` 0 ..
    ``n_regions`` - 1, each region's outer ring first) and the disks that overlap nothing (``x, y, r``).

    The etched site rows are ``site``; site ``site[k]``'s lower circle lies in area ``area_of[k]`` of
    :meth:`polygons` (the regions first, then the lone disks). ``ring_area`` is every ring's area (unsigned).
    """

    rings: RingSet
    n_regions: int
    x: FloatArray
    y: FloatArray
    r: FloatArray
    site: IntArray
    area_of: IntArray
    ring_area: FloatArray

    def hole_areas(self) -> FloatArray:
        """The area of every hole, in the order of :meth:`holes`."""
        return self.ring_area[self.rings.hole]

    def holes(self) -> RingSet:
        """The holes of the union (clockwise rings)."""
        return self.rings.subset(self.rings.hole)

    def polygons(self, chord_tol_mm: float) -> NDArray[np.object_]:
        """Every etched area as a shapely polygon, arcs flattened to chords within ``chord_tol_mm``."""
        regions = region_polygons(self.rings, self.n_regions, chord_tol_mm)
        disks = region_polygons(circle_ringset(self.x, self.y, self.r), len(self.x), chord_tol_mm)
        return np.concatenate([regions, disks]).astype(object)


@lru_cache(maxsize=8)
def etched_union(design: Design) -> EtchedUnion:
    """The union of every lower relief layer of ``design``: every etched site's lower circle and every channel,
    whatever their depths (one exact union of disks and capsules; degenerate components on polygons)."""
    table = opening_table(design)
    graph = merge_graph(design)
    rows = table.rows
    ch = np.flatnonzero(graph.bridged)
    ch = ch[depth_key(graph.channel_depth_mm[ch]) > 0]
    k1, k2 = graph.i[ch], graph.j[ch]
    disks = distinct_rows(len(table.sites), rows[depth_key(table.relief_mm[rows]) > 0], k1, k2)
    lx, ly, lr = table.lower_x_mm, table.lower_y_mm, table.lower_mm / 2.0
    x, y, r = lx[disks], ly[disks], lr[disks]
    e1, e2 = np.searchsorted(disks, k1), np.searchsorted(disks, k2)
    if len(ch):
        cu = channel_union(x, y, r, e1, e2)
        rings, bad, component, sizes, chan_bad = cu.rings, cu.bad, cu.component, cu.sizes, cu.bad[
            cu.channel_component]
    else:
        u = circle_union(x, y, r)
        rings, bad, component, sizes, chan_bad = u.rings, u.bad, u.component, u.sizes, np.zeros(0, dtype=bool)
    fast = (sizes > 1) & ~bad
    renum = np.cumsum(fast) - 1
    area_of = np.where(fast[component], renum[component], -1).astype(np.intp)
    rings = RingSet(rings.xy, rings.bulge, rings.start, renum[rings.region].astype(np.intp), rings.hole)
    n_regions = int(fast.sum())
    parts = [rings]
    alone = np.flatnonzero((sizes[component] == 1) & ~bad[component])
    gd = np.flatnonzero(bad[component])
    if len(gd):
        gc = np.flatnonzero(chan_bad)
        g_rings, n_g, g_region, g_site, g_alone = _general_regions(x[gd], y[gd], r[gd], disks[gd], k1[gc], k2[gc],
                                                                   lx, ly, lr)
        parts.append(RingSet(g_rings.xy, g_rings.bulge, g_rings.start, g_rings.region + n_regions, g_rings.hole))
        area_of[np.searchsorted(disks, g_site)] = g_region + n_regions
        n_regions += n_g
        alone = np.concatenate([alone, gd[g_alone]])
    area_of[alone] = n_regions + np.arange(len(alone), dtype=np.intp)
    out = RingSet.concat(parts)
    # as the relief drops them: a hole below (0.03 um)^2 is arcs meeting in one point up to rounding
    area = np.abs(out.signed_areas())
    keep = ~out.hole | (area >= HOLE_MIN_MM2)
    out, area = out.subset(keep), area[keep]
    for a in (out.xy, out.bulge, out.start, out.region, out.hole, area):
        a.flags.writeable = False
    return EtchedUnion(out, n_regions, x[alone], y[alone], r[alone], disks.astype(np.intp), area_of, area)


def etched_holes(design: Design) -> RingSet:
    """The holes of the union of every lower relief layer of ``design`` (clockwise rings, exact arcs)."""
    return etched_union(design).holes()


def same_rings(a: RingSet, a_area: FloatArray, b: RingSet, b_area: FloatArray) -> tuple[IntArray, IntArray]:
    """(ring of a, ring of b) pairs of rings that are the same outline (whatever vertex they start at): the same
    number of vertices, lowest corner to 0.1 nm and area to 1e-13 mm^2, and no other ring of a or b alike.

    Rings that rounding keys apart are simply not paired (the caller tests them by containment)."""
    e = np.zeros(0, dtype=np.intp)
    if not len(a) or not len(b):
        return e, e.copy()

    def key(r: RingSet, area: FloatArray) -> NDArray[np.int64]:
        lo = np.minimum.reduceat(r.xy, r.start[:-1], axis=0)
        return np.column_stack([np.diff(r.start), np.rint(lo * 1e7), np.rint(np.abs(area) * 1e13)]).astype(np.int64)

    keys = np.concatenate([key(a, a_area), key(b, b_area)])
    # key groups by one lexicographic sort (np.unique over rows sorts a structured view, far slower)
    order = np.lexsort(keys.T[::-1])
    sk = keys[order]
    new_group = np.concatenate([[True], (sk[1:] != sk[:-1]).any(axis=1)])
    group = np.cumsum(new_group) - 1
    inverse = np.empty(len(keys), dtype=np.intp)
    inverse[order] = group
    counts = np.bincount(group)
    na = len(a)
    ga, gb = inverse[:na], inverse[na:]
    in_a = np.bincount(ga, minlength=len(counts))
    pair = (counts == 2) & (in_a == 1)
    ia = np.flatnonzero(pair[ga])
    ib = np.flatnonzero(pair[gb])
    # both sides list their paired rings by key group: match them through it
    ia = ia[np.argsort(ga[ia], kind="stable")]
    ib = ib[np.argsort(gb[ib], kind="stable")]
    return ia.astype(np.intp), ib.astype(np.intp)


def holes_containing(holes: RingSet, px: FloatArray, py: FloatArray, which: IntArray | None = None
                     ) -> tuple[IntArray, IntArray]:
    """(point, hole) pairs, sorted by hole then point: the points (``px``, ``py``) inside each hole's chord
    polygon (the polygon of its vertices), by the crossing rule; only the holes ``which`` when given."""
    n = len(holes)
    e = np.zeros(0, dtype=np.intp)
    if not n or not len(px):
        return e, e.copy()
    lengths = np.diff(holes.start)
    chosen = np.ones(n, dtype=bool) if which is None else np.isin(np.arange(n), which)
    large = (lengths > LARGE_HOLE) & chosen
    pt_s, hole_s = _small_holes_containing(holes, np.flatnonzero(~large & chosen), px, py)
    pt_l, hole_l = e, e
    if large.any():
        # a long hole (a layer's hole around many islands of another depth) holds many points: one prepared
        # polygon per hole, queried with a tree over the points
        big = np.flatnonzero(large)
        polys = shapely.polygons(shapely.linearrings(holes.xy[np.repeat(large, lengths)],
                                                     indices=np.repeat(np.arange(len(big)), lengths[big])))
        q, p = shapely.STRtree(shapely.points(px, py)).query(polys, predicate="contains")
        pt_l, hole_l = p.astype(np.intp), big[q].astype(np.intp)
    pt, hole = np.concatenate([pt_s, pt_l]), np.concatenate([hole_s, hole_l])
    order = np.lexsort((pt, hole))
    return pt[order], hole[order]


def _small_holes_containing(holes: RingSet, which: IntArray, px: FloatArray, py: FloatArray
                            ) -> tuple[IntArray, IntArray]:
    """:func:`holes_containing` for the holes ``which``, edge by edge in numpy."""
    if not len(which):
        e = np.zeros(0, dtype=np.intp)
        return e, e.copy()
    lengths = np.diff(holes.start)
    lo = np.minimum.reduceat(holes.xy, holes.start[:-1], axis=0)[which]
    hi = np.maximum.reduceat(holes.xy, holes.start[:-1], axis=0)[which]
    mid = (lo + hi) / 2.0
    reach = np.hypot(*(hi - lo).T) / 2.0 + 1e-9
    hole, pt = points_near(mid[:, 0], mid[:, 1], px, py, reach)
    # the circle around a box holds points outside it: those are out before the edge by edge test
    in_box = (px[pt] >= lo[hole, 0]) & (px[pt] <= hi[hole, 0]) & (py[pt] >= lo[hole, 1]) & (py[pt] <= hi[hole, 1])
    hole, pt = which[hole[in_box]], pt[in_box]
    nxt = holes._next_index()
    inside = np.zeros(len(hole), dtype=bool)
    edges = lengths[hole]
    ends = np.cumsum(edges)
    c0 = 0
    while c0 < len(hole):
        c1 = int(np.searchsorted(ends, ends[c0 - 1] + CHUNK_EDGES if c0 else CHUNK_EDGES, side="right"))
        c1 = max(c1, c0 + 1)
        h, p, m = hole[c0:c1], pt[c0:c1], edges[c0:c1]
        pair = np.repeat(np.arange(len(h), dtype=np.intp), m)
        first = np.cumsum(m) - m
        e = np.repeat(holes.start[h], m) + np.arange(int(m.sum()), dtype=np.intp) - np.repeat(first, m)
        x0, y0 = holes.xy[e, 0], holes.xy[e, 1]
        x1, y1 = holes.xy[nxt[e], 0], holes.xy[nxt[e], 1]
        qx, qy = px[p][pair], py[p][pair]
        straddle = (y0 > qy) != (y1 > qy)
        with np.errstate(invalid="ignore", divide="ignore"):
            xc = x0 + (qy - y0) * (x1 - x0) / (y1 - y0)
        crossings = np.bincount(pair[straddle & (qx < xc)], minlength=len(h))
        inside[c0:c1] = (crossings % 2) == 1
        c0 = c1
    return pt[inside], hole[inside]
