"""The layers of the carrier features and of the frame: what the mask maker gets for tooling holes, carrier
fiducials and the frame the foil goes into.

* A tooling hole goes through the sheet, so a photo-etch shop needs it on both faces' photo tools: it is on
  ``TOOLING_UPPER`` (etched from the upper face) and on ``TOOLING_LOWER`` (etched from the lower face, drawn as
  seen from the lower side when the lower layers are mirrored), at the same positions. The frame's tooling holes
  (``FrameSettings.tooling_holes``, FT1, FT2, ...) are cut through the foil as well, so they are on the same two
  layers after the carrier's: the shop makes the metal from the layers, not from the drawing, so a hole only on
  the drawing would not be cut.
* A carrier fiducial is etched from one face only, to its depth: one layer per face and depth,
  ``FIDUCIAL_UPPER_75UM`` (the fiducial layer name, the face, the depth), so that each layer is one etch step.
* ``FRAME``: the frame's outer edge, its window and the foil's edge, at the pattern's offset and rotation in the
  frame (:func:`geometry.derive.frame.frame_geometry`). A reference drawing, not made, like a wafer's WAFER layer.

Each is an :class:`~geometry.export.artwork.LayerArt` like any other, so the DXF, Gerber and PDF writers need
nothing of their own for them.
"""

from __future__ import annotations

import numpy as np

from geometry.derive.frame import frame_geometry
from geometry.derive.rings import RingSet
from geometry.export.artwork import LayerArt
from geometry.export.layers import (
    FIDUCIAL_COLOUR,
    FRAME_COLOUR,
    FRAME_MADE_HOW,
    ROLE_MEANINGS,
    TOOLING_COLOUR,
    LayerSpec,
    Role,
    Side,
    process_words,
)
from geometry.model.carrier_features import CarrierFeature, Face
from geometry.model.design import Design

TOOLING_LAYER = "TOOLING"
"""Prefix of the two tooling-hole layers (``TOOLING_UPPER``, ``TOOLING_LOWER``)."""
FRAME_LAYER = "FRAME"
"""The frame reference layer."""


def _circles(feats: list[CarrierFeature]) -> np.ndarray:
    return np.array([[f.x_mm, f.y_mm, f.radius_mm] for f in feats], dtype=np.float64).reshape(-1, 3)


def _mirror(circles: np.ndarray, axis_x_mm: float) -> np.ndarray:
    out = circles.copy()
    out[:, 0] = 2.0 * axis_x_mm - out[:, 0]
    return out


def frame_hole_circles(design: Design) -> np.ndarray:
    """(N, 3) x, y, r of the frame's tooling holes FT1, FT2, ... in design mm, in their order."""
    holes = design.drawing.frame.tooling_holes
    return np.array([[h.x_mm, h.y_mm, h.diameter_mm / 2.0] for h in holes], dtype=np.float64).reshape(-1, 3)


def feature_layers(design: Design, axis_x_mm: float) -> list[LayerArt]:
    """The tooling-hole layers (one per face: the carrier's holes, then the frame's) and the carrier fiducial
    layers (one per face and depth)."""
    feats = design.features
    frame_holes = frame_hole_circles(design)
    if not feats and not len(frame_holes):
        return []
    out_settings = design.output
    words = process_words(design.mask.material)
    t = design.mask.thickness_mm
    lower_seen = Side.LOWER if out_settings.mirror_lower else Side.UPPER
    layers: list[LayerArt] = []
    holes = [f for f in feats if f.through]
    if holes or len(frame_holes):
        c = np.concatenate([_circles(holes), frame_holes])
        cut_once = design.mask.material.startswith("laser")
        for side, seen in ((Side.UPPER, Side.UPPER), (Side.LOWER, lower_seen)):
            made = (f"{words.fiducial_through}, cut once: drawn for the {side} face" if cut_once else
                    f"{words.fiducial_through} from both faces: the {side} face's artwork")
            spec = LayerSpec(Role.TOOLING, f"{TOOLING_LAYER}_{side.value.upper()}", TOOLING_COLOUR,
                             ROLE_MEANINGS[Role.TOOLING], made, seen, side)
            layers.append(LayerArt(spec, _mirror(c, axis_x_mm) if seen is Side.LOWER else c, RingSet.empty(), 0))
    marks: dict[tuple[Face, float], list[CarrierFeature]] = {}
    for f in feats:
        if not f.through:
            marks.setdefault((f.face, round(f.etch_depth_mm(t), 6)), []).append(f)
    for (face, depth), group in sorted(marks.items(), key=lambda kv: (kv[0][0] != Face.UPPER, -kv[0][1])):
        um = round(depth * 1000)
        etched = Side(face.value)
        seen_from = lower_seen if etched is Side.LOWER else Side.UPPER
        made = f"half-etched {um} um deep from the {face} face" if design.mask.material != "electroformed-nickel" \
            else f"plated step {um} um deep from the {face} face"
        spec = LayerSpec(Role.FIDUCIAL, f"{out_settings.fiducial_layer}_{face.value.upper()}_{um}UM",
                         FIDUCIAL_COLOUR, "carrier fiducials (alignment to the strip or panel)", made, seen_from,
                         etched, depth)
        c = _circles(group)
        layers.append(LayerArt(spec, _mirror(c, axis_x_mm) if seen_from is Side.LOWER else c, RingSet.empty(), 0))
    return layers


def frame_layer(design: Design) -> LayerArt | None:
    """The FRAME reference layer: frame, window and foil as closed rectangles; None without a frame."""
    geo = frame_geometry(design)
    if geo is None:
        return None
    rects = geo.rectangles()
    rings = RingSet.from_rings([(xy, np.zeros(4)) for _, xy in rects], list(range(len(rects))),
                               [False] * len(rects))
    spec = LayerSpec(Role.FRAME, FRAME_LAYER, FRAME_COLOUR, ROLE_MEANINGS[Role.FRAME], FRAME_MADE_HOW, Side.UPPER)
    return LayerArt(spec, np.zeros((0, 3)), rings, len(rects))
