"""What the fabrication drawing says about itself: title-block fields, revision history, the order and the frame.

These are the user's words (drawing number, who drew, checked and approved it, the material grade, the general
tolerances, how many masks and how they are inspected) and the stencil frame the foil is mounted in. They are
saved with the design so that a drawing exported again next month carries the same number, date and names.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Literal

from geometry.base.errors import DesignError, require_finite, require_length

FramePreset = Literal["none", "736x736", "584x584", "custom"]
Projection = Literal["first-angle", "third-angle"]

# Common stencil frames (outer size, mm): 29 in and 23 in square cast-aluminium frames.
FRAME_PRESETS: dict[str, tuple[float, float, str]] = {
    "736x736": (736.0, 736.0, "736 x 736 mm (29 in) frame"),
    "584x584": (584.0, 584.0, "584 x 584 mm (23 in) frame"),
}


def _text(path: str, value: object) -> str:
    if not isinstance(value, str):
        raise DesignError(path, value, "must be text")
    return value


def _iso_date(path: str, value: object) -> str:
    """An ISO date (YYYY-MM-DD) or empty."""
    text = _text(path, value)
    if text:
        try:
            _dt.date.fromisoformat(text)
        except ValueError:
            raise DesignError(path, value, "must be a date as YYYY-MM-DD") from None
    return text


@dataclass(frozen=True, slots=True)
class RevisionEntry:
    """One line of the revision table: which revision, when, what changed and who changed it."""

    revision: str
    date: str
    description: str
    by: str = ""

    def __post_init__(self) -> None:
        _text("revision", self.revision)
        _iso_date("date", self.date)
        _text("description", self.description)
        _text("by", self.by)


FRAME_HOLE_PREFIX = "FT"
"""The frame's tooling holes are named FT1, FT2, ... on the drawing, in the notes and on the screen: the carrier's
own tooling holes are T1, T2, ... (geometry.model.carrier_features), and a shop reading "T1" twice would not know
which hole is meant."""


@dataclass(frozen=True, slots=True)
class ToolingHole:
    """A round tooling (registration) hole cut through the foil, in design coordinates (mm); named FT1, FT2, ...
    in the order the frame settings list them (:meth:`FrameSettings.tooling_hole_names`)."""

    x_mm: float
    y_mm: float
    diameter_mm: float = 3.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "x_mm", require_finite("x_mm", self.x_mm))
        object.__setattr__(self, "y_mm", require_finite("y_mm", self.y_mm))
        object.__setattr__(self, "diameter_mm", require_length("diameter_mm", self.diameter_mm))


@dataclass(frozen=True, slots=True)
class FrameSettings:
    """The frame the foil is mounted in, and the foil's unpatterned border.

    ``preset``: ``none`` (a loose foil cut to the outline), ``736x736`` (29 in), ``584x584`` (23 in) or
    ``custom`` (``width_mm`` x ``height_mm``, the frame's outer size). ``border_mm`` is the band between the
    frame's inner edge and the foil (mesh or tensioning border). The pattern (the mask outline's centre) sits
    at ``offset_x_mm`` / ``offset_y_mm`` from the frame's centre, along the frame's own axes, turned by
    ``rotation_deg`` counter-clockwise (seen from the upper surface); None: centred and square to the frame.
    """

    preset: FramePreset = "none"
    width_mm: float | None = None
    height_mm: float | None = None
    profile_mm: float = 40.0
    border_mm: float = 25.0
    tooling_holes: tuple[ToolingHole, ...] = ()
    offset_x_mm: float | None = None
    offset_y_mm: float | None = None
    rotation_deg: float | None = None

    def __post_init__(self) -> None:
        for name in ("offset_x_mm", "offset_y_mm"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, require_finite(name, getattr(self, name)))
        r = self.rotation_deg
        if r is not None:
            if isinstance(r, bool) or not isinstance(r, int | float) or not -360.0 <= r <= 360.0:
                raise DesignError("rotation_deg", r, "must be an angle from -360 to 360 degrees")
            object.__setattr__(self, "rotation_deg", float(r))
        if self.preset not in ("none", "custom", *FRAME_PRESETS):
            raise DesignError("preset", self.preset, "must be none, 736x736, 584x584 or custom")
        for name in ("width_mm", "height_mm"):
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, require_length(name, v))
        if self.preset == "custom" and (self.width_mm is None or self.height_mm is None):
            raise DesignError("width_mm", self.width_mm, "a custom frame needs width_mm and height_mm")
        object.__setattr__(self, "profile_mm", require_length("profile_mm", self.profile_mm))
        object.__setattr__(self, "border_mm", require_length("border_mm", self.border_mm, allow_zero=True))
        object.__setattr__(self, "tooling_holes", tuple(self.tooling_holes))
        for i, h in enumerate(self.tooling_holes):
            if not isinstance(h, ToolingHole):
                raise DesignError(f"tooling_holes[{i}]", h, "must be a tooling hole (x_mm, y_mm, diameter_mm)")
        size = self.outer_size()
        if size is not None and 2 * (self.profile_mm + self.border_mm) >= min(size):
            raise DesignError("border_mm", self.border_mm, "frame profile and border leave no foil inside the frame")

    def outer_size(self) -> tuple[float, float] | None:
        """The frame's outer size (mm), None for a loose foil."""
        if self.preset == "none":
            return None
        if self.preset == "custom":
            return float(self.width_mm), float(self.height_mm)  # type: ignore[arg-type]
        w, h, _ = FRAME_PRESETS[self.preset]
        return w, h

    def foil_size(self) -> tuple[float, float] | None:
        """The foil inside the frame: outer size less the frame profile and the border on each side."""
        size = self.outer_size()
        if size is None:
            return None
        m = 2.0 * (self.profile_mm + self.border_mm)
        return size[0] - m, size[1] - m

    def tooling_hole_names(self) -> tuple[str, ...]:
        """FT1, FT2, ... for the frame's tooling holes, in order (see :data:`FRAME_HOLE_PREFIX`)."""
        return tuple(f"{FRAME_HOLE_PREFIX}{i + 1}" for i in range(len(self.tooling_holes)))

    def placement(self) -> tuple[float, float, float]:
        """(offset x, offset y, rotation in degrees) of the pattern in the frame, zeros when not set."""
        return (self.offset_x_mm or 0.0, self.offset_y_mm or 0.0, self.rotation_deg or 0.0)

    @property
    def label(self) -> str:
        """The frame in words."""
        if self.preset == "none":
            return "no frame: loose foil cut to the outline"
        if self.preset == "custom":
            return f"custom frame {self.width_mm:.6g} x {self.height_mm:.6g} mm"
        return FRAME_PRESETS[self.preset][2]


@dataclass(frozen=True, slots=True)
class DrawingInfo:
    """Title-block fields (ISO 7200) and order data. Empty text means "not stated" (or the default shown)."""

    title: str = ""  # empty: the design name
    drawing_number: str = ""
    date: str = ""  # YYYY-MM-DD; empty: the day of the export
    drawn_by: str = ""
    checked_by: str = ""
    approved_by: str = ""
    material_grade: str = ""  # e.g. "AISI 301, full hard"; empty: the material preset's usual grade
    thickness_tolerance_mm: float | None = None  # empty: the process tolerance
    general_tolerances: str = "ISO 2768-f"
    projection: Projection = "first-angle"
    quantity: int = 1
    inspection: str = ""  # empty: the standard inspection note
    revisions: tuple[RevisionEntry, ...] = ()
    frame: FrameSettings = FrameSettings()

    def __post_init__(self) -> None:
        for name in ("title", "drawing_number", "drawn_by", "checked_by", "approved_by", "material_grade",
                     "general_tolerances", "inspection"):
            _text(name, getattr(self, name))
        _iso_date("date", self.date)
        if self.thickness_tolerance_mm is not None:
            object.__setattr__(self, "thickness_tolerance_mm",
                               require_length("thickness_tolerance_mm", self.thickness_tolerance_mm))
        if self.projection not in ("first-angle", "third-angle"):
            raise DesignError("projection", self.projection, "must be first-angle or third-angle")
        q = self.quantity
        if isinstance(q, bool) or not isinstance(q, int) or q < 1:
            raise DesignError("quantity", q, "must be a whole number of masks, at least 1")
        object.__setattr__(self, "revisions", tuple(self.revisions))
        for i, r in enumerate(self.revisions):
            if not isinstance(r, RevisionEntry):
                raise DesignError(f"revisions[{i}]", r, "must be a revision entry (revision, date, description)")
        if not isinstance(self.frame, FrameSettings):
            raise DesignError("frame", self.frame, "must be frame settings")

    def day(self, fallback: _dt.date | None = None) -> _dt.date:
        """The drawing's date: the one set, else ``fallback``, else today."""
        if self.date:
            return _dt.date.fromisoformat(self.date)
        return fallback or _dt.date.today()
