"""The largest unsupported span: the widest area inside the site area where no metal touches the device.

Where the lower relief of any depth is etched, the mask does not touch the device; the islands left on the lower
surface (:mod:`geometry.derive.islands`) and the metal around the relief do. The span of a connected etched
area is the diameter of its largest inscribed circle: the mask bridges at least that distance with no support
under it. Measured on the union of every relief layer, flattened to chords of :data:`SPAN_CHORD_MM` (a span is compared
with millimetres, and a finer outline would cost a large array gigabytes), located to the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from geometry.base.lazy import LazyModule
from geometry.derive.openings import opening_table
from geometry.derive.pairs import merge_graph
from geometry.derive.relief.arcs import _components
from geometry.derive.relief.covered import free_arcs, intervals, span_bounded
from geometry.derive.relief.merged import depth_key, lower_relief
from geometry.derive.relief.model import circle_ringset, region_polygons
from geometry.derive.repetition import Repeated, repetition
from geometry.derive.rings import RingSet
from geometry.model.design import Design

if TYPE_CHECKING:
    import shapely
else:
    shapely = LazyModule("shapely")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

SPAN_CHORD_MM = 1e-3
"""Chord error of the outlines the span is measured on, and its resolution (1 um)."""


@dataclass(frozen=True, eq=False)
class Span:
    """The widest unsupported area: its span (mm), a point in it (the mean of its sites' lower centres), the
    widest lower outline (d_l, mm) of the sites inside the area, and those sites' rows (sorted)."""

    span_mm: float
    x_mm: float
    y_mm: float
    lower_mm: float
    site_rows: IntArray


@lru_cache(maxsize=8)
def largest_span(design: Design) -> Span | None:
    """The etched area with the largest span, or None without relief.

    Ties (equal to 0.1 nm, as in the dies of a wafer) go to the area holding the lowest site row, so the span
    found on the whole design and on its first die agree. A relief of disks only (no channel, every site etched)
    takes :func:`_disk_spans`, which measures only the areas it cannot bound in closed form.
    """
    relief = lower_relief(design)
    if relief.n_regions == 0:  # single circles only: no etched area is wider than its own lower outline
        return None
    t = opening_table(design)
    graph = merge_graph(design)
    rows = t.rows
    if not graph.bridged.any() and bool((depth_key(t.relief_mm[rows]) > 0).all()):
        return _disk_spans(design)
    # the exact union of the layers (the islands' union, computed once), flattened: no shapely union of the
    # layers' polygons (minutes for a large array with channels); an etched site's centre lies in the area of its
    # own circle, so only the others (straight openings) are looked up
    parts, area_of, site_of = _etched_areas(design)
    rest = rows[~np.isin(rows, site_of)]
    if not len(parts):
        return None
    # the parts are the query (prepared once each), the centres the tree: a point-in-polygon test per centre
    inside_part, inside_pt = shapely.STRtree(shapely.points(t.lower_x_mm[rest], t.lower_y_mm[rest])).query(
        parts, predicate="contains")
    span = _inscribed(parts)
    return _best(design, span, np.concatenate([area_of, inside_part]), np.concatenate([site_of, rest[inside_pt]]))


def _etched_areas(design: Design) -> tuple[NDArray[np.object_], IntArray, IntArray]:
    """(areas as polygons, area of each etched site, those site rows): the union of every layer, flattened.

    Repeated units take their unit's union moved to every unit, as their relief is tiled, so copies of an area
    measure alike (ties go to the first unit, as on the unit alone).
    """
    # imported here: a relief of one depth bounds its span without the union of layers (issue 12)
    from geometry.derive.etched_holes import etched_union

    rep = repetition(design)
    if not isinstance(rep, Repeated):
        u = etched_union(design)
        return u.polygons(SPAN_CHORD_MM), u.area_of, u.site
    parts: list[NDArray[np.object_]] = []
    area_of: list[IntArray] = []
    site_of: list[IntArray] = []
    n = 0
    for g in rep.groups:
        u = etched_union(g.unit_design)
        unit = u.polygons(SPAN_CHORD_MM)
        counts = shapely.get_num_coordinates(unit)
        for off, rows in zip(g.offsets_mm, g.site_rows, strict=True):
            shift = np.repeat(off[None, :], int(counts.sum()), axis=0)
            parts.append(np.asarray(shapely.transform(unit, lambda p, s=shift: p + s), dtype=object))
            area_of.append(u.area_of + n)
            site_of.append(rows[u.site])
            n += len(unit)
    if not parts:
        return np.zeros(0, dtype=object), np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    return np.concatenate(parts), np.concatenate(area_of).astype(np.intp), np.concatenate(site_of).astype(np.intp)


def _inscribed(parts: NDArray[np.object_]) -> FloatArray:
    """Diameters of the largest inscribed circles of polygons, located to SPAN_CHORD_MM."""
    lines = shapely.maximum_inscribed_circle(parts, SPAN_CHORD_MM / 2.0)
    return 2.0 * np.asarray(shapely.length(lines), dtype=np.float64)


def _best(design: Design, span: FloatArray, part_of: IntArray, site_of: IntArray) -> Span:
    """The area of largest span (ties: the one holding the lowest site row), from each area's span and the
    (area, site row) pairs of the sites whose lower centres lie in it."""
    t = opening_table(design)
    first_row = np.full(len(span), np.iinfo(np.intp).max, dtype=np.intp)
    np.minimum.at(first_row, part_of, site_of)
    best = int(np.lexsort((first_row, -np.rint(span * 1e7)))[0])
    mine = np.sort(site_of[part_of == best])
    # the point: the mean of the area's lower centres (the inscribed circle's centre need not be unique, and
    # copies of one area must agree)
    c = (float(t.lower_x_mm[mine].mean()), float(t.lower_y_mm[mine].mean())) if len(mine) else (0.0, 0.0)
    lower = float(t.lower_mm[mine].max()) if len(mine) else 0.0
    mine.flags.writeable = False
    return Span(float(span[best]), float(c[0]), float(c[1]), lower, mine)


def _disk_spans(design: Design) -> Span:
    """The largest span of a relief that is a union of disks (every populated site etched, no channel).

    The areas are the connected groups of overlapping lower circles (any depth: the layers' union is measured).
    Let D(p) be the distance from a point p of the union to its outline. If p lies in disk k whose free arcs
    (the parts of its circle that no other disk covers, which are outline) leave no covered stretch longer than
    a third of a turn, some free point lies within 60 degrees of p's direction from the centre, so
    D(p) <= |p - q| <= r_k. An area all of whose disks are like that has the span of its widest disk, exactly
    (that disk lies in the area). This is the usual case (an array with islands between its openings). Only the
    other areas (islands that vanished, stacked disks) are flattened and measured with shapely, as before.
    """
    t = opening_table(design)
    graph = merge_graph(design)
    rows = t.rows
    n = len(t.sites)
    x, y, r = t.lower_x_mm, t.lower_y_mm, t.lower_mm / 2.0
    i, j = graph.i[graph.overlap], graph.j[graph.overlap]
    local = np.full(n, -1, dtype=np.intp)
    local[rows] = np.arange(len(rows), dtype=np.intp)
    n_comp, comp = _components(len(rows), local[i], local[j])
    bounded = lower_relief(design).site_span_bounded  # the relief's union found it already (one depth)
    certified = (bounded if bounded is not None else _surrounded(x, y, r, i, j, n))[rows]
    open_comp = np.bincount(comp, weights=~certified, minlength=n_comp) > 0
    span = _group_max(comp, t.lower_mm[rows], n_comp)
    if open_comp.any():
        parts = _open_parts(design, open_comp[comp[local[np.arange(n)]]] & (local >= 0))
        # each part is one area: the one of the first lower centre it holds
        part, pt = shapely.STRtree(shapely.points(x[rows], y[rows])).query(parts, predicate="contains")
        first = np.full(len(parts), -1, dtype=np.intp)
        first[part[::-1]] = pt[::-1]
        measured = _inscribed(parts)
        found = first >= 0
        span[comp[first[found]]] = measured[found]
    return _best(design, span, comp, rows)


def _group_max(group: IntArray, values: FloatArray, n_groups: int) -> FloatArray:
    """The largest value of each group (0 for an empty one; the values are diameters, not negative): grouped by
    a stable sort and reduced per group, not by ufunc.at, which holds the interpreter lock over a million sites
    while the window waits to paint."""
    out = np.zeros(n_groups)
    if not len(group):
        return out
    order = np.argsort(group, kind="stable")
    g = group[order]
    first = np.flatnonzero(np.concatenate([[True], g[1:] != g[:-1]]))
    out[g[first]] = np.maximum(np.maximum.reduceat(values[order], first), 0.0)
    return out


def _open_parts(design: Design, site_open: BoolArray) -> NDArray[np.object_]:
    """The etched areas holding the sites marked in ``site_open``, flattened to SPAN_CHORD_MM as the relief is
    for drawing: the relief regions and single circles of those sites, unioned over the depths."""
    relief = lower_relief(design)
    n_sites = relief.region_site_start[1:] - relief.region_site_start[:-1]
    region_of = np.repeat(np.arange(relief.n_regions, dtype=np.intp), n_sites)
    open_region = np.zeros(relief.n_regions, dtype=bool)
    open_region[region_of[site_open[relief.region_site_rows]]] = True
    ring_keep = open_region[relief.rings.region]
    rings = relief.rings.subset(ring_keep)
    kept = np.flatnonzero(open_region)
    renum = np.full(relief.n_regions, -1, dtype=np.intp)
    renum[kept] = np.arange(len(kept), dtype=np.intp)
    rings = RingSet(rings.xy, rings.bulge, rings.start, renum[rings.region], rings.hole)
    polys = list(region_polygons(rings, len(kept), SPAN_CHORD_MM))
    c = np.flatnonzero(site_open[relief.circle_site])
    circles = circle_ringset(relief.circle_x_mm[c], relief.circle_y_mm[c], relief.circle_r_mm[c])
    polys += list(region_polygons(circles, len(c), SPAN_CHORD_MM))
    return np.asarray(shapely.get_parts(shapely.union_all(polys)), dtype=object).reshape(-1)





def _surrounded(x: FloatArray, y: FloatArray, r: FloatArray, i: IntArray, j: IntArray, n: int) -> BoolArray:
    """Per circle: no stretch of it that other disks cover (overlapping pairs ``i, j``) is longer than SPAN_STRETCH_MAX.

    The free arcs come from :func:`geometry.derive.relief.covered.free_arcs` (one counting sort, no comparison sort);
    the covered stretches are the spaces between a circle's consecutive free arcs, and a circle with covering
    intervals but no free arc (or inside another disk) is covered all round.
    """
    d = np.hypot(x[j] - x[i], y[j] - y[i])
    inside = d <= np.abs(r[i] - r[j]) + 1e-9
    out = np.ones(n, dtype=bool)
    out[np.where(r[i] <= r[j], i, j)[inside]] = False
    i, j, d = i[~inside], j[~inside], d[~inside]
    if not len(i):
        return out
    owner, lo, length, _, _ = intervals(x, y, r, i, j, d)
    _, end_iv, start, sweep = free_arcs(owner, lo, length, n)
    return span_bounded(n, ~out, owner, owner[end_iv], start, sweep)
