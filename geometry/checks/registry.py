"""The registry of checks, in the order of checks.md, and :func:`run_checks`, the one entry point."""

from __future__ import annotations

from functools import lru_cache

from geometry.base.arrays import distinct
from geometry.base.errors import DesignError
from geometry.base.threads import workers
from geometry.checks import ball, edge, features, islands, lower, margins, process, residue, spacing, taper
from geometry.checks.base import Check, CheckContext
from geometry.checks.records import CheckReport, Violation
from geometry.derive.relief.model import depth_key
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
    # only a design of repeated units (a wafer, a panel) reaches this: its unit and band machinery (and shapely
    # behind it) stays unimported for a single device
    from geometry.checks.repeated import repeated_checks

    return repeated_checks(rep, {k: c for k, c in CHECKS.items() if k in only})


PARALLEL_SITES = 50_000
"""From this many populated sites the relief and the island check run in a second thread beside the other checks
(numpy releases the interpreter lock inside its array loops, so on two cores they overlap); below it a thread
costs more than it saves."""
_APART = "lower-island"
_AFTER_RELIEF = "span"


def _apart(ctx: CheckContext, chosen: list[str]) -> bool:
    """Whether the relief and the island check run in their own thread: a large design, two cores, and a relief
    of one depth without channels. Then only the span check reads the relief too (it waits for it), and nothing
    else the two threads make is shared (with channels or several depths both checks would make the etched union,
    and the caches do not lock)."""
    if _APART not in chosen or len(chosen) < 2 or len(ctx.table.rows) < PARALLEL_SITES or workers() < 2:
        return False
    if ctx.graph.bridged.any():
        return False
    keys = depth_key(ctx.table.relief_mm[ctx.table.rows])
    return len(distinct(keys[keys > 0])) <= 1


def _run(design: Design, only: frozenset[str]) -> CheckReport:
    ctx = CheckContext.of(design)
    chosen = [cid for cid in CHECKS if cid in only]
    found: dict[str, list[Violation]] = {}
    if _apart(ctx, chosen):
        from concurrent.futures import ThreadPoolExecutor

        from geometry.derive.relief.merged import lower_relief

        with ThreadPoolExecutor(max_workers=1) as pool:
            relief = pool.submit(lower_relief, design)
            apart = pool.submit(CHECKS[_APART], ctx)  # after the relief, in the same thread
            for cid in chosen:
                if cid not in (_APART, _AFTER_RELIEF):
                    found[cid] = CHECKS[cid](ctx)
            if _AFTER_RELIEF in chosen:
                relief.result()
                found[_AFTER_RELIEF] = CHECKS[_AFTER_RELIEF](ctx)
            found[_APART] = apart.result()
    else:
        for cid in chosen:
            found[cid] = CHECKS[cid](ctx)
    return CheckReport(tuple(v for cid in chosen for v in found[cid]))
