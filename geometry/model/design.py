"""The design: everything a designer chooses for one mask, as one frozen, hashable value.

The design holds parameters only (generators, profiles, overrides, rules); sites, openings, relief and checks
are derived from it by pure functions that cache on the design, so an undo is just going back to the previous
value and a file stores exactly what the designer set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from geometry.base.errors import DesignError
from geometry.base.lazy import lazy_names
from geometry.model.ball import Ball
from geometry.model.drawing_info import DrawingInfo
from geometry.model.hashed import HashedOnce
from geometry.model.layouts import GridLayout, Layout, Pad, SiteEdits, build_sites
from geometry.model.mask import Mask
from geometry.model.materials import Limits, resolve_limits
from geometry.model.output_settings import OutputSettings
from geometry.model.profiles import Opening, Profile, Tapered, upper_from_ball
from geometry.model.sites import Sites
from geometry.model.tolerances import Tolerances

if TYPE_CHECKING:
    from geometry.model.carrier_features import CarrierFeature
    from geometry.model.rework import Rework
    from geometry.model.tools import Tools

_LAZY_NAMES = {"CarrierFeature": "geometry.model.carrier_features", "Rework": "geometry.model.rework",
               "Tools": "geometry.model.tools"}
"""Names of the optional parts of a design, imported on first use: a design without rework data, companion tool
settings or carrier features (a cold ``ballmask check`` of a plain device) does not build their classes (issue 12).
The file codec resolves the fields' hints through this module's ``__getattr__`` only for the fields a file holds."""
__getattr__ = lazy_names(__name__, _LAZY_NAMES)


@dataclass(frozen=True, slots=True, eq=False)
class ProfileOverride(HashedOnce):
    """Give the sites named in ``sites`` their own ``profile`` (later overrides win over earlier ones)."""

    sites: tuple[str, ...]
    profile: Profile

    def __post_init__(self) -> None:
        if isinstance(self.sites, str) or not all(isinstance(s, str) for s in self.sites):
            raise DesignError("sites", self.sites, "must be a list of site names")
        object.__setattr__(self, "sites", tuple(self.sites))


@dataclass(frozen=True, slots=True, eq=False)
class MergeSettings(HashedOnce):
    """How lower outlines merge (claim 7).

    ``auto``: lower outlines that overlap, or whose gap is below the lower web minimum, are merged into one
    relief. ``channels``: chains of sites the user merged explicitly (each consecutive pair is joined by a
    channel). ``forbidden``: pairs that must never be joined by a channel (the web-lower check then reports a
    gap that is too small instead).
    """

    auto: bool = True
    channels: tuple[tuple[str, ...], ...] = ()
    forbidden: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "channels", tuple(tuple(c) for c in self.channels))
        for i, c in enumerate(self.channels):
            if len(c) < 2:
                raise DesignError(f"channels[{i}]", list(c), "a channel joins two sites or more")
        pairs = []
        for i, p in enumerate(self.forbidden):
            if len(p) != 2:
                raise DesignError(f"forbidden[{i}]", list(p), "must be a pair of site names")
            pairs.append(tuple(sorted(p)))
        object.__setattr__(self, "forbidden", tuple(sorted(set(pairs))))


def _limit_items(value: Any) -> tuple[tuple[str, float], ...]:
    items = value.items() if isinstance(value, dict) else value
    return tuple(sorted((str(k), float(v)) for k, v in items))


@dataclass(frozen=True, slots=True, eq=False)
class Design(HashedOnce):
    """One mask design. Lengths in mm. ``upper_ratio`` sizes d_u from the ball unless a profile fixes it."""

    ball: Ball
    pad: Pad
    layout: Layout
    mask: Mask
    profile: Profile = Tapered(60.0)
    name: str = "untitled"
    revision: str = "A"
    upper_ratio: float = 1.1
    edits: SiteEdits = SiteEdits()
    overrides: tuple[ProfileOverride, ...] = ()
    merge: MergeSettings = MergeSettings()
    limits: tuple[tuple[str, float], ...] = field(default=())
    notes: str = ""
    output: OutputSettings = OutputSettings()
    rework: Rework | None = None  # rework data (patent 002, claims 8-16); None for a production design
    tools: Tools | None = None  # companion tool settings; None: the defaults (geometry.model.tools)
    drawing: DrawingInfo = DrawingInfo()  # title block, revisions, order and frame of the fabrication drawing
    tolerances: Tolerances = Tolerances()  # process and thermal tolerances of the margin checks
    carrier_features: tuple[CarrierFeature, ...] | None = None  # fiducials and tooling holes; None: none

    def __post_init__(self) -> None:
        r = self.upper_ratio
        if isinstance(r, bool) or not isinstance(r, int | float) or not math.isfinite(r) or not 0.5 <= r <= 3.0:
            raise DesignError("upper_ratio", r, "must be between 0.5 and 3 (upper diameter / ball diameter)")
        object.__setattr__(self, "upper_ratio", float(r))
        object.__setattr__(self, "overrides", tuple(self.overrides))
        object.__setattr__(self, "limits", _limit_items(self.limits))
        for attr in ("name", "revision", "notes"):
            if not isinstance(getattr(self, attr), str):
                raise DesignError(attr, getattr(self, attr), "must be text")
        # Every profile must resolve for this ball and thickness: an impossible profile is refused here, where
        # the user made it, not later in a check or an export.
        try:
            self.resolve(self.profile)
        except DesignError as e:
            raise e.under("profile") from None
        for i, o in enumerate(self.overrides):
            try:
                self.resolve(o.profile)
            except DesignError as e:
                raise e.under(f"overrides[{i}].profile") from None
        resolve_limits(self.mask.material, self.mask.thickness_mm, dict(self.limits))
        if self.carrier_features is not None:
            from geometry.model.carrier_features import validate_features

            object.__setattr__(self, "carrier_features", validate_features(self.carrier_features))
        if self.rework is not None:
            from geometry.model.rework import Rework

            if not isinstance(self.rework, Rework):
                raise DesignError("rework", self.rework, "must be rework data or nothing")

    # -- derived values (cheap, or cached elsewhere) -------------------------------------------------------
    @property
    def companion_tools(self) -> Tools:
        """The companion tool settings in force (the defaults unless the design sets its own)."""
        if self.tools is not None:
            return self.tools
        from geometry.model.tools import Tools

        return Tools()

    @property
    def features(self) -> tuple[CarrierFeature, ...]:
        """The carrier fiducials and tooling holes (none unless the design sets them)."""
        return self.carrier_features or ()

    @property
    def default_upper_mm(self) -> float:
        """d_u derived from the ball: upper_ratio x D rounded to 1 um."""
        return upper_from_ball(self.ball.diameter_mm, self.upper_ratio)

    def resolve(self, profile: Profile) -> Opening:
        """The opening a profile gives on this mask with this ball."""
        upper = profile.upper_mm if profile.upper_mm is not None else self.default_upper_mm
        return profile.resolve(self.mask.thickness_mm, upper)

    @property
    def opening(self) -> Opening:
        """The default profile resolved."""
        return self.resolve(self.profile)

    def effective_limits(self) -> Limits:
        """Material defaults at this thickness with the design's overrides applied (the panels and checks ask
        for them dozens of times per edit: resolved once per material, thickness and overrides)."""
        return _limits_in_force(self.mask.material, self.mask.thickness_mm, self.limits)

    def sites(self) -> Sites:
        """The sites (generated, then edited). Cached on the parameters."""
        return build_sites(self.layout, self.pad, self.edits)  # type: ignore[arg-type]  # layouts are frozen

    def outline_rect(self) -> tuple[float, float, float, float]:
        """The mask outline rectangle (xmin, ymin, xmax, ymax) in mm."""
        return self.mask.outline.rectangle(self.sites().bounds())

    def with_(self, **changes: Any) -> Design:
        """A copy with fields replaced (validated again)."""
        return replace(self, **changes)

    def with_limit(self, name: str, value: float | None) -> Design:
        """A copy with one limit overridden (or back to the material default when ``value`` is None)."""
        d = dict(self.limits)
        if value is None:
            d.pop(name, None)
        else:
            d[name] = value
        return replace(self, limits=_limit_items(d))


def example_grid_design(
    rows: int = 10, cols: int = 10, pitch_mm: float = 0.8, ball_mm: float = 0.45,
    thickness_mm: float = 0.3, profile: Profile | None = None,
) -> Design:
    """A small grid design with sensible defaults (pad 0.8 D, tapered at 60 degrees)."""
    return Design(
        ball=Ball(ball_mm),
        pad=Pad(round(ball_mm * 0.8, 3)),
        layout=GridLayout(rows, cols, pitch_mm),
        mask=Mask(thickness_mm),
        profile=profile or Tapered(60.0),
    )


@lru_cache(maxsize=64)
def _limits_in_force(material: str, thickness_mm: float, overrides: tuple[tuple[str, float], ...]) -> Limits:
    return resolve_limits(material, thickness_mm, dict(overrides))
