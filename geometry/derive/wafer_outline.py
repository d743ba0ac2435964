"""The wafer as a reference drawing: its rim (with the flat or notch) and the edge of its usable area.

Both are closed rings with true arcs (each arc split into pieces of at most 90 degrees, so every writer and
reader gets well-conditioned bulges), in the wafer's coordinates (centre (0, 0), orientation mark at the
bottom), counter-clockwise. The rim is drawn as :meth:`geometry.model.layouts.wafer.WaferLayout.rim` draws it
(the notch a 90 degree V of the notch depth); the usable-area edge is the boundary that
:meth:`~geometry.model.layouts.wafer.WaferLayout.inside` tests against (the disc shrunk by the edge exclusion,
less the flat moved inward by the exclusion, or less the notch's disc grown by it), so the ring drawn is the
line the keep rule uses. Without an edge exclusion there is no second ring.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from geometry.derive.rings import RingSet
from geometry.model.layouts.wafer import WaferLayout, WaferMark

FloatArray = NDArray[np.float64]
MAX_ARC_RAD = math.pi / 2.0

RIM_REGION = 0
USABLE_REGION = 1


def _arc(cx: float, cy: float, r: float, a0: float, sweep: float) -> tuple[list[list[float]], list[float]]:
    """Vertices and bulges of an arc from angle ``a0`` over ``sweep`` (signed, radians), without its end point."""
    n = max(1, math.ceil(abs(sweep) / MAX_ARC_RAD - 1e-12))
    step = sweep / n
    b = math.tan(step / 4.0)
    pts = [[cx + r * math.cos(a0 + k * step), cy + r * math.sin(a0 + k * step)] for k in range(n)]
    return pts, [b] * n


def _ring(parts: list[tuple[list[list[float]], list[float]]]) -> tuple[FloatArray, FloatArray]:
    xy = np.array([p for pts, _ in parts for p in pts], dtype=np.float64)
    bulge = np.array([b for _, bs in parts for b in bs], dtype=np.float64)
    return xy, bulge


def rim_ring(lay: WaferLayout) -> tuple[FloatArray, FloatArray]:
    """The wafer's outline with its flat or notch: (vertices, bulges), counter-clockwise."""
    big = lay.radius_mm
    if lay.mark == WaferMark.NOTCH:
        half = lay.notch_depth_mm / big  # as WaferLayout.rim: a 90 degree V whose mouth is twice its depth
        arc = _arc(0.0, 0.0, big, -math.pi / 2.0 + half, 2.0 * math.pi - 2.0 * half)
        end = [big * math.cos(1.5 * math.pi - half), big * math.sin(1.5 * math.pi - half)]
        return _ring([arc, ([end, [0.0, -big + lay.notch_depth_mm]], [0.0, 0.0])])
    if lay.mark == WaferMark.FLAT:
        fy = lay.flat_y_mm
        a0 = math.atan2(fy, lay.flat_length_mm / 2.0)  # the flat's right end
        arc = _arc(0.0, 0.0, big, a0, math.pi - 2.0 * a0)
        left = [-lay.flat_length_mm / 2.0, fy]
        return _ring([arc, ([left], [0.0])])
    return _ring([_arc(0.0, 0.0, big, -math.pi / 2.0, 2.0 * math.pi)])


def usable_ring(lay: WaferLayout) -> tuple[FloatArray, FloatArray] | None:
    """The edge of the usable area (see the module docstring), or None without an edge exclusion."""
    ex = lay.edge_exclusion_mm
    if ex <= 0.0:
        return None
    big = lay.radius_mm
    rr = big - ex
    if lay.mark == WaferMark.FLAT:
        y = lay.flat_y_mm + ex
        x = math.sqrt(max(rr * rr - y * y, 0.0))
        a0 = math.atan2(y, x)
        return _ring([_arc(0.0, 0.0, rr, a0, math.pi - 2.0 * a0), ([[-x, y]], [0.0])])
    if lay.mark == WaferMark.NOTCH:
        q = lay.notch_depth_mm + ex  # the notch's keep-out disc around its tip (0, -big)
        y = (q * q - rr * rr - big * big) / (2.0 * big)
        x = math.sqrt(max(rr * rr - y * y, 0.0))
        a0 = math.atan2(y, x)
        top = _arc(0.0, 0.0, rr, a0, math.pi - 2.0 * a0)
        p_left = math.atan2(y + big, -x)
        p_right = math.atan2(y + big, x)
        notch = _arc(0.0, -big, q, p_left, p_right - p_left)  # clockwise over the tip's disc
        return _ring([top, notch])
    return _ring([_arc(0.0, 0.0, rr, -math.pi / 2.0, 2.0 * math.pi)])


def wafer_rings(lay: WaferLayout) -> RingSet:
    """The rim (region 0) and, with an edge exclusion, the usable-area edge (region 1), both outer rings."""
    rings = [rim_ring(lay)]
    usable = usable_ring(lay)
    if usable is not None:
        rings.append(usable)
    return RingSet.from_rings(rings, list(range(len(rings))), [False] * len(rings))
