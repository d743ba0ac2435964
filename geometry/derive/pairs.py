"""Neighbouring openings: which pairs are close, where their walls meet (the ridge), and which merge.

Everything here works on pairs found with a KD-tree over centres, never on all pairs, and is vectorised over
pairs; the loop is only over the few distinct combinations of profiles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from geometry.base.spatial import pairs_within
from geometry.derive.openings import OpeningTable, opening_table
from geometry.model.design import Design
from geometry.model.profiles import EPS_MM, Opening

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


def close_pairs(xy: FloatArray, reach_mm: float) -> tuple[IntArray, IntArray, FloatArray]:
    """All pairs (i < j) of points closer than ``reach_mm``, with their distances."""
    if len(xy) < 2 or reach_mm <= 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0)
    i, j = pairs_within(xy[:, 0], xy[:, 1], reach_mm)
    # ordered by (i, j) through one integer key: i < j < len(xy)
    order = np.argsort(i.astype(np.int64) * np.int64(len(xy)) + j)
    i, j = i[order], j[order]
    d = np.hypot(xy[j, 0] - xy[i, 0], xy[j, 1] - xy[i, 1])
    return i, j, d


def _pieces(a: Opening, b: Opening) -> list[tuple[float, float]]:
    zs = sorted({s.z0 for s in a.segments} | {s.z1 for s in a.segments}
                | {s.z0 for s in b.segments} | {s.z1 for s in b.segments})
    return [(z0, z1) for z0, z1 in pairwise(zs) if z1 - z0 > EPS_MM]


def _at(o: Opening, za: float, zb: float) -> tuple[float, float, float, float]:
    """(radius at za, d radius/dz, shift at za, d shift/dz) on the segment that holds the piece [za, zb]."""
    for s in o.segments:
        if s.z0 - EPS_MM <= za and zb <= s.z1 + EPS_MM:
            h = s.z1 - s.z0
            kr = (s.r1 - s.r0) / h
            ks = (s.s1 - s.s0) / h
            return s.r0 + kr * (za - s.z0), kr, s.s0 + ks * (za - s.z0), ks
    raise AssertionError("piece outside the opening")  # pragma: no cover - pieces come from the segments


def contact_depth(a: Opening, b: Opening, dx: FloatArray, dy: FloatArray) -> FloatArray:
    """Depth below the upper surface at which two openings first meet (the ridge height); t where they never do.

    ``dx, dy`` go from the centre of the site with opening ``a`` to the one with ``b``. At depth z each opening is
    a circle (radius rho(z), centre shifted by sh(z)); on each piece where both are linear, contact is a
    quadratic inequality in z, solved in closed form for all pairs at once.
    """
    t = min(a.thickness_mm, b.thickness_mm)
    out = np.full(dx.shape, t, dtype=np.float64)
    found = np.zeros(dx.shape, dtype=bool)
    ua = np.radians(a.direction_deg)
    ub = np.radians(b.direction_deg)
    da = np.array([np.cos(ua), np.sin(ua)])
    db = np.array([np.cos(ub), np.sin(ub)])
    for za, zb in _pieces(a, b):
        ra, kra, sa, ksa = _at(a, za, zb)
        rb, krb, sb, ksb = _at(b, za, zb)
        d0x = dx + sb * db[0] - sa * da[0]
        d0y = dy + sb * db[1] - sa * da[1]
        d1x = ksb * db[0] - ksa * da[0]
        d1y = ksb * db[1] - ksa * da[1]
        r0 = ra + rb
        r1 = kra + krb
        c = d0x * d0x + d0y * d0y - r0 * r0
        now = ~found & (c <= EPS_MM * EPS_MM * 0 + 1e-15)
        out[now] = za
        found |= now
        qa = d1x * d1x + d1y * d1y - r1 * r1
        qb = 2.0 * (d0x * d1x + d0y * d1y - r0 * r1)
        length = zb - za
        with np.errstate(invalid="ignore", divide="ignore"):
            disc = qb * qb - 4.0 * qa * c
            sq = np.sqrt(np.where(disc >= 0, disc, np.nan))
            lin = np.abs(qa) < 1e-15
            w1 = np.where(lin, -c / qb, (-qb - sq) / (2.0 * qa))
            w2 = np.where(lin, np.nan, (-qb + sq) / (2.0 * qa))
        w1 = np.where((w1 > 0) & (w1 <= length + 1e-12), w1, np.inf)
        w2 = np.where((w2 > 0) & (w2 <= length + 1e-12), w2, np.inf)
        w = np.minimum(w1, w2)
        hit = ~found & np.isfinite(w)
        out[hit] = za + np.minimum(w[hit], length)
        found |= hit
    return out


@dataclass(frozen=True, eq=False)
class MergeGraph:
    """Pairs of openings whose lower outlines are close (gap below the lower web minimum) or joined by hand.

    Per pair: site rows ``i < j``; ``gap_mm`` between the lower outlines (negative where they overlap);
    ``ridge_mm`` the metal left between them under the upper surface (the contact depth, or over a channel the
    membrane t - channel depth; t where they do not meet); flags ``overlap`` (the lower outlines intersect),
    ``bridged`` (joined by a channel), ``forbidden`` (the user forbade joining them) and ``explicit`` (the user
    asked for the channel). ``channel_depth_mm`` is 0 where there is no channel.
    """

    i: IntArray
    j: IntArray
    gap_mm: FloatArray
    ridge_source: FloatArray | Callable[[], FloatArray]
    """The ridges, or how to compute them: only the ridge check and the cross-section read them, so the relief
    (which needs the pairs, not the ridges) does not wait for a contact solve of every pair."""
    overlap: BoolArray
    bridged: BoolArray
    forbidden: BoolArray
    explicit: BoolArray
    channel_depth_mm: FloatArray

    @cached_property
    def ridge_mm(self) -> FloatArray:
        """Per pair, the metal left between the two openings under the upper surface (see the class docstring)."""
        src = self.ridge_source
        out = src() if callable(src) else src
        out.flags.writeable = False
        return out

    @property
    def joined(self) -> BoolArray:
        """Pairs that end up in one lower relief."""
        return self.overlap | self.bridged

    def __len__(self) -> int:
        return int(self.i.shape[0])


def ridge_for_pairs(table: OpeningTable, i: IntArray, j: IntArray) -> FloatArray:
    """Contact depth for site pairs, grouped by their pair of profiles."""
    out = np.zeros(i.shape, dtype=np.float64)
    wi, wj = table.which[i], table.which[j]
    dx = table.sites.x_mm[j] - table.sites.x_mm[i]
    dy = table.sites.y_mm[j] - table.sites.y_mm[i]
    n_prof = len(table.openings)
    combo = wi * n_prof + wj  # which pairs of profiles occur: a count per combination, not a sort of pairs
    for c in np.flatnonzero(np.bincount(combo, minlength=n_prof * n_prof)).tolist():
        a, b = divmod(c, n_prof)
        sel = combo == c if n_prof > 1 else slice(None)
        out[sel] = contact_depth(table.openings[a], table.openings[b], dx[sel], dy[sel])
    return out


def _name_pairs(table: OpeningTable, groups: tuple[tuple[str, ...], ...], chain: bool) -> tuple[IntArray, IntArray]:
    sites = table.sites
    ii: list[int] = []
    jj: list[int] = []
    for g in groups:
        rows = [sites.index_of(n) for n in g if sites.has(n) and table.which[sites.index_of(n)] >= 0]
        links = list(pairwise(rows)) if chain else [(rows[0], rows[1])] if len(rows) == 2 else []
        for a, b in links:
            if a != b:
                ii.append(min(a, b))
                jj.append(max(a, b))
    return np.asarray(ii, dtype=np.intp), np.asarray(jj, dtype=np.intp)


@lru_cache(maxsize=8)
def merge_graph(design: Design) -> MergeGraph:
    """Close and joined pairs of lower outlines of a design (see :class:`MergeGraph`)."""
    table = opening_table(design)
    limits = design.effective_limits()
    t = design.mask.thickness_mm
    rows = table.rows
    lxy = np.column_stack([table.lower_x_mm[rows], table.lower_y_mm[rows]])
    radius = table.lower_mm[rows] / 2.0
    reach = (2.0 * float(radius.max()) + limits.web_min_mm) if len(rows) else 0.0
    pi, pj, dist = close_pairs(lxy, reach)
    gap = dist - radius[pi] - radius[pj]
    close = gap < limits.web_min_mm - EPS_MM
    i, j = rows[pi[close]], rows[pj[close]]
    ei, ej = _name_pairs(table, design.merge.channels, chain=True)
    fi, fj = _name_pairs(table, design.merge.forbidden, chain=False)
    n_close = len(i)
    i = np.concatenate([i, ei])
    j = np.concatenate([j, ej])
    # One record per pair: explicit channels that are also close collapse onto the close pair.
    key = i.astype(np.int64) * (len(table.sites) + 1) + j
    if len(ei):
        key_u, first = np.unique(key, return_index=True)
    else:  # close pairs come sorted by (i, j) and distinct
        key_u, first = key, np.arange(len(key), dtype=np.intp)
    explicit = np.isin(key_u, key[n_close:])
    if len(ei):  # else first is every pair in order
        i, j = i[first], j[first]
    forbidden = np.isin(key_u, fi.astype(np.int64) * (len(table.sites) + 1) + fj)
    if len(ei):
        gx = table.lower_x_mm[j] - table.lower_x_mm[i]
        gy = table.lower_y_mm[j] - table.lower_y_mm[i]
        centres = np.hypot(gx, gy)
    else:  # the close pairs' own distances (the same differences of the same lower centres)
        centres = dist[close]
    gap = centres - (table.lower_mm[i] + table.lower_mm[j]) / 2.0
    overlap = gap < -EPS_MM
    depth = np.minimum(np.minimum(table.relief_mm[i], table.relief_mm[j]), t - limits.membrane_min_mm)
    can_channel = depth > EPS_MM
    auto = design.merge.auto & (gap < limits.web_min_mm - EPS_MM)
    bridged = ~overlap & ~forbidden & can_channel & (explicit | auto)
    channel = np.where(bridged, depth, 0.0)
    for a in (i, j, gap, overlap, bridged, forbidden, explicit, channel):
        a.flags.writeable = False

    def ridges() -> FloatArray:
        ridge = ridge_for_pairs(table, i, j)
        out: FloatArray = np.where(bridged, np.minimum(ridge, t - channel), ridge)
        return out

    return MergeGraph(i, j, gap, ridges, overlap, bridged, forbidden, explicit, channel)
