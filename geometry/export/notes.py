"""The order notes: the title block text every output carries (DXF NOTES layer, Gerber header comments, PDF,
README), so that the shop reads the same words wherever it looks.

The notes state what 2D artwork cannot: the profile of the walls, which side each layer is seen from, which
etch wins where relief layers of different depths overlap, and that apertures must not be modified.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from geometry.checks.records import CheckReport, Severity
from geometry.derive.openings import opening_table
from geometry.export.artwork import Artwork
from geometry.export.layers import LayerSpec, Role
from geometry.model.design import Design
from geometry.model.materials import MATERIALS
from geometry.model.profiles import Opening

NO_APERTURE_MODIFICATION = "NO APERTURE MODIFICATION: make every opening exactly as drawn (no shrink, no growth)."


@dataclass(frozen=True, slots=True)
class TitleBlock:
    """The fields of the title block (name, revision, date) and the order-note lines."""

    name: str
    revision: str
    date: str
    lines: tuple[str, ...]


def _um(mm: float) -> str:
    return f"{mm * 1000:.0f} um"


def _mm(mm: float) -> str:
    return f"{mm:.4g} mm"


def opening_line(o: Opening, count: int) -> str:
    """One profile with its derived values, as the shop needs them."""
    theta = "90 deg (vertical)" if not o.tapered else f"{o.angle_deg:.4g} deg"
    text = (f"{o.kind} x{count}: d_u {_mm(o.upper_mm)}, d_l {_mm(o.lower_mm)}, theta {theta}, "
            f"h_v {_mm(o.vertical_mm)}, relief depth {_mm(o.relief_depth_mm)}")
    if o.lower_shift_mm > 0:
        text += f", lower circle shifted {_mm(o.lower_shift_mm)} toward {o.direction_deg:.4g} deg"
    return text


def side_line(spec: LayerSpec) -> str:
    """Which side a layer is drawn as seen from, and how it is made."""
    seen = "seen from the LOWER side (mirrored)" if spec.mirrored else "seen from the upper side"
    return f"{spec.name}: {spec.meaning}; {spec.made_how}; {seen}"


def check_summary_lines(report: CheckReport | None) -> list[str]:
    """One line per check that found something, errors first; or why there is no summary."""
    if report is None:
        return ["Checks: not run."]
    n_e, n_w, n_i = (report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    lines = [f"Checks: {n_e} errors, {n_w} warnings, {n_i} infos."]
    for check, vs in report.by_check().items():
        worst = min(vs, key=lambda v: [Severity.ERROR, Severity.WARNING, Severity.INFO].index(v.severity))
        text = f"  {worst.severity.value}: {check}, {len(vs)} finding(s)"
        if worst.message:
            text += f"; e.g. {worst.message}"
        lines.append(text)
    return lines


def title_block(design: Design, artwork: Artwork, date: _dt.date | None = None) -> TitleBlock:
    """Title block and order notes of a design's export. The date is the design's drawing date, else ``date``,
    else today."""
    day = design.drawing.day(date).isoformat()
    table = opening_table(design)
    m = design.mask
    x0, y0, x1, y1 = artwork.outline_rect
    units = "UNITS: millimetres (mm)"
    if design.output.dxf_version == "R12":
        units += " -- the DXF is R12, which cannot state units in its header: read every length as mm"
    lines = [
        f"DESIGN: {design.name}   REVISION: {design.revision}   DATE: {day}",
        units,
        f"BALL: D {_mm(design.ball.diameter_mm)} (tol {_mm(design.ball.tolerance_mm)}), {design.ball.alloy}",
        f"MASK: thickness t {_mm(m.thickness_mm)}, {MATERIALS[m.material].label}, "
        f"outline {x1 - x0:.4g} x {y1 - y0:.4g} mm",
        f"OPENINGS: {len(table.rows)}",
    ]
    if design.rework is not None:  # a rework mask must never be mistaken for the production mask
        closed = sorted(set(design.rework.closed) & set(table.sites.names[table.which < 0].tolist()))
        lines.insert(1, f"REWORK MASK for {design.rework.device or '(device not named)'}: the lower relief clears "
                        f"the old solder on the pads; {len(closed)} site(s) closed (damaged or no ball as built).")
    counts = [int((table.which == k).sum()) for k in range(len(table.openings))]
    lines += [f"PROFILE {opening_line(o, c)}" for o, c in zip(table.openings, counts, strict=True) if c]
    lines += [
        "SIDES: the upper surface is where the balls come from; the lower surface faces the device.",
        "A tapered or stepped wall cannot be drawn in 2D: the upper outline (UPPER layer) and the lower "
        "outline (relief layers) bound it, the profile above states its angle and vertical height.",
    ]
    lines += [f"LAYER {side_line(la.layer)}" for la in artwork.layers]
    reliefs = [la.layer for la in artwork.layers if la.layer.role == Role.LOWER]
    if len(reliefs) > 1:
        lines.append("OVERLAP: relief layers of different depths may overlap; where they do, the deeper etch wins.")
    else:
        lines.append("OVERLAP: where relief layers of different depths overlap, the deeper etch wins.")
    lines.append("Holes inside a relief outline are islands of metal left at full thickness.")
    if design.notes:
        lines.append(f"NOTE: {design.notes}")
    lines.append(NO_APERTURE_MODIFICATION)
    return TitleBlock(design.name, design.revision, day, tuple(lines))
