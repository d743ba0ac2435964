"""Start the window: ``run_app(path)`` is what ``ballmask [FILE]`` and ``make run`` call.

Settings and the recovery folder are created here and handed to the window explicitly (no hidden globals), so
tests can run a window with a temporary settings file and recovery folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from app.document import Document
from app.files import Recovery, discard_recovery, find_recovery, recover_into
from app.gc_policy import collect_on_gui_thread
from app.main_window import MainWindow
from app.shell_dialogs import APP_NAME
from geometry.base.allocator import keep_freed_memory
from geometry.base.errors import DesignError
from geometry.base.resources import resource_path
from geometry.model.design import Design

ORGANISATION = "ballmask"


def default_design() -> Design:
    """What File > New would give with the first template's defaults."""
    from app.dialogs.templates import build_template

    return build_template("bga")


ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
"""The PNG sizes of the icon in ``ballmask_resources/icons`` (rendered from ballmask.svg)."""


def application_icon() -> QtGui.QIcon:
    """The window and task-bar icon, from the bundled PNGs (no SVG plugin needed)."""
    icon = QtGui.QIcon()
    for size in ICON_SIZES:
        png = resource_path("icons", f"ballmask-{size}.png")
        if png.is_file():
            icon.addFile(str(png), QtCore.QSize(size, size))
    return icon


def recovery_dir() -> Path:
    """Where autosaves go: the platform's per-user application data folder."""
    base = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".ballmask") / "recovery"


def offer_recovery(window: MainWindow, recovery: Recovery) -> bool:
    """Ask whether to recover unsaved work left by a crash; recover or discard. True when recovered."""
    sb = QtWidgets.QMessageBox.StandardButton
    what = recovery.original.name if recovery.original else "an unsaved design"
    answer = window.question(
        "Recover unsaved work",
        f"{APP_NAME} did not close properly last time. Recover the unsaved changes to {what}?",
        sb.Yes | sb.No,
    )
    if answer == sb.Yes:
        try:
            recover_into(window.document, recovery)
        except (OSError, DesignError, MemoryError, RecursionError) as e:
            window.error(f"Cannot recover: {e or type(e).__name__}")
            return False
        discard_recovery(recovery)
        window.top_view.fit_all()
        return True
    discard_recovery(recovery)
    return False


def build_window(path: Path | None, settings: QtCore.QSettings, recovery: Path,
                 autosave_seconds: float = 60.0) -> MainWindow:
    """The window on a design file (or a new design), after offering recovery from a crash."""
    document = Document(default_design(), None)
    window = MainWindow(document, settings, recovery, autosave_seconds)
    leftover = find_recovery(recovery) if recovery.exists() else None
    if leftover is not None and offer_recovery(window, leftover):
        return window
    if path is not None:
        window.open_path(Path(path))
    return window


def run_app(path: Path | None) -> int:
    """Run the application; the exit code of the event loop."""
    keep_freed_memory()
    existing = QtWidgets.QApplication.instance()
    app = existing if isinstance(existing, QtWidgets.QApplication) else QtWidgets.QApplication(sys.argv[:1])
    collect_on_gui_thread()  # the background threads never free Qt objects (app.gc_policy)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APP_NAME)
    app.setWindowIcon(application_icon())
    # matches packaging/linux/ballmask.desktop, so Wayland and X11 docks group the window under its entry
    QtGui.QGuiApplication.setDesktopFileName("ballmask")
    settings = QtCore.QSettings(ORGANISATION, APP_NAME)
    window = build_window(path, settings, recovery_dir())
    window.show()
    return int(app.exec())
