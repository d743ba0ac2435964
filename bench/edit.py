"""The ``edit-1m`` step of issue 12: single-site edits on a 1M-site jittered explicit design.

The design: 1000 x 1000 explicit sites at 0.4 mm pitch, jittered by up to 3 um (seeded), D 0.25 mm, 130 um
laser-cut stainless tapered at 60 degrees (the 100k array's geometry: lower outlines merge into one region with a
metal island in every cell). After the first full analysis, 50 random single-site edits (a profile override, a
move by a few um, a depopulation) go through one :class:`geometry.analysis.live.LiveAnalysis`; each update's
wall time is measured, and its CPU time beside it, since the machine may be shared (the design edit itself,
``geometry.model.operations``, and building the new design's sites and opening table are outside it and reported
apart). ``python -m bench edit [--quick] [--side=N]``;
``--quick`` uses 300 x 300 sites, ``--side=N`` N x N.

The ``model-edit-1m`` step (``python -m bench edit --model``) times the model's side of an edit alone: the edit
(``geometry.model.operations``), ``design.sites()`` of the edited design and its ``opening_table``, each as the
median of MODEL_EDITS random single-site edits (target ~10 ms each), after one edit that pays for sorting the
layout's names once; the from-scratch references (``build_sites_full``, ``opening_table_full``) are timed once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import Pad
from geometry.model.layouts.explicit import ExplicitLayout, SiteColumns
from geometry.model.mask import Mask
from geometry.model.profiles import Tapered

EDITS = 50
TARGET_MS = 100.0
MODEL_EDITS = 20
MODEL_TARGET_MS = 10.0


def jittered_design(n_side: int, seed: int = 12, jitter_mm: float = 0.003) -> Design:
    """The benchmark design (see the module docstring)."""
    rng = np.random.default_rng(seed)
    ix, iy = np.meshgrid(np.arange(n_side), np.arange(n_side))
    n = ix.size
    x = ix.ravel() * 0.4 + rng.uniform(-jitter_mm, jitter_mm, n)
    y = iy.ravel() * 0.4 + rng.uniform(-jitter_mm, jitter_mm, n)
    names = np.char.add("S", np.arange(n).astype(str))
    return Design(Ball(0.25), Pad(0.2), ExplicitLayout(SiteColumns(names, x, y)), Mask(0.13, "laser-cut-stainless"),
                  Tapered(60.0), name="bench-edit")


def run_edit(quick: bool, say: Callable[[str], None], n_side: int | None = None) -> None:
    """First full analysis, then EDITS single-site edits; prints the median and 95th percentile update times."""
    from geometry.analysis.live import LiveAnalysis
    from geometry.derive.openings import opening_table
    from geometry.model import operations as op

    n_side = n_side or (300 if quick else 1000)
    rng = np.random.default_rng(7)
    design = jittered_design(n_side)
    live = LiveAnalysis()
    t0 = time.perf_counter()
    live.update(design)
    full_s = time.perf_counter() - t0
    times: list[float] = []
    cpu: list[float] = []
    prep: list[float] = []
    for k in range(EDITS):
        name = f"S{int(rng.integers(n_side)) * n_side + int(rng.integers(n_side))}"
        t1 = time.perf_counter()
        kind = k % 3
        if kind == 0:
            design = op.set_profile(design, [name], Tapered(float(rng.choice([55.0, 58.0]))))
        elif kind == 1:
            dx, dy = (float(v) for v in rng.uniform(-0.004, 0.004, 2))
            design = op.move_sites(design, [name], dx, dy)
        else:
            design = op.depopulate(design, [name])
        opening_table(design)  # the model's part of an edit (sites and openings of the new design)
        t2, c2 = time.perf_counter(), time.process_time()
        res = live.update(design)
        t3, c3 = time.perf_counter(), time.process_time()
        prep.append(t2 - t1)
        times.append(t3 - t2)
        cpu.append(c3 - c2)
        if res.full:
            say(f"edit-1m: edit {k} ({name}) fell back: {res.fallback}")
    ms = np.asarray(times) * 1000.0
    med, p95 = float(np.median(ms)), float(np.percentile(ms, 95))
    cpu_ms = np.asarray(cpu) * 1000.0
    falls = sum(live.fallbacks.values())
    verdict = "ok" if med <= TARGET_MS else "MISSES"
    say(f"edit-1m: {n_side * n_side:,} sites, median {med:.0f} ms, 95th {p95:.0f} ms, full {full_s:.1f} s, "
        f"fallbacks {falls} of {EDITS}  (target median <= {TARGET_MS:.0f} ms: {verdict}); CPU median "
        f"{np.median(cpu_ms):.0f} ms, 95th {np.percentile(cpu_ms, 95):.0f} ms (the process's, on a shared machine)")
    say(f"edit-1m: the model's edit and new opening table outside the update: median {np.median(prep) * 1000:.0f} ms")
    t4 = time.perf_counter()
    relief = live.result.relief if live.result is not None else None
    say(f"edit-1m: assembling the Relief of the last design on demand: {time.perf_counter() - t4:.2f} s "
        f"({relief.n_regions if relief is not None else 0} regions)")


def _single_edit(design: Design, k: int, name: str, rng: np.random.Generator) -> tuple[str, Design]:
    """Edit ``k`` of the cycle: a profile override, a move by a few um, a depopulation."""
    from geometry.model import operations as op

    kind = k % 3
    if kind == 0:
        return "override", op.set_profile(design, [name], Tapered(float(rng.choice([55.0, 58.0]))))
    if kind == 1:
        dx, dy = (float(v) for v in rng.uniform(-0.004, 0.004, 2))
        return "move", op.move_sites(design, [name], dx, dy)
    return "depopulate", op.depopulate(design, [name])


def run_model_edit(quick: bool, say: Callable[[str], None], n_side: int | None = None) -> None:
    """The ``model-edit-1m`` step: median ms of the edit, the new sites and the new opening table."""
    from bench.memory import max_rss_mb
    from geometry.derive.openings import opening_table, opening_table_full
    from geometry.model.layouts.edits import build_sites_full

    n_side = n_side or (300 if quick else 1000)
    rng = np.random.default_rng(7)
    t0 = time.perf_counter()
    design = jittered_design(n_side)
    design.sites()
    opening_table(design)
    cold = time.perf_counter() - t0
    spent: dict[str, dict[str, list[float]]] = {"edit": {}, "sites": {}, "table": {}}
    cpu: dict[str, dict[str, list[float]]] = {"edit": {}, "sites": {}, "table": {}}
    first = 0.0
    for k in range(MODEL_EDITS + 1):
        name = f"S{int(rng.integers(n_side * n_side))}"
        t1, c1 = time.perf_counter(), time.process_time()
        kind, design = _single_edit(design, k, name, rng)
        t2, c2 = time.perf_counter(), time.process_time()
        design.sites()
        t3, c3 = time.perf_counter(), time.process_time()
        opening_table(design)
        t4, c4 = time.perf_counter(), time.process_time()
        if k == 0:  # the first lookup sorts the layout's names (once per layout value)
            first = t4 - t1
            continue
        for step, dt, dc in (("edit", t2 - t1, c2 - c1), ("sites", t3 - t2, c3 - c2), ("table", t4 - t3, c4 - c3)):
            spent[step].setdefault(kind, []).append(dt * 1000.0)
            cpu[step].setdefault(kind, []).append(dc * 1000.0)
    say(f"model-edit-1m: {n_side * n_side:,} sites; design, sites and table cold {cold:.1f} s; first edit "
        f"(sorts the names) {first * 1000:.0f} ms; {MODEL_EDITS} edits, median ms (target <= {MODEL_TARGET_MS:.0f}):")
    for step, kinds in spent.items():
        every = [v for vs in kinds.values() for v in vs]
        per = ", ".join(f"{kind} {np.median(vs):.1f}" for kind, vs in kinds.items())
        per_cpu = ", ".join(f"{kind} {np.median(vs):.1f}" for kind, vs in cpu[step].items())
        verdict = "ok" if np.median(every) <= MODEL_TARGET_MS else "MISSES"
        say(f"model-edit-1m:   {step:<5} median {np.median(every):6.1f} ms  ({per})  {verdict}; CPU ({per_cpu})")
    t5 = time.perf_counter()
    build_sites_full(design.layout, design.pad, design.edits)
    t6 = time.perf_counter()
    opening_table_full(design)
    t7 = time.perf_counter()
    say(f"model-edit-1m: references from scratch: build_sites_full {(t6 - t5) * 1000:.0f} ms, opening_table_full "
        f"{(t7 - t6) * 1000:.0f} ms; peak RSS {max_rss_mb():.0f} MB")


WHAT = "edit-1m: single-site edits on a 1M jittered explicit design, incremental vs full; model-edit-1m"


def run_group(_out_dir: Path, say: Callable[[str], None], quick: bool) -> None:
    """The edit group of ``python -m bench``: the model's side of an edit, then edit-1m."""
    run_model_edit(quick, say)
    run_edit(quick, say)


def cli(argv: list[str]) -> None:
    """``python -m bench edit [--quick] [--side=N] [--model]``."""
    from geometry.base.allocator import keep_freed_memory

    keep_freed_memory()  # as the ballmask command does
    side = next((int(a.split("=")[1]) for a in argv if a.startswith("--side=")), None)
    def say(text: str) -> None:
        print(text, flush=True)

    if "--model" in argv:
        run_model_edit("--quick" in argv, say, side)
    else:
        run_edit("--quick" in argv, say, side)


if __name__ == "__main__":
    import sys

    cli(sys.argv[1:])
