"""A design's hash is computed once per value (issue 12): equal values hash equal, a change is seen, copies and
pickles start without a hash, and a second hash of a 1M-site explicit design does no work over its sites."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from geometry.base.names import grid_names
from geometry.model.ball import Ball
from geometry.model.design import Design, MergeSettings, ProfileOverride, example_grid_design
from geometry.model.layouts import CarrierLayout, ExplicitLayout, GridLayout, Pad, SiteColumns, SiteEdits
from geometry.model.layouts.depopulation import DepopulateNames
from geometry.model.layouts.edits import SiteMove
from geometry.model.layouts.wafer import WaferLayout
from geometry.model.mask import Mask
from geometry.model.profiles import Straight
from geometry.model.rework import FailedPlace, Rework, SiteResidue

REPO = Path(__file__).resolve().parents[2]


def edited(base: Design | None = None) -> Design:
    """A 10 x 10 design with every kind of cached part: edits, an override, merge settings, rework data."""
    d = base or example_grid_design()
    return d.with_(
        edits=SiteEdits(depopulated=("A1", "B2"), moves=(SiteMove("C3", 0.01, 0.0),)),
        overrides=(ProfileOverride(("D4", "D5"), Straight()),),
        merge=MergeSettings(channels=(("E1", "E2"),)),
        rework=Rework(device="SN 1", damaged=("F6",), measured=(SiteResidue("G7", 0.01),),
                      failed=(FailedPlace(site="H8"),)),
    )


def test_equal_designs_built_apart_hash_equal() -> None:
    a, b = edited(), edited()
    assert a is not b and a.edits is not b.edits
    assert a == b and hash(a) == hash(b)
    assert hash(a.edits) == hash(b.edits) and hash(a.rework) == hash(b.rework)


@pytest.mark.parametrize("change", [
    lambda d: d.with_(name="other"),
    lambda d: d.with_(edits=d.edits.with_moves(["C3"], 0.0, 0.001)),
    lambda d: d.with_(overrides=(ProfileOverride(("D4",), Straight()),)),
    lambda d: d.with_(merge=MergeSettings(auto=False, channels=(("E1", "E2"),))),
    lambda d: d.with_(rework=dataclasses.replace(d.rework, device="SN 2")),
    lambda d: d.with_(layout=GridLayout(10, 10, 0.8, depopulation=(DepopulateNames(("J10",)),))),
])
def test_a_changed_field_changes_equality(change: Any) -> None:
    d = edited()
    c = change(d)
    assert c != d and d != c
    hash(d), hash(c)  # once both know their hash, the hash short cut must give the same answer
    assert c != d
    assert c == change(edited())  # and the changed value equals the same change made apart
    assert hash(c) == hash(change(edited()))


def test_replace_starts_without_the_old_hash() -> None:
    d = edited()
    hash(d)
    same = dataclasses.replace(d)
    assert not hasattr(same, "_hash")  # no cache copied
    renamed = dataclasses.replace(d, name="renamed")
    assert hash(renamed) == hash(edited().with_(name="renamed")) != hash(d)


def test_cache_is_no_field() -> None:
    d = edited()
    hash(d)
    assert "_hash" not in {f.name for f in dataclasses.fields(d)}  # the file codec writes fields only
    assert "_hash" not in repr(d)


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy, lambda v: pickle.loads(pickle.dumps(v))],
                         ids=["copy", "deepcopy", "pickle"])
def test_copies_and_pickles_are_equal_and_rehash(copier: Any) -> None:
    d = edited()
    values = [d, d.edits, d.overrides[0], d.merge, d.rework,
              WaferLayout(GridLayout(4, 4, 0.5), 2.5, skip=("C07R12",)), DepopulateNames(("A1",)),
              CarrierLayout(GridLayout(2, 2, 0.5), 2, 3, 2.0, skip=((1, 1),))]
    for v in values:
        hash(v)
        c = copier(v)
        if c is not v:
            assert not hasattr(c, "_hash"), type(v).__name__  # the hash is never carried over
        assert c == v and hash(c) == hash(v)


def test_a_pickle_from_another_process_hashes_again_here() -> None:
    """String hashes differ between processes (PYTHONHASHSEED): a hash cached there would be wrong here."""
    code = ("import pickle, sys\n"
            "sys.path.insert(0, sys.argv[1])\n"
            "from tests.geometry.test_design_hash import edited\n"
            "d = edited()\n"
            "hash(d)\n"
            "sys.stdout.buffer.write(pickle.dumps(d))\n")
    out = subprocess.run([sys.executable, "-c", code, str(REPO)], capture_output=True, check=True, cwd=REPO,
                         env={"PYTHONHASHSEED": "12345", "PATH": "", "PYTHONPATH": str(REPO)}, timeout=120)
    there = pickle.loads(out.stdout)
    here = edited()
    assert there == here and hash(there) == hash(here)
    assert {there: 1}[here] == 1


class CountingName(str):
    """A site name that counts how often it is hashed (str caches its own hash; a subclass' __hash__ runs)."""

    calls: ClassVar[int] = 0

    def __hash__(self) -> int:
        CountingName.calls += 1
        return str.__hash__(self)


def big_design(n_side: int = 1000) -> Design:
    r, c = np.divmod(np.arange(n_side * n_side), n_side)
    cols = SiteColumns(grid_names(n_side, n_side), c * 0.25, r * -0.25)
    names = cols.names[:1000].tolist()
    return Design(Ball(0.15), Pad(0.12), ExplicitLayout(cols), Mask(0.08),
                  overrides=(ProfileOverride(tuple(CountingName(n) for n in names), Straight()),))


def test_second_hash_of_a_1m_design_does_not_rehash(monkeypatch: pytest.MonkeyPatch) -> None:
    d = big_design()
    assert len(d.layout.sites) == 1_000_000
    column_hashes = []
    original = SiteColumns.__hash__

    def counting(self: SiteColumns) -> int:
        column_hashes.append(1)
        return original(self)

    monkeypatch.setattr(SiteColumns, "__hash__", counting)
    CountingName.calls = 0
    h = hash(d)
    assert len(column_hashes) == 1 and CountingName.calls == 1000  # the first hash sees every part once
    for _ in range(3):
        assert hash(d) == h
        cached = {d: "derived"}
        assert cached[d] == "derived"  # an lru_cache-like lookup by the same value
    assert len(column_hashes) == 1 and CountingName.calls == 1000  # ... and nothing again


def test_equal_1m_designs_built_apart_compare_by_value() -> None:
    a, b = big_design(), big_design()
    assert a.layout.sites is not b.layout.sites
    assert a == b and hash(a) == hash(b)
    x = a.layout.sites.x_mm.copy()
    x[-1] += 1e-6  # one site of a million moved by 1 nm
    moved = a.with_(layout=ExplicitLayout(SiteColumns(a.layout.sites.names, x, a.layout.sites.y_mm)))
    assert moved != a  # before either knows its hash
    hash(moved)
    assert moved != a
    assert moved != b
