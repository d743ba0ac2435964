"""What every site generator is: a hashable parameter object with a ``kind`` and a ``generate`` method."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError, require_length
from geometry.base.limits import MAX_GRID_SIDE, MAX_LENGTH_MM, MAX_SITES
from geometry.model.profiles import Profile
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


@dataclass(frozen=True, slots=True)
class RepeatedType:
    """A further kind of unit on a mask of repeated units (a second device on the same strip): its ``name``, its
    own site ``layout`` (unit-local) and its own ``profile`` (None: the design's profile)."""

    name: str
    layout: Layout
    profile: Profile | None = None


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
    others: tuple[RepeatedType, ...] = ()
    """Further unit types; type 0 is ``unit`` with the design's profile, type k is ``others[k - 1]``."""
    type_of: NDArray[np.intp] | None = None
    """The type of each kept unit (K,); None when every unit is ``unit``. With several types, unit k's sites
    still come after unit k - 1's, but each unit has its own type's site count."""

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The prefix each unit's site names carry (unit name and separator)."""
        return tuple(n + self.separator for n in self.names)

    @property
    def types(self) -> tuple[RepeatedType, ...]:
        """Every unit type, type 0 (``unit``, the design's profile) first."""
        return (RepeatedType("", self.unit), *self.others)

    def unit_types(self) -> NDArray[np.intp]:
        """The type of each kept unit (all 0 for a layout of one unit type)."""
        if self.type_of is None:
            return np.zeros(len(self.names), dtype=np.intp)
        return self.type_of


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

    def site_count(self) -> int:
        """How many sites :meth:`generate` makes (an upper bound where a rule drops some), from the parameters
        alone: computed before anything is allocated, so an impossible size is refused, not attempted."""
        ...

    def repetition(self, pad: Pad) -> UnitRepetition | None:
        """The unit this layout repeats and where, or None for a layout that is not made of repeated units."""
        ...


LAZY_LAYOUT_MODULES = {"carrier": "geometry.model.layouts.carrier", "wafer": "geometry.model.layouts.wafer"}
"""Kinds whose module is imported when a design file first names them (issue 12: a cold check of a grid design
does not build the strip and wafer classes). Every other kind is imported with the package."""


class LayoutKinds(Mapping[str, type]):
    """The layout classes by ``kind``, for the design file: registered ones, and the lazy ones on first look-up."""

    def __init__(self) -> None:
        self._classes: dict[str, type] = {}

    def register(self, cls: type) -> None:
        """Know ``cls`` by its ``kind`` class variable."""
        self._classes[cls.kind] = cls  # type: ignore[attr-defined]

    def __getitem__(self, kind: str) -> type:
        if kind not in self._classes and kind in LAZY_LAYOUT_MODULES:
            importlib.import_module(LAZY_LAYOUT_MODULES[kind])  # its @register_layout fills the entry
        return self._classes[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._classes, *LAZY_LAYOUT_MODULES]))

    def __len__(self) -> int:
        return len(self._classes.keys() | LAZY_LAYOUT_MODULES.keys())


LAYOUT_KINDS = LayoutKinds()


def register_layout(cls: type) -> type:
    """Class decorator: make a layout family known to the design file by its ``kind``."""
    LAYOUT_KINDS.register(cls)
    return cls


def require_count(path: str, value: int, *, minimum: int = 1, maximum: int = MAX_GRID_SIDE) -> int:
    """Validate a whole-number count from ``minimum`` to ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DesignError(path, value, "must be a whole number")
    if value < minimum:
        raise DesignError(path, value, f"must be at least {minimum}")
    if value > maximum:
        raise DesignError(path, value, f"must be at most {maximum:,}")
    return value


def require_extent(path: str, value: object, n: int, pitch_mm: float) -> None:
    """Refuse ``n`` positions at ``pitch_mm`` spanning more than 1 m (the largest length a design holds)."""
    span = (n - 1) * pitch_mm
    if span > MAX_LENGTH_MM:
        raise DesignError(path, value, f"spans {span:,.1f} mm at this pitch, more than {MAX_LENGTH_MM:g} mm (1 m)")


def require_site_count(path: str, value: object, count: int) -> None:
    """Refuse a layout that would make more than :data:`MAX_SITES` sites, naming the count and the limit."""
    if count > MAX_SITES:
        raise DesignError(path, value, f"gives {count:,} sites, more than the limit of {MAX_SITES:,} sites")


__all__ = ["LAYOUT_KINDS", "Layout", "Pad", "RepeatedType", "UnitRepetition", "register_layout", "require_count",
           "require_extent", "require_length", "require_site_count"]
