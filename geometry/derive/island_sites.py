"""The sites around closed-form islands (:mod:`geometry.derive.arc_islands`): the sites whose lower circle comes
within the island's inscribed radius of its outline, with the distance of a centre to each arc or straight edge
in closed form (the same rule as the polygon path of :mod:`geometry.derive.polygon_islands`, without its 0.1 um
coarse outline).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from geometry.base.spatial import SMALL_POINTS, points_near
from geometry.derive.rings import RingSet, bulge_centres

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

NEIGHBOURS = 6
"""Candidate sites per island looked up at once; an island with more within reach asks again for all of them."""
SAME_CIRCLE_MM = 1e-9
"""A site's lower circle carries an arc of an island when their centres and radii agree to this."""
SURE_MM = 1e-9
"""Margin by which a circle must come within reach of an island's vertex to touch it without further test: far
above the rounding of the distances (about 1e-15 mm), far below the 1 nm every reach has."""


def sites_around_arcs(rings: RingSet, x: FloatArray, y: FloatArray, inscribed: FloatArray, cx: FloatArray,
                      cy: FloatArray, r: FloatArray) -> tuple[IntArray, IntArray]:
    """(island, circle) pairs, sorted: circles (``cx, cy, r``) within inscribed / 2 + 1 nm of each ring's outline.

    Ring k is island k, centred at (``x[k]``, ``y[k]``). Candidates come from one KD-tree query over the centres
    (the farthest vertex bounds the outline, as arcs bulge into the hole); the distance of a centre to an arc is
    its distance to the arc's circle where the centre's direction falls within the arc, else to the arc's ends. A
    circle that comes within reach of a vertex (the circles bounding the island all do) is decided without them
    (:func:`_touching`).
    """
    n = len(rings)
    if n == 0 or len(cx) == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    lengths = np.diff(rings.start)
    m = int(lengths[0])
    if (lengths == m).all():  # rings of one length (an array's holes): one row of vertices per ring
        xy = rings.xy[rings.start[0]:rings.start[-1]].reshape(n, m, 2)
        reach = np.hypot(xy[:, 0, 0] - x, xy[:, 0, 1] - y)
        for j in range(1, m):  # vertex by vertex: no reduction over a short axis
            np.maximum(reach, np.hypot(xy[:, j, 0] - x, xy[:, j, 1] - y), out=reach)
    else:
        ring_of = np.repeat(np.arange(n, dtype=np.intp), lengths)
        vx = rings.xy[:, 0] - x[ring_of]
        vy = rings.xy[:, 1] - y[ring_of]
        reach = np.maximum.reduceat(np.hypot(vx, vy), rings.start[:-1])
    near = inscribed / 2.0 + 1e-6
    bound = reach + float(r.max()) + near
    if len(cx) < SMALL_POINTS:  # a small design: the numpy cell grid, no scipy import
        isl, cand = points_near(x, y, cx, cy, bound)
        order = np.lexsort((cand, isl))
        isl, cand = isl[order], cand[order]
        by_sort = True  # already ordered by (island, candidate)
    else:
        from scipy.spatial import cKDTree

        # a sliding-midpoint tree without node boxes: a third of the build time, the same neighbours
        tree = cKDTree(np.column_stack([cx, cy]), balanced_tree=False, compact_nodes=False)
        centres = np.column_stack([x, y])
        k = min(NEIGHBOURS, len(cx))
        dist, idx = tree.query(centres, k=k, distance_upper_bound=float(bound.max()))
        dist, idx = dist.reshape(n, k), idx.reshape(n, k)
        within = dist <= bound[:, None]
        flat = np.flatnonzero(within.ravel())
        widest = int(within.any(axis=0).sum())  # within is a prefix of every row
        isl, cand = flat // k, idx.ravel()[flat].astype(np.intp)
        full = np.flatnonzero(within[:, -1]) if k < len(cx) else np.zeros(0, dtype=np.intp)
        if len(full):  # more candidates than asked for: those few islands ask for all of them
            keep = ~np.isin(isl, full)
            isl, cand = isl[keep], cand[keep]
            hits = tree.query_ball_point(centres[full], bound[full])
            more_i = np.repeat(full, [len(h) for h in hits])
            more_c = np.concatenate([np.asarray(h, dtype=np.intp) for h in hits])
            isl, cand = np.concatenate([isl, more_i]), np.concatenate([cand, more_c])
        by_sort = bool(len(full))
    touching = _touching(rings, lengths, isl, cand, cx, cy, r, near)
    isl, cand = isl[touching], cand[touching]
    if by_sort:
        order = np.lexsort((cand, isl))
        return isl[order], cand[order]
    # the query's rows (nearest first, those within reach a prefix of each): the touching candidates in place, the
    # others padded, each row sorted; columns past every row's candidates within reach hold padding only
    grid = np.full(n * k, len(cx), dtype=np.intp)
    grid[flat[touching]] = cand
    grid = grid.reshape(n, k)[:, :widest]
    _sort_rows(grid)
    keep = grid < len(cx)
    count = np.zeros(n, dtype=np.intp)
    for j in range(widest):  # column by column: no sum over a short axis
        count += keep[:, j]
    return np.repeat(np.arange(n, dtype=np.intp), count), grid[keep]


def _touching(rings: RingSet, lengths: IntArray, isl: IntArray, cand: IntArray, cx: FloatArray, cy: FloatArray,
              r: FloatArray, near: FloatArray) -> NDArray[np.bool_]:
    """Which (island, circle) candidates come within ``near`` of the island's outline.

    The outline passes through the island's vertices, so a circle within ``near`` of a vertex is within it of the
    outline; with a margin of :data:`SURE_MM` over the rounding of either side, that decides every circle that
    carries one of the island's arcs (it passes through the arc's ends) and those ending at its corners, in one
    pass over the vertices. Only the others are decided by the rule written out (:func:`_touching_by_arcs`).
    """
    reach = r[cand] + near[isl] - SURE_MM
    reach *= reach
    first, count = rings.start[isl], lengths[isl]
    uniform = bool((lengths == lengths[0]).all())
    px, py = cx[cand], cy[cand]
    xs, ys = rings.xy[:, 0], rings.xy[:, 1]
    sure = np.zeros(len(isl), dtype=bool)
    for j in range(int(lengths.max())):
        e = first + j if uniform else first + np.minimum(j, count - 1)
        dx, dy = xs[e] - px, ys[e] - py
        sure |= dx * dx + dy * dy <= reach
    rest = np.flatnonzero(~sure)
    if len(rest):
        sure[rest] = _touching_by_arcs(rings, lengths, isl[rest], cand[rest], cx, cy, r, near)
    return sure


def _touching_by_arcs(rings: RingSet, lengths: IntArray, isl: IntArray, cand: IntArray, cx: FloatArray,
                      cy: FloatArray, r: FloatArray, near: FloatArray) -> NDArray[np.bool_]:
    """The rule itself: a candidate whose circle carries one of the island's arcs (centre and radius within
    :data:`SAME_CIRCLE_MM`) touches it (distance 0); the others are measured against the outline arc by arc."""
    nxt = rings._next_index()
    tol = SAME_CIRCLE_MM
    own = np.zeros(len(isl), dtype=bool)
    for j in range(int(lengths.max()) if len(isl) else 0):
        sel = np.flatnonzero(~own & (lengths[isl] > j))
        e = rings.start[isl[sel]] + j
        c = cand[sel]
        arc_c, arc_r = _exact_circles(rings, nxt, e)
        same = (np.abs(arc_c[:, 0] - cx[c]) <= tol) & (np.abs(arc_c[:, 1] - cy[c]) <= tol) & (
            np.abs(arc_r - r[c]) <= tol)
        own[sel[same]] = True
    other = np.flatnonzero(~own)
    gap = np.full(len(other), np.inf)
    for j in range(int(lengths.max()) if len(other) else 0):
        sel = np.flatnonzero(lengths[isl[other]] > j)
        e = rings.start[isl[other[sel]]] + j
        c = cand[other[sel]]
        arc_c, arc_r = _exact_circles(rings, nxt, e)
        gap[sel] = np.minimum(gap[sel], _point_arc_distance(cx[c], cy[c], rings.xy[e], rings.xy[nxt[e]], arc_c,
                                                            arc_r, rings.bulge[e]))
    touching = own.copy()
    touching[other] = gap - r[cand[other]] <= near[isl[other]]
    return touching


def _exact_circles(rings: RingSet, nxt: IntArray, e: IntArray) -> tuple[FloatArray, FloatArray]:
    """Centres (len(e), 2) and radii of the arcs starting at vertices ``e`` by
    :func:`geometry.derive.rings.bulge_centres` (NaN for straight edges: no circle carries them)."""
    c = np.full((len(e), 2), np.nan)
    r = np.full(len(e), np.nan)
    arc = rings.bulge[e] != 0
    if arc.any():
        ea = e[arc]
        c[arc], r[arc] = bulge_centres(rings.xy[ea], rings.xy[nxt[ea]], rings.bulge[ea])
    return c, r


def _sort_rows(grid: IntArray) -> None:
    """Sort each row of a narrow (n, k) array in place: compare-exchanges of whole columns (an insertion sort's
    network, k (k - 1) / 2 of them) instead of one small sort per row."""
    k = grid.shape[1]
    for i in range(1, k):
        for j in range(i, 0, -1):
            a, b = grid[:, j - 1], grid[:, j]
            lo = np.minimum(a, b)
            np.maximum(a, b, out=b)
            a[...] = lo


def _point_arc_distance(px: FloatArray, py: FloatArray, p0: FloatArray, p1: FloatArray, c: FloatArray,
                        r: FloatArray, b: FloatArray) -> FloatArray:
    """Distance from points to arcs of at most half a turn (``|b| <= 1``) from p0 to p1 about c, or to the segment
    p0 p1 where ``b`` is 0."""
    ax, ay = p0[:, 0] - c[:, 0], p0[:, 1] - c[:, 1]
    bx, by = p1[:, 0] - c[:, 0], p1[:, 1] - c[:, 1]
    wx, wy = px - c[:, 0], py - c[:, 1]
    sgn = np.sign(b)
    within = (sgn * (ax * wy - ay * wx) >= 0.0) & (sgn * (wx * by - wy * bx) >= 0.0)
    to_circle = np.abs(np.hypot(wx, wy) - r)
    to_ends = np.minimum(np.hypot(px - p0[:, 0], py - p0[:, 1]), np.hypot(px - p1[:, 0], py - p1[:, 1]))
    e = p1 - p0
    ee = np.maximum(e[:, 0] ** 2 + e[:, 1] ** 2, 1e-300)
    t = np.clip(((px - p0[:, 0]) * e[:, 0] + (py - p0[:, 1]) * e[:, 1]) / ee, 0.0, 1.0)
    to_segment = np.hypot(px - p0[:, 0] - t * e[:, 0], py - p0[:, 1] - t * e[:, 1])
    return np.where(b == 0, to_segment, np.where(within, to_circle, to_ends))
