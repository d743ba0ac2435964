"""The repeated die relief against the whole-wafer relief and an independent shapely union."""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geometry.derive.openings import opening_table
from geometry.derive.relief.merged import lower_relief, whole_relief
from geometry.derive.repetition import NotRepeated, Repeated, repetition
from geometry.model.layouts import GridLayout, StaggeredLayout
from geometry.model.layouts.depopulation import CentreVoid
from tests.geometry.wafer.conftest import wafer_design


def _canonical(relief: object) -> tuple[list[tuple[int, ...]], list[float]]:
    """Regions as sorted tuples of site rows, with their areas, in a canonical order."""
    from geometry.derive.relief.merged import Relief

    assert isinstance(relief, Relief)
    areas = relief.rings.region_areas(relief.n_regions)
    regs = sorted((tuple(relief.region_sites(k).tolist()), round(float(areas[k]), 9)) for k in range(relief.n_regions))
    return [r for r, _ in regs], [a for _, a in regs]


def test_repeated_relief_equals_whole_wafer_relief() -> None:
    d = wafer_design(diameter_mm=100.0)
    assert isinstance(repetition(d), Repeated)
    fast, slow = lower_relief(d), whole_relief(d)
    assert fast.n_regions == slow.n_regions > 0
    assert _canonical(fast) == _canonical(slow)
    assert sorted(fast.circle_site.tolist()) == sorted(slow.circle_site.tolist())
    assert fast.areas().keys() == slow.areas().keys()
    for k, v in fast.areas().items():
        assert abs(v - slow.areas()[k]) < 1e-9 * max(1.0, v)
    assert fast.hole_counts().sum() == slow.hole_counts().sum() == 19 * 19 * fast.n_regions


def _shapely_area(d: object) -> float:
    from geometry.model.design import Design

    assert isinstance(d, Design)
    t = opening_table(d)
    rows = t.rows
    discs = shapely.buffer(shapely.points(t.lower_x_mm[rows], t.lower_y_mm[rows]), t.lower_mm[rows] / 2.0,
                           quad_segs=256)
    return float(shapely.union_all(discs).area)


@settings(max_examples=10, deadline=None)
@given(
    rows=st.integers(1, 6), cols=st.integers(1, 6), pitch=st.floats(0.2, 0.3), angle=st.floats(40.0, 60.0),
    staggered=st.booleans(), void=st.booleans(), ox=st.floats(-2.0, 2.0, allow_subnormal=False),
)
def test_relief_area_matches_a_shapely_union(rows: int, cols: int, pitch: float, angle: float, staggered: bool,
                                             void: bool, ox: float) -> None:
    depop = (CentreVoid(2),) if void and rows > 3 and cols > 3 else ()
    die = (StaggeredLayout(rows, cols, pitch, pitch * 0.9, depop) if staggered
           else GridLayout(rows, cols, pitch, None, depop))
    d = wafer_design(die=die, die_mm=12.0, diameter_mm=100.0, angle_deg=angle, offset_x_mm=ox)
    relief = lower_relief(d)
    # the full-depth layer is the union of the lower discs (channels, where pairs are bridged, are shallower
    # layers of their own)
    total = relief.areas()[0.08]
    expect = _shapely_area(d)
    # 256 segments per quarter circle: the polygon union is below the exact one by under 1e-4 relative
    assert expect <= total * (1 + 1e-9)
    assert abs(total - expect) < 1e-4 * expect


def test_an_edited_die_is_its_own_group_and_blockers_fall_back_to_the_whole_wafer() -> None:
    d = wafer_design(diameter_mm=100.0)
    name = str(d.sites().names[5])
    edited = d.with_(edits=d.edits.with_moves([name], 0.01, 0.0))
    rep = repetition(edited)
    assert isinstance(rep, Repeated) and [g.label for g in rep.groups] == ["", name.partition(":")[0]]
    fast, slow = lower_relief(edited), whole_relief(edited)
    assert fast.n_regions == slow.n_regions
    assert int(fast.hole_counts().sum()) == int(slow.hole_counts().sum())
    for depth, area in slow.areas().items():
        assert np.isclose(fast.areas()[depth], area, rtol=1e-12)
    tight = wafer_design(diameter_mm=100.0, street_mm=0.0)
    reason = repetition(tight)
    assert isinstance(reason, NotRepeated) and "neighbouring dies are only" in reason.reason
    assert lower_relief(tight).n_regions == whole_relief(tight).n_regions
    plain = d.with_(layout=GridLayout(3, 3, 0.24))
    assert repetition(plain) == NotRepeated("the layout is not made of repeated units")
    assert np.isclose(sum(lower_relief(plain).areas().values()), sum(whole_relief(plain).areas().values()))
