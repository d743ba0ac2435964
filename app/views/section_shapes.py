"""The cross-section's filled shapes as Qt paths: closed polygons in (s, z) mm, one path item per material."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem

from app.render.paths import cosmetic_pen

FloatArray = NDArray[np.float64]


def polygons_path(polys: list[FloatArray]) -> QPainterPath:
    """One path of closed polygons ((n, 2) arrays; fewer than three points are skipped)."""
    path = QPainterPath()
    for ring in polys:
        if len(ring) < 3:
            continue
        connect = np.ones(len(ring), dtype=np.int32)
        connect[-1] = 0
        sub = pg.arrayToQPath(ring[:, 0], ring[:, 1], connect=connect, finiteCheck=False)
        sub.closeSubpath()
        path.addPath(sub)
    return path


def rect(s0: float, z0: float, s1: float, z1: float) -> FloatArray:
    """A closed rectangle from (s0, z0) to (s1, z1)."""
    return np.array([[s0, z0], [s1, z0], [s1, z1], [s0, z1], [s0, z0]], dtype=np.float64)


def shape_item(pen: str, brush: str, z: float) -> QGraphicsPathItem:
    """A path item outlined with a cosmetic ``pen`` and filled with ``brush`` ("#RRGGBB" or "#RRGGBBAA")."""
    item = QGraphicsPathItem()
    item.setPen(cosmetic_pen(pen))
    item.setBrush(pg.mkBrush(brush))  # "#RRGGBBAA" (QColor would read the last two digits as red)
    item.setZValue(z)
    return item
