"""DXF pads with ezdxf: CIRCLE, closed LWPOLYLINE and POLYLINE (bulges followed as arcs), INSERTs flattened.

Layers are the DXF layer names (an entity on layer ``0`` inside a block takes the layer of its INSERT, as CAD
programs draw it). ``$INSUNITS`` gives the unit; a file that does not say (R12, or ``$INSUNITS`` 0) is read with
the unit left open, and the import asks for ``--units``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from geometry.base.errors import DesignError
from geometry.fileio.importers.base import UNIT_MM, CandidateBuilder, Shape, SourceData, file_hash

_INSUNITS = {1: ("inch", 1.0), 4: ("mm", 1.0), 13: ("um", 1.0), 9: ("mil", 1.0), 5: ("mm", 10.0),
             6: ("mm", 1000.0), 8: ("inch", 1e-6)}
"""$INSUNITS -> (unit, factor to that unit): centimetres and metres are read as mm, microinches as inch."""

FLATTEN_MM = 1e-5
"""Chord deviation when a bulge arc becomes vertices (far below the circle tolerance)."""


def _flat(entities: Iterable[Any], layer: str | None, depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(layer, entity) for every entity, INSERTs replaced by their transformed block contents."""
    if depth > 32:
        raise DesignError("INSERT", "nesting", "blocks are nested more than 32 deep (a block inserts itself?)")
    for e in entities:
        own = e.dxf.get("layer", "0")
        eff = layer if (own == "0" and layer is not None) else own
        if e.dxftype() == "INSERT":
            yield from _flat(e.virtual_entities(), eff, depth + 1)
        else:
            yield eff, e


def read_dxf(path: Path) -> SourceData:
    """The pads of every layer of a DXF file."""
    from ezdxf import path as dxfpath
    from ezdxf.filemanagement import readfile
    from ezdxf.lldxf.const import DXFError

    if not path.is_file():
        raise DesignError(str(path), path.name, "cannot read the file: no such file")
    try:
        doc = readfile(str(path))
    except (OSError, DXFError, UnicodeDecodeError, ValueError) as e:
        raise DesignError(str(path), path.name, f"is not a readable DXF file: {e}") from None
    code = int(doc.header.get("$INSUNITS", 0) or 0)
    unit, to_unit = _INSUNITS.get(code, ("", 1.0))
    factor = to_unit * (UNIT_MM[unit] if unit else 1.0)  # file numbers -> mm (unitless: as if mm)
    builders: dict[str, CandidateBuilder] = {}
    circles: dict[str, list[tuple[float, float, float]]] = {}
    skipped = 0
    for layer, ent in _flat(doc.modelspace(), None):
        kind = ent.dxftype()
        builders.setdefault(layer, CandidateBuilder(layer))
        if kind == "CIRCLE":
            c = ent.dxf.center
            circles.setdefault(layer, []).append((c.x, c.y, 2.0 * ent.dxf.radius))
        elif kind in ("LWPOLYLINE", "POLYLINE"):
            closed = ent.closed if kind == "LWPOLYLINE" else ent.is_closed
            p = dxfpath.make_path(ent)
            pts = np.array([(v.x, v.y) for v in p.flattening(FLATTEN_MM / factor)], np.float64)
            if not closed and not (pts.shape[0] > 2 and np.allclose(pts[0], pts[-1])):
                skipped += 1
                continue
            builders[layer].add_polygon(pts * factor)
        elif kind not in ("TEXT", "MTEXT", "POINT", "DIMENSION", "HATCH"):
            skipped += 1
    for layer, cs in circles.items():
        a = np.asarray(cs, np.float64) * factor
        builders[layer].add(a[:, 0], a[:, 1], Shape.ROUND, a[:, 2], a[:, 2])
    notes = [f"$INSUNITS {code}" + ("" if unit else " (the file does not say its unit)")]
    if skipped:
        notes.append(f"{skipped} entities that are not closed outlines or circles were left out")
    layers = {k: b.build() for k, b in sorted(builders.items())}
    return SourceData(path.name, "dxf", unit, file_hash(path), layers, tuple(notes))
