"""GDS2 and OASIS artwork with the ``klayout`` package, for wafer-level tooling shops.

One GDS layer per artwork (DXF) layer: layer number = its place in the artwork, datatype 0, the DXF layer's name
as the layer name (OASIS keeps it; GDS2 carries numbers only, the README of the package maps them). Circles become
polygons whose vertices lie on the circle and whose chords stay within ``output.chord_tol_mm``; each distinct
circle is one cell placed at every centre, so a million openings are a million instances of a few cells, not a
million polygons. Merged relief regions are polygons with holes, arcs densified within the same tolerance. The
database unit is 1 nm.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from geometry.export.artwork import Artwork
from geometry.export.ringops import densified

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


def build_layout(art: Artwork, chord_tol_mm: float, top_name: str = "MASK") -> Any:
    """The klayout Layout of an artwork (see the module docstring)."""
    import klayout.db as kdb

    layout = kdb.Layout()
    layout.dbu = DBU_UM
    top = layout.create_cell(top_name)
    scale = 1000.0 / DBU_UM  # mm -> dbu
    for number, la in enumerate(art.layers, start=1):
        li = layout.insert_layer(kdb.LayerInfo(number, 0, la.layer.name))
        c = la.circles
        if c.shape[0]:
            radii = np.round(c[:, 2] * scale).astype(np.int64)
            for k, r in enumerate(np.unique(radii)):
                cell = _circle_cell(layout, li, float(r) / scale, chord_tol_mm, f"{la.layer.name}_C{k}")
                sel = radii == r
                xs = np.round(c[sel, 0] * scale).astype(np.int64).tolist()
                ys = np.round(c[sel, 1] * scale).astype(np.int64).tolist()
                ci = cell.cell_index()
                for x, y in zip(xs, ys, strict=True):
                    top.insert(kdb.CellInstArray(ci, kdb.Trans(kdb.Vector(x, y))))
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
                top.shapes(li).insert(p)
    return layout


def write_gds(art: Artwork, chord_tol_mm: float, target: Path, fmt: str = "gds") -> Path:
    """Write the artwork as GDS2 (``fmt`` gds) or OASIS, atomically (a temporary file renamed)."""
    import klayout.db as kdb

    layout = build_layout(art, chord_tol_mm)
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
