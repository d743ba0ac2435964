"""Labels sized on screen do not cover each other (issue 15): the cross-section's dimension labels at the smallest
window width, zoomed out and at QT_SCALE_FACTOR 1.5, and ruler tags that end at the same point."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import Qt

from app.dialogs.templates import build_template
from app.main_window import MainWindow
from app.views.label_layout import spread

ROOT = Path(__file__).resolve().parents[2]


def _overlaps(rects: list) -> list[tuple[int, int]]:  # type: ignore[type-arg]
    return [(i, j) for i in range(len(rects)) for j in range(i) if rects[i].intersects(rects[j])]


def test_spread_moves_later_rects_off_earlier_ones() -> None:
    rects = [(10.0, 10.0, 40.0, 12.0)] * 4 + [(200.0, 10.0, 40.0, 12.0)]
    offsets = spread(rects)
    assert offsets[0] == (0.0, 0.0) and offsets[-1] == (0.0, 0.0)  # free places are kept
    moved = [(x + dx, y + dy, w, h) for (x, y, w, h), (dx, dy) in zip(rects, offsets, strict=True)]
    for i in range(len(moved)):
        for j in range(i):
            a, b = moved[i], moved[j]
            assert a[0] >= b[0] + b[2] or b[0] >= a[0] + a[2] or a[1] >= b[1] + b[3] or b[1] >= a[1] + a[3]


def test_cross_section_labels_at_the_smallest_width_and_zoomed_out(qtbot, settings, tmp_path) -> None:
    from app.document import Document

    w = MainWindow(Document(build_template("bga")), settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.resize(w.minimumSizeHint().width(), 700)
    qtbot.wait(50)
    cs = w.cross_section
    cs.fit()
    texts = [item for item, _x, _y in cs.labels]
    cs.plot.grab()  # painted: the labels where the screen shows them
    assert len(texts) >= 4 and _overlaps([t.sceneBoundingRect() for t in texts]) == []
    view = cs.box.sceneBoundingRect().adjusted(-0.5, -0.5, 0.5, 0.5)
    assert all(view.contains(t.sceneBoundingRect()) for t in texts)  # none cut off at the view's edge
    cs.box.setRange(xRange=(-40.0, 40.0), yRange=(-30.0, 30.0), padding=0.0)  # every label near one pixel
    cs.plot.grab()
    assert _overlaps([t.sceneBoundingRect() for t in texts]) == []
    cs.fit()
    assert [(t.pos().x(), t.pos().y()) for t in texts][:1] == [cs.labels[0][1:]]  # back at its own point


PROBE = textwrap.dedent("""
    import os, sys, tempfile, pathlib
    from PySide6 import QtCore, QtWidgets
    app = QtWidgets.QApplication([])
    from app.document import Document
    from app.main_window import MainWindow
    from app.dialogs.templates import build_template
    tmp = pathlib.Path(tempfile.mkdtemp())
    s = QtCore.QSettings(str(tmp / "s.ini"), QtCore.QSettings.Format.IniFormat)
    bad = []
    for tid in ("bga", "csp"):
        w = MainWindow(Document(build_template(tid)), s, None)
        w.show()
        w.resize(w.minimumSizeHint().width(), 600)
        for _ in range(5):
            app.processEvents()
        cs = w.cross_section
        cs.fit()
        app.processEvents()
        cs.plot.grab()
        r = [item.sceneBoundingRect() for item, _x, _y in cs.labels]
        bad += [(tid, i, j) for i in range(len(r)) for j in range(i) if r[i].intersects(r[j])]
        print(tid, len(r), "labels", app.devicePixelRatio())
        w.document.stack.set_clean()
        w.close()
    print("OVERLAPS", bad)
""")


def test_cross_section_labels_at_scale_factor_1_5(tmp_path: Path) -> None:
    env = {**os.environ, "QT_SCALE_FACTOR": "1.5", "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=300,
                         cwd=tmp_path, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "1.5" in out.stdout and "OVERLAPS []" in out.stdout, out.stdout


def test_ruler_tags_ending_at_one_point_do_not_overlap(qtbot, main_window_4x4: MainWindow) -> None:
    w = main_window_4x4
    s = w.document.design.sites()

    def at(name: str) -> tuple[float, float]:
        i = s.index_of(name)
        return float(s.x_mm[i]), float(s.y_mm[i])

    w.top_view.zoom_to(*at("B2"), 3.0)
    w.qactions["tools.measure"].trigger()
    for start in ("A1", "A2"):  # both end at B2, both pointing right and down: the same tag anchor
        for name in (start, "B2"):
            qtbot.mouseClick(w.top_view.plot.viewport(), Qt.MouseButton.LeftButton,
                             pos=w.top_view.view_to_widget(*at(name)))
    rulers = w.top_view.rulers
    assert len(rulers.rulers) == 2 and {r.b.site for r in rulers.rulers} == {"B2"}
    tags = [rulers.label_item(i) for i in range(2)]
    w.top_view.plot.grab()
    assert _overlaps([t.sceneBoundingRect() for t in tags]) == []
    w.top_view.zoom(0.3)
    w.top_view.plot.grab()
    assert _overlaps([t.sceneBoundingRect() for t in tags]) == []


def test_keep_inside_moves_a_label_in_from_the_edge() -> None:
    from app.views.label_layout import keep_inside

    view = (0.0, 0.0, 300.0, 200.0)
    assert keep_inside((10.0, 10.0, 50.0, 12.0), view) == (0.0, 0.0)
    assert keep_inside((-20.0, 10.0, 50.0, 12.0), view) == (20.0, 0.0)  # cut off on the left: moved right
    assert keep_inside((280.0, 195.0, 50.0, 12.0), view) == (-30.0, -7.0)
