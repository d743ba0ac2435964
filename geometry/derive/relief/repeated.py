"""The lower relief of a wafer, computed for one die and repeated by translation.

Every die of a wafer layout carries the same site pattern, so when nothing singles a die out its merged lower
relief is the same for every die: :func:`wafer_relief` computes it once with
:func:`geometry.derive.relief.merged.lower_relief`
on a one-die design and repeats the arrays K times (a few array operations, no per-die Python work). The result
is exactly what :func:`~geometry.derive.relief.merged.lower_relief` gives on the whole wafer (same circles, rings,
regions and
site rows, in the same order), because:

* sites are generated die-major (die k's sites are rows ``k * n .. k * n + n - 1``, in the die's own order), and
* no lower outline comes within the lower web minimum of an outline in another die (:func:`repetition_blocker`
  checks this from the die pattern's extent and the street), so nothing merges across a street.

When a die is singled out (site edits, per-site profile overrides, hand-made channels or forbidden merges) or
outlines reach across a street, :func:`wafer_relief` falls back to the whole-wafer computation, which is
correct at any scale, only slower.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from geometry.derive.openings import opening_table
from geometry.derive.relief.merged import Relief, lower_relief, whole_relief
from geometry.derive.rings import RingSet
from geometry.model.design import Design
from geometry.model.layouts.wafer import WaferLayout, die_map
from geometry.model.profiles import EPS_MM

FloatArray = np.ndarray


def die_design(design: Design) -> Design:
    """The design of one die: the wafer design with the die pattern as its layout (die-local coordinates)."""
    if not isinstance(design.layout, WaferLayout):
        raise TypeError("not a wafer design")
    return design.with_(layout=design.layout.die)


def repetition_blocker(design: Design) -> str | None:
    """Why the die-level fast paths cannot be used for this design, or None when they can.

    They can when the design is a wafer, nothing is edited or overridden per site, and the lower outlines of one
    die stay at least the lower web minimum (and, for the checks, every check's reach) away from the next die.
    """
    lay = design.layout
    if not isinstance(lay, WaferLayout):
        return "the layout is not a wafer"
    if not design.edits.is_empty():
        return "sites are edited by hand"
    if design.overrides:
        return "sites have their own profiles"
    if design.merge.channels or design.merge.forbidden:
        return "merges are set by hand"
    gap = street_clearance_mm(design)
    if gap is not None and gap < interaction_reach_mm(design) - EPS_MM:
        return f"openings of neighbouring dies are only {gap:.3f} mm apart across the street"
    return None


def street_clearance_mm(design: Design) -> float | None:
    """The smallest edge-to-edge distance between any outline (upper or lower) of two different dies.

    None when the die has no opening. Computed from the die pattern's extent: dies are one step apart along x or
    y, so an outline of one die and one of another are at least ``step - extent`` apart on that axis.
    """
    lay = design.layout
    assert isinstance(lay, WaferLayout)
    t = opening_table(die_design(design))
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
    return float(min(lay.step_x - (xs.max() - xs.min()), lay.step_y - (ys.max() - ys.min())))


def interaction_reach_mm(design: Design) -> float:
    """The largest edge-to-edge distance at which two openings affect each other in a relief or a check.

    Lower outlines merge below the lower web minimum; web-upper looks as far as w_min; the ball gap looks at
    centre distance - D < g_min, i.e. outlines within g_min + D - d_u of each other.
    """
    lim = design.effective_limits()
    t = opening_table(die_design(design))
    rows = t.rows
    du = float(t.upper_mm[rows].min()) if len(rows) else 0.0
    return max(lim.web_min_mm, lim.ball_gap_min_mm + design.ball.diameter_mm - du, 0.0)


def tile_relief(die: Relief, centres: FloatArray, sites_per_die: int) -> Relief:
    """``die`` (in die-local coordinates, site rows 0..n-1) repeated at every centre (K, 2), die-major."""
    k = len(centres)
    n = sites_per_die
    cx, cy = centres[:, 0:1], centres[:, 1:2]
    die_index = np.arange(k, dtype=np.intp)[:, None]

    def rep(a: np.ndarray) -> np.ndarray:
        return np.tile(a, k)

    rs = die.rings
    n_vert = len(rs.bulge)
    n_reg = die.n_regions
    xy = (centres[:, None, :] + rs.xy[None, :, :]).reshape(-1, 2)
    start = np.append((rs.start[:-1][None, :] + die_index * n_vert).ravel(), k * n_vert).astype(np.intp)
    rings = RingSet(xy, rep(rs.bulge), start, (rs.region[None, :] + die_index * n_reg).ravel(), rep(rs.hole))
    n_pairs = len(die.region_site_rows)
    site_start = np.append((die.region_site_start[:-1][None, :] + die_index * n_pairs).ravel(), k * n_pairs)
    out = Relief(
        circle_x_mm=(cx + die.circle_x_mm[None, :]).ravel(),
        circle_y_mm=(cy + die.circle_y_mm[None, :]).ravel(),
        circle_r_mm=rep(die.circle_r_mm),
        circle_depth_mm=rep(die.circle_depth_mm),
        circle_site=(die.circle_site[None, :] + die_index * n).ravel(),
        rings=rings,
        region_depth_mm=rep(die.region_depth_mm),
        region_site_start=site_start.astype(np.intp),
        region_site_rows=(die.region_site_rows[None, :] + die_index * n).ravel(),
    )
    for a in (out.circle_x_mm, out.circle_y_mm, out.circle_r_mm, out.circle_depth_mm, out.circle_site,
              out.region_depth_mm, out.region_site_start, out.region_site_rows, rings.xy, rings.bulge, rings.start,
              rings.region, rings.hole):
        a.flags.writeable = False
    return out


@lru_cache(maxsize=4)
def wafer_relief(design: Design) -> Relief:
    """The design's lower relief; for a wafer whose dies are all alike, one die's relief repeated.

    Any other design (or a wafer with a die singled out, see :func:`repetition_blocker`) gets
    :func:`geometry.derive.relief.merged.lower_relief` on the whole design.
    """
    if repetition_blocker(design) is not None:
        return whole_relief(design)
    lay = design.layout
    assert isinstance(lay, WaferLayout)
    one = die_design(design)
    die = lower_relief(one)
    centres = die_map(lay, design.pad).kept_centres()
    return tile_relief(die, centres, len(one.sites()))
