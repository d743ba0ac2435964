"""residue-clear: the underside over the residue footprint, at the limit and 1 um beyond it, for every profile."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rework_helpers import grid

from geometry.checks import run_checks
from geometry.checks.residue import residue_clear_violations
from geometry.derive.residue import residue_table, underside_height
from geometry.model.profiles import OneSideVertical, Opening, Stepped, SteppedTapered, Straight, Tapered

T, RU, A, C = 0.3, 0.495 / 2, 0.01, 0.01  # thickness, upper radius, alignment, residue clearance
UM = 0.001


def tan(deg: float) -> float:
    return math.tan(math.radians(deg))


# (profile, footprint diameter, the clearance over it in closed form)
HEIGHT_LIMITS = [
    pytest.param(Tapered(60.0), 0.6, T - (0.3 + A - RU) * tan(60.0), id="tapered-angle"),
    pytest.param(Tapered(None, 0.9), 0.6, T - (0.3 + A - RU) * T / (0.45 - RU), id="tapered-lower"),
    pytest.param(Stepped(0.25, 0.7), 0.6, T - 0.25, id="stepped"),
    pytest.param(SteppedTapered(0.2, 45.0), 0.6, T - 0.2 - (0.3 + A - RU) * tan(45.0), id="stepped-tapered"),
    pytest.param(SteppedTapered(0.2, None, 0.62), 0.55, T - 0.2 - (0.275 + A - RU) * 0.1 / (0.31 - RU),
                 id="stepped-tapered-lower"),
]


@pytest.mark.parametrize(("profile", "foot", "clearance"), HEIGHT_LIMITS)
def test_residue_height_at_the_limit_passes_and_1um_above_fails(profile, foot, clearance):
    limit = clearance - C
    assert limit > 0
    at = grid(profile, limit, foot)
    assert residue_clear_violations(at) == []
    over = grid(profile, limit + UM, foot)
    v = residue_clear_violations(over)
    assert len(v) == 1 and v[0].check == "residue-clear" and len(v[0].sites) == 9
    assert v[0].measured == pytest.approx(clearance, abs=1e-9)
    assert v[0].limit == pytest.approx(limit + UM + C, abs=1e-12)


# (profile, the largest footprint diameter it clears: the wall the footprint must stay inside, less alignment)
FOOTPRINT_LIMITS = [
    pytest.param(Straight(), 2 * (RU - A), id="straight"),
    pytest.param(OneSideVertical(60.0, direction_deg=30.0), 2 * (RU - A), id="one-side-vertical"),
    pytest.param(OneSideVertical(None, 0.7, direction_deg=270.0), 2 * (RU - A), id="one-side-vertical-lower"),
    pytest.param(Stepped(0.25, 0.7), 0.7 - 2 * A, id="stepped"),
]


@pytest.mark.parametrize(("profile", "foot"), FOOTPRINT_LIMITS)
def test_footprint_at_the_wall_passes_and_1um_beyond_fails(profile, foot):
    # a height that the opening clears wherever the footprint stays inside the lower outline
    h = 0.03
    assert residue_clear_violations(grid(profile, h, foot)) == []
    v = residue_clear_violations(grid(profile, h, foot + 2 * UM))
    assert len(v) == 1 and v[0].measured == 0.0  # the mask sits on the residue


@pytest.mark.parametrize("profile", [Straight(), OneSideVertical(60.0)], ids=["straight", "one-side-vertical"])
def test_full_height_vertical_walls_have_no_height_limit_inside_the_upper_opening(profile):
    # no metal lies above a footprint that stays inside d_u / 2: any residue height is cleared
    d = grid(profile, 5.0, 2 * (RU - A))
    assert residue_clear_violations(d) == []
    assert np.isinf(residue_table(d).clearance_mm).all()


def test_default_footprint_is_the_pad_grown_by_the_flux_spread():
    # pad 0.36 + 2 f with f = 0.06: footprint 0.48, + 2 a = 0.50 = the stepped recess exactly
    d = grid(Stepped(0.25, 0.5), 0.04).with_limit("flux_spread_mm", 0.06)
    assert residue_table(d).footprint_mm[0] == pytest.approx(0.48)
    assert residue_clear_violations(d) == []
    assert len(residue_clear_violations(d.with_limit("flux_spread_mm", 0.061))) == 1
    assert len(residue_clear_violations(d.with_limit("alignment_mm", 0.011))) == 1
    assert len(residue_clear_violations(d.with_limit("residue_clearance_mm", 0.011))) == 1


def test_production_design_has_no_residue_check():
    d = grid(Straight(), 0.5, 0.9).with_(rework=None)
    assert residue_clear_violations(d) == []


def test_run_checks_reports_residue_clear_per_site_with_measured_and_required():
    from geometry.model.rework import SiteResidue

    d = grid(Stepped(0.25, 0.7), 0.0, 0.6)
    rw = d.rework.with_(measured=(SiteResidue("B2", 0.06, 0.6), SiteResidue("A1", 0.07, 0.5)))
    d = d.with_(rework=rw)
    found = [v for v in run_checks(d).violations if v.check == "residue-clear"]
    assert [(v.sites, v.measured, v.limit) for v in found] == [
        (("A1",), pytest.approx(0.05), pytest.approx(0.08)),
        (("B2",), pytest.approx(0.05), pytest.approx(0.07)),
    ]
    assert "site A1" in found[0].message


def test_damaged_and_no_ball_sites_carry_no_residue():
    d = grid(Straight(), 0.05, 0.6, damaged=("A1",), no_ball=("A2",))
    rt = residue_table(d)
    names = list(rt.sites.names)
    assert not rt.residue[names.index("A1")] and not rt.residue[names.index("A2")]
    failing = {n for v in residue_clear_violations(d) for n in v.sites}
    assert failing == set(names) - {"A1", "A2"}


def _brute_force(o: Opening, reach: float) -> float:
    """Lowest underside over a footprint, sampling depths and footprint points (independent of the closed form)."""
    phi = math.radians(o.direction_deg)
    u = np.array([math.cos(phi), math.sin(phi)])
    angles = np.linspace(0, 2 * math.pi, 721)
    pts = reach * np.column_stack([np.cos(angles), np.sin(angles)])  # the worst point is on the edge
    deepest = -math.inf
    for z in np.linspace(0.0, o.thickness_mm, 3001):
        seg = next(s for s in o.segments if s.z0 - 1e-12 <= z <= s.z1 + 1e-12)
        f = 0.0 if seg.z1 == seg.z0 else (z - seg.z0) / (seg.z1 - seg.z0)
        rho, sh = seg.r0 + f * (seg.r1 - seg.r0), seg.s0 + f * (seg.s1 - seg.s0)
        if (np.hypot(*(pts - sh * u).T) > rho + 1e-9).any():
            deepest = z
    return math.inf if deepest == -math.inf else o.thickness_mm - deepest


@pytest.mark.parametrize("profile", [Straight(), Tapered(50.0), Stepped(0.2, 0.7), SteppedTapered(0.18, 40.0),
                                     OneSideVertical(45.0, direction_deg=120.0)], ids=lambda p: p.kind)
@pytest.mark.parametrize("reach", [0.2, 0.26, 0.3, 0.34, 0.4])
def test_closed_form_matches_a_brute_force_section(profile, reach):
    o = profile.resolve(T, 0.495)
    got = float(underside_height(o, reach)[0])
    want = _brute_force(o, reach)
    if math.isinf(want):
        assert math.isinf(got)
    else:
        assert got == pytest.approx(want, abs=2 * T / 3000)


def test_residue_table_covers_every_site_of_a_large_grid():
    """One value per site for 10,000 sites (speed belongs to the benchmarks, not to this test)."""
    d = grid(Tapered(60.0), 0.05, 0.5, rows=100, cols=100)
    rt = residue_table(d)
    assert rt.clearance_mm.shape == (10_000,)
