"""Ball sites as numpy arrays: one row per place where a ball goes.

Per-site data lives in parallel arrays (not one object per site) so that a wafer of a million sites costs a few
tens of megabytes and every computation over sites is vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


class PadKind(IntEnum):
    """How the pad is defined: by its copper (NSMD) or by the solder-resist opening over it (SMD)."""

    COPPER = 0
    SOLDER_RESIST = 1


class SiteState(IntEnum):
    """Whether a ball goes on the site. A depopulated site keeps its pad but gets no opening."""

    POPULATED = 0
    DEPOPULATED = 1


PAD_KIND_NAMES = {PadKind.COPPER: "copper", PadKind.SOLDER_RESIST: "solder-resist"}
STATE_NAMES = {SiteState.POPULATED: "populated", SiteState.DEPOPULATED: "depopulated"}


def _frozen(a: NDArray[np.generic]) -> NDArray[np.generic]:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class Sites:
    """Sites in parallel, read-only arrays. ``group`` is the die index on a wafer (0 elsewhere)."""

    names: NDArray[np.str_]
    x_mm: FloatArray
    y_mm: FloatArray
    pad_mm: FloatArray
    pad_kind: NDArray[np.uint8]
    state: NDArray[np.uint8]
    group: NDArray[np.int32]

    @staticmethod
    def build(
        names: NDArray[np.str_] | list[str],
        x_mm: FloatArray | list[float],
        y_mm: FloatArray | list[float],
        pad_mm: FloatArray | list[float] | float,
        pad_kind: NDArray[np.uint8] | int = PadKind.COPPER,
        state: NDArray[np.uint8] | int = SiteState.POPULATED,
        group: NDArray[np.int32] | int = 0,
    ) -> Sites:
        """Make a Sites block, broadcasting scalars; arrays are copied and frozen."""
        n = len(names)
        names_a = np.asarray(names, dtype=np.str_)
        x = np.asarray(x_mm, dtype=np.float64)
        y = np.asarray(y_mm, dtype=np.float64)
        if x.shape != (n,) or y.shape != (n,):
            raise ValueError("names, x and y must have the same length")
        return Sites(
            names=_frozen(names_a),  # type: ignore[arg-type]
            x_mm=_frozen(x),  # type: ignore[arg-type]
            y_mm=_frozen(y),  # type: ignore[arg-type]
            pad_mm=_frozen(np.broadcast_to(np.asarray(pad_mm, dtype=np.float64), (n,)).copy()),  # type: ignore[arg-type]
            pad_kind=_frozen(np.broadcast_to(np.asarray(pad_kind, dtype=np.uint8), (n,)).copy()),  # type: ignore[arg-type]
            state=_frozen(np.broadcast_to(np.asarray(state, dtype=np.uint8), (n,)).copy()),  # type: ignore[arg-type]
            group=_frozen(np.broadcast_to(np.asarray(group, dtype=np.int32), (n,)).copy()),  # type: ignore[arg-type]
        )

    @staticmethod
    def empty() -> Sites:
        """No sites."""
        return Sites.build([], np.zeros(0), np.zeros(0), np.zeros(0))

    def __len__(self) -> int:
        return int(self.names.shape[0])

    @cached_property
    def xy(self) -> FloatArray:
        """Centres as an (N, 2) array."""
        out = np.column_stack([self.x_mm, self.y_mm])
        out.flags.writeable = False
        return out

    @cached_property
    def populated(self) -> BoolArray:
        """True where a ball goes (the site has an opening)."""
        out: BoolArray = np.asarray(self.state == SiteState.POPULATED)
        out.flags.writeable = False
        return out

    @cached_property
    def _index(self) -> dict[str, int]:
        return {str(n): i for i, n in enumerate(self.names.tolist())}

    def index_of(self, name: str) -> int:
        """Row of the site called ``name``; KeyError when there is none."""
        return self._index[name]

    def indices_of(self, names: tuple[str, ...] | list[str]) -> IntArray:
        """Rows of several sites; names not present are skipped."""
        idx = self._index
        return np.array([idx[n] for n in names if n in idx], dtype=np.intp)

    def has(self, name: str) -> bool:
        """Whether a site of that name exists."""
        return name in self._index

    def take(self, rows: IntArray | BoolArray) -> Sites:
        """The sites at ``rows`` (an index array or a boolean mask)."""
        return Sites.build(
            self.names[rows], self.x_mm[rows], self.y_mm[rows], self.pad_mm[rows],
            self.pad_kind[rows], self.state[rows], self.group[rows],
        )

    def replace(self, **arrays: NDArray[np.generic]) -> Sites:
        """A copy with some arrays replaced (same length)."""
        fields = {
            "names": self.names, "x_mm": self.x_mm, "y_mm": self.y_mm, "pad_mm": self.pad_mm,
            "pad_kind": self.pad_kind, "state": self.state, "group": self.group,
        }
        fields.update(arrays)
        return Sites.build(**fields)  # type: ignore[arg-type]

    @staticmethod
    def concat(blocks: list[Sites]) -> Sites:
        """Sites of several blocks one after another."""
        if not blocks:
            return Sites.empty()
        return Sites.build(
            np.concatenate([b.names for b in blocks]),
            np.concatenate([b.x_mm for b in blocks]),
            np.concatenate([b.y_mm for b in blocks]),
            np.concatenate([b.pad_mm for b in blocks]),
            np.concatenate([b.pad_kind for b in blocks]),
            np.concatenate([b.state for b in blocks]),
            np.concatenate([b.group for b in blocks]),
        )

    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the centres; zeros when empty."""
        if len(self) == 0:
            return (0.0, 0.0, 0.0, 0.0)
        return (float(self.x_mm.min()), float(self.y_mm.min()), float(self.x_mm.max()), float(self.y_mm.max()))
