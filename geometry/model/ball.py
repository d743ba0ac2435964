"""The solder ball: the size every check compares the mask against."""

from __future__ import annotations

from dataclasses import dataclass

from geometry.base.errors import DesignError, require_length


@dataclass(frozen=True, slots=True)
class Ball:
    """A solder ball of nominal ``diameter_mm`` (D) with a diameter tolerance ``tolerance_mm`` (tol_D)."""

    diameter_mm: float
    tolerance_mm: float = 0.01
    alloy: str = "SAC305"

    def __post_init__(self) -> None:
        object.__setattr__(self, "diameter_mm", require_length("diameter_mm", self.diameter_mm))
        object.__setattr__(self, "tolerance_mm", require_length("tolerance_mm", self.tolerance_mm, allow_zero=True))
        if self.tolerance_mm >= self.diameter_mm:
            raise DesignError("tolerance_mm", self.tolerance_mm, "must be smaller than the ball diameter")
        if not isinstance(self.alloy, str):
            raise DesignError("alloy", self.alloy, "must be text")

    @property
    def radius_mm(self) -> float:
        """r = D / 2."""
        return self.diameter_mm / 2.0
