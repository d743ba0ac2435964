"""Ball sites as numpy arrays: one row per place where a ball goes.

Per-site data lives in parallel arrays (not one object per site) so that a wafer of a million sites costs a few
tens of megabytes and every computation over sites is vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from geometry.model.site_index import EditedNameIndex, NameIndex, NameLookup, find_rows

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
    lookup: NameLookup | None = field(default=None, repr=False)
    """The name index when the maker has one already (sites made from other sites by an edit); else built on
    first use from ``names``."""

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
    def adopt(
        names: NDArray[np.str_], x_mm: FloatArray, y_mm: FloatArray, pad_mm: FloatArray,
        pad_kind: NDArray[np.uint8], state: NDArray[np.uint8], group: NDArray[np.int32],
        lookup: NameLookup | None = None,
    ) -> Sites:
        """Sites over arrays of the right types that the caller owns and hands over (frozen here, not copied).

        The edit path (:func:`geometry.model.layouts.edits.build_sites`) makes a new design's sites from its
        base layout's: arrays an edit does not touch are shared with the base, touched ones are fresh copies.
        """
        n = int(names.shape[0])
        for a in (x_mm, y_mm, pad_mm, pad_kind, state, group):
            if a.shape != (n,):
                raise ValueError("every site array must have one value per name")
        return Sites(
            _frozen(names), _frozen(x_mm), _frozen(y_mm), _frozen(pad_mm),  # type: ignore[arg-type]
            _frozen(pad_kind), _frozen(state), _frozen(group), lookup,  # type: ignore[arg-type]
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
    def name_index(self) -> NameLookup:
        """Rows by name: the maker's index, or the names sorted once (a million names in a few tens of ms)."""
        return self.lookup if self.lookup is not None else NameIndex(self.names)

    def rows_of(self, names: tuple[str, ...] | list[str] | NDArray[np.str_]) -> IntArray:
        """Row of each name, -1 where there is none; a name given twice to the sites answers its last row."""
        return find_rows(self.name_index, names)

    def index_of(self, name: str) -> int:
        """Row of the site called ``name``; KeyError when there is none."""
        row = self.name_index.row(name)
        if row < 0:
            raise KeyError(name)
        return row

    def indices_of(self, names: tuple[str, ...] | list[str]) -> IntArray:
        """Rows of several sites, in the order asked; names not present are skipped."""
        rows = self.rows_of(names)
        return rows[rows >= 0]

    def has(self, name: str) -> bool:
        """Whether a site of that name exists."""
        return self.name_index.row(name) >= 0

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

    def without_rows_plus(self, dropped: IntArray, added: Sites | None) -> Sites:
        """These sites less the rows ``dropped`` (sorted, unique), then ``added`` after them, with a name index
        made from this one's (no new sort of a million names)."""
        if not dropped.size and added is None:
            return self
        cols = {}
        for name in ("names", "x_mm", "y_mm", "pad_mm", "pad_kind", "state", "group"):
            a = getattr(self, name)
            if dropped.size:
                a = np.delete(a, dropped)
            if added is not None:
                a = np.concatenate([a, getattr(added, name)])
            cols[name] = a
        n_kept = len(self) - int(dropped.size)
        extra = NameIndex(added.names) if added is not None else None
        return Sites.adopt(**cols, lookup=EditedNameIndex(self.name_index, dropped, n_kept, extra))

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
