"""One unit everywhere a length is read (issue 15, item 6), typed coordinates and a relative origin, a new site's
grid name and its preview, and a snapping cut line (item 11)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtWidgets
from PySide6.QtCore import Qt

from app.main_window import MainWindow
from app.preferences import Preferences
from app.units import LengthUnit


@pytest.fixture
def window(main_window_4x4: MainWindow) -> MainWindow:
    return main_window_4x4

def answer(monkeypatch, w: MainWindow, texts: list[str], relative: bool | None = None) -> None:
    """Answer the next coordinate dialog by typing into its fields and pressing OK."""
    from app import coordinates

    real_exec = coordinates.CoordinateDialog.exec

    def fake_exec(dlg) -> int:
        for edit, text in zip(dlg.edits, texts, strict=True):
            edit.setText(text)
        if relative is not None:
            dlg.relative.setChecked(relative)
        dlg.accept()
        return int(dlg.result())

    monkeypatch.setattr(coordinates.CoordinateDialog, "exec", fake_exec)
    del real_exec


def test_switching_to_um_reaches_axes_status_bar_scale_bar_and_section(qtbot, window: MainWindow) -> None:
    window.apply_preferences(Preferences(unit=LengthUnit.UM))
    pi = window.top_view.plot.getPlotItem()
    assert "µm" in pi.getAxis("bottom").labelText + pi.getAxis("bottom").labelUnits
    assert pi.getAxis("bottom").scale == 1000.0
    assert window.top_view.describe_point(-1.2, 1.2).split()[:5] == ["x", "-1200.0", "y", "1200.0", "µm"]
    assert "d_u 495" in window.top_view.describe_point(-1.2, 1.2)
    window.top_view.scale_bar.update_bar()
    assert window.top_view.scale_bar.text.toPlainText().endswith("µm")
    cpi = window.cross_section.plot.getPlotItem()
    assert cpi.getAxis("left").labelUnits == "µm" and cpi.getAxis("bottom").labelUnits == "µm"
    assert cpi.getAxis("left").scale == 1000.0


def test_move_typed_in_um(qtbot, window: MainWindow, monkeypatch) -> None:
    window.apply_preferences(Preferences(unit=LengthUnit.UM))
    window.document.set_selection(["A1"])
    s = window.document.design.sites()
    x, y = s.x_mm[s.index_of("A1")], s.y_mm[s.index_of("A1")]
    answer(monkeypatch, window, ["50", "-25"])
    window.qactions["edit.move"].trigger()
    s = window.document.design.sites()
    i = s.index_of("A1")
    assert (s.x_mm[i], s.y_mm[i]) == pytest.approx((x + 0.05, y - 0.025))


def test_add_site_at_typed_coordinates_relative_to_the_origin(qtbot, window: MainWindow, monkeypatch) -> None:
    window.document.set_selection(["B2"])
    window.qactions["edit.delete"].trigger()
    window.set_origin(-1.2, 1.2)  # A1's centre
    answer(monkeypatch, window, ["0.8", "-0.8"])  # one pitch right and down from A1: B2's node
    window.qactions["edit.add_site_at"].trigger()
    s = window.document.design.sites()
    assert s.has("B2")
    i = s.index_of("B2")
    assert (s.x_mm[i], s.y_mm[i]) == pytest.approx((-0.4, 0.4))
    assert window.top_view.describe_point(-0.4, 0.4).split()[:2] == ["\u0394x", "0.800"]


def test_new_site_gets_its_grid_name_and_a_preview(qtbot, window: MainWindow) -> None:
    window.document.set_selection(["C3"])
    window.qactions["edit.delete"].trigger()
    s = window.document.design.sites()
    window.qactions["tools.add"].trigger()
    view = window.top_view
    x, y = 0.4 + 0.05, -0.4 - 0.03  # near C3's node (0.4, -0.4)
    view._preview_add(x, y)
    assert view.add_preview.isVisible() and view.add_preview_name == "C3"
    assert view.add_preview.rect().center().x() == pytest.approx(0.4)
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=view.view_to_widget(x, y))
    assert window.document.design.sites().has("C3") and len(window.document.design.sites()) == len(s) + 1
    view._preview_add(x, y)
    assert view.add_preview_name is None  # taken now: the ring turns red
    assert view.add_preview.pen().color().name() == "#c62828"
    # off the grid's numbering (left of column 1): a hand-placed name
    view.add_site_at(-2.0, 1.2)
    names = set(window.document.design.sites().names.tolist())
    assert "X1" in names


def test_cut_line_snaps_to_grid_nodes_and_can_be_typed(qtbot, window: MainWindow, monkeypatch) -> None:
    got: list[tuple[float, ...]] = []
    window.top_view.cut_line_drawn.connect(lambda *a: got.append(a))
    window.top_view.cut_drag(-1.2 + 0.01, 0.4 - 0.01, 1.2 - 0.005, 0.4 + 0.004, finished=True)
    assert np.allclose(got[-1], (-1.2, 0.4, 1.2, 0.4))
    answer(monkeypatch, window, ["-1.0", "-1.0", "1.0", "1.0"], relative=False)
    window.qactions["view.cut_at"].trigger()
    assert np.allclose(got[-1], (-1.0, -1.0, 1.0, 1.0))  # typed: exactly, no snapping
    sec = window.cross_section.section
    assert sec is not None


def test_a_typed_non_number_is_refused(qtbot, window: MainWindow) -> None:
    from app.coordinates import CoordinateDialog

    dlg = CoordinateDialog("t", [("dx", 0.0, "")], LengthUnit.MM)
    qtbot.addWidget(dlg)
    dlg.edits[0].setText("f2")
    dlg.accept()
    assert dlg.result() != QtWidgets.QDialog.DialogCode.Accepted
    assert "not a number" in dlg.error.text()


def test_snap_grid_shows_while_adding_sites(qtbot, window: MainWindow) -> None:
    grid = window.snap_grid
    window.top_view.zoom_to(0.0, 0.0, 4.0)
    assert grid.count == 0  # not while selecting
    window.qactions["tools.add"].trigger()
    assert grid.count > 0
    xs, ys = grid.item.getData()
    pitch = 0.8
    assert np.allclose(np.round((xs + 1.2) / pitch), (xs + 1.2) / pitch)  # on the nodes of the 0.8 mm grid
    assert np.allclose(np.round((ys + 1.2) / pitch), (ys + 1.2) / pitch)
    window.apply_preferences(Preferences(snap_grid=False))
    assert grid.count == 0
