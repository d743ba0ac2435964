"""The program's toolbar: which actions it shows, in order, and their icons (SVG files in resources/icons/)."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtGui

ICONS = {
    "file.open": "open", "file.save": "save", "file.export": "export", "tools.select": "select",
    "tools.add": "add-site", "tools.measure": "measure", "tools.cut": "cut-line", "view.fit": "fit",
    "view.zoom_in": "zoom-in", "view.zoom_out": "zoom-out", "view.zoom_selection": "zoom-selection",
    "view.zoom_findings": "findings", "view.clear_rulers": "clear-rulers", "edit.undo": "undo", "edit.redo": "redo",
}
"""Toolbar and menu icons: SVG files drawn for this program in resources/icons/."""

TOOLBAR: tuple[str | None, ...] = (
    "file.open", "file.save", "file.export", None, "tools.select", "tools.add", "tools.measure", "tools.cut",
    None, "view.fit", "view.zoom_selection", "view.zoom_findings", "view.zoom_in", "view.zoom_out",
    "view.clear_rulers", None, "edit.undo", "edit.redo",
)


def icon_folder() -> Path:
    """resources/icons beside the program (a source checkout) or in the installed resources package."""
    here = Path(__file__).resolve().parent.parent / "resources" / "icons"
    if here.is_dir():
        return here
    from geometry.base.resources import resource_path

    return resource_path("icons")


def icon(name: str) -> QtGui.QIcon:
    """One of the program's icons (an empty icon when the file is missing)."""
    p = icon_folder() / f"{name}.svg"
    return QtGui.QIcon(str(p)) if p.exists() else QtGui.QIcon()
