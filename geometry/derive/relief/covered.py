"""Covering intervals on circles, and the free arcs they leave: the part of :mod:`geometry.derive.relief.arcs`
that works circle by circle.

For every crossing pair of disks the arc of one circle inside the other is an angular interval centred on the
direction to the other centre (:func:`intervals`); the union of the intervals of each circle leaves its free arcs
(:func:`free_arcs`), which are outline. The span check's closed-form bound is read off the same free arcs
(:func:`span_bounded`). Large inputs are split over threads (:mod:`geometry.base.threads`), a range of pairs or of
circles each, and the chunks' results are the one pass's.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from geometry.base.threads import chunk_count, thread_map

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

TWO_PI = 2.0 * np.pi
SMALL_GROUPING = 40_000
"""Up to this many intervals are grouped by circle without scipy."""
PADDED_MAX = 64
"""Circles with at most this many covering intervals are merged in a padded (circles x intervals) array."""
PARALLEL_INTERVALS = 400_000
"""From this many covering intervals they and the free arcs are computed in threads."""
CHUNK_INTERVALS = 1_000_000
"""Intervals per chunk at most (a chunk's temporaries are about 20 arrays of its size)."""


def intervals(x: FloatArray, y: FloatArray, r: FloatArray, i: IntArray, j: IntArray, d: FloatArray
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
    """:func:`intervals` of some pairs, written into views of the outputs."""
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


SPAN_STRETCH_MAX = 2.0 * np.pi / 3.0 - 1e-7
"""The longest covered stretch of a circle (rad) for which the span check's closed-form bound holds, less
rounding (:mod:`geometry.derive.span`)."""


def span_bounded(n: int, contained: BoolArray, iv_circle: IntArray, arc_circle: IntArray, start: FloatArray,
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
