"""The main window: it only composes. The top view in the centre, panels as docks, menus from the action table,
the status bar; and it answers the few questions the actions ask (file names, confirmations).

Layout: the top view takes the middle and most of the width; the properties panel runs the full height on the
left; the checks table and the cross-section share the bottom, side by side under the top view; the rework review
and the wafer map sit on the right and show themselves only for designs they apply to (rework data, a wafer
layout). Panels that other modules provide are docked when importable, with a plain placeholder otherwise.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from app import actions as acts
from app import style
from app.document import Document
from app.files import Autosave, RecentFiles
from app.preferences import remember_folder
from app.shell_dialogs import APP_NAME, ShellDialogs
from app.shortcuts import FocusKeeper, key_sequences
from app.views.top_view import TopView
from app.window_extras import WindowExtras
from geometry.base.errors import DesignError
from geometry.checks.records import CheckReport, Severity
from geometry.fileio import load_design, save_design
from geometry.model.design import Design


def _optional(module: str, name: str) -> Any | None:
    """A class from a module that may not exist yet (built in parallel); None when it is missing."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _placeholder(text: str) -> QtWidgets.QWidget:
    label = QtWidgets.QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("color: #808080; padding: 12px;")
    return label


def key_sequence(shortcut: str) -> QtGui.QKeySequence:
    """The first key sequence of a shortcut string of the action table (see app.shortcuts.key_sequences)."""
    seqs = key_sequences(shortcut)
    return seqs[0] if seqs else QtGui.QKeySequence()


class MainWindow(WindowExtras, ShellDialogs):
    """Composes the document's views; implements :class:`app.actions.Shell` for the action functions."""

    def __init__(self, document: Document, settings: QtCore.QSettings, recovery_dir: Path | None = None,
                 autosave_seconds: float = 60.0, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self.recent = RecentFiles(settings)
        self.autosave = Autosave(document, recovery_dir, autosave_seconds, self) if recovery_dir else None
        self.setObjectName("MainWindow")
        self.setDockOptions(QtWidgets.QMainWindow.DockOption.AnimatedDocks
                            | QtWidgets.QMainWindow.DockOption.AllowTabbedDocks)

        self.top_view = TopView(document, self)
        self.setCentralWidget(self.top_view)
        self.runner = self._make_runner()
        self.docks: dict[str, QtWidgets.QDockWidget] = {}
        self._build_docks()
        self._build_status_bar()
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
        self.top_view.layer_visibility_changed.connect(lambda *_: self.refresh_actions())
        self.top_view.tool_changed.connect(lambda _t: self.refresh_actions())
        self.refresh_title()
        self.refresh_actions()
        self.resize(1400, 900)
        self._restore_layout()

    # -- composition ----------------------------------------------------------------------------------------------
    def _make_runner(self) -> Any:
        runner_cls = _optional("app.check_runner", "CheckRunner")
        if runner_cls is not None:
            runner = runner_cls(self.document)
            runner.report_ready.connect(self.show_report)
            return runner
        run_checks = _optional("geometry.checks", "run_checks")
        if run_checks is not None:  # no runner yet: check synchronously after each change
            def rerun(design: Design) -> None:
                self.show_report(run_checks(design))

            self.document.design_changed.connect(rerun)
            QtCore.QTimer.singleShot(0, lambda: rerun(self.document.design))
        return None

    def _dock(self, key: str, title: str, widget: QtWidgets.QWidget, area: QtCore.Qt.DockWidgetArea) -> None:
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[key] = dock

    def _build_docks(self) -> None:
        area = QtCore.Qt.DockWidgetArea
        corner = QtCore.Qt.Corner
        # the side panels run the full height; the bottom panels stay under the top view
        self.setCorner(corner.TopLeftCorner, area.LeftDockWidgetArea)
        self.setCorner(corner.BottomLeftCorner, area.LeftDockWidgetArea)
        self.setCorner(corner.TopRightCorner, area.RightDockWidgetArea)
        self.setCorner(corner.BottomRightCorner, area.RightDockWidgetArea)
        props_cls = _optional("app.panels.properties", "PropertyPanel")
        props = props_cls(self.document, self, settings=self.settings) if props_cls else None
        self._dock("properties", "Properties", props or _placeholder("Properties panel (coming)"),
                   area.LeftDockWidgetArea)
        checks_cls = _optional("app.panels.checks_panel", "ChecksPanel")
        checks = checks_cls(self.document, self.runner, self) if checks_cls and self.runner is not None else None
        if checks is not None:
            checks.zoom_requested.connect(self.top_view.zoom_to)
        self._dock("checks", "Checks", checks or _placeholder("Checks panel (coming)"), area.BottomDockWidgetArea)
        cross_cls = _optional("app.views.cross_section", "CrossSectionView")
        cross = cross_cls(self.document, self) if cross_cls else None
        self.cross_section = cross
        self._dock("cross_section", "Cross-section", cross or _placeholder("Cross-section view (coming)"),
                   area.BottomDockWidgetArea)
        self.splitDockWidget(self.docks["checks"], self.docks["cross_section"], QtCore.Qt.Orientation.Horizontal)
        self._build_rework_dock(cross)
        self._build_wafer_dock()
        self._connect_cut_line(cross)
        if props is not None and hasattr(props, "units_changed"):
            for view in (checks, cross):
                if view is not None and hasattr(view, "set_unit"):
                    props.units_changed.connect(view.set_unit)
        self._default_dock_sizes()
        self._design_kind: tuple[bool, bool] | None = None
        self.document.design_changed.connect(lambda _d: self._show_docks_for_design())
        self._show_docks_for_design()

    def _build_rework_dock(self, cross: Any) -> None:
        """The rework review on the right, its states as rings on the top view, its residue in the section."""
        from app.views.rework_overlay import ReworkOverlay
        from app.views.rework_view import ReworkView
        from geometry.derive.section import residue_bumps

        self.rework_view = ReworkView(self.document, self)
        self.rework_view.message.connect(lambda t: self.statusBar().showMessage(t, 8000))
        self.rework_overlay = ReworkOverlay(self.top_view.box)
        self.rework_view.review_changed.connect(
            lambda: self.rework_overlay.show_review(self.document.design, self.rework_view.review))
        self.rework_overlay.show_review(self.document.design, self.rework_view.review)
        self._dock("rework", "Rework", self.rework_view, QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        if cross is not None and hasattr(cross, "residue_provider"):
            cross.residue_provider = residue_bumps
            cross.redraw(fit=False)

    def _build_wafer_dock(self) -> None:
        """The wafer map on the right (wafer designs only); a click on a die zooms the top view to it."""
        from app.views.wafer_map import WaferMapView

        self.wafer_map = WaferMapView(self.document, self)
        self.wafer_map.die_clicked.connect(self.zoom_to_die)
        self._dock("wafer_map", "Wafer map", self.wafer_map, QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.docks["rework"], self.docks["wafer_map"])

    def _connect_cut_line(self, cross: Any) -> None:
        """A line drawn with the top view's cut-line tool becomes the cross-section's cut (when the view has it)."""
        signal = getattr(self.top_view, "cut_line_drawn", None)
        if signal is not None and cross is not None and hasattr(cross, "set_cut_line"):
            signal.connect(cross.set_cut_line)
            signal.connect(lambda *_: self.docks["cross_section"].raise_())

    def _default_dock_sizes(self) -> None:
        """Side panels narrow, the bottom row low: the top view gets most of the window."""
        self.docks["properties"].setMinimumWidth(260)
        for key in ("rework", "wafer_map"):
            self.docks[key].setMinimumWidth(280)
        self.resizeDocks([self.docks["properties"], self.docks["rework"]], [300, 380],
                         QtCore.Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["checks"], self.docks["cross_section"]], [430, 570],
                         QtCore.Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["checks"]], [270], QtCore.Qt.Orientation.Vertical)

    def _show_docks_for_design(self) -> None:
        """Rework and wafer panels follow the design: shown when it becomes a rework / wafer design, hidden when
        it stops being one; the wafer map cannot be opened for a design that is not a wafer."""
        from geometry.model.layouts.wafer import WaferLayout

        design = self.document.design
        kind = (design.rework is not None, isinstance(design.layout, WaferLayout))
        previous, self._design_kind = self._design_kind, kind
        self.docks["wafer_map"].toggleViewAction().setEnabled(kind[1])
        for key, now, before in (("rework", kind[0], previous and previous[0]),
                                 ("wafer_map", kind[1], previous and previous[1])):
            if previous is None or now != before:
                self.docks[key].setVisible(now)
        if kind[0] and (previous is None or not previous[0]):
            self.docks["rework"].raise_()
        elif kind[1] and (previous is None or not previous[1]):
            self.docks["wafer_map"].raise_()

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
        bar.addPermanentWidget(self.cursor_label)
        bar.addPermanentWidget(self.counts_label)

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

    def _runner_for(self, spec: acts.ActionSpec) -> Callable[[], None]:
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
        parts = []
        for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            n = report.count(sev)
            colour = style.SEVERITY_COLOURS[sev] if n else "#808080"
            parts.append(f"<span style='color:{colour}; font-weight:bold'>{n}</span> {sev.value}s")
        self.counts_label.setText(" &nbsp; ".join(parts))

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
        except (OSError, DesignError) as e:
            self.error(f"Cannot open {path}:\n{e}")
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

    def start_new(self, design: Design) -> None:
        """Edit a new, never saved design."""
        self.document.replace(design, None)
        self.top_view.fit_all()

    def run_export(self) -> None:
        """The export dialog (options, progress, cancel)."""
        from app.dialogs.export_dialog import ExportDialog
        from app.preferences import remember_folder, start_folder

        dlg = ExportDialog(self.document, self, folder=start_folder(self.settings, self.document.path))
        dlg.exec()
        if dlg.written is not None:
            remember_folder(self.settings, Path(dlg.written))

    def show_about(self) -> None:
        """Version and purpose."""
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("ballmask")
        except PackageNotFoundError:
            v = "unknown"
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

    def zoom(self, factor: float) -> None:
        """Zoom about the centre."""
        self.top_view.zoom(factor)

    def set_layer_visible(self, layer_id: str, visible: bool) -> None:
        """Show or hide a layer."""
        self.top_view.set_layer_visible(layer_id, visible)

    def layer_visible(self, layer_id: str) -> bool:
        """Whether a layer is shown."""
        return self.top_view.layer_visible(layer_id)

    def set_tool(self, tool: str) -> None:
        """Choose the mouse tool."""
        self.top_view.set_tool(tool)

    def current_tool(self) -> str:
        """The mouse tool in use."""
        return self.top_view.tool.value

    def tool_available(self, tool: str) -> bool:
        """Whether the top view offers this mouse tool (the cut-line tool arrives with the top view's work)."""
        return tool in {t.value for t in type(self.top_view.tool)}

    def zoom_to_die(self, group: int) -> None:
        """Show kept die ``group`` of a wafer design in the top view, with a little of its streets."""
        dm = self.wafer_map.dies
        layout = self.document.design.layout
        if dm is None or not 0 <= group < dm.n_kept:
            return
        k = int(dm.kept_rows[group])
        size = max(float(getattr(layout, "step_x", 0.0)), float(getattr(layout, "step_y", 0.0)))
        self.top_view.zoom_to(float(dm.x_mm[k]), float(dm.y_mm[k]), size * 1.08)
        self.info(f"Die {dm.name[k]}")

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
        hidden = self.settings.value("view/hidden_layers", [])
        for lid in [hidden] if isinstance(hidden, str) else list(hidden or []):
            if lid in self.top_view.layers:
                self.top_view.set_layer_visible(lid, False)
        shown = self.settings.value("view/shown_layers", [])
        for lid in [shown] if isinstance(shown, str) else list(shown or []):
            if lid in self.top_view.layers:
                self.top_view.set_layer_visible(lid, True)

    def save_layout(self) -> None:
        """Remember window geometry, dock state and layer visibility."""
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        layers = self.top_view.layers
        self.settings.setValue("view/hidden_layers", [k for k, v in layers.items() if not v.isVisible()])
        self.settings.setValue("view/shown_layers", [k for k, v in layers.items() if v.isVisible()])
        self.settings.sync()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if not self.confirm_discard():
            event.ignore()
            return
        self.save_layout()
        if self.autosave is not None:
            self.autosave.timer.stop()
            self.autosave.remove()
        event.accept()
