"""What the shop is asked for beyond the artwork: the layer stack (which side each layer is etched or plated from,
how deep, in what order, how the sides register), the fiducial and tooling specification, the foil and frame,
quantity and inspection. The drawing, the README and ``stack.json`` say the same, from these functions."""

from __future__ import annotations

from typing import Any

from geometry.derive.frame import frame_geometry
from geometry.export.artwork import Artwork
from geometry.export.drawing.facts import artwork_scale, material_grade
from geometry.export.drawing.tolerances import ProcessTolerances, pm
from geometry.export.layers import Role, Side
from geometry.model.design import Design

PROCESS = {
    "etched-stainless": ("photo-etched", "etched"),
    "laser-cut-stainless": ("laser-cut", "cut"),
    "electroformed-nickel": ("electroformed", "plated"),
}


def layer_stack(design: Design, art: Artwork, tol: ProcessTolerances) -> list[dict[str, Any]]:
    """One entry per artwork layer in the order the shop makes them: through openings first, then the relief
    depths from the lower side (deepest first), then half-etched fiducials; the outline is cut last."""
    made = PROCESS.get(design.mask.material, ("etched", "etched"))[1]
    order = {Role.UPPER: 0, Role.TOOLING: 0, Role.LOWER: 1, Role.FIDUCIAL: 2, Role.OUTLINE: 3}
    out: list[dict[str, Any]] = []
    made_layers = [la for la in art.layers if la.layer.is_made]  # not the WAFER reference drawing
    layers = sorted(made_layers, key=lambda la: (order.get(la.layer.role, 9), -(la.layer.depth_mm or 0.0)))
    for step, la in enumerate(layers, start=1):
        s = la.layer
        depth = s.depth_mm if s.role in (Role.LOWER, Role.FIDUCIAL) else None
        through = s.role in (Role.UPPER, Role.OUTLINE, Role.TOOLING) or (s.role == Role.FIDUCIAL
                                                                          and s.depth_mm is None)
        side = s.etched_from.value if s.etched_from is not None else Side.UPPER.value
        out.append({
            "step": step,
            "layer": s.name,
            "role": s.role.value,
            "made": s.made_how,
            "from_side": side if s.role != Role.OUTLINE else "either",
            "through": bool(through),
            "depth_mm": round(float(depth), 6) if depth is not None and not through else None,
            "depth_tolerance_mm": tol.depth_mm if depth is not None and not through else None,
            "drawn_as_seen_from": s.seen_from.value,
            "mirrored": s.mirrored,
            "count": {"circles": la.circle_count, "regions": la.n_regions},
            "process": made,
        })
    return out


def registration_text(design: Design, tol: ProcessTolerances) -> str:
    """How the two sides register."""
    fids = len(design.mask.fiducials)
    carrier = [f.name for f in design.features]
    if fids:
        ref = f"the {fids} fiducial(s) F1..F{fids}"
    elif carrier:
        ref = f"the carrier features {', '.join(carrier)}"
    else:
        ref = "the outline corners"
    ref += " and the origin 0,0"
    return (f"REGISTRATION: upper and lower artwork share one coordinate system (origin 0,0, mm); register the "
            f"lower-side tool to the upper-side tool on {ref} to within {pm(tol.position_mm)} mm.")


def order_notes(design: Design, art: Artwork, tol: ProcessTolerances) -> list[str]:
    """The order notes the drawing and the README add to the title-block notes."""
    info = design.drawing
    frame = info.frame
    m = design.mask
    x0, y0, x1, y1 = art.outline_rect
    process = PROCESS.get(m.material, ("etched", "etched"))[0]
    lim = design.effective_limits()
    tapered = [g for g in {design.resolve(design.profile), *(design.resolve(o.profile) for o in design.overrides)}
               if g.tapered]
    lines = [
        f"MATERIAL: {material_grade(design)}, thickness {m.thickness_mm:.3f} {pm(tol.thickness_mm)} mm, {process}.",
        f"QUANTITY: {info.quantity} mask(s).",
        f"ARTWORK SCALE FACTOR: {artwork_scale(design):.6g} (the files are drawn at this factor; make them as "
        "drawn, apply no further compensation).",
        "NO APERTURE MODIFICATION: no shrink, growth, rounding or 'optimisation' of any opening.",
        f"TOLERANCES: openings {pm(tol.opening_mm)} mm, opening position {pm(tol.position_mm)} mm, relief depth and "
        f"h_v {pm(tol.depth_mm)} mm, wall angle {pm(tol.angle_deg, 0)} deg ({tol.basis}); other sizes "
        f"{info.general_tolerances}.",
        registration_text(design, tol),
    ]
    if tapered:
        worst = min(o.angle_deg for o in tapered)
        best = max(o.angle_deg for o in tapered)
        ok = lim.taper_weak_deg <= worst and best <= lim.taper_max_deg + 1e-9
        span = f"{worst:.1f}" if round(worst, 1) == round(best, 1) else f"{worst:.1f} to {best:.1f}"
        lines.append(f"WALL ANGLE: tapered walls at {span} deg to the upper surface; the process "
                     f"range is {lim.taper_weak_deg:.0f} to {lim.taper_max_deg:.0f} deg: "
                     + ("within the process." if ok else "OUTSIDE the process, confirm before making."))
    fids = m.fiducials
    if fids:
        kinds = sorted({f"Ø{f.diameter_mm:.3f} " + ("through" if f.etch == "through" else
                                                    f"half-etched {m.thickness_mm / 2:.3f} deep from the upper side")
                        for f in fids})
        lines.append(f"FIDUCIALS: {len(fids)} round mark(s), {'; '.join(kinds)}; positions in the fiducial table "
                     f"{pm(tol.position_mm)} mm; layer {design.output.fiducial_layer}.")
    else:
        lines.append("FIDUCIALS: none but the carrier's below." if design.features else
                     "FIDUCIALS: none in the artwork; register on the outline.")
    lines += carrier_feature_notes(design)
    lines.append(f"FRAME: {frame.label}.")
    size = frame.foil_size()
    if size is not None:
        lines.append(f"FOIL: {size[0]:.1f} x {size[1]:.1f} mm inside the frame (profile {frame.profile_mm:.1f} mm, "
                     f"border {frame.border_mm:.1f} mm); {placement_text(design)}; pattern outline "
                     f"{x1 - x0:.3f} x {y1 - y0:.3f} mm; flat, tension per the shop's standard.")
    else:
        lines.append(f"FOIL: cut to the outline {x1 - x0:.3f} x {y1 - y0:.3f} mm (layer "
                     f"{design.output.outline_layer}); flat, free of burrs on both sides.")
    holes = frame.tooling_holes
    if holes:
        lines.append("FRAME TOOLING HOLES: " + "; ".join(
            f"{name} Ø{h.diameter_mm:.3f} at ({h.x_mm:.3f}, {h.y_mm:.3f})"
            for name, h in zip(frame.tooling_hole_names(), holes, strict=True))
            + ", cut through the foil (layers TOOLING_UPPER and TOOLING_LOWER, with the carrier's holes).")
    else:
        lines.append("FRAME TOOLING HOLES: none.")
    lines.append("INSPECTION: " + (info.inspection or (
        "count the openings on each layer against the opening table; measure d_u and d_l on five openings "
        "(four corners and centre) and the thickness at three points; report the values with the delivery; "
        "no burrs, no residue of resist, no blocked openings.")))
    return lines


def carrier_feature_notes(design: Design) -> list[str]:
    """The carrier's tooling holes and fiducials, each with its position, size and how it is made."""
    feats = design.features
    if not feats:
        return []
    holes = [f for f in feats if f.through]
    marks = [f for f in feats if not f.through]
    out = []
    if holes:
        out.append("CARRIER TOOLING HOLES: " + "; ".join(f"{f.name} Ø{f.diameter_mm:.3f} at ({f.x_mm:.3f}, "
                                                          f"{f.y_mm:.3f})" for f in holes)
                   + ", through the sheet (layers TOOLING_UPPER and TOOLING_LOWER, one per face), for the "
                   "fixture's tooling pins.")
    if marks:
        t = design.mask.thickness_mm
        out.append("CARRIER FIDUCIALS: " + "; ".join(
            f"{f.name} Ø{f.diameter_mm:.3f} at ({f.x_mm:.3f}, {f.y_mm:.3f}) etched {f.etch_depth_mm(t):.3f} deep "
            f"from the {f.face} face" for f in marks) + ", blind (not through), for the camera.")
    return out


def placement_text(design: Design) -> str:
    """Where the pattern sits in the frame, and the narrowest border left between it and the foil's edge."""
    geo = frame_geometry(design)
    if geo is None:
        return "no frame"
    dx, dy = geo.offset_mm
    where = ("pattern centred in the frame" if dx == 0 and dy == 0 else
             f"pattern centre at ({dx:.3f}, {dy:.3f}) mm from the frame centre")
    turn = "square to the frame" if geo.rotation_deg == 0 else \
        f"turned {geo.rotation_deg:g} deg counter-clockwise in the frame"
    left, bottom, right, top = geo.border_mm
    return (f"{where}, {turn}, upper surface (ball side) up; unpatterned foil around the pattern: left "
            f"{left:.1f}, bottom {bottom:.1f}, right {right:.1f}, top {top:.1f} mm (layer FRAME, reference)")
