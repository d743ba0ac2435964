"""Times of the lower relief of auto-bridged grids (every diagonal pair joined by a channel).

``python -m bench.relief_channel_grids [N ...]`` prints, per N x N grid of ``example_grid_design`` (0.8 mm pitch,
D 0.45 mm, t 0.3 mm, tapered 60 degrees: lower circles 0.841 mm, diagonal gaps 0.29 mm below the 0.3 mm web
minimum), the time of the exact relief (geometry.derive.relief.channels) and, where it is quick enough, of the polygon
path it replaced. Not part of the test suite.
"""

from __future__ import annotations

import sys
import time

from geometry.derive.openings import opening_table
from geometry.derive.pairs import merge_graph
from geometry.derive.relief.merged import whole_relief
from geometry.model.design import example_grid_design

POLYGON_MAX_N = 100  # the polygon path takes about 10 s at 100 x 100 and 213 s at 317 x 317


def main(sizes: list[int]) -> None:
    for n in sizes:
        d = example_grid_design(rows=n, cols=n)
        t0 = time.perf_counter()
        opening_table(d)
        graph = merge_graph(d)
        t1 = time.perf_counter()
        rel = whole_relief(d)
        t2 = time.perf_counter()
        line = (f"{n}x{n}: {n * n} openings, {int(graph.bridged.sum())} channels; table+merge graph "
                f"{t1 - t0:.3f} s, exact relief {t2 - t1:.3f} s ({rel.n_regions} regions, "
                f"{int(rel.hole_counts().sum())} holes)")
        if n <= POLYGON_MAX_N:
            t3 = time.perf_counter()
            whole_relief(d, polygon_channels=True)
            line += f", polygon path {time.perf_counter() - t3:.3f} s"
        print(line, flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [30, 100, 317])
