"""ball-pass, single-ball, hold, stack and landing: each broken on purpose and passing exactly at its limit."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from geometry.checks import Severity, Violation, run_checks
from geometry.model.ball import Ball
from geometry.model.design import Design, ProfileOverride, example_grid_design
from geometry.model.layouts import ExplicitLayout, ExplicitSite, Pad
from geometry.model.mask import Mask
from geometry.model.profiles import OneSideVertical, Stepped, SteppedTapered, Straight, Tapered

D = 0.45  # the ball of example_grid_design


def found(design: Design, check: str) -> tuple[Violation, ...]:
    """The violations of one check."""
    return run_checks(design, only={check}).violations


def with_upper(upper_mm: float, **kw: object) -> Design:
    """The 10 x 10 example grid with a fixed upper diameter (tapered at 60 degrees)."""
    return example_grid_design(profile=Tapered(60.0, upper_mm=upper_mm), **kw)  # type: ignore[arg-type]


# -- ball-pass -------------------------------------------------------------------------------------------
def test_ball_pass_passes_at_the_limit() -> None:
    ball = Ball(D)
    limit = ball.diameter_mm + ball.tolerance_mm + 0.01  # D + tol_D + c_pass
    assert found(with_upper(limit), "ball-pass") == ()
    assert found(with_upper(0.47), "ball-pass") == ()  # the same value typed in, round-off and all


def test_ball_pass_fails_below_the_limit_once_per_opening() -> None:
    design = with_upper(0.469)
    (v,) = found(design, "ball-pass")
    assert v.severity == Severity.ERROR
    assert v.measured == pytest.approx(0.469)
    assert v.limit == pytest.approx(D + 0.01 + 0.01)
    assert len(v.sites) == 100 and v.sites[0] == "A1"
    assert "0.469 mm" in v.message and "0.470 mm" in v.message


def test_ball_pass_names_only_the_sites_of_a_bad_override() -> None:
    design = example_grid_design().with_(overrides=(ProfileOverride(("C3", "B2"), Straight(upper_mm=0.46)),))
    (v,) = found(design, "ball-pass")
    assert v.sites == ("B2", "C3")  # site order, not the order typed
    sites = design.sites()
    b2 = sites.index_of("B2")
    assert (v.x_mm, v.y_mm) == (sites.x_mm[b2], sites.y_mm[b2])


def test_ball_pass_follows_the_clearance_override() -> None:
    design = with_upper(0.48).with_limit("ball_pass_clearance_mm", 0.03)
    (v,) = found(design, "ball-pass")
    assert v.limit == pytest.approx(0.49)
    assert found(with_upper(0.49).with_limit("ball_pass_clearance_mm", 0.03), "ball-pass") == ()


def test_depopulated_sites_have_no_opening_to_check() -> None:
    design = example_grid_design().with_(overrides=(ProfileOverride(("A1",), Straight(upper_mm=0.46)),))
    assert found(design, "ball-pass") != ()
    depop = design.with_(edits=design.edits.with_state(["A1"], 1))
    assert found(depop, "ball-pass") == ()


# -- single-ball -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("ratio", [1.05, 1.1, 1.2])
def test_single_ball_comfortable_band_is_silent(ratio: float) -> None:
    assert found(with_upper(ratio * D), "single-ball") == ()


def test_single_ball_two_balls_fit_at_two_diameters() -> None:
    (v,) = found(with_upper(2 * D), "single-ball")
    assert v.severity == Severity.ERROR
    assert v.limit == pytest.approx(2 * D)
    assert "two balls" in v.message


def test_single_ball_just_below_two_diameters_is_a_warning_not_an_error() -> None:
    (v,) = found(with_upper(2 * D - 0.001), "single-ball")
    assert v.severity == Severity.WARNING
    assert v.limit == pytest.approx(1.3 * D)


def test_single_ball_warning_limit_passes_as_info() -> None:
    (at,) = found(with_upper(1.3 * D), "single-ball")
    assert at.severity == Severity.INFO  # not a warning at exactly 1.3 D, but outside the comfortable band
    assert at.limit == pytest.approx(1.2 * D)
    (over,) = found(with_upper(1.3 * D + 0.001), "single-ball")
    assert over.severity == Severity.WARNING


def test_single_ball_info_below_the_band_names_the_lower_edge() -> None:
    (v,) = found(with_upper(1.05 * D - 0.001), "single-ball")
    assert v.severity == Severity.INFO
    assert v.limit == pytest.approx(1.05 * D)
    assert v.measured == pytest.approx(1.05 * D - 0.001)


# -- hold ------------------------------------------------------------------------------------------------
def test_hold_tapered_uses_the_thickness() -> None:
    r = D / 2
    assert found(example_grid_design(thickness_mm=r), "hold") == ()
    (v,) = found(example_grid_design(thickness_mm=0.2), "hold")
    assert v.severity == Severity.ERROR
    assert (v.measured, v.limit) == (pytest.approx(0.2), pytest.approx(r))
    assert "mask thickness" in v.message


@pytest.mark.parametrize(
    "make", [lambda hv: Stepped(vertical_mm=hv, lower_mm=0.7), lambda hv: SteppedTapered(vertical_mm=hv)]
)
def test_hold_stepped_uses_the_vertical_wall(make: object) -> None:
    r = D / 2
    assert found(example_grid_design(profile=make(r)), "hold") == ()  # type: ignore[operator]
    (v,) = found(example_grid_design(profile=make(r - 0.001)), "hold")  # type: ignore[operator]
    assert v.measured == pytest.approx(r - 0.001)
    assert "vertical wall" in v.message


def test_hold_one_side_vertical_has_the_full_thickness() -> None:
    assert found(example_grid_design(thickness_mm=D / 2, profile=OneSideVertical(60.0)), "hold") == ()
    assert len(found(example_grid_design(thickness_mm=0.2, profile=OneSideVertical(60.0)), "hold")) == 1


# -- stack -----------------------------------------------------------------------------------------------
def test_stack_at_the_limit_and_above() -> None:
    assert found(example_grid_design(thickness_mm=D), "stack") == ()
    (v,) = found(example_grid_design(thickness_mm=D + 0.01), "stack")
    assert v.severity == Severity.WARNING
    assert v.limit == pytest.approx(D)


def test_stack_adds_the_pad_standoff() -> None:
    standoff = 0.02
    ok = example_grid_design(thickness_mm=D + standoff).with_limit("standoff_mm", standoff)
    assert found(ok, "stack") == ()
    bad = example_grid_design(thickness_mm=D + standoff + 0.001).with_limit("standoff_mm", standoff)
    (v,) = found(bad, "stack")
    assert v.limit == pytest.approx(D + standoff)


# -- landing ---------------------------------------------------------------------------------------------
def _offset(design: Design) -> float:
    """(d_u - D)/2 + a, the farthest a ball can land from its pad centre."""
    return (design.opening.upper_mm - design.ball.diameter_mm) / 2 + design.effective_limits().alignment_mm


def test_landing_warning_at_a_quarter_pad() -> None:
    base = example_grid_design()
    e = _offset(base)
    assert found(replace(base, pad=Pad(4 * e)), "landing") == ()  # e == p/4 exactly
    (v,) = found(replace(base, pad=Pad(4 * e - 0.001)), "landing")
    assert v.severity == Severity.WARNING
    assert v.measured == pytest.approx(e)
    assert v.limit == pytest.approx((4 * e - 0.001) / 4)


def test_landing_error_at_half_pad() -> None:
    base = example_grid_design()
    e = _offset(base)
    at = found(replace(base, pad=Pad(2 * e)), "landing")
    assert [v.severity for v in at] == [Severity.WARNING]  # at p/2 exactly: no error, still above p/4
    (v,) = found(replace(base, pad=Pad(2 * e - 0.001)), "landing")
    assert v.severity == Severity.ERROR
    assert v.limit == pytest.approx((2 * e - 0.001) / 2)


def test_landing_groups_sites_by_pad() -> None:
    e = _offset(example_grid_design())
    layout = ExplicitLayout((
        ExplicitSite("A1", 0.0, 0.0), ExplicitSite("A2", 0.8, 0.0, pad_mm=2 * e - 0.002),
        ExplicitSite("A3", 1.6, 0.0), ExplicitSite("A4", 2.4, 0.0, pad_mm=2 * e - 0.002),
    ))
    design = Design(ball=Ball(D), pad=Pad(0.36), layout=layout, mask=Mask(0.3))
    (v,) = found(design, "landing")
    assert v.sites == ("A2", "A4")
    assert (v.x_mm, v.y_mm) == (0.8, 0.0)
    assert math.isclose(v.measured, e)
