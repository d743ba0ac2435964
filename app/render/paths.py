"""Many shapes as a few QPainterPaths, and the graphics item that draws them fast at any zoom.

A design can have 100,000 sites or more; one graphics item per site would make the scene slow to build and to
pan. Every layer is one :class:`PathLayer` whose shapes (closed polylines in flat numpy arrays) are cut into
spatial tiles, each tile one path built in a single call (pyqtgraph.arrayToQPath). A frame draws only the tiles
in view, each clipped to its tile so a shape shared by two tiles (a big merged region) is filled exactly once and
the odd-even fill still shows holes. Level of detail: where a shape covers a few pixels the layer draws one dot
per shape; a little larger, coarse polygons; zoomed in, fine ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6 import QtCore, QtGui, QtWidgets

from geometry.derive.rings import RingSet, bulge_centres

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

FINE_SEGMENTS = 48
COARSE_SEGMENTS = 10
POINTS_BELOW_PX = 4.0  # below this many pixels per shape: one dot per shape
COARSE_BELOW_PX = 14.0  # below this: coarse polygons
SHAPES_PER_TILE = 1500


@dataclass(frozen=True, eq=False)
class Polylines:
    """Closed polylines back to back: polyline k is points ``start[k]:start[k+1]`` (last point repeats first)."""

    xs: FloatArray
    ys: FloatArray
    start: IntArray

    @staticmethod
    def empty() -> Polylines:
        """No shapes."""
        return Polylines(np.zeros(0), np.zeros(0), np.zeros(1, dtype=np.intp))

    def __len__(self) -> int:
        return int(self.start.shape[0] - 1)

    def bboxes(self) -> FloatArray:
        """(K, 4) xmin, ymin, xmax, ymax per polyline."""
        if len(self) == 0:
            return np.zeros((0, 4))
        s = self.start[:-1]
        return np.column_stack([np.minimum.reduceat(self.xs, s), np.minimum.reduceat(self.ys, s),
                                np.maximum.reduceat(self.xs, s), np.maximum.reduceat(self.ys, s)])

    def select(self, shapes: IntArray) -> Polylines:
        """The polylines with these indices, in this order."""
        lengths = self.start[shapes + 1] - self.start[shapes]
        starts = self.start[:-1][shapes]
        if lengths.sum() == 0:
            return Polylines.empty()
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
        idx = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        return Polylines(self.xs[idx], self.ys[idx], offsets)

    def to_path(self, odd_even: bool) -> QtGui.QPainterPath:
        """One QPainterPath (one arrayToQPath call)."""
        if self.xs.size == 0:
            return QtGui.QPainterPath()
        connect = np.ones(self.xs.size, dtype=np.int32)
        connect[self.start[1:] - 1] = 0  # do not join one polyline's last point to the next one's first
        path: QtGui.QPainterPath = pg.arrayToQPath(self.xs, self.ys, connect=connect, finiteCheck=False)
        path.setFillRule(QtCore.Qt.FillRule.OddEvenFill if odd_even else QtCore.Qt.FillRule.WindingFill)
        return path


def cosmetic_pen(colour: str, width: float = 1.0, dashed: bool = False) -> QtGui.QPen:
    """A pen of ``width`` screen pixels at any zoom (cosmetic), solid or dashed: what every view draws with."""
    pen = QtGui.QPen(QtGui.QColor(colour))
    pen.setWidthF(width)
    pen.setCosmetic(True)
    if dashed:
        pen.setStyle(QtCore.Qt.PenStyle.DashLine)
    return pen


def _pack(xs: FloatArray, ys: FloatArray, n: int, per: int) -> Polylines:
    return Polylines(np.ascontiguousarray(xs, dtype=np.float64), np.ascontiguousarray(ys, dtype=np.float64),
                     np.arange(0, n * per + 1, per, dtype=np.intp))


def circles(x: FloatArray, y: FloatArray, r: FloatArray | float, segments: int = FINE_SEGMENTS) -> Polylines:
    """Circles as closed polygons of ``segments`` sides, vertices on the circle."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = x.size
    if n == 0:
        return Polylines.empty()
    rr = np.broadcast_to(np.asarray(r, dtype=np.float64), (n,))
    a = np.linspace(0.0, 2.0 * np.pi, segments + 1)
    a[-1] = 0.0
    return _pack((x[:, None] + rr[:, None] * np.cos(a)).ravel(), (y[:, None] + rr[:, None] * np.sin(a)).ravel(),
                 n, segments + 1)


def crosses(x: FloatArray, y: FloatArray, half_mm: float) -> Polylines:
    """Two strokes (an x) of half-size ``half_mm`` at every point."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.size == 0:
        return Polylines.empty()
    h = half_mm
    xs = np.column_stack([x - h, x + h, x - h, x + h]).ravel()
    ys = np.column_stack([y - h, y + h, y + h, y - h]).ravel()
    return _pack(xs, ys, 2 * x.size, 2)


def rectangle(x0: float, y0: float, x1: float, y1: float) -> Polylines:
    """A rectangle outline."""
    return _pack(np.array([x0, x1, x1, x0, x0]), np.array([y0, y0, y1, y1, y0]), 1, 5)


def rings(rs: RingSet, chord_tol_mm: float = 5e-4, max_step_deg: float = 10.0) -> Polylines:
    """Every ring of a RingSet (outer contours and holes) with its arcs densified, vectorised over all edges."""
    n_rings = len(rs)
    if n_rings == 0:
        return Polylines.empty()
    e = rs.bulge.size
    nxt = np.arange(1, e + 1, dtype=np.intp)
    nxt[rs.start[1:] - 1] = rs.start[:-1]
    p0, p1, b = rs.xy, rs.xy[nxt], rs.bulge
    arc = b != 0
    m = np.ones(e, dtype=np.intp)
    centre = np.zeros((e, 2))
    radius = np.zeros(e)
    phi = 4.0 * np.arctan(b)
    if arc.any():
        c, r = bulge_centres(p0[arc], p1[arc], b[arc])
        centre[arc], radius[arc] = c, r
        step = 2.0 * np.arccos(np.clip(1.0 - chord_tol_mm / np.maximum(r, 1e-12), -1.0, 1.0))
        step = np.minimum(step, math.radians(max_step_deg))
        m[arc] = np.maximum(1, np.ceil(np.abs(phi[arc]) / step)).astype(np.intp)
    total = int(m.sum())
    edge = np.repeat(np.arange(e), m)
    first = np.concatenate([[0], np.cumsum(m)[:-1]])
    k = np.arange(total) - np.repeat(first, m)
    a0 = np.arctan2(p0[:, 1] - centre[:, 1], p0[:, 0] - centre[:, 0])
    ang = a0[edge] + phi[edge] * k / m[edge]
    is_arc = arc[edge] & (k > 0)
    xs = np.where(is_arc, centre[edge, 0] + radius[edge] * np.cos(ang), p0[edge, 0])
    ys = np.where(is_arc, centre[edge, 1] + radius[edge] * np.sin(ang), p0[edge, 1])
    # ring k's points are contiguous; close each ring by repeating its first point after its last
    ring_len = np.add.reduceat(m, rs.start[:-1])
    ring_first = np.concatenate([[0], np.cumsum(ring_len)[:-1]])
    ends = ring_first + ring_len
    xs = np.insert(xs, ends, xs[ring_first])
    ys = np.insert(ys, ends, ys[ring_first])
    start = np.concatenate([[0], np.cumsum(ring_len + 1)]).astype(np.intp)
    return Polylines(xs, ys, start)


def concat(parts: list[Polylines]) -> Polylines:
    """Several sets of polylines as one."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return Polylines.empty()
    offsets = np.cumsum([0] + [p.xs.size for p in parts])
    start = np.concatenate([parts[0].start[:1]] + [p.start[1:] + o for p, o in zip(parts, offsets, strict=False)])
    return Polylines(np.concatenate([p.xs for p in parts]), np.concatenate([p.ys for p in parts]), start)


@dataclass(frozen=True)
class Tile:
    """A clip rectangle and the path of every shape that reaches into it."""

    clip: QtCore.QRectF
    path: QtGui.QPainterPath
    shapes: int


def make_tiles(shapes: Polylines, odd_even: bool, per_tile: int = SHAPES_PER_TILE) -> list[Tile]:
    """Cut shapes into a grid of tiles of about ``per_tile`` shapes; a shape that spans tiles goes to each."""
    n = len(shapes)
    if n == 0:
        return []
    bb = shapes.bboxes()
    x0, y0 = float(bb[:, 0].min()), float(bb[:, 1].min())
    x1, y1 = float(bb[:, 2].max()), float(bb[:, 3].max())
    side = max(1, math.ceil(math.sqrt(n / per_tile)))
    w = max((x1 - x0) / side, 1e-9)
    h = max((y1 - y0) / side, 1e-9)
    ix0 = np.clip(((bb[:, 0] - x0) / w).astype(np.intp), 0, side - 1)
    ix1 = np.clip(((bb[:, 2] - x0) / w).astype(np.intp), 0, side - 1)
    iy0 = np.clip(((bb[:, 1] - y0) / h).astype(np.intp), 0, side - 1)
    iy1 = np.clip(((bb[:, 3] - y0) / h).astype(np.intp), 0, side - 1)
    members: dict[int, list[IntArray]] = {}
    single = (ix0 == ix1) & (iy0 == iy1)
    ids = np.flatnonzero(single)
    key = iy0[ids] * side + ix0[ids]
    order = np.argsort(key, kind="stable")
    keys, cuts = np.unique(key[order], return_index=True)
    for kk, group in zip(keys.tolist(), np.split(ids[order], cuts[1:]), strict=True):
        members.setdefault(int(kk), []).append(group)
    for s in np.flatnonzero(~single).tolist():  # few: big merged regions, outlines
        for ty in range(int(iy0[s]), int(iy1[s]) + 1):
            for tx in range(int(ix0[s]), int(ix1[s]) + 1):
                members.setdefault(ty * side + tx, []).append(np.array([s], dtype=np.intp))
    reach = max(x1 - x0, y1 - y0, 1.0)
    tiles = []
    for kk, groups in sorted(members.items()):
        sel = np.sort(np.concatenate(groups))
        ty, tx = divmod(kk, side)
        # clip rectangles of neighbouring tiles meet exactly; the outer ones reach out to cover pens and margins
        cx0 = x0 + tx * w if tx > 0 else x0 - reach
        cx1 = x0 + (tx + 1) * w if tx < side - 1 else x1 + reach
        cy0 = y0 + ty * h if ty > 0 else y0 - reach
        cy1 = y0 + (ty + 1) * h if ty < side - 1 else y1 + reach
        tiles.append(Tile(QtCore.QRectF(QtCore.QPointF(cx0, cy0), QtCore.QPointF(cx1, cy1)),
                          shapes.select(sel).to_path(odd_even), int(sel.size)))
    return tiles


def dots(x: FloatArray, y: FloatArray) -> QtGui.QPolygonF:
    """Points as one polygon, for ``QPainter.drawPoints``."""
    poly: QtGui.QPolygonF = pg.functions.create_qpolygonf(x.size)
    arr = pg.functions.ndarray_from_qpolygonf(poly)
    arr[:, 0] = x
    arr[:, 1] = y
    return poly


def dot_pen(pen: QtGui.QPen, brush: QtGui.QBrush, px: float) -> QtGui.QPen:
    """The pen that draws shapes of ``px`` pixels as one dot each: the fill colour (kept visible) if the layer
    is filled, else the outline's."""
    filled = brush.style() != QtCore.Qt.BrushStyle.NoBrush
    dot = QtGui.QPen(brush.color() if filled else pen.color())
    if filled:
        c = dot.color()
        c.setAlpha(max(c.alpha(), 160))
        dot.setColor(c)
    dot.setWidthF(max(1.0, px))
    dot.setCosmetic(True)
    dot.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap if px > 2 else QtCore.Qt.PenCapStyle.SquareCap)
    return dot


def _as_dots(centres: tuple[FloatArray, FloatArray] | None) -> QtGui.QPolygonF | None:
    return dots(*centres) if centres is not None and centres[0].size else None


class PathLayer(pg.GraphicsObject):
    """One layer of the top view: tiled fine and coarse paths, dots for low zoom, one pen and one brush.

    ``feature_mm`` is the typical size of one shape; with the view's scale it says how many pixels a shape
    covers, which picks dots, coarse or fine drawing and whether an outline is worth drawing.
    """

    def __init__(self, pen: QtGui.QPen, brush: QtGui.QBrush | None, z: float) -> None:
        super().__init__()
        self._pen = QtGui.QPen(pen)
        self._pen.setCosmetic(True)
        self._brush = brush if brush is not None else QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush)
        self._fine: list[Tile] = []
        self._coarse: list[Tile] | None = None
        self._dots: QtGui.QPolygonF | None = None
        self._feature_mm = 0.0
        self._count = 0
        self._bounds = QtCore.QRectF()
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setZValue(z)

    def set_shapes(self, fine: Polylines, coarse: Polylines | None = None,
                   dots: tuple[FloatArray, FloatArray] | None = None, feature_mm: float = 0.0,
                   odd_even: bool = False) -> None:
        """Show new shapes; ``dots`` are the shapes' centres for the lowest zoom levels."""
        self.prepareGeometryChange()
        self._fine = make_tiles(fine, odd_even)
        self._coarse = make_tiles(coarse, odd_even) if coarse is not None else None
        self._dots = _as_dots(dots)
        self._feature_mm = feature_mm
        self._count = len(fine)
        rect = QtCore.QRectF()
        for t in self._fine:
            rect = rect.united(t.path.boundingRect())
        self._bounds = rect
        self.update()

    @property
    def shape_count(self) -> int:
        """How many shapes the layer holds."""
        return self._count

    @property
    def tiles(self) -> list[Tile]:
        """The fine tiles (for tests)."""
        return self._fine

    def is_empty(self) -> bool:
        """Whether there is nothing to draw."""
        return self._count == 0

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def paint(self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionGraphicsItem, widget: object = None) -> None:
        if not self._fine:
            return
        lod = QtWidgets.QStyleOptionGraphicsItem.levelOfDetailFromTransform(p.worldTransform())
        px = self._feature_mm * lod
        if self._dots is not None and 0 < px < POINTS_BELOW_PX:
            p.setPen(dot_pen(self._pen, self._brush, px))
            p.drawPoints(self._dots)
            return
        fine = not (self._coarse is not None and 0 < px < COARSE_BELOW_PX)
        tiles = self._fine if fine else self._coarse or []
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, fine)
        p.setBrush(self._brush)
        p.setPen(self._pen)
        exposed = option.exposedRect
        for t in tiles:
            if not exposed.intersects(t.path.controlPointRect()) or not exposed.intersects(t.clip):
                continue
            p.save()
            p.setClipRect(t.clip, QtCore.Qt.ClipOperation.IntersectClip)
            p.drawPath(t.path)
            p.restore()
