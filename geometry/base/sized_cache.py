"""A small least-recently-used cache in which many small entries cannot push out the few large ones.

The edit path keeps the generated sites of a layout and the last opening table of a design (issue 12). At a
million sites these cost a second to remake, and the incremental analysis makes a new small design (the window
around each edit) every edit: with one plain LRU, a few edits' windows would evict the million-site entries and
the next edit would pay the second again. Entries are kept in two bounded tiers instead, the large ones (by the
caller's own measure, such as a site count) apart from the small ones.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class SizedCache(Generic[V]):
    """``keep_large`` entries of size >= ``large`` and ``keep_small`` smaller ones, each tier least-recently-used;
    safe to use from the analysis thread and the window at once."""

    def __init__(self, large: int, keep_large: int, keep_small: int) -> None:
        self.large = large
        self._tiers: tuple[OrderedDict[Hashable, V], OrderedDict[Hashable, V]] = (OrderedDict(), OrderedDict())
        self._keep = (keep_small, keep_large)
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The entry of ``key`` (now the most recently used of its tier), or None."""
        with self._lock:
            for tier in self._tiers:
                if key in tier:
                    tier.move_to_end(key)
                    return tier[key]
        return None

    def put(self, key: Hashable, value: V, size: int) -> None:
        """Keep ``value`` under ``key`` in the tier its ``size`` belongs to, dropping that tier's oldest."""
        big = int(size >= self.large)
        with self._lock:
            self._tiers[1 - big].pop(key, None)
            tier = self._tiers[big]
            tier[key] = value
            tier.move_to_end(key)
            while len(tier) > self._keep[big]:
                tier.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            for tier in self._tiers:
                tier.clear()

    def __len__(self) -> int:
        return sum(len(t) for t in self._tiers)
