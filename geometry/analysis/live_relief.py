"""The lower relief kept in spatial buckets, so that an edit replaces the few rings around it (issue 12).

Rings (:class:`geometry.derive.rings.RingSet`) are kept in square tiles by the lower-left corner of their
bounding box; rings larger than a tile (the outer ring of a merged array) are kept apart. Per site and region
the store keeps which region a site's lower circle belongs to (-1: none), whether it stays a single circle, and
per region its depth and ring count. A :class:`geometry.derive.relief.model.Relief` is assembled from these only
when someone asks for it (:meth:`ReliefStore.snapshot`), since that copies every ring.

Per region the store also keeps how many sites it holds and the widest lower outline among them with how many
sites have it, updated from the sites an edit reassigns (:meth:`ReliefStore.assign`), so no update scans every
site for a region's members. The per-site arrays are shared between a store, its copies and its snapshots until
one of them writes (copy on write), so an update copies them once, not once per copy and snapshot.

The store handles designs whose relief has one depth (the incremental engine falls back to a full recompute
otherwise): per depth a site is in at most one region, and the union of the window is exact away from its
border (see :mod:`geometry.analysis.live`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geometry.analysis.live_diff import Box
from geometry.base.arrays import distinct
from geometry.derive.relief.model import Relief, depth_key
from geometry.derive.rings import RingSet

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

BIG = -1  # the tile key of rings larger than a tile


def edge_boxes(rings: RingSet) -> FloatArray:
    """(E, 4) boxes holding each edge, arcs included: a bulge of at most 1 keeps an arc within its sagitta
    (|b| x chord / 2) of the chord, so the chord's box grown by it holds the arc."""
    if len(rings) == 0:
        return np.zeros((0, 4))
    p0 = rings.xy
    p1 = rings.xy[rings._next_index()]
    s = np.abs(rings.bulge) * np.hypot(*(p1 - p0).T) / 2.0
    lo = np.minimum(p0, p1) - s[:, None]
    hi = np.maximum(p0, p1) + s[:, None]
    return np.column_stack([lo, hi])


def ring_boxes(rings: RingSet, boxes: FloatArray | None = None) -> FloatArray:
    """(R, 4) bounding box of every ring."""
    if len(rings) == 0:
        return np.zeros((0, 4))
    e = edge_boxes(rings) if boxes is None else boxes
    st = rings.start[:-1]
    return np.column_stack([np.minimum.reduceat(e[:, 0], st), np.minimum.reduceat(e[:, 1], st),
                            np.maximum.reduceat(e[:, 2], st), np.maximum.reduceat(e[:, 3], st)])


def touching(rings: RingSet, box: Box) -> BoolArray:
    """Per ring: whether some edge's box meets ``box`` (the ring may pass through it)."""
    if len(rings) == 0:
        return np.zeros(0, dtype=bool)
    e = edge_boxes(rings)
    hit = (e[:, 0] <= box[2]) & (e[:, 2] >= box[0]) & (e[:, 1] <= box[3]) & (e[:, 3] >= box[1])
    return np.asarray(np.add.reduceat(hit.astype(np.int64), rings.start[:-1]) > 0)


def inside(rings: RingSet, box: Box) -> BoolArray:
    """Per ring: whether every edge lies inside ``box``."""
    if len(rings) == 0:
        return np.zeros(0, dtype=bool)
    e = edge_boxes(rings)
    ok = (e[:, 0] > box[0]) & (e[:, 2] < box[2]) & (e[:, 1] > box[1]) & (e[:, 3] < box[3])
    return np.asarray(np.add.reduceat((~ok).astype(np.int64), rings.start[:-1]) == 0)




@dataclass(frozen=True, eq=False)
class Chunk:
    """The rings of one tile (global region ids) and their bounding boxes."""

    rings: RingSet
    boxes: FloatArray


class ReliefStore:
    """The relief of the current design in tiles (see the module docstring). Updates are copy-on-write, so a
    :meth:`snapshot` taken earlier keeps describing its own design.

    ``site_region`` and ``circle`` are read freely; they are written only through :meth:`assign` and
    :meth:`set_circle`, which copy them first while another store or a snapshot shares them.
    """

    def __init__(self, relief: Relief, lower_mm: FloatArray, tile_mm: float) -> None:
        n_sites = len(lower_mm)
        self.tile = tile_mm
        rings = relief.rings
        boxes = ring_boxes(rings)
        self.chunks: dict[int, Chunk] = {}
        self._chunks_owned = True  # whether the tile dict is this store's alone (copy on write, as the arrays)
        self._put(rings, boxes)
        self.region_depth = list(relief.region_depth_mm.tolist())
        self.alive = np.ones(relief.n_regions, dtype=bool)
        self.ring_count = np.bincount(rings.region, minlength=relief.n_regions).astype(np.intp)
        self.site_region = np.full(n_sites, -1, dtype=np.intp)
        pair_region = np.repeat(np.arange(relief.n_regions, dtype=np.intp), np.diff(relief.region_site_start))
        self.site_region[relief.region_site_rows] = pair_region
        self.circle = np.zeros(n_sites, dtype=bool)
        self.circle[relief.circle_site] = True
        self._owned = True  # whether site_region and circle are this store's alone
        sizes = np.diff(relief.region_site_start).astype(np.intp)
        self.region_size = sizes.copy()
        # per region the widest lower outline of its sites (the span check compares the span with it), and how
        # many of its sites have that outline (an edit taking the last of them away looks again)
        self.region_lower = np.full(relief.n_regions, np.nan)
        self.region_lower_n = np.zeros(relief.n_regions, dtype=np.intp)
        if relief.n_regions:
            per = lower_mm[relief.region_site_rows]
            nonempty = sizes > 0
            starts = relief.region_site_start[:-1][nonempty]
            self.region_lower[nonempty] = np.maximum.reduceat(per, starts)
            at_max = (per == np.repeat(self.region_lower, sizes)).astype(np.intp)
            self.region_lower_n[nonempty] = np.add.reduceat(at_max, starts)
        self.keys = set(distinct(np.concatenate([depth_key(relief.circle_depth_mm),
                                                  depth_key(relief.region_depth_mm)])).tolist())

    # -- tiles ---------------------------------------------------------------------------------------------
    def _key(self, x: FloatArray, y: FloatArray) -> NDArray[np.int64]:
        ix = np.floor(x / self.tile).astype(np.int64)
        iy = np.floor(y / self.tile).astype(np.int64)
        return ix * 2_000_003 + iy

    def _put(self, rings: RingSet, boxes: FloatArray) -> None:
        """Add rings (global region ids) to their tiles (copy-on-write of the touched chunks)."""
        if len(rings) == 0:
            return
        big = ((boxes[:, 2] - boxes[:, 0]) > self.tile) | ((boxes[:, 3] - boxes[:, 1]) > self.tile)
        key = np.where(big, BIG, self._key(boxes[:, 0], boxes[:, 1]))
        order = np.argsort(key, kind="stable").astype(np.intp)
        ks = key[order]
        by_tile = rings.take(order)  # one reordering, then each tile is a slice (not a pass over all rings)
        cuts = np.concatenate([[0], np.flatnonzero(np.diff(ks)) + 1, [len(order)]]).astype(np.intp)
        self._own_chunks()
        for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
            k = int(ks[a])
            part = order[a:b]
            add = by_tile.slice(a, b)
            old = self.chunks.get(k)
            if old is None:
                self.chunks[k] = Chunk(add, boxes[part])
            else:
                self.chunks[k] = Chunk(RingSet.concat([old.rings, add]), np.concatenate([old.boxes, boxes[part]]))

    def candidates(self, box: Box) -> list[int]:
        """Tile keys whose rings may meet ``box`` (small rings start at most a tile before it)."""
        x0 = int(np.floor((box[0] - self.tile) / self.tile))
        x1 = int(np.floor(box[2] / self.tile))
        y0 = int(np.floor((box[1] - self.tile) / self.tile))
        y1 = int(np.floor(box[3] / self.tile))
        keys = [ix * 2_000_003 + iy for ix in range(x0, x1 + 1) for iy in range(y0, y1 + 1)]
        return [k for k in [*keys, BIG] if k in self.chunks]

    def find(self, box: Box, test: Callable[[RingSet, Box], BoolArray]) -> dict[int, BoolArray]:
        """Per tile key, the rings for which ``test(rings, box)`` holds (only tiles with a hit)."""
        out: dict[int, BoolArray] = {}
        for k in self.candidates(box):
            ch = self.chunks[k]
            b = ch.boxes
            near = (b[:, 0] <= box[2]) & (b[:, 2] >= box[0]) & (b[:, 1] <= box[3]) & (b[:, 3] >= box[1])
            if not near.any():
                continue
            hit = np.zeros(len(ch.rings), dtype=bool)
            idx = np.flatnonzero(near)
            hit[idx] = test(ch.rings.subset(near), box)
            if hit.any():
                out[k] = hit
        return out

    def rings_of(self, found: dict[int, BoolArray]) -> RingSet:
        """The rings selected by a :meth:`find` result."""
        return RingSet.concat([self.chunks[k].rings.subset(hit) for k, hit in found.items()])

    def remove(self, found: dict[int, BoolArray]) -> None:
        """Drop the rings selected by a :meth:`find` result."""
        if found:
            self._own_chunks()
        for k, hit in found.items():
            ch = self.chunks[k]
            np.subtract.at(self.ring_count, ch.rings.region[hit], 1)
            keep = ~hit
            if keep.any():
                self.chunks[k] = Chunk(ch.rings.subset(keep), ch.boxes[keep])
            else:
                del self.chunks[k]

    def add(self, rings: RingSet) -> None:
        """Add rings whose ``region`` holds global region ids."""
        np.add.at(self.ring_count, rings.region, 1)
        self._put(rings, ring_boxes(rings))

    def new_regions(self, depths: list[float]) -> IntArray:
        """Fresh region ids for regions of these depths."""
        first = len(self.region_depth)
        self.region_depth.extend(depths)
        n = len(depths)
        self.alive = np.concatenate([self.alive, np.ones(n, dtype=bool)])
        self.ring_count = np.concatenate([self.ring_count, np.zeros(n, dtype=np.intp)])
        self.region_size = np.concatenate([self.region_size, np.zeros(n, dtype=np.intp)])
        self.region_lower = np.concatenate([self.region_lower, np.full(n, np.nan)])
        self.region_lower_n = np.concatenate([self.region_lower_n, np.zeros(n, dtype=np.intp)])
        return np.arange(first, first + n, dtype=np.intp)

    def _own_chunks(self) -> None:
        if not self._chunks_owned:
            self.chunks = dict(self.chunks)  # the chunks themselves are never changed, only replaced
            self._chunks_owned = True

    # -- per-site memberships ------------------------------------------------------------------------------
    def _own(self) -> None:
        if not self._owned:
            self.site_region = self.site_region.copy()
            self.circle = self.circle.copy()
            self._owned = True

    def set_circle(self, rows: IntArray, values: BoolArray) -> None:
        """Whether each of the sites ``rows`` stays a single circle."""
        self._own()
        self.circle[rows] = values

    def assign(self, rows: IntArray, regions: IntArray, lower_before: FloatArray, lower_now: FloatArray) -> None:
        """Put the sites ``rows`` (unique) in ``regions`` (-1: none); ``lower_before`` / ``lower_now``: every
        site's lower diameter before and after the edit, which differ at reassigned sites only.

        Sizes and widest outlines follow the sites that leave and join each region; a region that loses every
        site with its widest outline is looked at again (one pass over the sites for that region).
        """
        self._own()
        old = self.site_region[rows]
        leave, join = old >= 0, regions >= 0
        np.subtract.at(self.region_size, old[leave], 1)
        np.add.at(self.region_size, regions[join], 1)
        g_out, v_out = old[leave], lower_before[rows[leave]]
        at_max = v_out == self.region_lower[g_out]
        np.subtract.at(self.region_lower_n, g_out[at_max], 1)
        self.site_region[rows] = regions
        look = set(g_out[np.isnan(v_out)].tolist())
        g_in, v_in = regions[join], lower_now[rows[join]]
        look |= set(g_in[np.isnan(v_in)].tolist())  # NaN outlines: the region's maximum is NaN, as from scratch
        for g, v in zip(g_in.tolist(), v_in.tolist(), strict=True):
            m = self.region_lower[g]
            if np.isnan(m) or v > m:
                self.region_lower[g], self.region_lower_n[g] = v, 1
            elif v == m:
                self.region_lower_n[g] += 1
        look |= set(np.flatnonzero((self.region_lower_n <= 0) & (self.region_size > 0)).tolist())
        for g in look:
            members = np.flatnonzero(self.site_region == g)
            values = lower_now[members]
            m = float(np.max(values))
            self.region_lower[g], self.region_lower_n[g] = m, int(np.count_nonzero(values == m))
        empty = self.region_size <= 0
        self.region_lower[empty], self.region_lower_n[empty] = np.nan, 0

    def copy(self) -> ReliefStore:
        """A copy whose updates leave this one (and its snapshots) alone; rings are shared, not copied."""
        c = ReliefStore.__new__(ReliefStore)
        c.tile = self.tile
        c.chunks = self.chunks
        c._chunks_owned = self._chunks_owned = False
        c.region_depth = list(self.region_depth)
        c.alive = self.alive.copy()
        c.ring_count = self.ring_count.copy()
        c.site_region, c.circle = self.site_region, self.circle
        c._owned = self._owned = False
        c.region_size = self.region_size.copy()
        c.region_lower = self.region_lower.copy()
        c.region_lower_n = self.region_lower_n.copy()
        c.keys = set(self.keys)
        return c

    # -- the Relief ----------------------------------------------------------------------------------------
    def snapshot(self, lower_x: FloatArray, lower_y: FloatArray, lower_r: FloatArray,
                 relief_mm: FloatArray) -> Callable[[], Relief]:
        """A function assembling the :class:`Relief` of the store as it is now (called lazily)."""
        tiles = self.chunks
        self._chunks_owned = False  # the snapshot shares the tile dict: a later write copies it first
        alive = self.alive.copy()
        depth = np.asarray(self.region_depth, dtype=np.float64)
        site_region, circle = self.site_region, self.circle
        self._owned = False  # the snapshot shares them: a later write copies first

        def build() -> Relief:
            renum = np.full(len(alive), -1, dtype=np.intp)
            renum[alive] = np.arange(int(alive.sum()), dtype=np.intp)
            rings = RingSet.concat([c.rings for c in tiles.values()])
            order = np.lexsort((np.arange(len(rings)), rings.hole, renum[rings.region]))  # outer ring first
            rings = _reorder(rings, order)
            rings = RingSet(rings.xy, rings.bulge, rings.start, renum[rings.region], rings.hole)
            sites = np.flatnonzero(site_region >= 0).astype(np.intp)
            reg = renum[site_region[sites]]
            o = np.lexsort((sites, reg))
            n_reg = int(alive.sum())
            start = np.searchsorted(reg[o], np.arange(n_reg + 1)).astype(np.intp)
            cs = np.flatnonzero(circle).astype(np.intp)
            return Relief(
                circle_x_mm=lower_x[cs], circle_y_mm=lower_y[cs], circle_r_mm=lower_r[cs],
                circle_depth_mm=depth_key(relief_mm[cs]) / 1000.0, circle_site=cs, rings=rings,
                region_depth_mm=depth[alive], region_site_start=start, region_site_rows=sites[o],
            )

        return build


def _reorder(rings: RingSet, order: IntArray) -> RingSet:
    """The rings in the given order."""
    lengths = np.diff(rings.start)
    ln = lengths[order]
    start = np.concatenate([[0], np.cumsum(ln)]).astype(np.intp)
    idx = np.repeat(rings.start[:-1][order] - start[:-1], ln) + np.arange(int(start[-1]), dtype=np.intp)
    return RingSet(rings.xy[idx], rings.bulge[idx], start, rings.region[order], rings.hole[order])
