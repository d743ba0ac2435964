"""A layer's shapes as numpy arrays: circles and crosses (:class:`Points`), and helpers over relief rings.

Nothing here loops over shapes in Python.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.render import paths
from app.render.grid_index import Grid
from app.render.paths import Polylines
from geometry.derive.rings import RingSet

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Points:
    """Circles (``cross=False``) or x-crosses (half-size ``r``) at centres; ``r`` broadcast to the centres."""

    x: FloatArray
    y: FloatArray
    r: FloatArray
    cross: bool = False

    @staticmethod
    def of(x: FloatArray, y: FloatArray, r: FloatArray | float, cross: bool = False) -> Points:
        """Copies as contiguous float arrays."""
        xa = np.ascontiguousarray(x, dtype=np.float64)
        return Points(xa, np.ascontiguousarray(y, dtype=np.float64),
                      np.ascontiguousarray(np.broadcast_to(np.asarray(r, dtype=np.float64), xa.shape)), cross)

    @property
    def shapes(self) -> int:
        """Polylines this stands for (a cross is two strokes)."""
        return self.x.size * (2 if self.cross else 1)

    def bboxes(self) -> FloatArray:
        """(N, 4) bounding boxes."""
        return np.column_stack([self.x - self.r, self.y - self.r, self.x + self.r, self.y + self.r])

    def polylines(self, idx: IntArray, segments: int) -> Polylines:
        """The shapes ``idx`` as polylines."""
        if self.cross:
            return paths.crosses(self.x[idx], self.y[idx], float(self.r[0]) if self.r.size else 0.0)
        return paths.circles(self.x[idx], self.y[idx], self.r[idx], segments)


def ring_bboxes(rs: RingSet) -> FloatArray:
    """(R, 4) bounding boxes of the rings, arcs included (vertex box widened by the largest sagitta)."""
    if len(rs) == 0:
        return np.zeros((0, 4))
    x, y = np.ascontiguousarray(rs.xy[:, 0]), np.ascontiguousarray(rs.xy[:, 1])
    s, ends = rs.start[:-1], rs.start[1:] - 1
    # each vertex's chord to the next one of its ring: neighbours in the arrays, but a ring's last vertex closes
    # on its first (no gather of every vertex)
    dx, dy = np.empty_like(x), np.empty_like(y)
    np.subtract(x[1:], x[:-1], out=dx[:-1])
    np.subtract(y[1:], y[:-1], out=dy[:-1])
    dx[ends], dy[ends] = x[s] - x[ends], y[s] - y[ends]
    sag = np.hypot(dx, dy, out=dx)
    sag *= np.abs(rs.bulge)
    sag /= 2.0
    pad = np.maximum.reduceat(sag, s)
    out = np.empty((len(rs), 4))
    out[:, 0] = np.minimum.reduceat(x, s) - pad
    out[:, 1] = np.minimum.reduceat(y, s) - pad
    out[:, 2] = np.maximum.reduceat(x, s) + pad
    out[:, 3] = np.maximum.reduceat(y, s) + pad
    return out


_indexed: weakref.WeakKeyDictionary[RingSet, tuple[FloatArray, Grid]] = weakref.WeakKeyDictionary()
_indexed_lock = threading.Lock()


def ring_index(rs: RingSet) -> tuple[FloatArray, Grid]:
    """The rings' boxes and their coarse grid (cells' members built), made once per ring set.

    The analysis thread makes them for each new relief (:func:`prepare_rings`), so the top view's layer finds them
    ready when the result comes: for a wafer's million relief holes they were two seconds of the GUI thread.
    """
    with _indexed_lock:
        hit = _indexed.get(rs)
    if hit is not None:
        return hit
    bb = ring_bboxes(rs)
    grid = Grid(bb, by_centre=False)
    _ = grid.members
    with _indexed_lock:
        return _indexed.setdefault(rs, (bb, grid))  # (the other thread's, if it made them meanwhile)


def prepare_rings(rs: RingSet) -> None:
    """:func:`ring_index` made ahead, off the GUI thread (small ring sets are left to the view: they cost little)."""
    if len(rs) >= PREPARE_RINGS:
        ring_index(rs)


PREPARE_RINGS = 10_000
"""From this many rings the analysis thread indexes a relief's rings for the view."""


def ring_subset(rs: RingSet, rings: IntArray) -> RingSet:
    """The rings with these indices (vertices copied in one gather)."""
    rings = np.asarray(rings, dtype=np.intp)
    lengths = rs.start[rings + 1] - rs.start[rings]  # not np.diff over every ring: this runs per tile
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
    idx = np.repeat(rs.start[:-1][rings] - offsets[:-1], lengths) + np.arange(offsets[-1])
    return RingSet(rs.xy[idx], rs.bulge[idx], offsets, rs.region[rings], rs.hole[rings])

