"""The analysis of the design being edited: relief and findings kept up to date edit by edit.

The window (and the ``edit-1m`` benchmark) hold one :class:`LiveAnalysis` per document. Each
:meth:`LiveAnalysis.update` takes the new design and returns a :class:`LiveResult` equal to a full recompute
(``lower_relief(design)`` and ``run_checks(design)``); how much of it is recomputed is the engine's business. A
``cancel`` callable is polled between steps: when it returns True the update stops with :class:`Cancelled` and the
previous result stays the current one, so a newer edit can cancel older work.

This first form recomputes in full; the incremental engine replaces the inside of :meth:`LiveAnalysis.update`
without changing this interface.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from geometry.checks import CheckReport, run_checks
from geometry.derive.relief.merged import Relief, lower_relief
from geometry.model.design import Design

CancelFn = Callable[[], bool]
ProgressFn = Callable[[float, str], None]


class Cancelled(Exception):
    """The update was cancelled; the previous result is still the current one."""


@dataclass(frozen=True, eq=False)
class LiveResult:
    """The relief and the findings of one design (``full``: whether it was computed from scratch)."""

    design: Design
    relief: Relief
    report: CheckReport
    full: bool = True


def _never() -> bool:
    return False


def _silent(_fraction: float, _what: str) -> None:
    return None


class LiveAnalysis:
    """Relief and findings of the design being edited, updated from the previous result where an edit allows."""

    def __init__(self) -> None:
        self._result: LiveResult | None = None

    @property
    def result(self) -> LiveResult | None:
        """The latest complete result (None before the first update)."""
        return self._result

    def update(self, design: Design, cancel: CancelFn = _never, progress: ProgressFn = _silent) -> LiveResult:
        """The result for ``design``; raises :class:`Cancelled` (and keeps the previous result) when cancelled."""
        if self._result is not None and self._result.design is design:
            return self._result
        progress(0.0, "lower relief")
        relief = lower_relief(design)
        if cancel():
            raise Cancelled
        progress(0.5, "checks")
        report = run_checks(design)
        if cancel():
            raise Cancelled
        progress(1.0, "done")
        self._result = LiveResult(design, relief, report, full=True)
        return self._result
