"""The closed-form island measure and the sites around the islands, on a large relief in threads: a range of
holes each (every hole is measured on its own, and its sites found on their own), concatenated in hole order, so
the result is the one pass's (:mod:`geometry.base.threads`)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from geometry.base.threads import chunk_count, thread_map
from geometry.derive.arc_islands import measure_arc_holes
from geometry.derive.island_sites import sites_around_arcs
from geometry.derive.rings import RingSet

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

PARALLEL_HOLES = 50_000
"""From this many holes they are measured in threads."""
CHUNK_HOLES = 250_000
"""Holes per chunk at most (a chunk's temporaries are in memory at once)."""


def _cuts(n: int) -> list[tuple[int, int]]:
    k = chunk_count(n, PARALLEL_HOLES, CHUNK_HOLES)
    edges = np.linspace(0, n, k + 1).astype(np.intp).tolist()
    return list(pairwise(edges))


def measured(rings: RingSet) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """:func:`~geometry.derive.arc_islands.measure_arc_holes`, a range of rings per thread."""
    parts = thread_map(lambda c: measure_arc_holes(rings.slice(c[0], c[1])), _cuts(len(rings)))
    if len(parts) == 1:
        return parts[0]
    x, y, ins, wid, ok = (np.concatenate([p[q] for p in parts]) for q in range(5))
    return x, y, ins, wid, ok


def sites_around(rings: RingSet, x: FloatArray, y: FloatArray, inscribed: FloatArray, cx: FloatArray,
                 cy: FloatArray, r: FloatArray) -> tuple[IntArray, IntArray]:
    """:func:`~geometry.derive.island_sites.sites_around_arcs`, a range of rings per thread (the (island, circle)
    pairs stay sorted: each range's islands follow the previous range's)."""
    def one(c: tuple[int, int]) -> tuple[IntArray, IntArray]:
        a, b = c
        isl, circle = sites_around_arcs(rings.slice(a, b), x[a:b], y[a:b], inscribed[a:b], cx, cy, r)
        return isl + a, circle

    parts = thread_map(one, _cuts(len(rings)))
    if len(parts) == 1:
        return parts[0]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
