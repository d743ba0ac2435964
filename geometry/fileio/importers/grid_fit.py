"""Grid detection for imported pads: pitch in x and y, origin, staggered or not, snapping within a tolerance.

Positions are clustered along each axis; the pitch is the most frequent spacing of neighbouring clusters, every
other spacing must be a whole multiple of it (depopulated rows and columns) or the pads that make it are off the
grid. Two frequent spacings that are not multiples of each other are refused as ambiguous, naming both. A
staggered array shows up as a grid at half the column pitch whose occupied cells form a checkerboard.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class GridFit:
    """A detected grid and every pad's place on it.

    ``col``/``row`` are indices from the left column and the bottom row (``-1`` for pads off the grid); for a
    staggered grid they index the fine grid (half the column pitch), occupied where ``col + row`` has the
    parity ``parity``. ``snap_x``/``snap_y``: the move that puts each on-grid pad on its node.
    """

    pitch_x_mm: float
    pitch_y_mm: float
    origin_x_mm: float
    origin_y_mm: float
    staggered: bool
    parity: int
    cols: int
    rows: int
    col: IntArray
    row: IntArray
    on_grid: NDArray[np.bool_]
    snap_x: FloatArray
    snap_y: FloatArray

    @property
    def largest_snap_mm(self) -> float:
        """The largest distance a pad was moved onto the grid."""
        if not self.on_grid.any():
            return 0.0
        return float(np.hypot(self.snap_x, self.snap_y)[self.on_grid].max())


def _clusters(v: FloatArray, tol: float) -> tuple[FloatArray, NDArray[np.intp]]:
    """Centres of the clusters of values closer than ``tol`` to their neighbour, and how many values each has."""
    s = np.sort(v)
    cut = np.flatnonzero(np.diff(s) > tol) + 1
    bounds = np.concatenate([[0], cut, [s.shape[0]]])
    sums = np.add.reduceat(s, bounds[:-1])
    sizes = np.diff(bounds)
    return sums / sizes, sizes


def _pitch(clusters: tuple[FloatArray, NDArray[np.intp]], tol: float, axis: str) -> float | None:
    """The pitch of cluster centres along one axis, None with fewer than two clusters.

    Each spacing counts with the pads of its smaller cluster: a lone off-grid pad between two rows of a small
    array makes two spacings of its own, which must not outvote the rows' one.
    """
    centres, sizes = clusters
    if centres.shape[0] < 2:
        return None
    d = np.diff(centres)
    support = np.minimum(sizes[:-1], sizes[1:]).astype(np.float64)
    step = max(tol, 1e-7)
    q = np.round(d / step).astype(np.int64)
    values, inverse, counts = np.unique(q, return_inverse=True, return_counts=True)
    weight = np.bincount(inverse.ravel(), weights=support)
    order = np.lexsort((-counts, -weight))
    best = values[order[0]] * step
    if len(order) > 1:
        second = values[order[1]] * step
        ratio = max(best, second) / min(best, second)
        multiple = abs(ratio - round(ratio)) * min(best, second) <= 2 * step
        if not multiple and weight[order[1]] >= 0.25 * weight.sum() and counts[order[1]] >= 2:
            raise DesignError(
                f"grid pitch in {axis}", f"{best:g} or {second:g} mm",
                f"two pitches are plausible ({best:g} mm between {counts[order[0]]} neighbours, {second:g} mm "
                f"between {counts[order[1]]}): the pads are not one grid",
            )
        # A multiple is depopulation, a divisor is the true pitch seen through gaps: take the smaller, unless its
        # spacings end at clusters of far fewer pads than the rows or columns have (a lone pad at half pitch).
        mean_support = weight / counts
        if (multiple and second < best and counts[order[1]] >= 2
                and mean_support[order[1]] >= 0.5 * mean_support[order[0]]):
            best = second
    mask = np.abs(d - best) <= 2 * step
    return float(d[mask].mean()) if mask.any() else float(best)


def _phase(v: FloatArray, pitch: float) -> float:
    """The grid's offset along one axis, robust to a minority of off-grid pads (circular means of the phase).

    An evenly strided sample of 20,000 pads is enough: the origin is refitted on all on-grid pads afterwards.
    """
    if v.shape[0] > 20000:
        v = v[:: v.shape[0] // 20000]
    ref = float(v[0])
    ang = 2.0 * np.pi * (v - ref) / pitch
    keep = np.ones(v.shape[0], bool)
    phase = 0.0
    for _ in range(3):
        phase = float(np.arctan2(np.sin(ang[keep]).mean(), np.cos(ang[keep]).mean()))
        wrapped = np.angle(np.exp(1j * (ang - phase)))
        near = np.abs(wrapped) < np.pi / 4
        if not near.any():
            break
        keep = near
    wrapped = np.angle(np.exp(1j * (ang - phase)))
    phase += float(np.median(wrapped[keep]))
    return ref + phase * pitch / (2.0 * np.pi)


def _slope(k: IntArray, v: FloatArray, pitch: float) -> float:
    """The least-squares pitch of on-grid values over their indices (``pitch`` when they span one index)."""
    kc = k - k.mean()
    ss = float((kc * kc).sum())
    return float((kc * (v - v.mean())).sum() / ss) if ss > 0 else pitch


def fit_grid(x: FloatArray, y: FloatArray, snap_tol_mm: float) -> GridFit | None:
    """The grid the pads lie on; None when fewer than two pads or no spacing repeats."""
    n = x.shape[0]
    if n < 2:
        return None
    tol = max(snap_tol_mm, 1e-7)
    px = _pitch(_clusters(x, tol), tol, "x")
    py = _pitch(_clusters(y, tol), tol, "y")
    if px is None and py is None:
        return None
    px = px if px is not None else py
    py = py if py is not None else px
    assert px is not None
    assert py is not None
    ox, oy = _phase(x, px), _phase(y, py)
    colf = np.round((x - ox) / px).astype(np.int64)
    rowf = np.round((y - oy) / py).astype(np.int64)
    sx = ox + colf * px - x
    sy = oy + rowf * py - y
    on = (np.abs(sx) <= snap_tol_mm) & (np.abs(sy) <= snap_tol_mm)
    if not on.any():
        return None
    # The origin again, as the median over the on-grid pads only: off-grid pads near a grid line and one
    # noisy pad then do not move the grid, so each snap is that pad's own error.
    px = _slope(colf[on], x[on], px)
    py = _slope(rowf[on], y[on], py)
    ox = float(np.median(x[on] - colf[on] * px))
    oy = float(np.median(y[on] - rowf[on] * py))
    sx = ox + colf * px - x
    sy = oy + rowf * py - y
    on = (np.abs(sx) <= snap_tol_mm) & (np.abs(sy) <= snap_tol_mm)
    if not on.any():
        return None
    c0, r0 = int(colf[on].min()), int(rowf[on].min())
    col, row = colf - c0, rowf - r0
    ox, oy = ox + c0 * px, oy + r0 * py
    parity_sum = (col + row)[on] % 2
    staggered = bool(col[on].max() > 0 and row[on].max() > 0 and np.all(parity_sum == parity_sum[0])
                     and len(np.unique(col[on] % 2)) == 2)
    col = np.where(on, col, -1)
    row = np.where(on, row, -1)
    return GridFit(px, py, ox, oy, staggered, int(parity_sum[0]) if staggered else 0,
                   int(col.max()) + 1, int(row.max()) + 1, col, row, on,
                   np.where(on, sx, 0.0), np.where(on, sy, 0.0))
