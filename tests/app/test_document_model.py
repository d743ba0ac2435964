"""The Qt-free document and command stack: every edit undoable, dirty state exact, selection kept valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.document import Document
from geometry.base.errors import DesignError
from geometry.model import operations as ops
from geometry.model.design import example_grid_design
from geometry.model.profiles import Stepped


def test_apply_undo_redo_and_menu_texts() -> None:
    doc = Document(example_grid_design(rows=3, cols=3))
    seen: list[int] = []
    doc.design_changed.connect(lambda d: seen.append(int(d.sites().populated.sum())))
    doc.apply("Depopulate 2 sites", lambda d: ops.depopulate(d, ["A1", "A2"]))
    doc.apply("Depopulate 1 site", lambda d: ops.depopulate(d, ["C3"]))
    assert seen == [7, 6]
    assert doc.stack.undo_text == "Depopulate 1 site"
    doc.undo()
    assert doc.stack.undo_text == "Depopulate 2 sites" and doc.stack.redo_text == "Depopulate 1 site"
    assert doc.design.sites().populated.sum() == 7
    doc.redo()
    assert doc.design.sites().populated.sum() == 6
    doc.undo()
    doc.undo()
    assert doc.design == example_grid_design(rows=3, cols=3)
    assert not doc.stack.can_undo and doc.stack.can_redo


def test_invalid_edit_changes_nothing() -> None:
    doc = Document(example_grid_design())
    before = doc.design
    with pytest.raises(DesignError):
        doc.apply("Set profile", lambda d: d.with_(profile=Stepped(1.0, 0.7)))
    assert doc.design is before and not doc.stack.can_undo and not doc.dirty


def test_no_op_edit_is_not_recorded() -> None:
    doc = Document(example_grid_design())
    doc.apply("Restore", lambda d: ops.restore(d, []))
    assert not doc.stack.can_undo


def test_dirty_follows_the_saved_position(tmp_path: Path) -> None:
    doc = Document(example_grid_design(rows=3, cols=3))
    events: list[bool] = []
    doc.dirty_changed.connect(events.append)
    doc.apply("Depopulate", lambda d: ops.depopulate(d, ["A1"]))
    assert doc.dirty
    doc.mark_saved(tmp_path / "a.ballmask")
    assert not doc.dirty
    doc.undo()
    assert doc.dirty  # undoing past the save makes it dirty again
    doc.redo()
    assert not doc.dirty
    doc.undo()
    doc.apply("Depopulate B1", lambda d: ops.depopulate(d, ["B1"]))
    assert doc.dirty  # the saved state is on a discarded branch
    doc.undo()
    assert doc.dirty
    assert events == [True, False, True, False, True]


def test_selection_drops_deleted_sites() -> None:
    doc = Document(example_grid_design(rows=3, cols=3))
    doc.set_selection(["A1", "B2"])
    got: list[frozenset[str]] = []
    doc.selection_changed.connect(got.append)
    doc.apply("Delete", lambda d: ops.delete_sites(d, ["A1"]))
    assert doc.selection == frozenset({"B2"}) and got == [frozenset({"B2"})]
