"""Carrier fiducials and tooling holes: what registers a strip or panel mask to its substrate.

A ball-mount machine puts the mask on the strip in two ways, and the mask carries a feature for each: tooling
holes cut through the foil that fit over the fixture's tooling pins (the same pins that pass through the
strip's own tooling holes), and fiducials, blind round marks half-etched into one face that the machine's camera
finds and lines up with the strip's fiducials. Both lie outside the ball pattern, on the strip's rails.

A :class:`CarrierFeature` is one of them, in design coordinates (mm, seen from the upper surface). A tooling hole
goes through the sheet, so it is on both faces' artwork; a fiducial is etched from the face it names, to
``depth_mm`` (half the sheet when not given), so it is on that face's etch only. The design holds them in
``Design.carrier_features``; their checks are in :mod:`geometry.checks.features` and their layers in
:mod:`geometry.export.features`.

:func:`strip_features` gives the starting points for a strip preset; docs/file-format.md says why these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from geometry.base.errors import DesignError, require_finite, require_length

MAX_FEATURE_DIAMETER_MM = 20.0
"""Larger than any tooling pin or fiducial: a larger diameter is a typo (or a unit in inches)."""

MAX_FEATURES = 1000
"""More features than a panel carries."""


class FeatureKind(StrEnum):
    """A fiducial (a blind mark etched from one face) or a tooling hole (through the sheet)."""

    FIDUCIAL = "fiducial"
    TOOLING_HOLE = "tooling-hole"


class Face(StrEnum):
    """The face a fiducial is etched from: upper (where the balls come from) or lower (facing the strip)."""

    UPPER = "upper"
    LOWER = "lower"


@dataclass(frozen=True, slots=True)
class CarrierFeature:
    """One fiducial or tooling hole: ``name`` (shown on the drawing and in findings), centre, diameter, kind.

    ``face`` and ``depth_mm`` only matter for a fiducial: the face it is etched from and how deep (None: half
    the sheet, which a camera sees as well as a through mark and which leaves the foil whole).
    """

    name: str
    x_mm: float
    y_mm: float
    diameter_mm: float
    kind: FeatureKind = FeatureKind.FIDUCIAL
    face: Face = Face.UPPER
    depth_mm: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip() or not self.name.isprintable() \
                or len(self.name) > 40:
            raise DesignError("name", self.name, "must be a printable name of 1 to 40 characters (F1, T1, ...)")
        object.__setattr__(self, "x_mm", require_finite("x_mm", self.x_mm))
        object.__setattr__(self, "y_mm", require_finite("y_mm", self.y_mm))
        d = require_length("diameter_mm", self.diameter_mm)
        if d > MAX_FEATURE_DIAMETER_MM:
            raise DesignError("diameter_mm", d, f"is more than {MAX_FEATURE_DIAMETER_MM:g} mm: is the unit mm?")
        object.__setattr__(self, "diameter_mm", d)
        try:
            object.__setattr__(self, "kind", FeatureKind(self.kind))
        except ValueError:
            raise DesignError("kind", self.kind, "must be fiducial or tooling-hole") from None
        try:
            object.__setattr__(self, "face", Face(self.face))
        except ValueError:
            raise DesignError("face", self.face, "must be upper or lower") from None
        if self.depth_mm is not None:
            if self.kind is FeatureKind.TOOLING_HOLE:
                raise DesignError("depth_mm", self.depth_mm, "a tooling hole goes through the sheet: give no depth")
            object.__setattr__(self, "depth_mm", require_length("depth_mm", self.depth_mm))

    @property
    def through(self) -> bool:
        """Whether the feature goes through the sheet (a tooling hole)."""
        return self.kind is FeatureKind.TOOLING_HOLE

    @property
    def radius_mm(self) -> float:
        """Half the diameter."""
        return self.diameter_mm / 2.0

    def etch_depth_mm(self, thickness_mm: float) -> float:
        """How deep the feature is etched: the sheet for a tooling hole, ``depth_mm`` or t / 2 for a fiducial."""
        if self.through:
            return thickness_mm
        return self.depth_mm if self.depth_mm is not None else round(thickness_mm / 2.0, 6)

    def describe(self) -> str:
        """The feature in words, for the drawing, the notes and the findings."""
        where = f"({self.x_mm:.3f}, {self.y_mm:.3f})"
        if self.through:
            return f"tooling hole {self.name} Ø{self.diameter_mm:.3f} at {where}, through"
        depth = f"{self.depth_mm * 1000:.0f} um" if self.depth_mm is not None else "half the sheet"
        return f"fiducial {self.name} Ø{self.diameter_mm:.3f} at {where}, etched {depth} from the {self.face} face"


def validate_features(features: Iterable[object]) -> tuple[CarrierFeature, ...]:
    """The features as a tuple, each a :class:`CarrierFeature` with a name of its own (the findings and the
    drawing name them, so two alike would be ambiguous)."""
    items = tuple(features)
    if len(items) > MAX_FEATURES:
        raise DesignError("carrier_features", len(items), f"more than {MAX_FEATURES} features")
    out: list[CarrierFeature] = []
    seen: set[str] = set()
    for i, f in enumerate(items):
        if not isinstance(f, CarrierFeature):
            raise DesignError(f"carrier_features[{i}]", f, "must be a fiducial or tooling hole")
        out.append(f)
        key = f.name.casefold()
        if key in seen:
            raise DesignError(f"carrier_features[{i}].name", f.name, "is the name of another feature")
        seen.add(key)
    return tuple(out)


TOOLING_HOLE_MM = 2.0
"""Substrate strips carry tooling holes of 1.5 to 2.0 mm in their rails; the fixture's pins fit the larger."""
FIDUCIAL_MM = 1.0
"""The mask's own default fiducial size (geometry.model.mask.Fiducial): one a camera finds in one field."""
RAIL_INSET_MM = 3.5
"""Centre of a rail feature from the strip's long edge: inside the 5 to 8 mm rail, clear of the edge."""
END_INSET_MM = 5.0
"""Centre of the end features from the strip's short edge."""


def strip_features(width_mm: float, height_mm: float) -> tuple[CarrierFeature, ...]:
    """Default features of a ``width_mm`` x ``height_mm`` strip centred on (0, 0) (docs/file-format.md):

    two tooling holes T1 and T2 in the upper rail near the two ends, and two fiducials F1 and F2 half-etched
    into the upper face in the lower rail near the two ends, so that the four never share a corner and the
    holes and marks together fix the strip's position and rotation.
    """
    hx = width_mm / 2.0 - END_INSET_MM
    hy = height_mm / 2.0 - RAIL_INSET_MM
    if hx <= 0 or hy <= 0:
        raise DesignError("strip", f"{width_mm:g} x {height_mm:g}", "is too small for rail features")
    return (
        CarrierFeature("T1", -hx, hy, TOOLING_HOLE_MM, FeatureKind.TOOLING_HOLE),
        CarrierFeature("T2", hx, hy, TOOLING_HOLE_MM, FeatureKind.TOOLING_HOLE),
        CarrierFeature("F1", -hx, -hy, FIDUCIAL_MM, FeatureKind.FIDUCIAL, Face.UPPER),
        CarrierFeature("F2", hx, -hy, FIDUCIAL_MM, FeatureKind.FIDUCIAL, Face.UPPER),
    )
