"""The window end to end for rework (issue 5), wafers (issue 6), the cut line and the export options.

Each test drives the real main window through its QActions and dialogs' values (the file and note questions are
answered by replacing the window's ask_* methods, the one place that asks the user).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtWidgets
from PySide6.QtCore import Qt

from app.dialogs.export_dialog import ExportDialog
from app.dialogs.new_design import NewDesignDialog
from app.dialogs.rework_dialogs import FailedPlaceDialog, ReworkSettingsDialog
from app.dialogs.templates import TEMPLATES, build_template
from app.document import Document
from app.main_window import MainWindow
from geometry.analysis.review import SiteStatus
from geometry.model.design import example_grid_design
from geometry.model.layouts.wafer import WaferLayout
from geometry.model.profiles import Stepped
from geometry.model.rework import Residue, Rework


@pytest.fixture
def window(qtbot, settings, tmp_path: Path, monkeypatch) -> MainWindow:
    doc = Document(example_grid_design(rows=3, cols=3, pitch_mm=0.8, ball_mm=0.45, thickness_mm=0.3,
                                       profile=Stepped(0.25, 0.7)))
    w = MainWindow(doc, settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    monkeypatch.setattr(w, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.Discard)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    return w


def adopt(qtbot, monkeypatch, w: MainWindow) -> MainWindow:  # type: ignore[no-untyped-def]
    """A window the test opened through the app (a derived rework mask): closed at the end without asking."""
    qtbot.addWidget(w)
    monkeypatch.setattr(w, "question", lambda *a: QtWidgets.QMessageBox.StandardButton.Discard)
    return w


def trigger(w: MainWindow, action_id: str) -> None:
    w.refresh_actions()
    a = w.qactions[action_id]
    assert a.isEnabled(), f"{action_id} is disabled"
    a.trigger()


# -- rework ------------------------------------------------------------------------------------------------
def test_rework_menu_and_dock_follow_the_design(window: MainWindow) -> None:
    doc = window.document
    titles = [a.text() for a in window.menus["Rework"].actions() if not a.isSeparator()]
    assert titles[:2] == ["&Import Residue CSV...", "Residue and &Device..."]
    assert window.docks["rework"].isHidden()  # a production design: no rework panel in the way
    assert not window.qactions["rework.derive"].isEnabled()
    doc.set_selection(["A1", "B2"])
    trigger(window, "rework.damaged")
    assert doc.design.rework is not None and doc.design.rework.damaged == ("A1", "B2")
    assert doc.stack.undo_text == "Mark 2 sites damaged"
    assert window.qactions["edit.undo"].text() == "Undo Mark 2 sites damaged"
    assert window.docks["rework"].isVisible()  # the design became a rework design
    assert window.rework_overlay.counts()[SiteStatus.DAMAGED] == 2  # the top view rings them
    assert window.qactions["rework.derive"].isEnabled()
    trigger(window, "edit.undo")
    assert doc.design.rework is None and window.docks["rework"].isHidden()
    assert window.rework_overlay.counts()[SiteStatus.DAMAGED] == 0


def test_mark_failed_place_with_a_note_and_clear_it(window: MainWindow, monkeypatch) -> None:
    doc = window.document
    asked: list[str] = []
    monkeypatch.setattr(window, "ask_failed_note", lambda site: asked.append(site) or "open after drop test")
    doc.set_selection(["A1", "A2"])
    window.refresh_actions()
    assert not window.qactions["rework.failed"].isEnabled()  # one site at a time
    doc.set_selection(["B3"])
    trigger(window, "rework.failed")
    assert asked == ["B3"]
    (fp,) = doc.design.rework.failed
    assert (fp.site, fp.note) == ("B3", "open after drop test")
    assert doc.stack.undo_text == "Mark failed place at B3"
    assert window.rework_overlay.counts()[SiteStatus.FAILED_PLACE] == 1
    trigger(window, "rework.clear_marks")
    assert doc.design.rework.failed == ()


def test_import_residue_csv_and_refuse_a_bad_one(window: MainWindow, monkeypatch, tmp_path: Path) -> None:
    doc = window.document
    good = tmp_path / "residue.csv"
    good.write_text("name,height_um,diameter_um,operator\nA1,25,470,KT\nB2,90,650,KT\n", encoding="utf-8")
    monkeypatch.setattr(window, "ask_residue_csv_path", lambda: good)
    trigger(window, "rework.import_csv")
    rw = doc.design.rework
    assert rw is not None and {m.site: m.height_mm for m in rw.measured} == {"A1": 0.025, "B2": 0.09}
    assert doc.stack.undo_text == "Import residue of 2 sites from residue.csv"

    bad = tmp_path / "bad.csv"
    bad.write_text("name,height_um,diameter_um\nA1,25,470\nA2,abc,480\n", encoding="utf-8")
    monkeypatch.setattr(window, "ask_residue_csv_path", lambda: bad)
    before = doc.design
    trigger(window, "rework.import_csv")
    assert doc.design is before  # nothing changed
    assert "bad.csv line 3" in window.last_error and "Traceback" not in window.last_error
    assert "line 3" in window.statusBar().currentMessage()


def test_residue_settings_dialog_and_derive_as_one_command(qtbot, window: MainWindow, monkeypatch) -> None:
    doc = window.document
    dlg = ReworkSettingsDialog(Rework(), window)
    qtbot.addWidget(dlg)
    dlg.device.setText("U7 / SN-1")
    dlg.residue_height.setValue(60.0)  # um
    dlg.diameter.setValue(0.6)
    dlg.accept()
    assert dlg.rework == Rework(device="U7 / SN-1", residue=Residue(0.06, 0.6))
    monkeypatch.setattr(window, "ask_rework_settings", lambda rw: dlg.rework)
    trigger(window, "rework.settings")
    assert doc.design.rework == dlg.rework and doc.stack.undo_text == "Set residue and device"
    production = doc.design
    high = window.rework_overlay.counts()[SiteStatus.RESIDUE_HIGH]
    assert high > 0  # 60 um of residue does not clear this stepped relief
    assert window.rework_view.review is not None and window.rework_view.apply_button.isEnabled()

    trigger(window, "rework.derive")
    # the production document is untouched; the rework mask opened as a new design in its own window
    assert doc.design is production and doc.stack.undo_text == "Set residue and device"
    (derived,) = window.derived_windows
    adopt(qtbot, monkeypatch, derived)
    rd = derived.document
    assert rd.path is None and rd.dirty and not rd.stack.can_undo
    assert rd.design.name == f"{production.name}-rework"
    assert rd.design.overrides, "the failing sites got their own profile"
    assert derived.rework_overlay.counts()[SiteStatus.RESIDUE_HIGH] == 0
    view = derived.rework_view
    assert view.baseline is production  # the comparison is against the production mask
    assert view.changes_table.rowCount() == high
    assert not view.apply_button.isEnabled()  # a derived mask is not derived again
    assert "(unsaved)*" in derived.windowTitle() and "-rework" in derived.windowTitle()
    assert "Rework mask" in window.statusBar().currentMessage()


def test_refused_residue_settings_stay_in_the_dialog(qtbot) -> None:
    dlg = ReworkSettingsDialog(Rework(device="U1"))
    qtbot.addWidget(dlg)
    dlg.diameter.setValue(0.0)  # not measured: pad + flux spread
    dlg.accept()
    assert dlg.rework == Rework(device="U1", residue=Residue(0.0, None))
    note = FailedPlaceDialog("C4", "old note")
    qtbot.addWidget(note)
    assert note.text() == "old note"


def test_cross_section_draws_the_residue(qtbot, window: MainWindow) -> None:
    cross = window.cross_section
    assert cross.residue_item.path().isEmpty()
    window.document.apply("Residue", lambda d: d.with_(rework=Rework(residue=Residue(0.05, 0.5))))
    qtbot.waitUntil(lambda: not cross.deferred.pending)  # drawn once the edit's result is in (or soon after)
    assert not cross.residue_item.path().isEmpty()
    rect = cross.residue_item.path().boundingRect()
    assert rect.height() == pytest.approx(0.05)  # bumps of h_res on the pads (depth grows downward)


# -- wafer ---------------------------------------------------------------------------------------------------
def test_new_dialog_offers_the_wafer_template(qtbot) -> None:
    dlg = NewDesignDialog()
    qtbot.addWidget(dlg)
    row = [t.id for t in TEMPLATES].index("wafer")
    assert dlg.templates.item(row).flags() & dlg.templates.item(row).flags().ItemIsEnabled
    dlg.templates.setCurrentRow(row)
    assert dlg.fields["diameter_mm"].value() == 200.0 and dlg.fields["die_mm"].value() == 5.0
    dlg.fields["diameter_mm"].setValue(201.0)
    dlg.accept()
    assert dlg.design is None and "standard wafer diameter" in dlg.error_label.text()
    dlg.fields["diameter_mm"].setValue(150.0)
    dlg.accept()
    assert isinstance(dlg.design.layout, WaferLayout) and dlg.design.layout.diameter_mm == 150.0


def test_wafer_design_shows_the_map_and_a_die_click_zooms(qtbot, window: MainWindow) -> None:
    assert window.docks["wafer_map"].isHidden()
    assert not window.docks["wafer_map"].toggleViewAction().isEnabled()
    design = build_template("wafer", {"diameter_mm": 150.0})
    window.start_new(design)
    assert window.docks["wafer_map"].isVisible() and window.docks["wafer_map"].toggleViewAction().isEnabled()
    wm = window.wafer_map
    assert wm.dies is not None and wm.dies.n_kept > 100
    group = wm.dies.n_kept // 3
    k = int(wm.dies.kept_rows[group])
    qtbot.mouseClick(wm.map.viewport(), Qt.MouseButton.LeftButton, pos=wm.die_centre_widget(group))
    assert wm.selected == group
    (x0, x1), (y0, y1) = window.top_view.box.viewRange()
    assert (x0 + x1) / 2 == pytest.approx(float(wm.dies.x_mm[k]), abs=1e-6)
    assert (y0 + y1) / 2 == pytest.approx(float(wm.dies.y_mm[k]), abs=1e-6)
    assert min(x1 - x0, y1 - y0) == pytest.approx(5.1 * 1.08, rel=1e-6)  # the die and a little street
    cut = window.cross_section.current_cut()  # the cross-section moved to that die, through a row of its balls
    xc = float(wm.dies.x_mm[k])
    assert cut.x0 == pytest.approx(xc - 2.5) and cut.x1 == pytest.approx(xc + 2.5)
    assert abs(cut.y0 - float(wm.dies.y_mm[k])) < 2.5 and cut.y0 == cut.y1
    assert window.cross_section.section is not None and len(window.cross_section.section.opening_sites()) > 0
    window.start_new(example_grid_design(rows=2, cols=2))
    assert window.docks["wafer_map"].isHidden()


# -- cut line ------------------------------------------------------------------------------------------------
def test_cut_line_tool_feeds_the_cross_section(window: MainWindow) -> None:
    assert window.tool_available("cut")
    assert window.qactions["tools.cut"].isVisible()
    window.qactions["tools.cut"].trigger()
    assert window.current_tool() == "cut"
    window.top_view.cut_drag(-0.8, -0.8, 0.8, 0.8, finished=True)
    cut = window.cross_section.current_cut()
    assert (cut.x0, cut.y0, cut.x1, cut.y1) == (-0.8, -0.8, 0.8, 0.8)


# -- export options ------------------------------------------------------------------------------------------
def test_export_options_are_saved_with_the_design(qtbot, tmp_path: Path) -> None:
    doc = Document(example_grid_design(rows=2, cols=2))
    dlg = ExportDialog(doc)
    qtbot.addWidget(dlg)
    dlg.output.setText(str(tmp_path / "mask.dxf"))
    dlg.version.setCurrentText("R12")
    dlg.blocks.setChecked(True)
    dlg.mirror.setChecked(True)
    dlg.start()
    dlg.wait()
    assert dlg.written is not None and dlg.written.exists()
    out = doc.design.output
    assert (out.dxf_version, out.blocks, out.mirror_lower, out.segments_only) == ("R12", True, True, False)
    assert doc.stack.undo_text == "Set export options" and doc.dirty
    again = ExportDialog(doc)  # the next export starts from what was used
    qtbot.addWidget(again)
    assert again.version.currentText() == "R12" and again.blocks.isChecked() and again.mirror.isChecked()
    again.output.setText(str(tmp_path / "mask2.dxf"))
    again.start()
    again.wait()
    assert doc.stack.undo_text == "Set export options"  # same options: no second command
    doc.undo()
    assert doc.design.output.dxf_version == "R2000"


def test_deriving_a_rework_leaves_the_production_file_and_document_alone(qtbot, window: MainWindow,
                                                                         tmp_path: Path, monkeypatch) -> None:
    """Saved production design with rework data: Derive (menu and the panel's button) never writes it, never
    dirties it; the rework mask is a new unsaved design that records the production file's name and hash."""
    import hashlib

    from geometry.fileio import save_design
    from geometry.fileio.rework_design import design_sha256

    prod_path = tmp_path / "production.ballmask"
    design = window.document.design.with_(rework=Rework(device="U7", residue=Residue(0.06, 0.6), damaged=("A1",)))
    save_design(design, prod_path)
    assert window.open_path(prod_path)
    doc = window.document
    before = prod_path.read_bytes()
    assert not doc.dirty
    for how in ("menu", "button"):
        if how == "menu":
            trigger(window, "rework.derive")
        else:
            window.rework_view.apply_button.click()
        assert prod_path.read_bytes() == before
        assert not doc.dirty and doc.path == prod_path and doc.design == design and not doc.stack.can_undo
        derived = adopt(qtbot, monkeypatch, window.derived_windows[-1])
        rd = derived.document.design
        assert rd.name == f"{design.name}-rework" and derived.document.dirty and derived.document.path is None
        assert rd.rework is not None and rd.rework.derived_from is not None
        assert rd.rework.derived_from.name == design.name
        assert rd.rework.derived_from.sha256 == hashlib.sha256(before).hexdigest() == design_sha256(design)
        sites = rd.sites()
        assert not sites.populated[sites.index_of("A1")]  # damaged: closed in the rework mask only
    assert len(window.derived_windows) == 2
    # Save in the production window writes the production design, never a rework mask
    window.save_to(prod_path)
    assert prod_path.read_bytes() == before


def test_a_derived_rework_window_refuses_to_derive_again(qtbot, window: MainWindow, monkeypatch) -> None:
    doc = window.document
    doc.apply("Add rework", lambda d: d.with_(rework=Rework(residue=Residue(0.02), damaged=("B2",))))
    trigger(window, "rework.derive")
    derived = adopt(qtbot, monkeypatch, window.derived_windows[-1])
    errors: list[str] = []
    monkeypatch.setattr(derived, "error", errors.append)
    trigger(derived, "rework.derive")
    assert errors and "already a rework mask" in errors[0]
    assert not derived.derived_windows


def test_changed_sites_are_marked_in_the_top_view_with_a_legend_entry(qtbot, window: MainWindow,
                                                                       monkeypatch) -> None:
    from app import rework_actions
    from tests.app.test_rework_view import rework_design

    window.start_new(example_grid_design(rows=2, cols=2))
    legend_names = [label.text for _s, label in window.top_view.legend.items]
    window.start_new(rework_design())
    rework_actions.derive_rework_mask(window)
    if getattr(window, "derived_windows", None):  # the rework mask opens as its own document
        window = adopt(qtbot, monkeypatch, window.derived_windows[-1])
    rv = window.rework_view.review
    changed = {c.site for c in rv.changes}
    assert changed
    xs, ys = window.rework_marks.getData()
    sites = window.document.design.sites()
    points = list(zip(xs.tolist(), ys.tolist(), strict=True))
    marked = {str(sites.names[i]) for i in range(len(sites))
              if any(abs(sites.x_mm[i] - x) < 1e-9 and abs(sites.y_mm[i] - y) < 1e-9 for x, y in points)}
    assert marked == {n for n in changed if sites.has(n)}
    names = [label.text for _s, label in window.top_view.legend.items]
    assert "Changed by rework" in names and "Changed by rework" not in legend_names
