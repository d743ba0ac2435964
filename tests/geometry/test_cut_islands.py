"""Islands of reliefs with several depths and channels against the polygon path (geometry.derive.islands).

The polygon path cuts every hole, flattened to 2 nm chords, by the other depths' relief flattened to
``COARSE_MM`` with shapely, and measures each piece with shapely's inscribed circle and the hull's calipers. The
closed-form path takes the holes of the union of every layer instead and measures them from their arcs and
straight edges. Here the reference cuts with 1 nm chords (``COARSE_MM`` patched), so both must agree to the
measurement resolution on every island: the same number per depth, centre, inscribed diameter, width and sites.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from geometry.derive import polygon_islands
from geometry.derive.arc_islands import measure_rings
from geometry.derive.etched_holes import etched_union
from geometry.derive.islands import MEASURE_TOL_MM, Islands, whole_islands
from geometry.derive.relief.merged import lower_relief
from geometry.derive.rings import RingSet
from geometry.derive.span import SPAN_CHORD_MM, largest_span
from geometry.model.ball import Ball
from geometry.model.design import Design, MergeSettings, ProfileOverride
from geometry.model.layouts import Pad
from geometry.model.layouts.explicit import ExplicitLayout, SiteColumns
from geometry.model.mask import Mask
from geometry.model.profiles import SteppedTapered, Tapered


def channel_grid(side: int, jitter_mm: float, seed: int) -> Design:
    """The window benchmark's design, small: lower openings of 0.425 mm on a 0.4 mm pitch, jittered, so
    neighbours overlap at 0.13 mm and the diagonals the merge bridges get channels at 0.098 mm."""
    rng = np.random.default_rng(seed)
    ix, iy = np.meshgrid(np.arange(side), np.arange(side))
    x = np.round(ix.ravel() * 0.4 + rng.uniform(-jitter_mm, jitter_mm, side * side), 6)
    y = np.round(iy.ravel() * 0.4 + rng.uniform(-jitter_mm, jitter_mm, side * side), 6)
    names = [f"S{k}" for k in range(side * side)]
    return Design(Ball(0.25), Pad(0.2), ExplicitLayout(SiteColumns(names, x, y)), Mask(0.13, "laser-cut-stainless"),
                  Tapered(60.0))


def stepped_mix(design: Design, every: int, auto: bool = True) -> Design:
    """Every ``every``-th site stepped (relief 0.04 mm, a smaller lower circle): a third depth."""
    names = tuple(design.sites().names.tolist())
    return design.with_(overrides=(ProfileOverride(names[::every], SteppedTapered(0.09, 60.0)),),
                        merge=MergeSettings(auto=auto))


def reference(design: Design, monkeypatch: pytest.MonkeyPatch) -> Islands:
    """The polygon path, cutting with the other depths flattened to 1 nm."""
    with monkeypatch.context() as m:
        m.setattr(polygon_islands, "COARSE_MM", 1e-6)
        return whole_islands(design, lower_relief(design), polygons=True)


def _order(isl: Islands) -> np.ndarray:
    return np.lexsort((np.round(isl.y_mm, 4), np.round(isl.x_mm, 4), np.round(isl.depth_mm, 4)))


def assert_same_islands(fast: Islands, slow: Islands) -> None:
    """Equal as sets of islands (the two paths list cut pieces in different orders)."""
    assert len(fast) == len(slow)
    a, b = _order(fast), _order(slow)
    assert np.array_equal(fast.depth_mm[a], slow.depth_mm[b])
    # the reference's holes are flattened to 2 nm chords that cut into the disks and its cutters to 1 nm chords
    # inside them, so its pieces come out a few nm larger: both agree to the measurement resolution
    assert np.abs(fast.inscribed_mm[a] - slow.inscribed_mm[b]).max() <= MEASURE_TOL_MM
    assert np.abs(fast.width_mm[a] - slow.width_mm[b]).max() <= MEASURE_TOL_MM
    assert np.abs(fast.x_mm[a] - slow.x_mm[b]).max() <= 1e-5
    assert np.abs(fast.y_mm[a] - slow.y_mm[b]).max() <= 1e-5
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        assert np.array_equal(fast.sites_of(i), slow.sites_of(j)), (i, j)


def pieces_per_hole(design: Design) -> np.ndarray:
    """How many islands each relief hole leaves, by an independent shapely difference at 1 nm."""
    relief = lower_relief(design)
    layers = relief.to_shapely(1e-6)
    holes = relief.rings.subset(relief.rings.hole)
    depth = relief.region_depth_mm[holes.region]
    out = np.zeros(len(holes), dtype=np.intp)
    for k in range(len(holes)):
        hole = shapely.Polygon(holes.densify(k, 1e-6))
        others = [g for d, g in layers.items() if abs(d - depth[k]) > 5e-4]
        rest = shapely.difference(hole, shapely.union_all(others)) if others else hole
        out[k] = sum(1 for p in shapely.get_parts(rest) if p.area > 1e-9)
    return out


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_jittered_channels_of_two_depths_agree_with_the_polygon_path(seed: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    d = channel_grid(16, 0.03, seed)
    relief = lower_relief(d)
    assert set(np.unique(relief.region_depth_mm).tolist()) == {0.098, 0.13}
    fast = whole_islands(d)
    assert_same_islands(fast, reference(d, monkeypatch))
    # channels cut the 0.13 holes and unbridged sites' 0.13 disks cut the 0.098 holes: the test really has
    # islands that another depth cuts in two or more, and holes it covers whole
    n = pieces_per_hole(d)
    holes = relief.rings.subset(relief.rings.hole)
    depth = relief.region_depth_mm[holes.region]
    assert (n[depth == 0.13] >= 2).any() and (n[depth == 0.098] >= 2).any()
    for key in (0.098, 0.13):
        assert int((fast.depth_mm == key).sum()) == int(n[depth == key].sum())


def test_regular_grid_of_two_depths_with_parallel_channel_sides(monkeypatch: pytest.MonkeyPatch) -> None:
    # no jitter: every cell alike, channel sides parallel and symmetric cells (the parallel-equation solutions)
    d = channel_grid(9, 0.0, 0)
    fast = whole_islands(d)
    assert len(fast) > 0
    assert_same_islands(fast, reference(d, monkeypatch))


@pytest.mark.parametrize(("seed", "auto"), [(6, True), (7, False)])
def test_three_depths_and_two_radii_agree_with_the_polygon_path(seed: int, auto: bool,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # stepped sites have their own depth and a smaller circle; without auto merging there are no channels and
    # the union of the layers is a union of disks
    d = stepped_mix(channel_grid(12, 0.03, seed), 3, auto)
    relief = lower_relief(d)
    assert len(relief.depths()) == (3 if auto else 2)
    assert (relief.rings.bulge == 0).any() == auto
    fast = whole_islands(d)
    assert_same_islands(fast, reference(d, monkeypatch))


def square(side: float, bulge: float = 0.0) -> RingSet:
    """A clockwise square hole at (2, 3); its top edge an arc bulging into it (counter-clockwise about its centre,
    as the relief writes the arcs of its disks) when ``bulge`` is set."""
    xy = np.array([[0.0, 0.0], [0.0, side], [side, side], [side, 0.0]]) + np.array([2.0, 3.0])
    b = np.array([0.0, bulge, 0.0, 0.0])
    return RingSet(xy, b, np.array([0, 4]), np.zeros(1, dtype=np.intp), np.ones(1, dtype=bool))


def test_closed_form_of_straight_edges() -> None:
    m = measure_rings(square(0.2))
    assert m.solved.all()
    assert m.inscribed[0] == pytest.approx(0.2, abs=1e-12)
    assert m.width[0] == pytest.approx(0.2, abs=1e-12)
    assert (m.x[0], m.y[0]) == pytest.approx((2.1, 3.1), abs=1e-12)
    assert (m.px[0], m.py[0]) == pytest.approx((2.1, 3.1), abs=1e-12)


def test_closed_form_of_arcs_and_straight_edges_against_shapely() -> None:
    # a square whose top edge is an arc of a disk bulging into it (the relief's arcs of an etched disk):
    # inscribed circle tangent to the arc and two or three sides, against shapely on 1 nm chords
    ring = square(0.2, math.tan(math.radians(60.0) / 4.0))
    m = measure_rings(ring)
    poly = shapely.Polygon(ring.densify(0, 1e-7))
    assert poly.area == pytest.approx(abs(float(ring.signed_areas()[0])), rel=1e-6)
    ref = 2.0 * shapely.length(shapely.maximum_inscribed_circle(poly, 1e-7))
    assert m.solved.all()
    assert m.inscribed[0] == pytest.approx(ref, abs=1e-6)
    c = poly.centroid
    assert (m.x[0], m.y[0]) == pytest.approx((c.x, c.y), abs=1e-7)
    assert m.inscribed[0] < 0.2 - 1e-3  # the arc really narrows it


@pytest.mark.parametrize("seed", [8, 9])
def test_union_of_the_layers_and_the_span_on_it_match_shapely(seed: int) -> None:
    # the exact union of every layer (islands and span) against shapely's union of the layers' polygons
    d = stepped_mix(channel_grid(14, 0.03, seed), 4)
    relief = lower_relief(d)
    layers = list(relief.to_shapely(1e-6).values())
    reference_union = shapely.union_all(layers)
    u = etched_union(d)
    ours = shapely.union_all(u.polygons(1e-6))
    # both flattened to 1 nm chords, from different vertices: they differ by slivers along the outlines only
    assert ours.area == pytest.approx(reference_union.area, rel=1e-6)
    assert shapely.symmetric_difference(ours, reference_union).area < 1e-5
    assert len(u.holes()) == sum(len(p.interiors) for p in shapely.get_parts(reference_union))
    # the span: the widest inscribed circle of the union's parts, to its 1 um resolution
    parts = shapely.get_parts(shapely.union_all(list(relief.to_shapely(SPAN_CHORD_MM).values())))
    widest = max(2.0 * shapely.length(shapely.maximum_inscribed_circle(p, SPAN_CHORD_MM / 2)) for p in parts)
    s = largest_span(d)
    assert s is not None
    assert s.span_mm == pytest.approx(widest, abs=2 * SPAN_CHORD_MM)


@pytest.mark.parametrize("seed", [10, 11])
def test_one_depth_with_channels_in_closed_form(seed: int) -> None:
    # stepped openings on a 0.5 mm pitch: the row and column gaps are joined by channels at the relief's own
    # depth, so the holes have straight edges but no other depth cuts them; jitter makes every one different
    rng = np.random.default_rng(seed)
    ix, iy = np.meshgrid(np.arange(7), np.arange(7))
    x = ix.ravel() * 0.5 + rng.uniform(-0.02, 0.02, 49)
    y = iy.ravel() * 0.5 + rng.uniform(-0.02, 0.02, 49)
    d = Design(Ball(0.25), Pad(0.2), ExplicitLayout(SiteColumns([f"S{k}" for k in range(49)], x, y)), Mask(0.2),
               SteppedTapered(0.17, 45.0))
    relief = lower_relief(d)
    holes = relief.rings.subset(relief.rings.hole)
    assert len(relief.depths()) == 1 and (holes.bulge == 0).any()
    fast, slow = whole_islands(d), whole_islands(d, polygons=True)
    assert len(fast) == len(slow) == len(holes) > 0
    # one depth: island k is hole k on both paths
    assert np.abs(fast.inscribed_mm - slow.inscribed_mm).max() <= MEASURE_TOL_MM / 2
    assert np.abs(fast.width_mm - slow.width_mm).max() <= MEASURE_TOL_MM / 2
    assert fast.x_mm == pytest.approx(slow.x_mm, abs=1e-6)
    assert fast.y_mm == pytest.approx(slow.y_mm, abs=1e-6)
    assert np.array_equal(fast.site_start, slow.site_start)
    assert np.array_equal(fast.site_rows, slow.site_rows)
    assert np.ptp(fast.inscribed_mm) > 1e-3
