"""Freed memory kept in the process for reuse, instead of handed back to the kernel at every free.

The relief and the checks of a large design make hundreds of temporary arrays of tens of MB. By default glibc
serves an allocation above 32 MB with a fresh mapping and unmaps it on free, and trims the heap when its free top
passes twice the (adaptive) mapping threshold, so each temporary is new memory that the kernel must fault in and
zero page by page. On a virtual machine that costs about 10 us per 4 KB page: measured on the 1M jittered relief,
half of its wall time was system time spent on page faults. Raising the mapping and trim thresholds lets freed
arrays be reused (the process keeps up to :data:`KEEP_BYTES` of free memory); one arena for all threads keeps
the analysis thread's arrays in that same heap. :func:`release_freed_memory` hands the free memory back once the
work is done.

Linux with glibc only; elsewhere (macOS, Windows, musl) these are no-ops and the platform's allocator decides.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache

KEEP_BYTES = 1 << 30
"""Free memory kept for reuse: above this, freed memory at the top of the heap goes back to the kernel."""
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


@cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt  # noqa: B018 - musl and other C libraries have no mallopt
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def keep_freed_memory() -> bool:
    """Keep freed memory for reuse (see the module docstring); True when the C library took the settings."""
    libc = _libc()
    if libc is None:
        return False
    settings = ((_M_MMAP_THRESHOLD, KEEP_BYTES), (_M_TRIM_THRESHOLD, KEEP_BYTES), (_M_ARENA_MAX, 1))
    return all(int(libc.mallopt(ctypes.c_int(p), ctypes.c_int(v))) == 1 for p, v in settings)


def release_freed_memory() -> None:
    """Hand the free memory the process kept back to the kernel (when a long computation is over)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(ctypes.c_size_t(0))
