"""Site names to site rows without a table of every name: the rows a few edits or overrides refer to.

Edits and profile overrides name sites (``C07R12:A1``). Finding their rows through a dictionary of every site name
costs about a second on a wafer of a million sites, far more than the edit itself. A layout of repeated units
says where each unit's sites are (:class:`geometry.model.layouts.base.UnitRepetition`: unit k's sites follow
unit k - 1's, each in its type's order), so a name splits into its unit and its name in the unit, and its row is
the unit's first row plus the site's row in the unit: a dictionary of the unit names and one of a unit's site
names. Other layouts use the dictionary of all names, which for them is small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from geometry.base.arrays import distinct
from geometry.model.layouts.base import Layout, Pad
from geometry.model.layouts.edits import SiteEdits

IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class _Units:
    """Where each unit's sites start, and each unit type's site rows by name."""

    index: dict[str, int]
    start: IntArray
    type_of: IntArray
    local: tuple[dict[str, int], ...]
    separator: str
    total: int


@lru_cache(maxsize=16)
def _units(layout: Layout, pad: Pad) -> _Units | dict[str, int]:
    rep = layout.repetition(pad)
    if rep is None:
        return {n: k for k, n in enumerate(layout.generate(pad).names.tolist())}
    local = tuple({n: j for j, n in enumerate(t.layout.generate(pad).names.tolist())} for t in rep.types)
    type_of = rep.unit_types()
    counts = np.array([len(d) for d in local], dtype=np.intp)[type_of]
    start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp) if len(counts) else np.zeros(0, np.intp)
    return _Units({n: k for k, n in enumerate(rep.names)}, start, type_of, local, rep.separator, int(counts.sum()))


def generated_rows(layout: Layout, pad: Pad, names: Sequence[str]) -> IntArray:
    """The row of each name among the sites ``layout`` generates, -1 for a name it does not generate."""
    u = _units(layout, pad)  # type: ignore[arg-type]  # layouts are frozen dataclasses
    if isinstance(u, dict):
        return np.array([u.get(n, -1) for n in names], dtype=np.intp)
    out = np.full(len(names), -1, dtype=np.intp)
    for i, name in enumerate(names):
        unit, sep, site = name.partition(u.separator)
        k = u.index.get(unit) if sep else None
        if k is not None:
            j = u.local[int(u.type_of[k])].get(site)
            if j is not None:
                out[i] = int(u.start[k]) + j
    return out


def edited_rows(layout: Layout, pad: Pad, edits: SiteEdits, names: Sequence[str]) -> IntArray:
    """The row of each name among the edited sites (:func:`geometry.model.layouts.edits.build_sites`: generated
    sites less the removed ones, then the added ones), -1 for a name that is not a site."""
    gen = generated_rows(layout, pad, names)
    if edits.is_empty():
        return gen
    gone = removed_rows(layout, pad, edits)
    out = np.full(len(names), -1, dtype=np.intp)
    hit = gen >= 0
    if len(gone):
        pos = np.searchsorted(gone, gen)
        present = hit & ~((pos < len(gone)) & (gone[np.minimum(pos, len(gone) - 1)] == gen))
        out[present] = gen[present] - pos[present]
    else:
        out[hit] = gen[hit]
    if edits.added:
        n_kept = _total(layout, pad) - len(gone)
        added = {a.name: n_kept + k for k, a in enumerate(edits.added)}
        for i, name in enumerate(names):
            if out[i] < 0 and name in added:
                out[i] = added[name]
    return out


def removed_rows(layout: Layout, pad: Pad, edits: SiteEdits) -> IntArray:
    """Sorted rows of the generated sites that ``edits`` remove."""
    rows = generated_rows(layout, pad, edits.removed)
    return distinct(rows[rows >= 0]).astype(np.intp)


def _total(layout: Layout, pad: Pad) -> int:
    u = _units(layout, pad)  # type: ignore[arg-type]  # layouts are frozen dataclasses
    return len(u) if isinstance(u, dict) else u.total
