"""The Sites group on a wafer design, driven like a user: the wafer section, the die pattern, the counts.

Every typed value lands in ``document.design`` as one named, undoable command on the WaferLayout (or its die
pattern); a value that makes no valid design is refused with the DesignError's message under the field and the
design stays exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from panel_helpers import choice, type_into, value
from PySide6.QtCore import QSettings, Qt

from app.dialogs.templates import build_template
from app.document import Document
from app.panels.properties import PropertyPanel
from app.panels.wafer_group import check_die_fits
from geometry.model.design import Design, example_grid_design
from geometry.model.layouts import CentreVoid, GridLayout, StaggeredLayout
from geometry.model.layouts.wafer import KeepRule, WaferLayout, WaferMark, die_map


def wafer_design(**values: float) -> Design:
    """A 150 mm wafer of 5 mm dies, each a 4 x 4 grid at 0.4 mm (about 600 dies, 10,000 sites)."""
    return build_template("wafer", {"diameter_mm": 150.0, "die_rows": 4, "die_cols": 4, **values})


@pytest.fixture
def document() -> Document:
    return Document(wafer_design())


@pytest.fixture
def panel(qtbot, document: Document, settings: QSettings) -> PropertyPanel:
    p = PropertyPanel(document, settings=settings)
    qtbot.addWidget(p)
    p.show()
    return p


def wafer(document: Document) -> WaferLayout:
    layout = document.design.layout
    assert isinstance(layout, WaferLayout)
    return layout


def site_count(panel: PropertyPanel) -> int:
    return int(panel.layout_group.count.text().split()[0].replace(",", ""))


def dies_kept(panel: PropertyPanel) -> int:
    return int(panel.layout_group.wafer.dies.text().split()[0].replace(",", ""))


# -- what the section shows ------------------------------------------------------------------------------------
def test_wafer_design_shows_the_wafer_section_with_its_values(panel: PropertyPanel, document: Document) -> None:
    lay = wafer(document)
    assert panel.field("layout.kind").currentText() == "Wafer"  # type: ignore[attr-defined]
    section = panel.layout_group.wafer
    assert section.header.isVisibleTo(panel) and section.die_header.isVisibleTo(panel)
    assert choice(panel, "wafer.diameter_mm").currentText() == "150 mm"
    assert choice(panel, "wafer.mark").currentText() == "Notch"
    assert choice(panel, "wafer.keep").currentData() == KeepRule.SITES
    assert value(panel, "wafer.street_mm").edit.text() == "0.10"
    assert value(panel, "wafer.edge_exclusion_mm").edit.text() == "3.00"
    assert value(panel, "wafer.die_x_mm").edit.text() == "5.00"
    assert value(panel, "wafer.die_y_mm").edit.text() == ""  # square die
    assert value(panel, "wafer.die_y_mm").edit.placeholderText() == "= x (5.00)"
    assert value(panel, "wafer.die.rows").edit.text() == "4"
    assert value(panel, "wafer.die.pitch_x_mm").edit.text() == "0.40"
    assert value(panel, "wafer.notch_depth_mm").isVisibleTo(panel)
    assert not value(panel, "wafer.flat_length_mm").isVisibleTo(panel)
    # the plain array rows belong to grid designs, the CSV import would throw the wafer away
    assert not value(panel, "layout.rows").isVisibleTo(panel)
    assert not panel.layout_group.import_button.isVisibleTo(panel)
    # read-only counts, from the same geometry the views use
    dm = die_map(lay, document.design.pad)
    assert dies_kept(panel) == dm.n_kept > 0
    assert panel.layout_group.wafer.dies.text() == f"{dm.n_kept:,} of {len(dm):,} on the wafer"
    assert site_count(panel) == len(document.design.sites()) == dm.n_kept * 16
    assert panel.layout_group.wafer.die_kind.text() == "16 per die (grid)"


def test_grid_design_hides_the_wafer_section(qtbot, settings: QSettings) -> None:
    p = PropertyPanel(Document(example_grid_design(rows=4, cols=4)), settings=settings)
    qtbot.addWidget(p)
    p.show()
    assert not p.layout_group.wafer.header.isVisibleTo(p)
    assert not value(p, "wafer.street_mm").isVisibleTo(p)
    assert not value(p, "wafer.die.rows").isVisibleTo(p)
    assert value(p, "layout.rows").isVisibleTo(p)
    assert value(p, "wafer.street_mm").edit.text() == ""


# -- edits -----------------------------------------------------------------------------------------------------
def test_street_width_typed_is_one_command_and_the_counts_follow(qtbot, panel: PropertyPanel,
                                                                 document: Document) -> None:
    before = document.design
    sites_before = site_count(panel)
    type_into(qtbot, value(panel, "wafer.street_mm"), "0.6")
    assert wafer(document).street_mm == pytest.approx(0.6)
    assert wafer(document).die == before.layout.die  # type: ignore[attr-defined]
    assert document.stack.undo_text == "Set street width to 0.60 mm"
    assert site_count(panel) == len(document.design.sites()) < sites_before
    assert dies_kept(panel) == die_map(wafer(document), document.design.pad).n_kept
    document.undo()
    assert document.design == before
    assert value(panel, "wafer.street_mm").edit.text() == "0.10"
    assert site_count(panel) == sites_before
    assert not document.stack.can_undo  # the refresh after undo wrote nothing back (no echo)
    document.redo()
    assert wafer(document).street_mm == pytest.approx(0.6)


def test_die_pitch_edits_the_die_pattern(qtbot, panel: PropertyPanel, document: Document) -> None:
    before = document.design
    type_into(qtbot, value(panel, "wafer.die.pitch_x_mm"), "0.8")
    die = wafer(document).die
    assert isinstance(die, GridLayout)
    assert die.pitch_x_mm == pytest.approx(0.8) and die.pitch_y_mm is None  # a square pattern stays square
    assert document.stack.undo_text == "Set die pitch x to 0.80 mm"
    xs = document.design.sites().x_mm
    assert float(xs.max() - xs.min()) > float(before.sites().x_mm.max() - before.sites().x_mm.min()) - 1e-9
    document.undo()
    assert document.design == before
    assert value(panel, "wafer.die.pitch_x_mm").edit.text() == "0.40"


def test_die_rows_and_centre_void_change_the_site_count(qtbot, panel: PropertyPanel, document: Document) -> None:
    n_dies = dies_kept(panel)
    type_into(qtbot, value(panel, "wafer.die.rows"), "6")
    assert document.stack.undo_text == "Set die rows to 6"
    # a taller pattern may drop edge dies (the keep rule looks at every pad), so count per kept die
    assert site_count(panel) == dies_kept(panel) * 24
    assert dies_kept(panel) <= n_dies
    type_into(qtbot, value(panel, "wafer.die.centre_void"), "2")
    die = wafer(document).die
    assert isinstance(die, GridLayout) and die.depopulation == (CentreVoid(2),)
    assert document.stack.undo_text == "Set die centre void to 2"
    sites = document.design.sites()
    assert int(sites.populated.sum()) == dies_kept(panel) * (24 - 4)


def test_edge_exclusion_keeps_fewer_dies_and_undo_restores(qtbot, panel: PropertyPanel, document: Document) -> None:
    before = document.design
    n_dies, n_sites = dies_kept(panel), site_count(panel)
    type_into(qtbot, value(panel, "wafer.edge_exclusion_mm"), "10")
    assert wafer(document).edge_exclusion_mm == pytest.approx(10.0)
    assert document.stack.undo_text == "Set edge exclusion to 10.00 mm"
    assert dies_kept(panel) < n_dies and site_count(panel) < n_sites
    document.undo()
    assert document.design is before
    assert (dies_kept(panel), site_count(panel)) == (n_dies, n_sites)
    assert value(panel, "wafer.edge_exclusion_mm").edit.text() == "3.00"


def test_die_size_y_makes_a_rectangular_die_and_equal_x_stays_square(qtbot, panel: PropertyPanel,
                                                                     document: Document) -> None:
    type_into(qtbot, value(panel, "wafer.die_y_mm"), "7")
    assert wafer(document).die_y_mm == pytest.approx(7.0)
    assert document.stack.undo_text == "Set die size y to 7.00 mm"
    type_into(qtbot, value(panel, "wafer.die_y_mm"), "5")
    assert wafer(document).die_y_mm is None
    type_into(qtbot, value(panel, "wafer.die_x_mm"), "6")
    assert document.stack.undo_text == "Set die size x to 6.00 mm"
    assert wafer(document).die_y == pytest.approx(6.0)


def test_diameter_mark_and_keep_rule_choices(panel: PropertyPanel, document: Document) -> None:
    n_dies = dies_kept(panel)
    diameter = choice(panel, "wafer.diameter_mm")
    diameter.setCurrentIndex(diameter.findText("200 mm"))
    assert wafer(document).diameter_mm == 200.0
    assert document.stack.undo_text == "Set wafer diameter to 200 mm"
    assert dies_kept(panel) > n_dies
    mark = choice(panel, "wafer.mark")
    mark.setCurrentIndex(mark.findText("Flat"))
    assert wafer(document).mark == WaferMark.FLAT
    assert value(panel, "wafer.flat_length_mm").isVisibleTo(panel)
    assert not value(panel, "wafer.notch_depth_mm").isVisibleTo(panel)
    keep = choice(panel, "wafer.keep")
    keep.setCurrentIndex(keep.findData(KeepRule.DIE))
    assert wafer(document).keep == KeepRule.DIE
    assert document.stack.undo_text == "Set keep rule to Whole die inside"
    document.undo()
    document.undo()
    document.undo()
    assert wafer(document).diameter_mm == 150.0 and diameter.currentText() == "150 mm"
    assert mark.currentText() == "Notch" and keep.currentData() == KeepRule.SITES


def test_offset_moves_the_die_grid(qtbot, panel: PropertyPanel, document: Document) -> None:
    type_into(qtbot, value(panel, "wafer.offset_x_mm"), "-2.55")
    assert wafer(document).offset_x_mm == pytest.approx(-2.55)
    assert document.stack.undo_text == "Set die grid offset x to -2.55 mm"
    assert dies_kept(panel) == die_map(wafer(document), document.design.pad).n_kept


def test_lengths_in_micrometres(qtbot, panel: PropertyPanel, document: Document) -> None:
    panel.set_unit("um")
    street = value(panel, "wafer.street_mm")
    assert street.edit.text() == "100"
    type_into(qtbot, street, "80")
    assert wafer(document).street_mm == pytest.approx(0.08)
    assert document.stack.undo_text == "Set street width to 80 µm"


# -- refusals --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("key", "text", "words"), [
    ("wafer.street_mm", "-0.1", "negative"),
    ("wafer.edge_exclusion_mm", "80", "no usable area"),
    ("wafer.die_x_mm", "0", "positive"),
    ("wafer.die_x_mm", "0.05", "400,000 dies"),
    ("wafer.die.pitch_x_mm", "2", "does not fit"),  # 4 columns at 2 mm: 6.2 mm of pads in a 5 mm die
    ("wafer.die.rows", "2.5", "whole number"),
    ("wafer.die.rows", "0", "at least"),
    ("wafer.die_x_mm", "1", "does not fit"),
    ("wafer.street_mm", "abc", "not a number"),
])
def test_invalid_value_is_refused_with_its_message_and_the_design_unchanged(
        qtbot, panel: PropertyPanel, document: Document, key: str, text: str, words: str) -> None:
    before = document.design
    count = panel.layout_group.count.text()
    field = value(panel, key)
    type_into(qtbot, field, text, enter=False)
    assert field.problem is not None and words in field.problem  # refused while typing
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert document.design is before
    assert not document.stack.can_undo
    assert field.error.isVisible() and words in field.error.text()
    assert panel.layout_group.count.text() == count
    qtbot.keyClick(field.edit, Qt.Key.Key_Escape)  # back to the design's value
    assert field.problem is None


def test_rows_error_names_the_problem(qtbot, panel: PropertyPanel) -> None:
    field = value(panel, "wafer.die.rows")
    type_into(qtbot, field, "0", enter=False)
    assert field.problem is not None and field.problem[0].isupper()


def test_choosing_wafer_for_a_grid_design_is_refused(qtbot, settings: QSettings) -> None:
    document = Document(example_grid_design(rows=4, cols=4))
    p = PropertyPanel(document, settings=settings)
    qtbot.addWidget(p)
    p.show()
    before = document.design
    kind = choice(p, "layout.kind")
    kind.setCurrentIndex(kind.findData("wafer"))
    assert document.design is before
    assert kind.currentText() == "Grid"
    assert "File > New" in p.layout_group.message.text()


def test_wafer_to_grid_keeps_the_die_pattern(panel: PropertyPanel, document: Document) -> None:
    kind = choice(panel, "layout.kind")
    kind.setCurrentIndex(kind.findData("grid"))
    assert document.design.layout == GridLayout(4, 4, 0.4)
    assert not panel.layout_group.wafer.header.isVisibleTo(panel)
    document.undo()
    assert isinstance(document.design.layout, WaferLayout)
    assert panel.layout_group.wafer.header.isVisibleTo(panel) and kind.currentText() == "Wafer"


def test_staggered_die_pattern_is_edited_in_place(qtbot, settings: QSettings) -> None:
    design = wafer_design()
    design = design.with_(layout=WaferLayout(StaggeredLayout(4, 4, 0.4, 0.35), 5.0, diameter_mm=150.0))
    document = Document(design)
    p = PropertyPanel(document, settings=settings)
    qtbot.addWidget(p)
    p.show()
    assert value(p, "wafer.die.pitch_y_mm").edit.text() == "0.35"
    assert p.layout_group.wafer.die_kind.text() == "16 per die (staggered array)"
    type_into(qtbot, value(p, "wafer.die.pitch_y_mm"), "0.5")
    assert wafer(document).die == StaggeredLayout(4, 4, 0.4, 0.5)
    field = value(p, "wafer.die.pitch_y_mm")
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClick(field.edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert wafer(document).die == StaggeredLayout(4, 4, 0.4, 0.5)
    assert field.problem is not None and "row pitch" in field.problem


def test_check_die_fits_measures_pads_not_centres() -> None:
    design = wafer_design()
    lay = wafer(Document(design))
    # 4 x 0.4 mm columns: centres span 1.2 mm, pads (0.2 mm) 1.4 mm; a 1.4 mm die just holds them
    assert check_die_fits(design.with_(layout=WaferLayout(lay.die, 1.4, diameter_mm=150.0))) is not None
    with pytest.raises(ValueError, match="does not fit"):
        check_die_fits(design.with_(layout=WaferLayout(lay.die, 1.39, diameter_mm=150.0)))


# -- scale -----------------------------------------------------------------------------------------------------
def test_an_edit_on_a_100k_site_wafer_applies(qtbot, settings: QSettings, tmp_path: Path) -> None:
    """At wafer scale a typed street width is validated and applied (speed is measured by the benchmark)."""
    design = build_template("wafer", {"diameter_mm": 200.0})  # 10 x 10 per die: about 120,000 sites
    document = Document(design)
    p = PropertyPanel(document, settings=settings)
    qtbot.addWidget(p)
    p.show()
    n = site_count(p)
    assert n >= 100_000
    field = value(p, "wafer.street_mm")
    type_into(qtbot, field, "0.3")  # validates on every keystroke, then one command and one refresh
    assert wafer(document).street_mm == pytest.approx(0.3)
    assert site_count(p) < n
