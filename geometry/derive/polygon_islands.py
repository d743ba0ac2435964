"""The polygon path of the island measurements (:mod:`geometry.derive.islands`): holes flattened, measured with
shapely, and cut by the other depths' relief polygons.

It measures the holes the closed forms do not take (one depth, more than
:data:`~geometry.derive.arc_islands.MAX_VERTICES` vertices), and it is the reference the closed forms are tested
against (``whole_islands(..., polygons=True)``).

Each island is measured on its outline flattened to chords of ``CHORD_TOL_MM`` (arcs kept exact to that):

* ``inscribed_mm``: the diameter of its largest inscribed circle (shapely's maximum inscribed circle, located to
  ``CHORD_TOL_MM``); the island's centre is its centroid;
* ``width_mm``: its narrowest width, the smallest distance between two parallel lines enclosing it (rotating
  calipers on the convex hull). It is never below the inscribed diameter.

An island that another depth's relief cuts is cut with that relief flattened to ``COARSE_MM`` (a large array's
relief at 2 nm would take gigabytes): such islands are measured to 0.1 um. The cut takes each hole as its outer
ring only, so a region of its own depth inside a hole (a lone channel inside a large hole of the channel layer)
does not cut it.

Holes are many but their shapes are few: holes are grouped by shape (vertices relative to their lowest corner, to
0.1 nm, and bulges), each distinct shape is measured once and the result translated to every copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from geometry.base.arrays import distinct
from geometry.base.lazy import LazyModule
from geometry.base.spatial import points_near
from geometry.derive.openings import opening_table
from geometry.derive.relief.merged import Relief, densify_rings, depth_key
from geometry.derive.rings import RingSet
from geometry.model.design import Design

if TYPE_CHECKING:
    import shapely
else:
    shapely = LazyModule("shapely")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

CHORD_TOL_MM = 2e-6
"""Chord error of the flattened island outlines (2 nm: far below anything a mask is specified to)."""
def _polygons(rings: RingSet) -> NDArray[np.object_]:
    """Every ring of ``rings`` as one shapely polygon (no holes)."""
    if len(rings) == 0:
        return np.zeros(0, dtype=object)
    pts, ring_of = densify_rings(rings, CHORD_TOL_MM)
    return np.asarray(shapely.polygons(shapely.linearrings(pts, indices=ring_of)), dtype=object).reshape(-1)


def min_width(polygon: shapely.Geometry) -> float:
    """The narrowest width of a polygon: the smallest caliper distance of its convex hull."""
    hull = shapely.convex_hull(polygon)
    if not isinstance(hull, shapely.Polygon):
        return 0.0
    xy = np.asarray(hull.exterior.coords)[:-1]
    e = np.roll(xy, -1, axis=0) - xy
    length = np.hypot(e[:, 0], e[:, 1])
    ok = length > 0
    normal = np.column_stack([-e[ok, 1], e[ok, 0]]) / length[ok, None]
    # distance of every hull vertex from every edge's line; the width across an edge is the largest of them
    dist = np.abs(np.einsum("ekc,ec->ek", xy[None, :, :] - xy[ok][:, None, :], normal))
    return float(dist.max(axis=1).min())


def measure(polygons: NDArray[np.object_]) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """(centroid x, centroid y, inscribed diameter, narrowest width) of every polygon.

    The centroid, not the inscribed circle's centre, is the point reported: an elongated island has many
    largest inscribed circles, and which one the search finds depends on round-off, so copies of one island
    would not agree.
    """
    n = len(polygons)
    if n == 0:
        z = np.zeros(0)
        return z, z, z, z
    lines = shapely.maximum_inscribed_circle(polygons, CHORD_TOL_MM / 2.0)
    c = shapely.get_coordinates(shapely.centroid(polygons))
    radius = shapely.length(lines)
    width = np.array([min_width(p) for p in polygons.tolist()])
    return c[:, 0], c[:, 1], 2.0 * np.asarray(radius, dtype=np.float64), width


def _shape_groups(rings: RingSet) -> tuple[IntArray, IntArray]:
    """(representative ring per shape, shape of every ring): rings equal up to a translation share a shape."""
    n = len(rings)
    lengths = np.diff(rings.start)
    shape = np.empty(n, dtype=np.intp)
    reps: list[IntArray] = []
    next_id = 0
    lo = np.minimum.reduceat(rings.xy, rings.start[:-1], axis=0) if n else np.zeros((0, 2))
    for m in np.unique(lengths):
        members = np.flatnonzero(lengths == m)
        idx = rings.start[members][:, None] + np.arange(m)[None, :]
        rel = rings.xy[idx] - lo[members][:, None, :]
        key = np.concatenate([np.rint(rel.reshape(len(members), -1) * 1e7),
                              np.rint(rings.bulge[idx] * 1e9)], axis=1).astype(np.int64)
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        shape[members] = next_id + inverse.reshape(-1)
        reps.append(members[first])
        next_id += len(first)
    return (np.concatenate(reps) if reps else np.zeros(0, dtype=np.intp)), shape


@dataclass(frozen=True, eq=False)
class _Found:
    """Islands found in a relief: island k has the outline ``shapes[shape[k]]`` moved by ``shift[k]``."""

    x: FloatArray
    y: FloatArray
    inscribed: FloatArray
    width: FloatArray
    depth: FloatArray
    shape: IntArray
    shift: FloatArray
    shapes: NDArray[np.object_]
    coarse: NDArray[np.object_]


COARSE_MM = 1e-4
"""How much larger than an island its coarse outline may be (for the searches, never for measuring)."""


def _coarse(shapes: NDArray[np.object_]) -> NDArray[np.object_]:
    """Outlines with few vertices that cover each shape and stay within COARSE_MM of it: simplified by half of
    it, then grown by the other half (the simplified ring is within that of the original on both sides)."""
    if not len(shapes):
        return np.zeros(0, dtype=object)
    h = COARSE_MM / 2.0
    out = shapely.buffer(shapely.simplify(shapes, h), h, quad_segs=2, join_style="mitre")
    return np.asarray(out, dtype=object)


def _found(cols: list[FloatArray], shape: IntArray, shift: FloatArray, shapes: NDArray[np.object_]) -> _Found:
    x, y, inscribed, width, depth = cols
    return _Found(x, y, inscribed, width, depth, shape, shift, shapes, _coarse(shapes))


def _no_found() -> _Found:
    z = np.zeros(0)
    return _found([z, z, z, z, z], np.zeros(0, dtype=np.intp), np.zeros((0, 2)), np.zeros(0, dtype=object))


def _measured_holes(relief: Relief, holes: RingSet, depth: FloatArray) -> _Found:
    """Holes measured on polygons, once per distinct shape, then cut by the other depths' relief."""
    if not len(holes):
        return _no_found()
    reps, shape = _shape_groups(holes)
    keep = np.zeros(len(holes), dtype=bool)
    keep[reps] = True
    lo = np.minimum.reduceat(holes.xy, holes.start[:-1], axis=0)
    # every shape measured in its own frame (lowest corner at the origin), so that copies anywhere, in a unit or
    # in the whole design, measure the same numbers
    local = RingSet(holes.xy - np.repeat(lo, np.diff(holes.start), axis=0), holes.bulge, holes.start, holes.region,
                    holes.hole)
    shapes = np.empty(len(reps), dtype=object)
    shapes[np.argsort(reps)] = _polygons(local.subset(keep))  # subset keeps ring order: sorted reps
    cx, cy, ins, wid = measure(shapes)
    found = _found([cx[shape] + lo[:, 0], cy[shape] + lo[:, 1], ins[shape], wid[shape], depth], shape, lo, shapes)
    if _depth_count(relief) <= 1:
        return found
    return _cut_by_other_depths(relief, found)


def _depth_count(relief: Relief) -> int:
    return len(distinct(np.concatenate([depth_key(relief.circle_depth_mm), depth_key(relief.region_depth_mm)])))


def _placed(f: _Found, which: IntArray, coarse: bool = False) -> NDArray[np.object_]:
    """The outlines of islands ``which`` in design coordinates (each shape moved by its island's shift)."""
    geoms = np.asarray((f.coarse if coarse else f.shapes)[f.shape[which]], dtype=object)
    if not len(which):
        return geoms
    counts = shapely.get_num_coordinates(geoms)
    shift = np.repeat(f.shift[which], counts, axis=0)
    return np.asarray(shapely.transform(geoms, lambda p: p + shift), dtype=object)


def _cut_by_other_depths(relief: Relief, f: _Found) -> _Found:
    """Each island minus the relief of the other depths (where that is etched, the metal does not reach down).

    Vectorised the way round that is cheap: the relief's parts (few, large) are the queries, prepared once, and
    the islands (many, small) the tree; an island inside one part is gone, an island no part touches stays as
    measured, and only the few that are cut are differenced and measured again.
    """
    layers = relief.to_shapely(COARSE_MM)  # inside the true relief by at most COARSE_MM
    keys = depth_key(f.depth)
    # the searches use the coarse outlines, which cover the islands: covered coarse means covered; a coarse
    # outline that meets a part is cut exactly below
    tree = shapely.STRtree(_placed(f, np.arange(len(f.x), dtype=np.intp), coarse=True))
    part_geoms: list[shapely.Geometry] = []
    part_key: list[int] = []
    for d, g in layers.items():
        for p in shapely.get_parts(g):
            part_geoms.append(p)
            part_key.append(int(depth_key(d)))
    parts = np.asarray(part_geoms, dtype=object)
    pkey = np.asarray(part_key, dtype=np.int64)
    gone = np.zeros(len(f.x), dtype=bool)
    cut = np.zeros(len(f.x), dtype=bool)
    if len(parts):
        qp, qi = tree.query(parts, predicate="covers")
        other = pkey[qp] != keys[qi]
        gone[qi[other]] = True
        qp, qi = tree.query(parts, predicate="intersects")
        other = (pkey[qp] != keys[qi]) & ~gone[qi]
        cut[qi[other]] = True
        hits_p, hits_i = qp[other], qi[other]
    rows: list[tuple[float, float, float, float, float]] = []
    geoms: list[shapely.Geometry] = []
    keep = ~gone & ~cut
    cut_rows = np.flatnonzero(cut)
    exact = _placed(f, cut_rows)
    for n, k in enumerate(cut_rows.tolist()):
        rest = shapely.difference(exact[n], shapely.union_all(parts[hits_p[hits_i == k]]))
        pieces = [p for p in shapely.get_parts(rest) if isinstance(p, shapely.Polygon) and p.area > 1e-12]
        if not pieces:
            continue
        px, py, pi, pw = measure(np.asarray(pieces, dtype=object))
        rows.extend((float(a), float(b), float(c), float(e), float(f.depth[k]))
                    for a, b, c, e in zip(px, py, pi, pw, strict=True))
        geoms.extend(pieces)
    # islands kept whole first, in relief order, then the pieces of cut ones
    kept = np.flatnonzero(keep)
    n_new = len(rows)
    cols = [np.concatenate([col[kept], np.array([r[c] for r in rows], dtype=np.float64)])
            for c, col in enumerate((f.x, f.y, f.inscribed, f.width, f.depth))]
    shapes = np.empty(len(f.shapes) + n_new, dtype=object)
    shapes[:len(f.shapes)] = f.shapes
    shapes[len(f.shapes):] = geoms
    shape = np.concatenate([f.shape[kept], len(f.shapes) + np.arange(n_new, dtype=np.intp)])
    shift = np.concatenate([f.shift[kept], np.zeros((n_new, 2))])
    return _found(cols, shape, shift, shapes)



def _sites_around(design: Design, f: _Found) -> tuple[IntArray, IntArray]:
    """(start, rows): for every island, the sites whose relief bounds it.

    Those are the sites whose lower circle comes within the island's inscribed radius of its outline: a circle
    that bounds it touches it; a channel that bounds it runs between two sites whose circles end at the island's
    corners (for a square island between channels of width 2 R on a pitch P, (sqrt(2) - 1) R away, less than its
    inscribed radius P/2 - R while the channels are needed); sites one row further are a pitch away.
    """
    t = opening_table(design)
    rows = t.rows
    n = len(f.x)
    if not n or not len(rows):
        return np.zeros(n + 1, dtype=np.intp), np.zeros(0, dtype=np.intp)
    cx, cy, r = t.lower_x_mm[rows], t.lower_y_mm[rows], t.lower_mm[rows] / 2.0
    # the farthest outline point from the island's centre bounds where a touching circle's centre can be
    verts = [shapely.get_coordinates(p) for p in f.coarse.tolist()]
    local = np.column_stack([f.x - f.shift[:, 0], f.y - f.shift[:, 1]])
    first = np.zeros(len(f.shapes), dtype=np.intp)
    first[f.shape[::-1]] = np.arange(n, dtype=np.intp)[::-1]
    reach = np.array([float(np.hypot(*(v - local[first[s]]).T).max()) if len(v) else 0.0
                      for s, v in enumerate(verts)])
    near = f.inscribed / 2.0 + 1e-6
    isl, cand = points_near(f.x, f.y, cx, cy, reach[f.shape] + float(r.max()) + near)
    pts = shapely.points(cx[cand] - f.shift[isl, 0], cy[cand] - f.shift[isl, 1])
    touching = shapely.distance(f.coarse[f.shape[isl]], pts) - r[cand] <= near[isl]
    isl, cand = isl[touching], rows[cand[touching]]
    order = np.lexsort((cand, isl))
    isl, cand = isl[order], cand[order]
    return np.searchsorted(isl, np.arange(n + 1)).astype(np.intp), cand
