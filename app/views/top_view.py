"""The top view: the mask as seen from the upper surface, in mm, one level-of-detail item per layer.

Each layer is an :class:`app.render.lod.LodLayer`: zoomed out it shows a raster of the whole layer (built once per
design, at the size the zoom needs), zoomed in vector outlines of the visible grid cells only. Merged lower relief
shows its metal islands as holes in both. The view never builds geometry per site itself.

In the window the relief comes from the check runner's latest result (computed on the analysis thread, see
:mod:`app.check_runner`): an edit redraws the openings at once (the opening table is cheap) and the relief when its
result arrives; meanwhile the last relief and findings are drawn faded under an "out of date" mark, so a 1M-site
design paints in seconds and never blocks input. On its own (no runner: tests, benchmarks of the view alone) the
view computes ``lower_relief`` itself.

It observes the document (design and selection) and the check runner's reports, and turns mouse input into
document commands (add a site) or selection changes; it never edits the design itself. Geometry comes from
``geometry/`` (openings, relief) and spatial queries from :mod:`app.render.picking`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app import style
from app.document import Document
from app.render import paths, raster
from app.render.lod import LodLayer, Points, ring_subset
from app.render.paths import cosmetic_pen
from app.render.picking import SitePicker
from app.units import LengthUnit
from app.view_state import Tool, ViewState
from app.views.carrier_layer import CarrierLayer, frame_bounds
from app.views.legend import LayerLegend, cache_in_device_pixels
from app.views.repaint_hold import RepaintHold
from app.views.scale_bar import MmAxis, MmGrid, MmScaleBar
from app.views.snap_grid import PassiveScatter
from app.views.top_view_tools import TopViewTools
from geometry.base.errors import DesignError
from geometry.checks.records import CheckReport, Severity
from geometry.derive.openings import opening_table
from geometry.derive.relief.merged import Relief, lower_relief
from geometry.derive.rings import RingSet
from geometry.derive.wafer_outline import reference_rings
from geometry.model.design import Design

if TYPE_CHECKING:
    from app.check_runner import CheckRunner
    from geometry.analysis.live import LiveResult

STALE_OPACITY = 0.4  # relief and findings of an earlier design are drawn this faded until the current ones arrive


def _brush(colour: str | None) -> QtGui.QBrush | None:
    if colour is None:
        return None
    c = QtGui.QColor(colour[:7])
    if len(colour) == 9:
        c.setAlpha(int(colour[7:], 16))
    return QtGui.QBrush(c)


def channel_regions(relief: Relief) -> np.ndarray:
    """Regions whose outline has straight edges (channels, or arcs the exact union could not recover).

    Every other region is exactly the union of its sites' lower discs, which is how the raster draws it.
    """
    rs = relief.rings
    if len(rs) == 0:
        return np.zeros(0, dtype=np.intp)
    ring_of_vertex = np.repeat(np.arange(len(rs)), np.diff(rs.start))
    return np.unique(rs.region[ring_of_vertex[rs.bulge == 0]])


class SiteViewBox(pg.ViewBox):
    """A ViewBox that hands left clicks and left drags to the top view's tool; other buttons pan, wheel zooms."""

    def __init__(self, owner: TopView) -> None:
        super().__init__(lockAspect=True, enableMenu=False)
        self._owner = owner

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 (Qt override)
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self._owner.click_at(p.x(), p.y(), ev.modifiers())
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev: Any, axis: int | None = None) -> None:  # noqa: N802 (Qt override)
        left = ev.button() == QtCore.Qt.MouseButton.LeftButton
        shift = bool(ev.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier)
        if left and self._owner.tool == Tool.CUT and not shift:
            ev.accept()
            a = self.mapSceneToView(ev.buttonDownScenePos())
            b = self.mapSceneToView(ev.scenePos())
            self._owner.cut_drag(a.x(), a.y(), b.x(), b.y(), finished=ev.isFinish())
            return
        if left and (self._owner.tool == Tool.SELECT or shift):
            ev.accept()
            a = self.mapSceneToView(ev.buttonDownScenePos())
            b = self.mapSceneToView(ev.scenePos())
            self._owner.rubber_band(a.x(), a.y(), b.x(), b.y(), finished=ev.isFinish(), modifiers=ev.modifiers())
            return
        if ev.button() in (QtCore.Qt.MouseButton.RightButton, QtCore.Qt.MouseButton.MiddleButton):
            # pan with the other buttons as well (pyqtgraph zooms on a right drag by default)
            ev.accept()
            tr = self.childGroup.transform()
            tr = pg.functions.invertQTransform(tr)
            dif = tr.map(ev.lastPos()) - tr.map(ev.pos())
            self.translateBy(x=dif.x(), y=dif.y())
            return
        super().mouseDragEvent(ev, axis)


class _PlotWidget(pg.PlotWidget):
    """The plot; while it paints, background raster builds pause (they would share the GIL with the frame).
    ``first_painted`` fires once, after the first paint (the window starts the analysis then)."""

    first_painted = QtCore.Signal()
    _painted = False

    def paintEvent(self, ev: QtGui.QPaintEvent) -> None:  # noqa: N802 (Qt override)
        with raster.gui_painting():
            super().paintEvent(ev)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()


class TopView(TopViewTools):
    """The mask from above. Signals carry text for the status bar; the document carries everything else."""

    cursor_text = QtCore.Signal(str)
    layer_visibility_changed = QtCore.Signal(str, bool)
    caches_ready = QtCore.Signal()  # every layer's background caches (raster levels, fine grids) are built

    def __init__(self, document: Document, parent: QtWidgets.QWidget | None = None,
                 view_state: ViewState | None = None, runner: CheckRunner | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.runner = runner  # the source of the relief (None: the view computes it itself)
        self._relief_design: Design | None = None  # the design whose relief the lower layer shows
        # layer visibility, tool, cut line and zoom requests live in the view state, shared with the window
        self.view_state = view_state or ViewState({spec.id: spec.visible for spec in style.LAYERS})
        self._picker = SitePicker(document.design)
        self._report = CheckReport()
        self._measure_from: str | None = None
        self.last_measurement: Any = None

        self.box = SiteViewBox(self)
        self.plot = _PlotWidget(viewBox=self.box, background=style.CANVAS,
                                  axisItems={"left": MmAxis("left"), "bottom": MmAxis("bottom")})
        self.plot.setObjectName("topViewPlot")
        pi = self.plot.getPlotItem()
        pi.hideButtons()
        for name in ("left", "bottom"):
            ax = pi.getAxis(name)
            ax.setPen(pg.mkPen(style.FOREGROUND))
            ax.setTextPen(pg.mkPen(style.FOREGROUND))
        pi.setLabel("bottom", "x", units="mm", color=style.FOREGROUND)
        pi.setLabel("left", "y", units="mm", color=style.FOREGROUND)
        for name in ("left", "bottom"):
            pi.getAxis(name).enableAutoSIPrefix(False)

        self.grid = MmGrid(pi.getAxis("bottom"), style.FOREGROUND)
        self.box.addItem(self.grid, ignoreBounds=True)
        self.layers: dict[str, LodLayer] = {}
        for spec in style.LAYERS:
            layer = LodLayer(cosmetic_pen(spec.pen), _brush(spec.brush), spec.z)
            layer.setVisible(self.view_state.layer_visible(spec.id))
            layer.visibleChanged.connect(lambda lid=spec.id: self._visibility_changed(lid))
            self.box.addItem(layer)
            self.layers[spec.id] = layer

        self.selection_layer = LodLayer(cosmetic_pen(style.SELECTION, 2.0), _brush(style.SELECTION + "50"),
                                        style.Z_SELECTION)
        self.box.addItem(self.selection_layer)
        self.violation_layers: dict[Severity, LodLayer] = {}
        for sev in (Severity.INFO, Severity.WARNING, Severity.ERROR):
            lay = LodLayer(cosmetic_pen(style.SEVERITY_COLOURS[sev], 2.0), None,
                            style.Z_VIOLATIONS + {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}[sev])
            self.box.addItem(lay)
            self.violation_layers[sev] = lay

        for lay in self._lod_layers():
            lay.caches_ready.connect(self._layer_caches_ready)

        self._band = QtWidgets.QGraphicsRectItem()
        self._band.setPen(cosmetic_pen(style.SELECTION, 1.0))
        self._band.setBrush(QtGui.QBrush(QtGui.QColor(0, 160, 255, 40)))
        self._band.setZValue(style.Z_TOOL)
        self._band.hide()
        self.box.addItem(self._band)
        self._measure_line = pg.PlotCurveItem(pen=pg.mkPen(style.MEASURE, width=2))
        self._measure_line.setZValue(style.Z_TOOL)
        self.box.addItem(self._measure_line)
        self._cut_line = pg.PlotCurveItem(pen=pg.mkPen(style.MEASURE, width=2, style=QtCore.Qt.PenStyle.DashLine))
        self._cut_line.setZValue(style.Z_TOOL)
        self.box.addItem(self._cut_line)
        self.last_cut: tuple[float, float, float, float] | None = None
        from app.rulers import RulerSet  # the Measure tool's rulers stay on the drawing (app/rulers.py)

        self.rulers = RulerSet(self.box, self)
        self.unit = LengthUnit.MM  # the view state's unit, applied to axes, scale bar and rulers in set_unit
        self.rulers.message.connect(self.message)
        self.add_preview = QtWidgets.QGraphicsEllipseItem()  # the Add Site tool's ring under the cursor
        self.add_preview.setZValue(style.Z_TOOL)
        self.add_preview.hide()
        self.box.addItem(self.add_preview, ignoreBounds=True)
        self.add_preview_name: str | None = None
        self.origin = (0.0, 0.0)
        self.origin_marker = PassiveScatter(size=16, symbol="+", pen=pg.mkPen(style.MEASURE, width=2))
        self.origin_marker.setZValue(style.Z_TOOL)
        self.origin_marker.setAcceptedMouseButtons(QtCore.Qt.MouseButton.NoButton)
        self.box.addItem(self.origin_marker, ignoreBounds=True)

        self.legend = LayerLegend(self)
        self.legend.setParentItem(self.box)
        self.legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-8, 8))  # top right, out of the way
        self.carrier = CarrierLayer(self.layers, self.legend)  # tooling holes, carrier fiducials, the FRAME layer
        self.scale_bar = MmScaleBar()
        self.scale_bar.setParentItem(self.box)
        self.scale_bar.anchor(itemPos=(1, 1), parentPos=(1, 1), offset=(-20, -20))
        cache_in_device_pixels(self.scale_bar)  # its bar and label change only when the zoom picks a new length

        box_layout = QtWidgets.QVBoxLayout(self)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(self.plot)
        self.stale_label = QtWidgets.QLabel("", self.plot)  # "relief and findings out of date", top left
        self.stale_label.setObjectName("topViewStale")
        self.stale_label.setStyleSheet("background: rgba(255, 243, 205, 220); color: #6d4c00; padding: 3px 6px;"
                                       " border: 1px solid #e0c060; border-radius: 3px;")
        self.stale_label.move(70, 8)
        self.stale_label.hide()

        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        document.design_changed.connect(self._design_changed)
        document.selection_changed.connect(self._selection_changed)
        self.view_state.layer_visibility_changed.connect(self._show_layer)
        self.view_state.tool_changed.connect(self._tool_changed)
        self.view_state.unit_changed.connect(self.set_unit)
        self.set_unit(self.view_state.unit)
        self.view_state.zoom_requested.connect(lambda z: self.zoom_to(z.x_mm, z.y_mm, z.size_mm))
        if runner is not None:
            runner.result_ready.connect(self.set_result)
            runner.state_changed.connect(self._show_stale)
            runner.failed.connect(lambda m: self.message.emit(f"Lower relief not drawn: {m}"))
        # an edit and its result (in a frame or two on a small design) are drawn in one repaint
        self.repaint_hold = RepaintHold(self.plot, document, runner) if runner is not None else None
        self._rebuild(document.design)
        if runner is not None and runner.result is not None:
            self.set_result(runner.result)
        self._show_stale()
        self.fit_all()

    # -- layers ---------------------------------------------------------------------------------------------
    def _design_changed(self, design: Design) -> None:
        self._picker = SitePicker(design)
        self._rebuild(design)

    def _rebuild(self, design: Design) -> None:
        """Hand each layer its shapes as arrays (vectorised; no item and no Python loop per site)."""
        sites = design.sites()
        table = opening_table(design)
        rows = table.rows
        x, y = sites.x_mm, sites.y_mm
        self.layers["pads"].set_content([Points.of(x, y, sites.pad_mm / 2.0)])
        depop = ~sites.populated
        half = float(np.max(sites.pad_mm)) * 0.25 if len(sites) else 0.0
        self.layers["depop"].set_content([Points.of(x[depop], y[depop], half, cross=True)])
        self.layers["upper"].set_content([Points.of(x[rows], y[rows], table.upper_mm[rows] / 2.0)])
        self.layers["balls"].set_content([Points.of(x[rows], y[rows], design.ball.diameter_mm / 2.0)])
        if self.runner is None:
            self._draw_lower(design)
        self.layers["outline"].set_content(static=paths.rectangle(*design.outline_rect()))
        self._draw_wafer(design)
        fids = design.mask.fiducials
        fx = np.array([f.x_mm for f in fids], dtype=np.float64)
        fy = np.array([f.y_mm for f in fids], dtype=np.float64)
        fr = np.array([f.diameter_mm / 2.0 for f in fids], dtype=np.float64)
        self.layers["fiducials"].set_content([Points.of(fx, fy, fr)])
        self.carrier.draw(design)
        self._selection_changed(self.document.selection)
        self._draw_report()

    def _draw_wafer(self, design: Design) -> None:
        """A wafer layout's reference drawing (rim with notch or flat, usable-area edge), as the WAFER layer."""
        reference = reference_rings(design)
        if reference is not None:
            self.layers["wafer"].set_content(static=paths.rings(reference))
        else:
            self.layers["wafer"].set_content()
        self.legend.set_entry_shown("wafer", reference is not None)

    def set_result(self, result: LiveResult) -> None:
        """Draw the relief of an analysis result (the check runner's, computed off the GUI thread)."""
        if result.design is not self._relief_design:
            self._draw_relief(result.design, result.relief)
        self._show_stale()

    def _show_stale(self) -> None:
        """Fade the relief and findings while they are of an earlier design, and say so at the top left."""
        runner = self.runner
        stale = runner is not None and runner.stale
        for lay in (self.layers["lower"], *self.violation_layers.values()):
            lay.setOpacity(STALE_OPACITY if stale else 1.0)
        if runner is not None and stale:
            why = runner.status_text() if (runner.cancelled_by_user or runner.error) else "Checking\u2026"
            self.stale_label.setText(f"Relief and findings out of date \u2014 {why}")
            self.stale_label.setToolTip(runner.error or "The relief and findings shown are of an earlier design;"
                                        " the current design's are being computed.")
            self.stale_label.adjustSize()
            self.stale_label.setMaximumWidth(max(100, self.plot.width() - 90))
        self.stale_label.setVisible(stale)

    @property
    def stale(self) -> bool:
        """Whether the relief and findings drawn are marked out of date."""
        return not self.stale_label.isHidden()

    def _draw_lower(self, design: Design) -> None:
        """The view on its own: compute the relief here (small designs, tests) and draw it."""
        try:
            relief = lower_relief(design)
        except (DesignError, ValueError) as e:  # a relief that cannot be computed must not kill the view
            self.message.emit(f"Lower relief not drawn: {e}")
            self.layers["lower"].set_content()
            self._relief_design = None
            return
        self._draw_relief(design, relief)

    def _draw_relief(self, design: Design, relief: Relief) -> None:
        """Lower relief: single circles and merged regions (odd-even fill shows the metal islands as holes).

        The raster draws a merged region as the union of its sites' lower discs (the same area, holes included);
        regions with channels (straight edges) are rasterised from their rings instead.
        """
        self._relief_design = design
        singles = Points.of(relief.circle_x_mm, relief.circle_y_mm, relief.circle_r_mm)
        rs = relief.rings
        raster_points = [singles]
        raster_rings = RingSet.empty()
        if relief.n_regions:
            table = opening_table(design)
            channels = channel_regions(relief)
            in_region = np.ones(relief.n_regions, dtype=bool)
            in_region[channels] = False
            counts = np.diff(relief.region_site_start)
            site_rows = relief.region_site_rows[np.repeat(in_region, counts)]
            raster_points.append(Points.of(table.lower_x_mm[site_rows], table.lower_y_mm[site_rows],
                                           table.lower_mm[site_rows] / 2.0))
            if channels.size:
                raster_rings = ring_subset(rs, np.flatnonzero(np.isin(rs.region, channels)))
        self.layers["lower"].set_content([singles], rings=rs, raster_points=raster_points,
                                         raster_rings=raster_rings)

    def _lod_layers(self) -> list[LodLayer]:
        return [*self.layers.values(), self.selection_layer, *self.violation_layers.values()]

    def background_idle(self) -> bool:
        """Whether no layer has background cache work left (after the first paint they build the other raster
        levels and the fine grids off the GUI thread; ``caches_ready`` is emitted when the last is done)."""
        return not any(lay.busy for lay in self._lod_layers())

    def _layer_caches_ready(self) -> None:
        if self.background_idle():
            self.caches_ready.emit()

    def set_layer_visible(self, layer_id: str, visible: bool) -> None:
        """Show or hide a layer (the legend and the View menu follow through ``layer_visibility_changed``)."""
        self.view_state.set_layer_visible(layer_id, visible)

    def layer_visible(self, layer_id: str) -> bool:
        """Whether a layer is shown."""
        return self.view_state.layer_visible(layer_id)

    def _show_layer(self, layer_id: str, visible: bool) -> None:
        self.layers[layer_id].setVisible(visible)

    def _visibility_changed(self, layer_id: str) -> None:
        visible = bool(self.layers[layer_id].isVisible())
        self.view_state.set_layer_visible(layer_id, visible)  # a click on the legend's swatch hides the item itself
        self.legend.refresh()
        self.layer_visibility_changed.emit(layer_id, visible)

    # -- selection and violations ------------------------------------------------------------------------------
    def _selection_changed(self, names: frozenset[str]) -> None:
        xy = self._picker.xy_of(tuple(names))
        r = self._picker.reach_mm
        self.selection_layer.set_content([Points.of(xy[:, 0], xy[:, 1], r)])

    def set_report(self, report: CheckReport) -> None:
        """Draw a check report's violations on top, each in its severity's colour."""
        self._report = report
        self._draw_report()

    def _draw_report(self) -> None:
        design = self.document.design
        vs = self._report.violations
        if not vs:
            for layer in self.violation_layers.values():
                layer.set_content()
            return
        pitch = design.layout.pitch_hint_mm() or design.ball.diameter_mm * 2.0
        r = 0.45 * pitch
        sev_of = np.array([v.severity for v in vs], dtype=object)
        vx = np.fromiter((v.x_mm for v in vs), dtype=np.float64, count=len(vs))
        vy = np.fromiter((v.y_mm for v in vs), dtype=np.float64, count=len(vs))
        # a lower island is drawn at its own size (its inscribed circle), not as a pitch-sized ring around sites
        island = np.fromiter((v.check == "lower-island" for v in vs), dtype=bool, count=len(vs))
        size = np.fromiter((v.measured / 2.0 for v in vs), dtype=np.float64, count=len(vs))
        rv = np.where(island, size, r)
        for sev, layer in self.violation_layers.items():
            m = sev_of == sev if len(vs) else np.zeros(0, dtype=bool)
            layer.set_content([Points.of(vx[m], vy[m], rv[m]), Points.of(vx[m], vy[m], r * 0.3, cross=True)])

    # -- navigation -------------------------------------------------------------------------------------------
    def fit_all(self) -> None:
        """Show every site and the mask outline with a small margin, clear of the legend at the top right."""
        x0, y0, x1, y1 = self.document.design.outline_rect()
        sites = self._picker.sites
        if len(sites):
            r = self._picker.reach_mm
            x0, x1 = min(x0, float(sites.x_mm.min()) - r), max(x1, float(sites.x_mm.max()) + r)
            y0, y1 = min(y0, float(sites.y_mm.min()) - r), max(y1, float(sites.y_mm.max()) + r)
        self.fit_rect(x0, y0, x1, y1)

    def fit_frame(self) -> bool:
        """Show the whole frame the foil is mounted in (hundreds of mm around a strip); False without a frame."""
        rect = frame_bounds(self.document.design)
        if rect is not None:
            self.fit_rect(*rect)
        return rect is not None

    def fit_rect(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Show a rectangle (mm) with a small margin, clear of the legend at the top right."""
        pad = 0.03 * max(x1 - x0, y1 - y0)
        x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
        w, h = float(self.box.width()), float(self.box.height())
        legend_px = float(self.legend.width()) + 16.0 if self.legend.isVisible() else 0.0
        if w > legend_px + 50 and h > 50:
            # the scale that fits the drawing in the width left of the legend (or the height), then the range
            # widened to the right by the legend's width at that scale: the legend covers only margin
            per_px = max((x1 - x0) / (w - legend_px), (y1 - y0) / h)
            cx = (x0 + x1) / 2.0  # centred in the width left of the legend
            x0 = cx - per_px * (w - legend_px) / 2.0
            x1 = x0 + per_px * w
            cy = (y0 + y1) / 2.0
            y0, y1 = cy - per_px * h / 2.0, cy + per_px * h / 2.0
        self.box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)

    def zoom(self, factor: float) -> None:
        """Zoom about the view's centre; factor > 1 zooms in."""
        self.box.scaleBy((1.0 / factor, 1.0 / factor))

    def zoom_to(self, x_mm: float, y_mm: float, size_mm: float) -> None:
        """Centre on (x, y) showing about ``size_mm`` across (a violation, a site)."""
        h = max(size_mm, 1e-3) / 2.0
        with raster.gui_painting():
            self.box.setRange(xRange=(x_mm - h, x_mm + h), yRange=(y_mm - h, y_mm + h), padding=0.0)

    # -- cursor ------------------------------------------------------------------------------------------------
    def _mouse_moved(self, scene_pos: QtCore.QPointF) -> None:
        if not self.box.sceneBoundingRect().contains(scene_pos):
            return
        p = self.box.mapSceneToView(scene_pos)
        if self.tool == Tool.ADD_SITE:
            self._preview_add(p.x(), p.y())
        if self.tool == Tool.MEASURE:
            self.rulers.hover(self.document.design, p.x(), p.y(), self._ruler_site(p.x(), p.y()))
        self.cursor_text.emit(self.describe_point(p.x(), p.y()))

    def set_unit(self, unit: LengthUnit | str) -> None:
        """Read every length of the view in ``unit``: axes, their titles, the scale bar, the cursor text, rulers."""
        self.unit = LengthUnit(unit)
        pi = self.plot.getPlotItem()
        for name, title in (("bottom", "x"), ("left", "y")):
            ax = pi.getAxis(name)
            ax.setScale(self.unit.per_mm)
            ax.setLabel(title, units=self.unit.symbol, color=style.FOREGROUND)
            ax.enableAutoSIPrefix(False)
            ax.picture = None
            ax.update()
        self.scale_bar.set_per_mm(self.unit.per_mm)
        self.rulers.set_unit(self.unit)

    def set_origin(self, x_mm: float, y_mm: float) -> None:
        """Coordinates in the status bar are measured from here; a cross marks it (none at 0, 0)."""
        self.origin = (float(x_mm), float(y_mm))
        self.origin_marker.setData([x_mm], [y_mm]) if self.origin != (0.0, 0.0) else self.origin_marker.setData([], [])

    # -- for tests and the export preview ----------------------------------------------------------------------
    def view_to_widget(self, x_mm: float, y_mm: float) -> QtCore.QPoint:
        """Where a point in mm appears in the plot's viewport (for simulated mouse input)."""
        scene = self.box.mapViewToScene(QtCore.QPointF(x_mm, y_mm))
        point: QtCore.QPoint = self.plot.mapFromScene(scene)
        return point
