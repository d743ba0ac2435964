"""Hand edits on top of a generated layout, and the one function that applies them.

Edits are stored by site name so that they survive a change of the generator's parameters where the names
still exist (a grid grown by a row keeps its depopulated sites).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from geometry.base.arrays import distinct
from geometry.base.errors import DesignError, require_finite
from geometry.base.sized_cache import SizedCache
from geometry.model.hashed import HashedOnce
from geometry.model.layouts.base import Layout, Pad
from geometry.model.layouts.explicit import ExplicitSite, sites_from_explicit
from geometry.model.sites import Sites, SiteState


@dataclass(frozen=True, slots=True)
class SiteMove:
    """Move the site ``name`` by (dx_mm, dy_mm) from its generated position."""

    name: str
    dx_mm: float
    dy_mm: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "dx_mm", require_finite("dx_mm", self.dx_mm))
        object.__setattr__(self, "dy_mm", require_finite("dy_mm", self.dy_mm))


@dataclass(frozen=True, slots=True, eq=False)
class SiteEdits(HashedOnce):
    """Depopulated / restored sites, moves, added and removed sites, all by name, sorted for stable files."""

    depopulated: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()
    moves: tuple[SiteMove, ...] = ()
    added: tuple[ExplicitSite, ...] = ()
    removed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "depopulated", tuple(sorted(set(self.depopulated))))
        object.__setattr__(self, "restored", tuple(sorted(set(self.restored))))
        object.__setattr__(self, "removed", tuple(sorted(set(self.removed))))
        object.__setattr__(self, "moves", tuple(sorted(self.moves, key=lambda m: m.name)))
        object.__setattr__(self, "added", tuple(self.added))
        both = set(self.depopulated) & set(self.restored)
        if both:
            raise DesignError("depopulated", sorted(both)[0], "a site cannot be both depopulated and restored")
        names = [m.name for m in self.moves]
        if len(names) != len(set(names)):
            raise DesignError("moves", names, "a site is moved twice")

    def is_empty(self) -> bool:
        """True when there are no edits."""
        return not (self.depopulated or self.restored or self.moves or self.added or self.removed)

    def with_state(self, names: list[str] | tuple[str, ...], state: SiteState) -> SiteEdits:
        """Edits that set ``names`` to ``state`` (later edits win over earlier ones)."""
        s = set(names)
        if state == SiteState.DEPOPULATED:
            return SiteEdits(tuple(set(self.depopulated) | s), tuple(set(self.restored) - s),
                             self.moves, self.added, self.removed)
        return SiteEdits(tuple(set(self.depopulated) - s), tuple(set(self.restored) | s),
                         self.moves, self.added, self.removed)

    def with_moves(self, names: list[str] | tuple[str, ...], dx_mm: float, dy_mm: float) -> SiteEdits:
        """Edits that move ``names`` by a further (dx, dy)."""
        by_name = {m.name: m for m in self.moves}
        for n in names:
            old = by_name.get(n)
            by_name[n] = SiteMove(n, (old.dx_mm if old else 0.0) + dx_mm, (old.dy_mm if old else 0.0) + dy_mm)
        return SiteEdits(self.depopulated, self.restored, tuple(by_name.values()), self.added, self.removed)

    def with_added(self, site: ExplicitSite) -> SiteEdits:
        """Edits with one more hand-placed site."""
        return SiteEdits(self.depopulated, self.restored, self.moves, (*self.added, site), self.removed)

    def with_removed(self, names: list[str] | tuple[str, ...]) -> SiteEdits:
        """Edits that delete ``names`` (added sites are dropped from the added list instead)."""
        s = set(names)
        added = tuple(a for a in self.added if a.name not in s)
        added_names = {a.name for a in self.added}
        return SiteEdits(
            tuple(set(self.depopulated) - s), tuple(set(self.restored) - s),
            tuple(m for m in self.moves if m.name not in s), added,
            tuple(set(self.removed) | (s - added_names)),
        )


def unknown_edit_names(layout: Layout, pad: Pad, edits: SiteEdits) -> dict[str, tuple[str, ...]]:
    """Names the edits refer to that the layout (with the added sites) does not have, per kind of edit.

    Such an edit does nothing (it is kept so that it applies again when the layout grows back), which hides a
    typo such as ``I1`` on a grid without row I: callers report these as warnings naming the sites.
    """
    if edits.is_empty():
        return {}
    base = base_sites(layout, pad)
    added = {a.name for a in edits.added}
    kinds = {"depopulated": edits.depopulated, "restored": edits.restored,
             "moved": tuple(m.name for m in edits.moves), "removed": edits.removed}
    out = {}
    for k, names in kinds.items():
        absent = base.rows_of(names) < 0
        out[k] = tuple(n for n, a in zip(names, absent.tolist(), strict=True) if a and n not in added)
    return {k: v for k, v in out.items() if v}


def edit_warnings(layout: Layout, pad: Pad, edits: SiteEdits) -> list[str]:
    """One line per kind of edit that names sites the layout does not have (see :func:`unknown_edit_names`)."""
    lines = []
    for kind, names in unknown_edit_names(layout, pad, edits).items():
        shown = ", ".join(names[:8]) + (f" (+{len(names) - 8})" if len(names) > 8 else "")
        lines.append(f"edits: {kind} site(s) {shown} not in the layout; the edit does nothing (a typo?)")
    return lines


LARGE_SITES = 50_000
"""From this many sites a layout's generated sites are kept apart from small ones (the analysis' window designs
around each edit), which cannot push them out of the cache."""
_bases: SizedCache[Sites] = SizedCache(LARGE_SITES, keep_large=2, keep_small=8)


def base_sites(layout: Layout, pad: Pad) -> Sites:
    """The layout's generated sites, before any edit: made (and their name index sorted) once per layout value,
    and shared by every edited design on it, so an edit costs array patches, not a new layout."""
    key = (layout, pad)
    sites = _bases.get(key)
    if sites is None:
        sites = layout.generate(pad)
        _bases.put(key, sites, len(sites))
    return sites


def forget_base_sites() -> None:
    """Drop the kept generated sites (a benchmark timing generation from scratch)."""
    _bases.clear()


@lru_cache(maxsize=8)
def build_sites(layout: Layout, pad: Pad, edits: SiteEdits) -> Sites:
    """The design's sites: the layout's, less removed ones, plus added ones, then moves and state changes.

    Cached on the (hashable) parameters: the window, the checks and the exporters all ask for the same sites.
    Made from :func:`base_sites` by patching arrays (names found through the base's name index); arrays no
    edit touches are the base's own, so a million-site design edited at one site costs a few ms and the memory
    of the touched columns only. Equal, array for array, to :func:`build_sites_full`.
    """
    base = base_sites(layout, pad)
    if edits.is_empty():
        return base
    dropped = np.zeros(0, dtype=np.intp)
    if edits.removed:
        gone = base.rows_of(edits.removed)
        dropped = distinct(gone[gone >= 0])
    added = sites_from_explicit(edits.added, pad) if edits.added else None
    if added is not None:
        found = base.rows_of(added.names)
        clash = (found >= 0) & ~np.isin(found, dropped)
        if clash.any():
            raise DesignError("edits.added", str(added.names[int(np.flatnonzero(clash)[0])]),
                              "a site of that name exists already")
    sites = base.without_rows_plus(dropped, added)
    x, y, state = sites.x_mm, sites.y_mm, sites.state
    if edits.moves:
        rows = sites.rows_of([m.name for m in edits.moves])
        present = rows >= 0
        x, y = x.copy(), y.copy()
        x[rows[present]] += np.array([m.dx_mm for m in edits.moves])[present]
        y[rows[present]] += np.array([m.dy_mm for m in edits.moves])[present]
    if edits.depopulated or edits.restored:
        state = state.copy()
        state[sites.indices_of(edits.depopulated)] = SiteState.DEPOPULATED
        state[sites.indices_of(edits.restored)] = SiteState.POPULATED
    return Sites.adopt(sites.names, x, y, sites.pad_mm, sites.pad_kind, state, sites.group, sites.name_index)


def build_sites_full(layout: Layout, pad: Pad, edits: SiteEdits) -> Sites:
    """The design's sites computed from scratch (a new layout, names looked up one by one): the reference
    that :func:`build_sites` is tested against."""
    base = layout.generate(pad)
    if edits.is_empty():
        return base
    if edits.removed:
        keep = ~np.isin(base.names, np.asarray(edits.removed, dtype=np.str_))
        base = base.take(keep)
    if edits.added:
        existing = set(base.names.tolist())
        clash = [a.name for a in edits.added if a.name in existing]
        if clash:
            raise DesignError("edits.added", clash[0], "a site of that name exists already")
        base = Sites.concat([base, sites_from_explicit(edits.added, pad)])
    index = {str(n): i for i, n in enumerate(base.names.tolist())}
    x = base.x_mm.copy()
    y = base.y_mm.copy()
    state = base.state.copy()
    if edits.moves:
        rows = np.array([index[m.name] for m in edits.moves if m.name in index], dtype=np.intp)
        present = [m for m in edits.moves if m.name in index]
        x[rows] += np.array([m.dx_mm for m in present])
        y[rows] += np.array([m.dy_mm for m in present])
    if edits.depopulated:
        state[np.array([index[n] for n in edits.depopulated if n in index], dtype=np.intp)] = SiteState.DEPOPULATED
    if edits.restored:
        state[np.array([index[n] for n in edits.restored if n in index], dtype=np.intp)] = SiteState.POPULATED
    return base.replace(x_mm=x, y_mm=y, state=state)

