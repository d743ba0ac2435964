"""The findings kept by check and by what they are anchored to, so that an edit recomputes only its own.

Per check family (``Check.scope`` and what each check reads, see docs/checks.md):

* pair checks of neighbours (ball-gap, web-upper, overlap, web-lower, ridge): a finding depends on its two
  sites only, so the findings naming a changed site are recomputed on the window design;
* checks of openings (ball-pass, single-ball, hold, stack, taper-angle, landing, hole-size, flux-clear, margin):
  one finding per group of sites sharing an opening (and pad); only the groups a changed site leaves or joins
  are recomputed, over the whole design's arrays (:class:`GroupContext`, the groups' rows found once per
  update by :class:`GroupRows`). Those of ``Scope.OPENING`` decide on the opening (and pad) alone, so a group
  that existed and had no finding keeps none (:func:`group_counts` says which groups exist); the margin reads
  the sites' spread and is recomputed from each group's radius (:mod:`geometry.analysis.live_margins`);
* edge: per site against the outline, which stays put unless the sites' bounds move (then a full recompute);
  the engine keeps the bounds and gives the outline to the check (:class:`RowsContext`);
* pitch, thermal, span and lower-island are handled by the engine (:mod:`geometry.analysis.live`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from geometry.checks.base import CheckContext
from geometry.checks.records import Violation
from geometry.derive.openings import OpeningTable
from geometry.derive.pairs import MergeGraph
from geometry.model.design import Design
from geometry.model.materials import Limits
from geometry.model.profiles import Opening

IntArray = NDArray[np.intp]

PAIR_CHECKS = ("ball-gap", "web-upper", "overlap", "web-lower", "ridge")
OPENING_CHECKS = ("ball-pass", "single-ball", "hold", "stack", "taper-angle", "hole-size")
PAD_CHECKS = ("landing", "flux-clear", "margin")
GroupKey = tuple[Opening, float | None]


def no_graph() -> MergeGraph:
    """An empty merge graph, for contexts whose checks never read it."""
    e = np.zeros(0, dtype=np.intp)
    f = np.zeros(0)
    b = np.zeros(0, dtype=bool)
    return MergeGraph(e, e, f, f, b, b, b, b, f)


class GroupRows:
    """The populated rows of an opening table's groups, each found once (a pass over every site) and shared by
    all the group checks of one update: nine checks over the same large group otherwise repeat that pass."""

    def __init__(self, table: OpeningTable) -> None:
        self.table = table
        self._of_index: dict[int, IntArray] = {}
        self._of_pad: dict[tuple[int, float], IntArray] = {}

    def of_index(self, k: int) -> IntArray:
        """The rows whose opening is ``table.openings[k]`` (populated, in row order)."""
        rows = self._of_index.get(k)
        if rows is None:
            rows = self._of_index[k] = np.flatnonzero(self.table.which == k).astype(np.intp)
        return rows

    def of_index_and_pad(self, k: int, pad: float) -> IntArray:
        """The rows of opening ``k`` whose pad diameter is ``pad``."""
        rows = self._of_pad.get((k, pad))
        if rows is None:
            mine = self.of_index(k)
            rows = self._of_pad[(k, pad)] = mine[self.table.sites.pad_mm[mine] == pad]
        return rows


@dataclass(frozen=True, eq=False)
class GroupContext(CheckContext):
    """A check context over the whole design that lists only some opening groups (the ones an edit touched).

    The group checks iterate :meth:`opening_groups` / :meth:`groups_by_opening_and_pad`; listing only the
    touched groups makes them report exactly those groups' findings, with every site of each group. Their rows
    come from ``group_rows``, which the contexts of one update share.
    """

    keys: frozenset[GroupKey] = field(default=frozenset())
    group_rows: GroupRows | None = None

    def _rows(self) -> GroupRows:
        if self.group_rows is None:
            object.__setattr__(self, "group_rows", GroupRows(self.table))
        assert self.group_rows is not None
        return self.group_rows

    def opening_groups(self) -> list[tuple[Opening, IntArray]]:
        """The touched openings and all their populated rows."""
        out = []
        for k, o in enumerate(self.table.openings):
            if (o, None) in self.keys:
                rows = self._rows().of_index(k)
                if len(rows):
                    out.append((o, rows))
        return out

    def groups_by_opening_and_pad(self) -> list[tuple[Opening, float, IntArray]]:
        """The touched (opening, pad) groups and all their populated rows."""
        out = []
        for k, o in enumerate(self.table.openings):
            pads = [p for (oo, p) in self.keys if p is not None and oo == o]
            for p in sorted(pads):
                rows = self._rows().of_index_and_pad(k, p)
                if len(rows):
                    out.append((o, p, rows))
        return out

    def first_sites(self) -> dict[str, GroupKey]:
        """The name of every touched group's first site, with the group's (opening, pad) key: a group
        finding names its group's sites in row order."""
        out: dict[str, GroupKey] = {}
        names = self.sites.names
        for o, rows in self.opening_groups():
            out[str(names[rows[0]])] = (o, float(self.sites.pad_mm[rows[0]]))
        for o, p, rows in self.groups_by_opening_and_pad():
            out[str(names[rows[0]])] = (o, p)
        return out


def group_keys(table: OpeningTable, rows: IntArray) -> set[GroupKey]:
    """The group keys (opening; opening and pad) of some rows (rows without an opening have none)."""
    out: set[GroupKey] = set()
    for r in rows.tolist():
        o = table.opening_of(r)
        if o is not None:
            out.add((o, None))
            out.add((o, float(table.sites.pad_mm[r])))
    return out


def group_counts(table: OpeningTable) -> dict[GroupKey, int]:
    """How many populated sites each group key (opening; opening and pad) has (one sort of every site)."""
    rows = table.rows
    out: dict[GroupKey, int] = {}
    if not len(rows):
        return out
    pads, pad_of = np.unique(table.sites.pad_mm[rows], return_inverse=True)
    key = table.which[rows].astype(np.int64) * len(pads) + pad_of.reshape(-1)
    uniq, count = np.unique(key, return_counts=True)
    for k, n in zip(uniq.tolist(), count.tolist(), strict=True):
        o = table.openings[k // len(pads)]
        for gk in ((o, None), (o, float(pads[k % len(pads)]))):
            out[gk] = out.get(gk, 0) + n
    return out


def counts_after(counts: dict[GroupKey, int], old: OpeningTable, new: OpeningTable,
                 rows: IntArray) -> dict[GroupKey, int]:
    """The group counts once the sites ``rows`` went from ``old``'s groups to ``new``'s (every other row keeps
    its group)."""
    out = dict(counts)
    for table, step in ((old, -1), (new, 1)):
        for r in rows.tolist():
            o = table.opening_of(r)
            if o is None:
                continue
            for gk in ((o, None), (o, float(table.sites.pad_mm[r]))):
                n = out.get(gk, 0) + step
                if n:
                    out[gk] = n
                else:
                    out.pop(gk, None)
    return out


def finding_key(check: str, table: OpeningTable, row: int) -> GroupKey:
    """The group a group-check finding belongs to, from its first site's row."""
    o = table.opening_of(row)
    assert o is not None, "group findings name populated sites"
    return (o, float(table.sites.pad_mm[row]) if check in PAD_CHECKS else None)


def group_context(design: Design, table: OpeningTable, keys: set[GroupKey], limits: Limits,
                  group_rows: GroupRows | None = None) -> GroupContext:
    """The context of :class:`GroupContext` for a design whose opening table is ``table``."""
    return GroupContext(design, table.sites, table, limits, no_graph(), frozenset(keys), group_rows)


@dataclass(frozen=True, eq=False)
class RowsContext(CheckContext):
    """A context of some rows of a design, with the design's outline given (the caller knows it without a pass
    over every site)."""

    outline: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    def outline_rect(self) -> tuple[float, float, float, float]:
        """The whole design's outline rectangle."""
        return self.outline


def rows_context(design: Design, table: OpeningTable, rows: IntArray, limits: Limits,
                 outline: tuple[float, float, float, float] | None = None) -> CheckContext:
    """A context whose populated rows are only ``rows`` (for per-site checks such as edge); ``outline``: the
    design's outline rectangle, when the caller has it."""
    keep = rows[table.which[rows] >= 0]
    sub = replace(table, rows=np.sort(keep))
    if outline is None:
        return CheckContext(design, table.sites, sub, limits, no_graph())
    return RowsContext(design, table.sites, sub, limits, no_graph(), outline)


def names_hit(v: Violation, names: set[str]) -> bool:
    """Whether a finding names one of ``names``."""
    return any(n in names for n in v.sites)


def canonical(violations: tuple[Violation, ...] | list[Violation]) -> list[tuple[object, ...]]:
    """Findings as sorted tuples (for comparing reports whose order within a check may differ)."""
    return sorted((v.check, str(v.severity), v.sites, round(v.x_mm, 9), round(v.y_mm, 9), round(v.measured, 9),
                   round(v.limit, 9), v.unit, v.message) for v in violations)
