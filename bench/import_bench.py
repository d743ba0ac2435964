"""Import benchmark (issue 13): a 1,000,000-site explicit design saved and loaded, and 1,000,000 pads imported.

Run alone with ``python -m bench.import_bench [--out DIR]``; ``python -m bench`` runs it after the wafer steps.
The explicit design is a 1000 x 1000 array at 0.25 mm with JEDEC names and coordinates on a 1 nm grid (what an
import produces); targets: save <= 2 s, load <= 2 s. The import steps write a GDS of 1,000,000 32-gon pads with
klayout and a Gerber of 1,000,000 flashes, then time reading, recognising and writing the design (<= 10 s).
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


def run_import(out_dir: Path, say: Callable[[str], None], line: Callable[..., str]) -> None:
    """The import steps."""
    from geometry.fileio import load_design, save_design

    d = explicit_design()
    path = out_dir / "explicit-1M.ballmask"
    save = measure("import: save a 1M-site explicit design", lambda: save_design(d, path))
    say(line(save, "<= 2 s", save.seconds <= 2.0) + f"  ({path.stat().st_size / 2**20:.0f} MB)")
    load = measure("import: load the 1M-site explicit design", lambda: load_design(path))
    say(line(load, "<= 2 s", load.seconds <= 2.0 and load.result == d))
    first = measure("import: hash the loaded design (first time)", lambda: hash(load.result))
    say(line(first))


def main(argv: list[str] | None = None) -> None:
    """Run the import steps alone."""
    from bench.wafer import line

    p = argparse.ArgumentParser(prog="python -m bench.import_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=None, help="folder for the written files (default: a temp dir)")
    args = p.parse_args(argv)
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="ballmask-bench-import-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    run_import(out_dir, lambda s: print(s, flush=True), line)


if __name__ == "__main__":
    main()
