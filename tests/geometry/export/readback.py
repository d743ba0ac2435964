"""Independent read-back of written files: DXF via ezdxf paths and shapely, Gerber via gerbonara."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import ezdxf
import ezdxf.path
import numpy as np
import shapely


def dxf_layers(path: Path) -> dict[str, dict[str, list[Any]]]:
    """Entities of a DXF's modelspace grouped by layer and type."""
    doc = ezdxf.readfile(path)
    out: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for e in doc.modelspace():
        out[e.dxf.layer][e.dxftype()].append(e)
    return out


def polyline_points(e: Any) -> list[tuple[float, float, float]]:
    """(x, y, bulge) of an LWPOLYLINE or a 2D POLYLINE."""
    if e.dxftype() == "LWPOLYLINE":
        return [(x, y, b) for x, y, b in e.get_points("xyb")]
    return [(v.dxf.location.x, v.dxf.location.y, v.dxf.bulge) for v in e.vertices]


def bulge_polygon(pts: list[tuple[float, float, float]], step: float = 1e-3) -> shapely.Polygon:
    """The polygon of a closed bulged polyline, each arc sampled every ``step`` radians (the DXF bulge
    definition worked out here again, independently of geometry.derive.rings)."""
    out: list[tuple[float, float]] = []
    for i, (x0, y0, b) in enumerate(pts):
        x1, y1, _ = pts[(i + 1) % len(pts)]
        out.append((x0, y0))
        if b == 0:
            continue
        theta = 4 * math.atan(b)  # included angle, > 0 counter-clockwise
        c = math.hypot(x1 - x0, y1 - y0)
        r = c / (2 * abs(math.sin(theta / 2)))
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        ux, uy = -(y1 - y0) / c, (x1 - x0) / c  # left normal of the chord
        d = (c / 2) / math.tan(theta / 2)  # signed distance from the chord midpoint to the centre
        cx, cy = mx + ux * d, my + uy * d
        a0 = math.atan2(y0 - cy, x0 - cx)
        n = max(2, int(abs(theta) / step))
        out += [(cx + r * math.cos(a0 + theta * k / n), cy + r * math.sin(a0 + theta * k / n)) for k in range(1, n)]
    return shapely.Polygon(out)


def polyline_area(e: Any) -> float:
    """Area of a closed (LW)POLYLINE with bulges, measured by shapely on a fine sampling of its arcs."""
    return float(bulge_polygon(polyline_points(e)).area)


def arc_points(p0: tuple[float, float], p1: tuple[float, float], c: tuple[float, float], cw: bool,
               step: float = 0.002) -> list[tuple[float, float]]:
    """Points along a Gerber arc from p0 to p1 about c (excluding p1)."""
    a0 = math.atan2(p0[1] - c[1], p0[0] - c[0])
    a1 = math.atan2(p1[1] - c[1], p1[0] - c[0])
    sweep = a1 - a0
    sweep = (sweep if sweep < 0 else sweep - 2 * math.pi) if cw else sweep if sweep > 0 else sweep + 2 * math.pi
    if math.dist(p0, p1) < 1e-9:
        sweep = -2 * math.pi if cw else 2 * math.pi
    r = math.dist(p0, c)
    n = max(8, int(abs(sweep) / step))
    return [(c[0] + r * math.cos(a0 + sweep * i / n), c[1] + r * math.sin(a0 + sweep * i / n)) for i in range(n)]


def gerber_objects(path: Path) -> dict[str, Any]:
    """Flashes (x, y, diameter) and regions (dark flag, shapely polygon) of a Gerber file, via gerbonara."""
    from gerbonara import GerberFile
    from gerbonara.graphic_objects import Flash, Line, Region

    g = GerberFile.open(path)
    flashes, regions, lines = [], [], []
    for o in g.objects:
        if isinstance(o, Flash):
            flashes.append((o.x, o.y, o.aperture.diameter, o.polarity_dark))
        elif isinstance(o, Region):
            pts: list[tuple[float, float]] = []
            outline = list(o.outline)
            for i, p in enumerate(outline):
                q = outline[(i + 1) % len(outline)]
                arc = o.arc_centers[i] if i < len(o.arc_centers) else None
                if arc is None:
                    pts.append(p)
                else:
                    pts.extend(arc_points(p, q, arc[1], arc[0]))
            regions.append((o.polarity_dark, shapely.Polygon(pts)))
        elif isinstance(o, Line):
            lines.append(o)
    return {"flashes": flashes, "regions": regions, "lines": lines, "file": g}


def flash_area(flashes: list[tuple[float, float, float, bool]]) -> float:
    return float(sum(math.pi * d * d / 4 for _, _, d, _ in flashes))


def region_area(regions: list[tuple[bool, shapely.Polygon]]) -> float:
    return float(sum((1 if dark else -1) * p.area for dark, p in regions))


def sorted_xy(a: np.ndarray) -> np.ndarray:
    return a[np.lexsort((a[:, 1], a[:, 0]))]
