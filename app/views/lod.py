"""One top-view layer at any zoom: a cached raster when zoomed out, vector outlines of what is visible when zoomed in.

A layer holds its shapes as numpy arrays (circles and crosses as centres and radii, merged relief as a
:class:`~geometry.rings.RingSet`, a few fixed outlines as :class:`~app.views.paths.Polylines`), each kind behind a
uniform grid index. A frame decides per layer, from how many shapes the exposed rectangle holds and how many
millimetres a pixel covers:

* **raster** when many shapes are in view (more than ``vector_max``, or more than ``vector_easy`` while a raster
  of at most ``RASTER_MAX`` pixels is still as sharp as the screen): one image over the whole layer, rasterised by
  :mod:`app.views.raster` at the power-of-two size the zoom needs, built on first use and kept until the content
  changes;
* **vector** otherwise: for every visible grid cell one QPainterPath (circles as polygons, coarse or fine by their
  size on screen; relief rings densified at a chord tolerance of a fraction of a pixel; outer rings run
  counter-clockwise and holes clockwise, so the non-zero rule fills overlapping regions of different depths once
  and still clears every metal island), built on first use and kept in a bounded cache. Shapes smaller than a
  few pixels are dots.

Layers with fewer than ``raster_min`` shapes never use a raster. Nothing here loops over sites in Python.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6 import QtCore, QtGui, QtWidgets

from app.views import paths, raster
from app.views.paths import Polylines
from geometry.rings import RingSet

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

RASTER_MIN = 20_000  # layers with fewer shapes are always drawn as vectors
VECTOR_MAX = 20_000  # more shapes than this in view: raster, however blurred
VECTOR_EASY = 200  # more than this in view: raster (whole-layer levels, or sharp tiles when zoomed in)
RASTER_MAX = 4096  # largest raster side, pixels
RASTER_MIN_PX = 512  # smallest raster side, pixels
TILED_MAX = 1 << 18  # finer levels than RASTER_MAX are tiled, up to this side (pixels)
TILE_PX = 1024  # tile side of the tiled levels
CACHE_TILES = 48  # tiles kept per layer (4 MB each)
SHARP_ENOUGH = 1.25  # a raster magnified at most this much counts as sharp
SHAPES_PER_CELL = 1024  # the coarse grid, for views of many shapes
SHAPES_PER_FINE_CELL = 64  # the fine grid, for views of a few (a path per cell then holds little off-screen)
FINE_GRID_BELOW = 8192  # shapes in view below which the fine grid is used
CACHE_PATHS = 768  # cell paths kept per layer
POINTS_BELOW_PX = 4.0
COARSE_BELOW_PX = 14.0
CHORD_PX = 0.3  # ring densification: chord error in pixels


class Grid:
    """Items in a uniform grid of cells: the members of each cell (CSR) and a summed-area table of counts.

    Items are placed by their centre (``by_centre``: circles, whose query is widened by ``margin``) or in every
    cell their bounding box touches (rings, drawn clipped to the cell).
    """

    def __init__(self, bb: FloatArray, by_centre: bool, per_cell: int = SHAPES_PER_CELL) -> None:
        n = bb.shape[0]
        self.n = n
        if by_centre:
            cx, cy = (bb[:, 0] + bb[:, 2]) / 2.0, (bb[:, 1] + bb[:, 3]) / 2.0
            self.margin = float(np.max(np.maximum(bb[:, 2] - bb[:, 0], bb[:, 3] - bb[:, 1]))) / 2.0 if n else 0.0
            lo_x, lo_y, hi_x, hi_y = cx, cy, cx, cy
        else:
            self.margin = 0.0
            lo_x, lo_y, hi_x, hi_y = bb[:, 0], bb[:, 1], bb[:, 2], bb[:, 3]
        x0, y0 = (float(lo_x.min()), float(lo_y.min())) if n else (0.0, 0.0)
        x1, y1 = (float(hi_x.max()), float(hi_y.max())) if n else (1.0, 1.0)
        w, h = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
        cells = max(1.0, n / per_cell)
        self.nx = max(1, min(256, round(math.sqrt(cells * w / h))))
        self.ny = max(1, min(256, round(cells / self.nx)))
        self.x0, self.y0, self.cw, self.ch = x0, y0, w / self.nx, h / self.ny
        self.extent = (x0, y0, x1, y1)
        ix0, iy0 = self._ix(lo_x), self._iy(lo_y)
        if by_centre:
            item, key = np.arange(n, dtype=np.intp), iy0 * self.nx + ix0
        else:
            ix1, iy1 = self._ix(hi_x), self._iy(hi_y)
            span_x, span_y = ix1 - ix0 + 1, iy1 - iy0 + 1
            reps = span_x * span_y
            item = np.repeat(np.arange(n, dtype=np.intp), reps)
            local = np.arange(item.size, dtype=np.intp) - np.repeat(np.cumsum(reps) - reps, reps)
            kx = ix0[item] + local % span_x[item]
            ky = iy0[item] + local // span_x[item]
            key = ky * self.nx + kx
        self._item, self._key = item, key
        self._members: IntArray | None = None
        counts = np.bincount(key, minlength=self.nx * self.ny)
        self.start = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp)
        # for "how many in view", count each item once: in its first cell
        first = np.bincount(iy0 * self.nx + ix0, minlength=self.nx * self.ny).reshape(self.ny, self.nx)
        self._sat = np.zeros((self.ny + 1, self.nx + 1), dtype=np.int64)
        self._sat[1:, 1:] = first.cumsum(0).cumsum(1)
        self.nonempty = int(np.count_nonzero(counts))

    @property
    def members(self) -> IntArray:
        """Items sorted by cell (cell k's are ``members[start[k]:start[k + 1]]``); sorted on first use.

        Safe to call from the background builder and the GUI thread at once (both would compute the same array).
        """
        members = self._members
        if members is None:
            key = self._key.astype(np.uint16) if self.nx * self.ny <= 65536 else self._key
            order = np.argsort(key, kind="stable")  # a radix sort for 16-bit keys: ~10 ms for a million items
            members = self._members = self._item[order]
        return members

    def _ix(self, x: FloatArray) -> IntArray:
        return np.clip(np.floor((x - self.x0) / self.cw), 0, self.nx - 1).astype(np.intp)

    def _iy(self, y: FloatArray) -> IntArray:
        return np.clip(np.floor((y - self.y0) / self.ch), 0, self.ny - 1).astype(np.intp)

    def _range(self, rect: QtCore.QRectF) -> tuple[int, int, int, int] | None:
        m = self.margin
        ex0, ey0, ex1, ey1 = self.extent
        a, b = rect.left() - m, rect.right() + m
        c, d = rect.top() - m, rect.bottom() + m
        if self.n == 0 or b < ex0 - self.cw or a > ex1 + self.cw or d < ey0 - self.ch or c > ey1 + self.ch:
            return None
        ix = self._ix(np.array([a, b]))
        iy = self._iy(np.array([c, d]))
        return int(ix[0]), int(ix[1]), int(iy[0]), int(iy[1])

    def count_in(self, rect: QtCore.QRectF) -> int:
        """About how many items lie in the rectangle (whole cells counted)."""
        r = self._range(rect)
        if r is None:
            return 0
        ix0, ix1, iy0, iy1 = r
        s = self._sat
        return int(s[iy1 + 1, ix1 + 1] - s[iy0, ix1 + 1] - s[iy1 + 1, ix0] + s[iy0, ix0])

    def estimate_in(self, rect: QtCore.QRectF) -> float:
        """How many items lie in the rectangle, assuming each whole cell it touches is evenly filled."""
        r = self._range(rect)
        if r is None:
            return 0.0
        ix0, ix1, iy0, iy1 = r
        cells = (ix1 - ix0 + 1) * self.cw * (iy1 - iy0 + 1) * self.ch
        m = 2.0 * self.margin
        return self.count_in(rect) * min(1.0, (rect.width() + m) * (rect.height() + m) / max(cells, 1e-12))

    def cells_in(self, rect: QtCore.QRectF) -> list[int]:
        """Non-empty cells touching the rectangle."""
        r = self._range(rect)
        if r is None:
            return []
        ix0, ix1, iy0, iy1 = r
        keys = (np.arange(iy0, iy1 + 1)[:, None] * self.nx + np.arange(ix0, ix1 + 1)[None, :]).ravel()
        return [int(k) for k in keys[self.start[keys + 1] > self.start[keys]].tolist()]

    def cell_members(self, cell: int) -> IntArray:
        """Items of one cell."""
        return self.members[self.start[cell]:self.start[cell + 1]]

    def clip_rect(self, cell: int, reach: float) -> QtCore.QRectF:
        """The cell's rectangle; border cells reach out by ``reach`` so nothing at the edge is cut off."""
        ky, kx = divmod(cell, self.nx)
        a = self.x0 + kx * self.cw if kx > 0 else self.x0 - reach
        b = self.x0 + (kx + 1) * self.cw if kx < self.nx - 1 else self.x0 + self.nx * self.cw + reach
        c = self.y0 + ky * self.ch if ky > 0 else self.y0 - reach
        d = self.y0 + (ky + 1) * self.ch if ky < self.ny - 1 else self.y0 + self.ny * self.ch + reach
        return QtCore.QRectF(QtCore.QPointF(a, c), QtCore.QPointF(b, d))


@dataclass(frozen=True, eq=False)
class Points:
    """Circles (``cross=False``) or x-crosses (half-size ``r``) at centres; ``r`` broadcast to the centres."""

    x: FloatArray
    y: FloatArray
    r: FloatArray
    cross: bool = False

    @staticmethod
    def of(x: FloatArray, y: FloatArray, r: FloatArray | float, cross: bool = False) -> Points:
        """Copies as contiguous float arrays."""
        xa = np.ascontiguousarray(x, dtype=np.float64)
        return Points(xa, np.ascontiguousarray(y, dtype=np.float64),
                      np.ascontiguousarray(np.broadcast_to(np.asarray(r, dtype=np.float64), xa.shape)), cross)

    @property
    def shapes(self) -> int:
        """Polylines this stands for (a cross is two strokes)."""
        return self.x.size * (2 if self.cross else 1)

    def bboxes(self) -> FloatArray:
        """(N, 4) bounding boxes."""
        return np.column_stack([self.x - self.r, self.y - self.r, self.x + self.r, self.y + self.r])

    def polylines(self, idx: IntArray, segments: int) -> Polylines:
        """The shapes ``idx`` as polylines."""
        if self.cross:
            return paths.crosses(self.x[idx], self.y[idx], float(self.r[0]) if self.r.size else 0.0)
        return paths.circles(self.x[idx], self.y[idx], self.r[idx], segments)


def ring_bboxes(rs: RingSet) -> FloatArray:
    """(R, 4) bounding boxes of the rings, arcs included (vertex box widened by the largest sagitta)."""
    if len(rs) == 0:
        return np.zeros((0, 4))
    nxt = np.arange(1, rs.bulge.size + 1, dtype=np.intp)
    nxt[rs.start[1:] - 1] = rs.start[:-1]
    chord = np.hypot(*(rs.xy[nxt] - rs.xy).T)
    sag = np.abs(rs.bulge) * chord / 2.0
    s = rs.start[:-1]
    pad = np.maximum.reduceat(sag, s)
    return np.column_stack([np.minimum.reduceat(rs.xy[:, 0], s) - pad, np.minimum.reduceat(rs.xy[:, 1], s) - pad,
                            np.maximum.reduceat(rs.xy[:, 0], s) + pad, np.maximum.reduceat(rs.xy[:, 1], s) + pad])


def ring_subset(rs: RingSet, rings: IntArray) -> RingSet:
    """The rings with these indices (vertices copied in one gather)."""
    rings = np.asarray(rings, dtype=np.intp)
    lengths = rs.start[rings + 1] - rs.start[rings]  # not np.diff over every ring: this runs per tile
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
    idx = np.repeat(rs.start[:-1][rings] - offsets[:-1], lengths) + np.arange(offsets[-1])
    return RingSet(rs.xy[idx], rs.bulge[idx], offsets, rs.region[rings], rs.hole[rings])


def _tile_index(index: list[Any], points: list[Points], rings: RingSet) -> tuple[list[Grid], FloatArray]:
    """Grids of a layer's raster points and its raster rings' boxes, built into ``index`` on first use (the
    worker thread runs jobs one at a time)."""
    if not index:
        grids = [Grid(p.bboxes(), by_centre=True) for p in points]
        for g in grids:
            _ = g.members
        index.append((grids, ring_bboxes(rings) if len(rings) else np.zeros((0, 4))))
    return index[0]  # type: ignore[no-any-return]


_SKIPPED = object()  # the result of a background job dropped because it was no longer wanted


def _colour(c: QtGui.QColor) -> tuple[int, int, int, int]:
    return (c.red(), c.green(), c.blue(), c.alpha())


@dataclass
class RasterLevel:
    """One built raster: its image, the pixels the image shares, and where it lies."""

    image: QtGui.QImage
    pixels: NDArray[np.uint32]
    frame: raster.Frame

    def rect(self) -> QtCore.QRectF:
        """The area covered, mm."""
        f = self.frame
        return QtCore.QRectF(f.x0, f.y0, f.width * f.mm_per_px, f.height * f.mm_per_px)


RASTER_SIZES = tuple(2 ** k for k in range(int(math.log2(RASTER_MIN_PX)), int(math.log2(RASTER_MAX)) + 1))

_POOL: list[ThreadPoolExecutor] = []


def _pool() -> ThreadPoolExecutor:
    """The one background worker of all layers (numpy work; the GUI thread keeps the other core)."""
    if not _POOL:
        # hand the GIL back to the GUI thread within 1 ms (default 5 ms: a paint waiting on the worker several
        # times would lose a frame)
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
        _POOL.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="lod-cache"))
    return _POOL[0]


class _Relay(QtCore.QObject):
    """Hands a background result to the GUI thread: it lives there, so the connection is queued."""

    done = QtCore.Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.done.connect(self._deliver, QtCore.Qt.ConnectionType.QueuedConnection)

    @QtCore.Slot(object)
    def _deliver(self, apply: Callable[[], None]) -> None:
        with contextlib.suppress(RuntimeError):  # the layer was deleted while its job ran
            apply()


def build_raster(frame: raster.Frame, table: NDArray[np.uint32], pen: QtGui.QPen, brush: QtGui.QBrush,
                 points: list[Points], rings: RingSet) -> RasterLevel:
    """A layer's raster over a frame (the whole layer, or one tile of a fine level): numpy discs, then QPainter
    for what numpy leaves out. Any thread."""
    dist = np.full((frame.height, frame.width), raster.LUT_FROM - 1.0, dtype=np.float32)
    big: list[Points] = []
    for pts in points:
        np.maximum(dist, raster.signed_distance(frame, pts.x, pts.y, pts.r), out=dist)
        large = raster.big_discs(frame, pts.r)
        if large.any():
            big.append(Points.of(pts.x[large], pts.y[large], pts.r[large], pts.cross))
    raster.pause_for_gui()
    pixels = np.ascontiguousarray(raster.colourise(dist, table))
    del dist
    image = raster.to_qimage(pixels)
    if big or len(rings):
        # shapes the numpy rasteriser leaves out (channel regions, very large discs); QPainter on a QImage is
        # fine off the GUI thread
        qp = QtGui.QPainter(image)  # type: ignore[arg-type]
        qp.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        qp.scale(1.0 / frame.mm_per_px, 1.0 / frame.mm_per_px)
        qp.translate(-frame.x0, -frame.y0)
        qp.setPen(pen)
        qp.setBrush(brush)
        for pts in big:
            qp.drawPath(pts.polylines(np.arange(pts.x.size), paths.FINE_SEGMENTS).to_path(odd_even=False))
        if len(rings):
            tol = max(frame.mm_per_px * CHORD_PX, 1e-5)
            qp.drawPath(paths.rings(rings, tol, 30.0).to_path(odd_even=False))
        qp.end()
    return RasterLevel(image, pixels, frame)  # type: ignore[arg-type]


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
        self._relay = _Relay()
        self._generation = 0
        self._jobs: set[tuple[object, ...]] = set()
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
        self._generation += 1  # results of jobs started for earlier content are dropped
        self._jobs = set()
        self._started = False
        self._failed: set[int] = set()
        self._points: list[tuple[Points, Grid]] = []
        self._fine_points: list[Grid | None] = []
        self._fine_rings: Grid | None = None
        self._rings: tuple[RingSet, Grid] | None = None
        self._ring_bb = np.zeros((0, 4))
        self._static = QtGui.QPainterPath()
        self._raster_points: list[Points] = []
        self._raster_rings = RingSet.empty()
        self._rasters: dict[int, RasterLevel] = {}
        self._tiles: OrderedDict[tuple[int, int, int], RasterLevel] = OrderedDict()
        self._tile_index: list[Any] = []  # filled by the first tile job: grids of the raster points, ring boxes
        self._wanted: frozenset[tuple[int, int, int]] = frozenset()  # tiles in (or around) the current view
        self._view_tiles: tuple[int, int, int, int, int] | None = None  # size, i0, i1, j0, j1 of the last frame
        self._table: NDArray[np.uint32] | None = None
        self._cache: OrderedDict[tuple[object, ...], QtGui.QPainterPath | QtGui.QPolygonF] = OrderedDict()
        self._count = 0
        self._feature_mm = 0.0
        self._bounds = QtCore.QRectF()

    # -- content ------------------------------------------------------------------------------------------------
    def set_content(self, points: list[Points] | None = None, rings: RingSet | None = None,
                    static: Polylines | None = None, raster_points: list[Points] | None = None,
                    raster_rings: RingSet | None = None) -> None:
        """Show new shapes. ``raster_points`` and ``raster_rings`` say how the raster draws the same area (by
        default: the points as discs, the rings by QPainter); e.g. merged relief is rasterised as the union of
        its discs, which is the same area."""
        self.prepareGeometryChange()
        self._clear()
        boxes = []
        for pts in points or []:
            if pts.x.size:
                bb = pts.bboxes()
                self._points.append((pts, Grid(bb, by_centre=True)))
                self._fine_points.append(None)
                self._count += pts.shapes
                self._feature_mm = max(self._feature_mm, 2.0 * float(pts.r.max()))
                boxes.append(bb)
        if rings is not None and len(rings):
            bb = ring_bboxes(rings)
            self._rings = (rings, Grid(bb, by_centre=False))
            self._ring_bb = bb
            self._count += len(rings)
            boxes.append(bb)
        if static is not None and len(static):
            self._static = static.to_path(odd_even=False)
            self._count += len(static)
            sb = self._static.boundingRect()
            boxes.append(np.array([[sb.left(), sb.top(), sb.right(), sb.bottom()]]))
        self._raster_points = [p for p in (raster_points if raster_points is not None else
                                           [p for p, _ in self._points]) if p.x.size]
        if raster_rings is not None:
            self._raster_rings = raster_rings
        elif rings is not None and raster_points is None:
            self._raster_rings = rings
        if boxes:
            allb = np.concatenate(boxes)
            self._bounds = QtCore.QRectF(QtCore.QPointF(allb[:, 0].min(), allb[:, 1].min()),
                                         QtCore.QPointF(allb[:, 2].max(), allb[:, 3].max()))
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
        return sorted(self._rasters)

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
        if n >= FINE_GRID_BELOW:
            return n
        if ("grids",) in self._jobs or not self._fine_ready():  # fine grids not built yet: by density
            n = sum(g.estimate_in(rect) * (2 if p.cross else 1) for p, g in self._points)
            return round(n + (self._rings[1].estimate_in(rect) if self._rings is not None else 0))
        # few in view: count again on the fine grids (the coarse cells count up to 1024 shapes off-screen)
        n = sum(g.count_in(rect) * (2 if p.cross else 1)  # type: ignore[union-attr]
                for (p, _), g in zip(self._points, self._fine_points, strict=True))
        return n + (self._fine_rings.count_in(rect) if self._fine_rings is not None else 0)

    def _fine_ready(self) -> bool:
        return all(g is not None for g in self._fine_points) and (self._rings is None or self._fine_rings is not None)

    def mode_for(self, rect: QtCore.QRectF, px_per_mm: float) -> str:
        """"raster" or "vector" for a view of ``rect`` at ``px_per_mm``."""
        if self._count < self.raster_min or not (self._raster_points or len(self._raster_rings)):
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
            self._paint_raster(p, exposed, lod)
        else:
            self._view_tiles, self._wanted = None, frozenset()
            mode = self._paint_vector(p, exposed, lod)
        self.last_mode = mode
        if not self._started:
            self._start_background()

    # -- background -------------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether background jobs for the current content are still running or queued."""
        return bool(self._jobs)

    def _submit(self, key: tuple[object, ...], work: Callable[[], Any], apply: Callable[[Any], None],
                still_wanted: Callable[[], bool] | None = None) -> None:
        """Run ``work`` on the worker thread, then ``apply`` its result on the GUI thread (current content only).
        A job whose ``still_wanted`` is false when its turn comes (a tile the view has moved away from) is dropped."""
        if key in self._jobs:
            return
        gen, relay = self._generation, self._relay
        self._jobs.add(key)

        def run() -> None:
            if gen != self._generation:
                return
            try:
                raster.pause_for_gui()
                result = work() if still_wanted is None or still_wanted() else _SKIPPED
            except Exception as e:  # the GUI thread notes the failure (_finish)
                result = e
            with contextlib.suppress(RuntimeError):  # the relay is gone with its view
                relay.done.emit(lambda: self._finish(gen, key, apply, result))

        _pool().submit(run)

    def _finish(self, gen: int, key: tuple[object, ...], apply: Callable[[Any], None], result: Any) -> None:
        if gen != self._generation:
            return
        self._jobs.discard(key)
        if isinstance(result, Exception):
            if key[0] == "raster":
                self._failed.add(int(key[1]))  # type: ignore[call-overload]
        elif result is not _SKIPPED:
            apply(result)
            self.update()
        if not self._jobs:
            self._prefetch()
        if not self._jobs:
            self.caches_ready.emit()

    def _start_background(self) -> None:
        """After the first paint: fine grids, then every other raster level (nearest to this zoom's first)."""
        if self._started or not LodLayer.background or self._count == 0:
            return
        self._started = True
        if self._points or self._rings is not None:
            self._submit(("grids",), self._grid_work(), self._grids_built)
        if self._can_raster():
            cur = max(self._rasters) if self._rasters else RASTER_SIZES[0]
            for size in sorted(RASTER_SIZES, key=lambda s: (abs(math.log2(s / cur)), -s)):
                self._want_raster(size)
            # the index tile jobs read their shapes from, so the first zoom past 4096 px does not wait for it
            index, points, rings = self._tile_index, list(self._raster_points), self._raster_rings
            self._submit(("tile-index",), lambda: _tile_index(index, points, rings), lambda _: None)

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

    def _can_raster(self) -> bool:
        return self._count >= self.raster_min and bool(self._raster_points or len(self._raster_rings))

    def _raster_work(self, size: int, tile: tuple[int, int] | None = None) -> Callable[[], RasterLevel]:
        b = self._bounds
        bounds = (b.left(), b.top(), b.right(), b.bottom())
        if self._table is None:
            filled = self._brush.style() != QtCore.Qt.BrushStyle.NoBrush
            self._table = raster.colour_table(_colour(self._pen.color()),
                                              _colour(self._brush.color()) if filled else None,
                                              max(1.0, self._pen.widthF()))
        table = self._table
        pen, brush = QtGui.QPen(self._pen), QtGui.QBrush(self._brush)
        points, rings = list(self._raster_points), self._raster_rings
        if tile is None:
            return lambda: build_raster(raster.Frame.covering(*bounds, size), table, pen, brush, points, rings)

        index = self._tile_index

        def work() -> RasterLevel:
            grids, ring_bb = _tile_index(index, points, rings)
            f = self.tile_frame(size, tile, bounds)
            x0, y0 = f.x0 - 2 * f.mm_per_px, f.y0 - 2 * f.mm_per_px
            x1, y1 = f.x0 + (f.width + 2) * f.mm_per_px, f.y0 + (f.height + 2) * f.mm_per_px
            area = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
            mine = []
            for pts, grid in zip(points, grids, strict=True):
                cells = grid.cells_in(area)
                if not cells:
                    continue
                idx = np.concatenate([grid.cell_members(c) for c in cells])
                px, py, pr = pts.x[idx], pts.y[idx], pts.r[idx]
                m = (px + pr > x0) & (px - pr < x1) & (py + pr > y0) & (py - pr < y1)
                if m.any():
                    mine.append(Points(px[m], py[m], pr[m], pts.cross))
            sub = RingSet.empty()
            if len(rings):
                keep = np.flatnonzero((ring_bb[:, 2] > x0) & (ring_bb[:, 0] < x1) & (ring_bb[:, 3] > y0)
                                      & (ring_bb[:, 1] < y1))
                if keep.size:
                    sub = ring_subset(rings, keep)
            return build_raster(f, table, pen, brush, mine, sub)

        return work

    @staticmethod
    def tile_frame(size: int, tile: tuple[int, int], bounds: tuple[float, float, float, float]) -> raster.Frame:
        """Tile (i, j) of the fine level ``size``: TILE_PX pixels square (less at the far edges)."""
        whole = raster.Frame.covering(*bounds, size)
        i, j = tile
        w = min(TILE_PX, whole.width - i * TILE_PX)
        h = min(TILE_PX, whole.height - j * TILE_PX)
        s = whole.mm_per_px
        return raster.Frame(whole.x0 + i * TILE_PX * s, whole.y0 + j * TILE_PX * s, s, w, h)

    def _want_raster(self, size: int) -> None:
        if size not in self._rasters and size not in self._failed:
            self._submit(("raster", size), self._raster_work(size),
                         lambda level, size=size: self._rasters.__setitem__(size, level))

    # -- raster ---------------------------------------------------------------------------------------------------
    def raster_size(self, px_per_mm: float) -> int:
        """The power-of-two raster side that matches the screen at this zoom."""
        need = max(self._bounds.width(), self._bounds.height()) * px_per_mm
        return int(min(RASTER_MAX, max(RASTER_MIN_PX, 2 ** math.ceil(math.log2(max(need, 1.0))))))

    def raster_level(self, px_per_mm: float, wait: bool = True) -> RasterLevel:
        """The raster for this zoom. Built now if no level is built yet (or ``wait``); otherwise, while the
        background builds it, the nearest built level (a larger one first)."""
        size = self.raster_size(px_per_mm)
        level = self._rasters.get(size)
        if level is not None:
            return level
        if self._rasters and not wait and LodLayer.background and size not in self._failed:
            self._want_raster(size)
            best = min(self._rasters, key=lambda s: (abs(math.log2(s / size)), -s))
            return self._rasters[best]
        level = self._rasters[size] = self._raster_work(size)()
        return level

    def _paint_raster(self, p: QtGui.QPainter, exposed: QtCore.QRectF, lod: float) -> None:
        p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
        need = max(self._bounds.width(), self._bounds.height()) * lod
        if need <= RASTER_MAX * SHARP_ENOUGH:
            self._view_tiles, self._wanted = None, frozenset()  # no tiles wanted (queued ones are dropped)
            self._draw_level(p, self.raster_level(lod, wait=False), exposed)
        else:
            self._paint_tiles(p, exposed, int(min(TILED_MAX, 2 ** round(math.log2(need)))))
        self._paint_static(p, lod)

    @staticmethod
    def _draw_level(p: QtGui.QPainter, level: RasterLevel, exposed: QtCore.QRectF) -> None:
        area = level.rect().intersected(exposed)
        if area.isEmpty():
            return
        f = level.frame
        src = QtCore.QRectF((area.left() - f.x0) / f.mm_per_px, (area.top() - f.y0) / f.mm_per_px,
                            area.width() / f.mm_per_px, area.height() / f.mm_per_px)
        p.drawImage(area, level.image, src)

    def _paint_tiles(self, p: QtGui.QPainter, exposed: QtCore.QRectF, size: int) -> None:
        """A fine level, tile by tile; a tile not built yet is asked of the background and drawn meanwhile from
        the finest whole-layer raster (built in the first paint if none is)."""
        b = self._bounds
        bounds = (b.left(), b.top(), b.right(), b.bottom())
        whole = raster.Frame.covering(*bounds, size)
        s = whole.mm_per_px * TILE_PX
        nx, ny = math.ceil(whole.width / TILE_PX), math.ceil(whole.height / TILE_PX)
        i0 = max(0, math.floor((exposed.left() - whole.x0) / s))
        i1 = min(nx - 1, math.floor((exposed.right() - whole.x0) / s))
        j0 = max(0, math.floor((exposed.top() - whole.y0) / s))
        j1 = min(ny - 1, math.floor((exposed.bottom() - whole.y0) / s))
        if self._view_tiles != (size, i0, i1, j0, j1):
            self._view_tiles = (size, i0, i1, j0, j1)
            self._wanted = frozenset(self._around(size, i0, i1, j0, j1, nx, ny))
        fallback: RasterLevel | None = None
        for j in range(j0, j1 + 1):
            for i in range(i0, i1 + 1):
                key = (size, i, j)
                level = self._tiles.get(key)
                if level is not None:
                    self._tiles.move_to_end(key)
                    self._draw_level(p, level, exposed)
                    continue
                if not LodLayer.background:
                    level = self._tiles[key] = self._raster_work(size, (i, j))()
                    self._trim_tiles()
                    self._draw_level(p, level, exposed)
                    continue
                if ("tile", *key) not in self._jobs:
                    self._submit(("tile", *key), self._raster_work(size, (i, j)),
                                 lambda lv, key=key: self._tile_built(key, lv),
                                 lambda key=key: key in self._wanted)
                if fallback is None:
                    fallback = self.raster_level(RASTER_MAX / max(b.width(), b.height(), 1e-9), wait=False)
                r = QtCore.QRectF(whole.x0 + i * s, whole.y0 + j * s, s, s)
                self._draw_level(p, fallback, r.intersected(exposed))

    @staticmethod
    def _around(size: int, i0: int, i1: int, j0: int, j1: int, nx: int, ny: int) -> list[tuple[int, int, int]]:
        """The tiles in view and the ring of tiles around them (what a pan finds ready)."""
        return [(size, i, j) for j in range(max(0, j0 - 1), min(ny - 1, j1 + 1) + 1)
                for i in range(max(0, i0 - 1), min(nx - 1, i1 + 1) + 1)]

    def _prefetch(self) -> None:
        """With the worker idle for this layer: build the tiles around the last tiled view (dropped again if the
        view moves away before their turn)."""
        if self._view_tiles is None or not LodLayer.background:
            return
        size = self._view_tiles[0]
        for key in sorted(self._wanted - self._tiles.keys()):
            if key[0] == size and ("tile", *key) not in self._jobs:
                self._submit(("tile", *key), self._raster_work(size, (key[1], key[2])),
                             lambda lv, key=key: self._tile_built(key, lv), lambda key=key: key in self._wanted)

    def _tile_built(self, key: tuple[int, int, int], level: RasterLevel) -> None:
        self._tiles[key] = level
        self._trim_tiles()

    def _trim_tiles(self) -> None:
        while len(self._tiles) > CACHE_TILES:
            self._tiles.popitem(last=False)

    def _grids(self, exposed: QtCore.QRectF) -> tuple[str, list[tuple[Points, Grid]], Grid | None]:
        """The coarse or the fine grids, by how many shapes are in view."""
        if self.visible_count(exposed) >= FINE_GRID_BELOW or ("grids",) in self._jobs:
            # many shapes in view, or the fine grids are still being built in the background
            return "c", self._points, self._rings[1] if self._rings is not None else None
        out = []
        for k, (pts, _) in enumerate(self._points):
            g = self._fine_points[k]
            if g is None:
                g = self._fine_points[k] = Grid(pts.bboxes(), by_centre=True, per_cell=SHAPES_PER_FINE_CELL)
            out.append((pts, g))
        if self._rings is not None and self._fine_rings is None:
            self._fine_rings = Grid(self._ring_bb, by_centre=False, per_cell=SHAPES_PER_FINE_CELL)
        return "f", out, self._fine_rings

    # -- vector ---------------------------------------------------------------------------------------------------
    def _cached(self, key: tuple[object, ...], build: object) -> QtGui.QPainterPath | QtGui.QPolygonF:
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        value = build()  # type: ignore[operator]
        self._cache[key] = value
        if len(self._cache) > CACHE_PATHS:
            self._cache.popitem(last=False)
        return value  # type: ignore[no-any-return]

    def _paint_static(self, p: QtGui.QPainter, lod: float) -> None:
        if not self._static.isEmpty():
            p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
            p.setPen(self._pen)
            p.setBrush(self._brush)
            p.drawPath(self._static)

    def _paint_vector(self, p: QtGui.QPainter, exposed: QtCore.QRectF, lod: float) -> str:
        px = self._feature_mm * lod
        filled = self._brush.style() != QtCore.Qt.BrushStyle.NoBrush
        mode = "vector"
        level, grids, ring_grid = self._grids(exposed)
        if self._points and 0 < px < POINTS_BELOW_PX:
            mode = "dots"
            pen = QtGui.QPen(self._brush.color() if filled else self._pen.color())
            if filled:
                c = pen.color()
                c.setAlpha(max(c.alpha(), 160))
                pen.setColor(c)
            pen.setWidthF(max(1.0, px))
            pen.setCosmetic(True)
            pen.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap if px > 2 else QtCore.Qt.PenCapStyle.SquareCap)
            p.setPen(pen)
            for k, (pts, grid) in enumerate(grids):
                for cell in grid.cells_in(exposed):
                    p.drawPoints(self._cached(("dots", level, k, cell), lambda pts=pts, grid=grid, cell=cell:
                                              _dots(pts, grid.cell_members(cell))))
        else:
            fine = px >= COARSE_BELOW_PX or px <= 0
            segments = paths.FINE_SEGMENTS if fine else paths.COARSE_SEGMENTS
            todo = [self._cached(("pts", level, k, cell, segments), lambda pts=pts, grid=grid, cell=cell:
                                 pts.polylines(grid.cell_members(cell), segments).to_path(odd_even=False))
                    for k, (pts, grid) in enumerate(grids) for cell in grid.cells_in(exposed)]
            _fill_then_stroke(p, todo, self._pen, self._brush if filled else None, fine)
        if self._rings is not None and ring_grid is not None:
            self._paint_rings(p, exposed, lod, level, ring_grid)
        self._paint_static(p, lod)
        return mode

    def _paint_rings(self, p: QtGui.QPainter, exposed: QtCore.QRectF, lod: float, level: str, grid: Grid) -> None:
        rs = self._rings[0]  # type: ignore[index]
        tol_px = CHORD_PX / lod
        tol = 2.0 ** math.floor(math.log2(max(tol_px, 1e-6)))  # bucketed, so a cached path serves nearby zooms
        step = 10.0 if tol < 2e-3 else 30.0
        reach = max(self._bounds.width(), self._bounds.height(), 1.0)
        no_pen = QtGui.QPen(QtCore.Qt.PenStyle.NoPen)
        no_brush = QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush)
        for cell in grid.cells_in(exposed):
            clip = grid.clip_rect(cell, reach)
            if not clip.intersects(exposed):
                continue
            fill, stroke = self._cached(("rings", level, cell, tol), lambda cell=cell, clip=clip: self._cell_rings(
                rs, grid, grid.cell_members(cell), clip, tol, step))  # type: ignore[misc]
            p.save()
            p.setClipRect(clip, QtCore.Qt.ClipOperation.IntersectClip)
            filled = self._brush.style() != QtCore.Qt.BrushStyle.NoBrush
            if filled:
                p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
                p.setPen(no_pen)
                p.setBrush(self._brush)
                p.drawPath(fill)
            p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
            p.setPen(self._pen)
            p.setBrush(no_brush)
            p.drawPath(stroke)
            p.restore()

    def _cell_rings(self, rs: RingSet, grid: Grid, members: IntArray, clip: QtCore.QRectF, tol: float,
                    step: float) -> tuple[QtGui.QPainterPath, QtGui.QPainterPath]:
        """Fill (odd-even) and outline paths of one cell's rings; rings much larger than a cell cut to it first."""
        bb = self._ring_bb[members]
        is_big = (bb[:, 2] - bb[:, 0] > 2 * grid.cw) | (bb[:, 3] - bb[:, 1] > 2 * grid.ch)
        big = members[is_big]
        small = members[~is_big]
        own = paths.rings(ring_subset(rs, small), tol, step) if small.size else Polylines.empty()
        if big.size == 0:
            path = own.to_path(odd_even=False)
            return path, path
        import shapely
        from shapely.geometry.polygon import orient

        m = 0.01 * max(clip.width(), clip.height())
        box = (clip.left() - m, clip.top() - m, clip.right() + m, clip.bottom() + m)
        pieces, runs = [own], [own]
        for k in big.tolist():
            ring = self._cached(("big", k, tol), lambda k=k: paths.rings(ring_subset(rs, np.array([k])), tol, step))
            xy = np.column_stack([ring.xs, ring.ys])  # type: ignore[union-attr]
            cut = shapely.clip_by_rect(shapely.Polygon(xy), *box)
            for poly in getattr(cut, "geoms", [cut]):
                if not poly.is_empty and poly.geom_type == "Polygon":
                    ex = np.asarray(orient(poly, 1.0).exterior.coords)  # counter-clockwise, as outer rings are
                    pieces.append(Polylines(ex[:, 0].copy(), ex[:, 1].copy(), np.array([0, len(ex)], dtype=np.intp)))
            runs.append(_runs_in(xy, box))
        return paths.concat(pieces).to_path(odd_even=False), paths.concat(runs).to_path(odd_even=False)


def _fill_then_stroke(p: QtGui.QPainter, todo: list[QtGui.QPainterPath], pen: QtGui.QPen,
                      brush: QtGui.QBrush | None, antialias: bool) -> None:
    """Fills without antialiasing (an antialiased fill scans the whole bounding box of every path: many times
    slower), then the outlines antialiased on top, which hide the fill's stair-stepped edge."""
    if brush is not None:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        p.setPen(QtGui.QPen(QtCore.Qt.PenStyle.NoPen))
        p.setBrush(brush)
        for path in todo:
            p.drawPath(path)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, antialias)
    p.setPen(pen)
    p.setBrush(QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush))
    for path in todo:
        p.drawPath(path)


def _runs_in(xy: FloatArray, box: tuple[float, float, float, float]) -> Polylines:
    """The parts of a closed polyline whose segments reach into the box, as open polylines."""
    a, b = xy[:-1], xy[1:]
    x0, y0, x1, y1 = box
    keep = ((np.maximum(a[:, 0], b[:, 0]) >= x0) & (np.minimum(a[:, 0], b[:, 0]) <= x1)
            & (np.maximum(a[:, 1], b[:, 1]) >= y0) & (np.minimum(a[:, 1], b[:, 1]) <= y1))
    seg = np.flatnonzero(keep)
    if seg.size == 0:
        return Polylines.empty()
    # a run is a maximal stretch of consecutive kept segments; it has one more point than segments
    breaks = np.flatnonzero(np.diff(seg) != 1) + 1
    first = np.concatenate([[0], breaks])
    last = np.concatenate([breaks, [seg.size]])
    lengths = last - first + 1
    starts = seg[first]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
    idx = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
    return Polylines(xy[idx, 0].copy(), xy[idx, 1].copy(), offsets)


def _dots(pts: Points, idx: IntArray) -> QtGui.QPolygonF:
    poly = pg.functions.create_qpolygonf(idx.size)
    arr = pg.functions.ndarray_from_qpolygonf(poly)
    arr[:, 0] = pts.x[idx]
    arr[:, 1] = pts.y[idx]
    return poly
