"""The chosen companion tool's settings in the property panel: one bound field per setting of
:mod:`geometry.model.tools` (flux stencil, pin plate, pick head, inspection).

Each field writes ``design.tools`` through ``document.apply`` (one undoable command, "Set flux foil thickness to
0.08 mm") with :func:`dataclasses.replace`, so the tool's own validation refuses a bad value under the field, as
every other field of the panel does. The group shows only the rows of the tool the Tools menu shows, and hides
itself while the mask is shown.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QWidget

from app.document import Document
from app.panels.fields import FieldGroup, FieldSpec, ValueKind
from app.units import TIMES, LengthUnit
from geometry.model.design import Design
from geometry.model.tools import ToolKind

ATTRIBUTE = {ToolKind.FLUX_STENCIL: "flux_stencil", ToolKind.PIN_PLATE: "pin_plate", ToolKind.PICK_HEAD: "pick_head",
             ToolKind.INSPECTION: "inspection"}
TITLES = {ToolKind.MASK: "Mask", ToolKind.FLUX_STENCIL: "Flux stencil", ToolKind.PIN_PLATE: "Pin plate",
          ToolKind.PICK_HEAD: "Pick head", ToolKind.INSPECTION: "Inspection"}

# (tool, setting, label, command name, kind, suffix, tooltip)
SETTINGS: tuple[tuple[ToolKind, str, str, str, ValueKind, str, str], ...] = (
    (ToolKind.FLUX_STENCIL, "aperture_ratio", "Aperture", "flux aperture ratio", ValueKind.NUMBER, f"{TIMES} pad",
     "Aperture diameter over the pad diameter (1: flux on the whole pad)"),
    (ToolKind.FLUX_STENCIL, "aperture_offset_mm", "Aperture offset", "flux aperture offset", ValueKind.LENGTH, "",
     "Added to the aperture's radius after the ratio (negative: smaller)"),
    (ToolKind.FLUX_STENCIL, "thickness_mm", "Foil thickness", "flux foil thickness", ValueKind.LENGTH, "",
     "Stencil foil thickness t: the area ratio d / 4t and the aspect ratio d / t follow from it"),
    (ToolKind.FLUX_STENCIL, "area_ratio_min", "Area ratio ≥", "flux area ratio minimum", ValueKind.NUMBER, "",
     "IPC-7525: at least 0.66 for the flux to release"),
    (ToolKind.FLUX_STENCIL, "aspect_ratio_min", "Aspect ratio ≥", "flux aspect ratio minimum", ValueKind.NUMBER, "",
     "IPC-7525: at least 1.5 for a round aperture"),
    (ToolKind.FLUX_STENCIL, "web_min_mm", "Web ≥", "flux stencil web minimum", ValueKind.LENGTH, "",
     "Finest web between apertures the foil keeps flat"),
    (ToolKind.PIN_PLATE, "pin_ratio", "Pin", "pin ratio", ValueKind.NUMBER, f"{TIMES} pad",
     "Transfer pin diameter over the pad diameter"),
    (ToolKind.PIN_PLATE, "spot_spread", "Flux spot", "flux spot spread", ValueKind.NUMBER, f"{TIMES} pin",
     "The flux spot a pin leaves over the pin diameter (measure it on the line)"),
    (ToolKind.PIN_PLATE, "spot_gap_min_mm", "Spot gap ≥", "flux spot gap minimum", ValueKind.LENGTH, "",
     "Neighbouring spots closer than this may bridge"),
    (ToolKind.PICK_HEAD, "hole_ratio", "Hole", "pick hole ratio", ValueKind.NUMBER, f"{TIMES} D",
     "Vacuum hole diameter over the ball diameter: below D - tol_D so no ball passes"),
    (ToolKind.PICK_HEAD, "hold_ratio_min", "Hold ≥", "pick hold ratio minimum", ValueKind.NUMBER, f"{TIMES} D",
     "Below this the vacuum may not hold the ball (a warning)"),
    (ToolKind.INSPECTION, "position_tolerance_mm", "Position ±", "inspection position tolerance", ValueKind.LENGTH,
     "", "How far a mounted ball may sit from its site and still pass"),
)


def _accessors(kind: ToolKind, setting: str) -> tuple[Any, Any]:
    attr = ATTRIBUTE[kind]

    def get(d: Design) -> Any:
        return getattr(getattr(d.companion_tools, attr), setting)

    def set_(d: Design, v: Any) -> Design:
        tools = d.companion_tools
        return d.with_(tools=replace(tools, **{attr: replace(getattr(tools, attr), **{setting: v})}))

    return get, set_


class ToolGroup(FieldGroup):
    """The settings of the tool shown (:meth:`set_tool`); hidden for the mask."""

    def __init__(self, document: Document, unit: LengthUnit, parent: QWidget | None = None) -> None:
        super().__init__(document, "Companion tool", unit, parent)
        self.setObjectName("toolGroup")
        self.rows: dict[ToolKind, list[QWidget]] = {k: [] for k in ATTRIBUTE}
        for kind, setting, label, name, vkind, suffix, tip in SETTINGS:
            get, set_ = _accessors(kind, setting)
            field = self.add_value(FieldSpec(f"tools.{ATTRIBUTE[kind]}.{setting}", label, name, vkind, get, set_,
                                             suffix=suffix, tooltip=tip))
            self.rows[kind].append(field)
        self.finish()
        self.kind = ToolKind.MASK
        self.set_tool(ToolKind.MASK)

    def set_tool(self, kind: ToolKind | str) -> None:
        """Show the rows of ``kind`` (none, and the group hidden, for the mask)."""
        self.kind = ToolKind(kind)
        self.box.setTitle(f"{TITLES[self.kind]} settings")
        for k, fields in self.rows.items():
            for f in fields:
                self.set_row_visible(f, k is self.kind)
        self.setVisible(self.kind is not ToolKind.MASK)
