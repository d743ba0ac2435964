"""View > Overlay File...: another pad file (DXF, Gerber, GDS, ...) drawn over the top view as a reference.

The customer's revised Gerber over the mask, or the substrate's GDS over an imported layout: the file's pads and
outlines, as the importers read them (:func:`geometry.fileio.importers.read_source`, every layer), drawn as
outlines in a colour of their own. An overlay is not part of the design: it is never saved, undone or exported.
Each has a legend entry (a click shows or hides it); View > Remove Overlays takes them all away. A file that
cannot be read gives the reader's message (file, field, value) and changes nothing; a big file is read in a
worker behind a progress dialog with Cancel.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from app import style
from app.dialogs.background import BackgroundJob
from app.render import paths
from app.render.pad_outlines import pad_outlines
from app.render.paths import PathLayer
from geometry.base.errors import DesignError
from geometry.fileio.importers.base import SourceData

if TYPE_CHECKING:
    from app.views.top_view import TopView

COLOURS = ("#e6007e", "#009988", "#7b1fa2", "#0077bb", "#ee7733", "#33bbee")
"""One colour per overlay, in turn (a palette that stays apart from the layers' colours)."""
Z_OVERLAY = style.Z_SELECTION - 2.0  # over the design's layers, under the selection and the findings
INLINE_BYTES = 4 << 20
FILE_FILTER = ("Pad and outline files (*.dxf *.gbr *.ger *.gts *.gbs *.gtl *.gbl *.gds *.oas *.xml *.kicad_mod "
               "*.csv);;All files (*)")


class FileOverlay:
    """One reference file on the top view: a path layer of its pad outlines and a legend entry."""

    def __init__(self, view: TopView, source: SourceData, colour: str) -> None:
        from app.views.legend import SwatchSample, _EntryLabel

        self.view = view
        self.source = source
        self.colour = colour
        pen = QtGui.QPen(QtGui.QColor(colour))
        pen.setWidthF(1.5)
        pen.setCosmetic(True)
        self.layer = PathLayer(pen, None, Z_OVERLAY)
        self.layer.setAcceptedMouseButtons(QtCore.Qt.MouseButton.NoButton)  # clicks go to the tool beneath
        shapes = [pad_outlines(c) for c in source.layers.values() if len(c)]
        outlines = paths.concat(shapes) if shapes else paths.Polylines.empty()
        xs = np.concatenate([c.x_mm for c in source.layers.values()]) if source.layers else np.zeros(0)
        ys = np.concatenate([c.y_mm for c in source.layers.values()]) if source.layers else np.zeros(0)
        sizes = np.concatenate([c.w_mm for c in source.layers.values()]) if source.layers else np.zeros(0)
        self.layer.set_shapes(outlines, None, (xs, ys), float(np.median(sizes)) if sizes.size else 0.0)
        view.box.addItem(self.layer, ignoreBounds=True)
        legend = view.legend
        self.sample = SwatchSample(self.layer, colour, None)
        self.label = _EntryLabel(f"Overlay: {source.file}", self.sample, color=style.FOREGROUND, justify="left",
                                 size="8pt")
        self.sample.setParentItem(legend)
        self.label.setParentItem(legend)
        self.layer.visibleChanged.connect(legend.refresh)
        legend.items.append((self.sample, self.label))
        legend._relayout()

    @property
    def pad_count(self) -> int:
        """How many pads (over all layers) the overlay draws."""
        return sum(len(c) for c in self.source.layers.values())

    def remove(self) -> None:
        """Take the overlay off the view and the legend."""
        legend = self.view.legend
        entry = (self.sample, self.label)
        if entry in legend.items:
            legend.items.remove(entry)
        for item in (self.sample, self.label):
            item.setParentItem(None)
            if item.scene() is not None:
                item.scene().removeItem(item)
        legend._relayout()
        self.view.box.removeItem(self.layer)


def read_overlay(path: Path) -> SourceData:
    """The pads of every layer of a file (the importers' readers); :class:`DesignError` naming what is wrong."""
    from geometry.fileio.importers import read_source

    return read_source(path)


class OverlayShell:
    """The window's overlay commands (a mixin of the main window: it has ``top_view``, ``info`` and ``error``)."""

    overlays: list[FileOverlay]
    overlay_job: BackgroundJob | None = None

    def _overlays(self) -> list[FileOverlay]:
        if not hasattr(self, "overlays"):
            self.overlays = []
        return self.overlays

    def add_overlay(self) -> None:
        """Ask for a file and draw it over the top view."""
        start = str(getattr(self, "_start_dir", lambda: "")())
        name, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Overlay File", start, FILE_FILTER)  # type: ignore[arg-type]
        if name:
            self.overlay_file(Path(name))

    def overlay_file(self, path: Path) -> None:
        """Read ``path`` (in the worker when it is big) and draw it; a clear message when it cannot be read."""
        me: Any = self
        try:
            size = path.stat().st_size
        except OSError as e:
            me.error(f"{path}: cannot read the file: {e.strerror or e}")
            return
        if size <= INLINE_BYTES:
            try:
                self._overlay_ready(read_overlay(path))
            except DesignError as e:
                me.error(f"Cannot overlay {path.name}: {e}")
            return
        job = BackgroundJob(me, f"Reading {path.name}...", lambda: read_overlay(path))
        job.done.connect(self._overlay_ready)
        job.failed.connect(lambda e: me.error(f"Cannot overlay {path.name}: {e}"))
        job.cancelled.connect(lambda: me.info(f"Overlay of {path.name} cancelled: nothing drawn"))
        self.overlay_job = job.start()

    def _overlay_ready(self, source: SourceData) -> None:
        me: Any = self
        self.overlay_job = None
        if not any(len(c) for c in source.layers.values()):
            me.error(f"Cannot overlay {source.file}: no layer of the file has pads or outlines")
            return
        overlays = self._overlays()
        overlay = FileOverlay(me.top_view, source, COLOURS[len(overlays) % len(COLOURS)])
        overlays.append(overlay)
        unit = source.unit or "mm (the file does not say its unit)"
        me.info(f"Overlay: {source.file}, {overlay.pad_count} pads, {unit}; not part of the design")
        refresh = getattr(me, "refresh_actions", None)
        if refresh is not None:
            refresh()

    def remove_overlays(self) -> None:
        """Take every overlay away."""
        for overlay in self._overlays():
            overlay.remove()
        self.overlays = []
        refresh = getattr(self, "refresh_actions", None)
        if refresh is not None:
            refresh()

    def has_overlays(self) -> bool:
        """Whether any file is overlaid."""
        return bool(self._overlays())
