"""JEDEC ball names: rows A, B, ... (skipping I, O, Q, S, X, Z), then AA, AB, ...; columns 1, 2, ...

JEDEC leaves out letters that read like digits or each other, so row 20 is ``Y``, row 21 ``AA``.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import NDArray

ROW_LETTERS = "ABCDEFGHJKLMNPRTUVWY"
_BASE = len(ROW_LETTERS)
_NAME_RE = re.compile(r"^([A-Z]+)(\d+)$")


def row_name(index: int) -> str:
    """Row name for a 0-based row index: 0 -> A, 19 -> Y, 20 -> AA, 39 -> AY, 40 -> BA."""
    if index < 0:
        raise ValueError(f"row index must not be negative (got {index})")
    if index < _BASE:
        return ROW_LETTERS[index]
    # Two or more letters: a bijective numeral over the 20 letters (AA follows Y).
    letters = []
    n = index - _BASE
    width = 2
    while n >= _BASE**width:
        n -= _BASE**width
        width += 1
    for _ in range(width):
        letters.append(ROW_LETTERS[n % _BASE])
        n //= _BASE
    return "".join(reversed(letters))


def row_index(name: str) -> int:
    """Inverse of :func:`row_name`."""
    if not name or any(c not in ROW_LETTERS for c in name):
        raise ValueError(f"not a JEDEC row name: {name!r}")
    width = len(name)
    offset: int = sum(_BASE**w for w in range(1, width))
    n = 0
    for c in name:
        n = n * _BASE + ROW_LETTERS.index(c)
    return offset + n


def split_name(name: str) -> tuple[str, int] | None:
    """``"AB12"`` -> ``("AB", 12)``; None when the name is not JEDEC style."""
    m = _NAME_RE.match(name)
    if not m:
        return None
    return m.group(1), int(m.group(2))


def grid_names(rows: int, cols: int) -> NDArray[np.str_]:
    """Names of a rows x cols grid in row-major order (A1, A2, ..., B1, ...)."""
    row_names = np.array([row_name(r) for r in range(rows)])
    col_names = np.array([str(c + 1) for c in range(cols)])
    return np.char.add(np.repeat(row_names, cols), np.tile(col_names, rows))
