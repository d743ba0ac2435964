"""A strip's or panel's registration on the top view: its tooling holes, its fiducials and the frame around it.

The shop makes the carrier's tooling holes and the frame's (``FrameSettings.tooling_holes``, FT1, FT2, ...) from
the TOOLING layers and the carrier fiducials from the FIDUCIAL_<FACE>_<um>UM layers
(:mod:`geometry.export.features`); the FRAME reference layer is the frame's outer edge, its window, the foil and
the pattern's border (:func:`geometry.derive.frame.frame_geometry`). The view draws the same shapes from the same
functions, on three layers of the layer table (``tooling``, ``carrier_fiducials``, ``frame`` in
:data:`app.style.LAYERS`), so the legend and View > Layers show and hide them like any other layer. Each feature
carries its name (T1, F1, FT1) as a label that is a child of its layer: it hides with it.

A design has at most a thousand features (:data:`geometry.model.carrier_features.MAX_FEATURES`), so a label item
per feature is cheap; the circles are one :class:`~app.render.lod.Points` per layer, as for the sites.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray

from app import style
from app.render.lod import LodLayer, Points
from app.render.paths import Polylines, concat
from geometry.derive.frame import frame_geometry
from geometry.export.features import frame_hole_circles
from geometry.model.design import Design

FloatArray = NDArray[np.float64]
LABEL_SIZE = "8pt"
LAYER_IDS = ("tooling", "carrier_fiducials", "frame")


@dataclass(frozen=True, eq=False)
class Label:
    """A feature's name at the feature's upper-right edge (mm)."""

    text: str
    x_mm: float
    y_mm: float
    layer: str


@dataclass(frozen=True, eq=False)
class CarrierShapes:
    """What the three layers draw: tooling holes (the carrier's, then the frame's), carrier fiducials, the frame's
    rectangles (frame, window, foil, pattern) as closed polylines, and the names."""

    tooling: Points
    fiducials: Points
    frame: Polylines
    labels: tuple[Label, ...]


def _closed(corners: FloatArray) -> Polylines:
    ring = np.vstack([corners, corners[:1]])
    return Polylines(np.ascontiguousarray(ring[:, 0]), np.ascontiguousarray(ring[:, 1]),
                     np.array([0, len(ring)], dtype=np.intp))


def carrier_shapes(design: Design) -> CarrierShapes:
    """The carrier's features and the frame of ``design`` as the view draws them (design mm)."""
    feats = design.features
    holes = [f for f in feats if f.through]
    marks = [f for f in feats if not f.through]
    frame_holes = frame_hole_circles(design)
    hx = np.concatenate([[f.x_mm for f in holes], frame_holes[:, 0]])
    hy = np.concatenate([[f.y_mm for f in holes], frame_holes[:, 1]])
    hr = np.concatenate([[f.radius_mm for f in holes], frame_holes[:, 2]])
    fx = np.array([f.x_mm for f in marks], dtype=np.float64)
    fy = np.array([f.y_mm for f in marks], dtype=np.float64)
    fr = np.array([f.radius_mm for f in marks], dtype=np.float64)
    geo = frame_geometry(design)
    frame = Polylines.empty() if geo is None else concat(
        [_closed(xy) for xy in (geo.frame, geo.window, geo.foil, geo.pattern)])
    diag = 0.7071
    names = [f.name for f in holes] + list(design.drawing.frame.tooling_hole_names())
    labels = [Label(n, float(x + r * diag), float(y + r * diag), "tooling")
              for n, x, y, r in zip(names, hx, hy, hr, strict=True)]
    labels += [Label(f.name, f.x_mm + f.radius_mm * diag, f.y_mm + f.radius_mm * diag, "carrier_fiducials")
               for f in marks]
    return CarrierShapes(Points.of(hx, hy, hr), Points.of(fx, fy, fr), frame, tuple(labels))


def frame_bounds(design: Design) -> tuple[float, float, float, float] | None:
    """xmin, ymin, xmax, ymax (mm) of the frame's outer edge and every feature; None without a frame."""
    geo = frame_geometry(design)
    if geo is None:
        return None
    x0, y0 = geo.frame.min(axis=0)
    x1, y1 = geo.frame.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


class CarrierLayer:
    """Fills the top view's ``tooling``, ``carrier_fiducials`` and ``frame`` layers and their labels, and shows
    the legend entries only of those a design has (a grid BGA has none of them)."""

    def __init__(self, layers: dict[str, LodLayer], legend: object) -> None:
        self.layers = layers
        self.legend = legend
        self.labels: list[pg.TextItem] = []
        self.shapes: CarrierShapes | None = None

    def draw(self, design: Design) -> None:
        """Draw ``design``'s features and frame (nothing, and no legend entry, for what it has not)."""
        shapes = carrier_shapes(design)
        self.shapes = shapes
        self.layers["tooling"].set_content([shapes.tooling])
        self.layers["carrier_fiducials"].set_content([shapes.fiducials])
        self.layers["frame"].set_content(static=shapes.frame)
        for item in self.labels:
            item.setParentItem(None)
            scene = item.scene()
            if scene is not None:
                scene.removeItem(item)
        self.labels = []
        for lab in shapes.labels:
            item = pg.TextItem(lab.text, color=style.LAYER_BY_ID[lab.layer].pen, anchor=(0.0, 1.0))
            item.setParentItem(self.layers[lab.layer])
            item.setPos(lab.x_mm, lab.y_mm)
            item.setToolTip(lab.text)
            self.labels.append(item)
        shown = {"tooling": shapes.tooling.x.size > 0, "carrier_fiducials": shapes.fiducials.x.size > 0,
                 "frame": len(shapes.frame) > 0}
        set_shown = getattr(self.legend, "set_entry_shown", None)
        if set_shown is not None:
            for lid, on in shown.items():
                set_shown(lid, on)
