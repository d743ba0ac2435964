"""What every site generator is: a hashable parameter object with a ``kind`` and a ``generate`` method."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError, require_length
from geometry.model.sites import PadKind, Sites


@dataclass(frozen=True, slots=True)
class Pad:
    """The default pad of generated sites: diameter (copper pad, or solder-resist opening for SMD) and kind."""

    diameter_mm: float
    kind: PadKind = PadKind.COPPER

    def __post_init__(self) -> None:
        object.__setattr__(self, "diameter_mm", require_length("diameter_mm", self.diameter_mm))
        try:
            object.__setattr__(self, "kind", PadKind(self.kind))
        except ValueError:
            raise DesignError("kind", self.kind, "must be copper or solder-resist") from None


@dataclass(frozen=True, eq=False)
class UnitRepetition:
    """How a layout repeats one unit pattern (a wafer's die, a strip's unit) by translation.

    ``unit`` is the unit's own layout in unit-local coordinates; ``offsets_mm`` (K, 2) are the kept units' origins
    in the order the layout generates them (unit k's sites are rows ``k * n .. k * n + n - 1``, n the unit's site
    count, each a copy of the unit's sites translated by its offset); ``names`` the kept units' names, which
    prefix their sites' names as ``name + separator + site``. ``step_x_mm`` / ``step_y_mm`` are the smallest
    distances between unit origins along x and y: no two units are closer, so the space between two units'
    outlines is at least the step minus the unit pattern's extent.

    Relief, checks and exporters use this through :func:`geometry.derive.repetition.repetition`, which also
    decides whether the repetition holds for the design (an edit inside one unit breaks it).
    """

    unit: Layout
    offsets_mm: NDArray[np.float64]
    names: tuple[str, ...]
    step_x_mm: float
    step_y_mm: float
    separator: str = ":"
    unit_word: str = "unit"
    """What the shop calls a unit of this layout ("die" on a wafer): DXF block names and messages use it."""

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The prefix each unit's site names carry (unit name and separator)."""
        return tuple(n + self.separator for n in self.names)


@runtime_checkable
class Layout(Protocol):
    """A site generator. ``kind`` is its name in the design file."""

    kind: ClassVar[str]

    def generate(self, pad: Pad) -> Sites:
        """The sites this layout describes, pads from ``pad`` unless the layout carries its own."""
        ...

    def pitch_hint_mm(self) -> float | None:
        """The layout's nominal pitch (for snapping and sizing), when it has one."""
        ...

    def repetition(self, pad: Pad) -> UnitRepetition | None:
        """The unit this layout repeats and where, or None for a layout that is not made of repeated units."""
        ...


LAYOUT_KINDS: dict[str, type] = {}


def register_layout(cls: type) -> type:
    """Class decorator: make a layout family known to the design file by its ``kind``."""
    LAYOUT_KINDS[cls.kind] = cls  # type: ignore[attr-defined]
    return cls


def require_count(path: str, value: int, *, minimum: int = 1) -> int:
    """Validate a whole-number count."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DesignError(path, value, "must be a whole number")
    if value < minimum:
        raise DesignError(path, value, f"must be at least {minimum}")
    return value


__all__ = ["LAYOUT_KINDS", "Layout", "Pad", "UnitRepetition", "register_layout", "require_count", "require_length"]
