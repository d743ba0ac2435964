"""The top view on its own: layers really drawn (pixels), no item per site, picking, scale bar, LOD."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtGui

from app.document import Document
from app.views import paths
from app.views.picking import SitePicker
from app.views.scale_bar import format_mm, nice_length
from app.views.top_view import TopView
from geometry.design import example_grid_design
from geometry.fileio import load_design
from geometry.profiles import Straight
from geometry.resources import example_paths
from geometry.rings import RingSet


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
