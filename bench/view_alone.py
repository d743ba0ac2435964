"""The wafer and array benchmarks' window steps: the top view alone, in a child process (see :mod:`bench.wafer`).

Opening a :class:`~app.views.top_view.TopView` on the design to its first paint, the background raster levels
after it, and one frame at each of five zoom levels; the full main window at scale is :mod:`bench.window_scale`.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.memory import Step, measure, rss_mb
from bench.wafer import array_design, line, wafer_design
from geometry.model.design import Design


def window_steps(d: Design, label: str) -> list[Step]:
    """Open a top view on the design and render it offscreen; then 5 zoom levels, one frame each."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6 import QtWidgets

        from app.document import Document
        from app.views.top_view import TopView
    except ImportError as e:
        return [Step(f"{label}: window (not available: {e})", float("nan"), float("nan"))]
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    holder: dict[str, Any] = {}

    def open_view() -> None:
        view = TopView(Document(d))
        view.resize(1280, 900)
        view.show()
        view.fit_all()
        app.processEvents()
        view.grab()
        holder["view"] = view

    steps = [measure(f"{label}: window open to first paint", open_view)]
    view = holder["view"]

    def caches() -> None:
        # after the first paint the view builds its other raster levels and fine grids in the background; a user
        # looking at the first picture gives it that time too, so the frames are timed once it reports idle
        while not view.background_idle():
            app.processEvents()
            time.sleep(0.002)

    steps.append(measure(f"{label}: background caches ready after first paint", caches))
    x0, y0, x1, y1 = d.sites().bounds()
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    span = max(x1 - x0, y1 - y0)
    times = []
    modes: list[str] = []
    for k, size in enumerate([span * 1.1, span / 4, span / 20, span / 100, 2.0]):
        # one frame: set the range and let the (offscreen) window paint once; a grab() after it would paint a
        # second time, so the check that something was drawn is made outside the timing. Timed as it is, not by
        # measure(): a frame of a running window has its memory at hand (measure() hands it back to the kernel
        # first, and its memory sampler shares the interpreter with the paint)
        t0 = time.perf_counter()
        view.zoom_to(cx + k * size / 7.0, cy - k * size / 11.0, size)
        app.processEvents()
        times.append(time.perf_counter() - t0)
        modes.append("/".join(sorted({str(view.layers[lid].last_mode) for lid in ("pads", "upper", "lower")})))
        view.grab()
    med = float(np.median(times))
    steps.append(Step(f"{label}: pan/zoom frame, median of 5 zoom levels "
                      f"({', '.join(f'{t * 1000:.0f} {m}' for t, m in zip(times, modes, strict=True))} ms)",
                      med, rss_mb()))
    view.close()
    view.deleteLater()
    app.processEvents()
    return steps


WINDOW_TIMEOUT_S = 180
WINDOW_MEMORY_GB = 6


def window_lines(which: str, dia: float) -> list[str]:
    """The window steps' report lines for the wafer or the array (run in the child process)."""
    d = wafer_design(dia) if which == "wafer" else array_design()
    out = []
    for s in window_steps(d, which):
        if "background" in s.label:
            out.append(line(s))
            continue
        target = "<= 3 s" if "first paint" in s.label else "<= 16 ms median"
        ok = None if math.isnan(s.seconds) else (s.seconds <= 3.0 if "first paint" in s.label
                                                 else s.seconds <= 0.016)
        out.append(line(s, target, ok))
    return out


def window_in_subprocess(which: str, dia: float, say: Callable[[str], None]) -> None:
    """Run the window steps in a child process limited to WINDOW_TIMEOUT_S and WINDOW_MEMORY_GB.

    The top view belongs to the window code; at wafer scale it may take far longer or far more memory than the
    targets, and the benchmark must then report that instead of taking the (shared) machine down.
    """
    import resource
    import subprocess
    import sys

    limit = WINDOW_MEMORY_GB * 2**30

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    code = ("from geometry.base.allocator import keep_freed_memory; keep_freed_memory(); "  # as the window does
            f"from bench.view_alone import window_lines; print('\\n'.join(window_lines({which!r}, {dia!r})))")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                             timeout=WINDOW_TIMEOUT_S, preexec_fn=cap, check=False)
    except subprocess.TimeoutExpired:
        say(f"{which}: window open to first paint: did not finish within {WINDOW_TIMEOUT_S} s"
            f" (limit {WINDOW_MEMORY_GB} GB)  <= 3 s  MISSES")
        return
    if res.returncode != 0:
        err = (res.stderr.strip().splitlines() or ["?"])[-1]
        say(f"{which}: window steps failed (limit {WINDOW_MEMORY_GB} GB, {WINDOW_TIMEOUT_S} s): {err}  MISSES")
        return
    for text in res.stdout.strip().splitlines():
        if text.startswith(which):
            say(text)
