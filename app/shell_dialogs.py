"""The questions the window asks on behalf of the actions: file names, confirmations, small dialogs, messages.

The base of :class:`app.main_window.MainWindow`, kept apart so the window module only composes. Every question goes
through one method, so tests can answer it without a modal dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets

from geometry.fileio import SUFFIX
from geometry.model.layouts import ExplicitLayout

if TYPE_CHECKING:
    from app.document import Document
    from app.files import RecentFiles
    from geometry.model.design import Design
    from geometry.model.drawing_info import DrawingInfo
    from geometry.model.profiles import Profile
    from geometry.model.rework import Rework
    from geometry.model.tools import ToolKind

APP_NAME = "ballmask"
FILE_FILTER = f"ballmask designs (*{SUFFIX});;All files (*)"


class ShellDialogs(QtWidgets.QMainWindow):
    """A main window that asks the Shell protocol's questions (see app/actions.py) with Qt dialogs."""

    document: Document
    recent: RecentFiles
    settings: QtCore.QSettings
    last_error: str

    def question(self, title: str, text: str,
                 buttons: QtWidgets.QMessageBox.StandardButton) -> QtWidgets.QMessageBox.StandardButton:
        """A modal question (one place, so tests can answer it)."""
        return QtWidgets.QMessageBox.question(self, title, text, buttons)

    def _start_dir(self) -> str:
        """The last folder used, or the design's own folder, or the user's documents: never the package's."""
        from app.preferences import start_folder

        return str(start_folder(self.settings, self.document.path))

    def ask_open_path(self) -> Path | None:
        """A design file to open."""
        name, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open Design", self._start_dir(), FILE_FILTER)
        return Path(name) if name else None

    def ask_save_path(self) -> Path | None:
        """Where to save."""
        stem = self.document.path.stem if self.document.path else self.document.design.name
        base = Path(self._start_dir()) / f"{stem}{SUFFIX}"
        name, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save Design As", str(base), FILE_FILTER)
        if not name:
            return None
        p = Path(name)
        return p if p.suffix else p.with_suffix(SUFFIX)

    def ask_new_design(self) -> Design | None:
        """A design from the template dialog."""
        from app.dialogs.new_design import NewDesignDialog

        dlg = NewDesignDialog(self)
        return dlg.design if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def ask_new_carrier(self, form: str) -> Design | None:
        """A strip or panel design from its template dialog (File > New > Strip... / Panel...)."""
        from app.dialogs.new_strip import NewCarrierDialog

        dlg = NewCarrierDialog(form, self)
        return dlg.design if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def ask_tool_folder(self, kind: ToolKind) -> Path | None:
        """The folder a companion tool's files go to (created by the export; an existing one is replaced)."""
        from geometry.export.package import base_name

        base = Path(self._start_dir()) / f"{base_name(self.document.design)}_{kind.value}"
        name, _ = QtWidgets.QFileDialog.getSaveFileName(self, f"Export {kind.value} to the folder", str(base), "")
        return Path(name) if name else None

    def ask_yes_no(self, title: str, text: str) -> bool:
        """Yes or No (through :meth:`question`, which tests answer)."""
        sb = QtWidgets.QMessageBox.StandardButton
        return self.question(title, text, sb.Yes | sb.No) == sb.Yes

    def ask_move_vector(self) -> tuple[float, float] | None:
        """A vector (dx, dy), typed in the display unit, as mm."""
        n = len(self.document.selection)
        ask = getattr(self, "ask_coordinates", None)
        if ask is None:
            from app.dialogs.edit_dialogs import MoveDialog

            dlg = MoveDialog(n, self)
            return dlg.vector() if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None
        v = ask(f"Move {n} site{'s' if n != 1 else ''} by", [("dx", 0.0, ""), ("dy", 0.0, "")])
        return None if v is None else (v[0], v[1])

    def ask_profile(self) -> Profile | None:
        """A profile valid on this mask."""
        from app.dialogs.edit_dialogs import ProfileDialog

        dlg = ProfileDialog(self.document.design, self)
        return dlg.profile if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def ask_residue_csv_path(self) -> Path | None:
        """A CSV file of residue measurements."""
        name, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Import Residue Measurements", self._start_dir(),
                                                        "CSV files (*.csv *.txt);;All files (*)")
        return Path(name) if name else None

    def ask_import_pads(self, against: object | None = None) -> object | None:
        """A pad file chosen, imported and its report accepted (an ImportResult), or None.

        ``against`` (layout, pad diameter) makes it a re-import: the report starts with the change list.
        """
        from app.dialogs.import_dialog import ImportPadsDialog

        name, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Import Pads", self._start_dir(),
            "Pad files (*.gds *.oas *.gbr *.ger *.gts *.gbs *.gtl *.gbl *.dxf *.xml *.kicad_mod *.csv);;All files (*)")
        if not name:
            return None
        dlg = ImportPadsDialog(Path(name), self, _reimport_against(against))
        return dlg.imported if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def ask_failed_note(self, site: str) -> str | None:
        """A note for the failed place at ``site`` (None: cancelled)."""
        from app.dialogs.rework_dialogs import FailedPlaceDialog

        rw = self.document.design.rework
        old = next((f.note for f in rw.failed if f.site == site), "") if rw is not None else ""
        dlg = FailedPlaceDialog(site, old, self)
        return dlg.text() if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def ask_drawing_info(self, info: DrawingInfo) -> DrawingInfo | None:
        """The drawing's title-block fields, order data and frame (None: cancelled)."""
        from app.dialogs.drawing_dialog import DrawingDialog

        dlg = DrawingDialog(info, self)
        return dlg.info if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def ask_rework_settings(self, rework: Rework) -> Rework | None:
        """The uniform residue and the device id (None: cancelled)."""
        from app.dialogs.rework_dialogs import ReworkSettingsDialog

        dlg = ReworkSettingsDialog(rework, self)
        return dlg.rework if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def confirm_discard(self) -> bool:  # implemented by the window
        raise NotImplementedError

    def open_path(self, path: Path) -> bool:  # implemented by the window
        raise NotImplementedError

    @staticmethod
    def _dropped_file(event: QtGui.QDropEvent | QtGui.QDragEnterEvent) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        local = [u.toLocalFile() for u in urls if u.isLocalFile()]
        return Path(local[0]) if len(local) == 1 else None

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        """Accept one local file (whatever it holds: a bad one gets the same dialog as File > Open)."""
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:  # noqa: N802 - Qt's name
        """Open the dropped file after the unsaved-work question; a bad file shows one dialog, nothing changes."""
        path = self._dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        if self.confirm_discard():
            self.open_path(path)

    def info(self, text: str) -> None:
        """A passing message."""
        self.statusBar().showMessage(text, 8000)

    def error(self, text: str) -> None:
        """A refused action: say why."""
        self.statusBar().showMessage(text.replace("\n", " "), 15000)
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, APP_NAME, text,
                                    QtWidgets.QMessageBox.StandardButton.Ok, self)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal, not blocking: the caller goes on with nothing changed
        self.last_error = text



def _reimport_against(against: object | None) -> tuple[ExplicitLayout, float] | None:
    """The (layout, pad diameter) a re-import compares with, checked at the boundary of the untyped action."""
    if against is None:
        return None
    if not isinstance(against, tuple) or len(against) != 2:
        raise TypeError(f"a re-import compares with (ExplicitLayout, pad), not {against!r}")
    layout: object = against[0]
    pad: object = against[1]
    if not isinstance(layout, ExplicitLayout) or not isinstance(pad, int | float):
        raise TypeError(f"a re-import compares with (ExplicitLayout, pad), not {against!r}")
    return layout, float(pad)
