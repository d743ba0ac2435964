"""A layer's shapes as numpy arrays: circles and crosses (:class:`Points`), and helpers over relief rings.

Nothing here loops over shapes in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.render import paths
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
    nxt = np.arange(1, rs.bulge.size + 1, dtype=np.intp)
    nxt[rs.start[1:] - 1] = rs.start[:-1]
    chord = np.hypot(*(rs.xy[nxt] - rs.xy).T)
    sag = np.abs(rs.bulge) * chord / 2.0
    s = rs.start[:-1]
    pad = np.maximum.reduceat(sag, s)
    return np.column_stack([np.minimum.reduceat(rs.xy[:, 0], s) - pad, np.minimum.reduceat(rs.xy[:, 1], s) - pad,
                            np.maximum.reduceat(rs.xy[:, 0], s) + pad, np.maximum.reduceat(rs.xy[:, 1], s) + pad])


def ring_subset(rs: RingSet, rings: IntArray) -> RingSet:
    """The rings with these indices (vertices copied in one gather)."""
    rings = np.asarray(rings, dtype=np.intp)
    lengths = rs.start[rings + 1] - rs.start[rings]  # not np.diff over every ring: this runs per tile
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
    idx = np.repeat(rs.start[:-1][rings] - offsets[:-1], lengths) + np.arange(offsets[-1])
    return RingSet(rs.xy[idx], rs.bulge[idx], offsets, rs.region[rings], rs.hole[rings])

