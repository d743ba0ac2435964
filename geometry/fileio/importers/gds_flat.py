"""A numpy reader for the one GDS2 shape that is too slow through klayout: a flat cell of a million polygons.

A CAM tool that flattens a wafer writes one structure holding a BOUNDARY per pad. klayout reads such a file in a
second, but handing its million polygons to Python costs a call per polygon and one per vertex (tens of
seconds). GDS2 is a plain sequence of records (a 2-byte length, a record type, a data type, big-endian data), so
this module walks the records itself and takes runs of boundaries as numpy strides: after one boundary of ``S``
bytes it guesses that the next ones have the same record layout, checks every guessed record header at once and
keeps the run up to the first that differs (then parses that one record by record). Each accepted element was
reached by following the chain of record lengths from a real record, so a run is never a false match.

It reads only what it fully understands: one structure of boundaries (and texts, which carry no pads). A file
with references, arrays, boxes, paths or nodes returns None, and :mod:`.gds` reads it hierarchically with klayout.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]

_HEADER, _BGNLIB, _UNITS, _ENDLIB, _BGNSTR, _ENDSTR = 0x00, 0x01, 0x03, 0x04, 0x05, 0x07
_BOUNDARY, _PATH, _SREF, _AREF, _TEXT, _LAYER, _DATATYPE, _XY, _ENDEL = 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, \
    0x10, 0x11
_TEXTTYPE, _NODE, _BOX = 0x16, 0x15, 0x2D
_ELEMENT_STARTS = {_BOUNDARY, _PATH, _SREF, _AREF, _TEXT, _NODE, _BOX}
_UNSUPPORTED = {_PATH, _SREF, _AREF, _NODE, _BOX}
_FIRST_RUN = 64


@dataclass(frozen=True, eq=False)
class FlatGds:
    """The boundaries of a flat GDS2 file, in database units.

    Boundary ``k`` is on layer ``layer[k]``/``datatype[k]``; its vertices (closing vertex dropped) are
    ``xy[start[k]:start[k + 1]]``. ``text_layers`` are layers that hold only texts (listed, with no pads).
    """

    dbu_um: float
    layer: IntArray
    datatype: IntArray
    xy: NDArray[np.int32]
    start: NDArray[np.intp]
    text_layers: tuple[tuple[int, int], ...]


def _gds_real(b: bytes) -> float:
    """An 8-byte GDS2 real: sign bit, excess-64 base-16 exponent, 56-bit mantissa."""
    v = int.from_bytes(b, "big")
    sign = -1.0 if v >> 63 else 1.0
    exponent = ((v >> 56) & 0x7F) - 64
    mantissa = v & ((1 << 56) - 1)
    return sign * mantissa / float(1 << 56) * 16.0 ** exponent


class _NotFlatError(Exception):
    """The file holds something this reader leaves to klayout."""


class _Walk:
    """The record walk over one file's bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.buf = np.frombuffer(data, np.uint8)
        self.n = len(data)
        self.dbu_um = 0.0
        self.layers: list[IntArray] = []
        self.types: list[IntArray] = []
        self.xys: list[NDArray[np.int32]] = []  # (k, vertices, 2) big-endian views into the file
        self.counts: list[IntArray] = []
        self.text_layers: dict[tuple[int, int], None] = {}

    def record(self, p: int) -> tuple[int, int, int]:
        """(length, record type, offset of the data) of the record at ``p``."""
        if p + 4 > self.n:
            raise _NotFlatError
        length, rtype = struct.unpack_from(">HB", self.data, p)
        if length < 4 or p + length > self.n:
            raise _NotFlatError
        return length, rtype, p + 4

    def run(self) -> None:
        """Walk the library: header, units, one structure, end."""
        p = 0
        structures = 0
        while True:
            length, rtype, d = self.record(p)
            if rtype == _UNITS and length == 20:
                self.dbu_um = _gds_real(self.data[d + 8:d + 16]) * 1e6
            elif rtype == _BGNSTR:
                structures += 1
                if structures > 1:
                    raise _NotFlatError
                p = self.structure(p + length)
                continue
            elif rtype == _ENDLIB:
                break
            elif rtype in _ELEMENT_STARTS:
                raise _NotFlatError
            p += length
        if self.dbu_um <= 0 or structures != 1:
            raise _NotFlatError

    def structure(self, p: int) -> int:
        """Walk one structure's elements; the offset after its ENDSTR."""
        while True:
            length, rtype, _ = self.record(p)
            if rtype == _ENDSTR:
                return p + length
            if rtype == _BOUNDARY:
                p = self.boundaries(p)
            elif rtype == _TEXT:
                p = self.text(p)
            elif rtype in _UNSUPPORTED:
                raise _NotFlatError
            else:  # STRNAME, STRCLASS and other structure records
                p += length

    def element(self, p: int) -> tuple[int, dict[int, tuple[int, int]]]:
        """The records of the element at ``p`` up to its ENDEL: (offset after it, {type: (data offset, length)})."""
        seen: dict[int, tuple[int, int]] = {}
        length, _, _ = self.record(p)
        p += length
        while True:
            length, rtype, d = self.record(p)
            p += length
            if rtype == _ENDEL:
                return p, seen
            if rtype in _ELEMENT_STARTS or rtype == _ENDSTR:
                raise _NotFlatError
            seen[rtype] = (d, length - 4)

    def text(self, p: int) -> int:
        end, seen = self.element(p)
        if _LAYER in seen and _TEXTTYPE in seen:
            (dl, _), (dt, _) = seen[_LAYER], seen[_TEXTTYPE]
            key = (struct.unpack_from(">h", self.data, dl)[0], struct.unpack_from(">h", self.data, dt)[0])
            self.text_layers[key] = None
        return end

    def boundaries(self, p: int) -> int:
        """One boundary parsed record by record, then as long a run of boundaries like it as the bytes allow."""
        end, seen = self.element(p)
        if _LAYER not in seen or _DATATYPE not in seen or _XY not in seen:
            raise _NotFlatError
        (dl, _), (dd, _), (dx, lx) = seen[_LAYER], seen[_DATATYPE], seen[_XY]
        self.take(self.rows(dl, 1, 2), self.rows(dd, 1, 2), dx, 1, 0, lx)
        plain = (dl == p + 8 and dd == p + 14 and dx == p + 20 and end == dx + lx + 4)
        if not plain:
            return end
        return self.stride(end, end - p, lx)

    def rows(self, p: int, k: int, width: int, step: int = 0) -> NDArray[np.uint8]:
        """``k`` byte rows of ``width`` bytes, ``step`` bytes apart from ``p``: a strided view, nothing copied."""
        return np.lib.stride_tricks.as_strided(self.buf[p:], shape=(k, width), strides=(step, 1), writeable=False)

    def stride(self, p: int, size: int, lx: int) -> int:
        """Boundaries of ``size`` bytes (BOUNDARY, LAYER, DATATYPE, XY of ``lx`` bytes, ENDEL) from ``p`` on."""
        want = np.array([0, 4, _BOUNDARY, 0, 0, 6, _LAYER, 2, 0, 6, _DATATYPE, 2,
                         (lx + 4) >> 8, (lx + 4) & 0xFF, _XY, 3], np.uint8)
        at = np.array([0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 16, 17, 18, 19], np.int64)
        tail = np.array([0, 4, _ENDEL, 0], np.uint8)
        tail_at = 20 + lx + np.arange(4)
        chunk = _FIRST_RUN
        while True:
            k = min(chunk, (self.n - p) // size)
            if k <= 0:
                return p
            elems = self.rows(p, k, size, size)
            ok = (elems[:, at] == want).all(axis=1) & (elems[:, tail_at] == tail).all(axis=1)
            bad = np.flatnonzero(~ok)
            good = int(bad[0]) if bad.shape[0] else k
            if good:
                self.take(self.rows(p + 8, good, 2, size), self.rows(p + 14, good, 2, size), p + 20, good, size, lx)
            p += good * size
            if good < k:
                return p
            chunk *= 4

    def take(self, layer: NDArray[np.uint8], datatype: NDArray[np.uint8], dx: int, k: int, step: int,
             lx: int) -> None:
        """``k`` boundaries ``step`` bytes apart: the bytes of their LAYER and DATATYPE data, and the offset of the
        first one's XY data (``lx`` bytes each). The vertices are read through one strided big-endian view."""
        npts = lx // 8
        if npts < 4 or lx % 8:
            raise _NotFlatError
        self.layers.append(np.ascontiguousarray(layer).view(">i2").ravel().astype(np.int64))
        self.types.append(np.ascontiguousarray(datatype).view(">i2").ravel().astype(np.int64))
        be = np.frombuffer(self.data, ">i4", count=(self.n - dx) // 4, offset=dx)
        view = np.lib.stride_tricks.as_strided(be, shape=(k, npts, 2), strides=(step, 8, 4), writeable=False)
        closed = (view[:, 0] == view[:, -1]).all(axis=1)
        if closed.all():
            self.counts.append(np.full(k, npts - 1, np.int64))
            self.xys.append(view[:, :-1])  # still the file's bytes: converted once, when joined
        else:  # unclosed boundaries (not valid GDS2, but klayout reads them): keep their last vertex
            keep = np.ones((k, npts), bool)
            keep[:, -1] = ~closed
            self.counts.append(keep.sum(axis=1).astype(np.int64))
            self.xys.append(view[keep].reshape(-1, 1, 2))


def read_flat_gds(data: bytes) -> FlatGds | None:
    """The boundaries of a flat GDS2 file (see the module docstring); None for anything else."""
    if data[:4] != b"\x00\x06\x00\x02":
        return None
    walk = _Walk(data)
    try:
        walk.run()
    except (_NotFlatError, struct.error):
        return None
    counts = np.concatenate(walk.counts) if walk.counts else np.zeros(0, np.int64)
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp)
    xy = (np.concatenate(walk.xys, axis=None, dtype=np.int32).reshape(-1, 2) if walk.xys
          else np.zeros((0, 2), np.int32))
    layer = np.concatenate(walk.layers) if walk.layers else np.zeros(0, np.int64)
    datatype = np.concatenate(walk.types) if walk.types else np.zeros(0, np.int64)
    return FlatGds(walk.dbu_um, layer, datatype, xy, start, tuple(walk.text_layers))
