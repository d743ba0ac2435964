"""The command stack: every edit of the design is a named transition, undone by going back.

Designs are immutable values, so a command only needs the design before and after; undo and redo are exact and
cheap. The stack knows nothing of Qt (glue's core/command.py is the model); the Edit menu reads its texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.events import Event
from geometry.model.design import Design


@dataclass(frozen=True)
class Command:
    """One edit: its name as the Edit menu shows it, and the design before and after."""

    name: str
    before: Design
    after: Design


class CommandStack:
    """Undo/redo history with a clean mark (the state last saved)."""

    def __init__(self, limit: int = 500) -> None:
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self._limit = limit
        self._clean: int | None = 0  # len(_done) at the last save; None when unreachable
        self.changed = Event[[]]()

    def push(self, command: Command) -> None:
        """Record a command that has been applied."""
        self._done.append(command)
        self._undone.clear()
        if self._clean is not None and self._clean > len(self._done) - 1:
            self._clean = None  # the saved state was on the redo branch, now gone
        if len(self._done) > self._limit:
            self._done.pop(0)
            self._clean = None if self._clean in (None, 0) else self._clean - 1
        self.changed.emit()

    def set_never_saved(self) -> None:
        """No state of this history is on disk (a design made by a command, not yet saved): dirty until saved."""
        self._clean = None
        self.changed.emit()

    def undo(self) -> Command | None:
        """Take back the last command; returns it (its ``before`` is the design to show) or None."""
        if not self._done:
            return None
        c = self._done.pop()
        self._undone.append(c)
        self.changed.emit()
        return c

    def redo(self) -> Command | None:
        """Re-apply the last undone command; returns it (its ``after`` is the design to show) or None."""
        if not self._undone:
            return None
        c = self._undone.pop()
        self._done.append(c)
        self.changed.emit()
        return c

    @property
    def can_undo(self) -> bool:
        """Whether there is something to undo."""
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        """Whether there is something to redo."""
        return bool(self._undone)

    @property
    def undo_text(self) -> str:
        """Name of the command undo would take back ('' when none)."""
        return self._done[-1].name if self._done else ""

    @property
    def redo_text(self) -> str:
        """Name of the command redo would re-apply ('' when none)."""
        return self._undone[-1].name if self._undone else ""

    def set_clean(self) -> None:
        """Mark the current state as saved."""
        self._clean = len(self._done)
        self.changed.emit()

    @property
    def is_clean(self) -> bool:
        """Whether the design equals the last saved one (by history position)."""
        return self._clean == len(self._done)

    def clear(self) -> None:
        """Forget the history (a new or opened design)."""
        self._done.clear()
        self._undone.clear()
        self._clean = 0
        self.changed.emit()
