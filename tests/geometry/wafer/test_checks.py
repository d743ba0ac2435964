"""Die-level checks repeated over the wafer against the whole-wafer run and an all-pairs computation."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from geometry.checks import run_checks
from geometry.checks.records import CheckReport
from geometry.checks.registry import run_checks_whole
from geometry.derive.repetition import Repeated, repetition
from geometry.model.layouts import GridLayout, StaggeredLayout
from geometry.model.layouts.depopulation import CentreVoid
from geometry.model.mask import Fiducial, SizeOutline
from tests.geometry.wafer.conftest import wafer_design


def assert_same(a: CheckReport, b: CheckReport) -> None:
    assert len(a.violations) == len(b.violations)
    for x, y in zip(a.violations, b.violations, strict=True):
        assert (x.check, x.severity, x.sites, x.unit, x.message) == (y.check, y.severity, y.sites, y.unit, y.message)
        assert math.isclose(x.measured, y.measured, abs_tol=1e-9)
        assert math.isclose(x.limit, y.limit, abs_tol=1e-12)
        assert math.isclose(x.x_mm, y.x_mm, abs_tol=1e-9)
        assert math.isclose(x.y_mm, y.y_mm, abs_tol=1e-9)


def test_crowded_wafer_gives_the_whole_wafer_report() -> None:
    # 0.19 mm pitch with 0.15 mm balls: ball gap, webs and ridges fail in every die
    d = wafer_design(die=GridLayout(5, 6, 0.19), die_mm=3.0, street_mm=1.0, angle_deg=40.0)
    assert isinstance(repetition(d), Repeated)
    fast, slow = run_checks(d), run_checks_whole(d)
    assert {v.check for v in slow.violations} >= {"ball-gap", "web-upper", "ridge"}
    assert_same(fast, slow)


def test_edge_and_fiducials_run_on_the_whole_wafer() -> None:
    d = wafer_design(die=GridLayout(4, 4, 0.3), die_mm=3.0)
    d = d.with_(mask=d.mask.__class__(0.08, "electroformed-nickel", SizeOutline(60.0, 60.0),
                                       (Fiducial(0.0, 0.0, 2.0),)))
    assert isinstance(repetition(d), Repeated)
    fast, slow = run_checks(d), run_checks_whole(d)
    assert sum(v.check == "edge" for v in slow.violations) > 0
    assert_same(fast, slow)


def test_only_selects_checks() -> None:
    d = wafer_design(die=GridLayout(5, 6, 0.2), die_mm=3.0, street_mm=1.0, angle_deg=40.0)
    assert_same(run_checks(d, {"ball-gap", "pitch"}), run_checks_whole(d, {"ball-gap", "pitch"}))


def test_ball_gap_against_all_pairs() -> None:
    d = wafer_design(die=StaggeredLayout(4, 5, 0.2, 0.15), die_mm=12.0, street_mm=0.5)
    s = d.sites()
    xy = s.xy
    dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    i, j = np.nonzero(np.triu(dist - 0.15 < 0.05 - 1e-9, k=1))
    expect = {(str(s.names[a]), str(s.names[b])) for a, b in zip(i, j, strict=True)}
    got = {v.sites for v in run_checks(d, {"ball-gap"}).violations}
    assert got == expect
    assert len(expect) > 0


@settings(max_examples=10, deadline=None)
@given(
    rows=st.integers(1, 5), cols=st.integers(1, 5), pitch=st.floats(0.18, 0.35), angle=st.floats(35.0, 60.0),
    staggered=st.booleans(), void=st.booleans(), street=st.floats(0.0, 1.0), ratio=st.floats(1.0, 1.5),
)
def test_random_wafers_match_the_whole_wafer_run(rows: int, cols: int, pitch: float, angle: float, staggered: bool,
                                                  void: bool, street: float, ratio: float) -> None:
    depop = (CentreVoid(1),) if void and rows > 2 and cols > 2 else ()
    die = (StaggeredLayout(rows, cols, pitch, pitch * 0.9, depop) if staggered
           else GridLayout(rows, cols, pitch, None, depop))
    d = wafer_design(die=die, die_mm=2.0, street_mm=street, angle_deg=angle).with_(upper_ratio=ratio)
    assert_same(run_checks(d), run_checks_whole(d))
