"""File > Import Pads...: a customer's pad file read, recognised and reported before it replaces the layout.

With ``against`` (File > Re-import) the report starts with the change list against the design's imported
sites: added, removed, moved, resized. The file is read once; each choice (layer, view, A1 corner, rotation,
names, non-round pads, unit) recognises its pads again and shows the import report of
:mod:`geometry.fileio.importers.importing` and a preview: the file's pad outlines with the recognised sites over
them, on-grid sites in one colour, off-grid and non-round ones in another. OK is enabled only when the import
succeeded, so what is applied is exactly what the report says. The change (layout and pad) is one undoable
command.

Reading a big file or recognising many pads runs in a worker thread behind a progress dialog with Cancel
(:class:`app.dialogs.background.BackgroundJob`); a cancelled read closes the dialog with nothing imported, a
cancelled recognition puts the choices back to those the report shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from app.dialogs.background import BackgroundJob
from app.views.import_preview import ImportPreview
from geometry.base.errors import DesignError
from geometry.fileio.importers.base import SourceData
from geometry.fileio.importers.importing import (
    ImportOptions,
    ImportResult,
    import_source,
    read_options_source,
    site_changes,
)
from geometry.model.layouts import ExplicitLayout, Recognition

UNITS = ("(as the file says)", "mm", "um", "inch", "mil", "nm")
ROTATIONS = ("auto", "0", "90")
INLINE_BYTES = 4 << 20
"""Files up to this size are read on the GUI thread (a few tens of milliseconds); bigger ones in the worker."""
INLINE_PADS = 100_000
"""Layers up to this many pads are recognised on the GUI thread; more in the worker."""


def _combo(name: str, items: tuple[str, ...] | list[str] = ()) -> QtWidgets.QComboBox:
    """A combo box with an object name (tests find the fields by it)."""
    box = QtWidgets.QComboBox()
    box.setObjectName(name)
    box.addItems(list(items))
    return box


class ImportPadsDialog(QtWidgets.QDialog):
    """Choices, the live report and the preview of one import; :attr:`imported` is the import when accepted."""

    def __init__(self, path: Path, parent: QtWidgets.QWidget | None = None,
                 against: tuple[ExplicitLayout, float] | None = None) -> None:
        super().__init__(parent)
        self.against = against
        self.setWindowTitle(f"{'Re-import' if against else 'Import'} Pads - {path.name}")
        self.setObjectName("import_pads")
        self.path = path
        self.imported: ImportResult | None = None
        self.source: SourceData | None = None
        self.job: BackgroundJob | None = None
        self._generation = 0
        self._shown: list[int] = []
        form = QtWidgets.QFormLayout()
        self.layer = _combo("import.layer")
        self.view = _combo("import.view", ("top", "bottom"))
        self.a1 = _combo("import.a1", ("top-left", "top-right", "bottom-left", "bottom-right"))
        self.rotation = _combo("import.rotation", ROTATIONS)
        self.rotation.setToolTip("90: the footprint is placed turned (its rows run along y); auto: told from the "
                                 "file's JEDEC pad names, else 0")
        self.names = _combo("import.names", ("auto", "grid", "source"))
        self.non_round = _combo("import.non_round", ("refuse", "inscribed"))
        self.units = _combo("import.units", UNITS)
        form.addRow("Layer", self.layer)
        form.addRow("View (drawn from)", self.view)
        form.addRow("A1 corner (top view)", self.a1)
        form.addRow("Rotation", self.rotation)
        form.addRow("Names", self.names)
        form.addRow("Non-round pads", self.non_round)
        form.addRow("Units", self.units)
        self.report = QtWidgets.QPlainTextEdit()
        self.report.setObjectName("import.report")
        self.report.setReadOnly(True)
        self.report.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        self.report.setMinimumSize(520, 260)
        self.preview = ImportPreview()
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        top = QtWidgets.QHBoxLayout()
        top.addLayout(form)
        top.addWidget(self.preview, 1)
        box = QtWidgets.QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.report, 1)
        box.addWidget(self.buttons)
        for w in self._choices():
            w.currentIndexChanged.connect(self.refresh)
        self._ok().setEnabled(False)
        self._read()

    def _choices(self) -> tuple[QtWidgets.QComboBox, ...]:
        return (self.layer, self.view, self.a1, self.rotation, self.names, self.non_round, self.units)

    def _ok(self) -> QtWidgets.QPushButton:
        return self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)

    # -- reading ------------------------------------------------------------------------------------------------
    def _read(self) -> None:
        """Read the file once: here when it is small, else in the worker."""
        def read() -> SourceData:
            return read_options_source(self.path, ImportOptions())

        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0
        if size <= INLINE_BYTES:
            try:
                self._source_ready(read())
            except DesignError as e:
                self._failed(e)
            return
        self.report.setPlainText(f"Reading {self.path.name} ({size / 2**20:.0f} MB)...")
        for w in self._choices():
            w.setEnabled(False)
        self.job = BackgroundJob(self, f"Reading {self.path.name}...", read)
        self.job.done.connect(self._source_ready)
        self.job.failed.connect(self._failed)
        self.job.cancelled.connect(self.reject)  # nothing read, nothing imported
        self.job.start()

    def _source_ready(self, source: SourceData) -> None:
        self.job = None
        self.source = source
        for w in self._choices():
            w.setEnabled(True)
        with QtCore.QSignalBlocker(self.layer):
            for name, pads in source.layers.items():
                self.layer.addItem(f"{name} ({len(pads)} pads)", name)
            best = max(range(self.layer.count()), key=lambda i: len(source.layers[self.layer.itemData(i)]),
                       default=0)
            self.layer.setCurrentIndex(best)
        self.refresh()

    def _failed(self, e: Exception) -> None:
        self.job = None
        if not isinstance(e, DesignError):
            e = DesignError(self.path.name, None, f"cannot be read: {e}")
        self.imported = None
        self.report.setPlainText(f"Cannot import:\n{e}")
        self.preview.clear_preview()
        self._ok().setEnabled(False)

    # -- recognising --------------------------------------------------------------------------------------------
    def options(self) -> ImportOptions:
        """The choices as import options."""
        units = self.units.currentText()
        rotation = self.rotation.currentText()
        recognition = Recognition(view=self.view.currentText(), a1=self.a1.currentText(),  # type: ignore[arg-type]
                                  naming=self.names.currentText(),  # type: ignore[arg-type]
                                  rotation_deg=None if rotation == "auto" else int(rotation))  # type: ignore[arg-type]
        return ImportOptions(layer=self.layer.currentData(), units=None if units == UNITS[0] else units,
                             recognition=recognition, non_round=self.non_round.currentText())

    def refresh(self) -> None:
        """Recognise again with the current choices; show the report and the preview (or why it failed)."""
        source = self.source
        if source is None:
            return
        if self.job is not None:  # a recognition of earlier choices is running: it is superseded
            job, self.job = self.job, None
            job.cancelled.disconnect()
            job.cancel()
        self._generation += 1
        generation = self._generation
        options = self.options()

        def recognise() -> ImportResult:
            return import_source(source, options)

        chosen = source.layers.get(str(options.layer)) if options.layer else None
        if chosen is None or len(chosen) <= INLINE_PADS:
            try:
                self._show(recognise(), generation)
            except DesignError as e:
                self._failed(e)
            return
        self._ok().setEnabled(False)
        self.job = BackgroundJob(self, f"Recognising {len(chosen):,} pads...", recognise)
        self.job.done.connect(lambda r: self._show(r, generation))
        self.job.failed.connect(lambda e: self._failed(e) if generation == self._generation else None)
        self.job.cancelled.connect(self._restore_choices)
        self.job.start()

    def _show(self, result: ImportResult, generation: int) -> None:
        if generation != self._generation:
            return  # the choices changed meanwhile
        self.job = None
        self.imported = result
        lines = result.report_lines()
        if self.against is not None:
            old, old_pad = self.against
            changes = site_changes(old, result.layout, old_pad, result.recognised.pad_mm)
            lines = ["changes against the design:", *changes.lines(), "", *lines]
        self.report.setPlainText("\n".join(lines))
        self.preview.show_result(result)
        self._shown = [w.currentIndex() for w in self._choices()]
        self._ok().setEnabled(True)

    def _restore_choices(self) -> None:
        """A recognition was cancelled: the choices go back to those of the report shown (if any)."""
        self.job = None
        if not self._shown:
            return
        for w, index in zip(self._choices(), self._shown, strict=True):
            with QtCore.QSignalBlocker(w):
                w.setCurrentIndex(index)
        self._ok().setEnabled(self.imported is not None)

    def wait(self, timeout_s: float = 60.0) -> None:
        """Block until a running read or recognition is done (tests)."""
        for _ in range(3):  # the read, then the recognition it starts
            if self.job is None:
                return
            self.job.wait(timeout_s)

    def done(self, r: int) -> None:
        """Closing the dialog abandons a running step like Cancel."""
        if self.job is not None:
            job, self.job = self.job, None
            job.cancelled.disconnect()
            job.cancel()
        super().done(r)

    def preview_counts(self) -> dict[str, Any]:
        """What the preview draws (tests)."""
        return dict(self.preview.counts)
