"""Outlines with exact arcs: closed rings as vertices plus bulges, packed into flat arrays.

A ring is a closed sequence of vertices; edge k runs from vertex k to vertex k+1 (the last back to the first)
and carries a bulge b = tan(phi / 4), phi the signed arc angle (0: straight, > 0: counter-clockwise). This is
the DXF LWPOLYLINE convention, so the exporters write rings as they are, and a Gerber arc's centre follows from
it. Outer rings run counter-clockwise, holes clockwise.

Many rings live in one :class:`RingSet` (flat arrays with offsets) rather than one object per ring, so that a
wafer's million outlines stay arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geometry.base.limits import MAX_SEGMENTS_PER_CIRCLE

MIN_ARC_STEP = 2.0 * np.pi / MAX_SEGMENTS_PER_CIRCLE
"""The smallest angle a chord spans when arcs are flattened, whatever the chord tolerance asks for."""

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def bulge_centres(p0: FloatArray, p1: FloatArray, bulge: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Centres (N, 2) and radii (N,) of the arcs from p0 to p1 with the given (non-zero) bulges."""
    chord = p1 - p0
    c = np.hypot(chord[:, 0], chord[:, 1])
    phi = 4.0 * np.arctan(bulge)
    r = c / (2.0 * np.abs(np.sin(phi / 2.0)))
    mid = (p0 + p1) / 2.0
    # distance from chord midpoint to centre, signed toward the left of the chord for ccw arcs < 180 deg
    h = (c / 2.0) * (1.0 - bulge * bulge) / (2.0 * bulge)
    left = np.column_stack([-chord[:, 1], chord[:, 0]]) / c[:, None]
    centre = mid + left * h[:, None]
    return centre, r


def segment_areas(p0: FloatArray, p1: FloatArray, bulge: FloatArray) -> FloatArray:
    """Signed area between each arc and its chord (positive for counter-clockwise bulges)."""
    c = np.hypot(p1[:, 0] - p0[:, 0], p1[:, 1] - p0[:, 1])
    phi = 4.0 * np.arctan(bulge)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = c / (2.0 * np.abs(np.sin(phi / 2.0)))
        a = 0.5 * r * r * (np.abs(phi) - np.sin(np.abs(phi)))
    return np.where(bulge == 0, 0.0, np.sign(bulge) * np.nan_to_num(a))


@dataclass(frozen=True, eq=False)
class RingSet:
    """Rings in flat arrays: ring k has vertices ``xy[start[k]:start[k+1]]`` and the same rows of ``bulge``.

    ``region[k]`` is the region the ring belongs to and ``hole[k]`` whether it is a hole of that region.
    """

    xy: FloatArray
    bulge: FloatArray
    start: IntArray
    region: IntArray
    hole: NDArray[np.bool_]

    @staticmethod
    def empty() -> RingSet:
        """No rings."""
        return RingSet(np.zeros((0, 2)), np.zeros(0), np.zeros(1, dtype=np.intp),
                       np.zeros(0, dtype=np.intp), np.zeros(0, dtype=bool))

    @staticmethod
    def from_rings(rings: list[tuple[FloatArray, FloatArray]], region: list[int], hole: list[bool]) -> RingSet:
        """Pack a list of (xy, bulge) rings."""
        if not rings:
            return RingSet.empty()
        lengths = np.array([len(b) for _, b in rings], dtype=np.intp)
        start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
        return RingSet(
            np.concatenate([np.asarray(x, dtype=np.float64).reshape(-1, 2) for x, _ in rings]),
            np.concatenate([np.asarray(b, dtype=np.float64) for _, b in rings]),
            start, np.asarray(region, dtype=np.intp), np.asarray(hole, dtype=bool),
        )

    @staticmethod
    def concat(parts: list[RingSet]) -> RingSet:
        """The rings of several sets one after another."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return RingSet.empty()
        if len(parts) == 1:  # a relief of one depth: no copy of its millions of vertices
            return parts[0]
        lengths = np.concatenate([np.diff(p.start) for p in parts])
        return RingSet(np.concatenate([p.xy for p in parts]), np.concatenate([p.bulge for p in parts]),
                       np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp),
                       np.concatenate([p.region for p in parts]).astype(np.intp),
                       np.concatenate([p.hole for p in parts]))

    def subset(self, keep: NDArray[np.bool_]) -> RingSet:
        """The rings marked in ``keep`` (one flag per ring), in their order (this set itself when all are kept)."""
        if bool(keep.all()):
            return self
        lengths = np.diff(self.start)
        kv = np.repeat(keep, lengths)
        start = np.concatenate([[0], np.cumsum(lengths[keep])]).astype(np.intp)
        return RingSet(self.xy[kv], self.bulge[kv], start, self.region[keep], self.hole[keep])

    def take(self, order: IntArray) -> RingSet:
        """The rings in the order ``order`` (ring indices; each ring's vertices kept in their order)."""
        lengths = np.diff(self.start)[order]
        start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
        idx = np.repeat(self.start[:-1][order] - start[:-1], lengths) + np.arange(int(start[-1]), dtype=np.intp)
        return RingSet(self.xy[idx], self.bulge[idx], start, self.region[order], self.hole[order])

    def slice(self, a: int, b: int) -> RingSet:
        """Rings a .. b - 1 (views of this set's arrays)."""
        s0, s1 = int(self.start[a]), int(self.start[b])
        return RingSet(self.xy[s0:s1], self.bulge[s0:s1], self.start[a:b + 1] - s0, self.region[a:b], self.hole[a:b])

    def __len__(self) -> int:
        return int(self.start.shape[0] - 1)

    def ring(self, k: int) -> tuple[FloatArray, FloatArray]:
        """(vertices, bulges) of ring k."""
        a, b = int(self.start[k]), int(self.start[k + 1])
        return self.xy[a:b], self.bulge[a:b]

    def _next_index(self) -> IntArray:
        """For every vertex, the index of the next vertex of its ring (wrapping)."""
        n = len(self.bulge)
        nxt = np.arange(1, n + 1, dtype=np.intp)
        ends = self.start[1:] - 1
        nxt[ends] = self.start[:-1]
        return nxt

    def signed_areas(self) -> FloatArray:
        """Exact signed area of every ring (arcs included): positive counter-clockwise."""
        if len(self) == 0:
            return np.zeros(0)
        nxt = self._next_index()
        p0, p1 = self.xy, self.xy[nxt]
        cross = p0[:, 0] * p1[:, 1] - p1[:, 0] * p0[:, 1]
        per_vertex = 0.5 * cross + segment_areas(p0, p1, self.bulge)
        return np.add.reduceat(per_vertex, self.start[:-1]) if len(per_vertex) else np.zeros(len(self))

    def region_areas(self, n_regions: int) -> FloatArray:
        """Area of every region: outer ring minus its holes."""
        weights = np.abs(self.signed_areas()) * np.where(self.hole, -1.0, 1.0)
        return np.bincount(self.region, weights=weights, minlength=n_regions).astype(np.float64)

    def densify(self, k: int, chord_tol_mm: float = 1e-4) -> FloatArray:
        """Ring k as a polygon (M, 2) whose chords deviate from the arcs by at most ``chord_tol_mm``."""
        xy, bulge = self.ring(k)
        out: list[FloatArray] = []
        nxt = np.roll(np.arange(len(xy)), -1)
        for a in range(len(xy)):
            p0, p1, b = xy[a], xy[nxt[a]], bulge[a]
            out.append(p0[None, :])
            if b == 0:
                continue
            centre, r = bulge_centres(p0[None, :], p1[None, :], np.array([b]))
            phi = 4.0 * np.arctan(b)
            step = max(2.0 * np.arccos(max(-1.0, 1.0 - chord_tol_mm / float(r[0]))), MIN_ARC_STEP)
            m = max(1, int(np.ceil(abs(phi) / step)))
            a0 = np.arctan2(p0[1] - centre[0, 1], p0[0] - centre[0, 0])
            ang = a0 + phi * np.arange(1, m) / m
            out.append(np.column_stack([centre[0, 0] + r[0] * np.cos(ang), centre[0, 1] + r[0] * np.sin(ang)]))
        return np.concatenate(out)
