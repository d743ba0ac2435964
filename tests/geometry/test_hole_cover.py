"""Holes of a multi-depth relief: an island at full thickness, or metal under a shallower layer; groups once."""

from __future__ import annotations

import numpy as np

from geometry.derive.relief.hole_cover import hole_kinds, island_count, merged_groups
from geometry.derive.relief.model import Relief
from geometry.derive.rings import RingSet


def square(x0: float, y0: float, size: float, ccw: bool = True) -> tuple[np.ndarray, np.ndarray]:
    xy = np.array([[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size]], dtype=np.float64)
    return (xy if ccw else xy[::-1].copy()), np.zeros(4)


def relief() -> Relief:
    """Deep (0.3 mm) regions 0 and 1, each a 10 mm square with a 2 mm square hole; region 2, shallow (0.1 mm),
    covers region 0's hole and shares its sites; a shallow circle of radius 1.5 covers nothing of region 1's hole
    centre (it sits 5 mm away)."""
    rings = RingSet.from_rings(
        [square(0, 0, 10), square(4, 4, 2, ccw=False), square(20, 0, 10), square(24, 4, 2, ccw=False),
         square(3, 3, 4)],
        [0, 0, 1, 1, 2], [False, True, False, True, False])
    return Relief(
        np.array([20.0]), np.array([0.0]), np.array([1.5]), np.array([0.1]), np.array([9]),
        rings, np.array([0.3, 0.3, 0.1]),
        np.array([0, 2, 4, 6]), np.array([0, 1, 2, 3, 0, 1]),
    )


def test_a_hole_under_a_shallower_layer_is_not_an_island() -> None:
    holes, reach = hole_kinds(relief())
    assert holes.tolist() == [1, 3]
    assert reach.tolist() == [False, True]
    assert island_count(relief()) == (1, 1)


def test_regions_sharing_openings_over_depths_are_one_group() -> None:
    assert merged_groups(relief()) == (2, 4)  # regions 0 and 2 join sites 0, 1; region 1 sites 2, 3


def test_a_shallow_circle_over_the_hole_covers_it() -> None:
    r = relief()
    moved = Relief(np.array([25.0]), np.array([5.0]), np.array([1.5]), r.circle_depth_mm, r.circle_site,
                   r.rings, r.region_depth_mm, r.region_site_start, r.region_site_rows)
    assert hole_kinds(moved)[1].tolist() == [False, False]
    assert island_count(moved) == (0, 2)
