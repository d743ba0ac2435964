"""Time ``run_checks`` on a 10,000-site grid (issue 2: "a 10,000-site design checks in well under a second").

Not a test: run ``.venv/bin/python bench/bench_checks.py``. It prints the cold time (the opening table, merge graph
and KD-trees built from scratch, as after an edit) and the best warm time, for a clean design and for a crowded
one where most pairs violate (so that building thousands of violation records is timed too).
"""

from __future__ import annotations

import time
from dataclasses import replace

from geometry.checks import CHECKS, run_checks
from geometry.derive.openings import opening_table
from geometry.derive.pairs import merge_graph
from geometry.model.design import Design, example_grid_design
from geometry.model.layouts import GridLayout


def _time(design: Design, label: str, repeats: int = 5) -> None:
    opening_table.cache_clear()
    merge_graph.cache_clear()
    t0 = time.perf_counter()
    every = set(CHECKS)  # an explicit selection bypasses run_checks' cache of full reports
    report = run_checks(design, only=every)
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run_checks(design, only=every)
        warm.append(time.perf_counter() - t0)
    n = len(design.sites())
    print(f"{label}: {n} sites, {len(report.violations)} violations,"
          f" cold {cold * 1000:.1f} ms, warm {min(warm) * 1000:.1f} ms")


def main() -> None:
    """Print the timings."""
    clean = example_grid_design(100, 100)
    _time(clean, "clean 100 x 100 grid, 0.8 mm pitch")
    crowded = replace(clean, layout=GridLayout(100, 100, 0.5))
    _time(crowded, "crowded 100 x 100 grid, 0.5 mm pitch")


if __name__ == "__main__":
    main()
