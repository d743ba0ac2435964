"""Which polygons are circles: a least-squares circle per polygon, vectorised over ragged vertex arrays.

Substrate CAM and GDS flows draw a round pad as a polygon of 16 to 64 vertices. A polygon is taken for a
circle when it has at least :data:`MIN_VERTICES` vertices, every vertex lies within the tolerance of the fitted
circle and no edge spans more than :data:`MAX_STEP_DEG` of it (so a square, whose four corners lie on a circle,
or a half-disc is not a circle). The diameter is that of the circle through the vertices, which is the one our
own GDS writer and most CAM tools inscribe their polygons in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

MIN_VERTICES = 8
MAX_STEP_DEG = 60.0


@dataclass(frozen=True, eq=False)
class CircleFit:
    """Per polygon: fitted centre and radius, largest vertex deviation, and whether it counts as a circle."""

    cx: FloatArray
    cy: FloatArray
    r: FloatArray
    deviation: FloatArray
    round: NDArray[np.bool_]


_CHUNK_VERTICES = 1 << 21
"""Vertices fitted per step: the temporaries of a step stay near 100 MB however many polygons there are."""


def fit_circles(xy: NDArray[np.floating] | NDArray[np.integer], start: NDArray[np.intp], tol_mm: float) -> CircleFit:
    """Fit a circle to each polygon ``xy[start[k]:start[k + 1]]`` (Kasa's algebraic fit on centred vertices).

    ``xy`` may be integers (database units of a GDS file); it is taken in steps of about two million vertices.
    """
    k = start.shape[0] - 1
    if k <= 0:
        e = np.zeros(0)
        return CircleFit(e, e, e, e, np.zeros(0, bool))
    parts: list[CircleFit] = []
    lo = 0
    while lo < k:
        hi = int(np.searchsorted(start, start[lo] + _CHUNK_VERTICES, side="right")) - 1
        hi = min(max(hi, lo + 1), k)
        s = start[lo:hi + 1]
        chunk = xy[s[0]:s[-1]]
        counts = np.diff(s)
        if np.issubdtype(chunk.dtype, np.integer) and bool(np.all(counts == counts[0])):
            parts.append(_fit_translates(np.asarray(chunk, np.int64).reshape(-1, int(counts[0]), 2), tol_mm))
        else:
            parts.append(_fit_chunk(np.asarray(chunk, np.float64), s - s[0], tol_mm))
        lo = hi
    if len(parts) == 1:
        return parts[0]
    return CircleFit(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("cx", "cy", "r", "deviation",
                                                                                "round")))


def _fit_translates(poly: NDArray[np.integer], tol_mm: float) -> CircleFit:
    """Integer polygons of equal vertex count, fitted once per distinct shape.

    A flat file repeats one pad polygon at every site. Each polygon is taken relative to its first vertex; equal
    relative vertex lists (found by a hash, then compared vertex by vertex, so a collision only costs a fit) are
    the same shape moved, and share one fit moved by their first vertex, exactly.
    """
    n, width = poly.shape[0], poly.shape[1]
    rel = (poly - poly[:, :1]).reshape(n, 2 * width)
    weights = np.random.default_rng(13).integers(1, 2**62, 2 * width, dtype=np.int64)
    with np.errstate(over="ignore"):
        key = rel @ weights
    _, rep, inv = np.unique(key, return_index=True, return_inverse=True)
    same = (rel == rel[rep[inv]]).all(axis=1)
    own = np.flatnonzero(~same)  # hash collisions: each fitted as its own shape
    fit_rows = np.concatenate([rep, own])
    shapes = rel[fit_rows].reshape(-1, 2).astype(np.float64)
    starts = np.arange(fit_rows.shape[0] + 1, dtype=np.intp) * width
    f = _fit_chunk(shapes, starts, tol_mm)
    which = inv.copy()
    which[own] = rep.shape[0] + np.arange(own.shape[0])
    x0, y0 = poly[:, 0, 0].astype(np.float64), poly[:, 0, 1].astype(np.float64)
    return CircleFit(x0 + f.cx[which], y0 + f.cy[which], f.r[which], f.deviation[which], f.round[which])


def _fit_chunk(xy: FloatArray, start: NDArray[np.intp], tol_mm: float) -> CircleFit:
    """One step of :func:`fit_circles`: (k, V) arrays when every polygon has V vertices (the usual case), else
    ragged arrays with per-polygon reductions."""
    counts = np.diff(start)
    if bool(np.all(counts == counts[0])):
        width = int(counts[0])
        x = xy[:, 0].reshape(-1, width)
        y = xy[:, 1].reshape(-1, width)
        mx, my = x.mean(axis=1), y.mean(axis=1)
        u, v = x - mx[:, None], y - my[:, None]

        def total(a: FloatArray) -> FloatArray:
            return np.asarray(a.sum(axis=1))

        def most(a: FloatArray) -> FloatArray:
            return np.asarray(a.max(axis=1))

        def each(a: FloatArray) -> FloatArray:
            return a[:, None]

        chord = np.hypot(np.diff(u, axis=1, append=u[:, :1]), np.diff(v, axis=1, append=v[:, :1]))
    else:
        first = start[:-1]
        owner = np.repeat(np.arange(counts.shape[0]), counts)
        mx = np.add.reduceat(xy[:, 0], first) / counts
        my = np.add.reduceat(xy[:, 1], first) / counts
        u, v = xy[:, 0] - mx[owner], xy[:, 1] - my[owner]

        def total(a: FloatArray) -> FloatArray:
            return np.asarray(np.add.reduceat(a, first))

        def most(a: FloatArray) -> FloatArray:
            return np.asarray(np.maximum.reduceat(a, first))

        def each(a: FloatArray) -> FloatArray:
            return a[owner]

        nxt = np.arange(xy.shape[0]) + 1  # the next vertex, the last joined to the first
        nxt[start[1:] - 1] = first
        chord = np.hypot(u[nxt] - u, v[nxt] - v)
    uu, vv, uv = u * u, v * v, u * v
    suu, svv, suv = total(uu), total(vv), total(uv)
    b1 = total(uu * u + u * vv)
    b2 = total(uu * v + vv * v)
    det = suu * svv - suv * suv
    ok = det > 1e-30 * np.maximum(suu * svv, 1e-300)
    safe = np.where(ok, det, 1.0)
    d = -(b1 * svv - b2 * suv) / safe
    e = -(suu * b2 - suv * b1) / safe
    f = -(suu + svv) / counts
    r = np.sqrt(np.maximum((d * d + e * e) / 4.0 - f, 0.0))
    # Deviations in the centred frame (u, v), where the fitted centre is (-d/2, -e/2).
    deviation = most(np.abs(np.hypot(u + each(d / 2.0), v + each(e / 2.0)) - each(r)))
    # The largest angle an edge spans, as its chord.
    max_chord = most(chord)
    max_step = 2.0 * r * np.sin(np.radians(MAX_STEP_DEG) / 2.0)
    is_round = ok & (counts >= MIN_VERTICES) & (deviation <= tol_mm) & (max_chord <= max_step) & (r > 0)
    return CircleFit(mx - d / 2.0, my - e / 2.0, r, deviation, is_round)
