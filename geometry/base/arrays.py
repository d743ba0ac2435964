"""Array helpers that keep a cold command light (issue 12).

``np.unique(a)`` without ``return_index``/``return_inverse``/``return_counts`` asks ``np.ma.is_masked`` first
(numpy 2.x), which imports ``numpy.ma``: about 0.02 s of CPU, a tenth of a cold ``ballmask check``, for masked
arrays no code here makes. :func:`distinct` gives the same sorted distinct values without it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

HASH_FROM = 100_000
"""From this many float values on, ``np.unique`` (which imports numpy.ma once) beats the counting path. Integers
always take the counting path: numpy 2.4's plain ``np.unique`` hashes them, which is slower at every size
measured (1M values: 0.05 s against 0.01 s with 2 distinct values, 1.1 s against 0.02 s with all distinct) and
holds the interpreter lock throughout (the window cannot paint meanwhile)."""


def distinct(values: Any) -> NDArray[Any]:
    """The sorted distinct values of ``values`` (flattened), equal to ``np.unique(values)`` (NaNs count once)."""
    a = np.asarray(values).ravel()
    if a.size >= HASH_FROM and a.dtype.kind == "f":
        return np.unique(a)
    # asking for the counts takes numpy's sorting path, which never looks at numpy.ma
    return np.unique(a, return_counts=True)[0]


def distinct_rows(n: int, *rows: NDArray[np.intp]) -> NDArray[np.intp]:
    """The sorted distinct values of index arrays ``rows`` (each in 0 .. n - 1), equal to
    ``np.unique(np.concatenate(rows))``: marked in a mask of n flags, not sorted (linear, and it does not hold the
    interpreter lock for a sort of millions of values while the window paints)."""
    mask = np.zeros(n, dtype=bool)
    for r in rows:
        mask[r] = True
    out: NDArray[np.intp] = np.flatnonzero(mask).astype(np.intp)
    return out
