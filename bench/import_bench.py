"""Import benchmark (issue 13): a 1,000,000-site explicit design saved and loaded, and 1,000,000 pads imported.

Run alone with ``python -m bench.import_bench [--out DIR]``; ``python -m bench`` runs it after the wafer steps.
The explicit design is a 1000 x 1000 array at 0.25 mm with JEDEC names and coordinates on a 1 nm grid (what an
import produces); targets: save <= 2 s, load <= 2 s. The import steps write a GDS of 1,000,000 32-gon pads with
klayout (a pad cell arrayed, and the same flattened into one cell) and a Gerber of 1,000,000 flashes, then time
reading, recognising and writing the design (<= 10 s).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.memory import measure
from geometry.base.names import grid_names
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import ExplicitLayout, Pad, SiteColumns
from geometry.model.mask import Mask

N_SIDE = 1000
PITCH = 0.25


def explicit_design() -> Design:
    """The 1M-site explicit design."""
    r, c = np.divmod(np.arange(N_SIDE * N_SIDE), N_SIDE)
    names = grid_names(N_SIDE, N_SIDE)
    x = np.round((c - (N_SIDE - 1) / 2) * PITCH, 6)
    y = np.round(((N_SIDE - 1) / 2 - r) * PITCH, 6)
    return Design(Ball(0.15), Pad(0.12), ExplicitLayout(SiteColumns(names, x, y)), Mask(0.08), name="bench-import")


def write_gds_1m(path: Path) -> None:
    """1,000,000 pads: a 32-gon pad cell (0.12 mm) arrayed 1000 x 1000 at 0.25 mm, written with klayout."""
    import klayout.db as kdb

    ly = kdb.Layout()
    ly.dbu = 0.001
    top, pad = ly.create_cell("TOP"), ly.create_cell("PAD")
    a = 2 * np.pi * np.arange(32) / 32
    pad.shapes(ly.layer(3, 0)).insert(kdb.DPolygon([kdb.DPoint(60 * np.cos(t), 60 * np.sin(t)) for t in a]))
    top.insert(kdb.DCellInstArray(pad.cell_index(), kdb.DTrans(), kdb.DVector(PITCH * 1000, 0),
                                  kdb.DVector(0, PITCH * 1000), N_SIDE, N_SIDE))
    ly.write(str(path))


def write_flat_gds_1m(path: Path) -> None:
    """The same 1,000,000 32-gons flattened into one cell (what a CAM tool writes): one BOUNDARY per pad."""
    import klayout.db as kdb

    write_gds_1m(path)
    ly = kdb.Layout()
    ly.read(str(path))
    ly.top_cell().flatten(True)
    ly.write(str(path))


def write_gerber_1m(path: Path) -> None:
    """1,000,000 flashes of one round aperture, as a CAM system writes solder-mask openings."""
    r, c = np.divmod(np.arange(N_SIDE * N_SIDE), N_SIDE)
    x = (c * PITCH * 1e6).astype(np.int64)
    y = (r * PITCH * 1e6).astype(np.int64)
    body = "".join(f"X{a}Y{b}D03*\n" for a, b in zip(x.tolist(), y.tolist(), strict=True))
    path.write_text("%FSLAX46Y46*%\n%MOMM*%\n%TF.FileFunction,Soldermask,Top*%\n%ADD10C,0.120000*%\nD10*\n"
                    + body + "M02*\n", encoding="ascii")


def import_and_write(src: Path, out: Path, layer: str | None) -> int:
    """Read, recognise and write the design (what ``ballmask import`` does)."""
    from geometry.fileio import save_design
    from geometry.fileio.importers.importing import ImportOptions, import_layout

    r = import_layout(src, ImportOptions(layer=layer))
    d = Design(Ball(0.15), Pad(r.recognised.pad_mm), r.layout, Mask(0.08))
    save_design(d, out)
    return len(r.recognised.columns)


def run_import(out_dir: Path, say: Callable[[str], None], line: Callable[..., str]) -> None:
    """The import steps."""
    from geometry.fileio import load_design, save_design

    d = explicit_design()
    path = out_dir / "explicit-1M.ballmask"
    save = measure("import: save a 1M-site explicit design", lambda: save_design(d, path))
    say(line(save, "<= 2 s", save.seconds <= 2.0) + f"  ({path.stat().st_size / 2**20:.0f} MB)")
    load = measure("import: load the 1M-site explicit design", lambda: load_design(path))
    say(line(load, "<= 2 s", load.seconds <= 2.0 and load.result == d))
    for kind, write, src, layer in (("GDS, 32-gon pad cell in arrays", write_gds_1m, out_dir / "pads-1M.gds", "3/0"),
                                    ("GDS, 32-gons flat", write_flat_gds_1m, out_dir / "pads-flat-1M.gds", "3/0"),
                                    ("Gerber, flashes", write_gerber_1m, out_dir / "pads-1M.gbr", None)):
        write(src)

        def run(src: Path = src, layer: str | None = layer) -> int:
            return import_and_write(src, out_dir / "imported.ballmask", layer)

        step = measure(f"import: 1M pads, {kind}: read, recognise, write", run)
        say(line(step, "<= 10 s", step.seconds <= 10.0 and step.result == N_SIDE * N_SIDE)
            + f"  ({src.stat().st_size / 2**20:.0f} MB source)")


def main(argv: list[str] | None = None) -> None:
    """Run the import steps alone."""
    from geometry.base.allocator import keep_freed_memory

    keep_freed_memory()  # as the ballmask command does
    from bench.wafer import line

    p = argparse.ArgumentParser(prog="python -m bench.import_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=None, help="folder for the written files (default: a temp dir)")
    args = p.parse_args(argv)
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="ballmask-bench-import-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    run_import(out_dir, lambda s: print(s, flush=True), line)


if __name__ == "__main__":
    main()
