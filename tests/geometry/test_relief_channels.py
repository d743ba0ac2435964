"""The exact union of disks and channels (geometry.derive.relief.channels) against the polygon path and shapely."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from relief_reference import reference_layers

from geometry.derive.openings import opening_table
from geometry.derive.pairs import merge_graph
from geometry.derive.relief.channels import channel_union
from geometry.derive.relief.general import tangent_points
from geometry.derive.relief.merged import Relief, depth_key, whole_relief
from geometry.derive.rings import bulge_centres
from geometry.model.ball import Ball
from geometry.model.design import Design, MergeSettings, ProfileOverride, example_grid_design
from geometry.model.layouts import ExplicitLayout, ExplicitSite, Pad
from geometry.model.mask import Mask
from geometry.model.operations import merge_channel
from geometry.model.profiles import Stepped, Tapered


def counts(rel: Relief) -> dict[float, tuple[int, int]]:
    """(outlines, holes) per depth: single circles and regions, and the regions' holes."""
    out: dict[float, tuple[int, int]] = {}
    ck, rk = depth_key(rel.circle_depth_mm), depth_key(rel.region_depth_mm)
    holes = rel.hole_counts()
    for k in np.unique(np.concatenate([ck, rk])):
        out[float(k) / 1000.0] = (int(np.sum(ck == k) + np.sum(rk == k)), int(holes[rk == k].sum()))
    return out


def exact_layer_stats(design: Design) -> tuple[int, int]:
    """(components at channel depths, of which the exact path could not link) for the design's channel depths."""
    t = opening_table(design)
    g = merge_graph(design)
    lx, ly, lr = t.lower_x_mm, t.lower_y_mm, t.lower_mm / 2.0
    ch = np.flatnonzero(g.bridged)
    ck = depth_key(g.channel_depth_mm[ch])
    sk = depth_key(t.relief_mm[t.rows])
    total = bad = 0
    for k in np.unique(ck):
        rows = np.unique(np.concatenate([t.rows[sk == k], g.i[ch[ck == k]], g.j[ch[ck == k]]]))
        e1 = np.searchsorted(rows, g.i[ch[ck == k]])
        e2 = np.searchsorted(rows, g.j[ch[ck == k]])
        u = channel_union(lx[rows], ly[rows], lr[rows], e1, e2)
        total += int(np.sum(u.sizes > 1))
        bad += int(u.bad.sum())
    return total, bad


def assert_matches(design: Design) -> Relief:
    """The exact path equals the polygon path and an independent shapely union: counts, holes, areas."""
    rel = whole_relief(design)
    poly = whole_relief(design, polygon_channels=True)
    ref = reference_layers(design)
    assert counts(rel) == counts(poly)
    areas, p_areas = rel.areas(), poly.areas()
    assert sorted(areas) == sorted(ref) == sorted(p_areas)
    mine = rel.to_shapely(1e-5)
    for depth, geom in ref.items():
        assert areas[depth] == pytest.approx(p_areas[depth], rel=1e-9)
        assert areas[depth] == pytest.approx(geom.area, rel=1e-6)
        parts = shapely.get_parts(geom)
        assert counts(rel)[depth] == (len(parts), sum(len(p.interiors) for p in parts))
        assert shapely.symmetric_difference(mine[depth], geom).area < 1e-4 * geom.area
    assert rel.region_site_start.tolist() == poly.region_site_start.tolist() or rel.n_regions == poly.n_regions
    assert sorted(map(tuple, _region_sets(rel))) == sorted(map(tuple, _region_sets(poly)))
    assert rel.circle_site.tolist() == poly.circle_site.tolist()
    assert_exact_edges(rel, design)
    return rel


def _region_sets(rel: Relief) -> list[list[int]]:
    return [[int(depth_key(rel.region_depth_mm[k])), *rel.region_sites(k).tolist()] for k in range(rel.n_regions)]


def assert_exact_edges(rel: Relief, design: Design) -> None:
    """Every arc lies on a site's lower circle, every straight edge on an outer tangent line of a channel."""
    t = opening_table(design)
    g = merge_graph(design)
    rs = rel.rings
    if len(rs) == 0:
        return
    assert np.all(np.abs(rs.bulge) <= 1.0 + 1e-12)
    nxt = rs._next_index()
    arc = rs.bulge != 0
    centre, radius = bulge_centres(rs.xy[arc], rs.xy[nxt][arc], rs.bulge[arc])
    circles = np.column_stack([t.lower_x_mm[t.rows], t.lower_y_mm[t.rows], t.lower_mm[t.rows] / 2.0])
    err = (np.abs(centre[:, None, 0] - circles[None, :, 0]) + np.abs(centre[:, None, 1] - circles[None, :, 1])
           + np.abs(radius[:, None] - circles[None, :, 2]))
    best = np.argmin(err, axis=1)
    assert np.allclose(centre, circles[best, :2], rtol=0.0, atol=1e-9)
    assert np.allclose(radius, circles[best, 2], rtol=0.0, atol=1e-9)
    straight = np.flatnonzero(~arc)
    if len(straight) == 0:
        return
    b = np.flatnonzero(g.bridged)
    c1 = np.column_stack([t.lower_x_mm[g.i[b]], t.lower_y_mm[g.i[b]]])
    c2 = np.column_stack([t.lower_x_mm[g.j[b]], t.lower_y_mm[g.j[b]]])
    a1, b1, a2, b2 = tangent_points(c1, t.lower_mm[g.i[b]] / 2.0, c2, t.lower_mm[g.j[b]] / 2.0)
    s0, s1 = np.concatenate([a1, a2]), np.concatenate([b1, b2])
    u = (s1 - s0) / np.hypot(*(s1 - s0).T)[:, None]

    def off(p: np.ndarray) -> np.ndarray:
        w = p[:, None, :] - s0[None, :, :]
        return np.abs(w[..., 0] * u[None, :, 1] - w[..., 1] * u[None, :, 0])

    on = (off(rs.xy[straight]) < 1e-9) & (off(rs.xy[nxt[straight]]) < 1e-9)
    assert on.any(axis=1).all()


def explicit(points: list[tuple[float, float]], thickness: float = 0.2, **kw: object) -> Design:
    sites = tuple(ExplicitSite(f"S{k}", x, y) for k, (x, y) in enumerate(points))
    return Design(ball=Ball(0.3), pad=Pad(0.24), layout=ExplicitLayout(sites), mask=Mask(thickness),
                  **kw)  # type: ignore[arg-type]


def random_design(seed: int) -> Design:
    """Random sites with a mix of lower radii and depths, explicit channel chains, and (thick masks) auto-bridging."""
    rng = np.random.default_rng(seed)
    n = 40
    pts = [(float(x), float(y)) for x, y in rng.uniform(0.0, 4.0, size=(n, 2))]
    names = [f"S{k}" for k in range(n)]
    over = (ProfileOverride(tuple(names[::5]), Tapered(angle_deg=45.0)),
            ProfileOverride(tuple(names[1::7]), Stepped(vertical_mm=0.1, lower_mm=0.45)),
            ProfileOverride(tuple(names[3::9]), Tapered(angle_deg=None, lower_mm=0.7)))
    d = explicit(pts, thickness=0.3 if seed % 2 else 0.2, overrides=over, merge=MergeSettings(auto=seed % 3 != 0))
    for _ in range(int(rng.integers(1, 4))):
        chain = rng.choice(n, size=int(rng.integers(2, 5)), replace=False)
        d = merge_channel(d, [names[int(c)] for c in chain])
    return d


@pytest.mark.parametrize("seed", range(12))
def test_random_layouts_with_channels_match_the_polygon_path_and_shapely(seed: int) -> None:
    d = random_design(seed)
    assert merge_graph(d).bridged.any()
    assert_matches(d)


def test_random_layouts_mostly_take_the_exact_path() -> None:
    total = bad = 0
    for seed in range(12):
        t, b = exact_layer_stats(random_design(seed))
        total, bad = total + t, bad + b
    # Random sites make degenerate contacts now and then (they take the polygon path, still checked above).
    assert total > 20
    assert bad <= total // 5


@pytest.mark.parametrize(("n", "pitch"), [(5, 0.8), (4, 0.75), (3, 0.9)])
def test_auto_bridged_grids_are_exact_with_no_fallback(n: int, pitch: float) -> None:
    # 0.45 balls, t 0.3, tapered 60: d_l 0.841; the diagonal gaps are below the 0.3 web minimum: all bridged
    # (at pitch 0.9 the row and column neighbours too).
    d = example_grid_design(rows=n, cols=n, pitch_mm=pitch)
    g = merge_graph(d)
    assert g.bridged.sum() >= 2 * (n - 1) ** 2
    assert_matches(d)
    total, bad = exact_layer_stats(d)
    assert total >= 1 and bad == 0


def test_thin_diagonal_channels_leave_islands_in_every_cell() -> None:
    # Radii 0.2 at pitch 0.8: the crossing channels leave islands between the circles of each cell, all exact.
    n = 6
    gx, gy = np.meshgrid(np.arange(n) * 0.8, np.arange(n) * 0.8)
    x, y, r = gx.ravel(), gy.ravel(), np.full(n * n, 0.2)
    idx = np.arange(n * n).reshape(n, n)
    e1 = np.concatenate([idx[:-1, :-1].ravel(), idx[:-1, 1:].ravel()])
    e2 = np.concatenate([idx[1:, 1:].ravel(), idx[1:, :-1].ravel()])
    u = channel_union(x, y, r, e1, e2)
    assert not u.bad.any() and u.n_components == 1
    disks = shapely.buffer(shapely.points(x, y), r, quad_segs=1024)
    ref = shapely.union_all([*disks, *(shapely.convex_hull(shapely.union(disks[a], disks[b]))
                                       for a, b in zip(e1, e2, strict=True))])
    assert int(u.rings.hole.sum()) == len(ref.interiors) > 0
    assert u.rings.region_areas(1)[0] == pytest.approx(ref.area, rel=1e-6)
    assert np.all(u.rings.signed_areas()[u.rings.hole] < 0) and u.rings.signed_areas()[0] > 0


def test_single_capsule_is_two_arcs_and_two_tangents() -> None:
    u = channel_union(np.array([0.0, 2.0]), np.array([0.0, 1.0]), np.array([0.3, 0.5]), np.array([0]),
                      np.array([1]))
    assert not u.bad.any() and u.sizes.tolist() == [3] and len(u.rings) == 1
    _, bulge = u.rings.ring(0)
    assert (bulge == 0).sum() == 2
    d = math.hypot(2.0, 1.0)
    g = math.acos((0.3 - 0.5) / d)
    # Hull area: the two far arcs' sectors plus the trapezoid between the tangent points.
    area = 0.5 * 0.3**2 * (2 * math.pi - 2 * g) + 0.5 * 0.5**2 * 2 * g + (0.3 + 0.5) * d * math.sin(g)
    assert u.rings.region_areas(1)[0] == pytest.approx(area, rel=1e-12)


def test_capsule_inside_a_large_disk_is_the_disk() -> None:
    u = channel_union(np.array([0.0, 0.4, 0.0]), np.array([0.0, 0.0, 0.1]), np.array([0.1, 0.1, 2.0]),
                      np.array([0]), np.array([1]))
    assert not u.bad.any() and u.n_components == 1 and len(u.rings) == 1
    assert u.rings.region_areas(1)[0] == pytest.approx(math.pi * 4.0, rel=1e-12)


def test_nested_channel_ends_and_lone_disks() -> None:
    x, y, r = np.array([0.0, 0.05, 3.0]), np.array([0.0, 0.0, 0.0]), np.array([0.4, 0.2, 0.3])
    u = channel_union(x, y, r, np.array([0]), np.array([1]))
    assert not u.bad.any() and u.n_components == 2
    assert u.sizes[u.component].tolist() == [3, 3, 1]
    assert u.rings.region_areas(2)[u.component[0]] == pytest.approx(math.pi * 0.16, rel=1e-12)


def test_collinear_chain_links_through_shared_tangent_points() -> None:
    # Equal circles chained along a row: the channels' sides are collinear and meet in tangent points on the
    # boundary, where no key pairs them; they are linked by position, still exactly.
    d = merge_channel(example_grid_design(rows=1, cols=4, pitch_mm=1.0), ["A1", "A2", "A3", "A4"])
    rel = assert_matches(d)
    assert rel.n_regions == 1
    assert exact_layer_stats(d) == (1, 0)
