"""GDS2 and OASIS pads with the ``klayout`` package: cells and arrays flattened, layers as ``layer/datatype``.

A wafer-level layout is hierarchical (a pad cell arrayed in a die, the die arrayed on the wafer). Walking a
million flattened shapes one Python call at a time costs seconds per hundred thousand, so the walk stays
hierarchical: each cell's own polygons are read and fitted once (circles in the cell's coordinates), and every
placement of the cell (instance arrays expanded as numpy transforms, composed down the tree) moves the fitted
centres. The database unit is honoured (coordinates are integers of ``dbu`` um); ``magnification`` scales all.

A flat GDS2 file (one structure of boundaries, what a CAM tool writes after flattening) has no hierarchy to
exploit; :mod:`.gds_flat` reads its records straight into numpy and the circles are fitted over all polygons at
once. Anything else goes through klayout.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError
from geometry.fileio.importers.base import CandidateBuilder, PadCandidates, Shape, SourceData, read_bytes
from geometry.fileio.importers.circles import fit_circles
from geometry.fileio.importers.gds_flat import FlatGds, read_flat_gds

FloatArray = NDArray[np.float64]


def _matrix(t: Any) -> tuple[FloatArray, FloatArray]:
    """The 2x2 matrix and displacement of a klayout ICplxTrans (mirror about x first, then rotate, scale)."""
    a = np.radians(t.angle)
    m = t.mag * np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    if t.is_mirror():
        m = m @ np.array([[1.0, 0.0], [0.0, -1.0]])
    return m, np.array([t.disp.x, t.disp.y], np.float64)


def _placements(layout: Any) -> dict[int, tuple[NDArray[np.float64], FloatArray]]:
    """Every placement of every cell in the top cells: (N, 2, 2) matrices and (N, 2) displacements, in dbu."""
    acc: dict[int, list[tuple[NDArray[np.float64], FloatArray]]] = {}
    for top in layout.top_cells():
        acc.setdefault(top.cell_index(), []).append((np.eye(2)[None], np.zeros((1, 2))))
    for ci in layout.each_cell_top_down():
        parts = acc.get(ci)
        if not parts:
            continue
        pm = np.concatenate([p[0] for p in parts])
        pt = np.concatenate([p[1] for p in parts])
        acc[ci] = [(pm, pt)]
        for inst in layout.cell(ci).each_inst():
            ia = inst.cell_inst
            m, d = _matrix(ia.cplx_trans)
            if ia.is_regular_array():
                i, j = np.meshgrid(np.arange(ia.na), np.arange(ia.nb), indexing="ij")
                av = np.array([ia.a.x, ia.a.y], np.float64)
                bv = np.array([ia.b.x, ia.b.y], np.float64)
                offs = d + i.reshape(-1, 1) * av + j.reshape(-1, 1) * bv
            else:
                offs = np.array([[t.disp.x, t.disp.y] for t in ia.each_cplx_trans()], np.float64)
            cm = np.einsum("nij,jk->nik", pm, m)
            cm = np.repeat(cm, offs.shape[0], axis=0)
            ct = (np.einsum("nij,kj->nki", pm, offs) + pt[:, None, :]).reshape(-1, 2)
            acc.setdefault(ia.cell_index, []).append((cm, ct))
    return {ci: parts[0] for ci, parts in acc.items() if parts}


def _cell_polygons(cell: Any, li: int) -> tuple[FloatArray, NDArray[np.intp]]:
    """The cell's own polygons (boxes, paths and polygons as polygons) on layer ``li``, ragged, in dbu."""
    pts: list[tuple[int, int]] = []
    start = [0]
    for sh in cell.shapes(li).each():
        if not (sh.is_polygon() or sh.is_box() or sh.is_path() or sh.is_simple_polygon()):
            continue
        poly = sh.polygon
        hull = [(p.x, p.y) for p in poly.each_point_hull()]
        if len(hull) >= 3:
            pts.extend(hull)
            start.append(len(pts))
    return np.asarray(pts, np.float64).reshape(-1, 2), np.asarray(start, np.intp)


def _layer_pads(layout: Any, li: int, name: str, placements: dict[int, tuple[NDArray[np.float64], FloatArray]],
                scale: float, circle_tol_mm: float) -> PadCandidates:
    out = CandidateBuilder(name)
    for ci, (pm, pt) in placements.items():
        cell = layout.cell(ci)
        if cell.shapes(li).is_empty():
            continue
        xy, start = _cell_polygons(cell, li)
        if start.shape[0] < 2:
            continue
        _add_placed(out, xy, start, pm, pt, scale, circle_tol_mm)
    return out.build()


def _add_placed(out: CandidateBuilder, xy: FloatArray | NDArray[np.int32], start: NDArray[np.intp],
                pm: NDArray[np.float64], pt: FloatArray, scale: float, circle_tol_mm: float) -> None:
    """One cell's polygons (dbu, the cell's frame) at every placement: circles fitted once, then moved.

    Every (placement, polygon) pair is one numpy row: the P placements times the K circles of the cell are one
    (P, K, 2) product, and the non-round polygons one (P, V, 2) product of their vertices.
    """
    fit = fit_circles(xy, start, circle_tol_mm / scale)
    mag = np.sqrt(np.abs(np.linalg.det(pm)))
    k_round = np.flatnonzero(fit.round)
    if k_round.shape[0]:
        local = np.stack([fit.cx[k_round], fit.cy[k_round]], axis=1)
        if pm.shape[0] == 1 and np.array_equal(pm[0], np.eye(2)):
            c = (local + pt[0])[None]
        else:
            c = np.einsum("nij,kj->nki", pm, local) + pt[:, None, :]
        d = 2.0 * fit.r[k_round][None, :] * mag[:, None] * scale
        out.add(c[..., 0].ravel() * scale, c[..., 1].ravel() * scale, Shape.ROUND, d.ravel(), d.ravel())
        out.fitted += c.shape[0] * c.shape[1]
    k_poly = np.flatnonzero(~fit.round)
    if k_poly.shape[0]:
        counts = np.diff(start)[k_poly]
        local = np.asarray(xy[np.repeat(~fit.round, np.diff(start))], np.float64)
        world = np.einsum("nij,vj->nvi", pm, local) + pt[:, None, :]
        all_counts = np.tile(counts, pm.shape[0])
        starts = np.concatenate([[0], np.cumsum(all_counts)]).astype(np.intp)
        out.add_polygons(world.reshape(-1, 2) * scale, starts)


def _flat_source(flat: FlatGds, scale: float, circle_tol_mm: float) -> dict[str, PadCandidates]:
    """The pads of each layer of a flat GDS2 file read by :mod:`.gds_flat`."""
    key = flat.layer * 65536 + flat.datatype
    layers: dict[str, PadCandidates] = {}
    order = sorted(set(key.tolist()), key=lambda k: int(np.flatnonzero(key == k)[0]))
    counts = np.diff(flat.start)
    one = np.eye(2)[None]
    origin = np.zeros((1, 2))
    for k in order:
        sel = key == k
        name = f"{k // 65536}/{k % 65536}"
        out = CandidateBuilder(name)
        if sel.all():
            xy, start = flat.xy, flat.start
        else:
            xy = flat.xy[np.repeat(sel, counts)]
            start = np.concatenate([[0], np.cumsum(counts[sel])]).astype(np.intp)
        _add_placed(out, xy, start, one, origin, scale, circle_tol_mm)
        layers[name] = out.build()
    for lay, dt in flat.text_layers:
        layers.setdefault(f"{lay}/{dt}", CandidateBuilder(f"{lay}/{dt}").build())
    return layers


def read_gds(path: Path, *, fmt: str = "gds", circle_tol_mm: float = 0.0005,
             magnification: float = 1.0) -> SourceData:
    """Pads of every layer of a GDS2 or OASIS file (the format is told by the content; ``fmt`` is recorded)."""
    import klayout.db as kdb

    if not path.is_file():
        raise DesignError(str(path), path.name, "cannot read the file: no such file")
    if magnification <= 0 or not np.isfinite(magnification):
        raise DesignError("magnification", magnification, "must be a positive number")
    data = read_bytes(path)
    flat = read_flat_gds(data)
    if flat is not None:
        scale = flat.dbu_um * 1e-3 * magnification
        notes = (f"database unit {flat.dbu_um:g} um" + (f", magnification {magnification:g}" if magnification != 1
                                                        else ""),)
        digest = hashlib.sha256(data).hexdigest()
        return SourceData(path.name, fmt, "um", digest, _flat_source(flat, scale, circle_tol_mm), notes)
    layout = kdb.Layout()
    try:
        layout.read(str(path))
    except RuntimeError as e:
        reason = str(e).split(" (")[0].strip()
        raise DesignError(str(path), path.name, f"is not a readable {fmt.upper()} file: {reason}") from None
    scale = layout.dbu * 1e-3 * magnification  # dbu -> um -> mm
    names = [f"{layout.get_info(li).layer}/{layout.get_info(li).datatype}" for li in layout.layer_indexes()]
    flattened = _flattened(layout) if _own_shapes(layout) > FLATTEN_ABOVE else None
    layers: dict[str, PadCandidates] = {}
    if flattened is not None:
        found = _flat_source(flattened, scale, circle_tol_mm)
        layers = {name: found.get(name, CandidateBuilder(name).build()) for name in names}
    else:
        placements = _placements(layout)
        for li, name in zip(layout.layer_indexes(), names, strict=True):
            layers[name] = _layer_pads(layout, li, name, placements, scale, circle_tol_mm)
    notes = (f"database unit {layout.dbu:g} um" + (f", magnification {magnification:g}" if magnification != 1
                                                  else ""),)
    return SourceData(path.name, fmt, "um", hashlib.sha256(data).hexdigest(), layers, notes)


FLATTEN_ABOVE = 20_000
"""Cells holding more polygons of their own than this (over all cells) are flattened by klayout and streamed."""


def _own_shapes(layout: Any) -> int:
    """How many shapes the cells hold themselves (not through their instances)."""
    return sum(int(layout.cell(ci).shapes(li).size()) for ci in range(layout.cells())
               for li in layout.layer_indexes())


def _flattened(layout: Any) -> FlatGds | None:
    """Every layer's polygons flattened in klayout (boxes and paths as polygons, texts left out), written to a
    GDS2 stream in memory and read by :mod:`.gds_flat`.

    Handing a big cell's polygons to Python one by one costs tens of seconds per million; klayout's own
    flattening and writer and the numpy reader take a few. The price is the hierarchy: every placement of a
    polygon is fitted (once per distinct shape, see :func:`.circles.fit_circles`), so this is used only for
    layouts with many polygons of their own.
    """
    import klayout.db as kdb

    out = kdb.Layout()
    out.dbu = layout.dbu
    cell = out.create_cell("FLAT")
    for li in layout.layer_indexes():
        info = layout.get_info(li)
        target = out.layer(info.layer, info.datatype)
        for top in layout.top_cells():
            cell.shapes(target).insert(kdb.Region(top.begin_shapes_rec(li)))
    opts = kdb.SaveLayoutOptions()
    opts.format = "GDS2"
    # through a temporary file: klayout's write_bytes grows its buffer slowly (three times the file's time)
    with tempfile.TemporaryDirectory(prefix="ballmask-flat-") as tmp:
        stream = Path(tmp) / "flat.gds"
        out.write(str(stream), opts)
        return read_flat_gds(stream.read_bytes())
