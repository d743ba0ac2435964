"""The window's side of import: View > Overlay File..., the Import dialog's live preview, and slow steps run
behind a progress dialog with Cancel (cancel changes nothing)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from app.dialogs import import_dialog
from app.dialogs.background import BackgroundJob
from app.dialogs.import_dialog import ImportPadsDialog
from app.document import Document
from app.main_window import MainWindow
from app.views.import_preview import OFF_GRID, ON_GRID
from geometry.model.design import example_grid_design
from tests.app.test_import_pads import write_pads

kdb = pytest.importorskip("klayout.db")


class _Click:
    """The left click pyqtgraph hands to an item's mouseClickEvent."""

    def __init__(self) -> None:
        self.accepted = False

    def button(self) -> QtCore.Qt.MouseButton:
        return QtCore.Qt.MouseButton.LeftButton

    def accept(self) -> None:
        self.accepted = True


def _window(qtbot: Any, settings: Any, tmp_path: Path) -> MainWindow:
    doc = Document(example_grid_design(rows=4, cols=4, pitch_mm=0.8, ball_mm=0.45, thickness_mm=0.3))
    w = MainWindow(doc, settings, tmp_path / "recovery")
    qtbot.addWidget(w)
    return w


def _gerber(path: Path, xy_mm: list[tuple[float, float]], d_mm: float = 0.3) -> None:
    body = "".join(f"X{round(x * 1e6)}Y{round(y * 1e6)}D03*\n" for x, y in xy_mm)
    path.write_text(f"%FSLAX46Y46*%\n%MOMM*%\n%ADD10C,{d_mm:.6f}*%\nD10*\n{body}M02*\n", encoding="ascii")


def test_overlay_file_is_drawn_toggled_in_the_legend_and_removed(qtbot: Any, settings: Any, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    w = _window(qtbot, settings, tmp_path)
    w.resize(1000, 700)
    w.show()
    src = tmp_path / "revB.gbr"
    pts = [(-1.2 + 0.8 * i, -1.2 + 0.8 * j) for i in range(4) for j in range(4)] + [(2.0, 2.0)]
    _gerber(src, pts)
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: (str(src), ""))
    before = w.document.design
    w.refresh_actions()
    assert not w.qactions["view.remove_overlays"].isEnabled()
    w.qactions["view.overlay_file"].trigger()
    assert len(w.overlays) == 1
    ov = w.overlays[0]
    assert ov.pad_count == 17 and ov.layer.shape_count == 17
    assert ov.layer.scene() is w.top_view.box.scene()
    rect = ov.layer.boundingRect()  # 0.3 mm circles around the 17 centres
    assert rect.left() == pytest.approx(-1.35, abs=1e-3) and rect.right() == pytest.approx(2.15, abs=1e-3)
    legend = w.top_view.legend
    assert (ov.sample, ov.label) in legend.items
    assert "Overlay: revB.gbr" in ov.label.text
    assert w.document.design == before and not w.document.stack.can_undo  # not part of the design
    assert w.qactions["view.remove_overlays"].isEnabled()
    qtbot.wait(50)
    w.grab().save(str(tmp_path / "overlay.png"))
    ov.label.mouseClickEvent(_Click())  # a click on the legend entry hides it
    assert not ov.layer.isVisible()
    ov.label.mouseClickEvent(_Click())
    assert ov.layer.isVisible()
    w.qactions["view.remove_overlays"].trigger()
    assert w.overlays == []
    assert ov.layer.scene() is None
    assert (ov.sample, ov.label) not in legend.items
    assert not w.qactions["view.remove_overlays"].isEnabled()


def test_overlay_of_a_bad_file_says_why_and_draws_nothing(qtbot: Any, settings: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    w = _window(qtbot, settings, tmp_path)
    bad = tmp_path / "broken.gds"
    bad.write_bytes(b"\x00\x06\x00\x02garbage")
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    w.qactions["view.overlay_file"].trigger()
    assert w.overlays == []
    assert "Cannot overlay broken.gds" in w.last_error
    assert "broken.gds" in w.last_error and "GDS" in w.last_error


def test_preview_draws_source_outlines_and_on_and_off_grid_sites(qtbot: Any, tmp_path: Path) -> None:
    src = tmp_path / "pkg.gds"
    write_pads(src, 3, 4, 800.0)
    ly = kdb.Layout()
    ly.read(str(src))
    a = 2 * np.pi * np.arange(28) / 28
    ly.top_cell().shapes(ly.layer(3, 0)).insert(kdb.DPolygon([kdb.DPoint(1230 + 150 * np.cos(t),
                                                                         150 * np.sin(t)) for t in a]))
    ly.write(str(src))
    dlg = ImportPadsDialog(src)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.preview_counts() == {"source": 13, "on_grid": 12, "off_grid": 1}
    off = dlg.preview.off_item.data
    assert (off["x"][0], off["y"][0]) == pytest.approx((1.23, 0.0))
    assert dlg.preview.on_item.opts["brush"].color().name() == ON_GRID
    assert dlg.preview.off_item.opts["brush"].color().name() == OFF_GRID
    xs = dlg.preview.on_item.data["x"]
    dlg.view.setCurrentText("bottom")  # a choice redraws the preview: mirrored about the y axis
    assert np.sort(dlg.preview.on_item.data["x"]) == pytest.approx(np.sort(-xs))
    path_rect = dlg.preview.source_item.path().boundingRect()
    assert path_rect.right() == pytest.approx(0.15, abs=2e-3)  # the source outline mirrored with the sites
    dlg.layer.setCurrentIndex(dlg.layer.findData("9/0"))  # a layer with no pads: nothing drawn, OK off
    assert dlg.preview_counts() == {"source": 0, "on_grid": 0, "off_grid": 0}
    dlg.layer.setCurrentIndex(dlg.layer.findData("3/0"))
    qtbot.wait(50)
    dlg.grab().save(str(tmp_path / "import_preview.png"))


def _press_cancel(qtbot: Any, job: BackgroundJob) -> None:
    """Click the progress dialog's Cancel button (the dialog shows at once: SHOW_AFTER_MS is 0 here)."""
    qtbot.waitUntil(job.progress.isVisible, timeout=5000)
    button = job.progress.findChild(QtWidgets.QPushButton)
    assert button is not None and button.text() == "Cancel"
    qtbot.mouseClick(button, QtCore.Qt.MouseButton.LeftButton)


def _slow(monkeypatch: pytest.MonkeyPatch, gate: threading.Event) -> None:
    """Every step goes to the worker, and the recognition waits for ``gate``."""
    monkeypatch.setattr(import_dialog, "INLINE_BYTES", 0)
    monkeypatch.setattr(import_dialog, "INLINE_PADS", 0)
    real = import_dialog.import_source

    def held(source: Any, options: Any) -> Any:
        assert gate.wait(10)
        return real(source, options)

    monkeypatch.setattr(import_dialog, "import_source", held)


def test_slow_steps_run_behind_a_progress_dialog_and_cancel_changes_nothing(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "pkg.gds"
    write_pads(src, 3, 4, 800.0)
    gate = threading.Event()
    _slow(monkeypatch, gate)
    monkeypatch.setattr("app.dialogs.background.SHOW_AFTER_MS", 0)
    dlg = ImportPadsDialog(src)
    qtbot.addWidget(dlg)
    dlg.show()
    assert isinstance(dlg.job, BackgroundJob)  # reading in the worker
    qtbot.waitUntil(lambda: dlg.source is not None, timeout=10000)
    job = dlg.job
    assert job is not None and job.running  # recognising, held at the gate
    assert not dlg.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: dlg.imported is not None, timeout=10000)
    assert "3 rows x 4 columns" in dlg.report.toPlainText()
    shown = dlg.imported
    # a new choice, cancelled while it is recognised: the report, the import and the choice stay as they were
    gate.clear()
    dlg.view.setCurrentText("bottom")
    job = dlg.job
    assert job is not None and job.running
    assert job.progress.labelText().startswith("Recognising 12 pads")
    _press_cancel(qtbot, job)
    assert dlg.job is None
    assert dlg.view.currentText() == "top"
    assert dlg.imported is shown
    assert "view: top" in dlg.report.toPlainText()
    assert dlg.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).isEnabled()
    gate.set()
    qtbot.wait(100)  # the abandoned worker ends; its result is dropped
    assert dlg.imported is shown


def test_cancelled_read_closes_the_dialog_with_nothing_imported(qtbot: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "pkg.gds"
    write_pads(src, 3, 4, 800.0)
    gate = threading.Event()
    monkeypatch.setattr(import_dialog, "INLINE_BYTES", 0)
    real = import_dialog.read_options_source
    monkeypatch.setattr(import_dialog, "read_options_source", lambda p, o: (gate.wait(10), real(p, o))[1])
    monkeypatch.setattr("app.dialogs.background.SHOW_AFTER_MS", 0)
    dlg = ImportPadsDialog(src)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.job is not None and not dlg.layer.isEnabled()
    _press_cancel(qtbot, dlg.job)
    assert dlg.result() == QtWidgets.QDialog.DialogCode.Rejected and not dlg.isVisible()
    assert dlg.imported is None
    gate.set()


@pytest.mark.parametrize("cancel", [False, True])
def test_big_overlay_file_is_read_in_the_worker(qtbot: Any, settings: Any, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch, cancel: bool) -> None:
    from app.views import overlay

    w = _window(qtbot, settings, tmp_path)
    src = tmp_path / "big.gbr"
    _gerber(src, [(0.5 * i, 0.0) for i in range(40)])
    gate = threading.Event()
    monkeypatch.setattr(overlay, "INLINE_BYTES", 0)
    monkeypatch.setattr("app.dialogs.background.SHOW_AFTER_MS", 0)
    real = overlay.read_overlay
    monkeypatch.setattr(overlay, "read_overlay", lambda p: (gate.wait(10), real(p))[1])
    w.overlay_file(src)
    job = w.overlay_job
    assert job is not None and job.running and w.overlays == []
    if cancel:
        _press_cancel(qtbot, job)
        gate.set()
        qtbot.wait(100)
        assert w.overlays == []
        assert "cancelled: nothing drawn" in w.statusBar().currentMessage()
    else:
        gate.set()
        qtbot.waitUntil(lambda: len(w.overlays) == 1, timeout=10000)
        assert w.overlays[0].layer.shape_count == 40
