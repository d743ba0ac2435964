"""The largest unsupported span: the widest area inside the site area where no metal touches the device.

Where the lower relief of any depth is etched, the mask does not touch the device; the islands left on the lower
surface (:mod:`geometry.derive.islands`) and the metal around the relief do. The span of a connected etched
area is the diameter of its largest inscribed circle: the mask bridges at least that distance with no support
under it. Measured on the union of every relief layer, flattened to chords of :data:`SPAN_CHORD_MM` (a span is compared
with millimetres, and a finer outline would cost a large array gigabytes), located to the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import NDArray

from geometry.derive.openings import opening_table
from geometry.derive.relief.merged import lower_relief
from geometry.model.design import Design

IntArray = NDArray[np.intp]

SPAN_CHORD_MM = 1e-3
"""Chord error of the outlines the span is measured on, and its resolution (1 um)."""


@dataclass(frozen=True, eq=False)
class Span:
    """The widest unsupported area: its span (mm), a point in it (the mean of its sites' lower centres), the
    widest lower outline (d_l, mm) of the sites inside the area, and those sites' rows (sorted)."""

    span_mm: float
    x_mm: float
    y_mm: float
    lower_mm: float
    site_rows: IntArray


@lru_cache(maxsize=8)
def largest_span(design: Design) -> Span | None:
    """The etched area with the largest span, or None without relief.

    Ties (equal to 0.1 nm, as in the dies of a wafer) go to the area holding the lowest site row, so the span
    found on the whole design and on its first die agree.
    """
    relief = lower_relief(design)
    if relief.n_regions == 0:  # single circles only: no etched area is wider than its own lower outline
        return None
    layers = list(relief.to_shapely(SPAN_CHORD_MM).values())
    if not layers:
        return None
    parts = np.asarray(shapely.get_parts(shapely.union_all(layers)), dtype=object).reshape(-1)
    if not len(parts):
        return None
    t = opening_table(design)
    rows = t.rows
    # the parts are the query (prepared once each), the centres the tree: a point-in-polygon test per centre
    inside_part, inside_pt = shapely.STRtree(shapely.points(t.lower_x_mm[rows], t.lower_y_mm[rows])).query(
        parts, predicate="contains")
    lines = shapely.maximum_inscribed_circle(parts, SPAN_CHORD_MM / 2.0)
    span = 2.0 * np.asarray(shapely.length(lines), dtype=np.float64)
    first_row = np.full(len(parts), np.iinfo(np.intp).max, dtype=np.intp)
    np.minimum.at(first_row, inside_part, rows[inside_pt])
    best = int(np.lexsort((first_row, -np.rint(span * 1e7)))[0])
    mine = np.sort(rows[inside_pt[inside_part == best]])
    # the point: the mean of the area's lower centres (the inscribed circle's centre need not be unique, and
    # copies of one area must agree)
    c = (float(t.lower_x_mm[mine].mean()), float(t.lower_y_mm[mine].mean())) if len(mine) else (0.0, 0.0)
    lower = float(t.lower_mm[mine].max()) if len(mine) else 0.0
    mine.flags.writeable = False
    return Span(float(span[best]), float(c[0]), float(c[1]), lower, mine)
