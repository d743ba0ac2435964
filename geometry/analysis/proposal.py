"""The rework mask: derived from the production mask, with the smallest per-site changes that clear the residue.

Derivation (patent 002, claim 8: new balls go where the first ones were):

1. the rework data is attached to the design;
2. damaged sites and sites that had no ball are closed (depopulated): no ball, no opening;
3. every reballed site that fails ``residue-clear`` gets its own profile (a per-site override) with the smallest
   change that makes it pass; passing sites, and the upper openings of all sites, stay as they were.

Candidate changes, each solved in closed form and rounded to what a mask is specified in (1 um for lengths,
rounded toward the safe side; 0.01 degree for angles, rounded down):

- **a deeper step** (stepped, stepped-tapered; a one-side-vertical opening gets a step instead of its full-height
  vertical side): a smaller h_v, allowed only while h_v >= r still holds (claim 6, the hold check);
- **a lower theta** (tapered, stepped-tapered);
- **a wider lower outline** (stepped: a larger d_l; a straight opening becomes stepped with the shallowest recess
  that clears the residue).

When several candidates clear a site, the one that widens the lower outline least wins (the lower outline is what
can collide with neighbours); ties go to the order above. A site no candidate clears is reported as unfixable with
the reason (residue too high for this thickness and ball, usually).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError
from geometry.derive.openings import opening_table
from geometry.derive.residue import residue_table, underside_height
from geometry.model.design import Design
from geometry.model.operations import depopulate, set_profile
from geometry.model.profiles import (
    EPS_MM,
    OneSideVertical,
    Opening,
    Profile,
    Stepped,
    SteppedTapered,
    Straight,
    Tapered,
)
from geometry.model.rework import Rework

FloatArray = NDArray[np.float64]

LENGTH_STEP_MM = 0.001
ANGLE_STEP_DEG = 0.01


def floor_to(value: float, step: float) -> float:
    """Round down to a multiple of ``step`` (a hair of round-off tolerated), as a clean decimal."""
    return round(math.floor(value / step + 1e-6) * step, 6)


def ceil_to(value: float, step: float) -> float:
    """Round up to a multiple of ``step`` (a hair of round-off tolerated), as a clean decimal."""
    return round(math.ceil(value / step - 1e-6) * step, 6)


@dataclass(frozen=True, slots=True)
class SiteFix:
    """The change proposed for one site: from ``before`` to ``after`` (profiles), and why.

    ``change`` is one of ``deeper step``, ``lower theta``, ``wider lower outline``; ``summary`` says it in
    numbers (``h_v 0.200 -> 0.180 mm``). Clearances in mm (inf: no metal above the footprint).
    """

    site: str
    change: str
    summary: str
    before: Profile
    after: Profile
    clearance_mm: float
    required_mm: float
    clearance_after_mm: float


@dataclass(frozen=True, slots=True)
class Unfixable:
    """A failing site that no candidate change clears, and the reason."""

    site: str
    clearance_mm: float
    required_mm: float
    reason: str


@dataclass(frozen=True, slots=True)
class Proposal:
    """Per-site changes proposed for the failing sites of a rework design."""

    fixes: tuple[SiteFix, ...] = ()
    unfixable: tuple[Unfixable, ...] = ()


@dataclass(frozen=True, slots=True)
class ReworkResult:
    """What :func:`derive_rework` gives: the production design, the rework design and the proposal applied."""

    production: Design
    design: Design
    proposal: Proposal
    closed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Candidate:
    change: str
    profile: Profile
    summary: str


def _keep_upper(new: Profile, old: Profile) -> Profile:
    return replace(new, upper_mm=old.upper_mm)


# one branch per profile kind
def _candidates(design: Design, p: Profile, o: Opening, q: float, need: float) -> list[_Candidate]:  # noqa: PLR0912
    """Candidate profiles for one site of profile ``p`` (opening ``o``) with reach ``q`` and need ``need``."""
    t, ru, r = o.thickness_mm, o.upper_mm / 2.0, design.ball.radius_mm
    out: list[_Candidate] = []
    over = max(q - ru, 0.0)  # how far the footprint reaches beyond the upper wall

    def tan(theta: float) -> float:
        return math.tan(math.radians(theta)) if theta < 90.0 else math.inf

    if isinstance(p, Straight):
        hv = floor_to(t - need, LENGTH_STEP_MM)
        dl = ceil_to(2.0 * q, LENGTH_STEP_MM)
        if hv >= r - EPS_MM and 0 < hv < t:
            out.append(_Candidate("wider lower outline", Stepped(hv, max(dl, o.upper_mm + LENGTH_STEP_MM)),
                                  f"straight -> stepped: h_v {hv:.3f} mm, d_l {dl:.3f} mm"))
    elif isinstance(p, Tapered) and t - need > 0 and over > 0:
        theta = floor_to(math.degrees(math.atan2(t - need, over)), ANGLE_STEP_DEG)
        if 0 < theta < o.angle_deg:
            if p.angle_deg is not None:
                out.append(_Candidate("lower theta", Tapered(theta),
                                      f"theta {o.angle_deg:.2f} -> {theta:.2f} deg"))
            else:
                dl = ceil_to(o.upper_mm + 2.0 * t / tan(theta), LENGTH_STEP_MM)
                out.append(_Candidate("wider lower outline", Tapered(None, dl),
                                      f"d_l {o.lower_mm:.3f} -> {dl:.3f} mm"))
    elif isinstance(p, Stepped):
        hv = min(p.vertical_mm, floor_to(t - need, LENGTH_STEP_MM))
        dl = max(p.lower_mm, ceil_to(2.0 * q, LENGTH_STEP_MM))
        if hv >= r - EPS_MM and hv > 0:
            parts = []
            if hv < p.vertical_mm:
                parts.append(f"h_v {p.vertical_mm:.3f} -> {hv:.3f} mm")
            if dl > p.lower_mm:
                parts.append(f"d_l {p.lower_mm:.3f} -> {dl:.3f} mm")
            change = "deeper step" if hv < p.vertical_mm else "wider lower outline"
            out.append(_Candidate(change, Stepped(hv, dl), ", ".join(parts)))
    elif isinstance(p, SteppedTapered | OneSideVertical) and over > 0:
        theta0 = o.angle_deg
        hv_old = o.vertical_mm
        # a deeper step at the same angle: the taper passes through (q, depth t - need)
        if theta0 < 90.0:
            hv = floor_to(t - need - over * tan(theta0), LENGTH_STEP_MM)
            if hv >= r - EPS_MM and 0 < hv < hv_old:
                if isinstance(p, SteppedTapered) and p.angle_deg is None:
                    dl = ceil_to(o.upper_mm + 2.0 * (t - hv) / tan(theta0), LENGTH_STEP_MM)
                    new: Profile = SteppedTapered(hv, None, dl)
                else:
                    new = SteppedTapered(hv, theta0)
                what = "one-side-vertical -> stepped-tapered: " if isinstance(p, OneSideVertical) else ""
                out.append(_Candidate("deeper step", new, f"{what}h_v {hv_old:.3f} -> {hv:.3f} mm"))
        # a lower angle below the same step
        if isinstance(p, SteppedTapered) and t - need - hv_old > 0:
            theta = floor_to(math.degrees(math.atan2(t - need - hv_old, over)), ANGLE_STEP_DEG)
            if 0 < theta < theta0:
                if p.angle_deg is not None:
                    out.append(_Candidate("lower theta", SteppedTapered(p.vertical_mm, theta),
                                          f"theta {theta0:.2f} -> {theta:.2f} deg"))
                else:
                    dl = ceil_to(o.upper_mm + 2.0 * (t - hv_old) / tan(theta), LENGTH_STEP_MM)
                    out.append(_Candidate("wider lower outline", SteppedTapered(p.vertical_mm, None, dl),
                                          f"d_l {o.lower_mm:.3f} -> {dl:.3f} mm"))
    return [replace(c, profile=_keep_upper(c.profile, p)) for c in out]


def _reason(design: Design, o: Opening, q: float, need: float) -> str:
    t, r = o.thickness_mm, design.ball.radius_mm
    if need >= t - EPS_MM:
        return (f"residue + clearance {need:.3f} mm is not below the mask thickness {t:.3f} mm: no opening of this"
                " mask clears it; clean the pad or use a thicker mask")
    if need >= t - r and o.kind != "tapered":
        return (f"the residue needs a recess of {need:.3f} mm but the mask ({t:.3f} mm) must keep a vertical wall"
                f" of at least the ball radius {r:.3f} mm: clean the pad or use a thicker mask")
    if o.kind == "one-side-vertical" and o.angle_deg >= 90.0:
        return "a one-side-vertical opening at 90 degrees has no taper to work with: choose another profile"
    return "no deeper step, lower angle or wider lower outline clears it within the hold rule"


def propose(design: Design) -> Proposal:
    """The smallest per-site changes that make every failing reballed site of a rework design pass."""
    if design.rework is None:
        return Proposal()
    rt = residue_table(design)
    table = opening_table(design)
    rows = np.flatnonzero(rt.failing)
    fixes: list[SiteFix] = []
    unfixable: list[Unfixable] = []
    cache: dict[Profile, Opening | None] = {}
    solved: dict[tuple[int, float, float], tuple[float, int, _Candidate, float] | None] = {}

    def resolved(p: Profile) -> Opening | None:
        if p not in cache:
            try:
                cache[p] = design.resolve(p)
            except DesignError:
                cache[p] = None
        return cache[p]

    for row in rows.tolist():  # failing sites only: a loop over findings, not over the layout
        k = int(table.which[row])
        p, o = table.profiles[k], table.openings[k]
        q, need = float(rt.reach_mm[row]), float(rt.required_mm[row])
        name = str(rt.sites.names[row])
        memo = (k, q, need)  # sites with the same opening and residue get the same answer: solve once
        if memo not in solved:
            best: tuple[float, int, _Candidate, float] | None = None
            for order, c in enumerate(_candidates(design, p, o, q, need)):
                new = resolved(c.profile)
                if new is None:
                    continue
                after = float(underside_height(new, q)[0])
                if after < need - EPS_MM:
                    continue
                key = (round(new.lower_mm - o.lower_mm, 9), order)
                if best is None or key < best[:2]:
                    best = (key[0], key[1], c, after)
            solved[memo] = best
        best = solved[memo]
        if best is None:
            unfixable.append(Unfixable(name, float(rt.clearance_mm[row]), need, _reason(design, o, q, need)))
        else:
            c, after = best[2], best[3]
            fixes.append(SiteFix(name, c.change, c.summary, p, c.profile, float(rt.clearance_mm[row]), need, after))
    return Proposal(tuple(fixes), tuple(unfixable))


def apply_proposal(design: Design, proposal: Proposal) -> Design:
    """The design with each fix as a per-site profile override (sites with the same new profile share one)."""
    by_profile: dict[Profile, list[str]] = {}
    for f in proposal.fixes:
        by_profile.setdefault(f.after, []).append(f.site)
    for profile, names in by_profile.items():
        design = set_profile(design, names, profile)
    return design


def derive_rework(design: Design, rework: Rework | None = None) -> ReworkResult:
    """The rework design of a production design: rework data attached, closures made, the proposal applied.

    ``rework`` defaults to the design's own rework data (DesignError when it has none). Deriving again from a
    derived design changes nothing.
    """
    data = rework if rework is not None else design.rework
    if data is None:
        raise DesignError("rework", None, "the design carries no rework data: give residue, damaged sites, ...")
    d = design if design.rework == data else design.with_(rework=data)
    sites = d.sites()
    closing = [n for n in data.closed if sites.has(n) and bool(sites.populated[sites.index_of(n)])]
    if closing:
        d = depopulate(d, closing)
    proposal = propose(d)
    return ReworkResult(design, apply_proposal(d, proposal), proposal, tuple(closing))
