"""A layer's vector drawing when zoomed in: one QPainterPath per visible grid cell, kept in a bounded cache.

Circles become polygons, coarse or fine by their size on screen, or dots when they cover a few pixels; relief
rings are densified at a chord tolerance of a fraction of a pixel. Outer rings run counter-clockwise and holes
clockwise, so the non-zero rule fills overlapping regions of different depths once and still clears every metal
island. Rings much larger than a cell are cut to the cell first.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6 import QtCore, QtGui

from app.render import paths
from app.render.grid_index import Grid
from app.render.paths import Polylines
from app.render.shape_arrays import Points, ring_subset
from geometry.derive.rings import RingSet

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

CACHE_PATHS = 768  # cell paths kept per layer
POINTS_BELOW_PX = paths.POINTS_BELOW_PX
COARSE_BELOW_PX = paths.COARSE_BELOW_PX
CHORD_PX = 0.3  # ring densification: chord error in pixels
VIEW_LEVEL = "v"
"""The level of shapes picked for one frame (:meth:`app.render.lod.LodLayer._in_view`): their paths are never
kept (the next frame picks others under the same cell numbers)."""



class VectorTiles:
    """The cell paths of one layer's content, built on first use; draws the cells a frame exposes."""

    def __init__(self, pen: QtGui.QPen, brush: QtGui.QBrush) -> None:
        self._pen, self._brush = pen, brush
        self._cache: OrderedDict[tuple[object, ...], Any] = OrderedDict()

    def _cached(self, key: tuple[object, ...], build: Callable[..., Any]) -> Any:
        if key[1] == VIEW_LEVEL:
            return build()
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        value = build()
        self._cache[key] = value
        if len(self._cache) > CACHE_PATHS:
            self._cache.popitem(last=False)
        return value

    def paint(self, p: QtGui.QPainter, exposed: QtCore.QRectF, lod: float, feature_mm: float, level: str,
              grids: list[tuple[Points, Grid]], rings: tuple[RingSet, FloatArray, Grid] | None,
              reach: float, ring_level: str | None = None) -> str:
        """Draw the exposed cells of ``grids`` (the coarse or fine ones, named by ``level``) and of the rings
        (ring set, ring boxes, grid; their grid named by ``ring_level``, by default ``level``); returns "dots" or
        "vector"."""
        px = feature_mm * lod
        filled = self._brush.style() != QtCore.Qt.BrushStyle.NoBrush
        mode = "vector"
        if grids and 0 < px < POINTS_BELOW_PX:
            mode = "dots"
            p.setPen(paths.dot_pen(self._pen, self._brush, px))
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
        if rings is not None:
            self._paint_rings(p, exposed, lod, level if ring_level is None else ring_level, rings, reach)
        return mode

    def _paint_rings(self, p: QtGui.QPainter, exposed: QtCore.QRectF, lod: float, level: str,
                     rings: tuple[RingSet, FloatArray, Grid], reach: float) -> None:
        rs, ring_bb, grid = rings
        tol_px = CHORD_PX / lod
        tol = 2.0 ** math.floor(math.log2(max(tol_px, 1e-6)))  # bucketed, so a cached path serves nearby zooms
        step = 10.0 if tol < 2e-3 else 30.0
        no_pen = QtGui.QPen(QtCore.Qt.PenStyle.NoPen)
        no_brush = QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush)
        for cell in grid.cells_in(exposed):
            clip = grid.clip_rect(cell, reach)
            if not clip.intersects(exposed):
                continue
            fill, stroke = self._cached(("rings", level, cell, tol), lambda cell=cell, clip=clip: self._cell_rings(
                rs, ring_bb, grid, grid.cell_members(cell), clip, tol, step))
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

    def _cell_rings(self, rs: RingSet, ring_bb: FloatArray, grid: Grid, members: IntArray, clip: QtCore.QRectF,
                    tol: float, step: float) -> tuple[QtGui.QPainterPath, QtGui.QPainterPath]:
        """Fill (odd-even) and outline paths of one cell's rings; rings much larger than a cell cut to it first."""
        bb = ring_bb[members]
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
            xy = np.column_stack([ring.xs, ring.ys])
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
    return paths.dots(pts.x[idx], pts.y[idx])
