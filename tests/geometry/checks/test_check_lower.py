"""web-lower, ridge, flux-clear and residue-clear: broken on purpose, and passing exactly at the limit."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from geometry.checks import CHECKS, Severity, Violation, run_checks
from geometry.checks.base import CheckContext
from geometry.model.design import Design, MergeSettings, example_grid_design
from geometry.model.layouts import GridLayout, Pad
from geometry.model.profiles import OneSideVertical, Stepped, Straight

T, DU = 0.3, 0.495  # example_grid_design: t = 0.3 mm, d_u = 1.1 x 0.45 mm
TAN60 = math.tan(math.radians(60.0))
DL = DU + 2 * T / TAN60  # tapered at 60 degrees
W_MIN = max(T, 0.15)  # etched stainless, t > 0.2 mm
M_MIN = max(0.03, T / 4)


def found(design: Design, check: str) -> tuple[Violation, ...]:
    """The violations of one check."""
    return run_checks(design, only={check}).violations


def row(pitch: float, cols: int = 3, **kw: object) -> Design:
    """One row of tapered openings at ``pitch``."""
    return replace(example_grid_design(), layout=GridLayout(1, cols, pitch), **kw)  # type: ignore[arg-type]


# -- web-lower -------------------------------------------------------------------------------------------
def test_web_lower_not_merged_at_the_limit_passes() -> None:
    assert found(row(DL + W_MIN, merge=MergeSettings(auto=False)), "web-lower") == ()


def test_web_lower_thin_wall_without_auto_merge() -> None:
    vs = found(row(DL + W_MIN - 0.1, merge=MergeSettings(auto=False)), "web-lower")
    assert [v.sites for v in vs] == [("A1", "A2"), ("A2", "A3")]
    v = vs[0]
    assert v.severity == Severity.ERROR
    assert v.measured == pytest.approx(W_MIN - 0.1)
    assert v.limit == pytest.approx(W_MIN)
    assert "merge A1 and A2" in v.message


def test_web_lower_auto_merge_bridges_the_thin_wall() -> None:
    assert found(row(DL + W_MIN - 0.1), "web-lower") == ()


def test_web_lower_forbidden_pair_is_reported_alone() -> None:
    design = row(DL + W_MIN - 0.1, merge=MergeSettings(forbidden=(("A3", "A2"),)))
    (v,) = found(design, "web-lower")
    assert v.sites == ("A2", "A3")
    assert (v.x_mm, v.y_mm) == pytest.approx(((DL + W_MIN - 0.1) / 2, 0.0))


def test_web_lower_forbidden_pair_whose_outlines_overlap() -> None:
    design = row(0.8, merge=MergeSettings(forbidden=(("A1", "A2"),)))
    (v,) = found(design, "web-lower")
    assert v.sites == ("A1", "A2")
    assert v.measured == pytest.approx(0.8 - DL)
    assert "forbidden" in v.message


def test_web_lower_leaves_straight_openings_to_the_upper_web() -> None:
    design = row(DU + 0.2, profile=Straight(), merge=MergeSettings(auto=False))
    assert found(design, "web-lower") == ()
    assert len(found(design, "web-upper")) == 2


# -- ridge -----------------------------------------------------------------------------------------------
def ridge_pitch(ridge_mm: float) -> float:
    """The pitch at which two 60-degree tapers meet ``ridge_mm`` below the upper surface."""
    return 2 * (DU / 2 + ridge_mm / TAN60)


def test_ridge_at_the_limit_passes() -> None:
    assert found(row(ridge_pitch(M_MIN)), "ridge") == ()


def test_ridge_knife_edge_warns_with_the_contact_depth() -> None:
    pitch = ridge_pitch(M_MIN) - 0.01
    vs = found(row(pitch), "ridge")
    assert len(vs) == 2
    v = vs[0]
    assert v.severity == Severity.WARNING
    assert v.measured == pytest.approx((pitch / 2 - DU / 2) * TAN60)
    assert v.limit == pytest.approx(M_MIN)


def test_ridge_of_a_channel_is_the_membrane() -> None:
    # bridged by auto merge: the channel is cut to t - m_min, leaving exactly m_min
    design = row(DL + 0.1)
    ctx = CheckContext.of(design)
    assert ctx.graph.bridged.all()
    assert found(design, "ridge") == ()
    thin = design.with_limit("membrane_min_mm", 0.2)  # the channel gets shallower, the membrane stays m_min
    assert found(thin, "ridge") == ()


def test_ridge_stepped_is_the_vertical_wall() -> None:
    lower = 0.75
    ok = row(0.7, profile=Stepped(vertical_mm=M_MIN, lower_mm=lower))
    assert found(ok, "ridge") == ()
    bad = row(0.7, profile=Stepped(vertical_mm=0.05, lower_mm=lower))
    vs = found(bad, "ridge")
    assert [v.measured for v in vs] == pytest.approx([0.05, 0.05])


# -- flux-clear ------------------------------------------------------------------------------------------
A = 0.01  # alignment tolerance a (default)
F = 0.05 + A  # flux spread f (default) grown by a: docs/checks.md, flux-clear


def test_flux_clear_tapered_at_the_limit_and_beyond() -> None:
    base = example_grid_design()
    pad = DL - 2 * F  # pad edge + f + a exactly on the lower outline
    assert found(replace(base, pad=Pad(pad)), "flux-clear") == ()
    (v,) = found(replace(base, pad=Pad(pad + 0.002)), "flux-clear")
    assert v.severity == Severity.ERROR
    assert v.measured == pytest.approx(F - 0.001)
    assert v.limit == pytest.approx(F)
    assert len(v.sites) == 100


def test_flux_clear_one_side_vertical_counts_the_offset() -> None:
    base = example_grid_design(profile=OneSideVertical(60.0, direction_deg=30.0))
    o = base.opening
    shift = math.hypot(*o.lower_offset_mm)
    pad = 2 * (o.lower_mm / 2 - shift - F)  # = d_u - 2 f: the vertical side is the tight one
    assert pad == pytest.approx(DU - 2 * F)
    assert found(replace(base, pad=Pad(pad)), "flux-clear") == ()
    (v,) = found(replace(base, pad=Pad(pad + 0.002)), "flux-clear")
    assert v.measured == pytest.approx(F - 0.001)


def test_flux_clear_straight_uses_the_upper_diameter() -> None:
    base = example_grid_design(profile=Straight())
    assert found(replace(base, pad=Pad(DU - 2 * F)), "flux-clear") == ()
    assert len(found(replace(base, pad=Pad(DU - 2 * F + 0.001)), "flux-clear")) == 1


def test_flux_clear_follows_the_flux_spread_limit() -> None:
    base = replace(example_grid_design(), pad=Pad(DL - 2 * 0.08))
    assert found(base, "flux-clear") == ()
    assert found(base.with_limit("flux_spread_mm", 0.08 - A), "flux-clear") == ()
    assert len(found(base.with_limit("flux_spread_mm", 0.081 - A), "flux-clear")) == 1


def test_flux_clear_includes_the_alignment_tolerance() -> None:
    # f + a = 0.05 + 0.03 exactly at the clearance passes; one more um of alignment fails (as residue-clear)
    base = replace(example_grid_design(), pad=Pad(DL - 2 * 0.08))
    assert found(base.with_limit("alignment_mm", 0.03), "flux-clear") == ()
    (v,) = found(base.with_limit("alignment_mm", 0.031), "flux-clear")
    assert v.measured == pytest.approx(0.08) and v.limit == pytest.approx(0.081)


# -- residue-clear ---------------------------------------------------------------------------------------
def test_residue_clear_is_registered_and_silent_without_rework_data() -> None:
    # Designs carry no residue heights yet (rework, issue 5, fills the check in); a design that breaks many
    # other checks must still give no residue finding rather than a false one.
    assert "residue-clear" in CHECKS
    bad = replace(example_grid_design(thickness_mm=0.1), pad=Pad(2.0), layout=GridLayout(3, 3, 0.3))
    assert run_checks(bad).has_errors
    assert found(bad, "residue-clear") == ()
