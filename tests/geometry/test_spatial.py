"""geometry.base.spatial against scipy (cKDTree, connected_components) and brute-force distances.

Random point sets include coincident points, points exactly at the reach (integer coordinates, so distances
such as 3-4-5 are exact), empty and one-point inputs; the numpy grid path and the scipy path are both run.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from geometry.base import spatial
from geometry.base.spatial import components, nearest_other, pairs_within, points_near


def _as_set(i: np.ndarray, j: np.ndarray) -> set[tuple[int, int]]:
    return set(zip(i.tolist(), j.tolist(), strict=True))


def _scipy_pairs(xy: np.ndarray, reach: float) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in cKDTree(xy).query_pairs(reach)} if len(xy) else set()


def _brute_pairs(xy: np.ndarray, reach: float) -> set[tuple[int, int]]:
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    ii, jj = np.nonzero(np.triu(d2 <= reach * reach, k=1))
    return _as_set(ii, jj)


@st.composite
def point_sets(draw: st.DrawFn) -> np.ndarray:
    """Small integer-grid point sets (many exact-reach distances and duplicates), scaled by a power of two."""
    n = draw(st.integers(0, 60))
    side = draw(st.integers(1, 12))
    pts = draw(st.lists(st.tuples(st.integers(0, side), st.integers(0, side)), min_size=n, max_size=n))
    scale = draw(st.sampled_from([0.25, 1.0, 8.0]))
    return np.array(pts, dtype=np.float64).reshape(-1, 2) * scale


@settings(max_examples=200, deadline=None)
@given(point_sets(), st.sampled_from([0.0, 0.25, 1.0, 2.0, 5.0, 8.0, 40.0, 1e3]))
def test_pairs_within_is_query_pairs(xy: np.ndarray, reach: float) -> None:
    i, j = pairs_within(xy[:, 0], xy[:, 1], reach)
    assert np.all(i < j)
    assert len(i) == len(_as_set(i, j))  # each pair once
    assert _as_set(i, j) == _scipy_pairs(xy, reach) == _brute_pairs(xy, reach)


@pytest.mark.parametrize("seed", range(6))
def test_pairs_within_random_floats(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 3000))
    xy = rng.uniform(-50, 50, size=(n, 2)) * rng.uniform(0.01, 10)
    xy[rng.integers(0, n, n // 10)] = xy[rng.integers(0, n, n // 10)]  # duplicates
    reach = float(np.ptp(xy) * rng.uniform(0.001, 0.05))
    i, j = pairs_within(xy[:, 0], xy[:, 1], reach)
    assert _as_set(i, j) == _scipy_pairs(xy, reach)


def test_pairs_within_exact_reach_and_degenerate_inputs() -> None:
    x, y = np.array([0.0, 3.0, 3.0, 0.0]), np.array([0.0, 4.0, 4.0, 5.0000001])
    # (0, 1) and (0, 2) are 3-4-5 triangles, exactly at the reach; (0, 3) is just past it
    assert _as_set(*pairs_within(x, y, 5.0)) == {(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)}
    assert _as_set(*pairs_within(x, y, 5.0)) == _scipy_pairs(np.column_stack([x, y]), 5.0)
    assert _as_set(*pairs_within(x, y, 0.0)) == {(1, 2)}  # the duplicates
    for n in (0, 1):
        i, j = pairs_within(np.zeros(n), np.zeros(n), 1.0)
        assert i.shape == j.shape == (0,)
    assert _as_set(*pairs_within(x, y, -1.0)) == set()
    # all points in one place, and one point far away: the grid must not alias cells
    x2, y2 = np.r_[np.zeros(5), 1e6], np.r_[np.zeros(5), -1e6]
    assert _as_set(*pairs_within(x2, y2, 1e-9)) == _scipy_pairs(np.column_stack([x2, y2]), 1e-9)


def test_pairs_within_delegates_to_scipy_when_large(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 10, size=(500, 2))
    monkeypatch.setattr(spatial, "SMALL_POINTS", 100)
    assert _as_set(*pairs_within(xy[:, 0], xy[:, 1], 0.5)) == _scipy_pairs(xy, 0.5)
    monkeypatch.setattr(spatial, "SMALL_POINTS", 20_000)
    monkeypatch.setattr(spatial, "MAX_CANDIDATES", 10)  # a crowded grid hands over too
    assert _as_set(*pairs_within(xy[:, 0], xy[:, 1], 0.5)) == _scipy_pairs(xy, 0.5)


@settings(max_examples=150, deadline=None)
@given(point_sets(), point_sets(), st.sampled_from([0.0, 1.0, 2.5, 8.0, 100.0]), st.booleans())
def test_points_near_is_query_ball_point(q: np.ndarray, p: np.ndarray, reach: float, per_query: bool) -> None:
    r = np.linspace(0.0, reach, len(q)) if per_query else reach
    a, b = points_near(q[:, 0], q[:, 1], p[:, 0], p[:, 1], r)
    got = _as_set(a, b)
    assert len(got) == len(a)
    want: set[tuple[int, int]] = set()
    if len(q) and len(p):
        for k, hits in enumerate(cKDTree(p).query_ball_point(q, r)):
            want |= {(k, int(h)) for h in hits}
    assert got == want


@settings(max_examples=200, deadline=None)
@given(point_sets())
def test_nearest_other_matches_kdtree(xy: np.ndarray) -> None:
    d, k = nearest_other(xy[:, 0], xy[:, 1])
    n = len(xy)
    if n < 2:
        assert np.all(np.isinf(d)) and np.all(k == -1)
        return
    want, _ = cKDTree(xy).query(xy, k=2)
    assert np.array_equal(d, want[:, 1])
    assert np.all(k != np.arange(n))  # never the point itself, even on a duplicate
    assert np.array_equal(np.hypot(*(xy[k] - xy).T), d)  # the index names a point at that distance


def test_nearest_other_outliers_and_scipy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(11)
    xy = np.vstack([rng.uniform(0, 1, size=(400, 2)), [[500.0, -300.0], [900.0, 900.0]]])
    want, _ = cKDTree(xy).query(xy, k=2)
    for small in (20_000, 10):
        monkeypatch.setattr(spatial, "SMALL_POINTS", small)
        d, k = nearest_other(xy[:, 0], xy[:, 1])
        assert np.allclose(d, want[:, 1], rtol=0, atol=1e-12)
        assert np.allclose(np.hypot(*(xy[k] - xy).T), d, rtol=0, atol=1e-12)
        assert np.all(k != np.arange(len(xy)))


def _scipy_components(n: int, i: np.ndarray, j: np.ndarray) -> tuple[int, np.ndarray]:
    g = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    k, labels = connected_components(g, directed=False)
    return int(k), labels


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 80).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0))),
                         max_size=3 * n if n else 0))))
def test_components_match_scipy(graph: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = graph
    e = np.array(edges, dtype=np.intp).reshape(-1, 2)
    k, labels = components(n, e[:, 0], e[:, 1])
    k_want, want = _scipy_components(n, e[:, 0], e[:, 1])
    assert k == k_want
    assert np.array_equal(labels, want)  # the same labels, not only the same partition


def test_components_long_paths_and_scipy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    n = 5000
    perm = rng.permutation(n)  # one long path in shuffled node order, plus a second path and loners
    i, j = perm[:3000 - 1], perm[1:3000]
    i2, j2 = perm[3100:4999], perm[3101:5000]
    ei, ej = np.r_[i, j2], np.r_[j, i2]
    k_want, want = _scipy_components(n, ei, ej)
    for small in (20_000, 10):
        monkeypatch.setattr(spatial, "SMALL_POINTS", small)
        k, labels = components(n, ei, ej)
        assert k == k_want == 2 + 100
        assert np.array_equal(labels, want)
