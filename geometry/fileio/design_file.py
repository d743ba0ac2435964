"""The ``.ballmask`` design file: JSON holding a design's parameters, read strictly and written atomically.

A design file is what a designer sends to a colleague or keeps under version control, so it must read back to
exactly the same design, save to exactly the same bytes, and never be left half-written. The layout is documented
in ``docs/file-format.md`` and ``resources/schema/ballmask.schema.json``; the generic rules come from
:mod:`geometry.fileio.codec`.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from geometry.base.atomic import write_bytes_atomic
from geometry.base.errors import DesignError
from geometry.base.limits import MAX_DESIGN_FILE_BYTES
from geometry.base.textio import decode_text, read_bounded
from geometry.base.version import GENERATOR
from geometry.fileio.codec import JSON, Codec, FieldAdapter
from geometry.fileio.guard import check_tree, parse_json
from geometry.fileio.site_columns import columns_to_data, columns_to_text, decode_sites
from geometry.model.design import Design
from geometry.model.layouts import LAYOUT_KINDS, ExplicitLayout, Layout, SiteColumns

FORMAT_VERSION = 1
"""The version of the file format this program writes and the newest it reads."""

SUFFIX = ".ballmask"


class DesignFileError(DesignError):
    """A design file cannot be read: ``path`` names the field (or line and column), ``value`` the bad value.

    ``file`` is the file's name when the text came from a file; the message then starts with it.
    """

    def __init__(self, path: str, value: Any, problem: str, file: str | None = None) -> None:
        super().__init__(path, value, problem)
        self.file = file
        if file:
            self.args = (f"{file}: {self.args[0]}",)

    @staticmethod
    def wrap(e: DesignError, file: str | None) -> DesignFileError:
        """The same error as a file error, naming the file."""
        return DesignFileError(e.path, e.value, e.problem, file)


def _encode_limits(pairs: tuple[tuple[str, float], ...]) -> JSON:
    return {name: float(value) for name, value in pairs}


def _decode_limits(data: JSON, path: str) -> dict[str, float]:
    if not isinstance(data, dict):
        raise DesignError(path, data, "must be an object of limit names and values")
    out: dict[str, float] = {}
    for name, value in data.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise DesignError(f"{path}.{name}", value, "must be a finite number")
        out[name] = float(value)
    return out



def _decode_sites(data: JSON, path: str) -> SiteColumns:
    return decode_sites(data, path, CODEC)


_ADAPTERS = {
    (Design, "limits"): FieldAdapter(_encode_limits, _decode_limits),
    (ExplicitLayout, "sites"): FieldAdapter(columns_to_data, _decode_sites),
}

CODEC = Codec(registries={Layout: LAYOUT_KINDS}, adapters=_ADAPTERS)
"""The codec for designs: layouts found by kind in the layout registry, limits written as an object, explicit
sites as columns."""

_PLACEHOLDER = "\x00site-columns-"


def design_to_data(design: Design) -> dict[str, JSON]:
    """The JSON object of a design: ``format_version`` first, then ``generator`` (the program that wrote it)."""
    body = CODEC.encode(design)
    return {"format_version": FORMAT_VERSION, "generator": GENERATOR, **body}


def design_to_json(design: Design) -> str:
    """The file text: indent 2, keys in a fixed order, floats as repr, a trailing newline.

    Explicit site columns are written one line per column by the C encoder: the indenting encoder is pure
    Python and would take tens of seconds over a million sites. They stand in the tree as placeholder strings
    that are replaced by their text afterwards.
    """
    blocks: list[SiteColumns] = []

    def hold(cols: SiteColumns) -> str:
        blocks.append(cols)
        return f"{_PLACEHOLDER}{len(blocks) - 1}"

    codec = Codec(registries={Layout: LAYOUT_KINDS},
                  adapters={**_ADAPTERS, (ExplicitLayout, "sites"): FieldAdapter(hold, _decode_sites)})
    body = codec.encode(design)
    text = json.dumps({"format_version": FORMAT_VERSION, "generator": GENERATOR, **body}, indent=2,
                      ensure_ascii=False, allow_nan=False)
    for i, cols in enumerate(blocks):
        token = json.dumps(f"{_PLACEHOLDER}{i}")
        at = text.index(token)
        line_start = text.rfind("\n", 0, at) + 1
        indent = text[line_start:len(text) - len(text[line_start:].lstrip(" "))]
        text = text[:at] + columns_to_text(cols, indent) + text[at + len(token):]
    return text + "\n"


def design_from_data(data: JSON) -> Design:
    """The design a parsed JSON object describes; :class:`DesignError` naming the field on bad content."""
    if not isinstance(data, dict):
        raise DesignError("", type(data).__name__, "a design file must hold a JSON object")
    if "format_version" not in data:
        raise DesignError("format_version", None, "is missing: is this a ballmask design file?")
    version = data["format_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DesignError("format_version", version, "must be a whole number from 1")
    if version > FORMAT_VERSION:
        raise DesignError(
            "format_version", version,
            f"is newer than this program reads (format version {FORMAT_VERSION}): update ballmask to open it",
        )
    # generator says which program wrote the file (for a reader's bug report); it is not part of the design
    generator = data.get("generator")
    if generator is not None and not isinstance(generator, str):
        raise DesignError("generator", generator, "must be text naming the program that wrote the file")
    body = {k: v for k, v in data.items() if k not in ("format_version", "generator")}
    design = CODEC.decode(body, Design, "")
    assert isinstance(design, Design)
    return design


def design_from_json(text: str, *, file: str | None = None) -> Design:
    """Parse file text. Every problem raises :class:`DesignFileError` (bad JSON names line and column).

    The text passes the door (:mod:`geometry.fileio.guard`: nesting, number literals, strings) before any model
    object is made.
    """
    try:
        data = parse_json(text)
    except json.JSONDecodeError as e:
        lines = e.doc.splitlines()
        line_text = lines[e.lineno - 1] if 0 < e.lineno <= len(lines) else ""
        raise DesignFileError(f"line {e.lineno}, column {e.colno}", line_text.strip()[:80],
                              f"is not valid JSON: {e.msg}", file) from None
    except DesignError as e:
        raise DesignFileError.wrap(e, file) from None
    try:
        check_tree(data)
        return design_from_data(data)
    except DesignError as e:
        raise DesignFileError.wrap(e, file) from None
    except RecursionError:  # the door bounds the nesting; this is a second line of defence
        raise DesignFileError("", None, "the file is nested too deeply to read", file) from None


def load_design(path: str | os.PathLike[str]) -> Design:
    """Read a design file. Raises :class:`DesignFileError` for a file that cannot be read or is malformed.

    Only a regular file of at most MAX_DESIGN_FILE_BYTES is read (a device such as /dev/zero is refused at once).
    """
    p = Path(path)
    try:
        text = decode_text(read_bounded(p, MAX_DESIGN_FILE_BYTES, "design file"), "")
    except DesignError as e:
        if e.path.startswith("line"):
            raise DesignFileError(e.path, e.value, e.problem, p.name) from None
        raise DesignFileError("", e.value, e.problem, str(p)) from None
    return design_from_json(text, file=p.name)


def save_design(design: Design, path: str | os.PathLike[str]) -> None:
    """Write a design file atomically: a temporary file in the same folder, flushed to disk, then renamed.

    A failure at any point leaves the previous file (if any) as it was and no temporary file behind.
    """
    write_atomic(Path(path), design_to_json(design).encode("utf-8"))


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` so that readers see the old file or the new one, never a part."""
    write_bytes_atomic(path, data)
