"""What an edit changed, and the small design of the sites around it (the incremental analysis' first steps).

An edit of a few sites changes the relief and the findings only near those sites (issue 12). This module finds
the changed site rows by comparing the previous and the new design's per-site arrays (the opening tables), and
builds the *window*: an explicit-site design of the sites inside a box around the changes, with the same ball,
mask, profiles, overrides, merge settings, limits and tolerances, so that the derive and check functions can run
on it unchanged. Rows of the window keep the order of the full design, so pair records name their sites in the
same order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geometry.derive.openings import OpeningTable
from geometry.derive.openings_edit import rows_changed_since
from geometry.model.design import Design, MergeSettings, ProfileOverride
from geometry.model.layouts import SiteEdits
from geometry.model.layouts.explicit import ExplicitLayout, SiteColumns
from geometry.model.sites import SiteState

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
Box = tuple[float, float, float, float]

class FallbackError(Exception):
    """The edit cannot be applied locally (the message says why); the caller recomputes in full."""


# Fields of a design that every site's relief or findings may depend on: any change means a full recompute.
_DESIGN_WIDE = ("ball", "pad", "layout", "mask", "profile", "upper_ratio", "merge", "limits", "rework", "output",
                "tolerances")


def design_wide_change(old: Design, new: Design) -> str | None:
    """The first design-wide field that differs (a full recompute), or None when only site edits and profile
    overrides differ. Added or removed sites renumber the rows, so they count as design-wide here too."""
    for name in _DESIGN_WIDE:
        if getattr(old, name) != getattr(new, name):
            return name
    if old.edits.added != new.edits.added or old.edits.removed != new.edits.removed:
        return "edits.added/removed"
    return None


def changed_rows(old: OpeningTable, new: OpeningTable) -> IntArray:
    """Rows whose site or opening differs (same rows in both tables: the caller checked the names agree).

    Compares centres, pads, state and the resolved opening values per site, NaN (no opening) equal to NaN. When
    ``new`` was patched from ``old`` (:func:`geometry.derive.openings_edit.rows_changed_since`) only the rows the
    patches recomputed can differ, so only those are compared; otherwise every row is (about 15 ms at a
    million sites).
    """
    cand = rows_changed_since(old, new)
    at: IntArray | slice = slice(None) if cand is None else cand
    a, b = old.sites, new.sites
    diff = (a.x_mm[at] != b.x_mm[at]) | (a.y_mm[at] != b.y_mm[at]) | (a.state[at] != b.state[at])
    diff |= (a.pad_kind[at] != b.pad_kind[at]) | ~_same(a.pad_mm[at], b.pad_mm[at])
    for name in ("upper_mm", "lower_mm", "vertical_mm", "angle_deg", "relief_mm", "lower_x_mm", "lower_y_mm"):
        diff |= ~_same(getattr(old, name)[at], getattr(new, name)[at])
    # the same numbers from a different profile (another kind of wall) still change wall-dependent findings
    kinds_old = np.array([hash(o) for o in old.openings] + [0], dtype=np.int64)[old.which[at]]
    kinds_new = np.array([hash(o) for o in new.openings] + [0], dtype=np.int64)[new.which[at]]
    diff |= kinds_old != kinds_new
    hit = np.flatnonzero(diff).astype(np.intp)
    return hit if cand is None else cand[hit]


def _same(u: FloatArray, v: FloatArray) -> NDArray[np.bool_]:
    return np.asarray((u == v) | (np.isnan(u) & np.isnan(v)))


@dataclass(frozen=True, eq=False)
class Window:
    """The sites of a box around an edit as a design of their own: ``rows`` are their rows in the full design."""

    design: Design
    rows: IntArray


def window_design(design: Design, table: OpeningTable, rows: IntArray) -> Window:
    """An explicit-site design of the sites ``rows`` (sorted) of ``design``, equal to the full design there.

    Positions are the edited ones (no moves left), depopulated sites stay depopulated, overrides and merge
    settings keep only the names inside; a channel chain is cut where it leaves the window, so no channel is
    drawn between two window sites that the full design does not join.
    """
    s = table.sites
    names = s.names[rows]
    inside = set(names.tolist())
    cols = SiteColumns(names, s.x_mm[rows], s.y_mm[rows], s.pad_mm[rows], s.pad_kind[rows])
    depop = tuple(names[s.state[rows] == SiteState.DEPOPULATED].tolist())
    overrides = []
    for o in design.overrides:
        kept = tuple(n for n in o.sites if n in inside)
        if kept:
            overrides.append(ProfileOverride(kept, o.profile))
    chains: list[tuple[str, ...]] = []
    for chain in design.merge.channels:
        run: list[str] = []
        for n in (*chain, None):
            if n is not None and n in inside:
                run.append(n)
                continue
            if len(run) >= 2:
                chains.append(tuple(run))
            run = []
    forbidden = tuple(p for p in design.merge.forbidden if p[0] in inside and p[1] in inside)
    sub = Design(
        design.ball, design.pad, ExplicitLayout(cols), design.mask, design.profile, name=design.name,
        upper_ratio=design.upper_ratio, edits=SiteEdits(depopulated=depop), overrides=tuple(overrides),
        merge=MergeSettings(design.merge.auto, tuple(chains), forbidden), limits=design.limits,
        output=design.output, tolerances=design.tolerances,
    )
    return Window(sub, rows)


def grow(box: Box, by: float) -> Box:
    """The box grown by ``by`` on every side (shrunk for a negative ``by``)."""
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def disks_box(x: FloatArray, y: FloatArray, r: FloatArray) -> Box:
    """The bounding box of disks (NaN entries, sites without an opening, are skipped)."""
    ok = ~np.isnan(x) & ~np.isnan(r)
    if not ok.any():
        return (np.inf, np.inf, -np.inf, -np.inf)
    return (float(np.min(x[ok] - r[ok])), float(np.min(y[ok] - r[ok])), float(np.max(x[ok] + r[ok])),
            float(np.max(y[ok] + r[ok])))


def union_box(a: Box, b: Box) -> Box:
    """The bounding box of two boxes."""
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def points_box(x: FloatArray, y: FloatArray) -> Box | None:
    """The bounding box of points (None for none)."""
    if not len(x):
        return None
    return (float(x.min()), float(y.min()), float(x.max()), float(y.max()))


def box_after(box: Box | None, old_x: FloatArray, old_y: FloatArray, new_x: FloatArray, new_y: FloatArray,
              full: Callable[[], Box | None]) -> Box | None:
    """The bounding box of a point set after some of its points changed, without a pass over the others.

    ``box`` is the set's box before, ``old_x, old_y`` the changed points as they were (those in the set then),
    ``new_x, new_y`` as they are (those in it now). When no old point lies on a side of the box, points that
    stay reach every side, so the new box is the old one grown by the new points, exactly; otherwise (or for a
    set that was empty) ``full()`` gives it.
    """
    if box is None:
        return full()
    on_side = (old_x == box[0]) | (old_x == box[2]) | (old_y == box[1]) | (old_y == box[3])
    if bool(on_side.any()):
        return full()
    grown = points_box(new_x, new_y)
    return box if grown is None else union_box(box, grown)
