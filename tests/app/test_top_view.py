"""The top view on its own: layers really drawn (pixels), no item per site, picking, scale bar, LOD."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtGui

from app.document import Document
from app.render import paths
from app.render.picking import SitePicker
from app.views.scale_bar import format_mm, nice_length
from app.views.top_view import TopView
from geometry.base.resources import example_paths
from geometry.derive.rings import RingSet
from geometry.fileio import load_design
from geometry.model.design import example_grid_design
from geometry.model.profiles import Straight


def image_array(img: QtGui.QImage) -> np.ndarray:
    img = img.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    return np.frombuffer(img.constBits(), dtype=np.uint8).reshape(h, bpl)[:, : w * 3].reshape(h, w, 3).astype(int)


def colour_counts(a: np.ndarray) -> dict[str, int]:
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    return {
        "relief_blue": int(((b - r) > 40).sum()),  # lower relief fill and outline
        "pad_orange": int(((r - b) > 50).sum()),  # pads
        "dark": int(((r + g + b) < 450).sum()),  # upper opening outlines, mask outline, axes, text
    }


@pytest.mark.parametrize("example", [p.name for p in example_paths()])
def test_screenshot_shows_every_layer(qtbot, tmp_path: Path, example: str) -> None:
    path = next(p for p in example_paths() if p.name == example)
    view = TopView(Document(load_design(path), path))
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    view.fit_all()
    shot = view.grab()
    assert shot.save(str(tmp_path / f"{example}.png"))
    full = colour_counts(image_array(shot.toImage()))
    assert full["relief_blue"] > 5000, full
    assert full["pad_orange"] > 2000, full
    for lid in view.layers:
        view.set_layer_visible(lid, False)
    blank = colour_counts(image_array(view.grab().toImage()))
    assert blank["relief_blue"] < 200 and blank["pad_orange"] < 200, blank  # the colours came from the layers
    assert full["dark"] > blank["dark"] + 10_000  # upper outlines and the mask outline


def test_hundred_thousand_sites_without_an_item_per_site(qtbot) -> None:
    design = example_grid_design(rows=317, cols=317, pitch_mm=0.8, profile=Straight())
    view = TopView(Document(design))
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    assert view.layers["pads"].shape_count == 317 * 317
    assert view.layers["upper"].shape_count == 317 * 317
    assert len(view.plot.scene().items()) < 150
    assert 20 < len(view.layers["pads"].tiles) < 200  # tiled so a zoomed-in frame draws a few tiles only
    img = QtGui.QImage(800, 600, QtGui.QImage.Format.Format_ARGB32)
    for size in (300.0, 20.0, 2.0):  # dots, coarse, fine
        view.zoom_to(0.0, 0.0, size)
        img.fill(0)
        p = QtGui.QPainter(img)
        view.plot.render(p)
        p.end()
        assert colour_counts(image_array(img))["pad_orange"] > 500


def test_merged_relief_is_drawn_with_holes() -> None:
    # a square ring with a square hole, in RingSet form (holes clockwise)
    outer = (np.array([[0, 0], [4, 0], [4, 4], [0, 4]], float), np.zeros(4))
    hole = (np.array([[1, 1], [1, 3], [3, 3], [3, 1]], float), np.zeros(4))
    rs = RingSet.from_rings([outer, hole], [0, 0], [False, True])
    pl = paths.rings(rs)
    assert len(pl) == 2
    path = pl.to_path(odd_even=True)
    from PySide6.QtCore import QPointF

    assert path.contains(QPointF(0.5, 0.5)) and not path.contains(QPointF(2.0, 2.0))


def test_densified_arcs_stay_on_the_circle() -> None:
    # a full circle of radius 1 as two half-circle bulges (bulge 1 = 180 degrees)
    rs = RingSet.from_rings([(np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([1.0, 1.0]))], [0], [False])
    pl = paths.rings(rs, chord_tol_mm=1e-4)
    r = np.hypot(pl.xs, pl.ys)
    assert np.allclose(r, 1.0, atol=1e-12) and len(pl.xs) > 40
    assert (pl.xs[0], pl.ys[0]) == (pl.xs[-1], pl.ys[-1])


def test_picker_snap_measure_and_rect() -> None:
    d = example_grid_design(rows=3, cols=3, pitch_mm=0.8)
    pk = SitePicker(d)
    assert pk.site_at(-0.8, 0.8) == "A1"
    assert pk.site_at(-0.4, 0.4) is None
    assert pk.snap(0.33, -0.5) == (0.0, -0.8)
    assert sorted(pk.in_rect(-1, 1, 0.1, 0.5)) == ["A1", "A2"]
    m = pk.measure("A1", "A2")
    assert abs(m.distance_mm - 0.8) < 1e-12 and abs(m.web_mm - (0.8 - d.opening.upper_mm)) < 1e-12


def test_scale_bar_lengths() -> None:
    assert nice_length(0.73) == 0.5 and nice_length(2.2) == 2.0 and nice_length(9.9) == 5.0
    assert format_mm(0.005) == "5 \u00b5m" and format_mm(2.0) == "2 mm"


def test_cursor_text_names_the_site(qtbot) -> None:
    view = TopView(Document(example_grid_design(rows=3, cols=3)))
    qtbot.addWidget(view)
    text = view.describe_point(-0.8, 0.8)
    assert "A1" in text and "populated" in text and "d_u" in text
    assert "A1" not in view.describe_point(-0.4, 0.4)


def render(view: TopView, w: int = 800, h: int = 600) -> np.ndarray:
    img = QtGui.QImage(w, h, QtGui.QImage.Format.Format_ARGB32)
    img.fill(0)
    p = QtGui.QPainter(img)
    view.plot.render(p)
    p.end()
    return image_array(img)


def test_lod_raster_at_fit_all_vector_when_zoomed_in(qtbot) -> None:
    from geometry.checks.records import CheckReport, Severity, Violation

    design = example_grid_design(rows=317, cols=317, pitch_mm=0.8)  # tapered: merged relief with holes
    view = TopView(Document(design))
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    names = ("A1", "B2", "C3")
    view.document.set_selection(names)
    x, y = view._picker.xy_of(names)[1]
    view.set_report(CheckReport([Violation("web", Severity.ERROR, ("B2",), float(x), float(y), 0.01, 0.05)]))

    view.fit_all()
    render(view)  # the first paint chooses each layer's mode
    for lid in ("pads", "upper", "lower"):
        assert view.layers[lid].last_mode == "raster", lid
        assert view.layers[lid].raster_sizes and max(view.layers[lid].raster_sizes) <= 4096
    view.legend.hide()  # it covers part of the array's top-right corner (and has a red swatch of its own)
    bare_img = render(view)
    bare = colour_counts(bare_img)
    assert bare["pad_orange"] > 2000 and bare["relief_blue"] > 2000
    # selection and violations are drawn over the raster (few shapes: vectors)
    assert view.selection_layer.last_mode in ("vector", "dots")
    assert view.violation_layers[Severity.ERROR].last_mode in ("vector", "dots")

    def red_pixels(img: np.ndarray) -> int:
        return int(((img[..., 0] > 180) & (img[..., 1] < 80) & (img[..., 2] < 80)).sum())

    with_violation = red_pixels(bare_img)
    view.set_report(CheckReport([]))
    assert with_violation > red_pixels(render(view)) == 0  # the red is the violation's, even at fit-all
    view.set_report(CheckReport([Violation("web", Severity.ERROR, ("B2",), float(x), float(y), 0.01, 0.05)]))
    view.legend.show()

    view.zoom_to(float(x), float(y), 3.0)  # a few sites
    b = render(view)
    for lid in ("pads", "upper", "lower"):
        assert view.layers[lid].last_mode == "vector", lid
    assert colour_counts(b)["pad_orange"] > 2000 and colour_counts(b)["relief_blue"] > 2000
    sel = ((b[..., 0] < 60) & (b[..., 1] > 130) & (b[..., 2] > 200)).sum()
    red = ((b[..., 0] > 180) & (b[..., 1] < 80) & (b[..., 2] < 80)).sum()
    assert sel > 100 and red > 100


def test_raster_keeps_the_holes_of_merged_discs() -> None:
    from app.render import raster

    # four overlapping discs round an island at the origin
    x = np.array([-1.0, 1.0, -1.0, 1.0])
    y = np.array([-1.0, -1.0, 1.0, 1.0])
    frame = raster.Frame.covering(-3, -3, 3, 3, 64)
    d = raster.signed_distance(frame, x, y, np.full(4, 1.2))
    px = raster.colourise(d, raster.colour_table((0, 0, 255, 255), (0, 0, 255, 96)))

    def at(xm: float, ym: float) -> int:
        return int(px[int((ym - frame.y0) / frame.mm_per_px), int((xm - frame.x0) / frame.mm_per_px)])

    assert at(0.0, 0.0) >> 24 == 0  # the island: clear
    assert at(-1.0, -1.0) >> 24 == 96 and at(0.0, -1.0) >> 24 == 96  # inside, also where two discs merge
    assert at(2.9, 2.9) >> 24 == 0


def test_cut_line_tool_emits_the_line(qtbot) -> None:
    from PySide6 import QtCore, QtWidgets
    from PySide6.QtTest import QTest

    view = TopView(Document(example_grid_design(rows=5, cols=5)))
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.fit_all()
    view.set_tool("cut")
    assert view.tool.value == "cut"
    QTest.qWait(50)  # let the axes settle (the view range follows their width)
    vp = view.plot.viewport()
    a, b = view.view_to_widget(-1.6, -0.8), view.view_to_widget(1.6, 0.8)

    def send(kind, pos, btn, held):
        ev = QtGui.QMouseEvent(kind, QtCore.QPointF(pos), QtCore.QPointF(vp.mapToGlobal(pos)), btn, held,
                               QtCore.Qt.KeyboardModifier.NoModifier)
        QtWidgets.QApplication.sendEvent(vp, ev)

    left = QtCore.Qt.MouseButton.LeftButton
    with qtbot.waitSignal(view.cut_line_drawn, timeout=2000) as blocker:
        send(QtCore.QEvent.Type.MouseButtonPress, a, left, left)
        for k in range(1, 9):
            QTest.qWait(15)
            send(QtCore.QEvent.Type.MouseMove, a + (b - a) * (k / 8), QtCore.Qt.MouseButton.NoButton, left)
        send(QtCore.QEvent.Type.MouseButtonRelease, b, left, QtCore.Qt.MouseButton.NoButton)
    x0, y0, x1, y1 = blocker.args
    assert abs(x0 + 1.6) < 0.1 and abs(y0 + 0.8) < 0.1 and abs(x1 - 1.6) < 0.1 and abs(y1 - 0.8) < 0.1
    assert view.document.selection == frozenset()  # the drag did not rubber-band


def test_background_builds_the_raster_levels_and_swaps_them_in(qtbot) -> None:
    design = example_grid_design(rows=160, cols=160, pitch_mm=0.8)  # 25,600 sites: rasterised when zoomed out
    view = TopView(Document(design))
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    view.fit_all()
    render(view)  # the first paint builds the level it needs, then the background the others
    pads = view.layers["pads"]
    assert pads.last_mode == "raster" and len(pads.raster_sizes) >= 1
    qtbot.waitUntil(view.background_idle, timeout=20_000)
    from app.render.lod import RASTER_SIZES

    assert pads.raster_sizes == list(RASTER_SIZES)  # every level of the pyramid, 512 to 4096 px
    # a zoom that needs another level finds it ready (no build in the paint), and draws the pads
    view.zoom(3.0)
    level = pads.raster_level(pads.raster_size(2.5 * 800 / 128.0), wait=False)
    assert level.frame.width in RASTER_SIZES or level.frame.width > 0
    before = list(pads.raster_sizes)
    a = render(view)
    assert pads.raster_sizes == before and colour_counts(a)["pad_orange"] > 2000
    # zoomed in further, the tiles of a finer level are built in the background and swapped in
    view.zoom_to(0.0, 0.0, 12.0)  # ~300 pads, finer than the 4096 px level
    render(view)
    assert pads.last_mode == "raster" and not view.background_idle()
    with qtbot.waitSignal(view.caches_ready, timeout=20_000):
        pass
    assert pads.rasters.tiles  # the tiles built in the background
    assert colour_counts(render(view))["pad_orange"] > 2000


def test_overlays_are_cached_in_device_pixels_and_axes_label_round_mm(qtbot) -> None:
    from PySide6 import QtWidgets

    from app.views.scale_bar import MmAxis

    view = TopView(Document(example_grid_design(rows=5, cols=5)))
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    view.fit_all()
    render(view)
    cached = QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache
    for root in (view.legend, view.scale_bar):
        todo = [root]
        while todo:
            it = todo.pop()
            assert it.cacheMode() == cached
            todo.extend(it.childItems())
    # hiding a layer redraws its (cached) swatch
    view.set_layer_visible("pads", False)
    assert not view.layer_visible("pads")
    # the axes: round labels about 90 px apart, the grid on the same spacing
    ax = view.plot.getPlotItem().getAxis("bottom")
    assert isinstance(ax, MmAxis)
    assert ax.major_step(0.0, 10.0, 900.0) == 1.0 and ax.major_step(0.0, 10.0, 200.0) == 5.0
    assert ax.tickSpacing(0.0, 1.0, 900.0) == [(0.1, 0.0), (0.02, 0.0)]
    scratch = QtGui.QImage(10, 10, QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(scratch)
    specs = ax.generateDrawSpecs(painter)
    painter.end()
    assert specs is not None
    labels = [float(t) for _, _, t in specs[2]]
    steps = np.diff(labels)
    assert len(labels) >= 3 and np.allclose(steps, steps[0])
    assert nice_length(steps[0] * 1.0001) == pytest.approx(steps[0])


def test_tiles_around_the_view_are_prefetched_once_the_worker_is_idle(qtbot) -> None:
    design = example_grid_design(rows=160, cols=160, pitch_mm=0.8)  # 25,600 sites
    view = TopView(Document(design))
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    view.fit_all()
    render(view)
    qtbot.waitUntil(view.background_idle, timeout=20_000)
    view.zoom_to(0.0, 0.0, 12.0)  # finer than the 4096 px level: tiled
    render(view)
    pads = view.layers["pads"]
    assert pads.last_mode == "raster" and pads.rasters.view_tiles is not None
    size, i0, i1, j0, j1 = pads.rasters.view_tiles
    in_view = {(size, i, j) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1)}
    around = set(pads.rasters.wanted) - in_view
    assert around  # a ring of neighbours (the view is not at the level's edge)
    qtbot.waitUntil(lambda: set(pads.rasters.wanted) <= set(pads.rasters.tiles) and view.background_idle(),
                    timeout=20_000)
    # zoomed out again, no tile is wanted: queued tile jobs would be dropped
    view.fit_all()
    render(view)
    assert not pads.rasters.wanted


def test_background_rasterisation_pauses_while_the_gui_paints(monkeypatch) -> None:
    import threading

    from app.render import raster

    monkeypatch.setattr(raster, "PAUSE_MAX_S", 30.0)
    done = threading.Event()

    def worker() -> None:
        raster.pause_for_gui()
        done.set()

    with raster.gui_painting():
        raster.pause_for_gui()  # the GUI thread itself never waits
        th = threading.Thread(target=worker)
        th.start()
        assert not done.wait(0.05)  # held while the paint lasts
    th.join(30.0)
    assert done.is_set()


def test_legend_sits_top_right_folds_on_its_title_and_does_not_move_when_dragged(qtbot) -> None:
    from PySide6 import QtCore, QtWidgets
    from PySide6.QtTest import QTest

    view = TopView(Document(example_grid_design(rows=5, cols=5)))
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    view.fit_all()
    render(view)
    legend = view.legend
    box = view.box.sceneBoundingRect()
    rect = legend.sceneBoundingRect()
    assert rect.right() > box.right() - 20 and rect.top() < box.top() + 20  # top-right corner
    assert rect.width() < 200 and legend.columnCount == 1
    full_height = rect.height()
    # a click on the title folds the legend to one line, another unfolds it
    vp = view.plot.viewport()
    title_pt = view.plot.mapFromScene(legend.title.sceneBoundingRect().center())
    QTest.mouseClick(vp, QtCore.Qt.MouseButton.LeftButton, pos=title_pt)
    assert legend.folded and legend.sceneBoundingRect().height() < full_height / 3
    assert not any(sample.isVisible() for sample, _ in legend.items)
    QTest.mouseClick(vp, QtCore.Qt.MouseButton.LeftButton, pos=title_pt)
    assert not legend.folded and legend.sceneBoundingRect().height() == pytest.approx(full_height)
    # a click on an entry still toggles its layer
    pads = next(s for s, label in legend.items if label.text == "Pads")
    QTest.mouseClick(vp, QtCore.Qt.MouseButton.LeftButton,
                     pos=view.plot.mapFromScene(pads.sceneBoundingRect().center()))
    assert not view.layer_visible("pads")
    # a drag that starts on the legend leaves it anchored where it is (the view gets the drag)
    a = view.plot.mapFromScene(legend.sceneBoundingRect().center())
    b = a + QtCore.QPoint(-150, 100)

    def send(kind, pos, btn, held):
        ev = QtGui.QMouseEvent(kind, QtCore.QPointF(pos), QtCore.QPointF(vp.mapToGlobal(pos)), btn, held,
                               QtCore.Qt.KeyboardModifier.NoModifier)
        QtWidgets.QApplication.sendEvent(vp, ev)

    left = QtCore.Qt.MouseButton.LeftButton
    send(QtCore.QEvent.Type.MouseButtonPress, a, left, left)
    for k in range(1, 9):
        QTest.qWait(15)
        send(QtCore.QEvent.Type.MouseMove, a + (b - a) * (k / 8), QtCore.Qt.MouseButton.NoButton, left)
    send(QtCore.QEvent.Type.MouseButtonRelease, b, left, QtCore.Qt.MouseButton.NoButton)
    box, rect = view.box.sceneBoundingRect(), legend.sceneBoundingRect()
    assert rect.right() == pytest.approx(box.right() - 8, abs=1.0)
    assert rect.top() == pytest.approx(box.top() + 8, abs=1.0)
