"""The top view's background worker: jobs asked to go first run before waiting raster jobs of any layer."""

from __future__ import annotations

import threading

from app.render.lod_worker import Jobs


def test_first_jobs_overtake_waiting_ones(qtbot) -> None:  # type: ignore[no-untyped-def]
    gate, started = threading.Event(), threading.Event()
    ran: list[str] = []
    finished: list[tuple[object, ...]] = []
    a, b = Jobs(lambda key, _r: finished.append(key)), Jobs(lambda key, _r: finished.append(key))

    def job(name: str, wait: bool = False):  # type: ignore[no-untyped-def]
        def work() -> str:
            if wait:
                started.set()
                assert gate.wait(10.0)
            ran.append(name)
            return name
        return work

    a.submit(("busy",), job("busy", wait=True), lambda _r: None)  # holds the one worker thread
    assert started.wait(10.0)  # (after what earlier tests left queued)
    a.submit(("level", 1), job("level 1"), lambda _r: None)
    b.submit(("level", 2), job("level 2"), lambda _r: None)
    b.submit(("grids",), job("grids b"), lambda _r: None, first=True)
    a.submit(("grids",), job("grids a"), lambda _r: None, first=True)
    gate.set()
    qtbot.waitUntil(lambda: len(finished) == 5, timeout=10_000)
    assert ran == ["busy", "grids b", "grids a", "level 1", "level 2"]
    assert not a and not b
