"""JEDEC ball names: the row alphabet without I, O, Q, S, X, Z; AA after Y; round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geometry.base.names import ROW_LETTERS, grid_names, row_index, row_name, split_name

SKIPPED = set("IOQSXZ")


def test_alphabet_skips_letters_that_read_like_others() -> None:
    assert len(ROW_LETTERS) == 20
    assert not SKIPPED & set(ROW_LETTERS)
    assert "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in SKIPPED) == ROW_LETTERS


@pytest.mark.parametrize(
    ("index", "name"),
    [(0, "A"), (7, "H"), (8, "J"), (19, "Y"), (20, "AA"), (21, "AB"), (39, "AY"), (40, "BA"), (419, "YY"),
     (420, "AAA")],
)
def test_row_names(index: int, name: str) -> None:
    assert row_name(index) == name
    assert row_index(name) == index


def test_row_after_y_is_aa() -> None:
    assert [row_name(i) for i in range(18, 22)] == ["W", "Y", "AA", "AB"]


def test_names_are_unique_ordered_and_never_use_skipped_letters() -> None:
    names = [row_name(i) for i in range(3000)]
    assert len(set(names)) == 3000
    assert not any(SKIPPED & set(n) for n in names)
    # shorter names first, then alphabetical within a length: the JEDEC reading order
    assert names == sorted(names, key=lambda n: (len(n), [ROW_LETTERS.index(c) for c in n]))


@given(st.integers(0, 200_000))
def test_round_trip(index: int) -> None:
    assert row_index(row_name(index)) == index


@pytest.mark.parametrize("bad", ["", "I", "AO", "a", "A1"])
def test_row_index_rejects_non_jedec_rows(bad: str) -> None:
    with pytest.raises(ValueError, match="JEDEC"):
        row_index(bad)


def test_negative_row_index_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        row_name(-1)


def test_split_name() -> None:
    assert split_name("AB12") == ("AB", 12)
    assert split_name("A1") == ("A", 1)
    assert split_name("12A") is None
    assert split_name("GND") is None


def test_grid_names_row_major() -> None:
    names = grid_names(2, 3).tolist()
    assert names == ["A1", "A2", "A3", "B1", "B2", "B3"]
    big = grid_names(22, 2).tolist()
    assert big[-4:] == ["AA1", "AA2", "AB1", "AB2"]
