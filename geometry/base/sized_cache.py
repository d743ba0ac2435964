"""A small least-recently-used cache in which many small entries cannot push out the few large ones.

The edit path keeps the generated sites of a layout and the last opening table of a design (issue 12). At a
million sites these cost a second to remake, and the incremental analysis makes a new small design (the window
around each edit) every edit: with one plain LRU, a few edits' windows would evict the million-site entries and
the next edit would pay the second again. Entries are kept in two bounded tiers instead, the large ones (by the
caller's own measure, such as a site count) apart from the small ones.

Keys are values (a layout, a design) whose equality may compare a million sites' arrays when the two are
different objects; a lookup finds an entry by identity first. So an entry is re-keyed under the key object of
the last caller that found or stored it: after one comparison by value, the next lookups with that object (the
current document's layout) find it by identity instead of comparing the arrays again (about 16 ms a lookup at a
million sites).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")
_MISSING: Any = object()  # no entry (None may be a value)


class SizedCache(Generic[V]):
    """``keep_large`` entries of size >= ``large`` and ``keep_small`` smaller ones, each tier least-recently-used;
    safe to use from the analysis thread and the window at once."""

    def __init__(self, large: int, keep_large: int, keep_small: int) -> None:
        self.large = large
        # plain dicts, oldest first (insertion order): a pop compares a key once, where OrderedDict compares it
        # up to three times
        self._tiers: tuple[dict[Hashable, V], dict[Hashable, V]] = ({}, {})
        self._keep = (keep_small, keep_large)
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The entry of ``key`` (now the most recently used of its tier, kept under this ``key`` object), or None."""
        with self._lock:
            for tier in self._tiers:
                found = tier.pop(key, _MISSING)
                if found is not _MISSING:
                    tier[key] = found
                    out: V = found
                    return out
        return None

    def put(self, key: Hashable, value: V, size: int) -> None:
        """Keep ``value`` under ``key`` in the tier its ``size`` belongs to, dropping that tier's oldest."""
        big = int(size >= self.large)
        with self._lock:
            self._tiers[1 - big].pop(key, None)
            tier = self._tiers[big]
            tier.pop(key, None)  # a new entry's key object replaces an equal old one (see the module docstring)
            tier[key] = value
            while len(tier) > self._keep[big]:
                del tier[next(iter(tier))]

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            for tier in self._tiers:
                tier.clear()

    def __len__(self) -> int:
        return sum(len(t) for t in self._tiers)
