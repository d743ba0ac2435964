"""Gerber (RS-274X, X2) pads: flashes of round, rectangular, obround, polygon and macro apertures, and regions.

gerbonara reads the file (about 20 us a statement). A file that is only aperture definitions, aperture
selections and flashes, the form a CAM system writes for a million solder-mask openings, is read by a regular
expression over the whole text instead, which is about twenty times faster and gives the same pads. The file
function (``%TF.FileFunction,Soldermask,...``) says whether the pads are solder-mask openings or copper; the layer
is named after it (``soldermask`` or ``copper``; ``gerber`` when the file says neither).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from geometry.base.errors import DesignError
from geometry.fileio.importers.base import CandidateBuilder, PadCandidates, Shape, SourceData, file_hash, read_bytes

# Anything but aperture definitions, selections and flashes sends the file to gerbonara: regions, macros, clear
# polarity, step-and-repeat, block apertures, draws and arcs.
_NOT_FAST = re.compile(rb"G3[67]|%AM|%LPC|%SR|%AB|%LM|%LR|%LS|D0?[12]\*|G0?[23]\*|G91|%IP")
_FLASH = re.compile(rb"(?:D(\d+)\*)|(?:(?:X(-?\d+))?(?:Y(-?\d+))?D0?3\*)")
_AD = re.compile(rb"%ADD(\d+)([CROP]),([\d.]+)(?:X([\d.]+))?(?:X([\d.]+))?[^%]*\*%")


def layer_of(function: str) -> str:
    """The layer name for a file function."""
    f = function.lower()
    if "soldermask" in f:
        return "soldermask"
    if "copper" in f:
        return "copper"
    return "gerber"


def _fast(data: bytes) -> tuple[str, str, PadCandidates] | None:
    """Flash-only files through a regular expression; None when the file holds anything else."""
    if len(data) < 64 or _NOT_FAST.search(data):
        return None
    fs = re.search(rb"%FS([LT])A X(\d)(\d)Y(\d)(\d)\*%".replace(b" ", b""), data)
    mo = re.search(rb"%MO(MM|IN)\*%", data)
    if fs is None or mo is None or fs.group(1) != b"L":
        return None
    dec = int(fs.group(3))
    if int(fs.group(5)) != dec:
        return None
    unit = "mm" if mo.group(1) == b"MM" else "inch"
    ff = re.search(rb"%TF\.FileFunction,([^*]*)\*%", data)
    function = ff.group(1).decode("ascii", "replace") if ff else ""
    apertures: dict[int, tuple[bytes, float, float]] = {}
    for m in _AD.finditer(data):
        w = float(m.group(3))
        h = float(m.group(4)) if m.group(4) and m.group(2) in b"RO" else w
        if m.group(2) == b"P":
            return None
        apertures[int(m.group(1))] = (m.group(2), w, h)
    body = re.sub(rb"%[^%]*%|G04[^*]*\*", b"", data)
    tok = np.array(_FLASH.findall(body), dtype="S24").reshape(-1, 3)
    if tok.shape[0] == 0:
        return unit, function, CandidateBuilder(layer_of(function)).build()
    d = np.where(tok[:, 0] == b"", b"-1", tok[:, 0]).astype(np.int64)
    select = d >= 10
    flash = (d == -1) | (d == 3)

    def modal(col: int) -> np.ndarray:
        given = tok[:, col] != b""
        vals = np.where(given, tok[:, col], b"0").astype(np.int64)
        last = np.maximum.accumulate(np.where(given, np.arange(tok.shape[0]), -1))
        return np.where(last >= 0, vals[np.maximum(last, 0)], 0)

    last_sel = np.maximum.accumulate(np.where(select, np.arange(tok.shape[0]), -1))
    current = np.where(last_sel >= 0, d[np.maximum(last_sel, 0)], -1)
    scale = 10.0 ** -dec * (25.4 if unit == "inch" else 1.0)
    xa = modal(1)[flash] * scale
    ya = modal(2)[flash] * scale
    code = current[flash]
    out = CandidateBuilder(layer_of(function))
    for c in np.unique(code):
        if int(c) not in apertures:
            raise DesignError("aperture", f"D{c}", "is flashed but not defined")
        kind, w, h = apertures[int(c)]
        sel = code == c
        k = 25.4 if unit == "inch" else 1.0
        shape = {b"C": Shape.ROUND, b"R": Shape.RECT, b"O": Shape.OBROUND}[kind]
        out.add(xa[sel], ya[sel], shape, w * k, h * k)
    return unit, function, out.build()


def _arc_points(p0: tuple[float, float], p1: tuple[float, float], c: tuple[float, float], cw: bool,
                step_mm: float = 1e-5) -> list[tuple[float, float]]:
    """Points of a region arc from p0 towards p1 about c (p1 excluded), sagitta below ``step_mm``."""
    a0 = math.atan2(p0[1] - c[1], p0[0] - c[0])
    a1 = math.atan2(p1[1] - c[1], p1[0] - c[0])
    sweep = a1 - a0
    sweep = (sweep if sweep < 0 else sweep - 2 * math.pi) if cw else (sweep if sweep > 0 else sweep + 2 * math.pi)
    if math.dist(p0, p1) < 1e-12:
        sweep = -2 * math.pi if cw else 2 * math.pi
    r = math.dist(p0, c)
    da = 2 * math.acos(max(-1.0, 1 - step_mm / r)) if r > step_mm else math.pi / 4
    n = max(8, math.ceil(abs(sweep) / da))
    return [(c[0] + r * math.cos(a0 + sweep * i / n), c[1] + r * math.sin(a0 + sweep * i / n)) for i in range(n)]


def _macro_polygon(flash: Any, mm: Any) -> list[tuple[float, float]] | None:
    """The outline of a macro flash whose primitives are one circle, rectangle or outline; None otherwise."""
    import shapely

    shapes = []
    for p in flash.to_primitives(mm):
        name = type(p).__name__
        if name == "Circle":
            shapes.append(shapely.Point(p.x, p.y).buffer(p.r, quad_segs=64))
        elif name == "Rectangle":
            box = shapely.box(p.x - p.w / 2, p.y - p.h / 2, p.x + p.w / 2, p.y + p.h / 2)
            shapes.append(shapely.affinity.rotate(box, p.rotation, origin=(p.x, p.y), use_radians=True))
        elif name == "ArcPoly" and not any(p.arc_centers or ()):
            shapes.append(shapely.Polygon(p.outline))
        else:
            return None
        if not getattr(p, "polarity_dark", True):
            return None
    if not shapes:
        return None
    u = shapely.union_all(shapes)
    if u.geom_type != "Polygon":
        return None
    return list(u.exterior.coords)[:-1]


def _slow(path: Path) -> tuple[str, str, PadCandidates, list[str]]:  # noqa: PLR0912 - one branch per object kind
    import warnings

    from gerbonara import GerberFile
    from gerbonara.apertures import (
        ApertureMacroInstance,
        CircleAperture,
        ObroundAperture,
        PolygonAperture,
        RectangleAperture,
    )
    from gerbonara.graphic_objects import Flash, Region
    from gerbonara.utils import MM

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            g = GerberFile.open(path)
    except Exception as e:  # gerbonara raises many kinds (SyntaxError, ValueError, KeyError) on a bad file
        raise DesignError(str(path), path.name, f"is not a readable Gerber file: {type(e).__name__}: {e}") from None
    said = [str(w.message).split(": ", 1)[-1] for w in caught]
    if not g.objects and said:
        raise DesignError(str(path), path.name, f"is not a readable Gerber file: {said[0]}")
    ff = g.file_attrs.get(".FileFunction") if hasattr(g, "file_attrs") else None
    function = ",".join(ff) if isinstance(ff, tuple | list) else (ff or "")
    unit = "inch" if g.unit is not None and g.unit != MM else "mm"
    out = CandidateBuilder(layer_of(function))
    notes: list[str] = []
    skipped = {"strokes": 0, "clear": 0}
    for o in g.objects:
        if not o.polarity_dark:
            skipped["clear"] += 1
            continue
        if isinstance(o, Flash):
            x, y = o.unit.convert_to(MM, o.x), o.unit.convert_to(MM, o.y)
            ap = o.aperture
            if isinstance(ap, CircleAperture):
                d = ap.unit.convert_to(MM, ap.diameter)
                out.add(x, y, Shape.ROUND, d, d)
            elif isinstance(ap, RectangleAperture | ObroundAperture):
                w, h = ap.unit.convert_to(MM, ap.w), ap.unit.convert_to(MM, ap.h)
                rot = math.degrees(getattr(ap, "rotation", 0.0) or 0.0)
                out.add(x, y, Shape.RECT if isinstance(ap, RectangleAperture) else Shape.OBROUND, w, h, rot)
            elif isinstance(ap, PolygonAperture | ApertureMacroInstance):
                pts = _macro_polygon(o, MM)
                if pts is None:
                    raise DesignError(f"{path.name} aperture", str(ap),
                                      "is a macro this reader cannot outline (clear parts or several pieces)")
                out.add_polygon(np.asarray(pts))
        elif isinstance(o, Region):
            k = o.unit.convert_to(MM, 1.0)
            outline = [(px * k, py * k) for px, py in o.outline]
            arcs = [None if a is None else (a[0], (a[1][0] * k, a[1][1] * k)) for a in o.arc_centers]
            ring: list[tuple[float, float]] = []
            for i, p in enumerate(outline):
                q = outline[(i + 1) % len(outline)]
                arc = arcs[i] if i < len(arcs) else None
                if arc is None:
                    ring.append(p)
                else:
                    ring.extend(_arc_points(p, q, arc[1], arc[0]))
            out.add_polygon(np.asarray(ring))
        else:
            skipped["strokes"] += 1
    notes.extend(f"reader: {w}" for w in said[:3])
    if skipped["strokes"]:
        notes.append(f"{skipped['strokes']} strokes (lines, arcs) are not pads and were left out")
    if skipped["clear"]:
        notes.append(f"{skipped['clear']} clear-polarity objects were left out")
    return unit, function, out.build(), notes


def read_gerber(path: Path) -> SourceData:
    """The pads of a Gerber file (one layer, named after its file function)."""
    data = read_bytes(path)
    fast = _fast(data)
    notes: list[str] = []
    if fast is not None:
        unit, function, pads = fast
    else:
        unit, function, pads, notes = _slow(path)
    if function:
        notes.insert(0, f"file function {function}")
    return SourceData(path.name, "gerber", unit, file_hash(path), {pads.layer: pads}, tuple(notes))
