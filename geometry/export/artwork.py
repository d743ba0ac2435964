"""What goes on each layer, as exact geometry: circles (centre, radius) and rings with true arcs.

The artwork is computed once from the design and handed to every writer (DXF, Gerber, PDF), so the files a shop
gets cannot disagree with each other. Lengths in mm, in the design's coordinates, already mirrored where the
output settings ask for lower layers seen from the lower side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from geometry.derive.openings import opening_table
from geometry.derive.rings import RingSet
from geometry.derive.wafer_outline import reference_rings
from geometry.export import ringops
from geometry.export.layers import LayerSpec, Role, layer_table
from geometry.model.design import Design

FloatArray = NDArray[np.float64]


class ReliefLike(Protocol):
    """What the artwork needs of the lower relief (geometry.derive.relief.merged.Relief)."""

    @property
    def circle_x_mm(self) -> FloatArray: ...
    @property
    def circle_y_mm(self) -> FloatArray: ...
    @property
    def circle_r_mm(self) -> FloatArray: ...
    @property
    def circle_depth_mm(self) -> FloatArray: ...
    @property
    def rings(self) -> RingSet: ...
    @property
    def region_depth_mm(self) -> FloatArray: ...


@dataclass(frozen=True, eq=False)
class LayerArt:
    """The shapes of one layer: ``circles`` rows (x, y, r) in mm and ``rings`` (``n_regions`` regions)."""

    layer: LayerSpec
    circles: FloatArray
    rings: RingSet
    n_regions: int

    @property
    def circle_count(self) -> int:
        """Number of round outlines."""
        return int(self.circles.shape[0])

    def areas(self) -> tuple[float, float]:
        """(total area of the circles, total area of the regions) in mm^2."""
        circ = float(np.pi * np.sum(self.circles[:, 2] ** 2))
        reg = float(self.rings.region_areas(self.n_regions).sum()) if self.n_regions else 0.0
        return circ, reg

    def bounds(self) -> tuple[float, float, float, float] | None:
        """Bounding box of everything on the layer, or None when it is empty."""
        boxes = []
        if self.circle_count:
            c = self.circles
            boxes.append((float((c[:, 0] - c[:, 2]).min()), float((c[:, 1] - c[:, 2]).min()),
                          float((c[:, 0] + c[:, 2]).max()), float((c[:, 1] + c[:, 2]).max())))
        rb = ringops.bounds(self.rings)
        if rb is not None:
            boxes.append(rb)
        if not boxes:
            return None
        b = np.array(boxes)
        return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


@dataclass(frozen=True, eq=False)
class Artwork:
    """Every artwork layer of a design, in drawing order, with the mirror axis used for lower layers."""

    layers: tuple[LayerArt, ...]
    notes_layer: LayerSpec
    outline_rect: tuple[float, float, float, float]
    mirror_axis_x_mm: float

    def layer(self, name: str) -> LayerArt:
        """The layer called ``name``; KeyError when there is none."""
        for la in self.layers:
            if la.layer.name == name:
                return la
        raise KeyError(name)

    @property
    def specs(self) -> tuple[LayerSpec, ...]:
        """The layer table: artwork layers then the notes layer."""
        return (*(la.layer for la in self.layers), self.notes_layer)

    def bounds(self) -> tuple[float, float, float, float]:
        """Extents of all artwork (at least the outline)."""
        boxes = [box for la in self.layers if (box := la.bounds()) is not None]
        boxes.append(self.outline_rect)
        arr = np.array(boxes)
        return float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 2].max()), float(arr[:, 3].max())


def _circles(x: FloatArray, y: FloatArray, r: FloatArray) -> FloatArray:
    out = np.column_stack([np.asarray(x, np.float64), np.asarray(y, np.float64), np.asarray(r, np.float64)])
    return out.reshape(-1, 3)


def design_relief(design: Design) -> ReliefLike:
    """The design's lower relief (geometry.derive.relief.merged, imported late so the exporters load without it)."""
    from geometry.derive.relief.merged import lower_relief  # type: ignore[import-not-found,unused-ignore]

    relief: ReliefLike = lower_relief(design)
    return relief


def build_artwork(design: Design, relief: ReliefLike | None = None) -> Artwork:
    """The artwork of every layer. ``relief`` defaults to the design's computed lower relief."""
    if relief is None:
        relief = design_relief(design)
    out = design.output
    table = opening_table(design)
    rect = design.outline_rect()
    axis = (rect[0] + rect[2]) / 2.0
    fids = design.mask.fiducials
    depth_c = np.round(np.asarray(relief.circle_depth_mm, np.float64), 6)
    depth_r = np.round(np.asarray(relief.region_depth_mm, np.float64), 6)
    reference = reference_rings(design)
    specs = layer_table(out, np.concatenate([depth_c, depth_r]).tolist(), [str(f.etch) for f in fids],
                        design.mask.thickness_mm, wafer=reference is not None,
                        material=design.mask.material)

    arts: list[LayerArt] = []
    for spec in specs:
        if spec.role == Role.OUTLINE:
            arts.append(LayerArt(spec, np.zeros((0, 3)), ringops.rectangle(*rect), 1))
        elif spec.role == Role.WAFER and reference is not None:
            arts.append(LayerArt(spec, np.zeros((0, 3)), reference, len(reference)))
        elif spec.role == Role.UPPER:
            rows = table.rows
            s = table.sites
            arts.append(LayerArt(spec, _circles(s.x_mm[rows], s.y_mm[rows], table.upper_mm[rows] / 2.0),
                                 RingSet.empty(), 0))
        elif spec.role == Role.LOWER:
            d = round(float(spec.depth_mm or 0.0), 6)
            cm = depth_c == d
            circles = _circles(np.asarray(relief.circle_x_mm)[cm], np.asarray(relief.circle_y_mm)[cm],
                               np.asarray(relief.circle_r_mm)[cm])
            rm = depth_r == d
            rings = ringops.select_regions(relief.rings, rm)
            if spec.mirrored:
                circles = circles.copy()
                circles[:, 0] = 2.0 * axis - circles[:, 0]
                rings = ringops.mirror_x(rings, axis)
            arts.append(LayerArt(spec, circles, rings, int(rm.sum())))
        elif spec.role == Role.FIDUCIAL:
            mine = [f for f in fids if spec.name == _fid_layer_name(specs, str(f.etch))]
            arts.append(LayerArt(spec, _circles(np.array([f.x_mm for f in mine]), np.array([f.y_mm for f in mine]),
                                                np.array([f.diameter_mm / 2.0 for f in mine])),
                                 RingSet.empty(), 0))
    notes = next(s for s in specs if s.role == Role.NOTES)
    from geometry.export.features import feature_layers, frame_layer  # it builds on LayerArt

    arts += feature_layers(design, axis)
    art = Artwork(tuple(arts), notes, rect, axis)
    if out.artwork_scale_ppm is not None:
        art = _scaled(art, 1.0 + out.artwork_scale_ppm * 1e-6)
    frame = frame_layer(design)  # a reference: never scaled with the photo tools
    return art if frame is None else Artwork((*art.layers, frame), notes, art.outline_rect, axis)


def _scaled(art: Artwork, k: float) -> Artwork:
    """The artwork scaled by ``k`` about the outline centre (thermal compensation, docs/checks.md).

    Every length scales (positions, radii, the outline), as a photo tool printed at that scale would; bulges
    are unchanged by a uniform scale, so arcs stay exact.
    """
    x0, y0, x1, y1 = art.outline_rect
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    centre = np.array([cx, cy])
    layers = []
    for la in art.layers:
        c = la.circles.copy()
        c[:, 0:2] = centre + (c[:, 0:2] - centre) * k
        c[:, 2] *= k
        r = la.rings
        rings = RingSet(centre + (r.xy - centre) * k, r.bulge, r.start, r.region, r.hole)
        layers.append(LayerArt(la.layer, c, rings, la.n_regions))
    rect = (cx + (x0 - cx) * k, cy + (y0 - cy) * k, cx + (x1 - cx) * k, cy + (y1 - cy) * k)
    return Artwork(tuple(layers), art.notes_layer, rect, art.mirror_axis_x_mm)


def _fid_layer_name(specs: tuple[LayerSpec, ...], etch: str) -> str:
    fid = [s for s in specs if s.role == Role.FIDUCIAL]
    if len(fid) == 1:
        return fid[0].name
    through = etch == "through"
    return next(s.name for s in fid if (s.depth_mm is None) == through)
