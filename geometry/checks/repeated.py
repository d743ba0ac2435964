"""Checks of a design of repeated units (a wafer's dies) run on one unit and repeated, with the same report as the
whole-design run.

When :func:`geometry.derive.repetition.repetition` finds the units alike (none singled out, nothing within any
check's reach between units), a check finds the same thing in every unit. :func:`repeated_checks` therefore runs
each check on the unit's design and repeats its findings as the check's :class:`~geometry.checks.base.Scope`
says (names prefixed with the unit, points translated); placement checks, which depend on the mask's outline and
fiducials, run on the whole design (a vectorised pass over centres). The report equals the whole-design run (same
violations in the same order); the tests compare the two on random wafers.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import NDArray

from geometry.checks.base import Check, CheckContext, Scope
from geometry.checks.records import CheckReport, Violation
from geometry.derive.openings import opening_table
from geometry.derive.pairs import MergeGraph
from geometry.derive.repetition import Repeated
from geometry.model.design import Design


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


def repeated_checks(rep: Repeated, checks: dict[str, Check]) -> CheckReport:
    """The report of a design of repeated units, from one unit's findings repeated as each check's scope says."""
    offsets = rep.offsets_mm
    prefixes = list(rep.prefixes)
    unit_ctx = CheckContext.of(rep.unit_design)
    found: list[Violation] = []
    for check in checks.values():
        if check.scope is Scope.PLACEMENT:
            found.extend(check(_whole_context(rep.design)))
            continue
        local = check(unit_ctx)
        if not local or not prefixes:
            continue
        if check.scope is Scope.PAIR:
            found.extend(_repeat_pairs(local, prefixes, offsets))
        elif check.scope is Scope.ONCE:
            found.extend(_repeat_pairs(local, prefixes[:1], offsets[:1]))
        else:
            found.extend(_repeat_groups(local, prefixes, offsets))
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
