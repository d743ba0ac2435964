"""The margin findings of an edited design from each opening group's spread, kept between updates (issue 12).

The margin check (:mod:`geometry.checks.margins`) reads where the sites are in two ways only: the extent of the
openings (the diagonal of their bounding box) and, per (opening, pad) group, the distance of the group's
farthest site from that box's centre (the radius of its thermal error). The engine keeps the box
(``State.pop_box``); this module keeps the farthest distance per group (:data:`Radii`) and updates it from the
changed sites alone: while the centre stays put and no changed site was a group's farthest, the group's new
farthest is its old one or a changed site's, exactly (the distances are the same numbers the check computes).
The findings come from the functions the check itself uses (``margin_stacks``, ``short_margin``), so they
equal its own; only a group with a finding needs its rows (to list them), a pass over the table.

The check makes one group per opening *index* of the table; when two profiles resolve to equal openings the
groups of one key are several, and the engine runs the check itself (:func:`distinct_openings`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from geometry.analysis.live_checks import GroupKey, GroupRows
from geometry.analysis.live_diff import Box
from geometry.checks.base import CheckContext
from geometry.checks.margins import margin_stacks, short_margin
from geometry.checks.records import Severity, Violation
from geometry.derive.openings import OpeningTable
from geometry.model.materials import Limits
from geometry.model.profiles import Opening

IntArray = NDArray[np.intp]
PadKey = tuple[Opening, float]
Radii = dict[PadKey, float]
"""Per (opening, pad) group with sites: the largest distance of one of its sites from the openings' centre."""


def distinct_openings(table: OpeningTable) -> bool:
    """Whether every opening of the table is a different value (one check group per (opening, pad) key)."""
    return len(set(table.openings)) == len(table.openings)


def centre(box: Box | None) -> tuple[float, float]:
    """The centre of the openings' bounding box, as the check computes it ((0, 0) without openings)."""
    return ((box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0) if box is not None else (0.0, 0.0)


def extent(box: Box | None) -> float:
    """The openings' largest centre-to-centre distance, the diagonal of their box, as the check computes it."""
    return math.hypot(box[2] - box[0], box[3] - box[1]) if box is not None else 0.0


def key_rows(table: OpeningTable, rows: GroupRows, key: PadKey) -> IntArray:
    """The populated rows of a (opening, pad) key, in row order."""
    parts = [rows.of_index_and_pad(k, key[1]) for k, o in enumerate(table.openings) if o == key[0]]
    if not parts:
        return np.zeros(0, dtype=np.intp)
    return parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts))


def _distances(table: OpeningTable, rows: IntArray, c: tuple[float, float]) -> NDArray[np.float64]:
    s = table.sites
    return np.asarray(np.hypot(s.x_mm[rows] - c[0], s.y_mm[rows] - c[1]), dtype=np.float64)


def radii_of(table: OpeningTable, rows: GroupRows, keys: Iterable[PadKey], box: Box | None) -> Radii:
    """The radii of some groups from their rows (a pass over the table per opening)."""
    c = centre(box)
    out: Radii = {}
    for key in keys:
        r = key_rows(table, rows, key)
        if len(r):
            out[key] = float(_distances(table, r, c).max())
    return out


def _rows_by_key(table: OpeningTable, changed: IntArray) -> dict[PadKey, IntArray]:
    out: dict[PadKey, list[int]] = {}
    for r in changed.tolist():
        o = table.opening_of(r)
        if o is not None:
            out.setdefault((o, float(table.sites.pad_mm[r])), []).append(r)
    return {k: np.asarray(v, dtype=np.intp) for k, v in out.items()}


def radii_after(radii: Radii, old_box: Box | None, new_box: Box | None, ot: OpeningTable, nt: OpeningTable,
                changed: IntArray, counts: dict[GroupKey, int], rows: GroupRows) -> tuple[Radii, set[PadKey]]:
    """The radii after the sites ``changed`` went from ``ot``'s groups to ``nt``'s (``counts``: the groups'
    sizes after), and the keys whose radius may differ (every key when the centre moved)."""
    if old_box != new_box:
        keys_now = {(o, p) for o, p in counts if p is not None}
        return radii_of(nt, rows, keys_now, new_box), keys_now
    c = centre(new_box)
    out = dict(radii)
    left, joined = _rows_by_key(ot, changed), _rows_by_key(nt, changed)
    touched = set(left) | set(joined)
    for key in touched:
        if counts.get(key, 0) == 0:
            out.pop(key, None)
            continue
        old = radii.get(key)
        gone = left.get(key)
        if old is not None and gone is not None and float(_distances(ot, gone, c).max()) >= old:
            out.update(radii_of(nt, rows, [key], new_box))  # the farthest site left or moved: look again
            continue
        came = joined.get(key)
        new = float(_distances(nt, came, c).max()) if came is not None else -math.inf
        out[key] = max(old if old is not None else -math.inf, new)
    return out, touched


def margin_findings(ctx: CheckContext, rows: GroupRows, radii: Radii, keys: Iterable[PadKey],
                    box: Box | None, limits: Limits) -> dict[PadKey, list[Violation]]:
    """The margin findings of some groups (as the check reports them), by group."""
    design = ctx.design
    stack = design.tolerances.stack
    ext = extent(box)
    out: dict[PadKey, list[Violation]] = {}
    for key in keys:
        radius = radii.get(key)
        if radius is None:
            continue
        for _k, check, slack, sources in margin_stacks(design, limits, ext, [(key[0], key[1], radius)]):
            short = short_margin(check, slack, sources, stack)
            if short is not None:
                r = key_rows(ctx.table, rows, key)
                out.setdefault(key, []).append(
                    ctx.group_violation("margin", Severity.WARNING, r, short[0], 0.0, short[1]))
    return out
