"""The questions the window asks on behalf of the actions: file names, confirmations, small dialogs, messages.

The base of :class:`app.main_window.MainWindow`, kept apart so the window module only composes. Every question goes
through one method, so tests can answer it without a modal dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets

from geometry.fileio import SUFFIX

if TYPE_CHECKING:
    from app.document import Document
    from app.files import RecentFiles
    from geometry.model.design import Design
    from geometry.model.drawing_info import DrawingInfo
    from geometry.model.profiles import Profile
    from geometry.model.rework import Rework

APP_NAME = "ballmask"
FILE_FILTER = f"ballmask designs (*{SUFFIX});;All files (*)"


class ShellDialogs(QtWidgets.QMainWindow):
    """A main window that asks the Shell protocol's questions (see app/actions.py) with Qt dialogs."""

    document: Document
    recent: RecentFiles
    last_error: str

    def question(self, title: str, text: str,
                 buttons: QtWidgets.QMessageBox.StandardButton) -> QtWidgets.QMessageBox.StandardButton:
        """A modal question (one place, so tests can answer it)."""
        return QtWidgets.QMessageBox.question(self, title, text, buttons)

    def _start_dir(self) -> str:
        p = self.document.path
        recent = self.recent.paths()
        return str(p.parent if p else (recent[0].parent if recent else Path.home()))

    def ask_open_path(self) -> Path | None:
        """A design file to open."""
        name, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open Design", self._start_dir(), FILE_FILTER)
        return Path(name) if name else None

    def ask_save_path(self) -> Path | None:
        """Where to save."""
        base = self.document.path or Path(self._start_dir()) / f"{self.document.design.name}{SUFFIX}"
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

    def ask_move_vector(self) -> tuple[float, float] | None:
        """A vector in mm."""
        from app.dialogs.edit_dialogs import MoveDialog

        dlg = MoveDialog(len(self.document.selection), self)
        return dlg.vector() if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

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

    def ask_import_pads(self) -> object | None:
        """A pad file chosen, imported and its report accepted (an ImportResult), or None."""
        from app.dialogs.import_dialog import ImportPadsDialog

        name, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Import Pads", self._start_dir(),
            "Pad files (*.gds *.oas *.gbr *.ger *.gts *.gbs *.gtl *.gbl *.dxf *.xml *.kicad_mod *.csv);;All files (*)")
        if not name:
            return None
        dlg = ImportPadsDialog(Path(name), self)
        return dlg.result if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

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

