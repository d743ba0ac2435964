"""Gerber at wafer scale: RS-274X with X2 attributes, streamed as text, one file per artwork layer.

The same artwork as :mod:`geometry.export.gerber` (which goes through gerber-writer, one Python object per
flash and per region: minutes for a million openings): round openings are flashes of one circular aperture
per diameter, merged regions are G36/G37 regions with true arcs (G75 multi-quadrant, G02/G03 with I/J), holes
are clear-polarity regions drawn after the dark ones. Coordinates in mm, format 3.6 (1 nm). Values are
formatted by C-level ``%`` over whole chunks, as in :mod:`geometry.export.dxf_stream`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from geometry.base.atomic import atomic_folder
from geometry.base.version import __version__
from geometry.derive.relief.merged import lower_relief
from geometry.derive.rings import RingSet
from geometry.export import ringops
from geometry.export.artwork import Artwork, LayerArt, build_artwork
from geometry.export.gerber import _comment, aperture_function, file_function, gerber_file_name
from geometry.export.layers import Role
from geometry.export.notes import TitleBlock, title_block
from geometry.model.design import Design

FloatArray = NDArray[np.float64]
SCALE = 1e6  # format 3.6: integers in nm
CHUNK = 20_000
OUTLINE_WIDTH_MM = 0.01
_EDGE = {0: "X%dY%dD01*\n", 1: "G03X%dY%dI%dJ%dD01*\n", -1: "G02X%dY%dI%dJ%dD01*\n"}


def _ints(a: FloatArray) -> list[int]:
    out: list[int] = np.rint(a * SCALE).astype(np.int64).tolist()
    return out


def format_flashes(xy: FloatArray) -> str:
    """``X..Y..D03*`` for every row of ``xy`` (the aperture is selected before)."""
    if not len(xy):
        return ""
    vals = np.rint(xy * SCALE).astype(np.int64).ravel().tolist()
    text: str = ("X%dY%dD03*\n" * len(xy)) % tuple(vals)
    return text


def format_contours(rings: RingSet, rows: NDArray[np.intp], region: bool) -> str:
    """Rings ``rows`` as G36/G37 regions (``region``) or as stroked contours (D02 then D01 edges)."""
    if not len(rows):
        return ""
    lengths = np.diff(rings.start)
    lens = lengths[rows]
    first = np.concatenate([[0], np.cumsum(lens)[:-1]])
    sel_v = np.repeat(rings.start[rows] - first, lens) + np.arange(int(lens.sum()))
    nxt = ringops.next_vertices(rings)
    centres = ringops.arc_centres(rings)
    sign = np.sign(rings.bulge).astype(np.int8)
    parts: list[str] = []
    cache: dict[bytes, str] = {}
    head = "G36*\nX%dY%dD02*\n" if region else "X%dY%dD02*\n"
    tail = "G37*\n" if region else ""
    vstart = np.concatenate([[0], np.cumsum(lengths[rows])])
    for a in range(0, len(rows), CHUNK):
        chunk = rows[a:a + CHUNK]
        v = sel_v[vstart[a]:vstart[min(a + CHUNK, len(rows))]]
        arc = sign[v] != 0
        per_v = np.where(arc, 4, 2)
        n_per_ring = 2 + np.add.reduceat(per_v, vstart[a:a + len(chunk)] - vstart[a]) if len(v) else np.zeros(0)
        ring_off = np.concatenate([[0], np.cumsum(n_per_ring)[:-1]]).astype(np.intp)
        ring_of_v = np.repeat(np.arange(len(chunk)), lengths[chunk])
        excl = np.concatenate([[0], np.cumsum(per_v)[:-1]])
        first_v = vstart[a:a + len(chunk)] - vstart[a]
        vo = ring_off[ring_of_v] + 2 + excl - excl[first_v][ring_of_v]
        vals = np.empty(int(n_per_ring.sum()), dtype=np.int64)
        s = rings.start[chunk]
        vals[ring_off] = np.rint(rings.xy[s, 0] * SCALE)
        vals[ring_off + 1] = np.rint(rings.xy[s, 1] * SCALE)
        to = rings.xy[nxt[v]]
        vals[vo] = np.rint(to[:, 0] * SCALE)
        vals[vo + 1] = np.rint(to[:, 1] * SCALE)
        av = v[arc]
        vals[vo[arc] + 2] = np.rint(centres[av, 0] * SCALE) - np.rint(rings.xy[av, 0] * SCALE)
        vals[vo[arc] + 3] = np.rint(centres[av, 1] * SCALE) - np.rint(rings.xy[av, 1] * SCALE)
        tpl = []
        sg = sign[v]
        bounds = np.concatenate([first_v, [len(v)]])
        for k in range(len(chunk)):
            key = sg[bounds[k]:bounds[k + 1]].tobytes()
            t = cache.get(key)
            if t is None:
                t = cache[key] = head + "".join(_EDGE[int(x)] for x in np.frombuffer(key, np.int8)) + tail
            tpl.append(t)
        parts.append("".join(tpl) % tuple(vals.tolist()))
    return "".join(parts)


def layer_gerber_fast(la: LayerArt, title: TitleBlock) -> str:
    """The Gerber text of one layer (same content as :func:`geometry.export.gerber.layer_gerber`)."""
    spec = la.layer
    func = aperture_function(spec)
    out = [
        "G04 ballmask (streamed writer)*\n",
        f"G04 {_comment(f'ballmask layer {spec.name}: {spec.meaning}; {spec.made_how}')}*\n",
        "G04 Image positive: dark = metal removed. Units mm.*\n",
        *[f"G04 {_comment(line)}*\n" for line in title.lines],
        f"%TF.GenerationSoftware,ballmask,ballmask,{__version__}*%\n",
        f"%TF.FileFunction,{file_function(spec)}*%\n",
        "%TF.FilePolarity,Positive*%\n",
        "%FSLAX36Y36*%\n%MOMM*%\n%LPD*%\nG75*\n",
    ]
    rings = la.rings
    if spec.role == Role.OUTLINE:
        out.append(f"%TA.AperFunction,{func}*%\n%ADD10C,{OUTLINE_WIDTH_MM:.6f}*%\n%TD*%\nD10*\n")
        out.append(format_contours(rings, np.arange(len(rings), dtype=np.intp), region=False))
    else:
        if len(rings):
            out.append(f"%TA.AperFunction,{func}*%\n")
            out.append(format_contours(rings, np.flatnonzero(~rings.hole).astype(np.intp), region=True))
            holes = np.flatnonzero(rings.hole).astype(np.intp)
            if len(holes):
                out.append("%LPC*%\n")
                out.append(format_contours(rings, holes, region=True))
                out.append("%LPD*%\n")
            out.append("%TD*%\n")
        if la.circle_count:
            c = la.circles
            diam = np.round(2.0 * c[:, 2], 6)
            uniq, which = np.unique(diam, return_inverse=True)
            out.append(f"%TA.AperFunction,{func}*%\n")
            for k, d in enumerate(uniq.tolist()):
                out.append(f"%ADD{10 + k}C,{d:.6f}*%\n")
            out.append("%TD*%\n")
            for k in range(len(uniq)):
                out.append(f"D{10 + k}*\n")
                out.append(format_flashes(c[which.reshape(-1) == k, :2]))
    out.append("M02*\n")
    return "".join(out)


def write_gerbers_fast(design: Design, folder: str | Path, art: Artwork | None = None,
                       title: TitleBlock | None = None) -> list[Path]:
    """One .gbr per artwork layer into ``folder`` (written as a whole, atomically); returns the paths."""
    if art is None:
        art = build_artwork(design, lower_relief(design))
    if title is None:
        title = title_block(design, art)
    folder = Path(folder)
    names = []
    with atomic_folder(folder) as tmp:
        for la in art.layers:
            name = gerber_file_name(la.layer)
            with open(tmp / name, "w", encoding="ascii", newline="\n") as f:
                f.write(layer_gerber_fast(la, title))
            names.append(folder / name)
    return names
