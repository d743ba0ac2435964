"""Operations on :class:`~geometry.derive.rings.RingSet` that the exporters need: pick regions, mirror, rectangles,
and the arc centres of every bulged edge. All vectorised over the flat arrays."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from geometry.derive.rings import RingSet, bulge_centres

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def ring_lengths(rs: RingSet) -> IntArray:
    """Number of vertices of every ring."""
    return np.diff(rs.start).astype(np.intp)


def select_regions(rs: RingSet, keep: NDArray[np.bool_]) -> RingSet:
    """The rings of the regions where ``keep`` is true, regions renumbered 0.. in their old order."""
    if len(rs) == 0:
        return RingSet.empty()
    ring_keep = keep[rs.region]
    lengths = ring_lengths(rs)
    vert_keep = np.repeat(ring_keep, lengths)
    new_id = np.cumsum(keep) - 1
    kept_lengths = lengths[ring_keep]
    start = np.concatenate([[0], np.cumsum(kept_lengths)]).astype(np.intp)
    return RingSet(rs.xy[vert_keep].copy(), rs.bulge[vert_keep].copy(), start,
                   new_id[rs.region[ring_keep]].astype(np.intp), rs.hole[ring_keep].copy())


def mirror_x(rs: RingSet, axis_x_mm: float) -> RingSet:
    """Mirror about the vertical line x = ``axis_x_mm``, keeping outer rings counter-clockwise and holes
    clockwise (a mirror alone would flip every orientation, so each ring is also walked backwards)."""
    if len(rs) == 0:
        return RingSet.empty()
    n = len(rs.bulge)
    lengths = ring_lengths(rs)
    first = np.repeat(rs.start[:-1], lengths)
    pos = np.arange(n, dtype=np.intp) - first  # position inside the ring
    size = np.repeat(lengths, lengths)
    # new order: v0, v_{m-1}, ..., v1
    src = first + (-pos) % size
    xy = rs.xy[src].copy()
    xy[:, 0] = 2.0 * axis_x_mm - xy[:, 0]
    # the new edge from v_k to v_{k-1} is the old edge k-1 walked backwards; mirror and reversal both negate
    # the bulge, so the old bulge stands
    prev = first + (src - first - 1) % size
    return RingSet(xy, rs.bulge[prev].copy(), rs.start.copy(), rs.region.copy(), rs.hole.copy())


def rectangle(xmin: float, ymin: float, xmax: float, ymax: float) -> RingSet:
    """A counter-clockwise rectangle as one region."""
    xy = np.array([[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax]], dtype=np.float64)
    return RingSet.from_rings([(xy, np.zeros(4))], [0], [False])


def next_vertices(rs: RingSet) -> IntArray:
    """For every vertex, the index of the next vertex of its ring."""
    n = len(rs.bulge)
    nxt = np.arange(1, n + 1, dtype=np.intp)
    if n:
        nxt[rs.start[1:] - 1] = rs.start[:-1]
    return nxt


def arc_centres(rs: RingSet) -> FloatArray:
    """Centre (N, 2) of the arc on every edge; NaN on straight edges."""
    out = np.full((len(rs.bulge), 2), np.nan)
    bent = rs.bulge != 0
    if bent.any():
        nxt = next_vertices(rs)
        c, _ = bulge_centres(rs.xy[bent], rs.xy[nxt][bent], rs.bulge[bent])
        out[bent] = c
    return out


def densified(rs: RingSet, chord_tol_mm: float) -> RingSet:
    """The same rings with every arc replaced by straight chords deviating at most ``chord_tol_mm``."""
    polys = [rs.densify(k, chord_tol_mm) for k in range(len(rs))]
    return RingSet.from_rings([(xy, np.zeros(len(xy))) for xy in polys], rs.region.tolist(), rs.hole.tolist())


def bounds(rs: RingSet) -> tuple[float, float, float, float] | None:
    """Exact bounding box: the vertices, and each arc's points at 0, 90, 180 and 270 degrees that it sweeps over."""
    if len(rs) == 0:
        return None
    xs = [rs.xy[:, 0]]
    ys = [rs.xy[:, 1]]
    bent = rs.bulge != 0
    if bent.any():
        nxt = next_vertices(rs)
        p0 = rs.xy[bent]
        c, r = bulge_centres(p0, rs.xy[nxt][bent], rs.bulge[bent])
        phi = 4.0 * np.arctan(rs.bulge[bent])
        a0 = np.arctan2(p0[:, 1] - c[:, 1], p0[:, 0] - c[:, 0])
        for k in range(4):
            theta = k * np.pi / 2.0
            # how far along the sweep's direction the axis point lies from the arc's start
            along = np.mod((theta - a0) * np.sign(phi), 2.0 * np.pi)
            hit = along <= np.abs(phi)
            xs.append(c[hit, 0] + r[hit] * np.cos(theta))
            ys.append(c[hit, 1] + r[hit] * np.sin(theta))
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())
