"""A uniform grid index of shapes: which shapes lie in which cell, and about how many lie in a rectangle.

The top view's layers (:mod:`app.render.lod`) find what a frame shows through it, and the raster tiles
(:mod:`app.render.raster_levels`) what one tile holds, without a Python loop over shapes.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6 import QtCore

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

SHAPES_PER_CELL = 1024  # the coarse grid, for views of many shapes
SHAPES_PER_FINE_CELL = 64  # the fine grid, for views of a few (a path per cell then holds little off-screen)


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
        ix: IntArray = np.clip(np.floor((x - self.x0) / self.cw), 0, self.nx - 1).astype(np.intp)
        return ix

    def _iy(self, y: FloatArray) -> IntArray:
        iy: IntArray = np.clip(np.floor((y - self.y0) / self.ch), 0, self.ny - 1).astype(np.intp)
        return iy

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
        return self.count_in(rect) * min(1.0, (rect.width() + m) * (rect.height() + m) / max(float(cells), 1e-12))

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

