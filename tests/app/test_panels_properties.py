"""The property panel driven like a user: type into a field, press Enter, and watch the document.

Every edit must land in the design as one named, undoable command; a value that would make an invalid design
must be refused with a message next to the field and leave the design exactly as it was.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from panel_helpers import choice, type_into, value
from PySide6.QtCore import QPoint, QSettings, Qt

from app.document import Document
from app.panels.fields import SwitchField
from app.panels.properties import PropertyPanel
from geometry.model.design import Design, example_grid_design
from geometry.model.layouts import ExplicitLayout
from geometry.model.profiles import Stepped, Tapered


@pytest.fixture
def document() -> Document:
    return Document(example_grid_design(rows=6, cols=6, pitch_mm=0.8, ball_mm=0.45, thickness_mm=0.3))


@pytest.fixture
def panel(qtbot, document: Document, settings: QSettings) -> PropertyPanel:
    p = PropertyPanel(document, settings=settings)
    qtbot.addWidget(p)
    p.show()
    return p


def test_thickness_typed_and_entered_is_one_named_command(qtbot, panel: PropertyPanel, document: Document) -> None:
    type_into(qtbot, value(panel, "mask.thickness_mm"), "0.25")
    assert document.design.mask.thickness_mm == pytest.approx(0.25)
    assert document.stack.undo_text == "Set thickness to 0.25 mm"
    document.undo()
    assert document.design.mask.thickness_mm == pytest.approx(0.3)
    assert value(panel, "mask.thickness_mm").edit.text() == "0.30"
    assert not document.stack.can_undo  # the refresh after undo wrote nothing back (no echo)


def test_taper_angle_changes_profile_and_derived_lower_diameter(qtbot, panel: PropertyPanel,
                                                               document: Document) -> None:
    type_into(qtbot, value(panel, "profile.angle_deg"), "45")
    assert document.design.profile == Tapered(45.0)
    d_l = 0.495 + 2 * 0.3 / math.tan(math.radians(45.0))
    assert document.design.opening.lower_mm == pytest.approx(d_l)
    assert panel.profile_group.derived.labels["lower"].text() == "1.095 mm"
    assert document.stack.undo_text == "Set taper angle to 45°"


def test_negative_diameter_is_refused_with_message_and_design_unchanged(qtbot, panel: PropertyPanel,
                                                                        document: Document) -> None:
    before = document.design
    field = value(panel, "ball.diameter_mm")
    type_into(qtbot, field, "-0.45", enter=False)
    assert field.problem is not None and "positive" in field.problem  # refused while typing
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert document.design is before
    assert not document.stack.can_undo
    assert field.error.isVisible()
    assert "positive" in field.error.text()


def test_not_a_number_is_refused(qtbot, panel: PropertyPanel, document: Document) -> None:
    before = document.design
    field = value(panel, "mask.thickness_mm")
    type_into(qtbot, field, "abc")
    assert document.design is before
    assert field.problem is not None and "not a number" in field.problem


def test_vertical_height_above_thickness_is_refused(qtbot, panel: PropertyPanel, document: Document) -> None:
    kind = choice(panel, "profile.kind")
    kind.setCurrentIndex([v for v, _ in kind.spec.options].index("stepped"))
    assert isinstance(document.design.profile, Stepped)
    before = document.design
    field = value(panel, "profile.vertical_mm")
    assert field.isVisibleTo(panel)
    type_into(qtbot, field, "0.35")
    assert document.design is before
    assert field.problem is not None and "thickness" in field.problem
    # Escape goes back to the design's value and clears the refusal.
    qtbot.keyClick(field.edit, Qt.Key.Key_Escape)
    assert field.problem is None
    assert float(field.edit.text()) == pytest.approx(before.profile.vertical_mm)  # type: ignore[union-attr]


def test_refusal_clears_when_a_valid_value_is_typed(qtbot, panel: PropertyPanel, document: Document) -> None:
    field = value(panel, "mask.thickness_mm")
    type_into(qtbot, field, "-1")
    assert field.problem is not None
    type_into(qtbot, field, "0.2")
    assert field.problem is None
    assert document.design.mask.thickness_mm == pytest.approx(0.2)


def test_profile_type_shows_only_its_fields(qtbot, panel: PropertyPanel, document: Document) -> None:
    angle, lower = value(panel, "profile.angle_deg"), value(panel, "profile.lower_mm")
    vertical, direction = value(panel, "profile.vertical_mm"), value(panel, "profile.direction_deg")
    assert angle.isVisibleTo(panel) and not vertical.isVisibleTo(panel) and not direction.isVisibleTo(panel)
    kind = choice(panel, "profile.kind")
    kind.setCurrentIndex([v for v, _ in kind.spec.options].index("one-side-vertical"))
    assert document.design.profile.kind == "one-side-vertical"
    assert direction.isVisibleTo(panel) and angle.isVisibleTo(panel) and not lower.isVisibleTo(panel)
    assert document.stack.undo_text == "Set profile type to One side vertical"
    kind.setCurrentIndex([v for v, _ in kind.spec.options].index("straight"))
    assert not angle.isVisibleTo(panel) and not lower.isVisibleTo(panel)
    assert panel.profile_group.derived.labels["angle"].text() == "90°"


def test_giving_lower_diameter_shows_the_angle_derived(qtbot, panel: PropertyPanel, document: Document) -> None:
    given = choice(panel, "profile.given")
    given.setCurrentIndex(1)  # lower diameter
    p = document.design.profile
    assert isinstance(p, Tapered) and p.angle_deg is None and p.lower_mm == pytest.approx(0.841)
    lower = value(panel, "profile.lower_mm")
    assert lower.isVisibleTo(panel) and not value(panel, "profile.angle_deg").isVisibleTo(panel)
    type_into(qtbot, lower, "1.095")
    assert document.design.opening.angle_deg == pytest.approx(45.0, abs=0.01)
    assert panel.profile_group.derived.labels["angle"].text() == "45°"


def test_units_in_micrometres_are_remembered(qtbot, panel: PropertyPanel, document: Document,
                                             settings: QSettings) -> None:
    seen: list[str] = []
    panel.units_changed.connect(seen.append)
    panel.unit_combo.setCurrentIndex(1)
    assert seen == ["um"]
    field = value(panel, "mask.thickness_mm")
    assert field.edit.text() == "300"
    assert field.unit_label.text() == "µm"
    type_into(qtbot, field, "250")
    assert document.design.mask.thickness_mm == pytest.approx(0.25)
    assert document.stack.undo_text == "Set thickness to 250 µm"
    again = PropertyPanel(document, settings=settings)
    qtbot.addWidget(again)
    assert value(again, "mask.thickness_mm").edit.text() == "250"


def test_limit_override_and_reset(qtbot, panel: PropertyPanel, document: Document) -> None:
    row = panel.limits_group.rows["web_min_mm"]
    assert not row.reset.isEnabled()
    assert row.default.text() == "default 0.30 mm"
    type_into(qtbot, row.field, "0.12")
    assert dict(document.design.limits) == {"web_min_mm": pytest.approx(0.12)}
    assert document.design.effective_limits().web_min_mm == pytest.approx(0.12)
    assert row.reset.isEnabled() and row.field.edit.font().bold()
    qtbot.mouseClick(row.reset, Qt.MouseButton.LeftButton)
    assert dict(document.design.limits) == {}
    assert document.stack.undo_text == "Reset web minimum"
    type_into(qtbot, row.field, "-1")
    assert row.field.problem is not None
    assert dict(document.design.limits) == {}


def test_material_preset_changes_default_limits(qtbot, panel: PropertyPanel, document: Document) -> None:
    combo = choice(panel, "mask.material")
    combo.setCurrentIndex([v for v, _ in combo.spec.options].index("electroformed-nickel"))
    assert document.design.mask.material == "electroformed-nickel"
    assert panel.limits_group.rows["web_min_mm"].default.text() == "default 0.15 mm"
    assert panel.limits_group.rows["hole_factor"].field.edit.text() == "0.6"


def test_grid_rows_and_depopulation(qtbot, panel: PropertyPanel, document: Document) -> None:
    type_into(qtbot, value(panel, "layout.rows"), "8")
    assert len(document.design.sites()) == 48
    type_into(qtbot, value(panel, "layout.centre_void"), "2")
    assert int((~document.design.sites().populated).sum()) == 4
    assert panel.layout_group.count.text() == "48 sites, 44 with a ball"
    type_into(qtbot, value(panel, "layout.rows"), "2.5")
    assert value(panel, "layout.rows").problem == "Must be a whole number"
    type_into(qtbot, value(panel, "layout.centre_void"), "0")
    assert document.design.layout.depopulation == ()  # type: ignore[union-attr]
    kind = choice(panel, "layout.kind")
    kind.setCurrentIndex(1)
    assert document.design.layout.kind == "staggered"
    kind.setCurrentIndex(2)  # explicit: only through a CSV
    assert document.design.layout.kind == "staggered"
    assert panel.layout_group.message.isVisibleTo(panel)
    assert kind.currentIndex() == 1


def test_csv_import_and_bad_csv(qtbot, panel: PropertyPanel, document: Document, tmp_path: Path) -> None:
    good = tmp_path / "sites.csv"
    good.write_text("name,x,y,pad\nA1,0,0,0.36\nA2,0.8,0,0.36\nB1,0,-0.8,\n", encoding="utf-8")
    assert panel.layout_group.import_csv(good)
    assert isinstance(document.design.layout, ExplicitLayout)
    assert len(document.design.sites()) == 3
    assert document.stack.undo_text == "Import sites from sites.csv"
    assert not value(panel, "layout.rows").isVisibleTo(panel)
    before = document.design
    bad = tmp_path / "bad.csv"
    bad.write_text("name,x,y\nA1,0,0\nA2,zero,0\n", encoding="utf-8")
    assert not panel.layout_group.import_csv(bad)
    assert document.design is before
    assert "line 3" in panel.layout_group.message.text()


def test_auto_merge_switch(qtbot, panel: PropertyPanel, document: Document) -> None:
    switch = panel.field("merge.auto")
    assert isinstance(switch, SwitchField) and switch.isChecked()
    qtbot.mouseClick(switch, Qt.MouseButton.LeftButton, pos=QPoint(8, switch.height() // 2))
    assert document.design.merge.auto is False
    assert document.stack.undo_text == "Turn automatic merging off"
    document.undo()
    assert switch.isChecked()


def test_panel_follows_external_edits(qtbot, panel: PropertyPanel, document: Document) -> None:
    def thicker(d: Design) -> Design:
        return d.with_(mask=d.mask.__class__(0.35))

    document.apply("Thicker", thicker)
    assert value(panel, "mask.thickness_mm").edit.text() == "0.35"
    assert document.stack.undo_text == "Thicker"  # refreshing did not add a command


def test_an_edit_leaves_unchanged_fields_alone_and_still_reverts_refused_or_typed_text(
        qtbot, panel: PropertyPanel, document: Document) -> None:
    ball, angle, thick = (value(panel, k) for k in ("ball.diameter_mm", "profile.angle_deg", "mask.thickness_mm"))
    angle.edit.setCursorPosition(1)  # unchanged by the edit below: left as it is (no Qt call at all)
    type_into(qtbot, ball, "-1", enter=False)  # typed, not entered: refused as it is typed
    assert ball.problem is not None
    document.apply("Thinner", lambda d: d.with_(mask=d.mask.__class__(0.25)))
    assert thick.edit.text() == "0.25"  # the changed value is shown
    assert angle.edit.text() == "60" and angle.edit.cursorPosition() == 1
    assert ball.edit.text() == "0.45" and ball.problem is None  # a design change reverts typed text, as before
    document.undo()
    assert thick.edit.text() == "0.30" and not document.stack.can_undo
