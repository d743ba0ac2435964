"""Relief rings are rasterised a chunk at a time (QPainter holds the GIL for a whole drawPath): regions stay whole,
and the picture is the one a single antialiased call gives, up to the outlines drawn over a plain fill."""

from __future__ import annotations

import numpy as np
from PySide6 import QtGui

from app.render import paths, raster
from app.render.raster_levels import build_raster, frame_painter, region_chunks
from app.render.shape_arrays import ring_subset
from app.views.top_view import channel_regions
from geometry.derive.relief.merged import lower_relief
from geometry.derive.rings import RingSet
from geometry.model.design import example_grid_design
from geometry.model.profiles import Tapered


def test_region_chunks_keep_each_region_whole_and_bound_the_rest() -> None:
    lens = np.array([10, 5, 5, 30, 8, 8, 8, 3, 50, 1])
    region = np.array([3, 3, 3, 1, 2, 2, 2, 0, 4, 4])  # not sorted: chunks follow the regions
    start = np.concatenate([[0], np.cumsum(lens)])
    rs = RingSet(np.zeros((int(start[-1]), 2)), np.zeros(int(start[-1])), start, region, np.zeros(lens.size, bool))
    for per in (1, 20, 40, 1000):
        chunks = region_chunks(rs, lens, per)
        assert sorted(np.concatenate(chunks).tolist()) == list(range(lens.size))  # every ring once
        for c in chunks:  # a region's rings all in the chunk that has any of them
            assert set(np.flatnonzero(np.isin(region, region[c])).tolist()) == set(c.tolist())
        if per == 1000:
            assert len(chunks) == 1
    assert region_chunks(RingSet.empty(), np.zeros(0, dtype=np.intp)) == []


def test_rings_raster_matches_one_antialiased_call_up_to_the_outlines(qtbot) -> None:
    design = example_grid_design(rows=12, cols=12).with_(profile=Tapered(35.0))  # merged regions with channels
    relief = lower_relief(design)
    rings = ring_subset(relief.rings, np.flatnonzero(np.isin(relief.rings.region, channel_regions(relief))))
    assert len(rings) > 0
    pen = QtGui.QPen(QtGui.QColor("#202020"))
    pen.setCosmetic(True)
    brush = QtGui.QBrush(QtGui.QColor(96, 160, 224, 128))
    table = raster.colour_table((32, 32, 32, 255), (96, 160, 224, 128), 1.0)
    b = rings.xy
    frame = raster.Frame.covering(b[:, 0].min(), b[:, 1].min(), b[:, 0].max(), b[:, 1].max(), 1024)
    new = build_raster(frame, table, pen, brush, [], rings).pixels
    old = np.ascontiguousarray(raster.colourise(np.full((frame.height, frame.width), raster.LUT_FROM - 1.0,
                                                        dtype=np.float32), table))
    image = raster.to_qimage(old)  # kept alive while painted on
    qp = frame_painter(image, frame, pen, brush)  # the fill and outlines in one antialiased path, as before
    qp.drawPath(paths.rings(rings, max(frame.mm_per_px * 0.3, 1e-5), 30.0).to_path(odd_even=False))
    qp.end()
    delta = np.abs(old.view(np.uint8).astype(int) - new.view(np.uint8).astype(int))
    assert delta.max() <= 40  # only the antialiased fill's edge, under the outline
    assert (delta.reshape(-1, 4).max(axis=1) > 0).mean() < 0.1
