"""The incremental engine behind :class:`geometry.analysis.live.LiveAnalysis` (issue 12).

Locality (docs/architecture.md, issue 12): an edit at a site changes the lower relief only inside the changed
lower circles and channels (the box ``B``), and each neighbour check only for pairs naming a changed site. The
engine takes the sites in the box ``B`` grown by ``G`` as a window design (:mod:`geometry.analysis.live_diff`),
computes its relief and checks with the ordinary functions, and keeps from them what is exact:

* inside ``E`` (the window less ``2 r_max + L``: no circle or channel from outside reaches it) the window's
  union equals the design's, so a ring of the window lying in ``E`` is a ring of the design. Rings meeting
  ``B`` are replaced by the window's rings meeting ``B``; a ring meeting ``B`` that leaves ``E`` (the outer
  ring of a merged array near its border), a region that splits or two that merge, more than one relief depth,
  explicit channels: the engine says why and the caller recomputes everything;
* the islands of holes near ``B`` are measured again; the span is bounded: a circle inscribed in the new relief
  that is larger than both the old span and the window's must meet ``B`` and leave ``E``, so it is at least
  ``g`` = dist(B, outside E) across; while the window's span is below ``g`` the new span is at most the larger
  of the two, and while that stays within the narrowest lower outline no finding can appear;
* pitch: its finding is the closest pair when one is within D; the pairs within D are kept by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from geometry.analysis.live_checks import (
    OPENING_CHECKS,
    PAD_CHECKS,
    PAIR_CHECKS,
    GroupKey,
    GroupRows,
    counts_after,
    finding_key,
    group_context,
    group_counts,
    group_keys,
    names_hit,
    rows_context,
)
from geometry.analysis.live_diff import (
    Box,
    FallbackError,
    box_after,
    changed_rows,
    design_wide_change,
    disks_box,
    grow,
    points_box,
    union_box,
    window_design,
)
from geometry.analysis.live_margins import Radii, distinct_openings, margin_findings, radii_after, radii_of
from geometry.analysis.live_relief import ReliefStore, inside, ring_boxes
from geometry.analysis.live_relief_update import update_relief
from geometry.base.arrays import distinct
from geometry.checks.base import EPS_MM, CheckContext, Scope, fmt_mm
from geometry.checks.records import CheckReport, Severity, Violation
from geometry.checks.registry import CHECKS
from geometry.derive.islands import MEASURE_TOL_MM, whole_islands
from geometry.derive.openings import OpeningTable, opening_table
from geometry.derive.pairs import close_pairs
from geometry.derive.relief.merged import Relief, whole_relief
from geometry.derive.relief.model import depth_key
from geometry.derive.span import SPAN_CHORD_MM, largest_span
from geometry.model.design import Design
from geometry.model.layouts.explicit import ExplicitLayout, SiteColumns
from geometry.model.materials import Limits

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

MAX_CHANGED = 64  # more changed sites than this: a full recompute is as quick
MAX_DRIFT_MM = 0.05  # how far sites may move from where the site tree was built
TILE_MM = 2.0


@dataclass
class State:
    """Everything the engine keeps between updates for the current design."""

    design: Design
    table: OpeningTable
    findings: dict[str, list[Violation]]
    groups: dict[str, dict[GroupKey, list[Violation]]]
    store: ReliefStore
    tree: cKDTree
    tree_xy: FloatArray
    drift: float
    islands: list[tuple[Box, Violation]]
    pitch_pairs: dict[tuple[str, str], float]
    span_bound: float
    group_count: dict[GroupKey, int]
    radii: Radii
    site_box: Box
    pop_box: Box | None
    relief: Relief | None = None
    fallbacks: dict[str, int] = field(default_factory=dict)

    def report(self) -> CheckReport:
        """The findings in check order."""
        out: list[Violation] = []
        for cid in CHECKS:
            if cid in self.groups:
                for vs in self.groups[cid].values():
                    out.extend(vs)
            elif cid == "lower-island":
                out.extend(v for _, v in self.islands)
            else:
                out.extend(self.findings.get(cid, []))
        return CheckReport(tuple(out))


def _radius_max(table: OpeningTable) -> float:
    return max((o.lower_mm / 2.0 for o in table.openings), default=0.0)


def full_state(design: Design, report: CheckReport, relief: Relief) -> State:
    """The engine's state after a full recompute (``report`` and ``relief`` are the design's)."""
    table = opening_table(design)
    sites = table.sites
    findings: dict[str, list[Violation]] = {cid: [] for cid in CHECKS}
    groups: dict[str, dict[GroupKey, list[Violation]]] = {cid: {} for cid in (*OPENING_CHECKS, *PAD_CHECKS)}
    store = ReliefStore(relief, table.lower_mm, TILE_MM)
    holes = relief.rings.subset(relief.rings.hole)
    hb = ring_boxes(holes)
    island_findings: list[Violation] = []
    for v in report.violations:
        if v.check in groups:
            groups[v.check].setdefault(finding_key(v.check, table, sites.index_of(v.sites[0])), []).append(v)
        elif v.check == "lower-island":
            island_findings.append(v)
        else:
            findings[v.check].append(v)
    ix = np.fromiter((v.x_mm for v in island_findings), np.float64, len(island_findings))
    iy = np.fromiter((v.y_mm for v in island_findings), np.float64, len(island_findings))
    isl = [((float(b[0]), float(b[1]), float(b[2]), float(b[3])), v)
           for b, v in zip(hole_boxes_of(hb, ix, iy).tolist(), island_findings, strict=True)]
    rows = table.rows
    d = design.ball.diameter_mm
    pi, pj, dist = close_pairs(sites.xy[rows], d + EPS_MM)
    names = sites.names
    pitch_pairs = {(str(names[rows[a]]), str(names[rows[b]])): float(m)
                   for a, b, m in zip(pi.tolist(), pj.tolist(), dist.tolist(), strict=True)}
    s = largest_span(design)
    lower = table.lower_mm[rows]
    bound = s.span_mm if s is not None else (float(np.nanmax(lower)) if len(rows) else 0.0)
    xy = sites.xy.copy()
    counts = group_counts(table)
    pop_box = points_box(sites.x_mm[rows], sites.y_mm[rows])
    radii = radii_of(table, GroupRows(table), {(o, p) for o, p in counts if p is not None}, pop_box)
    return State(design, table, findings, groups, store, cKDTree(xy), xy, 0.0, isl, pitch_pairs, bound,
                 counts, radii, sites.bounds(), pop_box, relief)


def hole_boxes_of(boxes: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    """For every point, the box of the smallest hole whose box holds it (ties: the first such hole), else the point
    itself: :func:`hole_box_of` for many points at once, through one box tree (a scan of every hole per finding
    made the state of a design with a million island findings take hours)."""
    out = np.column_stack([x, y, x, y]).astype(np.float64)
    if not len(x) or not len(boxes):
        return out
    tree = shapely.STRtree(shapely.box(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]))
    pt, bi = tree.query(shapely.points(x, y), predicate="intersects")  # a point on a box's edge is held
    if not len(pt):
        return out
    area = (boxes[bi, 2] - boxes[bi, 0]) * (boxes[bi, 3] - boxes[bi, 1])
    order = np.lexsort((bi, area, pt))
    pt, bi = pt[order], bi[order]
    first = np.flatnonzero(np.r_[True, pt[1:] != pt[:-1]])
    out[pt[first]] = boxes[bi[first]]
    return out


def hole_box_of(boxes: FloatArray, x: float, y: float) -> Box:
    """The box of the smallest hole whose box holds the point (the point itself when none does)."""
    inb = np.flatnonzero((boxes[:, 0] <= x) & (boxes[:, 2] >= x) & (boxes[:, 1] <= y) & (boxes[:, 3] >= y))
    if not len(inb):
        return (x, y, x, y)
    area = (boxes[inb, 2] - boxes[inb, 0]) * (boxes[inb, 3] - boxes[inb, 1])
    b = boxes[inb[int(np.argmin(area))]]
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _meets(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and a[2] >= b[0] and a[1] <= b[3] and a[3] >= b[1]


def incremental(state: State, design: Design) -> State:
    """The state for ``design`` computed from ``state``; raises :class:`FallbackError` when that is not exact."""
    old = state.design
    why = design_wide_change(old, design)
    if why is not None:
        raise FallbackError(f"design-wide change: {why}")
    if design.merge.channels or design.rework is not None:
        raise FallbackError("explicit channels or rework data")
    table = opening_table(design)
    changed = changed_rows(state.table, table)
    new = State(design, table, {k: list(v) for k, v in state.findings.items()},
                {k: dict(v) for k, v in state.groups.items()}, state.store, state.tree, state.tree_xy, state.drift,
                list(state.islands), dict(state.pitch_pairs), state.span_bound, state.group_count, state.radii,
                state.site_box, state.pop_box, None, state.fallbacks)
    if not len(changed):
        new.relief = state.relief
        return new
    if len(changed) > MAX_CHANGED:
        raise FallbackError(f"{len(changed)} sites changed")
    ot, nt = state.table, table
    sites = nt.sites
    # -- the sites' bounds (the outline) and the populated ones (the openings' spread), from the changed rows
    c = changed
    a, b = ot.sites, sites
    new.site_box = box_after(state.site_box, a.x_mm[c], a.y_mm[c], b.x_mm[c], b.y_mm[c], b.bounds) or b.bounds()
    if design.mask.outline.rectangle(new.site_box) != old.mask.outline.rectangle(state.site_box):
        raise FallbackError("the outline moved")
    was, now = c[ot.which[c] >= 0], c[nt.which[c] >= 0]
    new.pop_box = box_after(state.pop_box, a.x_mm[was], a.y_mm[was], b.x_mm[now], b.y_mm[now],
                            lambda: points_box(b.x_mm[nt.rows], b.y_mm[nt.rows]))
    new.group_count = counts_after(state.group_count, ot, nt, c)
    lim = design.effective_limits()
    r_max = max(_radius_max(ot), _radius_max(nt))
    # channels join a changed site to a partner up to 2 r_max + w_min away; only channels at the relief's depth
    # can be applied here (another depth is a fallback below), so without those the capsules add no reach
    t = design.mask.thickness_mm
    depths = [o.relief_depth_mm for o in (*ot.openings, *nt.openings) if o.relief_depth_mm > EPS_MM]
    same_depth_channels = design.merge.auto and any(d <= t - lim.membrane_min_mm + EPS_MM for d in depths)
    reach_l = 2.0 * r_max + lim.web_min_mm if same_depth_channels else 0.0
    du_max = max((o.upper_mm for o in (*ot.openings, *nt.openings)), default=0.0)
    reach_pair = max(design.ball.diameter_mm + lim.ball_gap_min_mm, du_max + lim.web_min_mm, 2 * r_max + lim.web_min_mm)
    zb = union_box(disks_box(ot.lower_x_mm[c], ot.lower_y_mm[c], ot.lower_mm[c] / 2.0),
                   disks_box(nt.lower_x_mm[c], nt.lower_y_mm[c], nt.lower_mm[c] / 2.0))
    zb = union_box(zb, disks_box(np.concatenate([ot.sites.x_mm[c], sites.x_mm[c]]),
                                 np.concatenate([ot.sites.y_mm[c], sites.y_mm[c]]), np.zeros(2 * len(c))))
    zb = grow(zb, reach_l + 1e-9)  # channels of a changed site reach its partner's circle
    # nothing from outside the window reaches E: a circle r_max, a channel reach_l; the sites named around an
    # island of E lie within r_max and half its inscribed circle of it
    margin_e = 1.5 * r_max + reach_l
    g = max(1.1 * 2.0 * r_max + 4.0 * SPAN_CHORD_MM, reach_pair)
    wbox = grow(zb, margin_e + g)
    ebox = grow(wbox, -margin_e)
    # -- the window's rows -------------------------------------------------------------------------------
    moved = np.hypot(sites.x_mm[c] - state.tree_xy[c, 0], sites.y_mm[c] - state.tree_xy[c, 1])
    new.drift = max(state.drift, float(moved.max()))
    if new.drift > MAX_DRIFT_MM:
        raise FallbackError("sites moved too far from the site tree")
    cx, cy = (wbox[0] + wbox[2]) / 2.0, (wbox[1] + wbox[3]) / 2.0
    cand = np.asarray(state.tree.query_ball_point([cx, cy], np.hypot(wbox[2] - cx, wbox[3] - cy) + new.drift),
                      dtype=np.intp)
    x, y = sites.x_mm[cand], sites.y_mm[cand]
    w_rows = np.sort(cand[(x >= wbox[0]) & (x <= wbox[2]) & (y >= wbox[1]) & (y <= wbox[3])])
    win = window_design(design, nt, w_rows)
    sub = win.design
    changed_names = set(sites.names[c].tolist())
    # -- relief ------------------------------------------------------------------------------------------
    r_sub = whole_relief(sub)
    keys = set(distinct(np.concatenate([depth_key(r_sub.circle_depth_mm), depth_key(r_sub.region_depth_mm)])).tolist())
    if len(state.store.keys | keys) > 1:
        raise FallbackError("more than one relief depth")
    store = state.store.copy()
    store.keys |= keys
    update_relief(store, state.store, r_sub, w_rows, c, zb, ebox, ot.lower_mm, nt)
    new.store = store
    # -- islands -----------------------------------------------------------------------------------------
    new.islands = [(b, v) for b, v in new.islands if not _meets(_grown_hole(b), zb)] + _islands(r_sub, sub, zb, ebox)
    # -- span --------------------------------------------------------------------------------------------
    new.span_bound = _span(state, store, r_sub, ebox, g)
    # -- pair checks on the window -----------------------------------------------------------------------
    ctx = CheckContext.of(sub)
    for cid in PAIR_CHECKS:
        kept = [v for v in new.findings[cid] if not names_hit(v, changed_names)]
        new.findings[cid] = kept + [v for v in CHECKS[cid](ctx) if names_hit(v, changed_names)]
    _pitch(new, sub, changed_names)
    _group_checks(new, state, ot, nt, c, lim)
    # -- edge and thermal (the outline stays put: checked above) ---------------------------------------------
    outline = design.mask.outline.rectangle(new.site_box)
    kept = [v for v in new.findings["edge"] if not names_hit(v, changed_names)]
    new.findings["edge"] = kept + [v for v in CHECKS["edge"](rows_context(design, nt, c, lim, outline)) if v.sites]
    if design.tolerances.delta_t_k != 0.0 or design.output.artwork_scale_ppm is not None:
        new.findings["thermal"] = CHECKS["thermal"](rows_context(design, nt, nt.rows, lim, outline))
    return new


def _group_checks(new: State, state: State, ot: OpeningTable, nt: OpeningTable, c: IntArray, lim: Limits) -> None:
    """Recompute the findings of the opening groups that a changed site left or joined (all groups' margins
    when the populated bounds moved, since the margin reads them).

    A check of :attr:`Scope.OPENING` decides on a group's opening (and pad) alone and only lists the group's
    sites in its finding: a group that existed before and had no finding has none after a site left, joined or
    moved, so only groups that are new or had a finding are recomputed (each a pass over its rows). The margin
    reads where the sites are: every touched group of it is recomputed from the groups' radii
    (:mod:`geometry.analysis.live_margins`), without a pass over the sites unless a group has a finding.
    """
    design = new.design
    touched = group_keys(ot, c) | group_keys(nt, c)
    bounds_same = state.pop_box == new.pop_box
    rows = GroupRows(nt)
    new.radii, moved = radii_after(state.radii, state.pop_box, new.pop_box, ot, nt, c, new.group_count, rows)
    for cid in (*OPENING_CHECKS, *PAD_CHECKS):
        keys_c = {k for k in touched if (k[1] is None) == (cid not in PAD_CHECKS)}
        if cid == "margin" and distinct_openings(nt):
            if not bounds_same:
                new.groups[cid] = {}
            keys_m = {(o, p) for o, p in keys_c if p is not None} | moved
            for pk in keys_m:
                new.groups[cid].pop(pk, None)
            ctx = group_context(design, nt, set(), lim, rows)
            for pk, vs in margin_findings(ctx, rows, new.radii, keys_m, new.pop_box, lim).items():
                new.groups[cid][pk] = vs
            continue
        if cid == "margin" and not bounds_same:
            keys_c = {k for k in new.group_count if k[1] is not None}
            new.groups[cid] = {}
        elif CHECKS[cid].scope is Scope.OPENING:
            keys_c = {k for k in keys_c if state.group_count.get(k, 0) == 0 or new.groups[cid].get(k)}
        for k in keys_c:
            new.groups[cid].pop(k, None)
        if not keys_c:
            continue
        gctx = group_context(design, nt, keys_c, lim, rows)
        first = gctx.first_sites()
        for v in CHECKS[cid](gctx):
            key = first[v.sites[0]]
            new.groups[cid].setdefault(key if cid in PAD_CHECKS else (key[0], None), []).append(v)


def _grown_hole(b: Box) -> Box:
    """A hole's box grown by half its size: the sites named around an island lie within that of it."""
    return grow(b, max(b[2] - b[0], b[3] - b[1]) / 2.0 + 1e-6)


def _islands(r_sub: Relief, sub: Design, zb: Box, ebox: Box) -> list[tuple[Box, Violation]]:
    """The island findings of the window's holes near the edit, with each hole's box."""
    rs = r_sub.rings
    if not rs.hole.any():
        return []
    boxes = ring_boxes(rs)
    near = np.array([rs.hole[k] and _meets(_grown_hole(tuple(boxes[k].tolist())), zb) for k in range(len(rs))],
                    dtype=bool)
    if not near.any():
        return []
    if not inside(rs.subset(near), grow(ebox, -0.0)).all():
        raise FallbackError("a hole near the edit leaves the window")
    mini = Relief(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.intp), rs.subset(near),
                  r_sub.region_depth_mm, r_sub.region_site_start, r_sub.region_site_rows)
    isl = whole_islands(sub, mini)
    w_min = sub.effective_limits().web_min_mm
    names = sub.sites().names
    hb = boxes[near]
    out: list[tuple[Box, Violation]] = []
    for k in np.flatnonzero(isl.inscribed_mm < w_min - MEASURE_TOL_MM).tolist():
        around = tuple(names[isl.sites_of(k)].tolist())
        m, w, x, y = (float(isl.inscribed_mm[k]), float(isl.width_mm[k]), float(isl.x_mm[k]), float(isl.y_mm[k]))
        v = Violation(
            "lower-island", Severity.ERROR, around, x, y, m, w_min, "mm",
            f"metal island on the lower surface between {', '.join(around)} is"
            f" {fmt_mm(m)} across (narrowest width {fmt_mm(w)}), below the lower web minimum {fmt_mm(w_min)}:"
            " it cannot be made; move the openings apart or etch it with a channel",
        )
        out.append((tuple(hb[k].tolist()), v))
    return out


def _span(state: State, store: ReliefStore, r_sub: Relief, ebox: Box, g: float) -> float:
    """The new bound of the span; raises Fallback unless the span check still finds nothing."""
    if state.findings.get("span"):
        raise FallbackError("the design has a span finding")
    layers = list(r_sub.to_shapely(SPAN_CHORD_MM).values())
    m = 0.0
    if layers:
        area = shapely.intersection(shapely.union_all(layers), shapely.box(*ebox))
        if not area.is_empty:
            m = 2.0 * float(shapely.length(shapely.maximum_inscribed_circle(area, SPAN_CHORD_MM / 2.0)))
    m += 2.0 * SPAN_CHORD_MM  # the search's tolerance and the chords' sagitta
    if m >= g:
        raise FallbackError("the window's span is as wide as the window")
    bound = max(state.span_bound, m)
    # every part is a region (one depth) or a single circle, whose span is its own lower outline: no finding
    # while the bound stays within every region's widest lower outline
    lower = store.region_lower[store.alive]
    narrowest = float(np.nanmin(lower)) if len(lower) and not np.isnan(lower).all() else np.inf
    if bound > narrowest + SPAN_CHORD_MM:
        raise FallbackError("the span may now exceed a lower outline")
    return bound


def _pitch(new: State, sub: Design, changed: set[str]) -> None:
    """Keep the pairs closer than D by name; the pitch finding is the closest of them, found on their sites."""
    t = opening_table(sub)
    rows = t.rows
    pi, pj, dist = close_pairs(t.sites.xy[rows], sub.ball.diameter_mm + EPS_MM)
    names = t.sites.names
    pairs = {k: m for k, m in new.pitch_pairs.items() if k[0] not in changed and k[1] not in changed}
    for a, b, m in zip(pi.tolist(), pj.tolist(), dist.tolist(), strict=True):
        na, nb = str(names[rows[a]]), str(names[rows[b]])
        if na in changed or nb in changed:
            pairs[(na, nb)] = float(m)
    new.pitch_pairs = pairs
    if not pairs:
        new.findings["pitch"] = []
        return
    d = new.design
    s = new.table.sites
    who = sorted({n for p in pairs for n in p}, key=lambda n: int(s.index_of(n)))
    rows_p = s.indices_of(who)
    cols = SiteColumns(s.names[rows_p], s.x_mm[rows_p], s.y_mm[rows_p], s.pad_mm[rows_p], s.pad_kind[rows_p])
    tiny = Design(d.ball, d.pad, ExplicitLayout(cols), d.mask, d.profile, upper_ratio=d.upper_ratio,
                  limits=d.limits)
    new.findings["pitch"] = CHECKS["pitch"](CheckContext.of(tiny))
