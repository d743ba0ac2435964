"""Checks of a design of repeated units (a wafer's dies) run once per group of alike units and repeated, with the
same findings as the whole-design run.

When :func:`geometry.derive.repetition.repetition` groups the units (nothing within any check's reach between
units), a check finds the same thing in every unit of a group. :func:`repeated_checks` therefore runs each check
on each group's unit design and repeats its findings as the check's :class:`~geometry.checks.base.Scope` says
(names prefixed with the unit, points translated):

* ``PAIR``: every unit gets its group's findings, unit by unit in site order;
* ``OPENING``: one finding per group-level finding listing its sites in every unit of the group; the same finding
  (same check, message, values) from several groups is one finding listing all their sites in site order;
* ``ONCE``: the worst of the groups' findings (:data:`ONCE_WORST`), the first unit's copy;
* ``PLACEMENT`` (outline, fiducials, the whole design's extent) runs on the whole design.

A uniform design (one group) gives the whole-design report in the same order; with several groups, the same
violations (tests compare the two canonically, on wafers and strips with edited units).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geometry.checks.base import Check, CheckContext, Scope
from geometry.checks.records import CheckReport, Violation
from geometry.derive.openings import opening_table
from geometry.derive.pairs import MergeGraph
from geometry.derive.repetition import Repeated, UnitGroup
from geometry.model.profiles import Opening

IntArray = NDArray[np.intp]

ONCE_WORST: dict[str, Callable[[Violation], float]] = {
    "pitch": lambda v: -v.measured,  # the closest pair of sites
    "span": lambda v: v.measured,  # the largest unsupported span
}
"""For each ``ONCE`` check, how bad a finding is (larger: worse): the design's finding is its worst unit's."""


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
    """The report of a design of repeated units, from each group's findings repeated as each check's scope says."""
    contexts = [CheckContext.of(g.unit_design) for g in rep.groups]
    whole: CheckContext | None = None
    found: list[Violation] = []
    for check in checks.values():
        if check.scope is Scope.PLACEMENT:
            whole = whole or _placement_context(rep, contexts)
            found.extend(check(whole))
            continue
        per_group = [(g, check(ctx), ctx) for g, ctx in zip(rep.groups, contexts, strict=True)]
        per_group = [(g, local, ctx) for g, local, ctx in per_group if local and g.unit_count]
        if not per_group:
            continue
        if check.scope is Scope.PAIR:
            found.extend(_repeat_pairs_grouped([(g, local) for g, local, _ in per_group]))
        elif check.scope is Scope.ONCE:
            found.extend(_worst_once(check.id, [(g, local) for g, local, _ in per_group]))
        else:
            found.extend(_repeat_openings([(g, local, ctx) for g, local, ctx in per_group]))
    return CheckReport(tuple(found))


@dataclass(frozen=True, eq=False)
class _GroupedContext(CheckContext):
    """The whole design's context for the placement checks, whose grouping of sites by opening and pad comes from
    the groups' units (each unit's classes, their rows mapped to the design's) instead of a pass over every site:
    the same classes, in the same order, with the same rows."""

    groups: tuple[UnitGroup, ...] = ()
    unit_contexts: tuple[CheckContext, ...] = ()

    def groups_by_opening_and_pad(self) -> list[tuple[Opening, float, IntArray]]:
        """Populated sites grouped by (opening, pad), ordered by (the design's profile index, pad)."""
        profiles = self.table.profiles
        by_key: dict[tuple[int, float], list[IntArray]] = {}
        for g, ctx in zip(self.groups, self.unit_contexts, strict=True):
            if not g.unit_count:
                continue
            for _opening, pad, rows in ctx.groups_by_opening_and_pad():
                k = profiles.index(ctx.table.profiles[int(ctx.table.which[int(rows[0])])])
                by_key.setdefault((k, pad), []).append(g.site_rows[:, rows].ravel())
        out = []
        for k, pad in sorted(by_key):
            parts = by_key[k, pad]
            rows = parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts))
            out.append((self.table.openings[k], pad, rows))
        return out


def _placement_context(rep: Repeated, unit_contexts: list[CheckContext]) -> CheckContext:
    """The whole design's context for the placement checks (without the merge graph: they do not read it)."""
    design = rep.design
    table = opening_table(design)
    return _GroupedContext(design, table.sites, table, design.effective_limits(), _empty_graph(), rep.groups,
                           tuple(unit_contexts))


def _repeat_pairs(local: list[Violation], prefixes: list[str] | tuple[str, ...],
                  centres: NDArray[np.float64]) -> list[Violation]:
    """Each unit's copy of the unit-level findings, unit by unit.

    The whole-design run lists pairs by (first site row, second site row); sites are unit-major, so that order is
    unit by unit, and inside a unit the unit-level order.
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


def _repeat_pairs_grouped(parts: list[tuple[UnitGroup, list[Violation]]]) -> list[Violation]:
    """Every unit's copies of its group's findings, unit by unit over all groups."""
    if len(parts) == 1:
        g, local = parts[0]
        return _repeat_pairs(local, g.prefixes, g.offsets_mm)
    per_unit: list[tuple[int, list[Violation]]] = []
    for g, local in parts:
        copies = _repeat_pairs(local, g.prefixes, g.offsets_mm)
        n = len(local)
        per_unit.extend((u, copies[i * n:(i + 1) * n]) for i, u in enumerate(g.units.tolist()))
    per_unit.sort(key=lambda item: item[0])
    return [v for _, vs in per_unit for v in vs]


def _worst_once(check: str, parts: list[tuple[UnitGroup, list[Violation]]]) -> list[Violation]:
    """The one finding of a ``ONCE`` check: the worst group's (the earliest unit on a tie), in its first unit."""
    worst = ONCE_WORST[check]
    best: tuple[float, int, UnitGroup, list[Violation]] | None = None
    for g, local in parts:
        score = max(worst(v) for v in local)
        first = int(g.units[0])
        if best is None or score > best[0] + 1e-9 or (abs(score - best[0]) <= 1e-9 and first < best[1]):
            best = (score, first, g, local)
    assert best is not None
    _, _, g, local = best
    return _repeat_pairs(local, g.prefixes[:1], g.offsets_mm[:1])


def _repeat_openings(parts: list[tuple[UnitGroup, list[Violation], CheckContext]]) -> list[Violation]:
    """One violation per unit-level group finding, listing that finding's sites in every unit of every group
    that has it, in site order; the point is the first of those sites."""
    merged: dict[tuple[object, ...], list[tuple[NDArray[np.intp], NDArray[np.str_], NDArray[np.float64]]]] = {}
    head: dict[tuple[object, ...], tuple[Violation, str]] = {}
    for g, local, ctx in parts:
        pre = np.asarray(g.prefixes)
        for v in local:
            message = v.message.removesuffix(_group_suffix(v))
            key: tuple[object, ...] = (v.check, v.severity, message, v.measured, v.limit, v.unit)
            rows_local = ctx.sites.indices_of(v.sites)
            rows = g.site_rows[:, rows_local].ravel()
            names = np.strings.add(pre[:, None], np.asarray(v.sites)[None, :]).ravel()
            xy = (g.offsets_mm[:, None, :] + ctx.sites.xy[rows_local][None, :, :]).reshape(-1, 2)
            merged.setdefault(key, []).append((rows, names, xy))
            head.setdefault(key, (v, message))
    out: list[Violation] = []
    for key, pieces in merged.items():
        v, message = head[key]
        rows = np.concatenate([p[0] for p in pieces])
        names = np.concatenate([p[1] for p in pieces])
        xy = np.concatenate([p[2] for p in pieces])
        if len(pieces) > 1:
            order = np.argsort(rows, kind="stable")
            names, xy = names[order], xy[order]
        all_names = tuple(names.tolist())
        n = len(all_names)
        suffix = f" ({n} sites)" if n > 1 else f" (site {all_names[0]})"
        out.append(Violation(v.check, v.severity, all_names, float(xy[0, 0]), float(xy[0, 1]), v.measured,
                             v.limit, v.unit, message + suffix))
    return out
