"""Where an imported site list came from, and the settings that recognised its pads.

Recorded in the design so a revised customer file can be re-imported with the same settings and compared with
what the design holds (sites added, removed, moved, resized), and so a reviewer can see which file, layer and
content the mask was made from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from geometry.base.errors import DesignError, require_length

SourceFormat = Literal["gds", "oasis", "gerber", "dxf", "ipc2581", "kicad", "csv"]
SourceUnit = Literal["nm", "um", "mm", "inch", "mil"]
View = Literal["top", "bottom"]
Corner = Literal["top-left", "top-right", "bottom-left", "bottom-right"]
Naming = Literal["auto", "grid", "source"]
Rotation = Literal[0, 90]


@dataclass(frozen=True, slots=True)
class Recognition:
    """How pads are recognised in a source file.

    ``circle_tol_mm``: a polygon whose vertices all lie within this of a fitted circle is a round pad.
    ``snap_tol_mm``: a pad within this of a grid position is moved onto it (the largest move is reported).
    ``view``: ``bottom`` when the file is drawn from the ball side; the import mirrors it about the y axis so the
    design is seen from the die side (top view). ``a1``: the corner of the grid, in the design's (top) view,
    where A1 is. ``naming``: ``grid`` names from the grid (JEDEC), ``source`` the file's own pad names, ``auto``
    the file's names when every pad has a distinct one, else the grid's. ``rotation_deg``: 0 when a row (the pads
    of one letter) runs along x and the numbers count along x; 90 when the footprint is placed turned, a row runs
    along y and the numbers count along y (both counted from ``a1``, so 180 and 270 are the opposite corners);
    None (left out of the file): told from the source's own JEDEC pad names when it has them, else 0.
    """

    circle_tol_mm: float = 0.0005
    snap_tol_mm: float = 0.001
    view: View = "top"
    a1: Corner = "top-left"
    naming: Naming = "auto"
    rotation_deg: Rotation | None = None

    def __post_init__(self) -> None:
        if self.rotation_deg is not None and (isinstance(self.rotation_deg, bool) or self.rotation_deg not in (0, 90)):
            raise DesignError("rotation_deg", self.rotation_deg, "must be 0 or 90 (or left out: told from the names)")
        object.__setattr__(self, "circle_tol_mm", require_length("circle_tol_mm", self.circle_tol_mm))
        object.__setattr__(self, "snap_tol_mm", require_length("snap_tol_mm", self.snap_tol_mm, allow_zero=True))
        for what, value, allowed in (("view", self.view, ("top", "bottom")),
                                     ("a1", self.a1, ("top-left", "top-right", "bottom-left", "bottom-right")),
                                     ("naming", self.naming, ("auto", "grid", "source"))):
            if value not in allowed:
                raise DesignError(what, value, f"must be one of {', '.join(allowed)}")


@dataclass(frozen=True, slots=True)
class ImportSource:
    """The file an explicit site list was imported from: name, format, layer, unit and a hash of its bytes."""

    file: str
    format: SourceFormat
    layer: str
    sha256: str
    unit: SourceUnit = "mm"
    recognition: Recognition = Recognition()

    def __post_init__(self) -> None:
        if not isinstance(self.file, str) or not self.file:
            raise DesignError("file", self.file, "must be the source file's name")
        if not isinstance(self.sha256, str) or len(self.sha256) != 64:
            raise DesignError("sha256", self.sha256, "must be 64 hexadecimal digits")
        if self.format not in ("gds", "oasis", "gerber", "dxf", "ipc2581", "kicad", "csv"):
            raise DesignError("format", self.format, "is not a known source format")
        if self.unit not in ("nm", "um", "mm", "inch", "mil"):
            raise DesignError("unit", self.unit, "must be nm, um, mm, inch or mil")
        if not isinstance(self.layer, str):
            raise DesignError("layer", self.layer, "must be text")
