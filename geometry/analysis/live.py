"""The analysis of the design being edited: relief and findings kept up to date edit by edit.

The window (and the ``edit-1m`` benchmark) hold one :class:`LiveAnalysis` per document. Each
:meth:`LiveAnalysis.update` takes the new design and returns a :class:`LiveResult` equal to a full recompute
(``lower_relief(design)`` and ``run_checks(design)``); how much of it is recomputed is the engine's business. A
``cancel`` callable is polled between steps: when it returns True the update stops with :class:`Cancelled` and the
previous result stays the current one, so a newer edit can cancel older work.

The engine (:mod:`geometry.analysis.live_engine`) recomputes only around the edited sites when the edit is
local (site edits and profile overrides) and the locality argument holds; otherwise it recomputes in full and
says why in :attr:`LiveResult.fallback`. ``LiveResult.relief`` is assembled on first access (it copies every
ring of a million-site design, which an update does not need).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from geometry.analysis.live_diff import FallbackError
from geometry.analysis.live_engine import State, full_state, incremental
from geometry.checks import CheckReport, run_checks
from geometry.derive.relief.merged import Relief, lower_relief
from geometry.derive.repetition import Repeated, repetition
from geometry.model.design import Design

CancelFn = Callable[[], bool]
ProgressFn = Callable[[float, str], None]


class Cancelled(Exception):  # noqa: N818  (not an error: a newer edit made the work moot)
    """The update was cancelled; the previous result is still the current one."""


@dataclass(eq=False)
class LiveResult:
    """The relief and the findings of one design (``full``: whether it was computed from scratch; ``fallback``:
    why an incremental update was not possible, None when it was or when there was no previous result).

    ``relief`` may be given as a function that assembles it; it is called once, on first access.
    """

    design: Design
    relief_source: Relief | Callable[[], Relief]
    report: CheckReport
    full: bool = True
    fallback: str | None = None
    _relief: Relief | None = field(default=None, repr=False)

    @property
    def relief(self) -> Relief:
        """The lower relief of the design (equal to ``lower_relief(design)``)."""
        if self._relief is None:
            src = self.relief_source
            self._relief = src if isinstance(src, Relief) else src()
        return self._relief


def _never() -> bool:
    return False


def _silent(_fraction: float, _what: str) -> None:
    return None


FULL_BELOW_SITES = 5_000
"""Designs with fewer sites are analysed in full on every update (a 225-site package: about 15 ms, where the local
update's window and bookkeeping cost more than they save)."""


class LiveAnalysis:
    """Relief and findings of the design being edited, updated from the previous result where an edit allows."""

    def __init__(self, full_below: int = FULL_BELOW_SITES) -> None:
        self._result: LiveResult | None = None
        self._state: State | None = None
        self.fallbacks: dict[str, int] = {}
        self.full_below = full_below

    @property
    def result(self) -> LiveResult | None:
        """The latest complete result (None before the first update)."""
        return self._result

    def update(self, design: Design, cancel: CancelFn = _never, progress: ProgressFn = _silent) -> LiveResult:
        """The result for ``design``; raises :class:`Cancelled` (and keeps the previous result) when cancelled."""
        if self._result is not None and self._result.design is design:
            return self._result
        why: str | None = None
        if len(design.sites()) < self.full_below:
            # a package-sized design: the full analysis takes milliseconds, less than the local update's set-up
            return self._full(design, cancel, progress, None, keep_state=False)
        if isinstance(repetition(design), Repeated):
            # a wafer or carrier: the unit groups recompute an edited unit alone and take the rest from their
            # caches (geometry.derive.repetition), which the local update's per-site state would only slow down
            return self._full(design, cancel, progress, None, keep_state=False)
        if self._state is not None:
            progress(0.0, "local update")
            try:
                state = incremental(self._state, design)
            except FallbackError as e:
                why = str(e)
                self.fallbacks[why] = self.fallbacks.get(why, 0) + 1
            else:
                if cancel():
                    raise Cancelled
                t = state.table
                source: Relief | Callable[[], Relief] = state.relief if state.relief is not None else (
                    state.store.snapshot(t.lower_x_mm, t.lower_y_mm, t.lower_mm / 2.0, t.relief_mm))
                progress(1.0, "done")
                self._state = state
                self._result = LiveResult(design, source, state.report(), full=False)
                return self._result
        return self._full(design, cancel, progress, why, keep_state=True)

    def _full(self, design: Design, cancel: CancelFn, progress: ProgressFn, why: str | None, *,
              keep_state: bool) -> LiveResult:
        """Everything computed from scratch; ``keep_state``: also the state the next local update starts from."""
        progress(0.0, "lower relief")
        relief = lower_relief(design)
        if cancel():
            raise Cancelled
        progress(0.5, "checks")
        report = run_checks(design)
        if cancel():
            raise Cancelled
        state = full_state(design, report, relief) if keep_state else None
        if cancel():
            raise Cancelled
        progress(1.0, "done")
        self._state = state
        self._result = LiveResult(design, relief, report, full=True, fallback=why)
        return self._result
