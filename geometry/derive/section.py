"""The mask cut along a line: what the cross-section view and the fabrication drawing show, computed without Qt.

:func:`section_of` gathers, for the sites near a cut line, where the line crosses each opening's walls
(:meth:`geometry.model.profiles.Opening.wall_polylines`), the metal left between them (the strip of thickness t minus
the openings and the channels of merged pairs), pads and balls, so the view only draws numbers geometry/ made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray

from geometry.base.names import split_name
from geometry.derive.openings import opening_table
from geometry.derive.pairs import merge_graph
from geometry.derive.residue import residue_table
from geometry.model.design import Design
from geometry.model.profiles import Opening

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Cut:
    """A straight cut line in plan from (x0, y0) to (x1, y1); ``s_origin`` is the axis value at its start."""

    x0: float
    y0: float
    x1: float
    y1: float
    label: str = ""
    axis: str = "distance along the cut"
    s_origin: float = 0.0

    @property
    def length(self) -> float:
        """Length of the line in mm."""
        return math.hypot(self.x1 - self.x0, self.y1 - self.y0)

    @property
    def along_deg(self) -> float:
        """Direction of the line."""
        return math.degrees(math.atan2(self.y1 - self.y0, self.x1 - self.x0))


@dataclass(frozen=True, eq=False)
class SectionSite:
    """A site the cut passes: centre position ``s`` on the axis, ``offset`` of the line from its centre."""

    name: str
    s: float
    offset: float
    populated: bool
    pad_mm: float
    opening: Opening | None
    left: FloatArray  # wall polylines (K, 2) of (s, z), NaN where the line misses the opening
    right: FloatArray


@dataclass(frozen=True, eq=False)
class Section:
    """Everything the view draws, in axis coordinates (s in mm along the axis, z in mm below the upper surface)."""

    cut: Cut
    thickness_mm: float
    s_min: float
    s_max: float
    sites: tuple[SectionSite, ...]
    metal: tuple[FloatArray, ...]  # closed polygons (N, 2) of (s, z)
    channels: tuple[tuple[float, float, float], ...]  # (s0, s1, depth) of channels cut along the line
    ridges: dict[tuple[str, str], float] = field(default_factory=dict)  # merge-graph ridge of neighbour pairs

    def opening_sites(self) -> list[SectionSite]:
        """Sites with an opening, in axis order."""
        return [s for s in self.sites if s.opening is not None]


def _runs(valid: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Contiguous runs [a, b) of True."""
    out: list[tuple[int, int]] = []
    start = None
    for k, v in enumerate(valid.tolist()):
        if v and start is None:
            start = k
        elif not v and start is not None:
            out.append((start, k))
            start = None
    if start is not None:
        out.append((start, len(valid)))
    return out


def _opening_polygons(left: FloatArray, right: FloatArray) -> list[shapely.Polygon]:
    valid = np.isfinite(left[:, 0]) & np.isfinite(right[:, 0])
    polys = []
    for a, b in _runs(valid):
        if b - a < 2:
            continue
        ring = np.vstack([left[a:b], right[a:b][::-1]])
        p = shapely.Polygon(ring)
        if not p.is_valid:
            p = shapely.make_valid(p)
        if p.area > 1e-12:
            polys.append(p)
    return polys


def section_of(design: Design, cut: Cut) -> Section:
    """The mask, openings, pads and channels along a cut line (what the view draws)."""
    table = opening_table(design)
    sites = table.sites
    t = design.mask.thickness_mm
    length = cut.length
    if length <= 0:
        return Section(cut, t, cut.s_origin, cut.s_origin, (), (), ())
    ux, uy = (cut.x1 - cut.x0) / length, (cut.y1 - cut.y0) / length
    nx, ny = -uy, ux
    rx, ry = sites.x_mm - cut.x0, sites.y_mm - cut.y0
    s_c = rx * ux + ry * uy
    offset = -(rx * nx + ry * ny)  # the line passes this far to the left of each centre
    lower_r = np.where(np.isfinite(table.lower_mm), table.lower_mm, 0.0) / 2.0
    upper_r = np.where(np.isfinite(table.upper_mm), table.upper_mm, 0.0) / 2.0
    shift = np.hypot(table.lower_x_mm - sites.x_mm, table.lower_y_mm - sites.y_mm)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    reach = np.maximum(np.maximum(lower_r + shift, upper_r), sites.pad_mm / 2.0)
    near = np.flatnonzero((np.abs(offset) < reach) & (s_c > -reach) & (s_c < length + reach))
    near = near[np.argsort(s_c[near], kind="stable")]

    along = cut.along_deg
    found: list[SectionSite] = []
    holes: list[shapely.Polygon] = []
    for row in near.tolist():
        op = table.opening_of(row)
        s = float(s_c[row]) + cut.s_origin
        off = float(offset[row])
        if op is not None:
            left, right = op.wall_polylines(off, along)
            left = left + np.array([s, 0.0])
            right = right + np.array([s, 0.0])
            holes.extend(_opening_polygons(left, right))
        else:
            left = right = np.zeros((0, 2))
        found.append(SectionSite(str(sites.names[row]), s, off, op is not None, float(sites.pad_mm[row]), op,
                                 left, right))

    # Channels of joined pairs that the line runs along (both sites cut close to their centres).
    graph = merge_graph(design)
    index = {int(r): k for k, r in enumerate(near.tolist())}
    channels: list[tuple[float, float, float]] = []
    ridges: dict[tuple[str, str], float] = {}
    for i, j, ridge, bridged, depth in zip(graph.i.tolist(), graph.j.tolist(), graph.ridge_mm.tolist(),
                                           graph.bridged.tolist(), graph.channel_depth_mm.tolist(), strict=True):
        if i in index and j in index:
            a, b = found[index[i]], found[index[j]]
            ridges[(a.name, b.name)] = ridges[(b.name, a.name)] = float(ridge)
            central = max(abs(a.offset), abs(b.offset)) < 0.25 * min(float(table.lower_mm[i]),
                                                                      float(table.lower_mm[j]))
            if bridged and depth > 0 and central:
                s0, s1 = sorted((a.s, b.s))
                channels.append((s0, s1, float(depth)))
                holes.append(shapely.box(s0, t - depth, s1, t))

    s_min, s_max = cut.s_origin, cut.s_origin + length
    strip = shapely.box(s_min, 0.0, s_max, t)
    metal = strip.difference(shapely.union_all(holes)) if holes else strip
    polys = [g for g in shapely.get_parts(metal) if isinstance(g, shapely.Polygon) and g.area > 1e-12]
    polys.sort(key=lambda p: p.bounds[0])  # left to right, so tests and labels can name them
    rings = tuple(np.asarray(p.exterior.coords, dtype=np.float64) for p in polys)
    return Section(cut, t, s_min, s_max, tuple(found), rings, tuple(channels), ridges)


@dataclass(frozen=True, slots=True)
class CutChoice:
    """An entry of the cut chooser: a row (through y) or a column (through x)."""

    kind: str  # "row" or "column"
    label: str
    value_mm: float


def cut_choices(design: Design) -> list[CutChoice]:
    """Rows and columns of the layout, named as on the drawing (row letter, column number) where possible."""
    sites = design.sites()
    out: list[CutChoice] = []
    for kind, coords in (("row", sites.y_mm), ("column", sites.x_mm)):
        if not len(coords):
            continue
        key = np.round(coords, 4)
        values, first = np.unique(key, return_index=True)
        order = np.argsort(-values) if kind == "row" else np.arange(len(values))  # row A (top) first
        for k in order.tolist():
            name = split_name(str(sites.names[first[k]]))
            v = float(values[k])
            if name is not None:
                label = f"Row {name[0]}" if kind == "row" else f"Column {name[1]}"
            else:
                label = f"{'Row y' if kind == 'row' else 'Column x'} = {v:g} mm"
            out.append(CutChoice(kind, label, v))
    # Staggered rows share column numbers at two x positions: keep labels unique.
    seen: dict[str, int] = {}
    for c in out:
        seen[c.label] = seen.get(c.label, 0) + 1
    return [CutChoice(c.kind, f"{c.label} (x = {c.value_mm:g})" if c.kind == "column" and seen[c.label] > 1
                      else c.label, c.value_mm) for c in out]


def cut_for(design: Design, choice: CutChoice) -> Cut:
    """The cut line of a row or column choice, across the whole mask outline."""
    x0, y0, x1, y1 = design.outline_rect()
    if choice.kind == "row":
        return Cut(x0, choice.value_mm, x1, choice.value_mm, choice.label, "x", x0)
    return Cut(choice.value_mm, y0, choice.value_mm, y1, choice.label, "y", y0)


def residue_bumps(design: Design, section: Section) -> list[tuple[float, float, float]]:
    """Residue on the sites a cross-section passes: (s of the centre, chord of the footprint, height) in mm.

    The footprint disc of each site's old solder cut by the section line at the site's offset (rework designs;
    the cross-section view's ``residue_provider``).
    """

    if design.rework is None:
        return []
    rt = residue_table(design)
    sites = rt.sites
    out: list[tuple[float, float, float]] = []
    for s in section.sites:
        if not sites.has(s.name):
            continue
        r = sites.index_of(s.name)
        h, d = float(rt.height_mm[r]), float(rt.footprint_mm[r])
        if not rt.residue[r] or not h > 0:
            continue
        half2 = (d / 2.0) ** 2 - float(s.offset) ** 2
        if half2 > 0:
            out.append((float(s.s), 2.0 * math.sqrt(half2), h))
    return out
