"""What the top view's tools do with the mouse: select, add a site, measure, draw a cut line, the rubber band,
and the cursor's text (coordinates in the display unit, the site under it).

The base class of :class:`app.views.top_view.TopView`, which builds the items these methods move (the band, the
lines, the add preview) and the picker they ask; mouse input becomes document commands or selection changes here,
never edits of the design itself.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from app import style
from app.document import Document
from app.render.paths import cosmetic_pen
from app.render.picking import SitePicker
from app.units import LengthUnit, length_text
from app.view_state import CutLine, Tool, ViewState
from geometry.base.errors import DesignError
from geometry.derive.openings import opening_table
from geometry.model.operations import add_site

if TYPE_CHECKING:
    from app.rulers import RulerSet


class TopViewTools(QtWidgets.QWidget):
    """The tools' side of the top view (see the module docstring)."""

    message = QtCore.Signal(str)
    tool_changed = QtCore.Signal(str)
    cut_line_drawn = QtCore.Signal(float, float, float, float)  # x0, y0, x1, y1 in mm (the Cut line tool)

    # built by TopView.__init__
    document: Document
    view_state: ViewState
    box: pg.ViewBox
    rulers: RulerSet
    unit: LengthUnit
    origin: tuple[float, float]
    last_measurement: Any
    last_cut: tuple[float, float, float, float] | None
    add_preview: QtWidgets.QGraphicsEllipseItem
    add_preview_name: str | None
    _picker: SitePicker
    _measure_from: str | None
    _measure_line: pg.PlotCurveItem
    _cut_line: pg.PlotCurveItem
    _band: QtWidgets.QGraphicsRectItem

    @property
    def tool(self) -> Tool:
        """What left clicks do (the view state's tool)."""
        return self.view_state.tool

    def set_tool(self, tool: Tool | str) -> None:
        """Choose what left clicks do."""
        self.view_state.set_tool(tool)

    def _tool_changed(self, t: Tool) -> None:
        self._measure_from = None
        self._measure_line.setData([], [])
        self.rulers.cancel()
        self.add_preview.hide()
        self._cut_line.setData([], [])
        self.tool_changed.emit(t.value)
        self.message.emit({Tool.SELECT: "Select: click a site (Shift adds), drag a box; right-drag pans.",
                           Tool.ADD_SITE: "Add site: click on the grid; the site snaps to the pitch.",
                           Tool.MEASURE: "Measure: click two points (they snap to centres and opening "
                                         "edges); the ruler stays until cleared (Shift+Esc).",
                           Tool.CUT: "Cut line: drag a line; the cross-section follows it."}[t])

    def click_at(self, x_mm: float, y_mm: float, modifiers: QtCore.Qt.KeyboardModifier) -> None:
        """A left click at a point in mm, as the current tool understands it."""
        shift = bool(modifiers & QtCore.Qt.KeyboardModifier.ShiftModifier)
        name = self._picker.site_at(x_mm, y_mm)
        if self.tool == Tool.SELECT:
            sel = self.document.selection
            if name is None:
                if not shift:
                    self.document.set_selection(())
            elif shift:
                self.document.set_selection(sel - {name} if name in sel else sel | {name})
            else:
                self.document.set_selection((name,))
        elif self.tool == Tool.ADD_SITE:
            sx, sy = self._picker.snap(x_mm, y_mm)
            self.add_site_at(sx, sy)
        elif self.tool == Tool.MEASURE:
            ruler = self.rulers.click(self.document.design, x_mm, y_mm, self._ruler_site(x_mm, y_mm))
            if ruler is not None and ruler.a.site and ruler.b.site and ruler.a.site != ruler.b.site:
                self.last_measurement = self._picker.measure(ruler.a.site, ruler.b.site)
        elif self.tool == Tool.CUT:
            self.message.emit("Cut line: drag from one end of the line to the other.")

    def add_site_at(self, sx: float, sy: float) -> bool:
        """Add a site at (sx, sy) mm as a command, named after its grid node (E11) when it has one."""
        from app.coordinates import grid_name

        if self._picker.occupied(sx, sy):
            self.message.emit(f"A site exists at ({self._len(sx)}, {self._len(sy)}) {self.unit.symbol} already.")
            return False
        name = grid_name(self.document.design, sx, sy)
        edits = self.document.design.edits
        if name is not None and name in edits.removed:
            # the grid's own site was deleted here: bring it back (a new site of that name would stay deleted)
            from geometry.model.layouts.edits import SiteEdits

            back = SiteEdits(edits.depopulated, edits.restored, edits.moves, edits.added,
                             tuple(n for n in edits.removed if n != name))
            self.document.apply(f"Add site {name} at ({self._len(sx)}, {self._len(sy)}) {self.unit.symbol}",
                                lambda d: d.with_(edits=back))
            return True
        try:
            self.document.apply(f"Add site {name + ' ' if name else ''}at ({self._len(sx)}, {self._len(sy)}) "
                                f"{self.unit.symbol}", lambda d: add_site(d, sx, sy, name))
        except DesignError as e:
            self.message.emit(str(e))
            return False
        return True

    def _preview_add(self, x_mm: float, y_mm: float) -> None:
        """Where a click would add a site: a ring at the snapped node, green when free, red when taken."""
        from app.coordinates import grid_name

        sx, sy = self._picker.snap(x_mm, y_mm)
        taken = self._picker.occupied(sx, sy)
        d = self.document.design
        r = max(d.opening.upper_mm, d.pad.diameter_mm) / 2.0
        self.add_preview.setRect(QtCore.QRectF(sx - r, sy - r, 2 * r, 2 * r))
        self.add_preview.setPen(cosmetic_pen("#c62828" if taken else style.SNAP, 2.0))
        self.add_preview.show()
        name = None if taken else grid_name(d, sx, sy)
        self.add_preview.setToolTip("taken" if taken else (name or "new site"))
        self.add_preview_name = name

    def _snap_cut(self, x: float, y: float) -> tuple[float, float]:
        """A cut line's end snaps to the grid node nearest it within 10 pixels (lines through site centres)."""
        sx, sy = self._picker.snap(x, y)
        (x0, x1), _ = self.box.viewRange()
        tol = 10.0 * abs(x1 - x0) / max(1.0, float(self.box.width()))
        return (sx, sy) if math.hypot(sx - x, sy - y) <= tol else (x, y)

    def cut_drag(self, x0: float, y0: float, x1: float, y1: float, *, finished: bool, snap: bool = True) -> None:
        """Show the cut line while dragging; on release emit ``cut_line_drawn`` (a line of zero length is not).
        Both ends snap to grid nodes near them."""
        if snap:
            x0, y0 = self._snap_cut(x0, y0)
            x1, y1 = self._snap_cut(x1, y1)
        self._cut_line.setData([x0, x1], [y0, y1])
        if not finished:
            return
        if math.hypot(x1 - x0, y1 - y0) <= 1e-9:
            self._cut_line.setData([], [])
            return
        self.last_cut = (x0, y0, x1, y1)
        sym = self.unit.symbol
        self.message.emit(f"Cut line ({self._len(x0)}, {self._len(y0)}) -> ({self._len(x1)}, {self._len(y1)}) "
                          f"{sym}, {self._len(math.hypot(x1 - x0, y1 - y0))} {sym} long.")
        self.view_state.set_cut_line(CutLine(float(x0), float(y0), float(x1), float(y1)))
        self.cut_line_drawn.emit(float(x0), float(y0), float(x1), float(y1))

    def _ruler_site(self, x_mm: float, y_mm: float) -> list[int]:
        """Rows of the sites whose centre or opening edges a ruler end may snap to (lower edges reach farthest)."""
        table = opening_table(self.document.design)
        lower = float(np.nanmax(table.lower_mm)) / 2.0 if len(table.rows) else 0.0
        reach = max(self._picker.reach_mm, lower) + self.rulers.tolerance_mm()
        return self._picker.sites_near(x_mm, y_mm, reach)

    def rubber_band(self, x0: float, y0: float, x1: float, y1: float, *, finished: bool,
                    modifiers: QtCore.Qt.KeyboardModifier) -> None:
        """Show the band while dragging; on release select the sites inside (Shift or Ctrl adds)."""
        self._band.setRect(QtCore.QRectF(QtCore.QPointF(x0, y0), QtCore.QPointF(x1, y1)).normalized())
        self._band.setVisible(not finished)
        if not finished:
            return
        names = self._picker.in_rect(x0, y0, x1, y1)
        add = bool(modifiers & (QtCore.Qt.KeyboardModifier.ShiftModifier | QtCore.Qt.KeyboardModifier.ControlModifier))
        self.document.set_selection((self.document.selection | set(names)) if add else names)


    # -- the cursor's text ------------------------------------------------------------------------------------
    def _len(self, value_mm: float, width: int = 0) -> str:
        """A coordinate or length in the view's unit, without the unit (µm to 0.1, mm to 0.1 µm)."""
        text = f"{value_mm * 1000:.1f}" if self.unit is LengthUnit.UM else f"{value_mm:.3f}"
        return text.rjust(width)

    def describe_point(self, x_mm: float, y_mm: float) -> str:
        """Coordinates and the site under a point, as the status bar shows them (in the display unit)."""
        sym = self.unit.symbol
        ox, oy = self.origin
        rel = "\u0394" if (ox, oy) != (0.0, 0.0) else ""  # relative to the user's origin
        text = f"{rel}x {self._len(x_mm - ox, 9)}  {rel}y {self._len(y_mm - oy, 9)} {sym}"
        name = self._picker.site_at(x_mm, y_mm)
        if name is not None:
            s = self._picker.sites
            i = s.index_of(name)
            table = opening_table(self.document.design)
            du = table.upper_mm[i]
            state = " populated" if s.populated[i] else " depopulated"
            opening = "" if math.isnan(du) else \
                f" d_u {length_text(du, self.unit)} d_l {length_text(table.lower_mm[i], self.unit)}"
            text += f"  |  {name}{state}{opening}"
        if self.tool == Tool.ADD_SITE:
            sx, sy = self._picker.snap(x_mm, y_mm)
            text += f"  |  snap ({self._len(sx)}, {self._len(sy)})"
        return text
