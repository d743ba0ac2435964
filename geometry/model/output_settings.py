"""What the mask maker's files look like: layer names and writer options, saved with the design."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from geometry.base.errors import DesignError, require_length

DxfVersion = Literal["R2000", "R12"]

MAX_LAYER_CHARS = 200
"""DXF allows 255 characters in a layer name; the lower relief layers add a depth to the prefix."""


def _is_lower_layer(name: str, prefix: str) -> bool:
    """Whether ``name`` (case folded) is ``prefix`` + whole micrometres + ``um``, a lower relief layer name."""
    rest = name.removeprefix(prefix)
    return rest != name and rest.endswith("um") and rest[:-2].isascii() and rest[:-2].isdigit()


@dataclass(frozen=True, slots=True)
class OutputSettings:
    """Layer names (mask-maker-output.md defaults) and export options.

    The lower relief layer for a depth is ``lower_prefix`` + depth in whole micrometres + ``UM``
    (LOWER_RELIEF_150UM). ``chord_tol_mm`` is the chord error when arcs are written as straight segments.
    ``artwork_scale_ppm`` (None: no scaling) scales the whole artwork about the outline centre, to compensate a
    known thermal mismatch between mask and device at ball mounting (docs/checks.md, thermal); the notes state it.
    """

    outline_layer: str = "OUTLINE"
    upper_layer: str = "UPPER_THROUGH"
    lower_prefix: str = "LOWER_RELIEF_"
    fiducial_layer: str = "FIDUCIAL"
    notes_layer: str = "NOTES"
    dxf_version: DxfVersion = "R2000"
    segments_only: bool = False
    chord_tol_mm: float = 0.0001
    blocks: bool = False
    mirror_lower: bool = False
    wafer_layer: str = "WAFER"  # after the first fields, so that positional construction keeps its meaning
    artwork_scale_ppm: float | None = None  # every coordinate scaled by 1 + ppm/1e6 about the outline centre
    package_inspection: bool | None = None  # the shop package holds the inspection reference too; None: no

    def __post_init__(self) -> None:
        for name in ("outline_layer", "upper_layer", "lower_prefix", "fiducial_layer", "notes_layer", "wafer_layer"):
            v = getattr(self, name)
            if not isinstance(v, str) or not v or any(c in v for c in '<>/\\":;?*|=`') or v != v.strip():
                raise DesignError(name, v, "must be a layer name without spaces at the ends or <>/\\\":;?*|=`")
            if len(v) > MAX_LAYER_CHARS or not v.isprintable():
                raise DesignError(name, v, f"must be a printable layer name of at most {MAX_LAYER_CHARS} characters")
        # DXF layer names are compared without case: two roles on one layer would merge (or, in ezdxf, fail)
        seen: dict[str, str] = {}
        for name in ("outline_layer", "upper_layer", "fiducial_layer", "notes_layer"):
            key = getattr(self, name).casefold()
            if key in seen:
                raise DesignError(name, getattr(self, name), f"is the same layer as {seen[key]} (case is ignored)")
            if _is_lower_layer(key, self.lower_prefix.casefold()):
                raise DesignError(name, getattr(self, name), "is a name of a lower relief layer (lower_prefix)")
            seen[key] = name
        if self.dxf_version not in ("R2000", "R12"):
            raise DesignError("dxf_version", self.dxf_version, "must be R2000 or R12")
        object.__setattr__(self, "chord_tol_mm", require_length("chord_tol_mm", self.chord_tol_mm))
        if self.package_inspection is not None and not isinstance(self.package_inspection, bool):
            raise DesignError("package_inspection", self.package_inspection, "must be true or false")
        s = self.artwork_scale_ppm
        if s is not None:
            if isinstance(s, bool) or not isinstance(s, int | float) or not math.isfinite(s) or abs(s) >= 10000:
                raise DesignError("artwork_scale_ppm", s, "must be a number of ppm between -10000 and 10000")
            object.__setattr__(self, "artwork_scale_ppm", float(s))

    def lower_layer(self, depth_mm: float) -> str:
        """Layer name for a relief depth: LOWER_RELIEF_150UM for 0.15 mm."""
        return f"{self.lower_prefix}{round(depth_mm * 1000)}UM"
