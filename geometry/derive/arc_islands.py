"""Islands bounded by arcs only, measured in closed form (no polygons): the fast path of :mod:`geometry.derive.islands`.

A hole of a relief made of disks (no channel, one depth) is bounded by arcs of lower circles, each bulging into the
hole: the hole is the metal outside every disk. That makes its measurements exact and cheap, vectorised over all
holes with the same number of vertices:

* inscribed circle: for a point p in the hole the nearest etched point lies on one of the hole's circles, so the
  distance to the outline is f(p) = min_k (|p - c_k| - r_k). That minimum of convex functions has its maximum
  where three circles are equally near (a vertex of the additively weighted Voronoi diagram): the Apollonius
  circle tangent outside to three of the hole's circles. Every triple is solved (a linear 2 x 2 system and a
  quadratic), the solutions inside the hole (f > 0 and inside the chord polygon, which holds the hole and only
  circle segments besides) are evaluated with f, and the largest f is the inscribed radius;
* narrowest width: the hole lies inside its chord polygon, whose corners are on the hole, so both have the convex
  hull of the vertices; the width is the smallest over hull edges of the farthest vertex from the edge's line;
* centre: the exact centroid (the chord polygon's plus the circle segments', signed by bulge);
* sites around: the sites whose lower circle comes within the island's inscribed radius of its outline, with the
  distance of a centre to each arc in closed form (the same rule as the polygon path, without the 0.1 um coarse
  outline).

Holes with more than :data:`MAX_VERTICES` vertices, or any solve that found no point inside, go to the polygon path.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from geometry.base.arrays import distinct
from geometry.base.spatial import SMALL_POINTS, points_near
from geometry.derive.rings import RingSet, bulge_centres

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

MAX_VERTICES = 12
"""Holes with more vertices (rare: long chains of merged openings) are measured by the polygon path."""
CHUNK_ELEMENTS = 1 << 22
"""Holes are measured in chunks of about this many candidate-circle pairs (bounds the memory)."""
NEIGHBOURS = 6
"""Candidate sites per island looked up at once; an island with more within reach asks again for all of them."""


def arc_only(rings: RingSet) -> BoolArray:
    """Which rings are made of arcs only, with at most :data:`MAX_VERTICES` vertices."""
    lengths = np.diff(rings.start)
    straight = np.add.reduceat((rings.bulge == 0).astype(np.intp), rings.start[:-1]) if len(rings.bulge) else \
        np.zeros(len(rings), dtype=np.intp)
    out: BoolArray = (straight == 0) & (lengths >= 2) & (lengths <= MAX_VERTICES)
    return out


def measure_arc_holes(rings: RingSet) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """(centroid x, centroid y, inscribed diameter, narrowest width, solved) of arc-only rings (see module doc).

    ``solved[k]`` is False where no Apollonius point was found inside ring k (never seen; the caller measures
    those rings with polygons instead).
    """
    n = len(rings)
    cx, cy, ins, wid = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    solved = np.zeros(n, dtype=bool)
    lengths = np.diff(rings.start)
    for m in distinct(lengths).tolist():
        members = np.flatnonzero(lengths == m)
        per = max(1, CHUNK_ELEMENTS // (m * m * m + 1))
        for c0 in range(0, len(members), per):
            sel = members[c0:c0 + per]
            idx = rings.start[sel][:, None] + np.arange(m)[None, :]
            v = rings.xy[idx]
            b = rings.bulge[idx]
            # every ring in its own frame (its first vertex at the origin): small numbers, no cancellation
            o = v[:, 0, :].copy()
            v = v - o[:, None, :]
            x, y, i_mm, w_mm, ok = _measure_group(v, b)
            cx[sel], cy[sel] = x + o[:, 0], y + o[:, 1]
            ins[sel], wid[sel], solved[sel] = i_mm, w_mm, ok
    return cx, cy, ins, wid, solved


def _arc_circles(v: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Centres (n, m, 2) and radii (n, m) of the arcs of rings with vertices ``v`` (n, m, 2), bulges ``b``."""
    n, m = b.shape
    p0 = v.reshape(-1, 2)
    p1 = np.roll(v, -1, axis=1).reshape(-1, 2)
    c, r = bulge_centres(p0, p1, b.reshape(-1))
    return c.reshape(n, m, 2), r.reshape(n, m)


def _measure_group(v: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray,
                                                             BoolArray]:
    c, r = _arc_circles(v, b)
    gx, gy = _centroids(v, b, c, r)
    rho, ok = _inscribed_radius(v, c, r)
    return gx, gy, 2.0 * rho, _hull_width(v), ok


def _centroids(v: FloatArray, b: FloatArray, c: FloatArray, r: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Exact centroids: chord polygon (shoelace) plus the signed circle segments between chords and arcs."""
    w = np.roll(v, -1, axis=1)
    cross = v[..., 0] * w[..., 1] - w[..., 0] * v[..., 1]
    poly_a = 0.5 * cross.sum(axis=1)
    poly_mx = (cross * (v[..., 0] + w[..., 0])).sum(axis=1) / 6.0
    poly_my = (cross * (v[..., 1] + w[..., 1])).sum(axis=1) / 6.0
    phi = 4.0 * np.arctan(b)
    half = np.abs(phi) / 2.0
    seg_a = np.sign(b) * 0.5 * r * r * (np.abs(phi) - np.sin(np.abs(phi)))
    # the segment's centroid lies on the ray from the arc's centre through the arc's midpoint
    d = v - w
    arc_mid = (v + w) / 2.0 + np.stack([-d[..., 1], d[..., 0]], axis=-1) * (b / 2.0)[..., None]
    ray = arc_mid - c
    ray /= np.maximum(np.hypot(ray[..., 0], ray[..., 1]), 1e-300)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = 4.0 * r * np.sin(half) ** 3 / (3.0 * (2.0 * half - np.sin(2.0 * half)))
    g = c + ray * np.nan_to_num(dist)[..., None]
    area = poly_a + seg_a.sum(axis=1)
    mx = poly_mx + (seg_a * g[..., 0]).sum(axis=1)
    my = poly_my + (seg_a * g[..., 1]).sum(axis=1)
    return mx / area, my / area


def _inscribed_radius(v: FloatArray, c: FloatArray, r: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Largest f(p) = min_k |p - c_k| - r_k over Apollonius points of circle triples that lie in the hole."""
    n, m = r.shape
    tri = np.array(list(combinations(range(m), 3)), dtype=np.intp).reshape(-1, 3)
    c1, c2, c3 = c[:, tri[:, 0]], c[:, tri[:, 1]], c[:, tri[:, 2]]  # (n, T, 2)
    r1, r2, r3 = r[:, tri[:, 0]], r[:, tri[:, 1]], r[:, tri[:, 2]]
    a2, a3 = c2 - c1, c3 - c1
    # |p - c_k| = rho + r_k: subtracting the first circle's equation leaves a_k . q + (r_k - r_1) rho = e_k
    # for q = p - c_1, linear in q; then |q| = rho + r_1 is a quadratic in rho
    e2 = 0.5 * (np.einsum("ntk,ntk->nt", a2, a2) - r2 * r2 + r1 * r1)
    e3 = 0.5 * (np.einsum("ntk,ntk->nt", a3, a3) - r3 * r3 + r1 * r1)
    det = a2[..., 0] * a3[..., 1] - a2[..., 1] * a3[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = 1.0 / det
        ux = (e2 * a3[..., 1] - e3 * a2[..., 1]) * inv
        uy = (a2[..., 0] * e3 - a3[..., 0] * e2) * inv
        d2, d3 = r2 - r1, r3 - r1
        vx = (d2 * a3[..., 1] - d3 * a2[..., 1]) * inv
        vy = (a2[..., 0] * d3 - a3[..., 0] * d2) * inv
        # q = u - v rho
        qa = vx * vx + vy * vy - 1.0
        qb = -2.0 * (ux * vx + uy * vy + r1)
        qc = ux * ux + uy * uy - r1 * r1
        disc = np.sqrt(np.maximum(qb * qb - 4.0 * qa * qc, 0.0))
        # both roots, in the form that does not cancel
        s = np.where(qb >= 0, 1.0, -1.0)
        t = -0.5 * (qb + s * disc)
        rho_a = t / qa
        rho_b = qc / t
        rho = np.stack([rho_a, rho_b], axis=-1).reshape(n, -1)  # (n, 2T)
        # collinear triples (det 0) give inf x 0 here: NaN, dropped by ``good`` below
        px = (c1[..., 0:1] + ux[..., None] - vx[..., None] * rho.reshape(n, -1, 2)).reshape(n, -1)
        py = (c1[..., 1:2] + uy[..., None] - vy[..., None] * rho.reshape(n, -1, 2)).reshape(n, -1)
    # a point with rho <= 0 is inside a disk (f <= rho), so only positive radii are candidates
    good = np.isfinite(px) & np.isfinite(py) & (np.abs(det) > 1e-18).repeat(2, axis=1) & (rho > 0.0)
    hole, slot = np.nonzero(good)
    qx, qy = px[hole, slot], py[hole, slot]
    # f at every candidate, over all of the hole's circles
    f = (np.hypot(qx[:, None] - c[hole, :, 0], qy[:, None] - c[hole, :, 1]) - r[hole]).min(axis=1)
    score = np.full(good.shape, -np.inf)
    score[hole, slot] = np.where(f > 0.0, f, -np.inf)
    # the best candidate of each hole that lies inside it: test the best one, drop it if outside, repeat
    best = np.full(n, -np.inf)
    todo = np.arange(n, dtype=np.intp)
    while len(todo):
        k = np.argmax(score[todo], axis=1)
        val = score[todo, k]
        live = np.isfinite(val)
        todo, k, val = todo[live], k[live], val[live]
        inside = _in_polygon(v[todo], px[todo, k][:, None], py[todo, k][:, None])[:, 0]
        best[todo[inside]] = val[inside]
        score[todo[~inside], k[~inside]] = -np.inf
        todo = todo[~inside]
    ok = np.isfinite(best)
    return np.where(ok, best, 0.0), ok


def _in_polygon(v: FloatArray, px: FloatArray, py: FloatArray) -> BoolArray:
    """Points (n, K) inside the polygons of vertices ``v`` (n, m, 2), by the crossing rule."""
    w = np.roll(v, -1, axis=1)
    x0, y0 = v[:, None, :, 0], v[:, None, :, 1]
    x1, y1 = w[:, None, :, 0], w[:, None, :, 1]
    qx, qy = px[..., None], py[..., None]
    straddle = (y0 > qy) != (y1 > qy)
    with np.errstate(invalid="ignore", divide="ignore"):
        xc = x0 + (qy - y0) * (x1 - x0) / (y1 - y0)
    crossings = (straddle & (qx < xc)).sum(axis=2)
    odd: BoolArray = (crossings % 2) == 1
    return odd


def _hull_width(v: FloatArray) -> FloatArray:
    """Smallest width of the convex hull of each ring's vertices: over the vertex pairs whose line has every
    vertex on one side (the hull's edges), the farthest vertex from that line."""
    m = v.shape[1]
    pairs = np.array(list(combinations(range(m), 2)), dtype=np.intp).reshape(-1, 2)
    a, bb = v[:, pairs[:, 0]], v[:, pairs[:, 1]]  # (n, P, 2)
    d = bb - a
    length = np.hypot(d[..., 0], d[..., 1])
    nx, ny = -d[..., 1] / np.maximum(length, 1e-300), d[..., 0] / np.maximum(length, 1e-300)
    s = (v[:, None, :, 0] - a[..., 0:1]) * nx[..., None] + (v[:, None, :, 1] - a[..., 1:2]) * ny[..., None]
    tol = 1e-12
    edge = (length > 1e-12) & (((s >= -tol).all(axis=2)) | ((s <= tol).all(axis=2)))
    span = np.abs(s).max(axis=2)
    width = np.where(edge, span, np.inf).min(axis=1)
    return np.where(np.isfinite(width), width, 0.0)


def sites_around_arcs(rings: RingSet, x: FloatArray, y: FloatArray, inscribed: FloatArray, cx: FloatArray,
                      cy: FloatArray, r: FloatArray) -> tuple[IntArray, IntArray]:
    """(island, circle) pairs, sorted: circles (``cx, cy, r``) within inscribed / 2 + 1 nm of each ring's outline.

    Ring k is island k, centred at (``x[k]``, ``y[k]``). Candidates come from one KD-tree query over the centres
    (the farthest vertex bounds the outline, as arcs bulge into the hole); the distance of a centre to an arc is
    its distance to the arc's circle where the centre's direction falls within the arc, else to the arc's ends.
    """
    n = len(rings)
    if n == 0 or len(cx) == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    lengths = np.diff(rings.start)
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

        tree = cKDTree(np.column_stack([cx, cy]))
        centres = np.column_stack([x, y])
        k = min(NEIGHBOURS, len(cx))
        dist, idx = tree.query(centres, k=k, distance_upper_bound=float(bound.max()))
        dist, idx = dist.reshape(n, k), idx.reshape(n, k)
        within = dist <= bound[:, None]
        isl = np.repeat(np.arange(n, dtype=np.intp), k)[within.ravel()]
        cand = idx.ravel()[within.ravel()].astype(np.intp)
        full = np.flatnonzero(within[:, -1]) if k < len(cx) else np.zeros(0, dtype=np.intp)
        if len(full):  # more candidates than asked for: those few islands ask for all of them
            keep = ~np.isin(isl, full)
            isl, cand = isl[keep], cand[keep]
            hits = tree.query_ball_point(centres[full], bound[full])
            more_i = np.repeat(full, [len(h) for h in hits])
            more_c = np.concatenate([np.asarray(h, dtype=np.intp) for h in hits])
            isl, cand = np.concatenate([isl, more_i]), np.concatenate([cand, more_c])
        by_sort = bool(len(full))
    # a candidate whose circle carries one of the island's arcs touches it (distance 0); only the others, few,
    # are measured against the outline arc by arc
    nxt = rings._next_index()
    arc_c, arc_r = bulge_centres(rings.xy, rings.xy[nxt], rings.bulge)
    own = np.zeros(len(isl), dtype=bool)
    for j in range(int(lengths.max())):
        sel = np.flatnonzero(~own & (lengths[isl] > j))
        e = rings.start[isl[sel]] + j
        c = cand[sel]
        same = (np.abs(arc_c[e, 0] - cx[c]) <= 1e-9) & (np.abs(arc_c[e, 1] - cy[c]) <= 1e-9) & (
            np.abs(arc_r[e] - r[c]) <= 1e-9)
        own[sel[same]] = True
    other = np.flatnonzero(~own)
    gap = np.full(len(other), np.inf)
    for j in range(int(lengths.max())):
        sel = np.flatnonzero(lengths[isl[other]] > j)
        e = rings.start[isl[other[sel]]] + j
        c = cand[other[sel]]
        gap[sel] = np.minimum(gap[sel], _point_arc_distance(cx[c], cy[c], rings.xy[e], rings.xy[nxt[e]], arc_c[e],
                                                            arc_r[e], rings.bulge[e]))
    touching = own.copy()
    touching[other] = gap - r[cand[other]] <= near[isl[other]]
    isl, cand = isl[touching], cand[touching]
    if by_sort:
        order = np.lexsort((cand, isl))
        return isl[order], cand[order]
    # row-major from the query: islands in order, each island's few candidates sorted in a padded row
    grid = np.full((n, k), len(cx), dtype=np.intp)
    col = np.arange(len(isl), dtype=np.intp) - np.searchsorted(isl, isl)
    grid[isl, col] = cand
    grid.sort(axis=1)
    keep = grid < len(cx)
    return np.repeat(np.arange(n, dtype=np.intp), keep.sum(axis=1)), grid[keep]


def _point_arc_distance(px: FloatArray, py: FloatArray, p0: FloatArray, p1: FloatArray, c: FloatArray,
                        r: FloatArray, b: FloatArray) -> FloatArray:
    """Distance from points to arcs of at most half a turn (``|b| <= 1``) from p0 to p1 about c."""
    ax, ay = p0[:, 0] - c[:, 0], p0[:, 1] - c[:, 1]
    bx, by = p1[:, 0] - c[:, 0], p1[:, 1] - c[:, 1]
    wx, wy = px - c[:, 0], py - c[:, 1]
    sgn = np.sign(b)
    within = (sgn * (ax * wy - ay * wx) >= 0.0) & (sgn * (wx * by - wy * bx) >= 0.0)
    to_circle = np.abs(np.hypot(wx, wy) - r)
    to_ends = np.minimum(np.hypot(px - p0[:, 0], py - p0[:, 1]), np.hypot(px - p1[:, 0], py - p1[:, 1]))
    return np.where(within, to_circle, to_ends)
