"""Channel quads and what they cover: the coverage half of :mod:`geometry.derive.relief.channels`.

A channel's capsule is its two end disks and the quadrilateral Q between their four outer tangent points. This
module builds the quads and finds, vectorised over candidate pairs, which angular intervals of circles and which
parameter intervals of quad sides they cover (a circle by a quad: the four half-planes' arcs; a side by another
quad: Cyrus-Beck clipping), each interval end carrying the key of the two primitives that meet there (see
:mod:`geometry.derive.relief.channels` for the keys and how the free pieces are linked into rings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geometry.base.spatial import pairs_within
from geometry.derive.relief.arcs import TOUCH_MM
from geometry.derive.relief.covered import TWO_PI
from geometry.derive.relief.general import tangent_points

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]
KeyArray = NDArray[np.int64]
KeyFn = Callable[[IntArray, IntArray, int], KeyArray]
LineFn = Callable[[IntArray, IntArray], IntArray]

DEGENERATE_MM = 1e-9  # a side this close to tangent to a circle (not its own end) sends the component to shapely
GAP_EPS = 1e-12  # covered intervals closer than this (rad on circles, mm on sides) count as touching
PARALLEL = 1e-12  # |sin| of the angle below which a side counts as parallel to a quad's side in clipping
NO_KEY = np.int64(-1)

# Key codes (low two bits): circle-circle left / right of the lower -> higher centre direction; circle-line
# before / after the foot point along the line, or the tangent point (sharing code 0..2 with circle-circle is
# safe: a key's second primitive tells a circle from a line).
CC_LEFT, CC_RIGHT = 0, 1
CL_MINUS, CL_PLUS, CL_TANGENT = 0, 1, 2
LL = 3


@dataclass(frozen=True, eq=False)
class Quads:
    """Quads of the channels that have one (ends not nested): corners (n, 4, 2), side data per (n, 4)."""

    channel: IntArray  # channel of each quad
    c1: IntArray
    c2: IntArray
    corner: FloatArray  # a1, b1, b2, a2
    normal: FloatArray  # (n, 4, 2) outward unit normals of the sides
    offset: FloatArray  # (n, 4): inside is normal . p <= offset
    length: FloatArray  # (n, 4) side lengths
    theta: FloatArray  # direction 1 -> 2
    gamma: FloatArray  # angle of the tangent points from that direction


@dataclass
class Intervals:
    """Covered intervals of circles or sides, collected in parts: owner, [lo, hi], start key, end key."""

    owner: list[IntArray]
    lo: list[FloatArray]
    hi: list[FloatArray]
    skey: list[KeyArray]
    ekey: list[KeyArray]

    def add(self, owner: IntArray, lo: FloatArray, hi: FloatArray, skey: KeyArray, ekey: KeyArray) -> None:
        self.owner.append(np.asarray(owner, dtype=np.intp))
        self.lo.append(np.asarray(lo, dtype=np.float64))
        self.hi.append(np.asarray(hi, dtype=np.float64))
        self.skey.append(np.asarray(skey, dtype=np.int64))
        self.ekey.append(np.asarray(ekey, dtype=np.int64))

    def arrays(self) -> tuple[IntArray, FloatArray, FloatArray, KeyArray, KeyArray]:
        if not self.owner:
            z = np.zeros(0)
            return np.zeros(0, dtype=np.intp), z, z, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return (np.concatenate(self.owner), np.concatenate(self.lo), np.concatenate(self.hi),
                np.concatenate(self.skey), np.concatenate(self.ekey))


def new_intervals() -> Intervals:
    return Intervals([], [], [], [], [])


def make_quads(x: FloatArray, y: FloatArray, r: FloatArray, c1: IntArray, c2: IntArray,
                bad_disk: BoolArray) -> Quads:
    d = np.hypot(x[c2] - x[c1], y[c2] - y[c1])
    nested = d <= np.abs(r[c1] - r[c2]) + DEGENERATE_MM
    # Ends nested within rounding: the hull's tangent sides are ill-defined; leave it to the polygon path.
    near = nested & (d > np.abs(r[c1] - r[c2]) - DEGENERATE_MM)
    bad_disk[c1[near]] = True
    ch = np.flatnonzero(~nested).astype(np.intp)
    a, b = c1[ch], c2[ch]
    pa, pb = np.column_stack([x[a], y[a]]), np.column_stack([x[b], y[b]])
    a1, b1, a2, b2 = tangent_points(pa, r[a], pb, r[b])
    corner = np.stack([a1, b1, b2, a2], axis=1)
    edge = np.roll(corner, -1, axis=1) - corner
    length = np.hypot(edge[..., 0], edge[..., 1])
    normal = np.stack([edge[..., 1], -edge[..., 0]], axis=-1) / np.maximum(length, 1e-300)[..., None]
    offset = np.einsum("qsk,qsk->qs", normal, corner)
    theta = np.arctan2(pb[:, 1] - pa[:, 1], pb[:, 0] - pa[:, 0])
    gamma = np.arccos(np.clip((r[a] - r[b]) / d[ch], -1.0, 1.0))
    return Quads(ch, a, b, corner, normal, offset, length, theta, gamma)


def quad_reach(quads: Quads) -> tuple[FloatArray, FloatArray]:
    """Centre (mean of the corners) and the largest corner distance from it, per quad."""
    mid = quads.corner.mean(axis=1)
    reach = np.hypot(*(quads.corner - mid[:, None, :]).transpose(2, 0, 1)).max(axis=1)
    return mid, reach


def circles_vs_quads(x: FloatArray, y: FloatArray, r: FloatArray, quads: Quads, contained: BoolArray,
                      arcs: Intervals, segs: Intervals, edges_i: list[IntArray], edges_j: list[IntArray],
                      bad_disk: BoolArray, bad_chan: BoolArray, key: KeyFn, side_line: LineFn, nd: int) -> None:
    """Coverage of circles by quads (not their own) and of the quads' long sides by those disks."""
    mid, reach = quad_reach(quads)
    if len(x) == 0:
        return
    from scipy.spatial import cKDTree

    m = cKDTree(np.column_stack([x, y])).sparse_distance_matrix(
        cKDTree(mid), float(r.max() + reach.max()), output_type="ndarray")
    k = m["i"].astype(np.intp)
    q = m["j"].astype(np.intp)
    sel = (m["v"] < r[k] + reach[q]) & (k != quads.c1[q]) & (k != quads.c2[q]) & ~contained[k]
    k, q = k[sel], q[sel]
    ck = np.column_stack([x[k], y[k]])
    rk = r[k][:, None]
    normal = quads.normal[q]
    e = np.einsum("msk,mk->ms", normal, ck) - quads.offset[q]  # signed distance outside each side
    apart = (e >= rk - TOUCH_MM).any(axis=1)
    # Distance from the centre to the quad: 0 inside, else the nearest side segment.
    u = np.stack([-normal[..., 1], normal[..., 0]], axis=-1)
    rel = ck[:, None, :] - quads.corner[q]
    t = np.clip(np.einsum("msk,msk->ms", rel, u), 0.0, quads.length[q])
    gap = np.hypot(*(rel - u * t[..., None]).transpose(2, 0, 1)).min(axis=1)
    overlap = ~apart & (((e <= 0.0).all(axis=1)) | (gap < r[k] - TOUCH_MM))
    k, q, e, rk, normal, u, rel = k[overlap], q[overlap], e[overlap], rk[overlap], normal[overlap], u[overlap], \
        rel[overlap]
    edges_i.append(k)
    edges_j.append(nd + quads.channel[q])
    cut = np.abs(e) < rk - TOUCH_MM
    long_side = np.array([True, False, True, False])
    near = (np.abs(np.abs(e) - rk) < DEGENERATE_MM) & long_side
    deg = near.any(axis=1)
    bad_disk[k[deg]] = True
    bad_chan[quads.channel[q[deg]]] = True
    lines = np.stack([side_line(q, np.full(len(q), s, dtype=np.intp)) for s in range(4)], axis=1)

    # Circle k inside each cutting half-plane: the arc from phi + alpha over 2 pi - 2 alpha (phi the normal's
    # direction, cos alpha = -e / r); the quad covers the intersection of those arcs (up to four pieces).
    alpha = np.arccos(np.clip(-e / rk, -1.0, 1.0))
    phi = np.arctan2(normal[..., 1], normal[..., 0])
    a_start = np.mod(phi + alpha, TWO_PI)
    a_len = TWO_PI - 2.0 * alpha
    ends = np.concatenate([a_start, np.mod(phi - alpha, TWO_PI)], axis=1)
    ends = np.where(np.concatenate([cut, cut], axis=1), ends, np.inf)
    srt = np.argsort(ends, axis=1)
    ang = np.take_along_axis(ends, srt, axis=1)
    n_valid = 2 * cut.sum(axis=1)
    none_cut = n_valid == 0
    fk = k[none_cut]
    arcs.add(fk, np.zeros(len(fk)), np.full(len(fk), TWO_PI), np.full(len(fk), NO_KEY), np.full(len(fk), NO_KEY))
    rows = np.arange(len(k), dtype=np.intp)
    for mi in range(8):
        live = np.flatnonzero(mi < n_valid)
        if len(live) == 0:
            break
        nxt_i = np.where(mi + 1 < n_valid[live], mi + 1, 0)
        a = ang[live, mi]
        b = ang[live, nxt_i] + np.where(nxt_i == 0, TWO_PI, 0.0)
        mid_a = (a + b) / 2.0
        inside = ~cut[live] | (np.mod(mid_a[:, None] - a_start[live], TWO_PI) < a_len[live])
        cov = inside.all(axis=1)
        live, a, b, nxt_i = live[cov], a[cov], b[cov], nxt_i[cov]
        e_a, e_b = srt[live, mi], srt[rows[live], nxt_i]
        side_a, side_b = e_a % 4, e_b % 4
        line_a, line_b = lines[live, side_a], lines[live, side_b]
        ok_a = (e_a < 4) & (line_a >= 0)
        ok_b = (e_b >= 4) & (line_b >= 0)
        kk = k[live]
        sk = np.where(ok_a, key(kk, np.maximum(line_a, 0), CL_PLUS), NO_KEY)
        ek = np.where(ok_b, key(kk, np.maximum(line_b, 0), CL_MINUS), NO_KEY)
        arcs.add(kk, a, b, sk, ek)

    # The long sides against the disk: covered from the foot point -/+ the half chord.
    for s in (0, 2):
        c = np.flatnonzero(cut[:, s])
        tf = np.einsum("mk,mk->m", rel[c, s], u[c, s])
        h = np.sqrt(np.maximum(rk[c, 0] ** 2 - e[c, s] ** 2, 0.0))
        ln = lines[c, s]
        segs.add(ln - nd, tf - h, tf + h, key(k[c], ln, CL_MINUS), key(k[c], ln, CL_PLUS))


def quads_vs_quads(quads: Quads, segs: Intervals, edges_i: list[IntArray], edges_j: list[IntArray], key: KeyFn,
                    side_line: LineFn, nd: int) -> None:
    """Coverage of every quad's long sides by the other quads (Cyrus-Beck clipping), and quad overlaps."""
    mid, reach = quad_reach(quads)
    a, b = pairs_within(mid[:, 0], mid[:, 1], 2.0 * float(reach.max()))
    close = np.hypot(*(mid[a] - mid[b]).T) < reach[a] + reach[b]
    a, b = a[close], b[close]
    nx, ny = np.ascontiguousarray(quads.normal[..., 0]), np.ascontiguousarray(quads.normal[..., 1])
    hits: list[BoolArray] = []
    for c0 in range(0, len(a), CHUNK):
        ca, cb = a[c0:c0 + CHUNK], b[c0:c0 + CHUNK]
        hit = np.zeros(len(ca), dtype=bool)
        for qa, qb in ((ca, cb), (cb, ca)):
            nbx, nby, off = nx[qb], ny[qb], quads.offset[qb]
            for s in (0, 2):
                hit |= clip_side(quads, qa, qb, s, nbx, nby, off, segs, key, side_line, nd)
        hits.append(hit)
    hit_all = np.concatenate(hits) if hits else np.zeros(0, dtype=bool)
    edges_i.append(nd + quads.channel[a[hit_all]])
    edges_j.append(nd + quads.channel[b[hit_all]])


CHUNK = 1 << 16


def clip_side(quads: Quads, qa: IntArray, qb: IntArray, s: int, nbx: FloatArray, nby: FloatArray, off: FloatArray,
               segs: Intervals, key: KeyFn, side_line: LineFn, nd: int) -> BoolArray:
    """Clip long side ``s`` of quads ``qa`` by quads ``qb`` (normals ``nbx, nby``, offsets ``off``): add the
    covered intervals; return where the side's segment really enters the other quad."""
    px, py = quads.corner[qa, s, 0], quads.corner[qa, s, 1]
    ux, uy = -quads.normal[qa, s, 1], quads.normal[qa, s, 0]
    num = off - nbx * px[:, None] - nby * py[:, None]
    den = nbx * ux[:, None] + nby * uy[:, None]
    enter = den < -PARALLEL
    leave = den > PARALLEL
    with np.errstate(divide="ignore", invalid="ignore"):
        tq = num / den
    t_in = np.where(enter, tq, -np.inf)
    t_out = np.where(leave, tq, np.inf)
    j_in = np.argmax(t_in, axis=1)
    j_out = np.argmin(t_out, axis=1)
    rows = np.arange(len(qa), dtype=np.intp)
    lo, hi = t_in[rows, j_in], t_out[rows, j_out]
    empty = ((num < 0.0) & ~enter & ~leave).any(axis=1) | ~(lo < hi - TOUCH_MM)
    length = quads.length[qa, s]
    c = np.flatnonzero(~empty & (hi >= 0.0) & (lo <= length))
    line = side_line(qa[c], np.full(len(c), s, dtype=np.intp))
    l_in = side_line(qb[c], j_in[c].astype(np.intp))
    l_out = side_line(qb[c], j_out[c].astype(np.intp))
    sk = np.where(l_in >= 0, key(np.minimum(line, l_in), np.maximum(line, l_in), LL), NO_KEY)
    ek = np.where(l_out >= 0, key(np.minimum(line, l_out), np.maximum(line, l_out), LL), NO_KEY)
    segs.add(line - nd, np.maximum(lo[c], -2.0), np.minimum(hi[c], length[c] + 2.0), sk, ek)
    hit = np.zeros(len(qa), dtype=bool)
    hit[c] = np.minimum(hi[c], length[c]) - np.maximum(lo[c], 0.0) > TOUCH_MM
    return hit
