"""Measure like KLayout's ruler (issue 15, item 4): rulers stay on the drawing until deleted or cleared, ends snap
to site centres and opening edges, and a ruler between two sites gives the upper and lower webs and the angle."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt

from app.main_window import MainWindow
from geometry.derive.openings import opening_table


@pytest.fixture
def window(main_window_4x4: MainWindow) -> MainWindow:
    return main_window_4x4

def click_mm(qtbot, w: MainWindow, x: float, y: float) -> None:
    qtbot.mouseClick(w.top_view.plot.viewport(), Qt.MouseButton.LeftButton, pos=w.top_view.view_to_widget(x, y))


def centre(w: MainWindow, name: str) -> tuple[float, float]:
    s = w.document.design.sites()
    i = s.index_of(name)
    return float(s.x_mm[i]), float(s.y_mm[i])


def test_ruler_between_sites_stays_and_gives_both_webs(qtbot, window: MainWindow) -> None:
    d = window.document.design
    window.top_view.zoom_to(*centre(window, "A1"), 4.0)
    window.qactions["tools.measure"].trigger()
    ax, ay = centre(window, "A1")
    bx, by = centre(window, "B2")
    click_mm(qtbot, window, ax + 0.01, ay - 0.01)  # near the centre: snaps onto it
    click_mm(qtbot, window, bx, by)
    rulers = window.top_view.rulers.rulers
    assert len(rulers) == 1
    r = rulers[0]
    assert (r.a.site, r.a.kind, r.b.site, r.b.kind) == ("A1", "centre", "B2", "centre")
    assert (r.a.x_mm, r.a.y_mm) == (ax, ay)
    dist = math.hypot(bx - ax, by - ay)
    assert r.length_mm == pytest.approx(dist)
    assert r.angle_deg == pytest.approx(math.degrees(math.atan2(by - ay, bx - ax)))
    assert r.upper_web_mm == pytest.approx(dist - d.opening.upper_mm)
    assert r.lower_web_mm == pytest.approx(dist - d.opening.lower_mm)  # no shift: same centres
    # a message that follows does not erase it: the ruler is an item on the drawing and a row in the list
    window.statusBar().showMessage("something else")
    label = window.top_view.rulers.label_item(0)
    assert label.isVisible() and label.textItem.toPlainText().startswith("#1 ")
    assert "upper web" in label.toolTip() and "lower web" in label.toolTip()
    table = window.ruler_list.table
    assert table.rowCount() == 1 and table.item(0, 1).text() == "A1 \u2192 B2"
    # a second ruler, then delete the first from the list, then clear all
    click_mm(qtbot, window, ax, ay)
    click_mm(qtbot, window, *centre(window, "A2"))
    assert table.rowCount() == 2
    table.selectRow(0)
    window.ruler_list.delete_button.click()
    assert [x.b.site for x in window.top_view.rulers.rulers] == ["A2"]
    window.qactions["view.clear_rulers"].trigger()
    assert window.top_view.rulers.rulers == [] and table.rowCount() == 0


def test_ends_snap_to_the_upper_and_lower_edges(qtbot, window: MainWindow) -> None:
    table = opening_table(window.document.design)
    ax, ay = centre(window, "A1")
    window.top_view.zoom_to(ax, ay, 2.0)
    window.qactions["tools.measure"].trigger()
    ru = float(table.upper_mm[0]) / 2.0
    rl = float(table.lower_mm[0]) / 2.0
    click_mm(qtbot, window, ax + ru + 0.004, ay)  # just outside the upper edge
    click_mm(qtbot, window, ax + rl - 0.004, ay)  # just inside the lower edge
    r = window.top_view.rulers.rulers[0]
    assert r.a.kind == "upper edge" and math.hypot(r.a.x_mm - ax, r.a.y_mm - ay) == pytest.approx(ru)
    assert r.b.kind == "lower edge" and math.hypot(r.b.x_mm - ax, r.b.y_mm - ay) == pytest.approx(rl)
    assert r.length_mm == pytest.approx(rl - ru, abs=1e-4)  # the relief step, edge to edge (pixel-rounded click)
    assert r.upper_web_mm is None  # one site: no web between openings


def test_ruler_labels_follow_the_unit(qtbot, window: MainWindow) -> None:
    from app.preferences import Preferences
    from app.units import LengthUnit

    window.qactions["tools.measure"].trigger()
    window.top_view.zoom_to(*centre(window, "A1"), 4.0)
    click_mm(qtbot, window, *centre(window, "A1"))
    click_mm(qtbot, window, *centre(window, "A2"))
    window.apply_preferences(Preferences(unit=LengthUnit.UM))
    assert window.ruler_list.table.item(0, 2).text() == "800 µm"
