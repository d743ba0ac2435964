"""IPC-2581 (XML) pads: the pads of each layer feature with their padstack shapes, nets and component pins.

Read with the standard library's parser; namespaces are ignored (revisions B and C differ only in them for
what is read here). Shapes come from the ``DictionaryStandard`` (``Circle``, ``RectCenter``, ``Oval``) or stand
inline in the pad. A pad's name is its pin (``PinRef pin``), the component's reference before it when the file
has several components.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

from geometry.base.errors import DesignError
from geometry.fileio.importers.base import CandidateBuilder, Shape, SourceData, file_hash, read_bytes

_UNITS = {"MILLIMETER": ("mm", 1.0), "MICRON": ("um", 1e-3), "INCH": ("inch", 25.4), "MILS": ("mil", 0.0254)}


def _tag(e: ET.Element) -> str:
    return e.tag.rsplit("}", 1)[-1]


def _num(e: ET.Element, attr: str, where: str) -> float:
    raw = e.get(attr)
    try:
        v = float(raw) if raw is not None else math.nan
    except ValueError:
        v = math.nan
    if not math.isfinite(v):
        raise DesignError(f"{where} {_tag(e)}", raw, f"attribute {attr} must be a number")
    return v


def _shape(e: ET.Element, where: str) -> tuple[Shape, float, float] | None:
    t = _tag(e)
    if t == "Circle":
        d = _num(e, "diameter", where)
        return Shape.ROUND, d, d
    if t in ("RectCenter", "RectRound", "RectCham"):
        return Shape.RECT, _num(e, "width", where), _num(e, "height", where)
    if t == "Oval":
        return Shape.OBROUND, _num(e, "width", where), _num(e, "height", where)
    return None


def read_ipc2581(path: Path) -> SourceData:  # noqa: PLR0912 - one branch per element kind
    """The pads of every layer of an IPC-2581 file."""
    data = read_bytes(path)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise DesignError(str(path), path.name, f"is not readable XML: {e}") from None
    if not _tag(root).startswith("IPC-2581"):
        raise DesignError(str(path), _tag(root), "is not an IPC-2581 file (the root element is not IPC-2581)")
    header = next((e for e in root.iter() if _tag(e) in ("CadHeader", "DictionaryStandard") and e.get("units")),
                  None)
    units = header.get("units", "MILLIMETER") if header is not None else "MILLIMETER"
    if units not in _UNITS:
        raise DesignError(f"{path.name} units", units, f"is not a known unit: {', '.join(_UNITS)}")
    unit, k = _UNITS[units]
    shapes: dict[str, tuple[Shape, float, float]] = {}
    for entry in root.iter():
        if _tag(entry) == "EntryStandard" and entry.get("id"):
            for child in entry:
                found = _shape(child, f"{path.name} EntryStandard {entry.get('id')}")
                if found is not None:
                    shapes[str(entry.get("id"))] = found
    builders: dict[str, CandidateBuilder] = {}
    for el in root.iter():
        if _tag(el) == "Layer" and el.get("name"):
            builders.setdefault(str(el.get("name")), CandidateBuilder(str(el.get("name"))))
    comps: set[str] = set()
    pads: list[tuple[str, float, float, tuple[Shape, float, float], float, str, str, str]] = []
    for feature in root.iter():
        if _tag(feature) != "LayerFeature":
            continue
        layer = feature.get("layerRef", "")
        for st in feature.iter():
            if _tag(st) != "Set":
                continue
            net = st.get("net", "")
            for pad in st:  # the direct children: a Set's pads
                if _tag(pad) != "Pad":
                    continue
                where = f"{path.name} layer {layer} pad"
                loc = next((c for c in pad if _tag(c) == "Location"), None)
                if loc is None:
                    raise DesignError(where, None, "has no Location")
                shape = None
                rot = 0.0
                comp = pin = ""
                for item in pad:
                    t = _tag(item)
                    if t == "StandardPrimitiveRef":
                        ref = item.get("id", "")
                        if ref not in shapes:
                            raise DesignError(where, ref, "refers to a shape the dictionary does not define")
                        shape = shapes[ref]
                    elif t == "Xform":
                        rot = _num(item, "rotation", where) if item.get("rotation") else 0.0
                    elif t == "PinRef":
                        comp, pin = item.get("componentRef", ""), item.get("pin", "")
                    elif shape is None:
                        shape = _shape(item, where)
                if shape is None:
                    raise DesignError(where, None, "has no shape this reader knows (Circle, RectCenter, Oval)")
                comps.add(comp)
                pads.append((layer, _num(loc, "x", where), _num(loc, "y", where), shape, rot, comp, pin, net))
    for layer, x, y, (sh, w, h), rot, comp, pin, net in pads:
        name = f"{comp}-{pin}" if pin and len(comps) > 1 else pin
        builders.setdefault(layer, CandidateBuilder(layer)).add(x * k, y * k, sh, w * k, h * k, rot, name, net)
    return SourceData(path.name, "ipc2581", unit, file_hash(path), {n: b.build() for n, b in builders.items()},
                      (f"units {units}",))
