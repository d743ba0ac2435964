"""Whether a design is made of repeated units (a wafer's dies, a strip's units), and which units are alike, so that
relief, checks and exporters work on one unit per group of alike units and repeat the result: the one place that
decides it.

A layout declares what it repeats (:meth:`geometry.model.layouts.base.Layout.repetition`): the unit layout, or
several unit types (each with its own layout and profile), and where each unit sits. Whether and how the
repetition holds for a design also depends on the design. A site edit, a per-site profile or a hand-made merge
that stays inside one unit singles that unit out: it becomes a group of its own, with its own unit design (its
edits, profiles and merges in unit-local names and coordinates) computed on its own. Units whose edits are the
same (none, most often) form one group, computed once. :func:`repetition` answers with a :class:`Repeated` (the
groups, each with its unit design, its units, their offsets and the whole-design site row of every unit site) or
a :class:`NotRepeated` with the reason, which the window and ``ballmask info`` show: what truly crosses units (a
channel or a forbidden merge between two units, a site added outside every unit, openings of neighbouring units
closer than any check's reach) or edits spread over so many units that the whole computation is cheaper.
Nothing else in the code asks what kind a layout is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from geometry.derive.openings import opening_table
from geometry.model.design import Design, MergeSettings, ProfileOverride
from geometry.model.layouts import ExplicitSite, Layout, Pad, SiteEdits, UnitRepetition
from geometry.model.layouts.edits import SiteMove
from geometry.model.profiles import EPS_MM

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

MIN_SINGLED_OUT = 16
"""Up to this many singled-out units are always computed unit by unit."""
SINGLED_OUT_FRACTION = 8
"""Beyond :data:`MIN_SINGLED_OUT`, more than one unit in this many singled out is computed as a whole: each group
costs a unit computation of its own, and the whole computation's one vectorised pass is then cheaper."""


@dataclass(frozen=True, eq=False)
class UnitGroup:
    """Units that are alike: ``unit_design`` (unit-local coordinates and names) placed at ``offsets_mm``.

    ``units`` are the kept units' indices in the repetition (ascending); ``site_rows`` (m, n) gives, for each of
    the group's m units, the whole design's site row of each of the unit design's n sites; ``label`` is empty for
    the alike units of unit type 0, the type's name for a type's alike units, the unit's name for a unit singled
    out by its edits.
    """

    unit_design: Design
    units: IntArray
    offsets_mm: FloatArray
    site_rows: IntArray
    prefixes: tuple[str, ...]
    label: str

    @property
    def sites_per_unit(self) -> int:
        """Sites of one of the group's units."""
        return int(self.site_rows.shape[1])

    @property
    def unit_count(self) -> int:
        """Units in the group."""
        return len(self.units)


@dataclass(frozen=True, eq=False)
class Repeated:
    """The design is its groups of alike units (:class:`UnitGroup`), each computed once and repeated.

    ``uniform`` designs (one group: every unit alike, sites unit-major) are what a wafer of identical dies is;
    :attr:`unit_design`, :attr:`offsets_mm`, :attr:`prefixes` and :attr:`sites_per_unit` describe the first group
    (for a uniform design, the whole repetition).
    """

    design: Design
    layout: UnitRepetition
    groups: tuple[UnitGroup, ...]

    @property
    def uniform(self) -> bool:
        """One group holding every unit (nothing singled out, one unit type)."""
        return len(self.groups) == 1

    @property
    def unit_design(self) -> Design:
        """The first group's unit design (the unit of a uniform design)."""
        return self.groups[0].unit_design

    @property
    def offsets_mm(self) -> FloatArray:
        """(K, 2) origins of the first group's units (every kept unit of a uniform design), in site order."""
        return self.groups[0].offsets_mm

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The prefix of each of the first group's units' site names."""
        return self.groups[0].prefixes

    @property
    def unit_count(self) -> int:
        """Number of kept units (over every group)."""
        return len(self.layout.names)

    @property
    def sites_per_unit(self) -> int:
        """Sites of one unit of the first group."""
        return self.groups[0].sites_per_unit


@dataclass(frozen=True, slots=True)
class NotRepeated:
    """The design is computed as a whole; ``reason`` says why (for a layout of no units: it is not repeated)."""

    reason: str


def unit_design(design: Design, rep: UnitRepetition) -> Design:
    """The design of one plain unit of type 0: the unit pattern as its layout (unit-local coordinates), no edits."""
    return _plain_unit(design, rep, 0)


def _plain_unit(design: Design, rep: UnitRepetition, t: int) -> Design:
    kind = rep.types[t]
    if design.edits.is_empty() and not design.overrides and design.merge == MergeSettings(design.merge.auto) \
            and kind.profile is None:
        return design.with_(layout=kind.layout)
    return design.with_(layout=kind.layout, profile=kind.profile or design.profile, edits=SiteEdits(), overrides=(),
                        merge=MergeSettings(design.merge.auto))


@lru_cache(maxsize=16)
def repetition(design: Design) -> Repeated | NotRepeated:
    """Whether ``design`` is made of repeated units, and if so its groups of alike units (module docstring)."""
    rep = design.layout.repetition(design.pad)
    if rep is None:
        return NotRepeated("the layout is not made of repeated units")
    local = _local_changes(design, rep)
    if isinstance(local, NotRepeated):
        return local
    groups = _groups(design, rep, local)
    if isinstance(groups, NotRepeated):
        return groups
    gap = _clearance_mm(groups, rep)
    reach = max(interaction_reach_mm(g.unit_design) for g in groups) if groups else 0.0
    if gap is not None and gap < reach - EPS_MM:
        return NotRepeated(f"openings of neighbouring {rep.unit_word}s are only {gap:.3f} mm apart")
    return Repeated(design, rep, groups)


# -- what each unit changes --------------------------------------------------------------------------------
@dataclass
class _Local:
    """One unit's edits, overrides and merges in unit-local names and coordinates, gathered from the design's."""

    depopulated: list[str]
    restored: list[str]
    moves: list[SiteMove]
    added: list[tuple[int, ExplicitSite]]  # (index in the design's added list, the site in local coordinates)
    removed: list[str]
    overrides: dict[int, list[str]]  # override index -> local names
    channels: list[tuple[str, ...]]
    forbidden: list[tuple[str, str]]

    @staticmethod
    def new() -> _Local:
        return _Local([], [], [], [], [], {}, [], [])


@lru_cache(maxsize=16)
def _unit_index(rep_names: tuple[str, ...]) -> dict[str, int]:
    return {n: k for k, n in enumerate(rep_names)}


def _local_changes(design: Design, rep: UnitRepetition) -> dict[int, _Local] | NotRepeated:
    """Per touched unit, its changes; a NotRepeated for a change that crosses units."""
    index = _unit_index(rep.names)
    sep = rep.separator
    out: dict[int, _Local] = defaultdict(_Local.new)

    def split(name: str) -> tuple[int, str] | None:
        unit, s, site = name.partition(sep)
        k = index.get(unit) if s else None
        return None if k is None else (k, site)

    e = design.edits
    for attr in ("depopulated", "restored", "removed"):
        for name in getattr(e, attr):
            if (hit := split(name)) is not None:  # a name in no unit names no site: the edit does nothing
                getattr(out[hit[0]], attr).append(hit[1])
    for m in e.moves:
        if (hit := split(m.name)) is not None:
            out[hit[0]].moves.append(SiteMove(hit[1], m.dx_mm, m.dy_mm))
    for a, site in enumerate(e.added):
        hit = split(site.name)
        if hit is None:
            return NotRepeated(f"site {site.name} is added outside every {rep.unit_word}")
        ox, oy = rep.offsets_mm[hit[0]].tolist()
        out[hit[0]].added.append((a, ExplicitSite(hit[1], site.x_mm - ox, site.y_mm - oy, site.pad_mm,
                                                  site.pad_kind)))
    for i, o in enumerate(design.overrides):
        for name in o.sites:
            if (hit := split(name)) is not None:
                out[hit[0]].overrides.setdefault(i, []).append(hit[1])
    crossing = _local_merges(design, rep, split, out)
    return crossing if crossing is not None else dict(out)


def _local_merges(design: Design, rep: UnitRepetition, split: Callable[[str], tuple[int, str] | None],
                  out: dict[int, _Local]) -> NotRepeated | None:
    """Add each unit's hand-made merges to ``out``; a NotRepeated for one that joins two units."""
    for chain in design.merge.channels:
        hits = [h for n in chain if (h := split(n)) is not None]
        units = {k for k, _ in hits}
        if len(units) > 1:
            return NotRepeated(f"a channel joins sites of different {rep.unit_word}s ({', '.join(chain[:4])})")
        if units:
            out[hits[0][0]].channels.append(tuple(s for _, s in hits))
    for pair in design.merge.forbidden:
        hits = [h for n in pair if (h := split(n)) is not None]
        if len({k for k, _ in hits}) > 1:
            return NotRepeated(f"a forbidden merge names sites of different {rep.unit_word}s ({', '.join(pair)})")
        if len(hits) == 2:
            out[hits[0][0]].forbidden.append((hits[0][1], hits[1][1]))
    return None


def _signature(design: Design, loc: _Local) -> tuple[SiteEdits, tuple[ProfileOverride, ...], MergeSettings]:
    """The unit-local edits, overrides and merges (hashable: units with equal signatures are alike)."""
    edits = SiteEdits(tuple(loc.depopulated), tuple(loc.restored), tuple(loc.moves), tuple(s for _, s in loc.added),
                      tuple(loc.removed))
    overrides = tuple(ProfileOverride(tuple(names), design.overrides[i].profile)
                      for i, names in sorted(loc.overrides.items()))
    merge = MergeSettings(design.merge.auto, tuple(loc.channels), tuple(loc.forbidden))
    return edits, overrides, merge


# -- the groups ----------------------------------------------------------------------------------------------
def _local_names(layout: Layout, pad: Pad) -> dict[str, int]:
    """Row of each site name a unit layout generates."""
    return _names_cached(layout, pad)  # type: ignore[arg-type]  # layouts are frozen dataclasses


@lru_cache(maxsize=32)
def _names_cached(layout: Layout, pad: Pad) -> dict[str, int]:
    return {n: j for j, n in enumerate(layout.generate(pad).names.tolist())}


def _groups(design: Design, rep: UnitRepetition, local: dict[int, _Local]) -> tuple[UnitGroup, ...] | NotRepeated:
    k_units = len(rep.names)
    types = rep.types
    type_of = rep.unit_types()
    counts = np.array([len(_local_names(t.layout, design.pad)) for t in types], dtype=np.intp)
    per_unit = counts[type_of]
    start = np.concatenate([[0], np.cumsum(per_unit)[:-1]]).astype(np.intp) if k_units else np.zeros(0, np.intp)
    signatures = {k: _signature(design, loc) for k, loc in local.items()}
    empty = _signature(design, _Local.new())
    signatures = {k: s for k, s in signatures.items() if s != empty}
    limit = max(MIN_SINGLED_OUT, k_units // SINGLED_OUT_FRACTION)
    if len(signatures) > limit:
        return NotRepeated(f"edits single out {len(signatures):,} of {k_units:,} {rep.unit_word}s: computed as a whole")
    # rows of the design's generated sites that the edits remove, and where the added sites go
    removed: list[int] = []
    for k, loc in local.items():
        rows_of = _local_names(types[int(type_of[k])].layout, design.pad)
        removed.extend(int(start[k]) + rows_of[s] for s in set(loc.removed) if s in rows_of)
    removed_rows = np.unique(np.asarray(removed, dtype=np.intp))
    n_kept = int(per_unit.sum()) - len(removed_rows)

    def whole_rows(base: IntArray) -> IntArray:
        if not len(removed_rows):
            return base
        return base - np.searchsorted(removed_rows, base)

    by_sig: dict[tuple[int, object], list[int]] = defaultdict(list)
    plain = np.ones(k_units, dtype=bool)
    for k, sig in signatures.items():
        by_sig[(int(type_of[k]), sig)].append(k)
        plain[k] = False
    groups: list[UnitGroup] = []
    unit_names = np.asarray(rep.names)
    prefixes = np.asarray(rep.prefixes)
    for t, kind in enumerate(types):
        units = np.flatnonzero(plain & (type_of == t)).astype(np.intp)
        if not len(units):
            continue
        one = _plain_unit(design, rep, t)
        rows = whole_rows(start[units][:, None] + np.arange(int(counts[t]), dtype=np.intp)[None, :])
        groups.append(_group(one, units, rep, rows, prefixes, kind.name))
    for (t, _), members in by_sig.items():
        units = np.asarray(sorted(members), dtype=np.intp)
        loc_edits, loc_overrides, loc_merge = signatures[int(units[0])]
        one = _plain_unit(design, rep, t).with_(edits=loc_edits, overrides=loc_overrides, merge=loc_merge)
        lnames = _local_names(types[t].layout, design.pad)
        gone = {lnames[s] for s in loc_edits.removed if s in lnames}
        kept = np.asarray([j for j in range(int(counts[t])) if j not in gone], dtype=np.intp)
        base = whole_rows(start[units][:, None] + kept[None, :])
        added = np.asarray([[n_kept + a for a, _ in local[int(k)].added] for k in units.tolist()],
                           dtype=np.intp).reshape(len(units), -1)
        rows = np.concatenate([base, added], axis=1)
        label = str(unit_names[units[0]]) + (f"+{len(units) - 1}" if len(units) > 1 else "")
        groups.append(_group(one, units, rep, rows, prefixes, label))
    return tuple(groups)


def _group(one: Design, units: IntArray, rep: UnitRepetition, rows: IntArray, prefixes: NDArray[np.str_],
           label: str) -> UnitGroup:
    offsets = rep.offsets_mm[units]
    for a in (units, offsets, rows):
        a.flags.writeable = False
    return UnitGroup(one, units, offsets, rows, tuple(prefixes[units].tolist()), label)


# -- distances between units ---------------------------------------------------------------------------------
def _clearance_mm(groups: tuple[UnitGroup, ...], rep: UnitRepetition) -> float | None:
    """The smallest edge-to-edge distance any outline of one unit can have to one of another unit, from the
    union of the groups' unit extents; None when no unit has an opening."""
    boxes = [b for g in groups if (b := _outline_box(g.unit_design)) is not None]
    if not boxes:
        return None
    a = np.asarray(boxes)
    ex, ey = a[:, 2].max() - a[:, 0].min(), a[:, 3].max() - a[:, 1].min()
    return float(min(rep.step_x_mm - ex, rep.step_y_mm - ey))


def _outline_box(one: Design) -> tuple[float, float, float, float] | None:
    """(xmin, ymin, xmax, ymax) over every upper and lower outline of a unit, unit-local; None without openings."""
    t = opening_table(one)
    rows = t.rows
    if not len(rows):
        return None
    s = t.sites
    r_up = t.upper_mm[rows] / 2.0
    r_lo = t.lower_mm[rows] / 2.0
    xs = np.concatenate([s.x_mm[rows] - r_up, s.x_mm[rows] + r_up, t.lower_x_mm[rows] - r_lo,
                         t.lower_x_mm[rows] + r_lo])
    ys = np.concatenate([s.y_mm[rows] - r_up, s.y_mm[rows] + r_up, t.lower_y_mm[rows] - r_lo,
                         t.lower_y_mm[rows] + r_lo])
    return (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))


def unit_clearance_mm(one: Design, rep: UnitRepetition) -> float | None:
    """The smallest edge-to-edge distance between any outline (upper or lower) of two different units of ``one``.

    None when the unit has no opening. Units are at least one step apart along x or y, so an outline of one unit
    and one of another are at least ``step - extent`` apart on that axis.
    """
    box = _outline_box(one)
    if box is None:
        return None
    return float(min(rep.step_x_mm - (box[2] - box[0]), rep.step_y_mm - (box[3] - box[1])))


def interaction_reach_mm(one: Design) -> float:
    """The largest edge-to-edge distance at which two openings affect each other in a relief or a check.

    Lower outlines merge below the lower web minimum; web-upper looks as far as w_min; the ball gap looks at
    centre distance - D < g_min, i.e. outlines within g_min + D - d_u of each other.
    """
    lim = one.effective_limits()
    t = opening_table(one)
    rows = t.rows
    du = float(t.upper_mm[rows].min()) if len(rows) else 0.0
    return max(lim.web_min_mm, lim.ball_gap_min_mm + one.ball.diameter_mm - du, 0.0)
