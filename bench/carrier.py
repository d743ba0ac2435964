"""Strips and panels in the benchmark: the same steps and targets as the wafer.

The strip: 240 x 74 mm, 4 x 16 units in 4 blocks of 4 (2 mm between blocks), each unit 20 x 20 balls at 0.5 mm
pitch, D 0.3 mm, 0.2 mm laser-cut stainless, tapered at 55 degrees (25,600 openings). The panel: 600 x 600 mm,
28 x 28 units in blocks of 7 (4 mm between blocks) of the same unit (313,600 openings). Both repeat one unit,
so relief, checks and the block DXF work on one unit (:mod:`geometry.derive.repetition`).

:func:`run_pipeline` then runs the whole pipeline on each carrier as a shop gets it, with its rail tooling holes
and fiducials (geometry.model.carrier_features.strip_features) and mounted in a frame (584 mm for the strip,
736 mm for the panel), so the feature checks and the TOOLING, FIDUCIAL and FRAME layers are timed too; the
target is the wafer's (<= 60 s, <= 2 GB).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bench.memory import measure
from bench.wafer import checks, clear_caches, dxf_blocks, dxf_flat, edit_one_unit, generate, gerber, line, relief_of
from geometry.model.ball import Ball
from geometry.model.carrier_features import strip_features
from geometry.model.design import Design
from geometry.model.drawing_info import DrawingInfo, FramePreset, FrameSettings
from geometry.model.layouts import CarrierForm, CarrierLayout, GridLayout, Pad
from geometry.model.mask import Mask, SizeOutline
from geometry.model.profiles import Tapered


def strip_design() -> Design:
    lay = CarrierLayout(GridLayout(20, 20, 0.5), 4, 16, 12.5, 16.0, block_cols=4, block_gap_x_mm=2.0,
                        form=CarrierForm.STRIP)
    return Design(Ball(0.3), Pad(0.25), lay, Mask(0.2, "laser-cut-stainless", SizeOutline(240.0, 74.0)),
                  Tapered(55.0), name="bench-strip")


def panel_design() -> Design:
    lay = CarrierLayout(GridLayout(20, 20, 0.5), 28, 28, 19.5, 19.5, block_rows=7, block_cols=7,
                        block_gap_x_mm=4.0, block_gap_y_mm=4.0, form=CarrierForm.PANEL)
    return Design(Ball(0.3), Pad(0.25), lay, Mask(0.2, "laser-cut-stainless", SizeOutline(600.0, 600.0)),
                  Tapered(55.0), name="bench-panel")


def run_carrier(label: str, make: Callable[[], Design], out_dir: Path, say: Callable[[str], None]) -> None:
    """Generate, check, merge and write one carrier, each step against the wafer's targets."""
    clear_caches()
    gen = measure(f"{label}: generate the design", lambda: generate(make))
    d: Design = gen.result
    say(f"{label}: {len(d.sites()):,} openings in {len(set(d.sites().group.tolist())):,} units")
    say(line(gen, "<= 1 s", gen.seconds <= 1.0))
    chk = measure(f"{label}: all checks", lambda: checks(d))
    say(line(chk, "<= 2 s", chk.seconds <= 2.0) + f"  ({len(chk.result.violations)} violations)")
    rel = measure(f"{label}: merged lower relief, exact arcs", lambda: relief_of(d))
    say(line(rel, "<= 5 s", rel.seconds <= 5.0) + f"  ({rel.result.n_regions:,} regions)")
    edit_one_unit(label, d, say)
    flat = measure(f"{label}: flattened DXF", lambda: dxf_flat(d, out_dir / f"{label}.dxf"))
    say(line(flat, "<= 30 s", flat.seconds <= 30.0) + f"  ({(out_dir / f'{label}.dxf').stat().st_size / 2**20:.0f} MB)")
    blk = measure(f"{label}: DXF with unit blocks", lambda: dxf_blocks(d, out_dir / f"{label}-blocks.dxf"))
    say(line(blk, "<= 3 s", blk.seconds <= 3.0))
    gbr = measure(f"{label}: Gerber", lambda: gerber(d, out_dir / f"{label}-gerber"))
    say(line(gbr, "<= 10 s", gbr.seconds <= 10.0))


def mounted(make: Callable[[], Design], size_mm: tuple[float, float], frame: FramePreset) -> Callable[[], Design]:
    """``make``'s design with the rail features of a ``size_mm`` carrier and mounted in the ``frame`` preset."""
    def build() -> Design:
        return make().with_(carrier_features=strip_features(*size_mm), drawing=DrawingInfo(frame=FrameSettings(frame)))
    return build


def run_pipeline(label: str, make: Callable[[], Design], out_dir: Path, say: Callable[[str], None]) -> None:
    """Generate, check, merge, DXF and Gerber in one go, against the wafer's whole-pipeline target."""
    def pipeline() -> None:
        clear_caches()
        d = generate(make)
        report = checks(d)
        assert not [v for v in report.violations if v.check in ("feature-clear", "frame-fit")], label
        relief_of(d)
        dxf_flat(d, out_dir / f"{label}-pipeline.dxf")
        gerber(d, out_dir / f"{label}-pipeline-gerber")

    whole = measure(f"{label}: whole pipeline with features and frame (generate, check, merge, DXF, Gerber)",
                    pipeline)
    say(line(whole, "<= 60 s, <= 2 GB", whole.seconds <= 60.0 and whole.peak_mb <= 2048))


def run_carriers(out_dir: Path, say: Callable[[str], None]) -> None:
    """The strip and the panel."""
    run_carrier("strip", strip_design, out_dir, say)
    run_pipeline("strip", mounted(strip_design, (240.0, 74.0), "584x584"), out_dir, say)
    run_carrier("panel", panel_design, out_dir, say)
    run_pipeline("panel", mounted(panel_design, (600.0, 600.0), "736x736"), out_dir, say)
