"""The island check's findings found alone (``failing_islands``): the islands of the whole computation whose
inscribed diameter is below the limit, in its order, with its sites, the sites of the others never sought."""

from __future__ import annotations

import numpy as np
import pytest

from bench.wafer import wafer_design
from geometry.derive import island_chunks, islands
from geometry.derive.islands import Islands, failing_islands, lower_islands, whole_islands
from geometry.model.design import Design
from tests.geometry.test_arc_islands import jittered
from tests.geometry.test_cut_islands import channel_grid, stepped_mix
from tests.geometry.test_island_sites import channels_of_one_depth


def reference(all_isl: Islands, below: float) -> list[tuple[float, float, float, float, float, list[int]]]:
    """Island by island in Python: the kept ones as plain tuples."""
    return [(float(all_isl.x_mm[k]), float(all_isl.y_mm[k]), float(all_isl.inscribed_mm[k]),
             float(all_isl.width_mm[k]), float(all_isl.depth_mm[k]), all_isl.sites_of(k).tolist())
            for k in range(len(all_isl)) if all_isl.inscribed_mm[k] < below]


def as_tuples(isl: Islands) -> list[tuple[float, float, float, float, float, list[int]]]:
    return [(float(isl.x_mm[k]), float(isl.y_mm[k]), float(isl.inscribed_mm[k]), float(isl.width_mm[k]),
             float(isl.depth_mm[k]), isl.sites_of(k).tolist()) for k in range(len(isl))]


DESIGNS = {
    "two-radii": lambda: jittered(14, 4.0, 1),
    "channels": lambda: channels_of_one_depth(10),
    "two-depths": lambda: channel_grid(9, 0.01, 3),
    "three-depths": lambda: stepped_mix(channel_grid(8, 0.01, 4), 5),
}


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_the_failing_islands_are_those_of_the_whole_computation(name: str) -> None:
    design: Design = DESIGNS[name]()
    every = lower_islands(design)
    assert len(every) > 4
    ins = np.sort(every.inscribed_mm)
    # limits below every island, between two of them, and above all (every island kept)
    for below in (float(ins[0]) - 1e-6, float(ins[len(ins) // 2]), float(ins[-1]) + 1e-6):
        failing_islands.cache_clear()
        found = failing_islands(design, below)
        assert as_tuples(found) == reference(every, below)
        assert found.site_start[-1] == len(found.site_rows)


def test_sites_are_sought_for_the_failing_islands_only(monkeypatch: pytest.MonkeyPatch) -> None:
    design = jittered(14, 4.0, 1)
    every = whole_islands(design)
    below = float(np.sort(every.inscribed_mm)[3])  # three islands fail
    asked: list[int] = []
    real = island_chunks.sites_around

    def counting(rings, *args):  # type: ignore[no-untyped-def]
        asked.append(len(rings))
        return real(rings, *args)

    monkeypatch.setattr(islands.island_chunks, "sites_around", counting)
    failing_islands.cache_clear()
    found = failing_islands(design, below)
    assert len(found) == 3 and asked == [3]
    assert as_tuples(found) == reference(every, below)


def test_repeated_units_keep_the_tiled_islands() -> None:
    design = wafer_design(100.0)  # dies of 400 sites, each with its 361 islands
    every = lower_islands(design)
    assert len(every) >= 361 * 100
    for below in (float(every.inscribed_mm.min()) - 1e-6, float(every.inscribed_mm.max()) + 1e-6):
        failing_islands.cache_clear()
        assert as_tuples(failing_islands(design, below)) == reference(every, below)
