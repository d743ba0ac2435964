"""Which polygons are circles: a least-squares circle per polygon, vectorised over ragged vertex arrays.

Substrate CAM and GDS flows draw a round pad as a polygon of 16 to 64 vertices. A polygon is taken for a
circle when it has at least :data:`MIN_VERTICES` vertices, every vertex lies within the tolerance of the fitted
circle and no edge spans more than :data:`MAX_STEP_DEG` of it (so a square, whose four corners lie on a circle,
or a half-disc is not a circle). The diameter is that of the circle through the vertices, which is the one our
own GDS writer and most CAM tools inscribe their polygons in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

MIN_VERTICES = 8
MAX_STEP_DEG = 60.0


@dataclass(frozen=True, eq=False)
class CircleFit:
    """Per polygon: fitted centre and radius, largest vertex deviation, and whether it counts as a circle."""

    cx: FloatArray
    cy: FloatArray
    r: FloatArray
    deviation: FloatArray
    round: NDArray[np.bool_]


def fit_circles(xy: FloatArray, start: NDArray[np.intp], tol_mm: float) -> CircleFit:
    """Fit a circle to each polygon ``xy[start[k]:start[k + 1]]`` (Kasa's algebraic fit on centred vertices)."""
    k = start.shape[0] - 1
    if k <= 0:
        e = np.zeros(0)
        return CircleFit(e, e, e, e, np.zeros(0, bool))
    first = start[:-1]
    counts = np.diff(start)
    owner = np.repeat(np.arange(k), counts)
    mx = np.add.reduceat(xy[:, 0], first) / counts
    my = np.add.reduceat(xy[:, 1], first) / counts
    u = xy[:, 0] - mx[owner]
    v = xy[:, 1] - my[owner]
    uu, vv, uv = u * u, v * v, u * v
    suu = np.add.reduceat(uu, first)
    svv = np.add.reduceat(vv, first)
    suv = np.add.reduceat(uv, first)
    b1 = np.add.reduceat(uu * u + u * vv, first)
    b2 = np.add.reduceat(uu * v + vv * v, first)
    det = suu * svv - suv * suv
    ok = det > 1e-30 * np.maximum(suu * svv, 1e-300)
    safe = np.where(ok, det, 1.0)
    d = -(b1 * svv - b2 * suv) / safe
    e = -(suu * b2 - suv * b1) / safe
    f = -(suu + svv) / counts
    r2 = (d * d + e * e) / 4.0 - f
    r = np.sqrt(np.maximum(r2, 0.0))
    cx = mx - d / 2.0
    cy = my - e / 2.0
    dist = np.hypot(xy[:, 0] - cx[owner], xy[:, 1] - cy[owner])
    deviation = np.maximum.reduceat(np.abs(dist - r[owner]), first)
    # The largest angle an edge spans (consecutive vertices, the last joined to the first).
    nxt = np.arange(xy.shape[0]) + 1
    last = start[1:] - 1
    nxt[last] = first
    chord = np.hypot(xy[nxt, 0] - xy[:, 0], xy[nxt, 1] - xy[:, 1])
    max_chord = np.maximum.reduceat(chord, first)
    max_step = 2.0 * r * np.sin(np.radians(MAX_STEP_DEG) / 2.0)
    is_round = ok & (counts >= MIN_VERTICES) & (deviation <= tol_mm) & (max_chord <= max_step) & (r > 0)
    return CircleFit(cx, cy, r, deviation, is_round)
