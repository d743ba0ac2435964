"""The opening table of an edited design, patched from the table of the design before the edit (issue 12).

Recomputing the table of a million sites gathers a dozen per-site arrays; a single-site edit (a profile
override, a move, a depopulation) changes one row of them. Two designs that differ only in site moves, state
edits and profile overrides have the same rows in the same order (same layout, pad, added and removed sites)
and resolve a profile to the same opening (same ball, mask, default profile and ratio): the new table is the
old one with the rows those edits name recomputed. Arrays no row of which changes are shared with the old table
(they are frozen); changed ones are copied once and patched.

The rows to recompute are the sites named by the moves and state edits that differ between the two designs, and
by every override from the first one that differs: a site named only in the overrides both designs share, in the
same order, wins the same override in both, so its profile index (the overrides' first-appearance order) is the
same too. The result equals :func:`geometry.derive.openings.opening_table_full` array for array (tested).

A patched table remembers which table it was patched from and the rows recomputed (:func:`patch_origin`): every
other row of the two tables is equal, site and opening, so whoever compares the two (the incremental analysis)
compares those rows only instead of a dozen million-row columns.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from geometry.base.sized_cache import SizedCache
from geometry.derive.openings import OpeningTable, _unit_type_profiles
from geometry.model.design import Design
from geometry.model.layouts import SiteEdits
from geometry.model.profiles import Opening, Profile
from geometry.model.sites import SiteState

IntArray = NDArray[np.intp]
_T = TypeVar("_T", bound=np.generic)

LARGE_SITES = 50_000
"""From this many sites a design's last table is kept apart from small designs' (the analysis' window around
each edit, a new layout every edit), which cannot push it out."""
_recent: SizedCache[tuple[Design, OpeningTable]] = SizedCache(LARGE_SITES, keep_large=2, keep_small=4)

_VALUES = ("upper_mm", "lower_mm", "vertical_mm", "angle_deg", "relief_mm")
_OPENING_VALUE = {"upper_mm": "upper_mm", "lower_mm": "lower_mm", "vertical_mm": "vertical_mm",
                  "angle_deg": "angle_deg", "relief_mm": "relief_depth_mm"}


_origins: weakref.WeakKeyDictionary[OpeningTable, tuple[weakref.ref[OpeningTable], IntArray]] = (
    weakref.WeakKeyDictionary())
"""Per patched table (held weakly, as is the table it came from): that table and the rows recomputed."""
_origins_lock = threading.Lock()


def patch_origin(table: OpeningTable) -> tuple[OpeningTable, IntArray] | None:
    """The table ``table`` was patched from and the rows recomputed (sorted, unique), or None (a table made in
    full, or patched from a table that is gone). Rows outside them are equal in both tables."""
    with _origins_lock:
        found = _origins.get(table)
    if found is None:
        return None
    old = found[0]()
    return None if old is None else (old, found[1])


def rows_changed_since(old: OpeningTable, new: OpeningTable, depth: int = 8) -> IntArray | None:
    """Rows outside which ``new`` equals ``old`` (sorted, unique), following the patches from ``new`` back to
    ``old`` through at most ``depth`` tables (edits the analysis skipped); None when ``new`` does not come from
    ``old`` that way."""
    parts: list[IntArray] = []
    t = new
    for _ in range(depth):
        if t is old:
            return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.intp)
        origin = patch_origin(t)
        if origin is None:
            return None
        t, rows = origin
        parts.append(rows)
    return None


def table_after_edit(design: Design, full: Callable[[Design], OpeningTable]) -> OpeningTable:
    """The table of ``design``: patched from the last table made on the same layout when there is one, else
    ``full(design)``; either way it becomes the last table of its layout."""
    key = layout_key(design)
    last = _recent.get(key)
    table = patched_table(last[0], last[1], design) if last is not None else None
    if table is None:
        table = full(design)
    _recent.put(key, (design, table), len(table.sites))
    return table


def forget() -> None:
    """Drop the tables kept to patch from (a benchmark timing the full table; ``opening_table.cache_clear``
    alone would leave the next table patched from the last one)."""
    _recent.clear()


def layout_key(design: Design) -> Design:
    """The design less its moves, state edits and overrides: designs with equal keys have the same site rows
    and resolve each profile alike, so one's table patches into the other's."""
    e = design.edits
    return design.with_(edits=SiteEdits(added=e.added, removed=e.removed), overrides=())


def _profiles_and_defaults(design: Design, n_sites: int) -> tuple[list[Profile], list[int], IntArray]:
    """As the full table counts them: the distinct profiles (the default, the unit types' own, then the
    overrides' in first-appearance order), each override's index, and each site's index before any override
    (its unit type's profile, else 0; an untouched zero array costs no memory until written)."""
    profiles: list[Profile] = [design.profile]
    defaults = np.zeros(n_sites, dtype=np.intp)
    _unit_type_profiles(design, design.sites(), profiles, defaults)
    ks = []
    for o in design.overrides:
        if o.profile not in profiles:
            profiles.append(o.profile)
        ks.append(profiles.index(o.profile))
    return profiles, ks, defaults


def touched_names(old: Design, new: Design) -> set[str]:
    """Names whose site or profile may differ between two designs of the same layout key."""
    oe, ne = old.edits, new.edits
    names = {m.name for m in set(oe.moves) ^ set(ne.moves)}
    names |= set(oe.depopulated) ^ set(ne.depopulated)
    names |= set(oe.restored) ^ set(ne.restored)
    same = 0
    for a, b in zip(old.overrides, new.overrides, strict=False):
        if a != b:
            break
        same += 1
    for o in (*old.overrides[same:], *new.overrides[same:]):
        names.update(o.sites)
    return names


def patched_table(old_design: Design, old: OpeningTable, design: Design) -> OpeningTable | None:
    """``design``'s table from ``old`` (the table of ``old_design``, same layout key), or None when the rows do
    not line up (then the caller computes it in full)."""
    sites = design.sites()
    if len(sites) != len(old.sites):
        return None
    profiles, ks, defaults = _profiles_and_defaults(design, len(sites))
    openings = tuple(design.resolve(p) for p in profiles)
    found = sites.rows_of(sorted(touched_names(old_design, design)))
    rows = np.unique(found[found >= 0]).astype(np.intp)
    names_r = sites.names[rows].tolist()
    wanted = set(names_r)
    winner: dict[str, int] = {}
    for k, o in zip(ks, design.overrides, strict=True):
        for n in wanted.intersection(o.sites):
            winner[n] = k
    which_r = defaults[rows]
    for i, n in enumerate(names_r):
        if n in winner:
            which_r[i] = winner[n]
    which_r[sites.state[rows] != SiteState.POPULATED] = -1
    old_w = old.which[rows]
    which = _kept_or_patched(old.which, rows, which_r)
    open_rows = _open_rows(old.rows, rows, old_w >= 0, which_r >= 0)
    values = {name: _kept_or_patched(getattr(old, name), rows, _gather(openings, _OPENING_VALUE[name], which_r))
              for name in _VALUES}
    lx = _kept_or_patched(old.lower_x_mm, rows, sites.x_mm[rows] + _gather_offsets(openings, 0, which_r))
    ly = _kept_or_patched(old.lower_y_mm, rows, sites.y_mm[rows] + _gather_offsets(openings, 1, which_r))
    table = OpeningTable(
        sites=sites, profiles=tuple(profiles), openings=openings, which=which, rows=open_rows,
        upper_mm=values["upper_mm"], lower_mm=values["lower_mm"], vertical_mm=values["vertical_mm"],
        angle_deg=values["angle_deg"], relief_mm=values["relief_mm"], lower_x_mm=lx, lower_y_mm=ly,
    )
    rows.flags.writeable = False
    with _origins_lock:
        _origins[table] = (weakref.ref(old), rows)
    return table


def _gather(openings: tuple[Opening, ...], attr: str, which: IntArray) -> NDArray[np.float64]:
    table = np.append(np.asarray([getattr(o, attr) for o in openings], dtype=np.float64), np.nan)
    out: NDArray[np.float64] = table[which]  # which == -1 picks the trailing NaN, as the full table does
    return out


def _gather_offsets(openings: tuple[Opening, ...], axis: int, which: IntArray) -> NDArray[np.float64]:
    table = np.append(np.asarray([o.lower_offset_mm[axis] for o in openings], dtype=np.float64), np.nan)
    out: NDArray[np.float64] = table[which]
    return out


def _kept_or_patched(old: NDArray[_T], rows: IntArray, new_r: NDArray[Any]) -> NDArray[_T]:
    """The old column itself when it holds ``new_r`` at ``rows`` already (NaN equal to NaN), else a frozen copy
    patched there: a fresh million-row array costs more in page faults than in copying, so only columns an edit
    changes are new (a steeper wall changes d_l and the angle, not d_u)."""
    old_r = old[rows]
    same = old_r == new_r
    if old.dtype.kind == "f":
        same |= np.isnan(old_r) & np.isnan(new_r)
    if bool(same.all()):
        return old
    out = old.copy()
    out[rows] = new_r
    out.flags.writeable = False
    return out


def _open_rows(old_rows: IntArray, rows: IntArray, was: NDArray[np.bool_], now: NDArray[np.bool_]) -> IntArray:
    """The sorted rows with an opening, after the sites ``rows`` went from having one (``was``) to ``now``."""
    if bool((was == now).all()):
        return old_rows
    out = old_rows
    gone = rows[was & ~now]
    if gone.size:
        out = np.delete(out, np.searchsorted(out, gone))
    came = rows[now & ~was]
    if came.size:
        out = np.insert(out, np.searchsorted(out, came), came)
    out = out.astype(np.intp, copy=False)
    out.flags.writeable = False
    return out
