"""Depopulation patterns applied to grid layouts: which grid positions get no ball.

Depopulated sites keep their pad and name (state ``depopulated``) so that the user can restore them one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError
from geometry.model.hashed import HashedOnce
from geometry.model.layouts.base import require_count


@dataclass(frozen=True, slots=True)
class CentreVoid:
    """Leave out a ``size`` x ``size`` block of positions at the centre of the grid."""

    kind: ClassVar[str] = "centre-void"
    size: int

    def __post_init__(self) -> None:
        require_count("size", self.size)

    def mask(
        self, rows: int, cols: int, r: NDArray[np.intp], c: NDArray[np.intp], names: NDArray[np.str_]
    ) -> NDArray[np.bool_]:
        """True where the pattern depopulates."""
        r0 = (rows - self.size) // 2
        c0 = (cols - self.size) // 2
        return (r >= r0) & (r < r0 + self.size) & (c >= c0) & (c < c0 + self.size)


@dataclass(frozen=True, slots=True)
class PerimeterRings:
    """Keep only the ``rings`` outermost rings of positions; the inside is depopulated."""

    kind: ClassVar[str] = "perimeter-rings"
    rings: int

    def __post_init__(self) -> None:
        require_count("rings", self.rings)

    def mask(
        self, rows: int, cols: int, r: NDArray[np.intp], c: NDArray[np.intp], names: NDArray[np.str_]
    ) -> NDArray[np.bool_]:
        """True where the pattern depopulates."""
        ring = np.minimum(np.minimum(r, rows - 1 - r), np.minimum(c, cols - 1 - c))
        return ring >= self.rings


@dataclass(frozen=True, slots=True, eq=False)
class DepopulateNames(HashedOnce):
    """Depopulate the positions named in ``names`` (JEDEC names such as ``"C3"``)."""

    kind: ClassVar[str] = "names"
    names: tuple[str, ...]

    def __post_init__(self) -> None:
        if isinstance(self.names, str) or not all(isinstance(n, str) for n in self.names):
            raise DesignError("names", self.names, "must be a list of site names")
        object.__setattr__(self, "names", tuple(self.names))

    def mask(
        self, rows: int, cols: int, r: NDArray[np.intp], c: NDArray[np.intp], names: NDArray[np.str_]
    ) -> NDArray[np.bool_]:
        """True where the pattern depopulates."""
        return np.isin(names, np.asarray(self.names, dtype=np.str_))


Depopulation = CentreVoid | PerimeterRings | DepopulateNames
DEPOPULATION_KINDS: dict[str, type] = {cls.kind: cls for cls in (CentreVoid, PerimeterRings, DepopulateNames)}


def depopulation_mask(
    patterns: tuple[Depopulation, ...], rows: int, cols: int,
    r: NDArray[np.intp], c: NDArray[np.intp], names: NDArray[np.str_],
) -> NDArray[np.bool_]:
    """Union of the patterns' masks."""
    out = np.zeros(r.shape, dtype=bool)
    for p in patterns:
        out |= p.mask(rows, cols, r, c, names)
    return out
