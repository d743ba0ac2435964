"""Gerber RS-274X (X2 attributes) for the mask maker, written with gerber-writer (from the format's owners).

One .gbr per artwork layer, in mm, image positive (dark = metal removed). Round openings are flashes of a
circular aperture; merged regions are G36/G37 regions whose round parts are true arcs (G02/G03); a hole (an
island of metal inside a relief) is a region of clear polarity (%LPC%) drawn right after its region. Regions are
drawn largest first so that an island's clearing never erases a smaller region drawn inside it, and flashes last.
The outline is the mask's profile, stroked with a thin (PROFILE_WIDTH_MM) line: the spec forbids drawing with
a zero-size aperture, and a profile's line width carries no meaning. A wafer's WAFER reference layer (rim, notch
or flat, usable-area edge; not made) is stroked the same way in its own file. The order notes head every file as G04
comments (a Gerber image has no text).

The per-object work is behind :class:`GerberSink`, so a streaming writer can replace gerber-writer for a
million openings.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

import gerber_writer as gw
import numpy as np
from numpy.typing import NDArray

from geometry.base.atomic import write_text_atomic
from geometry.base.version import __version__
from geometry.derive.rings import RingSet
from geometry.export import ringops
from geometry.export.artwork import Artwork, LayerArt
from geometry.export.layers import LayerSpec, Role
from geometry.export.notes import TitleBlock

FloatArray = NDArray[np.float64]
APP_VERSION = __version__
PROFILE_WIDTH_MM = 0.01


_CREATION_DATE = re.compile(r"TF\.CreationDate,[^*]*\*")

def file_function(spec: LayerSpec) -> str:
    """The .FileFunction attribute of a layer's file."""
    if spec.role == Role.OUTLINE:
        return "Profile,NP"
    return f"Other,{_field(spec.name)}"


def aperture_function(spec: LayerSpec) -> str:
    """The .AperFunction of the layer's flashes and regions."""
    if spec.role == Role.FIDUCIAL:
        return "FiducialPad,Global"
    if spec.role == Role.OUTLINE:
        return "Profile"
    if spec.role == Role.WAFER:
        return "Other,WaferReference"
    if spec.role == Role.FRAME:
        return "Other,FrameReference"
    if spec.role == Role.TOOLING:
        return "Other,ToolingHole"
    return "Other,BallOpening" if spec.role == Role.UPPER else "Other,LowerRelief"


STROKED = (Role.OUTLINE, Role.WAFER, Role.FRAME)
"""Roles drawn as thin strokes along their rings (a profile, a reference drawing), not as filled areas."""


def image_comment(spec: LayerSpec) -> str:
    """What the image means: metal removed, or (the WAFER layer) lines drawn for reference only."""
    if spec.role == Role.WAFER:
        return "Reference drawing, not made: thin lines along the wafer rim and the usable-area edge. Units mm."
    if spec.role == Role.FRAME:
        return "Reference drawing, not made: thin lines along the frame, its window and the foil edge. Units mm."
    return "Image positive: dark = metal removed. Units mm."


READER_APERTURE = ("G04 An aperture definition for readers that recognise RS-274X by one (gerbv); no object "
                   "uses it*\n%ADD10C,0.010000*%\n")
"""Region-only files (merged reliefs) define no aperture of their own; gerbv then takes them for RS-274D with
missing apertures, so they carry this one unused definition (the format allows unused apertures)."""


def with_reader_aperture(text: str) -> str:
    """``text`` with :data:`READER_APERTURE` after its format statement when it defines no aperture."""
    if "%ADD" in text:
        return text
    marker = "%FSLAX36Y36*%\n"
    at = text.find(marker)
    if at < 0:
        raise ValueError("Gerber text without a %FSLAX36Y36*% format statement")
    at += len(marker)
    return text[:at] + READER_APERTURE + text[at:]


def _field(text: str) -> str:
    """A Gerber attribute field or comment: no *, %, or commas."""
    return re.sub(r"[*%,]", " ", text)


def _comment(text: str) -> str:
    """A G04 comment body: no * or %."""
    return re.sub(r"[*%]", " ", text)


class GerberSink(Protocol):
    """Receives one layer's objects and returns the Gerber text."""

    def flashes(self, circles: FloatArray) -> None:
        """Rows (x, y, r): one flash each."""

    def regions(self, rings: RingSet, n_regions: int) -> None:
        """Regions with arcs; holes as clear regions."""

    def profile(self, rings: RingSet) -> None:
        """The outline as thin strokes."""

    def text(self, comments: tuple[str, ...], date: str) -> str:
        """The file, with the comments after its first line."""


class GerberWriterSink:
    """gerber-writer implementation of :class:`GerberSink` for one layer."""

    def __init__(self, spec: LayerSpec) -> None:
        self.spec = spec
        self.layer = gw.DataLayer(file_function(spec), negative=False)
        self.function = aperture_function(spec)

    def flashes(self, circles: FloatArray) -> None:
        """Flash a circular aperture per opening (one aperture per distinct diameter)."""
        diam = np.round(2.0 * circles[:, 2], 6)
        masters = {d: gw.Circle(d, self.function) for d in np.unique(diam).tolist()}
        add = self.layer.add_pad
        for (x, y), d in zip(circles[:, :2].tolist(), diam.tolist(), strict=True):
            add(masters[d], (x, y))

    def _path(self, rings: RingSet, k: int, centres: FloatArray) -> gw.Path:
        a, b = int(rings.start[k]), int(rings.start[k + 1])
        xy = [tuple(p) for p in rings.xy[a:b].tolist()]
        path = gw.Path()
        path.moveto(xy[0])
        for i in range(b - a):
            end = xy[(i + 1) % (b - a)]
            bulge = float(rings.bulge[a + i])
            if bulge == 0.0:
                path.lineto(end)
            else:
                c = (float(centres[a + i, 0]), float(centres[a + i, 1]))
                path.arcto(end, c, "+" if bulge > 0 else "-")
        return path

    def regions(self, rings: RingSet, n_regions: int) -> None:
        """Each region dark, then its holes clear; largest regions first."""
        centres = ringops.arc_centres(rings)
        areas = np.abs(rings.signed_areas())
        outer = np.flatnonzero(~rings.hole)
        order = outer[np.argsort(-areas[outer], kind="stable")]
        holes_of: dict[int, list[int]] = {}
        for k in np.flatnonzero(rings.hole).tolist():
            holes_of.setdefault(int(rings.region[k]), []).append(k)
        for k in order.tolist():
            self.layer.add_region(self._path(rings, k, centres), self.function)
            for h in holes_of.get(int(rings.region[k]), []):
                self.layer.add_region(self._path(rings, h, centres), self.function, negative=True)

    def profile(self, rings: RingSet) -> None:
        """Stroke every ring with a thin line (its centre line is the outline)."""
        centres = ringops.arc_centres(rings)
        for k in range(len(rings)):
            self.layer.add_traces_path(self._path(rings, k, centres), PROFILE_WIDTH_MM, self.function)

    def text(self, comments: tuple[str, ...], date: str) -> str:
        """The Gerber file with the comments inserted after the first line, created on the drawing's date.

        gerber-writer stamps the clock's time; the drawing's date instead makes two exports of one design equal.
        """
        gw.set_generation_software("ballmask", "ballmask", APP_VERSION)
        body = _CREATION_DATE.sub(f"TF.CreationDate,{date}T00:00:00*", self.layer.dumps_gerber(), count=1)
        first, _, rest = body.partition("\n")
        notes = "\n".join(f"G04 {_comment(c)}*" for c in comments)
        return with_reader_aperture(f"{first}\n{notes}\n{rest}\n")


def layer_gerber(la: LayerArt, title: TitleBlock) -> str:
    """The Gerber text of one layer."""
    sink = GerberWriterSink(la.layer)
    if la.layer.role in STROKED:
        sink.profile(la.rings)
    else:
        if len(la.rings):
            sink.regions(la.rings, la.n_regions)
        if la.circle_count:
            sink.flashes(la.circles)
    head = (f"ballmask layer {la.layer.name}: {la.layer.meaning}; {la.layer.made_how}",
            image_comment(la.layer), *title.lines)
    return sink.text(head, title.date)


def gerber_file_name(spec: LayerSpec) -> str:
    """File name of a layer's Gerber: the layer name with .gbr."""
    return f"{spec.name}.gbr"


def write_gerbers(art: Artwork, title: TitleBlock, folder: str | Path) -> list[Path]:
    """One .gbr per artwork layer into ``folder`` (each written atomically); returns the paths."""
    folder = Path(folder)
    return [write_text_atomic(folder / gerber_file_name(la.layer), layer_gerber(la, title)) for la in art.layers]
