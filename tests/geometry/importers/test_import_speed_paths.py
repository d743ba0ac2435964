"""The fast paths of a big import give what the general paths give.

The numpy reader of flat GDS2 files (:mod:`geometry.fileio.importers.gds_flat`) against klayout's reading of the
same file; the per-shape circle fit against the ragged fit of every polygon; the design file's C-parsed numbers
against the bounded hooks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geometry.base.errors import DesignError
from geometry.fileio.guard import parse_json
from geometry.fileio.importers import gds as gds_reader
from geometry.fileio.importers.base import Shape
from geometry.fileio.importers.circles import fit_circles
from geometry.fileio.importers.gds_flat import read_flat_gds

klayout = pytest.importorskip("klayout.db")


def _ngon(cx: float, cy: float, r: float, n: int, phase: float = 0.0) -> list[tuple[float, float]]:
    a = phase + 2 * np.pi * np.arange(n) / n
    return list(zip((cx + r * np.cos(a)).tolist(), (cy + r * np.sin(a)).tolist(), strict=True))


def _mixed_flat_gds(path: Path) -> None:
    """One structure: 32-gons and 24-gons on 3/0, a square and a pentagon on 3/0, 16-gons on 5/2, a text on 9/0."""
    ly = klayout.Layout()
    ly.dbu = 0.001
    top = ly.create_cell("TOP")
    rng = np.random.default_rng(4)
    for i in range(300):  # a run of identical 32-gons, broken in the middle by other shapes
        x, y = 250.0 * (i % 20), 250.0 * (i // 20)
        n = 24 if 100 <= i < 110 else 32
        top.shapes(ly.layer(3, 0)).insert(klayout.DPolygon([klayout.DPoint(*p) for p in _ngon(x, y, 60, n)]))
        if i == 150:
            top.shapes(ly.layer(3, 0)).insert(klayout.DPolygon(klayout.DBox(-1000, -1000, -900, -900)))
            top.shapes(ly.layer(3, 0)).insert(klayout.DPolygon([klayout.DPoint(*p)
                                                                 for p in _ngon(-2000, 0, 50, 5)]))
    for x, y in rng.uniform(-5000, -3000, (40, 2)).tolist():
        top.shapes(ly.layer(5, 2)).insert(klayout.DPolygon([klayout.DPoint(*p) for p in _ngon(x, y, 40, 16, 0.2)]))
    top.shapes(ly.layer(9, 0)).insert(klayout.DText("label", 0, 0))
    ly.write(str(path))


def _klayout_pads(path: Path) -> dict[str, object]:
    """The same file read the general way: klayout's cells, each cell's polygons fitted and placed."""
    ly = klayout.Layout()
    ly.read(str(path))
    placements = gds_reader._placements(ly)
    scale = ly.dbu * 1e-3
    out = {}
    for li in ly.layer_indexes():
        info = ly.get_info(li)
        name = f"{info.layer}/{info.datatype}"
        out[name] = gds_reader._layer_pads(ly, li, name, placements, scale, 0.0005)
    return out


def _rows(c: object) -> np.ndarray:
    """Pad rows (x, y, shape, w, h) sorted, for comparing two readings that may order them differently."""
    a = np.stack([c.x_mm, c.y_mm, c.shape.astype(float), c.w_mm, c.h_mm], axis=1)  # type: ignore[attr-defined]
    return a[np.lexsort(a.T[::-1])]


def test_flat_gds_reader_gives_what_klayout_gives(tmp_path: Path) -> None:
    path = tmp_path / "flat.gds"
    _mixed_flat_gds(path)
    flat = read_flat_gds(path.read_bytes())
    assert flat is not None
    assert flat.dbu_um == pytest.approx(0.001)
    src = gds_reader.read_gds(path)
    want = _klayout_pads(path)
    assert sorted(src.layers) == sorted(want)
    assert len(src.layers["3/0"]) == 302
    assert len(src.layers["5/2"]) == 40
    assert len(src.layers["9/0"]) == 0
    for name, got in src.layers.items():
        ref = want[name]
        assert len(got) == len(ref), name  # type: ignore[arg-type]
        np.testing.assert_allclose(_rows(got), _rows(ref), atol=1e-9, err_msg=name)
        assert got.fitted == ref.fitted  # type: ignore[attr-defined]
    # the square and the pentagon stay polygons, with their vertices
    pads = src.layers["3/0"]
    assert int((pads.shape == Shape.POLYGON).sum()) == 2
    assert sorted(np.diff(pads.poly_start).tolist()) == [4, 5]
    # every 32-gon centre at its node, radius 60 um inscribed
    r = pads.shape == Shape.ROUND
    assert np.allclose(np.sort(pads.w_mm[r])[[0, -1]], 0.120, atol=2e-6)


def test_files_with_references_are_left_to_klayout(tmp_path: Path) -> None:
    ly = klayout.Layout()
    top, pad = ly.create_cell("TOP"), ly.create_cell("PAD")
    pad.shapes(ly.layer(3, 0)).insert(klayout.DPolygon([klayout.DPoint(*p) for p in _ngon(0, 0, 60, 32)]))
    top.insert(klayout.DCellInstArray(pad.cell_index(), klayout.DTrans(klayout.DVector(100, 0))))
    path = tmp_path / "ref.gds"
    ly.write(str(path))
    data = path.read_bytes()
    assert read_flat_gds(data) is None
    assert read_flat_gds(data[: len(data) // 2]) is None  # truncated
    assert read_flat_gds(b"not a gds file") is None
    src = gds_reader.read_gds(path)
    assert len(src.layers["3/0"]) == 1
    assert src.layers["3/0"].x_mm[0] == pytest.approx(0.1)


def test_fit_of_repeated_integer_shapes_equals_the_ragged_fit() -> None:
    rng = np.random.default_rng(7)
    shape = np.round(np.array(_ngon(0, 0, 60000, 32, 0.1))).astype(np.int64)
    bumpy = shape.copy()
    bumpy[5] = np.round(bumpy[5] * 1.05)  # one vertex 3 um out: not a circle at 0.5 um
    offsets = rng.integers(-10**8, 10**8, (500, 2))
    polys = np.where((np.arange(500) % 7 == 0)[:, None, None], bumpy[None], shape[None]) + offsets[:, None, :]
    xy = polys.reshape(-1, 2)
    start = np.arange(501, dtype=np.intp) * 32
    fast = fit_circles(xy.astype(np.int32), start, 500.0)
    slow = fit_circles(xy.astype(np.float64), start, 500.0)  # floats: the general fit of every polygon
    np.testing.assert_array_equal(fast.round, slow.round)
    assert not fast.round[::7].any() and fast.round[1::7].all()
    np.testing.assert_allclose(fast.cx, slow.cx, atol=1e-6)
    np.testing.assert_allclose(fast.cy, slow.cy, atol=1e-6)
    np.testing.assert_allclose(fast.r, slow.r, rtol=1e-12)
    np.testing.assert_allclose(fast.deviation, slow.deviation, atol=1e-6)


@pytest.mark.parametrize(("text", "fast"), [
    ('{"a": [1.5, -2, 3e-3]}', True),
    ('{"a": 1234567890123456789}', False),
    ('{"a": -123456789012345678}', True),
    ('{"a": 0.30000000000000004}', True),
    ('{"a": "12345678901234567890"}', False),
])
def test_design_file_numbers_parse_alike_with_or_without_the_hooks(text: str, fast: bool) -> None:
    import json

    from geometry.fileio import guard

    assert guard._literals_bounded(text.encode()) is fast
    got = parse_json(text)
    if "1234567890123456789}" in text:  # 19 digits: kept as a literal and refused with its field
        with pytest.raises(DesignError, match="more than 18 digits"):
            guard.check_tree(got)
    else:
        assert got == json.loads(text)


def test_damaged_flat_gds_never_raises_from_the_fast_reader(tmp_path: Path) -> None:
    """Truncated or corrupted bytes give None (klayout then reports the file) or boundaries, never an exception."""
    path = tmp_path / "flat.gds"
    _mixed_flat_gds(path)
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(11)
    outcomes = set()
    for _ in range(300):
        bad = bytearray(data)
        for i in rng.integers(0, len(bad), rng.integers(1, 4)).tolist():
            bad[i] = int(rng.integers(0, 256))
        cut = int(rng.integers(len(bad) // 2, len(bad) + 1))
        flat = read_flat_gds(bytes(bad[:cut]))
        outcomes.add(flat is None)
        if flat is not None:
            assert flat.start[-1] == flat.xy.shape[0] and flat.layer.shape[0] == flat.start.shape[0] - 1
    assert True in outcomes


@pytest.mark.parametrize("fmt", ["gds", "oasis"])
def test_layouts_with_many_own_polygons_are_flattened_by_klayout_alike(tmp_path: Path, fmt: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A cell with many polygons and a placed cell (with a rotation, a path and a box): klayout flattens it and
    the numpy reader reads the stream; the result is what the hierarchical walk gives."""
    flat = tmp_path / "flat.gds"
    _mixed_flat_gds(flat)
    ly = klayout.Layout()
    ly.read(str(flat))
    top = ly.top_cell()
    pad = ly.create_cell("PAD")
    pad.shapes(ly.layer(3, 0)).insert(klayout.DPolygon([klayout.DPoint(*p) for p in _ngon(0, 0, 60, 32)]))
    pad.shapes(ly.layer(7, 0)).insert(klayout.DBox(-10, -10, 10, 10))
    pad.shapes(ly.layer(7, 0)).insert(klayout.DPath([klayout.DPoint(0, 0), klayout.DPoint(50, 0)], 5))
    top.insert(klayout.DCellInstArray(pad.cell_index(), klayout.DTrans(1, False, klayout.DVector(-7000, 0)),
                                      klayout.DVector(300, 0), klayout.DVector(0, 300), 4, 3))
    path = tmp_path / ("mixed.oas" if fmt == "oasis" else "mixed.gds")
    ly.write(str(path))
    assert read_flat_gds(path.read_bytes()) is None  # references: not for the stream reader alone
    want = _klayout_pads(path)
    monkeypatch.setattr(gds_reader, "FLATTEN_ABOVE", 100)
    calls = []
    real = gds_reader._flattened
    monkeypatch.setattr(gds_reader, "_flattened", lambda layout: calls.append(1) or real(layout))
    src = gds_reader.read_gds(path, fmt=fmt)
    assert calls == [1]
    assert sorted(src.layers) == sorted(want)
    assert len(src.layers["3/0"]) == 302 + 12
    for name, got in src.layers.items():
        np.testing.assert_allclose(_rows(got), _rows(want[name]), atol=1e-9, err_msg=name)
