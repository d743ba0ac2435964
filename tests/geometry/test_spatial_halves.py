"""``pairs_within`` on a large set queries two halves of the plane in threads: the same pairs as one tree."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from geometry.base import spatial, threads


def tree_pairs(x: np.ndarray, y: np.ndarray, reach: float) -> set[tuple[int, int]]:
    p = cKDTree(np.column_stack([x, y])).query_pairs(reach)
    return {(min(a, b), max(a, b)) for a, b in p}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_halves_find_every_pair_once(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spatial, "PARALLEL_POINTS", 100)
    monkeypatch.setattr(spatial, "SMALL_POINTS", 100)  # (below it a cell grid answers)
    monkeypatch.setattr(spatial, "workers", lambda: 2)
    monkeypatch.setattr(threads, "workers", lambda: 2)
    halves = []
    real = spatial._pairs_in_two_halves
    monkeypatch.setattr(spatial, "_pairs_in_two_halves", lambda *a: halves.append(1) or real(*a))
    rng = np.random.default_rng(seed)
    n = 3000
    # a jittered grid at 0.4 mm (the reach finds the row and the diagonal neighbours), with duplicates, points on
    # the median column and pairs exactly the reach apart across it
    ix, iy = np.divmod(np.arange(n), 60)
    x = ix * 0.4 + rng.normal(0.0, 0.01, n)
    y = iy * 0.4 + rng.normal(0.0, 0.01, n)
    mid = float(np.median(x))
    x[:40] = mid
    x[40:80], y[40:80] = mid - 0.25, y[:40]
    x[80:120], y[80:120] = mid + 0.25, y[:40]  # 0.5 apart from the previous forty: exactly the reach
    x[120:130], y[120:130] = x[130:140], y[130:140]  # duplicates
    reach = 0.5
    i, j = spatial.pairs_within(x, y, reach)
    got = list(zip(i.tolist(), j.tolist(), strict=True))
    assert len(got) == len(set(got))  # none twice
    assert all(a < b for a, b in got)
    assert set(got) == tree_pairs(x, y, reach)
    assert halves == [1]
