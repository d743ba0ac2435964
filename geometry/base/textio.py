"""Reading input files within bounds, and numbers in text as plain ASCII decimals.

Every reader (design file, site CSV, residue CSV, importers) goes through :func:`read_bounded`, so a device file
such as ``/dev/zero`` or a FIFO is refused at once instead of read until memory runs out, and a file larger than
the documented limit is refused before it is read.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from geometry.base.errors import DesignError

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def read_bounded(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; :class:`DesignError` naming the file otherwise."""
    p = Path(path)
    try:
        st = os.stat(p)
    except OSError as e:
        raise DesignError(str(p), str(p), f"cannot read the {what}: {e.strerror or e}") from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a device, pipe or socket"
        raise DesignError(str(p), str(p), f"is {kind}, not a {what}")
    if st.st_size > limit:
        raise DesignError(str(p), st.st_size, f"the {what} is larger than the limit of {limit:,} bytes")
    try:
        with open(p, "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise DesignError(str(p), str(p), f"cannot read the {what}: {e.strerror or e}") from None
    if len(data) > limit:  # grew while being read
        raise DesignError(str(p), len(data), f"the {what} is larger than the limit of {limit:,} bytes")
    return data


def decode_text(data: bytes, where: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped); :class:`DesignError` naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise DesignError(f"{where} line {line}, byte {e.start}".strip(), data[e.start:e.start + 1],
                          "is not UTF-8 text") from None


def parse_decimal(text: str) -> float | None:
    """``text`` as a number when it is an ASCII decimal (``-1.5``, ``2e-3``), else None.

    Python's float() also accepts ``2_5``, ``inf``, ``nan``, Arabic-Indic and full-width digits; a measurement
    file holding those is a damaged file, not a number.
    """
    if len(text) > 100 or not _DECIMAL.fullmatch(text):
        return None
    return float(text)


def csv_rows(text: str, where: str) -> list[tuple[list[str], int]]:
    """The rows of CSV text, each with the number of the line it ends on; :class:`DesignError` naming the line
    for a malformed file (a cell longer than MAX_CSV_CELL_CHARS, a NUL byte, an unclosed quote)."""
    import csv
    import io

    from geometry.base.limits import MAX_CSV_CELL_CHARS

    reader = csv.reader(io.StringIO(text))
    out: list[tuple[list[str], int]] = []
    try:
        for row in reader:
            out.append((row, reader.line_num))
    except csv.Error as e:
        problem = (f"a cell is longer than {MAX_CSV_CELL_CHARS:,} characters" if "field larger" in str(e)
                   else f"is not valid CSV: {e}")
        raise DesignError(f"{where} line {reader.line_num}", "", problem) from None
    return out


def read_csv_file(source: Path, label: str | None) -> tuple[str, str]:
    """The text of a CSV file (regular, at most MAX_CSV_FILE_BYTES, UTF-8) and the name messages use."""
    from geometry.base.limits import MAX_CSV_FILE_BYTES

    where = label or source.name
    return decode_text(read_bounded(source, MAX_CSV_FILE_BYTES, "CSV file"), where), where
