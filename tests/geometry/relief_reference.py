"""The independent relief the relief tests compare against: shapely on finely polygonised disks and capsules."""

from __future__ import annotations

import shapely

from geometry.derive.openings import opening_table
from geometry.derive.pairs import merge_graph
from geometry.derive.relief.merged import depth_key
from geometry.model.design import Design


def reference_layers(design: Design) -> dict[float, shapely.Geometry]:
    """Independent relief per depth: shapely union of 4096-gon disks and convex hulls of disk pairs."""
    t = opening_table(design)
    g = merge_graph(design)
    rows = t.rows
    disks = shapely.buffer(shapely.points(t.lower_x_mm, t.lower_y_mm), t.lower_mm / 2.0, quad_segs=1024)
    key = depth_key(t.relief_mm)
    chan = depth_key(g.channel_depth_mm)
    out = {}
    for k in set(key[rows][key[rows] > 0].tolist()) | set(chan[g.bridged].tolist()):
        parts = list(disks[rows[key[rows] == k]])
        parts += [shapely.convex_hull(shapely.union(disks[a], disks[b]))
                  for a, b, c, br in zip(g.i, g.j, chan, g.bridged, strict=True) if br and c == k]
        out[k / 1000.0] = shapely.union_all(parts)
    return out
