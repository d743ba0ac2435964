"""The status bar's word on the analysis: "Checking..." with progress and Cancel for a long run, or why the
shown relief and findings are out of date (cancelled, failed) with a button to check again.

It only reads the :class:`~app.check_runner.CheckRunner`'s state and calls its ``cancel`` and ``run_now``; short
runs (a small design's few milliseconds) show nothing, so typing does not make the status bar flicker.
"""

from __future__ import annotations

from PySide6 import QtWidgets

from app.check_runner import CheckRunner


class AnalysisStatus(QtWidgets.QWidget):
    """Label, progress bar and Cancel / Check Now button, shown while a run is slow or the result is out of date."""

    def __init__(self, runner: CheckRunner, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analysisStatus")
        self.runner = runner
        self.label = QtWidgets.QLabel("", self)
        self.label.setObjectName("analysisStatus.label")
        self.label.setFixedWidth(330)  # fixed: text changing while the mouse moves must not re-layout the window
        self.bar = QtWidgets.QProgressBar(self)
        self.bar.setObjectName("analysisStatus.progress")
        self.bar.setRange(0, 100)
        self.bar.setFixedWidth(120)
        self.bar.setTextVisible(False)
        self.button = QtWidgets.QToolButton(self)
        self.button.setObjectName("analysisStatus.button")
        self.button.clicked.connect(self._clicked)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.button)
        runner.state_changed.connect(self.refresh)
        runner.progress_changed.connect(lambda *_: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """Follow the runner: progress while slow, the reason while out of date, nothing otherwise."""
        r = self.runner
        stopped = r.stale and (r.cancelled_by_user or r.error is not None)
        slow = r.stale and r.slow and not stopped
        self.label.setText(r.status_text() if (slow or stopped) else "")
        self.label.setToolTip(r.error or "")
        self.bar.setVisible(slow)
        self.bar.setValue(round(100 * r.progress[0]))
        self.button.setVisible(slow or stopped)
        self.button.setText("Cancel" if slow else "Check Now")
        self.button.setToolTip("Stop the checks; the last complete result stays, marked out of date" if slow
                               else "Compute the relief and run the checks on the current design")

    def _clicked(self) -> None:
        if self.runner.slow:
            self.runner.cancel()
        else:
            self.runner.run_now()
