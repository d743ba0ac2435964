"""Preferences kept in QSettings (units, theme, autosave interval, default folder, snap grid) and the folder the
file dialogs start in.

The folder rule: the last folder the user saved or exported to; else the folder of the open design unless that is
inside the installed package (the bundled examples must never become the place new files land); else the
default folder of the preferences; else the user's Documents folder; else the home folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from app.units import SETTINGS_KEY as UNIT_KEY
from app.units import LengthUnit, unit_from_setting

LAST_DIR_KEY = "files/last_dir"
DEFAULT_DIR_KEY = "files/default_dir"
THEME_KEY = "display/theme"
AUTOSAVE_KEY = "files/autosave_seconds"
GRID_KEY = "view/snap_grid"
THEMES = ("light", "dark")


def package_folders() -> list[Path]:
    """Folders of the installed program: files the user writes never default to these."""
    from geometry.base.resources import resource_path

    here = Path(__file__).resolve().parent
    return [resource_path("examples").resolve().parent, here.parent / "resources", here, here.parent / "geometry"]


def _inside_package(folder: Path) -> bool:
    f = folder.resolve()
    return any(f == p or p in f.parents for p in package_folders())


def documents_folder() -> Path:
    """The user's Documents folder (home when the platform has none)."""
    loc = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(loc) if loc and Path(loc).is_dir() else Path.home()


def _setting_path(settings: QtCore.QSettings, key: str) -> Path | None:
    raw = settings.value(key, "")
    if not raw:
        return None
    p = Path(str(raw))
    return p if p.is_dir() and not _inside_package(p) else None


def start_folder(settings: QtCore.QSettings, design_path: Path | None) -> Path:
    """Where Save As, Export and Open start (see the module docstring for the order)."""
    last = _setting_path(settings, LAST_DIR_KEY)
    if last is not None:
        return last
    if design_path is not None and design_path.parent.is_dir() and not _inside_package(design_path.parent):
        return design_path.parent
    return _setting_path(settings, DEFAULT_DIR_KEY) or documents_folder()


def remember_folder(settings: QtCore.QSettings, path: Path) -> None:
    """The user saved or exported to ``path``: its folder is where the next dialog starts."""
    folder = path if path.is_dir() else path.parent
    if not _inside_package(folder):
        settings.setValue(LAST_DIR_KEY, str(folder))


@dataclass(frozen=True)
class Preferences:
    """What Edit > Preferences sets."""

    unit: LengthUnit = LengthUnit.MM
    theme: str = "light"
    autosave_seconds: int = 60
    default_folder: str = ""
    snap_grid: bool = True

    @staticmethod
    def load(settings: QtCore.QSettings) -> Preferences:
        """From settings (missing or unreadable values are the defaults)."""
        try:
            seconds = int(float(str(settings.value(AUTOSAVE_KEY, 60))))
        except ValueError:
            seconds = 60
        theme = str(settings.value(THEME_KEY, "light"))
        grid = settings.value(GRID_KEY, True)
        return Preferences(unit=unit_from_setting(settings.value(UNIT_KEY, "mm")),
                           theme=theme if theme in THEMES else "light",
                           autosave_seconds=max(0, seconds), default_folder=str(settings.value(DEFAULT_DIR_KEY, "")),
                           snap_grid=grid if isinstance(grid, bool) else str(grid).lower() == "true")

    def save(self, settings: QtCore.QSettings) -> None:
        """Into settings."""
        settings.setValue(UNIT_KEY, self.unit.value)
        settings.setValue(THEME_KEY, self.theme)
        settings.setValue(AUTOSAVE_KEY, self.autosave_seconds)
        settings.setValue(DEFAULT_DIR_KEY, self.default_folder)
        settings.setValue(GRID_KEY, self.snap_grid)
        settings.sync()


class PreferencesDialog(QtWidgets.QDialog):
    """Units, theme, autosave interval, default folder, snap grid."""

    def __init__(self, prefs: Preferences, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.unit = QtWidgets.QComboBox()
        self.unit.setObjectName("prefUnit")
        self.unit.addItem("Millimetres (mm)", LengthUnit.MM.value)
        self.unit.addItem("Micrometres (µm)", LengthUnit.UM.value)
        self.unit.setCurrentIndex(0 if prefs.unit is LengthUnit.MM else 1)
        self.unit.setToolTip("The unit every length is shown and typed in (the design itself is in mm)")
        self.theme = QtWidgets.QComboBox()
        self.theme.setObjectName("prefTheme")
        self.theme.addItems([t.capitalize() for t in THEMES])
        self.theme.setCurrentIndex(THEMES.index(prefs.theme))
        self.theme.setToolTip("Light or dark window colours")
        self.autosave = QtWidgets.QSpinBox()
        self.autosave.setObjectName("prefAutosave")
        self.autosave.setRange(0, 3600)
        self.autosave.setSuffix(" s")
        self.autosave.setSpecialValueText("Off")
        self.autosave.setValue(prefs.autosave_seconds)
        self.autosave.setToolTip("How often unsaved work is written to a recovery file (0: never)")
        self.folder = QtWidgets.QLineEdit(prefs.default_folder)
        self.folder.setObjectName("prefFolder")
        self.folder.setPlaceholderText(str(documents_folder()))
        self.folder.setToolTip("Where Save As and Export start when no folder was used yet")
        browse = QtWidgets.QPushButton("Browse...")
        browse.setToolTip("Choose the default folder")
        browse.clicked.connect(self._browse)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.grid = QtWidgets.QCheckBox("Show the snap grid at the pitch")
        self.grid.setObjectName("prefGrid")
        self.grid.setChecked(prefs.snap_grid)
        self.grid.setToolTip("Dots at the grid points new sites snap to")
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QtWidgets.QFormLayout(self)
        form.addRow("Lengths in", self.unit)
        form.addRow("Theme", self.theme)
        form.addRow("Autosave every", self.autosave)
        form.addRow("Default folder", row)
        form.addRow("", self.grid)
        form.addRow(buttons)

    def _browse(self) -> None:
        name = QtWidgets.QFileDialog.getExistingDirectory(self, "Default folder", self.folder.text()
                                                          or str(documents_folder()))
        if name:
            self.folder.setText(name)

    def preferences(self) -> Preferences:
        """What the dialog shows."""
        return Preferences(unit=LengthUnit(self.unit.currentData()), theme=THEMES[self.theme.currentIndex()],
                           autosave_seconds=self.autosave.value(), default_folder=self.folder.text().strip(),
                           snap_grid=self.grid.isChecked())
