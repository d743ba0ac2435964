"""Controls bound to one field of the design each: a typed value, a choice, an on/off switch.

Every control follows the same contract (house style 2 and 3): it reads its value from the design with
``spec.get``, writes the user's input back only through ``document.apply(name, fn)`` where ``fn`` is
``spec.set`` (a pure Design -> Design edit), and refreshes itself from ``design_changed`` with its signals blocked
so that no echo loop starts. While the user types, the candidate design is built and validated; a value that
would make an invalid design is refused with the DesignError message shown in red under the field, and the
design stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ParamSpec

import shiboken6
from PySide6.QtCore import QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QLineEdit, QSizePolicy, QWidget

from app.document import Document
from app.events import Event
from app.units import LengthUnit, format_angle, format_length, format_number, length_text, parse_length, parse_number
from geometry.base.errors import DesignError
from geometry.model.design import Design

P = ParamSpec("P")

ERROR_COLOUR = "#c62828"
FIELD_WIDTH = 104


def connect_event(owner: QObject, event: Event[P], callback: Callable[P, None]) -> None:
    """Connect a Qt-free document event to a widget's method for as long as the widget lives.

    The document outlives its widgets; without this, a closed panel would still be called (and touch a deleted
    C++ object) on the next edit.
    """

    def call(*args: P.args, **kwargs: P.kwargs) -> None:
        if shiboken6.isValid(owner):
            callback(*args, **kwargs)

    event.connect(call)
    owner.destroyed.connect(lambda *_: event.disconnect(call))


def user_message(error: Exception) -> str:
    """The sentence shown next to a refused field: the DesignError's problem, capitalised."""
    text = error.problem if isinstance(error, DesignError) else str(error)
    return text[:1].upper() + text[1:]


class ValueKind(StrEnum):
    """How a field's text maps to a model value."""

    LENGTH = "length"  # mm in the model, shown in the display unit
    OPTIONAL_LENGTH = "optional-length"  # empty text means None (derived)
    ANGLE = "angle"  # degrees
    NUMBER = "number"  # a plain float (ratios, factors)
    COUNT = "count"  # a whole number
    TEXT = "text"


@dataclass(frozen=True)
class FieldSpec:
    """One design field: where it lives (``get``/``set``), how it reads, and what its command is called.

    ``name`` completes the command name "Set <name> to <value>"; ``suffix`` is the unit of a NUMBER field
    (e.g. times D); ``placeholder`` shows what an empty OPTIONAL_LENGTH field stands for.
    """

    key: str
    label: str
    name: str
    kind: ValueKind
    get: Callable[[Design], Any]
    set: Callable[[Design, Any], Design]
    suffix: str = ""
    tooltip: str = ""
    placeholder: Callable[[Design, LengthUnit], str] | None = None


class _LineEdit(QLineEdit):
    """A line edit that reports Escape, so the field can go back to the design's value."""

    escaped = Signal()
    focus_lost = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        """Escape reverts; everything else as usual."""
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        """Tell the field (it commits or keeps the refusal visible)."""
        super().focusOutEvent(event)
        self.focus_lost.emit()


class ValueField(QWidget):
    """A typed value: line edit, unit, and a red message line under it when the input is refused."""

    def __init__(self, document: Document, spec: FieldSpec, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.spec = spec
        self.unit = unit
        self._shown = ""
        self.setObjectName(spec.key)
        self.edit = _LineEdit(self)
        self.edit.setObjectName(f"{spec.key}.edit")
        self.edit.setFixedWidth(FIELD_WIDTH if spec.kind is not ValueKind.TEXT else FIELD_WIDTH + 40)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight if spec.kind is not ValueKind.TEXT
                               else Qt.AlignmentFlag.AlignLeft)
        unit_hint = " (mm or µm may be typed after the number)" if spec.kind in (
            ValueKind.LENGTH, ValueKind.OPTIONAL_LENGTH) else ""
        self._tip = (spec.tooltip or spec.label) + f". Enter applies, Escape reverts{unit_hint}."
        self.edit.setToolTip(self._tip)
        # a number field: a letter typed there that cannot continue the number is a command (app.shortcuts)
        self.edit.setProperty("numeric", spec.kind is not ValueKind.TEXT)
        self.unit_label = QLabel(self)
        self.unit_label.setMinimumWidth(34)
        self.unit_label.setStyleSheet("color: #555;")
        self.error = QLabel(self)
        self.error.setObjectName(f"{spec.key}.error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.error.hide()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(1)
        grid.addWidget(self.edit, 0, 0)
        grid.addWidget(self.unit_label, 0, 1)
        grid.setColumnStretch(2, 1)
        grid.addWidget(self.error, 1, 0, 1, 3)
        self.edit.textEdited.connect(self._validate)
        self.edit.returnPressed.connect(self.commit)
        self.edit.focus_lost.connect(self.commit)
        self.edit.escaped.connect(lambda: self.refresh(self.document.design))
        self._update_unit_label()
        self.refresh(document.design)

    # -- model -> widget -----------------------------------------------------------------------------------
    def set_unit(self, unit: LengthUnit) -> None:
        """Show lengths in another unit (the design is untouched)."""
        self.unit = unit
        self._update_unit_label()
        self.refresh(self.document.design)

    def _update_unit_label(self) -> None:
        kind = self.spec.kind
        if kind in (ValueKind.LENGTH, ValueKind.OPTIONAL_LENGTH):
            self.unit_label.setText(self.unit.symbol)
        elif kind is ValueKind.ANGLE:
            self.unit_label.setText("°")
        else:
            self.unit_label.setText(self.spec.suffix)

    def format(self, value: Any) -> str:
        """The model value as field text."""
        kind = self.spec.kind
        if value is None:
            return ""
        if kind in (ValueKind.LENGTH, ValueKind.OPTIONAL_LENGTH):
            return length_text(float(value), self.unit)
        if kind is ValueKind.ANGLE:
            return format_number(float(value), 3)
        if kind is ValueKind.NUMBER:
            return format_number(float(value), 4, 1)
        return str(value)

    def refresh(self, design: Design) -> None:
        """Show the design's value; signals blocked so nothing is written back.

        A field already showing exactly this (its text, no refusal, the same placeholder) is left alone: every
        edit refreshes every field, and the Qt calls of forty unchanged fields cost an edit milliseconds.
        """
        shown = self.format(self.spec.get(design))
        placeholder = self.spec.placeholder(design, self.unit) if self.spec.placeholder is not None else None
        if (shown == self._shown and self.edit.text() == shown and self.error.isHidden()
                and (placeholder is None or placeholder == self.edit.placeholderText())):
            return
        self._shown = shown
        with QSignalBlocker(self.edit):
            self.edit.setText(self._shown)
            self.edit.setCursorPosition(0)
            if placeholder is not None:
                self.edit.setPlaceholderText(placeholder)
        self._show_error(None)

    # -- widget -> model -----------------------------------------------------------------------------------
    def parse(self, text: str) -> Any:
        """Field text as a model value; ValueError with a readable message when it is not one."""
        kind = self.spec.kind
        if kind is ValueKind.TEXT:
            return text.strip()
        if kind is ValueKind.OPTIONAL_LENGTH and not text.strip():
            return None
        if kind in (ValueKind.LENGTH, ValueKind.OPTIONAL_LENGTH):
            return parse_length(text, self.unit)
        if kind is ValueKind.COUNT:
            v = parse_number(text)
            if v != int(v):
                raise ValueError("must be a whole number")
            return int(v)
        return parse_number(text)

    def describe(self, value: Any) -> str:
        """The value as it reads in a command name."""
        kind = self.spec.kind
        if value is None:
            return "automatic"
        if kind in (ValueKind.LENGTH, ValueKind.OPTIONAL_LENGTH):
            return format_length(float(value), self.unit)
        if kind is ValueKind.ANGLE:
            return format_angle(float(value))
        if kind is ValueKind.NUMBER:
            return f"{format_number(float(value), 4)}{' ' + self.spec.suffix if self.spec.suffix else ''}"
        return str(value)

    def _candidate(self, text: str) -> tuple[Any, Design | None, str | None]:
        """(value, the design it would make, or the message why not)."""
        try:
            value = self.parse(text)
            return value, self.spec.set(self.document.design, value), None
        except (DesignError, ValueError, TypeError) as e:
            return None, None, user_message(e)

    def _validate(self, text: str) -> None:
        """As the user types: show at once whether the value would be accepted."""
        _, _, problem = self._candidate(text)
        self._show_error(problem)

    def commit(self) -> None:
        """Enter (or leaving the field): apply the value as one undoable command, or keep it refused."""
        text = self.edit.text()
        if text == self._shown:
            self._show_error(None)
            return
        value, _, problem = self._candidate(text)
        if problem is not None:
            self._show_error(problem)
            return
        name = f"Set {self.spec.name} to {self.describe(value)}"
        try:
            after = self.document.apply(name, lambda d: self.spec.set(d, value))
        except (DesignError, ValueError) as e:
            self._show_error(user_message(e))
            return
        self.refresh(after)  # a no-op edit does not fire design_changed; normalise the text anyway

    def _show_error(self, problem: str | None) -> None:
        self.error.setText(problem or "")
        self.error.setVisible(problem is not None)
        self.edit.setStyleSheet(f"QLineEdit {{ border: 1px solid {ERROR_COLOUR}; background: #fff3f3; }}"
                                if problem is not None else "")
        self.edit.setToolTip(problem if problem is not None else self._tip)

    @property
    def problem(self) -> str | None:
        """The message currently shown (None when the input is accepted)."""
        return self.error.text() if self.error.isVisibleTo(self) else None


@dataclass(frozen=True)
class ChoiceSpec:
    """A choice among fixed values: ``options`` as (value, label) pairs."""

    key: str
    label: str
    name: str
    options: Sequence[tuple[Any, str]]
    get: Callable[[Design], Any]
    set: Callable[[Design, Any], Design]
    tooltip: str = ""


class ChoiceField(QComboBox):
    """A combo box bound to one design field; a refused choice snaps back and reports why."""

    refused = Signal(str)

    def __init__(self, document: Document, spec: ChoiceSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.spec = spec
        self.setObjectName(spec.key)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(FIELD_WIDTH + 40)
        for value, label in spec.options:
            self.addItem(label, value)
        self.setToolTip(spec.tooltip or spec.label)
        self.currentIndexChanged.connect(self._on_index)
        self.refresh(document.design)

    def refresh(self, design: Design) -> None:
        """Select the design's value with signals blocked."""
        value = self.spec.get(design)
        with QSignalBlocker(self):
            for i, (v, _) in enumerate(self.spec.options):
                if v == value:
                    self.setCurrentIndex(i)
                    break
            else:
                self.setCurrentIndex(-1)

    def _on_index(self, index: int) -> None:
        if index < 0:
            return
        value, label = self.spec.options[index]
        try:
            self.document.apply(f"Set {self.spec.name} to {label}", lambda d: self.spec.set(d, value))
        except (DesignError, ValueError) as e:
            self.refresh(self.document.design)
            self.refused.emit(user_message(e))


class SwitchField(QCheckBox):
    """An on/off design field."""

    refused = Signal(str)

    def __init__(self, document: Document, key: str, text: str, name: str,
                 get: Callable[[Design], bool], set_: Callable[[Design, bool], Design],
                 parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.document = document
        self.name = name
        self._get = get
        self._set = set_
        self.setObjectName(key)
        self.toggled.connect(self._on_toggled)
        self.refresh(document.design)

    def refresh(self, design: Design) -> None:
        """Show the design's value with signals blocked."""
        with QSignalBlocker(self):
            self.setChecked(bool(self._get(design)))

    def _on_toggled(self, on: bool) -> None:
        try:
            self.document.apply(f"Turn {self.name} {'on' if on else 'off'}", lambda d: self._set(d, on))
        except (DesignError, ValueError) as e:
            self.refresh(self.document.design)
            self.refused.emit(user_message(e))


class FieldGroup(QWidget):
    """A titled group of bound controls in an aligned form, with one message line for refused choices.

    Groups own their controls' refresh: the panel calls :meth:`refresh` on every design change and
    :meth:`set_unit` when the display unit changes.
    """

    def __init__(self, document: Document, title: str, unit: LengthUnit, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QFormLayout, QGroupBox, QVBoxLayout

        super().__init__(parent)
        self.document = document
        self.unit = unit
        self.box = QGroupBox(title, self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.box)
        self.form = QFormLayout(self.box)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(5)
        self.values: dict[str, ValueField] = {}
        self.choices: dict[str, ChoiceField] = {}
        self.switches: dict[str, SwitchField] = {}
        self.message = QLabel(self.box)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message.setObjectName(f"{title}.message")
        self.message.hide()

    def finish(self) -> None:
        """Put the message line last (call after the rows are added)."""
        self.form.addRow(self.message)

    def add_value(self, spec: FieldSpec) -> ValueField:
        """A typed-value row."""
        field = ValueField(self.document, spec, self.unit, self.box)
        self.values[spec.key] = field
        self.form.addRow(spec.label, field)
        return field

    def add_choice(self, spec: ChoiceSpec) -> ChoiceField:
        """A choice row; refusals show on the group's message line."""
        field = ChoiceField(self.document, spec, self.box)
        field.refused.connect(self.show_message)
        self.choices[spec.key] = field
        self.form.addRow(spec.label, field)
        return field

    def add_switch(self, field: SwitchField) -> SwitchField:
        """An on/off row."""
        field.refused.connect(self.show_message)
        self.switches[field.objectName()] = field
        self.form.addRow("", field)
        return field

    def show_message(self, text: str | None) -> None:
        """Show (or clear, with None) the group's message."""
        self.message.setText(text or "")
        self.message.setVisible(bool(text))

    def set_row_visible(self, field: QWidget, visible: bool) -> None:
        """Show or hide a row (label and field) of the form."""
        self.form.setRowVisible(field, visible)

    def refresh(self, design: Design) -> None:
        """Every control shows the design; a stale message goes away."""
        for v in self.values.values():
            v.refresh(design)
        for c in self.choices.values():
            c.refresh(design)
        for s in self.switches.values():
            s.refresh(design)
        self.show_message(None)

    def set_unit(self, unit: LengthUnit) -> None:
        """Lengths in another unit."""
        self.unit = unit
        for v in self.values.values():
            v.set_unit(unit)
