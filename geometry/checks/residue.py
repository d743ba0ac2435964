"""The residue-clear check (rework): the mask's underside clears the old solder left on the pads.

Rule (checks.md): at every point of the residue footprint (the pad grown by the flux spread f and the alignment
tolerance a), the underside of the mask is at least h_res + residue_clearance_mm (0.01 mm) above the device,
h_res being the per-site height of solder left after the failed device was removed.

The clearance per site comes from :func:`geometry.derive.residue.residue_table` (vectorised per opening, from
the resolved opening's wall segments, with the one-side-vertical shift and the alignment tolerance taken at their
worst); a design without rework data has nothing to check.
"""

from __future__ import annotations

import numpy as np

from geometry.checks.base import Check, CheckContext, Scope
from geometry.checks.records import Severity, Violation
from geometry.model.design import Design

CHECK_ID = "residue-clear"


def _fmt(v: float) -> str:
    return "no metal above it" if np.isinf(v) else f"{v:.3f} mm"


def residue_clear_violations(design: Design) -> list[Violation]:
    """The residue-clear check: one error per group of sites with the same clearance and requirement.

    Every reballed site whose mask underside stands less than h_res + residue clearance above the device over
    its residue footprint is named with the measured clearance and the required value. [] without rework data.
    """
    if design.rework is None:
        return []
    from geometry.derive.residue import residue_table  # a production design has no residue (issue 12)

    rt = residue_table(design)
    rows = np.flatnonzero(rt.failing)
    if not len(rows):
        return []
    keys = np.column_stack([rt.clearance_mm[rows], rt.required_mm[rows], rt.footprint_mm[rows]])
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    sites = rt.sites
    out: list[Violation] = []
    for g in range(len(uniq)):
        members = rows[inverse == g]
        clear, req, foot = (float(v) for v in uniq[g])
        h = req - design.effective_limits().residue_clearance_mm
        names = tuple(sites.names[members].tolist())
        where = f"site {names[0]}" if len(names) == 1 else f"{len(names)} sites"
        if clear <= 0.0:
            text = (f"the mask sits on the old solder: the residue footprint {foot:.3f} mm (with alignment) reaches"
                    f" past the opening's clearance; needs {req:.3f} mm (residue {h:.3f} mm + clearance)")
        else:
            text = (f"the mask's underside is {_fmt(clear)} above the device over the residue footprint"
                    f" {foot:.3f} mm, needs {req:.3f} mm (residue {h:.3f} mm + clearance)")
        r = int(members[0])
        out.append(Violation(CHECK_ID, Severity.ERROR, names, float(sites.x_mm[r]), float(sites.y_mm[r]),
                             clear, req, "mm", f"{text} ({where})"))
    out.sort(key=lambda v: (v.measured - v.limit, v.sites))
    return out


def residue_clear(ctx: CheckContext) -> list[Violation]:
    """One error per group of reballed sites whose residue the mask's underside does not clear."""
    return residue_clear_violations(ctx.design)


CHECKS = (
    Check(CHECK_ID, "Residue clearance (rework)",
          "the underside is >= h_res + 0.01 mm above the device over the residue footprint",
          residue_clear, Scope.OPENING),
)
