"""Text labels that keep their size on screen (pyqtgraph TextItems) placed without overlaps.

A dimension label of the cross-section or a ruler's tag sits at a point of the drawing but is sized in screen
pixels, so whether two of them overlap depends on the zoom, the dock's width and the screen's scale factor (at 1.5
the same dock holds two thirds of the pixels). After every change of the view the labels go back to their own
points and, in order (the first keeps its place), each one that would cover an earlier one moves to the nearest
free place: up or down by its own height, then sideways; a label that would reach past the view's edge is moved
in first. :func:`keep_inside` and :func:`spread` are the arithmetic, on plain rectangles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6 import QtCore

Rect = tuple[float, float, float, float]  # x, y, width, height (screen pixels)
GAP_PX = 2.0


def _hits(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _candidates(r: Rect, tries: int) -> list[tuple[float, float]]:
    """Shifts to try for ``r``, nearest first: steps of its height up and down and of half its width sideways, so
    a label moves as little as it can from the point it labels."""
    h, w = r[3] + GAP_PX, (r[2] + GAP_PX) / 2.0
    steps = [(i * w, j * h) for i in range(-2 * tries, 2 * tries + 1) for j in range(-tries, tries + 1)]
    return sorted(steps, key=lambda d: (d[0] ** 2 + d[1] ** 2, abs(d[0]), d[1]))


def keep_inside(r: Rect, bounds: Rect) -> tuple[float, float]:
    """The shift that brings ``r`` inside ``bounds`` (a label at the view's edge is not cut off), (0, 0) when it is
    inside; a rectangle larger than the bounds keeps its left or top edge in."""
    dx = dy = 0.0
    if r[0] + r[2] > bounds[0] + bounds[2]:
        dx = bounds[0] + bounds[2] - (r[0] + r[2])
    if r[0] + dx < bounds[0]:
        dx = bounds[0] - r[0]
    if r[1] + r[3] > bounds[1] + bounds[3]:
        dy = bounds[1] + bounds[3] - (r[1] + r[3])
    if r[1] + dy < bounds[1]:
        dy = bounds[1] - r[1]
    return dx, dy


def _within(r: Rect, bounds: Rect | None) -> bool:
    if bounds is None:
        return True
    x, y, w, h = bounds
    return r[0] >= x - 0.5 and r[1] >= y - 0.5 and r[0] + r[2] <= x + w + 0.5 and r[1] + r[3] <= y + h + 0.5


def spread(rects: Sequence[Rect], tries: int = 6, bounds: Rect | None = None) -> list[tuple[float, float]]:
    """Offsets (dx, dy) that move each rectangle off every earlier one (its own place when that is free; the
    nearest free candidate inside ``bounds`` otherwise; its own place when none of ``tries`` steps each way is
    free)."""
    placed: list[Rect] = []
    out: list[tuple[float, float]] = []
    for r in rects:
        shift = (0.0, 0.0)
        for dx, dy in _candidates(r, tries):
            moved = (r[0] + dx, r[1] + dy, r[2], r[3])
            if (dx or dy) and not _within(moved, bounds):
                continue
            if not any(_hits(moved, p) for p in placed):
                shift = (dx, dy)
                break
        placed.append((r[0] + shift[0], r[1] + shift[1], r[2], r[3]))
        out.append(shift)
    return out


def place_labels(box: Any, labels: Sequence[tuple[Any, float, float]]) -> None:
    """Put pyqtgraph TextItems ``(item, x, y)`` of a ViewBox ``box`` at their points (view coordinates), then move
    the overlapping ones apart on screen (:func:`spread`). pyqtgraph ships no types, hence ``Any``."""
    box.updateMatrix()  # the view's transform follows a range change lazily (at the next paint)
    shown = [(item, x, y) for item, x, y in labels if item.isVisible()]
    rects: list[Rect] = []
    inside: list[tuple[float, float]] = []
    view = box.sceneBoundingRect()
    for item, x, y in shown:
        item.setPos(x, y)
        item.updateTransform(force=True)  # its size on screen at this zoom
        r = item.sceneBoundingRect()
        cx, cy = keep_inside((r.x(), r.y(), r.width(), r.height()), (view.x(), view.y(), view.width(), view.height()))
        inside.append((cx, cy))
        rects.append((r.x() + cx, r.y() + cy, r.width(), r.height()))
    bounds = (view.x(), view.y(), view.width(), view.height())
    for (item, x, y), (cx, cy), (sx, sy) in zip(shown, inside, spread(rects, bounds=bounds), strict=True):
        dx, dy = cx + sx, cy + sy
        if dx or dy:
            p = box.mapViewToScene(QtCore.QPointF(x, y))
            q = box.mapSceneToView(QtCore.QPointF(p.x() + dx, p.y() + dy))
            item.setPos(q.x(), q.y())
