"""The main window: it only composes. The top view in the centre, panels as docks, menus from the action table,
the status bar; and it answers the few questions the actions ask (file names, confirmations).

Layout: the top view takes the middle and most of the width; the properties panel runs the full height on the
left; the checks table and the cross-section share the bottom, side by side under the top view; the rework review
and the wafer map sit on the right and show themselves only for designs they apply to (rework data, a wafer
layout). The docks come from the panel table (:mod:`app.panel_table`); panels and views share the display unit,
cut line, zoom requests, layer visibility and tool through one :class:`app.view_state.ViewState`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6 import QtCore, QtGui, QtWidgets

from app import actions as acts
from app import style
from app.action_shell import ActionSpec
from app.analysis_status import AnalysisStatus
from app.check_runner import CheckRunner
from app.document import Document
from app.files import Autosave, RecentFiles, settings_strings
from app.panel_table import PANELS, PanelContext
from app.preferences import remember_folder
from app.rework_actions import derive_rework_mask
from app.shell_dialogs import APP_NAME, ShellDialogs
from app.shortcuts import FocusKeeper, key_sequences, release_shortcuts
from app.view_state import Tool, ViewState
from app.views.cross_section import CrossSectionView
from app.views.overlay import OverlayShell
from app.views.rework_overlay import ReworkOverlay
from app.views.rework_view import ReworkView
from app.views.top_view import TopView
from app.views.wafer_map import WaferMapView
from app.window_extras import WindowExtras
from geometry.analysis.live import LiveAnalysis
from geometry.base.errors import DesignError
from geometry.checks.records import CheckReport, Severity
from geometry.fileio import load_design, save_design
from geometry.model.design import Design

_W = TypeVar("_W", bound=QtWidgets.QWidget)


def key_sequence(shortcut: str) -> QtGui.QKeySequence:
    """The first key sequence of a shortcut string of the action table (see app.shortcuts.key_sequences)."""
    seqs = key_sequences(shortcut)
    return seqs[0] if seqs else QtGui.QKeySequence()


class MainWindow(WindowExtras, ShellDialogs, OverlayShell):
    """Composes the document's views; implements :class:`app.action_shell.Shell` for the action functions."""

    def __init__(self, document: Document, settings: QtCore.QSettings, recovery_dir: Path | None = None,
                 autosave_seconds: float = 60.0, parent: QtWidgets.QWidget | None = None,
                 analysis: LiveAnalysis | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self.recent = RecentFiles(settings)
        self.autosave = Autosave(document, recovery_dir, autosave_seconds, self) if recovery_dir else None
        self.autosave_seconds = autosave_seconds
        self.derived_windows: list[MainWindow] = []  # windows opened on designs derived here (rework masks)
        self.setObjectName("MainWindow")
        self.setDockOptions(QtWidgets.QMainWindow.DockOption.AnimatedDocks
                            | QtWidgets.QMainWindow.DockOption.AllowTabbedDocks)

        self.view_state = ViewState({spec.id: spec.visible for spec in style.LAYERS})
        # relief and checks off the GUI thread (app.check_runner), started once the window has painted
        self.runner = CheckRunner(document, self, analysis, first_run_ms=1000)
        self.top_view = TopView(document, self, view_state=self.view_state, runner=self.runner)
        self.top_view.plot.first_painted.connect(lambda: QtCore.QTimer.singleShot(0, self.runner.run_now))
        self.setCentralWidget(self.top_view)
        self.docks: dict[str, QtWidgets.QDockWidget] = {}
        self.panels: dict[str, QtWidgets.QWidget] = {}
        self._build_docks()
        self._build_status_bar()
        # connected once the status bar exists: building the docks processes events, and a report delivered then
        # would find no counters to write to
        self.runner.report_ready.connect(self.show_report)
        if self.runner.checked_design is not None:
            self.show_report(self.runner.report)
        self.qactions: dict[str, QtGui.QAction] = {}
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.focus_keeper = FocusKeeper(self, self.qactions.values, self.top_view.plot)
        app = QtWidgets.QApplication.instance()
        if app is not None:
            app.installEventFilter(self.focus_keeper)
        self.install_extras()

        document.design_changed.connect(lambda _d: self.refresh_actions())
        document.selection_changed.connect(self._selection_changed)
        document.stack.changed.connect(self.refresh_actions)
        document.dirty_changed.connect(lambda _d: self.refresh_title())
        document.path_changed.connect(lambda _p: self.refresh_title())
        self.top_view.cursor_text.connect(self.cursor_label.setText)
        self.top_view.message.connect(lambda t: self.statusBar().showMessage(t, 8000))
        self.view_state.layer_visibility_changed.connect(lambda *_: self.refresh_actions())
        self.view_state.tool_changed.connect(lambda _t: self.refresh_actions())
        self.refresh_title()
        self.refresh_actions()
        self.setAcceptDrops(True)  # a design file dropped on the window opens (ShellDialogs.dropEvent)
        self.resize(1400, 900)
        self._restore_layout()
        self.fit_screen()

    # -- composition ----------------------------------------------------------------------------------------------
    def _build_docks(self) -> None:
        area = QtCore.Qt.DockWidgetArea
        corner = QtCore.Qt.Corner
        # the side panels run the full height; the bottom panels stay under the top view
        self.setCorner(corner.TopLeftCorner, area.LeftDockWidgetArea)
        self.setCorner(corner.BottomLeftCorner, area.LeftDockWidgetArea)
        self.setCorner(corner.TopRightCorner, area.RightDockWidgetArea)
        self.setCorner(corner.BottomRightCorner, area.RightDockWidgetArea)
        ctx = PanelContext(self, self.document, self.view_state, self.settings, self.top_view, self.runner,
                           lambda t: self.statusBar().showMessage(t, 8000), lambda pid: self.docks[pid].raise_())
        for spec in PANELS:
            widget = spec.factory(ctx)
            dock = QtWidgets.QDockWidget(spec.title, self)
            dock.setObjectName(f"dock_{spec.id}")
            dock.setWidget(widget)
            self.addDockWidget(spec.area, dock)
            if spec.beside is not None:
                self.splitDockWidget(self.docks[spec.beside], dock, QtCore.Qt.Orientation.Horizontal)
            if spec.tabbed_with is not None:
                self.tabifyDockWidget(self.docks[spec.tabbed_with], dock)
            if spec.min_width:
                dock.setMinimumWidth(spec.min_width)
            self.docks[spec.id] = dock
            self.panels[spec.id] = widget
        self.rework_overlay: ReworkOverlay = ctx.overlays["rework"]
        # the panel's Derive button runs the menu's command: the rework mask opens as a new design
        self.rework_view.derive_requested.connect(lambda: derive_rework_mask(self))
        self._default_dock_sizes()
        self._design_kind: tuple[bool, ...] | None = None
        self.document.design_changed.connect(lambda _d: self._show_docks_for_design())
        self._show_docks_for_design()

    def _panel(self, panel_id: str, kind: type[_W]) -> _W:
        widget = self.panels[panel_id]
        if not isinstance(widget, kind):
            raise TypeError(f"panel {panel_id!r} is a {type(widget).__name__}, not a {kind.__name__}")
        return widget

    @property
    def cross_section(self) -> CrossSectionView:
        """The cross-section panel."""
        return self._panel("cross_section", CrossSectionView)

    @property
    def rework_view(self) -> ReworkView:
        """The rework review panel."""
        return self._panel("rework", ReworkView)

    @property
    def wafer_map(self) -> WaferMapView:
        """The wafer map panel."""
        return self._panel("wafer_map", WaferMapView)

    def _default_dock_sizes(self) -> None:
        """Side panels narrow, the bottom row low: the top view gets most of the window."""
        self.resizeDocks([self.docks["properties"], self.docks["rework"]], [300, 380],
                         QtCore.Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["checks"], self.docks["cross_section"]], [430, 570],
                         QtCore.Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["checks"]], [270], QtCore.Qt.Orientation.Vertical)

    def _show_docks_for_design(self) -> None:
        """Panels with a ``shown_for`` follow the design: shown when it becomes a design they apply to (the
        last such one in front), hidden when it stops being one; one marked ``only_when_shown`` cannot be opened
        for a design it does not apply to."""
        design = self.document.design
        conditional = [spec for spec in PANELS if spec.shown_for is not None]
        kind = tuple(bool(spec.shown_for(design)) for spec in conditional if spec.shown_for is not None)
        previous, self._design_kind = self._design_kind, kind
        front: str | None = None
        for i, spec in enumerate(conditional):
            dock, now, before = self.docks[spec.id], kind[i], previous is not None and previous[i]
            if spec.only_when_shown:
                dock.toggleViewAction().setEnabled(now)
            if previous is None or now != before:
                dock.setVisible(now)
            if now and not before and front is None:
                front = spec.id
        if front is not None:
            self.docks[front].raise_()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.cursor_label = QtWidgets.QLabel("")
        self.cursor_label.setObjectName("cursorLabel")
        # fixed widths: text changing under the moving mouse must never re-layout the window (the view would jump)
        self.cursor_label.setFixedWidth(470)
        self.cursor_label.setStyleSheet("font-family: monospace;")
        self.counts_label = QtWidgets.QLabel("")
        self.counts_label.setObjectName("countsLabel")
        self.counts_label.setFixedWidth(230)
        self.analysis_status = AnalysisStatus(self.runner)
        bar.addPermanentWidget(self.analysis_status)
        bar.addPermanentWidget(self.cursor_label)
        bar.addPermanentWidget(self.counts_label)
        self.runner.state_changed.connect(self._show_counts)

    def _build_actions(self) -> None:
        groups: dict[str, QtGui.QActionGroup] = {}
        for spec in acts.ACTIONS:
            a = QtGui.QAction(spec.title_for(self), self)
            a.setObjectName(spec.id)
            if spec.shortcut:
                a.setShortcuts(key_sequences(spec.shortcut))
                # every shortcut works wherever focus is, floating docks included (app.shortcuts)
                a.setShortcutContext(QtCore.Qt.ShortcutContext.ApplicationShortcut)
            if spec.tip:
                a.setStatusTip(spec.tip)
                a.setToolTip(spec.tip)
            a.setCheckable(spec.checkable)
            if spec.group:
                groups.setdefault(spec.group, QtGui.QActionGroup(self)).addAction(a)
            a.triggered.connect(self._runner_for(spec))
            self.qactions[spec.id] = a

    def _runner_for(self, spec: ActionSpec) -> Callable[[], None]:
        def run() -> None:
            spec.run(self)
            self.refresh_actions()

        return run

    def _build_menus(self) -> None:
        bar = self.menuBar()
        menus: dict[str, QtWidgets.QMenu] = {m: bar.addMenu(f"&{m}") for m in acts.MENUS}
        for spec in acts.ACTIONS:
            top, _, sub = spec.menu.partition("/")
            menu = menus[top]
            if sub:
                key = spec.menu
                if key not in menus:
                    menus[key] = menu.addMenu(sub)
                menu = menus[key]
            if spec.separator_before:
                menu.addSeparator()
            menu.addAction(self.qactions[spec.id])
            if spec.id == "file.open":
                self.recent_menu = menu.addMenu("Open &Recent")
                self.recent_menu.setObjectName("recentMenu")
                self.recent_menu.aboutToShow.connect(self._fill_recent)
        panels = menus["View"].addMenu("&Panels")
        panels.setObjectName("panelsMenu")
        for dock in self.docks.values():
            panels.addAction(dock.toggleViewAction())
        self.menus = menus

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Tools")
        tb.setObjectName("toolbar_tools")
        tb.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
        for aid in ("tools.select", "tools.add", "tools.measure", "tools.cut", None, "view.fit", "view.zoom_in",
                    "view.zoom_out", None, "edit.undo", "edit.redo"):
            if aid is None:
                tb.addSeparator()
            elif self.tool_available(aid.removeprefix("tools.")) or not aid.startswith("tools."):
                tb.addAction(self.qactions[aid])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.paths()
        for p in paths:
            a = self.recent_menu.addAction(p.name)
            a.setToolTip(str(p))
            a.triggered.connect(lambda _c=False, p=p: self._open_recent(p))
        if not paths:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear List", self.recent.clear)

    def _open_recent(self, path: Path) -> None:
        if self.confirm_discard():
            self.open_path(path)

    # -- refresh ----------------------------------------------------------------------------------------------------
    def refresh_title(self) -> None:
        """'name.ballmask* - ballmask': the file and the dirty marker."""
        path = self.document.path
        name = path.name if path else f"{self.document.design.name} (unsaved)"
        dirty = "*" if self.document.dirty else ""
        self.setWindowTitle(f"{name}{dirty} \u2014 {APP_NAME}")
        self.setWindowFilePath(str(path) if path else "")

    def refresh_actions(self) -> None:
        """Titles, enabled and checked states from the table's functions."""
        for spec in acts.ACTIONS:
            a = self.qactions[spec.id]
            a.setText(spec.title_for(self))
            if spec.enabled is not None:
                a.setEnabled(bool(spec.enabled(self)))
            if spec.checked is not None:
                a.setChecked(bool(spec.checked(self)))
            if spec.available is not None:
                a.setVisible(bool(spec.available(self)))

    def _selection_changed(self, names: frozenset[str]) -> None:
        self.refresh_actions()
        if names:
            self.statusBar().showMessage(f"{len(names)} site{'s' if len(names) != 1 else ''} selected", 5000)

    def show_report(self, report: CheckReport) -> None:
        """Draw the violations and show counts per severity in the status bar."""
        self.top_view.set_report(report)
        self.last_report = report
        self._show_counts()

    def _show_counts(self) -> None:
        """Counts per severity of the last report; all grey while they are of an earlier design (stale)."""
        report = getattr(self, "last_report", None)
        if report is None:
            return
        stale = self.runner.stale
        parts = []
        for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            n = report.count(sev)
            colour = style.SEVERITY_COLOURS[sev] if n and not stale else "#808080"
            parts.append(f"<span style='color:{colour}; font-weight:bold'>{n}</span> {sev.value}s")
        self.counts_label.setText(" &nbsp; ".join(parts))
        self.counts_label.setToolTip("Findings of an earlier design: the checks of this one are not in yet" if stale
                                     else "Findings of the current design")

    def confirm_discard(self) -> bool:
        """Unsaved work: Save, Discard or Cancel. True when it is fine to go on."""
        if not self.document.dirty:
            return True
        sb = QtWidgets.QMessageBox.StandardButton
        name = self.document.path.name if self.document.path else "the new design"
        answer = self.question("Unsaved changes", f"Save the changes to {name}?", sb.Save | sb.Discard | sb.Cancel)
        if answer == sb.Save:
            return bool(acts.file_save(self))
        return answer == sb.Discard

    # -- Shell: files -----------------------------------------------------------------------------------------------
    def open_path(self, path: Path) -> bool:
        """Load a design file into the document (the error is shown, nothing changes, when it is bad)."""
        try:
            design = load_design(path)
            design.sites()  # made (and cached) here, so a design too large to hold is refused like a bad one
        except (OSError, DesignError) as e:
            self.error(f"Cannot open {path}:\n{e}")
            return False
        except MemoryError:
            self.error(f"Cannot open {path}:\nthe design is too large for this computer's memory")
            return False
        except RecursionError:
            self.error(f"Cannot open {path}:\nthe file is nested too deeply to read")
            return False
        self.document.replace(design, Path(path))
        self.recent.add(Path(path))
        self.top_view.fit_all()
        self.info(f"Opened {path}")
        return True

    def save_to(self, path: Path) -> bool:
        """Write the design (atomically) and mark the document saved."""
        try:
            save_design(self.document.design, path)
        except (OSError, DesignError) as e:
            self.error(f"Cannot save {path}:\n{e}")
            return False
        self.document.mark_saved(Path(path))
        self.recent.add(Path(path))
        remember_folder(self.settings, Path(path))
        if self.autosave is not None:
            self.autosave.remove()
        self.info(f"Saved {path}")
        return True

    def open_derived(self, design: Design, production: Design) -> None:
        """A design derived from this window's (a rework mask) in a new window, unsaved, compared against
        ``production``; this window's document is left as it is. The new window autosaves nowhere: its
        recovery file would share this one's folder, and it asks before closing unsaved work like any window."""
        window = MainWindow(Document(design, None), self.settings, None, self.autosave_seconds)
        window.document.mark_never_saved()
        window.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        if hasattr(window, "rework_view"):
            window.rework_view.set_baseline(production)
        self.derived_windows.append(window)
        window.destroyed.connect(lambda *_a, w=window: self._forget_derived(w))
        window.show()
        window.raise_()
        window.top_view.fit_all()

    def _forget_derived(self, window: MainWindow) -> None:
        if window in self.derived_windows:
            self.derived_windows.remove(window)

    def start_new(self, design: Design) -> None:
        """Edit a new, never saved design."""
        self.document.replace(design, None)
        self.top_view.fit_all()

    def run_export(self) -> None:
        """The export dialog (options, progress, cancel)."""
        from app.dialogs.export_dialog import ExportDialog
        from app.preferences import start_folder

        if not self.runner.flush(self):  # the export checks the design: let it reuse the running analysis
            self.statusBar().showMessage("Export not started: the checks of the current design did not finish", 8000)
            return
        dlg = ExportDialog(self.document, self, folder=start_folder(self.settings, self.document.path))
        dlg.exec()
        if dlg.written is not None:
            remember_folder(self.settings, Path(dlg.written))

    def show_about(self) -> None:
        """Version and purpose."""
        from geometry.base.version import __version__ as v

        QtWidgets.QMessageBox.about(
            self, f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {v}<br>CAD for solder-ball mounting masks: lay out ball sites, shape the "
            "openings, check them against the ball, and export artwork for the mask maker.")

    def close_window(self) -> None:
        """Quit (asks about unsaved work)."""
        self.close()

    # -- Shell: view --------------------------------------------------------------------------------------------------
    def fit_all(self) -> None:
        """Show the whole mask."""
        self.top_view.fit_all()

    def fit_frame(self) -> None:
        """Show the whole frame (View > Fit Frame)."""
        if not self.top_view.fit_frame():
            self.info("The design has no frame: choose one in File > Drawing and Title Block.")

    def zoom(self, factor: float) -> None:
        """Zoom about the centre."""
        self.top_view.zoom(factor)

    def set_layer_visible(self, layer_id: str, visible: bool) -> None:
        """Show or hide a layer."""
        self.view_state.set_layer_visible(layer_id, visible)

    def layer_visible(self, layer_id: str) -> bool:
        """Whether a layer is shown."""
        return self.view_state.layer_visible(layer_id)

    def set_tool(self, tool: str) -> None:
        """Choose the mouse tool."""
        self.view_state.set_tool(tool)

    def current_tool(self) -> str:
        """The mouse tool in use."""
        return self.view_state.tool.value

    def tool_available(self, tool: str) -> bool:
        """Whether the top view offers this mouse tool (a tool name in the action table that is not a Tool)."""
        return tool in {t.value for t in Tool}

    # -- layout memory and closing ------------------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        geom = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geom, QtCore.QByteArray):
            self.restoreGeometry(geom)
        if isinstance(state, QtCore.QByteArray):
            self.restoreState(state)
            self._design_kind = None  # the rework and wafer panels follow the design, not the last session
            self._show_docks_for_design()
        for lid in settings_strings(self.settings, "view/hidden_layers"):
            if lid in self.view_state.layers:  # settings files outlive layer ids
                self.view_state.set_layer_visible(lid, False)
        for lid in settings_strings(self.settings, "view/shown_layers"):
            if lid in self.view_state.layers:
                self.view_state.set_layer_visible(lid, True)

    def save_layout(self) -> None:
        """Remember window geometry, dock state and layer visibility."""
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        state = self.view_state
        self.settings.setValue("view/hidden_layers", [k for k in state.layers if not state.layer_visible(k)])
        self.settings.setValue("view/shown_layers", [k for k in state.layers if state.layer_visible(k)])
        self.settings.sync()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if not self.confirm_discard():
            event.ignore()
            return
        self.save_layout()
        if self.autosave is not None:
            self.autosave.timer.stop()
            self.autosave.remove()
        release_shortcuts(self)
        event.accept()
