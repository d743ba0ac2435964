"""The one document: the design being edited, its file, its selection and its history. No Qt here.

Views subscribe to the events; widgets change the design only through :meth:`Document.apply`, which records a
command, so everything the user does can be undone and the title bar knows when there is unsaved work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from app.commands import Command, CommandStack
from app.events import Event
from geometry.model.design import Design


class Document:
    """The design being edited. ``design_changed`` fires with the new design after every change."""

    def __init__(self, design: Design, path: Path | None = None) -> None:
        self._design = design
        self._path = path
        self._selection: frozenset[str] = frozenset()
        self.stack = CommandStack()
        self.design_changed = Event[[Design]]()
        self.selection_changed = Event[[frozenset[str]]]()
        self.path_changed = Event[[Path | None]]()
        self.stack.changed.connect(self._on_stack)
        self.dirty_changed = Event[[bool]]()
        self._last_dirty = False

    # -- the design ----------------------------------------------------------------------------------------
    @property
    def design(self) -> Design:
        """The current design."""
        return self._design

    def apply(self, name: str, change: Callable[[Design], Design]) -> Design:
        """Apply an edit as an undoable command named ``name``. DesignError propagates and changes nothing."""
        before = self._design
        after = change(before)
        if after == before:
            return before
        self._set(after)
        self.stack.push(Command(name, before, after))
        return after

    def undo(self) -> None:
        """Go back one command."""
        c = self.stack.undo()
        if c is not None:
            self._set(c.before)

    def redo(self) -> None:
        """Re-apply one command."""
        c = self.stack.redo()
        if c is not None:
            self._set(c.after)

    def replace(self, design: Design, path: Path | None) -> None:
        """Start over with another design (New, Open): history cleared, clean."""
        self._path = path
        self.stack.clear()
        self._set(design)
        self.set_selection(())
        self.path_changed.emit(path)

    def _set(self, design: Design) -> None:
        self._design = design
        alive = self._selection
        if alive:
            sites = design.sites()
            kept = frozenset(n for n in alive if sites.has(n))
            if kept != alive:
                self._selection = kept
                self.selection_changed.emit(kept)
        self.design_changed.emit(design)

    # -- file state ----------------------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        """The file the design was opened from or saved to."""
        return self._path

    def mark_saved(self, path: Path) -> None:
        """The design has been written to ``path``."""
        self._path = path
        self.stack.set_clean()
        self.path_changed.emit(path)

    def mark_never_saved(self) -> None:
        """A new design that exists in no file yet (a derived rework mask): unsaved until Save As."""
        self.stack.set_never_saved()

    @property
    def dirty(self) -> bool:
        """Whether there are unsaved changes."""
        return not self.stack.is_clean

    def _on_stack(self) -> None:
        d = self.dirty
        if d != self._last_dirty:
            self._last_dirty = d
            self.dirty_changed.emit(d)

    # -- selection (view state: not part of the design, not undoable) -----------------------------------------
    @property
    def selection(self) -> frozenset[str]:
        """Names of the selected sites."""
        return self._selection

    def set_selection(self, names: Iterable[str]) -> None:
        """Select exactly these sites."""
        s = frozenset(names)
        if s != self._selection:
            self._selection = s
            self.selection_changed.emit(s)
