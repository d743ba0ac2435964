"""The mask in its frame, in design coordinates: frame, frame window, foil and pattern as corner arrays.

A strip or panel mask is a foil stretched in a cast frame (``DrawingInfo.frame``). The FRAME reference layer of
the DXF and Gerber, the fabrication drawing and the window's top view all draw the same four rectangles, so they
come from one function, :func:`frame_geometry`, which knows no Qt and no file format.

The pattern is the mask outline. Its centre sits at the frame settings' offset from the frame's centre, along the
frame's axes, and the pattern is turned by the rotation in the frame (counter-clockwise, seen from the upper
surface). Design coordinates are the pattern's, so the frame appears turned the other way about the outline's
centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from geometry.model.design import Design

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class FrameGeometry:
    """Corners (4, 2), counter-clockwise, in design mm: ``frame`` (outer edge), ``window`` (inner edge of the
    profile), ``foil``, ``pattern`` (the mask outline). ``pattern_to_foil_mm`` is the least distance from the
    pattern's corners in to the foil's edge (negative when a corner is outside), ``border_mm`` the same per side
    of the frame (left, bottom, right, top, along the frame's axes)."""

    label: str
    frame: FloatArray
    window: FloatArray
    foil: FloatArray
    pattern: FloatArray
    frame_centre_mm: tuple[float, float]
    pattern_centre_mm: tuple[float, float]
    offset_mm: tuple[float, float]
    rotation_deg: float
    outer_mm: tuple[float, float]
    foil_mm: tuple[float, float]
    border_mm: tuple[float, float, float, float]

    @property
    def pattern_to_foil_mm(self) -> float:
        """The narrowest unpatterned border between the pattern and the foil's edge."""
        return min(self.border_mm)

    def rectangles(self) -> tuple[tuple[str, FloatArray], ...]:
        """(what, corners) of each rectangle the FRAME layer draws, outermost first (the pattern is OUTLINE)."""
        return (("frame", self.frame), ("frame window", self.window), ("foil", self.foil))


def _box(w: float, h: float) -> FloatArray:
    return np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], dtype=np.float64)


@lru_cache(maxsize=16)
def frame_geometry(design: Design) -> FrameGeometry | None:
    """The frame, window, foil and pattern of ``design`` in design coordinates; None without a frame."""
    fs = design.drawing.frame
    outer, foil = fs.outer_size(), fs.foil_size()
    if outer is None or foil is None:
        return None
    dx, dy, rot = fs.placement()
    x0, y0, x1, y1 = design.outline_rect()
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    a = math.radians(rot)
    ca, sa = math.cos(a), math.sin(a)
    # frame coordinates q = R(rot) (p - c) + offset; design p = R(-rot) (q - offset) + c
    to_frame = np.array([[ca, -sa], [sa, ca]])
    offset = np.array([dx, dy])
    centre = np.array([cx, cy])

    def to_design(q: FloatArray) -> FloatArray:
        out: FloatArray = (q - offset) @ to_frame + centre  # row vectors: q @ R equals R^T q = R(-rot) q
        return out

    pattern = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
    in_frame = (pattern - centre) @ to_frame.T + offset
    fw, fh = foil
    border = (float(in_frame[:, 0].min() + fw / 2), float(in_frame[:, 1].min() + fh / 2),
              float(fw / 2 - in_frame[:, 0].max()), float(fh / 2 - in_frame[:, 1].max()))
    pr = fs.profile_mm
    fc = to_design(np.zeros((1, 2)))[0]
    return FrameGeometry(
        fs.label, to_design(_box(*outer)), to_design(_box(outer[0] - 2 * pr, outer[1] - 2 * pr)),
        to_design(_box(fw, fh)), pattern, (float(fc[0]), float(fc[1])), (cx, cy), (dx, dy), rot, outer, foil,
        border)
