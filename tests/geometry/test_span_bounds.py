"""The span check's closed-form bound found by the relief's union of disks (one depth) equals the span check's
own pass over the covering intervals, disk by disk, and the span found with it is the span found without."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from geometry.derive import span
from geometry.derive.pairs import merge_graph
from geometry.derive.relief.arcs import circle_union
from geometry.derive.relief.merged import lower_relief
from geometry.model.ball import Ball
from geometry.model.design import Design, MergeSettings
from geometry.model.layouts import ExplicitLayout, ExplicitSite, Pad
from geometry.model.mask import Mask
from geometry.model.profiles import Tapered


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_union_bounds_equal_the_span_checks_own(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 2500
    x, y = rng.uniform(0, 30, n), rng.uniform(0, 30, n)
    r = rng.uniform(0.1, 0.5, n)
    u = circle_union(x, y, r, span_bounds=True)
    i, j = np.nonzero(np.triu(np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) < r[:, None] + r[None, :]
                              - 1e-9, 1))
    own = span._surrounded(x, y, r, i.astype(np.intp), j.astype(np.intp), n)
    assert u.span_bounded is not None
    assert 100 < int((~own).sum()) < n - 100  # both kinds of disk occur
    # a disk exactly inside another: the span pass marks the lower-numbered of two equal ones, the union the
    # other; random radii make none equal, so the flags agree disk by disk
    np.testing.assert_array_equal(u.span_bounded, own)


def test_span_of_an_irregular_design_is_the_same_with_the_reliefs_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(8)
    iy, ix = np.divmod(np.arange(900), 30)
    sites = tuple(ExplicitSite(f"S{k}", 0.4 * a + rng.normal(0, 0.02), 0.4 * b + rng.normal(0, 0.02))
                  for k, (a, b) in enumerate(zip(ix.tolist(), iy.tolist(), strict=True)))
    design = Design(Ball(0.25), Pad(0.2), ExplicitLayout(sites), Mask(0.13), Tapered(35.0),
                    merge=MergeSettings(auto=False))
    assert not merge_graph(design).bridged.any()
    relief = lower_relief(design)
    assert relief.site_span_bounded is not None
    assert not relief.site_span_bounded.all()  # 35 degrees: wide lower outlines, some bounds fail
    with_bounds = span.largest_span(design)
    span.largest_span.cache_clear()
    plain = replace(relief, site_span_bounded=None)  # the check's own pass, as for other reliefs
    monkeypatch.setattr(span, "lower_relief", lambda _design: plain)
    without = span.largest_span(design)
    assert with_bounds is not None and without is not None
    assert with_bounds.span_mm == without.span_mm
    np.testing.assert_array_equal(with_bounds.site_rows, without.site_rows)
