"""Full rectangular grid: the common BGA/CSP array."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from geometry.base.errors import DesignError
from geometry.base.names import grid_names
from geometry.model.layouts.base import Pad, UnitRepetition, register_layout, require_count, require_length
from geometry.model.layouts.depopulation import Depopulation, depopulation_mask
from geometry.model.sites import Sites, SiteState


@register_layout
@dataclass(frozen=True, slots=True)
class GridLayout:
    """``rows`` x ``cols`` sites at ``pitch_x_mm`` / ``pitch_y_mm`` (square when pitch_y is None), centred on 0.

    Row A is the top row (largest y) and column 1 the leftmost, as seen from the upper surface, so A1 is the
    top-left corner as on a JEDEC drawing.
    """

    kind: ClassVar[str] = "grid"
    rows: int
    cols: int
    pitch_x_mm: float
    pitch_y_mm: float | None = None
    depopulation: tuple[Depopulation, ...] = field(default=())

    def __post_init__(self) -> None:
        require_count("rows", self.rows)
        require_count("cols", self.cols)
        object.__setattr__(self, "pitch_x_mm", require_length("pitch_x_mm", self.pitch_x_mm))
        if self.pitch_y_mm is not None:
            object.__setattr__(self, "pitch_y_mm", require_length("pitch_y_mm", self.pitch_y_mm))
        if self.rows * self.cols > 20_000_000:
            raise DesignError("rows", self.rows, "rows x cols is more than 20 million sites")
        object.__setattr__(self, "depopulation", tuple(self.depopulation))

    @property
    def pitch_y(self) -> float:
        """The row pitch in mm (equal to the column pitch unless given)."""
        return self.pitch_x_mm if self.pitch_y_mm is None else self.pitch_y_mm

    def repetition(self, pad: Pad) -> UnitRepetition | None:
        """Not made of repeated units."""
        return None

    def pitch_hint_mm(self) -> float | None:
        """The smaller of the two pitches."""
        return min(self.pitch_x_mm, self.pitch_y)

    def generate(self, pad: Pad) -> Sites:
        """Row-major sites A1, A2, ..."""
        r, c = np.divmod(np.arange(self.rows * self.cols, dtype=np.intp), self.cols)
        x = (c - (self.cols - 1) / 2.0) * self.pitch_x_mm
        y = ((self.rows - 1) / 2.0 - r) * self.pitch_y
        names = grid_names(self.rows, self.cols)
        depop = depopulation_mask(self.depopulation, self.rows, self.cols, r, c, names)
        state = np.where(depop, SiteState.DEPOPULATED, SiteState.POPULATED).astype(np.uint8)
        return Sites.build(names, x, y, pad.diameter_mm, int(pad.kind), state)
