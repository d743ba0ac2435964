"""The column-wise path for holes bounded only by circles (geometry.derive.circle_holes) against the general
closed form of geometry.derive.arc_islands: the same arithmetic in the same order, so every output is
bit-identical, on a jittered array's holes and on triples whose equations are parallel."""

from __future__ import annotations

import numpy as np
import pytest

from geometry.derive import arc_islands, circle_holes
from geometry.derive.relief.merged import lower_relief
from geometry.derive.rings import RingSet, bulge_centres
from tests.geometry.test_arc_islands import jittered


def frames(rings: RingSet, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The rings of m vertices in their own frames, as measure_rings hands them to a group."""
    lengths = np.diff(rings.start)
    sel = np.flatnonzero(lengths == m)
    idx = rings.start[sel][:, None] + np.arange(m)[None, :]
    v = rings.xy[idx]
    return v - v[:, 0, :].copy()[:, None, :], rings.bulge[idx]


@pytest.mark.parametrize("seed", [1, 2])
def test_circle_holes_are_measured_bit_identically_to_the_general_path(seed: int) -> None:
    relief = lower_relief(jittered(14, 4.0, seed))
    holes = relief.rings.subset(relief.rings.hole)
    assert not (holes.bulge == 0).any()
    v, b = frames(holes, 4)
    assert len(b) == 13 * 13
    fast = circle_holes.measure_circle_group(v, b)
    slow = arc_islands._measure_group(v, b)
    assert fast[-1].all()
    for a, e in zip(fast, slow, strict=True):
        assert np.array_equal(a, e)
    # the circles, found with the centroids' shared terms, are the relief's own formula's
    w = np.roll(v, -1, axis=1)
    cx, cy, r, _, _ = circle_holes._circles_and_centroids(v[..., 0].T, v[..., 1].T, w[..., 0].T, w[..., 1].T, b.T)
    c, rr = bulge_centres(v.reshape(-1, 2), w.reshape(-1, 2), b.reshape(-1))
    assert np.array_equal(cx.T.ravel(), c[:, 0]) and np.array_equal(cy.T.ravel(), c[:, 1])
    assert np.array_equal(r.T.ravel(), rr)


def elements(c: np.ndarray, r: np.ndarray) -> arc_islands._Elements:
    """Distance elements of rings of circles only (the general path's input to its candidate solve)."""
    n, m = r.shape
    return arc_islands._Elements(np.zeros((n, m), dtype=bool), c, r, np.zeros((n, m, 2)), np.zeros((n, m)))


def test_candidates_with_parallel_equations_match_the_general_solve() -> None:
    rng = np.random.default_rng(7)
    n, m = 64, 5
    c = rng.normal(size=(n, m, 2))
    r = rng.uniform(0.1, 0.3, size=(n, m))
    # rows 0..9: circles 1 and 2 in line with circle 0 and of equal radii (their equations relative to circle 0
    # are parallel), the case solved apart
    c[:10, 2] = c[:10, 0] + 2.5 * (c[:10, 1] - c[:10, 0])
    r[:10, 2] = r[:10, 1]
    # rows 10..39: circle 2 off that line by about the parallel test's limit, |det| = 1e-10 |a1| |a2| give or
    # take a few units in the last place (decided by the test as written, not by its squared form)
    a1 = c[10:40, 1] - c[10:40, 0]
    normal = np.stack([-a1[:, 1], a1[:, 0]], axis=1) / np.hypot(a1[:, 0], a1[:, 1])[:, None]
    along = 2.5 * a1
    off = 1e-10 * np.hypot(along[:, 0], along[:, 1]) * (1.0 + rng.choice([-3e-16, 0.0, 3e-16, 1e-12], 30))
    c[10:40, 2] = c[10:40, 0] + along + normal * off[:, None]
    px, py, rho, three = arc_islands._candidates(elements(c, r))
    assert not three.any()
    cx, cy = np.ascontiguousarray(c[..., 0].T), np.ascontiguousarray(c[..., 1].T)
    qx, qy, qr = circle_holes._candidates(cx, cy, np.ascontiguousarray(r.T))
    for a, e in ((qx, px), (qy, py), (qr, rho)):
        assert np.array_equal(a.T, e, equal_nan=True)
    # the parallel triple really was solved (a finite radius from the difference of its equations)
    assert np.isfinite(qr[0, :10]).all()


def test_hull_width_of_a_non_convex_quadrilateral_uses_its_diagonal() -> None:
    # the fourth vertex inside the triangle of the others: the hull is that triangle, one side a diagonal
    v = np.array([[[0.0, 0.0], [2.0, 0.0], [0.5, 0.5], [0.0, 2.0]]])
    vx, vy = np.ascontiguousarray(v[..., 0].T), np.ascontiguousarray(v[..., 1].T)
    assert np.array_equal(circle_holes._hull_width(vx, vy), arc_islands._hull_width(v))
    assert circle_holes._hull_width(vx, vy)[0] == pytest.approx(np.sqrt(2.0))


@pytest.mark.parametrize("m", [3, 5, 7, 8, 12])
def test_rings_of_any_length_sum_their_edges_in_the_general_paths_order(m: int) -> None:
    # m arcs bulging into a jittered m-gon: below 8 edges numpy sums a ring's edges one by one, from 8 on
    # pairwise; the column-wise sums follow both
    rng = np.random.default_rng(m)
    n = 300
    angle = -np.linspace(0.0, 2.0 * np.pi, m, endpoint=False)[None, :] + rng.normal(0.0, 0.05, (n, m))
    v = np.stack([np.cos(angle), np.sin(angle)], axis=-1) * rng.uniform(0.5, 2.0, (n, 1, 1))
    v = v - v[:, 0, :].copy()[:, None, :]
    b = rng.uniform(0.05, 0.3, (n, m))
    fast = circle_holes.measure_circle_group(v, b)
    slow = arc_islands._measure_group(v, b)
    for a, e in zip(fast, slow, strict=True):
        assert np.array_equal(a, e, equal_nan=True)
    assert fast[-1].any()
