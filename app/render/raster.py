"""Discs rasterised with numpy: the top view's picture of a layer when many openings share a pixel.

Pure numpy up to :func:`to_qimage` (so a raster can be built off the GUI thread). Every disc stamps the signed
distance to its rim, in pixels (positive inside), into one float32 image with ``np.maximum.at``: the maximum over
discs is the signed distance to the boundary of their union, so overlapping lower circles come out merged and
the metal islands between them stay clear (holes are kept wherever they are wider than a pixel). A lookup table
turns that distance into an antialiased fill (the layer's brush) and a one-pixel rim (the layer's pen).
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from PySide6 import QtGui

FloatArray = NDArray[np.float64]

CHUNK = 1 << 16  # stamp pixels per chunk: bounds the temporary memory, and how long one np.maximum.at holds
#                  the GIL (a background build must not stall the GUI thread's paint for more than ~1 ms)
LUT_STEPS = 64  # lookup-table entries per pixel of distance
LUT_FROM = -1.5  # distances below this (pixels outside every rim) are transparent
PAUSE_MAX_S = 0.05  # a background build waits at most this long for one paint of the GUI thread
BIG_DISC_PX = 40.0  # discs larger than this are left to QPainter (a stamp per disc would be wasteful)


@dataclass(frozen=True)
class Frame:
    """Where a raster lies: pixel (i, j) covers x0 + [i, i+1) * mm_per_px, y0 + [j, j+1) * mm_per_px."""

    x0: float
    y0: float
    mm_per_px: float
    width: int
    height: int

    @staticmethod
    def covering(x0: float, y0: float, x1: float, y1: float, long_side_px: int) -> Frame:
        """A frame of about ``long_side_px`` along the longer side of the rectangle, with a 2-pixel margin."""
        span = max(x1 - x0, y1 - y0, 1e-9)
        s = span / max(long_side_px - 4, 1)
        return Frame(x0 - 2 * s, y0 - 2 * s, s, math.ceil((x1 - x0) / s) + 4, math.ceil((y1 - y0) / s) + 4)


_GUI_IDLE = threading.Event()
_GUI_IDLE.set()
_gui_depth = [0]


@contextlib.contextmanager
def gui_painting() -> Iterator[None]:
    """Around a paint (or a zoom) of the GUI thread: background rasterisation pauses at its next chunk, so the
    frame does not share the GIL with it (``np.maximum.at`` holds it)."""
    _gui_depth[0] += 1
    _GUI_IDLE.clear()
    try:
        yield
    finally:
        _gui_depth[0] -= 1
        if _gui_depth[0] == 0:
            _GUI_IDLE.set()


def pause_for_gui() -> None:
    """Between chunks of background work: wait (up to ``PAUSE_MAX_S``) while the GUI thread paints. A no-op on
    the GUI thread itself."""
    if not _GUI_IDLE.is_set() and threading.current_thread() is not threading.main_thread():
        _GUI_IDLE.wait(PAUSE_MAX_S)


def signed_distance(frame: Frame, x: FloatArray, y: FloatArray, r: FloatArray) -> NDArray[np.float32]:
    """(height, width) float32: max over discs of (radius - distance to the centre), in pixels, at pixel centres.

    Pixels farther than 1.5 px from every disc hold less than ``LUT_FROM``. Discs wider than ``BIG_DISC_PX`` are
    skipped (see :func:`big_discs`). Stamps are written into a padded image, so no bounds test per pixel.
    """
    s = frame.mm_per_px
    px = (np.asarray(x, dtype=np.float64) - frame.x0) / s
    py = (np.asarray(y, dtype=np.float64) - frame.y0) / s
    rp = np.broadcast_to(np.asarray(r, dtype=np.float64), px.shape) / s
    keep = (rp <= BIG_DISC_PX) & (px > -BIG_DISC_PX) & (px < frame.width + BIG_DISC_PX) \
        & (py > -BIG_DISC_PX) & (py < frame.height + BIG_DISC_PX)
    px, py, rp = px[keep], py[keep], rp[keep]
    if px.size == 0:
        return np.full((frame.height, frame.width), LUT_FROM - 1.0, dtype=np.float32)
    # stamp half-size per disc (pixel centres up to 1.5 px outside the rim), grouped so a stamp fits its disc
    half = np.floor(rp + 2.0).astype(np.intp)
    pad = int(half.max()) + int(BIG_DISC_PX) + 2
    wp, hp = frame.width + 2 * pad, frame.height + 2 * pad
    out = np.full(wp * hp, LUT_FROM - 1.0, dtype=np.float32)
    bx_all = np.floor(px).astype(np.int64)
    by_all = np.floor(py).astype(np.int64)
    fx_all = (px - bx_all).astype(np.float32)
    fy_all = (py - by_all).astype(np.float32)
    rp32 = rp.astype(np.float32)
    for k in np.unique(half).tolist():
        sel = np.flatnonzero(half == k)
        o = np.arange(-k, k + 1)
        ox, oy = (a.ravel() for a in np.meshgrid(o, o))
        cx = (ox + 0.5).astype(np.float32)
        cy = (oy + 0.5).astype(np.float32)
        rel = (oy * wp + ox).astype(np.int64)
        per = max(1, CHUNK // ox.size)
        for c0 in range(0, sel.size, per):
            pause_for_gui()
            ids = sel[c0:c0 + per]
            dx = cx[None, :] - fx_all[ids][:, None]
            dy = cy[None, :] - fy_all[ids][:, None]
            dx *= dx
            dy *= dy
            dx += dy
            np.sqrt(dx, out=dx)
            val = rp32[ids][:, None] - dx
            base = (by_all[ids] + pad) * wp + (bx_all[ids] + pad)
            np.maximum.at(out, (base[:, None] + rel[None, :]).ravel(), val.ravel())
    return out.reshape(hp, wp)[pad:pad + frame.height, pad:pad + frame.width]


def big_discs(frame: Frame, r: FloatArray) -> NDArray[np.bool_]:
    """Which discs :func:`signed_distance` leaves out (to be painted as ellipses)."""
    return np.asarray(r, dtype=np.float64) / frame.mm_per_px > BIG_DISC_PX


def colour_table(pen: tuple[int, int, int, int], brush: tuple[int, int, int, int] | None,
                 pen_px: float = 1.0) -> NDArray[np.uint32]:
    """ARGB32-premultiplied colour for each lookup index (a signed distance, see :func:`colourise`)."""
    d = LUT_FROM + np.arange(256) / LUT_STEPS
    fill = np.clip(d + 0.5, 0.0, 1.0)
    edge = np.clip(pen_px / 2.0 + 0.5 - np.abs(d), 0.0, 1.0)
    pr, pg, pb, pa = pen
    if brush is None:
        col = np.stack([np.full(256, pr), np.full(256, pg), np.full(256, pb)], axis=1).astype(np.float64)
        alpha = edge * pa
    else:
        br, bg, bb, ba = brush
        # pen over brush, both straight colours; alpha composited
        a_b = fill * (1.0 - edge) * ba
        a_p = edge * pa
        alpha = a_p + a_b * (1.0 - a_p / 255.0)
        w = np.where(alpha > 0, a_p / np.maximum(alpha, 1e-9), 0.0)
        col = np.outer(w, [pr, pg, pb]) + np.outer(1.0 - w, [br, bg, bb])
    alpha = np.clip(alpha, 0, 255)
    pm = col * (alpha[:, None] / 255.0)
    u = np.uint32
    argb: NDArray[np.uint32] = ((np.rint(alpha).astype(u) << u(24)) | (np.rint(pm[:, 0]).astype(u) << u(16))
                                | (np.rint(pm[:, 1]).astype(u) << u(8)) | np.rint(pm[:, 2]).astype(u))
    return argb


def colourise(dist: NDArray[np.float32], table: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """(height, width) ARGB32-premultiplied pixels from signed distances through the colour table."""
    idx = np.clip((dist - LUT_FROM) * LUT_STEPS, 0, 255).astype(np.uint8)
    pixels: NDArray[np.uint32] = table[idx]
    return pixels


def to_qimage(pixels: NDArray[np.uint32]) -> QtGui.QImage:
    """A QImage over the pixel array (shares the memory; keep the array alive as long as the image)."""
    from PySide6 import QtGui

    h, w = pixels.shape
    return QtGui.QImage(pixels.data, w, h, w * 4, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
