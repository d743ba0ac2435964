"""The findings kept by check and by what they are anchored to, so that an edit recomputes only its own.

Per check family (``Check.scope`` and what each check reads, see docs/checks.md):

* pair checks of neighbours (ball-gap, web-upper, overlap, web-lower, ridge): a finding depends on its two
  sites only, so the findings naming a changed site are recomputed on the window design;
* checks of openings (ball-pass, single-ball, hold, stack, taper-angle, landing, hole-size, flux-clear, margin):
  one finding per group of sites sharing an opening (and pad); only the groups a changed site leaves or joins
  are recomputed, over the whole design's arrays (:class:`GroupContext`);
* edge: per site against the outline, which stays put unless the sites' bounds move (then a full recompute);
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


@dataclass(frozen=True, eq=False)
class GroupContext(CheckContext):
    """A check context over the whole design that lists only some opening groups (the ones an edit touched).

    The group checks iterate :meth:`opening_groups` / :meth:`groups_by_opening_and_pad`; listing only the
    touched groups makes them report exactly those groups' findings, with every site of each group.
    """

    keys: frozenset[GroupKey] = field(default=frozenset())

    def opening_groups(self) -> list[tuple[Opening, IntArray]]:
        """The touched openings and all their populated rows."""
        out = []
        for k, o in enumerate(self.table.openings):
            if (o, None) in self.keys:
                rows = np.flatnonzero(self.table.which == k)
                if len(rows):
                    out.append((o, rows))
        return out

    def groups_by_opening_and_pad(self) -> list[tuple[Opening, float, IntArray]]:
        """The touched (opening, pad) groups and all their populated rows."""
        out = []
        for k, o in enumerate(self.table.openings):
            pads = [p for (oo, p) in self.keys if p is not None and oo == o]
            if not pads:
                continue
            mine = np.flatnonzero(self.table.which == k)
            pad = self.sites.pad_mm[mine]
            for p in sorted(pads):
                rows = mine[pad == p]
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


def finding_key(check: str, table: OpeningTable, row: int) -> GroupKey:
    """The group a group-check finding belongs to, from its first site's row."""
    o = table.opening_of(row)
    assert o is not None, "group findings name populated sites"
    return (o, float(table.sites.pad_mm[row]) if check in PAD_CHECKS else None)


def group_context(design: Design, table: OpeningTable, keys: set[GroupKey]) -> GroupContext:
    """The context of :class:`GroupContext` for a design whose opening table is ``table``."""
    return GroupContext(design, table.sites, table, design.effective_limits(), no_graph(), frozenset(keys))


def rows_context(design: Design, table: OpeningTable, rows: IntArray) -> CheckContext:
    """A context whose populated rows are only ``rows`` (for per-site checks such as edge)."""
    keep = rows[table.which[rows] >= 0]
    return CheckContext(design, table.sites, replace(table, rows=np.sort(keep)), design.effective_limits(),
                        no_graph())


def names_hit(v: Violation, names: set[str]) -> bool:
    """Whether a finding names one of ``names``."""
    return any(n in names for n in v.sites)


def canonical(violations: tuple[Violation, ...] | list[Violation]) -> list[tuple[object, ...]]:
    """Findings as sorted tuples (for comparing reports whose order within a check may differ)."""
    return sorted((v.check, str(v.severity), v.sites, round(v.x_mm, 9), round(v.y_mm, 9), round(v.measured, 9),
                   round(v.limit, 9), v.unit, v.message) for v in violations)
