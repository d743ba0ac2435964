"""The top view draws a lower island below the limit at its own size, in the error colour."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from app.document import Document
from app.views.top_view import TopView
from geometry.base.resources import resource_path
from geometry.checks import Severity, run_checks
from geometry.checks.records import CheckReport
from geometry.fileio import load_design
from geometry.model.design import MergeSettings
from geometry.model.profiles import Tapered
from tests.app.test_top_view import render


def red_pixels(img: np.ndarray) -> int:
    return int(((img[..., 0] > 180) & (img[..., 1] < 80) & (img[..., 2] < 80)).sum())


def test_island_error_is_drawn_as_the_island(qtbot, tmp_path) -> None:
    bga = load_design(resource_path("examples", "bga-0.8mm-tapered.ballmask"))
    design = bga.with_(profile=Tapered(45.0), merge=MergeSettings(auto=False))  # 0.076 mm islands
    islands = [v for v in run_checks(design).violations if v.check == "lower-island"]
    assert islands and all(v.severity == Severity.ERROR for v in islands)
    view = TopView(Document(design))
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    view.legend.hide()
    v = islands[0]
    view.zoom_to(v.x_mm, v.y_mm, 1.0)
    view.set_report(CheckReport(()))
    assert red_pixels(render(view)) == 0
    view.set_report(CheckReport((v,)))
    img = render(view)
    island_red = red_pixels(img)
    view.grab().save(str(tmp_path / "island.png"))
    # the same finding drawn as any other check: a ring of 0.45 pitch around the point, far more red
    view.set_report(CheckReport((replace(v, check="web-lower"),)))
    generic_red = red_pixels(render(view))
    assert 0 < island_red < generic_red / 2
    # the red is where the island is: within the island's size (plus the cross) of its centre
    ys, xs = np.nonzero((img[..., 0] > 180) & (img[..., 1] < 80) & (img[..., 2] < 80))
    assert xs.max() - xs.min() < 800 * 0.3 and ys.max() - ys.min() < 600 * 0.3
