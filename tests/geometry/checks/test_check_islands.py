"""lower-island and span (docs/checks.md, 'Islands and span'): broken just past the limit, clean at it.

Expected sizes come from closed forms: a square grid of pitch P with lower radius R, P/2 < R < P/sqrt(2), leaves
four-arc islands of inscribed diameter sqrt(2) P - 2 R centred in each cell; channels of width 2 R joining the
row and column neighbours leave square islands of side P - 2 R.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from geometry.base.resources import resource_path
from geometry.checks import Severity, run_checks
from geometry.checks.records import Violation
from geometry.derive.islands import lower_islands
from geometry.fileio import load_design
from geometry.model.ball import Ball
from geometry.model.design import Design, MergeSettings
from geometry.model.layouts import GridLayout, Pad
from geometry.model.mask import Mask
from geometry.model.profiles import SteppedTapered, Tapered

BGA = load_design(resource_path("examples", "bga-0.8mm-tapered.ballmask"))
P = 0.8


def found(design: Design, check: str) -> list[Violation]:
    return [v for v in run_checks(design).violations if v.check == check]


def bga(angle: float, auto: bool = True) -> Design:
    return BGA.with_(profile=Tapered(angle), merge=MergeSettings(auto=auto))


def test_bga_at_45_degrees_leaves_islands_below_the_lower_web_when_not_joined() -> None:
    d = bga(45.0, auto=False)
    r = (0.495 + 2 * 0.28 / math.tan(math.radians(45.0))) / 2  # 0.5275 mm
    expect = math.sqrt(2) * P - 2 * r  # 0.0764 mm, about 0.08
    vs = found(d, "lower-island")
    assert len(vs) == 14 * 14
    assert all(v.severity == Severity.ERROR for v in vs)
    assert [v.measured for v in vs] == pytest.approx([expect] * len(vs), abs=1e-5)
    assert vs[0].limit == pytest.approx(0.28)
    # named by the four sites around it, at the centre of their cell
    v = next(v for v in vs if set(v.sites) == {"A1", "A2", "B1", "B2"})
    s = d.sites()
    rows = s.indices_of(("A1", "A2", "B1", "B2"))
    assert (v.x_mm, v.y_mm) == pytest.approx((s.x_mm[rows].mean(), s.y_mm[rows].mean()), abs=1e-5)
    assert "A1" in v.message and "0.076 mm" in v.message
    isl = lower_islands(d)
    # the narrowest width of a four-cusp island: across opposite cusps, sqrt(2) (P/2 - sqrt(R^2 - P^2/4))
    assert isl.width_mm[0] == pytest.approx(math.sqrt(2) * (P / 2 - math.sqrt(r * r - P * P / 4)), abs=1e-5)
    assert np.all(isl.width_mm >= isl.inscribed_mm - 1e-9)


def test_bga_at_45_degrees_joined_diagonals_etch_the_islands_and_the_span_warns() -> None:
    # auto merge joins the 0.076 mm diagonal gaps with channels at t - m_min: they cover the islands
    d = bga(45.0)
    assert found(d, "lower-island") == []
    (v,) = found(d, "span")
    assert v.severity == Severity.WARNING
    assert v.measured > 10.0 and len(v.sites) == 225


def test_bga_at_60_degrees_islands_pass_and_no_span_is_reported() -> None:
    d = bga(60.0)
    assert len(lower_islands(d)) == 196
    assert lower_islands(d).inscribed_mm == pytest.approx(math.sqrt(2) * P - 0.818, abs=1e-3)
    assert found(d, "lower-island") == [] and found(d, "span") == []


def test_bga_at_25_degrees_islands_vanish_and_the_span_is_info_at_its_limit() -> None:
    d = bga(25.0)
    assert len(lower_islands(d)) == 0
    (v,) = found(d, "span")
    # the whole 15 x 15 array is etched: the span is at least the array's 11.2 mm plus most of a lower outline
    assert 11.2 < v.measured < 11.2 + 1.7
    at_limit = d.with_limit("span_max_mm", round(v.measured, 5) + 1e-6)
    (w,) = found(at_limit, "span")
    assert w.severity == Severity.INFO
    # the span is measured to 1 um (docs/checks.md): 2 um past it is a warning
    (x,) = found(d.with_limit("span_max_mm", v.measured - 0.002), "span")
    assert x.severity == Severity.WARNING


def test_island_passes_exactly_at_the_lower_web_and_fails_1um_past() -> None:
    d = bga(45.0, auto=False)
    r = (0.495 + 0.56) / 2
    exact = math.sqrt(2) * P - 2 * r
    assert found(d.with_limit("web_min_mm", exact), "lower-island") == []
    vs = found(d.with_limit("web_min_mm", exact + 0.001), "lower-island")
    assert len(vs) == 196


def stepped_grid(web_min: float) -> Design:
    # P = 0.5, d_l = 0.275 + 2 (0.2 - 0.17) / tan 45 = 0.335: row/column gaps 0.165 mm are joined by channels,
    # diagonal gaps sqrt(2) 0.5 - 0.335 = 0.372 mm stay above w_min = 0.30 mm
    d = Design(Ball(0.25), Pad(0.2), GridLayout(4, 4, 0.5), Mask(0.2), SteppedTapered(0.17, 45.0))
    return d.with_limit("web_min_mm", web_min)


def test_stepped_tapered_channels_leave_square_islands_below_the_lower_web() -> None:
    d = stepped_grid(0.30)
    assert d.opening.lower_mm == pytest.approx(0.335)
    vs = found(d, "lower-island")
    side = 0.5 - 0.335
    assert len(vs) == 9
    assert [v.measured for v in vs] == pytest.approx([side] * 9, abs=1e-5)
    assert lower_islands(d).width_mm == pytest.approx([side] * 9, abs=1e-5)
    assert all(len(v.sites) == 4 for v in vs)


def test_square_islands_between_hand_made_channels_clean_at_their_size() -> None:
    # auto-joined channels always leave islands below w_min (they are cut because the gap, the island's side, is
    # below it); channels the user cuts by hand leave an island that is clean exactly at w_min = its side
    side = 0.5 - 0.335
    base = stepped_grid(side)
    names = base.sites().names.reshape(4, 4)
    chains = tuple(tuple(r) for r in names.tolist()) + tuple(tuple(c) for c in names.T.tolist())
    d = base.with_(merge=MergeSettings(auto=False, channels=chains))
    assert found(d, "lower-island") == []
    assert len(lower_islands(d)) == 9
    vs = found(d.with_limit("web_min_mm", side + 0.001), "lower-island")
    assert len(vs) == 9 and vs[0].measured == pytest.approx(side, abs=1e-5)
