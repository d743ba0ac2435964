"""What the main window adds on top of composing its panels: icons and tooltips on the toolbar, Help (user guide,
check reference, keyboard shortcuts), Preferences, File > Close, Find, zoom to selection or findings, rulers.

A mixin of :class:`app.main_window.MainWindow` (it implements those Shell methods of app/actions.py), kept in its
own module so the window module stays a composition of panels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from app.doc_browser import DocBrowser, docs_folder
from app.shortcuts import ShortcutsDialog, native_text, shortcut_rows
from app.toolbar_icons import ICONS, TOOLBAR, icon
from app.units import LengthUnit, length_text

if TYPE_CHECKING:
    from app.document import Document
    from app.view_state import ViewState
    from app.views.top_view import TopView
    from geometry.checks.records import CheckReport


class WindowExtras(QtWidgets.QMainWindow):
    """Help, Preferences, Close, Find, zooms and the toolbar's look, for the main window."""

    document: Document
    top_view: TopView
    settings: QtCore.QSettings
    qactions: dict[str, QtGui.QAction]
    view_state: ViewState
    last_report: CheckReport
    docks: dict[str, QtWidgets.QDockWidget]

    def install_extras(self) -> None:
        """Icons and tooltips on every action; the toolbar rebuilt with icons; the drawing takes focus."""
        for aid, a in self.qactions.items():
            if aid in ICONS:
                a.setIcon(icon(ICONS[aid]))
            title = a.text().replace("&", "").removesuffix("...")
            tip = a.toolTip() if a.toolTip() and a.toolTip() != a.text().replace("&", "") else ""
            keys = native_text(a.shortcuts())
            a.setToolTip(f"<b>{title}</b>{f' ({keys})' if keys else ''}{f'<br>{tip}' if tip else ''}")
            if not a.statusTip():
                a.setStatusTip(tip or title)
        for tb in self.findChildren(QtWidgets.QToolBar):
            if tb.objectName() == "toolbar_tools":
                tb.clear()
                tb.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonIconOnly)
                tb.setIconSize(QtCore.QSize(22, 22))
                for entry in TOOLBAR:
                    if entry is None:
                        tb.addSeparator()
                    elif entry in self.qactions:
                        tb.addAction(self.qactions[entry])
        self._build_ruler_dock()
        self._build_inspector_dock()
        self._connect_checks()
        self._connect_units()
        self._connect_wafer_map()
        self._build_snap_grid()
        self._build_rework_marks()
        self.origin: tuple[float, float] = (0.0, 0.0)
        self._shrinkable()
        self.top_view.plot.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.top_view.setToolTip("")
        for dock in self.docks.values():
            dock.toggleViewAction().setToolTip(f"Show or hide the {dock.windowTitle()} panel")

    def _build_rework_marks(self) -> None:
        """The sites the rework mask changes against production, ringed on the top view, with a legend entry."""
        import pyqtgraph as pg

        from app.views.legend import SwatchSample, _EntryLabel
        from app.views.snap_grid import PassiveScatter

        colour = "#8e24aa"
        marks = PassiveScatter(pxMode=False, symbol="s", brush=None,
                                   pen=pg.mkPen(colour, width=2.5, style=QtCore.Qt.PenStyle.DashLine))
        marks.setZValue(60.0)
        marks.setAcceptedMouseButtons(QtCore.Qt.MouseButton.NoButton)  # clicks go to the tool beneath
        self.top_view.box.addItem(marks, ignoreBounds=True)
        self.rework_marks = marks
        legend = self.top_view.legend
        sample = SwatchSample(marks, colour, None)
        label = _EntryLabel("Changed by rework", sample, color="#202020", justify="left", size="8pt")
        sample.setParentItem(legend)
        label.setParentItem(legend)
        marks.visibleChanged.connect(legend.refresh)  # a click on the swatch or the label toggles the marks

        def show() -> None:
            view = getattr(self, "rework_view", None)
            rv = getattr(view, "review", None)
            changed = [c.site for c in getattr(rv, "changes", ())]
            sites = self.document.design.sites()
            has = [n for n in changed if sites.has(n)]
            idx = sites.indices_of(has) if has else np.zeros(0, dtype=np.intp)
            d = self.document.design
            if len(idx):  # the pitch only when there is something to ring (an explicit layout's takes a KD-tree)
                size = (d.layout.pitch_hint_mm() or 2.0 * d.ball.diameter_mm) * 0.92
                marks.setData(x=sites.x_mm[idx], y=sites.y_mm[idx], size=size)
            else:
                marks.setData(x=[], y=[])
            entry = (sample, label)
            if len(idx) and entry not in legend.items:
                legend.items.append(entry)
                legend._relayout()
            elif not len(idx) and entry in legend.items:
                legend.items.remove(entry)
                legend._relayout()
            if entry not in legend.items:
                sample.hide()
                label.hide()

        view = getattr(self, "rework_view", None)
        if view is not None:
            view.review_changed.connect(show)
        show()

    def _build_snap_grid(self) -> None:
        """Dots at the snap nodes while adding sites (Preferences > snap grid turns them off)."""
        from app.preferences import Preferences
        from app.view_state import Tool
        from app.views.snap_grid import SnapGrid

        grid = SnapGrid(self.top_view.box)
        grid.enabled = Preferences.load(self.settings).snap_grid
        self.snap_grid = grid

        def refresh(*_args: Any) -> None:
            grid.active = self.view_state.tool == Tool.ADD_SITE
            grid.update(self.top_view._picker)

        self.top_view.box.sigRangeChanged.connect(refresh)
        self.view_state.tool_changed.connect(refresh)
        self.document.design_changed.connect(lambda _d: QtCore.QTimer.singleShot(0, refresh))
        def set_visible(on: bool) -> None:
            grid.enabled = on
            refresh()

        self.set_snap_grid_visible = set_visible

    def _connect_wafer_map(self) -> None:
        """Dies coloured by the checks' findings; a click on a die puts the cross-section through it."""
        wafer_map = getattr(self, "wafer_map", None)
        runner = getattr(self, "runner", None)
        if wafer_map is None:
            return
        if runner is not None and hasattr(wafer_map, "set_report"):
            runner.report_ready.connect(wafer_map.set_report)
            self.document.design_changed.connect(lambda _d: wafer_map.set_report(getattr(runner, "report", None)))
        wafer_map.die_clicked.connect(self.cut_through_die)

    def cut_through_die(self, group: int) -> None:
        """The cross-section along the middle row of balls of kept die ``group``."""
        from geometry.model.layouts.wafer import WaferLayout, die_sites

        wafer_map: Any = getattr(self, "wafer_map", None)
        dm = wafer_map.dies if wafer_map is not None else None
        design = self.document.design
        cross = getattr(self, "cross_section", None)
        if dm is None or not isinstance(design.layout, WaferLayout) or cross is None or not 0 <= group < dm.n_kept:
            return
        k = int(dm.kept_rows[group])
        local = die_sites(design.layout, design.pad)
        ys = np.unique(np.round(local.y_mm, 6))
        row_y = float(ys[np.argmin(np.abs(ys))]) if len(ys) else 0.0
        hx = design.layout.die_x_mm / 2.0
        x, y = float(dm.x_mm[k]), float(dm.y_mm[k]) + row_y
        self.top_view.cut_drag(x - hx, y, x + hx, y, finished=True, snap=False)

    def display_unit(self) -> LengthUnit:
        """The unit lengths are read and typed in (the view state's, which the properties panel sets)."""
        return LengthUnit(self.view_state.unit)

    def _connect_units(self) -> None:
        """The rulers and their list follow the view state's unit like every other view."""
        self.view_state.unit_changed.connect(self.top_view.rulers.set_unit)
        self.top_view.rulers.set_unit(self.display_unit())

    # -- typed coordinates ------------------------------------------------------------------------------------
    def ask_coordinates(self, title: str, fields: list[tuple[str, float, str]], note: str = "") -> list[float] | None:
        """Numbers in the display unit, relative to the origin when the user keeps it so (None: cancelled)."""
        from app.coordinates import CoordinateDialog

        dlg = CoordinateDialog(title, fields, self.display_unit(), self.origin, note, self)
        self.coordinate_dialog = dlg
        return dlg.values_mm() if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def _selection_centre(self) -> tuple[float, float] | None:
        names = sorted(self.document.selection)
        if not names:
            return None
        sites = self.document.design.sites()
        idx = sites.indices_of(names)
        return (float(sites.x_mm[idx].mean()), float(sites.y_mm[idx].mean()))

    def add_site_typed(self) -> None:
        """Edit > Add Site at: a site at typed x, y (snapped to nothing: exactly there)."""
        x0, y0 = self._selection_centre() or self.origin
        v = self.ask_coordinates("Add Site at", [("x", x0, "x"), ("y", y0, "y")],
                                 "The new site's centre; it gets its grid name when it sits on a grid node.")
        if v is not None:
            self.top_view.add_site_at(round(v[0], 6), round(v[1], 6))

    def cut_typed(self) -> None:
        """View > Cut Line at: the cross-section along a typed line."""
        x0, y0, x1, y1 = self.top_view.last_cut or (0.0, 0.0, 1.0, 0.0)
        v = self.ask_coordinates("Cut Line at", [("x start", x0, "x"), ("y start", y0, "y"), ("x end", x1, "x"),
                                                 ("y end", y1, "y")])
        if v is not None:
            self.top_view.cut_drag(v[0], v[1], v[2], v[3], finished=True, snap=False)

    def set_origin_typed(self) -> None:
        """View > Set Origin: typed and shown coordinates are relative to it (the selection's centre by default)."""
        x0, y0 = self._selection_centre() or self.origin
        from app.coordinates import CoordinateDialog

        dlg = CoordinateDialog("Set Origin", [("x", x0, ""), ("y", y0, "")], self.display_unit(), (0.0, 0.0),
                               "Absolute coordinates of the new origin (0, 0 resets it).", self)
        self.coordinate_dialog = dlg
        if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            x, y = dlg.values_mm()
            self.set_origin(x, y)

    def set_origin(self, x_mm: float, y_mm: float) -> None:
        """The relative origin (view state; the design is untouched)."""
        self.origin = (x_mm, y_mm)
        if hasattr(self.top_view, "set_origin"):
            self.top_view.set_origin(x_mm, y_mm)
        u = self.display_unit()
        self.info(f"Origin at ({length_text(x_mm, u)}, {length_text(y_mm, u)}) {u.symbol}")  # type: ignore[attr-defined]

    def move_to_typed(self) -> None:
        """Edit > Move To: move the selection so its centre lands on typed x, y."""
        from geometry.model.operations import move_sites

        centre = self._selection_centre()
        if centre is None:
            return
        v = self.ask_coordinates("Move Selection To", [("x", centre[0], "x"), ("y", centre[1], "y")],
                                 "Where the centre of the selected sites goes.")
        if v is None:
            return
        dx, dy = v[0] - centre[0], v[1] - centre[1]
        names = sorted(self.document.selection)
        u = self.display_unit()
        from app.action_shell import apply_edit

        apply_edit(self, f"Move {len(names)} site(s) to ({length_text(v[0], u)}, {length_text(v[1], u)}) "  # type: ignore[arg-type]
                   f"{u.symbol}", lambda d: move_sites(d, names, dx, dy))

    def _connect_checks(self) -> None:
        """The checks panel's current finding ringed on the drawing; its "?" opens the check reference."""
        from app.views.finding_highlight import FindingHighlight

        self.finding_highlight = FindingHighlight(self.top_view.box)
        panel = self.docks["checks"].widget()
        if hasattr(panel, "finding_selected"):
            def show(v: Any) -> None:
                d = self.document.design
                self.finding_highlight.show(v, d.layout.pitch_hint_mm() or 2.0 * d.ball.diameter_mm)

            panel.finding_selected.connect(show)
            self.document.design_changed.connect(lambda _d: self.finding_highlight.show(None, 1.0))
        if hasattr(panel, "help_requested"):
            panel.help_requested.connect(self.show_check_help)

    def _shrinkable(self) -> None:
        """No label or bar may hold the window wider than a small screen at a 1.5 scale factor: long texts clip
        (their full text is the tooltip) instead of setting the window's minimum width."""
        ignored = QtWidgets.QSizePolicy.Policy.Ignored
        cross = getattr(self, "cross_section", None)
        info = getattr(cross, "info", None)
        if isinstance(info, QtWidgets.QLabel):
            info.setSizePolicy(ignored, info.sizePolicy().verticalPolicy())
            info.setMinimumWidth(0)
        checks = self.docks["checks"].widget()
        for name in ("summary", "message"):
            text = getattr(checks, name, None)
            if isinstance(text, QtWidgets.QLabel):
                text.setSizePolicy(ignored, text.sizePolicy().verticalPolicy())
                text.setMinimumWidth(0)
        search = getattr(checks, "search", None)
        if isinstance(search, QtWidgets.QLineEdit):
            search.setMinimumWidth(32)
        combo = getattr(checks, "check_filter", None)
        if isinstance(combo, QtWidgets.QComboBox):
            combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(3)
        for dock in self.docks.values():
            dock.setMinimumWidth(min(dock.minimumWidth(), 200))
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None and screen.width() < 1500:
            # no room for a right column: the rework and wafer panels become tabs beside the properties, so
            # showing them for a rework or wafer design never widens (resizes) the window
            for key in ("rework", "wafer_map"):
                if key in self.docks:
                    self.tabifyDockWidget(self.docks["properties"], self.docks[key])
            self.docks["properties"].raise_()
        label = getattr(self, "cursor_label", None)
        if isinstance(label, QtWidgets.QLabel) and screen is not None:
            label.setFixedWidth(min(470, max(200, screen.width() // 3)))

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802 (Qt override)
        """Once shown (hidden panels no longer count in the minimum size), fit the screen again."""
        super().showEvent(event)
        QtCore.QTimer.singleShot(0, self.fit_screen)

    def fit_screen(self) -> None:
        """The window never opens larger than the screen (at any scale factor)."""
        screen = self.screen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        w, h = min(self.width(), avail.width()), min(self.height(), avail.height())
        if (w, h) != (self.width(), self.height()):
            self.resize(w, h)
        if not avail.contains(self.frameGeometry()):
            self.move(avail.topLeft())

    def _build_inspector_dock(self) -> None:
        """The site inspector, a tab beside the checks and the rulers."""
        from app.panels.inspector import SiteInspector

        self.inspector = SiteInspector(self.document, lambda aid: self.qactions[aid].trigger(), self)
        dock = QtWidgets.QDockWidget("Inspector", self)
        dock.setObjectName("dock_inspector")
        dock.setWidget(self.inspector)
        self.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.tabifyDockWidget(self.docks["rulers"], dock)
        self.docks["inspector"] = dock
        self.docks["checks"].raise_()
        self.inspector.set_unit(self.view_state.unit)
        self.view_state.unit_changed.connect(self.inspector.set_unit)
        runner = getattr(self, "runner", None)
        if runner is not None:
            runner.report_ready.connect(self.inspector.set_report)
        panels = self.findChild(QtWidgets.QMenu, "panelsMenu")
        if panels is not None:
            panels.addAction(dock.toggleViewAction())

    def _build_ruler_dock(self) -> None:
        """The ruler list, a tab beside the checks (a new ruler brings it to the front; nothing resizes)."""
        from app.rulers import RulerList

        rulers = self.top_view.rulers
        self.ruler_list = RulerList(rulers, self)
        dock = QtWidgets.QDockWidget("Rulers", self)
        dock.setObjectName("dock_rulers")
        dock.setWidget(self.ruler_list)
        self.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.tabifyDockWidget(self.docks["checks"], dock)
        self.docks["rulers"] = dock
        self.docks["checks"].raise_()
        rulers.changed.connect(lambda: dock.raise_() if rulers.rulers else None)
        panels = self.findChild(QtWidgets.QMenu, "panelsMenu")
        if panels is not None:
            panels.addAction(dock.toggleViewAction())

    def action_rows(self) -> list[tuple[str, QtGui.QAction]]:
        """(menu, action) for every action in menu order."""
        from app import actions as acts

        return [(spec.menu.replace("/", " > "), self.qactions[spec.id]) for spec in acts.ACTIONS
                if spec.id in self.qactions]

    # -- Help -------------------------------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        """Help > Keyboard Shortcuts."""
        rows = shortcut_rows(self.action_rows())
        rows += [("Drawing", "Pan", "Right or middle drag", ""), ("Drawing", "Zoom about the cursor", "Wheel", ""),
                 ("Drawing", "Add to the selection", "Shift+click, Shift+drag", ""),
                 ("Fields", "Apply the value, back to the drawing", "Enter", ""),
                 ("Fields", "Revert the value, back to the drawing", "Esc", "")]
        self.shortcuts_dialog = ShortcutsDialog(rows, self)
        self.shortcuts_dialog.open()

    def show_doc(self, name: str, anchor: str = "") -> DocBrowser:
        """A page of docs/ in a browser window (non-modal: the user can keep working beside it)."""
        dlg = DocBrowser(docs_folder() / name, anchor, self)
        dlg.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.doc_browser = dlg
        return dlg

    def show_guide(self) -> None:
        """Help > User Guide."""
        self.show_doc("guide.md")

    def show_check_help(self, check_id: str) -> None:
        """What does this check mean? The check reference (the tools' page for a tool's check) at the check."""
        from app.check_help import check_page

        self.show_doc(check_page(check_id), check_id)

    # -- Preferences --------------------------------------------------------------------------------------------
    def show_preferences(self) -> None:
        """Edit > Preferences: stored in QSettings, applied at once."""
        from app.preferences import Preferences, PreferencesDialog

        dlg = PreferencesDialog(Preferences.load(self.settings), self)
        self.preferences_dialog = dlg
        if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.apply_preferences(dlg.preferences())

    def apply_preferences(self, prefs: Any) -> None:
        """Store and apply: the unit to every view, the theme, the autosave interval, the snap grid."""
        from app import theme

        prefs.save(self.settings)
        self.view_state.set_unit(prefs.unit)
        theme.apply_theme(prefs.theme)
        autosave = getattr(self, "autosave", None)
        if autosave is not None:
            if prefs.autosave_seconds > 0:
                autosave.timer.start(prefs.autosave_seconds * 1000)
            else:
                autosave.timer.stop()
        set_grid = getattr(self, "set_snap_grid_visible", None)
        if set_grid is not None:
            set_grid(prefs.snap_grid)

    # -- File, Edit, View -------------------------------------------------------------------------------------
    def close_document(self) -> None:
        """File > Close: after asking about unsaved work, an untitled design from the first template."""
        from app.dialogs.templates import build_template

        if not self.confirm_discard():  # type: ignore[attr-defined]
            return
        self.document.replace(build_template("bga"), None)
        self.top_view.fit_all()

    def ask_text(self, title: str, label: str) -> str | None:
        """One line of text (one place, so tests can answer it)."""
        text, ok = QtWidgets.QInputDialog.getText(self, title, label)
        return text if ok else None

    def find_site(self) -> None:
        """Edit > Find Site: select a site by name and show it."""
        text = self.ask_text("Find Site", "Site name (e.g. E11):")
        if not text:
            return
        name = text.strip().upper()
        sites = self.document.design.sites()
        if not sites.has(name):
            self.error(f"No site named {name!r} in this design.")  # type: ignore[attr-defined]
            return
        self.document.set_selection((name,))
        self.zoom_to_selection()

    def _zoom_to_points(self, x: np.ndarray, y: np.ndarray) -> None:
        if len(x) == 0:
            return
        d = self.document.design
        margin = (d.layout.pitch_hint_mm() or d.ball.diameter_mm * 2.0) * 1.5
        x0, x1, y0, y1 = float(x.min()), float(x.max()), float(y.min()), float(y.max())
        size = max(x1 - x0, y1 - y0) + 2 * margin
        self.top_view.zoom_to((x0 + x1) / 2.0, (y0 + y1) / 2.0, size)

    def zoom_to_selection(self) -> None:
        """View > Zoom to Selection."""
        names = sorted(self.document.selection)
        if not names:
            return
        sites = self.document.design.sites()
        idx = np.array([sites.index_of(n) for n in names], dtype=np.intp)
        self._zoom_to_points(sites.x_mm[idx], sites.y_mm[idx])

    def zoom_to_findings(self) -> None:
        """View > Zoom to Findings: every finding's place in view."""
        report = getattr(self, "last_report", None)
        vs = report.violations if report is not None else ()
        if not vs:
            self.info("No findings to show.")  # type: ignore[attr-defined]
            return
        self._zoom_to_points(np.array([v.x_mm for v in vs]), np.array([v.y_mm for v in vs]))

    def clear_rulers(self) -> None:
        """View > Clear Rulers."""
        rulers = getattr(self.top_view, "rulers", None)
        if rulers is not None:
            rulers.clear()
