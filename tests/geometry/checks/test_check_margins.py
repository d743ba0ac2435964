"""margin (tolerance stack-up) and thermal (docs/checks.md, 'Process tolerances', 'Thermal scale').

Expected values are the closed forms of docs/checks.md, written out here from the design's numbers.
"""

from __future__ import annotations

import math

import pytest

from geometry.base.resources import resource_path
from geometry.checks import Severity, run_checks
from geometry.checks.base import CheckContext
from geometry.checks.margins import margin_table
from geometry.checks.records import Violation
from geometry.fileio import design_from_json, design_to_json, load_design
from geometry.model.design import Design, example_grid_design
from geometry.model.layouts import GridLayout
from geometry.model.output_settings import OutputSettings
from geometry.model.tolerances import Tolerances

BGA = load_design(resource_path("examples", "bga-0.8mm-tapered.ballmask"))  # D 0.45, d_u 0.495, p 0.36, t 0.28


def found(design: Design, check: str) -> list[Violation]:
    return [v for v in run_checks(design).violations if v.check == check]


def tol(design: Design, **kw: object) -> Design:
    return design.with_(tolerances=Tolerances(**kw))  # type: ignore[arg-type]


def margins(design: Design) -> dict[str, tuple[float, float]]:
    return {m.check: (m.worst_mm, m.rss_mm) for m in margin_table(CheckContext.of(design))}


def test_bga_margins_by_hand() -> None:
    m = margins(BGA)
    t_open = 0.1 * 0.28  # etched: 10 % of t
    assert m["ball-pass"] == pytest.approx((0.035 - 0.01 - t_open, 0.035 - math.hypot(0.01, t_open)))
    assert m["single-ball"] == pytest.approx((0.405 - 0.02 - t_open, 0.405 - math.hypot(0.02, t_open)))
    # the array's diagonal is 11.2 sqrt(2) = 15.8 mm: photo-etch position tolerance 13 um
    parts = [0.01, 0.013, 0.0, t_open / 2, 0.005]
    slack = 0.18 - (0.495 - 0.45) / 2
    assert m["landing"] == pytest.approx((slack - sum(parts), slack - math.sqrt(sum(p * p for p in parts))))


def test_rss_decides_by_default_worst_case_on_request() -> None:
    assert found(BGA, "margin") == []  # RSS +5.3 um
    (v,) = found(tol(BGA, stack="worst-case"), "margin")
    assert v.severity == Severity.WARNING and v.measured == pytest.approx(-0.003)
    assert "ball-pass" in v.message and len(v.sites) == 225


def test_ball_pass_margin_clean_at_zero_and_warns_1um_past() -> None:
    assert found(tol(BGA, stack="worst-case", opening_tol_mm=0.025), "margin") == []
    (v,) = found(tol(BGA, stack="worst-case", opening_tol_mm=0.026), "margin")
    assert v.measured == pytest.approx(-0.001)


def of(design: Design, check: str) -> list[Violation]:
    return [v for v in found(design, "margin") if v.message.startswith(check + ":")]


def test_landing_margin_at_its_limit() -> None:
    edge = 0.1575 - (0.01 + 0.028 / 2 + 0.005)  # position tolerance that uses up the landing slack exactly
    assert of(tol(BGA, stack="worst-case", position_tol_mm=edge), "landing") == []
    (v,) = of(tol(BGA, stack="worst-case", position_tol_mm=edge + 0.001), "landing")
    assert v.measured == pytest.approx(-0.001)


def test_single_ball_margin_is_strict() -> None:
    # 2 D - d_u = 0.405 mm against 2 tol_D + tol_open: zero margin means two balls just fit, a warning
    assert of(tol(BGA, stack="worst-case", opening_tol_mm=0.384), "single-ball") == []
    (v,) = of(tol(BGA, stack="worst-case", opening_tol_mm=0.385), "single-ball")
    assert v.measured == pytest.approx(0.0, abs=1e-12)


def test_process_presets() -> None:
    t = Tolerances()
    assert t.opening_tol("etched-stainless", 0.3) == pytest.approx(0.03)
    assert t.opening_tol("laser-cut-stainless", 0.3) == 0.005
    assert t.opening_tol("electroformed-nickel", 0.3) == 0.002
    assert [t.position_tol("etched-stainless", s) for s in (25.0, 25.1, 75.0, 150.0, 250.0, 300.0)] == [
        0.013, 0.025, 0.025, 0.051, 0.076, 0.102]
    assert t.position_tol("laser-cut-stainless", 300.0) == 0.010
    assert Tolerances(position_tol_mm=0.002).position_tol("etched-stainless", 300.0) == 0.002


def wafer_mask(**kw: object) -> Design:
    # two openings 300 mm apart: the farthest is 150 mm from the centre of the sites
    d = example_grid_design().with_(layout=GridLayout(1, 2, 300.0))
    return tol(d, **kw)


def test_thermal_scale_stainless_over_silicon_5K() -> None:
    d = wafer_mask(delta_t_k=5.0)
    assert d.tolerances.thermal_ppm(d.mask.material) == pytest.approx(14.4 * 5)  # 72 ppm
    (v,) = found(d, "thermal")
    assert v.measured == pytest.approx(0.0108)  # 10.8 um at 150 mm
    assert v.severity == Severity.INFO and "72.0 ppm" in v.message


def test_thermal_at_the_placement_tolerance() -> None:
    assert found(wafer_mask(delta_t_k=5.0, placement_tol_mm=0.0108), "thermal")[0].severity == Severity.INFO
    (v,) = found(wafer_mask(delta_t_k=5.0, placement_tol_mm=0.0107), "thermal")
    assert v.severity == Severity.ERROR


def test_artwork_scale_compensates_and_nothing_is_reported_without_dt() -> None:
    assert found(wafer_mask(), "thermal") == []
    d = wafer_mask(delta_t_k=5.0, placement_tol_mm=0.001).with_(output=OutputSettings(artwork_scale_ppm=-72.0))
    (v,) = found(d, "thermal")
    assert v.severity == Severity.INFO and v.measured == pytest.approx(0.0, abs=1e-9)
    # a silicon substrate CTE override changes the stack: 17 - 3 = 14 ppm/K
    assert wafer_mask(delta_t_k=5.0, substrate_cte_ppm_k=3.0).tolerances.thermal_ppm("etched-stainless") == 70.0


def test_tolerances_and_scale_are_saved_in_the_file() -> None:
    d = wafer_mask(delta_t_k=-3.5, substrate="organic", stack="worst-case", opening_tol_mm=0.004).with_(
        output=OutputSettings(artwork_scale_ppm=12.5)).with_limit("span_max_mm", 7.0)
    back = design_from_json(design_to_json(d))
    assert back == d
    assert back.tolerances.substrate_cte() == 16.0
