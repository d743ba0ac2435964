"""What every pad reader returns: the pad candidates of each layer of a source file, in mm, as arrays.

One reader per format (``gds.py``, ``gerber.py``, ``dxf.py``, ...) turns a customer's file into
:class:`SourceData`; the recognition step (:mod:`geometry.fileio.importers.recognise`) is shared by all of them.
A candidate is a round pad (centre, diameter), a rectangle or obround (centre, width, height, rotation), or a
polygon (its outline, kept so that recognition can tell a 32-gon drawn for a circle from a real polygon).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError

FloatArray = NDArray[np.float64]

UNIT_MM: dict[str, float] = {"nm": 1e-6, "um": 1e-3, "mm": 1.0, "inch": 25.4, "mil": 0.0254}
"""Millimetres per unit, for every unit a source may be read in."""


class Shape(IntEnum):
    """The shape of one pad candidate."""

    ROUND = 0
    RECT = 1
    OBROUND = 2
    POLYGON = 3


SHAPE_NAMES = {Shape.ROUND: "round", Shape.RECT: "rectangle", Shape.OBROUND: "obround", Shape.POLYGON: "polygon"}


@dataclass(frozen=True, eq=False)
class PadCandidates:
    """The pads found on one layer, one row each (mm).

    ``w_mm``/``h_mm``: diameter of a round pad (both), sides of a rectangle or obround, bounding box of a
    polygon. Polygon outlines are ragged: the vertices of polygon ``k`` are ``poly_xy[poly_start[k]:
    poly_start[k + 1]]`` and it is row ``poly_row[k]``. ``names`` and ``nets`` are empty strings where the format
    has none.
    """

    layer: str
    x_mm: FloatArray
    y_mm: FloatArray
    shape: NDArray[np.uint8]
    w_mm: FloatArray
    h_mm: FloatArray
    rot_deg: FloatArray
    names: NDArray[np.str_]
    nets: NDArray[np.str_]
    poly_xy: FloatArray = field(default_factory=lambda: np.zeros((0, 2)))
    poly_start: NDArray[np.intp] = field(default_factory=lambda: np.zeros(1, np.intp))
    poly_row: NDArray[np.intp] = field(default_factory=lambda: np.zeros(0, np.intp))
    fitted: int = 0
    """Round rows the reader already fitted from polygons (hierarchical GDS fits a cell's polygon once)."""

    def __len__(self) -> int:
        return int(self.x_mm.shape[0])

    def scaled(self, factor: float) -> PadCandidates:
        """The same pads with every length multiplied by ``factor`` (a unit override)."""
        return PadCandidates(self.layer, self.x_mm * factor, self.y_mm * factor, self.shape, self.w_mm * factor,
                             self.h_mm * factor, self.rot_deg, self.names, self.nets, self.poly_xy * factor,
                             self.poly_start, self.poly_row, self.fitted)

    def mirrored_x(self) -> PadCandidates:
        """Mirrored about the y axis (x -> -x): a bottom view seen from the top."""
        xy = self.poly_xy.copy()
        xy[:, 0] *= -1.0
        return PadCandidates(self.layer, -self.x_mm, self.y_mm, self.shape, self.w_mm, self.h_mm, -self.rot_deg,
                             self.names, self.nets, xy, self.poly_start, self.poly_row, self.fitted)


class CandidateBuilder:
    """Collects pads of one layer from a reader's loop (or its arrays) and makes :class:`PadCandidates`."""

    def __init__(self, layer: str) -> None:
        self.layer = layer
        self._cols: list[list[NDArray[np.generic]]] = []
        self._polys: list[tuple[FloatArray, NDArray[np.intp], NDArray[np.intp]]] = []
        self._n = 0
        self.fitted = 0

    def __len__(self) -> int:
        return self._n

    def add(self, x: FloatArray | float, y: FloatArray | float, shape: Shape, w: FloatArray | float,
            h: FloatArray | float, rot: FloatArray | float = 0.0, name: NDArray[np.str_] | str = "",
            net: NDArray[np.str_] | str = "") -> None:
        """Pads of one shape (scalars or arrays broadcast to the length of ``x``)."""
        xa = np.atleast_1d(np.asarray(x, np.float64))
        n = xa.shape[0]

        def full(v: object, dtype: type) -> NDArray[np.generic]:
            return np.broadcast_to(np.asarray(v, dtype), (n,)).copy()

        self._cols.append([xa, full(y, np.float64), full(int(shape), np.uint8), full(w, np.float64),
                           full(h, np.float64), full(rot, np.float64), full(name, np.str_), full(net, np.str_)])
        self._n += n

    def add_polygon(self, xy: FloatArray, name: str = "", net: str = "") -> None:
        """One polygon pad (vertices in order, closing vertex optional)."""
        xy = np.asarray(xy, np.float64).reshape(-1, 2)
        if xy.shape[0] > 1 and np.array_equal(xy[0], xy[-1]):
            xy = xy[:-1]
        if xy.shape[0] < 3:
            return
        self.add_polygons(xy, np.array([0, xy.shape[0]], np.intp), name, net)

    def add_polygons(self, xy: FloatArray, start: NDArray[np.intp], names: NDArray[np.str_] | str = "",
                     nets: NDArray[np.str_] | str = "") -> None:
        """Many polygons at once (ragged: polygon k is ``xy[start[k]:start[k + 1]]``, no closing vertex)."""
        k = start.shape[0] - 1
        if k <= 0:
            return
        lo_x = np.minimum.reduceat(xy[:, 0], start[:-1])
        hi_x = np.maximum.reduceat(xy[:, 0], start[:-1])
        lo_y = np.minimum.reduceat(xy[:, 1], start[:-1])
        hi_y = np.maximum.reduceat(xy[:, 1], start[:-1])
        self._polys.append((xy, start, np.arange(self._n, self._n + k, dtype=np.intp)))
        self.add((lo_x + hi_x) / 2, (lo_y + hi_y) / 2, Shape.POLYGON, hi_x - lo_x, hi_y - lo_y, 0.0, names, nets)

    def build(self) -> PadCandidates:
        """The collected pads."""
        if not self._cols:
            e = np.zeros(0)
            return PadCandidates(self.layer, e, e, np.zeros(0, np.uint8), e, e, e, np.zeros(0, np.str_),
                                 np.zeros(0, np.str_))
        cols = [np.concatenate([c[i] for c in self._cols]) for i in range(8)]
        xy_parts, start_parts, row_parts = [], [np.zeros(1, np.intp)], []
        offset = 0
        for xy, start, rows in self._polys:
            xy_parts.append(xy)
            start_parts.append(start[1:] + offset)
            row_parts.append(rows)
            offset += xy.shape[0]
        return PadCandidates(
            self.layer, cols[0].astype(np.float64), cols[1].astype(np.float64), cols[2].astype(np.uint8),
            cols[3].astype(np.float64), cols[4].astype(np.float64), cols[5].astype(np.float64),
            cols[6].astype(np.str_), cols[7].astype(np.str_),
            np.concatenate(xy_parts) if xy_parts else np.zeros((0, 2)),
            np.concatenate(start_parts).astype(np.intp),
            np.concatenate(row_parts).astype(np.intp) if row_parts else np.zeros(0, np.intp), self.fitted)


@dataclass(frozen=True, eq=False)
class SourceData:
    """Everything a reader found in one file: its pads per layer, the unit it was read in, its hash."""

    file: str
    format: str
    unit: str
    sha256: str
    layers: dict[str, PadCandidates]
    notes: tuple[str, ...] = ()

    def layer(self, name: str | None) -> PadCandidates:
        """The pads of the chosen layer; with no choice, the one layer that has pads (else an error naming them)."""
        with_pads = {k: v for k, v in self.layers.items() if len(v)}
        if name is None:
            if len(with_pads) == 1:
                return next(iter(with_pads.values()))
            if not with_pads:
                raise DesignError(self.file, self.format, "no layer of the file has pads")
            listing = ", ".join(f"{k} ({len(v)} pads)" for k, v in with_pads.items())
            raise DesignError(self.file, None, f"several layers have pads: {listing}; choose one with --layer")
        if name not in self.layers:
            known = ", ".join(self.layers) or "none"
            raise DesignError(f"{self.file} layer {name}", name, f"is not a layer of the file; its layers: {known}")
        if not len(self.layers[name]):
            raise DesignError(f"{self.file} layer {name}", name, "has no pads")
        return self.layers[name]


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or a :class:`DesignError` naming it."""
    try:
        return path.read_bytes()
    except OSError as e:
        raise DesignError(str(path), path.name, f"cannot read the file: {e.strerror or e}") from None
