"""The checks of the carrier features and of the frame: where fiducials and tooling holes may go, and whether the
pattern fits the foil in its frame.

* ``feature-clear``: every carrier fiducial and tooling hole (``Design.carrier_features``) lies inside the mask
  outline with its rim at least e_min from it, keeps at least e_min from every opening (upper and lower circle)
  and from every other feature, and a fiducial is etched less deep than the sheet. A hole that overlaps an
  opening turns the two into one hole; one closer than e_min leaves a web the sheet tears along, exactly what
  the edge check guards for openings, so the same limit applies. One finding per feature and problem, naming
  the feature and the nearest opening: the loop is over the few features, the distances are over all sites at
  once.
* ``frame-fit``: with a frame, the mask outline, placed at its offset and rotation, lies inside the foil; a
  pattern that leaves the foil cannot be made on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from geometry.checks.base import EPS_MM, Check, CheckContext, Scope, fmt_mm
from geometry.checks.records import Severity, Violation
from geometry.derive.frame import frame_geometry

if TYPE_CHECKING:
    from geometry.model.carrier_features import CarrierFeature  # only a carrier with features reaches them


def _inset(f: CarrierFeature, rect: tuple[float, float, float, float]) -> float:
    """Distance from the feature's rim to the outline rectangle's edge, inward (negative where it crosses)."""
    x0, y0, x1, y1 = rect
    return min(f.x_mm - x0, x1 - f.x_mm, f.y_mm - y0, y1 - f.y_mm) - f.radius_mm


def _outline(f: CarrierFeature, rect: tuple[float, float, float, float], e_min: float) -> Violation | None:
    m = _inset(f, rect)
    if m >= e_min - EPS_MM:
        return None
    x0, y0, x1, y1 = rect
    what = f.describe()
    if not (x0 <= f.x_mm <= x1 and y0 <= f.y_mm <= y1):
        text = f"{what} lies outside the mask outline; its rim must be at least {fmt_mm(e_min)} inside it"
    elif m < 0.0:
        text = f"{what} crosses the mask outline by {fmt_mm(-m)}; its rim must be at least {fmt_mm(e_min)} inside"
    else:
        text = f"{what} is {fmt_mm(m)} from the mask outline, below {fmt_mm(e_min)}"
    return Violation("feature-clear", Severity.ERROR, (), f.x_mm, f.y_mm, m, e_min, "mm", text)


def _openings(ctx: CheckContext, f: CarrierFeature, e_min: float) -> Violation | None:
    """The nearest opening to the feature, when it comes closer than e_min (or overlaps)."""
    t = ctx.table
    rows = t.rows
    if not len(rows):
        return None
    ux, uy = ctx.sites.x_mm[rows], ctx.sites.y_mm[rows]
    du = np.hypot(ux - f.x_mm, uy - f.y_mm) - t.upper_mm[rows] / 2.0
    dl = np.hypot(t.lower_x_mm[rows] - f.x_mm, t.lower_y_mm[rows] - f.y_mm) - t.lower_mm[rows] / 2.0
    gap = np.minimum(du, dl) - f.radius_mm
    bad = np.flatnonzero(gap < e_min - EPS_MM)
    if not len(bad):
        return None
    k = int(bad[np.argmin(gap[bad])])
    name, m = str(ctx.sites.names[rows[k]]), float(gap[k])
    names = tuple(ctx.sites.names[rows[bad]].tolist())
    more = f" ({len(bad)} openings closer than {fmt_mm(e_min)})" if len(bad) > 1 else ""
    if m < 0.0:
        text = f"{f.describe()} overlaps opening {name} by {fmt_mm(-m)}{more}; move it off the pattern"
    else:
        text = f"{f.describe()} is {fmt_mm(m)} from opening {name}, below {fmt_mm(e_min)}{more}"
    return Violation("feature-clear", Severity.ERROR, names, f.x_mm, f.y_mm, m, e_min, "mm", text)


def feature_clear(ctx: CheckContext) -> list[Violation]:
    """Each carrier feature inside the outline, clear of the openings and of the other features, not too deep."""
    feats = ctx.design.features
    if not feats:
        return []
    e_min = ctx.limits.edge_min_mm
    rect = ctx.outline_rect()
    t = ctx.design.mask.thickness_mm
    out: list[Violation] = []
    for i, f in enumerate(feats):
        for v in (_outline(f, rect, e_min), _openings(ctx, f, e_min)):
            if v is not None:
                out.append(v)
        for g in feats[i + 1:]:
            m = float(np.hypot(f.x_mm - g.x_mm, f.y_mm - g.y_mm)) - f.radius_mm - g.radius_mm
            if m < e_min - EPS_MM:
                word = f"overlaps {g.name} by {fmt_mm(-m)}" if m < 0 else f"is {fmt_mm(m)} from {g.name}"
                out.append(Violation("feature-clear", Severity.ERROR, (), (f.x_mm + g.x_mm) / 2,
                                     (f.y_mm + g.y_mm) / 2, m, e_min, "mm",
                                     f"{f.describe()} {word}, below {fmt_mm(e_min)}"))
        if not f.through and f.etch_depth_mm(t) >= t - EPS_MM:
            out.append(Violation("feature-clear", Severity.ERROR, (), f.x_mm, f.y_mm, f.etch_depth_mm(t), t, "mm",
                                 f"{f.describe()}: the etch depth {fmt_mm(f.etch_depth_mm(t))} is not less than "
                                 f"the sheet ({fmt_mm(t)}); a through mark is a tooling hole"))
    return out


def frame_fit(ctx: CheckContext) -> list[Violation]:
    """With a frame, the mask outline at its offset and rotation lies inside the foil."""
    geo = frame_geometry(ctx.design)
    if geo is None:
        return []
    m = geo.pattern_to_foil_mm
    if m >= -EPS_MM:
        return []
    cx, cy = geo.pattern_centre_mm
    text = (f"the mask outline leaves the foil of the {geo.label} by {fmt_mm(-m)} (offset "
            f"{geo.offset_mm[0]:g}, {geo.offset_mm[1]:g} mm, rotation {geo.rotation_deg:g} deg): choose a larger "
            "frame, a smaller border or move the pattern")
    return [Violation("frame-fit", Severity.ERROR, (), cx, cy, m, 0.0, "mm", text)]


CHECKS = (
    Check("feature-clear", "Carrier features",
          "fiducials and tooling holes inside the outline and clear of openings and each other by >= e_min",
          feature_clear, Scope.PLACEMENT),
    Check("frame-fit", "Pattern in the frame", "the mask outline lies inside the foil of its frame", frame_fit,
          Scope.PLACEMENT),
)
