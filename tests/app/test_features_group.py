"""The properties of a strip (issue 16, item 2): the Generator row shows the carrier's form and the unit's
generator, and the fiducials and tooling holes are a table edited like a user would (type into a cell, pick from a
cell's list, Add and Remove buttons), each change one undoable command, a refused value a message that names the
field and the value, with the design left as it was."""

from __future__ import annotations

import pytest
from panel_helpers import choice, type_into, value
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QTableWidget

from app.document import Document
from app.panels.properties import PropertyPanel
from app.units import TIMES
from geometry.model.carrier_features import Face, FeatureKind
from geometry.model.design import example_grid_design
from geometry.model.layouts import CarrierForm, CarrierLayout, GridLayout, StaggeredLayout
from tests.geometry.carrier.features_design import strip


@pytest.fixture
def document() -> Document:
    return Document(strip())


@pytest.fixture
def panel(qtbot, document: Document, settings: QSettings) -> PropertyPanel:  # type: ignore[no-untyped-def]
    p = PropertyPanel(document, settings=settings)
    qtbot.addWidget(p)
    p.resize(520, 900)
    p.show()
    qtbot.waitExposed(p)
    return p


def edit_cell(qtbot, table: QTableWidget, row: int, col: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Double-click-edit a cell: select its text, type over it, press Enter."""
    table.setCurrentCell(row, col)
    table.editItem(table.item(row, col))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits a Return from the event loop (a queued call)


def test_generator_shows_the_form_and_the_unit_s_generator(qtbot, panel: PropertyPanel, document: Document) -> None:
    gen = choice(panel, "layout.kind")
    assert gen.currentText() == "Strip of units" and gen.isVisible()
    unit_kind = choice(panel, "carrier.unit.kind")
    assert unit_kind.currentText() == "Grid" and unit_kind.isVisible()
    assert value(panel, "carrier.unit.rows").edit.text() == "3"  # the unit is 3 x 3 balls at 0.5 mm
    assert not value(panel, "layout.rows").isVisible()  # the carrier itself has no rows of sites
    summary = panel.layout_group.carrier.summary.text()
    assert f"2 {TIMES} 4 units" in summary and "8 kept" in summary
    gen.setCurrentIndex(gen.findText("Panel of units"))
    lay = document.design.layout
    assert isinstance(lay, CarrierLayout) and lay.form is CarrierForm.PANEL and lay.unit_rows == 2
    assert document.stack.undo_text == "Set site generator to Panel of units"
    type_into(qtbot, value(panel, "carrier.unit.rows"), "4")
    lay = document.design.layout
    assert isinstance(lay, CarrierLayout) and isinstance(lay.unit, GridLayout) and lay.unit.rows == 4
    assert len(document.design.sites()) == 8 * 4 * 3
    unit_kind.setCurrentIndex(unit_kind.findText("Staggered"))
    lay = document.design.layout
    assert isinstance(lay, CarrierLayout) and isinstance(lay.unit, StaggeredLayout)
    assert (lay.unit.rows, lay.unit.cols, lay.unit.pitch_x_mm) == (4, 3, 0.5)
    for _ in range(3):
        document.undo()
    lay = document.design.layout
    assert isinstance(lay, CarrierLayout) and lay.form is CarrierForm.STRIP and lay.unit == GridLayout(3, 3, 0.5)
    assert gen.currentText() == "Strip of units"


def test_a_grid_design_is_refused_a_strip_and_shows_no_carrier_rows(qtbot, settings: QSettings) -> None:
    doc = Document(example_grid_design(rows=4, cols=4))
    p = PropertyPanel(doc, settings=settings)
    qtbot.addWidget(p)
    p.show()
    assert not choice(p, "carrier.unit.kind").isVisible() and not p.features_group.isVisible()
    gen = choice(p, "layout.kind")
    before = doc.design
    gen.setCurrentIndex(gen.findText("Strip of units"))
    assert doc.design is before and gen.currentText() == "Grid"
    assert "File > New" in p.layout_group.message.text()


def test_feature_table_lists_every_feature(panel: PropertyPanel, document: Document) -> None:
    table = panel.features_group.table
    feats = document.design.features
    assert panel.features_group.isVisible() and table.rowCount() == len(feats) == 4
    assert [table.item(r, 0).text() for r in range(4)] == ["T1", "T2", "F1", "F2"]
    assert [table.item(r, 2).text() for r in range(4)] == ["-25.00", "25.00", "-25.00", "25.00"]
    kinds = [table.cellWidget(r, 1).currentText() for r in range(4)]
    assert kinds == ["Hole", "Hole", "Fid. upper", "Fid. lower"]
    assert table.item(3, 5).text() == "0.05"  # F2 50 um deep; F1 empty (half the sheet)
    assert table.item(2, 5).text() == ""
    assert not table.item(0, 5).flags() & Qt.ItemFlag.ItemIsEditable  # a hole goes through: no depth
    assert table.horizontalScrollBar().maximum() == 0  # the columns fit the panel


def test_edit_a_cell_is_one_undoable_command(qtbot, panel: PropertyPanel, document: Document) -> None:
    table = panel.features_group.table
    edit_cell(qtbot, table, 0, 2, "-24.5")
    assert document.design.features[0].x_mm == pytest.approx(-24.5)
    assert document.stack.undo_text == "Set T1 x to -24.50 mm"
    edit_cell(qtbot, table, 2, 5, "60 um")
    assert document.design.features[2].depth_mm == pytest.approx(0.06)
    edit_cell(qtbot, table, 1, 0, "T9")
    assert document.design.features[1].name == "T9"
    face = table.cellWidget(3, 1)
    assert isinstance(face, QComboBox)
    face.setCurrentIndex(face.findText("Fid. upper"))
    assert document.design.features[3].face is Face.UPPER
    assert document.stack.undo_text == "Set F2 kind to upper fiducial"
    kind = table.cellWidget(2, 1)
    kind.setCurrentIndex(kind.findText("Hole"))
    f = document.design.features[2]
    assert f.kind is FeatureKind.TOOLING_HOLE and f.depth_mm is None  # a hole goes through
    for _ in range(5):
        document.undo()
    assert document.design == strip()
    assert table.item(0, 2).text() == "-25.00" and table.item(1, 0).text() == "T2"


@pytest.mark.parametrize(("row", "col", "text", "words"), [
    (0, 4, "30", "diameter_mm"),  # more than 20 mm: a unit typo
    (1, 0, "t1", "is the name of another feature"),  # names are compared case-insensitively
    (2, 3, "abc", "is not a number"),
    (3, 5, "-0.01", "depth_mm"),
])
def test_refused_value_changes_nothing_and_says_why(qtbot, panel: PropertyPanel, document: Document, row: int,
                                                     col: int, text: str, words: str) -> None:
    table = panel.features_group.table
    before = document.design
    shown = table.item(row, col).text()
    edit_cell(qtbot, table, row, col, text)
    assert document.design is before and document.stack.undo_text != f"Set {text}"
    message = panel.features_group.message
    assert message.isVisible() and words in message.text()
    assert text.strip("-") in message.text() or words.startswith("is the name")
    assert table.item(row, col).text() == shown  # the cell snapped back


def test_add_and_remove(qtbot, panel: PropertyPanel, document: Document) -> None:
    g = panel.features_group
    qtbot.mouseClick(g.add_fiducial, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(g.add_hole, Qt.MouseButton.LeftButton)
    feats = document.design.features
    assert [f.name for f in feats[4:]] == ["F3", "T3"]
    assert feats[4].kind is FeatureKind.FIDUCIAL and feats[5].kind is FeatureKind.TOOLING_HOLE
    assert (feats[4].diameter_mm, feats[5].diameter_mm) == (1.0, 2.0)
    assert g.table.rowCount() == 6 and document.stack.undo_text == "Add tooling hole T3"
    g.table.selectRow(0)
    assert g.remove.isEnabled()
    qtbot.mouseClick(g.remove, Qt.MouseButton.LeftButton)
    assert [f.name for f in document.design.features] == ["T2", "F1", "F2", "F3", "T3"]
    assert document.stack.undo_text == "Remove T1"
    document.undo()
    assert document.design.features[0].name == "T1" and g.table.rowCount() == 6
