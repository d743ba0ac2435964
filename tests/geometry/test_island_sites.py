"""The sites around closed-form islands (geometry.derive.island_sites): the KD-tree search of large designs, with
its padded rows sorted column by column, and its re-query where an island has more candidates than it asked for,
find the same sites as the numpy cell grid of small designs."""

from __future__ import annotations

import numpy as np
import pytest

from geometry.derive import island_sites
from geometry.derive.islands import Islands, whole_islands
from geometry.derive.relief.merged import lower_relief
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import Pad
from geometry.model.layouts.explicit import ExplicitLayout, SiteColumns
from geometry.model.mask import Mask
from geometry.model.profiles import SteppedTapered
from tests.geometry.test_arc_islands import jittered
from tests.geometry.test_cut_islands import channel_grid


def channels_of_one_depth(seed: int) -> Design:
    """Stepped openings on a 0.5 mm pitch, jittered: holes with straight channel sides, one depth."""
    rng = np.random.default_rng(seed)
    ix, iy = np.meshgrid(np.arange(7), np.arange(7))
    x = ix.ravel() * 0.5 + rng.uniform(-0.02, 0.02, 49)
    y = iy.ravel() * 0.5 + rng.uniform(-0.02, 0.02, 49)
    return Design(Ball(0.25), Pad(0.2), ExplicitLayout(SiteColumns([f"S{k}" for k in range(49)], x, y)),
                  Mask(0.2), SteppedTapered(0.17, 45.0))


def islands_with(design: Design, monkeypatch: pytest.MonkeyPatch, **patch: int) -> Islands:
    with monkeypatch.context() as m:
        for name, value in patch.items():
            m.setattr(island_sites, name, value)
        return whole_islands(design, lower_relief(design))


@pytest.mark.parametrize("design", [jittered(14, 4.0, 1), channels_of_one_depth(10), channel_grid(9, 0.01, 3)],
                         ids=["two-radii", "channels", "two-depths"])
def test_tree_search_finds_the_grid_search_sites(design: Design, monkeypatch: pytest.MonkeyPatch) -> None:
    grid = islands_with(design, monkeypatch)
    tree = islands_with(design, monkeypatch, SMALL_POINTS=0)
    again = islands_with(design, monkeypatch, SMALL_POINTS=0, NEIGHBOURS=2)  # every island asks for all
    assert len(grid) > 0 and len(grid.site_rows) >= 2 * len(grid)
    for other in (tree, again):
        assert np.array_equal(other.site_start, grid.site_start)
        assert np.array_equal(other.site_rows, grid.site_rows)


def test_rows_sorted_column_by_column() -> None:
    rng = np.random.default_rng(5)
    for k in (1, 2, 5, 6):
        a = rng.integers(0, 10, size=(200, k))
        b = a.copy()
        island_sites._sort_rows(b)
        assert np.array_equal(b, np.sort(a, axis=1))
