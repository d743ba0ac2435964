"""The island and span checks (docs/checks.md): metal left on the lower surface, and where none is left.

``lower-island``: every island that reaches the lower surface (:func:`geometry.derive.islands.lower_islands`) has
an inscribed diameter of at least the lower web minimum w_min; below it the island cannot be made (it is etched
away or breaks off): an error naming the sites around it, at the island's centre.

``span``: the largest unsupported span (:func:`geometry.derive.span.largest_span`) is reported once, as info,
when merging made an etched area wider than any single lower outline in it (the islands vanished or were etched
by a channel); a warning above ``span_max_mm``. Each compares with its measurement's resolution
(:data:`geometry.derive.islands.MEASURE_TOL_MM`, :data:`geometry.derive.span.SPAN_CHORD_MM`): within it of the
limit passes.
"""

from __future__ import annotations

from geometry.checks.base import Check, CheckContext, Scope, fmt_mm
from geometry.checks.records import Severity, Violation
from geometry.derive.islands import MEASURE_TOL_MM, failing_islands
from geometry.derive.span import SPAN_CHORD_MM, largest_span


def lower_island(ctx: CheckContext) -> list[Violation]:
    """One error per island whose inscribed diameter is below the lower web minimum."""
    w_min = ctx.limits.web_min_mm
    isl = failing_islands(ctx.design, w_min - MEASURE_TOL_MM)  # the sites of these only
    if not len(isl):
        return []
    # the names and numbers of every finding turned into Python objects at once (a large array has a finding
    # per island, about a million)
    ends = isl.site_start[1:]
    names = ctx.sites.names[isl.site_rows].tolist()
    limit = fmt_mm(w_min)
    out: list[Violation] = []
    a = 0
    for b, m, w, x, y in zip(ends.tolist(), isl.inscribed_mm.tolist(), isl.width_mm.tolist(),
                             isl.x_mm.tolist(), isl.y_mm.tolist(), strict=True):
        around = tuple(names[a:b])
        a = b
        out.append(Violation(
            "lower-island", Severity.ERROR, around, x, y, m, w_min, "mm",
            f"metal island on the lower surface between {', '.join(around)} is"
            f" {fmt_mm(m)} across (narrowest width {fmt_mm(w)}), below the lower web minimum {limit}:"
            " it cannot be made; move the openings apart or etch it with a channel",
        ))
    return out


def span(ctx: CheckContext) -> list[Violation]:
    """The largest unsupported span, once, where merging left an etched area wider than one lower outline."""
    s = largest_span(ctx.design)
    if s is None or s.span_mm <= s.lower_mm + SPAN_CHORD_MM:
        return []
    limit = ctx.limits.span_max_mm
    warn = s.span_mm > limit + SPAN_CHORD_MM
    names = tuple(ctx.sites.names[s.site_rows].tolist())
    text = (f"no metal touches the device over a span of {fmt_mm(s.span_mm)}, wider than the lower outline"
            f" {fmt_mm(s.lower_mm)} ({len(names)} sites merged with no island left between them)")
    text += (f": above {fmt_mm(limit)}, the mask sags there; leave islands or supports" if warn
             else f", within {fmt_mm(limit)}")
    return [Violation("span", Severity.WARNING if warn else Severity.INFO, names, s.x_mm, s.y_mm, s.span_mm,
                      limit, "mm", text)]


CHECKS = (
    Check("lower-island", "Lower islands",
          "every island on the lower surface has an inscribed diameter >= the lower web minimum", lower_island,
          Scope.PAIR),
    Check("span", "Unsupported span", "largest span with no metal touching the device (warning above a setting)",
          span, Scope.ONCE),
)
