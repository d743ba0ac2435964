"""The rework proposal: failing sites pass with the smallest change; passing sites are left alone."""

from __future__ import annotations

import dataclasses

import pytest
from rework_helpers import grid

from geometry.analysis.proposal import derive_rework, propose
from geometry.checks import run_checks
from geometry.checks.residue import residue_clear_violations
from geometry.derive.residue import residue_table
from geometry.model.profiles import OneSideVertical, Stepped, SteppedTapered, Straight, Tapered
from geometry.model.rework import SiteResidue

UM, STEP_DEG = 0.001, 0.01

# one site (B2) has a residue the production mask does not clear; all others have none
CASES = [
    pytest.param(Stepped(0.25, 0.7), 0.06, 0.6, "deeper step", "vertical_mm", -UM, id="stepped-height"),
    pytest.param(Stepped(0.25, 0.7), 0.03, 0.7, "wider lower outline", "lower_mm", UM, id="stepped-footprint"),
    pytest.param(Tapered(60.0), 0.2, 0.6, "lower theta", "angle_deg", -STEP_DEG, id="tapered-angle"),
    pytest.param(Tapered(None, 0.8), 0.2, 0.6, "wider lower outline", "lower_mm", UM, id="tapered-lower"),
    pytest.param(SteppedTapered(0.24, 45.0), 0.01, 0.56, "deeper step", "vertical_mm", -UM, id="stepped-tapered"),
    pytest.param(OneSideVertical(60.0), 0.03, 0.5, "deeper step", "vertical_mm", -UM, id="one-side-vertical"),
    pytest.param(Straight(), 0.03, 0.6, "wider lower outline", "vertical_mm", -UM, id="straight"),
]


def _failing_design(profile, height, foot):
    d = grid(profile, 0.0, 0.3)  # a small residue everywhere, cleared by every profile
    return d.with_(rework=d.rework.with_(measured=(SiteResidue("B2", height, foot),)))


@pytest.mark.parametrize(("profile", "height", "foot", "change", "field", "back"), CASES)
def test_proposal_makes_the_site_pass_with_the_smallest_change(profile, height, foot, change, field, back):
    d = _failing_design(profile, height, foot)
    assert [v.sites for v in residue_clear_violations(d)] == [("B2",)]
    result = derive_rework(d)
    (fix,) = result.proposal.fixes
    assert fix.site == "B2" and fix.change == change
    assert fix.clearance_after_mm >= fix.required_mm - 1e-9
    rework = result.design
    assert residue_clear_violations(rework) == []
    # passing sites are left alone: only B2 has an override, and the default profile is unchanged
    assert rework.profile == d.profile
    assert [o.sites for o in rework.overrides] == [("B2",)]
    # smallest: one rounding step less of the change fails again
    new = rework.overrides[0].profile
    smaller = dataclasses.replace(new, **{field: round(getattr(new, field) - back, 6)})
    worse = d.with_(overrides=(dataclasses.replace(rework.overrides[0], profile=smaller),))
    assert [v.sites for v in residue_clear_violations(worse)] == [("B2",)]


def test_the_upper_openings_stay_the_same():
    d = _failing_design(SteppedTapered(0.24, 45.0), 0.01, 0.56)
    rework = derive_rework(d).design
    assert rework.resolve(rework.overrides[0].profile).upper_mm == d.opening.upper_mm


def test_stepped_tapered_prefers_the_change_that_widens_the_lower_outline_least():
    # both a deeper step and a lower angle clear B2; the deeper step widens d_l less
    d = _failing_design(SteppedTapered(0.24, 45.0), 0.01, 0.56)
    (fix,) = propose(d).fixes
    assert fix.change == "deeper step"
    assert isinstance(fix.after, SteppedTapered) and fix.after.angle_deg == 45.0


def test_no_change_within_the_hold_rule_is_reported_unfixable():
    # t 0.3, r 0.225: a recess may be at most 0.075 deep; residue 0.07 + 0.01 needs 0.08
    d = _failing_design(Stepped(0.25, 0.7), 0.07, 0.6)
    p = propose(d)
    assert p.fixes == () and [u.site for u in p.unfixable] == ["B2"]
    assert "ball radius" in p.unfixable[0].reason
    result = derive_rework(d)
    assert result.design.overrides == ()
    assert any(v.check == "residue-clear" for v in run_checks(result.design).violations)


def test_damaged_and_no_ball_sites_are_closed_and_derivation_is_idempotent():
    d = _failing_design(Stepped(0.25, 0.7), 0.06, 0.6)
    d = d.with_(rework=d.rework.with_(damaged=("A1", "Q99"), no_ball=("C3",)))
    result = derive_rework(d)
    sites = result.design.sites()
    closed = {str(n) for n, p in zip(sites.names, sites.populated, strict=True) if not p}
    assert closed == {"A1", "C3"} and result.closed == ("A1", "C3")
    again = derive_rework(result.design)
    assert again.design == result.design and again.proposal.fixes == () and again.closed == ()


def test_passing_design_is_left_alone():
    d = grid(Stepped(0.25, 0.7), 0.03, 0.6)
    assert residue_table(d).failing.sum() == 0
    result = derive_rework(d)
    assert result.design == d and result.proposal.fixes == ()


def test_many_failing_sites_share_one_override():
    d = grid(Tapered(60.0), 0.2, 0.6, rows=10, cols=10)
    rework = derive_rework(d).design
    assert len(rework.overrides) == 1 and len(rework.overrides[0].sites) == 100
    assert residue_clear_violations(rework) == []
