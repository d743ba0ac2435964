"""The cross-section view: the mask cut through a row, a column or a line, as the mask maker would saw it.

Depth reads downward (the upper surface at z = 0 on top, the device below at z = t), so the balls come from above
as they do on the machine. The metal is the strip of thickness t minus every opening's walls
(:meth:`geometry.model.profiles.Opening.wall_polylines`) and minus the channels of merged pairs; balls rest on their
pads,
flux spreads f beyond the pad edge. One opening carries the key dimensions (t, d_u, d_l, θ, h_v, and the ridge
to its neighbour from :func:`geometry.derive.pairs.merge_graph`). Everything redraws on ``design_changed``.

:func:`geometry.derive.section.section_of` computes what is drawn, without Qt, so the view and its tests read the same
numbers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QFont, QPainterPath, QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app import style
from app.analysis_worker import LatestOnly
from app.document import Document
from app.panels.fields import connect_event
from app.units import LengthUnit, format_angle, format_length
from app.views.deferred_redraw import DeferredRedraw
from app.views.label_layout import place_labels
from app.views.section_shapes import polygons_path, rect, shape_item
from geometry.derive.section import Cut, CutChoice, Section, SectionSite, cut_choices, cut_for, section_of
from geometry.model.design import Design

FloatArray = NDArray[np.float64]

METAL_PEN, METAL_BRUSH = "#4a525c", "#a9b2bc"
DEVICE_PEN, DEVICE_BRUSH = "#6f7f6a", "#d5dccf"
PAD_PEN, PAD_BRUSH = "#8a5418", "#d08a3c"
FLUX_PEN, FLUX_BRUSH = "#c9a227", "#f2d36b90"
BALL_PEN, BALL_BRUSH = "#55585c", "#cfd3d8d0"
RESIDUE_PEN, RESIDUE_BRUSH = "#7a4a8a", "#b48cc4b0"
DIM_COLOUR = "#1f4f9a"
RIDGE_COLOUR = "#b0301c"
LABEL_FILL = "#fbfbf8c8"
LABEL_POINTS = 8.0  # dimension labels a little smaller than the interface text: the geometry stays readable
PAD_THICKNESS_MM = 0.02
FLUX_THICKNESS_MM = 0.012
DEVICE_THICKNESS_MM = 0.08
MAX_CUT_CHOICES = 2000  # more distinct rows and columns (an irregular layout): the chooser offers the middle row
BACKGROUND_SITES = 50_000  # larger designs compute their section off the GUI thread (pairs of a 1M design: s)


def cut_choices_for_view(design: Design) -> list[CutChoice]:
    """The chooser's rows and columns; for a layout with thousands of distinct coordinates (an irregular one:
    every site its own row) only the row through the middle site, so the window opens at once (draw a cut line
    for any other)."""
    sites = design.sites()
    if len(sites) > MAX_CUT_CHOICES:
        step = max(1, len(sites) // (8 * MAX_CUT_CHOICES))  # a sample already too varied says so (1M: 0.02 s)
        y, x = np.round(sites.y_mm[::step], 4), np.round(sites.x_mm[::step], 4)
        if np.unique(y).size + np.unique(x).size > MAX_CUT_CHOICES:
            k = int(np.argsort(sites.y_mm, kind="stable")[len(sites) // 2])
            v = float(np.round(sites.y_mm[k], 4))
            return [CutChoice("row", f"Middle row y = {v:g} mm", v)]
    return cut_choices(design)


class CrossSectionView(QWidget):
    """The section through a chosen row / column (or a line from the top view), redrawn on every change."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CrossSectionView")
        self.document = document
        self.unit = LengthUnit.MM
        self.choices: list[CutChoice] = []
        self._choices_key: object = None
        self._cut_line: Cut | None = None
        self._current: CutChoice | None = None
        self._section: Section | None = None
        # a design change redraws once per burst, when shown, after the window's hold (app.views.deferred_redraw)
        self.deferred = DeferredRedraw(self, lambda: self.redraw(fit=False))
        self._background = LatestOnly("cross-section", self)  # sections of large designs
        # residue bumps (s_centre, footprint diameter, height) on a section of a rework design; given by the
        # window (geometry.derive.section.residue_bumps), None draws no residue
        self.residue_provider: Callable[[Design, Section], list[tuple[float, float, float]]] | None = None

        self.combo = QComboBox(self)
        self.combo.setObjectName("cross_section.cut")
        self.combo.setMinimumWidth(150)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.currentIndexChanged.connect(self._on_combo)
        self.info = QLabel(self)
        self.info.setObjectName("cross_section.info")
        self.info.setStyleSheet("color: #444;")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(QLabel("Cut through", self))
        bar.addWidget(self.combo)
        bar.addSpacing(12)
        bar.addWidget(self.info, 1)

        self.plot = pg.PlotWidget(background=style.CANVAS)
        self.plot.setObjectName("crossSectionPlot")
        pi = self.plot.getPlotItem()
        pi.hideButtons()
        pi.setMenuEnabled(False)
        pi.showGrid(x=True, y=True, alpha=0.12)
        self.box = pi.getViewBox()
        self.box.invertY(True)  # depth grows downward: balls come from above
        self.box.setAspectLocked(True)
        for name in ("left", "bottom"):
            ax = pi.getAxis(name)
            ax.setPen(pg.mkPen(style.FOREGROUND))
            ax.setTextPen(pg.mkPen(style.FOREGROUND))
            ax.enableAutoSIPrefix(False)
        pi.setLabel("left", "depth", units="mm", color=style.FOREGROUND)  # below the upper surface

        self.device_item = shape_item(DEVICE_PEN, DEVICE_BRUSH, 0)
        self.metal_item = shape_item(METAL_PEN, METAL_BRUSH, 2)
        self.pad_item = shape_item(PAD_PEN, PAD_BRUSH, 3)
        self.flux_item = shape_item(FLUX_PEN, FLUX_BRUSH, 4)
        self.residue_item = shape_item(RESIDUE_PEN, RESIDUE_BRUSH, 4.5)
        self.ball_item = shape_item(BALL_PEN, BALL_BRUSH, 5)
        for item in (self.device_item, self.metal_item, self.pad_item, self.flux_item, self.residue_item,
                     self.ball_item):
            self.box.addItem(item)
        self._dimension_items: list[pg.GraphicsObject] = []  # one line item per colour and dash, made per draw
        self._segments: dict[tuple[str, bool], list[tuple[float, float]]] = {}  # the lines being drawn, by style
        self._text_pool: list[pg.TextItem] = []  # label items kept in the box and reused (hidden when unused)
        self.labels: list[tuple[pg.TextItem, float, float]] = []  # dimension labels and their points, in order
        self.box.sigRangeChanged.connect(lambda *_a: self.place_labels())
        self.box.sigResized.connect(lambda *_a: self.place_labels())
        self._fitted = False  # the range is the one fit() chose (not the user's pan or zoom)
        self.box.sigRangeChangedManually.connect(self._user_range)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)

        connect_event(self, document.design_changed, self._on_design_changed)
        connect_event(self, document.selection_changed, self._on_selection_changed)
        self._update_choices(document.design)
        self._current = self._default_choice(document.design)
        self._sync_combo()
        self.redraw(fit=True)

    # -- choosing the cut ----------------------------------------------------------------------------------
    def _update_choices(self, design: Design) -> None:
        key = (design.layout, design.edits)
        if key == self._choices_key:
            return
        self._choices_key = key
        self.choices = cut_choices_for_view(design)

    def _default_choice(self, design: Design) -> CutChoice | None:
        """The row through the first selected site, else the middle row."""
        rows = [c for c in self.choices if c.kind == "row"]
        if not rows:
            return None
        sel = sorted(self.document.selection)
        sites = design.sites()
        if sel and sites.has(sel[0]):
            return self._choice_through(design, sel[0], "row")
        return rows[len(rows) // 2]

    def _choice_through(self, design: Design, name: str, kind: str) -> CutChoice | None:
        sites = design.sites()
        k = sites.index_of(name)
        v = float(np.round(sites.y_mm[k] if kind == "row" else sites.x_mm[k], 4))
        for c in self.choices:
            if c.kind == kind and abs(c.value_mm - v) < 1e-9:
                return c
        return None

    def _sync_combo(self) -> None:
        with QSignalBlocker(self.combo):
            self.combo.clear()
            for c in self.choices:
                self.combo.addItem(c.label)
            if self._cut_line is not None:
                self.combo.addItem(self._cut_line.label or "Line")
                self.combo.setCurrentIndex(self.combo.count() - 1)
            elif self._current is not None and self._current in self.choices:
                self.combo.setCurrentIndex(self.choices.index(self._current))

    def _on_combo(self, index: int) -> None:
        if 0 <= index < len(self.choices):
            self._cut_line = None
            self._current = self.choices[index]
            self._sync_combo()
            self.redraw(fit=True)

    def set_cut_row(self, label: str) -> None:
        """Cut through the row or column with this label ("Row C", "Column 4")."""
        for c in self.choices:
            if c.label == label:
                self._cut_line = None
                self._current = c
                self._sync_combo()
                self.redraw(fit=True)
                return
        raise KeyError(label)

    def set_cut_line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Cut along a line drawn in the top view (mm, plan coordinates)."""
        self._cut_line = Cut(x0, y0, x1, y1, f"Line ({x0:.2f}, {y0:.2f}) → ({x1:.2f}, {y1:.2f})")
        self._sync_combo()
        self.redraw(fit=True)

    def current_cut(self) -> Cut | None:
        """The cut line shown."""
        if self._cut_line is not None:
            return self._cut_line
        return cut_for(self.document.design, self._current) if self._current is not None else None

    # -- model -> view -------------------------------------------------------------------------------------
    def _on_design_changed(self, design: Design) -> None:
        before = self.choices
        self._update_choices(design)
        if self.choices is not before:
            same = [c for c in self.choices if self._current is not None and c.label == self._current.label]
            self._current = same[0] if same else self._default_choice(design)
            self._sync_combo()
        self.deferred.request()

    def _on_selection_changed(self, names: frozenset[str]) -> None:
        if not names or self._cut_line is not None:
            return
        kind = self._current.kind if self._current is not None else "row"
        choice = self._choice_through(self.document.design, sorted(names)[0], kind)
        if choice is not None and choice != self._current:
            self._current = choice
            self._sync_combo()
            self.redraw(fit=True)

    def set_unit(self, unit: LengthUnit | str) -> None:
        """Dimension labels in mm or µm."""
        self.unit = LengthUnit(unit)
        pi = self.plot.getPlotItem()
        for name in ("left", "bottom"):
            pi.getAxis(name).setScale(self.unit.per_mm)
        pi.setLabel("left", "depth", units=self.unit.symbol, color=style.FOREGROUND)
        self.redraw(fit=False)

    def redraw(self, fit: bool = False) -> None:
        """Recompute the section of the current design and draw it."""
        self.deferred.cancel()
        design = self.document.design
        cut = self.current_cut()
        if cut is None:
            self._section = None
            for item in (self.metal_item, self.pad_item, self.flux_item, self.ball_item, self.device_item,
                         self.residue_item):
                item.setPath(QPainterPath())
            self._clear_dimensions()
            return
        if len(design.sites()) > BACKGROUND_SITES:
            # the pairs and openings along the cut of a large design take seconds: drawn when ready
            self._background.submit(lambda: section_of(design, cut),
                                    lambda sec: self._draw(design, sec, fit),  # type: ignore[arg-type]
                                    lambda m: self.info.setText(f"Section not drawn: {m}"))
            return
        self._draw(design, section_of(design, cut), fit)

    @property
    def section(self) -> Section | None:
        """The section drawn: of the current design (a redraw still pending runs first)."""
        self.deferred.flush()
        return self._section

    @property
    def busy(self) -> bool:
        """Whether a section is being computed in the background."""
        return self._background.busy

    def _draw(self, design: Design, sec: Section, fit: bool) -> None:
        """Draw a computed section (of ``design``, the current one or, for a moment, the one before)."""
        cut = sec.cut
        self._section = sec
        t = sec.thickness_mm
        r = design.ball.radius_mm
        f = design.effective_limits().flux_spread_mm
        self.metal_item.setPath(polygons_path(list(sec.metal)))
        self.device_item.setPath(polygons_path([rect(sec.s_min, t, sec.s_max, t + DEVICE_THICKNESS_MM)]))
        pads, flux, balls = [], [], QPainterPath()
        for site in sec.sites:
            half = math.sqrt(max((site.pad_mm / 2.0) ** 2 - site.offset**2, 0.0))
            if half > 0:
                pads.append(rect(site.s - half, t, site.s + half, t + PAD_THICKNESS_MM))
            if site.populated:
                fh = math.sqrt(max((site.pad_mm / 2.0 + f) ** 2 - site.offset**2, 0.0))
                if fh > 0:
                    flux.append(rect(site.s - fh, t - FLUX_THICKNESS_MM, site.s + fh, t))
                rc = math.sqrt(max(r * r - site.offset**2, 0.0))
                if rc > 0:
                    balls.addEllipse(site.s - rc, t - r - rc, 2 * rc, 2 * rc)
        self.pad_item.setPath(polygons_path(pads))
        self.flux_item.setPath(polygons_path(flux))
        self.ball_item.setPath(balls)
        residue = self.residue_provider(design, sec) if self.residue_provider is not None else []
        bumps = [rect(s - d / 2.0, t - h, s + d / 2.0, t) for s, d, h in residue]
        self.residue_item.setPath(polygons_path(bumps))
        self.plot.getPlotItem().setLabel("bottom", cut.axis, units=self.unit.symbol, color=style.FOREGROUND)
        self._draw_dimensions(design, sec)
        self._flush_lines()
        self.place_labels()
        n_open = len(sec.opening_sites())
        self.info.setText(f"{n_open} opening(s) cut · t = {format_length(t, self.unit)} · "
                          f"{design.opening.kind} profile")
        if fit:
            self.fit()

    def fit(self) -> None:
        """Show the cut openings (a few around the labelled one on long rows) with the ball above."""
        sec = self.section
        if sec is None:
            return
        design = self.document.design
        opened = sec.opening_sites() or list(sec.sites)
        pitch = design.layout.pitch_hint_mm() or 2.0 * design.ball.diameter_mm
        if opened:
            # the labelled opening and its right-hand neighbour (the ridge), with half a pitch more each side:
            # few openings, large enough that the dimension labels do not crowd the walls
            k = self._labelled_index(opened)
            c = opened[k].s
            right = opened[k + 1].s if k + 1 < len(opened) and opened[k + 1].s - c < 2.5 * pitch else c + pitch
            s0, s1 = c - 1.6 * pitch, right + 1.1 * pitch
        else:
            s0, s1 = sec.s_min, sec.s_max
        top = min(0.0, sec.thickness_mm - design.ball.diameter_mm) - 0.35 * design.ball.diameter_mm
        bottom = sec.thickness_mm + DEVICE_THICKNESS_MM + 0.3 * design.ball.diameter_mm
        self.box.setRange(xRange=(s0, s1), yRange=(top, bottom), padding=0.02)
        self._fitted = True

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        """Keep the fitted view fitted when the dock changes size (until the user pans or zooms)."""
        super().resizeEvent(event)
        if self._fitted:
            QTimer.singleShot(0, self, self.fit)

    def _user_range(self, *_args: object) -> None:
        self._fitted = False

    # -- dimensions ----------------------------------------------------------------------------------------
    def _clear_dimensions(self) -> None:
        for item in self._dimension_items:
            self.box.removeItem(item)
        self._dimension_items = []
        self._segments = {}
        for label, *_ in self.labels:
            label.hide()
        self.labels = []

    def _flush_lines(self) -> None:
        """The dimension lines drawn so far as one item per colour and dash (segments joined in pairs): an edit
        redraws the section, and an item per line cost more than the rest of the drawing."""
        for (colour, dash), pts in self._segments.items():
            a = np.asarray(pts, dtype=np.float64)
            pen = pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine if dash else Qt.PenStyle.SolidLine)
            item = pg.PlotCurveItem(a[:, 0], a[:, 1], pen=pen, connect="pairs")
            item.setZValue(10)
            self.box.addItem(item)
            self._dimension_items.append(item)
        self._segments = {}

    def place_labels(self) -> None:
        """Labels back at their points, then moved apart where they would overlap on screen (the zoom, the dock's
        width and the screen's scale factor decide how large they are against the drawing)."""
        if self.labels:
            place_labels(self.box, self.labels)

    @staticmethod
    def _labelled_index(opened: list[SectionSite]) -> int:
        """The opening that carries the dimensions: the one nearest the middle, cut closest to its centre."""
        mid = (opened[0].s + opened[-1].s) / 2.0
        return min(range(len(opened)), key=lambda k: (round(abs(opened[k].offset), 6), abs(opened[k].s - mid)))

    def _line(self, pts: list[tuple[float, float]], colour: str = DIM_COLOUR, dash: bool = False) -> None:
        """A polyline of the dimensions (drawn by :meth:`_flush_lines`)."""
        segments = self._segments.setdefault((colour, dash), [])
        for a, b in itertools.pairwise(pts):
            segments += (a, b)

    def _text(self, text: str, s: float, z: float, anchor: tuple[float, float], colour: str = DIM_COLOUR) -> None:
        k = len(self.labels)
        if k == len(self._text_pool):
            item = pg.TextItem(text, color=colour, anchor=anchor, fill=pg.mkBrush(LABEL_FILL))
            font = QFont(item.textItem.font())
            font.setPointSizeF(LABEL_POINTS)
            item.setFont(font)
            item.setZValue(11)
            self.box.addItem(item)
            self._text_pool.append(item)
        else:
            item = self._text_pool[k]
            item.setText(text, color=colour)
            item.setAnchor(anchor)
            item.show()
        item.setPos(s, z)
        self.labels.append((item, s, z))

    def _hdim(self, s0: float, s1: float, z: float, label: str, above: bool) -> None:
        tick = 0.015 * max(s1 - s0, 0.3)
        self._line([(s0, z), (s1, z)])
        self._line([(s0, z - tick), (s0, z + tick)])
        self._line([(s1, z - tick), (s1, z + tick)])
        self._text(label, (s0 + s1) / 2.0, z, (0.5, 1.0) if above else (0.5, 0.0))

    def _vdim(self, s: float, z0: float, z1: float, label: str, left: bool, colour: str = DIM_COLOUR,
              centred: bool = False) -> None:
        tick = 0.03
        self._line([(s, z0), (s, z1)], colour)
        self._line([(s - tick, z0), (s + tick, z0)], colour)
        self._line([(s - tick, z1), (s + tick, z1)], colour)
        anchor = (0.5, 0.5) if centred else (1.0, 0.5) if left else (0.0, 0.5)
        self._text(label, s, (z0 + z1) / 2.0, anchor, colour)

    def _draw_dimensions(self, design: Design, sec: Section) -> None:
        """t, d_u, d_l, θ, h_v on one opening, and the ridge to its right-hand neighbour."""
        self._clear_dimensions()
        opened = sec.opening_sites()
        if not opened:
            return
        k = self._labelled_index(opened)
        site = opened[k]
        o = site.opening
        assert o is not None
        u = self.unit
        t = sec.thickness_mm
        c = site.s
        dia = design.ball.diameter_mm
        ru, rl = o.upper_mm / 2.0, o.lower_mm / 2.0
        bottom = np.array([site.left[-1, 0], site.right[-1, 0]])
        lower_c = float(bottom.mean()) if np.all(np.isfinite(bottom)) else c
        # d_u above the ball, d_l below the device.
        self._hdim(c - ru, c + ru, min(0.0, t - dia) - 0.12 * dia, f"d_u {format_length(o.upper_mm, u)}", above=True)
        self._hdim(lower_c - rl, lower_c + rl, t + DEVICE_THICKNESS_MM + 0.08 * dia,
                   f"d_l {format_length(o.lower_mm, u)}", above=False)
        for edge in (c - ru, c + ru):
            self._line([(edge, min(0.0, t - dia) - 0.12 * dia), (edge, 0.0)], dash=True)
        for edge in (lower_c - rl, lower_c + rl):
            self._line([(edge, t), (edge, t + DEVICE_THICKNESS_MM + 0.08 * dia)], dash=True)
        # t on a metal web left of the labelled opening (clear of θ), the label centred on its line (it breaks the
        # line, as on a drawing) so it stays off the balls and the walls
        pitch = design.layout.pitch_hint_mm() or 2.0 * dia
        s_t = (opened[k - 2].s + opened[k - 1].s) / 2.0 if k > 1 else c - 0.5 * pitch
        if s_t > sec.s_min:
            self._vdim(s_t, 0.0, t, f"t {format_length(t, u)}", left=True, centred=True)
        # θ inside the opening beside its tapered wall (the one that runs furthest across).
        if o.tapered:
            walls = [w[np.isfinite(w[:, 0])] for w in (site.left, site.right)]
            runs = [abs(w[-1, 0] - w[0, 0]) if len(w) else -1.0 for w in walls]
            side = 0 if runs[0] >= runs[1] else 1
            wall = walls[side]
            if len(wall):
                zmid = o.vertical_mm + 0.6 * (t - o.vertical_mm)
                smid = float(np.interp(zmid, wall[:, 1], wall[:, 0]))
                self._text(f"θ {format_angle(o.angle_deg)}", smid + (0.01 if side == 0 else -0.01), zmid,
                           (0.0, 0.5) if side == 0 else (1.0, 0.5))
        if 1e-9 < o.vertical_mm < t - 1e-9:
            self._vdim(c - ru - 0.04, 0.0, o.vertical_mm, f"h_v {format_length(o.vertical_mm, u)}", left=True)
        # The ridge between this opening and the next one along the cut.
        if k + 1 < len(opened):
            nxt = opened[k + 1]
            ridge = sec.ridges.get((site.name, nxt.name))
            if ridge is not None and ridge < t - 1e-9:
                s_mid = (site.s + nxt.s) / 2.0
                self._vdim(s_mid, 0.0, ridge, f"ridge {format_length(ridge, u)}", left=False, colour=RIDGE_COLOUR)
