"""Pad readers for customers' files (GDS, OASIS, Gerber, DXF, IPC-2581, KiCad, CSV) and the shared recognition.

:func:`read_source` picks the reader by ``fmt`` or, without one, by the file's extension and content; every
reader returns :class:`SourceData` (pad candidates per layer, in mm). :mod:`.recognise` turns one layer into
sites; :mod:`.importing` makes the report and the design's explicit layout.
"""

from __future__ import annotations

from pathlib import Path

from geometry.base.errors import DesignError
from geometry.fileio.importers.base import UNIT_MM, PadCandidates, Shape, SourceData

FORMATS = ("gds", "oasis", "gerber", "dxf", "ipc2581", "kicad", "csv")

_EXTENSIONS = {".gds": "gds", ".gds2": "gds", ".gdsii": "gds", ".oas": "oasis", ".oasis": "oasis",
               ".gbr": "gerber", ".ger": "gerber", ".gts": "gerber", ".gbs": "gerber", ".gtl": "gerber",
               ".gbl": "gerber", ".dxf": "dxf", ".xml": "ipc2581", ".cvg": "ipc2581", ".kicad_mod": "kicad",
               ".csv": "csv"}


def detect_format(path: Path) -> str:  # noqa: PLR0911 - one return per recognised signature
    """The format by extension, else by the first bytes; DesignError when neither tells."""
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is not None:
        return fmt
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError as e:
        raise DesignError(str(path), path.name, f"cannot read the file: {e.strerror or e}") from None
    text = head.lstrip()
    if head[:4] == b"\x00\x06\x00\x02":
        return "gds"
    if head.startswith(b"%SEMI-OASIS"):
        return "oasis"
    if text.startswith((b"%FS", b"G04", b"%TF", b"%MO")):
        return "gerber"
    if text.startswith((b"(footprint", b"(module")):
        return "kicad"
    if b"<IPC-2581" in head:
        return "ipc2581"
    if text.startswith(b"0") and b"SECTION" in head:
        return "dxf"
    raise DesignError(str(path), path.name, f"cannot tell the format: give --format ({', '.join(FORMATS)})")


def read_source(path: Path, fmt: str | None = None, *, circle_tol_mm: float = 0.0005, magnification: float = 1.0,
                pad_mm: float | None = None) -> SourceData:
    """Read a source file with the reader of its format."""
    fmt = fmt or detect_format(path)
    if fmt in ("gds", "oasis"):
        from geometry.fileio.importers.gds import read_gds

        return read_gds(path, fmt=fmt, circle_tol_mm=circle_tol_mm, magnification=magnification)
    if fmt == "gerber":
        from geometry.fileio.importers.gerber import read_gerber

        return read_gerber(path)
    if fmt == "dxf":
        from geometry.fileio.importers.dxf import read_dxf

        return read_dxf(path)
    if fmt == "ipc2581":
        from geometry.fileio.importers.ipc2581 import read_ipc2581

        return read_ipc2581(path)
    if fmt == "kicad":
        from geometry.fileio.importers.kicad import read_kicad

        return read_kicad(path)
    if fmt == "csv":
        from geometry.fileio.importers.csv_sites import read_csv

        return read_csv(path, pad_mm)
    raise DesignError("--format", fmt, f"is not a source format: one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "UNIT_MM", "PadCandidates", "Shape", "SourceData", "detect_format", "read_source"]
