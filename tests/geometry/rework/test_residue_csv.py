"""Residue CSV import: by name or nearest x,y; extra columns tolerated; bad input names the line and column."""

from __future__ import annotations

import pytest
from rework_helpers import grid

from geometry.base.errors import DesignError
from geometry.fileio.residue_csv import read_residue_csv
from geometry.model.profiles import Tapered
from geometry.model.rework import SiteResidue

SITES = grid(Tapered(60.0)).sites()  # 3 x 3 at 0.8 mm pitch, centred


def xy(name: str) -> tuple[float, float]:
    r = SITES.index_of(name)
    return float(SITES.x_mm[r]), float(SITES.y_mm[r])


def test_by_name_with_extra_columns_and_optional_diameter():
    text = "Name,operator,height,diameter\nA1,jo,0.03,0.5\nB2,jo,0.04,\n"
    assert read_residue_csv(text, SITES) == (SiteResidue("A1", 0.03, 0.5), SiteResidue("B2", 0.04, None))


def test_by_position_matched_to_the_nearest_site_within_tolerance():
    x, y = xy("C3")
    text = f"x,y,height_um,diameter_um\n{x + 0.02},{y - 0.01},35,480\n"
    (m,) = read_residue_csv(text, SITES)
    assert m.site == "C3" and m.height_mm == pytest.approx(0.035) and m.diameter_mm == pytest.approx(0.48)


def test_file_path_and_label(tmp_path):
    p = tmp_path / "scan.csv"
    p.write_text("\ufeffsite,h_res\nA2,0.02\n", encoding="utf-8")
    assert read_residue_csv(p, SITES) == (SiteResidue("A2", 0.02),)
    p.write_text("site,h_res\nA2,x\n", encoding="utf-8")
    with pytest.raises(DesignError, match=r"scan\.csv line 2, column 'h_res'"):
        read_residue_csv(p, SITES)


@pytest.mark.parametrize(("text", "where", "problem"), [
    ("name,height\nA1,0.03\nA2,abc\n", "line 3, column 'height'", "is not a number"),
    ("name,height\nA1,-0.01\n", "line 2, column 'height'", "must not be negative"),
    ("name,height\nA1,nan\n", "line 2, column 'height'", "not a number"),
    ("name,height\nA1,0_1\n", "line 2, column 'height'", "not a number"),
    ("name,height\nA1,\u0660.1\n", "line 2, column 'height'", "not a number"),
    ("name,height\nA1," + "1" * 131_073 + "\n", "line 2", "longer than 131,072"),
    ("name,height\nA1,\n", "line 2, column 'height'", "missing"),
    ("name,height,diameter\nA1,0.03,0\n", "line 2, column 'diameter'", "positive"),
    ("name,height\n\nA1,0.03\nZ9,0.03\n", "line 4, column 'name'", "not a site"),
    ("name,height\nA1,0.03\nA1,0.04\n", "line 3, column 'name'", "measured already on line 2"),
    ("x,y,height\n5,5,0.03\n", "line 2, columns 'x'/'y'", "no site within 0.05 mm"),
    ("x,y,height\n1q,0,0.03\n", "line 2, column 'x'", "is not a number"),
    ("name,diameter\nA1,0.3\n", "line 1", "no column height"),
    ("height\n0.03\n", "line 1", "name (or x and y)"),
    ("", "line 1", "empty"),
    ("name,height\n", "line 2", "no measurements"),
])
def test_bad_input_names_the_line_and_column(text, where, problem):
    with pytest.raises(DesignError) as e:
        read_residue_csv(text, SITES, label="scan.csv")
    assert f"scan.csv {where}" in str(e.value)
    assert problem in str(e.value)


def test_multi_line_cell_keeps_the_file_line_numbers():
    text = 'name,note,height\nA1,"two\nlines",0.03\nA2,x,bad\n'
    with pytest.raises(DesignError, match="line 4, column 'height'"):
        read_residue_csv(text, SITES)
