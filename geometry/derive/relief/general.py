"""Unions of disks and capsules (channels) with exact arcs, through fine polygons and arc recovery.

Channels are rare (user-picked or auto-bridged small gaps), so correctness comes before speed here: every disk
and every capsule (the convex hull of two disks: two outer tangent lines and two arcs) is polygonised finely
with its vertices exactly on its circles and tangent points, shapely unions them, and the exact outline is then
recovered from the polygon: each polygon edge is labelled with the primitive it lies on (a tangent segment
within rounding, or a circle within the chord tolerance), runs of edges on one primitive become one arc (bulge)
or one straight edge, and the corners between runs are snapped to the exact intersection of their two
primitives. Edges that fit no primitive (should not happen) are kept as straight edges, so the outline is never
lost. The same path serves disk-only components whose exact arc linking met a degenerate contact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from geometry.base.lazy import LazyModule
from geometry.derive.rings import RingSet

if TYPE_CHECKING:
    import shapely
else:
    shapely = LazyModule("shapely")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

SAG_MM = 2e-5  # chord tolerance of the intermediate polygons
LINE_TOL_MM = 1e-9  # a vertex lies on a tangent segment (rounding only: segments are exact in the polygons)
TANGENT_MM = 1e-9  # a line this close to touching a circle is tangent to it
TWO_PI = 2.0 * np.pi


def _arc_points(cx: float, cy: float, r: float, a0: float, sweep: float) -> FloatArray:
    """Points on a circle from angle a0 over ``sweep`` (end included), chords within SAG_MM."""
    step = 2.0 * np.arccos(max(-1.0, 1.0 - SAG_MM / r))
    m = max(2, int(np.ceil(abs(sweep) / step)))
    ang = a0 + sweep * np.arange(m + 1) / m
    return np.column_stack([cx + r * np.cos(ang), cy + r * np.sin(ang)])


def tangent_points(c1: FloatArray, r1: FloatArray, c2: FloatArray, r2: FloatArray) -> tuple[FloatArray, FloatArray,
                                                                                               FloatArray, FloatArray]:
    """Outer tangent segments of disk pairs (disjoint or at least not nested): (a1, b1, a2, b2), each (N, 2).

    Segment a1 -> b1 runs from circle 1 to circle 2 on the right of the direction 1 -> 2, a2 -> b2 on the left,
    both at the angles theta -/+ gamma from each centre, gamma = acos((r1 - r2) / d).
    """
    dx, dy = c2[:, 0] - c1[:, 0], c2[:, 1] - c1[:, 1]
    d = np.hypot(dx, dy)
    theta = np.arctan2(dy, dx)
    gamma = np.arccos(np.clip((r1 - r2) / d, -1.0, 1.0))
    out = []
    for s in (-1.0, 1.0):
        ang = theta + s * gamma
        u = np.column_stack([np.cos(ang), np.sin(ang)])
        out += [c1 + u * r1[:, None], c2 + u * r2[:, None]]
    return out[0], out[1], out[2], out[3]


def capsule_polygon(c1: FloatArray, r1: float, c2: FloatArray, r2: float) -> shapely.Polygon:
    """The convex hull of two disks, counter-clockwise, its vertices exactly on the circles and tangent points."""
    d = float(np.hypot(*(c2 - c1)))
    if d <= abs(r1 - r2):  # one disk holds the other: the hull is the larger disk
        c, r = (c1, r1) if r1 >= r2 else (c2, r2)
        return shapely.Polygon(_arc_points(float(c[0]), float(c[1]), r, 0.0, TWO_PI)[:-1])
    theta = float(np.arctan2(c2[1] - c1[1], c2[0] - c1[0]))
    gamma = float(np.arccos(np.clip((r1 - r2) / d, -1.0, 1.0)))
    far2 = _arc_points(float(c2[0]), float(c2[1]), r2, theta - gamma, 2.0 * gamma)
    far1 = _arc_points(float(c1[0]), float(c1[1]), r1, theta + gamma, TWO_PI - 2.0 * gamma)
    return shapely.Polygon(np.concatenate([far2, far1]))


def disk_polygons(x: FloatArray, y: FloatArray, r: FloatArray) -> list[shapely.Polygon]:
    """Fine polygons of disks, vertices exactly on the circles."""
    return [shapely.Polygon(_arc_points(float(a), float(b), float(c), 0.0, TWO_PI)[:-1])
            for a, b, c in zip(x, y, r, strict=True)]


def _label_edges(v0: FloatArray, v1: FloatArray, circles: FloatArray, seg0: FloatArray, seg1: FloatArray) -> IntArray:
    """Primitive of every edge: circle index, len(circles) + segment index, or -1 when none fits."""
    n = len(v0)
    label = np.full(n, -1, dtype=np.intp)
    if n == 0:
        return label
    mid = (v0 + v1) / 2.0
    tol = SAG_MM * 1.001 + 1e-9
    best = np.full(n, np.inf)
    if len(circles):
        from scipy.spatial import cKDTree

        rmax = float(circles[:, 2].max())
        pairs = cKDTree(mid).sparse_distance_matrix(cKDTree(circles[:, :2]), rmax + tol, output_type="ndarray")
        e = pairs["i"].astype(np.intp)
        c = pairs["j"].astype(np.intp)
        cr = circles[c, 2]
        d0 = np.hypot(v0[e, 0] - circles[c, 0], v0[e, 1] - circles[c, 1]) - cr
        d1 = np.hypot(v1[e, 0] - circles[c, 0], v1[e, 1] - circles[c, 1]) - cr
        dm = pairs["v"] - cr
        err = np.maximum(np.abs(d0), np.abs(d1))
        fits = (err <= tol) & (dm >= -SAG_MM * 1.001 - 1e-9) & (dm <= 1e-9)
        e, c, err = e[fits], c[fits], err[fits]
        order = np.lexsort((err, e))
        e, c, err = e[order], c[order], err[order]
        first = np.ones(len(e), dtype=bool)
        first[1:] = e[1:] != e[:-1]
        label[e[first]] = c[first]
        best[e[first]] = err[first]
    if len(seg0):
        tree = shapely.STRtree(shapely.linestrings(np.stack([seg0, seg1], axis=1)))
        e, s = tree.query(shapely.points(mid), predicate="dwithin", distance=1e-7)
        dvec = seg1[s] - seg0[s]
        length = np.hypot(dvec[:, 0], dvec[:, 1])
        nx, ny = -dvec[:, 1] / length, dvec[:, 0] / length
        off0 = np.abs((v0[e, 0] - seg0[s, 0]) * nx + (v0[e, 1] - seg0[s, 1]) * ny)
        off1 = np.abs((v1[e, 0] - seg0[s, 0]) * nx + (v1[e, 1] - seg0[s, 1]) * ny)
        on = (off0 <= LINE_TOL_MM) & (off1 <= LINE_TOL_MM)
        label[e[on]] = len(circles) + s[on]
    return label


def _meet(pa: IntArray, pb: IntArray, near: FloatArray, circles: FloatArray, seg0: FloatArray,
          seg1: FloatArray) -> FloatArray:
    """Exact intersection of primitives pa and pb (circle or segment line) nearest to ``near``."""
    nc = len(circles)
    out = near.copy()
    # Every primitive as a circle (centre, r) or a line (point, unit direction); lines meet circles and lines.
    for a_line in (False, True):
        for b_line in (False, True):
            sel = np.flatnonzero(((pa >= nc) == a_line) & ((pb >= nc) == b_line))
            if len(sel) == 0:
                continue
            a, b, p = pa[sel], pb[sel], near[sel]
            if not a_line and not b_line:
                out[sel] = _circle_circle(circles[a], circles[b], p)
            elif a_line and b_line:
                out[sel] = _line_line(seg0[a - nc], seg1[a - nc], seg0[b - nc], seg1[b - nc], p)
            elif a_line:
                out[sel] = _circle_line(circles[b], seg0[a - nc], seg1[a - nc], p)
            else:
                out[sel] = _circle_line(circles[a], seg0[b - nc], seg1[b - nc], p)
    return out


def _nearest(p: FloatArray, q1: FloatArray, q2: FloatArray) -> FloatArray:
    d1 = np.hypot(*(q1 - p).T)
    d2 = np.hypot(*(q2 - p).T)
    return np.where((d1 <= d2)[:, None], q1, q2)


def _circle_circle(ca: FloatArray, cb: FloatArray, p: FloatArray) -> FloatArray:
    dx, dy = cb[:, 0] - ca[:, 0], cb[:, 1] - ca[:, 1]
    d = np.maximum(np.hypot(dx, dy), 1e-300)
    a = (d * d + ca[:, 2] ** 2 - cb[:, 2] ** 2) / (2.0 * d)
    h = np.sqrt(np.maximum(ca[:, 2] ** 2 - a * a, 0.0))
    mx, my = ca[:, 0] + a * dx / d, ca[:, 1] + a * dy / d
    q1 = np.column_stack([mx - h * dy / d, my + h * dx / d])
    q2 = np.column_stack([mx + h * dy / d, my - h * dx / d])
    return _nearest(p, q1, q2)


def _circle_line(c: FloatArray, s0: FloatArray, s1: FloatArray, p: FloatArray) -> FloatArray:
    u = s1 - s0
    u = u / np.hypot(u[:, 0], u[:, 1])[:, None]
    t0 = (c[:, 0] - s0[:, 0]) * u[:, 0] + (c[:, 1] - s0[:, 1]) * u[:, 1]
    foot = s0 + u * t0[:, None]
    dist = np.hypot(*(c[:, :2] - foot).T)
    # A tangent line (a capsule's side at its own end circle) touches at the foot point; solving the quadratic
    # there would turn rounding of 1e-16 into errors of 1e-7 mm (square root of a near-zero discriminant).
    h = np.where(np.abs(dist - c[:, 2]) < TANGENT_MM, 0.0, np.sqrt(np.maximum(c[:, 2] ** 2 - dist**2, 0.0)))
    return _nearest(p, foot - u * h[:, None], foot + u * h[:, None])


def _line_line(a0: FloatArray, a1: FloatArray, b0: FloatArray, b1: FloatArray, p: FloatArray) -> FloatArray:
    da, db = a1 - a0, b1 - b0
    den = da[:, 0] * db[:, 1] - da[:, 1] * db[:, 0]
    w = b0 - a0
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (w[:, 0] * db[:, 1] - w[:, 1] * db[:, 0]) / den
    q = a0 + da * np.asarray(t)[:, None]
    good = np.isfinite(q).all(axis=1) & (np.abs(den) > 1e-15)
    return np.where(good[:, None], q, p)


def recover_arcs(polygons: list[shapely.Polygon], circles: FloatArray, seg0: FloatArray,
                 seg1: FloatArray) -> RingSet:
    """Exact rings (arcs as bulges) of union polygons made of the given circles (x, y, r) and tangent segments.

    ``region`` of each ring is the index of its polygon; exteriors come first, counter-clockwise, holes clockwise.
    """
    if not polygons:
        return RingSet.empty()
    polys = shapely.orient_polygons(np.asarray(polygons, dtype=object))
    rings_g, poly_of = shapely.get_rings(polys, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings_g, return_index=True)
    # Drop each ring's closing vertex.
    last = np.ones(len(ring_of), dtype=bool)
    last[:-1] = ring_of[1:] != ring_of[:-1]
    coords, ring_of = coords[~last], ring_of[~last].astype(np.intp)
    n = len(coords)
    rstart = np.searchsorted(ring_of, np.arange(len(rings_g) + 1)).astype(np.intp)
    nxt = np.arange(1, n + 1, dtype=np.intp)
    nxt[rstart[1:] - 1] = rstart[:-1]
    prv = np.empty(n, dtype=np.intp)
    prv[nxt] = np.arange(n, dtype=np.intp)
    label = _label_edges(coords, coords[nxt], circles, seg0, seg1)
    nc = len(circles)
    corner = label != label[prv]
    # Rings that lie on one circle all the way round: the whole circle, as two half arcs.
    n_corner = np.add.reduceat(corner.astype(np.intp), rstart[:-1])
    whole = (n_corner == 0) & (label[rstart[:-1]] >= 0) & (label[rstart[:-1]] < nc)
    kept = corner | (label < 0)
    kept[rstart[:-1][whole]] = True
    xy = coords.copy()
    snap = corner & (label >= 0) & (label[prv] >= 0)
    sidx = np.flatnonzero(snap)
    xy[sidx] = _meet(label[prv[sidx]], label[sidx], coords[sidx], circles, seg0, seg1)
    k = np.flatnonzero(kept)
    # Approximate turning of each run about its circle (sum of chord angles), to pick the exact sweep's turn.
    is_circ = (label >= 0) & (label < nc)
    ci = np.where(is_circ, label, 0)
    cen = circles[ci, :2] if nc else np.zeros((n, 2))
    a_from = np.arctan2(coords[:, 1] - cen[:, 1], coords[:, 0] - cen[:, 0])
    a_to = np.arctan2(coords[nxt, 1] - cen[:, 1], coords[nxt, 0] - cen[:, 0])
    inc = np.where(is_circ, np.mod(a_to - a_from + np.pi, TWO_PI) - np.pi, 0.0)
    # Runs: from each kept vertex to the next kept vertex of its ring (edges in between share one label).
    ring_k = ring_of[k]
    nk = np.roll(k, -1)
    first_of_ring = np.searchsorted(ring_k, ring_k, side="left")
    last_pos = np.searchsorted(ring_k, ring_k, side="right") - 1
    nk = np.where(np.arange(len(k)) == last_pos, k[first_of_ring], nk)
    csum = np.concatenate([[0.0], np.cumsum(inc)])
    ring_total = csum[rstart[1:]] - csum[rstart[:-1]]
    approx = csum[nk] - csum[k]
    approx = np.where(nk <= k, approx + ring_total[ring_k], approx)
    lab = label[k]
    arc = (lab >= 0) & (lab < nc)
    cc = circles[np.where(arc, lab, 0)] if nc else np.zeros((len(k), 3))
    b0 = np.arctan2(xy[k, 1] - cc[:, 1], xy[k, 0] - cc[:, 0])
    b1 = np.arctan2(xy[nk, 1] - cc[:, 1], xy[nk, 0] - cc[:, 0])
    exact = b1 - b0
    exact = exact + TWO_PI * np.round((approx - exact) / TWO_PI)
    sweep = np.where(arc, exact, 0.0)
    split = np.abs(sweep) > np.pi
    reps = np.where(split, 2, 1)
    v_xy = np.repeat(xy[k], reps, axis=0)
    v_sweep = np.repeat(np.where(split, sweep / 2.0, sweep), reps)
    first_idx = np.cumsum(reps) - reps
    second = np.zeros(len(v_sweep), dtype=bool)
    second[first_idx[split] + 1] = True
    mid = b0[split] + sweep[split] / 2.0
    v_xy[second] = cc[split, :2] + cc[split, 2:3] * np.column_stack([np.cos(mid), np.sin(mid)])
    v_ring = np.repeat(ring_k, reps)
    start = np.searchsorted(v_ring, np.arange(len(rings_g) + 1)).astype(np.intp)
    hole = np.ones(len(rings_g), dtype=bool)
    hole[np.searchsorted(poly_of, np.arange(len(polys)))] = False
    return RingSet(v_xy, np.tan(v_sweep / 4.0), start, poly_of.astype(np.intp), hole)
