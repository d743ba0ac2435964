"""A top-view layer finds what a frame shows without drawing the rest: a zoomed-in view of a layer of a few
thousand shapes (with one the size of the array among them) uses the fine grid and counts what is near, and
content equal to the layer's own keeps what was built for it."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui

from app.render.lod import FINE_GRID_BELOW, LodLayer, same_content, size_groups
from app.render.shape_arrays import Points


def _layer() -> LodLayer:
    return LodLayer(QtGui.QPen(QtGui.QColor("#e01010")), None, 0.0)


def _findings(n_side: int = 60, pitch: float = 0.4) -> tuple[Points, Points]:
    """Rings and crosses of one finding per site of a square array (as the top view draws findings), one ring the
    size of the whole array (a big island)."""
    k = np.arange(n_side * n_side)
    x, y = (k % n_side) * pitch, (k // n_side) * pitch
    r = np.full(x.size, 0.45 * pitch)
    r[0] = n_side * pitch / 2.0
    return Points.of(x, y, r), Points.of(x, y, 0.3 * 0.45 * pitch, cross=True)


def test_size_groups_keeps_every_shape_and_sets_the_big_ones_apart(qtbot) -> None:
    rings, crosses = _findings()
    assert size_groups(crosses) == [crosses]  # one size: untouched
    parts = size_groups(rings)
    assert [p.x.size for p in parts] == [rings.x.size - 1, 1]
    both = np.concatenate([np.column_stack([p.x, p.y, p.r]) for p in parts])
    assert np.array_equal(np.unique(both, axis=0), np.unique(np.column_stack([rings.x, rings.y, rings.r]), axis=0))


def test_a_zoomed_in_view_counts_and_draws_only_what_is_near(qtbot) -> None:
    layer = _layer()
    rings, crosses = _findings()
    layer.set_content([rings, crosses])
    assert layer.shape_count == rings.x.size + 2 * crosses.x.size  # more than FINE_GRID_BELOW in all
    assert layer.shape_count > FINE_GRID_BELOW
    view = QtCore.QRectF(11.0, 11.0, 2.0, 2.0)  # about 5 x 5 sites of 60 x 60
    assert layer.visible_count(view) < 400  # by density while the fine grids are not built
    level, grids, _ = layer._grids(view)
    assert level == "f"  # the fine grids: a path per cell holds little off-screen
    drawn = sum(int(g.cell_members(c).size) for _, g in grids for c in g.cells_in(view))
    assert drawn < 600  # not the 7,200 shapes of the layer (the big ring is drawn in every view: it is one)
    assert layer.visible_count(view) < 600  # counted on the fine grids now


def test_same_content_compares_by_value() -> None:
    a = Points.of(np.arange(100.0), np.zeros(100), 0.2)
    b = Points.of(np.arange(100.0), np.zeros(100), 0.2)
    assert same_content([a], [b]) and same_content((None, [a]), (None, [b]))
    c = Points.of(np.r_[np.arange(99.0), 99.5], np.zeros(100), 0.2)
    assert not same_content([a], [c]) and not same_content([a], [a, a]) and not same_content(a, None)
    nan = Points.of(np.full(3, np.nan), np.zeros(3), 0.2)
    assert not same_content(nan, nan.__class__(nan.x.copy(), nan.y, nan.r))  # NaN never matches: rebuilt


def test_equal_content_keeps_the_built_caches(qtbot) -> None:
    layer = _layer()
    rings, crosses = _findings()
    layer.set_content([rings, crosses])
    tiles, rasters = layer._vectors, layer.rasters
    layer.set_content([Points.of(rings.x, rings.y, rings.r), crosses])  # equal copies
    assert layer._vectors is tiles and layer.rasters is rasters
    layer.set_content([crosses])
    assert layer._vectors is not tiles and layer.shape_count == 2 * crosses.x.size


def test_while_a_large_layers_fine_grids_are_built_a_zoomed_in_view_picks_the_shapes_it_meets(
        qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.render import lod

    layer = _layer()
    rings, crosses = _findings()
    layer.set_content([rings, crosses])
    monkeypatch.setattr(lod, "FINE_IN_PAINT_MAX", 100)  # this layer counts as large
    layer._jobs._keys.add(("grids",))  # its fine grids still queued in the background
    view = QtCore.QRectF(11.0, 11.0, 2.0, 2.0)
    level, grids, _ = layer._grids(view)
    assert level == lod.VIEW_LEVEL
    # exactly the shapes whose boxes meet the view, by a plain test of every shape of the layer
    for (sub, _g), whole in zip(grids, [p for p in [*size_groups(rings), crosses]
                                        if ((p.x + p.r >= 11.0) & (p.x - p.r <= 13.0) & (p.y + p.r >= 11.0)
                                            & (p.y - p.r <= 13.0)).any()], strict=True):
        meets = (whole.x + whole.r >= 11.0) & (whole.x - whole.r <= 13.0) & (whole.y + whole.r >= 11.0) & (
            whole.y - whole.r <= 13.0)
        got = sorted(zip(sub.x.tolist(), sub.y.tolist(), sub.r.tolist(), strict=True))
        assert got == sorted(zip(whole.x[meets].tolist(), whole.y[meets].tolist(), whole.r[meets].tolist(),
                                 strict=True))
    assert sum(s.x.size for s, _ in grids) < 120
    img = QtGui.QImage(200, 200, QtGui.QImage.Format.Format_ARGB32)
    img.fill(0)
    p = QtGui.QPainter(img)
    p.setTransform(QtGui.QTransform.fromScale(100.0, 100.0).translate(-11.0, -11.0))
    assert layer._paint_vector(p, view, 100.0) == "vector"
    p.end()
    assert not any(k[1] == lod.VIEW_LEVEL for k in layer._vectors._cache)  # picked for this frame only
    assert QtGui.QColor(img.pixel(100, 0)).alpha() > 0 or any(
        QtGui.QColor(img.pixel(x, y)).alpha() > 0 for x in range(0, 200, 5) for y in range(0, 200, 5))
