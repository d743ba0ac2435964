"""Neighbour searches and connected components over site centres, without scipy for small designs.

The checks and the derived geometry ask three questions of centres: which pairs are within a reach (webs,
ridges, merging outlines), which points lie near other points (the sites around an island), and which site is
each site's nearest (the pitch, the companion tools); and they group pairs into connected components (merged
outlines). scipy answers all of them, but importing ``scipy.spatial`` and ``scipy.sparse`` costs about 0.3 s
of CPU, more than a whole ``ballmask check`` of a 225-site design needs otherwise. Below
:data:`SMALL_POINTS` points these functions answer in numpy with a sorted cell grid (cells at least as wide as
the reach, so every neighbour is in one of the 3 x 3 cells around a point) and union-find by array passes;
above it, or when a grid would hold too many candidate pairs (points piled in a few cells), they delegate to
scipy, imported then. Either way the result is the same (order aside: pairs come in no particular order, as
from ``cKDTree.query_pairs``).

Distances compare as squared distances: a pair at exactly the reach is within it, as for ``cKDTree``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from geometry.base.threads import thread_map, workers

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

SMALL_POINTS = 20_000
"""Up to this many points the searches run in numpy; from it on scipy's KD-tree (and csgraph) take over."""
MAX_CANDIDATES = 4_000_000
"""Candidate pairs a grid search may look at before it hands the question to scipy (memory, not time)."""
_MAX_CELLS_PER_SIDE = 2.0**28
"""Cells on a grid side at most, so that a cell key (column x height + row) fits in int64."""

_FORWARD = ((1, -1), (1, 0), (1, 1), (0, 1))
"""The neighbour cells that, with the own cell, meet every unordered pair of adjacent cells once."""
_AROUND = tuple((dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1))


def _empty() -> tuple[IntArray, IntArray]:
    e = np.zeros(0, dtype=np.intp)
    return e, e.copy()


class _Grid:
    """Points sorted by the key of their cell; ``cell`` is at least the reach (and coarse enough for int64)."""

    def __init__(self, x: FloatArray, y: FloatArray, reach: float) -> None:
        self.x0, self.y0 = float(x.min()), float(y.min())
        extent = max(float(x.max()) - self.x0, float(y.max()) - self.y0)
        self.cell = max(reach, extent / _MAX_CELLS_PER_SIDE, np.finfo(np.float64).tiny)
        if not np.isfinite(self.cell) or extent / self.cell > _MAX_CELLS_PER_SIDE:
            self.cell = max(extent, 1.0)
        gx = np.floor((x - self.x0) / self.cell).astype(np.int64)
        gy = np.floor((y - self.y0) / self.cell).astype(np.int64)
        self.nx = int(gx.max()) + 1
        self.ny = int(gy.max()) + 1
        self.h = self.ny + 2  # rows -1 .. ny of a query stay inside one column: no key aliases another cell
        key = gx * self.h + (gy + 1)
        self.order = np.argsort(key, kind="stable").astype(np.intp)
        self.keys = key[self.order]

    def cells_of(self, x: FloatArray, y: FloatArray) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Cell column and row of query points (clipped just outside the grid, where no point is)."""
        with np.errstate(over="ignore"):  # a far query on a grid of tiny cells: +-inf, clipped outside the grid
            gx = np.clip(np.floor((x - self.x0) / self.cell), -2, self.nx + 1).astype(np.int64)
            gy = np.clip(np.floor((y - self.y0) / self.cell), -2, self.ny + 1).astype(np.int64)
        return gx, gy

    def span(self, gx: NDArray[np.int64], gy: NDArray[np.int64]) -> tuple[IntArray, IntArray]:
        """[lo, hi) in sorted order of the points in cell (gx, gy); empty outside the grid."""
        inside = (gx >= 0) & (gx < self.nx) & (gy >= 0) & (gy < self.ny)
        key = gx * self.h + (gy + 1)
        lo = np.searchsorted(self.keys, key, side="left").astype(np.intp)
        hi = np.searchsorted(self.keys, key, side="right").astype(np.intp)
        hi = np.where(inside, hi, lo)
        return lo, hi


def _expand(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """(query, sorted position) for every position in each query's range [lo, hi)."""
    counts = hi - lo
    q = np.repeat(np.arange(len(lo), dtype=np.intp), counts)
    start = np.cumsum(counts) - counts
    pos = np.arange(int(counts.sum()), dtype=np.intp) - np.repeat(start, counts) + np.repeat(lo, counts)
    return q, pos


def _as_xy(x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    xa = np.asarray(x, dtype=np.float64).reshape(-1)
    ya = np.asarray(y, dtype=np.float64).reshape(-1)
    if xa.shape != ya.shape:
        raise ValueError(f"x and y differ in length ({len(xa)} and {len(ya)})")
    return xa, ya


def _grid_pairs(x: FloatArray, y: FloatArray, reach: float) -> tuple[IntArray, IntArray] | None:
    """pairs_within on the grid; None when it would look at more than MAX_CANDIDATES pairs."""
    g = _Grid(x, y, reach)
    n = len(x)
    sx, sy = x[g.order], y[g.order]
    gx, gy = g.cells_of(sx, sy)
    own = np.arange(n, dtype=np.intp)
    ranges = [(own + 1, np.searchsorted(g.keys, g.keys, side="right").astype(np.intp))]
    ranges += [g.span(gx + dx, gy + dy) for dx, dy in _FORWARD]
    if sum(int((hi - lo).sum()) for lo, hi in ranges) > MAX_CANDIDATES:
        return None
    r2 = reach * reach
    out_i: list[IntArray] = []
    out_j: list[IntArray] = []
    for lo, hi in ranges:
        a, b = _expand(lo, hi)
        keep = (sx[b] - sx[a]) ** 2 + (sy[b] - sy[a]) ** 2 <= r2
        a, b = g.order[a[keep]], g.order[b[keep]]
        out_i.append(np.minimum(a, b))
        out_j.append(np.maximum(a, b))
    return np.concatenate(out_i), np.concatenate(out_j)


def pairs_within(x: ArrayLike, y: ArrayLike, reach: float) -> tuple[IntArray, IntArray]:
    """All pairs (i, j), i < j, of points whose centre distance is at most ``reach``, in no particular order.

    The same pairs as ``cKDTree(np.column_stack([x, y])).query_pairs(reach)``; coincident points are pairs at
    distance 0 (so ``reach`` 0 finds the duplicates). A negative reach finds none.
    """
    xa, ya = _as_xy(x, y)
    if len(xa) < 2 or not reach >= 0:
        return _empty()
    if len(xa) < SMALL_POINTS:
        found = _grid_pairs(xa, ya, float(reach))
        if found is not None:
            return found
    if len(xa) >= PARALLEL_POINTS and workers() >= 2:
        return _pairs_in_two_halves(xa, ya, float(reach))
    return _tree_pairs(xa, ya, float(reach))


PARALLEL_POINTS = 200_000
"""From this many points :func:`pairs_within` queries two halves of the plane in two threads (the tree's query
lets go of the interpreter lock: 0.16 s against 0.31 s for a million centres on two cores)."""


def _tree_pairs(xa: FloatArray, ya: FloatArray, reach: float) -> tuple[IntArray, IntArray]:
    from scipy.spatial import cKDTree

    # a sliding-midpoint tree without shrunk node boxes builds three times faster than the default (0.08 s
    # against 0.25 s for a million centres) and answers this query as fast
    tree = cKDTree(np.column_stack([xa, ya]), balanced_tree=False, compact_nodes=False)
    p = tree.query_pairs(reach, output_type="ndarray")
    return p[:, 0].astype(np.intp), p[:, 1].astype(np.intp)


def _pairs_in_two_halves(xa: FloatArray, ya: FloatArray, reach: float) -> tuple[IntArray, IntArray]:
    """:func:`pairs_within` as the pairs of the points left of the median x widened by the reach, and of those
    right of it: a pair with a point on the left has its other point within the reach of it, so in the left part;
    a pair with both on the right is in the right part, and is dropped from the left one (where both lie in the
    overlap): each pair once, none missed."""
    mid = float(np.median(xa))
    left = np.flatnonzero(xa < mid + reach * (1.0 + 1e-9) + 1e-12)  # (widened past rounding of x + reach)
    right = np.flatnonzero(xa >= mid)
    (li, lj), (ri, rj) = thread_map(lambda part: _tree_pairs(xa[part], ya[part], reach), [left, right])
    li, lj = left[li], left[lj]
    keep = (xa[li] < mid) | (xa[lj] < mid)
    i, j = np.concatenate([li[keep], right[ri]]), np.concatenate([lj[keep], right[rj]])
    low = np.minimum(i, j)
    return low, i + j - low  # i < j, as the tree gives them


def points_near(qx: ArrayLike, qy: ArrayLike, px: ArrayLike, py: ArrayLike,
                reach: float | ArrayLike) -> tuple[IntArray, IntArray]:
    """All (query q, point p) with the distance from query q to point p at most ``reach`` (one value, or one
    per query), in no particular order: ``cKDTree(points).query_ball_point(queries, reach)`` as pairs."""
    qxa, qya = _as_xy(qx, qy)
    pxa, pya = _as_xy(px, py)
    r = np.broadcast_to(np.asarray(reach, dtype=np.float64), qxa.shape)
    if not len(qxa) or not len(pxa):
        return _empty()
    if len(pxa) < SMALL_POINTS and len(qxa) < SMALL_POINTS:
        g = _Grid(pxa, pya, max(float(r.max()), 0.0))
        gx, gy = g.cells_of(qxa, qya)
        ranges = [g.span(gx + dx, gy + dy) for dx, dy in _AROUND]
        if sum(int((hi - lo).sum()) for lo, hi in ranges) <= MAX_CANDIDATES:
            out_q: list[IntArray] = []
            out_p: list[IntArray] = []
            for lo, hi in ranges:
                q, pos = _expand(lo, hi)
                p = g.order[pos]
                rq = r[q]
                keep = ((pxa[p] - qxa[q]) ** 2 + (pya[p] - qya[q]) ** 2 <= rq * rq) & (rq >= 0)
                out_q.append(q[keep])
                out_p.append(p[keep])
            return np.concatenate(out_q), np.concatenate(out_p)
    from scipy.spatial import cKDTree

    hits = cKDTree(np.column_stack([pxa, pya])).query_ball_point(np.column_stack([qxa, qya]), r)
    counts = np.array([len(h) for h in hits], dtype=np.intp)
    q = np.repeat(np.arange(len(qxa), dtype=np.intp), counts)
    p = np.concatenate([np.asarray(h, dtype=np.intp) for h in hits]) if counts.sum() else np.zeros(0, np.intp)
    return q, p


def _nearest_by_grid(x: FloatArray, y: FloatArray) -> tuple[FloatArray, IntArray] | None:
    n = len(x)
    w, h = float(x.max() - x.min()), float(y.max() - y.min())
    # about two mean spacings: most points of an array find their nearest among the pairs within it
    reach = 2.0 * float(np.sqrt(w * h / n)) if w * h > 0 else 2.0 * max(w, h) / n
    found = _grid_pairs(x, y, reach)
    if found is None:
        return None
    i, j = found
    a, b = np.concatenate([i, j]), np.concatenate([j, i])
    d2 = (x[b] - x[a]) ** 2 + (y[b] - y[a]) ** 2
    order = np.lexsort((b, d2, a))
    a, b, d2 = a[order], b[order], d2[order]
    first = np.flatnonzero(np.r_[True, a[1:] != a[:-1]]) if len(a) else np.zeros(0, dtype=np.intp)
    best2 = np.full(n, np.inf)
    idx = np.full(n, -1, dtype=np.intp)
    best2[a[first]] = d2[first]
    idx[a[first]] = b[first]
    left = np.flatnonzero(idx < 0)
    if len(left) * n > MAX_CANDIDATES:
        return None
    if len(left):  # nothing within the reach: look at every point
        d2l = (x[None, :] - x[left, None]) ** 2 + (y[None, :] - y[left, None]) ** 2
        d2l[np.arange(len(left)), left] = np.inf
        k = np.argmin(d2l, axis=1).astype(np.intp)
        best2[left] = d2l[np.arange(len(left)), k]
        idx[left] = k
    return np.sqrt(best2), idx


def nearest_other(x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, IntArray]:
    """For each point, the distance to the nearest other point and that point's index (ties: the lowest index
    on the grid path). A coincident point is nearest at distance 0, never the point itself. With fewer than
    two points: distance inf and index -1."""
    xa, ya = _as_xy(x, y)
    n = len(xa)
    if n < 2:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.intp)
    if n < SMALL_POINTS:
        found = _nearest_by_grid(xa, ya)
        if found is not None:
            return found
    from scipy.spatial import cKDTree

    dist, nn = cKDTree(np.column_stack([xa, ya])).query(np.column_stack([xa, ya]), k=2)
    own = np.arange(n)
    other = np.where(nn[:, 1] == own, nn[:, 0], nn[:, 1]).astype(np.intp)
    return dist[:, 1].astype(np.float64), other


def components(n: int, i: ArrayLike, j: ArrayLike) -> tuple[int, IntArray]:
    """Connected components of the undirected graph on nodes 0 .. n-1 with edges (i[k], j[k]): (count, label
    per node), labels numbered by each component's lowest node, as scipy's ``connected_components`` numbers
    them."""
    ia = np.asarray(i, dtype=np.intp).reshape(-1)
    ja = np.asarray(j, dtype=np.intp).reshape(-1)
    if n >= SMALL_POINTS:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        graph = coo_matrix((np.ones(len(ia), dtype=np.int8), (ia, ja)), shape=(n, n))
        k, labels = connected_components(graph, directed=False)
        return int(k), labels.astype(np.intp)
    parent = np.arange(n, dtype=np.intp)
    while True:
        # every parent is a root here (parents point to lower nodes, and the jumps below run to the end)
        pi, pj = parent[ia], parent[ja]
        apart = pi != pj
        if not apart.any():
            break
        # hook each root that meets a lower root onto the lowest of them: every pass leaves fewer roots
        np.minimum.at(parent, np.maximum(pi[apart], pj[apart]), np.minimum(pi[apart], pj[apart]))
        while True:  # pointer jumping: every node to its root
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
    roots, labels = np.unique(parent, return_inverse=True)
    return len(roots), labels.reshape(-1).astype(np.intp)
