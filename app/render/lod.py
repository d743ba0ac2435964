"""One top-view layer at any zoom: a cached raster when zoomed out, vector outlines of what is visible when zoomed in.

A layer holds its shapes as numpy arrays (circles and crosses as :class:`~app.render.shape_arrays.Points`, merged
relief as a :class:`~geometry.derive.rings.RingSet`, a few fixed outlines as :class:`~app.render.paths.Polylines`), each
kind behind a uniform grid index (:mod:`app.render.grid_index`). A frame decides per layer, from how many shapes the
exposed rectangle holds and how many millimetres a pixel covers:

* **raster** when many shapes are in view (more than ``vector_max``, or more than ``vector_easy`` while a raster
  of at most ``RASTER_MAX`` pixels is still as sharp as the screen): one image over the whole layer at the
  power-of-two size the zoom needs, or tiles of a finer level (:mod:`app.render.raster_levels`);
* **vector** otherwise: one QPainterPath for every visible grid cell, or dots for shapes smaller than a few
  pixels (:mod:`app.render.vector_tiles`).

Caches are built by one background worker (:mod:`app.render.lod_worker`). Layers with fewer than ``raster_min``
shapes never use a raster. Nothing here loops over sites in Python.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.render.grid_index import SHAPES_PER_FINE_CELL, Grid
from app.render.lod_worker import SKIPPED, Jobs
from app.render.paths import Polylines
from app.render.raster_levels import RASTER_SIZES, TILED_MAX, RasterLevel, RasterLevels
from app.render.shape_arrays import Points, ring_index, ring_subset
from app.render.vector_tiles import VIEW_LEVEL, VectorTiles
from geometry.derive.rings import RingSet

__all__ = ["RASTER_SIZES", "LodLayer", "Points", "ring_subset"]

RASTER_MIN = 20_000  # layers with fewer shapes are always drawn as vectors
VECTOR_MAX = 20_000  # more shapes than this in view: raster, however blurred
VECTOR_EASY = 200  # more than this in view: raster (whole-layer levels, or sharp tiles when zoomed in)
FINE_GRID_BELOW = 8192  # shapes in view below which the fine grid is used
FINE_IN_PAINT_MAX = 400_000  # a layer of at most this many circles and rings builds its fine grids in a paint
OUTLIER_R = 4.0  # shapes with a radius this many times the layer's median are indexed apart (size_groups)


def same_content(a: object, b: object) -> bool:
    """Whether two layer contents (Points, RingSet, Polylines, lists of them, None) hold exactly the same shapes.

    Arrays compare by value (a strided sample first, so most changed arrays differ at once); NaN never matches,
    which only costs a rebuild.
    """
    if a is b:
        return True
    if a is None or b is None or type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        x, y = np.atleast_1d(a), np.atleast_1d(b)
        step = max(1, x.shape[0] // 64)
        return bool(a.shape == b.shape and a.dtype == b.dtype and np.array_equal(x[::step], y[::step])
                    and np.array_equal(x, y))
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same_content(x, y) for x, y in zip(a, b, strict=True))
    if dataclasses.is_dataclass(a):
        return all(same_content(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    return bool(a == b)


def size_groups(pts: Points) -> list[Points]:
    """The shapes in groups of about one size: the usual ones, and those over OUTLIER_R times the median radius
    by powers of OUTLIER_R (island findings range from a pixel to the whole array).

    A layer's grid widens every query by its largest shape: one island finding the size of the array made every
    frame draw all of a layer's findings, zoomed in or not (and count them all as in view). Each group gets its
    own grid; the same shapes are drawn.
    """
    r = pts.r
    if r.size < 2 or float(r.max()) <= OUTLIER_R * float(r.min()):
        return [pts]
    median = float(np.median(r))
    if median <= 0.0:
        return [pts]
    group = np.floor(np.log(np.maximum(r, median) / median) / math.log(OUTLIER_R)).astype(np.intp)
    if not group.any():
        return [pts]
    return [Points(pts.x[m], pts.y[m], r[m], pts.cross) for m in (group == g for g in np.unique(group))]


class LodLayer(pg.GraphicsObject):
    """A layer of the top view: raster at low zoom, per-cell vector paths when zoomed in (module docstring).

    Caches are built in the background: the first paint builds only what it needs (the raster level of that
    zoom), then one worker thread builds the fine grids and every other raster level, handing each to the GUI
    thread as it is ready (``caches_ready`` when none is left). Until a level is ready, a frame shows the nearest
    built one, scaled: a frame never waits for a raster.
    """

    caches_ready = QtCore.Signal()
    background = True  # False: build every cache in the paint that needs it (as before)

    def __init__(self, pen: QtGui.QPen, brush: QtGui.QBrush | None, z: float) -> None:
        super().__init__()
        self._jobs = Jobs(self._job_finished)
        self._pen = QtGui.QPen(pen)
        self._pen.setCosmetic(True)
        self._brush = brush if brush is not None else QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush)
        self.raster_min = RASTER_MIN
        self.vector_max = VECTOR_MAX
        self.vector_easy = VECTOR_EASY
        self.last_mode: str | None = None  # "raster", "vector" or "dots": what the last frame drew
        self._clear()
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setZValue(z)

    def _clear(self) -> None:
        self._jobs.reset()  # results of jobs started for earlier content are dropped
        self._started = False
        self._points: list[tuple[Points, Grid]] = []
        self._fine_points: list[Grid | None] = []
        self._fine_rings: Grid | None = None
        self._rings: tuple[RingSet, Grid] | None = None
        self._ring_bb = np.zeros((0, 4))
        self._static = QtGui.QPainterPath()
        self.rasters = RasterLevels(self._pen, self._brush, self._jobs, lambda: LodLayer.background)
        self._vectors = VectorTiles(self._pen, self._brush)
        self._count = 0
        self._feature_mm = 0.0
        self._bounds = QtCore.QRectF()
        self._content: tuple[object, ...] | None = None  # what set_content was given (kept to spot a repeat)

    # -- content ------------------------------------------------------------------------------------------------
    def set_content(self, points: list[Points] | None = None, rings: RingSet | None = None,
                    static: Polylines | None = None, raster_points: list[Points] | None = None,
                    raster_rings: RingSet | None = None) -> None:
        """Show new shapes. ``raster_points`` and ``raster_rings`` say how the raster draws the same area (by
        default: the points as discs, the rings by QPainter); e.g. merged relief is rasterised as the union of
        its discs, which is the same area.

        Content equal to the layer's current content keeps everything built for it (grids, raster levels, cell
        paths): an edit that changes one layer (a thickness moves only the lower outlines) rebuilds only that one.
        """
        content = (points or [], rings, static, raster_points, raster_rings)
        if same_content(content, self._content):
            return
        self.prepareGeometryChange()
        self._clear()
        self._content = content
        boxes = []
        for pts in [part for p in points or [] for part in size_groups(p)]:
            if pts.x.size:
                bb = pts.bboxes()
                self._points.append((pts, Grid(bb, by_centre=True)))
                self._fine_points.append(None)
                self._count += pts.shapes
                self._feature_mm = max(self._feature_mm, 2.0 * float(pts.r.max()))
                boxes.append(bb)
        if rings is not None and len(rings):
            bb, grid = ring_index(rings)
            self._rings = (rings, grid)
            self._ring_bb = bb
            self._count += len(rings)
            boxes.append(bb)
        if static is not None and len(static):
            self._static = static.to_path(odd_even=False)
            self._count += len(static)
            sb = self._static.boundingRect()
            boxes.append(np.array([[sb.left(), sb.top(), sb.right(), sb.bottom()]]))
        self.rasters.points = [p for p in (raster_points if raster_points is not None else
                                           [p for p, _ in self._points]) if p.x.size]
        if raster_rings is not None:
            self.rasters.rings = raster_rings
        elif rings is not None and raster_points is None:
            self.rasters.rings = rings
        if boxes:
            allb = np.concatenate(boxes)
            self._bounds = QtCore.QRectF(QtCore.QPointF(allb[:, 0].min(), allb[:, 1].min()),
                                         QtCore.QPointF(allb[:, 2].max(), allb[:, 3].max()))
            self.rasters.bounds = self._bounds
        self.update()

    @property
    def shape_count(self) -> int:
        """How many shapes (polylines) the layer holds."""
        return self._count

    @property
    def tiles(self) -> list[int]:
        """Non-empty grid cells of the layer's main shapes (a zoomed-in frame draws a few of them)."""
        if self._points:
            g = self._points[0][1]
        elif self._rings is not None:
            g = self._rings[1]
        else:
            return []
        return [k for k in range(g.nx * g.ny) if g.start[k + 1] > g.start[k]]

    @property
    def raster_sizes(self) -> list[int]:
        """Sides (pixels) of the rasters built so far."""
        return sorted(self.rasters.levels)

    def is_empty(self) -> bool:
        """Whether there is nothing to draw."""
        return self._count == 0

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    # -- level of detail ---------------------------------------------------------------------------------------
    def visible_count(self, rect: QtCore.QRectF) -> int:
        """About how many shapes lie in a rectangle (mm)."""
        n = sum(g.count_in(rect) * (2 if p.cross else 1) for p, g in self._points)
        n += self._rings[1].count_in(rect) if self._rings is not None else 0
        est = -1.0
        if n >= FINE_GRID_BELOW:
            est = sum(g.estimate_in(rect) * (2 if p.cross else 1) for p, g in self._points)
            est += self._rings[1].estimate_in(rect) if self._rings is not None else 0.0
            if est >= FINE_GRID_BELOW:
                return n
            # a view much smaller than the coarse cells it touches (a layer of a few thousand shapes has only a
            # few cells): their whole count says nothing, and drew every finding of a 3,600-site design per frame
        if ("grids",) in self._jobs or not self._fine_ready():  # fine grids not built yet: by density
            if est < 0:
                est = sum(g.estimate_in(rect) * (2 if p.cross else 1) for p, g in self._points)
                est += self._rings[1].estimate_in(rect) if self._rings is not None else 0.0
            return round(est)
        # few in view: count again on the fine grids (the coarse cells count up to 1024 shapes off-screen)
        n = sum(g.count_in(rect) * (2 if p.cross else 1)
                for (p, _), g in zip(self._points, self._fine_points, strict=True) if g is not None)
        return n + (self._fine_rings.count_in(rect) if self._fine_rings is not None else 0)

    def _fine_ready(self) -> bool:
        return all(g is not None for g in self._fine_points) and (self._rings is None or self._fine_rings is not None)

    def mode_for(self, rect: QtCore.QRectF, px_per_mm: float) -> str:
        """"raster" or "vector" for a view of ``rect`` at ``px_per_mm``."""
        if self._count < self.raster_min or not self.rasters.has_shapes():
            return "vector"
        vis = self.visible_count(rect)
        if vis > self.vector_max:
            return "raster"
        need = max(self._bounds.width(), self._bounds.height()) * px_per_mm
        return "raster" if vis > self.vector_easy and need <= TILED_MAX else "vector"

    def paint(self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionGraphicsItem, widget: object = None) -> None:
        if self._count == 0:
            return
        lod = QtWidgets.QStyleOptionGraphicsItem.levelOfDetailFromTransform(p.worldTransform())
        if lod <= 0 or not math.isfinite(lod):
            return
        exposed = option.exposedRect
        view = self.viewRect()  # QGraphicsView.render() exposes the whole item: keep to what the view shows
        if view is not None:
            exposed = exposed.intersected(view)
            if exposed.isEmpty():
                return
        mode = self.mode_for(exposed, lod)
        if mode == "raster":
            self.rasters.paint(p, exposed, lod)
        else:
            self.rasters.no_tiles()
            mode = self._paint_vector(p, exposed, lod)
        self._paint_static(p)
        self.last_mode = mode
        if not self._started:
            self._start_background()

    def raster_size(self, px_per_mm: float) -> int:
        """The power-of-two raster side that matches the screen at this zoom."""
        return self.rasters.size_for(px_per_mm)

    def raster_level(self, px_per_mm: float, wait: bool = True) -> RasterLevel:
        """The raster for this zoom (:meth:`RasterLevels.level`)."""
        return self.rasters.level(px_per_mm, wait)

    # -- background -------------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether background jobs for the current content are still running or queued."""
        return bool(self._jobs)

    def _job_finished(self, key: tuple[object, ...], result: Any) -> None:
        if isinstance(result, Exception):
            self.rasters.job_failed(key)
        elif result is not SKIPPED and key != ("grids",):
            self.update()  # a raster level: a sharper picture (the fine grids only tile the same shapes finer)
        if not self._jobs:
            self.rasters.prefetch()
        if not self._jobs:
            self.caches_ready.emit()

    def _start_background(self) -> None:
        """After the first paint: fine grids, then every other raster level (nearest to this zoom's first)."""
        if self._started or not LodLayer.background or self._count == 0:
            return
        self._started = True
        if self._points or self._rings is not None:
            self._jobs.submit(("grids",), self._grid_work(), self._grids_built, first=True)
        if self._count >= self.raster_min and self.rasters.has_shapes():
            self.rasters.start()

    def _grid_work(self) -> Callable[[], tuple[list[Grid], Grid | None]]:
        points, rings, ring_bb = list(self._points), self._rings, self._ring_bb

        def work() -> tuple[list[Grid], Grid | None]:
            fine = [Grid(p.bboxes(), by_centre=True, per_cell=SHAPES_PER_FINE_CELL) for p, _ in points]
            for g in fine + [g for _, g in points]:
                _ = g.members
            fine_rings = None
            if rings is not None:
                _ = rings[1].members
                fine_rings = Grid(ring_bb, by_centre=False, per_cell=SHAPES_PER_FINE_CELL)
                _ = fine_rings.members
            return fine, fine_rings

        return work

    def _grids_built(self, result: tuple[list[Grid], Grid | None]) -> None:
        fine, fine_rings = result
        for k, g in enumerate(fine):
            if self._fine_points[k] is None:
                self._fine_points[k] = g
        if self._fine_rings is None:
            self._fine_rings = fine_rings

    def _grids(self, exposed: QtCore.QRectF) -> tuple[str, list[tuple[Points, Grid]], Grid | None]:
        """The coarse or the fine grids, by how many shapes are in view."""
        entries = sum(int(p.x.size) for p, _ in self._points) + (len(self._rings[0]) if self._rings else 0)
        pending = ("grids",) in self._jobs and entries > FINE_IN_PAINT_MAX
        if self.visible_count(exposed) >= FINE_GRID_BELOW:
            return "c", self._points, self._rings[1] if self._rings is not None else None
        if pending:  # few in view, no fine grids yet: the shapes in view out of the coarse cells, drawn as they are
            return VIEW_LEVEL, self._in_view(exposed), self._rings[1] if self._rings is not None else None
        # few in view: the fine grids, built here if the background has not got to them yet (its queue may hold
        # seconds of raster levels; meanwhile every frame drew whole coarse cells, up to 1024 shapes each, mostly
        # off-screen: 270k path elements a frame for 25 findings in view; a fine grid of 170k shapes: ~30 ms once,
        # of a million ~0.3 s: those wait for the background)
        out = []
        for k, (pts, _) in enumerate(self._points):
            g = self._fine_points[k]
            if g is None:
                g = self._fine_points[k] = Grid(pts.bboxes(), by_centre=True, per_cell=SHAPES_PER_FINE_CELL)
            out.append((pts, g))
        if self._rings is not None and self._fine_rings is None:
            self._fine_rings = Grid(self._ring_bb, by_centre=False, per_cell=SHAPES_PER_FINE_CELL)
        return "f", out, self._fine_rings

    def _in_view(self, rect: QtCore.QRectF) -> list[tuple[Points, Grid]]:
        """The circles and crosses whose boxes meet ``rect``, taken from the coarse cells it touches, each set with
        a grid of its own (a few hundred shapes: cheaper drawn afresh than the 1024 of every coarse cell, which
        the frames drew, mostly off-screen, while a million shapes' fine grids were still being built)."""
        out = []
        for pts, grid in self._points:
            cells = grid.cells_in(rect)
            if not cells:
                continue
            idx = np.concatenate([grid.cell_members(c) for c in cells])
            x, y, r = pts.x[idx], pts.y[idx], pts.r[idx]
            meets = (x + r >= rect.left()) & (x - r <= rect.right()) & (y + r >= rect.top()) & (y - r <= rect.bottom())
            idx = idx[meets]
            if idx.size:
                sub = Points(pts.x[idx], pts.y[idx], pts.r[idx], pts.cross)
                out.append((sub, Grid(sub.bboxes(), by_centre=True, per_cell=SHAPES_PER_FINE_CELL)))
        return out

    # -- vector ---------------------------------------------------------------------------------------------------
    def _paint_static(self, p: QtGui.QPainter) -> None:
        if not self._static.isEmpty():
            p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
            p.setPen(self._pen)
            p.setBrush(self._brush)
            p.drawPath(self._static)

    def _paint_vector(self, p: QtGui.QPainter, exposed: QtCore.QRectF, lod: float) -> str:
        level, grids, ring_grid = self._grids(exposed)
        rings = None
        if self._rings is not None and ring_grid is not None:
            rings = (self._rings[0], self._ring_bb, ring_grid)
        reach = max(self._bounds.width(), self._bounds.height(), 1.0)
        return self._vectors.paint(p, exposed, lod, self._feature_mm, level, grids, rings, reach,
                                   ring_level="c" if level == VIEW_LEVEL else level)
