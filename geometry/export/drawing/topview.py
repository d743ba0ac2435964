"""Sheet 1: the top view at a standard scale with a scale bar, the A1 marker, the origin, the array's position
and pitch against the outline, the outline size, the fiducials and tooling holes with their coordinates, and the
rework marks (closed and changed sites)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from reportlab.lib import colors

from geometry.derive.openings import opening_table
from geometry.export.artwork import Artwork
from geometry.export.drawing.artwork_paths import crowded, draw_layer, layer_colour
from geometry.export.drawing.dims import dim_h, dim_v, place_leader
from geometry.export.drawing.facts import CHANGED, CLOSED, site_states
from geometry.export.drawing.scale import View, scale_label
from geometry.export.drawing.sheet import Box, Sheet, wrap
from geometry.export.layers import LayerSpec, Role
from geometry.model.design import Design
from geometry.model.layouts import GridLayout, StaggeredLayout

MARK = colors.Color(0.55, 0.0, 0.55)


def view_box(design: Design, art: Artwork) -> tuple[float, float, float, float]:
    """What the top view shows: the artwork but the FRAME reference (the frame sketch shows the frame, not to
    scale), the outline and the tooling holes (model mm)."""
    shown = Artwork(tuple(la for la in art.layers if la.layer.role != Role.FRAME), art.notes_layer,
                    art.outline_rect, art.mirror_axis_x_mm)
    x0, y0, x1, y1 = shown.bounds()
    for h in design.drawing.frame.tooling_holes:
        r = h.diameter_mm / 2
        x0, y0, x1, y1 = min(x0, h.x_mm - r), min(y0, h.y_mm - r), max(x1, h.x_mm + r), max(y1, h.y_mm + r)
    return x0, y0, x1, y1


def _grid_steps(design: Design) -> tuple[int, float, int, float] | None:
    """(columns - 1, column pitch, rows - 1, row pitch) of a grid or staggered layout."""
    lay = design.layout
    if isinstance(lay, GridLayout):
        return lay.cols - 1, lay.pitch_x_mm, lay.rows - 1, lay.pitch_y
    if isinstance(lay, StaggeredLayout):
        return lay.cols - 1, lay.pitch_x_mm, lay.rows - 1, lay.pitch_y_mm
    return None


def scale_bar(sh: Sheet, x: float, y: float, scale: float) -> None:
    """A scale bar of a round model length about 30 mm long on paper, in five alternating parts."""
    target = 30.0 / scale
    step = 10 ** math.floor(math.log10(target))
    length = next(m * step for m in (5, 2, 1) if m * step <= target)
    w = length * scale
    sh.stroke(0.25)
    for i in range(5):
        sh.fill(colors.black if i % 2 == 0 else colors.white)
        sh.rect(x + i * w / 5, y, w / 5, 1.5, fill=True)
    sh.fill(colors.black)
    sh.text(x, y + 2.4, "0", 6.5)
    sh.text(x + w, y + 2.4, f"{length:g} mm", 6.5, align="centre")


def wafer_dash(spec: LayerSpec) -> tuple[float, ...]:
    """The WAFER reference layer (rim, usable-area edge; not made) is dash-dotted, so it never reads as metal to
    cut; other layers: no dash of their own (empty)."""
    return (3.0, 0.8, 0.4, 0.8) if spec.role == Role.WAFER else ()


def top_view(sh: Sheet, design: Design, art: Artwork, v: View, scale: Fraction | None, detail_at: tuple[
        float, float] | None) -> None:
    """Draw the view, its dimensions, marks and heading."""
    x0a, _, _, y1a = sh.area
    heading = "TOP VIEW, seen from the upper surface (ball side); x right, y up"
    sh.text(x0a + 3, y1a - 6, heading, 10, bold=True)
    sc = f"SCALE {scale_label(scale)}" if scale is not None else "NOT TO A STANDARD SCALE: use the scale bar"
    hx = x0a + 3 + sh.box_of(0, 0, heading, 10, True)[2] + 6
    sh.text(hx, y1a - 6, sc, 10, bold=True)
    scale_bar(sh, hx + sh.box_of(0, 0, sc, 10, True)[2] + 6, y1a - 6.2, v.scale)
    box = view_box(design, art)
    for la in art.layers:
        if la.layer.role == Role.FRAME:
            continue  # hundreds of mm across: the frame sketch draws it
        lower = la.layer.role == Role.LOWER
        width = 0.5 if la.layer.role == Role.OUTLINE else 0.18
        dash = wafer_dash(la.layer) or ((1.2, 0.6) if lower and not crowded(la) else ())
        draw_layer(sh, la, v, box, width, dash)
    x0, y0, x1, y1 = art.outline_rect
    (ox0, oy0), (ox1, oy1) = v.p(x0, y0), v.p(x1, y1)
    for a, b, c_, d in ((ox0, oy0, ox1, oy0), (ox0, oy1, ox1, oy1), (ox0, oy0, ox0, oy1), (ox1, oy0, ox1, oy1)):
        sh.keep_line(a, b, c_, d)
    arr = _array_box(design, v)
    if arr is not None:
        sh.keepouts.append(arr)
    _fiducials(sh, design, v)
    _carrier_features(sh, design, v)
    _rework_marks(sh, design, v)
    _origin(sh, v, arr)
    _a1(sh, design, art, v)
    _dimensions(sh, design, art, v)
    if detail_at is not None:
        cx, cy = v.p(*detail_at)
        r = max(6.0, 1.6 * _pitch(design) * v.scale)
        sh.stroke(0.25, dash=(3.0, 0.8, 0.4, 0.8))
        sh.circle(cx, cy, r)
        sh.stroke()
        place_leader(sh, cx - r * 0.7071, cy + r * 0.7071, "DETAIL A (sheet 2)", 7.5,
                     tries=[(8, 9), (14, 7), (-10, 6), (-14, 10)], arrow=False)


def _pitch(design: Design) -> float:
    p = design.layout.pitch_hint_mm()
    return float(p) if p else 1.0


def _fiducials(sh: Sheet, design: Design, v: View) -> None:
    sh.stroke(0.18)
    for i, f in enumerate(design.mask.fiducials):
        x, y = v.p(f.x_mm, f.y_mm)
        r = f.diameter_mm / 2 * v.scale
        sh.line(x - r - 1.5, y, x + r + 1.5, y)
        sh.line(x, y - r - 1.5, x, y + r + 1.5)
        place_leader(sh, x + r * 0.7071, y - r * 0.7071, f"F{i + 1} ({f.x_mm:.3f}, {f.y_mm:.3f})",
                     tries=[(6, -6), (6, 6), (-6, -6), (-6, 6), (10, -10), (-10, 10), (14, -4), (-14, 4)])
    frame = design.drawing.frame
    for name, h in zip(frame.tooling_hole_names(), frame.tooling_holes, strict=True):
        # the circle itself is on the TOOLING layers (drawn with the artwork): centre lines and the leader here
        x, y = v.p(h.x_mm, h.y_mm)
        r = h.diameter_mm / 2 * v.scale
        sh.stroke(0.15, dash=(1.5, 0.6, 0.3, 0.6))
        sh.line(x - r - 1.5, y, x + r + 1.5, y)
        sh.line(x, y - r - 1.5, x, y + r + 1.5)
        sh.stroke()
        place_leader(sh, x + r * 0.7071, y + r * 0.7071, f"{name} Ø{h.diameter_mm:.2f} ({h.x_mm:.3f}, {h.y_mm:.3f})")


def _carrier_features(sh: Sheet, design: Design, v: View) -> None:
    """Centre lines and a leader with the name and position of each carrier fiducial and tooling hole (the
    circles themselves are on their layers)."""
    for f in design.features:
        x, y = v.p(f.x_mm, f.y_mm)
        r = f.radius_mm * v.scale
        sh.stroke(0.15, dash=(1.5, 0.6, 0.3, 0.6) if f.through else ())
        sh.line(x - r - 1.5, y, x + r + 1.5, y)
        sh.line(x, y - r - 1.5, x, y + r + 1.5)
        sh.stroke()
        size = f"Ø{f.diameter_mm:.2f} " if f.through else ""
        place_leader(sh, x + r * 0.7071, y + r * 0.7071, f"{f.name} {size}({f.x_mm:.3f}, {f.y_mm:.3f})",
                     tries=[(6, 6), (6, -6), (-6, 6), (-6, -6), (10, 10), (-10, -10)])


def _rework_marks(sh: Sheet, design: Design, v: View) -> None:
    """Closed sites crossed out, changed sites boxed, in the rework colour."""
    if design.rework is None:
        return
    table = opening_table(design)
    state = site_states(design)
    pitch = _pitch(design) * v.scale
    s = min(max(0.35 * pitch, 0.8), 3.0)
    sh.stroke(0.35, MARK)
    for k in np.flatnonzero(state == CLOSED).tolist():
        x, y = v.p(float(table.sites.x_mm[k]), float(table.sites.y_mm[k]))
        sh.line(x - s, y - s, x + s, y + s)
        sh.line(x - s, y + s, x + s, y - s)
    for k in np.flatnonzero(state == CHANGED).tolist():
        x, y = v.p(float(table.sites.x_mm[k]), float(table.sites.y_mm[k]))
        sh.rect(x - s, y - s, 2 * s, 2 * s)
    sh.stroke()


def _array_box(design: Design, v: View) -> Box | None:
    """The paper box the openings cover (labels stay out of it)."""
    table = opening_table(design)
    if len(table.rows) == 0:
        return None
    r = float(np.nanmax(np.maximum(table.upper_mm, table.lower_mm))) / 2
    bx0, by0, bx1, by1 = table.sites.bounds()
    (px0, py0), (px1, py1) = v.p(bx0 - r, by0 - r), v.p(bx1 + r, by1 + r)
    return (px0, py0, px1, py1)


def _origin(sh: Sheet, v: View, arr: Box | None) -> None:
    """The datum: the design origin (0, 0), x to the right and y up, as seen from the upper surface."""
    x, y = v.p(0.0, 0.0)
    sh.stroke(0.3)
    sh.circle(x, y, 1.2)
    sh.fill(colors.black)
    sh.c.wedge((x - 1.2) * 72 / 25.4, (y - 1.2) * 72 / 25.4, (x + 1.2) * 72 / 25.4, (y + 1.2) * 72 / 25.4, 0, 90,
               stroke=0, fill=1)
    sh.c.wedge((x - 1.2) * 72 / 25.4, (y - 1.2) * 72 / 25.4, (x + 1.2) * 72 / 25.4, (y + 1.2) * 72 / 25.4, 180, 90,
               stroke=0, fill=1)
    tries = [(5.0, 5.0), (5.0, -5.0), (-5.0, 5.0), (-5.0, -5.0)]
    if arr is not None and arr[0] <= x <= arr[2] and arr[1] <= y <= arr[3]:  # inside the array: lead out of it
        tries = [(3.0, arr[1] - y - 4), (3.0, arr[3] - y + 4), (arr[2] - x + 3, arr[1] - y - 3),
                 (arr[2] - x + 3, arr[3] - y + 3), (-3.0, arr[1] - y - 4), (arr[0] - x - 3, arr[1] - y - 3)]
    place_leader(sh, x + 0.9, y - 0.9, "ORIGIN 0,0", tries=tries, arrow=False)


def _a1(sh: Sheet, design: Design, art: Artwork, v: View) -> None:
    """A filled triangle in the outline's corner nearest A1, and a leader to the A1 opening."""
    sites = opening_table(design).sites
    if len(sites) == 0:
        return
    k = sites.index_of("A1") if sites.has("A1") else 0
    ax, ay = float(sites.x_mm[k]), float(sites.y_mm[k])
    x0, y0, x1, y1 = art.outline_rect
    cx = x0 if abs(ax - x0) <= abs(ax - x1) else x1
    cy = y0 if abs(ay - y0) <= abs(ay - y1) else y1
    px, py = v.p(cx, cy)
    sx = 1.0 if cx == x0 else -1.0
    sy = 1.0 if cy == y0 else -1.0
    m = 4.0
    sh.fill(colors.black)
    sh.poly([(px, py), (px + sx * m, py), (px, py + sy * m)], fill=True)
    name = str(sites.names[k])
    qx, qy = v.p(ax, ay)
    place_leader(sh, qx, qy, name, 9.0,
                 tries=[(sx * 7, -sy * 7), (sx * 10, -sy * 4), (sx * 5, -sy * 10), (-sx * 8, -sy * 8)])


def _dimensions(sh: Sheet, design: Design, art: Artwork, v: View) -> Box | None:
    """Outline size, and the array against the outline as chain dimensions with the pitch."""
    x0, y0, x1, y1 = art.outline_rect
    (px0, py0), (px1, py1) = v.p(x0, y0), v.p(x1, y1)
    sites = opening_table(design).sites
    if len(sites) == 0:
        return None
    bx0, by0, bx1, by1 = sites.bounds()
    steps = _grid_steps(design)
    # chain above the outline: left edge -> first column -> last column -> right edge
    top = py1 + 8.0
    qx0, qx1 = v.px(bx0), v.px(bx1)
    qy_top = v.py(by1)
    dim_h(sh, px0, py1, qx0, qy_top, top, f"{bx0 - x0:.3f}")
    label = f"{bx1 - bx0:.3f}"
    if steps is not None and steps[0] > 0:
        label = f"{steps[0]} x {steps[1]:.3f} = {bx1 - bx0:.3f}"
    dim_h(sh, qx0, qy_top, qx1, qy_top, top, label)
    dim_h(sh, qx1, qy_top, px1, py1, top, f"{x1 - bx1:.3f}")
    # chain left of the outline: top edge -> first row -> last row -> bottom edge
    left = px0 - 8.0
    qy0, qy1 = v.py(by0), v.py(by1)
    qx_left = v.px(bx0)
    dim_v(sh, px0, py1, qx_left, qy1, left, f"{y1 - by1:.3f}")
    label = f"{by1 - by0:.3f}"
    if steps is not None and steps[2] > 0:
        label = f"{steps[2]} x {steps[3]:.3f} = {by1 - by0:.3f}"
    dim_v(sh, qx_left, qy1, qx_left, qy0, left, label)
    dim_v(sh, qx_left, qy0, px0, py0, left, f"{by0 - y0:.3f}")
    # overall size below and right
    dim_h(sh, px0, py0, px1, py0, py0 - 10.0, f"{x1 - x0:.3f}")
    dim_v(sh, px1, py0, px1, py1, px1 + 10.0, f"{y1 - y0:.3f}")
    # outline corners from the origin
    return place_leader(sh, px0, py0, f"({x0:.3f}, {y0:.3f})", 7.0,
                        tries=[(-6, -14), (-10, -16), (-4, -18)], arrow=False)


def legend(sh: Sheet, design: Design, art: Artwork, x: float, top: float, width: float) -> float:
    """The layer key under the fiducial table; returns the y below it."""
    sh.text(x, top - 3, "LAYERS (colours as in the DXF)", 7, bold=True)
    y = top - 7
    for spec in art.specs:
        if not spec.is_artwork:
            continue
        sh.stroke(0.6, layer_colour(spec), wafer_dash(spec) or ((1.2, 0.6) if spec.role == Role.LOWER else ()))
        sh.line(x, y + 1.0, x + 7, y + 1.0)
        seen = ", mirrored" if spec.mirrored else ""
        for line in wrap(f"{spec.name}: {spec.made_how}{seen}", 6.5, width - 9):
            sh.text(x + 9, y, line, 6.5)
            y -= 3.0
        y -= 0.3
    if design.rework is not None:
        sh.stroke(0.35, MARK)
        sh.line(x + 2, y - 0.5, x + 5, y + 2.5)
        sh.line(x + 2, y + 2.5, x + 5, y - 0.5)
        sh.text(x + 9, y, "closed site (no opening in this rework mask)", 6.5)
        y -= 3.3
        sh.rect(x + 2, y - 0.5, 3, 3)
        sh.text(x + 9, y, "changed site (own profile, see the opening table)", 6.5)
        y -= 3.3
    sh.stroke()
    return y
