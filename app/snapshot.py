"""One frame of the window rendered to a PNG, without showing it on screen: the self-test's window step.

The window is built on throwaway settings (an ini file next to the PNG), with no autosave and no recovery, so a
self-test never touches the user's settings or recovery folder. It is rendered with ``WA_DontShowOnScreen``: the
platform plugin (xcb, offscreen, ...) is loaded and the widgets are laid out and painted, but nothing appears on
the user's screen.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from app.document import Document
from app.main import application_icon
from app.main_window import MainWindow
from app.shell_dialogs import APP_NAME
from geometry.fileio import load_design

SIZE = (1280, 800)
"""The window's size in the snapshot: the smallest desktop the layout is designed for."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What was rendered: the PNG, its size in pixels, the Qt platform that drew it and the window title."""

    png: Path
    width: int
    height: int
    platform: str
    title: str
    top_view_colours: int
    """Distinct colours in the top view's part of the frame: a blank (unpainted) view has one or two."""
    placeholders: tuple[str, ...]
    """Docks showing a placeholder label instead of their panel (a panel module that did not import)."""


def _distinct_colours(image: QtGui.QImage, step: int = 4) -> int:
    colours = {image.pixel(x, y) for y in range(0, image.height(), step) for x in range(0, image.width(), step)}
    return len(colours)


BENIGN = ("This plugin does not support propagateSizeHints", "Detected locale", "Qt depends on a UTF-8 locale",
          "If this causes problems, reconfigure your locale", "for more information.")
"""Qt's notes about the offscreen platform and a non-UTF-8 locale (Qt switches to C.UTF-8 itself): not failures."""


def _quiet_benign(mode: QtCore.QtMsgType, context: QtCore.QMessageLogContext, message: str) -> None:
    if not message.startswith(BENIGN):
        sys.stderr.write(message + "\n")


def render_window_png(design_path: Path, png: Path, settle_s: float = 0.5) -> Snapshot:
    """Open the window on ``design_path``, let it paint for ``settle_s`` seconds, and save the frame to ``png``."""
    if QtWidgets.QApplication.instance() is None:  # a self-test of its own: keep its report free of Qt's notes
        QtCore.qInstallMessageHandler(_quiet_benign)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    assert isinstance(app, QtWidgets.QApplication)
    app.setWindowIcon(application_icon())
    settings = QtCore.QSettings(str(png.with_suffix(".ini")), QtCore.QSettings.Format.IniFormat)
    document = Document(load_design(design_path), design_path)
    window = MainWindow(document, settings, None)
    window.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen)
    window.resize(*SIZE)
    window.show()
    window.fit_all()
    end = time.monotonic() + settle_s
    while time.monotonic() < end:
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    # a shown window fits itself to the screen; the snapshot is not on a screen (the offscreen platform's is
    # 800 px wide), so it is drawn at its designed size once that fitting has run
    window.resize(*SIZE)
    window.fit_all()
    for _ in range(10):
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    frame = window.grab()
    view = window.top_view.grab().toImage()
    title = window.windowTitle()
    placeholders = tuple(d.windowTitle() for d in window.findChildren(QtWidgets.QDockWidget)
                         if type(d.widget()) is QtWidgets.QLabel)
    window.hide()
    window.deleteLater()
    app.processEvents()
    if not frame.save(str(png), "PNG"):
        raise OSError(f"cannot write {png}")
    return Snapshot(png, frame.width(), frame.height(), QtGui.QGuiApplication.platformName(), title,
                    _distinct_colours(view), placeholders)


__all__ = ["APP_NAME", "SIZE", "Snapshot", "render_window_png"]
