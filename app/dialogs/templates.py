"""Templates for a new design: named recipes with their parameters, as plain data and pure functions (no Qt).

The new-design dialog shows a template's parameters as fields and calls :func:`build_template`; tests build every
template without a window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import CentreVoid, GridLayout, Pad
from geometry.model.layouts.wafer import WaferLayout
from geometry.model.mask import Mask
from geometry.model.profiles import Stepped, Tapered


@dataclass(frozen=True)
class Param:
    """One field of a template: key, label, default, range and whether it is a whole number."""

    key: str
    label: str
    default: float
    minimum: float
    maximum: float
    integer: bool = False
    unit: str = "mm"


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
        mask=Mask(float(v["thickness_mm"])), profile=Tapered(float(v["angle_deg"])), name="BGA",
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
        mask=Mask(t), profile=Stepped(vertical_mm=round(max(ball / 2.0, t * 0.6), 3),
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
        mask=Mask(float(v["thickness_mm"]), "electroformed-nickel"), profile=Tapered(float(v["angle_deg"])),
        name="Wafer",
    )


TEMPLATES: tuple[Template, ...] = (
    Template("bga", "Grid BGA", "A full ball grid array with tapered openings (claims 3-4).", (
        Param("rows", "Rows", 15, 1, 200, integer=True, unit=""),
        Param("cols", "Columns", 15, 1, 200, integer=True, unit=""),
        Param("pitch_mm", "Pitch", 0.8, 0.1, 5.0),
        Param("ball_mm", "Ball diameter", 0.45, 0.05, 2.0),
        Param("thickness_mm", "Mask thickness", 0.3, 0.02, 2.0),
        Param("angle_deg", "Taper angle", 60.0, 10.0, 90.0, unit="deg"),
    ), _grid_bga),
    Template("csp", "CSP", "A fine-pitch chip-size package with stepped openings and a depopulated centre.", (
        Param("rows", "Rows", 12, 1, 200, integer=True, unit=""),
        Param("cols", "Columns", 12, 1, 200, integer=True, unit=""),
        Param("pitch_mm", "Pitch", 0.4, 0.1, 5.0),
        Param("ball_mm", "Ball diameter", 0.25, 0.05, 2.0),
        Param("thickness_mm", "Mask thickness", 0.2, 0.02, 2.0),
        Param("recess_mm", "Lower recess over d_u", 0.04, 0.0, 1.0),
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
        Param("thickness_mm", "Mask thickness", 0.15, 0.02, 2.0),
        Param("angle_deg", "Taper angle", 60.0, 10.0, 90.0, unit="deg"),
    ), _wafer),
)

TEMPLATE_BY_ID = {t.id: t for t in TEMPLATES}


def defaults(template: Template) -> dict[str, Any]:
    """The template's default values."""
    return {p.key: (int(p.default) if p.integer else p.default) for p in template.params}


def build_template(template_id: str, values: dict[str, Any] | None = None) -> Design:
    """A new design from a template with some values changed (DesignError when they make no valid design)."""
    t = TEMPLATE_BY_ID[template_id]
    v = defaults(t)
    v.update(values or {})
    return t.build(v)
