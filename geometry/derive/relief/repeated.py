"""Units' lower reliefs repeated by translation: the relief of a design of repeated units.

Alike units of a repeated layout (a wafer's dies) carry the same site pattern, so when
:func:`geometry.derive.repetition.repetition` groups them, the merged lower relief is the same for every unit of a
group: it is computed once on the group's unit design and :func:`tile_relief` repeats the arrays at the group's
units (a few array operations, no per-unit Python work). A unit singled out by its edits is a group of its own.

:func:`assembled_relief` (what ``lower_relief`` uses) keeps, per unit type, the tile of its alike units' unit
design at *every* unit of the type, cached on the unit design. A design whose units are all alike is that tile
(only the site rows are gathered); the same design with one unit edited is cut out of the same tile in runs of
consecutive units, with the edited unit placed between them, so an edit costs one copy of the arrays and no
tiling. Pieces come unit by unit; past :data:`MAX_PIECES` (many interleaved types or singled-out units)
:func:`repeated_relief` writes the groups one after another in one pass instead.

The result equals the whole-design computation (the same circles in site order, the same regions with the same
site rows, in another order), because no lower outline comes within the interaction reach of an outline in
another unit (the repetition checks this from the units' extents and the unit step), so nothing merges between
units, and each group's ``site_rows`` maps its unit's site rows to the design's.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from geometry.derive.relief.model import Relief
from geometry.derive.repetition import Repeated
from geometry.derive.rings import RingSet
from geometry.model.design import Design

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


# -- a repeated design's relief cut from cached tiles ---------------------------------------------------------
MAX_PIECES = 256
"""Above this many pieces (runs of consecutive units, singled-out units) the relief is written group by group in
one pass (:func:`repeated_relief`) instead: each piece costs a few array operations of its own."""


@dataclass(frozen=True, eq=False)
class _Piece:
    """Units ``a .. b - 1`` of ``source`` (``die`` tiled at ``count`` units, unit by unit; ``a, b = 0, 1`` with
    ``shift`` for ``die`` itself placed at one offset), whose design site rows are ``rows`` (b - a, n)."""

    source: Relief
    die: Relief
    count: int
    a: int
    b: int
    rows: np.ndarray
    first_unit: int
    shift: np.ndarray | None = None


@lru_cache(maxsize=4)
def _type_tile(die_design: Design, die: Relief, offsets_key: bytes) -> Relief:
    """``die`` tiled at every unit of one type (offsets as bytes: the cache key), cached on the unit design: the
    alike units of a design and of the same design with one unit edited cut their relief out of this one tile."""
    centres = np.frombuffer(offsets_key, dtype=np.float64).reshape(-1, 2)
    return tile_relief(die, centres, len(die_design.sites()))


def _pieces(rep: Repeated, relief_of: Callable[[Design], Relief]) -> list[_Piece]:
    """The pieces of the design's relief, in unit order. A group holding most units of its type (the alike
    units) is cut out of its type's tile in runs of consecutive units; the other groups' units (singled out by
    their edits) are placed one by one."""
    type_of = rep.layout.unit_types()
    out: list[_Piece] = []
    for g in rep.groups:
        if not g.unit_count:
            continue
        die = relief_of(g.unit_design)
        same_type = np.flatnonzero(type_of == type_of[int(g.units[0])]).astype(np.intp)
        if 2 * g.unit_count <= len(same_type):
            out.extend(_Piece(die, die, 1, 0, 1, g.site_rows[i:i + 1], int(g.units[i]), g.offsets_mm[i])
                       for i in range(g.unit_count))
            continue
        tile = _type_tile(g.unit_design, die, np.ascontiguousarray(rep.layout.offsets_mm[same_type]).tobytes())
        pos = np.searchsorted(same_type, g.units)
        cut = np.flatnonzero((np.diff(pos) != 1) | (np.diff(g.units) != 1)) + 1
        bounds = np.concatenate([[0], cut, [g.unit_count]]).tolist()
        out.extend(_Piece(tile, die, len(same_type), int(pos[i]), int(pos[j - 1]) + 1, g.site_rows[i:j],
                          int(g.units[i]))
                   for i, j in itertools.pairwise(bounds))
    out.sort(key=lambda p: p.first_unit)
    return out


def assembled_relief(rep: Repeated, relief_of: Callable[[Design], Relief]) -> Relief:
    """The relief of a design of repeated units, each group's unit relief from ``relief_of`` (cached on the unit
    design), cut from cached tiles and joined unit by unit (:func:`repeated_relief` past :data:`MAX_PIECES`).

    After an edit in one unit, the alike units' vertices, bulges and rings are copied from the tile that the
    design before the edit used, and only the edited unit is placed anew; a design whose units are all alike
    shares the tile's arrays outright (only the site rows are gathered).
    """
    pieces = _pieces(rep, relief_of)
    if len(pieces) > MAX_PIECES:
        return repeated_relief([(relief_of(g.unit_design), g.offsets_mm, g.site_rows) for g in rep.groups
                                if g.unit_count])
    if not pieces:
        return _frozen(Relief(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.intp),
                              RingSet.empty(), np.zeros(0), np.zeros(1, dtype=np.intp), np.zeros(0, dtype=np.intp)))
    region_rows = np.concatenate([p.rows[:, p.die.region_site_rows].ravel() for p in pieces]).astype(np.intp)
    circle_site = np.concatenate([p.rows[:, p.die.circle_site].ravel() for p in pieces]).astype(np.intp)
    one = pieces[0]
    if len(pieces) == 1 and one.shift is None and one.a == 0 and one.b == one.count:
        t = one.source  # every unit alike: the tile's arrays as they are
        return _frozen(Relief(t.circle_x_mm, t.circle_y_mm, t.circle_r_mm, t.circle_depth_mm, circle_site, t.rings,
                              t.region_depth_mm, t.region_site_start, region_rows))
    return _joined(pieces, region_rows, circle_site)


def _joined(pieces: list[_Piece], region_rows: np.ndarray, circle_site: np.ndarray) -> Relief:
    """The pieces' arrays one after another, ring starts, region numbers and site starts renumbered; each output
    array is allocated once and the pieces are written into it (no temporaries: at wafer scale a fresh array
    costs page faults as much as the copy itself)."""
    sizes = np.array([[(p.b - p.a) * n for n in (len(p.die.rings.bulge), len(p.die.rings), p.die.n_regions,
                                               len(p.die.region_site_rows), len(p.die.circle_x_mm))]
                      for p in pieces], dtype=np.intp)
    at = np.vstack([np.zeros((1, 5), dtype=np.intp), np.cumsum(sizes, axis=0)])
    nv, nr, ng, npairs, nc = (int(v) for v in at[-1])
    xy = np.empty((nv, 2))
    bulge = np.empty(nv)
    hole = np.empty(nr, dtype=bool)
    start = np.empty(nr + 1, dtype=np.intp)
    region = np.empty(nr, dtype=np.intp)
    depth = np.empty(ng)
    site_start = np.empty(ng + 1, dtype=np.intp)
    circles = np.empty((4, nc))
    for p, (v0, r0, g0, p0, c0), (v1, r1, g1, _p1, c1) in zip(pieces, at[:-1].tolist(), at[1:].tolist(),
                                                             strict=True):
        d, s, a = p.die, p.source, p.a
        rs = s.rings
        u_v, u_r, u_g, u_p, u_c = a * len(d.rings.bulge), a * len(d.rings), a * d.n_regions, a * len(
            d.region_site_rows), a * len(d.circle_x_mm)
        if p.shift is None:
            xy[v0:v1] = rs.xy[u_v:u_v + v1 - v0]
        else:
            np.add(rs.xy[u_v:u_v + v1 - v0], p.shift[None, :], out=xy[v0:v1])
        bulge[v0:v1] = rs.bulge[u_v:u_v + v1 - v0]
        hole[r0:r1] = rs.hole[u_r:u_r + r1 - r0]
        np.add(rs.start[u_r:u_r + r1 - r0], v0 - u_v, out=start[r0:r1])
        np.add(rs.region[u_r:u_r + r1 - r0], g0 - u_g, out=region[r0:r1])
        depth[g0:g1] = s.region_depth_mm[u_g:u_g + g1 - g0]
        np.add(s.region_site_start[u_g:u_g + g1 - g0], p0 - u_p, out=site_start[g0:g1])
        dx, dy = (0.0, 0.0) if p.shift is None else (float(p.shift[0]), float(p.shift[1]))
        np.add(s.circle_x_mm[u_c:u_c + c1 - c0], dx, out=circles[0, c0:c1])
        np.add(s.circle_y_mm[u_c:u_c + c1 - c0], dy, out=circles[1, c0:c1])
        circles[2, c0:c1] = s.circle_r_mm[u_c:u_c + c1 - c0]
        circles[3, c0:c1] = s.circle_depth_mm[u_c:u_c + c1 - c0]
    start[-1] = nv
    site_start[-1] = npairs
    if nc > 1 and not bool(np.all(circle_site[1:] >= circle_site[:-1])):
        order = np.argsort(circle_site, kind="stable")  # sites added by hand come last in the design
        circles = circles[:, order]
        circle_site = circle_site[order]
    return _frozen(Relief(circles[0], circles[1], circles[2], circles[3], circle_site,
                          RingSet(xy, bulge, start, region, hole), depth, site_start, region_rows))
