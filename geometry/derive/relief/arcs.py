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
from geometry.base.threads import chunk_count, thread_map
from geometry.derive.rings import RingSet

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

# Lengths (mm) closer than this count as equal: two circles overlap only when they share more than a point.
TOUCH_MM = 1e-9
TWO_PI = 2.0 * np.pi
SMALL_GROUPING = 40_000
"""Up to this many intervals are grouped by circle without scipy."""


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
    :data:`SPAN_STRETCH_MAX` (the span check's closed-form bound, :mod:`geometry.derive.span`), found from the
    union's own free arcs instead of a second pass over every interval."""


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
    iv_circle, iv_lo, iv_len, end_x, end_y = _intervals(x, y, r, i, j, d)
    m = len(i)
    del i, j, d

    start_iv, end_iv, start_angle, sweep = free_arcs(iv_circle, iv_lo, iv_len, n)
    del iv_lo, iv_len  # a million-disk union holds a few GB at its peak: what is done with goes at once
    arc_circle = iv_circle[end_iv]
    bounded = _span_bounded(n, contained, iv_circle, arc_circle, start_angle, sweep) if span_bounds else None
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


SPAN_STRETCH_MAX = 2.0 * np.pi / 3.0 - 1e-7
"""The longest covered stretch of a circle (rad) for which the span check's closed-form bound holds, less
rounding (:mod:`geometry.derive.span`)."""


def _span_bounded(n: int, contained: BoolArray, iv_circle: IntArray, arc_circle: IntArray, start: FloatArray,
                  sweep: FloatArray) -> BoolArray:
    """Per disk: not inside another, and no covered stretch of its circle (the space between consecutive free
    arcs; all of it when the covering intervals leave no free arc) longer than SPAN_STRETCH_MAX. The free arcs
    come grouped by circle in increasing angle (:func:`free_arcs`)."""
    out = ~contained
    covered = np.zeros(n, dtype=bool)
    covered[iv_circle] = True
    has_free = np.zeros(n, dtype=bool)
    has_free[arc_circle] = True
    out &= ~(covered & ~has_free)
    if len(arc_circle):
        last = np.ones(len(arc_circle), dtype=bool)
        last[:-1] = arc_circle[1:] != arc_circle[:-1]
        first = np.flatnonzero(np.concatenate([[True], last[:-1]]))
        next_start = np.empty(len(arc_circle))
        next_start[:-1] = start[1:]
        lasts = np.flatnonzero(last)
        next_start[lasts] = start[first] + 2.0 * np.pi
        stretch = next_start - (start + sweep)
        out[arc_circle[stretch > SPAN_STRETCH_MAX]] = False
    return out


def _intervals(x: FloatArray, y: FloatArray, r: FloatArray, i: IntArray, j: IntArray, d: FloatArray
               ) -> tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """The covering intervals of crossing pairs (i, j) at centre distance d: (circle, start angle in [0, 2 pi),
    length, and the x, y of the point where each ends). Interval 2p lies on circle i (covered by j), interval
    2p + 1 on circle j (covered by i). Large inputs are computed in threads, a range of pairs each, straight into
    the outputs."""
    m = len(i)
    circle = np.empty(2 * m, dtype=np.intp)
    lo, length, ex, ey = np.empty(2 * m), np.empty(2 * m), np.empty(2 * m), np.empty(2 * m)
    k = chunk_count(2 * m, PARALLEL_INTERVALS, CHUNK_INTERVALS)
    cuts = np.linspace(0, m, k + 1).astype(np.intp).tolist()

    def fill(c: int) -> None:
        a, b = cuts[c], cuts[c + 1]
        s = slice(2 * a, 2 * b)
        _fill_intervals(x, y, r, i[a:b], j[a:b], d[a:b], circle[s], lo[s], length[s], ex[s], ey[s])

    thread_map(fill, list(range(k)))
    return circle, lo, length, ex, ey


def _fill_intervals(x: FloatArray, y: FloatArray, r: FloatArray, i: IntArray, j: IntArray, d: FloatArray,
                    iv_circle: IntArray, iv_lo: FloatArray, iv_len: FloatArray, end_x: FloatArray,
                    end_y: FloatArray) -> None:
    """:func:`_intervals` of some pairs, written into views of the outputs."""
    iv_circle[0::2], iv_circle[1::2] = i, j
    xi, yi, ri, rj = x[i], y[i], r[i], r[j]
    dx, dy = x[j] - xi, y[j] - yi
    theta = np.arctan2(dy, dx)
    ci = np.clip((d * d + ri * ri - rj * rj) / (2.0 * d * ri), -1.0, 1.0)
    ai = np.arccos(ci)
    aj = np.arccos(np.clip((d * d + rj * rj - ri * ri) / (2.0 * d * rj), -1.0, 1.0))
    del rj
    iv_lo[0::2] = theta - ai
    iv_lo[1::2] = theta + np.pi - aj
    iv_len[0::2], iv_len[1::2] = 2.0 * ai, 2.0 * aj
    del theta, ai, aj  # each term of a million-disk union is 16 MB: they go as soon as they are used
    np.mod(iv_lo, TWO_PI, out=iv_lo)
    a = ri * ci
    h = ri * np.sqrt(np.maximum(1.0 - ci * ci, 0.0))
    del ri, ci
    ux, uy = dx / d, dy / d
    del dx, dy
    mx, my = xi + a * ux, yi + a * uy
    del xi, yi, a
    # Where each interval ends (a free arc may start there): the left point on i, the right point on j; kept as
    # 1-D columns (gathers from them are several times faster than from an (n, 2) array).
    end_x[0::2], end_y[0::2] = mx - h * uy, my + h * ux
    end_x[1::2], end_y[1::2] = mx + h * uy, my - h * ux


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


PADDED_MAX = 64
PARALLEL_INTERVALS = 400_000
"""From this many covering intervals the free arcs are found in threads (see :mod:`geometry.base.threads`)."""
CHUNK_INTERVALS = 1_000_000
"""Intervals per chunk at most (a chunk's temporaries are about 20 arrays of its size)."""
"""Circles with at most this many covering intervals are merged in a padded (circles x intervals) array."""



def _grouped(key: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """(indptr, ids): the element ids grouped by ``key`` (0 .. n - 1), in id order within a group (CSR form).

    Large inputs take scipy's counting sort (linear); small ones a stable numpy sort, so a small design does not
    import scipy (a cold ``ballmask check`` stays fast).
    """
    m = len(key)
    if m > SMALL_GROUPING:
        from scipy.sparse import csr_matrix

        g = csr_matrix((np.ones(m, dtype=np.int8), (key, np.arange(m, dtype=np.intp))), shape=(n, m))
        return g.indptr.astype(np.intp), g.indices.astype(np.intp)
    ids = np.argsort(key, kind="stable").astype(np.intp)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(key, minlength=n))]).astype(np.intp)
    return indptr, ids


def free_arcs(iv_circle: IntArray, iv_lo: FloatArray, iv_len: FloatArray, n: int
              ) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """The free arcs left by covering intervals (on circle ``iv_circle``, from ``iv_lo`` over ``iv_len``, angles in
    [0, 2 pi)): for each arc the interval whose end starts it, the interval whose start stops it, its start angle
    and its sweep.

    The intervals are grouped by circle with a counting sort, sorted by start in a padded array (one row per
    circle), and a running maximum of their ends leaves the gaps; what runs past a full turn covers the start of
    the circle, and the arc across angle 0 runs from the last end to the first start a turn on. Each free arc is
    found once, in order of increasing start angle within its circle; every value is an interval's own start or
    end (no offsets added), so the merge is exact. Circles with very many intervals take one sort of all of
    them (:func:`_free_arcs_sorted`).
    """
    m2 = len(iv_circle)
    if m2 == 0:
        e = np.zeros(0, dtype=np.intp)
        return e, e, np.zeros(0), np.zeros(0)
    # intervals grouped by circle with a counting sort (CSR), not a comparison sort of all of them
    indptr, ids = _grouped(iv_circle, n)
    counts = np.diff(indptr)
    width = int(counts.max())
    if width > PADDED_MAX:
        return _free_arcs_sorted(iv_circle, iv_lo, iv_len, n)
    has = np.flatnonzero(counts)
    # the circles in chunks, one per thread: each circle's arcs depend on its own intervals only, and the chunks'
    # arcs concatenated are the arcs in circle order, as one pass over all of them gives
    chunks = np.array_split(has, chunk_count(m2, PARALLEL_INTERVALS, CHUNK_INTERVALS))
    parts = thread_map(lambda h: _padded_free_arcs(h, indptr, ids, iv_lo, iv_len, width), chunks)
    if len(parts) == 1:
        return parts[0]
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]), np.concatenate([p[3] for p in parts]))


def _padded_free_arcs(has: IntArray, indptr: IntArray, all_ids: IntArray, iv_lo: FloatArray, iv_len: FloatArray,
                      width: int) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """:func:`free_arcs` of the circles ``has`` (each with at least one interval; ``all_ids``, ``indptr``: every
    interval grouped by circle), in a padded (circles x width) array sorted row by row."""
    nh = len(has)
    p0, p1 = int(indptr[has[0]]), int(indptr[has[-1] + 1])
    ids = all_ids[p0:p1]
    # the grouped intervals' places in the padded (nh, width) arrays as one flat index each (row * width + place
    # in the group), so each array is filled by one scatter
    flat = np.arange(p1 - p0, dtype=np.intp)
    flat += np.repeat(np.arange(nh, dtype=np.intp) * width - (indptr[has] - p0), indptr[has + 1] - indptr[has])
    lo = iv_lo[ids]
    pl: FloatArray = np.full((nh, width), np.inf)
    pl.ravel()[flat] = lo  # ravel of a new C-ordered array is a view
    ph: FloatArray = np.full((nh, width), -np.inf)
    ph.ravel()[flat] = lo + iv_len[ids]
    pq: IntArray = np.zeros((nh, width), dtype=np.intp)
    pq.ravel()[flat] = ids
    del flat, lo, ids
    order = np.argsort(pl, axis=1, kind="stable")
    pl = np.take_along_axis(pl, order, axis=1)
    ph = np.take_along_axis(ph, order, axis=1)
    pq = np.take_along_axis(pq, order, axis=1)
    del order
    run = np.maximum.accumulate(ph, axis=1)
    # places within a row fit in a byte (width <= PADDED_MAX): an eighth of the memory of intp
    at = np.where(ph >= run, np.arange(width, dtype=np.int8)[None, :], np.int8(0))
    del ph
    arg = np.maximum.accumulate(at, axis=1)
    del at
    rows = np.arange(nh, dtype=np.intp)
    top = run[:, -1]  # where the last covering interval ends (may be past a full turn)
    top_iv = pq[rows, arg[:, -1]]
    spill = top - TWO_PI  # what the intervals cover past angle 0, a turn on
    # the free arc across angle 0 runs from the top to the first start a turn on; it comes first in its circle
    # when it starts past a full turn, else last (the order of increasing start angle)
    wraps = pl[:, 0] + TWO_PI > top
    gap = np.zeros((nh, width + 1), dtype=bool)
    prev = np.maximum(run[:, :-1], spill[:, None])
    gap[:, 1:width] = (pl[:, 1:] > prev) & np.isfinite(pl[:, 1:])
    gap[:, 0] = wraps & (top >= TWO_PI)
    gap[:, width] = wraps & (top < TWO_PI)
    del prev
    # flat indices into the (nh, width) arrays: one gather each, not a 2-D fancy index
    gr, gc = np.divmod(np.flatnonzero(gap), width + 1)
    del gap
    inner = (gc > 0) & (gc < width)
    start_iv = np.empty(len(gr), dtype=np.intp)
    end_iv = np.empty(len(gr), dtype=np.intp)
    start = np.empty(len(gr))
    stop = np.empty(len(gr))
    ir = gr[inner]
    before = ir * width + gc[inner] - 1  # the column before the gap
    run_f, arg_f, pq_f, pl_f = run.ravel(), arg.ravel(), pq.ravel(), pl.ravel()
    run_before = run_f[before]
    spill_r = spill[ir]
    from_run = run_before >= spill_r
    start_iv[inner] = np.where(from_run, pq_f[ir * width + arg_f[before]], top_iv[ir])
    start[inner] = np.where(from_run, run_before, spill_r)
    del run_before, spill_r, from_run
    end_iv[inner] = pq_f[before + 1]
    stop[inner] = pl_f[before + 1]
    del before, ir
    outer = ~inner
    wr = gr[outer]
    first = gc[outer] == 0  # started past a full turn: the same angle a turn back, so starts increase
    start_iv[outer] = top_iv[wr]
    start[outer] = np.where(first, spill[wr], top[wr])
    end_iv[outer] = pq[wr, 0]
    stop[outer] = pl[wr, 0] + np.where(first, 0.0, TWO_PI)
    return start_iv, end_iv, start, stop - start


def _free_arcs_sorted(iv_circle: IntArray, iv_lo: FloatArray, iv_len: FloatArray, n: int
                      ) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """:func:`free_arcs` for circles with very many intervals: one sort of all of them, exact integer ranks."""
    m2 = len(iv_circle)
    anchor = np.full(n, -1, dtype=np.intp)
    anchor[iv_circle] = np.arange(m2, dtype=np.intp)
    has = np.flatnonzero(anchor >= 0)
    close = anchor[has]
    shift = iv_lo[anchor[iv_circle]]
    lo = np.mod(iv_lo - shift, TWO_PI)
    lo[close] = 0.0
    hi = lo + iv_len
    wrap = np.flatnonzero(hi > TWO_PI)
    q = np.concatenate([np.arange(m2, dtype=np.intp), wrap, close])
    lo2 = np.concatenate([lo, lo[wrap] - TWO_PI, np.full(len(close), TWO_PI)])
    hi2 = np.concatenate([hi, hi[wrap] - TWO_PI, hi[close] + TWO_PI])
    own = iv_circle[q]
    order = np.lexsort((lo2, own))
    q, own, lo2, hi2 = q[order], own[order], lo2[order], hi2[order]
    k = len(q)
    first = np.ones(k, dtype=bool)
    first[1:] = own[1:] != own[:-1]
    seg = (np.cumsum(first) - 1).astype(np.int64)
    rank_order = np.argsort(hi2, kind="stable")
    rank = np.empty(k, dtype=np.int64)
    rank[rank_order] = np.arange(k, dtype=np.int64)
    comb = seg * np.int64(k + 1) + rank
    arg = rank_order[np.maximum.accumulate(comb) - seg * np.int64(k + 1)].astype(np.intp)
    run_hi = hi2[arg]
    prev_hi = np.empty(k)
    prev_hi[0] = -np.inf
    prev_hi[1:] = run_hi[:-1]
    g = np.flatnonzero(~first & (lo2 > prev_hi))
    start_iv = q[arg[g - 1]]
    end_iv = q[g]
    return start_iv, end_iv, prev_hi[g] + shift[end_iv], lo2[g] - prev_hi[g]


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
