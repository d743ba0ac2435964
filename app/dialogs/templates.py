"""Templates for a new design: named recipes with their parameters, as plain data and pure functions (no Qt).

The new-design dialog shows a template's parameters as fields and calls :func:`build_template`; tests build every
template without a window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.dialogs.carrier_templates import PRESET_OPTIONS, build_panel, build_strip
from geometry.base.errors import DesignError
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import CentreVoid, GridLayout, Pad
from geometry.model.layouts.wafer import WaferLayout
from geometry.model.mask import Mask
from geometry.model.materials import MATERIALS
from geometry.model.profiles import Stepped, Tapered


@dataclass(frozen=True)
class Param:
    """One field of a template: key, label, default, range and whether it is a whole number.

    A choice (``options``: value, label pairs) has a string default and no range.
    """

    key: str
    label: str
    default: float | str
    minimum: float = 0.0
    maximum: float = 0.0
    integer: bool = False
    unit: str = "mm"
    options: tuple[tuple[str, str], ...] = ()
    tip: str = ""

    def check(self, value: Any) -> Any:
        """The value if this field accepts it; DesignError naming the field and the range otherwise (a value out
        of range is refused, never clamped: a mistyped 10 must not silently become 5)."""
        if self.options:
            if value not in {v for v, _ in self.options}:
                raise DesignError(self.key, value, f"must be one of {', '.join(v for v, _ in self.options)}")
            return value
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise DesignError(self.key, value, "is not a number") from None
        unit = f" {self.unit}" if self.unit else ""
        if not self.minimum <= number <= self.maximum:
            raise DesignError(self.key, value, f"{self.label} must be between {self.minimum:g} and "
                                               f"{self.maximum:g}{unit}")
        if self.integer:
            if number != int(number):
                raise DesignError(self.key, value, f"{self.label} must be a whole number")
            return int(number)
        return number


MATERIAL_OPTIONS = tuple((name, m.label) for name, m in MATERIALS.items())
MATERIAL_TIP = ("The process sets the finest web and the smallest hole: etched stainless for 0.5 mm pitch and up, "
                "laser-cut stainless or electroformed nickel for finer pitches")


@dataclass(frozen=True)
class Template:
    """A way to start a design."""

    id: str
    title: str
    description: str
    params: tuple[Param, ...]
    build: Callable[[dict[str, Any]], Design]


def _grid_bga(v: dict[str, Any]) -> Design:
    ball = float(v["ball_mm"])
    return Design(
        ball=Ball(ball), pad=Pad(round(ball * 0.8, 3)),
        layout=GridLayout(int(v["rows"]), int(v["cols"]), float(v["pitch_mm"])),
        mask=Mask(float(v["thickness_mm"]), str(v["material"])), profile=Tapered(float(v["angle_deg"])), name="BGA",
    )


def _csp(v: dict[str, Any]) -> Design:
    ball = float(v["ball_mm"])
    t = float(v["thickness_mm"])
    void = int(v["void"])
    upper = round(ball * 1.1, 3)
    depop = (CentreVoid(void),) if void > 0 else ()
    return Design(
        ball=Ball(ball), pad=Pad(round(ball * 0.8, 3)),
        layout=GridLayout(int(v["rows"]), int(v["cols"]), float(v["pitch_mm"]), depopulation=depop),
        mask=Mask(t, str(v["material"])), profile=Stepped(vertical_mm=round(max(ball / 2.0, t * 0.6), 3),
                                       lower_mm=round(upper + float(v["recess_mm"]), 3)),
        name="CSP",
    )


def _wafer(v: dict[str, Any]) -> Design:
    """A die pattern (a grid of balls) stepped across a wafer, tapered openings as for wafer-level CSP."""
    ball = float(v["ball_mm"])
    die = GridLayout(int(v["die_rows"]), int(v["die_cols"]), float(v["pitch_mm"]))
    layout = WaferLayout(die, float(v["die_mm"]), street_mm=float(v["street_mm"]),
                             diameter_mm=float(v["diameter_mm"]), edge_exclusion_mm=float(v["edge_exclusion_mm"]))
    return Design(
        ball=Ball(ball), pad=Pad(round(ball * 0.8, 3)), layout=layout,
        mask=Mask(float(v["thickness_mm"]), str(v["material"])), profile=Tapered(float(v["angle_deg"])),
        name="Wafer",
    )


def _unit_params(rows: int) -> tuple[Param, ...]:
    """One unit's ball grid, as in the Grid BGA template (strips and panels)."""
    return (
        Param("rows", "Unit rows", rows, 1, 200, integer=True, unit="", tip="Ball rows of one unit"),
        Param("cols", "Unit columns", rows, 1, 200, integer=True, unit="", tip="Ball columns of one unit"),
        Param("pitch_mm", "Ball pitch", 0.8, 0.1, 5.0),
        Param("ball_mm", "Ball diameter", 0.45, 0.05, 2.0),
        Param("material", "Process", "etched-stainless", options=MATERIAL_OPTIONS, tip=MATERIAL_TIP),
        Param("thickness_mm", "Mask thickness", 0.3, 0.02, 2.0),
        Param("angle_deg", "Taper angle", 60.0, 10.0, 90.0, unit="deg"),
    )


TEMPLATES: tuple[Template, ...] = (
    Template("bga", "Grid BGA", "A full ball grid array with tapered openings (claims 3-4).", (
        Param("rows", "Rows", 15, 1, 200, integer=True, unit=""),
        Param("cols", "Columns", 15, 1, 200, integer=True, unit=""),
        Param("pitch_mm", "Pitch", 0.8, 0.1, 5.0),
        Param("ball_mm", "Ball diameter", 0.45, 0.05, 2.0),
        Param("material", "Process", "etched-stainless", options=MATERIAL_OPTIONS, tip=MATERIAL_TIP),
        Param("thickness_mm", "Mask thickness", 0.3, 0.02, 2.0),
        Param("angle_deg", "Taper angle", 60.0, 10.0, 90.0, unit="deg"),
    ), _grid_bga),
    Template("csp", "CSP", "A fine-pitch chip-size package with stepped openings and a depopulated centre.", (
        Param("rows", "Rows", 12, 1, 200, integer=True, unit=""),
        Param("cols", "Columns", 12, 1, 200, integer=True, unit=""),
        Param("pitch_mm", "Pitch", 0.4, 0.1, 5.0),
        Param("ball_mm", "Ball diameter", 0.25, 0.05, 2.0),
        # a 0.4 mm pitch leaves a 0.125 mm upper web and, with the lower recess the flux needs, an 0.075 mm lower
        # web: finer than etching or laser cutting makes, so electroformed nickel at 0.15 mm
        Param("material", "Process", "electroformed-nickel", options=MATERIAL_OPTIONS, tip=MATERIAL_TIP),
        Param("thickness_mm", "Mask thickness", 0.15, 0.02, 2.0),
        Param("recess_mm", "Lower recess over d_u", 0.05, 0.0, 1.0),
        Param("void", "Centre void (k x k)", 4, 0, 100, integer=True, unit=""),
    ), _csp),
    Template("wafer", "Wafer", "One die's ball grid stepped across a wafer (wafer-level CSP): dies named by column "
             "and row, partial dies at the edge left out. Standard diameters: 150, 200 or 300 mm.", (
        Param("diameter_mm", "Wafer diameter", 200.0, 100.0, 450.0),
        Param("edge_exclusion_mm", "Edge exclusion", 3.0, 0.0, 20.0),
        Param("die_mm", "Die size", 5.0, 0.5, 50.0),
        Param("street_mm", "Street width", 0.1, 0.0, 2.0),
        Param("die_rows", "Rows per die", 10, 1, 100, integer=True, unit=""),
        Param("die_cols", "Columns per die", 10, 1, 100, integer=True, unit=""),
        Param("pitch_mm", "Pitch", 0.4, 0.1, 5.0),
        Param("ball_mm", "Ball diameter", 0.25, 0.05, 2.0),
        Param("material", "Process", "electroformed-nickel", options=MATERIAL_OPTIONS, tip=MATERIAL_TIP),
        Param("thickness_mm", "Mask thickness", 0.15, 0.02, 2.0),
        Param("angle_deg", "Taper angle", 60.0, 10.0, 90.0, unit="deg"),
    ), _wafer),
    Template("strip", "Strip", "A substrate strip of a standard size: its units in rows and blocks, each unit a "
             "ball grid. The mask is the strip's size; the unit pitch follows from the rails and block gaps.", (
        Param("preset", "Strip", PRESET_OPTIONS[0][0], options=PRESET_OPTIONS,
              tip="Standard strip sizes of BGA assembly lines (size, unit rows x columns, blocks)"),
        Param("rail_mm", "Edge rails", 6.0, 0.0, 30.0, tip="Strip edge kept free of units (tooling holes, "
                                                            "clamping), on every side"),
        Param("block_gap_mm", "Block gap", 3.0, 0.0, 30.0, tip="Extra space between neighbouring blocks"),
        *_unit_params(10),
    ), build_strip),
    Template("panel", "Panel", "A substrate panel typed in full: units per row and column, their pitch, blocks "
             "and the gaps between them, each unit a ball grid.", (
        Param("unit_rows", "Units per column", 6, 1, 1000, integer=True, unit=""),
        Param("unit_cols", "Units per row", 8, 1, 1000, integer=True, unit=""),
        Param("unit_pitch_x_mm", "Unit pitch x", 12.0, 0.5, 500.0),
        Param("unit_pitch_y_mm", "Unit pitch y", 12.0, 0.5, 500.0),
        Param("block_rows", "Block rows", 3, 0, 1000, integer=True, unit="", tip="Units per block along y "
                                                                               "(0: one block)"),
        Param("block_cols", "Block columns", 4, 0, 1000, integer=True, unit="", tip="Units per block along x "
                                                                                  "(0: one block)"),
        Param("block_gap_x_mm", "Block gap x", 3.0, 0.0, 100.0),
        Param("block_gap_y_mm", "Block gap y", 3.0, 0.0, 100.0),
        Param("margin_mm", "Mask margin", 10.0, 2.0, 100.0, tip="Mask outline beyond the outermost balls"),
        *_unit_params(10),
    ), build_panel),
)

TEMPLATE_BY_ID = {t.id: t for t in TEMPLATES}


def defaults(template: Template) -> dict[str, Any]:
    """The template's default values."""
    return {p.key: (int(p.default) if p.integer else p.default) for p in template.params}


def build_template(template_id: str, values: dict[str, Any] | None = None) -> Design:
    """A new design from a template with some values changed (DesignError when a value is out of its range or
    they make no valid design)."""
    t = TEMPLATE_BY_ID[template_id]
    v = defaults(t)
    v.update(values or {})
    checked = {p.key: p.check(v[p.key]) for p in t.params}
    return t.build({**v, **checked})
