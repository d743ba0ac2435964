"""The grid pitch of a small array is not outvoted by a lone off-grid pad (spacings count with their pads)."""

from __future__ import annotations

import numpy as np
import pytest

from geometry.fileio.importers.grid_fit import fit_grid


def _grid(rows: int, cols: int, pitch: float, extra: list[tuple[float, float]],
          skip_cols: tuple[int, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    r, c = np.divmod(np.arange(rows * cols), cols)
    keep = ~np.isin(c, skip_cols)
    x = np.concatenate([c[keep] * pitch, [p[0] for p in extra]])
    y = np.concatenate([r[keep] * pitch, [p[1] for p in extra]])
    return x.astype(float), y.astype(float)


@pytest.mark.parametrize("lone", [(1.23, 0.41), (1.2, 0.0), (1.2, 0.4)])
def test_a_lone_pad_between_rows_or_at_half_pitch_is_off_the_grid(lone: tuple[float, float]) -> None:
    x, y = _grid(3, 4, 0.8, [lone])
    g = fit_grid(x, y, 0.001)
    assert g is not None
    assert (g.pitch_x_mm, g.pitch_y_mm) == (pytest.approx(0.8), pytest.approx(0.8))
    assert (g.rows, g.cols) == (3, 4)
    assert g.on_grid[:-1].all() and not g.on_grid[-1]


def test_a_pitch_seen_through_gaps_is_still_the_smaller_one() -> None:
    x, y = _grid(4, 7, 0.5, [], skip_cols=(2, 5))  # columns 0, .5, 1.5, 2, 3: spacings .5 .5 .5 and 1 1
    g = fit_grid(x, y, 0.001)
    assert g is not None
    assert g.pitch_x_mm == pytest.approx(0.5)
    assert g.on_grid.all() and g.cols == 7
