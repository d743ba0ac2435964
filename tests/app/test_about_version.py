"""The About box shows the program's one version number, and the window carries the bundled icon."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from app.document import Document
from app.main import ICON_SIZES, application_icon, default_design
from app.main_window import MainWindow
from geometry.base.version import __version__


def test_about_box_shows_the_version(qtbot, settings: QtCore.QSettings, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "about", lambda parent, title, text: shown.append((title, text)))
    window = MainWindow(Document(default_design(), None), settings, tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show_about()
    (title, text), = shown
    assert title == "About ballmask"
    assert f"</b> {__version__}<br>" in text


def test_application_icon_has_every_size(qtbot) -> None:
    icon = application_icon()
    assert not icon.isNull()
    sizes = sorted(s.width() for s in icon.availableSizes())
    assert sizes == sorted(ICON_SIZES)
    assert icon.pixmap(48, 48).toImage().pixelColor(24, 24).alpha() == 255
