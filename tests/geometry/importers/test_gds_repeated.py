"""GDS2 and OASIS out of a repeated design: the unit once, as a cell placed by regular cell arrays.

Each written file is flattened by klayout and by a small GDS2 stream reader of this test (gdstk and gdspy are
not installed; the reader below knows BOUNDARY, SREF and AREF and nothing of klayout) and compared with the flat
file the same design gives without repetition.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from geometry.derive.relief.merged import lower_relief
from geometry.derive.repetition import Repeated, repetition
from geometry.export.artwork import build_artwork
from geometry.export.gds import array_runs, write_design_gds, write_gds
from geometry.model.layouts import GridLayout
from tests.geometry.wafer.conftest import wafer_design

kdb = pytest.importorskip("klayout.db")


def _expand(runs: list[tuple[int, int, int, int, int, int]]) -> np.ndarray:
    pts = [(x0 + i * sx, y0 + j * sy) for x0, y0, sx, nx, sy, ny in runs for i in range(nx) for j in range(ny)]
    return np.array(pts, np.int64).reshape(-1, 2)


def test_array_runs_cover_a_grid_with_holes_exactly_once() -> None:
    rng = np.random.default_rng(3)
    i, j = np.meshgrid(np.arange(12), np.arange(9), indexing="ij")
    keep = (np.hypot(i - 5.5, j - 4) < 5.2) & (rng.random(i.shape) > 0.05)
    offsets = np.stack([i[keep] * 4900 - 777, j[keep] * 5100 + 13], axis=1).astype(np.int64)
    runs = array_runs(offsets)
    got = _expand(runs)
    assert got.shape == offsets.shape  # nothing twice
    assert {tuple(p) for p in got.tolist()} == {tuple(p) for p in offsets.tolist()}
    assert len(runs) < offsets.shape[0] / 3  # arrays, not one instance per unit
    assert array_runs(np.zeros((0, 2), np.int64)) == []
    assert _expand(array_runs(np.array([[5, 7]]))).tolist() == [[5, 7]]


def _read_gds_flat(path: Path) -> dict[int, list[np.ndarray]]:
    """Polygons per layer of a GDS2 file, references and arrays expanded (translations only), in dbu."""
    data = path.read_bytes()
    cells: dict[str, list[tuple[str, object]]] = {}
    p, current, elem, rec = 0, "", "", {}  # type: ignore[var-annotated]
    referenced: set[str] = set()
    while p < len(data):
        length, rtype, _ = struct.unpack_from(">HBB", data, p)
        body = data[p + 4:p + length]
        p += length
        if rtype == 0x06:  # STRNAME
            current = body.rstrip(b"\0").decode()
            cells[current] = []
        elif rtype in (0x08, 0x0A, 0x0B):  # BOUNDARY, SREF, AREF
            elem, rec = {0x08: "B", 0x0A: "S", 0x0B: "A"}[rtype], {}
        elif rtype == 0x0D:
            rec["layer"] = struct.unpack(">h", body)[0]
        elif rtype == 0x12:  # SNAME
            rec["sname"] = body.rstrip(b"\0").decode()
            referenced.add(rec["sname"])
        elif rtype == 0x1A:  # STRANS: this reader knows translations only
            assert struct.unpack(">H", body[:2])[0] == 0
        elif rtype == 0x13:  # COLROW
            rec["colrow"] = struct.unpack(">hh", body)
        elif rtype == 0x10:
            rec["xy"] = np.array(struct.unpack(f">{len(body) // 4}i", body), np.int64).reshape(-1, 2)
        elif rtype == 0x11 and elem:  # ENDEL
            cells[current].append((elem, rec))
            elem = ""
    out: dict[int, list[np.ndarray]] = {}

    def walk(name: str, dx: np.ndarray) -> None:
        for kind, r in cells[name]:
            xy = r["xy"]  # type: ignore[index]
            if kind == "B":
                out.setdefault(r["layer"], []).append(xy[:-1] + dx)  # type: ignore[index]
            elif kind == "S":
                walk(r["sname"], dx + xy[0])  # type: ignore[index]
            else:
                cols, rows = r["colrow"]  # type: ignore[index]
                a, b = (xy[1] - xy[0]) // cols, (xy[2] - xy[0]) // rows
                for i in range(cols):
                    for j in range(rows):
                        walk(r["sname"], dx + xy[0] + i * a + j * b)  # type: ignore[index]

    (top,) = [n for n in cells if n not in referenced]
    walk(top, np.zeros(2, np.int64))
    return out


def _signature(polys: list[np.ndarray]) -> np.ndarray:
    """Each polygon as (vertex count, centroid x, y, area) rows, sorted."""
    rows = []
    for xy in polys:
        x, y = xy[:, 0].astype(float), xy[:, 1].astype(float)
        area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
        rows.append((len(xy), x.mean(), y.mean(), area))
    a = np.array(rows)
    return a[np.lexsort(a.T[::-1])]


@pytest.mark.parametrize("fmt", ["gds", "oasis"])
def test_repeated_design_is_one_unit_cell_in_arrays_and_flattens_to_the_flat_file(tmp_path: Path,
                                                                                   fmt: str) -> None:
    design = wafer_design(GridLayout(3, 3, 0.5), die_mm=8.0, street_mm=0.1, diameter_mm=100.0)
    rep = repetition(design)
    assert isinstance(rep, Repeated)
    art = build_artwork(design, lower_relief(design))
    flat, hier = tmp_path / f"flat.{fmt}", tmp_path / f"hier.{fmt}"
    write_gds(art, design.output.chord_tol_mm, flat, fmt)
    write_design_gds(design, art, hier, fmt)
    a, b = kdb.Layout(), kdb.Layout()
    a.read(str(flat))
    b.read(str(hier))
    die = b.cell("DIE")
    assert die is not None
    arrays = [inst.cell_inst for inst in b.top_cell().each_inst() if inst.cell_index == die.cell_index()]
    assert sum(ia.size() for ia in arrays) == rep.unit_count
    assert len(arrays) < rep.unit_count / 3
    names_a = {a.get_info(li).layer: a.get_info(li).name for li in a.layer_indexes()}
    names_b = {b.get_info(li).layer: b.get_info(li).name for li in b.layer_indexes()}
    assert names_a == names_b
    compared = 0
    for li in a.layer_indexes():
        info = a.get_info(li)
        ra = kdb.Region(a.top_cell().begin_shapes_rec(li))
        rb = kdb.Region(b.top_cell().begin_shapes_rec(b.find_layer(info.layer, info.datatype)))
        assert ra.count() == rb.count(), info.name
        assert (ra ^ rb).is_empty(), info.name
        compared += ra.count()
    assert compared > rep.unit_count * 9  # every unit's openings compared
    if fmt == "gds":
        fa, fb = _read_gds_flat(flat), _read_gds_flat(hier)
        assert sorted(fa) == sorted(fb)
        for layer in fa:
            np.testing.assert_allclose(_signature(fb[layer]), _signature(fa[layer]), rtol=0, atol=1e-6)


def test_an_edited_die_gets_its_own_cell_and_the_file_still_flattens_to_the_flat_one(tmp_path: Path) -> None:
    from geometry.model.design import ProfileOverride
    from geometry.model.profiles import Straight

    base = wafer_design(GridLayout(3, 3, 0.5), die_mm=8.0, street_mm=0.1, diameter_mm=100.0)
    one = base.sites().names[4]  # the centre site of the first kept die
    design = base.with_(overrides=(ProfileOverride((one,), Straight()),))
    rep = repetition(design)
    assert isinstance(rep, Repeated) and len(rep.groups) == 2
    art = build_artwork(design, lower_relief(design))
    flat, hier = tmp_path / "flat.gds", tmp_path / "hier.gds"
    write_gds(art, design.output.chord_tol_mm, flat, "gds")
    write_design_gds(design, art, hier, "gds")
    b = kdb.Layout()
    b.read(str(hier))
    placed = {b.cell(inst.cell_index).name: inst.cell_inst.size() for inst in b.top_cell().each_inst()}
    counts: dict[str, int] = {}
    for inst in b.top_cell().each_inst():
        name = b.cell(inst.cell_index).name
        counts[name] = counts.get(name, 0) + inst.cell_inst.size()
    assert set(placed) == {"DIE", f"DIE_{rep.groups[1].label}".replace(":", "_")}
    assert sorted(counts.values()) == sorted(g.unit_count for g in rep.groups)
    fa, fb = _read_gds_flat(flat), _read_gds_flat(hier)
    assert sorted(fa) == sorted(fb)
    for layer in fa:
        np.testing.assert_allclose(_signature(fb[layer]), _signature(fa[layer]), rtol=0, atol=1e-6)
