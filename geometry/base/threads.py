"""One vectorised computation split over the machine's cores, in threads.

numpy releases the interpreter lock inside its array loops (arithmetic, gathers, sorts), so independent chunks
of one large computation (the circles of a relief, the holes of the island measure) run side by side in threads,
with no copies to other processes. Small inputs stay in the calling thread: below a few hundred thousand
elements a thread costs more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 4
"""More threads than this gain nothing on the array sizes of a design (memory bandwidth is the limit)."""


_limit: list[int | None] = [None]


def limit_workers(n: int | None) -> None:
    """Split large computations over at most ``n`` threads from now on (None: as many as there are cores). The
    window keeps a core for painting: its analysis thread then works alone on a two-core machine."""
    _limit[0] = None if n is None else max(1, int(n))


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def workers() -> int:
    """How many threads a large computation is split over: the cores this process may use, at most
    :data:`MAX_WORKERS` and the limit set by :func:`limit_workers`."""
    n = min(MAX_WORKERS, cores())
    if _limit[0] is not None:
        n = min(n, _limit[0])
    return max(1, n)


def chunk_count(n_items: int, min_items: int, per_chunk: int | None = None) -> int:
    """Chunks for ``n_items`` elements of work: one when there are fewer than ``min_items``, else one per worker,
    or more so that none holds over ``per_chunk`` (each chunk's temporaries are in memory at once, a worker's
    one at a time, so smaller chunks lower the peak)."""
    if n_items < min_items:
        return 1
    more = -(-n_items // per_chunk) if per_chunk else 1
    return max(workers(), more)


def thread_map(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[fn(x) for x in items]``, the items in :func:`workers` threads when there are several (results in the
    items' order)."""
    if len(items) < 2 or workers() < 2:
        return [fn(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor  # imported when first needed: a small design never is

    with ThreadPoolExecutor(max_workers=min(len(items), workers())) as pool:
        return list(pool.map(fn, items))


BACKGROUND_NICE = 10
"""How much less of the CPU a background thread of the window asks for than the GUI thread (Linux nice steps)."""


def yield_to_foreground() -> None:
    """Give the calling thread a lower scheduling priority (its own nice value; the threads it starts inherit it),
    so on a machine with fewer free cores than busy threads the thread that paints is run first. No-op where a
    thread's priority cannot be set this way."""
    import os
    import threading

    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + BACKGROUND_NICE))
    except (AttributeError, OSError):
        pass
