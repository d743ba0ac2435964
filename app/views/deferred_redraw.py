"""A view's redraw on design changes, deferred and coalesced: once per burst, never while hidden.

Every edit fires ``design_changed`` on the GUI thread inside :meth:`Document.apply`; a view that redraws there
makes the edit itself wait for it (the cross-section: about 9 ms of ``section_of`` and 6 ms of drawing on a
225-site design, whether its dock was shown or not). Instead the view asks for a redraw here: the redraw runs
from a zero-delay timer (a burst of edits in one pass of the event loop is drawn once, with the last design),
not at all while the view is hidden (it is drawn when it is shown again), and, when the window holds its
repaints for a result that is about to arrive (:class:`app.views.repaint_hold.RepaintHold`), after that hold,
so the analysis of the edit does not share the GIL with it; in a long burst of such edits (each one held) the
view still redraws at least every ``HOLD_MS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from app.views.repaint_hold import HOLD_MS, RepaintHold


class DeferredRedraw(QObject):
    """Runs ``redraw()`` once for any number of :meth:`request` calls, when ``widget`` is visible."""

    def __init__(self, widget: QWidget, redraw: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._redraw = redraw
        self._hold: RepaintHold | None = None
        self.pending = False  # a redraw was asked for and has not run yet
        self._pending_since = 0.0  # when (time.monotonic) the oldest request not yet drawn came
        self.runs = 0  # redraws run (for tests: a burst is one)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._due)
        widget.installEventFilter(self)

    def follow(self, hold: RepaintHold | None) -> None:
        """Wait for ``hold`` while it holds (the window's top view, waiting for the edit's result)."""
        if self._hold is not None:
            self._hold.released.disconnect(self._after_hold)
        self._hold = hold
        if hold is not None:
            hold.released.connect(self._after_hold)

    def request(self) -> None:
        """The view is out of date: redraw soon (or when shown)."""
        if not self.pending:
            self._pending_since = time.monotonic()
        self.pending = True
        if self._widget.isVisible():
            self._timer.start()

    def cancel(self) -> None:
        """The view has just been redrawn by other means: nothing is pending."""
        self.pending = False
        self._timer.stop()

    def flush(self) -> None:
        """Redraw now if a redraw is pending (a reader that needs the current drawing)."""
        if self.pending:
            self.cancel()
            self.runs += 1
            self._redraw()

    def _after_hold(self) -> None:
        if self.pending:
            self._timer.start()  # after the held view's repaint, in the next pass of the event loop

    def _due(self) -> None:
        if not self.pending or not self._widget.isVisible():
            return  # drawn already, or hidden: the show event draws it
        waited_ms = (time.monotonic() - self._pending_since) * 1000.0
        if self._hold is not None and self._hold.held and waited_ms < HOLD_MS:
            return  # the hold's release starts the timer again (a burst still redraws every HOLD_MS)
        self.flush()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self._widget and event.type() == QEvent.Type.Show and self.pending:
            self._timer.start()  # shown again: draw the design of now, after the show has laid it out
        return False
