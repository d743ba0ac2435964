"""Staggered grid: every other row shifted by half a column pitch (denser packing at the same web)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from geometry.base.names import grid_names
from geometry.model.layouts.base import Pad, UnitRepetition, register_layout, require_count, require_length
from geometry.model.layouts.depopulation import Depopulation, depopulation_mask
from geometry.model.sites import Sites, SiteState


@register_layout
@dataclass(frozen=True, slots=True)
class StaggeredLayout:
    """``rows`` rows of ``cols`` sites; rows B, D, ... are shifted right by ``pitch_x_mm / 2``.

    ``pitch_y_mm`` is the distance between rows. Names follow the grid (row letter, column number).
    """

    kind: ClassVar[str] = "staggered"
    rows: int
    cols: int
    pitch_x_mm: float
    pitch_y_mm: float
    depopulation: tuple[Depopulation, ...] = field(default=())

    def __post_init__(self) -> None:
        require_count("rows", self.rows)
        require_count("cols", self.cols)
        object.__setattr__(self, "pitch_x_mm", require_length("pitch_x_mm", self.pitch_x_mm))
        object.__setattr__(self, "pitch_y_mm", require_length("pitch_y_mm", self.pitch_y_mm))
        object.__setattr__(self, "depopulation", tuple(self.depopulation))

    def repetition(self, pad: Pad) -> UnitRepetition | None:
        """Not made of repeated units."""
        return None

    def pitch_hint_mm(self) -> float | None:
        """Nearest-neighbour distance of the stagger."""
        diag = float(np.hypot(self.pitch_x_mm / 2.0, self.pitch_y_mm))
        return min(self.pitch_x_mm, diag)

    def generate(self, pad: Pad) -> Sites:
        """Row-major sites, odd rows shifted, centred on 0."""
        r, c = np.divmod(np.arange(self.rows * self.cols, dtype=np.intp), self.cols)
        shift = np.where(r % 2 == 1, self.pitch_x_mm / 2.0, 0.0)
        x = (c - (self.cols - 1) / 2.0) * self.pitch_x_mm + shift - (self.pitch_x_mm / 4.0 if self.rows > 1 else 0.0)
        y = ((self.rows - 1) / 2.0 - r) * self.pitch_y_mm
        names = grid_names(self.rows, self.cols)
        depop = depopulation_mask(self.depopulation, self.rows, self.cols, r, c, names)
        state = np.where(depop, SiteState.DEPOPULATED, SiteState.POPULATED).astype(np.uint8)
        return Sites.build(names, x, y, pad.diameter_mm, int(pad.kind), state)
