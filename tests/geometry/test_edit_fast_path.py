"""The edit fast paths (issue 12) against their references, after random edit sequences.

``Design.sites()`` patches the base layout's arrays through a sorted name index, and ``opening_table`` patches
the table of the design before the edit; the references are ``build_sites_full`` (a new layout, a dict of
names) and ``opening_table_full``. Every step of a seeded random walk of edits (move, depopulate, restore, add,
delete, profile override and its removal, a changed layout, undo to an older design value) must give the same
arrays, dtype and values, and the same answers to name lookups.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from geometry.base.errors import DesignError
from geometry.base.sized_cache import SizedCache
from geometry.derive.openings import OpeningTable, opening_table, opening_table_full
from geometry.model import operations as op
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import CentreVoid, GridLayout, Pad, SiteEdits
from geometry.model.layouts.edits import LARGE_SITES, base_sites, build_sites_full
from geometry.model.layouts.explicit import ExplicitLayout, ExplicitSite, SiteColumns
from geometry.model.layouts.wafer import WaferLayout
from geometry.model.mask import Mask
from geometry.model.profiles import OneSideVertical, Profile, Straight, Tapered
from geometry.model.site_index import NameIndex, find_rows
from geometry.model.sites import Sites
from tests.geometry.carrier.test_unit_types import mixed

# Names that sort oddly or look alike: case, leading zeros, spaces at either end, digits before letters,
# non-ASCII, separators, a prefix of another name.
ODD = ["A1", "A01", "a1", "A1 ", " A1", "A10", "A2", "10", "9", "Ä1", "Ω", "Z:1", "Z", "ZZ", "x-1", "X1", "S",
       "S0", "S00", "B1"]
PROFILES: tuple[Profile, ...] = (Tapered(55.0), Straight(), OneSideVertical(60.0, direction_deg=30.0), Tapered(60.0))


def explicit_design() -> Design:
    rng = np.random.default_rng(3)
    names = ODD + [f"S{k}" for k in range(1, 41)]
    n = len(names)
    x = (np.arange(n) % 8) * 0.5 + rng.uniform(-0.01, 0.01, n)
    y = (np.arange(n) // 8) * 0.5
    pads = np.where(np.arange(n) % 7 == 0, 0.22, np.nan)
    return Design(Ball(0.25), Pad(0.2), ExplicitLayout(SiteColumns(names, x, y, pads)), Mask(0.13), Tapered(60.0))


def grid_design() -> Design:
    return Design(Ball(0.3), Pad(0.25), GridLayout(7, 7, 0.5, depopulation=(CentreVoid(3),)), Mask(0.1),
                  Tapered(60.0))


def wafer_design() -> Design:
    lay = WaferLayout(GridLayout(3, 3, 0.5), 12.0, street_mm=0.1, diameter_mm=100.0, edge_exclusion_mm=3.0)
    return Design(Ball(0.3), Pad(0.25), lay, Mask(0.1), Tapered(60.0))


def typed_carrier() -> Design:
    """Units of two types, type B with a profile of its own (the overrides win over it)."""
    return mixed()


def assert_same_sites(a: Sites, b: Sites) -> None:
    for name in ("names", "x_mm", "y_mm", "pad_mm", "pad_kind", "state", "group"):
        u, v = getattr(a, name), getattr(b, name)
        assert u.dtype == v.dtype, name
        assert np.array_equal(u, v), name
        assert not u.flags.writeable, name


def assert_same_table(a: OpeningTable, b: OpeningTable) -> None:
    assert_same_sites(a.sites, b.sites)
    assert a.profiles == b.profiles and a.openings == b.openings
    for name in ("which", "rows", "upper_mm", "lower_mm", "vertical_mm", "angle_deg", "relief_mm", "lower_x_mm",
                 "lower_y_mm"):
        u, v = getattr(a, name), getattr(b, name)
        assert u.dtype == v.dtype, name
        assert np.array_equal(u, v, equal_nan=u.dtype.kind == "f"), name
        assert not u.flags.writeable, name


def assert_same_lookups(s: Sites, extra: list[str]) -> None:
    """Row of every name (and of names not there) as a dict in row order answers."""
    index = {str(n): i for i, n in enumerate(s.names.tolist())}
    asked = [*s.names.tolist(), *extra, "nope", "A1\0"]
    assert s.rows_of(asked).tolist() == [index.get(n, -1) for n in asked]
    assert [s.name_index.row(n) for n in asked] == [index.get(n, -1) for n in asked]  # one at a time
    for n in asked:
        assert s.has(n) == (n in index)
        if n in index:
            assert s.index_of(n) == index[n]
        else:
            with pytest.raises(KeyError):
                s.index_of(n)


def _add(design: Design, rng: np.random.Generator) -> Design:
    x, y = (float(v) for v in rng.uniform(0, 4, 2))
    gone = [n for n in design.edits.removed if not design.sites().has(n)]
    if gone and rng.random() < 0.5:  # a name deleted from the layout comes back as a hand-placed site
        return op.add_site(design, x, y, gone[0])
    return op.add_site(design, x, y)


def _new_base(design: Design, rng: np.random.Generator) -> Design:
    """An edit of the layout itself (another base), as re-imported pads, or of the ball."""
    lay = design.layout
    if isinstance(lay, ExplicitLayout):
        c = lay.sites
        pads = c.pad_mm.copy()
        pads[int(rng.integers(len(pads)))] = 0.21
        return design.with_(layout=ExplicitLayout(SiteColumns(c.names, c.x_mm, c.y_mm, pads, c.pad_kind)))
    return design.with_(ball=Ball(0.3 + 0.01 * float(rng.integers(1, 3))))


def random_edit(design: Design, history: list[Design], rng: np.random.Generator, step: int) -> Design:
    names = design.sites().names.tolist()
    pick = [names[int(i)] for i in rng.choice(len(names), size=int(rng.integers(1, 4)), replace=False)]
    edits: list[Callable[[], Design]] = [
        lambda: op.move_sites(design, pick, *(float(v) for v in rng.uniform(-0.01, 0.01, 2))),
        lambda: op.depopulate(design, pick),
        lambda: op.restore(design, pick),
        lambda: op.set_profile(design, pick, PROFILES[int(rng.integers(len(PROFILES)))]),
        lambda: op.clear_profile(design, pick),
        lambda: op.delete_sites(design, pick[:1]),
        lambda: _add(design, rng),
        lambda: history[int(rng.integers(len(history)))],  # undo: an older design value
        lambda: _new_base(design, rng) if step % 4 == 0 else op.move_sites(design, pick[:1], 0.002, 0.0),
    ]
    return edits[int(rng.integers(len(edits)))]()


@pytest.mark.parametrize("make", [explicit_design, grid_design, wafer_design, typed_carrier],
                         ids=["explicit", "grid", "wafer", "typed-carrier"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edit_sequences_match_the_references(make: object, seed: int) -> None:
    design = make()  # type: ignore[operator]
    rng = np.random.default_rng(seed)
    history = [design]
    for step in range(60):
        design = random_edit(design, history, rng, step)
        history.append(design)
        s = design.sites()
        assert_same_sites(s, build_sites_full(design.layout, design.pad, design.edits))
        assert_same_table(opening_table(design), opening_table_full(design))
        if step % 5 == 0:
            assert_same_lookups(s, [*ODD, "X1", "X2", *design.edits.removed])


def test_a_move_patches_the_lower_centres_and_shares_the_rest() -> None:
    """The fast path is taken: after a move the opening values are the previous table's arrays, not copies."""
    design = explicit_design()
    before = opening_table(design)
    after = opening_table(op.move_sites(design, ["A01"], 0.003, 0.0))
    assert after.upper_mm is before.upper_mm and after.which is before.which
    row = after.sites.index_of("A01")
    assert after.lower_x_mm[row] == pytest.approx(before.lower_x_mm[row] + 0.003)
    assert np.delete(after.lower_x_mm, row).tolist() == np.delete(before.lower_x_mm, row).tolist()
    assert after.sites.names is before.sites.names  # the names column of the layout, shared


def test_depopulation_and_an_override_change_one_row() -> None:
    design = explicit_design()
    before = opening_table(design)
    d1 = op.depopulate(design, ["A1 "])
    t1 = opening_table(d1)
    row = t1.sites.index_of("A1 ")
    assert row == ODD.index("A1 ") and t1.which[row] == -1 and np.isnan(t1.upper_mm[row])
    assert row not in t1.rows.tolist() and len(t1.rows) == len(before.rows) - 1
    t2 = opening_table(op.set_profile(d1, ["A1"], Straight()))
    a1 = t2.sites.index_of("A1")
    assert t2.upper_mm[a1] == t2.lower_mm[a1] == pytest.approx(design.default_upper_mm)
    assert differing(t2.upper_mm, t1.upper_mm) == [] and differing(t2.lower_mm, t1.lower_mm) == [a1]


def differing(a: np.ndarray, b: np.ndarray) -> list[int]:
    return np.flatnonzero(~((a == b) | (np.isnan(a) & np.isnan(b)))).tolist()


def test_an_added_name_that_exists_is_refused_as_before() -> None:
    design = explicit_design()
    edits = SiteEdits(added=(ExplicitSite("A1 ", 9.0, 9.0),))
    with pytest.raises(DesignError, match="exists already") as fast:
        design.with_(edits=edits).sites()
    with pytest.raises(DesignError, match="exists already") as slow:
        build_sites_full(design.layout, design.pad, edits)
    assert str(fast.value) == str(slow.value)
    removed_then_added = SiteEdits(removed=("A1 ",), added=(ExplicitSite("A1 ", 9.0, 9.0),))
    s = design.with_(edits=removed_then_added).sites()
    assert s.index_of("A1 ") == len(s) - 1 and s.x_mm[-1] == 9.0


def test_name_index_answers_as_a_dict_in_row_order() -> None:
    rng = np.random.default_rng(5)
    pool = np.array([*ODD, "", "dup", "dup "])
    names = pool[rng.integers(len(pool), size=300)]  # many repeats: the last row of a name answers
    index = {str(n): i for i, n in enumerate(names.tolist())}
    asked = [*pool.tolist(), "absent", "A1\0", "dup\0"]
    assert find_rows(NameIndex(names), asked).tolist() == [index.get(n, -1) for n in asked]
    assert [NameIndex(names).row(n) for n in asked] == [index.get(n, -1) for n in asked]
    assert find_rows(NameIndex(names), np.asarray(asked[:5])).tolist() == [index.get(n, -1) for n in asked[:5]]
    assert find_rows(NameIndex(np.zeros(0, dtype="<U1")), ["A1"]).tolist() == [-1]
    assert find_rows(NameIndex(names), []).tolist() == []


def test_operations_name_the_first_missing_site() -> None:
    design = explicit_design()
    with pytest.raises(DesignError, match=r"no site of that name \(and 1 more\)") as e:
        op.move_sites(design, ["A1", "A1\0", "nope"], 0.1, 0.0)
    assert e.value.value == "A1\0"  # numpy would have read it as "A1", which exists


def test_sized_cache_keeps_large_entries_while_small_ones_come_and_go() -> None:
    cache: SizedCache[str] = SizedCache(large=100, keep_large=2, keep_small=3)
    cache.put("big1", "B1", 500)
    cache.put("big2", "B2", 100)
    for k in range(10):
        cache.put(f"small{k}", f"s{k}", 99)
    assert cache.get("big1") == "B1" and cache.get("big2") == "B2"
    assert [cache.get(f"small{k}") for k in range(10)] == [None] * 7 + ["s7", "s8", "s9"]
    assert cache.get("big1") == "B1"  # now the most recent of the large tier: big2 goes first
    cache.put("big3", "B3", 1000)
    assert (cache.get("big1"), cache.get("big2"), cache.get("big3")) == ("B1", None, "B3")
    cache.put("big1", "b1", 5)  # the same key again, now small: one entry, in the small tier
    assert cache.get("big1") == "b1" and cache.get("small7") is None and len(cache) == 4  # big3 + s8, s9, big1
    cache.clear()
    assert len(cache) == 0 and cache.get("big3") is None


class CountedKey:
    """A key equal to every CountedKey of the same value, counting the comparisons by value (the arrays of a
    million-site layout)."""

    compared = 0

    def __init__(self, value: int) -> None:
        self.value = value

    def __hash__(self) -> int:
        return hash(self.value)

    def __eq__(self, other: object) -> bool:
        CountedKey.compared += 1
        return isinstance(other, CountedKey) and other.value == self.value


def test_sized_cache_finds_an_entry_by_identity_after_one_comparison() -> None:
    """Two equal keys of different objects (a layout made again): the first lookup compares them by value, then
    the entry is kept under the asker's object and later lookups with it compare nothing; putting under a new
    equal object does the same."""
    cache: SizedCache[str] = SizedCache(large=100, keep_large=2, keep_small=3)
    first, again, third = CountedKey(1), CountedKey(1), CountedKey(1)
    cache.put(first, "v", 500)
    CountedKey.compared = 0
    assert cache.get(again) == "v" and CountedKey.compared == 1
    assert cache.get(again) == "v" and cache.get(again) == "v" and CountedKey.compared == 1
    cache.put(third, "w", 500)
    assert CountedKey.compared == 2 and len(cache) == 1
    assert cache.get(third) == "w" and CountedKey.compared == 2
    assert cache.get(CountedKey(2)) is None


def test_window_designs_do_not_evict_a_large_layouts_sites() -> None:
    """The analysis makes a small design around every edit; the large layout's sites (and their sorted names)
    must still be the kept ones afterwards, or the next edit pays for the whole layout again."""
    big = GridLayout(250, 250, 0.4)
    assert big.site_count() >= LARGE_SITES
    first = base_sites(big, Pad(0.2))
    for k in range(12):
        base_sites(GridLayout(3, 3 + k, 0.4), Pad(0.2))
    assert base_sites(big, Pad(0.2)) is first
