"""The carrier on the top view (issue 16, item 1): tooling holes, carrier fiducials and the FRAME reference drawn on
their layers with their names, listed in the legend (a click hides them), Fit All on the sites and View > Fit
Frame on the whole frame; the legend lists the companion tool's layers while a tool is shown.

Positions and the frame's corners are worked out here from the design's numbers, not from the view's code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt

from app.main_window import MainWindow
from geometry.model.design import Design, example_grid_design
from geometry.model.drawing_info import DrawingInfo, FrameSettings, ToolingHole
from tests.app.conftest import open_window
from tests.geometry.carrier.features_design import strip

FRAME = FrameSettings("584x584", offset_x_mm=20.0, offset_y_mm=-10.0, tooling_holes=(ToolingHole(-28.0, 0.0, 3.0),))
# the pattern's centre (0, 0) sits 20 mm right and 10 mm below the frame's centre: the frame centre is (-20, 10)
FRAME_BOX = (-20.0 - 292.0, 10.0 - 292.0, -20.0 + 292.0, 10.0 + 292.0)


def _window(qtbot, settings, tmp_path: Path, monkeypatch, design: Design) -> MainWindow:  # type: ignore[no-untyped-def]
    return open_window(qtbot, settings, tmp_path, monkeypatch, design, fit=True)  # type: ignore[return-value]


@pytest.fixture
def window(qtbot, settings, tmp_path: Path, monkeypatch) -> MainWindow:  # type: ignore[no-untyped-def]
    return _window(qtbot, settings, tmp_path, monkeypatch, strip(frame=FRAME))


def _rows(points) -> list[tuple[float, float, float]]:  # type: ignore[no-untyped-def]
    return sorted(zip(points.x.tolist(), points.y.tolist(), points.r.tolist(), strict=True))


def widget_point(w: MainWindow, item: QtWidgets.QGraphicsItem) -> QtCore.QPoint:
    return w.top_view.plot.mapFromScene(item.mapToScene(item.boundingRect().center()))


def test_features_and_frame_are_drawn_on_their_layers_with_their_names(window: MainWindow) -> None:
    view = window.top_view
    shapes = view.carrier.shapes
    # T1 (-25, 11) and T2 (25, 11) 2 mm through, the frame's FT1 (-28, 0) 3 mm; F1 1 mm, F2 0.8 mm (features_design)
    assert _rows(shapes.tooling) == sorted([(-25.0, 11.0, 1.0), (25.0, 11.0, 1.0), (-28.0, 0.0, 1.5)])
    assert _rows(shapes.fiducials) == sorted([(-25.0, -11.0, 0.5), (25.0, -11.0, 0.4)])
    assert view.layers["tooling"].shape_count == 3 and view.layers["carrier_fiducials"].shape_count == 2
    assert view.layers["fiducials"].is_empty()  # the mask's own marks: none in this design
    # frame, window (40 mm profile), foil (25 mm border) and the pattern: four closed rectangles
    assert view.layers["frame"].shape_count == 4
    bounds = view.layers["frame"].boundingRect()
    assert (bounds.left(), bounds.top(), bounds.right(), bounds.bottom()) == pytest.approx(FRAME_BOX)
    xs, ys = shapes.frame.xs, shapes.frame.ys
    foil = (584.0 - 2 * (40.0 + 25.0)) / 2
    assert np.isclose(xs, -20.0 - foil).any() and np.isclose(ys, 10.0 + foil).any()
    assert np.isclose(xs, -30.0).any() and np.isclose(ys, 15.0).any()  # the pattern: the 60 x 30 outline
    names = {lab.toPlainText() for lab in view.carrier.labels}
    assert names == {"T1", "T2", "FT1", "F1", "F2"}
    titles = view.legend.entry_titles
    assert {"Tooling holes", "Carrier fiducials", "Frame (reference)"} <= set(titles)


def test_legend_click_hides_the_tooling_holes_and_their_names(qtbot, window: MainWindow) -> None:
    view = window.top_view
    label = next(lab for _s, lab in view.legend.items if lab.text == "Tooling holes")
    names = [lab for lab in view.carrier.labels if lab.toPlainText().startswith(("T", "FT"))]
    assert len(names) == 3 and all(n.isVisible() for n in names)
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=widget_point(window, label))
    assert not view.layer_visible("tooling") and not window.qactions["view.layer.tooling"].isChecked()
    assert not any(n.isVisible() for n in names)
    assert view.layer_visible("carrier_fiducials")  # only that layer
    window.qactions["view.layer.tooling"].trigger()
    assert view.layer_visible("tooling") and all(n.isVisible() for n in names)


def test_fit_all_fits_the_strip_and_fit_frame_the_whole_frame(window: MainWindow) -> None:
    view = window.top_view
    (vx0, vx1), (vy0, vy1) = view.box.viewRange()
    assert vx0 <= -30.0 and vx1 >= 30.0 and vy0 <= -15.0 and vy1 >= 15.0  # the 60 x 30 strip
    assert vx1 - vx0 < 200.0  # not the 584 mm frame
    action = window.qactions["view.fit_frame"]
    window.refresh_actions()
    assert action.isEnabled()
    action.trigger()
    (vx0, vx1), (vy0, vy1) = view.box.viewRange()
    x0, y0, x1, y1 = FRAME_BOX
    assert vx0 <= x0 and vx1 >= x1 and vy0 <= y0 and vy1 >= y1
    assert vy1 - vy0 < 1.2 * 584.0  # fitted, not lost in the distance
    legend = view.legend.mapRectToScene(view.legend.boundingRect())
    drawn = view.box.mapViewToScene(QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)).boundingRect()
    assert not legend.intersects(drawn)


def test_a_grid_design_has_no_carrier_entries_and_no_fit_frame(qtbot, settings, tmp_path: Path,
                                                                 monkeypatch) -> None:
    w = _window(qtbot, settings, tmp_path, monkeypatch, example_grid_design(rows=4, cols=4))
    titles = w.top_view.legend.entry_titles
    assert not {"Tooling holes", "Carrier fiducials", "Frame (reference)"} & set(titles)
    assert w.top_view.carrier.labels == []
    w.refresh_actions()
    assert not w.qactions["view.fit_frame"].isEnabled()
    # a frame set later (one undoable edit) brings the frame's entry and Fit Frame
    w.document.apply("Frame", lambda d: d.with_(drawing=DrawingInfo(frame=FrameSettings("736x736"))))
    assert "Frame (reference)" in w.top_view.legend.entry_titles
    w.refresh_actions()
    assert w.qactions["view.fit_frame"].isEnabled()
    w.document.undo()
    assert "Frame (reference)" not in w.top_view.legend.entry_titles


def test_legend_lists_the_companion_tool_s_layers(qtbot, window: MainWindow) -> None:
    view = window.top_view
    before = view.legend.entry_titles
    window.qactions["tools.show.pin-plate"].trigger()
    titles = view.legend.entry_titles
    assert "Transfer pins" in titles and "Flux spots" in titles
    assert titles.index("Transfer pins") < titles.index("Errors")  # with the layers, before the findings
    label = next(lab for _s, lab in view.legend.items if lab.text == "Transfer pins")
    pins, _spots = view.tool_layer.layers[next(k for k in view.tool_layer.layers)]
    assert pins.isVisible()
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=widget_point(window, label))
    assert not pins.isVisible()
    window.qactions["tools.show.flux-stencil"].trigger()
    titles = view.legend.entry_titles
    assert "Flux apertures" in titles and "Transfer pins" not in titles and "Flux spots" not in titles
    window.qactions["tools.show.mask"].trigger()
    assert view.legend.entry_titles == before
