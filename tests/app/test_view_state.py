"""The view state: Qt-free, each setter fires its event once per real change, unknown names are refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.units import LengthUnit
from app.view_state import CutLine, Tool, ViewState, ZoomRequest


def record(event) -> list[tuple]:
    seen: list[tuple] = []
    event.connect(lambda *a: seen.append(a))
    return seen


def test_setters_fire_once_per_change_and_not_for_the_same_value() -> None:
    state = ViewState({"pads": True, "lower": False})
    units, tools, cuts, layers = (record(e) for e in (state.unit_changed, state.tool_changed,
                                                      state.cut_line_changed, state.layer_visibility_changed))
    state.set_unit("um")
    state.set_unit(LengthUnit.UM)
    state.set_tool("cut")
    state.set_tool(Tool.CUT)
    line = CutLine(-1.0, 0.0, 1.0, 0.5)
    state.set_cut_line(line)
    state.set_cut_line(CutLine(-1.0, 0.0, 1.0, 0.5))
    state.set_layer_visible("lower", True)
    state.set_layer_visible("lower", True)
    state.set_layer_visible("pads", True)
    assert units == [(LengthUnit.UM,)] and state.unit is LengthUnit.UM
    assert tools == [(Tool.CUT,)] and state.tool is Tool.CUT
    assert cuts == [(line,)] and state.cut_line == line
    assert layers == [("lower", True)] and state.layer_visible("lower") and state.layer_visible("pads")
    assert state.layers == ("pads", "lower")


def test_zoom_is_a_request_every_time() -> None:
    state = ViewState()
    zooms = record(state.zoom_requested)
    state.request_zoom(1, 2, 3)
    state.request_zoom(1, 2, 3)
    assert zooms == [(ZoomRequest(1.0, 2.0, 3.0),)] * 2


def test_unknown_layer_and_tool_are_refused() -> None:
    state = ViewState({"pads": True})
    with pytest.raises(KeyError):
        state.set_layer_visible("padz", False)
    with pytest.raises(ValueError, match="lasso"):
        state.set_tool("lasso")
    assert state.layer_visible("pads") and state.tool is Tool.SELECT


def test_the_view_state_imports_no_qt() -> None:
    code = "import sys, app.view_state; print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_tool_kind_fires_once_per_change_and_refuses_unknown_names() -> None:
    import pytest

    from app.view_state import ViewState
    from geometry.model.tools import ToolKind

    vs = ViewState()
    seen: list[ToolKind] = []
    vs.tool_kind_changed.connect(seen.append)
    assert vs.tool_kind is ToolKind.MASK
    vs.set_tool_kind("pin-plate")
    vs.set_tool_kind(ToolKind.PIN_PLATE)  # the same again: no event
    assert seen == [ToolKind.PIN_PLATE]
    with pytest.raises(ValueError, match="stencil"):
        vs.set_tool_kind("stencil")
