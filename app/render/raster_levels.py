"""A layer's rasters: a pyramid of whole-layer levels for zoomed-out views, and tiles of finer levels.

The whole-layer levels are powers of two from ``RASTER_MIN_PX`` to ``RASTER_MAX`` pixels a side, built on first
use (the rest in the background) and kept until the content changes. Finer levels, up to ``TILED_MAX``, are cut
into ``TILE_PX`` tiles built in the background for the view and the ring around it, and kept in a bounded cache;
until a tile is ready, the finest whole-layer level stands in for it. Rasterised by :mod:`app.render.raster`.
"""

from __future__ import annotations

import itertools
import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from numpy.typing import NDArray
from PySide6 import QtCore, QtGui

from app.render import paths, raster
from app.render.grid_index import Grid
from app.render.lod_worker import Jobs
from app.render.shape_arrays import Points, ring_bboxes, ring_subset
from app.render.vector_tiles import CHORD_PX
from geometry.derive.rings import RingSet

RASTER_MAX = 4096  # largest raster side, pixels
RASTER_MIN_PX = 512  # smallest raster side, pixels
TILED_MAX = 1 << 18  # finer levels than RASTER_MAX are tiled, up to this side (pixels)
TILE_PX = 1024  # tile side of the tiled levels
CACHE_TILES = 48  # tiles kept per layer (4 MB each)
SHARP_ENOUGH = 1.25  # a raster magnified at most this much counts as sharp
BUILD_IN_PAINT_MAX = 200_000  # a layer with more shapes (discs, ring vertices) never builds its first level in a
#                               paint (see level)

CHUNK_POINTS = 20_000  # ring outline points QPainter draws in one call when rasterising (see region_chunks)
CHUNK_SHAPES = 100  # large discs (48 points each) drawn in one call

RASTER_SIZES = tuple(2 ** k for k in range(int(math.log2(RASTER_MIN_PX)), int(math.log2(RASTER_MAX)) + 1))

TileKey = tuple[int, int, int]  # level size, i, j


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


def frame_painter(image: QtGui.QImage, frame: raster.Frame, pen: QtGui.QPen, brush: QtGui.QBrush) -> QtGui.QPainter:
    """An antialiased painter on a frame's image, drawing in mm (the frame's origin and scale)."""
    qp = QtGui.QPainter(image)
    qp.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    qp.scale(1.0 / frame.mm_per_px, 1.0 / frame.mm_per_px)
    qp.translate(-frame.x0, -frame.y0)
    qp.setPen(pen)
    qp.setBrush(brush)
    return qp


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
        qp = frame_painter(image, frame, pen, brush)
        for pts in big:
            for part in np.array_split(np.arange(pts.x.size), max(1, pts.x.size // CHUNK_SHAPES)):
                raster.pause_for_gui()
                qp.drawPath(pts.polylines(part, paths.FINE_SEGMENTS).to_path(odd_even=False))
        if len(rings):
            tol = max(frame.mm_per_px * CHORD_PX, 1e-5)
            outlines = paths.rings(rings, tol, 30.0)  # one polyline per ring, in ring order
            lengths = np.diff(outlines.start)
            # the fill without antialiasing, then the outlines antialiased on top, which hide its stair-stepped
            # edge (as the vector tiles draw): an antialiased fill of the 21,130 rings of one merged region took
            # 2-5.5 s holding the GIL, the plain fill 28-90 ms and the outlines 45-91 ms (512-2048 px)
            qp.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
            qp.setPen(QtGui.QPen(QtCore.Qt.PenStyle.NoPen))
            for part in region_chunks(rings, lengths):  # a region's holes in the call that fills it
                raster.pause_for_gui()
                qp.drawPath(outlines.select(part).to_path(odd_even=False))
            qp.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
            qp.setPen(pen)
            qp.setBrush(QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush))
            cut = np.searchsorted(outlines.start, np.arange(CHUNK_POINTS, int(outlines.start[-1]), CHUNK_POINTS))
            for part in np.split(np.arange(len(outlines)), np.unique(cut[(cut > 0) & (cut < len(outlines))])):
                raster.pause_for_gui()
                qp.drawPath(outlines.select(part).to_path(odd_even=False))
        qp.end()
    return RasterLevel(image, pixels, frame)


def region_chunks(rs: RingSet, points: NDArray[np.intp], per_chunk: int = CHUNK_POINTS) -> list[NDArray[np.intp]]:
    """The rings in chunks of about ``per_chunk`` outline points (``points[k]``: ring k's), each region's rings
    (outline and holes) in one chunk.

    QPainter holds the GIL for the whole of a drawPath: the 22,466 channel rings of a 160k-site relief in one
    path held it for seconds on the background thread, and the window's frames waited. Drawn a chunk at a time
    (a region never split, so its holes stay clear), with a pause for the GUI's paint between chunks.
    """
    order = np.argsort(rs.region, kind="stable")
    if order.size == 0:
        return []
    vertices = per_chunk
    length = np.asarray(points)[order]
    region = rs.region[order]
    first = np.flatnonzero(np.concatenate([[True], region[1:] != region[:-1]]))  # each region's first ring
    done = (np.cumsum(length) - length)[first]  # vertices before each region
    bucket = done // vertices
    cuts = first[np.concatenate([[True], np.diff(bucket) > 0])]  # the first region to start in a new bucket
    bounds = np.concatenate([cuts, [order.size]])
    return [order[a:b] for a, b in itertools.pairwise(bounds.tolist())]


def tile_frame(size: int, tile: tuple[int, int], bounds: tuple[float, float, float, float]) -> raster.Frame:
    """Tile (i, j) of the fine level ``size``: TILE_PX pixels square (less at the far edges)."""
    whole = raster.Frame.covering(*bounds, size)
    i, j = tile
    w = min(TILE_PX, whole.width - i * TILE_PX)
    h = min(TILE_PX, whole.height - j * TILE_PX)
    s = whole.mm_per_px
    return raster.Frame(whole.x0 + i * TILE_PX * s, whole.y0 + j * TILE_PX * s, s, w, h)


TileIndex = tuple[list[Grid], NDArray[np.float64]]  # grids of a layer's raster points, its raster rings' boxes


def tile_index(index: list[TileIndex], points: list[Points], rings: RingSet) -> TileIndex:
    """Grids of a layer's raster points and its raster rings' boxes, built into ``index`` on first use (the
    worker thread runs jobs one at a time)."""
    if not index:
        grids = [Grid(p.bboxes(), by_centre=True) for p in points]
        for g in grids:
            _ = g.members
        index.append((grids, ring_bboxes(rings) if len(rings) else np.zeros((0, 4))))
    return index[0]


def tile_shapes(frame: raster.Frame, points: list[Points], grids: list[Grid], rings: RingSet,
                ring_bb: NDArray[np.float64]) -> tuple[list[Points], RingSet]:
    """The points and rings that reach into a tile's frame (widened by two pixels)."""
    f = frame
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
    return mine, sub


def _colour(c: QtGui.QColor) -> tuple[int, int, int, int]:
    return (c.red(), c.green(), c.blue(), c.alpha())


def _draw_level(p: QtGui.QPainter, level: RasterLevel, exposed: QtCore.QRectF) -> None:
    area = level.rect().intersected(exposed)
    if area.isEmpty():
        return
    f = level.frame
    src = QtCore.QRectF((area.left() - f.x0) / f.mm_per_px, (area.top() - f.y0) / f.mm_per_px,
                        area.width() / f.mm_per_px, area.height() / f.mm_per_px)
    p.drawImage(area, level.image, src)


def _around(size: int, i0: int, i1: int, j0: int, j1: int, nx: int, ny: int) -> list[TileKey]:
    """The tiles in view and the ring of tiles around them (what a pan finds ready)."""
    return [(size, i, j) for j in range(max(0, j0 - 1), min(ny - 1, j1 + 1) + 1)
            for i in range(max(0, i0 - 1), min(nx - 1, i1 + 1) + 1)]


class RasterLevels:
    """One layer's built rasters (whole-layer levels and fine tiles) and the jobs that build them.

    ``background()`` says whether to build in the background (false: every raster in the paint that needs it).
    """

    def __init__(self, pen: QtGui.QPen, brush: QtGui.QBrush, jobs: Jobs, background: Callable[[], bool]) -> None:
        self._pen, self._brush, self._jobs, self._background = pen, brush, jobs, background
        self.points: list[Points] = []
        self.rings = RingSet.empty()
        self.bounds = QtCore.QRectF()
        self.levels: dict[int, RasterLevel] = {}
        self.failed: set[int] = set()
        self.tiles: OrderedDict[TileKey, RasterLevel] = OrderedDict()
        self._tile_index: list[TileIndex] = []  # filled by the tile-index job: grids of the raster points, ring boxes
        self.wanted: frozenset[TileKey] = frozenset()  # tiles in (or around) the current view
        self.view_tiles: tuple[int, int, int, int, int] | None = None  # size, i0, i1, j0, j1 of the last frame
        self._table: NDArray[np.uint32] | None = None
        self._stand_in: RasterLevel | None = None  # the coverage picture shown until the first level is built

    def has_shapes(self) -> bool:
        """Whether there is anything to rasterise."""
        return bool(self.points or len(self.rings))

    def start(self) -> None:
        """Every raster level in the background (nearest to the one built first), then the tile index."""
        cur = max(self.levels) if self.levels else RASTER_SIZES[0]
        for size in sorted(RASTER_SIZES, key=lambda s: (abs(math.log2(s / cur)), -s)):
            self._want(size)
        # the index tile jobs read their shapes from, so the first zoom past 4096 px does not wait for it
        index, points, rings = self._tile_index, list(self.points), self.rings
        self._jobs.submit(("tile-index",), lambda: tile_index(index, points, rings), lambda _: None)

    def job_failed(self, key: tuple[object, ...]) -> None:
        """A job failed: a whole-layer level is not asked for again."""
        if key[0] == "raster":
            size = key[1]
            assert isinstance(size, int), key  # _want submits ("raster", size)
            self.failed.add(size)

    def no_tiles(self) -> None:
        """The view needs no tiles (queued ones are dropped)."""
        self.view_tiles, self.wanted = None, frozenset()

    def _work(self, size: int, tile: tuple[int, int] | None = None) -> Callable[[], RasterLevel]:
        b = self.bounds
        bounds = (b.left(), b.top(), b.right(), b.bottom())
        if self._table is None:
            filled = self._brush.style() != QtCore.Qt.BrushStyle.NoBrush
            self._table = raster.colour_table(_colour(self._pen.color()),
                                              _colour(self._brush.color()) if filled else None,
                                              max(1.0, self._pen.widthF()))
        table = self._table
        pen, brush = QtGui.QPen(self._pen), QtGui.QBrush(self._brush)
        points, rings = list(self.points), self.rings
        if tile is None:
            return lambda: build_raster(raster.Frame.covering(*bounds, size), table, pen, brush, points, rings)

        index = self._tile_index

        def work() -> RasterLevel:
            grids, ring_bb = tile_index(index, points, rings)
            f = tile_frame(size, tile, bounds)
            mine, sub = tile_shapes(f, points, grids, rings, ring_bb)
            return build_raster(f, table, pen, brush, mine, sub)

        return work

    def _want(self, size: int) -> None:
        if size not in self.levels and size not in self.failed:
            self._jobs.submit(("raster", size), self._work(size), partial(self.levels.__setitem__, size))

    def size_for(self, px_per_mm: float) -> int:
        """The power-of-two raster side that matches the screen at this zoom."""
        need = max(self.bounds.width(), self.bounds.height()) * px_per_mm
        return int(min(RASTER_MAX, max(RASTER_MIN_PX, 2 ** math.ceil(math.log2(max(need, 1.0))))))

    def level(self, px_per_mm: float, wait: bool = True) -> RasterLevel:
        """The raster for this zoom. Built now if no level is built yet (or ``wait``); otherwise, while the
        background builds it, the nearest built level (a larger one first)."""
        size = self.size_for(px_per_mm)
        level = self.levels.get(size)
        if level is not None:
            return level
        if self.levels and not wait and self._background() and size not in self.failed:
            self._want(size)
            best = min(self.levels, key=lambda s: (abs(math.log2(s / size)), -s))
            return self.levels[best]
        if not wait and self._background() and size not in self.failed and self._shape_count() > BUILD_IN_PAINT_MAX:
            # a first level of a million discs takes about a second: built in the background, and meanwhile the
            # coverage stand-in (a few tens of milliseconds), so the first paint shows every layer at once
            self._want(size)
            if self._stand_in is None:
                self._stand_in = self._coverage()
            return self._stand_in
        level = self.levels[size] = self._work(size)()
        return level

    def _shape_count(self) -> int:
        # a ring costs QPainter about a disc per vertex (22,466 channel rings of a 160k-site relief: 2.8 s in
        # a paint when they counted as 22,466 shapes)
        return sum(int(p.x.size) for p in self.points) + int(self.rings.xy.shape[0])

    def _coverage(self) -> RasterLevel:
        """A quick RASTER_MIN_PX picture of the layer: each pixel tinted with the layer's fill (its pen colour if
        unfilled) by the share of it the discs cover (their area binned by centre; rings are left out)."""
        b = self.bounds
        frame = raster.Frame.covering(b.left(), b.top(), b.right(), b.bottom(), RASTER_MIN_PX)
        area = np.zeros(frame.width * frame.height, dtype=np.float64)
        for pts in self.points:
            i = np.clip(((pts.x - frame.x0) / frame.mm_per_px).astype(np.intp), 0, frame.width - 1)
            j = np.clip(((pts.y - frame.y0) / frame.mm_per_px).astype(np.intp), 0, frame.height - 1)
            r = np.broadcast_to(pts.r, pts.x.shape)
            area += np.bincount(j * frame.width + i, weights=np.pi * r * r, minlength=area.size)
        cover = np.clip(area / frame.mm_per_px**2, 0.0, 1.0).reshape(frame.height, frame.width)
        filled = self._brush.style() != QtCore.Qt.BrushStyle.NoBrush
        cr, cg, cb, ca = _colour(self._brush.color() if filled else self._pen.color())
        alpha = cover * ca
        u = np.uint32
        pixels = np.ascontiguousarray(
            (np.rint(alpha).astype(u) << u(24)) | (np.rint(alpha * cr / 255.0).astype(u) << u(16))
            | (np.rint(alpha * cg / 255.0).astype(u) << u(8)) | np.rint(alpha * cb / 255.0).astype(u))
        return RasterLevel(raster.to_qimage(pixels), pixels, frame)

    def paint(self, p: QtGui.QPainter, exposed: QtCore.QRectF, lod: float) -> None:
        """The whole-layer level of this zoom, or the tiles of a finer one."""
        p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
        need = max(self.bounds.width(), self.bounds.height()) * lod
        if need <= RASTER_MAX * SHARP_ENOUGH:
            self.no_tiles()
            _draw_level(p, self.level(lod, wait=False), exposed)
        else:
            self._paint_tiles(p, exposed, int(min(TILED_MAX, 2 ** round(math.log2(need)))))

    def _paint_tiles(self, p: QtGui.QPainter, exposed: QtCore.QRectF, size: int) -> None:
        """A fine level, tile by tile; a tile not built yet is asked of the background and drawn meanwhile from
        the finest whole-layer raster (built in the first paint if none is)."""
        b = self.bounds
        bounds = (b.left(), b.top(), b.right(), b.bottom())
        whole = raster.Frame.covering(*bounds, size)
        s = whole.mm_per_px * TILE_PX
        nx, ny = math.ceil(whole.width / TILE_PX), math.ceil(whole.height / TILE_PX)
        i0 = max(0, math.floor((exposed.left() - whole.x0) / s))
        i1 = min(nx - 1, math.floor((exposed.right() - whole.x0) / s))
        j0 = max(0, math.floor((exposed.top() - whole.y0) / s))
        j1 = min(ny - 1, math.floor((exposed.bottom() - whole.y0) / s))
        if self.view_tiles != (size, i0, i1, j0, j1):
            self.view_tiles = (size, i0, i1, j0, j1)
            self.wanted = frozenset(_around(size, i0, i1, j0, j1, nx, ny))
        fallback: RasterLevel | None = None
        for j in range(j0, j1 + 1):
            for i in range(i0, i1 + 1):
                key = (size, i, j)
                level = self.tiles.get(key)
                if level is not None:
                    self.tiles.move_to_end(key)
                    _draw_level(p, level, exposed)
                    continue
                if not self._background():
                    level = self.tiles[key] = self._work(size, (i, j))()
                    self._trim_tiles()
                    _draw_level(p, level, exposed)
                    continue
                self._want_tile(key)
                if fallback is None:
                    fallback = self.level(RASTER_MAX / max(b.width(), b.height(), 1e-9), wait=False)
                r = QtCore.QRectF(whole.x0 + i * s, whole.y0 + j * s, s, s)
                _draw_level(p, fallback, r.intersected(exposed))

    def _want_tile(self, key: TileKey) -> None:
        if ("tile", *key) not in self._jobs:
            self._jobs.submit(("tile", *key), self._work(key[0], (key[1], key[2])),
                              partial(self._tile_built, key), partial(self._still_wanted, key))

    def prefetch(self) -> None:
        """With the worker idle for this layer: build the tiles around the last tiled view (dropped again if the
        view moves away before their turn)."""
        if self.view_tiles is None or not self._background():
            return
        size = self.view_tiles[0]
        for key in sorted(self.wanted - self.tiles.keys()):
            if key[0] == size:
                self._want_tile(key)

    def _still_wanted(self, key: TileKey) -> bool:
        return key in self.wanted  # read when the job's turn comes: the view may have moved on since

    def _tile_built(self, key: TileKey, level: RasterLevel) -> None:
        self.tiles[key] = level
        self._trim_tiles()

    def _trim_tiles(self) -> None:
        while len(self.tiles) > CACHE_TILES:
            self.tiles.popitem(last=False)
