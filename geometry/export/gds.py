"""GDS2 and OASIS artwork with the ``klayout`` package, for wafer-level tooling shops.

One GDS layer per artwork (DXF) layer: layer number = its place in the artwork, datatype 0, the DXF layer's name
as the layer name (OASIS keeps it; GDS2 carries numbers only, the README of the package maps them). Circles become
polygons whose vertices lie on the circle and whose chords stay within ``output.chord_tol_mm``; each distinct
circle is one cell placed at every centre, so a million openings are a million instances of a few cells, not a
million polygons. Merged relief regions are polygons with holes, arcs densified within the same tolerance. The
database unit is 1 nm.

A repeated design (a wafer's dies, a carrier's units: :func:`geometry.derive.repetition.repetition`) is written
as the shop's own tools hold it: the unit's upper and lower layers once, in a cell named for the unit (``DIE``),
placed as regular cell arrays, one per rectangular run of units; the design's own layers (outline, marks, notes)
stay in the top cell. Flattened, the file is the flat file (tests compare them with klayout and another reader).
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from geometry.derive.repetition import Repeated, repetition
from geometry.export.artwork import Artwork, LayerArt, build_artwork
from geometry.export.layers import Role
from geometry.export.ringops import densified
from geometry.model.design import Design

FloatArray = NDArray[np.float64]

DBU_UM = 0.001


def circle_vertices(r_mm: float, chord_tol_mm: float) -> int:
    """Vertices of a polygon inscribed in a circle of radius ``r_mm`` whose sagitta is at most the tolerance."""
    if r_mm <= chord_tol_mm:
        return 8
    return max(8, math.ceil(math.pi / math.acos(1.0 - chord_tol_mm / r_mm)))


def _circle_cell(layout: Any, li: int, r_mm: float, chord_tol_mm: float, name: str) -> Any:
    import klayout.db as kdb

    cell = layout.create_cell(name)
    n = circle_vertices(r_mm, chord_tol_mm)
    a = 2.0 * np.pi * np.arange(n) / n
    r_dbu = r_mm * 1000.0 / DBU_UM
    pts = [kdb.Point(round(r_dbu * math.cos(t)), round(r_dbu * math.sin(t))) for t in a]
    cell.shapes(li).insert(kdb.Polygon(pts))
    return cell


def _draw_layer(layout: Any, cell: Any, li: int, la: LayerArt, chord_tol_mm: float, prefix: str) -> None:
    """One artwork layer into ``cell``: each distinct circle a cell of its own placed at every centre, merged
    regions as polygons with holes."""
    import klayout.db as kdb

    scale = 1000.0 / DBU_UM  # mm -> dbu
    c = la.circles
    if c.shape[0]:
        radii = np.round(c[:, 2] * scale).astype(np.int64)
        for k, r in enumerate(np.unique(radii)):
            circle = _circle_cell(layout, li, float(r) / scale, chord_tol_mm, f"{prefix}{la.layer.name}_C{k}")
            sel = radii == r
            xs = np.round(c[sel, 0] * scale).astype(np.int64).tolist()
            ys = np.round(c[sel, 1] * scale).astype(np.int64).tolist()
            ci = circle.cell_index()
            for x, y in zip(xs, ys, strict=True):
                cell.insert(kdb.CellInstArray(ci, kdb.Trans(kdb.Vector(x, y))))
    if la.n_regions:
        rs = densified(la.rings, chord_tol_mm)
        polys: dict[int, Any] = {}
        holes: list[tuple[int, list[Any]]] = []
        for k in range(len(rs)):
            xy = rs.xy[rs.start[k]:rs.start[k + 1]]
            pts = [kdb.Point(round(x * scale), round(y * scale)) for x, y in xy.tolist()]
            if rs.hole[k]:
                holes.append((int(rs.region[k]), pts))
            else:
                polys[int(rs.region[k])] = kdb.Polygon(pts)
        for region, pts in holes:
            polys[region].insert_hole(pts)
        for p in polys.values():
            cell.shapes(li).insert(p)


@dataclass(frozen=True, eq=False)
class UnitArt:
    """A repeated design as GDS wants it: one unit's artwork (cell ``name``) placed at ``offsets_mm`` (K, 2)."""

    art: Artwork
    offsets_mm: FloatArray
    name: str


def repeated_artwork(rep: Repeated) -> tuple[Artwork, list[UnitArt]] | None:
    """The design's own layers (outline, marks, notes) and one unit artwork per group of alike units, or None when
    a unit cell cannot stand for the artwork (mirrored lower side, segments only, a scaled artwork: the DXF block
    rule). The first group's cell is named for the unit word (DIE, UNIT); a unit type or a singled-out unit adds
    its label."""
    from geometry.derive.relief.merged import lower_relief
    from geometry.export.dxf_stream import _EmptyRelief, blocks_possible

    if not blocks_possible(rep.design):
        return None
    word = rep.layout.unit_word.upper()
    arts = [build_artwork(g.unit_design, lower_relief(g.unit_design)) for g in rep.groups]
    design_art = build_artwork(rep.design, _EmptyRelief.like(arts))
    units = []
    for k, (g, art) in enumerate(zip(rep.groups, arts, strict=True)):
        label = "".join(c if c.isalnum() or c in "_-" else "_" for c in g.label) if k else ""
        units.append(UnitArt(art, g.offsets_mm, f"{word}_{label}" if label else word))
    return design_art, units


def array_runs(offsets: NDArray[np.int64]) -> list[tuple[int, int, int, int, int, int]]:
    """Regular arrays covering integer offsets (K, 2) exactly once: (x0, y0, step_x, n_x, step_y, n_y) each.

    The offsets of a wafer's dies form a grid with holes (dies off the wafer, skipped units): each row is split
    into runs of one step, and equal runs of rows one step apart are stacked into two-dimensional arrays.
    """
    if offsets.shape[0] == 0:
        return []
    order = np.lexsort((offsets[:, 0], offsets[:, 1]))
    xs, ys = offsets[order, 0], offsets[order, 1]
    runs: list[tuple[int, int, int, int]] = []  # (y, x0, step, n) per row run
    for y in np.unique(ys).tolist():
        row = xs[ys == y]
        i = 0
        while i < row.shape[0]:
            if i + 1 == row.shape[0]:
                runs.append((y, int(row[i]), 0, 1))
                break
            step = int(row[i + 1] - row[i])
            j = i + 1
            while j + 1 < row.shape[0] and int(row[j + 1] - row[j]) == step:
                j += 1
            runs.append((y, int(row[i]), step, j - i + 1))
            i = j + 1
    # stack equal row runs (same x0, step, n) whose rows are evenly spaced
    by_shape: dict[tuple[int, int, int], list[int]] = {}
    for y, x0, step, n in runs:
        by_shape.setdefault((x0, step, n), []).append(y)
    out: list[tuple[int, int, int, int, int, int]] = []
    for (x0, step, n), rows in by_shape.items():
        i = 0
        while i < len(rows):
            j = i
            dy = rows[i + 1] - rows[i] if i + 1 < len(rows) else 0
            while j + 1 < len(rows) and rows[j + 1] - rows[j] == dy:
                j += 1
            out.append((x0, rows[i], step, n, dy if j > i else 0, j - i + 1))
            i = j + 1
    return out


def build_layout(art: Artwork, chord_tol_mm: float, top_name: str = "MASK",
                 units: Sequence[UnitArt] = ()) -> Any:
    """The klayout Layout of an artwork (see the module docstring).

    With ``units``, the upper and lower layers come from each group's unit artwork, drawn once in that unit's
    cell, and each cell is placed at its units as regular cell arrays (:func:`array_runs`); ``art`` then holds the
    design's own layers only.
    """
    import klayout.db as kdb

    layout = kdb.Layout()
    layout.dbu = DBU_UM
    top = layout.create_cell(top_name)
    cells = [layout.create_cell(u.name) for u in units]
    for number, la in enumerate(art.layers, start=1):
        li = layout.insert_layer(kdb.LayerInfo(number, 0, la.layer.name))
        if units and la.layer.role in (Role.UPPER, Role.LOWER):
            for u, cell in zip(units, cells, strict=True):
                if any(spec.name == la.layer.name for spec in u.art.specs):
                    _draw_layer(layout, cell, li, u.art.layer(la.layer.name), chord_tol_mm, f"{u.name}_")
        else:
            _draw_layer(layout, top, li, la, chord_tol_mm, "")
    scale = 1000.0 / DBU_UM
    for u, cell in zip(units, cells, strict=True):
        offsets = np.round(u.offsets_mm * scale).astype(np.int64)
        ci = cell.cell_index()
        for x0, y0, sx, nx, sy, ny in array_runs(offsets):
            top.insert(kdb.CellInstArray(ci, kdb.Trans(kdb.Vector(x0, y0)), kdb.Vector(sx, 0), kdb.Vector(0, sy),
                                         nx, ny))
    return layout


def write_design_gds(design: Design, art: Artwork, target: Path, fmt: str) -> Path:
    """The GDS2 or OASIS file of a design: with unit cell arrays when it repeats one unit, else flat."""
    rep = repetition(design)
    parts = repeated_artwork(rep) if isinstance(rep, Repeated) else None
    if parts is None:
        return write_gds(art, design.output.chord_tol_mm, target, fmt)
    return write_gds(parts[0], design.output.chord_tol_mm, target, fmt, units=parts[1])


def write_gds(art: Artwork, chord_tol_mm: float, target: Path, fmt: str = "gds", units: Sequence[UnitArt] = ()
              ) -> Path:
    """Write the artwork as GDS2 (``fmt`` gds) or OASIS, atomically (a temporary file renamed)."""
    import klayout.db as kdb

    layout = build_layout(art, chord_tol_mm, units=units)
    opts = kdb.SaveLayoutOptions()
    opts.format = "OASIS" if fmt == "oasis" else "GDS2"
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    os.close(fd)
    try:
        layout.write(tmp, opts)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
