"""The lower relief computed: per depth, the exact union of lower circles and channels.

What the result means is in :mod:`geometry.derive.relief.model`.

Depths without channels use the exact, polygon-free union of disks of :mod:`geometry.derive.relief.arcs` (a
100,000-opening array merges in about a second); depths with channels use the exact, polygon-free union of disks
and channel quads of :mod:`geometry.derive.relief.channels` (a 317 x 317 grid with every diagonal bridged in a few
seconds). Components whose boundaries meet in a degenerate point go through :mod:`geometry.derive.relief.general`
(shapely on fine polygons, then exact arcs recovered).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from geometry.base.arrays import distinct, distinct_rows
from geometry.base.lazy import LazyModule
from geometry.derive.openings import opening_table
from geometry.derive.pairs import MergeGraph, merge_graph
from geometry.derive.relief.arcs import circle_union
from geometry.derive.relief.model import (
    HOLE_MIN_MM2,
    BoolArray,
    FloatArray,
    IntArray,
    Relief,
    densify_rings,
    depth_key,
)
from geometry.derive.repetition import Repeated, repetition
from geometry.derive.rings import RingSet
from geometry.model.design import Design

if TYPE_CHECKING:
    import shapely
else:
    shapely = LazyModule("shapely")

__all__ = ["Relief", "densify_rings", "depth_key", "lower_relief", "whole_relief"]


@dataclass
class _Parts:
    """Accumulates the relief while walking the depths."""

    cx: list[FloatArray]
    cy: list[FloatArray]
    cr: list[FloatArray]
    cd: list[FloatArray]
    cs: list[IntArray]
    rings: list[RingSet]
    region_depth: list[FloatArray]
    pair_region: list[IntArray]
    pair_site: list[IntArray]
    n_regions: int = 0
    site_span_bounded: BoolArray | None = None

    def add_regions(self, rings: RingSet, n: int, depth: float, region: IntArray, site: IntArray,
                    areas: FloatArray | None = None) -> None:
        """Add n regions (ring regions and (region, site) pairs numbered 0..n-1 locally); ``areas`` are the
        rings' signed areas when the caller has them."""
        off = self.n_regions
        # A hole smaller than (0.03 um)^2 is rounding (arcs meeting in one point), not a metal island.
        a = rings.signed_areas() if areas is None else areas
        rings = rings.subset(~rings.hole | (np.abs(a) >= HOLE_MIN_MM2))
        self.rings.append(RingSet(rings.xy, rings.bulge, rings.start, rings.region + off, rings.hole))
        self.region_depth.append(np.full(n, depth))
        self.pair_region.append(region + off)
        self.pair_site.append(site)
        self.n_regions += n




def _general_regions(cx: FloatArray, cy: FloatArray, cr: FloatArray, csite: IntArray, k1: IntArray, k2: IntArray,
                     kx: FloatArray, ky: FloatArray, kr: FloatArray) -> tuple[RingSet, int, IntArray, IntArray,
                                                                                BoolArray]:
    """Union of disks and capsules (capsule k joins sites k1[k], k2[k]; lower circles of all sites in kx, ky, kr).

    Returns (rings, number of regions, (region, site) pairs, and which disks came out alone: they stay circles).
    """
    # imported here: only components whose boundaries meet in a degenerate point come this way (issue 12)
    from geometry.derive.relief.general import capsule_polygon, disk_polygons, recover_arcs, tangent_points

    caps = [capsule_polygon(np.array([kx[a], ky[a]]), float(kr[a]), np.array([kx[b], ky[b]]), float(kr[b]))
            for a, b in zip(k1, k2, strict=True)]
    polys = list(shapely.get_parts(shapely.union_all(disk_polygons(cx, cy, cr) + caps)))
    tree = shapely.STRtree(polys)
    pts = np.concatenate([np.column_stack([cx, cy]),
                          np.column_stack([(kx[k1] + kx[k2]) / 2.0, (ky[k1] + ky[k2]) / 2.0])])
    elem, poly = tree.query(shapely.points(pts), predicate="within")
    n_disk = len(cx)
    count = np.bincount(poly, minlength=len(polys))
    has_cap = np.bincount(poly[elem >= n_disk], minlength=len(polys)) > 0
    alone_poly = (count == 1) & ~has_cap
    alone = np.zeros(n_disk, dtype=bool)
    alone[elem[(elem < n_disk) & alone_poly[poly]]] = True
    keep_poly = np.flatnonzero(~alone_poly)
    renum = np.full(len(polys), -1, dtype=np.intp)
    renum[keep_poly] = np.arange(len(keep_poly), dtype=np.intp)
    prim = np.unique(np.round(np.concatenate([np.column_stack([cx, cy, cr]), np.column_stack([kx, ky, kr])[
        np.concatenate([k1, k2])]]), 12), axis=0)
    a1, b1, a2, b2 = tangent_points(np.column_stack([kx[k1], ky[k1]]), kr[k1], np.column_stack([kx[k2], ky[k2]]),
                                    kr[k2])
    s0, s1 = np.concatenate([a1, a2]), np.concatenate([b1, b2])
    real = np.hypot(*(s1 - s0).T) > 1e-9
    rings = recover_arcs([polys[i] for i in keep_poly], prim, s0[real], s1[real])
    pr = renum[poly]
    ok = pr >= 0
    disk_sel = ok & (elem < n_disk)
    cap_sel = ok & (elem >= n_disk)
    cap_k = elem[cap_sel] - n_disk
    region = np.concatenate([pr[disk_sel], pr[cap_sel], pr[cap_sel]])
    site = np.concatenate([csite[elem[disk_sel]], k1[cap_k], k2[cap_k]])
    return rings, len(keep_poly), region, site, alone


@lru_cache(maxsize=8)
def lower_relief(design: Design) -> Relief:
    """The lower relief of a design: single circles and merged regions per depth (see the model's docstring).

    A design of repeated units (:func:`geometry.derive.repetition.repetition`) is computed on one unit per group
    of alike units and tiled, which gives the same relief as the whole-design computation in a fraction of the
    time and memory; an edit inside one unit recomputes that unit only (the other groups' unit reliefs are
    cached on their unit designs).
    """
    rep = repetition(design)
    if isinstance(rep, Repeated):
        from geometry.derive.relief.repeated import assembled_relief  # only repeated units are tiled (issue 12)

        return assembled_relief(rep, lower_relief)
    return whole_relief(design)


def whole_relief(design: Design, *, polygon_channels: bool = False) -> Relief:
    """The lower relief computed over every site of the design at once (no repetition).

    ``polygon_channels`` sends every depth with channels through the polygon path (the reference the exact path
    is tested against) instead of :mod:`geometry.derive.relief.channels`.
    """
    table = opening_table(design)
    graph = merge_graph(design)
    rows = table.rows
    key = depth_key(table.relief_mm[rows])
    lx, ly, lr = table.lower_x_mm, table.lower_y_mm, table.lower_mm / 2.0
    ch = np.flatnonzero(graph.bridged)
    ch_key = depth_key(graph.channel_depth_mm[ch])
    parts = _Parts([], [], [], [], [], [], [], [], [])
    depths = distinct(np.concatenate([key[key > 0], ch_key[ch_key > 0]]))
    # one depth of disks over every populated site: the union also tells the span check which disks its bound
    # holds for (the same free arcs)
    span_bounds = len(depths) == 1 and not len(ch) and bool((key > 0).all())
    for k in depths:
        depth = float(k) / 1000.0
        s = rows[key == k]
        x, y, r = lx[s], ly[s], lr[s]
        cpairs = ch[ch_key == k]
        k1, k2 = graph.i[cpairs], graph.j[cpairs]
        if len(cpairs):
            _channel_depth(parts, depth, s, k1, k2, lx, ly, lr, polygons=polygon_channels)
            continue
        u = circle_union(x, y, r, _graph_candidates(graph, s, len(lx), design), span_bounds=span_bounds)
        if u.span_bounded is not None:
            parts.site_span_bounded = np.zeros(len(lx), dtype=bool)
            parts.site_span_bounded[s] = u.span_bounded
        in_general = u.bad[u.component]
        single = (u.sizes[u.component] == 1) & ~in_general
        # Fast path: components of two disks or more, renumbered 0..n-1.
        fast = (u.sizes > 1) & ~u.bad
        fast_ids = np.flatnonzero(fast)
        renum = np.full(u.n_components, -1, dtype=np.intp)
        renum[fast_ids] = np.arange(len(fast_ids), dtype=np.intp)
        ring_fast = fast[u.rings.region]
        fr = u.rings.subset(ring_fast)
        in_fast = np.flatnonzero(fast[u.component])
        parts.add_regions(RingSet(fr.xy, fr.bulge, fr.start, renum[fr.region], fr.hole), len(fast_ids), depth,
                          renum[u.component[in_fast]], s[in_fast],
                          None if u.areas is None else u.areas[ring_fast])
        gd = np.flatnonzero(in_general)
        alone_rows = np.zeros(0, dtype=np.intp)
        if len(gd):
            e = np.zeros(0, dtype=np.intp)
            g_rings, n_g, g_region, g_site, alone = _general_regions(x[gd], y[gd], r[gd], s[gd], e, e, lx, ly, lr)
            parts.add_regions(g_rings, n_g, depth, g_region, g_site)
            alone_rows = gd[alone]
        one = np.concatenate([np.flatnonzero(single), alone_rows])
        parts.cx.append(x[one])
        parts.cy.append(y[one])
        parts.cr.append(r[one])
        parts.cd.append(np.full(len(one), depth))
        parts.cs.append(s[one])
    return _assemble(parts)


def _graph_candidates(graph: MergeGraph, s: IntArray, n_sites: int, design: Design
                      ) -> tuple[IntArray, IntArray] | None:
    """The merge graph's pairs among site rows ``s`` (as indices into ``s``): every pair of lower circles that
    overlaps is in the graph (its gap is below the web minimum), so the union need not query the centres again.
    None when the web minimum is too small to be sure of that."""
    if not design.effective_limits().web_min_mm > 1e-6:
        return None
    local = np.full(n_sites, -1, dtype=np.intp)
    local[s] = np.arange(len(s), dtype=np.intp)
    li, lj = local[graph.i], local[graph.j]
    both = (li >= 0) & (lj >= 0)
    return li[both], lj[both]


def _channel_depth(parts: _Parts, depth: float, s: IntArray, k1: IntArray, k2: IntArray, lx: FloatArray,
                   ly: FloatArray, lr: FloatArray, *, polygons: bool = False) -> None:
    """One depth with channels: the exact union of :mod:`geometry.derive.relief.channels`, degenerate components through
    the polygon path. ``s`` are the site rows of this depth; channels join site rows ``k1[c]``, ``k2[c]``."""
    # imported here: a relief without channels (most devices) never needs the channel union (issue 12)
    from geometry.derive.relief.channels import ChannelUnion, channel_union

    rows = distinct_rows(len(lx), s, k1, k2)  # every end disk is part of its capsule at the channel's depth
    x, y, r = lx[rows], ly[rows], lr[rows]
    e1, e2 = np.searchsorted(rows, k1), np.searchsorted(rows, k2)
    u = channel_union(x, y, r, e1, e2)
    if polygons:
        u = ChannelUnion(u.component, u.channel_component, u.n_components, u.sizes, RingSet.empty(),
                         u.sizes > 1)
    fast = (u.sizes > 1) & ~u.bad
    fast_ids = np.flatnonzero(fast)
    renum = np.full(u.n_components, -1, dtype=np.intp)
    renum[fast_ids] = np.arange(len(fast_ids), dtype=np.intp)
    fr = u.rings
    in_fast = np.flatnonzero(fast[u.component])
    parts.add_regions(RingSet(fr.xy, fr.bulge, fr.start, renum[fr.region], fr.hole), len(fast_ids), depth,
                      renum[u.component[in_fast]], rows[in_fast])
    gd = np.flatnonzero(u.bad[u.component])
    one = np.flatnonzero((u.sizes[u.component] == 1) & ~u.bad[u.component])
    gc = np.flatnonzero(u.bad[u.channel_component])
    if len(gd):
        g_rings, n_g, g_region, g_site, alone = _general_regions(x[gd], y[gd], r[gd], rows[gd], k1[gc], k2[gc], lx,
                                                                 ly, lr)
        parts.add_regions(g_rings, n_g, depth, g_region, g_site)
        one = np.concatenate([one, gd[alone]])
    parts.cx.append(x[one])
    parts.cy.append(y[one])
    parts.cr.append(r[one])
    parts.cd.append(np.full(len(one), depth))
    parts.cs.append(rows[one])


def _assemble(parts: _Parts) -> Relief:
    def cat(a: list[FloatArray]) -> FloatArray:
        return np.concatenate(a) if a else np.zeros(0)

    circle_site = np.concatenate(parts.cs).astype(np.intp) if parts.cs else np.zeros(0, dtype=np.intp)
    order = np.argsort(circle_site, kind="stable") if len(circle_site) else np.zeros(0, dtype=np.intp)
    pr = np.concatenate(parts.pair_region) if parts.pair_region else np.zeros(0, dtype=np.intp)
    ps = np.concatenate(parts.pair_site) if parts.pair_site else np.zeros(0, dtype=np.intp)
    # (region, site) pairs sorted and unique, through one integer key (a 1-D sort, not a sort of rows)
    width = np.int64(int(ps.max()) + 1) if len(ps) else np.int64(1)
    key = np.sort(pr.astype(np.int64) * width + ps.astype(np.int64))
    if len(key):
        key = key[np.concatenate([[True], key[1:] != key[:-1]])]
    pairs = np.column_stack([key // width, key % width])
    site_start = np.searchsorted(pairs[:, 0], np.arange(parts.n_regions + 1)).astype(np.intp)
    relief = Relief(
        circle_x_mm=cat(parts.cx)[order], circle_y_mm=cat(parts.cy)[order], circle_r_mm=cat(parts.cr)[order],
        circle_depth_mm=cat(parts.cd)[order], circle_site=circle_site[order],
        rings=RingSet.concat(parts.rings), region_depth_mm=cat(parts.region_depth),
        region_site_start=site_start, region_site_rows=pairs[:, 1].astype(np.intp),
        site_span_bounded=parts.site_span_bounded,
    )
    for a in (relief.circle_x_mm, relief.circle_y_mm, relief.circle_r_mm, relief.circle_depth_mm, relief.circle_site,
              relief.region_depth_mm, relief.region_site_start, relief.region_site_rows, relief.rings.xy,
              relief.rings.bulge, relief.rings.start, relief.rings.region, relief.rings.hole,
              *([] if parts.site_span_bounded is None else [parts.site_span_bounded])):
        a.flags.writeable = False
    return relief
