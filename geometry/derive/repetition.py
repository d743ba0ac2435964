"""Whether a design repeats one unit (a wafer's die, a strip's unit), so that relief, checks and exporters can
work on one unit and repeat the result: the one place that decides it.

A layout declares what it repeats (:meth:`geometry.model.layouts.base.Layout.repetition`); whether the
repetition holds for a design also depends on the design: a site edit or a per-site profile singles one unit
out, a hand-made merge links sites of one unit only, and openings of neighbouring units closer than any check's
reach would interact across the space between units. :func:`repetition` answers with either a
:class:`Repeated` (the unit's design, the unit offsets and names) or a :class:`NotRepeated` with the reason, which
the window and ``ballmask info`` show. Nothing else in the code asks what kind a layout is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from geometry.derive.openings import opening_table
from geometry.model.design import Design
from geometry.model.layouts.base import UnitRepetition
from geometry.model.profiles import EPS_MM

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Repeated:
    """The design is ``unit_design`` (unit-local coordinates) repeated at ``offsets_mm`` (K, 2), unit-major."""

    design: Design
    unit_design: Design
    layout: UnitRepetition

    @property
    def offsets_mm(self) -> FloatArray:
        """(K, 2) origins of the kept units, in site order."""
        return self.layout.offsets_mm

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The prefix of each kept unit's site names."""
        return self.layout.prefixes

    @property
    def unit_count(self) -> int:
        """Number of kept units."""
        return len(self.layout.names)

    @property
    def sites_per_unit(self) -> int:
        """Sites of one unit (every unit has the same)."""
        return len(self.unit_design.sites())


@dataclass(frozen=True, slots=True)
class NotRepeated:
    """The design is computed as a whole; ``reason`` says why (for a layout of no units: it is not repeated)."""

    reason: str


def unit_design(design: Design, rep: UnitRepetition) -> Design:
    """The design of one unit: the design with the unit pattern as its layout (unit-local coordinates)."""
    return design.with_(layout=rep.unit)


@lru_cache(maxsize=16)
def repetition(design: Design) -> Repeated | NotRepeated:
    """Whether ``design`` is one unit repeated, and if so which (see the module docstring)."""
    rep = design.layout.repetition(design.pad)
    if rep is None:
        return NotRepeated("the layout is not made of repeated units")
    if not design.edits.is_empty():
        return NotRepeated("sites are edited by hand")
    if design.overrides:
        return NotRepeated("sites have their own profiles")
    if design.merge.channels or design.merge.forbidden:
        return NotRepeated("merges are set by hand")
    one = unit_design(design, rep)
    gap = unit_clearance_mm(one, rep)
    if gap is not None and gap < interaction_reach_mm(one) - EPS_MM:
        return NotRepeated(f"openings of neighbouring {rep.unit_word}s are only {gap:.3f} mm apart")
    return Repeated(design, one, rep)


def unit_clearance_mm(one: Design, rep: UnitRepetition) -> float | None:
    """The smallest edge-to-edge distance between any outline (upper or lower) of two different units.

    None when the unit has no opening. Units are at least one step apart along x or y, so an outline of one unit
    and one of another are at least ``step - extent`` apart on that axis.
    """
    t = opening_table(one)
    rows = t.rows
    if not len(rows):
        return None
    s = t.sites
    r_up = t.upper_mm[rows] / 2.0
    r_lo = t.lower_mm[rows] / 2.0
    xs = np.concatenate([s.x_mm[rows] - r_up, s.x_mm[rows] + r_up, t.lower_x_mm[rows] - r_lo,
                         t.lower_x_mm[rows] + r_lo])
    ys = np.concatenate([s.y_mm[rows] - r_up, s.y_mm[rows] + r_up, t.lower_y_mm[rows] - r_lo,
                         t.lower_y_mm[rows] + r_lo])
    return float(min(rep.step_x_mm - (xs.max() - xs.min()), rep.step_y_mm - (ys.max() - ys.min())))


def interaction_reach_mm(one: Design) -> float:
    """The largest edge-to-edge distance at which two openings affect each other in a relief or a check.

    Lower outlines merge below the lower web minimum; web-upper looks as far as w_min; the ball gap looks at
    centre distance - D < g_min, i.e. outlines within g_min + D - d_u of each other.
    """
    lim = one.effective_limits()
    t = opening_table(one)
    rows = t.rows
    du = float(t.upper_mm[rows].min()) if len(rows) else 0.0
    return max(lim.web_min_mm, lim.ball_gap_min_mm + one.ball.diameter_mm - du, 0.0)
