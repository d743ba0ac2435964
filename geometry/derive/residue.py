"""How high the mask's underside stands above old solder: the ``residue-clear`` rule in the cross-section.

Geometry (checks.md, residue-clear). At depth z below the upper surface an opening is a circle of radius rho(z)
whose centre is shifted by s(z) toward the profile's direction (:class:`geometry.model.profiles.WallSegment`). Openings
widen downward and each circle contains the ones above it, so above a point of the device the metal, if any,
fills the depths from 0 down to the depth z* where the wall reaches that point; the underside there stands
t - z* above the device. Inside d_u / 2 there is no metal at all (infinite clearance); outside the lower outline
the mask sits on the device (clearance 0).

The residue footprint is a disc of diameter d_res (measured, else the pad grown by the flux spread f) around the
pad centre; the mask may be misplaced by up to the alignment tolerance a in any direction. The worst point of the
footprint at depth z lies a + d_res / 2 + s(z) from that depth's circle centre (the footprint pushed away from
the shift), so the lowest metal over the footprint is the deepest z with rho(z) - s(z) < a + d_res / 2. Since
rho - s never decreases with depth, that is one closed form per wall segment, vectorised over all sites of one
opening: the cost is (number of distinct openings) x (number of segments) numpy passes.

Merged lower reliefs (claim 7) only remove metal between openings, so using each site's own opening is exact
inside the footprint of a site whose footprint stays within its own lower outline, and on the safe side otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from geometry.derive.openings import opening_table
from geometry.model.design import Design
from geometry.model.profiles import EPS_MM, Opening
from geometry.model.rework import Rework
from geometry.model.sites import Sites

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def underside_height(opening: Opening, reach_mm: FloatArray | float) -> FloatArray:
    """Lowest height (mm) of the mask's underside above the device over footprints of worst-case ``reach_mm``.

    ``reach_mm`` is how far the footprint can reach from the opening's axis (footprint radius + alignment).
    Returns ``inf`` where no metal lies above any point of the footprint and 0 where the mask sits on it. A
    footprint whose edge just touches a wall (within 1e-9 mm) counts as clear of it: the wall is beside it.
    """
    q = np.atleast_1d(np.asarray(reach_mm, dtype=np.float64))
    qq = q - EPS_MM
    deepest = np.full(q.shape, -np.inf)
    for seg in opening.segments:
        a = seg.r0 - seg.s0  # rho - s at the top of the segment
        b = seg.r1 - seg.s1  # and at its bottom (b >= a)
        full = b < qq
        part = (a < qq) & ~full
        span = b - a if b > a else 1.0
        frac = np.clip((q - a) / span, 0.0, 1.0)
        z = np.where(full, seg.z1, np.where(part, seg.z0 + frac * (seg.z1 - seg.z0), -np.inf))
        deepest = np.maximum(deepest, z)
    out: FloatArray = np.where(np.isneginf(deepest), np.inf, opening.thickness_mm - deepest)
    return np.maximum(out, 0.0)


@dataclass(frozen=True, eq=False)
class ResidueTable:
    """Per-site rework arrays of a design (length = number of sites).

    ``had_ball``: the site carried a ball as built (populated in the design and not listed as ``no_ball``).
    ``damaged``: the pad is lifted. ``residue``: old solder is on the pad (had a ball and not damaged).
    ``reball``: a new ball goes there (residue, and the site has an opening in this design).
    ``height_mm``/``footprint_mm``: h_res and the footprint diameter, NaN where there is no residue.
    ``reach_mm``: footprint radius + alignment. ``clearance_mm``: the underside's height over the footprint
    (inf: no metal above it), NaN where the site is not reballed. ``required_mm``: h_res + residue clearance.
    ``failing``: reballed sites whose clearance is below the required value.
    """

    sites: Sites
    had_ball: BoolArray
    damaged: BoolArray
    residue: BoolArray
    reball: BoolArray
    height_mm: FloatArray
    footprint_mm: FloatArray
    reach_mm: FloatArray
    clearance_mm: FloatArray
    required_mm: FloatArray
    failing: BoolArray


def _flag(sites: Sites, names: tuple[str, ...]) -> BoolArray:
    out = np.zeros(len(sites), dtype=bool)
    out[sites.indices_of(list(names))] = True
    return out


def residue_arrays(design: Design, rework: Rework, sites: Sites) -> tuple[FloatArray, FloatArray]:
    """h_res and footprint diameter for every site (the common value, then measurements by name)."""
    n = len(sites)
    f = design.effective_limits().flux_spread_mm
    height = np.full(n, rework.residue.height_mm)
    d = rework.residue.diameter_mm
    foot = sites.pad_mm + 2.0 * f if d is None else np.full(n, d)
    measured = [m for m in rework.measured if sites.has(m.site)]
    if measured:
        rows = sites.indices_of([m.site for m in measured])
        height[rows] = [m.height_mm for m in measured]
        foot[rows] = [
            m.diameter_mm if m.diameter_mm is not None else float(sites.pad_mm[r]) + 2.0 * f
            for m, r in zip(measured, rows.tolist(), strict=True)
        ]
    return height, foot


@lru_cache(maxsize=8)
def residue_table(design: Design) -> ResidueTable:
    """The rework arrays of a design carrying rework data (a design without it has none: ValueError)."""
    rework = design.rework
    if rework is None:
        raise ValueError("the design carries no rework data")
    table = opening_table(design)
    sites = table.sites
    damaged = _flag(sites, rework.damaged)
    had_ball = sites.populated & ~_flag(sites, rework.no_ball)
    # Sites the design closes (production depopulation, or closed by hand) had no ball and carry no residue;
    # the derivation closes exactly the damaged and no-ball sites, so this reads the same before and after it.
    residue = had_ball & ~damaged
    reball = residue & (table.which >= 0)
    height, foot = residue_arrays(design, rework, sites)
    lim = design.effective_limits()
    reach = foot / 2.0 + lim.alignment_mm
    required = height + lim.residue_clearance_mm
    clearance = np.full(len(sites), np.nan)
    which = table.which
    for k, opening in enumerate(table.openings):
        rows = np.flatnonzero(reball & (which == k))
        if len(rows):
            clearance[rows] = underside_height(opening, reach[rows])
    failing = reball & (clearance < required - EPS_MM)
    nan = np.nan
    height = np.where(residue, height, nan)
    foot = np.where(residue, foot, nan)
    for a in (had_ball, damaged, residue, reball, height, foot, reach, clearance, required, failing):
        a.flags.writeable = False
    return ResidueTable(sites, had_ball, damaged, residue, reball, height, foot, reach, clearance, required,
                        failing)
