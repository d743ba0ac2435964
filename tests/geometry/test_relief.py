"""The merged lower relief: exact arcs, checked against independent shapely unions of fine polygons."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from relief_reference import reference_layers

from geometry.derive.openings import opening_table
from geometry.derive.relief.arcs import circle_union
from geometry.derive.relief.merged import Relief, depth_key, lower_relief
from geometry.derive.rings import bulge_centres
from geometry.model.ball import Ball
from geometry.model.design import Design, MergeSettings, ProfileOverride, example_grid_design
from geometry.model.layouts import ExplicitLayout, ExplicitSite, GridLayout, Pad
from geometry.model.mask import Mask
from geometry.model.profiles import Stepped, Straight, Tapered
from geometry.model.sites import SiteState


def assert_matches_reference(design: Design) -> Relief:
    """Areas per depth, and region and hole counts, equal those of the independent union."""
    rel = lower_relief(design)
    ref = reference_layers(design)
    areas = rel.areas()
    assert sorted(areas) == sorted(ref)
    counts = np.bincount(depth_key(rel.region_depth_mm), minlength=1)
    for depth, geom in ref.items():
        # The 4096-gons lose about 4e-7 of each disk's area: compare relatively.
        assert areas[depth] == pytest.approx(geom.area, rel=2e-6, abs=1e-7)
        parts = shapely.get_parts(geom)
        k = int(depth_key(depth))
        n_single = int(np.sum(depth_key(rel.circle_depth_mm) == k))
        n_regions = int(counts[k]) if k < len(counts) else 0
        assert n_single + n_regions == len(parts)
        holes = rel.hole_counts()[depth_key(rel.region_depth_mm) == k].sum()
        assert holes == sum(len(p.interiors) for p in parts)
        mine = rel.to_shapely(1e-5)[depth]
        assert shapely.symmetric_difference(mine, geom).area < 1e-4 * geom.area
    return rel


def assert_exact_vertices(rel: Relief, design: Design) -> None:
    """Every arc's end points lie on the arc's own circle, and that circle is a site's lower circle."""
    t = opening_table(design)
    rs = rel.rings
    if len(rs) == 0:
        return
    nxt = rs._next_index()
    arc = rs.bulge != 0
    centre, radius = bulge_centres(rs.xy[arc], rs.xy[nxt][arc], rs.bulge[arc])
    circles = np.column_stack([t.lower_x_mm[t.rows], t.lower_y_mm[t.rows], t.lower_mm[t.rows] / 2.0])
    d = np.abs(centre[:, None, 0] - circles[None, :, 0]) + np.abs(centre[:, None, 1] - circles[None, :, 1])
    best = np.argmin(d + np.abs(radius[:, None] - circles[None, :, 2]), axis=1)
    assert np.allclose(centre, circles[best, :2], atol=1e-9)
    assert np.allclose(radius, circles[best, 2], atol=1e-9)
    assert np.all(np.abs(rs.bulge) <= 1.0 + 1e-12)


def tapered_grid(rows: int, cols: int, pitch: float, **kw: object) -> Design:
    """Ball 0.3, t 0.2, tapered 60 degrees: d_l = 0.561 mm, web minimum 0.2 mm."""
    return example_grid_design(rows, cols, pitch, 0.3, 0.2).with_(**kw)


def explicit(points: list[tuple[float, float]], **kw: object) -> Design:
    sites = tuple(ExplicitSite(f"S{k}", x, y) for k, (x, y) in enumerate(points))
    return Design(ball=Ball(0.3), pad=Pad(0.24), layout=ExplicitLayout(sites), mask=Mask(0.2), **kw)  # type: ignore[arg-type]


def test_far_apart_openings_stay_single_circles() -> None:
    d = tapered_grid(3, 4, 0.8)
    rel = lower_relief(d)
    t = opening_table(d)
    assert rel.n_regions == 0 and len(rel.rings) == 0
    assert rel.circle_site.tolist() == list(range(12))
    assert np.allclose(rel.circle_r_mm, 0.5609401076758505 / 2.0)
    assert np.allclose(rel.circle_x_mm, t.lower_x_mm) and np.allclose(rel.circle_y_mm, t.lower_y_mm)
    assert rel.depths().tolist() == [0.2]
    assert rel.areas()[0.2] == pytest.approx(12 * math.pi * (0.5609401076758505 / 2.0) ** 2)


def test_straight_profile_gives_no_relief() -> None:
    rel = lower_relief(tapered_grid(4, 4, 0.3, profile=Straight()))
    assert len(rel.depths()) == 0 and len(rel.circle_x_mm) == 0 and rel.n_regions == 0
    assert rel.areas() == {} and rel.to_shapely() == {}


@pytest.mark.parametrize(("n", "holes"), [(3, 4), (4, 9)])
def test_tapered_grid_merges_into_one_region_with_islands(n: int, holes: int) -> None:
    # Pitch 0.55: neighbours overlap (0.55 < 0.561), diagonals leave 0.217 mm >= web minimum: no channels.
    d = tapered_grid(n, n, 0.55)
    rel = assert_matches_reference(d)
    assert rel.n_regions == 1 and len(rel.circle_x_mm) == 0
    assert rel.hole_counts().tolist() == [holes]
    assert rel.region_sites(0).tolist() == list(range(n * n))
    assert_exact_vertices(rel, d)
    # An island between four equal circles is four arcs.
    lengths = np.diff(rel.rings.start)[rel.rings.hole]
    assert lengths.tolist() == [4] * holes
    assert np.all(rel.rings.signed_areas()[rel.rings.hole] < 0)
    assert np.all(rel.rings.signed_areas()[~rel.rings.hole] > 0)


def test_depopulated_sites_leave_no_relief() -> None:
    d = tapered_grid(3, 3, 0.55)
    d = d.with_(edits=d.edits.with_state(["B2"], SiteState.DEPOPULATED))
    rel = assert_matches_reference(d)
    # The centre site gone, the eight others still merge around one larger island.
    assert rel.n_regions == 1 and rel.hole_counts().tolist() == [1]
    assert 4 not in rel.region_sites(0).tolist()


def test_channel_between_two_far_sites_is_one_region_with_straight_sides() -> None:
    d = tapered_grid(1, 4, 0.8, merge=MergeSettings(channels=(("A1", "A4"),)))
    rel = assert_matches_reference(d)
    channel_depth = 0.15  # t - max(0.03, t / 4), rounded to 1 um
    assert rel.depths().tolist() == [channel_depth, 0.2]
    assert rel.n_regions == 1 and rel.region_depth_mm.tolist() == [channel_depth]
    assert rel.region_sites(0).tolist() == [0, 3]
    xy, bulge = rel.rings.ring(0)
    assert (bulge == 0).sum() == 2 and len(bulge) == 4  # two straight sides, two half circles
    assert np.allclose(np.abs(bulge[bulge != 0]), 1.0)
    r = 0.5609401076758505 / 2.0
    assert np.allclose(np.sort(np.abs(xy[:, 1])), r)
    assert np.allclose(np.sort(xy[:, 0]), [-1.2, -1.2, 1.2, 1.2])
    assert rel.areas()[channel_depth] == pytest.approx(math.pi * r * r + 2.4 * 2 * r, rel=1e-12)
    # The four openings themselves stay circles at their own depth.
    assert len(rel.circle_x_mm) == 4 and np.all(rel.circle_depth_mm == 0.2)


def test_channels_joining_merged_circles_at_the_same_depth() -> None:
    # Stepped openings: relief t - h_v = 0.08 is shallower than t - m_min, so channels share the circles' depth.
    prof = Stepped(vertical_mm=0.12, lower_mm=0.5)
    d = tapered_grid(2, 3, 0.55, profile=prof, merge=MergeSettings(channels=(("A1", "B3"),)))
    rel = assert_matches_reference(d)
    assert rel.depths().tolist() == [0.08]
    assert rel.n_regions == 1 and rel.region_sites(0).tolist() == list(range(6))
    assert (rel.rings.bulge == 0).sum() >= 2
    assert_exact_vertices(rel, d)


def test_tangent_openings_touch_but_do_not_merge() -> None:
    d_l = 0.5609401076758505
    d = explicit([(0.0, 0.0), (d_l, 0.0)], merge=MergeSettings(auto=False))
    rel = assert_matches_reference(d)
    assert rel.n_regions == 0 and len(rel.circle_x_mm) == 2
    u = circle_union(np.array([0.0, 1.0, 2.0]), np.array([0.0, 0.0, 0.0]), np.array([0.5, 0.5, 0.5]))
    assert u.n_components == 3 and len(u.rings) == 0


def test_identical_centres_give_one_circle_region() -> None:
    d = explicit([(0.0, 0.0), (0.0, 0.0), (2.0, 0.0)])
    rel = assert_matches_reference(d)
    assert rel.n_regions == 1 and rel.region_sites(0).tolist() == [0, 1]
    assert rel.circle_site.tolist() == [2]
    r = 0.5609401076758505 / 2.0
    assert rel.rings.region_areas(1)[0] == pytest.approx(math.pi * r * r, rel=1e-12)


def test_circle_inside_another_from_an_override() -> None:
    # A1 has a wide tapered recess (d_l 1.0), A2 a narrow one (d_l 0.36) whose lower circle lies inside it.
    d = tapered_grid(1, 2, 0.3, overrides=(ProfileOverride(("A1",), Tapered(angle_deg=None, lower_mm=1.0)),
                                           ProfileOverride(("A2",), Tapered(angle_deg=None, lower_mm=0.36))))
    rel = assert_matches_reference(d)
    assert rel.n_regions == 1 and rel.region_sites(0).tolist() == [0, 1]
    assert rel.areas()[0.2] == pytest.approx(math.pi * 0.25, rel=1e-12)
    assert_exact_vertices(rel, d)


def test_different_depths_are_separate_layers() -> None:
    d = tapered_grid(1, 2, 0.5, overrides=(ProfileOverride(("A2",), Stepped(vertical_mm=0.1, lower_mm=0.5)),),
                     merge=MergeSettings(auto=False))
    rel = assert_matches_reference(d)
    assert rel.depths().tolist() == [0.1, 0.2]
    assert rel.n_regions == 0 and rel.circle_site.tolist() == [0, 1]


@pytest.mark.parametrize("seed", range(6))
def test_random_layouts_match_an_independent_union(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 45
    pts = [(float(x), float(y)) for x, y in rng.uniform(0.0, 3.5, size=(n, 2))]
    names = [f"S{k}" for k in range(n)]
    over = (ProfileOverride(tuple(names[::5]), Tapered(angle_deg=45.0)),
            ProfileOverride(tuple(names[1::7]), Stepped(vertical_mm=0.1, lower_mm=0.45)))
    chans = (tuple(names[2:5]),) if seed % 2 else ()
    d = explicit(pts, overrides=over, merge=MergeSettings(auto=seed % 3 != 0, channels=chans))
    rel = assert_matches_reference(d)
    assert_exact_vertices(rel, d)
    # Every populated site is in exactly one outline per its own depth (single circle or region).
    in_regions = rel.region_site_rows[np.repeat(rel.region_depth_mm, np.diff(rel.region_site_start))
                                      == 0.2]
    assert len(np.intersect1d(in_regions, rel.circle_site[rel.circle_depth_mm == 0.2])) == 0


def test_fast_union_matches_shapely_on_random_disks() -> None:
    rng = np.random.default_rng(7)
    for _ in range(5):
        x, y = rng.uniform(0, 3, 80), rng.uniform(0, 3, 80)
        r = rng.uniform(0.1, 0.4, 80)
        u = circle_union(x, y, r)
        single = u.sizes[u.component] == 1
        exact = u.rings.region_areas(u.n_components).sum() + np.sum(np.pi * r[single] ** 2)
        ref = shapely.union_all(shapely.buffer(shapely.points(x, y), r, quad_segs=1024))
        assert not u.bad.any()
        assert exact == pytest.approx(ref.area, rel=2e-6)
        assert len(u.rings) - u.rings.hole.sum() + single.sum() == len(shapely.get_parts(ref))


def test_relief_is_cached_and_read_only() -> None:
    d = tapered_grid(3, 3, 0.55)
    rel = lower_relief(d)
    assert lower_relief(d) is rel
    with pytest.raises(ValueError, match="read-only"):
        rel.rings.xy[0, 0] = 1.0
    assert GridLayout(3, 3, 0.55) == d.layout


def test_four_circles_through_one_point_fall_back_and_stay_right() -> None:
    # r = p / sqrt(2): the island between four circles shrinks to a point where four arcs meet.
    x, y = np.meshgrid(np.arange(3.0), np.arange(3.0))
    u = circle_union(x.ravel(), y.ravel(), np.full(9, 1.0 / math.sqrt(2.0)))
    # the arcs either fail to link (the component falls back to the polygon path) or link into the exact
    # outline: one outer ring with the area of a fine shapely union, and no hole (the islands shrank to points)
    if u.bad.tolist() != [True]:
        ref = shapely.union_all(shapely.buffer(shapely.points(x.ravel(), y.ravel()), 1.0 / math.sqrt(2.0),
                                               quad_segs=2048)).area
        assert len(u.rings) == 1 and not u.rings.hole.any()
        assert u.rings.signed_areas()[0] == pytest.approx(ref, abs=1e-5)
    else:
        assert len(u.rings) == 0
    prof = Tapered(angle_deg=None, lower_mm=0.6)
    d = explicit([(float(a), float(b)) for a, b in zip(x.ravel() * 0.3 * math.sqrt(2.0), y.ravel() * 0.3
                                                         * math.sqrt(2.0), strict=True)], profile=prof,
                 merge=MergeSettings(auto=False))
    rel = assert_matches_reference(d)
    assert rel.n_regions == 1 and rel.region_sites(0).tolist() == list(range(9))
    assert_exact_vertices(rel, d)


_COORD = st.floats(0, 2, allow_subnormal=False)  # the model refuses denormal coordinates


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(_COORD, _COORD, st.floats(0.05, 0.5)), min_size=1, max_size=25))
def test_fast_union_area_property(disks: list[tuple[float, float, float]]) -> None:
    x, y, r = (np.array(v) for v in zip(*disks, strict=True))
    u = circle_union(x, y, r)
    ref = shapely.union_all(shapely.buffer(shapely.points(x, y), r, quad_segs=1024))
    single = u.sizes[u.component] == 1
    exact = u.rings.region_areas(u.n_components).sum() + np.sum(np.pi * r[single] ** 2)
    if not u.bad.any():
        assert exact == pytest.approx(ref.area, rel=2e-6)


def test_free_arcs_padded_and_sorted_agree() -> None:
    # random covering intervals on 50 circles: the padded merge and the one-sort merge leave the same free arcs,
    # and every free arc is what a fine sampling of the circle finds uncovered
    from geometry.derive.relief.covered import _free_arcs_sorted, free_arcs

    rng = np.random.default_rng(7)
    circle = rng.integers(0, 50, 300).astype(np.intp)
    lo = rng.uniform(0.0, 2.0 * math.pi, 300)
    length = rng.uniform(0.01, 0.6, 300)
    a = free_arcs(circle, lo, length, 60)
    b = _free_arcs_sorted(circle, lo, length, 60)
    ka = np.lexsort((np.mod(a[2], 2 * math.pi), circle[a[1]]))
    kb = np.lexsort((np.mod(b[2], 2 * math.pi), circle[b[1]]))
    for x, y in zip(a, b, strict=True):
        assert np.allclose(np.mod(x[ka], 2 * math.pi) if x.dtype.kind == "f" else x[ka],
                           np.mod(y[kb], 2 * math.pi) if y.dtype.kind == "f" else y[kb], atol=1e-12)
    ang = np.linspace(0.0, 2.0 * math.pi, 20000, endpoint=False)
    for c in range(50):
        mine = circle == c
        covered = (np.mod(ang[:, None] - lo[mine][None, :], 2 * math.pi) < length[mine][None, :]).any(axis=1)
        arcs = circle[a[1]] == c
        free = np.zeros(len(ang), dtype=bool)
        for s0, sw in zip(a[2][arcs], a[3][arcs], strict=True):
            free |= np.mod(ang - s0, 2 * math.pi) < sw
        if mine.any():
            assert np.mean(free == ~covered) > 0.999
