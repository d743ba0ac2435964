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
from geometry.derive.relief.covered import free_arcs, intervals, span_bounded
from geometry.derive.rings import RingSet

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

# Lengths (mm) closer than this count as equal: two circles overlap only when they share more than a point.
TOUCH_MM = 1e-9


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
    areas: FloatArray | None = None  # signed area of every ring of ``rings`` (computed once, for the caller)
    span_bounded: BoolArray | None = None
    """Per disk, when asked for: no stretch of its circle that other disks cover is longer than
    :data:`~geometry.derive.relief.covered.SPAN_STRETCH_MAX` (the span check's closed-form bound,
    :mod:`geometry.derive.span`), found from the union's own free arcs instead of a second pass over every
    interval."""


def overlap_pairs(x: FloatArray, y: FloatArray, r: FloatArray,
                  candidates: tuple[IntArray, IntArray] | None = None) -> tuple[IntArray, IntArray, FloatArray]:
    """Pairs (i < j) of disks that share more than a point, with centre distances.

    ``candidates`` (i < j), when given, holds every overlapping pair (and maybe more): the caller already found
    the close pairs of these centres (the merge graph's), so the centres are not queried a second time.
    """
    if len(x) < 2:
        e = np.zeros(0, dtype=np.intp)
        return e, e, np.zeros(0)
    i, j = pairs_within(x, y, 2.0 * float(r.max())) if candidates is None else candidates
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
    # each cycle's smallest element: labels are numbered by their lowest element, so that is where the running
    # maximum of the labels first reaches a label (a pass, not ufunc.at, which holds the interpreter lock)
    top = np.maximum.accumulate(label)
    rise = np.ones(n, dtype=bool)
    rise[1:] = top[1:] > top[:-1]
    head = np.flatnonzero(rise).astype(np.intp)
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
    # cycle by cycle in label order, each from its head (the largest distance to the cut) on: the place of each
    # element computed, not sorted for (a lexsort of millions of arcs costs more than all the jumping)
    size = np.bincount(label)
    start = np.zeros(len(size), dtype=np.intp)
    np.cumsum(size[:-1], out=start[1:])
    order = np.empty(n, dtype=np.intp)
    order[start[label] + size[label] - 1 - dist] = np.arange(n, dtype=np.intp)
    return label, order


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
    n_ring = int(ring.max()) + 1 if len(ring) else 0
    if not split.any():  # an array's arcs: nothing to split, the pieces are the vertices
        return start_xy, np.tan(sweep / 4.0), np.searchsorted(ring, np.arange(n_ring + 1)).astype(np.intp)
    # each piece keeps its place, moved on by the splits before it; a split piece's second half follows it (a
    # scatter of the pieces, not a repeat of every column: few pieces are split)
    n = len(sweep)
    cut = np.flatnonzero(split)
    before = np.zeros(n + 1, dtype=np.intp)
    before[cut + 1] = 1
    np.cumsum(before, out=before)
    pos = np.arange(n, dtype=np.intp)
    pos += before[:-1]
    v_xy = np.empty((n + len(cut), 2))
    v_xy[pos] = start_xy
    half = sweep[cut] / 2.0
    mid_angle = start_angle[cut] + half
    mc = circle[cut]
    v_xy[pos[cut] + 1, 0] = x[mc] + r[mc] * np.cos(mid_angle)
    v_xy[pos[cut] + 1, 1] = y[mc] + r[mc] * np.sin(mid_angle)
    bulge = np.where(split, sweep / 2.0, sweep)
    bulge /= 4.0
    np.tan(bulge, out=bulge)
    v_bulge = np.empty(n + len(cut))
    v_bulge[pos] = bulge
    v_bulge[pos[cut] + 1] = bulge[cut]
    del bulge, pos
    first = np.searchsorted(ring, np.arange(n_ring + 1)).astype(np.intp)
    ring_start = (first + before[first]).astype(np.intp)
    return v_xy, v_bulge, ring_start


def with_full_circles(
    v_xy: FloatArray, v_bulge: FloatArray, ring_start: IntArray, ring_region: IntArray,
    cx: FloatArray, cy: FloatArray, r: FloatArray, circle_region: IntArray,
) -> RingSet:
    """Rings of arcs plus whole circles (each its own ring of two half arcs), none marked as a hole yet."""
    n = len(ring_start) - 1 + len(cx)
    if len(cx) == 0:  # the usual case: no copy of the arcs
        return RingSet(v_xy, v_bulge, ring_start.astype(np.intp), ring_region.astype(np.intp), np.zeros(n, dtype=bool))
    f_xy, f_bulge = _full_circle_rings(cx, cy, r)
    return RingSet(
        np.concatenate([v_xy, f_xy]), np.concatenate([v_bulge, f_bulge]),
        np.concatenate([ring_start, ring_start[-1] + 2 * np.arange(1, len(cx) + 1)]).astype(np.intp),
        np.concatenate([ring_region, circle_region]).astype(np.intp), np.zeros(n, dtype=bool),
    )


def circle_union(x_mm: FloatArray, y_mm: FloatArray, r_mm: FloatArray,
                 candidates: tuple[IntArray, IntArray] | None = None, *, span_bounds: bool = False) -> CircleUnion:
    """The exact union of disks (centres ``x_mm, y_mm``, radii ``r_mm``) as rings of arcs (see module doc);
    ``candidates`` as in :func:`overlap_pairs`; ``span_bounds`` asks for :attr:`CircleUnion.span_bounded`."""
    x = np.asarray(x_mm, dtype=np.float64)
    y = np.asarray(y_mm, dtype=np.float64)
    r = np.asarray(r_mm, dtype=np.float64)
    n = len(x)
    pi_, pj, d = overlap_pairs(x, y, r, candidates)
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
    del pi_, pj, inside, small, cross
    iv_circle, iv_lo, iv_len, end_x, end_y = intervals(x, y, r, i, j, d)
    m = len(i)
    del i, j, d

    start_iv, end_iv, start_angle, sweep = free_arcs(iv_circle, iv_lo, iv_len, n)
    del iv_lo, iv_len  # a million-disk union holds a few GB at its peak: what is done with goes at once
    arc_circle = iv_circle[end_iv]
    bounded = span_bounded(n, contained, iv_circle, arc_circle, start_angle, sweep) if span_bounds else None
    del iv_circle

    # Successor of each arc: at the start of interval (c from k) the boundary goes on along k, on the arc that
    # starts at the end of interval (k from c), which is the partner interval q ^ 1.
    n_arc = len(end_iv)
    arc_of = np.full(2 * m, -1, dtype=np.intp)
    arc_of[start_iv] = np.arange(n_arc, dtype=np.intp)
    nxt = arc_of[end_iv ^ 1] if n_arc else np.zeros(0, dtype=np.intp)
    arc_comp = comp[arc_circle]
    broken = (nxt < 0) | (np.bincount(start_iv, minlength=2 * m)[start_iv] != 1)
    if n_arc:
        hits = np.bincount(nxt[nxt >= 0], minlength=n_arc)
        broken |= hits != 1
        broken[nxt >= 0] |= hits[nxt[nxt >= 0]] != 1
        del hits
    bad[arc_comp[broken]] = True
    del broken
    ok = ~bad[arc_comp]
    # Components with an arc (the others' boundary is one disk's full circle, below).
    has_arc = np.zeros(n_comp, dtype=bool)
    has_arc[arc_comp] = True
    del arc_comp
    # An arc that links into a bad component makes its own component bad too (they are the same component).
    keep = np.flatnonzero(ok)
    renum = np.full(n_arc, -1, dtype=np.intp)
    renum[keep] = np.arange(len(keep), dtype=np.intp)
    nxt_k = renum[nxt[keep]]
    del arc_of, renum, nxt, end_iv, ok
    label, ring_order = _rank_cycles(nxt_k)
    del nxt_k

    # Vertices: each arc's start point; arcs over half a turn are split so every bulge stays within [-1, 1].
    kr = keep[ring_order]
    first_iv = start_iv[kr]
    ax, ay = end_x[first_iv], end_y[first_iv]
    a_xy = np.column_stack([ax, ay])
    a_sweep = sweep[kr]
    a_circle = arc_circle[kr]
    a_ring = label[ring_order]
    a_start = start_angle[kr]
    del kr, keep, first_iv, start_iv, end_x, end_y, sweep, start_angle, label, ring_order, arc_circle
    v_xy, v_bulge, ring_start = ring_vertices(a_xy, a_sweep, a_start, a_circle, a_ring, x, y, r)
    del a_xy, a_start  # v_xy may be a_xy itself (nothing split): the name goes, the array stays
    n_ring = len(ring_start) - 1
    ring_comp = np.zeros(n_ring, dtype=np.intp)
    ring_comp[a_ring] = comp[a_circle]

    # Components whose disks all lie inside one of them: that disk's full circle is the boundary.
    lone = (sizes > 1) & ~has_arc & ~bad
    roots = np.flatnonzero(lone[comp] & ~contained)
    rings = with_full_circles(v_xy, v_bulge, ring_start, ring_comp, x[roots], y[roots], r[roots], comp[roots])
    areas = np.concatenate([_arc_ring_areas(ax, ay, a_sweep, a_circle, n_ring, a_ring, x, y, r),
                            np.pi * r[roots] ** 2])
    del ax, ay, a_sweep, a_circle, a_ring
    hole = areas < 0
    outers = np.bincount(rings.region[~hole], minlength=n_comp)
    bad |= (outers != 1) & (sizes > 1) & has_arc  # defensive: a linked component has exactly one outer ring
    ordered, order = _ordered_with(rings, hole, ~bad[rings.region])
    return CircleUnion(comp, n_comp, sizes, ordered, bad, areas[order], bounded)


def _arc_ring_areas(ax: FloatArray, ay: FloatArray, sweep: FloatArray, circle: IntArray, n_ring: int,
                    ring: IntArray, x: FloatArray, y: FloatArray, r: FloatArray) -> FloatArray:
    """Signed areas of rings of arcs in ring order (arc k from (``ax[k]``, ``ay[k]``) to the next arc's start,
    ``sweep[k]`` about circle ``circle[k]``), by Green's theorem: an arc adds (r^2 sweep + C x (p1 - p0)) / 2.
    Coordinates are taken from each ring's first point, so the sum does not cancel digits away on a large mask."""
    if len(ring) == 0:
        return np.zeros(n_ring)
    first = np.searchsorted(ring, np.arange(n_ring))
    nxt = np.arange(1, len(ring) + 1, dtype=np.intp)
    last = np.ones(len(ring), dtype=bool)
    last[:-1] = ring[1:] != ring[:-1]
    nxt[last] = first[ring[last]]
    # 1-D columns: gathers from an (n, 2) array are several times slower than from contiguous columns
    head = first[ring]
    ox, oy = ax[head], ay[head]
    del head, first, last
    # 0.5 (r^2 sweep + (cx - ox) dy - (cy - oy) dx), evaluated in place (a million disks: 4 M arcs, 32 MB a term)
    dx = ax[nxt]
    dx -= ax
    dy = ay[nxt]
    dy -= ay
    del nxt
    per_arc = r[circle]
    per_arc *= per_arc
    per_arc *= sweep
    term = x[circle]
    term -= ox
    term *= dy
    per_arc += term
    del dy
    term = y[circle]
    term -= oy
    term *= dx
    per_arc -= term
    del term, dx
    per_arc *= 0.5
    out: FloatArray = np.bincount(ring, weights=per_arc, minlength=n_ring).astype(np.float64)
    return out


def _ordered(rings: RingSet, hole: BoolArray, keep: BoolArray) -> RingSet:
    """The kept rings, ordered region by region with the outer ring first, and their hole flags set."""
    return _ordered_with(rings, hole, keep)[0]


def _ordered_with(rings: RingSet, hole: BoolArray, keep: BoolArray) -> tuple[RingSet, IntArray]:
    """:func:`_ordered` and which ring of ``rings`` each ordered ring is."""
    sel = np.flatnonzero(keep)
    if len(sel) == 0:
        return RingSet.empty(), np.zeros(0, dtype=np.intp)
    order = sel[np.lexsort((hole[sel], rings.region[sel]))].astype(np.intp)
    lengths = np.diff(rings.start)[order]
    start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
    idx = np.repeat(rings.start[:-1][order] - start[:-1], lengths) + np.arange(int(start[-1]), dtype=np.intp)
    return RingSet(rings.xy[idx], rings.bulge[idx], start, rings.region[order], hole[order]), order
