"""The recognition step shared by every format: pad candidates of one layer -> named, snapped, round sites.

Order: mirror a bottom view; polygons that are circles become round pads (fitted centre and diameter); other
non-round pads are refused (the checks treat every pad as round), or, when asked, taken at their inscribed
diameter and listed; the grid is detected and on-grid pads snapped onto it; names come from the grid (JEDEC, A1 at
the chosen corner of the top view) or from the source; off-grid pads get generated names (``X1``, ``X2``: X is
not a JEDEC row letter, so they cannot clash) and are listed. Everything is vectorised over the pads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError
from geometry.base.names import row_name
from geometry.fileio.importers.base import SHAPE_NAMES, PadCandidates, Shape
from geometry.fileio.importers.circles import fit_circles
from geometry.fileio.importers.grid_fit import GridFit, fit_grid
from geometry.model.layouts import Recognition, SiteColumns

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Recognised:
    """The sites recognised on one layer, and what the report says about them."""

    layer: str
    columns: SiteColumns
    pad_mm: float
    grid: GridFit | None
    size_classes: tuple[tuple[float, int], ...]
    polygons_as_circles: int
    inscribed: tuple[str, ...]
    off_grid: tuple[str, ...]
    depopulated: tuple[str, ...]
    names_from: str
    mirrored: bool
    rotation_deg: int = 0
    rotation_from: str = "default"
    """Where the rotation came from: ``chosen`` (the settings), ``names`` (the source's JEDEC names), ``default``."""

    @property
    def largest_snap_mm(self) -> float:
        """The largest move onto the grid."""
        return self.grid.largest_snap_mm if self.grid is not None else 0.0


def _round_pads(c: PadCandidates, settings: Recognition, non_round: str
                ) -> tuple[FloatArray, FloatArray, FloatArray, int, NDArray[np.bool_]]:
    """Centres and diameters of every pad, polygons fitted; the count of polygons taken as circles."""
    x, y = c.x_mm.copy(), c.y_mm.copy()
    d = np.minimum(c.w_mm, c.h_mm)
    shape = c.shape.copy()
    fit = fit_circles(c.poly_xy, c.poly_start, settings.circle_tol_mm)
    rows = c.poly_row[fit.round]
    x[rows], y[rows], d[rows] = fit.cx[fit.round], fit.cy[fit.round], 2.0 * fit.r[fit.round]
    shape[rows] = Shape.ROUND
    not_round = shape != Shape.ROUND
    # A square flash is not a circle, but a rectangle of equal sides drawn as an "obround" is.
    not_round &= ~((shape == Shape.OBROUND) & np.isclose(c.w_mm, c.h_mm, rtol=0, atol=settings.circle_tol_mm))
    if not_round.any() and non_round != "inscribed":
        i = int(np.flatnonzero(not_round)[0])
        kinds = sorted({SHAPE_NAMES[Shape(int(k))] for k in shape[not_round]})
        dev = ""
        if shape[i] == Shape.POLYGON:
            k = int(np.flatnonzero(c.poly_row == i)[0])
            dev = f", {1000 * fit.deviation[k]:.2f} um from its best circle"
        raise DesignError(
            f"layer {c.layer}", f"{SHAPE_NAMES[Shape(int(shape[i]))]} at ({x[i]:.4f}, {y[i]:.4f}) mm",
            f"{int(not_round.sum())} pads are not round ({', '.join(kinds)}){dev}; the mask's checks treat pads "
            f"as round: raise the circle tolerance or import them at their inscribed diameter (--non-round "
            f"inscribed)",
        )
    return x, y, d, int(fit.round.sum()), not_round


def _size_classes(d: FloatArray) -> tuple[tuple[float, int], ...]:
    """Diameters (to 0.1 um) and how many pads have each, largest class first."""
    q = np.round(d * 1e4) / 1e4
    values, counts = np.unique(q, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return tuple((float(values[i]), int(counts[i])) for i in order)


def grid_names_of(grid: GridFit, a1: str, rotation_deg: int = 0) -> NDArray[np.str_]:
    """JEDEC names of the on-grid pads (empty for the others), A1 at the corner ``a1`` of the top view.

    Rotation 0: the letters count rows along y and the numbers columns along x, both away from the A1 corner;
    rotation 90 (a footprint placed turned): the letters count along x and the numbers along y. On a staggered
    grid the numbers count every other position of the fine axis.
    """
    on = grid.on_grid
    from_x = np.where(on, grid.cols - 1 - grid.col, -1) if a1.endswith("right") else grid.col.copy()
    from_y = np.where(on, grid.rows - 1 - grid.row, -1) if a1.startswith("top") else grid.row.copy()
    row, col = (from_x, from_y) if rotation_deg == 90 else (from_y, from_x)
    if grid.staggered:
        col = np.where(on, col // 2, -1)
    n_rows = int(row.max()) + 1 if on.any() else 0
    n_cols = int(col.max()) + 1 if on.any() else 0
    letters = np.array([row_name(r) for r in range(n_rows)] or [""], dtype=np.str_)
    numbers = (np.arange(max(n_cols, 1)) + 1).astype(np.str_)  # one text per column, gathered per pad
    names = np.strings.add(letters[np.maximum(row, 0)], numbers[np.maximum(col, 0)])
    return np.where(on, names, "")


_JEDEC = re.compile(r"^([A-Z]+)([0-9]+)$")
_ROTATION_SAMPLE = 4000


def rotation_from_names(grid: GridFit, names: NDArray[np.str_]) -> int | None:
    """0 or 90 when the source's own JEDEC names (``B12``) tell which way its rows run, else None.

    A row is the pads of one letter: they share one grid row at rotation 0 and one grid column at 90. A strided
    sample of on-grid pads is enough to tell.
    """
    idx = np.flatnonzero(grid.on_grid)
    if idx.shape[0] < 4:
        return None
    idx = idx[:: max(1, idx.shape[0] // _ROTATION_SAMPLE)]
    parsed = [_JEDEC.match(str(n)) for n in names[idx].tolist()]
    keep = np.array([m is not None for m in parsed])
    if keep.sum() < 4:
        return None
    letters = np.array([m.group(1) for m in parsed if m is not None])
    idx = idx[keep]
    _, group = np.unique(letters, return_inverse=True)

    def one_line_per_letter(pos: NDArray[np.int64]) -> bool:
        pairs = np.unique(np.stack([group, pos[idx]], axis=1), axis=0)
        return bool(pairs.shape[0] == np.unique(group).shape[0] and np.unique(pos[idx]).shape[0] > 1)

    along_x, along_y = one_line_per_letter(grid.row), one_line_per_letter(grid.col)
    if along_x == along_y:
        return None
    return 0 if along_x else 90


def _depopulated(grid: GridFit, a1: str, rotation_deg: int) -> tuple[str, ...]:
    """Names of the grid positions inside the array that have no pad."""
    occupied = np.zeros((grid.rows, grid.cols), bool)
    occupied[grid.row[grid.on_grid], grid.col[grid.on_grid]] = True
    rr, cc = np.nonzero(~occupied)
    if grid.staggered:
        keep = (rr + cc) % 2 == grid.parity
        rr, cc = rr[keep], cc[keep]
    if rr.shape[0] == 0:
        return ()
    n = rr.shape[0]
    probe = GridFit(grid.pitch_x_mm, grid.pitch_y_mm, grid.origin_x_mm, grid.origin_y_mm, grid.staggered,
                    grid.parity, grid.cols, grid.rows, cc.astype(np.int64), rr.astype(np.int64),
                    np.ones(n, bool), np.zeros(n), np.zeros(n))
    return tuple(grid_names_of(probe, a1, rotation_deg).tolist())


def _rotation(grid: GridFit | None, settings: Recognition, names: NDArray[np.str_] | None) -> tuple[int, str]:
    """The rotation of the names and where it came from (see :class:`Recognised`)."""
    if settings.rotation_deg is not None:
        return int(settings.rotation_deg), "chosen"
    if grid is not None and names is not None:
        told = rotation_from_names(grid, names)
        if told is not None:
            return told, "names"
    return 0, "default"


def recognise(c: PadCandidates, settings: Recognition | None = None, *, non_round: str = "refuse") -> Recognised:
    """Recognise the pads of one layer (see the module docstring)."""
    settings = settings or Recognition()
    if len(c) == 0:
        raise DesignError(f"layer {c.layer}", c.layer, "has no pads")
    mirrored = settings.view == "bottom"
    if mirrored:
        c = c.mirrored_x()
    x, y, d, as_circles, not_round = _round_pads(c, settings, non_round)
    as_circles += c.fitted
    grid = fit_grid(x, y, settings.snap_tol_mm)
    source_names = c.names
    has_source = bool(np.all(np.char.str_len(source_names) > 0)) and len(set(source_names.tolist())) == len(c)
    use_source = settings.naming == "source" or (settings.naming == "auto" and has_source)
    if settings.naming == "source" and not has_source:
        raise DesignError(f"layer {c.layer}", "naming source",
                          "not every pad of the source has a name of its own (or names repeat): name from the grid")
    if grid is not None:
        x = x + grid.snap_x
        y = y + grid.snap_y
        on = grid.on_grid
    else:
        on = np.zeros(len(c), bool)
    rotation, rotation_from = _rotation(grid, settings, source_names if has_source else None)
    off_idx = np.flatnonzero(~on)
    if use_source:
        names = source_names
    else:
        names = grid_names_of(grid, settings.a1, rotation) if grid is not None else np.full(len(c), "", dtype="<U1")
        generated = np.char.add("X", (np.arange(off_idx.shape[0]) + 1).astype(np.str_))
        names = names.astype(f"<U{max(names.dtype.itemsize // 4, generated.dtype.itemsize // 4, 1)}")
        names[off_idx] = generated
        if grid is not None:
            cell = grid.row[on] * grid.cols + grid.col[on]
            _, first, counts = np.unique(cell, return_index=True, return_counts=True)
            if (counts > 1).any():
                j = np.flatnonzero(on)[first[int(np.flatnonzero(counts > 1)[0])]]
                raise DesignError(f"layer {c.layer}", str(names[j]),
                                  f"two pads are on one grid position ({x[j]:.4f}, {y[j]:.4f}) mm")
    depop = _depopulated(grid, settings.a1, rotation) if grid is not None else ()
    classes = _size_classes(d)
    pad_mm = classes[0][0]
    own = np.where(np.abs(d - pad_mm) <= 0.5e-4, np.nan, d)  # the most common size is the design's pad
    cols = SiteColumns(names, x, y, own)
    return Recognised(c.layer, cols, pad_mm, grid, classes, as_circles,
                      tuple(names[not_round].tolist()), tuple(names[off_idx].tolist()) if grid is not None else (),
                      depop, "source" if use_source else "grid", mirrored, rotation, rotation_from)
