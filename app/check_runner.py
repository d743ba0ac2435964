"""Keeps the document's relief and findings up to date, off the GUI thread, once per burst of edits.

Typing a value, dragging sites or undoing several steps fires ``design_changed`` many times in a row; the runner
restarts a short single-shot timer on each and then hands the design the user ends up with to the
:class:`~app.analysis_worker.AnalysisWorker` (``LiveAnalysis.update`` on the analysis thread). An edit during a run
hands over the newer design: the older run is cancelled at its next poll and the thread takes only the newest;
the older result is never published. Until the result for the current design arrives the runner is **stale**: the
views keep showing the last complete result and mark it out of date, and the window goes on taking input. A run
that takes longer than :data:`SLOW_S` shows its progress and a Cancel button (:mod:`app.analysis_status`); a
cancelled run leaves the last complete result in place, marked out of date.

Whatever needs the report of the current design (an export) calls :meth:`CheckRunner.flush`, which waits for
it, behind a progress dialog that can cancel when that takes a while.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from app.analysis_worker import AnalysisWorker, Outcome
from app.document import Document
from app.panels.fields import connect_event
from geometry.analysis.live import LiveAnalysis, LiveResult
from geometry.base.threads import cores, limit_workers
from geometry.checks import CheckReport
from geometry.model.design import Design

DEBOUNCE_MS = 15  # edits within this many ms are coalesced; the run then starts after the window has repainted
#                   the edit. 0 hands each edit to the worker at once.
QUICK_RUN_S = 0.25  # a design whose last run took at most this long is handed over in the next pass of the event
#                    loop instead (still one run per burst of edits in that pass): the window holds its repaints
#                    for such a result (app.views.repaint_hold), so the run no longer shares the GIL with the
#                    repaint of the edit, and waiting DEBOUNCE_MS was most of a 225-site edit's latency
SLOW_S = 1.0  # a run longer than this shows its progress and a Cancel button
FLUSH_DIALOG_AFTER_S = 0.3  # flush waits this long silently, then behind a progress dialog


class CheckRunner(QObject):
    """Owns the latest complete :class:`LiveResult` of the document (relief and :class:`CheckReport`).

    Signals: ``result_ready(LiveResult)`` and ``report_ready(CheckReport)`` with each new result (on the GUI
    thread); ``state_changed()`` when being stale, slow, cancelled or failed changes; ``progress_changed(fraction,
    text)`` while a run goes on; ``failed(message)`` when the analysis of the current design raised; ``settled()``
    after all of those for one outcome (the views have drawn it: the window repaints then).
    """

    report_ready = Signal(object)
    result_ready = Signal(object)
    state_changed = Signal()
    settled = Signal()  # last, once every receiver has had a run's outcome (result, failure or cancel)
    progress_changed = Signal(float, str)
    failed = Signal(str)

    def __init__(self, document: Document, parent: QObject | None = None, analysis: LiveAnalysis | None = None,
                 debounce_ms: int = DEBOUNCE_MS, first_run_ms: int | None = None) -> None:
        super().__init__(parent)
        # the analysis thread splits its large arrays over the cores but one: the window keeps a core for
        # painting (on two cores the analysis works alone, and frames while it runs are not starved)
        limit_workers(max(1, cores() - 1))
        self.document = document
        self.worker = AnalysisWorker(analysis, self)
        self.worker.finished.connect(self._finished)
        self.worker.progress.connect(self._progress)
        self._result: LiveResult | None = None
        self._report = CheckReport()
        self._submitted: tuple[int, Design] | None = None  # generation and design last handed to the worker
        self._taken = 0  # the newest generation whose outcome was taken (flush takes it before its signal comes)
        self.run_count = 0
        self.last_duration_s = 0.0
        self.cancelled_by_user = False
        self.error: str | None = None  # the message of the current design's failed analysis
        self.slow = False  # the current run has taken longer than SLOW_S
        self.progress = (0.0, "")
        self._debounce_ms = debounce_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.run_now)
        self._slow_timer = QTimer(self)
        self._slow_timer.setSingleShot(True)
        self._slow_timer.setInterval(round(SLOW_S * 1000))
        self._slow_timer.timeout.connect(self._became_slow)
        connect_event(self, document.design_changed, self._on_design_changed)
        # the first result, once the window is up (a window starts it from its first paint and gives a longer
        # delay here only as a fallback: a run sharing the GIL with the first paint of a 1M design slows it down)
        self._timer.start(debounce_ms if first_run_ms is None else first_run_ms)

    # -- state ---------------------------------------------------------------------------------------------
    @property
    def report(self) -> CheckReport:
        """The latest complete report (empty before the first result)."""
        return self._report

    @property
    def result(self) -> LiveResult | None:
        """The latest complete result (None before the first)."""
        return self._result

    @property
    def checked_design(self) -> Design | None:
        """The design the latest report belongs to."""
        return self._result.design if self._result is not None else None

    @property
    def stale(self) -> bool:
        """Whether the shown result is not the current design's (it is being computed, was cancelled or failed)."""
        return self._result is None or self._result.design is not self.document.design

    @property
    def running(self) -> bool:
        """Whether the current design is being analysed (queued or in progress on the analysis thread)."""
        sub = self._submitted
        return sub is not None and sub[1] is self.document.design and sub[0] > self._taken

    @property
    def pending(self) -> bool:
        """Whether a run is scheduled or going on (the report is about to change)."""
        return self._timer.isActive() or (self.stale and self.running)

    def status_text(self) -> str:
        """One line on the state of the shown result, for the status bar and the panels' stale marks."""
        if not self.stale:
            return ""
        if self.error is not None:
            return f"Checks failed: {self.error}"
        if self.cancelled_by_user:
            return "Checks cancelled: relief and findings are of an earlier design"
        fraction, text = self.progress
        if self.slow and text:
            return f"Checking\u2026 {text} ({fraction:.0%})"
        return "Checking\u2026"

    # -- running ---------------------------------------------------------------------------------------------
    def _on_design_changed(self, _design: Design) -> None:
        self.cancelled_by_user = False
        self.error = None
        if self._debounce_ms == 0:
            self.run_now()  # emits state_changed
            return
        quick = self._result is not None and self.last_duration_s <= QUICK_RUN_S
        self._timer.start(0 if quick else self._debounce_ms)  # restart: a burst of edits is analysed once
        self.state_changed.emit()

    def run_now(self) -> None:
        """Hand the current design to the worker (a newer design cancels the run of an older one)."""
        self._timer.stop()
        design = self.document.design
        if not self.stale or self.running:
            return
        gen = self.worker.submit(design)
        self._submitted = (gen, design)
        self.cancelled_by_user = False
        self.error = None
        self.progress = (0.0, "")
        self.slow = False
        self._slow_timer.start()
        self.state_changed.emit()

    def cancel(self) -> None:
        """Stop the current run (the user's Cancel): the last complete result stays, marked out of date."""
        self._timer.stop()
        if not self.stale:
            return
        self.worker.cancel()
        self._taken = max(self._taken, self.worker.generation)
        self.cancelled_by_user = True
        self.slow = False
        self._slow_timer.stop()
        self.state_changed.emit()
        self.settled.emit()

    def _became_slow(self) -> None:
        if self.running:
            self.slow = True
            self.state_changed.emit()

    def _progress(self, generation: int, fraction: float, text: str) -> None:
        sub = self._submitted
        if sub is not None and generation == sub[0] and generation > self._taken:
            self.progress = (fraction, text)
            self.progress_changed.emit(fraction, text)
            if self.slow:
                self.state_changed.emit()

    def _finished(self, outcome: Outcome) -> None:
        """Take the outcome of the current design's run; those of older designs are dropped (never shown)."""
        sub = self._submitted
        if outcome.generation <= self._taken or sub is None or outcome.generation != sub[0]:
            return
        if outcome.design is not self.document.design:
            return  # the design changed since: its own run is about to start
        self._taken = outcome.generation
        self.slow = False
        self._slow_timer.stop()
        if outcome.result is not None:
            self._result = outcome.result
            self._report = outcome.result.report
            self.run_count += 1
            self.last_duration_s = outcome.seconds
            self.state_changed.emit()
            self.result_ready.emit(outcome.result)
            self.report_ready.emit(outcome.result.report)
        elif outcome.error is not None:
            self.error = outcome.error
            self.state_changed.emit()
            self.failed.emit(outcome.error)
        else:
            self.cancelled_by_user = True
            self.state_changed.emit()
        self.settled.emit()

    def flush(self, parent: QWidget | None = None) -> bool:
        """Wait for the current design's result (before an export, where the report must be current).

        Runs at once if a run is pending; after :data:`FLUSH_DIALOG_AFTER_S` a progress dialog (with Cancel)
        keeps the window painting. True when the report is now the current design's.
        """
        if not self.stale:
            return True
        self.run_now()
        sub = self._submitted
        if sub is None or sub[1] is not self.document.design or sub[0] <= self._taken:
            return not self.stale  # failed or cancelled: nothing is running for this design
        outcome = self.worker.wait(sub[0], FLUSH_DIALOG_AFTER_S)
        if outcome is None:
            outcome = self._wait_with_dialog(sub[0], parent)
        if outcome is not None:
            self._finished(outcome)
        return not self.stale

    def _wait_with_dialog(self, generation: int, parent: QWidget | None) -> Outcome | None:
        dialog = QProgressDialog("Checking the design\u2026", "Cancel", 0, 100, parent)
        dialog.setWindowTitle("Checks")
        dialog.setMinimumDuration(0)
        dialog.setModal(True)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.show()
        try:
            while True:
                outcome = self.worker.wait(generation, 0.03)
                if outcome is not None or generation <= self._taken:
                    return outcome
                QApplication.processEvents()
                if dialog.wasCanceled():
                    self.cancel()
                    return None
                fraction, text = self.progress
                dialog.setValue(round(100 * fraction))
                if text:
                    dialog.setLabelText(f"Checking the design\u2026 {text}")
        finally:
            dialog.close()
            dialog.deleteLater()
