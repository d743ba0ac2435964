"""The action table's functions, driven without Qt through a fake shell."""

from __future__ import annotations

from pathlib import Path

from app import actions as acts
from app.document import Document
from geometry.model.design import example_grid_design
from geometry.model.profiles import Straight
from geometry.model.sites import SiteState


class FakeShell:
    """Answers the actions' questions from fields the test sets; records what was asked."""

    def __init__(self, doc: Document) -> None:
        self.document = doc
        self.discard_ok = True
        self.vector: tuple[float, float] | None = (0.1, 0.0)
        self.profile = Straight()
        self.errors: list[str] = []
        self.saved: list[Path] = []
        self.save_path: Path | None = Path("/tmp/x.ballmask")
        self.layers = {"pads": True}
        self.tool = "select"
        self.csv_path: Path | None = None
        self.note: str | None = "open"
        self.rework_settings = None
        self.derived: list = []
        self.infos: list[str] = []

    def confirm_discard(self) -> bool:
        return self.discard_ok

    def ask_open_path(self): return None
    def ask_save_path(self): return self.save_path
    def ask_new_design(self): return example_grid_design(rows=2, cols=2)
    def ask_move_vector(self): return self.vector
    def ask_profile(self): return self.profile
    def ask_residue_csv_path(self): return self.csv_path
    def ask_failed_note(self, site): return self.note
    def ask_rework_settings(self, rework): return self.rework_settings
    def open_path(self, path): return True
    def open_derived(self, design, production): self.derived.append((design, production))

    def save_to(self, path):
        self.saved.append(path)
        self.document.mark_saved(path)
        return True

    def start_new(self, design): self.document.replace(design, None)
    def run_export(self): pass
    def show_about(self): pass
    def close_window(self): pass
    def info(self, text): self.infos.append(text)
    def error(self, text): self.errors.append(text)
    def fit_all(self): pass
    def zoom(self, factor): pass
    def set_layer_visible(self, layer_id, visible): self.layers[layer_id] = visible
    def layer_visible(self, layer_id): return self.layers.get(layer_id, True)
    def set_tool(self, tool): self.tool = tool
    def current_tool(self): return self.tool
    def tool_available(self, tool): return tool != "cut"


def shell() -> FakeShell:
    return FakeShell(Document(example_grid_design(rows=3, cols=3)))


def test_every_action_has_a_unique_id_and_a_known_menu() -> None:
    ids = [a.id for a in acts.ACTIONS]
    assert len(ids) == len(set(ids))
    assert {a.menu.split("/")[0] for a in acts.ACTIONS} <= set(acts.MENUS)
    shortcuts = [a.shortcut for a in acts.ACTIONS if a.shortcut]
    assert len(shortcuts) == len(set(shortcuts)), "two actions share a shortcut"


def test_depopulate_names_the_command_and_undo_title_follows() -> None:
    s = shell()
    assert acts.undo_title(s) == "Undo"
    s.document.set_selection(["A1", "A2", "B1", "B2"])
    acts.depopulate_selection(s)
    sites = s.document.design.sites()
    assert sites.state[sites.index_of("A1")] == SiteState.DEPOPULATED
    assert acts.undo_title(s) == "Undo Depopulate 4 sites"
    s.document.undo()
    assert acts.redo_title(s) == "Redo Depopulate 4 sites"
    assert acts.undo_title(s) == "Undo"


def test_edits_need_a_selection_and_report_refusals() -> None:
    s = shell()
    before = s.document.design
    for fn in (acts.depopulate_selection, acts.restore_selection, acts.move_selection, acts.merge_selection):
        fn(s)
    assert s.document.design == before
    assert not acts.ACTION_BY_ID["edit.depopulate"].enabled(s)
    s.document.set_selection(["A1", "A2"])
    assert acts.ACTION_BY_ID["edit.forbid_merge"].enabled(s)
    s.document.set_selection(["A1"])
    acts.merge_selection(s)  # one site: nothing to merge, nothing happens
    assert s.document.design == before


def test_move_profile_merge_forbid_delete_restore() -> None:
    s = shell()
    s.document.set_selection(["A1"])
    acts.move_selection(s)
    sites = s.document.design.sites()
    assert abs(sites.x_mm[sites.index_of("A1")] - (-0.8 + 0.1)) < 1e-9
    acts.set_profile_selection(s)
    assert s.document.design.overrides[-1].profile == Straight()
    acts.clear_profile_selection(s)
    assert s.document.design.overrides == ()
    s.document.set_selection(["A1", "A2"])
    acts.merge_selection(s)
    assert s.document.design.merge.channels == (("A1", "A2"),)
    acts.forbid_merge_selection(s)
    assert s.document.design.merge.forbidden == (("A1", "A2"),)
    acts.depopulate_selection(s)
    acts.restore_selection(s)
    assert s.document.design.sites().populated.all()
    acts.delete_selection(s)
    assert not s.document.design.sites().has("A1")


def test_a_refused_edit_is_reported_and_changes_nothing() -> None:
    s = shell()
    s.document.set_selection(["A1"])
    s.vector = (float("nan"), 0.0)
    before = s.document.design
    acts.move_selection(s)
    assert s.errors and s.document.design == before


def test_new_and_open_ask_before_losing_work() -> None:
    s = shell()
    s.document.set_selection(["A1"])
    acts.depopulate_selection(s)
    s.discard_ok = False
    dirty_design = s.document.design
    acts.file_new(s)
    assert s.document.design == dirty_design
    s.discard_ok = True
    acts.file_new(s)
    assert len(s.document.design.sites()) == 4


def test_save_uses_the_path_or_asks() -> None:
    s = shell()
    assert acts.file_save(s) and s.saved == [Path("/tmp/x.ballmask")]
    s.save_path = None
    assert acts.file_save(s)  # has a path now: no question
    assert acts.file_save_as(s) is False


def test_select_all_layers_and_tools() -> None:
    s = shell()
    acts.select_all(s)
    assert len(s.document.selection) == 9
    acts.clear_selection(s)
    assert not s.document.selection
    acts.ACTION_BY_ID["view.layer.pads"].run(s)
    assert s.layers["pads"] is False
    acts.ACTION_BY_ID["tools.measure"].run(s)
    assert acts.ACTION_BY_ID["tools.measure"].checked(s)


def test_rework_marks_start_rework_data_and_undo_removes_it() -> None:
    s = shell()
    s.document.set_selection(["A1"])
    acts.mark_damaged_selection(s)
    assert s.document.design.rework is not None and s.document.design.rework.damaged == ("A1",)
    s.document.set_selection(["B2"])
    acts.mark_failed_selection(s)
    assert [(f.site, f.note) for f in s.document.design.rework.failed] == [("B2", "open")]
    s.note = None  # cancelled: nothing happens
    acts.mark_failed_selection(s)
    assert len(s.document.design.rework.failed) == 1
    s.document.undo()
    s.document.undo()
    assert s.document.design.rework is None


def test_residue_csv_errors_name_the_line(tmp_path: Path) -> None:
    s = shell()
    bad = tmp_path / "r.csv"
    bad.write_text("name,height_um\nA1,20\nA2,-3\n", encoding="utf-8")
    s.csv_path = bad
    assert not acts.import_residue_csv(s)
    assert s.document.design.rework is None and "r.csv line 3" in s.errors[0]
    good = tmp_path / "g.csv"
    good.write_text("x,y,height_um\n-0.8,0.8,20\n", encoding="utf-8")  # by position: nearest site
    s.csv_path = good
    assert acts.import_residue_csv(s)
    assert [m.site for m in s.document.design.rework.measured] == ["A1"]


def test_derive_rework_mask_is_one_command() -> None:
    from geometry.model.rework import Residue, Rework

    s = shell()
    assert not acts.derive_rework_mask(s) and "no rework data" in s.errors[0]
    s.rework_settings = Rework(device="U1", residue=Residue(0.02), damaged=("C3",))
    acts.edit_rework_settings(s)
    assert s.document.stack.undo_text == "Set residue and device"
    production = s.document.design
    assert acts.derive_rework_mask(s)
    assert s.document.design is production and s.document.stack.undo_text == "Set residue and device"
    ((design, base),) = s.derived
    assert base is production and design.name == f"{production.name}-rework"
    sites = design.sites()
    assert not sites.populated[sites.index_of("C3")]  # the damaged site is closed, in the new design only
    ps = production.sites()
    assert ps.populated[ps.index_of("C3")]  # still open in the production design
    assert "1 site closed" in s.infos[-1] and "new, unsaved design" in s.infos[-1]


def test_cut_tool_is_hidden_until_the_view_offers_it() -> None:
    spec = acts.ACTION_BY_ID["tools.cut"]
    assert spec.available is not None and not spec.available(shell())


def test_an_edit_naming_a_site_the_layout_lacks_is_refused_with_a_message() -> None:
    s = shell()
    before = s.document.design
    s.document.set_selection(["A1", "I1"])  # I1: no row I in a JEDEC grid (a typed name, a stale selection)
    acts.depopulate_selection(s)
    assert s.document.design == before and not s.document.stack.can_undo
    assert s.errors and "I1" in s.errors[-1] and "no site of that name" in s.errors[-1]
