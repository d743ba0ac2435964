"""ball-gap, web-upper, overlap and pitch: broken on purpose, passing at the limit, and equal to brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geometry.checks import Severity, Violation, run_checks
from geometry.model.ball import Ball
from geometry.model.design import Design, ProfileOverride
from geometry.model.layouts import ExplicitLayout, ExplicitSite, GridLayout, Pad, SiteEdits
from geometry.model.layouts.edits import SiteMove
from geometry.model.mask import Mask
from geometry.model.profiles import Straight, Tapered


def found(design: Design, check: str) -> tuple[Violation, ...]:
    """The violations of one check."""
    return run_checks(design, only={check}).violations


def grid(rows: int, cols: int, pitch: float, ball: float = 0.45, upper: float | None = None) -> Design:
    """A grid of straight openings (so that only the spacing rules matter)."""
    return Design(
        ball=Ball(ball), pad=Pad(round(0.8 * ball, 3)), layout=GridLayout(rows, cols, pitch), mask=Mask(0.3),
        profile=Straight(upper_mm=upper),
    )


def neighbour_pairs(rows: int, cols: int) -> int:
    """Pairs of orthogonal neighbours in a grid."""
    return rows * (cols - 1) + cols * (rows - 1)


# -- ball-gap --------------------------------------------------------------------------------------------
def test_ball_gap_passes_at_the_limit_despite_round_off() -> None:
    ball, g_min = 0.3, 0.05
    pitch = ball + g_min  # grid coordinates (c - 1.5) * 0.35 carry round-off in their differences
    assert found(grid(4, 4, pitch, ball), "ball-gap") == ()


def test_ball_gap_fails_for_every_neighbour_pair() -> None:
    ball, g_min = 0.3, 0.05
    vs = found(grid(4, 4, ball + g_min - 0.001, ball), "ball-gap")
    assert len(vs) == neighbour_pairs(4, 4)
    v = vs[0]
    assert v.severity == Severity.ERROR
    assert v.sites == ("A1", "A2")
    assert v.measured == pytest.approx(g_min - 0.001)
    assert v.limit == pytest.approx(g_min)
    assert v.message == "ball gap 0.049 mm between A1 and A2 is below 0.050 mm"


def test_ball_gap_point_is_between_the_balls() -> None:
    design = grid(1, 2, 0.34, 0.3)
    (v,) = found(design, "ball-gap")
    s = design.sites()
    assert (v.x_mm, v.y_mm) == pytest.approx((s.x_mm.mean(), s.y_mm.mean()))


# -- web-upper -------------------------------------------------------------------------------------------
def web_min_etched(t: float) -> float:
    """checks.md's etched-stainless web minimum."""
    if t < 0.1:
        return 1.2 * t
    return max(t, 0.10) if t <= 0.2 else max(t, 0.15)


def test_web_upper_at_the_limit_passes() -> None:
    upper = 0.495
    assert found(grid(3, 3, upper + web_min_etched(0.3), upper=upper), "web-upper") == ()


def test_web_upper_below_the_limit() -> None:
    upper = 0.495
    design = grid(3, 3, upper + web_min_etched(0.3) - 0.01, upper=upper)
    vs = found(design, "web-upper")
    assert len(vs) == neighbour_pairs(3, 3)
    assert vs[0].message == "upper web 0.290 mm between A1 and A2 is below 0.300 mm"
    assert found(design, "overlap") == ()


def test_web_upper_uses_both_upper_diameters() -> None:
    upper, big = 0.495, 0.515
    pitch = (upper + big) / 2 + 0.3  # exactly w_min between A1 (big) and its neighbours
    design = grid(2, 2, pitch, upper=upper).with_(overrides=(ProfileOverride(("A1",), Straight(upper_mm=big)),))
    assert found(design, "web-upper") == ()
    design = design.with_(overrides=(ProfileOverride(("A1",), Straight(upper_mm=big + 0.002)),))
    vs = found(design, "web-upper")
    assert [v.sites for v in vs] == [("A1", "A2"), ("A1", "B1")]
    assert vs[0].measured == pytest.approx(0.299)


def test_web_upper_follows_the_material() -> None:
    design = grid(2, 2, 0.7, upper=0.495)  # web 0.205 < 0.3 for etched stainless
    assert len(found(design, "web-upper")) == 4
    laser = design.with_(mask=Mask(0.3, material="laser-cut-stainless"))  # max(0.7 t, 0.05) = 0.21
    assert len(found(laser, "web-upper")) == 4
    nickel = design.with_(mask=Mask(0.3, material="electroformed-nickel"))  # max(0.5 t, 0.03) = 0.15
    assert found(nickel, "web-upper") == ()


# -- overlap ---------------------------------------------------------------------------------------------
def test_overlap_reported_instead_of_web_upper() -> None:
    design = grid(2, 2, 0.45, upper=0.5)
    vs = found(design, "overlap")
    assert len(vs) == 4
    assert vs[0].measured == pytest.approx(-0.05)
    assert vs[0].limit == 0.0
    assert "overlap by 0.050 mm" in vs[0].message
    overlapping = {v.sites for v in vs}
    webs = {v.sites for v in found(design, "web-upper")}
    assert webs == {("A1", "B2"), ("A2", "B1")}  # only the diagonals, whose web is 0.45 sqrt 2 - 0.5
    assert not webs & overlapping


def test_touching_upper_outlines_overlap_and_a_hair_apart_do_not() -> None:
    touching = grid(1, 2, 0.5, upper=0.5)
    (v,) = found(touching, "overlap")
    assert "touch" in v.message
    apart = grid(1, 2, 0.5 + 1e-6, upper=0.5)
    assert found(apart, "overlap") == ()
    assert len(found(apart, "web-upper")) == 1


# -- pitch -----------------------------------------------------------------------------------------------
def test_pitch_passes_just_above_the_ball() -> None:
    assert found(grid(3, 3, 0.451, upper=0.3), "pitch") == ()


def test_pitch_equal_to_the_ball_fails_once() -> None:
    (v,) = found(grid(3, 3, 0.45, upper=0.3), "pitch")
    assert v.severity == Severity.ERROR
    assert v.limit == pytest.approx(0.45)
    assert v.measured == pytest.approx(0.45)


def test_pitch_names_the_closest_pair() -> None:
    base = grid(3, 3, 0.8, upper=0.5)
    moved = base.with_(edits=SiteEdits(moves=(SiteMove("B2", 0.45, 0.0),)))  # B2 is 0.35 from B3
    (v,) = found(moved, "pitch")
    assert v.sites == ("B2", "B3")
    assert v.measured == pytest.approx(0.35)
    s = moved.sites()
    assert (v.x_mm, v.y_mm) == pytest.approx(((s.x_mm[4] + s.x_mm[5]) / 2, 0.0))


def test_pitch_coincident_sites_name_both() -> None:
    layout = ExplicitLayout((ExplicitSite("P1", 0.0, 0.0), ExplicitSite("P2", 1.0, 0.0), ExplicitSite("P3", 0.0, 0.0)))
    design = Design(ball=Ball(0.45), pad=Pad(0.36), layout=layout, mask=Mask(0.3), profile=Straight())
    (v,) = found(design, "pitch")
    assert v.sites == ("P1", "P3")
    assert v.measured == 0.0


def test_pitch_ignores_depopulated_sites() -> None:
    base = grid(3, 3, 0.8, upper=0.5)
    edits = SiteEdits(moves=(SiteMove("B2", 0.45, 0.0),), depopulated=("B3",))
    assert found(base.with_(edits=edits), "pitch") == ()


def test_single_site_has_no_pairs() -> None:
    design = grid(1, 1, 0.8)
    assert all(found(design, c) == () for c in ("pitch", "ball-gap", "web-upper", "overlap"))


# -- the KD-tree pairs equal an all-pairs computation ------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=2, max_size=30, unique=True),
    st.sampled_from([0.45, 0.5, 0.55]),
)
def test_pair_checks_equal_brute_force(cells: list[tuple[int, int]], upper: float) -> None:
    ball = 0.4
    sites = tuple(ExplicitSite(f"S{k}", 0.05 * x, 0.05 * y) for k, (x, y) in enumerate(cells))
    design = Design(ball=Ball(ball), pad=Pad(0.3), layout=ExplicitLayout(sites), mask=Mask(0.3),
                    profile=Tapered(60.0, upper_mm=upper))
    xy = np.array([(s.x_mm, s.y_mm) for s in sites])
    expect_gap, expect_web, expect_overlap = set(), set(), set()
    for a, b in itertools.combinations(range(len(sites)), 2):
        d = float(np.hypot(*(xy[a] - xy[b])))
        pair = (f"S{a}", f"S{b}")
        if d - ball < 0.05 - 1e-9:
            expect_gap.add(pair)
        web = d - upper
        if web < 1e-9:
            expect_overlap.add(pair)
        elif web < 0.3 - 1e-9:
            expect_web.add(pair)
    report = run_checks(design, only={"ball-gap", "web-upper", "overlap"}).by_check()
    assert {v.sites for v in report.get("ball-gap", [])} == expect_gap
    assert {v.sites for v in report.get("web-upper", [])} == expect_web
    assert {v.sites for v in report.get("overlap", [])} == expect_overlap


def test_upper_pairs_from_the_merge_graph_equal_a_kd_tree_pass() -> None:
    """The neighbour pairs taken from the merge graph (no second KD-tree pass) are the KD-tree's, in its order."""
    from geometry.checks.base import CheckContext
    from geometry.checks.spacing import family_reach
    from geometry.derive.pairs import close_pairs

    rng = np.random.default_rng(7)
    iy, ix = np.divmod(np.arange(400), 20)
    sites = tuple(ExplicitSite(f"S{k}", 0.4 * a + rng.normal(0, 0.03), 0.4 * b + rng.normal(0, 0.03))
                  for k, (a, b) in enumerate(zip(ix.tolist(), iy.tolist(), strict=True)))
    design = Design(Ball(0.25), Pad(0.2), ExplicitLayout(sites), Mask(0.13), Tapered(60.0))
    ctx = CheckContext.of(design)
    reach = family_reach(ctx)
    from_graph = ctx._graph_pairs(reach)
    assert from_graph is not None
    rows = ctx.table.rows
    pi, pj, dist = close_pairs(ctx.sites.xy[rows], reach)
    assert len(pi) > 0
    np.testing.assert_array_equal(from_graph[0], rows[pi])
    np.testing.assert_array_equal(from_graph[1], rows[pj])
    np.testing.assert_array_equal(from_graph[2], dist)


def test_upper_pairs_need_a_kd_tree_pass_when_the_graph_may_miss_some() -> None:
    """Straight openings narrower than the ball: two sites within the ball-gap reach can have lower circles
    farther apart than the web minimum, so the graph is not asked."""
    from geometry.checks.base import CheckContext
    from geometry.checks.spacing import family_reach

    ctx = CheckContext.of(grid(4, 4, 0.5, ball=0.45, upper=0.1))
    assert ctx._graph_pairs(family_reach(ctx)) is None
    assert len(ctx.upper_pairs(family_reach)[0]) > 0
