"""The wafer reference rings: the rim matches WaferLayout.rim, the usable-area edge is where inside() flips."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geometry.derive.rings import RingSet
from geometry.derive.wafer_outline import wafer_rings
from geometry.model.layouts import GridLayout
from geometry.model.layouts.wafer import WaferLayout, WaferMark


def layout(mark: WaferMark, ex: float = 3.0) -> WaferLayout:
    return WaferLayout(GridLayout(2, 2, 1.0), 5.0, diameter_mm=150.0, edge_exclusion_mm=ex, mark=mark,
                       flat_length_mm=57.5, notch_depth_mm=1.0)


def shoelace(xy: np.ndarray) -> float:
    x, y = xy[:, 0], xy[:, 1]
    return float(0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


@pytest.mark.parametrize("mark", list(WaferMark))
def test_rim_ring_has_the_area_of_the_drawn_rim(mark: WaferMark) -> None:
    lay = layout(mark)
    rs = wafer_rings(lay)
    assert len(rs) == 2 and not rs.hole.any()
    assert np.all(np.abs(rs.bulge) <= math.tan(math.pi / 8.0) + 1e-12)  # arcs of at most 90 degrees
    exact = float(rs.signed_areas()[0])
    assert exact == pytest.approx(shoelace(lay.rim(200_000)), rel=1e-6)
    if mark == WaferMark.NONE:
        assert exact == pytest.approx(math.pi * 75.0**2, rel=1e-12)


@pytest.mark.parametrize("mark", list(WaferMark))
def test_usable_ring_is_the_edge_inside_tests(mark: WaferMark) -> None:
    lay = layout(mark)
    rs = wafer_rings(lay)
    one = RingSet.from_rings([rs.ring(1)], [0], [False])
    pts = one.densify(0, 1e-5)
    x, y = pts[:, 0], pts[:, 1]
    # every point lies on the edge to 10 um: a 10 um disc there is not inside, 10 um of slack (r < 0) makes it so
    assert not lay.inside(x, y, 0.01).any()
    assert lay.inside(x, y, -0.01).all()
    assert float(one.signed_areas()[0]) > 0


def test_no_edge_exclusion_no_usable_ring() -> None:
    assert len(wafer_rings(layout(WaferMark.FLAT, ex=0.0))) == 1
