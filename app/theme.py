"""Light and dark window themes: a palette for the widgets (the Fusion style follows it everywhere).

The drawing keeps its own canvas colours (app.style): masks are read dark-on-light like a printed drawing, and
the check colours keep their meaning; the theme changes the panels, menus, tables and dialogs around it.
"""

from __future__ import annotations

from PySide6 import QtGui, QtWidgets

DARK = {
    "Window": "#2b2b2b", "WindowText": "#e6e6e6", "Base": "#1f1f1f", "AlternateBase": "#2f2f2f",
    "ToolTipBase": "#3a3a3a", "ToolTipText": "#f0f0f0", "Text": "#e6e6e6", "Button": "#353535",
    "ButtonText": "#e6e6e6", "BrightText": "#ff6060", "Highlight": "#2f7fd0", "HighlightedText": "#ffffff",
    "PlaceholderText": "#9a9a9a", "Link": "#6fb0ff",
}


def palette(theme: str) -> QtGui.QPalette:
    """The palette of a theme ("light": the style's standard palette)."""
    app = QtWidgets.QApplication.instance()
    style = app.style() if isinstance(app, QtWidgets.QApplication) else None
    base = style.standardPalette() if style is not None else QtGui.QPalette()
    if theme != "dark":
        return base
    pal = QtGui.QPalette(base)
    for role, colour in DARK.items():
        pal.setColor(getattr(QtGui.QPalette.ColorRole, role), QtGui.QColor(colour))
    for role in ("Text", "WindowText", "ButtonText"):
        pal.setColor(QtGui.QPalette.ColorGroup.Disabled, getattr(QtGui.QPalette.ColorRole, role),
                     QtGui.QColor("#7a7a7a"))
    return pal


def apply_theme(theme: str) -> None:
    """Use a theme for the whole application."""
    app = QtWidgets.QApplication.instance()
    if isinstance(app, QtWidgets.QApplication):
        app.setPalette(palette(theme))
