"""File > Import Pads...: a customer's pad file read, recognised and reported before it replaces the layout.

With ``against`` (File > Re-import) the report starts with the change list against the design's imported
sites: added, removed, moved, resized. The dialog reads the file once per choice (layer, view, A1 corner, names,
non-round pads, unit) and shows the
import report of :mod:`geometry.fileio.importers.importing`; OK is enabled only when the import succeeded, so
what is applied is exactly what the report says. The change (layout and pad) is one undoable command.
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtGui, QtWidgets

from geometry.base.errors import DesignError
from geometry.fileio.importers.importing import ImportOptions, ImportResult, import_layout, site_changes
from geometry.model.layouts import ExplicitLayout, Recognition

UNITS = ("(as the file says)", "mm", "um", "inch", "mil", "nm")


def _combo(name: str) -> QtWidgets.QComboBox:
    """A combo box with an object name (tests find the fields by it)."""
    box = QtWidgets.QComboBox()
    box.setObjectName(name)
    return box


class ImportPadsDialog(QtWidgets.QDialog):
    """Choices and the live report of one import; :attr:`imported` is the import when accepted."""

    def __init__(self, path: Path, parent: QtWidgets.QWidget | None = None,
                 against: tuple[ExplicitLayout, float] | None = None) -> None:
        super().__init__(parent)
        self.against = against
        self.setWindowTitle(f"{'Re-import' if against else 'Import'} Pads - {path.name}")
        self.setObjectName("import_pads")
        self.path = path
        self.imported: ImportResult | None = None
        form = QtWidgets.QFormLayout()
        self.layer = _combo("import.layer")
        self.view = _combo("import.view")
        self.view.addItems(["top", "bottom"])
        self.a1 = _combo("import.a1")
        self.a1.addItems(["top-left", "top-right", "bottom-left", "bottom-right"])
        self.names = _combo("import.names")
        self.names.addItems(["auto", "grid", "source"])
        self.non_round = _combo("import.non_round")
        self.non_round.addItems(["refuse", "inscribed"])
        self.units = _combo("import.units")
        self.units.addItems(list(UNITS))
        form.addRow("Layer", self.layer)
        form.addRow("View (drawn from)", self.view)
        form.addRow("A1 corner (top view)", self.a1)
        form.addRow("Names", self.names)
        form.addRow("Non-round pads", self.non_round)
        form.addRow("Units", self.units)
        self.report = QtWidgets.QPlainTextEdit()
        self.report.setObjectName("import.report")
        self.report.setReadOnly(True)
        self.report.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        self.report.setMinimumSize(560, 260)
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        box = QtWidgets.QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.report)
        box.addWidget(self.buttons)
        self._fill_layers()
        for w in (self.layer, self.view, self.a1, self.names, self.non_round, self.units):
            w.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def _fill_layers(self) -> None:
        from geometry.fileio.importers import read_source

        try:
            source = read_source(self.path)
        except DesignError:
            source = None
        if source is not None:
            for name, pads in source.layers.items():
                self.layer.addItem(f"{name} ({len(pads)} pads)", name)
            best = max(range(self.layer.count()), key=lambda i: len(source.layers[self.layer.itemData(i)]),
                       default=0)
            self.layer.setCurrentIndex(best)

    def options(self) -> ImportOptions:
        """The choices as import options."""
        units = self.units.currentText()
        return ImportOptions(layer=self.layer.currentData(), units=None if units == UNITS[0] else units,
                             recognition=Recognition(view=self.view.currentText(),  # type: ignore[arg-type]
                                                     a1=self.a1.currentText(),  # type: ignore[arg-type]
                                                     naming=self.names.currentText()),  # type: ignore[arg-type]
                             non_round=self.non_round.currentText())

    def refresh(self) -> None:
        """Import again with the current choices and show the report (or why it failed)."""
        ok_button = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        try:
            self.imported = import_layout(self.path, self.options())
        except DesignError as e:
            self.imported = None
            self.report.setPlainText(f"Cannot import:\n{e}")
            ok_button.setEnabled(False)
            return
        lines = self.imported.report_lines()
        if self.against is not None:
            old, old_pad = self.against
            changes = site_changes(old, self.imported.layout, old_pad, self.imported.recognised.pad_mm)
            lines = ["changes against the design:", *changes.lines(), "", *lines]
        self.report.setPlainText("\n".join(lines))
        ok_button.setEnabled(True)
