"""The wafer generator: die grid, names, keep rule, usable area, file round trip."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geometry.base.errors import DesignError
from geometry.fileio import load_design, save_design
from geometry.model.design import example_grid_design
from geometry.model.layouts import GridLayout, Pad, StaggeredLayout
from geometry.model.layouts.wafer import KeepRule, WaferLayout, WaferMark, die_map, group_rows, split_site_name

PAD = Pad(0.2)


def small(**kw: object) -> WaferLayout:
    args: dict[str, object] = {"die": GridLayout(3, 4, 0.5), "die_x_mm": 10.0, "diameter_mm": 100.0}
    args.update(kw)
    return WaferLayout(**args)  # type: ignore[arg-type]


def test_sites_are_die_major_with_names_and_groups() -> None:
    lay = small()
    s = lay.generate(PAD)
    dm = die_map(lay, PAD)
    assert len(s) == 12 * dm.n_kept
    assert s.group.tolist() == np.repeat(np.arange(dm.n_kept), 12).tolist()
    first = dm.die_name(0)
    assert s.names[0] == f"{first}:A1"
    assert split_site_name(str(s.names[13])) == (dm.die_name(1), "A2")
    # every site sits at its die's centre plus its die-local position
    local = GridLayout(3, 4, 0.5).generate(PAD)
    c = dm.kept_centres()
    assert np.allclose(s.x_mm.reshape(-1, 12), c[:, :1] + local.x_mm)
    assert np.allclose(s.y_mm.reshape(-1, 12), c[:, 1:] + local.y_mm)
    assert len(set(s.names.tolist())) == len(s)


def test_names_count_columns_from_the_left_and_rows_from_the_top() -> None:
    dm = die_map(small(), PAD)
    top = dm.y_mm.max()
    left = dm.x_mm.min()
    assert set(dm.row[dm.y_mm == top].tolist()) == {1}
    assert set(dm.col[dm.x_mm == left].tolist()) == {1}
    k = int(np.argmax(dm.x_mm + dm.y_mm))
    assert dm.name[k] == f"C{dm.col[k]:02d}R{dm.row[k]:02d}"
    assert dm.group_of(str(dm.name[dm.kept_rows[3]])) == 3


def test_kept_dies_have_every_pad_inside_the_usable_area() -> None:
    for mark in WaferMark:
        lay = small(mark=mark, edge_exclusion_mm=4.0, flat_length_mm=40.0, notch_depth_mm=3.0)
        s = lay.generate(PAD)
        assert lay.inside(s.x_mm, s.y_mm, s.pad_mm / 2.0).all()
        # a candidate that was dropped has at least one pad outside
        dm = die_map(lay, PAD)
        local = GridLayout(3, 4, 0.5).generate(PAD)
        for k in np.flatnonzero(~dm.kept):
            inside = lay.inside(dm.x_mm[k] + local.x_mm, dm.y_mm[k] + local.y_mm, 0.1)
            assert not inside.all()


def test_keep_rule_die_is_stricter_than_sites() -> None:
    a = die_map(small(), PAD)
    b = die_map(small(keep=KeepRule.DIE), PAD)
    assert b.n_kept < a.n_kept
    assert not (b.kept & ~a.kept).any()
    # the names of candidates do not depend on the rule
    assert a.name.tolist() == b.name.tolist()


def test_flat_and_notch_remove_dies_at_the_bottom() -> None:
    none = die_map(small(mark=WaferMark.NONE, edge_exclusion_mm=1.0), PAD)
    flat = die_map(small(mark=WaferMark.FLAT, edge_exclusion_mm=1.0, flat_length_mm=60.0), PAD)
    assert flat.n_kept < none.n_kept
    lost = none.kept & ~flat.kept
    assert (none.y_mm[lost] < 0).all()


def test_street_and_offset_place_the_grid() -> None:
    lay = small(street_mm=0.5, offset_x_mm=5.25, offset_y_mm=-2.0)
    dm = die_map(lay, PAD)
    assert np.allclose((dm.x_mm - 5.25) / 10.5, np.round((dm.x_mm - 5.25) / 10.5))
    assert np.allclose((dm.y_mm + 2.0) / 10.5, np.round((dm.y_mm + 2.0) / 10.5))
    k = int(dm.kept_rows[0])
    assert dm.at(float(dm.x_mm[k]) + 4.9, float(dm.y_mm[k])) == k
    assert dm.at(float(dm.x_mm[k]) + 5.1, float(dm.y_mm[k])) == -1  # in the street


def test_group_rows_after_edits() -> None:
    lay = small()
    s = lay.generate(PAD)
    assert group_rows(s, 2).tolist() == list(range(24, 36))
    shuffled = s.take(np.arange(len(s))[::-1].copy())
    assert sorted(group_rows(shuffled, 2).tolist()) == [len(s) - 1 - r for r in range(35, 23, -1)]


def test_rim_is_a_closed_outline_of_the_right_size() -> None:
    for mark in WaferMark:
        rim = small(mark=mark, flat_length_mm=30.0).rim()
        x, y = rim[:, 0], rim[:, 1]
        area = 0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)
        assert 0.97 * math.pi * 50**2 < area <= math.pi * 50**2


@pytest.mark.parametrize(
    ("field", "value"),
    [("diameter_mm", 250.0), ("die_x_mm", -1.0), ("street_mm", -0.1), ("edge_exclusion_mm", 60.0),
     ("mark", "triangle"), ("keep", "most"), ("die_x_mm", 0.01), ("flat_length_mm", 120.0)],
)
def test_bad_parameters_name_the_field(field: str, value: object) -> None:
    with pytest.raises(DesignError) as e:
        small(**{field: value})
    assert e.value.path == field


def test_a_wafer_cannot_nest_a_wafer() -> None:
    with pytest.raises(DesignError):
        small(die=small())


def test_design_file_round_trip(tmp_path: object) -> None:
    from pathlib import Path

    d = example_grid_design(4, 4, 0.4, 0.25, 0.1).with_(
        layout=small(die=StaggeredLayout(4, 5, 0.4, 0.35), mark=WaferMark.FLAT, keep=KeepRule.DIE, offset_x_mm=1.5),
    )
    p = Path(str(tmp_path)) / "w.ballmask"
    save_design(d, p)
    d2 = load_design(p)
    assert d2 == d
    first = p.read_bytes()
    save_design(d2, p)
    assert p.read_bytes() == first
    assert len(d2.sites()) == len(d.sites()) > 0


def test_round_trip_in_a_fresh_process(tmp_path: object) -> None:
    """Loading registers the wafer kind without the caller importing geometry.model.layouts.wafer."""
    import subprocess
    import sys
    from pathlib import Path

    p = Path(str(tmp_path)) / "w.ballmask"
    save_design(example_grid_design(4, 4, 0.4, 0.25, 0.1).with_(layout=small()), p)
    code = f"from geometry.fileio import load_design; print(type(load_design({str(p)!r}).layout).__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "WaferLayout"


@settings(max_examples=30, deadline=None)
@given(
    # no denormals: the model refuses them (docs/file-format.md, "Limits of every value")
    die=st.floats(1.0, 8.0), street=st.floats(0.0, 0.5, allow_subnormal=False),
    ox=st.floats(-3.0, 3.0, allow_subnormal=False), oy=st.floats(-3.0, 3.0, allow_subnormal=False),
    ex=st.floats(0.0, 5.0, allow_subnormal=False), mark=st.sampled_from(list(WaferMark)),
)
def test_generator_invariants(die: float, street: float, ox: float, oy: float, ex: float, mark: WaferMark) -> None:
    lay = WaferLayout(GridLayout(2, 2, die / 3.0), die, street_mm=street, diameter_mm=100.0, edge_exclusion_mm=ex,
                      mark=mark, offset_x_mm=ox, offset_y_mm=oy)
    s = lay.generate(PAD)
    dm = die_map(lay, PAD)
    assert len(s) == 4 * dm.n_kept
    assert lay.inside(s.x_mm, s.y_mm, 0.1 - 1e-9).all()
    assert len(np.unique(dm.name)) == len(dm)
    # dies do not overlap: centres are at least one step apart
    c = dm.kept_centres()
    if len(c) > 1:
        from scipy.spatial import cKDTree

        d, _ = cKDTree(c).query(c, k=2)
        assert d[:, 1].min() >= min(lay.step_x, lay.step_y) - 1e-9


def test_300mm_wafer_keeps_a_die_when_every_pad_disc_is_inside_the_usable_area() -> None:
    """5 mm dies (20 x 20 pads at 0.25 mm, 0.12 mm pads) on a 300 mm notched wafer with 3 mm edge exclusion.

    The expected count is computed here by brute force over every pad of every grid position: a die is kept when
    each pad disc (radius 0.06 mm) lies within 147 mm of the centre and at least notch depth + exclusion (4 mm)
    from the notch tip at (0, -150). Growing the pads by their diameter instead keeps 8 dies fewer (2493).
    """
    die = GridLayout(20, 20, 0.25)
    lay = WaferLayout(die, 5.0, street_mm=0.1, diameter_mm=300.0, edge_exclusion_mm=3.0, mark=WaferMark.NOTCH)
    pad = Pad(0.12)
    r = 0.06
    u = (np.arange(20) - 9.5) * 0.25
    px, py = np.meshgrid(u, u)
    px, py = px.ravel(), py.ravel()
    expected = 0
    for i in range(-31, 32):
        for j in range(-31, 32):
            x, y = i * 5.1 + px, j * 5.1 + py
            if np.all(np.hypot(x, y) + r <= 147.0) and np.all(np.hypot(x, y + 150.0) - r >= 4.0):
                expected += 1
    assert expected == 2501
    assert die_map(lay, pad).n_kept == expected
    assert len(lay.generate(pad)) == expected * 400
