"""Many shapes as one QPainterPath, and the graphics item that draws such a path.

A design can have 100,000 sites or more; one graphics item per site would make the scene slow to build and to
pan. Every layer is therefore one path built from numpy arrays in a single call (pyqtgraph.arrayToQPath), drawn
by one :class:`PathLayer`. At low zoom, where a circle covers a few pixels, the layer draws a coarser path and
skips the outline, so a frame stays cheap however many sites there are.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6 import QtCore, QtGui, QtWidgets

from geometry.rings import RingSet

FloatArray = NDArray[np.float64]

FINE_SEGMENTS = 48
COARSE_SEGMENTS = 10
# Below this many pixels per feature the coarse path is drawn, and below OUTLINE_MIN_PX no outline pen.
COARSE_BELOW_PX = 12.0
OUTLINE_MIN_PX = 3.0


def _polylines_path(xs: FloatArray, ys: FloatArray, lengths: NDArray[np.intp]) -> QtGui.QPainterPath:
    """Closed polylines given back to back (each already repeats its first point at the end) as one path."""
    if xs.size == 0:
        return QtGui.QPainterPath()
    connect = np.ones(xs.size, dtype=np.int32)
    ends = np.cumsum(lengths) - 1
    connect[ends] = 0  # do not join the last point of one polyline to the first of the next
    return pg.arrayToQPath(xs, ys, connect=connect, finiteCheck=False)


def circles_path(
    x: FloatArray, y: FloatArray, r: FloatArray | float, segments: int = FINE_SEGMENTS
) -> QtGui.QPainterPath:
    """Circles as closed polygons of ``segments`` sides (vertices on the circle), all in one path."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = x.size
    if n == 0:
        return QtGui.QPainterPath()
    rr = np.broadcast_to(np.asarray(r, dtype=np.float64), (n,))
    a = np.linspace(0.0, 2.0 * np.pi, segments + 1)
    a[-1] = 0.0  # close exactly
    xs = (x[:, None] + rr[:, None] * np.cos(a)[None, :]).ravel()
    ys = (y[:, None] + rr[:, None] * np.sin(a)[None, :]).ravel()
    return _polylines_path(xs, ys, np.full(n, segments + 1, dtype=np.intp))


def crosses_path(x: FloatArray, y: FloatArray, half_mm: float) -> QtGui.QPainterPath:
    """An x-shaped cross of half-size ``half_mm`` at every point (depopulated sites)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.size == 0:
        return QtGui.QPainterPath()
    h = half_mm
    xs = np.column_stack([x - h, x + h, x - h, x + h]).ravel()
    ys = np.column_stack([y - h, y + h, y + h, y - h]).ravel()
    return pg.arrayToQPath(xs, ys, connect="pairs", finiteCheck=False)


def rings_path(rings: RingSet, chord_tol_mm: float = 5e-4) -> QtGui.QPainterPath:
    """Every ring (outer contours and holes) densified within ``chord_tol_mm``; odd-even fill shows the holes."""
    parts: list[FloatArray] = []
    for k in range(len(rings)):
        pts = rings.densify(k, chord_tol_mm)
        parts.append(np.vstack([pts, pts[:1]]))
    if not parts:
        return QtGui.QPainterPath()
    xy = np.concatenate(parts)
    path = _polylines_path(xy[:, 0].copy(), xy[:, 1].copy(), np.array([len(p) for p in parts], dtype=np.intp))
    path.setFillRule(QtCore.Qt.FillRule.OddEvenFill)
    return path


def rect_path(x0: float, y0: float, x1: float, y1: float) -> QtGui.QPainterPath:
    """A rectangle outline."""
    path = QtGui.QPainterPath()
    path.addRect(QtCore.QRectF(QtCore.QPointF(x0, y0), QtCore.QPointF(x1, y1)))
    return path


class PathLayer(pg.GraphicsObject):
    """One layer of the top view: a fine path, an optional coarse one for low zoom, a pen and a brush.

    ``feature_mm`` is the typical size of one shape; with the view's scale it says how many pixels a shape covers,
    which picks the path and whether an outline is worth drawing.
    """

    def __init__(self, pen: QtGui.QPen, brush: QtGui.QBrush | None, z: float) -> None:
        super().__init__()
        self._pen = QtGui.QPen(pen)
        self._pen.setCosmetic(True)
        self._brush = brush if brush is not None else QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush)
        self._fine = QtGui.QPainterPath()
        self._coarse: QtGui.QPainterPath | None = None
        self._feature_mm = 0.0
        self._bounds = QtCore.QRectF()
        self.setZValue(z)

    def set_paths(self, fine: QtGui.QPainterPath, coarse: QtGui.QPainterPath | None = None,
                  feature_mm: float = 0.0) -> None:
        """Show new shapes."""
        self.prepareGeometryChange()
        self._fine = fine
        self._coarse = coarse
        self._feature_mm = feature_mm
        self._bounds = fine.boundingRect()
        self.update()

    def path(self) -> QtGui.QPainterPath:
        """The fine path (what hit tests and tests look at)."""
        return self._fine

    def is_empty(self) -> bool:
        """Whether there is nothing to draw."""
        return self._fine.isEmpty()

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def paint(self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionGraphicsItem, widget: object = None) -> None:
        if self._fine.isEmpty():
            return
        lod = QtWidgets.QStyleOptionGraphicsItem.levelOfDetailFromTransform(p.worldTransform())
        px = self._feature_mm * lod
        path = self._coarse if (self._coarse is not None and 0 < px < COARSE_BELOW_PX) else self._fine
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, path is self._fine)
        p.setBrush(self._brush)
        if self._feature_mm and px < OUTLINE_MIN_PX and self._brush.style() != QtCore.Qt.BrushStyle.NoBrush:
            p.setPen(QtCore.Qt.PenStyle.NoPen)
        else:
            p.setPen(self._pen)
        p.drawPath(path)
