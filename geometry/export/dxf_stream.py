"""DXF at wafer scale: a streaming R2000 writer and unit BLOCKs with INSERTs.

ezdxf's in-memory document costs tens of microseconds per entity, minutes for a wafer of a million openings.
:class:`StreamingDxfSink` (a :class:`geometry.export.dxf.DxfSink`) lets ezdxf write everything that is not bulk
geometry (header with units and extents, tables with the layers, blocks, objects, the notes) and then streams
the CIRCLE and LWPOLYLINE entities into the ENTITIES section as text, formatted by C-level ``%`` over whole
chunks of values (no per-entity Python call). Handles continue ezdxf's sequence and $HANDSEED is moved past
them, so the file is the same DXF ezdxf would write (tests read it back with ezdxf, audit it and compare
counts and areas).

:func:`write_dxf_blocks` writes the repetition form of a design of repeated units (a wafer's dies): one BLOCK per
artwork layer and group of alike units holding one unit's outlines (its upper circles, its merged lower relief),
INSERTed at each of the group's units, plus the outline, fiducials and notes flattened; a few thousand entities in
all, written with ezdxf. The alike units' blocks are named ``DIE_<layer>``; a unit type or a unit singled out by
its edits gets blocks of its own, ``DIE_<label>_<layer>``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import ezdxf
import ezdxf.bbox
import ezdxf.zoom
import numpy as np
from ezdxf.document import Drawing
from ezdxf.filemanagement import new as new_dxf
from numpy.typing import NDArray

from geometry.base.atomic import write_with_atomic
from geometry.derive.relief.merged import lower_relief
from geometry.derive.repetition import Repeated
from geometry.derive.rings import RingSet
from geometry.export import ringops
from geometry.export.artwork import Artwork, build_artwork
from geometry.export.dxf import (
    INSUNITS_MM,
    DxfSink,
    block_name,
    check_layer_names,
    new_r12,
    notes_placement,
    reproducible_metadata,
    set_extents,
    write_dxf,
)
from geometry.export.layers import LayerSpec, Role
from geometry.export.notes import TitleBlock, title_block
from geometry.model.design import Design

FloatArray = NDArray[np.float64]
CHUNK = 20_000
"""Entities formatted per ``%`` operation: large enough to amortise, small enough to bound memory."""

COORD = "%.10g"
BULGE = "%.12g"


def _circle_template(layer: str, owner: str) -> str:
    return (f"  0\nCIRCLE\n  5\n%X\n330\n{owner}\n100\nAcDbEntity\n  8\n{layer}\n100\nAcDbCircle\n"
            f" 10\n{COORD}\n 20\n{COORD}\n 30\n0.0\n 40\n{COORD}\n")


def _insert_template(layer: str, owner: str, block: str) -> str:
    return (f"  0\nINSERT\n  5\n%X\n330\n{owner}\n100\nAcDbEntity\n  8\n{layer}\n100\nAcDbBlockReference\n"
            f"  2\n{block}\n 10\n{COORD}\n 20\n{COORD}\n 30\n0.0\n")


def _polyline_head(layer: str, owner: str) -> str:
    return (f"  0\nLWPOLYLINE\n  5\n%X\n330\n{owner}\n100\nAcDbEntity\n  8\n{layer}\n100\nAcDbPolyline\n"
            " 90\n%d\n 70\n1\n")


VERTEX = f" 10\n{COORD}\n 20\n{COORD}\n 42\n{BULGE}\n"


def format_circles(template: str, handles: NDArray[np.int64], values: FloatArray) -> str:
    """``template`` (one ``%X`` handle then the row's values) for every row of ``values``, one string."""
    n, m = values.shape
    if n == 0:
        return ""
    vals = np.empty((n, m + 1), dtype=object)
    vals[:, 0] = handles.tolist()
    vals[:, 1:] = values.tolist()
    text: str = (template * n) % tuple(vals.ravel().tolist())
    return text


def format_rings(head: str, rings: RingSet, first: int, last: int, handle0: int) -> str:
    """LWPOLYLINE text of rings ``first .. last - 1`` (handles from ``handle0``)."""
    start = rings.start
    va, vb = int(start[first]), int(start[last])
    counts = np.diff(start[first:last + 1])
    nr = last - first
    ring_of_v = np.repeat(np.arange(nr), counts)
    total = 2 * nr + 3 * (vb - va)
    vals = np.empty(total, dtype=object)
    ring_off = 2 * np.arange(nr) + 3 * (start[first:last] - va)
    vals[ring_off] = np.arange(handle0, handle0 + nr).tolist()
    vals[ring_off + 1] = counts.tolist()
    vpos = 2 * (ring_of_v + 1) + 3 * np.arange(vb - va)
    vals[vpos] = rings.xy[va:vb, 0].tolist()
    vals[vpos + 1] = rings.xy[va:vb, 1].tolist()
    vals[vpos + 2] = rings.bulge[va:vb].tolist()
    cache: dict[int, str] = {}
    parts = []
    for c in counts.tolist():
        t = cache.get(c)
        if t is None:
            t = cache[c] = head + VERTEX * c
        parts.append(t)
    return "".join(parts) % tuple(vals.tolist())


class StreamingDxfSink:
    """A :class:`~geometry.export.dxf.DxfSink` for R2000 that streams bulk entities as text (see module doc)."""

    def __init__(self) -> None:
        self.doc: Drawing = new_dxf("R2000", units=INSUNITS_MM)
        self.doc.header["$MEASUREMENT"] = 1
        self.msp = self.doc.modelspace()
        self.owner = self.msp.block_record_handle
        self.circle_jobs: list[tuple[str, FloatArray, bool]] = []
        self.ring_jobs: list[tuple[str, RingSet]] = []
        self.count = 0

    def begin(self, layers: tuple[LayerSpec, ...]) -> None:
        """Declare the layers with their colours."""
        for spec in layers:
            self.doc.layers.add(spec.name, color=spec.colour)

    def stamp(self, title: TitleBlock) -> None:
        """Take the file's date and identity from the title block."""
        reproducible_metadata(self.doc, title)

    def circles(self, layer: str, circles: FloatArray, blocks: bool) -> None:
        """Queue CIRCLEs (or INSERTs of one block per radius)."""
        self.circle_jobs.append((layer, np.asarray(circles, dtype=np.float64), blocks))
        self.count += len(circles)

    def rings(self, layer: str, rings: RingSet) -> None:
        """Queue closed LWPOLYLINEs with bulges."""
        self.ring_jobs.append((layer, rings))
        self.count += len(rings)

    def text(self, layer: str, lines: tuple[str, ...], x: float, y: float, height: float) -> None:
        """The notes, written by ezdxf (a few entities)."""
        for i, line in enumerate(lines):
            self.msp.add_text(line, height=height, dxfattribs={"layer": layer, "insert": (x, y - 1.6 * height * i)})

    def _extents(self) -> tuple[float, float, float, float] | None:
        boxes = []
        for _, c, _ in self.circle_jobs:
            if len(c):
                boxes.append(((c[:, 0] - c[:, 2]).min(), (c[:, 1] - c[:, 2]).min(),
                              (c[:, 0] + c[:, 2]).max(), (c[:, 1] + c[:, 2]).max()))
        for _, rs in self.ring_jobs:
            b = ringops.bounds(rs)
            if b is not None:
                boxes.append(b)
        box = ezdxf.bbox.extents(self.msp, fast=True)
        if box.has_data:
            boxes.append((box.extmin.x, box.extmin.y, box.extmax.x, box.extmax.y))
        if not boxes:
            return None
        arr = np.array(boxes, dtype=np.float64)
        return float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 2].max()), float(arr[:, 3].max())

    def _blocks_for(self, layer: str, radii: FloatArray) -> list[str]:
        names = []
        for r in radii.tolist():
            name = block_name(layer, r)
            if name not in self.doc.blocks:
                self.doc.blocks.new(name).add_circle((0.0, 0.0), r, dxfattribs={"layer": layer})
            names.append(name)
        return names

    def finish(self, target: Path) -> None:
        """Header, audit of the skeleton, then the skeleton with the streamed entities spliced in."""
        block_jobs = []
        for layer, c, blocks in self.circle_jobs:
            if blocks and len(c):
                radii, which = np.unique(np.round(c[:, 2], 9), return_inverse=True)
                block_jobs.append((layer, c, self._blocks_for(layer, radii), which.reshape(-1)))
        ext = self._extents()
        if ext is not None:
            set_extents(self.msp, ext)
        auditor = self.doc.audit()
        if auditor.has_errors:
            raise RuntimeError(f"DXF audit found errors: {[str(e.message) for e in auditor.errors][:5]}")
        handles = self.doc.entitydb.handles
        h = int(handles.next(), 16)
        handles.reset(f"{h + self.count + 1:X}")
        buf = io.StringIO()
        self.doc.write(buf)
        skeleton = buf.getvalue()
        marker = "  0\nSECTION\n  2\nENTITIES\n"
        cut = skeleton.index(marker) + len(marker)
        with open(target, "w", encoding="utf-8", newline="\n") as f:
            f.write(skeleton[:cut])
            for layer, c, blocks in self.circle_jobs:
                if blocks:
                    continue
                tpl = _circle_template(layer, self.owner)
                for a in range(0, len(c), CHUNK):
                    part = c[a:a + CHUNK]
                    f.write(format_circles(tpl, np.arange(h, h + len(part), dtype=np.int64), part))
                    h += len(part)
            for layer, c, names, which in block_jobs:
                for k, name in enumerate(names):
                    sel = c[which == k]
                    tpl = _insert_template(layer, self.owner, name)
                    for a in range(0, len(sel), CHUNK):
                        part = sel[a:a + CHUNK, :2]
                        f.write(format_circles(tpl, np.arange(h, h + len(part), dtype=np.int64), part))
                        h += len(part)
            for layer, rs in self.ring_jobs:
                head = _polyline_head(layer, self.owner)
                for a in range(0, len(rs), CHUNK):
                    b = min(a + CHUNK, len(rs))
                    f.write(format_rings(head, rs, a, b, h))
                    h += b - a
            f.write(skeleton[cut:])


def write_dxf_streaming(design: Design, target: str | Path, art: Artwork | None = None,
                        title: TitleBlock | None = None) -> Path:
    """The flattened DXF of a design (R2000, streamed; R12 goes through the ezdxf exporter).

    ``art`` defaults to the design's artwork; ``title`` to the design's title block.
    """
    if art is None:
        art = build_artwork(design, lower_relief(design))
    if title is None:
        title = title_block(design, art)
    out = design.output
    sink: DxfSink | None = StreamingDxfSink() if out.dxf_version == "R2000" and not out.segments_only else None
    return write_dxf(art, title, out, target, sink)


def blocks_possible(design: Design) -> bool:
    """Whether the BLOCK form can stand for the design's artwork: units are copied by pure translation, so not
    with the lower side mirrored, and arcs stay arcs in a block, so not with segments only; a scaled artwork is
    scaled about the whole design's centre, not each unit's, so not with an artwork scale either."""
    out = design.output
    return not (out.mirror_lower or out.segments_only or out.artwork_scale_ppm is not None)


# one branch per entity kind
def write_dxf_blocks(rep: Repeated, target: str | Path, title: TitleBlock | None = None) -> Path:  # noqa: PLR0912
    """The DXF with one BLOCK per layer holding one unit's outlines, INSERTed at every kept unit.

    When the BLOCK form cannot stand for the artwork (:func:`blocks_possible`), the flattened streamed DXF is
    written instead, which is always right.
    """
    design = rep.design
    out = design.output
    if not blocks_possible(design):
        return write_dxf_streaming(design, target, title=title)
    arts = [build_artwork(g.unit_design, lower_relief(g.unit_design)) for g in rep.groups]
    # the design's own layers (outline, fiducials, notes) without its bulk: an empty relief of the right depths
    wafer_art = build_artwork(design, _EmptyRelief.like(arts))
    check_layer_names(out, wafer_art.specs)
    if title is None:
        title = title_block(design, wafer_art)
    doc = new_dxf(out.dxf_version, units=INSUNITS_MM) if out.dxf_version == "R2000" else new_r12()
    if out.dxf_version == "R2000":
        doc.header["$MEASUREMENT"] = 1
    msp = doc.modelspace()
    for spec in wafer_art.specs:
        doc.layers.add(spec.name, color=spec.colour)
    r12 = out.dxf_version == "R12"
    word = rep.layout.unit_word.upper()
    for la in wafer_art.layers:
        name = la.layer.name
        if la.layer.role in (Role.UPPER, Role.LOWER):
            # one block per group of alike units: the first group's keeps the plain name, a unit type or a
            # singled-out unit adds its label
            for g, die_art in zip(rep.groups, arts, strict=True):
                if not any(spec.name == name for spec in die_art.specs):
                    continue
                src = die_art.layer(name)
                if not (src.circle_count or len(src.rings)):
                    continue
                label = _block_label(g.label) if g is not rep.groups[0] else ""
                block = doc.blocks.new(f"{word}_{label}_{name}" if label else f"{word}_{name}")
                for x, y, r in src.circles.tolist():
                    block.add_circle((x, y), r, dxfattribs={"layer": name})
                _add_rings(block, src.rings, name, r12)
                for x, y in g.offsets_mm.tolist():
                    msp.add_blockref(block.name, (x, y), dxfattribs={"layer": name})
        else:
            for x, y, r in la.circles.tolist():
                msp.add_circle((x, y), r, dxfattribs={"layer": name})
            _add_rings(msp, la.rings, name, r12)
    x, y, hgt = notes_placement(wafer_art)
    for i, line in enumerate(title.lines):
        msp.add_text(line, height=hgt, dxfattribs={"layer": wafer_art.notes_layer.name,
                                                   "insert": (x, y - 1.6 * hgt * i)})
    ext = wafer_art.bounds()
    for g, die_art in zip(rep.groups, arts, strict=True):
        e = _blocks_extents(die_art, wafer_art, g.offsets_mm)
        ext = (min(ext[0], e[0]), min(ext[1], e[1]), max(ext[2], e[2]), max(ext[3], e[3]))
    notes = ezdxf.bbox.extents(msp.query("TEXT"), fast=True)
    if notes.has_data:
        ext = (min(ext[0], notes.extmin.x), min(ext[1], notes.extmin.y),
               max(ext[2], notes.extmax.x), max(ext[3], notes.extmax.y))
    set_extents(msp, ext)
    auditor = doc.audit()
    if auditor.has_errors:
        raise RuntimeError(f"DXF audit found errors: {[str(e.message) for e in auditor.errors][:5]}")
    reproducible_metadata(doc, title)
    return write_with_atomic(target, doc.saveas)


def _add_rings(layout: object, rings: RingSet, layer: str, r12: bool) -> None:
    for k in range(len(rings)):
        xy, b = rings.ring(k)
        pts = np.column_stack([xy, b]).tolist()
        if r12:
            layout.add_polyline2d(pts, format="xyb", close=True, dxfattribs={"layer": layer})  # type: ignore[attr-defined]
        else:
            layout.add_lwpolyline(pts, format="xyb", close=True, dxfattribs={"layer": layer})  # type: ignore[attr-defined]


def _blocks_extents(die_art: Artwork, wafer_art: Artwork, centres: FloatArray) -> tuple[float, float, float, float]:
    die = np.array([b for la in die_art.layers if la.layer.role in (Role.UPPER, Role.LOWER)
                    and (b := la.bounds()) is not None] or [(0.0, 0.0, 0.0, 0.0)])
    lo = centres.min(axis=0) + die[:, :2].min(axis=0) if len(centres) else np.zeros(2)
    hi = centres.max(axis=0) + die[:, 2:].max(axis=0) if len(centres) else np.zeros(2)
    w = np.array(wafer_art.bounds())
    return (float(min(lo[0], w[0])), float(min(lo[1], w[1])), float(max(hi[0], w[2])), float(max(hi[1], w[3])))


class _EmptyRelief:
    """A relief with no shapes but the given depths (so the wafer's layer table has the die's relief layers)."""

    def __init__(self, depths: FloatArray) -> None:
        self.circle_x_mm = np.zeros(len(depths))
        self.circle_y_mm = np.zeros(len(depths))
        self.circle_r_mm = np.zeros(len(depths))
        self.circle_depth_mm = np.asarray(depths, dtype=np.float64)
        self.rings = RingSet.empty()
        self.region_depth_mm = np.zeros(0)

    @staticmethod
    def like(arts: list[Artwork]) -> _EmptyRelief:
        depths = {la.layer.depth_mm for art in arts for la in art.layers if la.layer.role == Role.LOWER}
        return _EmptyRelief(np.array(sorted(d for d in depths if d is not None), dtype=np.float64))


def _block_label(label: str) -> str:
    """A group's label as part of a DXF block name (letters, digits, ``-`` and ``_``)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", label)
