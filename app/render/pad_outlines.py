"""The pads a reader found in a file, as outlines to draw: circles, turned rectangles and the file's polygons.

Used by the overlay of a reference file on the top view and by the import dialog's preview; both draw the
candidates of :mod:`geometry.fileio.importers` as they are in the file (after the unit and the mirror), not what
the recognition made of them, so a pad the recognition refused still shows.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from app.render import paths
from app.render.paths import Polylines
from geometry.fileio.importers.base import PadCandidates, Shape

FloatArray = NDArray[np.float64]
CIRCLE_SEGMENTS = 24


def sample_rows(n: int, most: int) -> NDArray[np.intp]:
    """Every k-th row of ``n`` so that at most ``most`` are kept (all when there are few)."""
    step = max(1, -(-n // most)) if most > 0 else 1
    return np.arange(0, n, step, dtype=np.intp)


def pad_outlines(c: PadCandidates, rows: NDArray[np.intp] | None = None, mirror_x: bool = False) -> Polylines:
    """Outlines of the candidates ``rows`` (all by default), mm; ``mirror_x`` draws x as -x (a bottom view)."""
    rows = np.arange(len(c), dtype=np.intp) if rows is None else rows
    sign = -1.0 if mirror_x else 1.0
    shape = c.shape[rows]
    parts: list[Polylines] = []
    rnd = rows[shape == Shape.ROUND]
    if rnd.shape[0]:
        parts.append(paths.circles(sign * c.x_mm[rnd], c.y_mm[rnd], c.w_mm[rnd] / 2.0, CIRCLE_SEGMENTS))
    box = rows[(shape == Shape.RECT) | (shape == Shape.OBROUND)]
    if box.shape[0]:
        a = np.radians(c.rot_deg[box])[:, None]
        hx, hy = (c.w_mm[box] / 2.0)[:, None], (c.h_mm[box] / 2.0)[:, None]
        ux = np.array([-1.0, 1.0, 1.0, -1.0, -1.0])[None, :] * hx
        uy = np.array([-1.0, -1.0, 1.0, 1.0, -1.0])[None, :] * hy
        xs = c.x_mm[box][:, None] + ux * np.cos(a) - uy * np.sin(a)
        ys = c.y_mm[box][:, None] + ux * np.sin(a) + uy * np.cos(a)
        parts.append(Polylines((sign * xs).ravel(), ys.ravel(), np.arange(0, 5 * box.shape[0] + 1, 5,
                                                                          dtype=np.intp)))
    poly_k = np.flatnonzero(np.isin(c.poly_row, rows[shape == Shape.POLYGON]))
    if poly_k.shape[0]:
        starts, ends = c.poly_start[poly_k], c.poly_start[poly_k + 1]
        lengths = ends - starts + 1  # each closed: its first vertex again
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
        within = np.arange(int(offsets[-1])) - np.repeat(offsets[:-1], lengths)
        idx = np.repeat(starts, lengths) + np.where(within == np.repeat(lengths - 1, lengths), 0, within)
        parts.append(Polylines(sign * c.poly_xy[idx, 0], c.poly_xy[idx, 1], offsets))
    return paths.concat(parts) if parts else Polylines.empty()
