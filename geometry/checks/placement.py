"""The placement checks of a design of repeated units, from its groups of alike units instead of every site.

A placement check (:class:`~geometry.checks.base.Scope` ``PLACEMENT``) looks at where the openings are on the
mask, so a unit's findings depend on its offset. They depend on it only in two ways, and each is computed from
the groups (:class:`~geometry.derive.repetition.UnitGroup`) without the whole opening table:

* **Near the outline** (``edge``, ``feature-clear``, ``frame-fit``): an opening is found only when it comes
  within e_min of the outline rectangle, a fiducial or a carrier feature. A unit whose outline box (every upper
  and lower circle, :func:`~geometry.derive.repetition.outline_box`) keeps clear of all of them by more than
  that has no finding, whatever it holds; the checks run unchanged on a context holding the real sites of the
  other units only, the units of the edge band (:class:`BandContext`, a few thousand sites on a wafer).
* **The spread of the openings** (``margin``, ``thermal``): the extent of the openings and the distance of the
  farthest one from their centre. The extent is the union of each group's box placed at its units' offsets; the
  farthest opening of a unit is a corner of the convex hull of its centres, so the groups' hull corners at every
  unit are the only candidates. The tolerance stack itself is :func:`geometry.checks.margins.margin_stacks`, the
  same function the whole-design check uses.

Coordinates are the unit's translated by the unit offset, the sum the layouts generate (``offset + local``), so
the findings equal :func:`geometry.checks.registry.run_checks_whole`'s; a site moved inside a singled-out unit
may differ from the whole design's in the last bit (the move is added before the offset instead of after). A
placement check this module does not know runs on the whole design (correct, slower), and
``tests/geometry/test_repetition.py`` checks that none is left there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from geometry.base.lazy import LazyModule
from geometry.checks.base import Check, CheckContext
from geometry.checks.margins import (
    margin_stacks,
    short_margin,
    thermal_applies,
    thermal_violation,
)
from geometry.checks.records import Severity, Violation
from geometry.derive.openings import OpeningTable
from geometry.derive.pairs import MergeGraph
from geometry.derive.repetition import Repeated, UnitGroup, outline_box
from geometry.model.design import Design
from geometry.model.layouts import UnitRepetition
from geometry.model.profiles import Opening, Profile
from geometry.model.sites import Sites

if TYPE_CHECKING:
    import shapely
else:
    shapely = LazyModule("shapely")  # only repeated designs need a hull: a cold check of a package does not

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
Box = tuple[float, float, float, float]

BAND_SLACK_MM = 1e-6
"""A unit counts as near the outline (or a fiducial, a feature) when its outline box comes within e_min plus
this of it: far above the rounding of translated coordinates, far below any length a designer sets."""

BAND_CHECKS = frozenset({"edge", "feature-clear", "frame-fit"})
"""Placement checks whose findings come only from openings within e_min of the outline, a fiducial or a carrier
feature (or from no opening at all): they run on the edge band's sites."""


# -- what each unit design gives, once ---------------------------------------------------------------------
@lru_cache(maxsize=64)
def unit_context(one: Design) -> CheckContext:
    """The check context of a group's unit design, cached on the (equal-valued) unit design: after an edit the
    alike units' context is the one the previous design's run built."""
    return CheckContext.of(one)


@dataclass(frozen=True, eq=False)
class UnitSpread:
    """What the placement checks need of one unit design, in unit-local coordinates.

    ``bounds``: every site centre's box (the margin outline is drawn around it); ``spread``: the populated
    centres' box; ``hull``: the populated rows on the convex hull of their centres; ``classes``: per (profile,
    pad diameter) in the unit's order, the populated rows and those on their hull.
    """

    bounds: Box | None
    spread: Box | None
    hull: IntArray
    classes: tuple[tuple[Profile, float, IntArray, IntArray], ...]


def _box(x: FloatArray, y: FloatArray) -> Box | None:
    if not len(x):
        return None
    return (float(x.min()), float(y.min()), float(x.max()), float(y.max()))


def _hull_rows(sites: Sites, rows: IntArray) -> IntArray:
    """The rows whose centres are corners of the convex hull of ``rows``' centres (every row at such a corner)."""
    if len(rows) <= 3:
        return rows
    x, y = sites.x_mm[rows], sites.y_mm[rows]
    corners = shapely.get_coordinates(shapely.convex_hull(shapely.multipoints(np.column_stack([x, y]))))
    keep = np.isin(x + 1j * y, corners[:, 0] + 1j * corners[:, 1])
    return rows[keep]


@lru_cache(maxsize=64)
def unit_spread(one: Design) -> UnitSpread:
    """The :class:`UnitSpread` of a unit design (cached on it)."""
    ctx = unit_context(one)
    s, t = ctx.sites, ctx.table
    rows = t.rows
    classes = tuple((t.profiles[int(t.which[int(r[0])])], pad, r, _hull_rows(s, r))
                    for _o, pad, r in ctx.groups_by_opening_and_pad())
    return UnitSpread(_box(s.x_mm, s.y_mm), _box(s.x_mm[rows], s.y_mm[rows]), _hull_rows(s, rows), classes)


def _placed_box(groups: list[tuple[UnitGroup, Box]]) -> Box | None:
    """The union of each group's box placed at its units; ``offset + local`` rounds monotonically in both, so
    the extremes are the whole design's exactly."""
    if not groups:
        return None
    x0 = min(float(g.offsets_mm[:, 0].min() + b[0]) for g, b in groups)
    y0 = min(float(g.offsets_mm[:, 1].min() + b[1]) for g, b in groups)
    x1 = max(float(g.offsets_mm[:, 0].max() + b[2]) for g, b in groups)
    y1 = max(float(g.offsets_mm[:, 1].max() + b[3]) for g, b in groups)
    return (x0, y0, x1, y1)


def outline_rect(rep: Repeated) -> Box:
    """The design's mask outline (what ``Design.outline_rect`` gives) from the groups' site boxes."""
    boxes = [(g, b) for g in rep.groups if g.unit_count and (b := unit_spread(g.unit_design).bounds) is not None]
    return rep.design.mask.outline.rectangle(_placed_box(boxes) or (0.0, 0.0, 0.0, 0.0))


# -- the edge band -----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class BandContext(CheckContext):
    """A check context holding the real sites (design names and coordinates, in site order) of the units near
    the outline, a fiducial or a carrier feature; the outline is the whole design's."""

    rect: Box = (0.0, 0.0, 0.0, 0.0)

    def outline_rect(self) -> Box:
        """The whole design's outline rectangle."""
        return self.rect


def _near(g: UnitGroup, box: Box, rect: Box, discs: list[tuple[float, float, float]], reach: float) -> IntArray:
    """The group's units (positions in the group) whose outline box comes within ``reach`` of the outline's
    edge (or crosses it) or of a disc's rim."""
    ox, oy = g.offsets_mm[:, 0], g.offsets_mm[:, 1]
    bx0, by0, bx1, by1 = ox + box[0], oy + box[1], ox + box[2], oy + box[3]
    x0, y0, x1, y1 = rect
    inset = np.minimum(np.minimum(bx0 - x0, x1 - bx1), np.minimum(by0 - y0, y1 - by1))
    near = inset < reach
    for cx, cy, r in discs:
        dx = np.maximum(np.maximum(bx0 - cx, cx - bx1), 0.0)
        dy = np.maximum(np.maximum(by0 - cy, cy - by1), 0.0)
        near |= np.hypot(dx, dy) - r < reach
    return np.flatnonzero(near).astype(np.intp)


def _empty_graph() -> MergeGraph:
    i = np.zeros(0, dtype=np.intp)
    f = np.zeros(0)
    b = np.zeros(0, dtype=bool)
    return MergeGraph(i, i, f, f, b, b, b, b, f)


def _frozen(a: NDArray[np.generic]) -> NDArray[np.generic]:
    a.flags.writeable = False
    return a


def band_context(rep: Repeated) -> BandContext:
    """The context of the edge band's sites (see the module docstring)."""
    d = rep.design
    limits = d.effective_limits()
    rect = outline_rect(rep)
    discs = [(f.x_mm, f.y_mm, f.diameter_mm / 2.0) for f in d.mask.fiducials]
    discs += [(f.x_mm, f.y_mm, f.radius_mm) for f in d.features]
    reach = limits.edge_min_mm + BAND_SLACK_MM
    profiles: list[Profile] = []
    openings: list[Opening] = []
    rows: list[IntArray] = []
    names: list[NDArray[np.str_]] = []
    xs: list[FloatArray] = []
    ys: list[FloatArray] = []
    which: list[IntArray] = []
    unit_of: list[IntArray] = []
    local: list[tuple[Sites, IntArray]] = []
    for g in rep.groups:
        box = outline_box(g.unit_design) if g.unit_count else None
        if box is None:
            continue  # no opening: nothing near anything
        units = _near(g, box, rect, discs, reach)
        if not len(units):
            continue
        ctx = unit_context(g.unit_design)
        s, t = ctx.sites, ctx.table
        remap = np.full(len(t.profiles) + 1, -1, dtype=np.intp)  # the last entry maps which == -1
        for k, p in enumerate(t.profiles):
            if p not in profiles:
                profiles.append(p)
                openings.append(t.openings[k])
            remap[k] = profiles.index(p)
        m, n = len(units), len(s)
        off = g.offsets_mm[units]
        rows.append(g.site_rows[units].ravel())
        names.append(np.strings.add(np.asarray(g.prefixes)[units][:, None], s.names[None, :]).ravel())
        xs.append((off[:, 0:1] + s.x_mm[None, :]).ravel())
        ys.append((off[:, 1:2] + s.y_mm[None, :]).ravel())
        which.append(np.tile(remap[t.which], m))
        unit_of.append(np.repeat(g.units[units].astype(np.int32), n))
        local.append((s, np.tile(np.arange(n, dtype=np.intp), m)))
    if not rows:
        empty = Sites.empty()
        return BandContext(d, empty, _table(empty, profiles, openings, np.zeros(0, dtype=np.intp)), limits,
                           _empty_graph(), rect)
    order = np.argsort(np.concatenate(rows), kind="stable")
    sites = Sites.build(
        np.concatenate(names)[order], np.concatenate(xs)[order], np.concatenate(ys)[order],
        np.concatenate([s.pad_mm[j] for s, j in local])[order],
        np.concatenate([s.pad_kind[j] for s, j in local])[order],
        np.concatenate([s.state[j] for s, j in local])[order],
        np.asarray(np.concatenate(unit_of)[order], dtype=np.int32),
    )
    return BandContext(d, sites, _table(sites, profiles, openings, np.concatenate(which)[order]), limits,
                       _empty_graph(), rect)


def _table(sites: Sites, profiles: list[Profile], openings: list[Opening], which: IntArray) -> OpeningTable:
    """The opening table of the band's sites, gathered per site as :func:`geometry.derive.openings.opening_table`
    does (the lower circle is the site's centre plus its opening's offset)."""

    def per_site(values: list[float]) -> FloatArray:
        return _frozen(np.append(np.asarray(values, dtype=np.float64), np.nan)[which])  # type: ignore[return-value]

    dx = per_site([o.lower_offset_mm[0] for o in openings])
    dy = per_site([o.lower_offset_mm[1] for o in openings])
    return OpeningTable(
        sites=sites, profiles=tuple(profiles), openings=tuple(openings), which=_frozen(which),  # type: ignore[arg-type]
        rows=_frozen(np.flatnonzero(which >= 0).astype(np.intp)),  # type: ignore[arg-type]
        upper_mm=per_site([o.upper_mm for o in openings]), lower_mm=per_site([o.lower_mm for o in openings]),
        vertical_mm=per_site([o.vertical_mm for o in openings]), angle_deg=per_site([o.angle_deg for o in openings]),
        relief_mm=per_site([o.relief_depth_mm for o in openings]),
        lower_x_mm=_frozen(sites.x_mm + dx), lower_y_mm=_frozen(sites.y_mm + dy),  # type: ignore[arg-type]
    )


# -- the spread of the openings ----------------------------------------------------------------------------
def design_profiles(d: Design, layout: UnitRepetition) -> list[Profile]:
    """The design's profiles in the order :func:`geometry.derive.openings.opening_table` lists them (the default,
    the unit types' own, the overrides'): the order the margins' classes come in."""
    profiles: list[Profile] = [d.profile]
    if any(t.profile is not None for t in layout.others):
        profiles += [t.profile for t in layout.others if t.profile is not None]
    profiles += [o.profile for o in d.overrides]
    return list(dict.fromkeys(profiles))


def _units_at(g: UnitGroup, one: Sites, local: IntArray) -> tuple[IntArray, FloatArray, FloatArray]:
    """Design rows and centres of the unit rows ``local`` in every unit of the group, unit by unit."""
    off = g.offsets_mm
    return (g.site_rows[:, local].ravel(), (off[:, 0:1] + one.x_mm[local][None, :]).ravel(),
            (off[:, 1:2] + one.y_mm[local][None, :]).ravel())


def _centre_and_extent(rep: Repeated) -> tuple[tuple[float, float], float] | None:
    """The centre of the openings' box and its diagonal (margins.py's ``_centre`` and ``_extent``)."""
    boxes = [(g, b) for g in rep.groups if g.unit_count and (b := unit_spread(g.unit_design).spread) is not None]
    box = _placed_box(boxes)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    return ((x0 + x1) / 2.0, (y0 + y1) / 2.0), math.hypot(x1 - x0, y1 - y0)


def _violation_sites(pieces: list[tuple[UnitGroup, IntArray]]) -> tuple[tuple[str, ...], float, float]:
    """Names (in site order) of the unit rows of each group in every one of its units, and the first's centre."""
    rows, names, xs, ys = [], [], [], []
    for g, local in pieces:
        one = unit_context(g.unit_design).sites
        r, x, y = _units_at(g, one, local)
        rows.append(r)
        names.append(np.strings.add(np.asarray(g.prefixes)[:, None], one.names[local][None, :]).ravel())
        xs.append(x)
        ys.append(y)
    order = np.argsort(np.concatenate(rows), kind="stable")
    first = int(order[0])
    return tuple(np.concatenate(names)[order].tolist()), float(np.concatenate(xs)[first]), float(
        np.concatenate(ys)[first])


def repeated_margin(rep: Repeated) -> list[Violation]:
    """The ``margin`` check from the groups: classes by (design profile, pad), radii from the hull corners."""
    d = rep.design
    spread = _centre_and_extent(rep)
    if spread is None:
        return []
    (cx, cy), extent = spread
    profiles = design_profiles(d, rep.layout)
    by_key: dict[tuple[int, float], list[tuple[UnitGroup, IntArray, IntArray, Opening]]] = {}
    for g in rep.groups:
        if not g.unit_count:
            continue
        t = unit_context(g.unit_design).table
        for p, pad, rows, hull in unit_spread(g.unit_design).classes:
            by_key.setdefault((profiles.index(p), pad), []).append((g, rows, hull, t.openings[t.profiles.index(p)]))
    keys = sorted(by_key)
    classes: list[tuple[Opening, float, float]] = []
    for key in keys:
        radius = 0.0
        for g, _rows, hull, _o in by_key[key]:
            _, hx, hy = _units_at(g, unit_context(g.unit_design).sites, hull)
            radius = max(radius, float(np.hypot(hx - cx, hy - cy).max()))
        classes.append((by_key[key][0][3], key[1], radius))
    mode = d.tolerances.stack
    out: list[Violation] = []
    for k, check, slack, sources in margin_stacks(d, d.effective_limits(), extent, classes):
        short = short_margin(check, slack, sources, mode)
        if short is None:
            continue
        names, x, y = _violation_sites([(g, rows) for g, rows, _h, _o in by_key[keys[k]]])
        suffix = f" ({len(names)} sites)" if len(names) > 1 else f" (site {names[0]})"
        out.append(Violation("margin", Severity.WARNING, names, x, y, short[0], 0.0, "mm", short[1] + suffix))
    return out


def repeated_thermal(rep: Repeated) -> list[Violation]:
    """The ``thermal`` check from the groups: the farthest opening among the hull corners of every unit (the
    first in site order on a tie, as the whole-design check's argmax)."""
    d = rep.design
    spread = _centre_and_extent(rep) if thermal_applies(d) else None
    if spread is None:
        return []
    (cx, cy), _extent = spread
    best: tuple[float, int, UnitGroup, int] | None = None
    for g in rep.groups:
        hull = unit_spread(g.unit_design).hull if g.unit_count else np.zeros(0, dtype=np.intp)
        if not len(hull):
            continue
        rows, x, y = _units_at(g, unit_context(g.unit_design).sites, hull)
        r = np.hypot(x - cx, y - cy)
        top = float(r.max())
        k = int(np.flatnonzero(r == top)[np.argmin(rows[r == top])])
        if best is None or top > best[0] or (top == best[0] and int(rows[k]) < best[1]):
            best = (top, int(rows[k]), g, k)
    assert best is not None
    radius, _row, g, k = best
    unit, j = divmod(k, len(unit_spread(g.unit_design).hull))
    one = unit_context(g.unit_design).sites
    local = int(unit_spread(g.unit_design).hull[j])
    ox, oy = g.offsets_mm[unit].tolist()
    return [thermal_violation(d, radius, g.prefixes[unit] + str(one.names[local]), ox + float(one.x_mm[local]),
                              oy + float(one.y_mm[local]))]


AGGREGATED: dict[str, Callable[[Repeated], list[Violation]]] = {
    "margin": repeated_margin,
    "thermal": repeated_thermal,
}
"""Placement checks computed from the groups' spread (see the module docstring)."""


def repeated_placement(rep: Repeated, check: Check, band: Callable[[], CheckContext],
                       whole: Callable[[], CheckContext]) -> list[Violation]:
    """The findings of one placement check of a design of repeated units: from the spread, on the edge band's
    sites, or (a check this module does not know) on the whole design."""
    if check.id in AGGREGATED:
        return AGGREGATED[check.id](rep)
    return check(band() if check.id in BAND_CHECKS else whole())
