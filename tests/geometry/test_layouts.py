"""Layouts: grid, staggered, depopulation patterns, explicit lists, CSV import errors, and hand edits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geometry.base.errors import DesignError
from geometry.model.layouts import (
    LAYOUT_KINDS,
    CentreVoid,
    DepopulateNames,
    ExplicitLayout,
    ExplicitSite,
    GridLayout,
    Pad,
    PerimeterRings,
    SiteEdits,
    StaggeredLayout,
    build_sites,
    read_sites_csv,
)
from geometry.model.layouts.edits import SiteMove
from geometry.model.sites import PadKind, SiteState

PAD = Pad(0.36)


# -- grid ------------------------------------------------------------------------------------------------
def test_grid_positions_names_and_centre() -> None:
    s = GridLayout(3, 4, 0.8, 0.5).generate(PAD)
    assert len(s) == 12
    assert s.names[:5].tolist() == ["A1", "A2", "A3", "A4", "B1"]
    a1 = s.index_of("A1")
    assert (s.x_mm[a1], s.y_mm[a1]) == (pytest.approx(-1.2), pytest.approx(0.5))  # A1 top left
    c4 = s.index_of("C4")
    assert (s.x_mm[c4], s.y_mm[c4]) == (pytest.approx(1.2), pytest.approx(-0.5))
    assert s.x_mm.mean() == pytest.approx(0.0) and s.y_mm.mean() == pytest.approx(0.0)
    assert np.unique(np.round(np.diff(np.unique(s.x_mm)), 9)).tolist() == [0.8]
    assert np.unique(np.round(np.diff(np.unique(s.y_mm)), 9)).tolist() == [0.5]
    assert (s.pad_mm == 0.36).all() and (s.pad_kind == PadKind.COPPER).all()
    assert s.populated.all()


def test_grid_square_pitch_by_default_and_pitch_hint() -> None:
    g = GridLayout(2, 2, 0.65)
    assert g.pitch_y == 0.65
    assert GridLayout(2, 2, 0.8, 0.5).pitch_hint_mm() == 0.5


@pytest.mark.parametrize(
    ("make", "field"),
    [(lambda: GridLayout(0, 3, 0.8), "rows"), (lambda: GridLayout(3, 2.5, 0.8), "cols"),  # type: ignore[arg-type]
     (lambda: GridLayout(3, 3, -0.8), "pitch_x_mm"), (lambda: GridLayout(3, 3, 0.8, 0.0), "pitch_y_mm"),
     (lambda: StaggeredLayout(3, 3, 0.8, float("nan")), "pitch_y_mm")],
)
def test_bad_layout_names_the_field(make: object, field: str) -> None:
    with pytest.raises(DesignError) as err:
        make()  # type: ignore[operator]
    assert err.value.path == field


def test_layout_registry() -> None:
    assert {"grid", "staggered", "explicit"} <= set(LAYOUT_KINDS)


# -- staggered -------------------------------------------------------------------------------------------
def test_staggered_rows_are_shifted_half_a_pitch() -> None:
    lay = StaggeredLayout(4, 5, 1.0, 0.6)
    s = lay.generate(PAD)
    x = s.x_mm.reshape(4, 5)
    assert np.allclose(x[1] - x[0], 0.5)
    assert np.allclose(x[2], x[0])
    assert np.allclose(np.diff(x, axis=1), 1.0)
    assert s.x_mm.mean() == pytest.approx(0.0)
    assert np.allclose(np.diff(s.y_mm.reshape(4, 5)[:, 0]), -0.6)
    assert lay.pitch_hint_mm() == pytest.approx(np.hypot(0.5, 0.6))
    from scipy.spatial import cKDTree

    d, _ = cKDTree(s.xy).query(s.xy, k=2)
    assert d[:, 1].min() == pytest.approx(lay.pitch_hint_mm())


# -- depopulation ----------------------------------------------------------------------------------------
def test_centre_void() -> None:
    s = GridLayout(6, 6, 0.5, depopulation=(CentreVoid(2),)).generate(PAD)
    depop = set(s.names[~s.populated].tolist())
    assert depop == {"C3", "C4", "D3", "D4"}
    assert (s.state[~s.populated] == SiteState.DEPOPULATED).all()


def test_perimeter_rings() -> None:
    s = GridLayout(6, 7, 0.5, depopulation=(PerimeterRings(2),)).generate(PAD)
    assert int(s.populated.sum()) == 6 * 7 - 2 * 3  # the inner (6-4) x (7-4) block goes
    assert set(s.names[~s.populated].tolist()) == {"C3", "C4", "C5", "D3", "D4", "D5"}


def test_depopulate_names_and_union_of_patterns() -> None:
    lay = GridLayout(5, 5, 0.5, depopulation=(CentreVoid(1), DepopulateNames(("A1", "E5"))))
    s = lay.generate(PAD)
    assert set(s.names[~s.populated].tolist()) == {"A1", "C3", "E5"}


def test_staggered_depopulation() -> None:
    s = StaggeredLayout(4, 4, 0.8, 0.5, depopulation=(PerimeterRings(1),)).generate(PAD)
    assert set(s.names[~s.populated].tolist()) == {"B2", "B3", "C2", "C3"}


def test_bad_depopulation() -> None:
    with pytest.raises(DesignError) as err:
        CentreVoid(0)
    assert err.value.path == "size"
    with pytest.raises(DesignError) as err:
        DepopulateNames("A1")  # type: ignore[arg-type]
    assert err.value.path == "names"


# -- explicit and CSV ------------------------------------------------------------------------------------
def test_explicit_layout_keeps_own_pads() -> None:
    lay = ExplicitLayout((ExplicitSite("P1", 0.0, 0.0), ExplicitSite("P2", 1.0, 0.5, 0.4, PadKind.SOLDER_RESIST)))
    s = lay.generate(PAD)
    assert s.pad_mm.tolist() == [0.36, 0.4]
    assert s.pad_kind.tolist() == [PadKind.COPPER, PadKind.SOLDER_RESIST]
    assert lay.pitch_hint_mm() == pytest.approx(np.hypot(1.0, 0.5))


def test_explicit_layout_refuses_repeated_names() -> None:
    with pytest.raises(DesignError) as err:
        ExplicitLayout((ExplicitSite("P1", 0, 0), ExplicitSite("P1", 1, 0)))
    assert err.value.path == "sites[1].name"


def test_read_csv_text_and_file(tmp_path: Path) -> None:
    text = "Name,X (mm),Y (mm),Pad,comment\nA1,0,0,0.3,corner\nA2,0.8,0,,\n"
    lay = read_sites_csv(text)
    assert [(s.name, s.x_mm, s.y_mm, s.pad_mm) for s in lay.sites] == [("A1", 0, 0, 0.3), ("A2", 0.8, 0, None)]
    f = tmp_path / "sites.csv"
    f.write_text("\ufeff" + text, encoding="utf-8")  # a BOM, as spreadsheets write it
    assert read_sites_csv(f) == lay


@pytest.mark.parametrize(
    ("text", "where", "value"),
    [
        ("name,x,y\nA1,0,0\nA2,abc,0\n", "CSV line 3, column 'x'", "abc"),
        ("name,x,y\nA1,0,0\nA2,1\n", "CSV line 3, column 'y'", ""),
        ("name,x,y,pad\nA1,0,0,-0.3\n", "CSV line 2, column 'pad'", "-0.3"),
        ("name,x,y\nA1,0,inf\n", "CSV line 2, column 'y'", "inf"),
        ("name,x,y\nA1,0,0\n\nA1,1,0\n", "CSV line 4, column 'name'", "A1"),
        ("name,x,y\n,0,0\n", "CSV line 2, column 'name'", ""),
        ("\n\nname,x,y\nA1,0,0\nA2,zz,0\n", "CSV line 5, column 'x'", "zz"),  # leading blank lines counted
        ('name,x,y,note\nA1,0,0,"a\nb"\nA2,zz,0,\n', "CSV line 4, column 'x'", "zz"),  # a cell over two lines
        ('name,x,y\n"A\n1",0,0\n', "CSV line 3, column 'name'", "A\n1"),  # a name must be one printable line
        ("name,x,y\nA1,2_5,0\n", "CSV line 2, column 'x'", "2_5"),  # float() reads it; a CSV must not
        ("name,x,y\nA1,\u0662,0\n", "CSV line 2, column 'x'", "\u0662"),  # an Arabic-Indic digit
        ("name,x,y\nA1,\uff11,0\n", "CSV line 2, column 'x'", "\uff11"),  # a full-width digit
        ("name,x,y\nA1,0," + "1" * 131_073 + "\n", "CSV line 2", ""),  # a cell over the csv module's limit
        ("site,x\nA1,0\n", "CSV line 1", "site,x"),
        ("", "CSV line 1", ""),
        ("name,x,y\n", "CSV line 2", ""),
    ],
)
def test_csv_errors_name_line_and_column(text: str, where: str, value: str) -> None:
    with pytest.raises(DesignError) as err:
        read_sites_csv(text)
    assert err.value.path == where
    assert err.value.value == value


def test_csv_repeated_name_points_back() -> None:
    with pytest.raises(DesignError, match="repeats the site of line 2"):
        read_sites_csv("name,x,y\nA1,0,0\nA1,1,0\n")


def test_csv_error_uses_the_file_name(tmp_path: Path) -> None:
    f = tmp_path / "pins.csv"
    f.write_text("name,x,y\nA1,0,zero\n", encoding="utf-8")
    with pytest.raises(DesignError) as err:
        read_sites_csv(f)
    assert err.value.path == "pins.csv line 2, column 'y'"
    with pytest.raises(DesignError, match="cannot read"):
        read_sites_csv(tmp_path / "missing.csv")


def test_bad_pad_kind_is_a_design_error() -> None:
    with pytest.raises(DesignError) as err:
        ExplicitSite("A1", 0.0, 0.0, pad_kind=7)  # type: ignore[arg-type]
    assert err.value.path == "pad_kind"


# -- edits -----------------------------------------------------------------------------------------------
GRID = GridLayout(3, 3, 1.0)


def test_no_edits_is_the_generated_layout() -> None:
    assert build_sites(GRID, PAD, SiteEdits()) is build_sites(GRID, PAD, SiteEdits())
    assert build_sites(GRID, PAD, SiteEdits()).names.tolist() == GRID.generate(PAD).names.tolist()


def test_depopulate_and_restore() -> None:
    grid = GridLayout(3, 3, 1.0, depopulation=(CentreVoid(1),))
    edits = SiteEdits().with_state(["A1"], SiteState.DEPOPULATED).with_state(["B2"], SiteState.POPULATED)
    s = build_sites(grid, PAD, edits)
    assert set(s.names[~s.populated].tolist()) == {"A1"}
    back = edits.with_state(["A1"], SiteState.POPULATED)
    assert build_sites(grid, PAD, back).populated.all()


def test_move_accumulates() -> None:
    edits = SiteEdits().with_moves(["A1", "C3"], 0.1, 0.0).with_moves(["A1"], 0.0, -0.2)
    s = build_sites(GRID, PAD, edits)
    a1, c3 = s.index_of("A1"), s.index_of("C3")
    assert (s.x_mm[a1], s.y_mm[a1]) == (pytest.approx(-0.9), pytest.approx(0.8))
    assert (s.x_mm[c3], s.y_mm[c3]) == (pytest.approx(1.1), pytest.approx(-1.0))


def test_add_and_remove() -> None:
    edits = SiteEdits().with_added(ExplicitSite("X1", 5.0, 5.0, 0.5)).with_removed(["B2"])
    s = build_sites(GRID, PAD, edits)
    assert len(s) == 9
    assert not s.has("B2")
    x1 = s.index_of("X1")
    assert (s.x_mm[x1], s.pad_mm[x1]) == (5.0, 0.5)
    dropped = edits.with_removed(["X1"])
    assert dropped.added == () and dropped.removed == ("B2",)  # an added site is dropped, not "removed"


def test_added_name_clash() -> None:
    with pytest.raises(DesignError) as err:
        build_sites(GRID, PAD, SiteEdits(added=(ExplicitSite("A1", 9.0, 9.0),)))
    assert err.value.path == "edits.added"


def test_contradictory_edits() -> None:
    with pytest.raises(DesignError):
        SiteEdits(depopulated=("A1",), restored=("A1",))
    with pytest.raises(DesignError):
        SiteEdits(moves=(SiteMove("A1", 0, 0), SiteMove("A1", 1, 0)))


def test_edits_survive_a_larger_grid_by_name() -> None:
    edits = SiteEdits(depopulated=("B2", "D4"), moves=(SiteMove("A1", 0.1, 0.0),))
    small = build_sites(GridLayout(3, 3, 1.0), PAD, edits)
    assert set(small.names[~small.populated].tolist()) == {"B2"}  # D4 does not exist yet
    big = build_sites(GridLayout(4, 4, 1.0), PAD, edits)
    assert set(big.names[~big.populated].tolist()) == {"B2", "D4"}
    assert big.x_mm[big.index_of("A1")] == pytest.approx(-1.5 + 0.1)


def test_edits_are_sorted_for_stable_files() -> None:
    e = SiteEdits(depopulated=("C3", "A1", "C3"), moves=(SiteMove("B2", 0, 0), SiteMove("A1", 0, 0)))
    assert e.depopulated == ("A1", "C3")
    assert [m.name for m in e.moves] == ["A1", "B2"]
    assert e == SiteEdits(depopulated=("A1", "C3"), moves=(SiteMove("A1", 0, 0), SiteMove("B2", 0, 0)))
