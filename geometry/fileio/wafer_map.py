"""Wafer maps in: which dies of a wafer exist and which are good, from a SEMI G85 XML map or a SINF text map.

The probe floor sends one of two forms. SEMI G85 (E142 substrate map XML): a ``Device`` with ``Rows``,
``Columns``, a ``NullBin`` code, ``BinType`` (ASCII: one character a die; HexaDecimal: two), the ``Bin`` list with
``BinQuality`` Pass or Fail, and one ``Row`` of bin codes per map row. SINF (the KLA text map): ``ROWCT``,
``COLCT``, ``BCEQU`` (the good bin codes) and one ``RowRdc:`` line of two-character hex codes per row, ``__`` for
no die.

A map cell (row r, column c, both from 1 at the top-left as the map is drawn seen from the upper surface) is the
die ``C{c}R{r}`` of the wafer layout's candidate grid, shifted by an optional offset when the map's first column
or row is not the grid's; :func:`skip_from_map` names every candidate die the map marks null or bad, so the
wafer leaves them out of every export.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from geometry.base.errors import DesignError
from geometry.model.layouts.base import Pad
from geometry.model.layouts.wafer import WaferLayout, die_map

BoolArray = NDArray[np.bool_]
MAX_MAP_BYTES = 64 * 1024 * 1024
MAX_DIES = 1_000_000


@dataclass(frozen=True, eq=False)
class WaferMap:
    """``present`` and ``good`` per map cell, (rows, cols), row 0 at the top."""

    present: BoolArray
    good: BoolArray
    source: str

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the map."""
        r, c = self.present.shape
        return int(r), int(c)


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise DesignError(str(path), "", "is not a readable file")
    if path.stat().st_size > MAX_MAP_BYTES:
        raise DesignError(str(path), path.stat().st_size, f"is larger than a wafer map can be ({MAX_MAP_BYTES} bytes)")
    try:
        return path.read_text(encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, OSError) as e:
        raise DesignError(str(path), "", f"cannot be read as a text wafer map ({type(e).__name__})") from None


def _size(path: Path, rows: int, cols: int) -> None:
    if rows < 1 or cols < 1 or rows * cols > MAX_DIES:
        raise DesignError(str(path), f"{rows} x {cols}", f"is not a wafer map size (1 to {MAX_DIES} dies)")


def read_g85(path: Path) -> WaferMap:
    """A SEMI G85 / E142 XML map."""
    text = _read_text(path)
    try:
        root = ET.fromstring(text)  # a local file the user chose; no external entities are expanded
    except ET.ParseError as e:
        raise DesignError(str(path), f"line {e.position[0]}", "is not well-formed XML") from None
    dev = next((el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "Device"), None)
    if dev is None:
        raise DesignError(str(path), "", "has no Device element (not a SEMI G85 map)")
    try:
        rows, cols = int(dev.get("Rows", "")), int(dev.get("Columns", ""))
    except ValueError:
        raise DesignError(f"{path}: Device", dev.get("Rows"), "needs whole-number Rows and Columns") from None
    _size(path, rows, cols)
    width = 2 if dev.get("BinType", "ASCII").lower().startswith("hex") else 1
    null = dev.get("NullBin", "." if width == 1 else "FF")
    fail = {b.get("BinCode", "") for b in dev.iter() if b.tag.rsplit("}", 1)[-1] == "Bin"
            and b.get("BinQuality", "").lower() == "fail"}
    data = [el.text or "" for el in dev.iter() if el.tag.rsplit("}", 1)[-1] == "Row"]
    if len(data) != rows:
        raise DesignError(f"{path}: Data", len(data), f"has {len(data)} rows, the Device says {rows}")
    present = np.zeros((rows, cols), dtype=bool)
    good = np.zeros((rows, cols), dtype=bool)
    for r, raw in enumerate(data):
        line = raw.strip()
        if len(line) != cols * width:
            raise DesignError(f"{path}: Row {r + 1}", len(line), f"must hold {cols} bin codes of {width} character(s)")
        codes = [line[k:k + width] for k in range(0, len(line), width)]
        present[r] = [c != null for c in codes]
        good[r] = [c != null and c not in fail for c in codes]
    return WaferMap(present, good, str(path))


_SINF_ROW = re.compile(r"^RowRdc:\s*(.*)$")


def read_sinf(path: Path) -> WaferMap:
    """A SINF text map (``__`` no die; codes in BCEQU good, any other code bad)."""
    head: dict[str, str] = {}
    rows_text: list[str] = []
    for n, line in enumerate(_read_text(path).splitlines(), 1):
        m = _SINF_ROW.match(line)
        if m:
            rows_text.append(m.group(1))
        elif ":" in line:
            key, _, value = line.partition(":")
            head[key.strip().upper()] = value.strip()
        elif line.strip():
            raise DesignError(f"{path}: line {n}", line[:40], "is neither a header field nor a RowRdc row")
    try:
        rows, cols = int(head["ROWCT"]), int(head["COLCT"])
    except (KeyError, ValueError):
        raise DesignError(str(path), "", "needs whole-number ROWCT and COLCT (not a SINF map)") from None
    _size(path, rows, cols)
    good_codes = set(head.get("BCEQU", "01").split())
    if len(rows_text) != rows:
        raise DesignError(str(path), len(rows_text), f"has {len(rows_text)} RowRdc rows, ROWCT says {rows}")
    present = np.zeros((rows, cols), dtype=bool)
    good = np.zeros((rows, cols), dtype=bool)
    for r, line in enumerate(rows_text):
        codes = line.split()
        if len(codes) != cols:
            raise DesignError(f"{path}: RowRdc {r + 1}", len(codes), f"must hold {cols} bin codes")
        present[r] = [c != "__" for c in codes]
        good[r] = [c != "__" and c.upper() in {g.upper() for g in good_codes} for c in codes]
    return WaferMap(present, good, str(path))


def read_wafer_map(path: str | Path) -> WaferMap:
    """A G85 XML or SINF map, told apart by content."""
    p = Path(path)
    text = _read_text(p).lstrip()
    return read_g85(p) if text.startswith("<") else read_sinf(p)


def skip_from_map(layout: WaferLayout, wmap: WaferMap, offset: tuple[int, int] = (0, 0)) -> tuple[str, ...]:
    """Names of the candidate dies the map marks null or bad (cells outside the map are left as they are).

    ``offset`` (columns, rows) is added to a map cell's column and row to give the die's, for a map whose first
    column or row is not the candidate grid's.
    """
    dm = die_map(layout, Pad(1e-6))
    r = dm.row - 1 - offset[1]
    c = dm.col - 1 - offset[0]
    rows, cols = wmap.shape
    inside = (r >= 0) & (r < rows) & (c >= 0) & (c < cols)
    bad = np.zeros(len(dm), dtype=bool)
    bad[inside] = ~wmap.good[r[inside], c[inside]]
    return tuple(sorted(dm.name[bad].tolist()))
