"""Shared rework fixtures: a small grid design with any profile and uniform residue."""

from __future__ import annotations

from geometry.model.design import Design, example_grid_design
from geometry.model.profiles import Profile
from geometry.model.rework import Residue, Rework


def grid(profile: Profile, height_mm: float = 0.0, diameter_mm: float | None = None, rows: int = 3,
         cols: int = 3, **rework: object) -> Design:
    """3 x 3 grid, pitch 0.8, ball 0.45 (d_u 0.495), pad 0.36, t 0.3, with rework data."""
    d = example_grid_design(rows=rows, cols=cols, pitch_mm=0.8, ball_mm=0.45, thickness_mm=0.3, profile=profile)
    return d.with_(rework=Rework(residue=Residue(height_mm, diameter_mm), **rework))  # type: ignore[arg-type]
