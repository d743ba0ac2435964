"""The companion tools of the ball-attach line, made from the same sites as the mask.

Flux is printed through a flux stencil or transferred by a pin plate, balls are sometimes picked by a vacuum
head plate, and the mounted balls are inspected against a reference. Each tool is a few settings that turn the
design's sites into apertures, pins or holes (:mod:`geometry.derive.tools`); its checks are in
:mod:`geometry.checks.tools` and its files in :mod:`geometry.export.tools`. A design without tool settings uses
the defaults below; a design that sets them keeps them in its file (``tools``).

Defaults and limits (docs/tools.md):

* Flux stencil: aperture = pad x 1.0 (flux on the whole pad), 50 um foil. IPC-7525 asks for an area ratio
  (aperture area / wall area = d / 4 t for a round aperture) of at least 0.66 and an aspect ratio (d / t) of at
  least 1.5 so the paste or flux releases; the web between apertures at least 0.1 mm for a laser-cut foil.
* Pin-transfer plate: pin = pad x 0.8; a pin leaves a flux spot about 1.3 times its diameter (the spread
  depends on the flux viscosity and the dip depth, so it is a setting); neighbouring spots keep 50 um apart.
* Vacuum pick head: hole = 0.7 D, which seats a ball and cannot pass one (below D less its tolerance); below 0.4 D
  the vacuum force on the ball falls off with the hole area and the ball may not be held.
* Inspection reference: the expected balls with a position tolerance (50 um, a common AOI setting) and a
  diameter tolerance (the ball's own).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from geometry.base.errors import DesignError, require_length


class ToolKind(StrEnum):
    """What ``ballmask export --tool`` can write."""

    MASK = "mask"
    FLUX_STENCIL = "flux-stencil"
    PIN_PLATE = "pin-plate"
    PICK_HEAD = "pick-head"
    INSPECTION = "inspection"


def _ratio(path: str, value: float, low: float, high: float) -> float:
    v = require_length(path, value)
    if not low <= v <= high:
        raise DesignError(path, v, f"must be between {low:g} and {high:g}")
    return v


@dataclass(frozen=True, slots=True)
class FluxStencil:
    """Flux-printing stencil: aperture = pad x ``aperture_ratio`` + 2 ``aperture_offset_mm``, foil ``thickness_mm``."""

    aperture_ratio: float = 1.0
    aperture_offset_mm: float = 0.0
    thickness_mm: float = 0.05
    area_ratio_min: float = 0.66
    aspect_ratio_min: float = 1.5
    web_min_mm: float = 0.1

    def __post_init__(self) -> None:
        object.__setattr__(self, "aperture_ratio", _ratio("aperture_ratio", self.aperture_ratio, 0.2, 3.0))
        if not -1.0 < self.aperture_offset_mm < 1.0:
            raise DesignError("aperture_offset_mm", self.aperture_offset_mm, "must be between -1 and 1 mm")
        object.__setattr__(self, "thickness_mm", require_length("thickness_mm", self.thickness_mm))
        object.__setattr__(self, "area_ratio_min", require_length("area_ratio_min", self.area_ratio_min))
        object.__setattr__(self, "aspect_ratio_min", require_length("aspect_ratio_min", self.aspect_ratio_min))
        object.__setattr__(self, "web_min_mm", require_length("web_min_mm", self.web_min_mm))


@dataclass(frozen=True, slots=True)
class PinPlate:
    """Pin-transfer plate: pin = pad x ``pin_ratio``; its flux spot = pin x ``spot_spread``."""

    pin_ratio: float = 0.8
    spot_spread: float = 1.3
    spot_gap_min_mm: float = 0.05

    def __post_init__(self) -> None:
        object.__setattr__(self, "pin_ratio", _ratio("pin_ratio", self.pin_ratio, 0.2, 2.0))
        object.__setattr__(self, "spot_spread", _ratio("spot_spread", self.spot_spread, 1.0, 3.0))
        object.__setattr__(self, "spot_gap_min_mm", require_length("spot_gap_min_mm", self.spot_gap_min_mm,
                                                                   allow_zero=True))


@dataclass(frozen=True, slots=True)
class PickHead:
    """Vacuum pick head plate: one hole of ball diameter x ``hole_ratio`` per site."""

    hole_ratio: float = 0.7
    hold_ratio_min: float = 0.4

    def __post_init__(self) -> None:
        object.__setattr__(self, "hole_ratio", _ratio("hole_ratio", self.hole_ratio, 0.1, 1.5))
        object.__setattr__(self, "hold_ratio_min", _ratio("hold_ratio_min", self.hold_ratio_min, 0.05, 1.0))


@dataclass(frozen=True, slots=True)
class Inspection:
    """Post-mount inspection reference: where each ball should be, within ``position_tolerance_mm``."""

    position_tolerance_mm: float = 0.05

    def __post_init__(self) -> None:
        object.__setattr__(self, "position_tolerance_mm", require_length("position_tolerance_mm",
                                                                         self.position_tolerance_mm))


@dataclass(frozen=True, slots=True)
class Tools:
    """The settings of every companion tool of a design."""

    flux_stencil: FluxStencil = FluxStencil()
    pin_plate: PinPlate = PinPlate()
    pick_head: PickHead = PickHead()
    inspection: Inspection = Inspection()
