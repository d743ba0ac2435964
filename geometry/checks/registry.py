"""The registry of checks, in the order of checks.md, and :func:`run_checks`, the one entry point."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np

from geometry.base.errors import DesignError
from geometry.checks import ball, edge, features, islands, lower, margins, process, residue, spacing, taper
from geometry.checks.base import Check, CheckContext
from geometry.checks.records import CheckReport, Violation
from geometry.checks.repeated import repeated_checks
from geometry.derive.repetition import Repeated, repetition
from geometry.model.design import Design

# The order of the table in checks.md: reports list violations in this order.
_ORDER = (
    "ball-pass", "single-ball", "hold", "stack", "taper-angle", "landing", "ball-gap", "web-upper", "hole-size",
    "web-lower", "ridge", "flux-clear", "residue-clear", "lower-island", "span", "overlap", "edge", "feature-clear",
    "frame-fit", "pitch", "margin", "thermal",
)
_FAMILIES = (ball, taper, spacing, process, lower, residue, islands, edge, features, margins)
_ALL = {c.id: c for family in _FAMILIES for c in family.CHECKS}
assert set(_ALL) == set(_ORDER), "every check of checks.md is registered once"

CHECKS: dict[str, Check] = {k: _ALL[k] for k in _ORDER}


def run_checks(design: Design, only: set[str] | None = None) -> CheckReport:
    """Run every check (or those whose ids are in ``only``) on a design; violations come in check order.

    An unknown id in ``only`` is a :class:`DesignError` naming it, so a typo on the command line is not silently
    a clean report.
    """
    if only is not None:
        for cid in sorted(only):
            if cid not in CHECKS:
                raise DesignError("only", cid, f"is not a check; known checks: {', '.join(CHECKS)}")
    rep = repetition(design)
    if isinstance(rep, Repeated):
        # Units that are alike are checked once and the findings repeated (the same report, far faster).
        chosen = CHECKS if only is None else {k: c for k, c in CHECKS.items() if k in only}
        return _repeated(rep, frozenset(chosen))
    return run_checks_whole(design, only)


def run_checks_whole(design: Design, only: set[str] | None = None) -> CheckReport:
    """Run the checks over every site at once (no die repetition); ``only`` must hold known ids."""
    if only is None:
        return _run_all(design)
    return _run(design, frozenset(only))


@lru_cache(maxsize=8)
def _run_all(design: Design) -> CheckReport:
    """The full report, cached on the (frozen, hashable) design: an undo back to a checked design is free."""
    return _run(design, frozenset(CHECKS))


@lru_cache(maxsize=8)
def _repeated(rep: Repeated, only: frozenset[str]) -> CheckReport:
    return repeated_checks(rep, {k: c for k, c in CHECKS.items() if k in only})


PARALLEL_SITES = 200_000
"""From this many populated sites the island check runs in a second thread beside the others (numpy releases
the interpreter lock inside its array loops, so on two cores they overlap); below it a thread costs more than
it saves."""
_APART = "lower-island"


def _apart(ctx: CheckContext, chosen: list[str]) -> bool:
    """Whether the island check runs in its own thread: a large design, two cores, and a relief of one depth
    without channels, where it shares with the other checks only what is made before the threads start (the
    relief; with channels or several depths both would make the etched union, and the caches do not lock)."""
    if _APART not in chosen or len(chosen) < 2 or len(ctx.table.rows) < PARALLEL_SITES or (os.cpu_count() or 1) < 2:
        return False
    if ctx.graph.bridged.any():
        return False
    from geometry.derive.relief.merged import depth_key, lower_relief

    relief = lower_relief(ctx.design)
    depths = np.concatenate([depth_key(relief.circle_depth_mm), depth_key(relief.region_depth_mm)])
    return len(np.unique(depths)) <= 1


def _run(design: Design, only: frozenset[str]) -> CheckReport:
    ctx = CheckContext.of(design)
    chosen = [cid for cid in CHECKS if cid in only]
    found: dict[str, list[Violation]] = {}
    if _apart(ctx, chosen):
        with ThreadPoolExecutor(max_workers=1) as pool:
            apart = pool.submit(CHECKS[_APART], ctx)
            for cid in chosen:
                if cid != _APART:
                    found[cid] = CHECKS[cid](ctx)
            found[_APART] = apart.result()
    else:
        for cid in chosen:
            found[cid] = CHECKS[cid](ctx)
    return CheckReport(tuple(v for cid in chosen for v in found[cid]))
