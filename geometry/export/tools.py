"""The companion tools' files: each tool is written as a folder, with the same writers as the mask where a tool
is a sheet with holes (DXF with ezdxf, Gerber), and plain CSV where a machine takes a point list.

* flux-stencil: ``<name>_flux-stencil.dxf`` (apertures, outline, fiducials, notes) and ``gerber/``;
* pin-plate: ``pins.csv`` (name, x, y, pin and flux spot diameter) and a DXF of the pins;
* pick-head: a DXF of the vacuum holes and its drawing (PDF, :mod:`geometry.export.drawing.pick_head`);
* inspection: ``balls.csv`` (name, x, y, D, tolerances) and an R12 DXF of the ball circles, the form most
  post-mount inspection machines import.

The tool's checks (:mod:`geometry.checks.tools`) are summarised in the notes and in the README of the folder.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from dataclasses import replace
from pathlib import Path

import numpy as np

from geometry.base.atomic import atomic_folder, write_bytes_atomic
from geometry.checks.records import Severity
from geometry.checks.tools import tool_report
from geometry.derive.rings import RingSet
from geometry.derive.tools import flux_apertures_mm, pick_hole_mm, pin_diameters_mm, spot_diameters_mm, tool_sites
from geometry.export import ringops
from geometry.export.artwork import Artwork, LayerArt
from geometry.export.drawing.pick_head import pick_head_pdf_bytes
from geometry.export.dxf import write_dxf
from geometry.export.gerber import write_gerbers
from geometry.export.layers import FIDUCIAL_COLOUR, NOTES_COLOUR, OUTLINE_COLOUR, UPPER_COLOUR, LayerSpec, Role, Side
from geometry.export.notes import TitleBlock
from geometry.export.package import base_name
from geometry.model.design import Design
from geometry.model.tools import ToolKind

FloatArray = np.ndarray

_WHAT = {
    ToolKind.FLUX_STENCIL: ("FLUX_APERTURE", "flux-printing stencil apertures", "laser-cut through the foil"),
    ToolKind.PIN_PLATE: ("PIN", "flux-transfer pin positions and diameters", "pins set in the plate"),
    ToolKind.PICK_HEAD: ("VACUUM_HOLE", "vacuum pick-head holes", "drilled or etched through the plate"),
    ToolKind.INSPECTION: ("BALL", "expected solder balls after mounting (reference)", "not made"),
}


def _title(design: Design, tool: ToolKind, date: _dt.date | None, lines: list[str]) -> TitleBlock:
    day = (date or _dt.date.today()).isoformat()
    report = tool_report(design, tool)
    errors = report.count(Severity.ERROR)
    head = [f"{design.name} rev {design.revision}: {tool.value}, from the mask design's sites", *lines,
            f"tool checks: {errors} error(s), {report.count(Severity.WARNING)} warning(s)"]
    return TitleBlock(design.name, design.revision, day, tuple(head))


def _artwork(design: Design, tool: ToolKind, diameters: FloatArray) -> Artwork:
    ts = tool_sites(design)
    out = design.output
    name, meaning, made = _WHAT[tool]
    rect = design.outline_rect()
    circles = np.column_stack([ts.x_mm, ts.y_mm, np.asarray(diameters, np.float64) / 2.0]).reshape(-1, 3)
    fids = design.mask.fiducials
    layers = [
        LayerArt(LayerSpec(Role.OUTLINE, out.outline_layer, OUTLINE_COLOUR, "the plate's outer edge", "cut",
                           Side.UPPER), np.zeros((0, 3)), ringops.rectangle(*rect), 1),
        LayerArt(LayerSpec(Role.UPPER, name, UPPER_COLOUR, meaning, made, Side.UPPER, Side.UPPER), circles,
                 RingSet.empty(), 0),
    ]
    if fids and tool is not ToolKind.INSPECTION:
        fc = np.array([[f.x_mm, f.y_mm, f.diameter_mm / 2.0] for f in fids], dtype=np.float64)
        layers.append(LayerArt(LayerSpec(Role.FIDUCIAL, out.fiducial_layer, FIDUCIAL_COLOUR,
                                         "alignment marks, at the mask's positions", made, Side.UPPER, Side.UPPER),
                               fc, RingSet.empty(), 0))
    notes = LayerSpec(Role.NOTES, out.notes_layer, NOTES_COLOUR, "title block and notes", "not made", Side.UPPER)
    return Artwork(tuple(layers), notes, rect, (rect[0] + rect[2]) / 2.0)


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _mm(a: FloatArray) -> list[str]:
    return [f"{v:.4f}" for v in np.asarray(a, np.float64).tolist()]


def write_tool(design: Design, tool: ToolKind, target: str | Path, date: _dt.date | None = None) -> Path:
    """Write one companion tool's folder to ``target`` (atomically: complete or not at all)."""
    if tool is ToolKind.MASK:
        raise ValueError("the mask is written by geometry.export.run.export_design")
    target = Path(target)
    ts = tool_sites(design)
    stem = f"{base_name(design)}_{tool.value}"
    with atomic_folder(target) as tmp:
        if tool is ToolKind.FLUX_STENCIL:
            st = design.companion_tools.flux_stencil
            d = flux_apertures_mm(design)
            title = _title(design, tool, date, [
                f"foil {st.thickness_mm * 1000:.0f} um; apertures pad x {st.aperture_ratio:g}"
                f"{f' + 2 x {st.aperture_offset_mm:g} mm' if st.aperture_offset_mm else ''}",
                f"IPC-7525: area ratio >= {st.area_ratio_min:g}, aspect ratio >= {st.aspect_ratio_min:g}"])
            art = _artwork(design, tool, d)
            write_dxf(art, title, design.output, tmp / f"{stem}.dxf")
            write_gerbers(art, title, tmp / "gerber")
        elif tool is ToolKind.PIN_PLATE:
            pin, spot = pin_diameters_mm(design), spot_diameters_mm(design)
            pp = design.companion_tools.pin_plate
            title = _title(design, tool, date, [f"pins pad x {pp.pin_ratio:g}; flux spot pin x {pp.spot_spread:g}"])
            (tmp / "pins.csv").write_text(_csv(
                ["name", "x_mm", "y_mm", "pin_mm", "spot_mm"],
                [list(r) for r in zip(ts.names.tolist(), _mm(ts.x_mm), _mm(ts.y_mm), _mm(pin), _mm(spot),
                                      strict=True)]), encoding="utf-8")
            write_dxf(_artwork(design, tool, pin), title, design.output, tmp / f"{stem}.dxf")
        elif tool is ToolKind.PICK_HEAD:
            hole = pick_hole_mm(design)
            title = _title(design, tool, date, [f"holes {hole:.3f} mm (ball x "
                                                f"{design.companion_tools.pick_head.hole_ratio:g})"])
            art = _artwork(design, tool, np.full(len(ts), hole))
            write_dxf(art, title, design.output, tmp / f"{stem}.dxf")
            write_bytes_atomic(tmp / f"{stem}.pdf", pick_head_pdf_bytes(design, art, title))
        else:
            ins = design.companion_tools.inspection
            ball = design.ball
            title = _title(design, tool, date, [f"ball D {ball.diameter_mm:g} mm +- {ball.tolerance_mm:g} mm; "
                                                f"position +- {ins.position_tolerance_mm:g} mm"])
            (tmp / "balls.csv").write_text(_csv(
                ["name", "x_mm", "y_mm", "diameter_mm", "diameter_tolerance_mm", "position_tolerance_mm"],
                [[n, x, y, f"{ball.diameter_mm:.4f}", f"{ball.tolerance_mm:.4f}",
                  f"{ins.position_tolerance_mm:.4f}"]
                 for n, x, y in zip(ts.names.tolist(), _mm(ts.x_mm), _mm(ts.y_mm), strict=True)]),
                encoding="utf-8")
            r12 = replace(design.output, dxf_version="R12")
            write_dxf(_artwork(design, tool, np.full(len(ts), ball.diameter_mm)), title, r12, tmp / f"{stem}.dxf")
        (tmp / "README.txt").write_text("\n".join([f"{tool.value} for {design.name} rev {design.revision}",
                                                   *title.lines, ""]), encoding="utf-8")
    return target
