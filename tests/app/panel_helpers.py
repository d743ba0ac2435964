"""Driving the property panel like a user: find a field by its design path, type into it, press Enter."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.panels.fields import ChoiceField, ValueField
from app.panels.properties import PropertyPanel


def value(panel: PropertyPanel, key: str) -> ValueField:
    """The numeric field bound to ``key`` (e.g. ``"mask.thickness_mm"``)."""
    f = panel.field(key)
    assert isinstance(f, ValueField)
    return f


def choice(panel: PropertyPanel, key: str) -> ChoiceField:
    """The choice field bound to ``key``."""
    f = panel.field(key)
    assert isinstance(f, ChoiceField)
    return f


def type_into(qtbot, field: ValueField, text: str, enter: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Select the field's text, type over it, and press Enter."""
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, text)
    if enter:
        qtbot.keyClick(field.edit, Qt.Key.Key_Return)
