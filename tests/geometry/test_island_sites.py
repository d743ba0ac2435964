"""The sites around closed-form islands (geometry.derive.island_sites): the KD-tree search of large designs, with
its padded rows sorted column by column, and its re-query where an island has more candidates than it asked for,
find the same sites as the numpy cell grid of small designs."""

from __future__ import annotations

import numpy as np
import pytest

from geometry.derive import island_sites
from geometry.derive.arc_islands import measure_rings
from geometry.derive.islands import Islands, whole_islands
from geometry.derive.openings import opening_table
from geometry.derive.relief.merged import lower_relief
from geometry.derive.rings import RingSet, bulge_centres
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


def reference_touching(rings: RingSet, isl: np.ndarray, cand: np.ndarray, cx: np.ndarray, cy: np.ndarray,
                       r: np.ndarray, near: np.ndarray) -> np.ndarray:
    """The rule written plainly: own circles by their exact arcs' circles, the others by their distance."""
    nxt = rings._next_index()
    arc = rings.bulge != 0
    arc_c, arc_r = np.full((len(arc), 2), np.nan), np.full(len(arc), np.nan)
    arc_c[arc], arc_r[arc] = bulge_centres(rings.xy[arc], rings.xy[nxt[arc]], rings.bulge[arc])
    tol = island_sites.SAME_CIRCLE_MM
    out = np.zeros(len(isl), dtype=bool)
    for p, (i, c) in enumerate(zip(isl.tolist(), cand.tolist(), strict=True)):
        e = np.arange(rings.start[i], rings.start[i + 1])
        own = (np.abs(arc_c[e, 0] - cx[c]) <= tol) & (np.abs(arc_c[e, 1] - cy[c]) <= tol) & (
            np.abs(arc_r[e] - r[c]) <= tol)
        gap = island_sites._point_arc_distance(np.full(len(e), cx[c]), np.full(len(e), cy[c]), rings.xy[e],
                                               rings.xy[nxt[e]], arc_c[e], arc_r[e], rings.bulge[e]).min()
        out[p] = own.any() or gap - r[c] <= near[i]
    return out


@pytest.mark.parametrize("design", [jittered(6, 4.0, 2), channels_of_one_depth(11)], ids=["arcs", "channels"])
def test_circles_at_the_limits_of_the_rule(design: Design) -> None:
    # every hole against every site, the sites' circles moved by about the tolerance of the own-circle test (those
    # through the island's vertices are sure at once), and small circles in the holes, away from their vertices
    # (only the rule itself finds that they touch): the same pairs as the rule written plainly
    relief = lower_relief(design)
    rings = relief.rings.subset(relief.rings.hole)
    t = opening_table(design)
    cx, cy, r = t.lower_x_mm[t.rows], t.lower_y_mm[t.rows], t.lower_mm[t.rows] / 2.0
    rng = np.random.default_rng(4)
    tol = island_sites.SAME_CIRCLE_MM
    shifts = rng.choice([0.0, tol - 1e-13, tol, tol + 1e-13, 2 * tol], size=(3, len(cx)))
    cx, cy, r = cx + shifts[0] * rng.choice([-1.0, 1.0], len(cx)), cy + shifts[1], r - shifts[2]
    m = measure_rings(rings)
    cx, cy, r = np.concatenate([cx, m.px]), np.concatenate([cy, m.py]), np.concatenate([r, np.full(len(m.px), 0.01)])
    n, k = len(rings), len(cx)
    isl, cand = np.repeat(np.arange(n), k), np.tile(np.arange(k), n)
    near = m.inscribed / 2.0 + 1e-6
    got = island_sites._touching(rings, np.diff(rings.start), isl, cand, cx, cy, r, near)
    want = reference_touching(rings, isl, cand, cx, cy, r, near)
    assert np.array_equal(got, want)
    assert 0 < got.sum() < len(got)
    assert got[(cand == len(t.rows) + isl)].all()  # each hole's own small circle, found by the rule itself
