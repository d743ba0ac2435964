"""DXF for the mask maker, written with ezdxf.

Round openings are CIRCLEs; merged regions are closed LWPOLYLINEs (R2000) or POLYLINEs (R12) whose round parts
are true arcs (bulges), or straight chords within the chord tolerance when ``segments_only`` is set; holes are
separate closed contours on the same layer. Units mm in the header where the version allows it ($INSUNITS = 4,
$MEASUREMENT = 1), extents set, no hatches, no widths. The notes go on their own layer as TEXT.

The per-entity work is behind :class:`DxfSink`: :func:`write_dxf` only walks the artwork and hands arrays to the
sink, so a faster writer (streaming DXF text for a wafer of a million openings) can replace
:class:`EzdxfSink` without touching the rest.
"""

from __future__ import annotations

import datetime as _dt
import re
import uuid
from pathlib import Path
from typing import Protocol

import ezdxf.bbox
import ezdxf.zoom
import numpy as np
from ezdxf.document import Drawing
from ezdxf.filemanagement import new as ezdxf_new
from ezdxf.lldxf.const import DXF12
from ezdxf.tools.codepage import tocodepage
from ezdxf.tools.juliandate import juliandate
from ezdxf.version import __version__ as ezdxf_version
from numpy.typing import NDArray

from geometry.base.atomic import write_with_atomic
from geometry.base.errors import DesignError
from geometry.derive.rings import RingSet
from geometry.export import ringops
from geometry.export.artwork import Artwork, LayerArt
from geometry.export.layers import LayerSpec
from geometry.export.notes import TitleBlock
from geometry.model.output_settings import OutputSettings

FloatArray = NDArray[np.float64]
INSUNITS_MM = 4
R12_LAYER_NAME = re.compile(r"^[A-Za-z0-9_$-]{1,31}$")


class DxfSink(Protocol):
    """Receives a design's entities layer by layer and writes one DXF file."""

    def begin(self, layers: tuple[LayerSpec, ...]) -> None:
        """Declare the layers (name, colour)."""

    def circles(self, layer: str, circles: FloatArray, blocks: bool) -> None:
        """Rows (x, y, r): CIRCLEs, or one BLOCK per distinct radius and INSERTs when ``blocks``."""

    def rings(self, layer: str, rings: RingSet) -> None:
        """Every ring as one closed polyline with its bulges."""

    def text(self, layer: str, lines: tuple[str, ...], x: float, y: float, height: float) -> None:
        """Lines of text, top line at (x, y)."""

    def stamp(self, title: TitleBlock) -> None:
        """Take the file's date and identity from the title block (:func:`reproducible_metadata`)."""

    def finish(self, target: Path) -> None:
        """Set the header (units, extents), audit and write the file."""


def new_r12() -> Drawing:
    """An R12 document in millimetres. R12 has no $INSUNITS, so none is set (ezdxf's ``new`` would set one and
    log a warning on every export); $MEASUREMENT = 1 says metric."""
    doc = Drawing.new("R12")
    doc.header["$MEASUREMENT"] = 1
    return doc


_GUID_NAMESPACE = uuid.UUID("6d1b2c1e-3f5a-4c1b-9a55-8f0e1d2c3b4a")


def reproducible_metadata(doc: Drawing, title: TitleBlock) -> None:
    """Make the file's metadata a function of the drawing: dates from the title block, GUIDs from its text.

    ezdxf stamps every save with the clock and random GUIDs, so two exports of the same design would differ in
    bytes and a shop could not tell by a diff that nothing changed. The drawing date ($TDCREATE, $TDUPDATE) is
    the title block's date, the GUIDs are derived from the title block and notes, and ezdxf's own marker names
    its version and that date. ezdxf sets these while saving (``Drawing._update_metadata``), so that step is
    replaced for this document.
    """
    try:
        day = _dt.date.fromisoformat(title.date)
    except ValueError:
        day = _dt.date.today()
    when = _dt.datetime(day.year, day.month, day.day)
    key = "\n".join((title.name, title.revision, title.date, *title.lines))
    marker = f"{ezdxf_version} @ {when.isoformat()}+00:00"

    def update() -> None:
        meta = doc.ezdxf_metadata()
        meta["CREATED_BY_EZDXF"] = marker
        meta["WRITTEN_BY_EZDXF"] = marker
        jd = juliandate(when)
        for name in ("$TDCREATE", "$TDUCREATE", "$TDUPDATE", "$TDUUPDATE"):
            doc.header[name] = jd
        if doc.dxfversion > DXF12:
            doc.header["$FINGERPRINTGUID"] = "{" + str(uuid.uuid5(_GUID_NAMESPACE, key)).upper() + "}"
            doc.header["$VERSIONGUID"] = "{" + str(uuid.uuid5(_GUID_NAMESPACE, key + "/version")).upper() + "}"
        doc.header["$HANDSEED"] = str(doc.entitydb.handles)
        doc.header["$DWGCODEPAGE"] = tocodepage(doc.encoding)

    doc._update_metadata = update  # type: ignore[method-assign]  # see the docstring: ezdxf has no option for it


def check_layer_names(output: OutputSettings, layers: tuple[LayerSpec, ...]) -> None:
    """R12 accepts only letters, digits, $, - and _ up to 31 characters in a layer name."""
    if output.dxf_version != "R12":
        return
    for spec in layers:
        if not R12_LAYER_NAME.match(spec.name):
            raise DesignError(f"output.{spec.role.value}_layer", spec.name,
                              "R12 layer names may hold only letters, digits, $, - and _ (31 at most)")


def block_name(layer: str, radius_mm: float) -> str:
    """The block of one round opening: layer and diameter in nanometres (unique to 1 nm)."""
    return f"{layer}_D{round(2.0 * radius_mm * 1e6)}NM"


class EzdxfSink:
    """The ezdxf implementation of :class:`DxfSink`."""

    def __init__(self, version: str) -> None:
        self.version = version
        if version == "R12":
            self.doc: Drawing = new_r12()
        else:
            self.doc = ezdxf_new("R2000", units=INSUNITS_MM)
            self.doc.header["$MEASUREMENT"] = 1
        self.msp = self.doc.modelspace()

    def begin(self, layers: tuple[LayerSpec, ...]) -> None:
        """Declare the layers with their colours (continuous lines, no widths)."""
        for spec in layers:
            self.doc.layers.add(spec.name, color=spec.colour)

    def circles(self, layer: str, circles: FloatArray, blocks: bool) -> None:
        """CIRCLEs, or INSERTs of one BLOCK per distinct radius."""
        attribs = {"layer": layer}
        if not blocks:
            add = self.msp.add_circle
            for x, y, r in circles.tolist():
                add((x, y), r, dxfattribs=attribs)
            return
        radii, which = np.unique(np.round(circles[:, 2], 9), return_inverse=True)
        names = []
        for r in radii.tolist():
            name = block_name(layer, r)
            if name not in self.doc.blocks:
                self.doc.blocks.new(name).add_circle((0.0, 0.0), r, dxfattribs=attribs)
            names.append(name)
        ins = self.msp.add_blockref
        for (x, y), k in zip(circles[:, :2].tolist(), which.tolist(), strict=True):
            ins(names[k], (x, y), dxfattribs=attribs)

    def rings(self, layer: str, rings: RingSet) -> None:
        """Closed LWPOLYLINEs (R2000) or POLYLINEs (R12) with bulges."""
        attribs = {"layer": layer}
        for k in range(len(rings)):
            xy, b = rings.ring(k)
            pts = np.column_stack([xy, b]).tolist()
            if self.version == "R12":
                self.msp.add_polyline2d(pts, format="xyb", close=True, dxfattribs=attribs)
            else:
                self.msp.add_lwpolyline(pts, format="xyb", close=True, dxfattribs=attribs)

    def text(self, layer: str, lines: tuple[str, ...], x: float, y: float, height: float) -> None:
        """One TEXT per line."""
        for i, line in enumerate(lines):
            self.msp.add_text(line, height=height, dxfattribs={"layer": layer, "insert": (x, y - 1.6 * height * i)})

    def stamp(self, title: TitleBlock) -> None:
        """Take the file's date and identity from the title block."""
        reproducible_metadata(self.doc, title)

    def finish(self, target: Path) -> None:
        """Units, extents and view; refuse to write a file that ezdxf's audit finds errors in."""
        box = ezdxf.bbox.extents(self.msp, fast=True)
        if box.has_data:
            # ezdxf copies the modelspace's extents and limits into the header when saving
            self.msp.dxf.extmin = (box.extmin.x, box.extmin.y, 0.0)
            self.msp.dxf.extmax = (box.extmax.x, box.extmax.y, 0.0)
            self.msp.dxf.limmin = (box.extmin.x, box.extmin.y)
            self.msp.dxf.limmax = (box.extmax.x, box.extmax.y)
            ezdxf.zoom.extents(self.msp, factor=1.05)
        auditor = self.doc.audit()
        if auditor.has_errors:
            raise RuntimeError(f"DXF audit found errors: {[str(e.message) for e in auditor.errors][:5]}")
        self.doc.saveas(target)


def notes_placement(art: Artwork) -> tuple[float, float, float]:
    """(x, y, text height) of the notes: to the right of the outline, top aligned, sized to the outline."""
    x0, y0, x1, y1 = art.outline_rect
    h = float(np.clip((y1 - y0) / 60.0, 0.2, 2.5))
    return x1 + max(2.0, 0.05 * (x1 - x0)), y1 - h, h


def write_layers(sink: DxfSink, art: Artwork, title: TitleBlock, output: OutputSettings) -> None:
    """Hand every layer's entities to the sink."""
    sink.begin(art.specs)
    for la in art.layers:
        write_layer(sink, la, output)
    x, y, h = notes_placement(art)
    sink.text(art.notes_layer.name, title.lines, x, y, h)


def write_layer(sink: DxfSink, la: LayerArt, output: OutputSettings) -> None:
    """One layer: its circles, then its rings (densified when straight segments are asked for)."""
    if la.circle_count:
        sink.circles(la.layer.name, la.circles, output.blocks)
    if len(la.rings):
        rings = ringops.densified(la.rings, output.chord_tol_mm) if output.segments_only else la.rings
        sink.rings(la.layer.name, rings)


def write_dxf(art: Artwork, title: TitleBlock, output: OutputSettings, target: str | Path,
              sink: DxfSink | None = None) -> Path:
    """Write the DXF atomically to ``target``; returns the path."""
    check_layer_names(output, art.specs)
    sink = sink or EzdxfSink(output.dxf_version)
    write_layers(sink, art, title, output)
    sink.stamp(title)
    return write_with_atomic(target, sink.finish)
