"""The one repetition mechanism: a new repeated layout kind gets the unit fast paths without touching relief,
checks or exporters, and the results equal the whole-design computation."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import shapely

from geometry.checks import CHECKS, run_checks
from geometry.checks.base import Scope
from geometry.checks.records import CheckReport
from geometry.checks.registry import run_checks_whole
from geometry.checks.repeated import ONCE_WORST
from geometry.derive.pairs import merge_graph
from geometry.derive.relief.merged import Relief, lower_relief, whole_relief
from geometry.derive.repetition import NotRepeated, Repeated, repetition
from geometry.model.ball import Ball
from geometry.model.design import Design, MergeSettings, ProfileOverride
from geometry.model.layouts import ExplicitSite, GridLayout, Layout, Pad, UnitRepetition
from geometry.model.mask import Mask
from geometry.model.profiles import Tapered
from geometry.model.sites import Sites, SiteState
from tests.geometry.wafer.conftest import wafer_design

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class TwoByThreeStrip:
    """A made-up strip: one unit pattern at 2 x 3 unit positions, known to no generic module."""

    kind: ClassVar[str] = "test-strip"
    unit: Layout
    pitch_x_mm: float
    pitch_y_mm: float

    def offsets(self) -> np.ndarray:
        ii, jj = np.meshgrid(np.arange(3), np.arange(2))
        return np.column_stack([ii.ravel() * self.pitch_x_mm, jj.ravel() * self.pitch_y_mm]).astype(np.float64)

    def names(self) -> tuple[str, ...]:
        return tuple(f"U{k + 1}" for k in range(6))

    def pitch_hint_mm(self) -> float | None:
        return self.unit.pitch_hint_mm()

    def repetition(self, pad: Pad) -> UnitRepetition | None:
        return UnitRepetition(self.unit, self.offsets(), self.names(), self.pitch_x_mm, self.pitch_y_mm)

    def generate(self, pad: Pad) -> Sites:
        local = self.unit.generate(pad)
        off = self.offsets()
        k = len(off)
        names = np.strings.add(np.asarray([n + ":" for n in self.names()])[:, None], local.names[None, :]).ravel()
        return Sites.build(names, (off[:, 0:1] + local.x_mm).ravel(), (off[:, 1:2] + local.y_mm).ravel(),
                           np.tile(local.pad_mm, k), np.tile(local.pad_kind, k), np.tile(local.state, k),
                           np.repeat(np.arange(k, dtype=np.int32), len(local)))


def strip_design(pitch: float = 0.3, unit_pitch: float = 3.0, angle: float = 45.0) -> Design:
    lay = TwoByThreeStrip(GridLayout(4, 5, pitch), unit_pitch, unit_pitch)
    return Design(Ball(0.2), Pad(0.16), lay, Mask(0.1, "electroformed-nickel"), Tapered(angle))


def test_a_new_repeated_layout_kind_repeats_relief_and_checks_exactly() -> None:
    d = strip_design(pitch=0.26)
    rep = repetition(d)
    assert isinstance(rep, Repeated) and rep.unit_count == 6 and rep.sites_per_unit == 20
    fast, slow = lower_relief(d), whole_relief(d)
    assert fast.n_regions == slow.n_regions > 0
    for depth, area in slow.areas().items():
        assert math.isclose(fast.areas()[depth], area, rel_tol=1e-12)
    assert int(fast.hole_counts().sum()) == int(slow.hole_counts().sum())
    a, b = run_checks(d), run_checks_whole(d)
    assert len(a.violations) == len(b.violations) > 0
    assert [(v.check, v.sites, v.message) for v in a.violations] == [(v.check, v.sites, v.message)
                                                                     for v in b.violations]


def test_units_too_close_are_computed_as_a_whole() -> None:
    d = strip_design(pitch=0.3, unit_pitch=1.25)  # unit extent 1.2 mm + openings: neighbours interact
    rep = repetition(d)
    assert isinstance(rep, NotRepeated) and "neighbouring units" in rep.reason
    assert run_checks(d).violations == run_checks_whole(d).violations


# -- edited units: groups of alike units, each computed on its own, equal to the whole computation --------------
def canonical_relief(r: Relief) -> tuple[list[tuple[float, ...]], list[tuple[object, ...]]]:
    """The relief independent of order: circles by site, regions by (depth, site rows) with area, holes, vertices."""
    order = np.argsort(r.circle_site, kind="stable")
    circles = [tuple(round(float(v), 9) for v in row) for row in np.column_stack(
        [r.circle_site, r.circle_x_mm, r.circle_y_mm, r.circle_r_mm, r.circle_depth_mm])[order]]
    areas = r.rings.region_areas(r.n_regions)
    holes = r.hole_counts()
    regions = [(round(float(r.region_depth_mm[k]), 9), tuple(r.region_sites(k).tolist()), round(float(areas[k]), 9),
                int(holes[k]), int(np.sum(r.rings.region == k))) for k in range(r.n_regions)]
    return circles, sorted(regions)


def assert_same_relief(a: Relief, b: Relief) -> None:
    """Equal up to order: the same circles and regions (sites, areas, rings), and the same shapes per depth (a
    ring may start at another of its vertices, so shapes are compared as areas of the symmetric difference)."""
    assert canonical_relief(a) == canonical_relief(b)
    sa, sb = a.to_shapely(1e-5), b.to_shapely(1e-5)
    assert sa.keys() == sb.keys()
    for depth, shape in sa.items():
        # within the chord error of the flattening
        assert shapely.symmetric_difference(shape, sb[depth]).area < 1e-5 * max(shape.area, 1.0)


def canonical_report(rep: CheckReport) -> list[tuple[object, ...]]:
    order = {cid: k for k, cid in enumerate(CHECKS)}
    return sorted((order[v.check], v.severity, v.sites, v.message, round(v.measured, 9), round(v.limit, 9),
                   round(v.x_mm, 9), round(v.y_mm, 9)) for v in rep.violations)


def assert_like_whole(d: Design) -> Repeated:
    rep = repetition(d)
    assert isinstance(rep, Repeated), rep
    sites = d.sites()
    covered = np.concatenate([g.site_rows.ravel() for g in rep.groups])
    assert np.array_equal(np.sort(covered), np.arange(len(sites)))  # every site in exactly one unit
    for g in rep.groups:  # each group's unit sites are the design's, translated and prefixed
        local = g.unit_design.sites()
        for u, (ox, oy) in enumerate(g.offsets_mm.tolist()):
            rows = g.site_rows[u]
            assert sites.names[rows].tolist() == [g.prefixes[u] + n for n in local.names.tolist()]
            assert np.allclose(sites.x_mm[rows], local.x_mm + ox) and np.allclose(sites.y_mm[rows], local.y_mm + oy)
            assert np.array_equal(sites.state[rows], local.state)
    assert_same_relief(lower_relief(d), whole_relief(d))
    assert canonical_report(run_checks(d)) == canonical_report(run_checks_whole(d))
    return rep


def crowded_strip() -> Design:
    """The strip of 6 units whose openings fail ball-gap, webs and ridges inside each unit."""
    return strip_design(pitch=0.26)


def test_a_moved_site_singles_out_its_unit_only() -> None:
    d = crowded_strip()
    edited = d.with_(edits=d.edits.with_moves(["U2:A1"], 0.05, 0.0))
    rep = assert_like_whole(edited)
    assert [g.units.tolist() for g in rep.groups] == [[0, 2, 3, 4, 5], [1]]
    assert rep.groups[0].unit_design == repetition(d).unit_design  # the alike units reuse the unedited unit
    assert rep.groups[1].unit_design.edits.moves[0].name == "A1"


def test_a_profile_override_inside_one_unit() -> None:
    d = crowded_strip()
    edited = d.with_(overrides=(ProfileOverride(("U3:B2", "U3:B3", "U3:C3"), Tapered(70.0)),))
    rep = assert_like_whole(edited)
    assert len(rep.groups) == 2 and rep.groups[1].label == "U3"


def test_the_same_override_in_every_unit_keeps_one_group() -> None:
    d = crowded_strip()
    names = tuple(f"U{k}:B2" for k in range(1, 7))
    rep = assert_like_whole(d.with_(overrides=(ProfileOverride(names, Tapered(70.0)),)))
    assert rep.uniform and rep.unit_design.overrides == (ProfileOverride(("B2",), Tapered(70.0)),)


def test_depopulated_removed_and_added_sites_inside_units() -> None:
    d = crowded_strip()
    e = d.edits.with_state(["U4:B2", "U4:C3", "U1:A5"], SiteState.DEPOPULATED)
    e = e.with_removed(["U1:D1", "U5:A1"]).with_added(ExplicitSite("U6:X1", 2 * 3.0 + 0.13, 3.0 + 0.4))
    rep = assert_like_whole(d.with_(edits=e))
    assert sorted(g.label for g in rep.groups) == ["", "U1", "U4", "U5", "U6"]
    u6 = next(g for g in rep.groups if g.label == "U6")
    assert u6.unit_design.sites().has("X1") and u6.sites_per_unit == 21


def test_units_with_the_same_edit_form_one_group() -> None:
    d = crowded_strip()
    e = d.edits.with_state(["U1:B2", "U4:B2"], SiteState.DEPOPULATED)
    rep = assert_like_whole(d.with_(edits=e))
    assert [g.units.tolist() for g in rep.groups] == [[1, 2, 4, 5], [0, 3]]
    assert rep.groups[1].label == "U1+1"


def test_a_merge_inside_one_unit() -> None:
    d = strip_design(pitch=0.3)
    merge = MergeSettings(channels=(("U2:A1", "U2:A2", "U2:B2"),), forbidden=(("U5:C1", "U5:C2"),))
    rep = assert_like_whole(d.with_(merge=merge))
    assert {g.label for g in rep.groups} == {"", "U2", "U5"}
    u2 = next(g for g in rep.groups if g.label == "U2").unit_design
    assert u2.merge.channels == (("A1", "A2", "B2"),)
    assert int(merge_graph(u2).explicit.sum()) == 2  # the unit's own channels, found by local names


def test_what_crosses_units_is_computed_as_a_whole() -> None:
    d = crowded_strip()
    across = d.with_(merge=MergeSettings(channels=(("U1:A5", "U2:A1"),)))
    rep = repetition(across)
    assert isinstance(rep, NotRepeated) and "channel joins sites of different units" in rep.reason
    loose = d.with_(edits=d.edits.with_added(ExplicitSite("X1", 50.0, 50.0)))
    rep = repetition(loose)
    assert isinstance(rep, NotRepeated) and "added outside every unit" in rep.reason
    near = d.with_(edits=d.edits.with_moves(["U1:A5"], 2.2, 0.0))  # next to the first site of U2
    rep = repetition(near)
    assert isinstance(rep, NotRepeated) and "neighbouring units" in rep.reason
    assert canonical_report(run_checks(near)) == canonical_report(run_checks_whole(near))


def test_edits_in_many_units_are_computed_as_a_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from geometry.derive import repetition as module

    monkeypatch.setattr(module, "MIN_SINGLED_OUT", 2)
    d = crowded_strip()
    e = d.edits.with_state(["U1:A1", "U2:A2", "U3:A3"], SiteState.DEPOPULATED)
    rep = repetition(d.with_(edits=e))
    assert isinstance(rep, NotRepeated) and "single out 3 of 6 units" in rep.reason


def test_an_edited_die_of_a_wafer() -> None:
    d = wafer_design(die=GridLayout(5, 6, 0.19), die_mm=12.0, street_mm=1.0, angle_deg=40.0, diameter_mm=100.0)
    rep = repetition(d)
    assert isinstance(rep, Repeated)
    die = rep.layout.names[7]
    e = d.edits.with_moves([f"{die}:C3"], 0.03, -0.02).with_state([f"{die}:A1"], SiteState.DEPOPULATED)
    edited = d.with_(edits=e, overrides=(ProfileOverride((f"{die}:B2", f"{die}:B3"), Tapered(50.0)),))
    got = assert_like_whole(edited)
    assert [g.label for g in got.groups] == ["", die]
    assert got.groups[0].unit_count == rep.unit_count - 1


def test_every_check_declares_its_repetition_scope() -> None:
    assert all(isinstance(c.scope, Scope) for c in CHECKS.values())
    assert {c.id for c in CHECKS.values() if c.scope is Scope.ONCE} == set(ONCE_WORST)


def test_no_module_above_the_model_asks_a_layout_for_its_kind() -> None:
    """Relief, checks, analysis and exporters reach repeated layouts only through geometry.derive.repetition."""
    pattern = re.compile(r"WaferLayout|layouts\.wafer|layout\.kind|getattr\([^)]*\"kind\"")
    offenders = []
    # the wafer's own reference drawing (rim, notch, usable-area edge) is wafer geometry by its nature; it answers
    # the generic question through reference_rings(design)
    owners = {ROOT / "geometry" / "derive" / "wafer_outline.py"}
    for folder in ("derive", "checks", "analysis", "export"):
        for path in sorted(set((ROOT / "geometry" / folder).rglob("*.py")) - owners):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []


def test_the_block_dxf_keeps_blocks_for_alike_units_and_gives_an_edited_unit_its_own(tmp_path: Path) -> None:
    import ezdxf

    from geometry.export.dxf_stream import write_dxf_blocks

    d = crowded_strip()
    edited = d.with_(edits=d.edits.with_moves(["U2:A1"], 0.05, 0.0).with_state(["U2:B2"], SiteState.DEPOPULATED))
    rep = repetition(edited)
    assert isinstance(rep, Repeated)
    doc = ezdxf.readfile(write_dxf_blocks(rep, tmp_path / "e.dxf"))
    assert not doc.audit().has_errors
    inserts = [e for e in doc.modelspace() if e.dxftype() == "INSERT" and e.dxf.name.endswith("UPPER_THROUGH")]
    assert sorted({e.dxf.name for e in inserts}) == ["UNIT_U2_UPPER_THROUGH", "UNIT_UPPER_THROUGH"]
    assert [e.dxf.name for e in inserts].count("UNIT_UPPER_THROUGH") == 5
    # every upper circle, blocks placed at their inserts, against the design's populated sites
    placed = []
    for e in inserts:
        for c in doc.blocks.get(e.dxf.name):
            if c.dxftype() == "CIRCLE":
                placed.append((round(c.dxf.center.x + e.dxf.insert.x, 6), round(c.dxf.center.y + e.dxf.insert.y, 6)))
    s = edited.sites()
    want = sorted((round(x, 6), round(y, 6)) for x, y, p in zip(s.x_mm.tolist(), s.y_mm.tolist(),
                                                                  s.populated.tolist(), strict=True) if p)
    assert sorted(placed) == want and len(want) == 6 * 20 - 1
