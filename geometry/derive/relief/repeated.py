"""Units' lower reliefs repeated by translation: the relief of a design of repeated units.

Alike units of a repeated layout (a wafer's dies) carry the same site pattern, so when
:func:`geometry.derive.repetition.repetition` groups them, the merged lower relief is the same for every unit of a
group: it is computed once on the group's unit design and :func:`tile_relief` repeats the arrays at the group's
units (a few array operations, no per-unit Python work); :func:`repeated_relief` tiles every group into one
relief in one pass. A unit
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


def repeated_relief(parts: list[tuple[Relief, FloatArray, np.ndarray]]) -> Relief:
    """Each (unit relief, centres (K, 2), site rows (K, n)) tiled, all in one relief written in one pass: regions
    group by group and unit by unit, circles in site order (the rows of different groups interleave)."""
    if len(parts) == 1:
        die, centres, rows = parts[0]
        return tile_relief(die, centres, rows)
    ks = [len(c) for _, c, _ in parts]
    n_reg = np.cumsum([0] + [d.n_regions * k for (d, _, _), k in zip(parts, ks, strict=True)])
    n_vert = np.cumsum([0] + [len(d.rings.bulge) * k for (d, _, _), k in zip(parts, ks, strict=True)])
    n_ring = np.cumsum([0] + [len(d.rings) * k for (d, _, _), k in zip(parts, ks, strict=True)])
    n_pair = np.cumsum([0] + [len(d.region_site_rows) * k for (d, _, _), k in zip(parts, ks, strict=True)])
    n_circ = np.cumsum([0] + [len(d.circle_x_mm) * k for (d, _, _), k in zip(parts, ks, strict=True)])
    xy = np.empty((int(n_vert[-1]), 2))
    bulge = np.empty(int(n_vert[-1]))
    start = np.empty(int(n_ring[-1]) + 1, dtype=np.intp)
    region = np.empty(int(n_ring[-1]), dtype=np.intp)
    hole = np.empty(int(n_ring[-1]), dtype=bool)
    depth = np.empty(int(n_reg[-1]))
    site_start = np.empty(int(n_reg[-1]) + 1, dtype=np.intp)
    site_rows = np.empty(int(n_pair[-1]), dtype=np.intp)
    circles = np.empty((5, int(n_circ[-1])))
    for g, ((die, centres, rows), k) in enumerate(zip(parts, ks, strict=True)):
        rs = die.rings
        nv, nr, ng, npairs, nc = len(rs.bulge), len(rs), die.n_regions, len(die.region_site_rows), len(die.circle_x_mm)
        unit = np.arange(k, dtype=np.intp)[:, None]
        v0, r0, g0, p0, c0 = int(n_vert[g]), int(n_ring[g]), int(n_reg[g]), int(n_pair[g]), int(n_circ[g])
        np.add(centres[:, None, :], rs.xy[None, :, :], out=xy[v0:v0 + k * nv].reshape(k, nv, 2))
        bulge[v0:v0 + k * nv].reshape(k, nv)[:] = rs.bulge
        start[r0:r0 + k * nr].reshape(k, nr)[:] = rs.start[:-1][None, :] + unit * nv + v0
        region[r0:r0 + k * nr].reshape(k, nr)[:] = rs.region[None, :] + unit * ng + g0
        hole[r0:r0 + k * nr].reshape(k, nr)[:] = rs.hole
        depth[g0:g0 + k * ng].reshape(k, ng)[:] = die.region_depth_mm
        site_start[g0:g0 + k * ng].reshape(k, ng)[:] = die.region_site_start[:-1][None, :] + unit * npairs + p0
        site_rows[p0:p0 + k * npairs] = np.asarray(rows, dtype=np.intp)[:, die.region_site_rows].ravel()
        if nc:
            c = circles[:, c0:c0 + k * nc].reshape(5, k, nc)
            c[0] = centres[:, 0:1] + die.circle_x_mm[None, :]
            c[1] = centres[:, 1:2] + die.circle_y_mm[None, :]
            c[2] = die.circle_r_mm
            c[3] = die.circle_depth_mm
            c[4] = np.asarray(rows, dtype=np.intp)[:, die.circle_site]
    start[-1] = int(n_vert[-1])
    site_start[-1] = int(n_pair[-1])
    csite = circles[4].astype(np.intp)
    order = np.argsort(csite, kind="stable")
    out = Relief(
        circle_x_mm=circles[0][order], circle_y_mm=circles[1][order], circle_r_mm=circles[2][order],
        circle_depth_mm=circles[3][order], circle_site=csite[order],
        rings=RingSet(xy, bulge, start, region, hole), region_depth_mm=depth, region_site_start=site_start,
        region_site_rows=site_rows,
    )
    return _frozen(out)


def _frozen(out: Relief) -> Relief:
    rings = out.rings
    for a in (out.circle_x_mm, out.circle_y_mm, out.circle_r_mm, out.circle_depth_mm, out.circle_site,
              out.region_depth_mm, out.region_site_start, out.region_site_rows, rings.xy, rings.bulge, rings.start,
              rings.region, rings.hole):
        a.flags.writeable = False
    return out
