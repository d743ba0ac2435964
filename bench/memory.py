"""Timing and peak memory of one step: wall time, and the peak resident set size sampled every 5 ms.

tracemalloc would see numpy's buffers too, but it slows down code that makes millions of small objects (the
text formatters) by a factor, so the timings would lie; sampling /proc/self/statm from a thread costs nothing.
"""

from __future__ import annotations

import gc
import os
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """Current resident set size in MB."""
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * _PAGE / 2**20


def max_rss_mb() -> float:
    """Peak resident set size of the process so far, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass
class Step:
    """One measured step."""

    label: str
    seconds: float
    peak_mb: float
    result: Any = None


def measure(label: str, fn: Callable[[], Any], *, fresh: bool = True) -> Step:
    """Run ``fn`` once; its wall time and the peak RSS seen while it ran.

    Memory the process kept for reuse (:mod:`geometry.base.allocator`) is handed back first, so a step's peak
    counts what it holds and reuses itself, not what earlier steps freed; the step also starts as a fresh
    process would, with that memory still to be faulted in. ``fresh=False`` keeps it: an edit in a running
    window has the memory of the results before it at hand (on this machine's VM a page faulted in anew costs
    ~3 ms a MB: a wafer's relief of 4 M vertices, 46 ms with its memory at hand, took 300 ms after a trim).
    """
    from geometry.base.allocator import release_freed_memory

    gc.collect()
    if fresh:
        release_freed_memory()
    peak = [rss_mb()]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb())
            stop.wait(0.005)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    t0 = time.perf_counter()
    try:
        result = fn()
    finally:
        dt = time.perf_counter() - t0
        stop.set()
        th.join()
    peak[0] = max(peak[0], rss_mb())
    return Step(label, dt, peak[0], result)
