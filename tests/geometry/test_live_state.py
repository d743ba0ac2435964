"""What the incremental analysis keeps between updates, updated from the changed rows only, against the same
quantities computed from scratch after seeded random edits: the changed rows themselves (compared only where the
opening table was patched), the bounding boxes of the sites and openings, the group sizes and the groups'
farthest-site radii of the margin check."""

from __future__ import annotations

import numpy as np
import pytest

from geometry.analysis.live_checks import GroupKey, GroupRows, counts_after, group_counts
from geometry.analysis.live_diff import Box, FallbackError, box_after, changed_rows, points_box
from geometry.analysis.live_engine import TILE_MM, full_state, incremental
from geometry.analysis.live_margins import Radii, centre, radii_after, radii_of
from geometry.analysis.live_relief import ReliefStore
from geometry.checks import run_checks
from geometry.derive.openings import OpeningTable, opening_table, opening_table_full
from geometry.derive.openings_edit import patch_origin, rows_changed_since
from geometry.derive.relief.merged import lower_relief
from geometry.model import operations as op
from geometry.model.design import Design
from geometry.model.layouts.explicit import ExplicitLayout, SiteColumns
from geometry.model.profiles import Straight, Tapered
from tests.geometry.test_live_incremental import jittered, random_edit, relief_signature


def walk(seed: int, steps: int = 12) -> list[Design]:
    """A jittered 9 x 9 array with two pad sizes, then a seeded random walk of edits (undos included)."""
    rng = np.random.default_rng(seed)
    base = jittered(9, 0.5, 0.003, seed)
    s = base.sites()
    pads = np.where(np.arange(len(s)) % 5 == 0, 0.22, np.nan)  # NaN: the design's pad
    design = base.with_(layout=ExplicitLayout(SiteColumns(s.names, s.x_mm, s.y_mm, pads)))
    design = op.set_profile(design, ["S40", "S41"], Straight())
    history = [design]
    for _ in range(steps):
        design = random_edit(design, rng, history)
        history.append(design)
    return history


def differing_rows(a: OpeningTable, b: OpeningTable) -> set[int]:
    """Rows where any column of two tables differs, by a plain comparison of every column."""
    out: set[int] = set()
    cols = [(a.sites.x_mm, b.sites.x_mm), (a.sites.y_mm, b.sites.y_mm), (a.sites.pad_mm, b.sites.pad_mm),
            (a.sites.state, b.sites.state), (a.which >= 0, b.which >= 0)]
    cols += [(getattr(a, n), getattr(b, n)) for n in ("upper_mm", "lower_mm", "angle_deg", "lower_x_mm",
                                                       "lower_y_mm", "relief_mm", "vertical_mm")]
    for u, v in cols:
        same = (u == v) | (np.isnan(u) & np.isnan(v)) if u.dtype.kind == "f" else u == v
        out |= set(np.flatnonzero(~same).tolist())
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_changed_rows_from_the_patches_equal_a_comparison_of_every_row(seed: int) -> None:
    """Tables patched step by step remember their origin; the rows compared from it are the rows a comparison
    of every column finds, also across a skipped step (two patches back)."""
    history = walk(seed)
    tables = [opening_table(d) for d in history]
    patched = 0
    for k in range(1, len(history)):
        for back in (1, 2):
            if k - back < 0:
                continue
            old, new = tables[k - back], tables[k]
            cand = rows_changed_since(old, new)
            if cand is not None:
                patched += 1
                assert differing_rows(old, new) <= set(cand.tolist())
            # the reference: tables made in full have no origin, so every row is compared
            full_old, full_new = opening_table_full(history[k - back]), opening_table_full(history[k])
            assert patch_origin(full_new) is None
            assert changed_rows(old, new).tolist() == changed_rows(full_old, full_new).tolist()
    assert patched >= 10


def test_a_table_patched_from_another_layout_has_no_origin_for_it() -> None:
    a = jittered(5, 0.5, 0.003, 1)
    b = jittered(5, 0.5, 0.003, 2)
    ta, tb = opening_table(a), opening_table(b)
    assert rows_changed_since(ta, tb) is None
    moved = opening_table(op.move_sites(b, ["S3"], 0.001, 0.0))
    assert rows_changed_since(tb, moved) is not None and rows_changed_since(ta, moved) is None


def test_box_after_equals_the_box_of_the_points() -> None:
    """Random point sets with random points changed, dropped and added (extremes included)."""
    rng = np.random.default_rng(5)
    for _ in range(300):
        n = int(rng.integers(1, 30))
        x, y = rng.integers(0, 6, n).astype(float), rng.integers(0, 6, n).astype(float)
        member = rng.random(n) < 0.8
        c = np.flatnonzero(rng.random(n) < 0.3)
        x2, y2, member2 = x.copy(), y.copy(), member.copy()
        x2[c], y2[c] = rng.integers(-1, 7, len(c)), rng.integers(-1, 7, len(c))
        member2[c] = rng.random(len(c)) < 0.7
        before = points_box(x[member], y[member])
        was, now = c[member[c]], c[member2[c]]

        def full(x2: np.ndarray = x2, y2: np.ndarray = y2, m: np.ndarray = member2) -> Box | None:
            return points_box(x2[m], y2[m])

        got = box_after(before, x[was], y[was], x2[now], y2[now], full)
        assert got == points_box(x2[member2], y2[member2])


def radii_by_loop(t: OpeningTable) -> dict[object, float]:
    """Every (opening, pad) group's largest distance from the openings' centre, by a plain loop over the rows."""
    cx, cy = centre(points_box(t.sites.x_mm[t.rows], t.sites.y_mm[t.rows]))
    out: dict[object, float] = {}
    for r in t.rows.tolist():
        key = (t.openings[int(t.which[r])], float(t.sites.pad_mm[r]))
        out[key] = max(out.get(key, -1.0), float(np.hypot(t.sites.x_mm[r] - cx, t.sites.y_mm[r] - cy)))
    return out


def start(design: Design) -> tuple[OpeningTable, dict[GroupKey, int], Box | None, Radii]:
    t = opening_table(design)
    counts = group_counts(t)
    box = points_box(t.sites.x_mm[t.rows], t.sites.y_mm[t.rows])
    return t, counts, box, radii_of(t, GroupRows(t), {(o, p) for o, p in counts if p is not None}, box)


@pytest.mark.parametrize("seed", [4, 5])
def test_group_counts_and_radii_follow_the_changed_rows(seed: int) -> None:
    """Counts and farthest-site radii updated edit by edit equal those of each table from scratch."""
    history = walk(seed, steps=16)
    ot, counts, box, radii = start(history[0])
    assert radii == radii_by_loop(ot)
    for design in history[1:]:
        nt = opening_table(design)
        c = changed_rows(ot, nt)
        counts = counts_after(counts, ot, nt, c)
        assert counts == group_counts(nt)
        new_box = points_box(nt.sites.x_mm[nt.rows], nt.sites.y_mm[nt.rows])
        radii, _ = radii_after(radii, box, new_box, ot, nt, c, counts, GroupRows(nt))
        assert radii == radii_by_loop(nt)
        ot, box = nt, new_box


def test_the_farthest_site_leaving_its_group_is_looked_up_again() -> None:
    """A group's farthest site moves inwards, then leaves the group: its radius is looked up again."""
    group = ["S30", "S31", "S40", "S50"]
    design = op.set_profile(jittered(9, 0.5, 0.003, 8), group, Tapered(55.0))
    ot, counts, box, radii = start(design)
    key = (ot.openings[int(ot.which[ot.sites.index_of("S40")])], 0.2)
    cx, cy = centre(box)
    rows = ot.sites.indices_of(group)
    d = np.hypot(ot.sites.x_mm[rows] - cx, ot.sites.y_mm[rows] - cy)
    far = int(rows[int(np.argmax(d))])
    name = str(ot.sites.names[far])
    assert name != "S40" and radii[key] == float(d.max())
    inwards = (0.004 * float(np.sign(cx - ot.sites.x_mm[far])), 0.004 * float(np.sign(cy - ot.sites.y_mm[far])))
    for edit in (lambda x: op.move_sites(x, [name], *inwards), lambda x: op.clear_profile(x, [name])):
        design = edit(design)
        nt = opening_table(design)
        assert points_box(nt.sites.x_mm[nt.rows], nt.sites.y_mm[nt.rows]) == box  # an interior site
        c = changed_rows(ot, nt)
        counts = counts_after(counts, ot, nt, c)
        radii, touched = radii_after(radii, box, box, ot, nt, c, counts, GroupRows(nt))
        assert key in touched
        assert radii == radii_by_loop(nt)
        ot = nt
    assert radii[key] < float(d.max())


def store_regions(store: ReliefStore, lower: np.ndarray) -> list[tuple[tuple[int, ...], int, float, int]]:
    """Each live region of a store as (its sites, its size, widest lower outline, sites with it), sorted: the
    kept numbers against the sites the store's per-site array puts in the region."""
    out = []
    for g in np.flatnonzero(store.alive).tolist():
        members = np.flatnonzero(store.site_region == g)
        if not len(members):
            continue
        m = float(np.max(lower[members]))
        out.append((tuple(members.tolist()), int(store.region_size[g]), float(store.region_lower[g]),
                    int(store.region_lower_n[g])))
        assert (store.region_size[g], store.region_lower[g], store.region_lower_n[g]) == (
            len(members), m, int(np.count_nonzero(lower[members] == m)))
    return sorted(out)


@pytest.mark.parametrize(("pitch", "seed"), [(0.4, 1), (0.4, 6), (0.6, 2)])
def test_the_relief_store_after_local_updates_equals_one_built_from_scratch(pitch: float, seed: int) -> None:
    """Merged (one region, an island per cell) and unmerged arrays: after each local update the store's regions
    (sites, sizes, widest outlines and their counts) and single circles are those of a store made from the
    design's full relief; a snapshot taken before an update keeps its own design's memberships."""
    rng = np.random.default_rng(seed)
    design = jittered(12, pitch, 0.003, seed)
    state = full_state(design, run_checks(design), lower_relief(design))
    history = [design]
    local = 0
    for _ in range(10):
        design = random_edit(design, rng, history)
        history.append(design)
        t = opening_table(design)
        t0 = state.table
        kept = state.store.site_region.copy()
        snap = state.store.snapshot(t0.lower_x_mm, t0.lower_y_mm, t0.lower_mm / 2.0, t0.relief_mm)
        try:
            new = incremental(state, design)
        except FallbackError:
            state = full_state(design, run_checks(design), lower_relief(design))
            continue
        assert state.store.site_region.tolist() == kept.tolist()  # the previous state's store is untouched
        # assembled after the update, the snapshot is still the previous design's relief
        names = t.sites.names
        assert relief_signature(snap(), names) == relief_signature(lower_relief(history[-2]), names)
        state = new
        local += 1
        scratch = ReliefStore(lower_relief(design), t.lower_mm, TILE_MM)
        assert store_regions(state.store, t.lower_mm) == store_regions(scratch, t.lower_mm)
        assert state.store.circle.tolist() == scratch.circle.tolist()
    assert local >= 5


def test_hole_boxes_of_many_points_are_each_point_s_own_lookup() -> None:
    """The tree lookup of the island findings' hole boxes against the scan of every box for one point: nested and
    overlapping boxes, equal areas (the first box wins), points on edges and points in no box."""
    from geometry.analysis.live_engine import hole_box_of, hole_boxes_of

    rng = np.random.default_rng(3)
    lo = np.round(rng.uniform(0, 10, (300, 2)), 1)
    size = np.round(rng.uniform(0.1, 3, (300, 2)), 1)
    boxes = np.column_stack([lo, lo + size])
    boxes[7] = boxes[5]  # an equal box: the first one is the answer
    pts = np.round(rng.uniform(-1, 14, (500, 2)), 1)
    pts[:20] = boxes[:20, :2]  # corners: on the edge counts as inside
    got = hole_boxes_of(boxes, pts[:, 0], pts[:, 1])
    want = np.array([hole_box_of(boxes, float(x), float(y)) for x, y in pts])
    np.testing.assert_array_equal(got, want)
    assert (got[:, 0] != got[:, 2]).any() and (got[:, 0] == got[:, 2]).any()  # some in a box, some in none
