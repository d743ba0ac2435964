"""Several unit types on one carrier: counts and positions computed independently, one repetition group per type,
relief and checks equal to the whole-carrier computation, the file round trip, and the DXF with both types."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import ezdxf
import jsonschema
import numpy as np
import pytest

from geometry.base.errors import DesignError
from geometry.derive.openings import opening_table
from geometry.derive.repetition import Repeated
from geometry.export.run import export_design
from geometry.fileio import load_design, save_design
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import CarrierLayout, GridLayout, Pad
from geometry.model.layouts.edits import SiteMove
from geometry.model.layouts.unit_types import UnitType
from geometry.model.mask import Mask
from geometry.model.profiles import Straight, Tapered
from tests.geometry.test_repetition import assert_like_whole

SMALL = GridLayout(3, 3, 0.6)  # the second device: 9 balls at 0.6 mm
B_UNITS = ((1, 2), (2, 1), (2, 3))
STRAIGHT = Straight()
SCHEMA = Path(__file__).resolve().parents[3] / "resources" / "schema" / "ballmask.schema.json"  # this checkout's


def mixed(profile: Tapered | Straight | None = STRAIGHT, **kw: object) -> Design:
    """2 x 3 units at 4 x 5 mm: a 4 x 4 grid at 0.5 mm, and type B (a 3 x 3 grid at 0.6 mm) at three units."""
    lay = CarrierLayout(GridLayout(4, 4, 0.5), 2, 3, 4.0, 5.0, unit_types=(UnitType("B", SMALL, B_UNITS, profile),),
                        **kw)  # type: ignore[arg-type]
    return Design(Ball(0.3), Pad(0.25), lay, Mask(0.15, "laser-cut-stainless"), Tapered(55.0))


def test_each_unit_has_its_types_sites_at_its_centre() -> None:
    d = mixed()
    s = d.sites()
    assert len(s) == 3 * 16 + 3 * 9
    xs, ys = np.array([-4.0, 0.0, 4.0]), np.array([2.5, -2.5])  # centred matrix, computed by hand
    for r in (1, 2):
        for c in (1, 2, 3):
            rows = np.flatnonzero(np.char.startswith(s.names.astype(str), f"U{r:02d}-{c:02d}:"))
            assert len(rows) == (9 if (r, c) in B_UNITS else 16)
            assert np.isclose(s.x_mm[rows].mean(), xs[c - 1]) and np.isclose(s.y_mm[rows].mean(), ys[r - 1])
            if (r, c) in B_UNITS:  # B's A1 at the top-left of a 3 x 3 grid at 0.6 mm
                a1 = s.index_of(f"U{r:02d}-{c:02d}:A1")
                assert np.isclose(s.x_mm[a1], xs[c - 1] - 0.6) and np.isclose(s.y_mm[a1], ys[r - 1] + 0.6)
    # unit by unit, row-major: U01-01 (16), U01-02 (9), U01-03 (16), U02-01 (9), ...
    units = [n.split(":")[0] for n in s.names.tolist()]
    assert units == sorted(units)
    assert d.layout.site_count() == len(s)


def test_each_type_has_its_profile() -> None:
    d = mixed()
    t = opening_table(d)
    s = d.sites()
    b = np.array([n.startswith(("U01-02:", "U02-01:", "U02-03:")) for n in s.names.tolist()])
    assert np.allclose(t.angle_deg[b], 90.0)  # Straight walls
    assert np.allclose(t.angle_deg[~b], 55.0)
    assert np.allclose(t.lower_mm[b], t.upper_mm[b])


def test_one_group_per_type_equal_to_the_whole_carrier() -> None:
    d = mixed()
    rep = assert_like_whole(d)
    assert isinstance(rep, Repeated)
    assert [(g.label, g.units.tolist()) for g in rep.groups] == [("", [0, 2, 4]), ("B", [1, 3, 5])]
    assert rep.groups[1].unit_design.layout == SMALL and rep.groups[1].unit_design.profile == Straight()


def test_an_edit_inside_a_typed_unit_and_the_design_profile_for_type_b() -> None:
    d = mixed(profile=None)
    edits = d.edits.with_moves(["U02-03:B2"], 0.05, 0.0).with_state(["U01-01:A1"], 1)
    rep = assert_like_whole(d.with_(edits=edits))
    assert sorted(g.label for g in rep.groups) == ["", "B", "U01-01", "U02-03"]
    singled = next(g for g in rep.groups if g.label == "U02-03")
    assert singled.unit_design.layout == SMALL and singled.unit_design.edits.moves == (SiteMove("B2", 0.05, 0.0),)


def test_the_design_file_round_trips(tmp_path: Path) -> None:
    d = mixed(skip=((2, 2),))
    save_design(d, tmp_path / "m.ballmask")
    assert load_design(tmp_path / "m.ballmask") == d
    text = (tmp_path / "m.ballmask").read_text()
    assert '"unit_types"' in text
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(text))


@pytest.mark.parametrize(("types", "field"), [
    ((UnitType("B", SMALL, ((3, 1),)),), "unit_types[0].units[0]"),
    ((UnitType("B", SMALL, ((1, 1),)), UnitType("C", SMALL, ((1, 1),))), "unit_types[1].units[0]"),
    ((UnitType("B", SMALL, ((1, 1),)), UnitType("B", SMALL, ((1, 2),))), "unit_types[1].name"),
])
def test_bad_unit_types_are_refused_naming_the_field(types: tuple[UnitType, ...], field: str) -> None:
    with pytest.raises(DesignError) as e:
        CarrierLayout(GridLayout(4, 4, 0.5), 2, 3, 4.0, 5.0, unit_types=types)
    assert e.value.path == field


@pytest.mark.parametrize("blocks", [False, True])
def test_the_dxf_holds_both_types(tmp_path: Path, blocks: bool) -> None:
    d = mixed()
    d = d.with_(output=d.output.__class__(blocks=blocks))
    out = export_design(d, tmp_path / "m.dxf", "dxf", force=True, date=datetime.date(2026, 1, 2)).path
    doc = ezdxf.readfile(out)
    assert not doc.audit().has_errors
    msp = doc.modelspace()
    if blocks:
        names = {b.name for b in doc.blocks if not b.name.startswith("*")}
        assert {"UNIT_UPPER_THROUGH", "UNIT_B_UPPER_THROUGH"} <= names
        inserts = [e for e in msp if e.dxftype() == "INSERT" and e.dxf.name.endswith("UPPER_THROUGH")]
        placed = sorted((e.dxf.name, round(e.dxf.insert.x, 6), round(e.dxf.insert.y, 6)) for e in inserts)
        assert [p[0] for p in placed].count("UNIT_B_UPPER_THROUGH") == 3
        assert ("UNIT_B_UPPER_THROUGH", 0.0, 2.5) in placed and ("UNIT_UPPER_THROUGH", -4.0, 2.5) in placed
        circles = [(e.dxf.center.x, e.dxf.radius) for e in doc.blocks.get("UNIT_B_UPPER_THROUGH")
                   if e.dxftype() == "CIRCLE"]
        assert len(circles) == 9
        return
    circles = [e for e in msp if e.dxftype() == "CIRCLE" and e.dxf.layer == "UPPER_THROUGH"]
    assert len(circles) == 3 * 16 + 3 * 9
