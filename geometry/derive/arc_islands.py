"""Islands measured in closed form (no polygons): the fast path of :mod:`geometry.derive.islands`.

A hole of a relief (or of the union of its layers) is metal outside every etched element around it. Its outline
is made of arcs of lower circles, each bulging into the hole, and of straight pieces of channel sides (capsule
tangents). That makes its measurements exact and cheap, vectorised over all holes with the same number of
vertices:

* inscribed circle: for a point p in the hole the nearest etched point lies on one of the hole's edges, so the
  distance to the outline is f(p) = min_k d_k(p), with d_k = |p - c_k| - r_k for an arc of circle k (the whole
  disk is etched) and the distance to the segment for a straight edge. That minimum of convex functions has its
  maximum where three elements are equally near (a vertex of their Voronoi diagram), touched inside their edges
  (the hole's corners are all convex, so the circle never rests on one): the circle tangent to three of the
  hole's circles or lines. Every triple is solved: anchored on a circle of the triple, the other two give two
  linear equations (circle minus circle, or a line's n . p - off = rho), then the anchor's |p - c| = rho + r is
  a quadratic in rho; three lines are one 3 x 3 system; parallel equations (parallel channel sides) fix rho
  directly. The candidates inside the hole (f > 0 and inside the chord polygon, which holds the hole and only
  circle segments besides) are evaluated with f, and the largest f is the inscribed radius;
* narrowest width: the hole lies inside its chord polygon, whose corners are on the hole, so both have the convex
  hull of the vertices; the width is the smallest over hull edges of the farthest vertex from the edge's line;
* centre: the exact centroid (the chord polygon's plus the circle segments', signed by bulge; none on straight
  edges);
* sites around: :mod:`geometry.derive.island_sites`.

Holes with more than :data:`MAX_VERTICES` vertices, or any solve that found no point inside, go to the polygon path.
Holes bounded only by arcs (an array's holes, nearly all of a large design's) take
:mod:`geometry.derive.circle_holes`: the same arithmetic in the same order, so the same numbers to the bit, one
contiguous row per edge over the holes instead of gathers through index arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from geometry.base.arrays import distinct
from geometry.derive.circle_holes import measure_circle_group
from geometry.derive.rings import RingSet, bulge_centres, segment_areas

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

MAX_VERTICES = 12
"""Holes with more vertices (rare: long chains of merged openings) are measured by the polygon path."""
CHUNK_ELEMENTS = 1 << 22
"""Holes are measured in chunks of about this many candidate-circle pairs (bounds the memory)."""
CIRCLE_CHUNK = 1 << 15
"""Holes bounded only by circles are measured this many at a time (columns that stay in the cache)."""


def closed_form_rings(rings: RingSet) -> BoolArray:
    """Which rings the closed form measures: at most :data:`MAX_VERTICES` vertices (arcs and straight edges), and
    at least two (three without arcs)."""
    lengths = np.diff(rings.start)
    arcs = np.add.reduceat((rings.bulge != 0).astype(np.intp), rings.start[:-1]) if len(rings.bulge) else \
        np.zeros(len(rings), dtype=np.intp)
    out: BoolArray = (lengths <= MAX_VERTICES) & ((lengths >= 3) | ((lengths == 2) & (arcs > 0)))
    return out


@dataclass(frozen=True, eq=False)
class Measured:
    """Closed-form measurements of rings (see the module docstring): centroid (``x``, ``y``), ``inscribed`` diameter
    and narrowest ``width``; (``px``, ``py``) is the centre of the largest inscribed circle (a point strictly inside
    the ring). ``solved[k]`` is False where no candidate centre was found inside ring k (the caller measures those
    rings with polygons instead)."""

    x: FloatArray
    y: FloatArray
    inscribed: FloatArray
    width: FloatArray
    px: FloatArray
    py: FloatArray
    solved: BoolArray


def measure_rings(rings: RingSet) -> Measured:
    """The closed-form measurements of hole rings (arcs bulging into the ring, straight edges), vectorised over
    rings of the same number of vertices."""
    n = len(rings)
    cols = [np.zeros(n) for _ in range(6)]
    solved = np.zeros(n, dtype=bool)
    lengths = np.diff(rings.start)
    lines = np.add.reduceat((rings.bulge == 0).astype(np.intp), rings.start[:-1]) if len(rings.bulge) else \
        np.zeros(n, dtype=np.intp)
    for m in distinct(lengths).tolist():
        # rings bounded only by circles (an array's holes) take the column-wise path of the same arithmetic
        for members, group, per in (
                (np.flatnonzero((lengths == m) & (lines == 0)), measure_circle_group, CIRCLE_CHUNK),
                (np.flatnonzero((lengths == m) & (lines > 0)), _measure_group,
                 max(1, CHUNK_ELEMENTS // (m * m * m + 1)))):
            for c0 in range(0, len(members), per):
                chunk = members[c0:c0 + per]
                sel: IntArray | slice = chunk
                first = rings.start[chunk]
                if first[-1] - first[0] == (len(first) - 1) * m:  # consecutive rings: views, no gathers
                    sel = slice(int(chunk[0]), int(chunk[-1]) + 1)
                    v = rings.xy[first[0]:first[-1] + m].reshape(-1, m, 2)
                    b = rings.bulge[first[0]:first[-1] + m].reshape(-1, m)
                else:
                    idx = first[:, None] + np.arange(m)[None, :]
                    v, b = rings.xy[idx], rings.bulge[idx]
                # every ring in its own frame (its first vertex at the origin): small numbers, no cancellation
                o = v[:, 0, :].copy()
                v = v - o[:, None, :]
                gx, gy, ins, wid, px, py, ok = group(v, b)
                for col, val in zip(cols, (gx + o[:, 0], gy + o[:, 1], ins, wid, px + o[:, 0], py + o[:, 1]),
                                    strict=True):
                    col[sel] = val
                solved[sel] = ok
    return Measured(cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], solved)


def measure_arc_holes(rings: RingSet) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """(centroid x, centroid y, inscribed diameter, narrowest width, solved) of rings (see :func:`measure_rings`)."""
    m = measure_rings(rings)
    return m.x, m.y, m.inscribed, m.width, m.solved


@dataclass(frozen=True)
class _Elements:
    """The edges of rings (n, m) as distance elements: arcs by their circle (``c``, ``r``), straight edges by the
    unit normal ``nrm`` into the ring and the offset ``off`` (signed distance n . p - off)."""

    line: BoolArray
    c: FloatArray
    r: FloatArray
    nrm: FloatArray
    off: FloatArray


def _elements(v: FloatArray, b: FloatArray) -> _Elements:
    n, m = b.shape
    w = np.roll(v, -1, axis=1)
    line = b == 0
    c = np.zeros((n, m, 2))
    r = np.zeros((n, m))
    arc = ~line
    if arc.any():
        c[arc], r[arc] = bulge_centres(v[arc], w[arc], b[arc])
    # orientation: the inside is left of the edges when the area is positive. The arcs bulge into the ring, so
    # its chord polygon (the ring plus circle segments) turns the same way; only a ring of two arcs (a lens, no
    # chord area) needs the segments
    area = (v[..., 0] * w[..., 1] - w[..., 0] * v[..., 1]).sum(axis=1) / 2.0
    flat = np.flatnonzero(np.abs(area) <= 1e-15)
    if len(flat):
        vf, wf = v[flat].reshape(-1, 2), w[flat].reshape(-1, 2)
        area[flat] += segment_areas(vf, wf, b[flat].reshape(-1)).reshape(len(flat), m).sum(axis=1)
    side = np.where(area >= 0.0, 1.0, -1.0)
    e = w - v
    length = np.maximum(np.hypot(e[..., 0], e[..., 1]), 1e-300)
    nrm = np.stack([-e[..., 1], e[..., 0]], axis=-1) * (side[:, None] / length)[..., None]
    off = np.einsum("nmk,nmk->nm", nrm, v)
    return _Elements(line, c, r, nrm, off)


def _measure_group(v: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray,
                                                             FloatArray, BoolArray]:
    el = _elements(v, b)
    gx, gy = _centroids(v, b, el.c, el.r)
    rho, px, py, ok = _inscribed_radius(v, el)
    return gx, gy, 2.0 * rho, _hull_width(v), px, py, ok


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
    # the segment's centroid lies on the ray from the arc's centre through the arc's midpoint (straight edges:
    # no segment)
    d = v - w
    arc_mid = (v + w) / 2.0 + np.stack([-d[..., 1], d[..., 0]], axis=-1) * (b / 2.0)[..., None]
    ray = arc_mid - c
    ray /= np.maximum(np.hypot(ray[..., 0], ray[..., 1]), 1e-300)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = 4.0 * r * np.sin(half) ** 3 / (3.0 * (2.0 * half - np.sin(2.0 * half)))
    g = np.where((b != 0)[..., None], c + ray * np.nan_to_num(dist)[..., None], 0.0)
    area = poly_a + seg_a.sum(axis=1)
    mx = poly_mx + (seg_a * g[..., 0]).sum(axis=1)
    my = poly_my + (seg_a * g[..., 1]).sum(axis=1)
    return mx / area, my / area


def _rows(el: _Elements, hole: IntArray, k: IntArray, anchor: IntArray) -> tuple[FloatArray, FloatArray,
                                                                                  FloatArray]:
    """The linear equation A . q + g rho = e of element k relative to the anchor circle (q = p - its centre):
    another circle's tangency minus the anchor's, or a line's."""
    c0, r0 = el.c[hole, anchor], el.r[hole, anchor]
    is_line = el.line[hole, k]
    a = np.where(is_line[..., None], el.nrm[hole, k], el.c[hole, k] - c0)
    rk = el.r[hole, k]
    g = np.where(is_line, -1.0, rk - r0)
    e = np.where(is_line, el.off[hole, k] - np.einsum("...k,...k->...", el.nrm[hole, k], c0),
                 0.5 * (np.einsum("...k,...k->...", a, a) - rk * rk + r0 * r0))
    return a, g, e


def _candidates(el: _Elements) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    """Centres (n, K) of the circles tangent to three of each ring's elements (K = 2 per triple; NaN where none),
    their radii, and which come from three straight edges.

    A triple with a circle anchors on it (q = p - c): the other two elements give two linear equations in q and
    rho, so q = u - v rho, and the anchor's |q| = rho + r is a quadratic in rho. Where the two equations are
    parallel (parallel channel sides, a circle centre on a line's normal through the anchor) their difference
    fixes rho and q is where a line meets the anchor's circle. Three lines are one 3 x 3 linear system.
    """
    n, m = el.r.shape
    tri = np.array(list(combinations(range(m), 3)), dtype=np.intp).reshape(-1, 3)
    hole = np.arange(n, dtype=np.intp)[:, None, None]
    k = np.broadcast_to(tri[None, :, :], (n, len(tri), 3))
    # circles first in every triple (stable, so the order of each kind is kept)
    k = np.take_along_axis(k, np.argsort(el.line[hole, k], axis=2, kind="stable"), axis=2)
    h2 = hole[..., 0]
    k0, k1, k2 = k[..., 0], k[..., 1], k[..., 2]
    a1, g1, e1 = _rows(el, h2, k1, k0)
    a2, g2, e2 = _rows(el, h2, k2, k0)
    c0, r0 = el.c[h2, k0], el.r[h2, k0]
    det = a1[..., 0] * a2[..., 1] - a1[..., 1] * a2[..., 0]
    scale = np.hypot(a1[..., 0], a1[..., 1]) * np.hypot(a2[..., 0], a2[..., 1])
    par = np.abs(det) <= 1e-10 * scale
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        inv = 1.0 / det
        ux = (e1 * a2[..., 1] - e2 * a1[..., 1]) * inv
        uy = (a1[..., 0] * e2 - a2[..., 0] * e1) * inv
        vx = (g1 * a2[..., 1] - g2 * a1[..., 1]) * inv
        vy = (a1[..., 0] * g2 - a2[..., 0] * g1) * inv
        qa = vx * vx + vy * vy - 1.0
        qb = -2.0 * (ux * vx + uy * vy + r0)
        qc = ux * ux + uy * uy - r0 * r0
        disc = np.sqrt(np.maximum(qb * qb - 4.0 * qa * qc, 0.0))
        # both roots, in the form that does not cancel
        s = np.where(qb >= 0, 1.0, -1.0)
        t = -0.5 * (qb + s * disc)
        rho = np.stack([t / qa, qc / t], axis=-1)
        qx = ux[..., None] - vx[..., None] * rho
        qy = uy[..., None] - vy[..., None] * rho
        # parallel equations: a2 = lam a1, so (g2 - lam g1) rho = e2 - lam e1, then a1 . q = e1 - g1 rho on the
        # anchor's circle |q| = rho + r0
        a1n = np.maximum(np.hypot(a1[..., 0], a1[..., 1]), 1e-300)
        lam = np.einsum("...k,...k->...", a1, a2) / (a1n * a1n)
        rho_p = (e2 - lam * e1) / (g2 - lam * g1)
        t0 = (e1 - g1 * rho_p) / a1n
        half = np.sqrt((rho_p + r0) ** 2 - t0 * t0)
        ax, ay = a1[..., 0] / a1n, a1[..., 1] / a1n
        sgn = np.array([1.0, -1.0])
        qx = np.where(par[..., None], t0[..., None] * ax[..., None] - sgn * half[..., None] * ay[..., None], qx)
        qy = np.where(par[..., None], t0[..., None] * ay[..., None] + sgn * half[..., None] * ax[..., None], qy)
        px = c0[..., 0:1] + qx
        py = c0[..., 1:2] + qy
        rho = np.where(par[..., None], rho_p[..., None], rho)
        # three lines: n_k . p - rho = off_k, by Cramer's rule
        lll = el.line[h2, k0]
        if lll.any():
            hh, tt = np.nonzero(lll)
            kk = k[hh, tt]
            nn = el.nrm[hh[:, None], kk]  # (L, 3, 2)
            mat = np.concatenate([nn, -np.ones((len(hh), 3, 1))], axis=2)
            rhs = el.off[hh[:, None], kk]
            d3 = np.linalg.det(mat)
            sol = np.full((len(hh), 3), np.nan)
            okd = np.abs(d3) > 1e-12
            if okd.any():
                sol[okd] = np.linalg.solve(mat[okd], rhs[okd][..., None])[..., 0]
            px[hh, tt] = sol[:, 0:1]
            py[hh, tt] = sol[:, 1:2]
            rho[hh, tt] = sol[:, 2:3]
            px[hh, tt, 1] = np.nan
            py[hh, tt, 1] = np.nan
    three = np.repeat(lll[..., None], 2, axis=2)
    return px.reshape(n, -1), py.reshape(n, -1), rho.reshape(n, -1), three.reshape(n, -1)


def _distance(v: FloatArray, el: _Elements, hole: IntArray, qx: FloatArray, qy: FloatArray) -> FloatArray:
    """f(q) = the distance from points q to the etched side: min over the ring's elements (circle: |q - c| - r;
    straight edge: the distance to the segment), one point per ``hole`` entry."""
    c, r = el.c[hole], el.r[hole]
    dx, dy = qx[:, None] - c[..., 0], qy[:, None] - c[..., 1]
    d = np.sqrt(dx * dx + dy * dy) - r
    lines = np.flatnonzero(el.line.any(axis=0))  # edge slots that are straight in some ring
    if len(lines):
        line = el.line[hole][:, lines]
        a = v[hole][:, lines]
        e = np.roll(v, -1, axis=1)[hole][:, lines] - a
        wx, wy = qx[:, None] - a[..., 0], qy[:, None] - a[..., 1]
        ee = np.maximum(e[..., 0] ** 2 + e[..., 1] ** 2, 1e-300)
        t = np.clip((wx * e[..., 0] + wy * e[..., 1]) / ee, 0.0, 1.0)
        sx, sy = wx - t * e[..., 0], wy - t * e[..., 1]
        d[:, lines] = np.where(line, np.sqrt(sx * sx + sy * sy), d[:, lines])
    out: FloatArray = d.min(axis=1)
    return out


def _inscribed_radius(v: FloatArray, el: _Elements) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    """(radius, centre x, centre y, found): the largest f over the candidate centres that lie in the ring.

    The largest inscribed circle touches three elements inside their edges, so its centre is a candidate whose
    f equals its radius rho > 0. A candidate tangent to a circle has f <= rho (that circle is at rho), so rho
    bounds what it can score: the candidates are taken best bound first, each replaced by its f (or dropped
    when outside the ring) once looked at, until the best score is a measured one. Candidates of three straight
    edges (f may exceed rho: the edges are segments) are measured at once.
    """
    n = el.r.shape[0]
    px, py, rho, three = _candidates(el)
    good = np.isfinite(px) & np.isfinite(py) & np.isfinite(rho) & (rho > 0.0)
    score = np.where(good, rho, -np.inf)
    measured = np.zeros(good.shape, dtype=bool)
    hole, slot = np.nonzero(good & three)
    if len(hole):
        f = _distance(v, el, hole, px[hole, slot], py[hole, slot])
        inside = _in_polygon(v[hole], px[hole, slot][:, None], py[hole, slot][:, None])[:, 0]
        score[hole, slot] = np.where((f > 0.0) & inside, f, -np.inf)
        measured[hole, slot] = True
    best = np.full(n, -np.inf)
    bx, by = np.zeros(n), np.zeros(n)
    todo = np.arange(n, dtype=np.intp)
    while len(todo):
        k = np.argmax(score[todo], axis=1)
        val = score[todo, k]
        live = np.isfinite(val)
        todo, k, val = todo[live], k[live], val[live]
        done = measured[todo, k]
        got, kg = todo[done], k[done]
        best[got], bx[got], by[got] = val[done], px[got, kg], py[got, kg]
        todo, k = todo[~done], k[~done]
        qx, qy = px[todo, k], py[todo, k]
        f = _distance(v, el, todo, qx, qy)
        inside = _in_polygon(v[todo], qx[:, None], qy[:, None])[:, 0]
        score[todo, k] = np.where(inside & (f > 0.0), f, -np.inf)
        measured[todo, k] = True
    ok = np.isfinite(best)
    return np.where(ok, best, 0.0), bx, by, ok


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
