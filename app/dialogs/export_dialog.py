"""Export for the mask maker: choose the format and options, watch progress, cancel a long export.

The writing itself is geometry.export's (export_design). It runs in a worker thread so the window stays alive;
it writes into a temporary place and is moved onto the chosen output only when it finished and was not
cancelled, so Cancel really leaves nothing behind (the exporters have no cancellation point of their own). The
options start from the design's output settings; exporting with other options stores them in the design
(``design.output``) as one undoable command, so the next export and the saved file remember them.
"""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtWidgets

from app.document import Document
from app.gc_policy import collect_on_gui_thread
from geometry.model.design import Design
from geometry.model.output_settings import DxfVersion, OutputSettings

DXF_VERSIONS: tuple[DxfVersion, ...] = ("R2000", "R12")  # the version box's entries, in this order


def format_titles() -> dict[str, str]:
    """Every registered export format and its menu title, in the registry's order."""
    from geometry.export.run import FORMATS, exporter

    return {name: exporter(name).title for name in FORMATS}


def default_output(document: Document, fmt: str, folder: Path | None = None) -> Path:
    """In ``folder`` (the window's start folder) or beside the design file (or in the home folder), named after
    it: the format's suffix, or a folder."""
    from geometry.export.run import exporter

    if folder is not None:
        base = folder / (document.path.stem if document.path else document.design.name)
    else:
        base = document.path.with_suffix("") if document.path else Path.home() / document.design.name
    suffix = exporter(fmt).suffix
    return base.with_name(base.name + (suffix or f"_{fmt}"))


def run_export(design: Design, out: Path, fmt: str, force: bool) -> Path:
    """Export into a temporary sibling of ``out`` and return where it was written (the worker's job)."""
    from geometry.export.run import export_design

    tmp_dir = Path(tempfile.mkdtemp(prefix=".ballmask-export-", dir=out.parent))
    try:
        result = export_design(design, tmp_dir / out.name, fmt, force=force)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    return Path(result.path)


def put_in_place(written: Path, out: Path) -> Path:
    """Move a finished export onto its final name (replacing an older one) and remove the temporary folder."""
    final = out.with_suffix(written.suffix) if written.suffix and not out.suffix else out
    if final.is_dir():
        shutil.rmtree(final)
    written.replace(final)
    shutil.rmtree(written.parent, ignore_errors=True)
    return final


def _discard(future: Future[Path]) -> None:
    """A cancelled export: remove what it wrote (its temporary folder)."""
    if future.exception() is None:
        shutil.rmtree(future.result().parent, ignore_errors=True)


class ExportDialog(QtWidgets.QDialog):
    """Format, output, DXF options, force; Export runs with a progress dialog that can cancel."""

    finished_export = QtCore.Signal(object)  # Path written, or None

    def __init__(self, document: Document, parent: QtWidgets.QWidget | None = None,
                 folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export for the Mask Maker")
        self.document = document
        self.folder = folder
        self.written: Path | None = None
        self.error_text = ""
        self._future: Future[Path] | None = None
        collect_on_gui_thread()  # before the export's thread runs
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._cancelled = False
        out = document.design.output

        self.format = QtWidgets.QComboBox()
        self.format.setObjectName("format")
        for k, title in format_titles().items():
            self.format.addItem(title, k)
        self.output = QtWidgets.QLineEdit(str(default_output(document, "dxf", folder)))
        self.output.setObjectName("output")
        browse = QtWidgets.QPushButton("Browse...")
        browse.clicked.connect(self._browse)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.output, 1)
        row.addWidget(browse)
        self.version = QtWidgets.QComboBox()
        self.version.setObjectName("dxf_version")
        self.version.addItems(list(DXF_VERSIONS))
        self.version.setCurrentText(out.dxf_version)
        self.segments = QtWidgets.QCheckBox("Arcs as straight segments")
        self.segments.setChecked(out.segments_only)
        self.blocks = QtWidgets.QCheckBox("One BLOCK per repeated opening (INSERTs)")
        self.blocks.setChecked(out.blocks)
        self.mirror = QtWidgets.QCheckBox("Lower-side layers mirrored (seen from the lower side)")
        self.mirror.setChecked(out.mirror_lower)
        self.force = QtWidgets.QCheckBox("Export even if the checks find errors")
        self.force.setObjectName("force")
        self.status = QtWidgets.QLabel("The shop must not modify the apertures: the notes say so.")
        self.status.setWordWrap(True)
        self.buttons = QtWidgets.QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export", QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QtWidgets.QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)

        form = QtWidgets.QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Output", row)
        form.addRow("DXF version", self.version)
        form.addRow("", self.segments)
        form.addRow("", self.blocks)
        form.addRow("", self.mirror)
        form.addRow("", self.force)
        form.addRow(self.status)
        form.addRow(self.buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.progress: QtWidgets.QProgressDialog | None = None
        self._poll = QtCore.QTimer(self)
        self._poll.setInterval(50)
        self._poll.timeout.connect(self._check_done)
        self.resize(560, 0)

    def fmt(self) -> str:
        """The chosen format key."""
        return str(self.format.currentData())

    def _format_changed(self) -> None:
        self.output.setText(str(default_output(self.document, self.fmt(), self.folder)))
        dxf = self.fmt() in ("dxf", "all")
        for w in (self.version, self.segments, self.blocks):
            w.setEnabled(dxf)

    def _browse(self) -> None:
        if self.fmt() in ("gerber", "all"):
            start = str(Path(self.output.text()).parent)
            name = QtWidgets.QFileDialog.getExistingDirectory(self, "Export folder", start)
            if name:
                self.output.setText(str(Path(name) / Path(self.output.text()).name))
        else:
            name, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Export to", self.output.text())
            if name:
                self.output.setText(name)

    def output_settings(self) -> OutputSettings:
        """The design's output settings with this dialog's DXF options."""
        return replace(self.document.design.output,
                       dxf_version=DXF_VERSIONS[self.version.currentIndex()],
                       segments_only=self.segments.isChecked(), blocks=self.blocks.isChecked(),
                       mirror_lower=self.mirror.isChecked())

    def design_for_export(self) -> Design:
        """The design with this dialog's output options."""
        return self.document.design.with_(output=self.output_settings())

    def remember_options(self) -> None:
        """Store changed options in the design: one undoable command (nothing when they are unchanged)."""
        out = self.output_settings()
        if out != self.document.design.output:
            self.document.apply("Set export options", lambda d: d.with_(output=out))

    # -- running ------------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the export in the worker, with a progress dialog."""
        out = Path(self.output.text()).expanduser()
        if not out.parent.is_dir():
            self.status.setText(f"The folder {out.parent} does not exist.")
            return
        self.remember_options()
        self._cancelled = False
        self.error_text = ""
        self.export_button.setEnabled(False)
        self._out = out
        self._future = self._pool.submit(run_export, self.design_for_export(), out, self.fmt(),
                                         self.force.isChecked())
        self.progress = QtWidgets.QProgressDialog("Exporting...", "Cancel", 0, 0, self)
        self.progress.setWindowTitle("Export")
        self.progress.setMinimumDuration(300)
        self.progress.canceled.connect(self.cancel)
        self._poll.start()

    def cancel(self) -> None:
        """Stop waiting; whatever the worker writes is thrown away when it finishes."""
        self._cancelled = True
        self._poll.stop()
        f, self._future = self._future, None
        if f is not None:
            f.add_done_callback(_discard)
        self.status.setText("Export cancelled: nothing was written.")
        self.export_button.setEnabled(True)
        self.finished_export.emit(None)

    def _check_done(self) -> None:
        f = self._future
        if f is None or not f.done():
            return
        self._poll.stop()
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.reset()
        self._future = None
        self.export_button.setEnabled(True)
        try:
            written = f.result()
        except Exception as e:
            self.error_text = str(e)
            self.status.setText(f"<span style='color:#c00000'>{e}</span>")
            self.finished_export.emit(None)
            return
        self.written = put_in_place(written, self._out)
        self.status.setText(f"Written: {self.written}")
        self.finished_export.emit(self.written)

    def wait(self, timeout_s: float = 60.0) -> Any:
        """Block until the running export is done (tests and scripted use)."""
        if self._future is not None:
            self._future.exception(timeout=timeout_s)
        self._check_done()

    def done(self, r: int) -> None:
        """Closing the dialog abandons a running export like Cancel."""
        if self._future is not None and not self._future.done():
            self.cancel()
        self._pool.shutdown(wait=False)
        super().done(r)
