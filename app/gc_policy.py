"""Python's cyclic garbage is collected on the GUI thread only, and Qt objects are let go there.

The analysis, the raster levels and the background imports run on threads of their own. Left automatic, the
cycle collector runs on whichever thread happens to allocate: on the analysis thread it freed the widgets of a
closed window (a menu and its actions) while the GUI thread was deleting others, and the two Qt destructors
deadlocked on Qt's object mutex (the window hung, and so did the test run that closed many windows). So
:func:`collect_on_gui_thread` turns the automatic collector off and collects, generation by generation as the
collector itself would, from a timer of the application, which runs on the GUI thread.

A background loop that held the last reference to a Qt object (a worker of a closed window) would free it on its
own thread too; :func:`release_on_gui_thread` parks such references until the next tick of that timer.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

INTERVAL_MS = 500  # how often the GUI thread looks at the collector's counts (a look costs microseconds)

_lock = threading.Lock()
_parked: list[Any] = []  # references the background threads let go of; dropped on the GUI thread
_installed_for: list[Any] = []  # the application whose timer collects (one per process)


_young_survivors = [0, 0]
"""[objects moved into the oldest generation since its last collection, objects it held after that collection]:
the automatic collector's own rule, which these calls keep (see :func:`collect_due`)."""


def collect_due() -> int:
    """Collect the generations whose allocation counts passed the collector's thresholds, as automatic collection
    does, and drop the parked references; the number of unreachable objects found.

    As the automatic collector, the oldest generation is collected only when the objects moved into it since its
    last collection are at least a quarter of those it held then: a design's million findings live there, and a
    full pass over them costs a few hundred ms of GUI thread (a frozen frame) every tenth middle collection
    otherwise.
    """
    with _lock:
        parked = _parked[:]
        _parked.clear()
    del parked
    t0, t1, t2 = gc.get_threshold()
    c0, c1, c2 = gc.get_count()
    if c0 <= t0:
        return 0
    if c1 <= t1:
        return gc.collect(0)
    pending, held = _young_survivors
    if c2 > t2 and pending >= held // 4:
        found = gc.collect(2)
        # counted, not estimated: what lived there before the collector was handed to this timer counts too
        # (~50 ms a million objects, beside the pass itself)
        _young_survivors[:] = [0, len(gc.get_objects(2))]
        return found
    young = len(gc.get_objects(0)) + len(gc.get_objects(1))
    found = gc.collect(1)
    _young_survivors[0] = pending + max(0, young - found)
    return found


def collect_on_gui_thread() -> None:
    """Collect cyclic garbage from the GUI thread's timer only (called on the GUI thread before a background
    thread is started; once per application)."""
    from PySide6 import QtCore

    app = QtCore.QCoreApplication.instance()
    if app is None or (_installed_for and _installed_for[0] is app):
        return
    timer = QtCore.QTimer(app)
    timer.setInterval(INTERVAL_MS)
    timer.timeout.connect(collect_due)
    timer.start()
    _installed_for[:] = [app]
    gc.disable()


def release_on_gui_thread(obj: object) -> None:
    """Keep ``obj`` alive until the GUI thread's next collection, so a background thread never frees it."""
    with _lock:
        _parked.append(obj)
