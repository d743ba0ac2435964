"""The metal sheet: thickness, material, outline and fiducials."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from geometry.base.errors import DesignError, require_finite, require_length


@dataclass(frozen=True, slots=True)
class MarginOutline:
    """A rectangle ``margin_mm`` outside the bounding box of the site centres."""

    kind: ClassVar[str] = "margin"
    margin_mm: float = 5.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "margin_mm", require_length("margin_mm", self.margin_mm))

    def rectangle(self, site_bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the outline for sites with the given centre bounds."""
        x0, y0, x1, y1 = site_bounds
        m = self.margin_mm
        return (x0 - m, y0 - m, x1 + m, y1 + m)


@dataclass(frozen=True, slots=True)
class SizeOutline:
    """A rectangle of fixed size centred on (centre_x_mm, centre_y_mm), e.g. a frame's stencil area."""

    kind: ClassVar[str] = "size"
    width_mm: float
    height_mm: float
    centre_x_mm: float = 0.0
    centre_y_mm: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "width_mm", require_length("width_mm", self.width_mm))
        object.__setattr__(self, "height_mm", require_length("height_mm", self.height_mm))
        object.__setattr__(self, "centre_x_mm", require_finite("centre_x_mm", self.centre_x_mm))
        object.__setattr__(self, "centre_y_mm", require_finite("centre_y_mm", self.centre_y_mm))

    def rectangle(self, site_bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax); independent of the sites."""
        hw, hh = self.width_mm / 2.0, self.height_mm / 2.0
        return (self.centre_x_mm - hw, self.centre_y_mm - hh, self.centre_x_mm + hw, self.centre_y_mm + hh)


Outline = MarginOutline | SizeOutline
OUTLINE_KINDS: dict[str, type] = {MarginOutline.kind: MarginOutline, SizeOutline.kind: SizeOutline}


class FiducialEtch(StrEnum):
    """How a fiducial is made: through the sheet, or half-etched (a blind mark)."""

    THROUGH = "through"
    HALF = "half"


@dataclass(frozen=True, slots=True)
class Fiducial:
    """A round alignment mark."""

    x_mm: float
    y_mm: float
    diameter_mm: float = 1.0
    etch: FiducialEtch = FiducialEtch.HALF

    def __post_init__(self) -> None:
        object.__setattr__(self, "x_mm", require_finite("x_mm", self.x_mm))
        object.__setattr__(self, "y_mm", require_finite("y_mm", self.y_mm))
        object.__setattr__(self, "diameter_mm", require_length("diameter_mm", self.diameter_mm))
        try:
            object.__setattr__(self, "etch", FiducialEtch(self.etch))
        except ValueError:
            raise DesignError("etch", self.etch, "must be 'through' or 'half'") from None


@dataclass(frozen=True, slots=True)
class Mask:
    """The sheet: ``thickness_mm`` (t), the material preset name, the outline and the fiducials."""

    thickness_mm: float
    material: str = "etched-stainless"
    outline: Outline = MarginOutline()
    fiducials: tuple[Fiducial, ...] = ()

    def __post_init__(self) -> None:
        from geometry.model.materials import MATERIALS

        object.__setattr__(self, "thickness_mm", require_length("thickness_mm", self.thickness_mm))
        if self.thickness_mm > 5.0:
            raise DesignError("thickness_mm", self.thickness_mm, "is more than 5 mm: is the unit mm?")
        if self.material not in MATERIALS:
            raise DesignError("material", self.material, f"must be one of {', '.join(MATERIALS)}")
        object.__setattr__(self, "fiducials", tuple(self.fiducials))
