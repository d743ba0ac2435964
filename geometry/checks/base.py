"""What every check is and what it sees: the :class:`Check` record, the :class:`CheckContext` and shared helpers.

A check is a pure function from a context (the design and everything derived from it once: sites, the opening
table, the limits in force, the merge graph) to a list of :class:`Violation` records. Contexts are built once per
run so that the sixteen checks share one opening table and one KD-tree pass instead of each deriving its own.

Comparisons use :data:`EPS_MM`: two lengths within 1e-9 mm count as equal. An inclusive rule (``x >= limit``,
``x <= limit``) therefore passes exactly at the limit even after floating-point round-off; a strict rule
(``d_u < 2 D``, ``D < pitch``, disjoint outlines) fails there, because at equality the thing the rule guards
against (two balls side by side, balls touching) just happens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from geometry.checks.records import Severity, Violation
from geometry.derive.openings import OpeningTable, opening_table
from geometry.derive.pairs import MergeGraph, close_pairs, merge_graph
from geometry.model.design import Design
from geometry.model.materials import Limits
from geometry.model.profiles import EPS_MM, Opening
from geometry.model.sites import Sites

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

__all__ = ["EPS_MM", "Check", "CheckContext", "CheckFunction", "Scope", "above", "below", "fmt_deg", "fmt_mm"]


class Scope(StrEnum):
    """What a check's findings depend on, which says how a design of repeated units repeats them.

    Checks of a design whose units are alike run on one unit (:mod:`geometry.checks.repeated`); the scope says
    how each finding of the unit stands for the whole design:

    * ``OPENING``: one finding per group of sites sharing an opening (and pad); the design's finding lists that
      group's sites in every unit.
    * ``PAIR``: one finding per pair of neighbouring sites; every unit has its own copy.
    * ``ONCE``: one finding for the whole design, at its first occurrence (the first unit's).
    * ``PLACEMENT``: depends on where sites are on the mask (outline, fiducials, carrier features, the spread of
      the openings): the checks near the outline run on the real sites of the units that come near it, the
      spread ones on each group's extent (:mod:`geometry.checks.placement`).
    """

    OPENING = "opening"
    PAIR = "pair"
    ONCE = "once"
    PLACEMENT = "placement"


@dataclass(frozen=True, eq=False)
class CheckContext:
    """Everything a check reads, derived once from one design (the table and graph are cached on the design)."""

    design: Design
    sites: Sites
    table: OpeningTable
    limits: Limits
    graph: MergeGraph

    @staticmethod
    def of(design: Design) -> CheckContext:
        """The context of a design."""
        table = opening_table(design)
        return CheckContext(design, table.sites, table, design.effective_limits(), merge_graph(design))

    def upper_pairs(self, reach: Callable[[CheckContext], float]) -> tuple[IntArray, IntArray, FloatArray]:
        """Site rows (i < j) of populated sites within ``reach(self)`` of each other, and their distances: one
        KD-tree pass per context, shared by the checks between neighbouring upper openings."""
        found = self.__dict__.get("_upper_pairs")
        if found is None:
            rows = self.table.rows
            found = self._graph_pairs(reach(self))
            if found is None:
                pi, pj, dist = close_pairs(self.sites.xy[rows], reach(self))
                found = (rows[pi], rows[pj], dist)
            self.__dict__["_upper_pairs"] = found
        out: tuple[IntArray, IntArray, FloatArray] = found
        return out

    def _graph_pairs(self, reach_mm: float) -> tuple[IntArray, IntArray, FloatArray] | None:
        """:meth:`upper_pairs` taken from the merge graph's pairs, without a second KD-tree pass, where the graph
        surely holds every pair within ``reach_mm``: the lower circles are centred on the sites and any two of them
        that close have a gap below the web minimum (None otherwise)."""
        t, sites, g = self.table, self.sites, self.graph
        rows = t.rows
        if len(rows) < 2 or reach_mm >= float(t.lower_mm[rows].min()) + self.limits.web_min_mm - 1e-6:
            return None
        if not (np.array_equal(t.lower_x_mm[rows], sites.x_mm[rows])
                and np.array_equal(t.lower_y_mm[rows], sites.y_mm[rows])):
            return None  # shifted lower openings: the graph's pairs are not the centres' pairs
        dist = np.hypot(sites.x_mm[g.j] - sites.x_mm[g.i], sites.y_mm[g.j] - sites.y_mm[g.i])
        keep = dist <= reach_mm  # the graph's pairs are ordered by (i, j), as close_pairs orders them
        return g.i[keep], g.j[keep], dist[keep]

    def outline_rect(self) -> tuple[float, float, float, float]:
        """The mask outline rectangle the placement checks measure against (xmin, ymin, xmax, ymax), in mm.

        A context that holds part of a design (the units of a repeated design that come near its outline,
        :mod:`geometry.checks.placement`) gives the whole design's outline, which it knows without every site.
        """
        return self.design.outline_rect()

    def names(self, rows: IntArray) -> tuple[str, ...]:
        """Site names of some rows, in row order."""
        return tuple(self.sites.names[rows].tolist())

    def opening_groups(self) -> list[tuple[Opening, IntArray]]:
        """Each distinct resolved opening that some populated site uses, with the rows of those sites.

        Profile-level checks report once per opening, not once per site: a 10,000-site grid with one bad profile
        is one finding (listing its sites), which is what the designer has to fix.
        """
        out: list[tuple[Opening, IntArray]] = []
        which = self.table.which
        for k, opening in enumerate(self.table.openings):
            rows = np.flatnonzero(which == k)
            if len(rows):
                out.append((opening, rows))
        return out

    def groups_by_opening_and_pad(self) -> list[tuple[Opening, float, IntArray]]:
        """Populated sites grouped by (resolved opening, pad diameter), for checks that depend on both only."""
        return list(self._opening_pad_groups)

    @cached_property
    def _opening_pad_groups(self) -> tuple[tuple[Opening, float, IntArray], ...]:
        """The groups, found once per context (three checks ask): in order of (opening, pad diameter)."""
        rows = self.table.rows
        if not len(rows):
            return ()
        which = self.table.which[rows]
        pad = self.sites.pad_mm[rows]
        if bool((which == which[0]).all()) and bool((pad == pad[0]).all()):  # one group: no sort at all
            return ((self.table.openings[int(which[0])], float(pad[0]), rows),)
        pads, pad_of = np.unique(pad, return_inverse=True)
        key = which.astype(np.int64) * len(pads) + pad_of.reshape(-1)
        order = np.argsort(key, kind="stable")
        uniq, bounds = np.unique(key[order], return_index=True)
        bounds = np.append(bounds, len(order))
        return tuple(
            (self.table.openings[int(k // len(pads))], float(pads[k % len(pads)]), rows[order[bounds[g]:bounds[g + 1]]])
            for g, k in enumerate(uniq.tolist())
        )

    def group_violation(
        self, check: str, severity: Severity, rows: IntArray, measured: float, limit: float, message: str,
        unit: str = "mm",
    ) -> Violation:
        """One violation for a group of sites; the point to zoom to is the first site of the group."""
        r = int(rows[0])
        n = len(rows)
        suffix = f" ({n} sites)" if n > 1 else f" (site {self.sites.names[r]})"
        return Violation(
            check, severity, self.names(rows), float(self.sites.x_mm[r]), float(self.sites.y_mm[r]),
            float(measured), float(limit), unit, message + suffix,
        )

    def pair_violations(
        self, check: str, severity: Severity, i: IntArray, j: IntArray, measured: FloatArray,
        limit: FloatArray | float, message: Callable[[str, str, float, float], str],
        x_mm: FloatArray | None = None, y_mm: FloatArray | None = None,
    ) -> list[Violation]:
        """One violation per pair of site rows (i, j); the point is the midpoint of the centres unless given.

        ``message(name_i, name_j, measured, limit)`` writes the sentence. Only violating pairs come here, so
        the Python loop runs over findings, never over all sites.
        """
        sx, sy = self.sites.x_mm, self.sites.y_mm
        px = (sx[i] + sx[j]) / 2.0 if x_mm is None else x_mm
        py = (sy[i] + sy[j]) / 2.0 if y_mm is None else y_mm
        lim = np.broadcast_to(np.asarray(limit, dtype=np.float64), i.shape)
        names = self.sites.names
        return [
            Violation(check, severity, (a, b), x, y, m, lv, "mm", message(a, b, m, lv))
            for a, b, x, y, m, lv in zip(
                names[i].tolist(), names[j].tolist(), px.tolist(), py.tolist(), measured.tolist(), lim.tolist(),
                strict=True,
            )
        ]


CheckFunction = Callable[[CheckContext], list[Violation]]


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check: ``id`` as in checks.md, a short ``title``, the one-line ``rule``, its function, and the
    :class:`Scope` its findings have (how a design of repeated units repeats them)."""

    id: str
    title: str
    rule: str
    run: CheckFunction
    scope: Scope

    def __call__(self, ctx: CheckContext) -> list[Violation]:
        """Run the check on a context."""
        return self.run(ctx)


def fmt_mm(value: float) -> str:
    """A length for a message: whole micrometres, in mm (the resolution a mask is specified in)."""
    return f"{value:.3f} mm"


def fmt_deg(value: float) -> str:
    """An angle for a message."""
    return f"{value:.1f} deg"


def below(value: float, limit: float) -> bool:
    """``value < limit`` beyond round-off: fails an inclusive minimum (``value >= limit`` passes at equality)."""
    return value < limit - EPS_MM


def above(value: float, limit: float) -> bool:
    """``value > limit`` beyond round-off: fails an inclusive maximum (``value <= limit`` passes at equality)."""
    return value > limit + EPS_MM
