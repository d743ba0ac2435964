"""The site inspector (issue 15, What to build): the selected site's name, position, pad, profile and override,
d_u, d_l and findings; its buttons run commands like any other edit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.main_window import MainWindow
from app.preferences import Preferences
from app.units import LengthUnit
from geometry.derive.openings import opening_table
from geometry.model.profiles import Straight


@pytest.fixture
def window(main_window_4x4: MainWindow) -> MainWindow:
    return main_window_4x4

def test_one_site(window: MainWindow) -> None:
    window.document.set_selection(["B3"])
    rows = dict(window.inspector.rows())
    d = window.document.design
    t = opening_table(d)
    i = d.sites().index_of("B3")
    assert rows["Name"] == "B3"
    assert rows["Position"] == "(0.40 mm, 0.40 mm)"
    assert rows["d_u"] == f"{t.upper_mm[i]:.3f}".rstrip("0") + " mm"
    assert rows["Profile"] == "tapered (default)"
    window.apply_preferences(Preferences(unit=LengthUnit.UM))
    assert dict(window.inspector.rows())["Position"] == "(400 µm, 400 µm)"


def test_edit_from_the_inspector_is_a_command(qtbot, window: MainWindow, monkeypatch) -> None:
    window.document.set_selection(["B3"])
    monkeypatch.setattr(window, "ask_profile", Straight)
    qtbot.mouseClick(window.inspector.buttons["edit.set_profile"], Qt.MouseButton.LeftButton)
    assert dict(window.inspector.rows())["Profile"] == "straight (override)"
    window.qactions["edit.undo"].trigger()
    assert dict(window.inspector.rows())["Profile"] == "tapered (default)"


def test_several_sites_and_findings(window: MainWindow) -> None:
    window.document.set_selection(["A1", "A2", "B1"])
    rows = dict(window.inspector.rows())
    assert rows["Sites"] == "A1, A2, B1" and rows["With a ball"] == "3 of 3"
    assert window.inspector.title.text() == "3 sites selected"
