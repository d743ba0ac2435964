"""Rows of sites by name, for a million sites: the names sorted once, then every lookup a binary search.

A Python dict of a million names costs about a second to build, and the old design-value model built one for
every edited design (issue 12). The index here sorts the names once per generated layout (numpy sorts a
million short names in tens of ms) and answers a batch of names with one ``searchsorted``. Sites made from
other sites by an edit (rows dropped, sites appended) reuse the index of the sites they came from through
:class:`EditedNameIndex`, so a single-site edit never sorts again.

A name listed twice answers its last row, as the dict built in row order did.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.intp]


def find_rows(index: NameLookup, names: Iterable[str] | NDArray[np.str_]) -> IntArray:
    """Row of each name through ``index`` (-1 where there is none), for names given as Python strings or an array.

    numpy drops trailing NUL characters of its strings, so a name asked with one (``"A1\\x00"``) would find
    ``"A1"``; such names find nothing, as with a dict of the site names.
    """
    if isinstance(names, np.ndarray):
        return index.rows(names.astype(np.str_, copy=False).reshape(-1))
    items = list(names)
    rows = index.rows(np.asarray(items, dtype=np.str_).reshape(-1))
    if any(n.endswith("\0") for n in items):
        rows[np.fromiter((n.endswith("\0") for n in items), bool, len(items))] = -1
    return rows


class NameLookup(Protocol):
    """What a Sites block asks its index: the row of each name, -1 where there is none."""

    def rows(self, names: NDArray[np.str_]) -> IntArray:
        """Row of each name in ``names`` (-1: no site of that name)."""
        ...

    def row(self, name: str) -> int:
        """Row of one name (-1: none), for callers that look names up one at a time (a few us each)."""
        ...


class NameIndex:
    """The names of a Sites block sorted once (stable, so equal names keep their row order)."""

    __slots__ = ("_listed", "_rows", "_sorted")

    def __init__(self, names: NDArray[np.str_]) -> None:
        order = np.argsort(names, kind="stable").astype(np.intp)
        self._sorted = names[order]
        self._rows = order
        self._sorted.flags.writeable = False
        self._rows.flags.writeable = False
        self._listed: list[str] | None = None

    def row(self, name: str) -> int:
        """Row of one name (-1 where absent): a binary search of the sorted names as Python strings (listed on
        the first call, about 0.1 s for a million names, where a dict of them takes over a second), since one
        numpy search per name costs tens of us and callers such as the selection look up names one by one.
        Python orders strings by code point, as numpy does, so the list is sorted the same way."""
        listed = self._listed
        if listed is None:
            listed = self._listed = self._sorted.tolist()
        i = bisect.bisect_right(listed, name) - 1
        return int(self._rows[i]) if i >= 0 and listed[i] == name else -1

    def __len__(self) -> int:
        return int(self._rows.shape[0])

    def rows(self, names: NDArray[np.str_]) -> IntArray:
        """Row of each name (-1 where absent); for a name listed twice, its last row."""
        out = np.full(names.shape[0], -1, dtype=np.intp)
        if not len(self) or not names.shape[0]:
            return out
        pos = np.searchsorted(self._sorted, names, side="right") - 1
        at = np.maximum(pos, 0)
        hit = (pos >= 0) & (self._sorted[at] == names)
        out[hit] = self._rows[at[hit]]
        return out


class EditedNameIndex:
    """The index of sites made from ``base`` sites by dropping the rows ``dropped`` (sorted, unique) and then
    appending sites whose names ``added`` indexes (rows from ``n_kept`` on).

    A name found in ``added`` wins over one in the base, as in a dict built in row order (the edit refuses an
    added name that a kept site has, so this only matters for a name that was removed and added back).
    """

    __slots__ = ("_added", "_base", "_dropped", "_dropped_list", "_n_kept")

    def __init__(self, base: NameLookup, dropped: IntArray, n_kept: int, added: NameIndex | None) -> None:
        self._base = base
        self._dropped = np.asarray(dropped, dtype=np.intp)
        self._dropped_list: list[int] = self._dropped.tolist()
        self._n_kept = n_kept
        self._added = added

    def row(self, name: str) -> int:
        """Row of one name in the edited sites (-1 where absent)."""
        if self._added is not None:
            a = self._added.row(name)
            if a >= 0:
                return self._n_kept + a
        r = self._base.row(name)
        if r < 0 or not self._dropped_list:
            return r
        before = bisect.bisect_left(self._dropped_list, r)
        if before < len(self._dropped_list) and self._dropped_list[before] == r:
            return -1
        return r - before

    def rows(self, names: NDArray[np.str_]) -> IntArray:
        """Row of each name in the edited sites (-1 where absent)."""
        r = self._base.rows(names)
        d = self._dropped
        if d.size:
            before = np.searchsorted(d, r)
            gone = (before < d.size) & (d[np.minimum(before, d.size - 1)] == r)
            r = np.where(gone | (r < 0), -1, r - before).astype(np.intp)
        if self._added is not None:
            a = self._added.rows(names)
            r = np.where(a >= 0, self._n_kept + a, r).astype(np.intp)
        return r
