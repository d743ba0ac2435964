"""One local update of the relief store: the window's rings and memberships around an edit replace the store's.

Locality (:mod:`geometry.analysis.live_engine`): inside ``E`` the window's union equals the design's, so the
window's rings meeting the edit's box ``B`` replace the store's rings meeting it. Each window region near the
edit either continues one global region (its unchanged sites were all in that one) or lies wholly inside ``E``
(a complete region of its own, given a fresh id); anything else (a region splitting or two merging across the
window, a replaced region with sites or rings away from the edit) is a :class:`FallbackError`.

Whether a region's sites all lie in the window is read from the region's size (``ReliefStore.region_size``)
against its sites found among the window's rows, never from a pass over every site.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from geometry.analysis.live_diff import Box, FallbackError
from geometry.analysis.live_relief import ReliefStore, inside, touching
from geometry.derive.openings import OpeningTable
from geometry.derive.relief.merged import Relief
from geometry.derive.rings import RingSet

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def update_relief(store: ReliefStore, before: ReliefStore, r_sub: Relief, w_rows: IntArray, changed: IntArray,
                  zb: Box, ebox: Box, lower_before: FloatArray, table: OpeningTable) -> None:
    """Replace the rings and memberships of ``store`` (a copy of ``before``) around ``zb`` by the window's.

    ``w_rows``: the window's rows (sorted), ``changed``: the changed rows (all in the window), ``lower_before``:
    every site's lower diameter before the edit, ``table``: the opening table after it.
    """
    sub_rings = r_sub.rings
    hit_new = touching(sub_rings, zb)
    in_e = inside(sub_rings, ebox)
    if (hit_new & ~in_e).any():
        raise FallbackError("a ring near the edit leaves the window (a region's outer boundary)")
    found = store.find(zb, touching)
    removed = store.rings_of(found)
    n_sub = r_sub.n_regions
    sub_site_region = np.full(len(w_rows), -1, dtype=np.intp)
    sub_site_region[r_sub.region_site_rows] = np.repeat(np.arange(n_sub, dtype=np.intp),
                                                        np.diff(r_sub.region_site_start))
    # core: window sites whose lower circle meets the box (every site whose relief can change)
    lx, ly, lr = table.lower_x_mm[w_rows], table.lower_y_mm[w_rows], table.lower_mm[w_rows] / 2.0
    core = ~np.isnan(lx) & (lx + lr >= zb[0]) & (lx - lr <= zb[2]) & (ly + lr >= zb[1]) & (ly - lr <= zb[3])
    core |= np.isin(w_rows, changed)
    old_region = before.site_region[w_rows]
    touched_old = set(old_region[core][old_region[core] >= 0].tolist()) | set(removed.region.tolist())
    region_all_in = np.zeros(n_sub, dtype=bool)
    if n_sub:
        bad = np.bincount(sub_rings.region[~in_e], minlength=n_sub) > 0
        region_all_in = ~bad
    relevant = set(sub_rings.region[hit_new].tolist()) | set(sub_site_region[core][sub_site_region[core] >= 0].tolist())
    for g in touched_old:
        if int(before.region_size[g]) > len(w_rows):
            continue
        pos = np.flatnonzero(old_region == g)
        if len(pos) == int(before.region_size[g]):  # every site of the region is in the window
            relevant |= set(sub_site_region[pos][sub_site_region[pos] >= 0].tolist())
    unchanged = ~np.isin(w_rows, changed)
    mapping, interior = _map_regions(relevant, sub_site_region, old_region, unchanged, region_all_in, touched_old)
    replaced = touched_old - set(mapping.values())
    for g in replaced:
        if int(np.count_nonzero(old_region == g)) != int(before.region_size[g]):
            raise FallbackError("a replaced region reaches out of the window")
        if int(before.ring_count[g]) != int(np.sum(removed.region == g)):
            raise FallbackError("a replaced region has rings away from the edit")
    fresh = store.new_regions([float(r_sub.region_depth_mm[k]) for k in interior])
    mapping.update(dict(zip(interior, fresh.tolist(), strict=True)))
    store.remove(found)
    add_sel = hit_new & ~np.isin(sub_rings.region, interior)
    add_sel |= np.isin(sub_rings.region, interior)
    add = sub_rings.subset(add_sel)
    lut = np.full(max(n_sub, 1), -1, dtype=np.intp)
    for k, gid in mapping.items():
        lut[k] = gid
    store.add(RingSet(add.xy, add.bulge, add.start, lut[add.region], add.hole))
    for g in replaced:
        store.alive[g] = False
    update = core.copy()
    update |= np.isin(sub_site_region, interior)
    for g in replaced:
        update |= old_region == g
    rows_u = w_rows[update]
    sr = sub_site_region[update]
    if (sr >= 0).any() and (lut[sr[sr >= 0]] < 0).any():
        raise FallbackError("a site joins a region the window cannot place")
    store.assign(rows_u, np.where(sr >= 0, lut[np.maximum(sr, 0)], -1).astype(np.intp), lower_before,
                 table.lower_mm)
    sub_circle = np.zeros(len(w_rows), dtype=bool)
    sub_circle[r_sub.circle_site] = True
    store.set_circle(rows_u, sub_circle[update])


def _map_regions(relevant: set[int], sub_site_region: IntArray, old_region: IntArray, unchanged: NDArray[np.bool_],
                 region_all_in: NDArray[np.bool_], touched_old: set[int]) -> tuple[dict[int, int], list[int]]:
    """Which global region each window region near the edit continues ({window: global}), and the window
    regions that lie wholly inside E (complete regions of their own, to get fresh ids)."""
    mapping: dict[int, int] = {}
    interior: list[int] = []
    for k in sorted(relevant):
        mine = sub_site_region == k
        olds = set(old_region[mine & unchanged].tolist()) - {-1}
        if region_all_in[k]:
            if olds - touched_old:
                raise FallbackError("a region splits off a region that stays")
            interior.append(k)
            continue
        if len(olds) != 1:
            raise FallbackError("regions merge or split across the window")
        g = olds.pop()
        if g in mapping.values():
            raise FallbackError("a region may split across the window")
        mapping[k] = g
    return mapping, interior
