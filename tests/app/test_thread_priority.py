"""The window's background threads (analysis, render pool) run below the GUI thread's priority, so a busy
machine paints first."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from geometry.base.threads import BACKGROUND_NICE, yield_to_foreground

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")


def _nice(thread: threading.Thread) -> int:
    assert thread.native_id is not None
    return os.getpriority(os.PRIO_PROCESS, thread.native_id)


def test_a_thread_lowers_its_own_priority_only() -> None:
    seen: list[int] = []

    def body() -> None:
        yield_to_foreground()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    t = threading.Thread(target=body)
    t.start()
    t.join()
    own = _nice(threading.main_thread())
    assert seen == [min(19, own + BACKGROUND_NICE)]
    assert _nice(threading.main_thread()) == own


def test_the_analysis_and_render_threads_yield_to_the_gui_thread(main_window_4x4, wait_for_result,  # type: ignore[no-untyped-def]
                                                                  qtbot) -> None:
    w = main_window_4x4
    wait_for_result(w.runner)
    qtbot.waitUntil(w.top_view.background_idle, timeout=10_000)
    gui = _nice(threading.main_thread())
    names = {t.name: t for t in threading.enumerate()}
    analysis = names["analysis"]
    render = [t for n, t in names.items() if n.startswith("lod-cache")]
    assert render, "the render pool has run"
    assert _nice(analysis) > gui and all(_nice(t) > gui for t in render)
