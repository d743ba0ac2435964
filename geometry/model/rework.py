"""Rework data carried by a design (patent 002, claims 8-16): a device peeled off its board is reballed.

After removal, old solder remains on the pads; some pads may be lifted (damaged); the user may have noted the
electrically failed place(s) that made the device come off. The rework mask is derived from the production
mask (:mod:`geometry.analysis.proposal`); this module holds only the data, as small frozen values the design file
stores like every other part of a design. It must not import :mod:`geometry.model.design` (the design imports it).

Names in the rework data need not exist on the design when the data is made (a layout may change later); the
review (:mod:`geometry.analysis.review`) reports names that match no site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from geometry.base.errors import DesignError, require_finite, require_length
from geometry.model.hashed import HashedOnce


def _names(path: str, value: object) -> tuple[str, ...]:
    """A list of site names, de-duplicated and sorted so that a file does not change with the click order."""
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise DesignError(path, value, "must be a list of site names")
    for i, n in enumerate(value):
        if not isinstance(n, str) or not n.strip():
            raise DesignError(f"{path}[{i}]", n, "must be a non-empty site name")
    return tuple(sorted(set(value)))


def _height(path: str, value: float) -> float:
    return require_length(path, value, allow_zero=True)


@dataclass(frozen=True, slots=True)
class Residue:
    """Old solder left on a pad: ``height_mm`` (h_res) and the footprint's ``diameter_mm``.

    Without a diameter the footprint is the pad grown by the flux spread f (checks.md, residue-clear).
    """

    height_mm: float = 0.0
    diameter_mm: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "height_mm", _height("height_mm", self.height_mm))
        if self.diameter_mm is not None:
            object.__setattr__(self, "diameter_mm", require_length("diameter_mm", self.diameter_mm))


@dataclass(frozen=True, slots=True)
class SiteResidue:
    """A measured residue on one site (by name): height and, if measured, footprint diameter, in mm."""

    site: str
    height_mm: float
    diameter_mm: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.site, str) or not self.site.strip():
            raise DesignError("site", self.site, "must be a non-empty site name")
        object.__setattr__(self, "height_mm", _height("height_mm", self.height_mm))
        if self.diameter_mm is not None:
            object.__setattr__(self, "diameter_mm", require_length("diameter_mm", self.diameter_mm))

    @property
    def residue(self) -> Residue:
        """The measurement as a :class:`Residue`."""
        return Residue(self.height_mm, self.diameter_mm)


@dataclass(frozen=True, slots=True)
class FailedPlace:
    """An electrically failed place the user noted: at a site (by name) or at a point (x, y in mm), with a note."""

    site: str | None = None
    x_mm: float | None = None
    y_mm: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.note, str):
            raise DesignError("note", self.note, "must be text")
        has_xy = self.x_mm is not None or self.y_mm is not None
        if self.site is not None:
            if not isinstance(self.site, str) or not self.site.strip():
                raise DesignError("site", self.site, "must be a non-empty site name")
            if has_xy:
                raise DesignError("site", self.site, "give a site name or a point x, y, not both")
            return
        if self.x_mm is None or self.y_mm is None:
            raise DesignError("site", None, "give a site name or both x_mm and y_mm")
        object.__setattr__(self, "x_mm", require_finite("x_mm", self.x_mm))
        object.__setattr__(self, "y_mm", require_finite("y_mm", self.y_mm))

    @property
    def label(self) -> str:
        """Where it is, for a listing: the site name or the point."""
        if self.site is not None:
            return self.site
        return f"({self.x_mm:.3f}, {self.y_mm:.3f})"


@dataclass(frozen=True, slots=True)
class DerivedFrom:
    """The production design a rework design was derived from: its name and the SHA-256 (hex) of its file text.

    The hash is of the design as the file format writes it (``geometry.fileio.design_sha256``), so a production
    file that is saved again unchanged keeps its hash and one that was edited does not.
    """

    name: str
    sha256: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise DesignError("name", self.name, "must be text")
        if not isinstance(self.sha256, str) or not re.fullmatch(r"[0-9a-f]{64}", self.sha256):
            raise DesignError("sha256", self.sha256, "must be 64 lower-case hexadecimal digits")


@dataclass(frozen=True, slots=True, eq=False)
class Rework(HashedOnce):
    """Rework data of one device.

    ``device``: the device's identifier (serial number, board position), written in the exporters' notes.
    ``no_ball``: sites that carried no ball as built (default: every site populated in the design had one);
    they have no residue and get no new ball. ``damaged``: sites whose pad is lifted: no ball can go there, the
    opening is closed. ``residue``: the residue on every site that had a ball, unless ``measured`` gives that
    site its own value. ``failed``: the failed place(s) the user noted. ``derived_from``: the production design
    a derived rework mask came from (None until the mask is derived).
    """

    device: str = ""
    no_ball: tuple[str, ...] = ()
    damaged: tuple[str, ...] = ()
    residue: Residue = Residue()
    measured: tuple[SiteResidue, ...] = ()
    failed: tuple[FailedPlace, ...] = ()
    derived_from: DerivedFrom | None = None

    def __post_init__(self) -> None:
        if self.derived_from is not None and not isinstance(self.derived_from, DerivedFrom):
            raise DesignError("derived_from", self.derived_from, "must be a production design (name, sha256)")
        if not isinstance(self.device, str):
            raise DesignError("device", self.device, "must be text")
        object.__setattr__(self, "no_ball", _names("no_ball", self.no_ball))
        object.__setattr__(self, "damaged", _names("damaged", self.damaged))
        if not isinstance(self.residue, Residue):
            raise DesignError("residue", self.residue, "must be a residue (height_mm, diameter_mm)")
        object.__setattr__(self, "measured", tuple(self.measured))
        object.__setattr__(self, "failed", tuple(self.failed))
        seen: set[str] = set()
        for i, m in enumerate(self.measured):
            if not isinstance(m, SiteResidue):
                raise DesignError(f"measured[{i}]", m, "must be a site residue (site, height_mm, diameter_mm)")
            if m.site in seen:
                raise DesignError(f"measured[{i}].site", m.site, "is measured twice")
            seen.add(m.site)
        for i, f in enumerate(self.failed):
            if not isinstance(f, FailedPlace):
                raise DesignError(f"failed[{i}]", f, "must be a failed place (site or x_mm, y_mm, note)")

    def residue_of(self, site: str) -> Residue:
        """The residue on a site: its measurement, else the common value."""
        for m in self.measured:
            if m.site == site:
                return m.residue
        return self.residue

    @property
    def closed(self) -> tuple[str, ...]:
        """Sites that get no ball in the rework: damaged or without a ball as built."""
        return tuple(sorted(set(self.damaged) | set(self.no_ball)))

    def with_(self, **changes: object) -> Rework:
        """A copy with fields replaced (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]

