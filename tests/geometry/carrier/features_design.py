"""A small strip with carrier features, shared by the feature tests (model, checks, exports)."""

from __future__ import annotations

from geometry.model.ball import Ball
from geometry.model.carrier_features import CarrierFeature, Face, FeatureKind
from geometry.model.design import Design
from geometry.model.drawing_info import DrawingInfo, FrameSettings
from geometry.model.layouts import CarrierForm, CarrierLayout, GridLayout, Pad
from geometry.model.mask import Mask, SizeOutline
from geometry.model.output_settings import OutputSettings
from geometry.model.profiles import Tapered

W, H = 60.0, 30.0  # the strip outline
T = 0.15  # sheet
D = 0.3  # ball


def strip(features: tuple[CarrierFeature, ...] | None = None, frame: FrameSettings | None = None,
          material: str = "etched-stainless", mirror_lower: bool = False) -> Design:
    """2 x 4 units of 3 x 3 balls at 0.5 mm, units 12 mm apart, on a 60 x 30 mm outline."""
    lay = CarrierLayout(GridLayout(3, 3, 0.5), 2, 4, 12.0, 10.0, form=CarrierForm.STRIP)
    if features is None:
        features = (
            CarrierFeature("T1", -25.0, 11.0, 2.0, FeatureKind.TOOLING_HOLE),
            CarrierFeature("T2", 25.0, 11.0, 2.0, FeatureKind.TOOLING_HOLE),
            CarrierFeature("F1", -25.0, -11.0, 1.0),
            CarrierFeature("F2", 25.0, -11.0, 0.8, FeatureKind.FIDUCIAL, Face.LOWER, 0.05),
        )
    return Design(Ball(D), Pad(0.24), lay, Mask(T, material, SizeOutline(W, H)), Tapered(60.0), name="feature strip",
                  carrier_features=features, drawing=DrawingInfo(frame=frame or FrameSettings()),
                  output=OutputSettings(mirror_lower=mirror_lower))
