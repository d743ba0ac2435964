"""One slow step of a dialog (reading a big pad file, recognising a million pads) run off the GUI thread.

The step is a pure function of values the dialog already holds; it runs in a worker thread while a progress
dialog with Cancel shows (only once it has taken :data:`SHOW_AFTER_MS`, so a quick step never flashes one).
Cancel stops waiting: the worker cannot be interrupted, so its result is thrown away when it arrives and the
dialog keeps what it had, which is what "cancel changes nothing" means here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6 import QtCore, QtWidgets

from app.gc_policy import collect_on_gui_thread

SHOW_AFTER_MS = 1000
POLL_MS = 25


class BackgroundJob(QtCore.QObject):
    """Runs ``fn`` in a thread; ``done(result)``, ``failed(exception)`` or ``cancelled()`` follows, once."""

    done = QtCore.Signal(object)
    failed = QtCore.Signal(object)
    cancelled = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget, label: str, fn: Callable[[], Any]) -> None:
        super().__init__(parent)
        collect_on_gui_thread()  # before the worker thread runs
        self._fn = fn
        self._result: list[tuple[bool, Any]] = []
        self._thread = threading.Thread(target=self._run, name=f"ballmask: {label}", daemon=True)
        self.progress = QtWidgets.QProgressDialog(label, "Cancel", 0, 0, parent)
        self.progress.setObjectName("background.progress")
        self.progress.setWindowTitle(label.rstrip("."))
        self.progress.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(SHOW_AFTER_MS)
        self.progress.setAutoReset(False)
        self.progress.setAutoClose(False)
        self.progress.canceled.connect(self.cancel)
        self._poll = QtCore.QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check)
        self.running = False

    def _run(self) -> None:
        try:
            self._result.append((True, self._fn()))
        except Exception as e:  # handed to the GUI thread, which shows it
            self._result.append((False, e))

    def start(self) -> BackgroundJob:
        """Start the worker and the progress dialog's clock."""
        self.running = True
        self._thread.start()
        self._poll.start()
        self.progress.setValue(0)  # starts the show clock at SHOW_AFTER_MS (else Qt's own 4 s from construction)
        return self

    def cancel(self) -> None:
        """Stop waiting; the result, when it comes, is dropped."""
        if not self.running:
            return
        self._finish()
        self.cancelled.emit()

    def _finish(self) -> None:
        self.running = False
        self._poll.stop()
        self.progress.canceled.disconnect(self.cancel)
        self.progress.reset()
        self.progress.hide()
        self.progress.deleteLater()  # one progress dialog per job: none piles up under the window

    def _check(self) -> None:
        if not self._result or not self.running:
            return
        self._finish()
        ok, value = self._result[0]
        (self.done if ok else self.failed).emit(value)

    def wait(self, timeout_s: float = 60.0) -> None:
        """Block until the worker is done and deliver its result now (tests and scripted use)."""
        self._thread.join(timeout_s)
        self._check()
