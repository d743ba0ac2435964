"""Strips and panels: the unit matrix computed independently, skipped units absent everywhere, and the unit
repetition equal to the whole-carrier computation."""

from __future__ import annotations

import datetime
from pathlib import Path

import ezdxf
import numpy as np
import pytest

from geometry.base.errors import DesignError
from geometry.checks import run_checks
from geometry.checks.registry import run_checks_whole
from geometry.derive.relief.merged import lower_relief, whole_relief
from geometry.derive.repetition import Repeated, repetition
from geometry.export.run import export_design
from geometry.fileio import load_design, save_design
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import CarrierLayout, GridLayout, Pad
from geometry.model.mask import Mask
from geometry.model.profiles import Tapered


def strip(skip: tuple[tuple[int, int], ...] = (), **kw: object) -> Design:
    fields: dict[str, object] = {"block_cols": 3, "block_gap_x_mm": 1.5, "skip": skip, **kw}
    lay = CarrierLayout(GridLayout(4, 4, 0.5), 2, 6, 4.0, 5.0, **fields)  # type: ignore[arg-type]
    return Design(Ball(0.3), Pad(0.25), lay, Mask(0.15, "laser-cut-stainless"), Tapered(55.0))


def test_unit_centres_follow_the_matrix_with_block_gaps() -> None:
    d = strip()
    s = d.sites()
    assert len(s) == 2 * 6 * 16
    # independently: columns at 0, 4, 8, then +1.5 gap: 13.5, 17.5, 21.5, centred -> minus 10.75
    xs = np.array([0.0, 4.0, 8.0, 13.5, 17.5, 21.5]) - 10.75
    ys = np.array([2.5, -2.5])
    for r in (1, 2):
        for c in range(1, 7):
            rows = np.flatnonzero(np.char.startswith(s.names.astype(str), f"U{r:02d}-{c:02d}:"))
            assert len(rows) == 16
            assert np.isclose(s.x_mm[rows].mean(), xs[c - 1]) and np.isclose(s.y_mm[rows].mean(), ys[r - 1])
    a1 = np.flatnonzero(s.names == "U01-01:A1")[0]
    assert np.isclose(s.x_mm[a1], xs[0] - 0.75) and np.isclose(s.y_mm[a1], ys[0] + 0.75)


def test_skipped_units_are_absent_from_sites_and_exports(tmp_path: Path) -> None:
    d = strip(skip=((1, 2), (2, 6)))
    names = set(d.sites().names.tolist())
    assert len(names) == 10 * 16
    assert not any(n.startswith(("U01-02:", "U02-06:")) for n in names)
    out = export_design(d, tmp_path / "s.dxf", "dxf", force=True, date=datetime.date(2026, 1, 2)).path
    circles = [e for e in ezdxf.readfile(out).modelspace() if e.dxftype() == "CIRCLE"
               and e.dxf.layer == "UPPER_THROUGH"]
    assert len(circles) == 10 * 16
    gone = np.array([-6.75, 2.5])  # unit (1, 2) centre
    assert min(np.hypot(e.dxf.center.x - gone[0], e.dxf.center.y - gone[1]) for e in circles) > 1.0


def test_repetition_equals_the_whole_carrier() -> None:
    d = strip(skip=((2, 3),))
    rep = repetition(d)
    assert isinstance(rep, Repeated) and rep.unit_count == 11
    fast, slow = lower_relief(d), whole_relief(d)
    assert fast.n_regions == slow.n_regions
    assert fast.areas().keys() == slow.areas().keys()
    for k, v in slow.areas().items():
        assert fast.areas()[k] == pytest.approx(v, rel=1e-12)
    a, b = run_checks(d), run_checks_whole(d)
    assert [(v.check, v.sites, v.message) for v in a.violations] == [(v.check, v.sites, v.message)
                                                                     for v in b.violations]


def test_the_design_file_round_trips(tmp_path: Path) -> None:
    d = strip(skip=((1, 1),))
    save_design(d, tmp_path / "s.ballmask")
    back = load_design(tmp_path / "s.ballmask")
    assert back == d
    assert '"kind": "carrier"' in (tmp_path / "s.ballmask").read_text()


@pytest.mark.parametrize(("kw", "field"), [
    ({"skip": ((3, 1),)}, "skip[0]"),
    ({"skip": ((0, 1),)}, "skip[0]"),
    ({"block_cols": -1}, "block_cols"),
    ({"block_gap_x_mm": -0.1}, "block_gap_x_mm"),
])
def test_bad_matrices_are_refused_naming_the_field(kw: dict[str, object], field: str) -> None:
    with pytest.raises(DesignError) as e:
        strip(**kw)  # type: ignore[arg-type]
    assert e.value.path == field
