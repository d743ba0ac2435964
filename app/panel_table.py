"""The window's panels as data: id, title, dock area, factory, and the designs each is shown for.

The main window builds one dock per row of :data:`PANELS`, in order, so a new panel is one row and one factory
here. A factory builds its widget and subscribes it to the document and the :class:`app.view_state.ViewState`;
no factory connects one panel to another, so a renamed signal fails when the window is built (an
AttributeError naming it), never by silently leaving two panels unconnected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6 import QtCore, QtWidgets

from app.check_runner import CheckRunner
from app.document import Document
from app.panels.checks_panel import ChecksPanel
from app.panels.fields import connect_event
from app.panels.properties import PropertyPanel
from app.tool_selector import install_tool_views
from app.view_state import CutLine, ViewState
from app.views.cross_section import CrossSectionView
from app.views.rework_overlay import ReworkOverlay
from app.views.rework_view import ReworkView
from app.views.top_view import TopView
from app.views.unit_map import UnitMapView, unit_cut_line, unit_name
from app.views.wafer_map import WaferMapView
from geometry.derive.section import residue_bumps
from geometry.model.design import Design
from geometry.model.layouts import CarrierLayout
from geometry.model.layouts.wafer import WaferLayout

Area = QtCore.Qt.DockWidgetArea
DIE_MARGIN = 1.08  # a die zoomed to from the wafer map shows a little of its streets


@dataclass
class PanelContext:
    """What the factories build on: the window's document, view state and shared objects."""

    window: QtWidgets.QMainWindow
    document: Document
    view_state: ViewState
    settings: QtCore.QSettings
    top_view: TopView
    runner: CheckRunner
    show_message: Callable[[str], None]  # the status bar, for a few seconds
    raise_panel: Callable[[str], None]  # bring a panel's dock to the front (by panel id)
    overlays: dict[str, ReworkOverlay] = field(default_factory=dict)  # top-view items a panel draws with


@dataclass(frozen=True)
class PanelSpec:
    """One dock of the window.

    ``shown_for`` decides from the design whether the panel applies (None: always); the window shows the dock
    when the design starts to qualify and hides it when it stops; with ``only_when_shown`` the user cannot open it
    for another design either (a wafer map of no wafer). ``beside`` splits the dock of that panel
    side by side with this one; ``tabbed_with`` stacks this one on it as a tab.
    """

    id: str
    title: str
    area: QtCore.Qt.DockWidgetArea
    factory: Callable[[PanelContext], QtWidgets.QWidget]
    shown_for: Callable[[Design], bool] | None = None
    beside: str | None = None
    tabbed_with: str | None = None
    min_width: int = 0
    only_when_shown: bool = False


# -- factories ---------------------------------------------------------------------------------------------
def _properties(ctx: PanelContext) -> QtWidgets.QWidget:
    panel = PropertyPanel(ctx.document, ctx.window, settings=ctx.settings)
    ctx.view_state.set_unit(panel.unit)  # the unit remembered from the last run is everyone's at the start
    panel.units_changed.connect(ctx.view_state.set_unit)
    ctx.view_state.unit_changed.connect(panel.set_unit)
    connect_event(panel, ctx.view_state.tool_kind_changed, panel.tool_group.set_tool)  # the Tools menu's tool
    return panel


def _checks(ctx: PanelContext) -> QtWidgets.QWidget:
    panel = ChecksPanel(ctx.document, ctx.runner, ctx.window)
    panel.set_unit(ctx.view_state.unit)
    ctx.view_state.unit_changed.connect(panel.set_unit)
    panel.zoom_requested.connect(ctx.view_state.request_zoom)
    install_tool_views(ctx, panel)  # the Tools menu's tool: on the top view, its findings in this panel
    return panel


def _cross_section(ctx: PanelContext) -> QtWidgets.QWidget:
    view = CrossSectionView(ctx.document, ctx.window)
    view.deferred.follow(ctx.top_view.repaint_hold)  # drawn with the edit's result
    view.residue_provider = residue_bumps
    view.set_unit(ctx.view_state.unit)
    ctx.view_state.unit_changed.connect(view.set_unit)

    def follow(line: CutLine | None) -> None:
        if line is not None:
            view.set_cut_line(line.x0, line.y0, line.x1, line.y1)
            ctx.raise_panel("cross_section")

    ctx.view_state.cut_line_changed.connect(follow)
    return view


def _rework(ctx: PanelContext) -> QtWidgets.QWidget:
    view = ReworkView(ctx.document, ctx.window)
    view.message.connect(ctx.show_message)
    overlay = ReworkOverlay(ctx.top_view.box)  # the review's site states as rings on the top view
    view.review_changed.connect(lambda: overlay.show_review(ctx.document.design, view.review))
    overlay.show_review(ctx.document.design, view.review)
    ctx.overlays["rework"] = overlay
    return view


def _wafer_map(ctx: PanelContext) -> QtWidgets.QWidget:
    view = WaferMapView(ctx.document, ctx.window)

    def zoom_to_die(group: int) -> None:
        dm, layout = view.dies, ctx.document.design.layout
        if dm is None or not 0 <= group < dm.n_kept or not isinstance(layout, WaferLayout):
            return
        k = int(dm.kept_rows[group])
        ctx.view_state.request_zoom(float(dm.x_mm[k]), float(dm.y_mm[k]),
                                    max(layout.step_x, layout.step_y) * DIE_MARGIN)
        ctx.show_message(f"Die {dm.name[k]}")

    view.die_clicked.connect(zoom_to_die)
    return view


def _unit_map(ctx: PanelContext) -> QtWidgets.QWidget:
    view = UnitMapView(ctx.document, ctx.window)
    view.message.connect(ctx.show_message)
    ctx.runner.report_ready.connect(view.set_report)  # the mask's findings (a tool's stay in the checks panel)
    view.set_report(ctx.runner.report)

    def cut_through(row: int, col: int) -> None:
        line = unit_cut_line(ctx.document.design, row, col)
        if line is not None:
            ctx.top_view.cut_drag(*line, finished=True, snap=False)  # the cross-section follows the cut line
            ctx.show_message(f"Unit {unit_name(ctx.document.design.layout, row, col)}: the cross-section cuts "  # type: ignore[arg-type]
                             "through its middle row")

    view.unit_clicked.connect(cut_through)
    return view


def has_rework(design: Design) -> bool:
    """Rework data: the review applies."""
    return design.rework is not None


def is_wafer(design: Design) -> bool:
    """A wafer layout: the wafer map applies."""
    return isinstance(design.layout, WaferLayout)


def is_carrier(design: Design) -> bool:
    """A strip or panel layout: the unit map applies."""
    return isinstance(design.layout, CarrierLayout)


# -- the table ---------------------------------------------------------------------------------------------
# The top view takes the middle; the properties run the full height on the left; the checks table and the
# cross-section share the bottom, side by side; rework review, wafer map and unit map stack on the right.
PANELS: tuple[PanelSpec, ...] = (
    PanelSpec("properties", "Properties", Area.LeftDockWidgetArea, _properties, min_width=260),
    PanelSpec("checks", "Checks", Area.BottomDockWidgetArea, _checks),
    PanelSpec("cross_section", "Cross-section", Area.BottomDockWidgetArea, _cross_section, beside="checks"),
    PanelSpec("rework", "Rework", Area.RightDockWidgetArea, _rework, shown_for=has_rework, min_width=280),
    PanelSpec("wafer_map", "Wafer map", Area.RightDockWidgetArea, _wafer_map, shown_for=is_wafer,
              tabbed_with="rework", min_width=280, only_when_shown=True),
    PanelSpec("unit_map", "Unit map", Area.RightDockWidgetArea, _unit_map, shown_for=is_carrier,
              tabbed_with="wafer_map", min_width=280, only_when_shown=True),
)
