"""The companion tools' shapes from the design's sites: flux apertures, transfer pins and their flux spots,
pick-head holes, and each site's nearest neighbour (what every tool check compares against).

One row per populated site, in site order; every value is one numpy expression over the sites.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from geometry.base.spatial import nearest_other
from geometry.model.design import Design

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class ToolSites:
    """Per populated site: ``rows`` into the design's sites, centres, pad, and the nearest other site
    (``neighbour`` row into these arrays, -1 when alone, and its centre distance ``neighbour_mm``)."""

    rows: IntArray
    names: NDArray[np.str_]
    x_mm: FloatArray
    y_mm: FloatArray
    pad_mm: FloatArray
    neighbour: IntArray
    neighbour_mm: FloatArray

    def __len__(self) -> int:
        return int(self.rows.shape[0])


@lru_cache(maxsize=8)
def tool_sites(design: Design) -> ToolSites:
    """The populated sites with their nearest neighbours (one KD-tree query for all of them)."""
    s = design.sites()
    rows = np.flatnonzero(s.populated).astype(np.intp)
    xy = np.column_stack([s.x_mm[rows], s.y_mm[rows]])
    if len(rows) >= 2:
        neighbour_mm, neighbour = nearest_other(xy[:, 0], xy[:, 1])
    else:
        neighbour = np.full(len(rows), -1, dtype=np.intp)
        neighbour_mm = np.full(len(rows), np.inf)
    return ToolSites(rows, s.names[rows], xy[:, 0].copy(), xy[:, 1].copy(), s.pad_mm[rows].astype(np.float64),
                     neighbour, neighbour_mm)


def flux_apertures_mm(design: Design) -> FloatArray:
    """Flux-stencil aperture diameter per populated site: pad x ratio + 2 offset."""
    st = design.companion_tools.flux_stencil
    out: FloatArray = tool_sites(design).pad_mm * st.aperture_ratio + 2.0 * st.aperture_offset_mm
    return out


def pin_diameters_mm(design: Design) -> FloatArray:
    """Transfer-pin diameter per populated site: pad x ratio."""
    out: FloatArray = tool_sites(design).pad_mm * design.companion_tools.pin_plate.pin_ratio
    return out


def spot_diameters_mm(design: Design) -> FloatArray:
    """The flux spot a pin leaves: pin diameter x spread."""
    out: FloatArray = pin_diameters_mm(design) * design.companion_tools.pin_plate.spot_spread
    return out


def pick_hole_mm(design: Design) -> float:
    """The pick-head hole diameter: the ball diameter x ratio (the same at every site)."""
    return design.ball.diameter_mm * design.companion_tools.pick_head.hole_ratio
