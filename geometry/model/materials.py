"""Material presets and the rule limits they set (checks.md, 'Checks' and the note below it).

Etched-stainless numbers come from photo-etching practice; laser-cut stainless and electroformed nickel allow
finer webs and smaller holes, and their numbers here are practice values (starting points the user can change).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace

from geometry.base.errors import DesignError
from geometry.base.limits import MAX_LENGTH_MM, MAX_RATIO


@dataclass(frozen=True, slots=True)
class Limits:
    """Every limit a check uses; lengths in mm, angles in degrees, ratios of the ball diameter D."""

    ball_pass_clearance_mm: float = 0.01  # c_pass: d_u >= D + tol_D + c_pass
    single_ball_max_ratio: float = 2.0  # d_u must stay below this x D, else two balls fit
    single_ball_warn_ratio: float = 1.3  # above this x D a warning
    comfort_low_ratio: float = 1.05  # the comfortable band, info outside it
    comfort_high_ratio: float = 1.2
    standoff_mm: float = 0.0  # pad stand-off added to D in the stack check
    taper_max_deg: float = 60.0  # claim 4: a tapered face at 60 degrees or less
    taper_weak_deg: float = 30.0  # below this the edge is weak
    alignment_mm: float = 0.01  # a: mask-to-device alignment tolerance
    ball_gap_min_mm: float = 0.05  # g_min
    web_min_mm: float = 0.1  # w_min (from the material and thickness unless overridden)
    hole_factor: float = 1.2  # k_hole: d_u >= k_hole t
    membrane_min_mm: float = 0.03  # m_min (max(0.03, t/4) unless overridden)
    flux_spread_mm: float = 0.05  # f
    residue_clearance_mm: float = 0.01  # underside at least h_res + this above the device
    edge_min_mm: float = 2.0  # e_min
    span_max_mm: float = 5.0  # span: largest unsupported span before a warning (practice, docs/checks.md)

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
                raise DesignError(f.name, v, "must be a finite number, not negative")
            top, unit = ((MAX_LENGTH_MM, " mm") if f.name.endswith("_mm") else (90.0, " degrees")
                         if f.name.endswith("_deg") else (MAX_RATIO, ""))
            if v > top:
                raise DesignError(f.name, v, f"must be at most {top:g}{unit}")
            object.__setattr__(self, f.name, float(v))


LIMIT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Limits))


@dataclass(frozen=True, slots=True)
class Material:
    """A material preset: how thin a web and how small a hole the process makes, for a sheet thickness."""

    name: str
    label: str
    web_min: Callable[[float], float]
    hole_factor: float
    basis: str

    def limits(self, thickness_mm: float) -> Limits:
        """Default limits for this material at thickness t."""
        return Limits(
            web_min_mm=round(self.web_min(thickness_mm), 6),
            hole_factor=self.hole_factor,
            membrane_min_mm=round(max(0.03, thickness_mm / 4.0), 6),
        )


def _etched_web(t: float) -> float:
    if t < 0.1:
        return 1.2 * t
    if t <= 0.2:
        return max(t, 0.10)
    return max(t, 0.15)


MATERIALS: dict[str, Material] = {
    m.name: m
    for m in (
        Material("etched-stainless", "Etched stainless steel", _etched_web, 1.2,
                 "photo-etching practice (checks.md)"),
        Material("laser-cut-stainless", "Laser-cut stainless steel", lambda t: max(0.7 * t, 0.05), 0.8,
                 "practice value: laser cutting leaves finer webs and cuts holes below the sheet thickness"),
        Material("electroformed-nickel", "Electroformed nickel", lambda t: max(0.5 * t, 0.03), 0.6,
                 "practice value: electroforming grows fine webs and small holes"),
    )
}


def resolve_limits(material: str, thickness_mm: float, overrides: Mapping[str, float]) -> Limits:
    """The limits in force: the material's defaults at this thickness, then the design's overrides."""
    base = MATERIALS[material].limits(thickness_mm)
    for k in overrides:
        if k not in LIMIT_NAMES:
            raise DesignError(f"limits.{k}", k, "is not a known limit")
    try:
        return replace(base, **dict(overrides))
    except DesignError as e:
        raise e.under("limits") from None
