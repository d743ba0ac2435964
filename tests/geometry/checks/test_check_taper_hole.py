"""taper-angle and hole-size: broken on purpose, and passing exactly at the limit."""

from __future__ import annotations

import math

import pytest

from geometry.checks import Severity, Violation, run_checks
from geometry.model.design import Design, example_grid_design
from geometry.model.mask import Mask
from geometry.model.profiles import OneSideVertical, Stepped, SteppedTapered, Straight, Tapered


def found(design: Design, check: str) -> tuple[Violation, ...]:
    """The violations of one check."""
    return run_checks(design, only={check}).violations


@pytest.mark.parametrize("angle", [30.0, 45.0, 60.0])
def test_taper_angle_within_limits_passes(angle: float) -> None:
    assert found(example_grid_design(profile=Tapered(angle)), "taper-angle") == ()


def test_taper_angle_given_by_the_lower_diameter_passes_at_60() -> None:
    t, du = 0.3, 0.495
    lower = du + 2 * t / math.tan(math.radians(60.0))  # the d_l that makes theta exactly 60 degrees
    assert found(example_grid_design(profile=Tapered(None, lower_mm=lower)), "taper-angle") == ()


@pytest.mark.parametrize(
    ("profile", "limit"),
    [(Tapered(60.5), 60.0), (Tapered(29.5), 30.0), (SteppedTapered(0.1, 70.0), 60.0), (OneSideVertical(25.0), 30.0)],
)
def test_taper_angle_outside_limits_warns(profile: object, limit: float) -> None:
    (v,) = found(example_grid_design(profile=profile), "taper-angle")  # type: ignore[arg-type]
    assert v.severity == Severity.WARNING
    assert v.unit == "deg"
    assert v.limit == limit
    assert v.measured == pytest.approx(profile.angle_deg)  # type: ignore[attr-defined]


@pytest.mark.parametrize("profile", [Straight(), Stepped(0.2, 0.7), Tapered(90.0)])
def test_taper_angle_skips_openings_without_a_tapered_face(profile: object) -> None:
    assert found(example_grid_design(profile=profile), "taper-angle") == ()  # type: ignore[arg-type]


def test_hole_size_at_the_limit_and_below() -> None:
    t = 0.3
    limit = 1.2 * t  # k_hole t, etched stainless
    assert found(example_grid_design(profile=Straight(upper_mm=limit)), "hole-size") == ()
    assert found(example_grid_design(profile=Straight(upper_mm=0.36)), "hole-size") == ()
    (v,) = found(example_grid_design(profile=Straight(upper_mm=0.359)), "hole-size")
    assert v.severity == Severity.ERROR
    assert (v.measured, v.limit) == (pytest.approx(0.359), pytest.approx(limit))
    assert "0.359 mm is below 0.360 mm" in v.message


def test_hole_size_follows_the_material() -> None:
    design = example_grid_design(profile=Straight(upper_mm=0.3))
    assert len(found(design, "hole-size")) == 1
    laser = design.with_(mask=Mask(0.3, material="laser-cut-stainless"))  # k_hole = 0.8 there
    assert found(laser, "hole-size") == ()
    (v,) = found(laser.with_(profile=Straight(upper_mm=0.239)), "hole-size")
    assert v.limit == pytest.approx(0.8 * 0.3)
