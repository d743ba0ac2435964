"""Exporters as registered backends behind one interface, and the one function that picks how they write.

Each output format is an :class:`Exporter`: a name (``--format dxf``), a title for menus, the suffix of what it
writes (empty for a folder), the modes it can write in, its ``write`` function, and where it goes in the shop's
package (``package_path``; None for a format that is not part of it). :func:`choose_mode` decides from the
design's repetition and the artwork's entity count whether a backend writes objects (ezdxf, gerber-writer:
audited, slow per entity), streams text (wafer scale), or writes one unit as a block placed at every unit;
the single formats and the package ask it the same question, so the DXF in the package is the DXF of
``--format dxf``, byte for byte.

To add a format: write its ``write(job, target)`` in a module of its own and :func:`register` an
:class:`Exporter` in :mod:`geometry.export.formats`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from geometry.base.errors import DesignError
from geometry.checks.records import CheckReport
from geometry.derive.repetition import Repeated, repetition
from geometry.export.artwork import Artwork
from geometry.export.notes import TitleBlock
from geometry.model.design import Design


class Mode(StrEnum):
    """How a backend writes a design's entities."""

    OBJECT = "object"
    """One library object per entity (ezdxf, gerber-writer), audited: the reference, slow beyond ~20,000."""
    STREAM = "stream"
    """The same entities formatted as text in chunks: wafer scale, read back equal to the object form."""
    BLOCKS = "blocks"
    """One unit's entities once, placed at every unit (DXF BLOCK and INSERT): repeated designs only."""


LARGE_ENTITY_COUNT = 20_000
"""Above this many circles and ring vertices, backends that can stream do."""


@dataclass(frozen=True, eq=False)
class ExportJob:
    """What every backend writes from: the design, its artwork and title block, the check report, the mode."""

    design: Design
    art: Artwork
    title: TitleBlock
    report: CheckReport | None
    mode: Mode = Mode.OBJECT

    def in_mode(self, mode: Mode) -> ExportJob:
        """The same job written in another mode."""
        return replace(self, mode=mode)


WriteFunction = Callable[[ExportJob, Path], list[Path]]
"""Writes a job to a target (a file, or a folder for multi-file formats) atomically; returns the files written."""


@dataclass(frozen=True)
class Exporter:
    """One output format (see the module docstring)."""

    name: str
    title: str
    suffix: str
    modes: frozenset[Mode]
    write: WriteFunction
    package_path: Callable[[str], str] | None = None
    describe: Callable[[str], str] = str
    """The README line of one written file, given its path inside the package."""

    @property
    def is_folder(self) -> bool:
        """Whether the format writes a folder of files (no suffix)."""
        return not self.suffix


REGISTRY: dict[str, Exporter] = {}
"""Every format by name, in registration order (the order of menus and of the package)."""


def register(exporter: Exporter) -> Exporter:
    """Make a format known; a second format of the same name is a programming error."""
    if exporter.name in REGISTRY:
        raise ValueError(f"exporter {exporter.name!r} is registered twice")
    REGISTRY[exporter.name] = exporter
    return exporter


def exporter(name: str) -> Exporter:
    """The format called ``name`` (a DesignError naming the known ones otherwise)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise DesignError("format", name, f"must be one of {', '.join(REGISTRY)}") from None


def art_entity_count(art: Artwork) -> int:
    """Circles and ring vertices over all layers: what the writers loop over."""
    return sum(len(la.circles) + len(la.rings.bulge) for la in art.layers)


def choose_mode(exp: Exporter, design: Design, art: Artwork) -> Mode:
    """The mode ``exp`` writes ``design`` in: blocks when asked for and the units repeat, streaming when large."""
    if Mode.BLOCKS in exp.modes and design.output.blocks and isinstance(repetition(design), Repeated):
        return Mode.BLOCKS
    if Mode.STREAM in exp.modes and art_entity_count(art) > LARGE_ENTITY_COUNT:
        return Mode.STREAM
    return Mode.OBJECT


def write_with(exp: Exporter, job: ExportJob, target: Path) -> list[Path]:
    """Write ``job`` with ``exp`` in the mode :func:`choose_mode` picks for it."""
    return exp.write(job.in_mode(choose_mode(exp, job.design, job.art)), target)
