"""Work split over threads (geometry.base.threads) and the relief's free arcs found in chunks: the same result as
one pass, in the same order."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from geometry.base import threads
from geometry.derive.relief import arcs, covered


def test_thread_map_keeps_the_items_order_and_uses_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "workers", lambda: 2)  # whatever limit an earlier test's window set
    seen: set[int] = set()

    def work(k: int) -> int:
        seen.add(threading.get_ident())
        return k * k

    assert threads.thread_map(work, list(range(8))) == [k * k for k in range(8)]
    assert threading.get_ident() not in seen  # the items ran in the pool, not in the caller
    assert threads.thread_map(work, [3]) == [9]


def test_the_window_keeps_a_core_for_painting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "_limit", [None])
    monkeypatch.setattr(threads, "cores", lambda: 2)
    assert threads.workers() == 2
    threads.limit_workers(1)
    assert threads.workers() == 1
    assert threads.thread_map(lambda k: threading.get_ident(), [1, 2, 3]) == [threading.get_ident()] * 3
    threads.limit_workers(None)
    assert threads.workers() == 2


def test_chunk_count_is_one_below_the_threshold() -> None:
    assert threads.chunk_count(10, 100) == 1
    assert threads.chunk_count(100, 100) == threads.workers()
    assert 1 <= threads.workers() <= threads.MAX_WORKERS


@pytest.mark.parametrize("seed", [1, 2])
def test_intervals_and_free_arcs_in_chunks_equal_one_pass(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 3000
    x, y = rng.uniform(0, 20, n), rng.uniform(0, 20, n)
    r = rng.uniform(0.2, 0.6, n)
    i, j, d = arcs.overlap_pairs(x, y, r)
    inside = d <= np.abs(r[i] - r[j]) + arcs.TOUCH_MM
    i, j, d = i[~inside], j[~inside], d[~inside]
    monkeypatch.setattr(covered, "PARALLEL_INTERVALS", 10**12)
    iv = covered.intervals(x, y, r, i, j, d)
    one = covered.free_arcs(iv[0], iv[1], iv[2], n)
    monkeypatch.setattr(covered, "PARALLEL_INTERVALS", 0)
    monkeypatch.setattr(threads, "workers", lambda: 3)
    iv_split = covered.intervals(x, y, r, i, j, d)
    split = covered.free_arcs(iv[0], iv[1], iv[2], n)
    assert len(one[0]) > 1000
    for a, b in zip(iv + one, iv_split + split, strict=True):
        np.testing.assert_array_equal(a, b)


def test_islands_in_chunks_equal_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """The closed-form islands of a jittered array, measured a range of holes per thread: the same islands and
    sites as one pass."""
    import dataclasses

    from geometry.derive import island_chunks
    from geometry.derive.islands import whole_islands
    from geometry.model.ball import Ball
    from geometry.model.design import Design
    from geometry.model.layouts import ExplicitLayout, ExplicitSite, Pad
    from geometry.model.mask import Mask
    from geometry.model.profiles import Tapered

    rng = np.random.default_rng(11)
    iy, ix = np.divmod(np.arange(1600), 40)
    sites = tuple(ExplicitSite(f"S{k}", 0.4 * a + rng.normal(0, 0.002), 0.4 * b + rng.normal(0, 0.002))
                  for k, (a, b) in enumerate(zip(ix.tolist(), iy.tolist(), strict=True)))
    design = Design(Ball(0.25), Pad(0.2), ExplicitLayout(sites), Mask(0.13), Tapered(60.0))
    monkeypatch.setattr(island_chunks, "PARALLEL_HOLES", 10**12)
    one = whole_islands(design)
    monkeypatch.setattr(island_chunks, "PARALLEL_HOLES", 0)
    monkeypatch.setattr(island_chunks, "CHUNK_HOLES", 400)
    split = whole_islands(design)
    assert len(one.x_mm) == 39 * 39
    for f in dataclasses.fields(one):
        np.testing.assert_array_equal(getattr(one, f.name), getattr(split, f.name))
