"""Process tolerances and thermal data: the settings of the margin and thermal checks (docs/checks.md).

Every number here is a practice value (no standard fixes it) and a setting the user can change and save with the
design: ``None`` in a field means "the preset's value" (the mask material's process, the chosen substrate), so a
file keeps following the preset until the user sets a number.

Process presets (docs/checks.md, 'Process tolerances'):

* opening size tol_open: photo-etched stainless +-10 % of t on the width (the etch factor spreads with
  thickness), laser-cut stainless +-5 um (beam and stage), electroformed nickel +-2 um (the photo tool and the
  plating grow the wall, not an etch front);
* opening position tol_pos: photo-etched centre to centre +-13 um up to 25 mm, +-25 um to 75 mm, +-51 um to
  150 mm, +-76 um to 250 mm (beyond: +-102 um), taken at the largest centre-to-centre distance of the design;
  laser-cut stainless +-10 um and electroformed nickel +-5 um anywhere on the sheet (stage and photo tool).

Thermal expansion, ppm/K: stainless 17 (16-18), electroformed nickel 13 (12-17), silicon 2.6 (2.3-2.6), organic
substrate (BT, FR-4 laminate in plane) 16 (14-17), glass 3.3 (borosilicate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from geometry.base.errors import DesignError

Substrate = Literal["silicon", "organic", "glass"]
StackMode = Literal["worst-case", "rss"]

SUBSTRATE_CTE_PPM_K: dict[str, float] = {"silicon": 2.6, "organic": 16.0, "glass": 3.3}
"""Expansion of the device's substrate in ppm/K (practice values; a setting overrides them)."""

MASK_CTE_PPM_K: dict[str, float] = {
    "etched-stainless": 17.0, "laser-cut-stainless": 17.0, "electroformed-nickel": 13.0,
}
"""Expansion of the mask material in ppm/K, per material preset."""

OPENING_TOL: dict[str, tuple[float, float]] = {
    # (fraction of t, fixed mm): tol_open = fraction x t + fixed
    "etched-stainless": (0.10, 0.0),
    "laser-cut-stainless": (0.0, 0.005),
    "electroformed-nickel": (0.0, 0.002),
}
"""Opening diameter tolerance per process: a fraction of the thickness plus a fixed part."""

ETCH_POSITION_TABLE: tuple[tuple[float, float], ...] = ((25.0, 0.013), (75.0, 0.025), (150.0, 0.051),
                                                        (250.0, 0.076), (math.inf, 0.102))
"""Photo-etched centre-to-centre position tolerance: (up to this distance in mm, tolerance in mm)."""

POSITION_TOL_MM: dict[str, float] = {"laser-cut-stainless": 0.010, "electroformed-nickel": 0.005}
"""Position tolerance of the processes whose accuracy does not grow with distance."""


def _optional_number(name: str, value: float | None, *, signed: bool = False) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DesignError(name, value, "must be a finite number")
    if not signed and value < 0:
        raise DesignError(name, value, "must not be negative")
    return float(value)


@dataclass(frozen=True, slots=True)
class Tolerances:
    """The process and thermal settings of the margin checks; ``None`` takes the preset's value.

    ``stack`` chooses which combination decides pass/fail: ``rss`` (root-sum-square, the default: the sources
    are independent, and all of them at their extreme at once is improbable) or ``worst-case`` (their sum).
    ``delta_t_k`` is the ball-mounting temperature minus the mask-making temperature, in K (signed).
    ``placement_tol_mm`` is how far the thermal misalignment may move the farthest opening off its pad.
    """

    opening_tol_mm: float | None = None
    position_tol_mm: float | None = None
    mask_cte_ppm_k: float | None = None
    substrate: Substrate = "silicon"
    substrate_cte_ppm_k: float | None = None
    delta_t_k: float = 0.0
    placement_tol_mm: float = 0.025
    stack: StackMode = "rss"

    def __post_init__(self) -> None:
        for name in ("opening_tol_mm", "position_tol_mm", "mask_cte_ppm_k", "substrate_cte_ppm_k"):
            object.__setattr__(self, name, _optional_number(name, getattr(self, name), signed="cte" in name))
        if self.substrate not in SUBSTRATE_CTE_PPM_K:
            raise DesignError("substrate", self.substrate, f"must be one of {', '.join(SUBSTRATE_CTE_PPM_K)}")
        if self.stack not in ("worst-case", "rss"):
            raise DesignError("stack", self.stack, "must be worst-case or rss")
        dt = _optional_number("delta_t_k", self.delta_t_k, signed=True)
        object.__setattr__(self, "delta_t_k", dt)
        pt = _optional_number("placement_tol_mm", self.placement_tol_mm)
        object.__setattr__(self, "placement_tol_mm", pt)

    def opening_tol(self, material: str, thickness_mm: float) -> float:
        """tol_open in mm: the setting, or the process preset's at this thickness."""
        if self.opening_tol_mm is not None:
            return self.opening_tol_mm
        frac, fixed = OPENING_TOL[material]
        return round(frac * thickness_mm + fixed, 9)

    def position_tol(self, material: str, span_mm: float) -> float:
        """tol_pos in mm over a centre-to-centre distance ``span_mm``: the setting, or the preset's."""
        if self.position_tol_mm is not None:
            return self.position_tol_mm
        if material in POSITION_TOL_MM:
            return POSITION_TOL_MM[material]
        return next(tol for reach, tol in ETCH_POSITION_TABLE if span_mm <= reach)

    def mask_cte(self, material: str) -> float:
        """alpha_mask in ppm/K."""
        return self.mask_cte_ppm_k if self.mask_cte_ppm_k is not None else MASK_CTE_PPM_K[material]

    def substrate_cte(self) -> float:
        """alpha_substrate in ppm/K."""
        return self.substrate_cte_ppm_k if self.substrate_cte_ppm_k is not None else SUBSTRATE_CTE_PPM_K[
            self.substrate]

    def thermal_ppm(self, material: str) -> float:
        """How much larger the mask is than the device at ball mounting, in ppm: (alpha_m - alpha_s) x dT."""
        return (self.mask_cte(material) - self.substrate_cte()) * self.delta_t_k
