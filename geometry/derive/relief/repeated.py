"""A unit's lower relief repeated by translation: the relief of a design of repeated units.

Every unit of a repeated layout (a wafer's dies) carries the same site pattern, so when
:func:`geometry.derive.repetition.repetition` finds that nothing singles a unit out, the merged lower relief is the
same for every unit: it is computed once on the unit's design and :func:`tile_relief` repeats the arrays K times
(a few array operations, no per-unit Python work). The result is exactly what the whole-design computation gives
(same circles, rings, regions and site rows, in the same order), because

* sites are generated unit-major (unit k's sites are rows ``k * n .. k * n + n - 1``, in the unit's own order), and
* no lower outline comes within the interaction reach of an outline in another unit (the repetition checks this
  from the unit pattern's extent and the unit step), so nothing merges between units.
"""

from __future__ import annotations

import numpy as np

from geometry.derive.relief.model import Relief
from geometry.derive.rings import RingSet

FloatArray = np.ndarray


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
