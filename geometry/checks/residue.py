"""The residue-clear check (rework): the mask's underside clears the old solder left on the pads.

Rule (checks.md): at every point of the residue footprint (the pad grown by the flux spread f), the underside of
the mask is at least h_res + residue_clearance_mm (0.01 mm) above the device, h_res being the per-site height of
solder left after the failed device was removed.

Placeholder on purpose: a design does not carry rework data yet (no per-site h_res), so there is nothing to check
and the function returns no violations. The rework work (issue 5, ``geometry/rework``) adds the residue heights
to the design and fills this function in: for each populated site with a residue, the lowest point of the mask
underside over the footprint disc (the opening's wall where it crosses the footprint, read from the resolved
opening's segments, else the full thickness t) must be at least h_res + clearance. It stays registered here so
that ``run_checks``, the CLI and the window already list it.
"""

from __future__ import annotations

from geometry.checks.base import Check, CheckContext
from geometry.checks.records import Violation


def residue_clear(ctx: CheckContext) -> list[Violation]:
    """No violations until designs carry rework residue heights (see the module docstring)."""
    del ctx  # nothing to read yet: a design without rework data has no residue to clear
    return []


CHECKS = (
    Check("residue-clear", "Residue clearance (rework)",
          "the underside is >= h_res + 0.01 mm above the device over the residue footprint", residue_clear),
)
