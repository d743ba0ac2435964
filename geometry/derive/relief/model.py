"""What a lower relief is: single circles and merged regions per depth, with exact arcs (claim 7).

Semantics (the exporters, the window and the checks rely on them):

* Every populated site has a lower circle: centre (``lower_x_mm``, ``lower_y_mm``) of the opening table, radius
  d_l / 2, relief depth t - h_v. Straight openings have depth 0 and no lower relief at all.
* Relief is grouped by depth at 1 um resolution; each depth is one layer of artwork (LOWER_RELIEF_<depth>UM).
* At one depth the elements are the lower circles of the sites with that depth, plus the channels of that depth:
  every pair of :func:`geometry.derive.pairs.merge_graph` with ``bridged`` set gives a capsule (the convex hull of the
  pair's two lower circles: two tangent lines and two outer arcs) at the pair's ``channel_depth_mm``. Elements
  of one depth that overlap (more than touching) are unioned into regions, with holes where metal islands stay.
  Layers of different depths may overlap: the deeper etch wins there (the exporter's notes say so).
* A circle with no overlapping element at its depth stays a circle (the exporters write exact CIRCLEs); every
  other outline is a ring of vertices and DXF bulges (:class:`geometry.derive.rings.RingSet`), outer rings
  counter-clockwise, holes clockwise, round parts as true arcs, straight parts (channel sides) as straight edges.
  Arcs are split so no bulge exceeds 1 (half a turn). Holes smaller than ``HOLE_MIN_MM2`` (arcs meeting in one
  point, up to rounding) are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from geometry.base.arrays import distinct
from geometry.base.lazy import LazyModule
from geometry.derive.rings import MIN_ARC_STEP, RingSet, bulge_centres

if TYPE_CHECKING:
    import shapely
else:
    shapely = LazyModule("shapely")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

HOLE_MIN_MM2 = 1e-9  # holes below this area are dropped: degenerate contacts, far below what can be etched


def depth_key(depth_mm: FloatArray | float) -> NDArray[np.int64]:
    """Depths rounded to whole micrometres (the resolution relief layers are grouped at); NaN (no opening) -> 0."""
    return np.rint(np.nan_to_num(np.asarray(depth_mm, dtype=np.float64)) * 1000.0).astype(np.int64)


@dataclass(frozen=True, eq=False)
class Relief:
    """The lower relief of a design (see the module docstring for what it means). Lengths in mm.

    Single circles: ``circle_x_mm, circle_y_mm, circle_r_mm, circle_depth_mm`` and ``circle_site`` (site row).
    Merged regions: ``rings`` (``rings.region`` indexes the regions, ``rings.hole`` marks metal islands),
    ``region_depth_mm`` per region, and the site rows of region k in
    ``region_site_rows[region_site_start[k]:region_site_start[k + 1]]`` (sorted).
    """

    circle_x_mm: FloatArray
    circle_y_mm: FloatArray
    circle_r_mm: FloatArray
    circle_depth_mm: FloatArray
    circle_site: IntArray
    rings: RingSet
    region_depth_mm: FloatArray
    region_site_start: IntArray
    region_site_rows: IntArray
    site_span_bounded: BoolArray | None = None
    """Per site row, for a relief of one depth of disks only (no channel) computed over the whole design: whether
    its disk meets the span check's closed-form bound (``CircleUnion.span_bounded``); None otherwise (the span
    check then finds it itself)."""

    @property
    def n_regions(self) -> int:
        """Number of merged regions."""
        return int(self.region_depth_mm.shape[0])

    def region_sites(self, k: int) -> IntArray:
        """Site rows of region k."""
        return self.region_site_rows[int(self.region_site_start[k]):int(self.region_site_start[k + 1])]

    def hole_counts(self) -> IntArray:
        """Number of holes (metal islands) of every region."""
        return np.bincount(self.rings.region[self.rings.hole], minlength=self.n_regions).astype(np.intp)

    def depths(self) -> FloatArray:
        """Sorted unique relief depths (mm, rounded to 1 um)."""
        keys = distinct(np.concatenate([depth_key(self.circle_depth_mm), depth_key(self.region_depth_mm)]))
        return keys / 1000.0

    def areas(self) -> dict[float, float]:
        """Etched area (mm^2) per depth: single circles plus regions (outer rings minus holes), exact."""
        out: dict[float, float] = {}
        ck = depth_key(self.circle_depth_mm)
        rk = depth_key(self.region_depth_mm)
        region_area = self.rings.region_areas(self.n_regions)
        for key in distinct(np.concatenate([ck, rk])):
            area = float(np.sum(np.pi * self.circle_r_mm[ck == key] ** 2)) + float(np.sum(region_area[rk == key]))
            out[float(key) / 1000.0] = area
        return out

    def to_shapely(self, chord_tol_mm: float = 1e-3) -> dict[float, shapely.MultiPolygon]:
        """Every depth as a shapely MultiPolygon, arcs flattened to chords within ``chord_tol_mm``.

        For tests and for the window's fallback drawing; exporters use the exact arrays.
        """
        circles = circle_ringset(self.circle_x_mm, self.circle_y_mm, self.circle_r_mm)
        out: dict[float, shapely.MultiPolygon] = {}
        ck = depth_key(self.circle_depth_mm)
        rk = depth_key(self.region_depth_mm)
        ring_polys = region_polygons(self.rings, self.n_regions, chord_tol_mm)
        circle_polys = region_polygons(circles, len(self.circle_x_mm), chord_tol_mm)
        for key in distinct(np.concatenate([ck, rk])):
            parts = list(ring_polys[rk == key]) + list(circle_polys[ck == key])
            out[float(key) / 1000.0] = shapely.MultiPolygon(parts)
        return out


def circle_ringset(x: FloatArray, y: FloatArray, r: FloatArray) -> RingSet:
    n = len(x)
    xy = np.empty((2 * n, 2))
    xy[0::2, 0], xy[0::2, 1] = x + r, y
    xy[1::2, 0], xy[1::2, 1] = x - r, y
    return RingSet(xy, np.ones(2 * n), np.arange(0, 2 * n + 1, 2, dtype=np.intp), np.arange(n, dtype=np.intp),
                   np.zeros(n, dtype=bool))


def densify_rings(rings: RingSet, chord_tol_mm: float) -> tuple[FloatArray, IntArray]:
    """All rings as polygon vertices (chords within ``chord_tol_mm`` of the arcs) and the ring of each vertex."""
    if len(rings) == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.intp)
    nxt = rings._next_index()
    p0, p1, b = rings.xy, rings.xy[nxt], rings.bulge
    arc = b != 0
    centre = np.zeros_like(p0)
    radius = np.ones(len(b))
    if arc.any():
        centre[arc], radius[arc] = bulge_centres(p0[arc], p1[arc], b[arc])
    phi = 4.0 * np.arctan(b)
    step = np.maximum(2.0 * np.arccos(np.maximum(-1.0, 1.0 - chord_tol_mm / radius)), MIN_ARC_STEP)
    m = np.where(arc, np.maximum(1, np.ceil(np.abs(phi) / step)), 1).astype(np.intp)
    edge = np.repeat(np.arange(len(b), dtype=np.intp), m)
    k = np.arange(int(m.sum()), dtype=np.intp) - np.repeat(np.cumsum(m) - m, m)
    a0 = np.arctan2(p0[:, 1] - centre[:, 1], p0[:, 0] - centre[:, 0])
    ang = a0[edge] + phi[edge] * k / m[edge]
    pts = np.column_stack([centre[edge, 0] + radius[edge] * np.cos(ang), centre[edge, 1] + radius[edge] * np.sin(ang)])
    pts[k == 0] = p0[edge[k == 0]]
    ring_of = np.repeat(np.arange(len(rings), dtype=np.intp), np.diff(rings.start))
    return pts, ring_of[edge]


def region_polygons(rings: RingSet, n_regions: int, chord_tol_mm: float) -> NDArray[np.object_]:
    """One shapely polygon per region (outer ring first in each region, as RingSet keeps them)."""
    if n_regions == 0:
        return np.zeros(0, dtype=object)
    pts, ring_of = densify_rings(rings, chord_tol_mm)
    lr = shapely.linearrings(pts, indices=ring_of)
    return np.asarray(shapely.polygons(lr, indices=rings.region), dtype=object)
