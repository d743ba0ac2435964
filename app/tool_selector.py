"""Which tool of the ball-attach line the window is about: the mask, or one of its companion tools (flux stencil,
pin plate, pick head, inspection reference; :mod:`geometry.model.tools`).

The choice is view state (:attr:`app.view_state.ViewState.tool_kind`), never part of the design: the Tools menu
(the functions here, rows of the action table) and the selector on the top view write it; the top view draws the
tool (:mod:`app.views.tool_layer`), the checks panel lists the tool's findings
(:func:`geometry.checks.tools.tool_report`) in place of the mask's, the property panel shows the tool's settings
(:mod:`app.panels.tool_group`) and File > Export writes the tool's folder (:func:`geometry.export.tools.write_tool`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6 import QtCore, QtWidgets

from app.panels.fields import connect_event
from app.panels.tool_group import TITLES
from app.view_state import ViewState
from geometry.checks.records import CheckReport, Severity
from geometry.checks.tools import tool_report
from geometry.model.tools import ToolKind

if TYPE_CHECKING:
    from app.document import Document
    from app.panel_table import PanelContext
    from app.panels.checks_panel import ChecksPanel

__all__ = ["KEYS", "TIPS", "TITLES", "ToolFindings", "ToolSelector", "export_shown_tool", "export_title",
           "install_tool_views", "show_tool", "tool_shown"]

KEYS = {ToolKind.MASK: "Ctrl+1", ToolKind.FLUX_STENCIL: "Ctrl+2", ToolKind.PIN_PLATE: "Ctrl+3",
        ToolKind.PICK_HEAD: "Ctrl+4", ToolKind.INSPECTION: "Ctrl+5"}
TIPS = {ToolKind.MASK: "The ball-mounting mask itself",
        ToolKind.FLUX_STENCIL: "The flux-printing stencil: one aperture per ball site",
        ToolKind.PIN_PLATE: "The flux-transfer pin plate: one pin per site and the flux spot it leaves",
        ToolKind.PICK_HEAD: "The vacuum pick head: one hole per ball",
        ToolKind.INSPECTION: "The post-mount inspection reference: expected balls and their position window"}


class ToolShell(Protocol):
    """What the Tools menu's functions need from the window (a part of :class:`app.action_shell.Shell`)."""

    document: Document
    view_state: ViewState

    def run_export(self) -> None: ...
    def ask_tool_folder(self, kind: ToolKind) -> Path | None: ...
    def ask_yes_no(self, title: str, text: str) -> bool: ...
    def info(self, text: str) -> None: ...
    def error(self, text: str) -> None: ...


# -- the Tools menu (rows of app.actions.ACTIONS) --------------------------------------------------------------------
def show_tool(kind: ToolKind) -> Callable[[ToolShell], None]:
    """The action that shows ``kind``."""
    return lambda s: s.view_state.set_tool_kind(kind)


def tool_shown(kind: ToolKind) -> Callable[[ToolShell], bool]:
    """Whether ``kind`` is the tool shown (the menu's check mark)."""
    return lambda s: s.view_state.tool_kind is kind


def export_title(shell: ToolShell) -> str:
    """File > Export names the tool it writes."""
    kind = shell.view_state.tool_kind
    return "&Export..." if kind is ToolKind.MASK else f"&Export {TITLES[kind]}..."


def export_shown_tool(shell: ToolShell) -> bool:
    """File > Export: the mask's export dialog, or the shown tool's folder (README, DXF, Gerber or CSV).

    A tool with errors is refused unless the user says to write it anyway, as ``ballmask export --tool --force``.
    """
    kind = shell.view_state.tool_kind
    if kind is ToolKind.MASK:
        shell.run_export()
        return True
    from geometry.export.tools import write_tool

    design = shell.document.design
    report = tool_report(design, kind)
    errors = report.count(Severity.ERROR)
    if errors and not shell.ask_yes_no(
            f"Export {TITLES[kind]}", f"The {TITLES[kind].lower()} has {errors} error(s) (see the Checks panel). "
            "Write its files anyway?"):
        return False
    folder = shell.ask_tool_folder(kind)
    if folder is None:
        return False
    try:
        write_tool(design, kind, folder)
    except (OSError, ValueError) as e:
        shell.error(f"Cannot write {folder}:\n{e}")
        return False
    shell.info(f"{TITLES[kind]} written to {folder}")
    return True


# -- the selector on the top view ------------------------------------------------------------------------------------
class ToolSelector(QtWidgets.QComboBox):
    """A combo box over the top view's corner, bound to the view state's tool (both ways, no echo)."""

    def __init__(self, view_state: ViewState, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolSelector")
        self.view_state = view_state
        for kind in ToolKind:
            self.addItem(TITLES[kind], kind.value)
            self.setItemData(self.count() - 1, f"{TIPS[kind]} ({KEYS[kind]})", QtCore.Qt.ItemDataRole.ToolTipRole)
        self.setToolTip("Which tool the views show: the mask or a companion tool (Tools menu, Ctrl+1 to Ctrl+5)")
        self.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)  # the keys stay the drawing's
        self.currentIndexChanged.connect(lambda i: view_state.set_tool_kind(str(self.itemData(i))))
        connect_event(self, view_state.tool_kind_changed, self.show_kind)
        self.show_kind(view_state.tool_kind)

    def show_kind(self, kind: ToolKind) -> None:
        """Follow the view state (signals blocked)."""
        with QtCore.QSignalBlocker(self):
            self.setCurrentIndex(self.findData(kind.value))


# -- the checks panel ------------------------------------------------------------------------------------------------
class ToolFindings(QtCore.QObject):
    """Puts the shown tool's findings in the checks panel (and on the top view) in place of the mask's.

    The checks panel and the window take the check runner's reports first (they connected first); for a
    companion tool this object then replaces what they show by :func:`tool_report` of the same design. The status
    bar's counts stay the mask's: the mask is the product, a tool only its companion.
    """

    def __init__(self, ctx: PanelContext, panel: ChecksPanel) -> None:
        super().__init__(panel)
        self.ctx = ctx
        self.panel = panel
        self.report: CheckReport | None = None
        self.banner = QtWidgets.QLabel(panel)
        self.banner.setObjectName("checks.tool_banner")
        self.banner.setStyleSheet("background: #fff4d6; color: #5a4500; padding: 2px 6px;")
        self.banner.hide()
        layout = panel.layout()
        if isinstance(layout, QtWidgets.QVBoxLayout):
            layout.insertWidget(0, self.banner)
        ctx.runner.report_ready.connect(lambda _r: self.refresh())
        connect_event(self, ctx.view_state.tool_kind_changed, lambda _k: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """Show the tool's findings (or give the mask's back)."""
        kind = self.ctx.view_state.tool_kind
        if kind is ToolKind.MASK:
            was_tool = self.report is not None
            self.report = None
            self.banner.hide()
            if was_tool:
                self.panel.set_report(self.ctx.runner.report)
                self.ctx.top_view.set_report(self.ctx.runner.report)
            return
        report = tool_report(self.ctx.document.design, kind)
        self.report = report
        self.panel.set_report(report)
        self.ctx.top_view.set_report(report)
        n_err, n_warn = report.count(Severity.ERROR), report.count(Severity.WARNING)
        found = (f"{TITLES[kind]} checks: {n_err} error(s), {n_warn} warning(s)." if kind is not ToolKind.INSPECTION
                 else "The inspection reference has no checks of its own (it is not made).")
        self.banner.setText(f"{found} The mask's findings are back with Tools > Mask (Ctrl+1).")
        self.banner.show()


def install_tool_views(ctx: PanelContext, panel: ChecksPanel) -> None:
    """The selector on the top view's corner, the tool's layer on the top view, its findings in ``panel``."""
    from app.views.tool_layer import ToolLayer

    top = ctx.top_view
    selector = ToolSelector(ctx.view_state, top)
    selector.move(8, 8)
    selector.raise_()
    top.tool_selector = selector  # type: ignore[attr-defined]  # found by tests and screenshots by this name
    top.tool_layer = ToolLayer(top.box, top.layers, ctx.document, ctx.view_state, top)  # type: ignore[attr-defined]
    panel.tool_findings = ToolFindings(ctx, panel)  # type: ignore[attr-defined]
    window = ctx.window

    def refresh_menus(_kind: ToolKind) -> None:  # the check marks and Export's title follow the tool
        refresh = getattr(window, "refresh_actions", None)
        if refresh is not None and getattr(window, "qactions", None):
            refresh()

    connect_event(window, ctx.view_state.tool_kind_changed, refresh_menus)
