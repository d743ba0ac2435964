"""Opening profiles (cross-sections) as small frozen value objects, and the resolved opening they give.

A profile holds only what the designer chose (an angle, a step height, a lower diameter); the upper diameter
comes from the ball unless the profile fixes it, and the thickness from the mask. :meth:`resolve` turns the
three into an :class:`Opening` with every derived value (d_u, d_l, h_v, theta, relief depth, lower offset) and a
piecewise-linear description of the wall that the ridge computation and the cross-section view share.

Geometry of every profile (checks.md): at depth z below the upper surface the opening is a circle of radius
rho(z) whose centre is shifted by sh(z) toward ``direction_deg``; rho and sh are linear between breakpoints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError, require_length

# Deviation (mm) below which two lengths count as equal: far below the 1 um a mask is specified to.
EPS_MM = 1e-9


@dataclass(frozen=True, slots=True)
class WallSegment:
    """Between depths z0 and z1 (mm below the upper surface) radius and shift vary linearly."""

    z0: float
    z1: float
    r0: float
    r1: float
    s0: float = 0.0
    s1: float = 0.0


@dataclass(frozen=True, slots=True)
class Opening:
    """A profile resolved for one mask thickness and upper diameter: all derived values in mm and degrees.

    ``vertical_mm`` is h_v, the height of the vertical wall below the upper surface (t for straight and for the
    vertical side of a one-side-vertical opening). ``angle_deg`` is theta, 90 where there is no taper.
    ``relief_depth_mm`` is how deep the lower-side artwork is etched (t - h_v; 0 for straight).
    """

    kind: str
    thickness_mm: float
    upper_mm: float
    lower_mm: float
    vertical_mm: float
    angle_deg: float
    relief_depth_mm: float
    direction_deg: float
    segments: tuple[WallSegment, ...]

    @property
    def lower_shift_mm(self) -> float:
        """How far the lower circle's centre sits from the site centre (toward ``direction_deg``)."""
        return self.segments[-1].s1

    @property
    def lower_offset_mm(self) -> tuple[float, float]:
        """(dx, dy) of the lower circle's centre relative to the site centre."""
        a = math.radians(self.direction_deg)
        s = self.lower_shift_mm
        return (s * math.cos(a), s * math.sin(a))

    @property
    def tapered(self) -> bool:
        """Whether a side face is tapered (theta below 90 degrees)."""
        return self.angle_deg < 90.0 - 1e-9

    def radius_at(self, depth_mm: float) -> float:
        """Opening radius at a depth (the lower segment wins at a step)."""
        for seg in reversed(self.segments):
            if depth_mm >= seg.z0 - EPS_MM:
                f = 0.0 if seg.z1 == seg.z0 else (min(depth_mm, seg.z1) - seg.z0) / (seg.z1 - seg.z0)
                return seg.r0 + f * (seg.r1 - seg.r0)
        return self.segments[0].r0

    def wall_polylines(
        self, offset_mm: float = 0.0, along_deg: float = 0.0, samples: int = 16
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The two walls cut by a line, as (K, 2) arrays of (s, z): s along the line, z depth below the top.

        The cut line runs at ``along_deg`` and passes ``offset_mm`` to the left of the site centre; s = 0 is the
        foot of the perpendicular from the centre. Where the line misses the opening at some depth, the points
        are NaN. On-axis cuts of round profiles are exact with two points per segment; other cuts are sampled.
        """
        ua = math.radians(along_deg)
        u = np.array([math.cos(ua), math.sin(ua)])
        n = np.array([-math.sin(ua), math.cos(ua)])
        d = math.radians(self.direction_deg)
        dvec = np.array([math.cos(d), math.sin(d)])
        exact = abs(offset_mm) < EPS_MM and all(
            abs(s.s0) < EPS_MM and abs(s.s1) < EPS_MM for s in self.segments
        )
        k = 2 if exact else max(2, samples)
        zs, rs, ss = [], [], []
        for seg in self.segments:
            f = np.linspace(0.0, 1.0, k)
            zs.append(seg.z0 + f * (seg.z1 - seg.z0))
            rs.append(seg.r0 + f * (seg.r1 - seg.r0))
            ss.append(seg.s0 + f * (seg.s1 - seg.s0))
        z = np.concatenate(zs)
        r = np.concatenate(rs)
        sh = np.concatenate(ss)
        cs = sh * float(dvec @ u)
        cn = sh * float(dvec @ n)
        h2 = r * r - (offset_mm - cn) ** 2
        h = np.sqrt(np.where(h2 >= 0, h2, np.nan))
        left = np.column_stack([cs - h, z])
        right = np.column_stack([cs + h, z])
        return left, right


def _require_angle(path: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DesignError(path, value, "must be an angle in degrees")
    if not 0.0 < float(value) <= 90.0:
        raise DesignError(path, value, "must be more than 0 and at most 90 degrees")
    return float(value)


def _one_of(angle: float | None, lower: float | None) -> None:
    if (angle is None) == (lower is None):
        raise DesignError("angle_deg", angle, "give either the wall angle or the lower diameter, not both or neither")


def _optional_length(obj: object, name: str) -> None:
    v = getattr(obj, name)
    if v is not None:
        object.__setattr__(obj, name, require_length(name, v))


def _taper_run(height_mm: float, angle_deg: float) -> float:
    """Horizontal run of a wall of ``height_mm`` at ``angle_deg`` to the upper surface."""
    return 0.0 if angle_deg >= 90.0 else height_mm / math.tan(math.radians(angle_deg))


def _angle_for(height_mm: float, run_mm: float) -> float:
    """Wall angle of a face that runs ``run_mm`` across ``height_mm``."""
    return 90.0 if run_mm <= EPS_MM else math.degrees(math.atan2(height_mm, run_mm))


def _check_lower(lower: float, upper: float) -> None:
    if lower <= upper + EPS_MM:
        raise DesignError("lower_mm", lower, f"must be larger than the upper diameter {upper:.4g} mm")


@dataclass(frozen=True, slots=True)
class Straight:
    """Vertical wall through the whole thickness: d_l = d_u, h_v = t."""

    kind: ClassVar[str] = "straight"
    upper_mm: float | None = None

    def __post_init__(self) -> None:
        _optional_length(self, "upper_mm")

    def resolve(self, thickness_mm: float, upper_mm: float) -> Opening:
        """Derived values for thickness t and upper diameter d_u."""
        t, r = thickness_mm, upper_mm / 2.0
        return Opening(self.kind, t, upper_mm, upper_mm, t, 90.0, 0.0, 0.0, (WallSegment(0.0, t, r, r),))


@dataclass(frozen=True, slots=True)
class Tapered:
    """Tapered wall from the upper to the lower surface (claims 3-4): give ``angle_deg`` or ``lower_mm``."""

    kind: ClassVar[str] = "tapered"
    angle_deg: float | None = 60.0
    lower_mm: float | None = None
    upper_mm: float | None = None

    def __post_init__(self) -> None:
        _one_of(self.angle_deg, self.lower_mm)
        if self.angle_deg is not None:
            object.__setattr__(self, "angle_deg", _require_angle("angle_deg", self.angle_deg))
        _optional_length(self, "lower_mm")
        _optional_length(self, "upper_mm")

    def resolve(self, thickness_mm: float, upper_mm: float) -> Opening:
        """d_l = d_u + 2 t / tan(theta); h_v = 0."""
        t = thickness_mm
        if self.angle_deg is not None:
            theta = self.angle_deg
            lower = upper_mm + 2.0 * _taper_run(t, theta)
        else:
            lower = float(self.lower_mm)  # type: ignore[arg-type]
            _check_lower(lower, upper_mm)
            theta = _angle_for(t, (lower - upper_mm) / 2.0)
        seg = WallSegment(0.0, t, upper_mm / 2.0, lower / 2.0)
        return Opening(self.kind, t, upper_mm, lower, 0.0 if theta < 90 else t, theta, t if theta < 90 else 0.0,
                       0.0, (seg,))


@dataclass(frozen=True, slots=True)
class Stepped:
    """Vertical wall ``vertical_mm`` (h_v) down from the top, then a recess of diameter ``lower_mm`` (claims 5-6)."""

    kind: ClassVar[str] = "stepped"
    vertical_mm: float
    lower_mm: float
    upper_mm: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "vertical_mm", require_length("vertical_mm", self.vertical_mm))
        object.__setattr__(self, "lower_mm", require_length("lower_mm", self.lower_mm))
        _optional_length(self, "upper_mm")

    def resolve(self, thickness_mm: float, upper_mm: float) -> Opening:
        """Two vertical walls with a step at h_v."""
        t, hv = thickness_mm, self.vertical_mm
        if hv >= t - EPS_MM:
            raise DesignError("vertical_mm", hv, f"must be less than the mask thickness {t:.4g} mm")
        _check_lower(self.lower_mm, upper_mm)
        ru, rl = upper_mm / 2.0, self.lower_mm / 2.0
        segs = (WallSegment(0.0, hv, ru, ru), WallSegment(hv, t, rl, rl))
        return Opening(self.kind, t, upper_mm, self.lower_mm, hv, 90.0, t - hv, 0.0, segs)


@dataclass(frozen=True, slots=True)
class SteppedTapered:
    """Vertical wall down to h_v, then a taper at theta: d_l = d_u + 2 (t - h_v) / tan(theta)."""

    kind: ClassVar[str] = "stepped-tapered"
    vertical_mm: float
    angle_deg: float | None = 60.0
    lower_mm: float | None = None
    upper_mm: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "vertical_mm", require_length("vertical_mm", self.vertical_mm))
        _one_of(self.angle_deg, self.lower_mm)
        if self.angle_deg is not None:
            object.__setattr__(self, "angle_deg", _require_angle("angle_deg", self.angle_deg))
        _optional_length(self, "lower_mm")
        _optional_length(self, "upper_mm")

    def resolve(self, thickness_mm: float, upper_mm: float) -> Opening:
        """A vertical wall, then a taper over the remaining t - h_v."""
        t, hv = thickness_mm, self.vertical_mm
        if hv >= t - EPS_MM:
            raise DesignError("vertical_mm", hv, f"must be less than the mask thickness {t:.4g} mm")
        if self.angle_deg is not None:
            theta = self.angle_deg
            lower = upper_mm + 2.0 * _taper_run(t - hv, theta)
        else:
            lower = float(self.lower_mm)  # type: ignore[arg-type]
            _check_lower(lower, upper_mm)
            theta = _angle_for(t - hv, (lower - upper_mm) / 2.0)
        ru = upper_mm / 2.0
        segs = (WallSegment(0.0, hv, ru, ru), WallSegment(hv, t, ru, lower / 2.0))
        return Opening(self.kind, t, upper_mm, lower, hv, theta, t - hv, 0.0, segs)


@dataclass(frozen=True, slots=True)
class OneSideVertical:
    """One side face vertical, the opposite one tapered toward ``direction_deg`` (claims 3 and 5 together).

    The lower circle is shifted by (d_l - d_u) / 2 toward the direction, so that the face opposite stays vertical
    through the whole thickness: d_l = d_u + t / tan(theta).
    """

    kind: ClassVar[str] = "one-side-vertical"
    angle_deg: float | None = 60.0
    lower_mm: float | None = None
    direction_deg: float = 0.0
    upper_mm: float | None = None

    def __post_init__(self) -> None:
        _one_of(self.angle_deg, self.lower_mm)
        if self.angle_deg is not None:
            object.__setattr__(self, "angle_deg", _require_angle("angle_deg", self.angle_deg))
        _optional_length(self, "lower_mm")
        _optional_length(self, "upper_mm")
        d = self.direction_deg
        if isinstance(d, bool) or not isinstance(d, int | float) or not math.isfinite(d):
            raise DesignError("direction_deg", d, "must be an angle in degrees")
        object.__setattr__(self, "direction_deg", float(d) % 360.0)

    def resolve(self, thickness_mm: float, upper_mm: float) -> Opening:
        """The oblique cone from the upper circle to the shifted lower circle."""
        t = thickness_mm
        if self.angle_deg is not None:
            theta = self.angle_deg
            lower = upper_mm + _taper_run(t, theta)
        else:
            lower = float(self.lower_mm)  # type: ignore[arg-type]
            _check_lower(lower, upper_mm)
            theta = _angle_for(t, lower - upper_mm)
        shift = (lower - upper_mm) / 2.0
        seg = WallSegment(0.0, t, upper_mm / 2.0, lower / 2.0, 0.0, shift)
        return Opening(self.kind, t, upper_mm, lower, t, theta, t, self.direction_deg, (seg,))


Profile = Straight | Tapered | Stepped | SteppedTapered | OneSideVertical
PROFILE_KINDS: dict[str, type] = {
    cls.kind: cls for cls in (Straight, Tapered, Stepped, SteppedTapered, OneSideVertical)
}


def upper_from_ball(ball_diameter_mm: float, ratio: float) -> float:
    """Default upper diameter: ``ratio`` x D rounded to 1 um (checks.md: 1.05 D to 1.2 D is comfortable)."""
    return round(ball_diameter_mm * ratio * 1000.0) / 1000.0
