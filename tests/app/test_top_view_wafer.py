"""The top view draws a wafer's WAFER reference layer (rim with notch, edge-exclusion line) with a legend entry."""

from __future__ import annotations

import numpy as np
import pytest

from app import style
from app.document import Document
from app.views.top_view import TopView
from geometry.model.ball import Ball
from geometry.model.design import Design, example_grid_design
from geometry.model.layouts import GridLayout, Pad
from geometry.model.layouts.wafer import WaferLayout, WaferMark
from geometry.model.mask import Mask
from geometry.model.profiles import Tapered
from tests.app.test_top_view import image_array


def wafer_design() -> Design:
    lay = WaferLayout(GridLayout(3, 3, 0.5), 5.0, diameter_mm=100.0, edge_exclusion_mm=3.0, mark=WaferMark.NOTCH)
    return Design(Ball(0.3), Pad(0.24), lay, Mask(0.1, "electroformed-nickel"), Tapered(60.0), name="wafer")


def wafer_pixels(view: TopView) -> int:
    """Pixels of the WAFER layer's colour in a grab of the view."""
    a = image_array(view.grab().toImage())
    want = np.array([int(style.LAYER_BY_ID["wafer"].pen[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(a - want).sum(axis=2) < 60).sum())


@pytest.fixture
def view(qtbot) -> TopView:  # type: ignore[no-untyped-def]
    v = TopView(Document(wafer_design(), None))
    qtbot.addWidget(v)
    v.resize(800, 800)
    v.show()
    qtbot.waitExposed(v)
    v.box.setRange(xRange=(-55, 55), yRange=(-55, 55), padding=0)
    return v


def test_wafer_layer_holds_the_rim_and_is_drawn(view: TopView) -> None:
    layer = view.layers["wafer"]
    box = layer._static.boundingRect()
    assert (box.left(), box.top(), box.right(), box.bottom()) == pytest.approx((-50, -50, 50, 50), abs=0.02)
    for lid in view.layers:
        view.set_layer_visible(lid, lid == "wafer")
    view.legend.set_folded(True)
    shown = wafer_pixels(view)
    # two circles about 730 px across, drawn one (antialiased) pixel wide: hundreds of pixels of that colour
    assert shown > 400, shown
    view.set_layer_visible("wafer", False)
    assert wafer_pixels(view) < shown / 20


def test_legend_lists_the_wafer_layer(view: TopView) -> None:
    titles = [label.text for _, label in view.legend.items]
    assert "Wafer (reference)" in titles


def test_a_grid_design_has_an_empty_wafer_layer(qtbot) -> None:  # type: ignore[no-untyped-def]
    v = TopView(Document(example_grid_design(), None))
    qtbot.addWidget(v)
    assert v.layers["wafer"].shape_count == 0


def test_legend_leaves_the_wafer_entry_out_for_a_grid_and_brings_it_back(qtbot) -> None:  # type: ignore[no-untyped-def]
    doc = Document(example_grid_design(), None)
    v = TopView(doc)
    qtbot.addWidget(v)
    assert "Wafer (reference)" not in [label.text for _, label in v.legend.items]
    doc.apply("Make a wafer", lambda d: wafer_design())
    assert "Wafer (reference)" in [label.text for _, label in v.legend.items]
    assert v.layers["wafer"].shape_count > 0
