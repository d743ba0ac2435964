"""The residue-clear check (rework): the mask's underside clears the old solder left on the pads.

Rule (checks.md): at every point of the residue footprint (the pad grown by the flux spread f), the underside of
the mask is at least h_res + residue_clearance_mm (0.01 mm) above the device, h_res being the per-site height of
solder left after the failed device was removed.

The computation lives with the rework data in :mod:`geometry.rework.clearance` (per site, vectorised per
opening, from the resolved opening's wall segments, with the one-side-vertical shift and the alignment tolerance
taken at their worst); a design without rework data has nothing to check. It is imported when the check runs,
because the rework package itself imports the check records (an import at the top would be circular).
"""

from __future__ import annotations

from geometry.checks.base import Check, CheckContext
from geometry.checks.records import Violation


def residue_clear(ctx: CheckContext) -> list[Violation]:
    """One error per group of reballed sites whose residue the mask's underside does not clear."""
    from geometry.rework.clearance import residue_clear_violations

    return residue_clear_violations(ctx.design)


CHECKS = (
    Check("residue-clear", "Residue clearance (rework)",
          "the underside is >= h_res + 0.01 mm above the device over the residue footprint", residue_clear),
)
