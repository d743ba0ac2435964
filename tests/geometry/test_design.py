"""The design value: validation names the field, derived values, caching, and the pure edit operations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geometry.base.errors import DesignError
from geometry.derive.openings import opening_table
from geometry.model import operations as ops
from geometry.model.ball import Ball
from geometry.model.design import Design, MergeSettings, example_grid_design
from geometry.model.layouts import CentreVoid, GridLayout, Pad
from geometry.model.mask import Mask
from geometry.model.materials import MATERIALS
from geometry.model.profiles import Stepped, Straight, Tapered
from geometry.model.sites import SiteState


def test_default_upper_is_ratio_of_ball_rounded_to_um() -> None:
    d = example_grid_design(ball_mm=0.45)
    assert d.default_upper_mm == 0.495
    d2 = d.with_(ball=Ball(0.3333))
    assert d2.default_upper_mm == 0.367  # 0.36663 rounded to 1 um
    assert d.with_(profile=Tapered(60, upper_mm=0.52)).opening.upper_mm == 0.52


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.with_(ball=Ball(-0.3)), "diameter_mm"),
        (lambda d: d.with_(mask=Mask(float("nan"))), "thickness_mm"),
        (lambda d: d.with_(profile=Stepped(0.5, 0.7)), "profile.vertical_mm"),
        (lambda d: d.with_(profile=Tapered(angle_deg=None, lower_mm=0.3)), "profile.lower_mm"),
        (lambda d: d.with_(upper_ratio=7.0), "upper_ratio"),
        (lambda d: d.with_limit("web_min_mm", -1.0), "limits.web_min_mm"),
        (lambda d: d.with_limit("no_such_limit", 1.0), "limits.no_such_limit"),
        (lambda d: d.with_(mask=Mask(0.3, material="cardboard")), "material"),
    ],
)
def test_invalid_values_name_their_field(change, path: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DesignError) as e:
        change(example_grid_design())
    assert e.value.path == path
    assert path in str(e.value)


def test_material_limits_follow_checks_md() -> None:
    etched = MATERIALS["etched-stainless"]
    assert etched.limits(0.08).web_min_mm == pytest.approx(0.096)
    assert etched.limits(0.15).web_min_mm == pytest.approx(0.15)
    assert etched.limits(0.12).web_min_mm == pytest.approx(0.12)
    assert etched.limits(0.1).web_min_mm == pytest.approx(0.1)
    assert etched.limits(0.25).web_min_mm == pytest.approx(0.25)
    assert etched.limits(0.3).membrane_min_mm == pytest.approx(0.075)
    assert etched.limits(0.08).membrane_min_mm == pytest.approx(0.03)
    d = example_grid_design().with_limit("web_min_mm", 0.2)
    assert d.effective_limits().web_min_mm == 0.2
    assert d.with_limit("web_min_mm", None).effective_limits().web_min_mm == pytest.approx(0.3)


def test_opening_table_per_site_values_with_override_and_depopulation() -> None:
    d = example_grid_design(rows=3, cols=3)
    d = ops.set_profile(d, ["B2"], Straight())
    d = ops.depopulate(d, ["C3"])
    t = opening_table(d)
    s = d.sites()
    b2, c3, a1 = s.index_of("B2"), s.index_of("C3"), s.index_of("A1")
    assert t.lower_mm[b2] == t.upper_mm[b2] == 0.495
    assert t.lower_mm[a1] == pytest.approx(0.495 + 2 * 0.3 / math.tan(math.radians(60)))
    assert math.isnan(t.lower_mm[c3]) and t.which[c3] == -1
    assert len(t.rows) == 8


def test_operations_are_undoable_values() -> None:
    d = example_grid_design(rows=4, cols=4)
    d1 = ops.depopulate(d, ["A1", "A2"])
    assert (d1.sites().state == SiteState.DEPOPULATED).sum() == 2
    assert ops.restore(d1, ["A1", "A2"]).sites().populated.all()
    d2 = ops.move_sites(d, ["B2"], 0.01, -0.02)
    i = d.sites().index_of("B2")
    assert d2.sites().x_mm[i] == pytest.approx(d.sites().x_mm[i] + 0.01)
    assert d2.sites().y_mm[i] == pytest.approx(d.sites().y_mm[i] - 0.02)
    d3 = ops.add_site(d, 5.0, 5.0)
    assert d3.sites().has("X1") and len(d3.sites()) == 17
    with pytest.raises(DesignError):
        ops.add_site(d3, 0.0, 0.0, name="X1")
    d4 = ops.delete_sites(d3, ["X1", "A1"])
    assert len(d4.sites()) == 15 and not d4.sites().has("A1")
    d5 = ops.merge_channel(d, ["A1", "A3"])
    assert d5.merge.channels == (("A1", "A3"),)
    d6 = ops.forbid_merge(d5, "A1", "A3")
    assert d6.merge.channels == () and d6.merge.forbidden == (("A1", "A3"),)
    assert not ops.set_auto_merge(d, False).merge.auto
    # designs are values: equal parameters, equal designs, equal hashes
    assert ops.restore(d1, ["A1", "A2"]).sites().populated.all()
    assert hash(d) == hash(example_grid_design(rows=4, cols=4))


def test_generated_depopulation_is_restorable() -> None:
    d = Design(Ball(0.25), Pad(0.2), GridLayout(6, 6, 0.4, depopulation=(CentreVoid(2),)), Mask(0.1),
               Stepped(0.08, 0.33), merge=MergeSettings())
    s = d.sites()
    assert sorted(s.names[~s.populated].tolist()) == ["C3", "C4", "D3", "D4"]
    assert ops.restore(d, ["C3"]).sites().populated.sum() == 33
    assert np.all(np.diff(np.unique(np.round(s.x_mm, 9))) == pytest.approx(0.4))
