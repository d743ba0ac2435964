"""The strip and panel templates: a unit's ball grid repeated over a substrate carrier (no Qt).

A strip starts from one of :data:`geometry.model.layouts.carrier.STRIP_PRESETS`: its size and unit matrix fix the
mask outline (the strip's own size) and, with the rails at its edges and the gaps between its blocks, the unit
pitch. A panel is typed in full: units per row and column, the unit pitch, blocks and their gaps. In both the
unit is a grid of balls as in the Grid BGA template, so a user who knows one template knows the others.

A unit grid wider than the unit pitch is refused here, naming both sizes: the balls of neighbouring units would
overlap, which is a typo, not a design.
"""

from __future__ import annotations

import math
from typing import Any

from geometry.base.errors import DesignError
from geometry.model.ball import Ball
from geometry.model.carrier_features import strip_features
from geometry.model.design import Design
from geometry.model.layouts import CarrierForm, CarrierLayout, GridLayout, Pad
from geometry.model.layouts.carrier import STRIP_PRESETS, StripPreset
from geometry.model.mask import MarginOutline, Mask, SizeOutline
from geometry.model.profiles import Tapered

PRESET_BY_NAME = {p.name: p for p in STRIP_PRESETS}
PRESET_OPTIONS = tuple((p.name, f"{p.name} ({p.unit_rows} x {p.unit_cols} units)") for p in STRIP_PRESETS)


def strip_pitch_mm(preset: StripPreset, rail_x_mm: float, rail_y_mm: float, block_gap_mm: float) -> tuple[float,
                                                                                                            float]:
    """The unit pitch (x, y) that spreads the preset's units over the strip inside its rails, with ``block_gap_mm``
    between blocks: (width - 2 rail_x - gaps) / columns, (height - 2 rail_y) / rows, rounded to 1 um."""
    blocks = math.ceil(preset.unit_cols / preset.block_cols) if preset.block_cols else 1
    usable_x = preset.width_mm - 2.0 * rail_x_mm - (blocks - 1) * block_gap_mm
    usable_y = preset.height_mm - 2.0 * rail_y_mm
    if usable_x <= 0 or usable_y <= 0:
        raise DesignError("rail_mm", rail_x_mm if usable_x <= 0 else rail_y_mm,
                          f"the rails and block gaps leave no room for units on the {preset.width_mm:g} x "
                          f"{preset.height_mm:g} mm strip")
    return round(usable_x / preset.unit_cols, 3), round(usable_y / preset.unit_rows, 3)


def _unit(v: dict[str, Any]) -> tuple[GridLayout, float]:
    return GridLayout(int(v["rows"]), int(v["cols"]), float(v["pitch_mm"])), float(v["ball_mm"])


def _require_fit(unit: GridLayout, ball_mm: float, pitch_x: float, pitch_y: float) -> None:
    """Refuse a unit grid whose balls would reach into the neighbouring unit."""
    wide = (unit.cols - 1) * unit.pitch_x_mm + ball_mm
    high = (unit.rows - 1) * unit.pitch_y + ball_mm
    if wide > pitch_x + 1e-9 or high > pitch_y + 1e-9:
        raise DesignError("cols" if wide > pitch_x + 1e-9 else "rows", f"{unit.rows} x {unit.cols}",
                          f"the unit's balls span {wide:.3f} x {high:.3f} mm, more than the unit pitch "
                          f"{pitch_x:.3f} x {pitch_y:.3f} mm: neighbouring units would overlap")


def _design(v: dict[str, Any], layout: CarrierLayout, ball_mm: float, mask: Mask, name: str) -> Design:
    return Design(ball=Ball(ball_mm), pad=Pad(round(ball_mm * 0.8, 3)), layout=layout, mask=mask,
                  profile=Tapered(float(v["angle_deg"])), name=name)


def build_strip(v: dict[str, Any]) -> Design:
    """A strip preset: the mask is the strip's size, the units spread inside its rails."""
    preset = PRESET_BY_NAME[str(v["preset"])]
    rail = float(v["rail_mm"])
    gap = float(v["block_gap_mm"])
    px, py = strip_pitch_mm(preset, rail, rail, gap)
    unit, ball = _unit(v)
    _require_fit(unit, ball, px, py)
    layout = CarrierLayout(unit, preset.unit_rows, preset.unit_cols, px, py, block_cols=preset.block_cols,
                           block_gap_x_mm=gap if preset.block_cols else 0.0, form=CarrierForm.STRIP)
    mask = Mask(float(v["thickness_mm"]), str(v["material"]), outline=SizeOutline(preset.width_mm, preset.height_mm))
    # the preset's tooling holes and fiducials on the rails, as `ballmask new strip --preset` gives them
    features = strip_features(preset.width_mm, preset.height_mm)
    return _design(v, layout, ball, mask, f"Strip {preset.name}").with_(carrier_features=features)


def build_panel(v: dict[str, Any]) -> Design:
    """A panel typed in full; the mask outline is the margin around the outermost balls."""
    unit, ball = _unit(v)
    px, py = float(v["unit_pitch_x_mm"]), float(v["unit_pitch_y_mm"])
    _require_fit(unit, ball, px, py)
    layout = CarrierLayout(unit, int(v["unit_rows"]), int(v["unit_cols"]), px, py,
                           block_rows=int(v["block_rows"]), block_cols=int(v["block_cols"]),
                           block_gap_x_mm=float(v["block_gap_x_mm"]), block_gap_y_mm=float(v["block_gap_y_mm"]),
                           form=CarrierForm.PANEL)
    mask = Mask(float(v["thickness_mm"]), str(v["material"]), outline=MarginOutline(float(v["margin_mm"])))
    return _design(v, layout, ball, mask, "Panel")
