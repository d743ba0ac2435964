"""Keyboard shortcuts that behave as in a CAD tool: they work wherever focus is and never type into a field.

Three pieces:

* :func:`key_sequences` turns a shortcut string of the action table into every binding the platform has for it
  (``std:Redo`` is Ctrl+Shift+Z *and* Ctrl+Y on most desktops), with the usual fallbacks where a platform theme
  defines none (Quit is Ctrl+Q; Preferences is Ctrl+,).
* :class:`FocusKeeper`, an application event filter: a key that is one of the window's shortcuts goes to its
  action even while a field has focus (a bare letter only from a field that takes numbers, where a letter cannot
  be meant as input; a Ctrl or Alt chord from any field unless it is the field's own editing key such as Copy or
  Undo); and Enter or Escape in a field hands focus back to the drawing, so the next key is a shortcut again.
* :class:`ShortcutsDialog`, Help > Keyboard Shortcuts (Ctrl+F1 as in KiCad): every action with its keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from PySide6 import QtCore, QtGui, QtWidgets

FALLBACKS: dict[str, tuple[str, ...]] = {
    "Quit": ("Ctrl+Q",),
    "Preferences": ("Ctrl+,",),
    "Close": ("Ctrl+W",),
    "Find": ("Ctrl+F",),
}
"""Bindings used when the platform theme gives a standard key none (e.g. Quit outside a desktop session)."""

EXTRA: dict[str, tuple[str, ...]] = {"Redo": ("Ctrl+Y", "Ctrl+Shift+Z"), "ZoomIn": ("Ctrl+=",)}
"""Bindings added to the platform's: Ctrl+Y redoes as in KiCad and KLayout wherever Ctrl+Shift+Z is the rule."""

FIELD_KEYS = (
    QtGui.QKeySequence.StandardKey.Undo, QtGui.QKeySequence.StandardKey.Redo, QtGui.QKeySequence.StandardKey.Copy,
    QtGui.QKeySequence.StandardKey.Cut, QtGui.QKeySequence.StandardKey.Paste,
    QtGui.QKeySequence.StandardKey.SelectAll, QtGui.QKeySequence.StandardKey.Delete,
)
"""Keys a text field keeps for itself: editing the text in it, not the design."""

NUMERIC_PROPERTY = "numeric"
"""Dynamic property (True) of a QLineEdit that only takes numbers; spin boxes are numeric by their type."""


def key_sequences(shortcut: str | None) -> list[QtGui.QKeySequence]:
    """Every key sequence of a shortcut string (``std:Name`` is a standard key, ``A|B`` lists several)."""
    if not shortcut:
        return []
    out: list[QtGui.QKeySequence] = []
    for part in shortcut.split("|"):
        if part.startswith("std:"):
            name = part[4:]
            key = getattr(QtGui.QKeySequence.StandardKey, name)
            seqs = list(QtGui.QKeySequence.keyBindings(key))
            if not seqs:
                seqs = [QtGui.QKeySequence(s) for s in FALLBACKS.get(name, ())]
            seqs += [QtGui.QKeySequence(s) for s in EXTRA.get(name, ())]
        else:
            seqs = [QtGui.QKeySequence(part)]
        for s in seqs:
            if not s.isEmpty() and s not in out:
                out.append(s)
    return out


def release_shortcuts(window: QtWidgets.QWidget) -> None:
    """Make a closing window's application-wide shortcuts window-wide again.

    A closed window lives on until Qt deletes it; its shortcuts must not answer in the meantime, nor make the
    same keys of another open window ambiguous.
    """
    for a in window.findChildren(QtGui.QAction):
        if a.shortcutContext() == QtCore.Qt.ShortcutContext.ApplicationShortcut:
            a.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)


def native_text(seqs: Iterable[QtGui.QKeySequence]) -> str:
    """The keys as the user reads them: ``Ctrl+Shift+Z, Ctrl+Y``."""
    return ", ".join(s.toString(QtGui.QKeySequence.SequenceFormat.NativeText) for s in seqs)


def _event_sequence(ev: QtGui.QKeyEvent) -> QtGui.QKeySequence:
    mods = ev.modifiers() & ~QtCore.Qt.KeyboardModifier.KeypadModifier
    return QtGui.QKeySequence(QtCore.QKeyCombination(mods, QtCore.Qt.Key(ev.key())))


def is_text_field(w: QtCore.QObject | None) -> bool:
    """A widget the user types into."""
    if isinstance(w, QtWidgets.QComboBox):
        return w.isEditable()
    return isinstance(w, (QtWidgets.QLineEdit, QtWidgets.QAbstractSpinBox, QtWidgets.QTextEdit,
                          QtWidgets.QPlainTextEdit))


_NUMBER_SO_FAR = re.compile(r"^\s*[-+]?[\d.,]+(e[-+]?\d*)?\s*(m|mm|u|um|µ|µm|d|de|deg)?\s*$", re.IGNORECASE)
"""Text a numeric field can hold while the user types: digits, an exponent, then a unit (0.3mm, 300um, 60deg)."""


def letter_is_input(w: QtWidgets.QWidget, letter: str) -> bool:
    """Whether a letter typed in a numeric field continues its number (an exponent, a unit) rather than being a
    command: "0.3" + "m" may become "0.3mm"; "" + "m", or "0.3" + "s", cannot be a number."""
    if not isinstance(w, QtWidgets.QLineEdit) or isinstance(w.parent(), QtWidgets.QAbstractSpinBox):
        return False
    text = w.text()
    if w.hasSelectedText():
        start = w.selectionStart()
        text = text[:start] + letter + text[start + len(w.selectedText()):]
    else:
        pos = w.cursorPosition()
        text = text[:pos] + letter + text[pos:]
    return bool(_NUMBER_SO_FAR.match(text))


def is_numeric_field(w: QtCore.QObject | None) -> bool:
    """A field that only takes numbers: a letter typed there can only be meant as a command."""
    if isinstance(w, QtWidgets.QAbstractSpinBox):
        return True
    if isinstance(w, QtWidgets.QLineEdit):
        parent = w.parent()
        if isinstance(parent, QtWidgets.QAbstractSpinBox):
            return True
        return bool(w.property(NUMERIC_PROPERTY))
    return False


def _refused(field: QtWidgets.QWidget) -> bool:
    """Whether the field shows a refusal (app.panels.fields.ValueField.problem): the user fixes it there."""
    try:
        owner = field.parent()
    except RuntimeError:  # deleted meanwhile
        return True
    return getattr(owner, "problem", None) is not None


class FocusKeeper(QtCore.QObject):
    """Application event filter for one main window: its shortcuts win over fields, Enter/Escape leave fields.

    ``actions()`` lists the window's actions (read at each key, so added actions count); ``home`` is the widget
    that gets focus back (the drawing). Only widgets of the window itself and of its floating docks are
    concerned: dialogs keep every key.
    """

    def __init__(self, window: QtWidgets.QMainWindow, actions: Callable[[], Iterable[QtGui.QAction]],
                 home: QtWidgets.QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._actions = actions
        self._home = home

    def _ours(self, w: QtWidgets.QWidget) -> bool:
        top = w.window()
        return top is self._window or (isinstance(top, QtWidgets.QDockWidget) and top.parent() is self._window)

    def action_for(self, ev: QtGui.QKeyEvent, field: QtWidgets.QWidget) -> QtGui.QAction | None:
        """The window action this key should run although ``field`` has focus (None: the field keeps it)."""
        if ev.key() in (QtCore.Qt.Key.Key_Shift, QtCore.Qt.Key.Key_Control, QtCore.Qt.Key.Key_Alt,
                        QtCore.Qt.Key.Key_Meta):
            return None
        seq = _event_sequence(ev)
        if any(ev.matches(k) for k in FIELD_KEYS):
            return None
        mods = ev.modifiers() & ~(QtCore.Qt.KeyboardModifier.KeypadModifier | QtCore.Qt.KeyboardModifier.ShiftModifier)
        chord = bool(mods) or QtCore.Qt.Key.Key_F1 <= ev.key() <= QtCore.Qt.Key.Key_F35
        if not chord:
            letter = bool(ev.text()) and ev.text().isalpha()
            if not (letter and is_numeric_field(field)) or letter_is_input(field, ev.text()):
                return None
        for a in self._actions():
            if a.isEnabled() and any(s.matches(seq) == QtGui.QKeySequence.SequenceMatch.ExactMatch
                                     for s in a.shortcuts()):
                return a
        return None

    def eventFilter(self, obj: QtCore.QObject, ev: QtCore.QEvent) -> bool:  # noqa: N802 (Qt override)
        t = ev.type()
        if t not in (QtCore.QEvent.Type.ShortcutOverride, QtCore.QEvent.Type.KeyPress) \
                or not isinstance(obj, QtWidgets.QWidget) or not isinstance(ev, QtGui.QKeyEvent) \
                or not is_text_field(obj) or not self._ours(obj):
            return False
        if ev.key() in (QtCore.Qt.Key.Key_Escape, QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
            return self._leaving_key(obj, ev, override=t == QtCore.QEvent.Type.ShortcutOverride)
        action = self.action_for(ev, obj)
        if action is None:
            return False
        if t == QtCore.QEvent.Type.ShortcutOverride:
            ev.accept()  # keep the shortcut map out of it: the action runs once, on the key press below
            return True
        action.trigger()
        if not ev.modifiers() & ~QtCore.Qt.KeyboardModifier.ShiftModifier:
            self.leave_field()  # a tool or view key typed in a field: the drawing is where the user works next
        return True

    def _leaving_key(self, field: QtWidgets.QWidget, ev: QtGui.QKeyEvent, *, override: bool) -> bool:
        """Escape and Enter in a field: the field handles the key (revert, commit), then the drawing gets focus."""
        if ev.key() == QtCore.Qt.Key.Key_Escape:
            if override:
                ev.accept()  # the field, not Select None, gets Escape: it reverts, then focus leaves it
                return True
            QtCore.QTimer.singleShot(0, self.leave_field)
        elif not override:
            # the field commits on this key first, then the drawing takes focus (a refused value keeps it)
            QtCore.QTimer.singleShot(0, lambda: None if _refused(field) else self.leave_field())
        return False

    def leave_field(self) -> None:
        """Focus back on the drawing (after Enter, Escape, or a tool chosen from a field)."""
        self._home.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)


class ShortcutsDialog(QtWidgets.QDialog):
    """Help > Keyboard Shortcuts: every command with its keys and what it does, filterable."""

    def __init__(self, rows: list[tuple[str, str, str, str]], parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.filter = QtWidgets.QLineEdit()
        self.filter.setPlaceholderText("Filter: command or key")
        self.filter.setClearButtonEnabled(True)
        self.table = QtWidgets.QTableWidget(len(rows), 4)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Menu", "Command", "Keys", "What it does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QtWidgets.QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.filter.textChanged.connect(self._filter)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(self.filter)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(760, 560)

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for r in range(self.table.rowCount()):
            cells = " ".join((self.table.item(r, c) or QtWidgets.QTableWidgetItem()).text() for c in range(4))
            self.table.setRowHidden(r, bool(needle) and needle not in cells.lower())


def shortcut_rows(actions: Iterable[tuple[str, QtGui.QAction]]) -> list[tuple[str, str, str, str]]:
    """(menu, command, keys, tip) for the actions that have keys, in menu order."""
    rows = []
    for menu, a in actions:
        if a.shortcuts():
            rows.append((menu, a.text().replace("&", "").removesuffix("..."), native_text(a.shortcuts()),
                         a.toolTip() if a.toolTip() != a.text().replace("&", "") else ""))
    return rows
