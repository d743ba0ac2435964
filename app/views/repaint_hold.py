"""Hold the top view's repaints from an edit until its relief and findings are in, so an edit is drawn once.

An edit changes the openings at once and the relief and findings when the analysis thread delivers them; each
change on its own repaints the whole plot (and the "out of date" mark shown in between repaints it again). On a
small design the result follows within a frame or two, and those extra repaints only share the GIL with the run
they wait for (a 225-site edit: three repaints of about 8 ms each while a 16 ms analysis ran, which then took
60 ms). So while a result is expected soon, the plot's updates are switched off from the edit until the runner
has settled (result in and drawn, failed or cancelled), and then it repaints at once, edit and result together.

A change never waits longer than :data:`HOLD_MS` to be painted: the deadline runs from the first change not yet
painted, so a burst of edits (a drag, edits typed faster than they are analysed) still repaints at least that
often. A design whose last run took longer than :data:`app.check_runner.QUICK_RUN_S` is not held at all: its
openings are drawn at once, as before (a hold that ends at its deadline costs that change at most HOLD_MS). Work
that should wait for the same moment (the cross-section's redraw) connects to ``released``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QAbstractScrollArea, QGraphicsView, QWidget

from app.check_runner import QUICK_RUN_S
from app.panels.fields import connect_event

if TYPE_CHECKING:
    from app.check_runner import CheckRunner
    from app.document import Document
    from geometry.model.design import Design

HOLD_MS = 100  # the longest a change waits to be painted while its result is expected (a quick run's time,
#               measured with the GIL shared, can be several times its 16 ms alone)


class RepaintHold(QObject):
    """Switches ``widget``'s updates off from an edit of ``document`` until ``runner`` has its outcome.

    ``released()`` fires when a hold ends (the result is in, or the deadline passed).
    """

    released = Signal()

    def __init__(self, widget: QWidget, document: Document, runner: CheckRunner, hold_ms: int = HOLD_MS) -> None:
        super().__init__(widget)
        self._widget = widget
        self._runner = runner
        self._hold_ms = hold_ms
        self._unpainted_since: float | None = None  # when the oldest change not yet on screen was made
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.release)
        self.holds = 0  # how many edits were held (for tests and benchmarks)
        surface = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
        surface.installEventFilter(self)
        connect_event(self, document.design_changed, self._on_design_changed)
        runner.settled.connect(self._on_settled)

    @property
    def held(self) -> bool:
        """Whether repaints are being held now."""
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            self._unpainted_since = None  # everything changed so far is being painted
        return False

    def _on_design_changed(self, _design: Design) -> None:
        runner = self._runner
        if self.held:
            return  # the first change of a burst set the deadline
        if not self._widget.isVisible() or not runner.stale:
            self._unpainted_since = None
            return
        if runner.result is None or runner.last_duration_s > QUICK_RUN_S:
            return  # the result will not come in time: draw the edit at once
        now = time.monotonic()
        since = self._unpainted_since if self._unpainted_since is not None else now
        self._unpainted_since = since
        left_ms = self._hold_ms - (now - since) * 1000.0
        if left_ms < 1.0:
            return  # an earlier change has waited long enough: paint this one with it
        self._widget.setUpdatesEnabled(False)
        self._timer.start(round(left_ms))
        self.holds += 1

    def _on_settled(self) -> None:
        if self.held and not self._runner.pending:
            self.release()

    def release(self) -> None:
        """Repaint now (once) with whatever is current."""
        was_held = not self._widget.updatesEnabled()
        self._timer.stop()
        if was_held:
            if isinstance(self._widget, QGraphicsView) and self._widget.scene() is not None:
                # the scene hands its items' changes to the view from a queued call: take it now, or it repaints
                # the changed items a second time right after this paint
                QCoreApplication.sendPostedEvents(self._widget.scene(), QEvent.Type.MetaCall)
            self._widget.setUpdatesEnabled(True)
            # painted here, before anything else runs: the moment the result is in is when it must be on screen
            # (a posted update would wait behind whatever comes next, the next edit's hold included)
            self._widget.repaint()
            self.released.emit()
