"""Rework states on the top view: a ring around every site that needs the designer's eye.

For a design carrying rework data the top view shows, over its own layers, a ring per site in the colour of its
rework state (damaged, failed place, residue too high; sites without a ball as built in a light grey). Sites to
be reballed as they are get no ring, so the ones that matter stand out. One :class:`~app.render.paths.PathLayer`
per state (never one item per site), fed by the rework view's review (``ReworkView.review_changed``), so the
review is computed once for both views. The overlay belongs to the window's composition; the top view itself
does not know about rework.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui

from app import style
from app.render import paths
from app.render.paths import PathLayer, cosmetic_pen
from app.views.rework_view import STATUS_COLOURS
from geometry.analysis.review import ReworkReview, SiteStatus
from geometry.model.design import Design

MARKED = (SiteStatus.CLOSED, SiteStatus.DAMAGED, SiteStatus.FAILED_PLACE, SiteStatus.RESIDUE_HIGH)
"""The states drawn as rings (to reball as is: nothing drawn)."""
Z_REWORK = style.Z_SELECTION - 1.0  # under the selection and the violations, over every design layer



class ReworkOverlay:
    """Rings by rework state on a view box (the top view's); :meth:`show_review` redraws them."""

    def __init__(self, box: pg.ViewBox) -> None:
        self.layers: dict[SiteStatus, PathLayer] = {}
        for k, status in enumerate(MARKED):
            colour = STATUS_COLOURS[status]
            fill = QtGui.QColor(colour)
            fill.setAlpha(70 if status != SiteStatus.CLOSED else 40)
            layer = PathLayer(cosmetic_pen(colour, 2.0 if status != SiteStatus.CLOSED else 1.0), QtGui.QBrush(fill),
                              Z_REWORK + 0.1 * k)
            box.addItem(layer)
            self.layers[status] = layer

    def counts(self) -> dict[SiteStatus, int]:
        """How many sites each ring layer marks (for tests and the status bar)."""
        return {s: layer.shape_count for s, layer in self.layers.items()}

    def show_review(self, design: Design, rv: ReworkReview | None) -> None:
        """Draw the states of a review of ``design`` (None: no rework data, nothing drawn)."""
        empty = paths.Polylines.empty()
        if rv is None or design.rework is None:
            for layer in self.layers.values():
                layer.set_shapes(empty)
            return
        sites = design.sites()
        if len(sites) != len(rv.status):
            return  # a stale review: the next one follows
        pitch = design.layout.pitch_hint_mm() or 2.0 * design.ball.diameter_mm
        r = float(min(0.45 * pitch, max(design.ball.diameter_mm, float(np.max(sites.pad_mm))) * 0.7))
        for status, layer in self.layers.items():
            rows = np.flatnonzero(rv.status == status)
            x, y = sites.x_mm[rows], sites.y_mm[rows]
            layer.set_shapes(paths.circles(x, y, r), paths.circles(x, y, r, paths.COARSE_SEGMENTS), (x, y), 2 * r)
