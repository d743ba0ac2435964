"""Cyclic garbage and parked references are freed on the GUI thread, never on a background thread.

A closed window's widgets freed by the collector on the analysis thread deadlocked Qt (both threads in a
QObject destructor); these tests record on which thread a finaliser runs.
"""

from __future__ import annotations

import gc
import threading

import pytest

from app import gc_policy


class _Witness:
    """Records the thread its finaliser ran on."""

    freed_on: list[str]

    def __init__(self, freed_on: list[str]) -> None:
        self.freed_on = freed_on
        self.me = self  # a cycle: only the collector frees it

    def __del__(self) -> None:
        self.freed_on.append(threading.current_thread().name)


def _allocate_much() -> list[list[int]]:
    # far more live containers than the first generation's threshold: automatic collection would run here
    return [[i] for i in range(50 * gc.get_threshold()[0])]


def test_the_collector_runs_on_the_gui_thread_only(qapp) -> None:  # type: ignore[no-untyped-def]
    gc_policy.collect_on_gui_thread()
    assert not gc.isenabled()
    freed_on: list[str] = []
    _Witness(freed_on)
    worker = threading.Thread(target=_allocate_much, name="background")
    worker.start()
    worker.join()
    assert freed_on == []  # the background thread's allocations did not collect
    gc.collect()  # what the policy's timer does when the counts are due
    assert freed_on == [threading.main_thread().name]


def test_the_timer_collects_when_the_counts_are_due(qapp, qtbot) -> None:  # type: ignore[no-untyped-def]
    gc_policy.collect_on_gui_thread()
    freed_on: list[str] = []
    _Witness(freed_on)
    junk = _allocate_much()
    qtbot.waitUntil(lambda: freed_on == [threading.main_thread().name], timeout=5 * gc_policy.INTERVAL_MS)
    assert len(junk) > 0


def test_a_parked_reference_is_dropped_on_the_gui_thread(qapp) -> None:  # type: ignore[no-untyped-def]
    gc_policy.collect_on_gui_thread()
    freed_on: list[str] = []

    class Plain:
        def __del__(self) -> None:
            freed_on.append(threading.current_thread().name)

    def background() -> None:
        obj = Plain()
        gc_policy.release_on_gui_thread(obj)
        del obj

    worker = threading.Thread(target=background, name="background")
    worker.start()
    worker.join()
    assert freed_on == []
    gc_policy.collect_due()
    assert freed_on == [threading.main_thread().name]


def test_installed_once_per_application(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6 import QtCore

    gc_policy.collect_on_gui_thread()
    gc_policy.collect_on_gui_thread()
    timers = [t for t in qapp.findChildren(QtCore.QTimer) if t.interval() == gc_policy.INTERVAL_MS]
    assert len(timers) == 1


def _due_state() -> list[list[object]]:
    """Counts past all three thresholds, as after a long run of allocations with the collector off."""
    t0, t1, t2 = gc.get_threshold()
    for _ in range(t2 + 1):
        gc.collect(1)  # each raises the oldest generation's count by one
    for _ in range(t1 + 1):
        gc.collect(0)
    young: list[list[object]] = [[] for _ in range(2 * t0)]  # counted as allocated while alive
    assert gc.get_count()[0] > t0 and gc.get_count()[1] > t1 and gc.get_count()[2] > t2
    return young


def test_the_oldest_generation_waits_for_a_quarter_more(monkeypatch: pytest.MonkeyPatch) -> None:
    """The automatic collector's rule: a full pass only when what moved into the oldest generation since its last
    pass is a quarter of what it held (else a million findings are walked every few seconds on the GUI thread)."""
    was = gc.isenabled()
    gc.disable()
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        monkeypatch.setattr(gc_policy, "_young_survivors", [0, 4_000_000])
        young = _due_state()
        kept = [[k] for k in range(50_000)]  # survive into the oldest generation
        seen.clear()
        gc_policy.collect_due()
        assert seen == [1]
        assert gc_policy._young_survivors[0] >= len(kept)
        monkeypatch.setattr(gc_policy, "_young_survivors", [1_000_000, 4_000_000])
        del young, kept
        young = _due_state()
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        seen.clear()
        assert gc_policy.collect_due() >= 1  # the cycle, found by the full pass
        assert seen == [2]
        assert gc_policy._young_survivors[0] == 0
        del young
    finally:
        gc.callbacks.remove(note)
        if was:
            gc.enable()
