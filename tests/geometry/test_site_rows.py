"""Edited sites of a layout of repeated units, rows found from the unit structure, against a plain per-name
application of the edits."""

from __future__ import annotations

import numpy as np
import pytest

from geometry.base.errors import DesignError
from geometry.derive.openings import opening_table
from geometry.model.design import ProfileOverride
from geometry.model.layouts import ExplicitSite, GridLayout, SiteEdits, build_sites
from geometry.model.layouts.site_rows import edited_rows
from geometry.model.profiles import Straight
from geometry.model.sites import SiteState
from tests.geometry.carrier.test_unit_types import mixed


def by_hand(d_sites: list[dict[str, object]], edits: SiteEdits) -> list[dict[str, object]]:
    """The edits applied one name at a time, as the design file describes them."""
    out = [s for s in d_sites if s["name"] not in set(edits.removed)]
    out += [{"name": a.name, "x": a.x_mm, "y": a.y_mm, "state": 0} for a in edits.added]
    by_name = {str(s["name"]): s for s in out}
    for m in edits.moves:
        if m.name in by_name:
            s = by_name[m.name]
            s["x"], s["y"] = float(s["x"]) + m.dx_mm, float(s["y"]) + m.dy_mm  # type: ignore[arg-type]
    for n in edits.depopulated:
        if n in by_name:
            by_name[n]["state"] = 1
    for n in edits.restored:
        if n in by_name:
            by_name[n]["state"] = 0
    return out


EDITS = (SiteEdits()
         .with_removed(["U01-01:A1", "U02-01:C3", "U09-09:A1", "nonsense"])
         .with_added(ExplicitSite("U01-03:Z9", 4.1, 2.2))
         .with_moves(["U01-02:B2", "U01-03:Z9", "U02-03:D4"], 0.01, -0.02)  # U02-03 is type B (no D4): no-op
         .with_state(["U02-02:A2", "U01-03:Z9"], SiteState.DEPOPULATED))


def test_edited_sites_of_a_carrier_match_the_edits_applied_by_hand() -> None:
    d = mixed()
    gen = d.layout.generate(d.pad)
    plain = [{"name": n, "x": x, "y": y, "state": int(s)} for n, x, y, s in
             zip(gen.names.tolist(), gen.x_mm.tolist(), gen.y_mm.tolist(), gen.state.tolist(), strict=True)]
    want = by_hand(plain, EDITS)
    got = build_sites(d.layout, d.pad, EDITS)
    assert got.names.tolist() == [s["name"] for s in want]
    assert np.allclose(got.x_mm, [s["x"] for s in want]) and np.allclose(got.y_mm, [s["y"] for s in want])
    assert got.state.tolist() == [s["state"] for s in want]
    names = ["U01-03:Z9", "U01-02:B2", "U01-01:A1", "U02-03:A1", "missing:A1"]
    rows = edited_rows(d.layout, d.pad, EDITS, names)
    expect = [got.names.tolist().index(n) if n in got.names.tolist() else -1 for n in names]
    assert rows.tolist() == expect


def test_overrides_of_an_edited_carrier_find_their_sites() -> None:
    d = mixed().with_(edits=EDITS, overrides=(ProfileOverride(("U01-03:Z9", "U01-01:B1", "U01-01:A1"), Straight()),))
    t = opening_table(d)
    s = d.sites()
    own = {str(n) for n in s.names[t.which == t.profiles.index(Straight())]}
    b_units = {"U01-02", "U02-01", "U02-03"}
    assert own == {"U01-01:B1"} | {n for n in s.names.tolist() if n.split(":")[0] in b_units and n != "U02-01:C3"} \
        - {"U02-02:A2"}  # Z9 is depopulated: no opening
    assert np.all(t.which[s.index_of("U01-03:Z9")] == -1)


def test_an_added_site_may_not_take_a_generated_name() -> None:
    d = mixed()
    with pytest.raises(DesignError) as e:
        build_sites(d.layout, d.pad, SiteEdits().with_added(ExplicitSite("U01-01:A2", 0.0, 0.0)))
    assert e.value.path == "edits.added"
    again = SiteEdits(removed=("U01-01:A2",)).with_added(ExplicitSite("U01-01:A2", 0.0, 0.0))
    assert build_sites(d.layout, d.pad, again).has("U01-01:A2")
    assert build_sites(GridLayout(2, 2, 1.0), d.pad, SiteEdits(removed=("A1",))).names.tolist() == ["A2", "B1", "B2"]
