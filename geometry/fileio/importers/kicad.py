"""KiCad footprint (``.kicad_mod``) pads with their numbers, through a small s-expression reader.

KiCad's y axis points down; the pads are turned into the y-up frame of the design. A pad is a candidate on each
of its layers (``F.Cu``, ``F.Mask``, ...; ``*.Cu`` counts for ``F.Cu``). Custom pads are read from their
``gr_poly`` primitives.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from geometry.base.errors import DesignError
from geometry.fileio.importers.base import CandidateBuilder, Shape, SourceData, file_hash, read_bytes

_TOKEN = re.compile(r'\(|\)|"(?:[^"\\]|\\.)*"|[^\s()"]+')

SExpr = list[Any]


def parse_sexpr(text: str, where: str) -> SExpr:
    """The nested lists of an s-expression text (strings unquoted); DesignError on unbalanced brackets."""
    stack: list[SExpr] = [[]]
    for m in _TOKEN.finditer(text):
        t = m.group(0)
        if t == "(":
            stack.append([])
        elif t == ")":
            if len(stack) == 1:
                raise DesignError(where, text[max(0, m.start() - 20):m.start() + 1], "has a ')' without its '('")
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(t[1:-1].replace('\\"', '"') if t.startswith('"') else t)
    if len(stack) != 1 or len(stack[0]) != 1 or not isinstance(stack[0][0], list):
        raise DesignError(where, None, "is not one balanced s-expression (a bracket is missing)")
    return stack[0][0]


def _child(e: SExpr, key: str) -> SExpr | None:
    return next((c for c in e if isinstance(c, list) and c and c[0] == key), None)


def _floats(e: SExpr | None, where: str) -> list[float]:
    if e is None:
        return []
    try:
        return [float(v) for v in e[1:] if not isinstance(v, list)]
    except ValueError:
        raise DesignError(where, " ".join(map(str, e)), "must hold numbers") from None


def read_kicad(path: Path) -> SourceData:
    """The pads of a KiCad footprint, per copper and mask layer."""
    where = path.name
    try:
        text = read_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise DesignError(str(path), path.name, "is not UTF-8 text (a .kicad_mod is)") from None
    root = parse_sexpr(text, where)
    if not root or root[0] not in ("footprint", "module"):
        raise DesignError(where, root[0] if root else None, "is not a KiCad footprint (footprint ...)")
    builders: dict[str, CandidateBuilder] = {}
    for pad in (c for c in root if isinstance(c, list) and c and c[0] == "pad"):
        if len(pad) < 4:
            raise DesignError(f"{where} pad", pad, "is incomplete")
        number, shape = str(pad[1]), str(pad[3])
        pw = f"{where} pad {number}"
        at = _floats(_child(pad, "at"), pw)
        size = _floats(_child(pad, "size"), pw)
        if len(at) < 2 or len(size) < 2:
            raise DesignError(pw, number, "has no position (at) or size")
        x, y, rot = at[0], -at[1], at[2] if len(at) > 2 else 0.0
        layers_e = _child(pad, "layers")
        layers = [str(v).replace("*.Cu", "F.Cu").replace("*.Mask", "F.Mask") for v in (layers_e or [])[1:]]
        for layer in layers or ["F.Cu"]:
            b = builders.setdefault(layer, CandidateBuilder(layer))
            if shape == "circle":
                b.add(x, y, Shape.ROUND, size[0], size[0], 0.0, number)
            elif shape == "oval":
                b.add(x, y, Shape.OBROUND, size[0], size[1], rot, number)
            elif shape in ("rect", "roundrect", "trapezoid"):
                b.add(x, y, Shape.RECT, size[0], size[1], rot, number)
            elif shape == "custom":
                prims = _child(pad, "primitives")
                poly = _child(prims, "gr_poly") if prims else None
                pts_e = _child(poly, "pts") if poly else None
                if pts_e is None:
                    raise DesignError(pw, shape, "a custom pad without a gr_poly outline cannot be read")
                local = np.array([_floats(p, pw)[:2] for p in pts_e[1:] if isinstance(p, list)], np.float64)
                a = np.radians(-rot)
                rx = local[:, 0] * np.cos(a) - local[:, 1] * np.sin(a)
                ry = local[:, 0] * np.sin(a) + local[:, 1] * np.cos(a)
                b.add_polygon(np.column_stack([x + rx, y - ry]), number)
            else:
                raise DesignError(pw, shape, "is not a pad shape this reader knows")
    return SourceData(path.name, "kicad", "mm", file_hash(path), {k: v.build() for k, v in builders.items()},
                      ("KiCad y axis down: turned to y up",))
