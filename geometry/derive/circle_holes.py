"""Holes bounded only by circles: the common case of :mod:`geometry.derive.arc_islands`, measured column by column.

An array's holes (almost all of a million-site design's) are bounded by arcs of four lower circles and no straight
edge. Their measurements are those of :func:`geometry.derive.arc_islands.measure_rings`, the same arithmetic in the
same order, so the results are bit-identical; what changes is the bookkeeping. Each vertex, circle and candidate is
one contiguous column over the holes (no gathers through index arrays, no line branch, no sort of each triple's
elements):

* the linear equation of a circle relative to an anchor circle depends on the pair only, so it is found once per
  pair and shared by the triples that hold the pair (for four circles, five pairs for four triples);
* the parallel-equation case (two circle centres in line with the anchor's, equal radii) is solved only for the
  few triples where it occurs, and told apart without hypots except near the test's limit;
* the inscribed circle's candidates are looked at best bound first (the same order and ties as the general path),
  each pass measuring one candidate per hole still open;
* sums over a ring's edges (the centroids) add rows in the order numpy sums the general path's rows.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

_Row = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]
"""The equation of circle j relative to anchor circle i: (a_x, a_y, g, e, |a|^2), a = c_j - c_i, g = r_j - r_i."""
_LOWEST_BIT = np.array([(c & -c).bit_length() - 1 if c else 0 for c in range(256)], dtype=np.intp)
"""The index of the lowest set bit of every byte."""


def measure_circle_group(v: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray,
                                                                  FloatArray, FloatArray, BoolArray]:
    """(centroid x, y, inscribed diameter, width, inscribed centre x, y, solved) of rings (n, m) whose edges are all
    arcs (``b`` nowhere 0), vertices ``v`` (n, m, 2) in each ring's own frame; see
    :func:`geometry.derive.arc_islands.measure_rings`."""
    # one contiguous row per vertex (and arc, and circle) over the rings: elementwise passes at full speed, and
    # sums over a ring's edges are row additions
    vx, vy = np.ascontiguousarray(v[..., 0].T), np.ascontiguousarray(v[..., 1].T)
    cx, cy, r, gx, gy = _circles_and_centroids(vx, vy, np.roll(vx, -1, axis=0), np.roll(vy, -1, axis=0),
                                               np.ascontiguousarray(b.T))
    rho, px, py, ok = _inscribed_radius(vx, vy, cx, cy, r)
    return gx, gy, 2.0 * rho, _hull_width(vx, vy), px, py, ok


def _ring_sum(a: FloatArray) -> FloatArray:
    """Sums over each ring's edges of an (m, n) array, in the order of numpy's row sums of the (n, m) arrays of
    the general path: edge by edge below 8 edges, pairwise from 8 on."""
    out: FloatArray = a.sum(axis=0) if a.shape[0] < 8 else np.ascontiguousarray(a.T).sum(axis=1)
    return out


def _circles_and_centroids(v0: FloatArray, v1: FloatArray, w0: FloatArray, w1: FloatArray,
                           b: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """The arcs' circles (centre x, y and radius, (m, n): arc j of every ring in row j) from the arcs' starts
    ``v``, ends ``w`` and bulges ``b`` (m, n), as :func:`geometry.derive.rings.bulge_centres` finds them, and the
    exact centroids as :func:`geometry.derive.arc_islands._centroids` (chord polygon plus the signed circle
    segments), sharing the terms both use: the chord, its midpoint, the arc angle and its sines (sin is odd, so
    sin(|phi| / 2) is |sin(phi / 2)|; and 2 (|phi| / 2) is |phi| unless |phi| is subnormal)."""
    chx, chy = w0 - v0, w1 - v1
    chord = np.hypot(chx, chy)
    phi = 4.0 * np.arctan(b)
    aphi = np.abs(phi)
    half = aphi / 2.0
    sin_half = np.sin(half)
    lune = aphi - np.sin(aphi)
    lune2 = lune if float(aphi.min()) >= 1e-300 else 2.0 * half - np.sin(2.0 * half)  # 2 half - sin (2 half)
    r = chord / (2.0 * sin_half)
    sx, sy = v0 + w0, v1 + w1
    midx, midy = sx / 2.0, sy / 2.0
    h = (chord / 2.0) * (1.0 - b * b) / (2.0 * b)
    cx = midx + -chy / chord * h
    cy = midy + chx / chord * h
    # centroid: chord polygon (shoelace) plus the segments, each on the ray from its arc's centre through the
    # arc's midpoint
    cross = v0 * w1 - w0 * v1
    poly_a = 0.5 * _ring_sum(cross)
    poly_mx = _ring_sum(cross * sx) / 6.0
    poly_my = _ring_sum(cross * sy) / 6.0
    seg_a = np.copysign(0.5, b) * r * r * lune  # sign(b) 0.5, b never 0
    hb = b / 2.0
    rx = midx + chy * hb - cx
    ry = midy + -chx * hb - cy
    norm = np.maximum(np.hypot(rx, ry), 1e-300)
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = 4.0 * r * sin_half ** 3 / (3.0 * lune2)
    if not np.isfinite(dist).all():
        dist = np.nan_to_num(dist)
    area = poly_a + _ring_sum(seg_a)
    mx = poly_mx + _ring_sum(seg_a * (cx + rx / norm * dist))
    my = poly_my + _ring_sum(seg_a * (cy + ry / norm * dist))
    return cx, cy, r, mx / area, my / area


def _row(cx: FloatArray, cy: FloatArray, r: FloatArray, i: int, j: int) -> _Row:
    ax, ay = cx[j] - cx[i], cy[j] - cy[i]
    rj, ri = r[j], r[i]
    aa = ax * ax + ay * ay
    e = 0.5 * (aa - rj * rj + ri * ri)
    return ax, ay, rj - ri, e, aa


def _parallel_rows(det: FloatArray, row1: _Row, row2: _Row) -> IntArray:
    """The rings whose two equations are parallel: |det| <= 1e-10 |a1| |a2| (|a| by hypot, as the general path).

    Squared, without the hypots, the test is sure of every ring whose det is not within a relative 1e-12 of the
    limit (the square and the hypots round by a few units in the last place); only those, and any non-finite
    ones, are tested as written. Almost every ring is far above it.
    """
    a1x, a1y, _, _, aa1 = row1
    a2x, a2y, _, _, aa2 = row2
    maybe = np.flatnonzero(~(det * det > (1e-20 * (1.0 + 1e-12)) * (aa1 * aa2)))
    if not len(maybe):
        return maybe
    h1, h2 = np.hypot(a1x[maybe], a1y[maybe]), np.hypot(a2x[maybe], a2y[maybe])
    out: IntArray = maybe[np.abs(det[maybe]) <= 1e-10 * (h1 * h2)]
    return out


def _candidates(cx: FloatArray, cy: FloatArray, r: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Centres (K, n) of the circles tangent to three of each ring's circles, K = 2 per triple in the order of
    :func:`geometry.derive.arc_islands._candidates` (triple by triple, two roots each; NaN where none), and their
    radii. Every triple anchors on its first circle: q = p - c_i = u - v rho from the two pair equations, and
    |q| = rho + r_i is a quadratic in rho."""
    m, n = r.shape
    triples = list(combinations(range(m), 3))
    px, py, rho = (np.empty((2 * len(triples), n)) for _ in range(3))
    rows: dict[tuple[int, int], _Row] = {}

    def pair(i: int, j: int) -> _Row:
        if (i, j) not in rows:
            rows[i, j] = _row(cx, cy, r, i, j)
        return rows[i, j]

    for t, (i, j, k) in enumerate(triples):
        row1, row2 = pair(i, j), pair(i, k)
        a1x, a1y, g1, e1, _ = row1
        a2x, a2y, g2, e2, _ = row2
        r0 = r[i]
        det = a1x * a2y - a1y * a2x
        par = _parallel_rows(det, row1, row2)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            inv = 1.0 / det
            ux = (e1 * a2y - e2 * a1y) * inv
            uy = (a1x * e2 - a2x * e1) * inv
            vx = (g1 * a2y - g2 * a1y) * inv
            vy = (a1x * g2 - a2x * g1) * inv
            qa = vx * vx + vy * vy - 1.0
            qb = -2.0 * (ux * vx + uy * vy + r0)
            qc = ux * ux + uy * uy - r0 * r0
            disc = np.sqrt(np.maximum(qb * qb - 4.0 * qa * qc, 0.0))
            # both roots, in the form that does not cancel
            tt = -0.5 * (qb + np.where(qb >= 0, disc, -disc))
            for s, root in enumerate((tt / qa, qc / tt)):
                out = 2 * t + s
                rho[out] = root
                np.add(cx[i], np.subtract(ux, vx * root, out=px[out]), out=px[out])
                np.add(cy[i], np.subtract(uy, vy * root, out=py[out]), out=py[out])
            if len(par):
                _parallel(px, py, rho, 2 * t, par, row1, row2, r0, cx[i], cy[i])
    return px, py, rho


def _parallel(px: FloatArray, py: FloatArray, rho: FloatArray, out: int, sel: IntArray, row1: _Row, row2: _Row,
              r0: FloatArray, c0x: FloatArray, c0y: FloatArray) -> None:
    """Parallel equations (a2 = lam a1) of the holes ``sel``: (g2 - lam g1) rho = e2 - lam e1, then
    a1 . q = e1 - g1 rho on the anchor's circle |q| = rho + r0; written to candidates ``out`` and ``out + 1``."""
    a1x, a1y, g1, e1, _ = (a[sel] for a in row1)
    a2x, a2y, g2, e2, _ = (a[sel] for a in row2)
    r0 = r0[sel]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        a1n = np.maximum(np.hypot(a1x, a1y), 1e-300)
        lam = (a1x * a2x + a1y * a2y) / (a1n * a1n)
        rho_p = (e2 - lam * e1) / (g2 - lam * g1)
        t0 = (e1 - g1 * rho_p) / a1n
        half = np.sqrt((rho_p + r0) ** 2 - t0 * t0)
        ax, ay = a1x / a1n, a1y / a1n
        for s, sgn in enumerate((1.0, -1.0)):
            px[out + s, sel] = c0x[sel] + (t0 * ax - sgn * half * ay)
            py[out + s, sel] = c0y[sel] + (t0 * ay + sgn * half * ax)
            rho[out + s, sel] = rho_p


def _inscribed_radius(vx: FloatArray, vy: FloatArray, cx: FloatArray, cy: FloatArray,
                      r: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    """(radius, centre x, centre y, found): the largest f over the candidate centres that lie in the ring, looked
    at best bound first as in :func:`geometry.derive.arc_islands._inscribed_radius` (every candidate is tangent
    to a circle, so its radius bounds its f)."""
    n = r.shape[1]
    px, py, rho = _candidates(cx, cy, r)
    good = np.isfinite(px) & np.isfinite(py) & np.isfinite(rho) & (rho > 0.0)
    score = np.where(good, rho, -np.inf)
    measured = np.zeros(good.shape, dtype=bool)
    best = np.full(n, -np.inf)
    bx, by = np.zeros(n), np.zeros(n)
    ex, ey = np.roll(vx, -1, axis=0) - vx, np.roll(vy, -1, axis=0) - vy  # the chord polygons' edges
    todo = np.arange(n, dtype=np.intp)
    # (K, n) read and written through flat indices k * n + ring
    flat_score, flat_measured = score.reshape(-1), measured.reshape(-1)
    flat_px, flat_py = px.reshape(-1), py.reshape(-1)
    while len(todo):
        k, val = _first_max(score, todo, len(todo) == n)
        live = np.isfinite(val)
        if not live.all():
            todo, k, val = todo[live], k[live], val[live]
        at = k * n + todo
        done = flat_measured[at]
        if done.any():
            got, ag = todo[done], at[done]
            best[got], bx[got], by[got] = val[done], flat_px[ag], flat_py[ag]
            keep = ~done
            todo, at = todo[keep], at[keep]
        whole = len(todo) == n  # the first passes look at every ring: no gathers of the rings' columns
        qx, qy = flat_px[at], flat_py[at]
        f = _distance(cx, cy, r, todo, qx, qy, whole)
        inside = _in_polygon(vx, vy, ex, ey, todo, qx, qy, whole)
        flat_score[at] = np.where(inside & (f > 0.0), f, -np.inf)
        flat_measured[at] = True
    ok = np.isfinite(best)
    return np.where(ok, best, 0.0), bx, by, ok


def _first_max(score: FloatArray, todo: IntArray, whole: bool) -> tuple[IntArray, FloatArray]:
    """(k, score[k]) of the best candidate of each ``todo`` ring, the first of equal ones, as ``np.argmax`` over
    the candidates (which transposes the scores first; they hold no NaN). Up to 8 candidates, which are equal to
    the best is one byte per ring, and its lowest set bit the first of them."""
    rows = score if whole else score[:, todo]
    val = rows.max(axis=0)
    if rows.shape[0] > 8:
        k: IntArray = np.argmax(rows == val, axis=0)
        return k, val
    code = (rows[0] == val).view(np.uint8).copy()
    for j in range(1, rows.shape[0]):
        code |= (rows[j] == val).view(np.uint8) << j
    return _LOWEST_BIT[code], val


def _distance(cx: FloatArray, cy: FloatArray, r: FloatArray, todo: IntArray, qx: FloatArray, qy: FloatArray,
              whole: bool) -> FloatArray:
    """f(q) = min over the ring's circles of |q - c| - r, one point per ``todo`` ring."""
    def gap(j: int) -> FloatArray:
        dx = qx - (cx[j] if whole else cx[j, todo])
        dy = qy - (cy[j] if whole else cy[j, todo])
        d: FloatArray = np.sqrt(dx * dx + dy * dy) - (r[j] if whole else r[j, todo])
        return d

    f = gap(0)
    for j in range(1, r.shape[0]):
        np.minimum(f, gap(j), out=f)
    return f


def _in_polygon(vx: FloatArray, vy: FloatArray, ex: FloatArray, ey: FloatArray, todo: IntArray, qx: FloatArray,
                qy: FloatArray, whole: bool) -> BoolArray:
    """Points inside the chord polygons of the ``todo`` rings, by the crossing rule (as
    :func:`geometry.derive.arc_islands._in_polygon`); ``ex``, ``ey`` are the edges (the next vertex minus the
    vertex), the same for every pass, and which vertices lie above the point is found once for the two edges
    that meet there."""
    m = vx.shape[0]

    def row(a: FloatArray, j: int) -> FloatArray:
        out: FloatArray = a[j] if whole else a[j, todo]
        return out

    odd = np.zeros(len(qx), dtype=bool)
    above0 = row(vy, 0) > qy
    above = above0
    for j in range(m):
        above_next = above0 if j == m - 1 else row(vy, j + 1) > qy
        x0, y0 = row(vx, j), row(vy, j)
        with np.errstate(invalid="ignore", divide="ignore"):
            xc = x0 + (qy - y0) * row(ex, j) / row(ey, j)
        odd ^= (above != above_next) & (qx < xc)
        above = above_next
    return odd


def _hull_width(vx: FloatArray, vy: FloatArray) -> FloatArray:
    """Smallest width of the convex hull of each ring's vertices, as :func:`geometry.derive.arc_islands._hull_width`:
    over the vertex pairs whose line has every vertex on one side, the farthest vertex from that line (the pair's
    first vertex is on its line exactly, so it is left out)."""
    m, n = vx.shape
    tol = 1e-12
    width = np.full(n, np.inf)
    for p, q in combinations(range(m), 2):
        dx, dy = vx[q] - vx[p], vy[q] - vy[p]
        length = np.hypot(dx, dy)
        keep = np.maximum(length, 1e-300)
        nx, ny = -dy / keep, dx / keep
        s = [(vx[o] - vx[p]) * nx + (vy[o] - vy[p]) * ny for o in range(m) if o != p]
        lo, hi, span = s[0], s[0].copy(), np.abs(s[0])
        for so in s[1:]:
            np.minimum(lo, so, out=lo)
            np.maximum(hi, so, out=hi)
            np.maximum(span, np.abs(so), out=span)
        edge = (length > 1e-12) & ((lo >= -tol) | (hi <= tol))
        np.minimum(width, np.where(edge, span, np.inf), out=width)
    return np.where(np.isfinite(width), width, 0.0)
