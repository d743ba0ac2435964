"""Hand-made lower reliefs for exporter tests (the exporters take any object with Relief's fields)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from geometry.derive.rings import RingSet

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class FakeRelief:
    """Single circles and merged regions with a depth each."""

    circle_x_mm: FloatArray
    circle_y_mm: FloatArray
    circle_r_mm: FloatArray
    circle_depth_mm: FloatArray
    rings: RingSet
    region_depth_mm: FloatArray

    def depths(self) -> tuple[float, ...]:
        return tuple(sorted({*self.circle_depth_mm.tolist(), *self.region_depth_mm.tolist()}))


def two_circle_union(cx: float, cy: float, d: float, r: float) -> tuple[FloatArray, FloatArray]:
    """Outline (CCW, exact arcs) of two circles of radius r at (cx, cy) and (cx + d, cy), d < 2r."""
    h = math.sqrt(r * r - (d / 2) ** 2)
    alpha = math.atan2(h, d / 2)
    b = math.tan((2 * math.pi - 2 * alpha) / 4)
    xy = np.array([[cx + d / 2, cy - h], [cx + d / 2, cy + h]])
    return xy, np.array([b, b])


def circle_ring(cx: float, cy: float, r: float, ccw: bool = True) -> tuple[FloatArray, FloatArray]:
    """A full circle as two half arcs."""
    s = 1.0 if ccw else -1.0
    return np.array([[cx + r, cy], [cx - r, cy]]), np.array([s, s])


def square_with_round_hole(x0: float, y0: float, a: float, hole_r: float) -> list[tuple[FloatArray, FloatArray]]:
    """A CCW square of side a with a CW round hole at its centre."""
    sq = np.array([[x0, y0], [x0 + a, y0], [x0 + a, y0 + a], [x0, y0 + a]])
    return [(sq, np.zeros(4)), circle_ring(x0 + a / 2, y0 + a / 2, hole_r, ccw=False)]


def shapely_area_two_circles(cx: float, cy: float, d: float, r: float) -> float:
    """Independent area of the union of two discs, by shapely buffers at fine resolution."""
    a = shapely.Point(cx, cy).buffer(r, quad_segs=2048)
    b = shapely.Point(cx + d, cy).buffer(r, quad_segs=2048)
    return float(shapely.union(a, b).area)


def sample_relief(depth_a: float = 0.3, depth_b: float = 0.15) -> FakeRelief:
    """Three single circles (two at depth_a, one at depth_b), a two-circle region at depth_a and a square
    with a round hole at depth_b."""
    rings = [two_circle_union(10.0, 0.0, 0.6, 0.4), *square_with_round_hole(20.0, 5.0, 2.0, 0.5)]
    rs = RingSet.from_rings(rings, [0, 1, 1], [False, False, True])
    return FakeRelief(
        np.array([0.0, 1.0, 2.0]), np.array([0.0, 0.0, 3.0]), np.array([0.25, 0.25, 0.3]),
        np.array([depth_a, depth_a, depth_b]), rs, np.array([depth_a, depth_b]),
    )
