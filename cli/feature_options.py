"""The carrier options of ``ballmask new strip`` and ``new panel``: a strip preset's size and rail features, and
fiducials and tooling holes given one by one.

``--preset 240x74-4x16`` makes the mask outline the strip's size and adds the preset's tooling holes and
fiducials (geometry.model.carrier_features.strip_features); ``--fiducial`` and ``--tooling-hole`` replace them
with the user's own. Fiducials are named F1, F2, ... and tooling holes T1, T2, ... in the order given.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from geometry.base.errors import DesignError

if TYPE_CHECKING:
    from geometry.model.carrier_features import CarrierFeature, Face, FeatureKind
    from geometry.model.design import Design


def _numbers(text: str, least: int, most: int, what: str) -> list[str]:
    parts = [p.strip() for p in text.split(",")]
    if not least <= len(parts) <= most:
        raise argparse.ArgumentTypeError(f"{text[:60]!r} is not {what}")
    return parts


def _float(text: str, whole: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{whole[:60]!r}: {text[:20]!r} is not a number ({what})") from None


def fiducial_spec(text: str) -> tuple[float, float, float, str, float | None]:
    """``X,Y[,D[,FACE[,DEPTH]]]`` -> (x, y, diameter 1.0, face upper, depth None = half the sheet)."""
    what = "X,Y[,D[,upper|lower[,DEPTH]]] in mm"
    p = _numbers(text, 2, 5, what)
    x, y = _float(p[0], text, what), _float(p[1], text, what)
    d = _float(p[2], text, what) if len(p) > 2 else 1.0
    face = p[3].lower() if len(p) > 3 else "upper"
    if face not in ("upper", "lower"):
        raise argparse.ArgumentTypeError(f"{text[:60]!r}: the face {p[3][:20]!r} must be upper or lower")
    depth = _float(p[4], text, what) if len(p) > 4 else None
    return x, y, d, face, depth


def tooling_spec(text: str) -> tuple[float, float, float]:
    """``X,Y[,D]`` -> (x, y, diameter 2.0)."""
    what = "X,Y[,D] in mm"
    p = _numbers(text, 2, 3, what)
    return _float(p[0], text, what), _float(p[1], text, what), _float(p[2], text, what) if len(p) > 2 else 2.0


def configure_features(group: argparse._ArgumentGroup) -> None:
    """Add ``--preset``, ``--fiducial`` and ``--tooling-hole`` to a strip's or panel's option group."""
    from geometry.model.layouts.carrier import STRIP_PRESETS

    names = ", ".join(p.name for p in STRIP_PRESETS)
    group.add_argument("--preset", choices=[p.name for p in STRIP_PRESETS], metavar="STRIP",
                       help=f"a common strip ({names}): the mask outline is its size, with its rail tooling holes "
                            "and fiducials unless --fiducial or --tooling-hole is given")
    group.add_argument("--fiducial", type=fiducial_spec, action="append", default=[],
                       metavar="X,Y[,D[,FACE[,DEPTH]]]",
                       help="a carrier fiducial at X,Y (mm), diameter D (default 1), etched from FACE (upper or "
                            "lower, default upper) DEPTH mm deep (default half the sheet); repeatable; a negative "
                            "X as --fiducial=-100,30")
    group.add_argument("--tooling-hole", type=tooling_spec, action="append", default=[], metavar="X,Y[,D]",
                       help="a tooling hole through the sheet at X,Y (mm), diameter D (default 2); repeatable; "
                            "write a negative X as --tooling-hole=-110,30")


def apply_features(args: argparse.Namespace, design: Design) -> Design:
    """The design with the preset's outline and the features the options give (errors name the option)."""
    from geometry.model.carrier_features import Face, FeatureKind, strip_features
    from geometry.model.layouts.carrier import STRIP_PRESETS
    from geometry.model.mask import SizeOutline

    feats: list[CarrierFeature] = []
    for i, (x, y, d, face, depth) in enumerate(getattr(args, "fiducial", []), start=1):
        feats.append(_made("--fiducial", f"F{i}", x, y, d, FeatureKind.FIDUCIAL, Face(face), depth))
    for i, (x, y, d) in enumerate(getattr(args, "tooling_hole", []), start=1):
        feats.append(_made("--tooling-hole", f"T{i}", x, y, d, FeatureKind.TOOLING_HOLE, Face.UPPER, None))
    preset = next((p for p in STRIP_PRESETS if p.name == getattr(args, "preset", None)), None)
    if preset is not None:
        design = design.with_(mask=replace(design.mask, outline=SizeOutline(preset.width_mm, preset.height_mm)))
        if not feats:
            feats = list(strip_features(preset.width_mm, preset.height_mm))
    if not feats:
        return design
    return design.with_(carrier_features=tuple(feats))


def _made(option: str, name: str, x: float, y: float, d: float, kind: FeatureKind, face: Face,
          depth: float | None) -> CarrierFeature:
    """One feature, a validation error reported against ``option``."""
    from geometry.model.carrier_features import CarrierFeature

    try:
        return CarrierFeature(name, x, y, d, kind, face, depth)
    except DesignError as e:
        raise DesignError(option, e.value, e.problem) from None
