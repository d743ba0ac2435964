"""The closed-form island measurements (geometry.derive.arc_islands) against the polygon path they replace.

The polygon path (shapely's maximum inscribed circle on 2 nm chords, the convex hull's calipers, the polygon
centroid, and distances to a coarse outline) is computed independently of the Apollonius solve, the vertex hull
and the segment centroids; on jittered sites with two lower diameters every island must agree to the measurement
resolution.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import geometry.derive.islands as islands_mod
import geometry.derive.span as span_mod
from geometry.derive.arc_islands import measure_arc_holes
from geometry.derive.islands import MEASURE_TOL_MM, whole_islands
from geometry.derive.relief.merged import lower_relief
from geometry.derive.rings import RingSet
from geometry.model.ball import Ball
from geometry.model.design import Design, ProfileOverride
from geometry.model.layouts import Pad
from geometry.model.layouts.explicit import ExplicitLayout, SiteColumns
from geometry.model.mask import Mask
from geometry.model.profiles import Tapered


def jittered(side: int, sigma_um: float, seed: int) -> Design:
    rng = np.random.default_rng(seed)
    ix, iy = np.meshgrid(np.arange(side), np.arange(side))
    x = ix.ravel() * 0.4 + rng.normal(0.0, sigma_um * 1e-3, side * side)
    y = iy.ravel() * 0.4 + rng.normal(0.0, sigma_um * 1e-3, side * side)
    names = [f"S{k}" for k in range(side * side)]
    d = Design(Ball(0.25), Pad(0.2), ExplicitLayout(SiteColumns(names, x, y)), Mask(0.13, "laser-cut-stainless"),
               Tapered(60.0))
    # every fifth site a little narrower at the bottom: islands bounded by circles of two radii, one depth
    return d.with_(overrides=(ProfileOverride(tuple(names[::5]), Tapered(62.0)),))


def polygon_islands(design: Design) -> islands_mod.Islands:
    """The same islands through the polygon path only."""
    return whole_islands(design, polygons=True)


@pytest.mark.parametrize("seed", [1, 2])
def test_closed_form_islands_agree_with_the_polygon_path(seed: int) -> None:
    d = jittered(14, 4.0, seed)
    relief = lower_relief(d)
    assert len(np.unique(relief.region_depth_mm)) == 1 and not (relief.rings.bulge == 0).any()
    fast, slow = whole_islands(d), polygon_islands(d)
    assert len(fast) == len(slow) == 13 * 13
    # the polygon path flattens arcs to chords of 2 nm sag, which cut into the disks, so its islands come out a
    # few nm larger; both agree within the measurement resolution
    diff = fast.inscribed_mm - slow.inscribed_mm
    assert np.all(np.abs(diff) <= MEASURE_TOL_MM / 2)
    assert fast.width_mm == pytest.approx(slow.width_mm, abs=1e-8)
    assert fast.x_mm == pytest.approx(slow.x_mm, abs=1e-6)
    assert fast.y_mm == pytest.approx(slow.y_mm, abs=1e-6)
    assert np.array_equal(fast.site_start, slow.site_start)
    assert np.array_equal(fast.site_rows, slow.site_rows)
    assert np.ptp(fast.inscribed_mm) > 1e-3  # the jitter really makes the islands differ


def test_four_arc_island_of_a_square_cell_in_closed_form() -> None:
    # four disks of radius R at the corners of a square of side P: inscribed sqrt(2) P - 2 R, centroid the
    # cell centre, narrowest width across opposite cusps sqrt(2) (P/2 - sqrt(R^2 - P^2/4))
    p, r = 0.4, 0.2125
    h = math.sqrt(r * r - p * p / 4)
    # cusps on the cell's mid-lines, clockwise (a hole); each arc runs counter-clockwise about its corner's
    # centre (the disk on its left, as the relief writes them), so it bulges into the cell
    cusps = np.array([[p / 2, h], [h, p / 2], [p / 2, p - h], [p - h, p / 2]])
    half = 2 * math.asin(math.hypot(*(cusps[1] - cusps[0])) / (2 * r))  # arc angle between cusps
    ring = RingSet(cusps + 5.0, np.full(4, math.tan(half / 4)), np.array([0, 4]), np.zeros(1, dtype=np.intp),
                   np.ones(1, dtype=bool))
    x, y, ins, wid, ok = measure_arc_holes(ring)
    assert ok.all()
    assert ins[0] == pytest.approx(math.sqrt(2) * p - 2 * r, abs=1e-12)
    assert wid[0] == pytest.approx(math.sqrt(2) * (p / 2 - h), abs=1e-12)
    assert (x[0], y[0]) == pytest.approx((5.0 + p / 2, 5.0 + p / 2), abs=1e-12)


def polygon_span(design: Design) -> span_mod.Span | None:
    """The span through the polygon path only (shapely's inscribed circle of the flattened union)."""
    real = span_mod._disk_spans
    span_mod._disk_spans = lambda d: None  # type: ignore[assignment,return-value]
    graph = span_mod.merge_graph

    class Bridged:
        bridged = np.ones(1, dtype=bool)

    span_mod.merge_graph = lambda d: Bridged  # type: ignore[assignment,return-value]
    try:
        return span_mod.largest_span.__wrapped__(design)
    finally:
        span_mod._disk_spans = real
        span_mod.merge_graph = graph


def test_span_of_an_array_with_islands_is_its_lower_outline_exactly() -> None:
    d = jittered(14, 4.0, 3)
    fast, slow = span_mod.largest_span(d), polygon_span(d)
    assert fast is not None and slow is not None
    # every disk keeps free arcs all round: the span is the widest lower outline, which the polygons (chords
    # inside the arcs) measure up to 2 um short
    assert fast.span_mm == fast.lower_mm == d.resolve(d.profile).lower_mm
    assert 0.0 <= fast.span_mm - slow.span_mm <= 2 * span_mod.SPAN_CHORD_MM
    assert np.array_equal(fast.site_rows, slow.site_rows)


def test_span_where_islands_vanished_is_measured_as_before() -> None:
    # lower outlines of 1.29 mm on a 0.8 mm pitch: diagonals overlap, no island is left, disks are covered
    # all round: those areas go to the polygon path, with the same outline as before
    d = jittered(6, 2.0, 4).with_(profile=Tapered(35.0), overrides=())
    relief = lower_relief(d)
    assert not relief.rings.hole.any()
    fast, slow = span_mod.largest_span(d), polygon_span(d)
    assert fast is not None and slow is not None
    assert fast.span_mm == slow.span_mm > 3 * fast.lower_mm
    assert np.array_equal(fast.site_rows, slow.site_rows)
