"""The rework view: states and heat map drawn per site, attention list, apply as one undoable command, comparison."""

from __future__ import annotations

import numpy as np
import pytest

from app.document import Document
from app.views.rework_view import NO_RESIDUE, STATUS_COLOURS, ReworkView, _rgba
from geometry.analysis.review import SiteStatus
from geometry.derive.section import residue_bumps
from geometry.model.design import example_grid_design
from geometry.model.profiles import Stepped
from geometry.model.rework import FailedPlace, Residue, Rework, SiteResidue


def rework_design():
    d = example_grid_design(rows=3, cols=3, pitch_mm=0.8, ball_mm=0.45, thickness_mm=0.3,
                            profile=Stepped(0.25, 0.7))
    return d.with_(rework=Rework(
        device="U7", residue=Residue(0.03, 0.6), damaged=("A1",), no_ball=("C3",),
        measured=(SiteResidue("B2", 0.06, 0.6), SiteResidue("A3", 0.01, 0.4)),
        failed=(FailedPlace("B1", note="open"), FailedPlace(x_mm=5.0, y_mm=5.0, note="off the array")),
    ))


@pytest.fixture
def view(qtbot):
    doc = Document(rework_design())
    v = ReworkView(doc)
    qtbot.addWidget(v)
    v.resize(700, 600)
    v.show()
    return v


def colour_of(view, name):
    names = view.document.design.sites().names.tolist()
    return tuple(view.site_colours[names.index(name)].tolist())


def test_sites_coloured_by_state(view):
    assert colour_of(view, "A1") == _rgba(STATUS_COLOURS[SiteStatus.DAMAGED])
    assert colour_of(view, "B2") == _rgba(STATUS_COLOURS[SiteStatus.RESIDUE_HIGH])
    assert colour_of(view, "B1") == _rgba(STATUS_COLOURS[SiteStatus.FAILED_PLACE])
    assert colour_of(view, "A2") == _rgba(STATUS_COLOURS[SiteStatus.REBALL])
    assert colour_of(view, "C3") == _rgba(STATUS_COLOURS[SiteStatus.CLOSED])
    assert len(view.scatter.data) == 9  # one scatter item for all sites
    assert len(view.failed_marks.data) == 2  # a cross on B1 and one off the array
    assert "Rework of U7" in view.summary_label.text()


def test_heat_map_follows_the_residue_height(view):
    view.mode_combo.setCurrentIndex(1)
    hot, mid, low = colour_of(view, "B2"), colour_of(view, "A2"), colour_of(view, "A3")
    assert hot != mid != low
    assert sum(hot[:3]) < sum(mid[:3]) < sum(low[:3])  # the higher the darker
    assert colour_of(view, "A1") == _rgba(NO_RESIDUE)  # damaged: no residue
    assert "60 um" in view.legend_label.text()


def test_attention_list_and_click_selects(view, qtbot):
    t = view.attention_table
    sites = [t.item(i, 0).text() for i in range(t.rowCount())]
    assert sites[:2] == ["B2", "A1"] and "B1" in sites and "(5.000, 5.000)" in sites
    assert "deeper step" in t.item(0, 1).text()
    t.selectRow(0)
    assert view.document.selection == frozenset({"B2"})


def test_apply_asks_for_a_new_design_and_leaves_the_document(view, qtbot):
    doc = view.document
    production = doc.design
    assert view.apply_button.isEnabled()
    rows = {view.changes_table.item(i, 0).text() for i in range(view.changes_table.rowCount())}
    assert rows == {"A1", "C3", "B2"}  # what deriving will change
    with qtbot.waitSignal(view.derive_requested, timeout=1000):
        view.apply_button.click()
    assert doc.design is production and not doc.stack.can_undo


def test_a_derived_design_compares_against_its_baseline(view):
    from geometry.fileio.rework_design import derive_rework_design

    production = view.document.design
    derived = derive_rework_design(production).design
    view.document.replace(derived, None)
    view.set_baseline(production)
    assert [o.sites for o in view.document.design.overrides] == [("B2",)]
    assert not view.apply_button.isEnabled()
    assert colour_of(view, "B2") == _rgba(STATUS_COLOURS[SiteStatus.REBALL])  # cleared now
    changes = {view.changes_table.item(i, 0).text(): view.changes_table.item(i, 1).text()
               for i in range(view.changes_table.rowCount())}
    assert changes == {"A1": "opening closed (damaged)", "C3": "opening closed (no ball as built)",
                       "B2": "profile changed"}


def test_design_without_rework_data(qtbot):
    doc = Document(example_grid_design(rows=2, cols=2))
    v = ReworkView(doc)
    qtbot.addWidget(v)
    assert not v.apply_button.isEnabled() and "no rework data" in v.summary_label.text()
    doc.apply("Add rework data", lambda d: d.with_(rework=Rework(residue=Residue(0.01))))
    assert v.review is not None and len(v.site_colours) == 4


def test_residue_bumps_for_the_cross_section():
    class S:  # the duck type of a cross-section's site
        def __init__(self, name, s, offset):
            self.name, self.s, self.offset = name, s, offset

    class Sec:
        sites = (S("B2", 0.0, 0.0), S("A1", -0.8, 0.0), S("A2", 0.8, 0.25), S("B3", 0.8, 0.4))

    bumps = residue_bumps(rework_design(), Sec())
    assert bumps[0] == (0.0, pytest.approx(0.6), 0.06)
    assert bumps[1] == (0.8, pytest.approx(2 * np.sqrt(0.09 - 0.0625)), 0.03)
    assert len(bumps) == 2  # A1 damaged: no residue; B3: the line misses its footprint


def test_comparison_says_preview_before_deriving_and_changed_after(view):
    assert "would change" in view.summary_label.text() and "changed against" not in view.summary_label.text()
    assert view.tabs.tabText(1) == "Would change (3)"
    assert view.changes_table.item(0, 1).toolTip()  # the full text, whatever the column width
