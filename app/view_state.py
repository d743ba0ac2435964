"""What the window shows, apart from the design: display unit, cut line, zoom requests, layer visibility, the mouse
tool, and which tool of the ball-attach line the views show (the mask or a companion tool).

Qt-free, like :class:`app.document.Document`, and observed the same way (:class:`app.events.Event`): a panel that
changes one of these values writes it here, and every panel and view that shows it subscribes here. No panel
connects to another panel, so a panel can be added, removed or renamed without rewiring the others.

A setter that does not change the value emits nothing: an observer may write the value it was just told (a
combo box following the unit, a layer item following its visibility) without starting a loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.events import Event
from app.units import LengthUnit
from geometry.model.tools import ToolKind


class Tool(StrEnum):
    """What a left click and a left drag do on the top view."""

    SELECT = "select"
    ADD_SITE = "add"
    MEASURE = "measure"
    CUT = "cut"


@dataclass(frozen=True, slots=True)
class CutLine:
    """A line across the mask in plan coordinates (mm), drawn with the cut-line tool; the cross-section follows."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True, slots=True)
class ZoomRequest:
    """Show about ``size_mm`` across, centred on (x, y) in mm: a violation, a die, a site."""

    x_mm: float
    y_mm: float
    size_mm: float


class ViewState:
    """The window's view settings, each with an event that fires with the new value after a change."""

    def __init__(self, layers: Mapping[str, bool] | Iterable[tuple[str, bool]] = (),
                 unit: LengthUnit = LengthUnit.MM, tool: Tool = Tool.SELECT) -> None:
        self._layers: dict[str, bool] = dict(layers)
        self._unit = LengthUnit(unit)
        self._tool = Tool(tool)
        self._cut_line: CutLine | None = None
        self._tool_kind = ToolKind.MASK
        self.unit_changed = Event[[LengthUnit]]()
        self.tool_changed = Event[[Tool]]()
        self.cut_line_changed = Event[[CutLine | None]]()
        self.layer_visibility_changed = Event[[str, bool]]()
        self.zoom_requested = Event[[ZoomRequest]]()
        self.tool_kind_changed = Event[[ToolKind]]()

    # -- display unit --------------------------------------------------------------------------------------
    @property
    def unit(self) -> LengthUnit:
        """The unit lengths are shown and typed in."""
        return self._unit

    def set_unit(self, unit: LengthUnit | str) -> None:
        """Show lengths in mm or µm everywhere."""
        u = LengthUnit(unit)
        if u is not self._unit:
            self._unit = u
            self.unit_changed.emit(u)

    # -- mouse tool ----------------------------------------------------------------------------------------
    @property
    def tool(self) -> Tool:
        """What left clicks do on the top view."""
        return self._tool

    def set_tool(self, tool: Tool | str) -> None:
        """Choose the mouse tool (ValueError for a name that is not a tool)."""
        t = Tool(tool)
        if t is not self._tool:
            self._tool = t
            self.tool_changed.emit(t)

    # -- the tool shown (Tools menu: mask, flux stencil, pin plate, pick head, inspection) ----------------------
    @property
    def tool_kind(self) -> ToolKind:
        """Which tool the top view, the checks panel, the properties and Export are about."""
        return self._tool_kind

    def set_tool_kind(self, kind: ToolKind | str) -> None:
        """Show the mask or a companion tool (ValueError for a name that is not a tool)."""
        k = ToolKind(kind)
        if k is not self._tool_kind:
            self._tool_kind = k
            self.tool_kind_changed.emit(k)

    # -- cut line ------------------------------------------------------------------------------------------
    @property
    def cut_line(self) -> CutLine | None:
        """The last line drawn with the cut-line tool (None: the cross-section follows a row or column)."""
        return self._cut_line

    def set_cut_line(self, line: CutLine | None) -> None:
        """Cut along this line."""
        if line != self._cut_line:
            self._cut_line = line
            self.cut_line_changed.emit(line)

    # -- layers --------------------------------------------------------------------------------------------
    @property
    def layers(self) -> tuple[str, ...]:
        """The layer ids, in the order they were given."""
        return tuple(self._layers)

    def layer_visible(self, layer_id: str) -> bool:
        """Whether a layer is shown (KeyError for an unknown layer)."""
        return self._layers[layer_id]

    def set_layer_visible(self, layer_id: str, visible: bool) -> None:
        """Show or hide a layer (KeyError for an unknown layer: a misspelt id must not pass unnoticed)."""
        if layer_id not in self._layers:
            raise KeyError(layer_id)
        if self._layers[layer_id] != bool(visible):
            self._layers[layer_id] = bool(visible)
            self.layer_visibility_changed.emit(layer_id, bool(visible))

    # -- zoom ----------------------------------------------------------------------------------------------
    def request_zoom(self, x_mm: float, y_mm: float, size_mm: float) -> None:
        """Ask the top view to show this place (an event, not a state: asking twice zooms twice)."""
        self.zoom_requested.emit(ZoomRequest(float(x_mm), float(y_mm), float(size_mm)))
