"""Units' lower reliefs repeated by translation: the relief of a design of repeated units.

Alike units of a repeated layout (a wafer's dies) carry the same site pattern, so when
:func:`geometry.derive.repetition.repetition` groups them, the merged lower relief is the same for every unit of a
group: it is computed once on the group's unit design and :func:`tile_relief` repeats the arrays at the group's
units (a few array operations, no per-unit Python work); :func:`repeated_relief` puts the groups together. A unit
singled out by its edits is a group of its own. The result equals the whole-design computation (the same
circles in site order, the same regions with the same site rows; regions come group by group, unit by unit),
because no lower outline comes within the interaction reach of an outline in another unit (the repetition checks
this from the units' extents and the unit step), so nothing merges between units, and each group's
``site_rows`` maps its unit's site rows to the design's.
"""

from __future__ import annotations

import numpy as np

from geometry.derive.relief.model import Relief
from geometry.derive.rings import RingSet

FloatArray = np.ndarray


def tile_relief(die: Relief, centres: FloatArray, site_rows: np.ndarray | int) -> Relief:
    """``die`` (unit-local coordinates, site rows 0..n-1) repeated at every centre (K, 2), unit by unit.

    ``site_rows`` (K, n) gives each unit's design site rows; an int n stands for units of n sites one after
    another (unit k's site j is row k * n + j).
    """
    k = len(centres)
    cx, cy = centres[:, 0:1], centres[:, 1:2]
    die_index = np.arange(k, dtype=np.intp)[:, None]
    if isinstance(site_rows, int | np.integer):
        n = int(site_rows)

        def rows_of(local: np.ndarray) -> np.ndarray:
            return (local[None, :] + die_index * n).ravel()
    else:
        table = np.asarray(site_rows, dtype=np.intp)

        def rows_of(local: np.ndarray) -> np.ndarray:
            return table[:, local].ravel()

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
        circle_site=rows_of(die.circle_site).astype(np.intp),
        rings=rings,
        region_depth_mm=rep(die.region_depth_mm),
        region_site_start=site_start.astype(np.intp),
        region_site_rows=rows_of(die.region_site_rows).astype(np.intp),
    )
    return _frozen(out)


def concat_reliefs(parts: list[Relief]) -> Relief:
    """Reliefs of disjoint sets of sites as one: regions one part after another, circles in site order."""
    if len(parts) == 1:
        return parts[0]
    n_reg = np.cumsum([0] + [p.n_regions for p in parts])
    n_vert = np.cumsum([0] + [len(p.rings.bulge) for p in parts])
    n_pairs = np.cumsum([0] + [len(p.region_site_rows) for p in parts])
    site = np.concatenate([p.circle_site for p in parts]).astype(np.intp)
    order = np.argsort(site, kind="stable")

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    rings = RingSet(
        np.concatenate([p.rings.xy for p in parts]).reshape(-1, 2),
        np.concatenate([p.rings.bulge for p in parts]),
        np.append(np.concatenate([p.rings.start[:-1] + n_vert[i] for i, p in enumerate(parts)]),
                  n_vert[-1]).astype(np.intp),
        np.concatenate([p.rings.region + n_reg[i] for i, p in enumerate(parts)]).astype(np.intp),
        np.concatenate([p.rings.hole for p in parts]),
    )
    out = Relief(
        circle_x_mm=cat("circle_x_mm")[order], circle_y_mm=cat("circle_y_mm")[order],
        circle_r_mm=cat("circle_r_mm")[order], circle_depth_mm=cat("circle_depth_mm")[order],
        circle_site=site[order], rings=rings, region_depth_mm=cat("region_depth_mm"),
        region_site_start=np.append(np.concatenate([p.region_site_start[:-1] + n_pairs[i]
                                                    for i, p in enumerate(parts)]), n_pairs[-1]).astype(np.intp),
        region_site_rows=cat("region_site_rows").astype(np.intp),
    )
    return _frozen(out)


def _frozen(out: Relief) -> Relief:
    rings = out.rings
    for a in (out.circle_x_mm, out.circle_y_mm, out.circle_r_mm, out.circle_depth_mm, out.circle_site,
              out.region_depth_mm, out.region_site_start, out.region_site_rows, rings.xy, rings.bulge, rings.start,
              rings.region, rings.hole):
        a.flags.writeable = False
    return out
