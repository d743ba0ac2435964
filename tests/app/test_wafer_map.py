"""The wafer map view: dies as cells, a click on a die selects it and shows its sites."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore
from pytestqt.qtbot import QtBot

from app.document import Document
from app.views.wafer_map import DROPPED, KEPT, SELECTED, WaferMapView
from geometry.model.design import example_grid_design
from geometry.model.layouts import GridLayout
from geometry.model.layouts.wafer import WaferLayout, WaferMark, die_map


def _doc() -> Document:
    d = example_grid_design(4, 4, 0.4, 0.25, 0.1).with_(
        layout=WaferLayout(GridLayout(4, 4, 0.4), 8.0, diameter_mm=100.0, mark=WaferMark.FLAT, flat_length_mm=30.0))
    return Document(d)


def test_cells_show_kept_and_dropped_dies(qtbot: QtBot) -> None:
    doc = _doc()
    view = WaferMapView(doc)
    qtbot.addWidget(view)
    dm = die_map(doc.design.layout, doc.design.pad)  # type: ignore[arg-type]
    cells = view.shown_cells
    assert cells is not None
    assert int((cells == KEPT).sum()) == dm.n_kept
    assert int((cells == DROPPED).sum()) == len(dm) - dm.n_kept
    assert "dies of" in view.caption.text()
    # the image is placed on the die grid: its corners are half a step outside the outermost die centres
    lay = doc.design.layout
    assert isinstance(lay, WaferLayout)
    r = view.image.mapRectToParent(view.image.boundingRect())
    assert abs(r.left() - (dm.x_mm.min() - lay.step_x / 2)) < 1e-6
    assert abs(r.bottom() - (dm.y_mm.max() + lay.step_y / 2)) < 1e-6


def test_mouse_click_on_a_die_emits_its_index(qtbot: QtBot) -> None:
    doc = _doc()
    view = WaferMapView(doc)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    dm = view.dies
    assert dm is not None
    target = dm.n_kept // 2
    pos = view.die_centre_widget(target)
    with qtbot.waitSignal(view.die_clicked, timeout=2000) as sig:
        qtbot.mouseClick(view.map.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=pos)
    assert sig.args == [target]
    assert view.selected == target
    assert int((view.shown_cells == SELECTED).sum()) == 1
    name = dm.die_name(target)
    assert name in view.caption.text()
    pts = view.die_sites.data
    assert len(pts) == 16
    # a click in a street or off the wafer selects nothing
    assert view.click_at(float(dm.x_mm[dm.kept_rows[target]]) + 4.05, float(dm.y_mm[dm.kept_rows[target]])) == -1
    assert view.click_at(1000.0, 0.0) == -1


def test_follows_the_document(qtbot: QtBot) -> None:
    doc = _doc()
    view = WaferMapView(doc)
    qtbot.addWidget(view)
    before = view.dies.n_kept if view.dies else 0
    lay = doc.design.layout
    assert isinstance(lay, WaferLayout)
    doc.apply("Edge exclusion", lambda d: d.with_(layout=WaferLayout(
        lay.die, lay.die_x_mm, diameter_mm=100.0, mark=WaferMark.FLAT, flat_length_mm=30.0, edge_exclusion_mm=10.0)))
    assert view.dies is not None and view.dies.n_kept < before
    doc.apply("Grid", lambda d: d.with_(layout=GridLayout(3, 3, 0.5)))
    assert view.dies is None
    assert "Not a wafer" in view.caption.text()
    assert np.asarray(view.die_sites.data).size == 0


def test_dies_are_cells_with_borders_coloured_by_findings(qtbot: QtBot) -> None:
    from app.views.wafer_map import BORDER, CELL_PX, ERROR, WARNING
    from geometry.checks.records import CheckReport, Severity, Violation

    doc = _doc()
    view = WaferMapView(doc)
    qtbot.addWidget(view)
    dm = view.dies
    assert dm is not None
    img = view.image.image
    rows, cols = view.shown_cells.shape
    assert img.shape == (rows * CELL_PX, cols * CELL_PX)
    k0, k1 = int(dm.kept_rows[0]), int(dm.kept_rows[1])
    # every die cell is framed: its first pixel row is border, its inside is the die's colour
    r, c = (int(dm.j[k0]) - view._origin[1]) * CELL_PX, (int(dm.i[k0]) - view._origin[0]) * CELL_PX
    assert (img[r, c:c + CELL_PX] == BORDER).all() and img[r + CELL_PX // 2, c + CELL_PX // 2] == KEPT
    report = CheckReport((
        Violation("web-upper", Severity.WARNING, ("x",), float(dm.x_mm[k0]), float(dm.y_mm[k0]), 0.1, 0.2),
        Violation("web-upper", Severity.ERROR, ("y",), float(dm.x_mm[k1]) + 0.3, float(dm.y_mm[k1]) - 0.2,
                  0.1, 0.2),
        Violation("flux-clear", Severity.WARNING, ("y",), float(dm.x_mm[k1]), float(dm.y_mm[k1]), 0.1, 0.2),
    ))
    view.set_report(report)
    assert view.die_severity[k0] == WARNING and view.die_severity[k1] == ERROR  # the worst one wins
    assert int((view.shown_cells == ERROR).sum()) == 1 and int((view.shown_cells == WARNING).sum()) == 1
