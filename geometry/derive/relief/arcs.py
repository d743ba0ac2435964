"""The exact union of many disks, as rings of circular arcs, without polygons.

The boundary of a union of disks is made only of arcs of their circles: each circle keeps the part of its
boundary that no other disk covers. For every overlapping pair (found with a KD-tree) the arc of one circle
inside the other is an angular interval centred on the direction to the other centre; the union of these
intervals per circle (one sort of all intervals, a running maximum) leaves the free arcs. Each free arc starts
where the interval of one neighbour ends and stops where the interval of the next neighbour starts, and those
points are exact circle-circle intersections shared by the two circles, so the arc that follows is found by a
key lookup (interval of ``i`` from ``k`` <-> interval of ``k`` from ``i``), and rings are the cycles of that
successor map (ranked by pointer jumping, all vectorised). Each arc runs counter-clockwise about its own centre
(the disk lies on its left), so a ring's orientation tells an outer boundary (counter-clockwise) from a hole.

Everything is O(N log N) in the number of disks. Degenerate contacts (three circles through one point, arcs
that vanish to rounding) can make the successor map inconsistent; such components are reported in
:attr:`CircleUnion.bad` and the caller unions them with the general (polygon) path instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geometry.base.spatial import components, pairs_within
from geometry.derive.rings import RingSet

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

# Lengths (mm) closer than this count as equal: two circles overlap only when they share more than a point.
TOUCH_MM = 1e-9
TWO_PI = 2.0 * np.pi


@dataclass(frozen=True, eq=False)
class CircleUnion:
    """The union of disks: connected components and their exact boundary rings.

    ``component[c]`` labels disk c (0 .. ``n_components`` - 1; disks that only touch are separate).
    ``rings`` holds the boundary rings of every component with two disks or more that is not ``bad``;
    ``rings.region`` is the component label. ``bad[k]`` marks components whose arcs could not be linked
    exactly (degenerate contacts): they have no rings here.
    """

    component: IntArray
    n_components: int
    sizes: IntArray
    rings: RingSet
    bad: BoolArray


def overlap_pairs(x: FloatArray, y: FloatArray, r: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
    """Pairs (i < j) of disks that share more than a point, with centre distances."""
    if len(x) < 2:
        e = np.zeros(0, dtype=np.intp)
        return e, e, np.zeros(0)
    i, j = pairs_within(x, y, 2.0 * float(r.max()))
    d = np.hypot(x[j] - x[i], y[j] - y[i])
    keep = d < r[i] + r[j] - TOUCH_MM
    return i[keep], j[keep], d[keep]


def _components(n: int, i: IntArray, j: IntArray) -> tuple[int, IntArray]:
    return components(n, i, j)


def _rank_cycles(nxt: IntArray) -> tuple[IntArray, IntArray]:
    """For a permutation made of cycles: (cycle label per element, elements ordered cycle by cycle).

    Each cycle is cut before its smallest element and ranked by pointer jumping (Wyllie), so the order inside a
    cycle follows ``nxt`` starting at its smallest element.
    """
    n = len(nxt)
    if n == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    _, label = _components(n, np.arange(n, dtype=np.intp), nxt)
    head = np.full(int(label.max()) + 1, n, dtype=np.intp)
    np.minimum.at(head, label, np.arange(n, dtype=np.intp))
    pred = np.empty(n, dtype=np.intp)
    pred[nxt] = np.arange(n, dtype=np.intp)
    succ = nxt.copy()
    succ[pred[head]] = -1
    dist = (succ >= 0).astype(np.intp)
    live = np.flatnonzero(succ >= 0)
    while len(live):
        s = succ[live]
        dist[live] += dist[s]
        succ[live] = succ[s]
        live = live[succ[live] >= 0]
    order = np.lexsort((-dist, label))
    return label, order.astype(np.intp)


def _full_circle_rings(cx: FloatArray, cy: FloatArray, r: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Each circle as a ring of two half arcs (bulge 1), starting at angle 0: vertices (2N, 2) and bulges."""
    xy = np.empty((2 * len(cx), 2))
    xy[0::2, 0] = cx + r
    xy[0::2, 1] = cy
    xy[1::2, 0] = cx - r
    xy[1::2, 1] = cy
    return xy, np.ones(2 * len(cx))


def ring_vertices(
    start_xy: FloatArray, sweep: FloatArray, start_angle: FloatArray, circle: IntArray, ring: IntArray,
    x: FloatArray, y: FloatArray, r: FloatArray,
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Vertices, bulges and ring offsets of boundary pieces already in ring order.

    Piece k starts at ``start_xy[k]`` and sweeps ``sweep[k]`` radians (0 for a straight piece) from
    ``start_angle[k]`` on circle ``circle[k]``. A piece over half a turn is split at its middle, so every bulge
    stays within [-1, 1] (readers that take bulges in that range only read them right).
    """
    split = sweep > np.pi
    reps = np.where(split, 2, 1)
    v_xy = np.repeat(start_xy, reps, axis=0)
    v_sweep = np.repeat(np.where(split, sweep / 2.0, sweep), reps)
    v_ring = np.repeat(ring, reps)
    second = np.zeros(len(v_sweep), dtype=bool)
    second[(np.cumsum(reps) - reps)[split] + 1] = True
    mid_angle = np.repeat(start_angle + sweep / 2.0, reps)[second]
    mc = np.repeat(circle, reps)[second]
    v_xy[second] = np.column_stack([x[mc] + r[mc] * np.cos(mid_angle), y[mc] + r[mc] * np.sin(mid_angle)])
    n_ring = int(ring.max()) + 1 if len(ring) else 0
    ring_start = np.searchsorted(v_ring, np.arange(n_ring + 1)).astype(np.intp)
    return v_xy, np.tan(v_sweep / 4.0), ring_start


def with_full_circles(
    v_xy: FloatArray, v_bulge: FloatArray, ring_start: IntArray, ring_region: IntArray,
    cx: FloatArray, cy: FloatArray, r: FloatArray, circle_region: IntArray,
) -> RingSet:
    """Rings of arcs plus whole circles (each its own ring of two half arcs), none marked as a hole yet."""
    f_xy, f_bulge = _full_circle_rings(cx, cy, r)
    n = len(ring_start) - 1 + len(cx)
    return RingSet(
        np.concatenate([v_xy, f_xy]), np.concatenate([v_bulge, f_bulge]),
        np.concatenate([ring_start, ring_start[-1] + 2 * np.arange(1, len(cx) + 1)]).astype(np.intp),
        np.concatenate([ring_region, circle_region]).astype(np.intp), np.zeros(n, dtype=bool),
    )


def circle_union(x_mm: FloatArray, y_mm: FloatArray, r_mm: FloatArray) -> CircleUnion:
    """The exact union of disks (centres ``x_mm, y_mm``, radii ``r_mm``) as rings of arcs (see module doc)."""
    x = np.asarray(x_mm, dtype=np.float64)
    y = np.asarray(y_mm, dtype=np.float64)
    r = np.asarray(r_mm, dtype=np.float64)
    n = len(x)
    pi_, pj, d = overlap_pairs(x, y, r)
    n_comp, comp = _components(n, pi_, pj)
    sizes = np.bincount(comp, minlength=n_comp).astype(np.intp)
    bad = np.zeros(n_comp, dtype=bool)

    # A disk inside another (internal tangency and identical disks included) adds nothing to the boundary.
    inside = d <= np.abs(r[pi_] - r[pj]) + TOUCH_MM
    small = np.where(r[pi_] < r[pj], pi_, np.where(r[pj] < r[pi_], pj, np.maximum(pi_, pj)))
    contained = np.zeros(n, dtype=bool)
    contained[small[inside]] = True
    cross = ~inside & ~contained[pi_] & ~contained[pj]
    i, j, d = pi_[cross], pj[cross], d[cross]

    # Interval 2p lies on circle i (covered by j), interval 2p + 1 on circle j (covered by i).
    dx, dy = x[j] - x[i], y[j] - y[i]
    theta = np.arctan2(dy, dx)
    ai = np.arccos(np.clip((d * d + r[i] ** 2 - r[j] ** 2) / (2.0 * d * r[i]), -1.0, 1.0))
    aj = np.arccos(np.clip((d * d + r[j] ** 2 - r[i] ** 2) / (2.0 * d * r[j]), -1.0, 1.0))
    a = r[i] * np.cos(ai)
    h = r[i] * np.sin(ai)
    ux, uy = dx / d, dy / d
    left = np.column_stack([x[i] + a * ux - h * uy, y[i] + a * uy + h * ux])
    right = np.column_stack([x[i] + a * ux + h * uy, y[i] + a * uy - h * ux])
    m = len(i)
    iv_circle = np.empty(2 * m, dtype=np.intp)
    iv_circle[0::2], iv_circle[1::2] = i, j
    iv_lo = np.empty(2 * m)
    iv_lo[0::2] = theta - ai
    iv_lo[1::2] = theta + np.pi - aj
    iv_len = np.empty(2 * m)
    iv_len[0::2], iv_len[1::2] = 2.0 * ai, 2.0 * aj
    iv_lo = np.mod(iv_lo, TWO_PI)
    # Where each interval ends (a free arc may start there): the left point on i, the right point on j.
    iv_end_xy = np.empty((2 * m, 2))
    iv_end_xy[0::2], iv_end_xy[1::2] = left, right

    # Union of intervals per circle on the line, with copies shifted by 2 pi and 4 pi: gaps that start in
    # [2 pi, 4 pi) are exactly the free arcs, each once, and none wraps.
    q = np.tile(np.arange(2 * m, dtype=np.intp), 3)
    shift = np.repeat(np.array([0.0, TWO_PI, 2.0 * TWO_PI]), 2 * m)
    lo = iv_lo[q] + shift
    hi = lo + iv_len[q]
    base = iv_circle[q] * 8.0 * np.pi  # separate the circles on one line (each spans less than 8 pi)
    order = np.lexsort((lo, iv_circle[q]))
    q, lo, hi, base = q[order], lo[order], hi[order], base[order]
    run_hi = np.maximum.accumulate(hi + base)
    at_max = np.where(hi + base >= run_hi, np.arange(len(q)), 0)
    arg_hi = np.maximum.accumulate(at_max)
    same = np.zeros(len(q), dtype=bool)
    same[1:] = iv_circle[q[1:]] == iv_circle[q[:-1]]
    prev_hi = np.empty(len(q))
    prev_hi[1:] = run_hi[:-1] - base[1:]
    gap = same & (lo > prev_hi)
    gap[1:] &= (prev_hi[1:] >= 2.0 * np.pi) & (prev_hi[1:] < 2.0 * TWO_PI)
    g = np.flatnonzero(gap)
    start_iv = q[arg_hi[g - 1]]  # the interval whose end starts the free arc
    end_iv = q[g]  # the interval whose start stops it
    start_angle = prev_hi[g]
    sweep = lo[g] - start_angle
    arc_circle = iv_circle[end_iv]

    # Successor of each arc: at the start of interval (c from k) the boundary goes on along k, on the arc that
    # starts at the end of interval (k from c), which is the partner interval q ^ 1.
    n_arc = len(g)
    arc_of = np.full(2 * m, -1, dtype=np.intp)
    arc_of[start_iv] = np.arange(n_arc, dtype=np.intp)
    nxt = arc_of[end_iv ^ 1] if n_arc else np.zeros(0, dtype=np.intp)
    arc_comp = comp[arc_circle]
    broken = (nxt < 0) | (np.bincount(start_iv, minlength=2 * m)[start_iv] != 1)
    if n_arc:
        hits = np.bincount(nxt[nxt >= 0], minlength=n_arc)
        broken |= hits != 1
        broken[nxt >= 0] |= hits[nxt[nxt >= 0]] != 1
    bad[arc_comp[broken]] = True
    ok = ~bad[arc_comp]
    # An arc that links into a bad component makes its own component bad too (they are the same component).
    keep = np.flatnonzero(ok)
    renum = np.full(n_arc, -1, dtype=np.intp)
    renum[keep] = np.arange(len(keep), dtype=np.intp)
    nxt_k = renum[nxt[keep]]
    label, ring_order = _rank_cycles(nxt_k)

    # Vertices: each arc's start point; arcs over half a turn are split so every bulge stays within [-1, 1].
    a_xy = iv_end_xy[start_iv[keep]][ring_order]
    a_sweep = sweep[keep][ring_order]
    a_circle = arc_circle[keep][ring_order]
    a_ring = label[ring_order]
    a_start = start_angle[keep][ring_order]
    v_xy, v_bulge, ring_start = ring_vertices(a_xy, a_sweep, a_start, a_circle, a_ring, x, y, r)
    n_ring = len(ring_start) - 1
    ring_comp = np.zeros(n_ring, dtype=np.intp)
    ring_comp[a_ring] = comp[a_circle]

    # Components whose disks all lie inside one of them: that disk's full circle is the boundary.
    has_arc = np.zeros(n_comp, dtype=bool)
    has_arc[arc_comp] = True
    lone = (sizes > 1) & ~has_arc & ~bad
    roots = np.flatnonzero(lone[comp] & ~contained)
    rings = with_full_circles(v_xy, v_bulge, ring_start, ring_comp, x[roots], y[roots], r[roots], comp[roots])
    hole = rings.signed_areas() < 0
    outers = np.bincount(rings.region[~hole], minlength=n_comp)
    bad |= (outers != 1) & (sizes > 1) & has_arc  # defensive: a linked component has exactly one outer ring
    return CircleUnion(comp, n_comp, sizes, _ordered(rings, hole, ~bad[rings.region]), bad)


def _ordered(rings: RingSet, hole: BoolArray, keep: BoolArray) -> RingSet:
    """The kept rings, ordered region by region with the outer ring first, and their hole flags set."""
    sel = np.flatnonzero(keep)
    if len(sel) == 0:
        return RingSet.empty()
    order = sel[np.lexsort((hole[sel], rings.region[sel]))].astype(np.intp)
    lengths = np.diff(rings.start)[order]
    start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
    idx = np.repeat(rings.start[:-1][order] - start[:-1], lengths) + np.arange(int(start[-1]), dtype=np.intp)
    return RingSet(rings.xy[idx], rings.bulge[idx], start, rings.region[order], hole[order])
