"""Which site is under the mouse, which sites a rubber band covers, where a new site snaps. No Qt here.

The top view asks this module instead of searching the arrays itself, so picking is testable headless and stays
fast for 100,000 sites (a KD-tree over the centres, built once per design; rectangle selection is one vectorised
comparison).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.spatial import cKDTree

from geometry.derive.openings import opening_table
from geometry.model.design import Design
from geometry.model.sites import Sites


@dataclass(frozen=True)
class Measurement:
    """Between two sites: centre distance and the edge-to-edge web between their upper openings (mm)."""

    a: str
    b: str
    distance_mm: float
    web_mm: float | None  # None when one of the two has no opening (depopulated)

    def text(self) -> str:
        """What the status bar shows."""
        web = "n/a (no opening)" if self.web_mm is None else f"{self.web_mm:.4f} mm"
        return f"{self.a} -> {self.b}: distance {self.distance_mm:.4f} mm, upper web {web}"


class SitePicker:
    """Spatial queries over one design's sites."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.sites: Sites = design.sites()

    @cached_property
    def _tree(self) -> cKDTree:
        return cKDTree(self.sites.xy if len(self.sites) else np.zeros((0, 2)))

    @cached_property
    def reach_mm(self) -> float:
        """How far from a centre a click still picks the site: the pad or opening radius, at least 0.05 mm."""
        if len(self.sites) == 0:
            return 0.0
        table = opening_table(self.design)
        upper = np.nanmax(table.upper_mm) if len(table.rows) else 0.0
        return float(max(0.05, float(np.max(self.sites.pad_mm)) / 2.0, float(upper) / 2.0))

    def site_at(self, x_mm: float, y_mm: float, reach_mm: float | None = None) -> str | None:
        """Name of the site nearest (x, y) if within ``reach_mm`` (default: the opening radius), else None."""
        if len(self.sites) == 0:
            return None
        d, i = self._tree.query((x_mm, y_mm))
        if not math.isfinite(d) or d > (self.reach_mm if reach_mm is None else reach_mm):
            return None
        return str(self.sites.names[int(i)])

    def in_rect(self, x0: float, y0: float, x1: float, y1: float) -> list[str]:
        """Names of the sites whose centres lie in the rectangle (corners in any order)."""
        xa, xb = sorted((x0, x1))
        ya, yb = sorted((y0, y1))
        s = self.sites
        inside = (s.x_mm >= xa) & (s.x_mm <= xb) & (s.y_mm >= ya) & (s.y_mm <= yb)
        return [str(n) for n in s.names[inside].tolist()]

    def xy_of(self, names: list[str] | tuple[str, ...] | frozenset[str]) -> np.ndarray:
        """(K, 2) centres of the named sites (unknown names skipped)."""
        if not names:  # no name index needed (building one costs a second at wafer scale)
            return np.zeros((0, 2))
        return self.sites.xy[self.sites.indices_of(tuple(names))]

    def snap(self, x_mm: float, y_mm: float) -> tuple[float, float]:
        """The grid node nearest (x, y): the layout's pitch, anchored on the sites' lower-left centre."""
        pitch = self.design.layout.pitch_hint_mm()
        if not pitch or len(self.sites) == 0:
            return (round(x_mm, 3), round(y_mm, 3))
        px = float(getattr(self.design.layout, "pitch_x_mm", pitch))
        py = float(getattr(self.design.layout, "pitch_y", pitch))
        x0, y0 = float(self.sites.x_mm.min()), float(self.sites.y_mm.min())
        sx = x0 + round((x_mm - x0) / px) * px
        sy = y0 + round((y_mm - y0) / py) * py
        return (round(sx, 6), round(sy, 6))

    def occupied(self, x_mm: float, y_mm: float) -> bool:
        """Whether a site already sits (within 1 um) at this point."""
        return self.site_at(x_mm, y_mm, reach_mm=1e-3) is not None

    def measure(self, a: str, b: str) -> Measurement:
        """Distance and upper web between two sites."""
        s = self.sites
        i, j = s.index_of(a), s.index_of(b)
        dist = float(math.hypot(s.x_mm[j] - s.x_mm[i], s.y_mm[j] - s.y_mm[i]))
        table = opening_table(self.design)
        du_i, du_j = float(table.upper_mm[i]), float(table.upper_mm[j])
        web = None if math.isnan(du_i) or math.isnan(du_j) else dist - (du_i + du_j) / 2.0
        return Measurement(a, b, dist, web)
