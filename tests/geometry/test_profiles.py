"""Opening profiles: closed forms of every profile, validation, wall polylines, and invariants (hypothesis)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from geometry.base.errors import DesignError
from geometry.model.profiles import (
    PROFILE_KINDS,
    OneSideVertical,
    Stepped,
    SteppedTapered,
    Straight,
    Tapered,
    upper_from_ball,
)


def tan(deg: float) -> float:
    """tan of an angle in degrees."""
    return math.tan(math.radians(deg))


# -- closed forms ----------------------------------------------------------------------------------------
def test_tapered_closed_form_example() -> None:
    o = Tapered(60.0).resolve(0.3, 0.55)
    assert o.lower_mm == pytest.approx(0.8964, abs=5e-5)  # issue 2's worked example
    assert o.lower_mm == pytest.approx(0.55 + 2 * 0.3 / tan(60.0))
    assert (o.vertical_mm, o.angle_deg, o.relief_depth_mm) == (0.0, 60.0, 0.3)
    assert o.lower_offset_mm == (0.0, 0.0)
    assert o.tapered


def test_tapered_from_the_lower_diameter_gives_the_angle_back() -> None:
    o = Tapered(None, lower_mm=0.55 + 2 * 0.3 / tan(60.0)).resolve(0.3, 0.55)
    assert o.angle_deg == pytest.approx(60.0)
    o45 = Tapered(None, lower_mm=0.55 + 0.6).resolve(0.3, 0.55)
    assert o45.angle_deg == pytest.approx(45.0)


def test_straight_closed_form() -> None:
    o = Straight().resolve(0.25, 0.5)
    assert (o.upper_mm, o.lower_mm, o.vertical_mm, o.angle_deg, o.relief_depth_mm) == (0.5, 0.5, 0.25, 90.0, 0.0)
    assert not o.tapered


def test_stepped_closed_form() -> None:
    o = Stepped(vertical_mm=0.2, lower_mm=0.7).resolve(0.3, 0.5)
    assert (o.lower_mm, o.vertical_mm, o.angle_deg) == (0.7, 0.2, 90.0)
    assert o.relief_depth_mm == pytest.approx(0.1)
    assert o.radius_at(0.1) == 0.25
    assert o.radius_at(0.25) == 0.35


def test_stepped_tapered_closed_form() -> None:
    o = SteppedTapered(vertical_mm=0.15, angle_deg=45.0).resolve(0.3, 0.5)
    assert o.lower_mm == pytest.approx(0.5 + 2 * 0.15 / tan(45.0))
    assert o.vertical_mm == 0.15
    assert o.relief_depth_mm == pytest.approx(0.15)
    assert o.radius_at(0.1) == 0.25  # vertical part
    assert o.radius_at(0.225) == pytest.approx(0.25 + 0.075)  # halfway down the taper
    back = SteppedTapered(vertical_mm=0.15, angle_deg=None, lower_mm=o.lower_mm).resolve(0.3, 0.5)
    assert back.angle_deg == pytest.approx(45.0)


@pytest.mark.parametrize("direction", [0.0, 90.0, 210.0])
def test_one_side_vertical_closed_form(direction: float) -> None:
    t, du = 0.3, 0.5
    o = OneSideVertical(60.0, direction_deg=direction).resolve(t, du)
    assert o.lower_mm == pytest.approx(du + t / tan(60.0))
    shift = (o.lower_mm - du) / 2
    dx, dy = o.lower_offset_mm
    a = math.radians(direction)
    assert (dx, dy) == pytest.approx((shift * math.cos(a), shift * math.sin(a)))
    assert o.vertical_mm == t  # checks.md: h_v = t for the vertical side
    # Opposite the direction the wall stays at d_u / 2 from the centre at every depth (the vertical side);
    # toward it the wall runs t / tan(theta) outward (the tapered side).
    for z in (0.0, 0.1, 0.3):
        seg = o.segments[0]
        f = z / t
        r = seg.r0 + f * (seg.r1 - seg.r0)
        s = seg.s0 + f * (seg.s1 - seg.s0)
        assert s - r == pytest.approx(-du / 2)
    assert shift + o.lower_mm / 2 - du / 2 == pytest.approx(t / tan(60.0))


def test_upper_from_ball_rounds_to_a_micrometre() -> None:
    assert upper_from_ball(0.45, 1.1) == 0.495
    assert upper_from_ball(0.3333, 1.1) == 0.367


def test_profile_kinds_registry() -> None:
    assert set(PROFILE_KINDS) == {"straight", "tapered", "stepped", "stepped-tapered", "one-side-vertical"}
    assert all(cls.kind == k for k, cls in PROFILE_KINDS.items())


# -- validation ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Tapered(0.0), "angle_deg"),
        (lambda: Tapered(91.0), "angle_deg"),
        (lambda: Tapered(float("nan")), "angle_deg"),
        (lambda: Tapered(60.0, lower_mm=0.9), "angle_deg"),  # both given
        (lambda: Tapered(None), "angle_deg"),  # neither given
        (lambda: Tapered(60.0, upper_mm=-0.1), "upper_mm"),
        (lambda: Stepped(vertical_mm=0.0, lower_mm=0.7), "vertical_mm"),
        (lambda: Stepped(vertical_mm=0.1, lower_mm=-1.0), "lower_mm"),
        (lambda: OneSideVertical(60.0, direction_deg=float("inf")), "direction_deg"),
    ],
)
def test_bad_profile_names_the_field(make: object, field: str) -> None:
    with pytest.raises(DesignError) as err:
        make()  # type: ignore[operator]
    assert err.value.path == field


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        (Stepped(vertical_mm=0.3, lower_mm=0.7), "vertical_mm"),  # h_v must be below t
        (Stepped(vertical_mm=0.1, lower_mm=0.5), "lower_mm"),  # d_l must exceed d_u
        (SteppedTapered(vertical_mm=0.35), "vertical_mm"),
        (Tapered(None, lower_mm=0.4), "lower_mm"),
        (OneSideVertical(None, lower_mm=0.5), "lower_mm"),
    ],
)
def test_impossible_resolution_names_the_field(profile: object, field: str) -> None:
    with pytest.raises(DesignError) as err:
        profile.resolve(0.3, 0.5)  # type: ignore[attr-defined]
    assert err.value.path == field


def test_direction_is_normalised() -> None:
    assert OneSideVertical(60.0, direction_deg=-90.0).direction_deg == 270.0


# -- wall polylines --------------------------------------------------------------------------------------
def test_on_axis_cut_of_a_taper_is_exact() -> None:
    o = Tapered(60.0).resolve(0.3, 0.55)
    left, right = o.wall_polylines()
    assert left.shape == (2, 2)
    assert right[0] == pytest.approx([0.275, 0.0])
    assert right[-1] == pytest.approx([o.lower_mm / 2, 0.3])
    assert left[-1] == pytest.approx([-o.lower_mm / 2, 0.3])


def test_off_axis_cut_misses_the_narrow_top() -> None:
    o = Tapered(60.0).resolve(0.3, 0.55)
    left, right = o.wall_polylines(offset_mm=0.35, samples=8)
    assert np.isnan(left[0, 0])  # the cut passes outside the upper circle
    assert right[-1, 0] == pytest.approx(math.sqrt((o.lower_mm / 2) ** 2 - 0.35**2))


# -- invariants ------------------------------------------------------------------------------------------
thickness = st.floats(0.03, 1.0)
upper = st.floats(0.05, 1.5)
angle = st.floats(5.0, 90.0)
fraction = st.floats(0.01, 0.99)


def _profiles(t: float, du: float, theta: float, frac: float, extra: float, direction: float) -> list[object]:
    hv = frac * t
    return [
        Straight(),
        Tapered(theta),
        Tapered(None, lower_mm=du + extra),
        Stepped(vertical_mm=hv, lower_mm=du + extra),
        SteppedTapered(vertical_mm=hv, angle_deg=theta),
        SteppedTapered(vertical_mm=hv, angle_deg=None, lower_mm=du + extra),
        OneSideVertical(theta, direction_deg=direction),
        OneSideVertical(None, lower_mm=du + extra, direction_deg=direction),
    ]


@given(thickness, upper, angle, fraction, st.floats(0.001, 1.0), st.floats(-720.0, 720.0))
def test_profile_invariants(t: float, du: float, theta: float, frac: float, extra: float, direction: float) -> None:
    assume(frac * t > 1e-6 and t - frac * t > 1e-6)
    for p in _profiles(t, du, theta, frac, extra, direction):
        o = p.resolve(t, du)  # type: ignore[attr-defined]
        assert o.lower_mm >= o.upper_mm - 1e-12
        assert 0.0 <= o.vertical_mm <= t
        assert 0.0 < o.angle_deg <= 90.0
        assert 0.0 <= o.relief_depth_mm <= t + 1e-12
        assert o.upper_mm == du
        assert o.radius_at(0.0) == pytest.approx(du / 2)
        assert o.radius_at(t) == pytest.approx(o.lower_mm / 2)
        depths = np.linspace(0.0, t, 7)
        radii = [o.radius_at(float(z)) for z in depths]
        assert all(b >= a - 1e-12 for a, b in itertools.pairwise(radii))  # no overhang
        assert math.hypot(*o.lower_offset_mm) <= (o.lower_mm - o.upper_mm) / 2 + 1e-12  # upper inside lower
