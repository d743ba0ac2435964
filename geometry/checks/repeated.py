"""Checks of a wafer design run on one die and repeated, with the same report as the whole-wafer run.

When every die is alike (:func:`geometry.derive.relief.repeated.repetition_blocker` is None: no die singled out, nothing
within any check's reach across a street), a check that looks at one opening or at pairs of neighbours finds
the same thing in every die. :func:`wafer_checks` therefore runs the registered checks on a one-die design and
repeats each finding for every kept die (names prefixed with the die, points translated); the edge check, which
depends on the wafer's outline and fiducials, runs on the whole wafer (it is a vectorised pass over centres).
The report equals :func:`geometry.checks.run_checks` on the whole wafer (same violations in the same order);
the tests compare the two on random wafers. Any other design goes to :func:`run_checks` unchanged.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError
from geometry.checks import CheckContext
from geometry.checks.records import CheckReport, Violation
from geometry.checks.registry import CHECKS, run_checks_whole
from geometry.derive.openings import opening_table
from geometry.derive.pairs import MergeGraph
from geometry.derive.relief.repeated import die_design, repetition_blocker
from geometry.model.design import Design
from geometry.model.layouts.wafer import WaferLayout, die_map

PAIR_CHECKS = frozenset({"ball-gap", "web-upper", "overlap", "web-lower", "ridge", "lower-island"})
"""Checks that report one violation per pair of neighbouring sites: repeated once per die."""
ONCE_CHECKS = frozenset({"pitch", "span"})
"""Checks that report one violation for the whole design (at its first occurrence): die 0's, renamed."""
WHOLE_CHECKS = frozenset({"edge", "margin", "thermal"})
"""Checks that depend on where the die is on the mask: run on the whole wafer."""
# Every other check reports per group of sites sharing an opening (and pad): one violation listing every die's
# sites of that group.


def _empty_graph() -> MergeGraph:
    i = np.zeros(0, dtype=np.intp)
    f = np.zeros(0)
    b = np.zeros(0, dtype=bool)
    return MergeGraph(i, i, f, f, b, b, b, b, f)


def _template(message: str, names: tuple[str, ...]) -> str:
    """The message with each site name replaced by a format field ({0}, {1}, ...), braces escaped."""
    text = message.replace("{", "{{").replace("}", "}}")
    for k, name in enumerate(names):
        text = re.sub(rf"(?<![\w:]){re.escape(name)}(?![\w])", f"{{{k}}}", text)
    return text


def _group_suffix(v: Violation) -> str:
    n = len(v.sites)
    return f" ({n} sites)" if n > 1 else f" (site {v.sites[0]})"


def wafer_checks(design: Design, only: set[str] | None = None) -> CheckReport:
    """Run the checks on a design; a wafer of identical dies is checked on one die and the findings repeated."""
    if repetition_blocker(design) is not None:
        return run_checks_whole(design, only)
    if only is not None:
        for cid in sorted(only):
            if cid not in CHECKS:
                raise DesignError("only", cid, f"is not a check; known checks: {', '.join(CHECKS)}")
    lay = design.layout
    assert isinstance(lay, WaferLayout)
    dm = die_map(lay, design.pad)
    centres = dm.kept_centres()
    prefixes = [f"{n}:" for n in dm.name[dm.kept_rows].tolist()]
    one = die_design(design)
    die_ctx = CheckContext.of(one)
    found: list[Violation] = []
    for cid, check in CHECKS.items():
        if only is not None and cid not in only:
            continue
        if cid in WHOLE_CHECKS:
            found.extend(check(_whole_context(design)))
            continue
        local = check(die_ctx)
        if not local or not prefixes:
            continue
        if cid in PAIR_CHECKS:
            found.extend(_repeat_pairs(local, prefixes, centres))
        elif cid in ONCE_CHECKS:
            found.extend(_repeat_pairs(local, prefixes[:1], centres[:1]))
        else:
            found.extend(_repeat_groups(local, prefixes, centres))
    return CheckReport(tuple(found))


def _whole_context(design: Design) -> CheckContext:
    """A context of the whole wafer without the merge graph (the edge check does not read it)."""
    table = opening_table(design)
    return CheckContext(design, table.sites, table, design.effective_limits(), _empty_graph())


def _repeat_pairs(local: list[Violation], prefixes: list[str], centres: NDArray[np.float64]) -> list[Violation]:
    """Each die's copy of the die-level findings, die by die.

    The whole-wafer run lists pairs by (first site row, second site row); sites are die-major, so that order is
    die by die, and inside a die the die-level order.
    """
    templates = [_template(v.message, v.sites) for v in local]
    cx = centres[:, 0].tolist()
    cy = centres[:, 1].tolist()
    out: list[Violation] = []
    for p, x, y in zip(prefixes, cx, cy, strict=True):
        for v, tpl in zip(local, templates, strict=True):
            names = tuple(p + s for s in v.sites)
            out.append(Violation(v.check, v.severity, names, v.x_mm + x, v.y_mm + y, v.measured, v.limit, v.unit,
                                 tpl.format(*names)))
    return out


def _repeat_groups(local: list[Violation], prefixes: list[str], centres: NDArray[np.float64]) -> list[Violation]:
    """One violation per die-level group finding, listing that group's sites in every die."""
    pre = np.asarray(prefixes)
    out: list[Violation] = []
    for v in local:
        names = np.strings.add(pre[:, None], np.asarray(v.sites)[None, :]).ravel()
        all_names = tuple(names.tolist())
        message = v.message.removesuffix(_group_suffix(v))
        n = len(all_names)
        suffix = f" ({n} sites)" if n > 1 else f" (site {all_names[0]})"
        out.append(Violation(v.check, v.severity, all_names, v.x_mm + float(centres[0, 0]),
                             v.y_mm + float(centres[0, 1]), v.measured, v.limit, v.unit, message + suffix))
    return out
