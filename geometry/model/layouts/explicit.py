"""Explicit site lists (typed in, read from CSV or imported from a customer's file), held as numpy columns.

An imported wafer-level layout has a million sites; one Python object per site would cost seconds to build, hash
and write. The list is therefore a :class:`SiteColumns` block of frozen arrays, hashed once from their bytes.
:class:`ExplicitSite` stays the form of one site (hand edits, tests, the old design-file form).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError, require_finite, require_length
from geometry.base.lazy import LazyModule
from geometry.model.layouts.base import Pad, UnitRepetition, register_layout, require_site_count
from geometry.model.sites import PadKind, Sites, SiteState

if TYPE_CHECKING:  # the site digest of a big explicit layout; a grid design never needs it
    import hashlib

    from geometry.model.layouts.source import ImportSource
else:
    hashlib = LazyModule("hashlib")


def __getattr__(name: str) -> Any:
    # where an imported list came from: only a design made by ``ballmask import`` holds it, so the file codec
    # resolves ExplicitLayout.source (and imports its module) only for such a file (issue 12)
    if name == "ImportSource":
        value = importlib.import_module("geometry.model.layouts.source").ImportSource
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

NO_KIND = 255
"""``pad_kind`` value of a site that takes the design's pad kind."""


@dataclass(frozen=True, slots=True)
class ExplicitSite:
    """One site given by hand: name, centre, and optionally its own pad diameter and kind."""

    name: str
    x_mm: float
    y_mm: float
    pad_mm: float | None = None
    pad_kind: PadKind | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise DesignError("name", self.name, "must be a non-empty name")
        object.__setattr__(self, "x_mm", require_finite("x_mm", self.x_mm))
        object.__setattr__(self, "y_mm", require_finite("y_mm", self.y_mm))
        if self.pad_mm is not None:
            object.__setattr__(self, "pad_mm", require_length("pad_mm", self.pad_mm))
        if self.pad_kind is not None:
            try:
                object.__setattr__(self, "pad_kind", PadKind(self.pad_kind))
            except ValueError:
                raise DesignError("pad_kind", self.pad_kind, "must be copper or solder-resist") from None


def _frozen(a: NDArray[Any]) -> NDArray[Any]:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


class SiteColumns:
    """Explicit sites as parallel read-only arrays.

    ``pad_mm`` is NaN and ``pad_kind`` is :data:`NO_KIND` where a site takes the design's pad. Names are stored
    at their narrowest width, so equal lists have equal bytes and the hash (of the bytes, computed once) agrees
    with equality.
    """

    __slots__ = ("_hash", "names", "pad_kind", "pad_mm", "x_mm", "y_mm")

    names: NDArray[np.str_]
    x_mm: NDArray[np.float64]
    y_mm: NDArray[np.float64]
    pad_mm: NDArray[np.float64]
    pad_kind: NDArray[np.uint8]
    _hash: int | None

    def __init__(
        self,
        names: Iterable[str] | NDArray[np.str_],
        x_mm: Iterable[float] | NDArray[np.float64],
        y_mm: Iterable[float] | NDArray[np.float64],
        pad_mm: Iterable[float] | NDArray[np.float64] | None = None,
        pad_kind: Iterable[int] | NDArray[np.uint8] | None = None,
        *,
        where: Callable[[int, str], str] | None = None,
    ) -> None:
        names_a = np.asarray(names if isinstance(names, np.ndarray) else list(names), dtype=np.str_)
        if names_a.ndim != 1:
            names_a = names_a.reshape(-1)
        n = names_a.shape[0]
        width = int(np.char.str_len(names_a).max()) if n else 1
        names_a = names_a.astype(f"<U{max(width, 1)}")
        x = np.asarray(x_mm, dtype=np.float64).reshape(-1)
        y = np.asarray(y_mm, dtype=np.float64).reshape(-1)
        pad = np.full(n, np.nan) if pad_mm is None else np.asarray(pad_mm, dtype=np.float64).reshape(-1)
        kind = np.full(n, NO_KIND, np.uint8) if pad_kind is None else np.asarray(pad_kind).reshape(-1)
        for what, a in (("x_mm", x), ("y_mm", y), ("pad_mm", pad), ("pad_kind", kind)):
            if a.shape[0] != n:
                raise DesignError(f"sites.{what}", a.shape[0], f"must have one value per site ({n} names)")
        _validate(names_a, x, y, pad, kind, where or _site_path)
        object.__setattr__(self, "names", _frozen(names_a))
        object.__setattr__(self, "x_mm", _frozen(x))
        object.__setattr__(self, "y_mm", _frozen(y))
        object.__setattr__(self, "pad_mm", _frozen(pad))
        object.__setattr__(self, "pad_kind", _frozen(kind.astype(np.uint8)))
        object.__setattr__(self, "_hash", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("SiteColumns is immutable")

    @staticmethod
    def of(sites: Iterable[ExplicitSite]) -> SiteColumns:
        """Columns of a sequence of :class:`ExplicitSite` (the slow, per-object form)."""
        items = list(sites)
        for i, s in enumerate(items):
            if not isinstance(s, ExplicitSite):
                raise DesignError(f"sites[{i}]", s, "must be an explicit site")
        return SiteColumns(
            [s.name for s in items], [s.x_mm for s in items], [s.y_mm for s in items],
            [np.nan if s.pad_mm is None else s.pad_mm for s in items],
            [NO_KIND if s.pad_kind is None else int(s.pad_kind) for s in items],
        )

    def __len__(self) -> int:
        return int(self.names.shape[0])

    def __getitem__(self, i: int) -> ExplicitSite:
        pad = float(self.pad_mm[i])
        kind = int(self.pad_kind[i])
        return ExplicitSite(str(self.names[i]), float(self.x_mm[i]), float(self.y_mm[i]),
                            None if np.isnan(pad) else pad, None if kind == NO_KIND else PadKind(kind))

    def __iter__(self) -> Iterator[ExplicitSite]:
        return (self[i] for i in range(len(self)))

    def __hash__(self) -> int:
        h: int | None = self._hash
        if h is None:
            digest = hashlib.blake2b(digest_size=8)
            for a in (self.names, self.x_mm, self.y_mm, self.pad_mm, self.pad_kind):
                digest.update(str(a.dtype).encode())
                digest.update(a.tobytes())
            h = int.from_bytes(digest.digest(), "little", signed=True)
            object.__setattr__(self, "_hash", h)
        return h

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SiteColumns):
            return NotImplemented
        if other is self:
            return True
        return (hash(self) == hash(other) and np.array_equal(self.names, other.names)
                and np.array_equal(self.x_mm, other.x_mm) and np.array_equal(self.y_mm, other.y_mm)
                and np.array_equal(self.pad_mm, other.pad_mm, equal_nan=True)
                and np.array_equal(self.pad_kind, other.pad_kind))

    def __repr__(self) -> str:
        return f"SiteColumns({len(self)} sites)"

    def has_own_pads(self) -> bool:
        """Whether any site has its own pad diameter."""
        return bool((~np.isnan(self.pad_mm)).any())

    def has_own_kinds(self) -> bool:
        """Whether any site has its own pad kind."""
        return bool((self.pad_kind != NO_KIND).any())

    def sites(self, pad: Pad) -> Sites:
        """The sites, missing pads filled from ``pad``."""
        pads = np.where(np.isnan(self.pad_mm), pad.diameter_mm, self.pad_mm)
        kinds = np.where(self.pad_kind == NO_KIND, np.uint8(int(pad.kind)), self.pad_kind).astype(np.uint8)
        return Sites.build(self.names, self.x_mm, self.y_mm, pads, kinds, SiteState.POPULATED)


def _site_path(i: int, field: str) -> str:
    return f"sites[{i}].{field}"


def _validate(names: NDArray[np.str_], x: NDArray[np.float64], y: NDArray[np.float64],
              pad: NDArray[np.float64], kind: NDArray[Any], where: Callable[[int, str], str]) -> None:
    """Refuse bad columns with the row and the value (vectorised; the loop runs only to name the culprit).

    ``where(row, field)`` is the path of one value (``sites[3].name``, or ``names[3]`` in the column form).
    """
    blank = np.char.str_len(np.char.strip(names)) == 0
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        raise DesignError(where(i, "name"), str(names[i]), "must be a non-empty name")
    for what, a in (("x_mm", x), ("y_mm", y)):
        bad = ~np.isfinite(a)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DesignError(where(i, what), float(a[i]), "must be a finite number")
    bad = ~np.isnan(pad) & ~(np.isfinite(pad) & (pad > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DesignError(where(i, "pad_mm"), float(pad[i]), "must be positive")
    bad = ~np.isin(kind, (int(PadKind.COPPER), int(PadKind.SOLDER_RESIST), NO_KIND))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DesignError(where(i, "pad_kind"), kind[i].item(), "must be copper or solder-resist")
    listed = names.tolist()
    if len(set(listed)) != len(listed):
        seen: set[str] = set()
        for i, name in enumerate(listed):
            if name in seen:
                raise DesignError(where(i, "name"), name, "is used by another site")
            seen.add(name)


def sites_from_explicit(items: tuple[ExplicitSite, ...], pad: Pad) -> Sites:
    """Sites for a tuple of explicit sites, filling missing pads from ``pad``."""
    n = len(items)
    pads = np.fromiter((pad.diameter_mm if s.pad_mm is None else s.pad_mm for s in items), np.float64, n)
    kinds = np.fromiter((int(pad.kind) if s.pad_kind is None else int(s.pad_kind) for s in items), np.uint8, n)
    return Sites.build(
        [s.name for s in items],
        np.fromiter((s.x_mm for s in items), np.float64, n),
        np.fromiter((s.y_mm for s in items), np.float64, n),
        pads, kinds, SiteState.POPULATED,
    )


@register_layout
@dataclass(frozen=True, slots=True)
class ExplicitLayout:
    """Sites listed one by one (hand-placed or imported). Names must be unique.

    ``sites`` accepts a :class:`SiteColumns` block or any sequence of :class:`ExplicitSite`; it is held as
    columns. ``source`` says where an imported list came from (None for one typed in or read from CSV).
    """

    kind: ClassVar[str] = "explicit"
    sites: SiteColumns
    source: ImportSource | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.sites, SiteColumns):
            object.__setattr__(self, "sites", SiteColumns.of(self.sites))
        if self.source is not None:
            from geometry.model.layouts.source import ImportSource

            if not isinstance(self.source, ImportSource):
                raise DesignError("source", self.source, "must be an import source or nothing")
        require_site_count("sites", len(self.sites), len(self.sites))

    def site_count(self) -> int:
        """The number of listed sites."""
        return len(self.sites)

    def repetition(self, pad: Pad) -> UnitRepetition | None:
        """Not made of repeated units."""
        return None

    def pitch_hint_mm(self) -> float | None:
        """Smallest centre distance, if there are two sites or more (cached by the site list: a KD-tree over a
        million sites takes seconds, and the window asks on every redraw)."""
        if len(self.sites) < 2:
            return None
        return _smallest_spacing(self.sites)

    def generate(self, pad: Pad) -> Sites:
        """The listed sites in order."""
        return self.sites.sites(pad)


@lru_cache(maxsize=8)
def _smallest_spacing(columns: SiteColumns) -> float | None:
    from scipy.spatial import cKDTree

    xy = np.column_stack([columns.x_mm, columns.y_mm])
    d, _ = cKDTree(xy).query(xy, k=2)
    m = float(d[:, 1].min())
    return m if m > 0 else None
