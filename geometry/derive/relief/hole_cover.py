"""What a relief's merged regions and holes are once the depth layers are stacked.

A relief of several depths (a stepped-tapered opening: a shallow wide step and a deep narrow taper) has regions at
every depth; one group of interconnected openings appears once per depth. Counting them per layer counts the
same group twice, so :func:`merged_groups` joins regions that share an opening. A hole of a deep layer's region
is metal left above that depth; where a shallower layer's outline covers it, that metal is etched down to the
shallower depth from the lower side and does not reach the lower surface (it is a raised step inside the
relief, not an island at full thickness). :func:`hole_kinds` tells the two apart for every hole ring by testing a
point inside the hole against the shallower layers (their regions with their own holes, and their single
circles).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import shapely
from numpy.typing import NDArray

from geometry.base.arrays import distinct
from geometry.base.spatial import components
from geometry.derive.relief.model import Relief, densify_rings, depth_key
from geometry.derive.rings import RingSet

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]


class Layers(Protocol):
    """What the hole tests read of a relief (:class:`geometry.derive.relief.model.Relief`, or an artwork's
    relief layers put together): the rings with their regions' depths, and the single circles."""

    @property
    def rings(self) -> RingSet: ...
    @property
    def region_depth_mm(self) -> FloatArray: ...
    @property
    def circle_x_mm(self) -> FloatArray: ...
    @property
    def circle_y_mm(self) -> FloatArray: ...
    @property
    def circle_r_mm(self) -> FloatArray: ...
    @property
    def circle_depth_mm(self) -> FloatArray: ...


def merged_groups(relief: Relief) -> tuple[int, int]:
    """(groups of interconnected openings over all depths, openings they join), each counted once."""
    n = relief.n_regions
    if n == 0:
        return 0, 0
    counts = np.diff(relief.region_site_start)
    region_of = np.repeat(np.arange(n), counts)
    sites, site_idx = np.unique(relief.region_site_rows, return_inverse=True)
    m = len(sites)
    # bipartite graph regions -- sites; its components are the groups
    _, labels = components(n + m, region_of, n + site_idx)
    return len(distinct(labels[:n])), int(m)


def _ring_polygons(rs: RingSet, rings: IntArray, chord_tol_mm: float) -> NDArray[np.object_]:
    """The rings ``rings`` of ``rs`` each as one shapely polygon (no holes), in one vectorised pass."""
    keep = np.zeros(len(rs), dtype=bool)
    keep[rings] = True
    sub = rs.subset(keep)  # in ring order: ``rings`` must be ascending
    pts, ring_of = densify_rings(sub, chord_tol_mm)
    return np.asarray(shapely.polygons(shapely.linearrings(pts, indices=ring_of)), dtype=object).reshape(-1)


def _inner_points(polys: NDArray[np.object_]) -> NDArray[np.float64]:
    """A point inside each polygon (its vertex mean where a polygon is degenerate), shape (n, 2)."""
    out = np.zeros((len(polys), 2))
    if not len(polys):
        return out
    good = shapely.is_valid(polys) & (shapely.area(polys) > 0)
    if good.any():
        out[good] = shapely.get_coordinates(shapely.point_on_surface(polys[good]))
    for i in np.flatnonzero(~good).tolist():  # rare: a hole that rounding made degenerate
        out[i] = shapely.get_coordinates(polys[i]).mean(axis=0)
    return out


def _region_polygons(rs: RingSet, chord_tol_mm: float) -> tuple[IntArray, NDArray[np.object_]]:
    """(region ids, one polygon with its holes per region), every region's outer ring as its shell."""
    order = np.lexsort((rs.hole, rs.region)).astype(np.intp)
    lengths = np.diff(rs.start)[order]
    start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
    idx = np.repeat(rs.start[:-1][order] - start[:-1], lengths) + np.arange(int(start[-1]), dtype=np.intp)
    ordered = RingSet(rs.xy[idx], rs.bulge[idx], start, rs.region[order], rs.hole[order])
    pts, ring_of = densify_rings(ordered, chord_tol_mm)
    lr = shapely.linearrings(pts, indices=ring_of)
    regions, group = np.unique(ordered.region, return_inverse=True)
    return regions.astype(np.intp), np.asarray(shapely.polygons(lr, indices=group), dtype=object).reshape(-1)


def hole_kinds(relief: Layers, chord_tol_mm: float = 1e-4) -> tuple[IntArray, BoolArray]:
    """For every hole ring of the relief: (its ring index, whether its metal reaches the lower surface).

    A hole whose inside lies under a shallower layer's outline is covered (False); every other hole is an island
    of metal at full thickness on the lower surface (True). Single-depth reliefs: every hole reaches it.
    """
    rs = relief.rings
    holes = np.flatnonzero(rs.hole).astype(np.intp)
    reach = np.ones(len(holes), dtype=bool)
    if not len(holes):
        return holes, reach
    rkey = depth_key(relief.region_depth_mm)
    ckey = depth_key(relief.circle_depth_mm)
    hole_key = rkey[rs.region[holes]]
    if len(distinct(np.concatenate([rkey, ckey]))) < 2:
        return holes, reach
    pts = _inner_points(_ring_polygons(rs, holes, chord_tol_mm))
    reg_ids, reg_polys = _region_polygons(rs, chord_tol_mm)
    polys = list(zip(rkey[reg_ids].tolist(), reg_polys.tolist(), strict=True))
    for depth in distinct(hole_key).tolist():
        sel = np.flatnonzero(hole_key == depth)
        x, y = pts[sel, 0], pts[sel, 1]
        covered = np.zeros(len(sel), dtype=bool)
        shallower = [p for d, p in polys if d < depth]
        if shallower:
            covered |= shapely.contains_xy(shapely.union_all(shallower), x, y)
        cm = ckey < depth
        if cm.any():
            cx, cy, cr = relief.circle_x_mm[cm], relief.circle_y_mm[cm], relief.circle_r_mm[cm]
            from scipy.spatial import cKDTree

            tree = cKDTree(np.column_stack([cx, cy]))
            near = tree.query_ball_point(np.column_stack([x, y]), float(cr.max()))
            for i, cand in enumerate(near):
                if cand and bool(np.any(np.hypot(cx[cand] - x[i], cy[cand] - y[i]) < cr[cand])):
                    covered[i] = True
        reach[sel] = ~covered
    return holes, reach


def island_count(relief: Layers) -> tuple[int, int]:
    """(metal islands that reach the lower surface, holes under a shallower layer), each place counted once.

    A place left unetched by two layers is a hole of both; it is counted at the shallowest of them.
    """
    holes, reach = hole_kinds(relief)
    if not len(holes):
        return 0, 0
    rs = relief.rings
    key = depth_key(relief.region_depth_mm)[rs.region[holes]]
    if len(distinct(key)) < 2:
        return int(reach.sum()), int((~reach).sum())
    duplicate = np.zeros(len(holes), dtype=bool)
    shallow_polys: list[shapely.Polygon] = []
    for depth in distinct(key).tolist():  # shallowest first
        sel = np.flatnonzero((key == depth) & reach)
        polys = _ring_polygons(rs, holes[sel], 1e-4)
        if shallow_polys and len(sel):
            pts = _inner_points(polys)
            duplicate[sel] = shapely.contains_xy(shapely.union_all(shallow_polys), pts[:, 0], pts[:, 1])
        shallow_polys += polys.tolist()
    return int((reach & ~duplicate).sum()), int((~reach).sum())
