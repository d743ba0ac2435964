"""The window is composed from the panel table, and the panels meet only in the view state."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from app import panel_table
from app.document import Document
from app.main_window import MainWindow
from app.units import LengthUnit
from app.view_state import CutLine
from geometry.model.design import example_grid_design


@pytest.fixture
def window(qtbot, settings, tmp_path: Path) -> MainWindow:
    w = MainWindow(Document(example_grid_design(rows=3, cols=3)), settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    return w


def test_one_dock_per_row_in_table_order(window: MainWindow) -> None:
    assert list(window.docks) == [spec.id for spec in panel_table.PANELS]
    for spec in panel_table.PANELS:
        dock = window.docks[spec.id]
        assert dock.windowTitle() == spec.title
        assert window.dockWidgetArea(dock) == spec.area
        assert dock.widget() is window.panels[spec.id]


def test_no_placeholder_panels(window: MainWindow) -> None:
    """Every dock holds its real panel: an import error can no longer turn into a grey label."""
    for dock in window.docks.values():
        assert not isinstance(dock.widget(), QtWidgets.QLabel)


def test_the_display_unit_reaches_every_panel_through_the_view_state(window: MainWindow) -> None:
    props, checks = window.panels["properties"], window.panels["checks"]
    props.set_unit("um")  # what the unit combo box does
    assert window.view_state.unit is LengthUnit.UM
    assert checks.unit is LengthUnit.UM and window.cross_section.unit is LengthUnit.UM
    window.view_state.set_unit("mm")  # and back from the state: the property panel follows too
    assert props.unit is LengthUnit.MM and checks.unit is LengthUnit.MM


def test_a_cut_line_in_the_view_state_moves_the_cross_section(window: MainWindow) -> None:
    window.view_state.set_cut_line(CutLine(-2.0, -2.0, 2.0, 2.0))
    cut = window.cross_section.current_cut()
    assert cut is not None and (cut.x0, cut.y0, cut.x1, cut.y1) == (-2.0, -2.0, 2.0, 2.0)


def test_layer_and_tool_follow_the_view_state(window: MainWindow) -> None:
    window.view_state.set_layer_visible("pads", False)
    assert not window.top_view.layers["pads"].isVisible()
    assert not window.qactions["view.layer.pads"].isChecked()
    window.top_view.layers["pads"].setVisible(True)  # what a click on the legend's swatch does
    assert window.view_state.layer_visible("pads") and window.qactions["view.layer.pads"].isChecked()
    window.view_state.set_tool("measure")
    assert window.top_view.tool.value == "measure" and window.qactions["tools.measure"].isChecked()


class _RenamedSignalPanel(QtWidgets.QWidget):
    """A checks panel whose zoom signal was renamed."""

    zoom_to_violation = QtCore.Signal(float, float, float)
    unit = LengthUnit.MM

    def __init__(self, document: Document, runner: object, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)

    def set_unit(self, unit: LengthUnit) -> None:
        self.unit = LengthUnit(unit)


def test_a_renamed_signal_fails_when_the_window_is_built(qtbot, settings, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(panel_table, "ChecksPanel", _RenamedSignalPanel)
    with pytest.raises(AttributeError, match="zoom_requested"):
        MainWindow(Document(example_grid_design(rows=2, cols=2)), settings, tmp_path / "recovery")
