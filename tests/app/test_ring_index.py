"""The relief rings' boxes and grid: made once per ring set, on the analysis thread for a large relief, and what
the top view's layer draws from."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.render import shape_arrays
from app.render.shape_arrays import prepare_rings, ring_bboxes, ring_index
from geometry.derive.relief.merged import lower_relief
from geometry.derive.rings import RingSet
from geometry.model.design import example_grid_design
from tests.geometry.test_arc_islands import jittered


def arc_points(rs: RingSet, k: int, per_arc: int = 64) -> tuple[np.ndarray, float]:
    """Points along ring k's arcs, from each vertex's bulge (tan of a quarter of the arc's sweep), and the
    largest sagitta (how far an arc bulges from its chord)."""
    a, b = int(rs.start[k]), int(rs.start[k + 1])
    xy, bulge = rs.xy[a:b], rs.bulge[a:b]
    out = []
    sag = 0.0
    for m in range(len(xy)):
        p, q = xy[m], xy[(m + 1) % len(xy)]
        sweep = 4.0 * math.atan(float(bulge[m]))
        chord = q - p
        c = float(np.hypot(*chord))
        if abs(sweep) < 1e-12 or c == 0.0:
            out.append(p + np.linspace(0, 1, per_arc)[:, None] * chord)
            continue
        r = c / (2.0 * math.sin(abs(sweep) / 2.0))
        sag = max(sag, r * (1.0 - math.cos(sweep / 2.0)))
        mid = (p + q) / 2.0
        normal = np.array([-chord[1], chord[0]]) / c
        h = r * math.cos(sweep / 2.0)  # the centre lies on the side the arc bends away from
        centre = mid + math.copysign(1.0, sweep) * normal * h
        a0 = math.atan2(p[1] - centre[1], p[0] - centre[0])
        t = a0 + np.linspace(0.0, sweep, per_arc)
        out.append(np.column_stack([centre[0] + abs(r) * np.cos(t), centre[1] + abs(r) * np.sin(t)]))
    return np.concatenate(out), sag


def test_the_boxes_hold_every_arc_and_stay_close() -> None:
    rs = lower_relief(jittered(8, 4.0, 5)).rings
    bb = ring_bboxes(rs)
    assert bb.shape == (len(rs), 4) and len(rs) > 40
    for k in range(len(rs)):
        pts, sag = arc_points(rs, k)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        assert bb[k, 0] <= lo[0] + 1e-12 and bb[k, 1] <= lo[1] + 1e-12
        assert bb[k, 2] >= hi[0] - 1e-12 and bb[k, 3] >= hi[1] - 1e-12
        # widened by at most the largest sagitta of the ring
        assert np.all(lo - bb[k, :2] <= sag + 1e-9) and np.all(bb[k, 2:] - hi <= sag + 1e-9)


def test_made_once_per_ring_set_and_ahead_for_large_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    rs = lower_relief(jittered(6, 4.0, 6)).rings
    first = ring_index(rs)
    assert ring_index(rs) is first
    other = lower_relief(jittered(6, 4.0, 7)).rings
    monkeypatch.setattr(shape_arrays, "PREPARE_RINGS", len(other) + 1)
    prepare_rings(other)
    assert other not in shape_arrays._indexed  # small: left to the view
    monkeypatch.setattr(shape_arrays, "PREPARE_RINGS", len(other))
    prepare_rings(other)
    assert other in shape_arrays._indexed


def test_the_window_draws_the_relief_from_the_index_the_analysis_made(  # type: ignore[no-untyped-def]
        qtbot, settings, tmp_path, monkeypatch, wait_for_result) -> None:
    from tests.app.conftest import open_window

    monkeypatch.setattr(shape_arrays, "PREPARE_RINGS", 1)
    made_on: list[str] = []
    real = shape_arrays.ring_bboxes

    def noted(rs):  # type: ignore[no-untyped-def]
        import threading

        made_on.append(threading.current_thread().name)
        return real(rs)

    monkeypatch.setattr(shape_arrays, "ring_bboxes", noted)
    design = example_grid_design(rows=6, cols=6).with_(name="tight")
    w = open_window(qtbot, settings, tmp_path, monkeypatch, design)
    wait_for_result(w.runner)
    qtbot.waitUntil(lambda: w.top_view.layers["lower"]._rings is not None, timeout=5000)
    rings, grid = w.top_view.layers["lower"]._rings
    assert rings is w.runner.result.relief.rings
    assert grid is shape_arrays._indexed[rings][1]
    import threading

    assert made_on and threading.main_thread().name not in made_on
