"""The exact union of disks and channel capsules at one depth, as rings of arcs and straight edges, without polygons.

A channel joins two disks by their convex hull (a capsule). The capsule is disk 1 U disk 2 U Q, where Q is the
convex quadrilateral a1 b1 b2 a2 between the four outer tangent points (counter-clockwise: a1 -> b1 the tangent
side on the right of 1 -> 2, b1 -> b2 a chord of circle 2, b2 -> a2 the left tangent side, a2 -> a1 a chord of
circle 1). The union of the layer is then the union of all disks (end disks included) and all quads Q, and its
boundary is made of

* arcs of circles that no other disk or quad covers, and
* pieces of the long (tangent) sides of quads that no disk or other quad covers; the short sides are chords of the
  end circles, so they never reach the boundary.

Coverage is found per candidate pair (KD-trees over centres), vectorised over pairs: a circle by a disk (the
angular interval of :mod:`geometry.derive.relief.arcs`), a circle by a quad (the intersection of the four half-planes'
angular arcs, up to four pieces), a circle by its own channel (the inner arc between the tangent points), a side
by a disk (a quadratic in the side's parameter) and a side by another quad (Cyrus-Beck clipping). The covered
intervals of every circle and side are merged (one sort, a running maximum of ranks, exact), and the free pieces
are what is left.

Every end of a free piece is an intersection point of two primitives (circle or tangent line) and gets a key
from both of them independently: (circle, circle, left/right of the lower-to-higher direction), (circle, line,
before/after the foot point along the line, or the tangent point), (line, line). A piece's successor is the piece
that starts at its end key, so rings are the cycles of that map (ranked by pointer jumping, as for disks). Arcs
run counter-clockwise about their centres and sides keep their quad on the left, so outer rings come out
counter-clockwise and holes clockwise. Ends whose key finds no partner (collinear sides of a chain of channels
meeting in a shared tangent point) are linked to the single unmatched start at the same point.

Degenerate contacts (three boundaries through one point, a side tangent to a circle within ``DEGENERATE_MM``,
pieces that vanish to rounding) make the key map inconsistent or are flagged directly; such components are
reported in :attr:`ChannelUnion.bad` and the caller unions them with the general (polygon) path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geometry.derive.relief.arcs import (
    TOUCH_MM,
    _components,
    _ordered,
    _rank_cycles,
    overlap_pairs,
    ring_vertices,
    with_full_circles,
)
from geometry.derive.relief.covered import TWO_PI
from geometry.derive.relief.quads import (
    CC_LEFT,
    CC_RIGHT,
    CL_TANGENT,
    DEGENERATE_MM,
    GAP_EPS,
    NO_KEY,
    circles_vs_quads,
    make_quads,
    new_intervals,
    quads_vs_quads,
)
from geometry.derive.rings import RingSet

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]
KeyArray = NDArray[np.int64]

@dataclass(frozen=True, eq=False)
class ChannelUnion:
    """The union of disks and channels at one depth: components and their exact boundary rings.

    ``component[c]`` labels disk c and ``channel_component[k]`` channel k (0 .. ``n_components`` - 1);
    ``sizes[m]`` counts the disks and channels of component m (a lone disk has size 1). ``rings`` holds the
    boundary rings of every component of size two or more that is not ``bad``; ``rings.region`` is the
    component label. ``bad[m]`` marks components that could not be linked exactly (degenerate contacts).
    """

    component: IntArray
    channel_component: IntArray
    n_components: int
    sizes: IntArray
    rings: RingSet
    bad: BoolArray


def _free(owner: IntArray, lo: FloatArray, hi: FloatArray, skey: KeyArray, ekey: KeyArray, periodic: bool
          ) -> tuple[IntArray, FloatArray, FloatArray, KeyArray, KeyArray]:
    """Gaps between the covered intervals of every owner: (owner, start, end, start key, end key).

    ``periodic``: owners are circles, angles in radians, intervals start in [0, 2 pi). Every circle is cut at
    the start of one of its own intervals (its anchor), so no free arc crosses the cut: intervals that run past
    a full turn get a copy one turn earlier, and a copy of the anchor one turn later closes the circle.
    Otherwise the caller bounds every owner by intervals at both ends. The running maximum works on integer
    ranks, so no precision is lost to offsets between owners.
    """
    q = np.arange(len(owner), dtype=np.intp)
    own, lo2, hi2 = owner, lo, hi
    shift = np.zeros(0)
    if periodic and len(owner):
        anchor = np.zeros(int(owner.max()) + 1, dtype=np.intp)
        anchor[owner] = q
        shift = lo[anchor]
        lo2 = np.mod(lo - shift[owner], TWO_PI)
        lo2[anchor] = 0.0
        hi2 = lo2 + (hi - lo)
        wrap = np.flatnonzero(hi2 > TWO_PI)
        has = np.flatnonzero(np.bincount(owner) > 0)
        close = anchor[has]
        q = np.concatenate([q, wrap, close])
        own = owner[q]
        lo2 = np.concatenate([lo2, lo2[wrap] - TWO_PI, np.full(len(close), TWO_PI)])
        hi2 = np.concatenate([hi2, hi2[wrap] - TWO_PI, hi2[close] + TWO_PI])
    n = len(q)
    order = np.lexsort((lo2, own))
    q, own, lo2, hi2 = q[order], own[order], lo2[order], hi2[order]
    rank_order = np.argsort(hi2, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[rank_order] = np.arange(n, dtype=np.int64)
    comb = own.astype(np.int64) * np.int64(n + 1) + rank
    run = np.maximum.accumulate(comb) if n else comb
    arg = rank_order[run - own.astype(np.int64) * np.int64(n + 1)]  # position (in sorted order) of the max
    prev_hi = np.empty(n)
    prev_arg = np.zeros(n, dtype=np.intp)
    if n:
        prev_hi[1:] = hi2[arg[:-1]]
        prev_arg[1:] = arg[:-1]
    same = np.zeros(n, dtype=bool)
    same[1:] = own[1:] == own[:-1]
    g = np.flatnonzero(same & (lo2 > prev_hi + GAP_EPS))
    start_iv = q[prev_arg[g]]
    end_iv = q[g]
    go = own[g]
    if periodic:
        return go, prev_hi[g] + shift[go], lo2[g] + shift[go], ekey[start_iv], skey[end_iv]
    return go, prev_hi[g], lo2[g], ekey[start_iv], skey[end_iv]


def channel_union(x_mm: FloatArray, y_mm: FloatArray, r_mm: FloatArray, end1: IntArray, end2: IntArray
                  ) -> ChannelUnion:
    """The exact union of disks (``x_mm, y_mm, r_mm``) and channels joining disks ``end1[k]``, ``end2[k]``."""
    x = np.asarray(x_mm, dtype=np.float64)
    y = np.asarray(y_mm, dtype=np.float64)
    r = np.asarray(r_mm, dtype=np.float64)
    e1 = np.asarray(end1, dtype=np.intp)
    e2 = np.asarray(end2, dtype=np.intp)
    nd, nch = len(x), len(e1)
    bad_disk = np.zeros(nd, dtype=bool)
    bad_chan = np.zeros(nch, dtype=bool)
    quads = make_quads(x, y, r, e1, e2, bad_disk)
    nq = len(quads.channel)
    nl = 2 * nq  # long sides: line 2q is side 0 (a1 -> b1), line 2q + 1 is side 2 (b2 -> a2)
    n_prim = np.int64(nd + nl)

    def key(a: IntArray, b: IntArray, code: int) -> KeyArray:
        return (a.astype(np.int64) * n_prim + b.astype(np.int64)) * 4 + np.asarray(code, dtype=np.int64)

    def side_line(qi: IntArray, side: IntArray) -> IntArray:
        """Primitive id of the line of side ``side`` of quad ``qi`` (-1 for the short sides)."""
        return np.where(side == 0, nd + 2 * qi, np.where(side == 2, nd + 2 * qi + 1, -1)).astype(np.intp)

    arcs = new_intervals()
    segs = new_intervals()
    edges_i: list[IntArray] = []  # connectivity between elements (disks 0..nd-1, channels nd..nd+nch-1)
    edges_j: list[IntArray] = []
    edges_i.append(nd + np.arange(nch, dtype=np.intp))
    edges_j.append(e1)
    edges_i.append(nd + np.arange(nch, dtype=np.intp))
    edges_j.append(e2)

    # --- disks against disks (as in relief_arcs) ---
    pi_, pj, d = overlap_pairs(x, y, r)
    edges_i.append(pi_)
    edges_j.append(pj)
    inside = d <= np.abs(r[pi_] - r[pj]) + TOUCH_MM
    small = np.where(r[pi_] < r[pj], pi_, np.where(r[pj] < r[pi_], pj, np.maximum(pi_, pj)))
    contained = np.zeros(nd, dtype=bool)
    contained[small[inside]] = True
    full = np.flatnonzero(contained)
    arcs.add(full, np.zeros(len(full)), np.full(len(full), TWO_PI), np.full(len(full), NO_KEY),
             np.full(len(full), NO_KEY))
    cross = ~inside & ~contained[pi_] & ~contained[pj]
    i, j, d = pi_[cross], pj[cross], d[cross]
    theta = np.arctan2(y[j] - y[i], x[j] - x[i])
    ai = np.arccos(np.clip((d * d + r[i] ** 2 - r[j] ** 2) / (2.0 * d * r[i]), -1.0, 1.0))
    aj = np.arccos(np.clip((d * d + r[j] ** 2 - r[i] ** 2) / (2.0 * d * r[j]), -1.0, 1.0))
    # On circle i (the lower index) from j: starts right of i -> j, ends left; on j from i the other way round.
    lo_i = np.mod(theta - ai, TWO_PI)
    arcs.add(i, lo_i, lo_i + 2.0 * ai, key(i, j, CC_RIGHT), key(i, j, CC_LEFT))
    lo_j = np.mod(theta + np.pi - aj, TWO_PI)
    arcs.add(j, lo_j, lo_j + 2.0 * aj, key(i, j, CC_LEFT), key(i, j, CC_RIGHT))

    # --- end circles against their own quad: the inner arc between the tangent points ---
    qidx = np.arange(nq, dtype=np.intp)
    l0, l2 = side_line(qidx, np.zeros(nq, dtype=np.intp)), side_line(qidx, np.full(nq, 2, dtype=np.intp))
    lo1 = np.mod(quads.theta - quads.gamma, TWO_PI)
    arcs.add(quads.c1, lo1, lo1 + 2.0 * quads.gamma, key(quads.c1, l0, CL_TANGENT), key(quads.c1, l2, CL_TANGENT))
    lo2 = np.mod(quads.theta + quads.gamma, TWO_PI)
    arcs.add(quads.c2, lo2, lo2 + TWO_PI - 2.0 * quads.gamma, key(quads.c2, l2, CL_TANGENT),
             key(quads.c2, l0, CL_TANGENT))
    # The long sides end at their tangent points: bound each side's line by intervals beyond both ends.
    for s_line, s_side, a_end, b_end in ((l0, 0, quads.c1, quads.c2), (l2, 2, quads.c2, quads.c1)):
        ln = quads.length[:, s_side]
        segs.add(s_line - nd, np.full(nq, -1.0), np.zeros(nq), np.full(nq, NO_KEY), key(a_end, s_line, CL_TANGENT))
        segs.add(s_line - nd, ln, ln + 1.0, key(b_end, s_line, CL_TANGENT), np.full(nq, NO_KEY))

    # --- circles against quads (not their own) ---
    if nq:
        circles_vs_quads(x, y, r, quads, contained, arcs, segs, edges_i, edges_j, bad_disk, bad_chan, key,
                          side_line, nd)
        quads_vs_quads(quads, segs, edges_i, edges_j, key, side_line, nd)

    # --- components ---
    n_comp, comp = _components(nd + nch, np.concatenate(edges_i), np.concatenate(edges_j))
    sizes = np.bincount(comp, minlength=n_comp).astype(np.intp)
    bad = np.zeros(n_comp, dtype=bool)
    bad[comp[:nd][bad_disk]] = True
    bad[comp[nd:][bad_chan]] = True

    # --- free pieces ---
    a_own, a_lo, a_hi, a_sk, a_ek = arcs.arrays()
    fa_c, fa_0, fa_1, fa_sk, fa_ek = _free(a_own, a_lo, a_hi, a_sk, a_ek, periodic=True)
    s_own, s_lo, s_hi, s_sk, s_ek = segs.arrays()
    keep_iv = (s_hi >= 0.0) & (s_lo <= quads.length[s_own // 2, 2 * (s_own % 2)])
    s_own, s_sk, s_ek = s_own[keep_iv], s_sk[keep_iv], s_ek[keep_iv]
    s_len = quads.length[s_own // 2, 2 * (s_own % 2)]
    s_lo = np.maximum(s_lo[keep_iv], -1.0)
    s_hi = np.minimum(s_hi[keep_iv], s_len + 1.0)
    fs_l, fs_0, fs_1, fs_sk, fs_ek = _free(s_own, s_lo, s_hi, s_sk, s_ek, periodic=False)
    # Circles that nothing covers in a component of two elements or more: whole circles (they hold the rest).
    n_iv = np.bincount(a_own, minlength=nd)
    whole = np.flatnonzero((n_iv == 0) & (sizes[comp[:nd]] > 1))

    n_arc, n_seg = len(fa_c), len(fs_l)
    piece_comp = np.concatenate([comp[fa_c], comp[nd + quads.channel[fs_l // 2]]]).astype(np.intp)
    skey = np.concatenate([fa_sk, fs_sk])
    ekey = np.concatenate([fa_ek, fs_ek])
    # End points of the pieces, to link the few ends whose keys found no partner (collinear sides meeting in a
    # tangent point, where the covering intervals of both sides' quads touch).
    sq_, ss_ = fs_l // 2, 2 * (fs_l % 2)
    seg_p0 = quads.corner[sq_, ss_]
    seg_u = np.column_stack([-quads.normal[sq_, ss_, 1], quads.normal[sq_, ss_, 0]])
    ends_xy = np.concatenate([np.column_stack([x[fa_c] + r[fa_c] * np.cos(fa_1), y[fa_c] + r[fa_c] * np.sin(fa_1)]),
                              seg_p0 + seg_u * fs_1[:, None]])
    starts_xy = np.concatenate([np.column_stack([x[fa_c] + r[fa_c] * np.cos(fa_0),
                                                 y[fa_c] + r[fa_c] * np.sin(fa_0)]), seg_p0 + seg_u * fs_0[:, None]])
    nxt, broken = _link(skey, ekey, starts_xy, ends_xy)
    bad[piece_comp[broken]] = True
    while True:
        ok = ~bad[piece_comp]
        dangling = ok & ((nxt < 0) | ~ok[np.maximum(nxt, 0)])
        if not dangling.any():
            break
        bad[piece_comp[dangling]] = True
    keep = np.flatnonzero(~bad[piece_comp])
    renum = np.full(n_arc + n_seg, -1, dtype=np.intp)
    renum[keep] = np.arange(len(keep), dtype=np.intp)
    label, ring_order = _rank_cycles(renum[nxt[keep]])
    pieces = keep[ring_order]
    p_ring = label[ring_order]
    is_arc = pieces < n_arc
    ai_ = pieces[is_arc]
    si_ = pieces[~is_arc] - n_arc

    # Vertices: each piece's start point; arcs over half a turn are split so every bulge stays within [-1, 1].
    start_xy = np.empty((len(pieces), 2))
    sweep = np.zeros(len(pieces))
    ac = fa_c[ai_]
    a0 = fa_0[ai_]
    start_xy[is_arc] = np.column_stack([x[ac] + r[ac] * np.cos(a0), y[ac] + r[ac] * np.sin(a0)])
    sweep[is_arc] = fa_1[ai_] - a0
    line = fs_l[si_]
    sq, ss = line // 2, 2 * (line % 2)
    p0 = quads.corner[sq, ss]
    u = np.column_stack([-quads.normal[sq, ss, 1], quads.normal[sq, ss, 0]])
    start_xy[~is_arc] = p0 + u * fs_0[si_][:, None]
    circle_of = np.zeros(len(pieces), dtype=np.intp)
    circle_of[is_arc] = ac
    start_angle = np.zeros(len(pieces))
    start_angle[is_arc] = a0
    v_xy, v_bulge, ring_start = ring_vertices(start_xy, sweep, start_angle, circle_of, p_ring, x, y, r)
    n_ring = len(ring_start) - 1
    ring_comp = np.zeros(n_ring, dtype=np.intp)
    ring_comp[p_ring] = piece_comp[pieces]

    whole = whole[~bad[comp[whole]]]
    rings = with_full_circles(v_xy, v_bulge, ring_start, ring_comp, x[whole], y[whole], r[whole], comp[whole])
    hole = rings.signed_areas() < 0
    outers = np.bincount(rings.region[~hole], minlength=n_comp)
    has_ring = np.bincount(rings.region, minlength=n_comp) > 0
    bad |= (sizes > 1) & ((outers != 1) | ~has_ring)  # a linked component has exactly one outer ring
    return ChannelUnion(comp[:nd].copy(), comp[nd:].copy(), n_comp, sizes, _ordered(rings, hole, ~bad[rings.region]),
                        bad)


def _link(skey: KeyArray, ekey: KeyArray, starts_xy: FloatArray, ends_xy: FloatArray) -> tuple[IntArray, BoolArray]:
    """Successor of every piece (the piece starting where it ends; -1 if none) and pieces that cannot be linked.

    Pieces link by key; an end whose key finds no start (or has none) is linked to the one unmatched start at
    the same point (within ``DEGENERATE_MM``), if there is exactly one there.
    """
    n = len(skey)
    nxt = np.full(n, -1, dtype=np.intp)
    broken = np.zeros(n, dtype=bool)
    if n == 0:
        return nxt, broken
    order = np.argsort(skey, kind="stable")
    sk = skey[order]
    dup = np.zeros(n, dtype=bool)
    dup[1:] = (sk[1:] == sk[:-1]) & (sk[1:] >= 0)
    dup[:-1] |= dup[1:]
    broken[order[dup]] = True
    pos = np.minimum(np.searchsorted(sk, ekey), n - 1)
    found = (sk[pos] == ekey) & (ekey >= 0) & ~dup[pos]
    nxt[found] = order[pos[found]]
    taken = np.zeros(n, dtype=bool)
    taken[nxt[found]] = True
    loose_end = np.flatnonzero(nxt < 0)
    loose_start = np.flatnonzero(~taken & ~broken)
    if len(loose_end) and len(loose_start):
        from scipy.spatial import cKDTree

        tree = cKDTree(starts_xy[loose_start])
        kq = min(2, len(loose_start))
        dist, idx = tree.query(ends_xy[loose_end], k=kq)
        dist, idx = dist.reshape(len(loose_end), kq), idx.reshape(len(loose_end), kq)
        unique = (dist[:, 0] < DEGENERATE_MM) & ((dist[:, -1] >= DEGENERATE_MM) | (kq == 1))
        cand = loose_start[idx[unique, 0]]
        once = np.bincount(cand, minlength=n)[cand] == 1
        nxt[loose_end[unique][once]] = cand[once]
    broken |= nxt < 0
    hits = np.bincount(nxt[nxt >= 0], minlength=n)
    broken |= hits != 1
    broken[nxt >= 0] |= hits[nxt[nxt >= 0]] != 1
    return nxt, broken
