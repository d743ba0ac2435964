"""Freed memory kept for reuse (geometry.base.allocator): a freed big array's pages are reused, not faulted in
again; measured by the page faults of a child process (each child starts from the C library's defaults)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHILD = """
import resource, sys
import numpy as np
from geometry.base.allocator import keep_freed_memory, release_freed_memory
took = keep_freed_memory() if sys.argv[1] == "keep" else None
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
x = np.ones(8_000_000)  # 64 MB: above the C library's largest default mapping threshold
del x
before = faults()
for _ in range(10):
    x = np.ones(8_000_000)
    del x
print(took, faults() - before)
release_freed_memory()
"""


def _child(mode: str) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True)
    took, faults = out.stdout.split()
    return took, int(faults)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the settings are glibc's (elsewhere a no-op)")
def test_freed_arrays_are_reused_not_faulted_in_again() -> None:
    took, kept = _child("keep")
    _, default = _child("default")
    pages = 10 * 64 * 2**20 // 2**21  # ten arrays in 2 MB huge pages: the fewest faults a fresh mapping costs
    assert took == "True"
    assert default >= pages  # the C library's default maps and unmaps every array
    assert kept < pages // 4  # kept: the first array's pages serve the other ten
