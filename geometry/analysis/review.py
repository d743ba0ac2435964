"""The rework review: what happens to each site, what needs attention, and what changed against production.

:func:`review` reads a design carrying rework data (as entered, or already derived) and gives:

- a per-site status array for colouring (to reball, damaged, failed place, residue too high, closed);
- the lists a reviewer signs off: sites to reball, damaged sites (and any still open), sites without a ball as
  built, the failed places (resolved to the nearest site when they are on one), sites whose residue the mask does
  not clear with the proposed change for each, and names in the rework data that match no site;
- the production vs rework comparison, site by site (closed openings, changed profiles).

:func:`format_review` writes it as plain text for the command line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from geometry.analysis.proposal import Proposal, derive_rework
from geometry.derive.openings import opening_table
from geometry.derive.residue import residue_table
from geometry.model.design import Design
from geometry.model.profiles import Opening
from geometry.model.rework import FailedPlace


class SiteStatus(IntEnum):
    """A site's state in the rework, for colouring (a site shows the first that applies, top to bottom)."""

    DAMAGED = 0
    RESIDUE_HIGH = 1
    FAILED_PLACE = 2
    REBALL = 3
    CLOSED = 4  # no ball: closed in production, or no ball as built


STATUS_LABELS = {
    SiteStatus.DAMAGED: "damaged (pad lifted)",
    SiteStatus.RESIDUE_HIGH: "residue too high",
    SiteStatus.FAILED_PLACE: "failed place",
    SiteStatus.REBALL: "to reball",
    SiteStatus.CLOSED: "no ball",
}


@dataclass(frozen=True, slots=True)
class FailedEntry:
    """A failed place and the site it is on (None when it is not on a site)."""

    place: FailedPlace
    site: str | None
    x_mm: float
    y_mm: float


@dataclass(frozen=True, slots=True)
class ResidueIssue:
    """A reballed site whose residue the mask does not clear, with the change proposed (or why there is none)."""

    site: str
    height_mm: float
    clearance_mm: float
    required_mm: float
    proposal: str
    fixable: bool


@dataclass(frozen=True, slots=True)
class SiteChange:
    """What changed on one site from the production to the rework mask: ``before`` -> ``after`` in words."""

    site: str
    what: str
    before: str
    after: str


@dataclass(frozen=True, eq=False)
class ReworkReview:
    """The review of one rework design (see the module docstring). ``status`` is per site, in site order."""

    device: str
    names: NDArray[np.str_]
    status: NDArray[np.uint8]
    height_mm: NDArray[np.float64]
    to_reball: tuple[str, ...]
    damaged: tuple[str, ...]
    damaged_open: tuple[str, ...]
    no_ball: tuple[str, ...]
    failed: tuple[FailedEntry, ...]
    too_high: tuple[ResidueIssue, ...]
    unknown: tuple[tuple[str, str], ...]
    changes: tuple[SiteChange, ...]
    proposal: Proposal
    rework_design: Design

    @property
    def attention(self) -> tuple[tuple[str, str], ...]:
        """(site, why) for every site that needs the reviewer's attention, worst first."""
        out: list[tuple[str, str]] = []
        out += [(i.site, f"residue too high: {i.proposal}") for i in self.too_high]
        out += [(n, "damaged (pad lifted) but its opening is still open") for n in self.damaged_open]
        out += [(n, "damaged (pad lifted): closed, no ball") for n in self.damaged if n not in self.damaged_open]
        out += [(f.site or f.place.label, f"failed place{': ' + f.place.note if f.place.note else ''}")
                for f in self.failed]
        out += [(n, f"{field}: no site of that name") for field, n in self.unknown]
        return tuple(out)


def describe_opening(o: Opening | None) -> str:
    """An opening in one line: kind, d_u, d_l, h_v, theta (or 'closed')."""
    if o is None:
        return "closed"
    parts = [o.kind, f"d_u {o.upper_mm:.3f}", f"d_l {o.lower_mm:.3f}", f"h_v {o.vertical_mm:.3f} mm"]
    if o.tapered:
        parts.append(f"theta {o.angle_deg:.2f} deg")
    return ", ".join(parts)


def compare(production: Design, rework: Design) -> tuple[SiteChange, ...]:
    """Site by site, what the rework mask changes against the production mask (closures, profiles)."""
    ta, tb = opening_table(production), opening_table(rework)
    sa, sb = ta.sites, tb.sites
    closed = set(rework.rework.closed) if rework.rework is not None else set()
    damaged = set(rework.rework.damaged) if rework.rework is not None else set()
    out: list[SiteChange] = []
    ib = np.flatnonzero(np.isin(sb.names, sa.names))  # in the rework design's site order
    common = sb.names[ib]
    ia = sa.indices_of(common.tolist())
    wa, wb = ta.which[ia], tb.which[ib]
    # profiles compare by value: map each production profile to its index in the rework's short list (-2: none)
    to_b = np.array([tb.profiles.index(p) if p in tb.profiles else -2 for p in ta.profiles] + [-1], dtype=np.intp)
    same = to_b[wa] == wb  # which == -1 (closed) picks the trailing -1
    for i in np.flatnonzero(~same).tolist():
        name = str(common[i])
        oa, ob = ta.opening_of(int(ia[i])), tb.opening_of(int(ib[i]))
        if ob is None:
            why = "damaged" if name in damaged else "no ball as built" if name in closed else "closed"
            out.append(SiteChange(name, f"opening closed ({why})", describe_opening(oa), "closed"))
        elif oa is None:
            out.append(SiteChange(name, "opening added", "closed", describe_opening(ob)))
        else:
            out.append(SiteChange(name, "profile changed", describe_opening(oa), describe_opening(ob)))
    for n in sorted(set(sa.names.tolist()) - set(sb.names.tolist())):
        out.append(SiteChange(n, "site removed", "present", "absent"))
    for n in sorted(set(sb.names.tolist()) - set(sa.names.tolist())):
        out.append(SiteChange(n, "site added", "absent", "present"))
    return tuple(out)


def _resolve_failed(design: Design, place: FailedPlace) -> FailedEntry:
    sites = design.sites()
    if place.site is not None:
        if sites.has(place.site):
            r = sites.index_of(place.site)
            return FailedEntry(place, place.site, float(sites.x_mm[r]), float(sites.y_mm[r]))
        return FailedEntry(place, None, math.nan, math.nan)
    x, y = float(place.x_mm or 0.0), float(place.y_mm or 0.0)
    if len(sites):
        d2 = (sites.x_mm - x) ** 2 + (sites.y_mm - y) ** 2
        r = int(np.argmin(d2))
        if math.sqrt(float(d2[r])) <= float(sites.pad_mm[r]) / 2.0 + 1e-9:
            return FailedEntry(place, str(sites.names[r]), x, y)
    return FailedEntry(place, None, x, y)


def review(design: Design, *, baseline: Design | None = None) -> ReworkReview:
    """Review a design carrying rework data; ``baseline`` is the production design to compare against.

    The proposal is the one :func:`~geometry.analysis.proposal.derive_rework` makes for ``design``: for a design as
    entered it lists the changes to come, for a derived design only what no change could fix.
    """
    rw = design.rework
    if rw is None:
        raise ValueError("the design carries no rework data")
    result = derive_rework(design)
    rt = residue_table(design)
    sites = rt.sites
    n = len(sites)
    failed = tuple(_resolve_failed(design, f) for f in rw.failed)
    failed_rows = sites.indices_of([f.site for f in failed if f.site is not None])
    status = np.full(n, SiteStatus.CLOSED, dtype=np.uint8)
    status[rt.residue] = SiteStatus.REBALL
    status[failed_rows] = SiteStatus.FAILED_PLACE
    status[rt.failing] = SiteStatus.RESIDUE_HIGH
    status[rt.damaged] = SiteStatus.DAMAGED
    open_rows = opening_table(design).which >= 0
    fixes = {f.site: f for f in result.proposal.fixes}
    unfix = {u.site: u for u in result.proposal.unfixable}
    issues: list[ResidueIssue] = []
    for r in np.flatnonzero(rt.failing).tolist():
        name = str(sites.names[r])
        if name in fixes:
            text, ok = f"{fixes[name].change}: {fixes[name].summary}", True
        elif name in unfix:
            text, ok = f"no change clears it: {unfix[name].reason}", False
        else:
            text, ok = "(site closed by the rework)", True
        issues.append(ResidueIssue(name, float(rt.height_mm[r]), float(rt.clearance_mm[r]),
                                   float(rt.required_mm[r]), text, ok))
    unknown = [("no_ball", s) for s in rw.no_ball if not sites.has(s)]
    unknown += [("damaged", s) for s in rw.damaged if not sites.has(s)]
    unknown += [("measured", m.site) for m in rw.measured if not sites.has(m.site)]
    unknown += [("failed", f.site) for f in rw.failed if f.site is not None and not sites.has(f.site)]
    reball = rt.residue & ~rt.damaged
    return ReworkReview(
        device=rw.device,
        names=sites.names,
        status=status,
        height_mm=rt.height_mm,
        to_reball=tuple(sites.names[reball].tolist()),
        damaged=tuple(sites.names[rt.damaged].tolist()),
        damaged_open=tuple(sites.names[rt.damaged & open_rows].tolist()),
        no_ball=tuple(s for s in rw.no_ball if sites.has(s)),
        failed=failed,
        too_high=tuple(issues),
        unknown=tuple(unknown),
        changes=compare(baseline if baseline is not None else design, result.design),
        proposal=result.proposal,
        rework_design=result.design,
    )


def _names_line(names: tuple[str, ...] | list[str], limit: int = 12) -> str:
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def _grouped(items: list[tuple[str, str]]) -> list[tuple[list[str], str]]:
    """(site, text) pairs grouped by text, in order of first appearance."""
    groups: dict[str, list[str]] = {}
    for site, text in items:
        groups.setdefault(text, []).append(site)
    return [(sites, text) for text, sites in groups.items()]


def format_review(rv: ReworkReview, *, limit: int = 12) -> str:
    """The review as text: counts and lists, then residue issues and the site-by-site changes.

    Sites with the same finding are listed on one line (``limit`` names shown, the rest counted).
    """
    lines = [f"Rework review{f' for device {rv.device}' if rv.device else ''}"]
    lines.append(f"  sites to reball ({len(rv.to_reball)}): {_names_line(rv.to_reball, limit)}")
    lines.append(f"  damaged, closed ({len(rv.damaged)}): {_names_line(rv.damaged, limit)}")
    lines.append(f"  no ball as built, closed ({len(rv.no_ball)}): {_names_line(rv.no_ball, limit)}")
    lines.append(f"  failed places ({len(rv.failed)}):")
    for f in rv.failed:
        where = f.site if f.site is not None else f.place.label
        at = f" (at {f.place.label})" if f.place.site is None and f.site is not None else ""
        lines.append(f"    {where}{at}{': ' + f.place.note if f.place.note else ''}")
    lines.append(f"  residue too high ({len(rv.too_high)}):")
    issues = []
    for i in rv.too_high:
        clear = "no metal above it" if math.isinf(i.clearance_mm) else f"{i.clearance_mm:.3f} mm"
        issues.append((i.site, f"residue {i.height_mm:.3f} mm, clearance {clear}, needs {i.required_mm:.3f} mm"
                               f" -> {i.proposal}"))
    lines.extend(f"    {_names_line(sites, limit)}: {text}" for sites, text in _grouped(issues))
    if rv.unknown:
        lines.append(f"  names that match no site ({len(rv.unknown)}):")
        lines.extend(f"    {field}: {name}" for field, name in rv.unknown)
    lines.append(f"  changes against production ({len(rv.changes)} sites):")
    changes = [(c.site, f"{c.what}: {c.before} -> {c.after}") for c in rv.changes]
    lines.extend(f"    {_names_line(sites, limit)}: {text}" for sites, text in _grouped(changes))
    return "\n".join(lines)
