"""Ridge heights and merging from the pair analysis, against closed forms of checks.md."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geometry.derive.pairs import close_pairs, contact_depth, merge_graph
from geometry.model.design import MergeSettings, example_grid_design
from geometry.model.profiles import OneSideVertical, Stepped, SteppedTapered, Straight, Tapered


def test_close_pairs_matches_all_pairs() -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 5, size=(300, 2))
    i, j, d = close_pairs(xy, 0.4)
    full = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    ii, jj = np.nonzero(np.triu(full <= 0.4, k=1))
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == set(zip(ii.tolist(), jj.tolist(), strict=True))
    assert np.allclose(d, full[i, j])


@pytest.mark.parametrize("theta", [30.0, 45.0, 60.0])
def test_tapered_ridge_closed_form(theta: float) -> None:
    """checks.md: ridge = min(t, (s - d_u/2) tan(theta)), s half the centre distance."""
    o = Tapered(theta).resolve(0.3, 0.5)
    for pitch in (0.55, 0.7, 0.9, 2.0):
        z = contact_depth(o, o, np.array([pitch]), np.array([0.0]))[0]
        expected = min(0.3, (pitch / 2 - 0.25) * math.tan(math.radians(theta)))
        assert z == pytest.approx(expected, abs=1e-12)


def test_stepped_ridge_is_the_vertical_wall_when_recesses_meet() -> None:
    o = Stepped(vertical_mm=0.12, lower_mm=0.7).resolve(0.3, 0.4)
    assert contact_depth(o, o, np.array([0.65]), np.array([0.0]))[0] == pytest.approx(0.12)
    # recesses apart: the openings never meet
    assert contact_depth(o, o, np.array([0.75]), np.array([0.0]))[0] == pytest.approx(0.3)


def test_stepped_tapered_ridge() -> None:
    o = SteppedTapered(vertical_mm=0.1, angle_deg=45.0).resolve(0.3, 0.4)
    # below h_v the radius grows by 1 per unit depth at 45 degrees: meets where 0.2 + (z - 0.1) = s
    z = contact_depth(o, o, np.array([0.5]), np.array([0.0]))[0]
    assert z == pytest.approx(0.1 + (0.25 - 0.2))


def test_one_side_vertical_shift_matters() -> None:
    """Two openings tapered toward each other meet higher than two tapered away from each other."""
    towards = OneSideVertical(45.0, direction_deg=0.0).resolve(0.3, 0.4)
    away = OneSideVertical(45.0, direction_deg=180.0).resolve(0.3, 0.4)
    # site b lies at +x: a tapers toward +x; b tapers toward -x (toward a)
    z_facing = contact_depth(towards, away, np.array([0.6]), np.array([0.0]))[0]
    z_apart = contact_depth(away, towards, np.array([0.6]), np.array([0.0]))[0]
    # facing: each tapered face runs 1:1 at 45 deg, gap at top 0.2 closes from both sides: 0.1 deep
    assert z_facing == pytest.approx(0.1)
    assert z_apart == pytest.approx(0.3)  # vertical faces facing each other never meet


def test_straight_openings_never_merge() -> None:
    d = example_grid_design(profile=Straight())
    g = merge_graph(d)
    assert not g.joined.any()


def test_merge_graph_overlap_ridge_and_auto_bridge() -> None:
    d = example_grid_design(rows=3, cols=3, pitch_mm=0.8, ball_mm=0.45, thickness_mm=0.3)
    g = merge_graph(d)
    o = d.opening
    orth = np.isclose(g.gap_mm, 0.8 - o.lower_mm)
    assert orth.sum() == 12  # 3x3 grid: 12 orthogonal neighbour pairs
    assert g.overlap[orth].all()
    assert np.allclose(g.ridge_mm[orth], (0.4 - o.upper_mm / 2) * math.tan(math.radians(60)))
    # diagonal gap 0.8*sqrt(2) - d_l is below w_min = t: bridged by a channel leaving a membrane m_min
    diag = np.isclose(g.gap_mm, 0.8 * math.sqrt(2) - o.lower_mm)
    assert diag.sum() == 8
    limits = d.effective_limits()
    assert g.bridged[diag].all()
    assert np.allclose(g.ridge_mm[diag], limits.membrane_min_mm)
    # with auto merge off nothing is bridged; overlaps stay joined
    g2 = merge_graph(d.with_(merge=MergeSettings(auto=False)))
    assert not g2.bridged.any()
    assert g2.overlap[np.isclose(g2.gap_mm, 0.8 - o.lower_mm)].all()


def test_forbidden_pair_is_not_bridged_and_explicit_channel_is() -> None:
    d = example_grid_design(rows=3, cols=3)
    g = merge_graph(d.with_(merge=MergeSettings(forbidden=(("A1", "B2"),), channels=(("A1", "C3"),))))
    names = d.sites().names
    pairs = {(str(names[a]), str(names[b])): k for k, (a, b) in enumerate(zip(g.i, g.j, strict=True))}
    k = pairs[("A1", "B2")]
    assert g.forbidden[k] and not g.bridged[k]
    k = pairs[("A1", "C3")]
    assert g.explicit[k] and g.bridged[k] and g.gap_mm[k] > 0.5
