"""Standard drawing scales (ISO 5455) and the mapping from model millimetres to paper millimetres."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

# Enlargements and reductions of ISO 5455 (extended by the standard's factor of ten), largest first.
STANDARD: tuple[Fraction, ...] = tuple(
    [Fraction(n) for n in (500, 200, 100, 50, 20, 10, 5, 2, 1)]
    + [Fraction(1, n) for n in (2, 5, 10, 20, 50, 100, 200, 500, 1000)]
)


def scale_label(s: Fraction) -> str:
    """``2:1``, ``1:1``, ``1:5``."""
    return f"{s.numerator}:1" if s.denominator == 1 else f"1:{s.denominator}"


def pick_scale(width_mm: float, height_mm: float, room_w: float, room_h: float) -> Fraction | None:
    """The largest standard scale at which a ``width`` x ``height`` model box fits the room; None if none does."""
    for s in STANDARD:
        if width_mm * float(s) <= room_w and height_mm * float(s) <= room_h:
            return s
    return None


@dataclass(frozen=True, slots=True)
class View:
    """Model (x, y) in mm to paper mm: paper = origin + scale * (model - anchor), y up."""

    scale: float
    ox: float
    oy: float
    ax: float
    ay: float

    @staticmethod
    def centred(box: tuple[float, float, float, float], scale: float, room: tuple[float, float, float, float]) -> View:
        """A view showing ``box`` (model) centred in ``room`` (paper x0, y0, x1, y1) at ``scale``."""
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return View(scale, (room[0] + room[2]) / 2, (room[1] + room[3]) / 2, cx, cy)

    def p(self, x: float, y: float) -> tuple[float, float]:
        """Paper point of a model point."""
        return self.ox + (x - self.ax) * self.scale, self.oy + (y - self.ay) * self.scale

    def px(self, x: float) -> float:
        """Paper x of a model x."""
        return self.ox + (x - self.ax) * self.scale

    def py(self, y: float) -> float:
        """Paper y of a model y."""
        return self.oy + (y - self.ay) * self.scale
