"""The background worker of the top view's layers: one thread for all of them, and each layer's queue of jobs.

A job runs numpy work on the worker thread and hands its result to the GUI thread, where it is applied only if
the layer's content is still the one the job was started for.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6 import QtCore

from app.gc_policy import collect_on_gui_thread
from app.render import raster
from geometry.base.threads import yield_to_foreground

SKIPPED = object()  # the result of a background job dropped because it was no longer wanted

_POOL: list[ThreadPoolExecutor] = []
_QUEUES: tuple[deque[Callable[[], None]], deque[Callable[[], None]]] = (deque(), deque())
"""Jobs waiting for the worker: those asked to go first (a layer's fine grids: every zoomed-in frame of a large
layer draws whole coarse cells until they exist) and the rest (raster levels: seconds of them when a result
brings new content to several layers), each in the order submitted."""
_QUEUE_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """The one background worker of all layers (numpy work; the GUI thread keeps the other core)."""
    if not _POOL:
        # hand the GIL back to the GUI thread within 1 ms (default 5 ms: a paint waiting on the worker several
        # times would lose a frame)
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
        _POOL.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="lod-cache",
                                        initializer=yield_to_foreground))
    return _POOL[0]


def _run_next() -> None:
    """One queued job, the first-going ones before the rest (one call per job submitted, so none is left)."""
    with _QUEUE_LOCK:
        job = _QUEUES[0].popleft() if _QUEUES[0] else _QUEUES[1].popleft()
    job()


def _enqueue(job: Callable[[], None], first: bool) -> None:
    with _QUEUE_LOCK:
        _QUEUES[0 if first else 1].append(job)
    _pool().submit(_run_next)


class _Relay(QtCore.QObject):
    """Hands a background result to the GUI thread: it lives there, so the connection is queued."""

    done = QtCore.Signal(object)

    def __init__(self) -> None:
        super().__init__()
        collect_on_gui_thread()  # before the worker thread runs
        self.done.connect(self._deliver, QtCore.Qt.ConnectionType.QueuedConnection)

    @QtCore.Slot(object)
    def _deliver(self, apply: Callable[[], None]) -> None:
        with contextlib.suppress(RuntimeError):  # the layer was deleted while its job ran
            apply()


JobKey = tuple[object, ...]


class Jobs:
    """One layer's background jobs, by key; ``finished(key, result)`` is called on the GUI thread after each
    (``result`` is an exception the job raised, :data:`SKIPPED`, or what ``apply`` was given)."""

    def __init__(self, finished: Callable[[JobKey, Any], None]) -> None:
        self._relay = _Relay()
        self._finished = finished
        self._generation = 0
        self._keys: set[JobKey] = set()

    def reset(self) -> None:
        """Forget every job: results of jobs started for earlier content are dropped."""
        self._generation += 1
        self._keys = set()

    def __contains__(self, key: JobKey) -> bool:
        return key in self._keys

    def __bool__(self) -> bool:
        return bool(self._keys)

    def submit(self, key: JobKey, work: Callable[[], Any], apply: Callable[[Any], None],
               still_wanted: Callable[[], bool] | None = None, first: bool = False) -> None:
        """Run ``work`` on the worker thread, then ``apply`` its result on the GUI thread (current content only).
        A job whose ``still_wanted`` is false when its turn comes (a tile the view has moved away from) is dropped.
        ``first`` jobs run before every job not so marked that is still waiting (of any layer)."""
        if key in self._keys:
            return
        gen, relay = self._generation, self._relay
        self._keys.add(key)

        def run() -> None:
            if gen != self._generation:
                return
            try:
                raster.pause_for_gui()
                result = work() if still_wanted is None or still_wanted() else SKIPPED
            except Exception as e:  # the GUI thread notes the failure (_finish)
                result = e
            with contextlib.suppress(RuntimeError):  # the relay is gone with its view
                relay.done.emit(lambda: self._finish(gen, key, apply, result))

        _enqueue(run, first)

    def _finish(self, gen: int, key: JobKey, apply: Callable[[Any], None], result: Any) -> None:
        if gen != self._generation:
            return
        self._keys.discard(key)
        if not isinstance(result, Exception) and result is not SKIPPED:
            apply(result)
        self._finished(key, result)
