"""``ballmask new strip``, ``new panel`` and ``new wafer``: a unit layout (the options of ``new grid``) repeated over
a substrate strip, a panel or a wafer.

The unit is described exactly as ``new grid`` describes a device (``--rows``, ``--cols``, ``--pitch``, the ball,
the profile), so a user who knows one command knows the others; the carrier options say where the units go.
Units of a strip or panel are counted from 1 at its first corner (top-left seen from the upper surface):
``--skip 1,3`` leaves out row 1, column 3.

A strip or panel may carry a second device: ``--unit-type 1,2=other.ballmask`` puts the unit of the design file
``other.ballmask`` (made with ``ballmask new grid``, or any single-unit design) at row 1, column 2. The file gives
the type both its layout and its profile, which an inline form would have to repeat option by option; the ball
and the mask stay the carrier's. Units given the same file are one unit type, named ``B``, ``C``, ... in the
order the files first appear.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from cli import options
from cli.feature_options import apply_features, configure_features
from geometry.base.errors import DesignError

if TYPE_CHECKING:
    from geometry.model.design import Design
    from geometry.model.layouts.unit_types import UnitType

CARRIERS = ("strip", "panel", "wafer")


def _unit_ref(text: str) -> tuple[int, int]:
    """``"2,5"`` -> (2, 5); argparse reports a ValueError against ``--skip`` with the value."""
    parts = text.split(",")
    if len(parts) != 2 or not all(p.strip().isascii() and p.strip().isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not ROW,COL (whole numbers from 1)")
    return int(parts[0]), int(parts[1])


def _unit_type_ref(text: str) -> tuple[tuple[int, int], str]:
    """``"1,2=other.ballmask"`` -> ((1, 2), "other.ballmask")."""
    ref, sep, path = text.partition("=")
    if not sep or not path.strip():
        raise argparse.ArgumentTypeError(f"{text[:60]!r} is not ROW,COL=FILE (a unit and a .ballmask file)")
    return _unit_ref(ref), path.strip()


def configure_carriers(layouts: argparse._SubParsersAction[argparse.ArgumentParser],
                       grid: argparse.ArgumentParser) -> None:
    """Add ``strip``, ``panel`` and ``wafer`` beside ``grid``, each with the grid's options for its unit."""
    helps = {
        "strip": "a substrate strip: a matrix of units, each a grid of sites",
        "panel": "a substrate panel: a matrix of units (often in blocks), each a grid of sites",
        "wafer": "a wafer of repeated dies, each a grid of sites",
    }
    for name in CARRIERS:
        p = layouts.add_parser(name, help=helps[name], conflict_handler="resolve",
                               description=helps[name].capitalize() + ". The --rows/--cols/--pitch options "
                               "describe one unit (die); lengths in mm.")
        p._add_container_actions(grid)  # the unit's options, shared with new grid (argparse's parents= mechanism)
        c = p.add_argument_group(name)
        if name == "wafer":
            c.add_argument("--diameter", type=options.length(), default=300.0, help="wafer diameter, mm (default 300)")
            c.add_argument("--die", type=options.length(), required=True, metavar="W", help="die width, mm")
            c.add_argument("--die-y", type=options.length(), metavar="H", help="die height, mm (default: the width)")
            c.add_argument("--street", type=options.length(allow_zero=True), default=0.1,
                           help="dicing street, mm (default 0.1)")
            c.add_argument("--edge-exclusion", type=options.length(allow_zero=True), default=3.0,
                           help="edge exclusion, mm (default 3)")
            c.add_argument("--wafer-map", metavar="MAP", help="leave out the null and bad dies of a SEMI G85 XML or "
                           "SINF wafer map (map row 1, column 1 = die C01R01)")
            c.add_argument("--map-offset", type=_unit_ref, metavar="COL,ROW", default=(0, 0),
                           help="add COL,ROW to a map cell's column and row to give its die")
            c.add_argument("--skip", action="append", default=[], metavar="DIE",
                           help="leave out the die of this name (C07R12); repeatable")
        else:
            c.add_argument("--unit-rows", type=options.count(), required=True, metavar="R", help="units per column")
            c.add_argument("--unit-cols", type=options.count(), required=True, metavar="C", help="units per row")
            c.add_argument("--unit-pitch", type=options.length(), required=True, metavar="P",
                           help="distance between unit centres along x, mm")
            c.add_argument("--unit-pitch-y", type=options.length(), metavar="PY",
                           help="distance between unit centres along y, mm (default: --unit-pitch)")
            c.add_argument("--block-cols", type=options.count(minimum=0), default=0, metavar="N",
                           help="units per block along x (0: one block)")
            c.add_argument("--block-gap", type=options.length(allow_zero=True), default=0.0, metavar="G",
                           help="extra gap between blocks along x, mm")
            c.add_argument("--skip", type=_unit_ref, action="append", default=[], metavar="ROW,COL",
                           help="leave out the unit at ROW,COL (from 1 at the first corner); repeatable")
            configure_features(c)
            c.add_argument("--unit-type", type=_unit_type_ref, action="append", default=[], metavar="ROW,COL=FILE",
                           help="put the unit of the design FILE (its layout and profile) at ROW,COL; units given "
                           "the same FILE are one unit type (B, C, ...); repeatable")


def build_carrier_design(args: argparse.Namespace, unit_design: Design) -> Design:
    """The carrier design: ``unit_design`` (from the grid options) with its layout repeated as the options say."""
    from geometry.model.layouts import CarrierForm, CarrierLayout
    from geometry.model.layouts.wafer import WaferLayout

    unit = unit_design.layout
    option = {"unit_rows": "--unit-rows", "unit_cols": "--unit-cols", "unit_pitch_x_mm": "--unit-pitch",
              "unit_pitch_y_mm": "--unit-pitch-y", "block_cols": "--block-cols", "block_gap_x_mm": "--block-gap",
              "die_x_mm": "--die", "die_y_mm": "--die-y", "street_mm": "--street", "diameter_mm": "--diameter",
              "edge_exclusion_mm": "--edge-exclusion", "skip": "--skip", "unit_types": "--unit-type"}
    try:
        if args.layout == "wafer":
            wafer = WaferLayout(unit, args.die, args.die_y, street_mm=args.street, diameter_mm=args.diameter,
                                edge_exclusion_mm=args.edge_exclusion, skip=tuple(args.skip))
            if args.wafer_map:
                from geometry.fileio.wafer_map import read_wafer_map, skip_from_map

                skip = skip_from_map(wafer, read_wafer_map(args.wafer_map), tuple(args.map_offset))
                wafer = replace(wafer, skip=(*wafer.skip, *skip))
            layout: WaferLayout | CarrierLayout = wafer
        else:
            types = _unit_types(args.unit_type)
            layout = CarrierLayout(unit, args.unit_rows, args.unit_cols, args.unit_pitch, args.unit_pitch_y,
                                   block_cols=args.block_cols, block_gap_x_mm=args.block_gap,
                                   skip=tuple(args.skip), form=CarrierForm(args.layout), unit_types=types)
        design = replace(unit_design, layout=layout)
    except DesignError as e:
        field = e.path.split("[")[0]
        raise DesignError(option.get(field, e.path), e.value, e.problem) from None
    return design if args.layout == "wafer" else apply_features(args, design)


def _unit_types(refs: list[tuple[tuple[int, int], str]]) -> tuple[UnitType, ...]:
    """One unit type per distinct file of ``--unit-type``, named B, C, ... in order of first appearance."""
    from geometry.fileio import load_design
    from geometry.model.layouts.unit_types import UnitType

    by_file: dict[str, list[tuple[int, int]]] = {}
    for rc, path in refs:
        by_file.setdefault(path, []).append(rc)
    out = []
    for k, (path, units) in enumerate(by_file.items()):
        try:
            other = load_design(path)
        except DesignError as e:
            raise DesignError("unit_types", f"{path}", f"cannot be read: {e.problem}") from None
        try:
            out.append(UnitType(_type_name(k), other.layout, tuple(units), other.profile))
        except DesignError as e:
            raise DesignError("unit_types", f"{path}", f"is not a unit: {e.path} {e.problem}") from None
    return tuple(out)


def _type_name(k: int) -> str:
    """B, C, ..., Z, then T27, T28, ... (type A is the carrier's own unit)."""
    return chr(ord("B") + k) if k < 25 else f"T{k + 2}"
