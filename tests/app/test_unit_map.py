"""The unit map of a strip or panel: cells at the units' places, borders by findings, a click cuts the
cross-section through the unit, Ctrl+K skips or restores it as one undoable command."""

from __future__ import annotations

import pytest
from PySide6 import QtCore

from app.document import Document
from app.main_window import MainWindow
from geometry.checks.records import CheckReport, Severity, Violation
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import CarrierForm, CarrierLayout, GridLayout, Pad
from geometry.model.mask import Mask

PITCH_X, PITCH_Y, GAP = 6.0, 5.0, 2.0


def strip(skip: tuple[tuple[int, int], ...] = ()) -> Design:
    """2 x 4 units of a 3 x 3 grid, blocks of 2 units along x with a 2 mm gap."""
    lay = CarrierLayout(GridLayout(3, 3, 0.8), 2, 4, PITCH_X, PITCH_Y, block_cols=2, block_gap_x_mm=GAP,
                        skip=skip, form=CarrierForm.STRIP)
    return Design(ball=Ball(0.45), pad=Pad(0.36), layout=lay, mask=Mask(0.3))


def centre(row: int, col: int) -> tuple[float, float]:
    """Unit centres from the layout's parameters: 4 columns 0, 6, 14, 20 mm before centring, 2 rows 5 mm apart."""
    xs = [0.0, 6.0, 14.0, 20.0]
    return xs[col - 1] - 10.0, (2.5 if row == 1 else -2.5)


@pytest.fixture
def window(qtbot, settings, tmp_path, monkeypatch) -> MainWindow:
    w = MainWindow(Document(strip()), settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_unit_map_shows_for_carriers_only(window: MainWindow) -> None:
    view = window.panels["unit_map"]
    assert window.docks["unit_map"].isVisible() and len(view.rows) == 8
    for k in range(8):
        r, c = int(view.rows[k]), int(view.cols[k])
        assert tuple(view.centres[k]) == pytest.approx(centre(r, c))
    from geometry.model.design import example_grid_design

    window.document.replace(example_grid_design(rows=2, cols=2), None)
    assert not window.docks["unit_map"].isVisible()
    assert not window.docks["unit_map"].toggleViewAction().isEnabled()


def test_borders_take_the_worst_finding_of_the_unit(window: MainWindow) -> None:
    view = window.panels["unit_map"]
    x, y = centre(2, 3)
    report = CheckReport((Violation("edge", Severity.WARNING, ("U02-03:A1",), x + 1.0, y - 1.0, 1.0, 2.0, "mm", "w"),
                          Violation("pitch", Severity.ERROR, ("U02-03:B2",), x, y, 0.1, 0.5, "mm", "e"),
                          Violation("span", Severity.INFO, ("U01-01:A1",), *centre(1, 1), 1.0, 2.0, "mm", "i"),
                          Violation("span", Severity.INFO, (), 0.0, 0.0, 1.0, 2.0, "mm", "in the block gap")))
    view.set_report(report)
    worst = {(int(view.rows[k]), int(view.cols[k])): int(view.severity[k]) for k in range(8)}
    assert worst[(2, 3)] == 3 and worst[(1, 1)] == 1  # error beats warning; the gap's finding is in no unit
    assert sum(1 for v in worst.values() if v) == 2
    pens = view.cells.data["pen"]
    k23 = next(k for k in range(8) if (view.rows[k], view.cols[k]) == (2, 3))
    assert pens[k23].color().name() == "#e13232"


def test_click_cuts_through_the_unit_and_ctrl_k_skips_it(qtbot, window: MainWindow) -> None:
    view = window.panels["unit_map"]
    window.docks["unit_map"].raise_()
    qtbot.wait(50)
    k = next(i for i in range(8) if (view.rows[i], view.cols[i]) == (1, 2))
    qtbot.mouseClick(view.plot.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=view.cell_centre_widget(k))
    assert view.current == k
    cut = window.cross_section.current_cut()
    x, y = centre(1, 2)
    assert cut is not None and (cut.x0, cut.y0, cut.x1, cut.y1) == pytest.approx((x - 3.0, y, x + 3.0, y))
    assert window.cross_section.section is not None and len(window.cross_section.section.opening_sites()) == 3

    view.plot.setFocus()
    qtbot.keyClick(view.plot, QtCore.Qt.Key.Key_K, QtCore.Qt.KeyboardModifier.ControlModifier)
    lay = window.document.design.layout
    assert isinstance(lay, CarrierLayout) and lay.skip == ((1, 2),)
    assert window.document.stack.undo_text == "Skip unit U01-02"
    assert len(window.document.design.sites()) == 7 * 9
    assert not view.kept[k] and view.skip_action.text() == "Restore Unit"
    view.skip_action.trigger()
    assert window.document.design.layout.skip == ()  # type: ignore[attr-defined]
    window.qactions["edit.undo"].trigger()
    assert window.document.design.layout.skip == ((1, 2),)  # type: ignore[attr-defined]
    window.qactions["edit.undo"].trigger()
    assert window.document.design == strip()
