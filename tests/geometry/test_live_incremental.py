"""The incremental live analysis equals a full recompute after random single-site edits (issue 12).

Each design is edited by a seeded random sequence (move, pad, profile override, depopulate, restore, add and
remove a site, undo back to an earlier design); after every step the live result is compared with
``lower_relief`` and ``run_checks`` of the same design, computed from scratch: the findings as sorted records,
the relief as per-region (depth, area, hole areas, site names), the single circles, and the etched area against
shapely's union of the lower circles.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geometry.analysis.live import LiveAnalysis
from geometry.analysis.live_checks import canonical
from geometry.checks import run_checks
from geometry.derive.openings import opening_table
from geometry.derive.relief.merged import Relief, lower_relief
from geometry.model import operations as op
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import Pad
from geometry.model.layouts.explicit import ExplicitLayout, SiteColumns
from geometry.model.mask import Mask
from geometry.model.profiles import Straight, Tapered
from geometry.model.tolerances import Tolerances


def jittered(n_side: int, pitch: float, jitter: float, seed: int, taper: float = 60.0) -> Design:
    """A jittered square array of explicit sites (D 0.25 mm, 130 um stainless)."""
    rng = np.random.default_rng(seed)
    ix, iy = np.meshgrid(np.arange(n_side), np.arange(n_side))
    x = ix.ravel() * pitch + rng.uniform(-jitter, jitter, ix.size)
    y = iy.ravel() * pitch + rng.uniform(-jitter, jitter, ix.size)
    names = [f"S{k}" for k in range(ix.size)]
    return Design(Ball(0.25), Pad(0.2), ExplicitLayout(SiteColumns(names, x, y)), Mask(0.13, "laser-cut-stainless"),
                  Tapered(taper), name="live")


def relief_signature(relief: Relief, names: np.ndarray) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Regions as sorted (depth, area, hole areas, site names), circles as sorted (site, x, y, r, depth)."""
    areas = relief.rings.region_areas(relief.n_regions)
    ring_area = np.abs(relief.rings.signed_areas())
    regions = []
    for k in range(relief.n_regions):
        holes = sorted(round(float(a), 10) for a in ring_area[(relief.rings.region == k) & relief.rings.hole])
        regions.append((round(float(relief.region_depth_mm[k]), 6), round(float(areas[k]), 9), tuple(holes),
                        tuple(sorted(names[relief.region_sites(k)].tolist()))))
    circles = [(str(names[s]), round(float(x), 12), round(float(y), 12), round(float(r), 12), round(float(d), 6))
               for s, x, y, r, d in zip(relief.circle_site, relief.circle_x_mm, relief.circle_y_mm,
                                        relief.circle_r_mm, relief.circle_depth_mm, strict=True)]
    return sorted(regions), sorted(circles)


def assert_equal_to_full(live: LiveAnalysis, design: Design) -> bool:
    """Update ``live`` to ``design`` and compare with a full recompute; returns whether it was incremental."""
    res = live.update(design)
    full_report = run_checks(design)
    assert canonical(res.report.violations) == canonical(full_report.violations)
    names = design.sites().names
    got, want = res.relief, lower_relief(design)
    assert relief_signature(got, names) == relief_signature(want, names)
    if len(want.depths()) != 1:
        return not res.full
    # one depth, no channels: the etched area against shapely's union of the lower circles
    t = opening_table(design)
    rows = t.rows[t.relief_mm[t.rows] > 0]
    disks = shapely.buffer(shapely.points(t.lower_x_mm[rows], t.lower_y_mm[rows]), t.lower_mm[rows] / 2.0,
                           quad_segs=64)
    exact = sum(got.areas().values())
    assert exact == pytest.approx(shapely.union_all(disks).area, rel=2e-4)
    return not res.full


def random_edit(design: Design, rng: np.random.Generator, history: list[Design]) -> Design:
    """One random edit of a random site (or an undo back to an earlier design)."""
    names = design.sites().names.tolist()
    side = round(float(np.sqrt(len(names))))
    # mostly the middle of the array (local edits), sometimes anywhere (edits near the border fall back)
    lo, hi = (side // 3, side - side // 3) if rng.random() < 0.8 else (0, side)
    name = f"S{int(rng.integers(lo, hi)) * side + int(rng.integers(lo, hi))}"
    moved = op.move_sites(design, [name], *(float(v) for v in rng.uniform(-0.004, 0.004, 2)))
    edits = [
        moved,
        op.set_profile(design, [name], Tapered(float(rng.choice([50.0, 55.0, 58.0])))),
        op.depopulate(design, [name]),
        op.restore(design, [design.edits.depopulated[0]]) if design.edits.depopulated else moved,
        op.set_profile(design, [name], Straight()),
        op.clear_profile(design, [name]),
        history[int(rng.integers(len(history) - 1))] if len(history) > 2 else moved,
        op.move_sites(design, [name], 0.0, float(rng.uniform(-0.002, 0.002))),
    ]
    return edits[int(rng.integers(len(edits)))]


def edited_equal_to_full(live: LiveAnalysis, design: Design, rng: np.random.Generator, n: int) -> int:
    """``n`` random edits from ``design``, each result equal to a full recompute; how many were local."""
    history = [design]
    local = 0
    for _ in range(n):
        design = random_edit(design, rng, history)
        history.append(design)
        local += assert_equal_to_full(live, design)
    return local


@pytest.mark.parametrize(("n_side", "pitch", "seed", "min_local"),
                         [(12, 0.4, 1, 3), (11, 0.4, 4, 3), (10, 0.45, 2, 0), (10, 0.6, 3, 3)])
def test_random_edits_equal_a_full_recompute(n_side: int, pitch: float, seed: int, min_local: int) -> None:
    """Merged (0.4 mm: one region with an island per cell), bridged by channels at a second depth (0.45 mm:
    always a full recompute) and unmerged (0.6 mm) jittered arrays."""
    rng = np.random.default_rng(seed)
    design = jittered(n_side, pitch, 0.003, seed)
    live = LiveAnalysis(full_below=0)  # small designs here: the local path is what is tested
    assert_equal_to_full(live, design)
    # most edits inside the array are incremental
    assert edited_equal_to_full(live, design, rng, 8) >= min_local, live.fallbacks


def test_add_and_remove_sites_fall_back_and_stay_equal() -> None:
    """Adding or removing a site renumbers the rows: a full recompute, still equal."""
    design = jittered(6, 0.4, 0.003, 5)
    live = LiveAnalysis(full_below=0)  # small designs here: the local path is what is tested
    assert_equal_to_full(live, design)
    added = op.add_site(design, 1.0, 1.0)
    assert not assert_equal_to_full(live, added)
    assert live.result is not None and live.result.fallback is not None
    removed = op.delete_sites(added, ["S7"])
    assert not assert_equal_to_full(live, removed)


def test_design_wide_change_falls_back() -> None:
    """A new ball is a design-wide change: recomputed in full, and the reason says which field."""
    design = jittered(5, 0.4, 0.003, 6)
    live = LiveAnalysis(full_below=0)  # small designs here: the local path is what is tested
    live.update(design)
    res = live.update(design.with_(ball=Ball(0.26)))
    assert res.full and res.fallback is not None and "ball" in res.fallback
    assert canonical(res.report.violations) == canonical(run_checks(design.with_(ball=Ball(0.26))).violations)


def test_interior_edits_are_incremental_and_change_findings() -> None:
    """A too small upper diameter on one interior site and a move towards a neighbour: findings appear,
    incrementally and exactly."""
    design = jittered(8, 0.4, 0.002, 7)
    live = LiveAnalysis(full_below=0)  # small designs here: the local path is what is tested
    assert_equal_to_full(live, design)
    small = op.set_profile(design, ["S27"], Tapered(60.0, upper_mm=0.26))
    assert assert_equal_to_full(live, small)
    found = {v.check: v for v in live.result.report.violations}  # type: ignore[union-attr]
    assert found["ball-pass"].sites == ("S27",)
    moved = op.move_sites(small, ["S36"], 0.02, 0.0)
    assert assert_equal_to_full(live, moved)


def test_a_package_sized_design_is_analysed_in_full_and_keeps_no_local_state() -> None:
    from geometry.model import operations as op
    from geometry.model.design import example_grid_design

    d = example_grid_design(rows=8, cols=8)
    live = LiveAnalysis()  # the default: below FULL_BELOW_SITES every update is a full one
    assert live.update(d).full
    d2 = op.move_sites(d, [d.sites().names[9]], 0.004, 0.0)
    r = live.update(d2)
    assert r.full and r.fallback is None and live.fallbacks == {}
    assert r.report == run_checks(d2)


def test_a_repeated_design_is_left_to_the_unit_groups() -> None:
    from geometry.derive.repetition import Repeated, repetition
    from geometry.model.layouts import GridLayout
    from tests.geometry.wafer.conftest import wafer_design

    d = wafer_design(GridLayout(3, 3, 0.5), die_mm=8.0, street_mm=0.1, diameter_mm=100.0)
    assert isinstance(repetition(d), Repeated)
    live = LiveAnalysis(full_below=0)
    r = live.update(d)
    assert r.full and r.report == run_checks(d)
    d2 = op.move_sites(d, [d.sites().names[4]], 0.003, 0.0)  # one die singled out: still repeated
    r2 = live.update(d2)
    assert r2.full and r2.report == run_checks(d2) and live.fallbacks == {}


def tolerant_array(seed: int) -> Design:
    """An unmerged jittered array (its border sites edit locally) whose findings are group findings listing many
    sites: a 62 degree default taper (a taper-angle warning for the whole array) and process tolerances that
    leave every group a negative margin, the landing one growing with the group's farthest site (thermal)."""
    return jittered(10, 0.6, 0.003, seed, taper=62.0).with_(
        tolerances=Tolerances(delta_t_k=200.0, opening_tol_mm=0.2))


@pytest.mark.parametrize("seed", [3, 9])
def test_group_findings_and_margins_stay_equal_under_random_edits(seed: int) -> None:
    rng = np.random.default_rng(seed)
    design = tolerant_array(seed)
    live = LiveAnalysis(full_below=0)
    assert_equal_to_full(live, design)
    assert {"taper-angle", "margin", "thermal"} <= {v.check for v in live.result.report.violations}  # type: ignore[union-attr]
    assert edited_equal_to_full(live, design, rng, 10) >= 6, live.fallbacks


def test_a_border_site_depopulated_moves_the_openings_spread_locally() -> None:
    """The leftmost site depopulated and restored: the openings' box, hence every group's margin (an interior
    group's too), changes while the outline (all sites, depopulated ones too) stays; both updates are local
    and equal a full recompute."""
    design = op.set_profile(tolerant_array(4), ["S44", "S45", "S55"], Tapered(58.0))
    live = LiveAnalysis(full_below=0)
    assert_equal_to_full(live, design)
    s = design.sites()
    left = str(s.names[int(np.argmin(s.x_mm))])

    def landing() -> list[float]:
        return sorted(v.measured for v in live.result.report.violations  # type: ignore[union-attr]
                      if v.check == "margin" and v.message.startswith("landing"))

    before = landing()
    assert len(before) == 2
    gone = op.depopulate(design, [left])
    assert assert_equal_to_full(live, gone), live.fallbacks
    assert landing() != before  # the centre moved: every group's farthest site is another distance away
    assert assert_equal_to_full(live, op.restore(gone, [left])), live.fallbacks
    assert landing() == before
