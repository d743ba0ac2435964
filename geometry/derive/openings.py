"""Per-site openings: which resolved profile each site has, and its derived values as arrays.

Profiles are few and sites are many, so each distinct profile is resolved once and sites carry an index into
that short list; every per-site value is then one numpy gather.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from geometry.model.design import Design
from geometry.model.profiles import Opening, Profile
from geometry.model.sites import Sites

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class OpeningTable:
    """Openings of a design. Arrays are per site; ``which`` is -1 (and values NaN) where there is no opening.

    ``rows`` lists the sites that have an opening (populated sites), in site order.
    """

    sites: Sites
    profiles: tuple[Profile, ...]
    openings: tuple[Opening, ...]
    which: NDArray[np.intp]
    rows: NDArray[np.intp]
    upper_mm: FloatArray
    lower_mm: FloatArray
    vertical_mm: FloatArray
    angle_deg: FloatArray
    relief_mm: FloatArray
    lower_x_mm: FloatArray
    lower_y_mm: FloatArray

    def opening_of(self, site_row: int) -> Opening | None:
        """The resolved opening of one site, None for a depopulated site."""
        k = int(self.which[site_row])
        return None if k < 0 else self.openings[k]


def _per_site(values: list[float], which: NDArray[np.intp]) -> FloatArray:
    table = np.append(np.asarray(values, dtype=np.float64), np.nan)
    out = table[which]  # which == -1 picks the trailing NaN
    out.flags.writeable = False
    return out


def _rows(design: Design, sites: Sites, names: tuple[str, ...]) -> NDArray[np.intp]:
    """Rows of the named sites (names that are not sites skipped); a layout of repeated units finds them from its
    unit structure, without a dictionary of every name."""
    if design.layout.repetition(design.pad) is None:
        return sites.indices_of(names)
    from geometry.model.layouts.site_rows import edited_rows  # only repeated units: their unit structure

    rows = edited_rows(design.layout, design.pad, design.edits, names)
    return rows[rows >= 0]


def _unit_type_profiles(design: Design, sites: Sites, profiles: list[Profile], which: NDArray[np.intp]) -> None:
    """Give the sites of each unit type that has its own profile that profile (before the overrides, which win).

    A generated site's unit is its ``group``; a site added by hand (the last rows) belongs to the unit its name
    is prefixed with.
    """
    rep = design.layout.repetition(design.pad)
    if rep is None or not any(t.profile is not None for t in rep.others):
        return
    unit = sites.group.astype(np.intp)
    n_added = len(design.edits.added)
    if n_added:
        index = {n: k for k, n in enumerate(rep.names)}
        tail = [index.get(str(n).partition(rep.separator)[0], -1) for n in sites.names[len(sites) - n_added:]]
        unit = unit.copy()
        unit[len(sites) - n_added:] = tail
    type_of = np.append(rep.unit_types(), 0)[unit]  # -1 (no unit): type 0
    for k, t in enumerate(rep.others, start=1):
        if t.profile is None:
            continue
        if t.profile not in profiles:
            profiles.append(t.profile)
        which[type_of == k] = profiles.index(t.profile)


@lru_cache(maxsize=8)
def opening_table(design: Design) -> OpeningTable:
    """The design's opening table: patched from the last table of the same layout when only site edits and
    profile overrides differ (:mod:`geometry.derive.openings_edit`), else :func:`opening_table_full`."""
    from geometry.derive.openings_edit import table_after_edit  # that module builds on this one's table

    return table_after_edit(design, opening_table_full)


def opening_table_full(design: Design) -> OpeningTable:
    """Resolve the default profile and the overrides once each, then gather per site."""
    sites = design.sites()
    profiles: list[Profile] = [design.profile]
    which = np.zeros(len(sites), dtype=np.intp)
    _unit_type_profiles(design, sites, profiles, which)
    for o in design.overrides:
        if o.profile in profiles:
            k = profiles.index(o.profile)
        else:
            profiles.append(o.profile)
            k = len(profiles) - 1
        which[_rows(design, sites, o.sites)] = k
    which[~sites.populated] = -1
    openings = [design.resolve(p) for p in profiles]
    offsets = [o.lower_offset_mm for o in openings]
    lx = sites.x_mm + _per_site([dx for dx, _ in offsets], which)
    ly = sites.y_mm + _per_site([dy for _, dy in offsets], which)
    lx.flags.writeable = False
    ly.flags.writeable = False
    which.flags.writeable = False
    rows = np.flatnonzero(which >= 0)
    rows.flags.writeable = False
    return OpeningTable(
        sites=sites,
        profiles=tuple(profiles),
        openings=tuple(openings),
        which=which,
        rows=rows,
        upper_mm=_per_site([o.upper_mm for o in openings], which),
        lower_mm=_per_site([o.lower_mm for o in openings], which),
        vertical_mm=_per_site([o.vertical_mm for o in openings], which),
        angle_deg=_per_site([o.angle_deg for o in openings], which),
        relief_mm=_per_site([o.relief_depth_mm for o in openings], which),
        lower_x_mm=lx,
        lower_y_mm=ly,
    )
