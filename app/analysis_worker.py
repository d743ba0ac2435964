"""The document's analysis (relief and findings) off the GUI thread: one background thread, the newest design wins.

A 1M-site design takes minutes to relieve and check; on the GUI thread that froze the window. The window hands
each design to an :class:`AnalysisWorker` instead. The worker numbers the designs it is given (a generation
counter); the run in progress polls ``cancel`` between steps of :meth:`LiveAnalysis.update`, which returns True
as soon as a newer design is queued (or the user pressed Cancel), so an edit never waits for the analysis of an
older design. Only complete results are handed back, on the GUI thread, through a queued signal; a cancelled run
leaves the last complete result the current one.

One daemon thread serves every worker of the process (several windows queue behind each other). It is not the
raster pool of :mod:`app.render.lod_worker`: a minute of analysis there would hold back the raster levels that
pan and zoom need. A daemon thread also lets the application quit in the middle of a run.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6 import QtCore

from app.gc_policy import collect_on_gui_thread, release_on_gui_thread
from app.render.shape_arrays import prepare_rings
from geometry.analysis.live import Cancelled, LiveAnalysis, LiveResult
from geometry.base.threads import yield_to_foreground
from geometry.model.design import Design

PROGRESS_EVERY_S = 0.05  # progress reaches the GUI thread at most this often (the status bar needs no more)


@dataclass(frozen=True)
class Outcome:
    """How the run of one generation ended: a result, cancelled, or an error (its message)."""

    generation: int
    design: Design
    result: LiveResult | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def cancelled(self) -> bool:
        """Whether the run stopped on ``cancel`` (neither a result nor an error)."""
        return self.result is None and self.error is None


class _Relay(QtCore.QObject):
    """Lives on the GUI thread: a call emitted from the analysis thread is run there (queued connection)."""

    call = QtCore.Signal(object)

    def __init__(self) -> None:
        super().__init__()
        collect_on_gui_thread()  # before any background thread of this module runs
        self.call.connect(self._run, QtCore.Qt.ConnectionType.QueuedConnection)

    @QtCore.Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        with contextlib.suppress(RuntimeError):  # the receiver was deleted while the run went on
            fn()


class _AnalysisThread:
    """The one background thread of all workers: runs each woken worker's newest design, in turn."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._ready: deque[AnalysisWorker] = deque()
        self._thread: threading.Thread | None = None

    def wake(self, worker: AnalysisWorker) -> None:
        with self._cond:
            if worker not in self._ready:
                self._ready.append(worker)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="analysis", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _loop(self) -> None:
        yield_to_foreground()  # the GUI thread paints first when the cores are busy
        while True:
            with self._cond:
                while not self._ready:
                    self._cond.wait()
                worker = self._ready.popleft()
            worker._run_queued()  # the thread is the worker's own machinery
            release_on_gui_thread(worker)  # a closed window's worker is freed on the GUI thread, never here
            del worker


_THREAD = _AnalysisThread()


class AnalysisWorker(QtCore.QObject):
    """Runs ``analysis.update`` on the analysis thread for the newest submitted design.

    ``finished(outcome)`` fires on the GUI thread after every run (results, errors and cancellations alike; the
    receiver compares the outcome's generation with the newest); ``progress(generation, fraction, text)`` while a
    run goes on.
    """

    finished = QtCore.Signal(object)
    progress = QtCore.Signal(int, float, str)

    def __init__(self, analysis: LiveAnalysis | None = None, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.analysis = analysis if analysis is not None else LiveAnalysis()
        self._relay = _Relay()
        self._lock = threading.Condition()
        self._generation = 0
        self._cancelled_upto = 0  # generations up to this one were cancelled by the user
        self._queued: tuple[int, Design] | None = None
        self._running: int | None = None
        self._latest: Outcome | None = None  # the newest finished run (read by wait)

    @property
    def generation(self) -> int:
        """The number of the newest submitted design."""
        return self._generation

    @property
    def running(self) -> bool:
        """Whether a run is queued or in progress."""
        with self._lock:
            return self._queued is not None or self._running is not None

    def submit(self, design: Design) -> int:
        """Queue ``design`` (an older queued or running one is cancelled) and return its generation."""
        with self._lock:
            self._generation += 1
            self._queued = (self._generation, design)
            gen = self._generation
        _THREAD.wake(self)
        return gen

    def cancel(self) -> None:
        """Stop the run in progress and drop the queued one: the last complete result stays the current one."""
        with self._lock:
            self._cancelled_upto = self._generation
            self._queued = None
            self._lock.notify_all()

    def _is_cancelled(self, gen: int) -> bool:
        # read without the lock: two ints, written under it; a stale read only delays the cancel by one poll
        return gen != self._generation or gen <= self._cancelled_upto

    def wait(self, generation: int, timeout_s: float) -> Outcome | None:
        """Block (at most ``timeout_s``) until the run of ``generation`` or a newer one has ended; its outcome,
        or None on timeout (or when it was dropped unrun by a cancel)."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while True:
                latest = self._latest
                if latest is not None and latest.generation >= generation:
                    return latest
                if generation <= self._cancelled_upto and self._running != generation:
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._lock.wait(left)

    def _run_queued(self) -> None:
        """On the analysis thread: the newest queued design, if any."""
        with self._lock:
            if self._queued is None:
                return
            gen, design = self._queued
            self._queued = None
            self._running = gen
        last = [0.0]

        def progress(fraction: float, text: str) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S or fraction >= 1.0:
                last[0] = now
                self._relay.call.emit(lambda: self.progress.emit(gen, fraction, text))

        start = time.perf_counter()
        try:
            result = self.analysis.update(design, lambda: self._is_cancelled(gen), progress)
            design.layout.pitch_hint_mm()  # cached here: the views draw findings at the pitch (a KD-tree at 1M)
            prepare_rings(result.relief.rings)  # the top view's index of the relief (seconds for a wafer's)
            outcome = Outcome(gen, design, result=result, seconds=time.perf_counter() - start)
        except Cancelled:
            outcome = Outcome(gen, design, seconds=time.perf_counter() - start)
        except Exception as e:  # (any failure of the analysis is shown, never kills the thread)
            outcome = Outcome(gen, design, error=f"{type(e).__name__}: {e}", seconds=time.perf_counter() - start)
        with self._lock:
            self._running = None
            self._latest = outcome
            self._lock.notify_all()
        with contextlib.suppress(RuntimeError):  # the window is gone
            self._relay.call.emit(lambda: self.finished.emit(outcome))


class LatestOnly(QtCore.QObject):
    """A side computation of a view (a cross-section of a 1M-site design) on a daemon thread of its own.

    Only the newest submitted call matters: a queued older one is dropped, and a result is applied (on the GUI
    thread) only if no newer call was submitted meanwhile. Its own thread, so it never waits behind the analysis.
    """

    def __init__(self, name: str, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._relay = _Relay()
        self._cond = threading.Condition()
        self._generation = 0
        self._queued: tuple[int, Callable[[], object], Callable[[object], None],
                            Callable[[str], None]] | None = None
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        """Whether a call is queued or its result not yet applied."""
        return self._queued is not None or self._applied < self._generation

    _applied = 0

    def submit(self, work: Callable[[], object], apply: Callable[[object], None],
               failed: Callable[[str], None] = lambda _m: None) -> None:
        """Run ``work`` off the GUI thread, then ``apply(result)`` on it (or ``failed(message)``), if still newest."""
        with self._cond:
            self._generation += 1
            self._queued = (self._generation, work, apply, failed)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify()

    def _loop(self) -> None:
        yield_to_foreground()
        while True:
            with self._cond:
                while self._queued is None:
                    self._cond.wait()
                gen, work, apply, failed = self._queued
                self._queued = None
            try:
                done: Callable[[], None] = partial(apply, work())
            except Exception as e:  # a failed side computation is reported, never kills the thread
                done = partial(failed, f"{type(e).__name__}: {e}")
            with contextlib.suppress(RuntimeError):
                self._relay.call.emit(partial(self._deliver, gen, done))
            release_on_gui_thread((work, apply, failed, done))  # they may hold a view: freed on the GUI thread
            del work, apply, failed, done

    def _deliver(self, gen: int, done: Callable[[], None]) -> None:
        if gen == self._generation:
            self._applied = gen
            done()
