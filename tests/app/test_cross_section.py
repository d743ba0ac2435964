"""The cross-section view: what it draws follows the design, the chosen cut and the selection."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pytest

from app.document import Document
from app.views.cross_section import CrossSectionView
from geometry.derive.section import Cut, section_of
from geometry.model.design import example_grid_design
from geometry.model.operations import set_auto_merge
from geometry.model.profiles import Stepped, Straight, Tapered


def path_points(item) -> np.ndarray:
    """The vertices of a drawn QGraphicsPathItem, as (s, z)."""
    p = item.path()
    return np.array([(p.elementAt(k).x, p.elementAt(k).y) for k in range(p.elementCount())])


def bottom_edges(view: CrossSectionView) -> np.ndarray:
    """s of the drawn metal's vertices on the lower surface (z = t), sorted."""
    pts = path_points(view.metal_item)
    t = view.document.design.mask.thickness_mm
    return np.unique(np.round(pts[np.isclose(pts[:, 1], t), 0], 6))


def texts(view: CrossSectionView) -> list[str]:
    """The dimension labels the user sees: the shown text items of the plot (reused items hide when unused)."""
    return [i.textItem.toPlainText() for i in view.box.addedItems if isinstance(i, pg.TextItem) and i.isVisible()]


def drawn(qtbot, view: CrossSectionView) -> CrossSectionView:  # type: ignore[no-untyped-def]
    """The view once its deferred redraw (after a design change) has run."""
    qtbot.waitUntil(lambda: not view.deferred.pending, timeout=5000)
    return view


@pytest.fixture
def document() -> Document:
    # 1 mm pitch without automatic merging: at 60 degrees every wall reaches the lower surface (no channels).
    return Document(set_auto_merge(example_grid_design(rows=5, cols=5, pitch_mm=1.0, ball_mm=0.45,
                                                       thickness_mm=0.3), False))


@pytest.fixture
def view(qtbot, document: Document) -> CrossSectionView:
    v = CrossSectionView(document)
    qtbot.addWidget(v)
    v.resize(900, 360)
    v.show()
    return v


def test_default_cut_is_the_middle_row_with_walls_at_the_lower_diameter(view: CrossSectionView) -> None:
    assert view.combo.currentText() == "Row C"
    sec = view.section
    assert sec is not None and [s.name for s in sec.opening_sites()] == ["C1", "C2", "C3", "C4", "C5"]
    d_l = 0.495 + 2 * 0.3 / math.tan(math.radians(60.0))
    edges = bottom_edges(view)
    for c in (-2.0, -1.0, 0.0, 1.0, 2.0):  # each opening's lower edges are where the metal ends
        assert np.any(np.isclose(edges, c - d_l / 2, atol=1e-6)) and np.any(np.isclose(edges, c + d_l / 2, atol=1e-6))
    assert len(path_points(view.ball_item)) > 0 and len(path_points(view.pad_item)) > 0


def test_taper_angle_change_moves_the_drawn_walls(qtbot, view: CrossSectionView, document: Document) -> None:
    before = bottom_edges(view)
    document.apply("Set taper angle to 70°", lambda d: d.with_(profile=Tapered(70.0)))
    after = bottom_edges(drawn(qtbot, view))
    assert not np.array_equal(before, after)
    d_l = 0.495 + 2 * 0.3 / math.tan(math.radians(70.0))
    assert np.any(np.isclose(after, 0.0 + d_l / 2, atol=1e-6))
    assert "θ 70°" in texts(view)


def test_thickness_change_redraws_the_strip(qtbot, view: CrossSectionView, document: Document) -> None:
    document.apply("Set thickness", lambda d: d.with_(mask=d.mask.__class__(0.25)))
    pts = path_points(drawn(qtbot, view).metal_item)
    assert pts[:, 1].max() == pytest.approx(0.25)
    assert "t 0.25 mm" in texts(view)


def test_merged_openings_show_the_ridge(qtbot, view: CrossSectionView, document: Document) -> None:
    document.apply("Shallow", lambda d: d.with_(profile=Tapered(35.0)))
    labels = texts(drawn(qtbot, view))
    ridge = [s for s in labels if s.startswith("ridge")]
    assert ridge, labels
    # the metal between two merged openings ends at the ridge height, above the lower surface
    pts = path_points(view.metal_item)
    inner = pts[(pts[:, 0] > -1.0) & (pts[:, 0] < 0.0)]
    assert len(inner)
    assert inner[:, 1].max() < 0.3


def test_stepped_profile_draws_the_step(qtbot, view: CrossSectionView, document: Document) -> None:
    document.apply("Stepped", lambda d: d.with_(profile=Stepped(0.25, 0.62)))
    pts = path_points(drawn(qtbot, view).metal_item)
    assert np.any(np.isclose(pts[:, 1], 0.25))
    assert "h_v 0.25 mm" in texts(view)


def test_selection_moves_the_cut_to_its_row(view: CrossSectionView, document: Document) -> None:
    document.set_selection(["A4"])
    assert view.combo.currentText() == "Row A"
    assert view.section is not None and {s.name[0] for s in view.section.opening_sites()} == {"A"}


def test_column_cut_from_the_combo(view: CrossSectionView) -> None:
    view.combo.setCurrentIndex([view.combo.itemText(k) for k in range(view.combo.count())].index("Column 2"))
    sec = view.section
    assert sec is not None and [s.name for s in sec.opening_sites()] == ["E2", "D2", "C2", "B2", "A2"]


def test_cut_along_a_diagonal_line(view: CrossSectionView, document: Document) -> None:
    view.set_cut_line(-2.0, -2.0, 2.0, 2.0)
    assert view.combo.currentText().startswith("Line")
    sec = view.section
    assert sec is not None
    names = [s.name for s in sec.opening_sites() if abs(s.offset) < 1e-9]
    assert names == ["E1", "D2", "C3", "B4", "A5"]
    assert sec.s_max - sec.s_min == pytest.approx(4.0 * math.sqrt(2))
    view.combo.setCurrentIndex(0)
    assert view.combo.currentText() == "Row A"


def test_labels_of_an_earlier_drawing_go_and_redraws_add_no_items(qtbot, view: CrossSectionView,
                                                                   document: Document) -> None:
    assert any(t.startswith("θ") for t in texts(view))
    items = len(view.box.addedItems)
    document.apply("Straight", lambda d: d.with_(profile=Straight()))
    assert not any(t.startswith("θ") for t in texts(drawn(qtbot, view)))  # a straight wall has no angle to label
    for k in range(4):
        document.apply("Set taper angle", lambda d, k=k: d.with_(profile=Tapered(55.0 + k)))
        drawn(qtbot, view)
    assert "θ 58°" in texts(view)
    assert len(view.box.addedItems) == items  # label items reused, the lines one item per style


def test_micrometre_labels(view: CrossSectionView) -> None:
    view.set_unit("um")
    assert "d_u 495 µm" in texts(view)


def test_section_is_qt_free_numbers(document: Document) -> None:
    sec = section_of(document.design, Cut(-3.0, 0.0, 3.0, 0.0))
    assert [s.name for s in sec.opening_sites()] == ["C1", "C2", "C3", "C4", "C5"]
    assert len(sec.metal) == 6  # five openings cut a strip into six pieces


def test_shapes_are_filled_in_their_stated_colours(view: CrossSectionView) -> None:
    from app.views import cross_section as cs

    for item, colour in ((view.flux_item, cs.FLUX_BRUSH), (view.residue_item, cs.RESIDUE_BRUSH),
                         (view.ball_item, cs.BALL_BRUSH)):
        c = item.brush().color()
        assert (c.name(), c.alpha()) == (colour[:7], int(colour[7:], 16))  # "#RRGGBBAA", alpha last


def test_a_burst_of_edits_is_drawn_once_with_the_last_design(qtbot, view: CrossSectionView,
                                                              document: Document) -> None:
    runs = view.deferred.runs
    for k in range(5):  # edits in one pass of the event loop (a drag, several undos): none draws at once
        document.apply("Set taper angle", lambda d, k=k: d.with_(profile=Tapered(55.0 + k)))
    assert view.deferred.pending and view.deferred.runs == runs
    drawn(qtbot, view)
    assert view.deferred.runs == runs + 1
    d_l = 0.495 + 2 * 0.3 / math.tan(math.radians(59.0))
    assert np.any(np.isclose(bottom_edges(view), d_l / 2, atol=1e-6)) and "θ 59°" in texts(view)


def test_a_hidden_view_draws_when_shown_and_shows_the_edited_design(qtbot, view: CrossSectionView,
                                                                    document: Document) -> None:
    view.hide()
    runs = view.deferred.runs
    document.apply("Set thickness", lambda d: d.with_(mask=d.mask.__class__(0.25)))
    document.apply("Stepped", lambda d: d.with_(profile=Stepped(0.2, 0.62)))
    qtbot.wait(50)
    assert view.deferred.runs == runs and view.deferred.pending  # nothing drawn while hidden
    view.show()
    drawn(qtbot, view)
    assert view.deferred.runs == runs + 1
    pts = path_points(view.metal_item)
    assert pts[:, 1].max() == pytest.approx(0.25) and np.any(np.isclose(pts[:, 1], 0.2))
    assert "t 0.25 mm" in texts(view) and "h_v 0.20 mm" in texts(view)


def test_reading_the_section_draws_a_pending_redraw_first(view: CrossSectionView, document: Document) -> None:
    document.apply("Set thickness", lambda d: d.with_(mask=d.mask.__class__(0.25)))
    sec = view.section  # no event loop pass: the reader still gets the current design's section
    assert sec is not None and sec.thickness_mm == pytest.approx(0.25) and not view.deferred.pending
