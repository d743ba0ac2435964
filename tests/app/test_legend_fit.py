"""The legend (issue 15, item 12): a click on an entry's label toggles the layer too, a click on the legend never
clears the selection, and Fit All leaves the drawing clear of the legend; Fit fits the sites (item 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt

from app.main_window import MainWindow
from geometry.model.design import example_grid_design
from tests.app.conftest import open_window


@pytest.fixture
def window(qtbot, settings, tmp_path: Path, monkeypatch) -> MainWindow:
    return open_window(qtbot, settings, tmp_path, monkeypatch,  # type: ignore[return-value]
                       example_grid_design(rows=15, cols=15), fit=True)


def widget_point(w: MainWindow, item: QtWidgets.QGraphicsItem) -> QtCore.QPoint:
    scene = item.mapToScene(item.boundingRect().center())
    return w.top_view.plot.mapFromScene(scene)


def test_label_click_toggles_and_keeps_the_selection(qtbot, window: MainWindow) -> None:
    window.document.set_selection(["A1"])
    _sample, label = window.top_view.legend.items[1]  # pads
    assert window.top_view.layer_visible("pads")
    qtbot.mouseClick(window.top_view.plot.viewport(), Qt.MouseButton.LeftButton, pos=widget_point(window, label))
    assert not window.top_view.layer_visible("pads")
    assert window.document.selection == {"A1"}
    assert not window.qactions["view.layer.pads"].isChecked()
    qtbot.mouseClick(window.top_view.plot.viewport(), Qt.MouseButton.LeftButton, pos=widget_point(window, label))
    assert window.top_view.layer_visible("pads")


def test_fit_all_keeps_the_drawing_clear_of_the_legend(window: MainWindow) -> None:
    view = window.top_view
    x0, y0, x1, y1 = window.document.design.outline_rect()
    legend = view.legend.mapRectToScene(view.legend.boundingRect())
    drawing = view.box.mapViewToScene(QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)).boundingRect()
    assert not legend.intersects(drawing)
    (vx0, vx1), (vy0, vy1) = view.box.viewRange()
    assert vx0 <= x0 and vx1 >= x1 and vy0 <= y0 and vy1 >= y1


def test_fit_fits_sites_outside_the_outline(window: MainWindow) -> None:
    from geometry.model.operations import add_site

    window.document.apply("far", lambda d: add_site(d, 40.0, 0.0))
    window.fit_all()
    (_vx0, vx1), _ = window.top_view.box.viewRange()
    assert vx1 > 40.0
