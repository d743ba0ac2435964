"""Screenshots of the real window for docs/guide.md: run under a display (Xvfb), e.g.

    xvfb-run -s "-screen 0 1600x1000x24" python docs/make_screenshots.py [OUT_DIR]

Each scenario opens the window on a design, performs the steps a user would, waits for the checks and the
background caches, and saves ``OUT_DIR/<name>.png`` (default ``docs/images``). ``QT_SCALE_FACTOR=1.5`` in the
environment gives the high-DPI variant (the names then end in ``@1.5x``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtWidgets

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"


def _settle(app: QtWidgets.QApplication, ms: int = 1500) -> None:
    """Let the event loop run: the check runner, raster caches and layouts finish."""
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def _window(settings_dir: Path, path: Path | None) -> object:
    from app.main import build_window

    settings = QtCore.QSettings(str(settings_dir / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    w = build_window(path, settings, settings_dir / "recovery")
    screen = QtWidgets.QApplication.primaryScreen().availableGeometry()
    w.resize(min(1600, screen.width()), min(1000, screen.height()))
    w.show()
    return w


def main_scenario(w: object) -> None:
    """A BGA design: a site selected (the inspector shows it), two rulers, the cut line through a row."""
    doc = w.document  # type: ignore[attr-defined]
    doc.set_selection(["H8"])
    tv = w.top_view  # type: ignore[attr-defined]
    design = doc.design
    rulers = tv.rulers
    sites = design.sites()
    for a, b in (("A1", "B2"), ("C1", "C2")):
        ia, ib = sites.index_of(a), sites.index_of(b)
        rulers.click(design, float(sites.x_mm[ia]), float(sites.y_mm[ia]), [ia])
        rulers.click(design, float(sites.x_mm[ib]), float(sites.y_mm[ib]), [ib])
    w.docks["inspector"].raise_()  # type: ignore[attr-defined]


def csp(w: object) -> None:
    from app.dialogs.templates import build_template

    w.start_new(build_template("csp"))  # type: ignore[attr-defined]


def wafer(w: object) -> None:
    from app.dialogs.templates import build_template

    w.start_new(build_template("wafer"))  # type: ignore[attr-defined]


def rework(w: object) -> object | None:
    from app import actions

    w.open_path(EXAMPLES / "rework-bga-0.8mm-tapered.ballmask")  # type: ignore[attr-defined]
    design = w.document.design  # type: ignore[attr-defined]
    if design.rework is None or design.rework.derived_from is None:  # the example may be derived already
        actions.derive_rework_mask(w)  # type: ignore[arg-type]
    derived = getattr(w, "derived_windows", None)
    if derived:  # the rework mask opens as its own window: that is the one to show
        return derived[-1]
    return None


def checks(w: object) -> None:
    """Merging off on the BGA: web-lower findings, one selected (ringed on the drawing)."""
    from geometry.model.operations import set_auto_merge
    from geometry.model.profiles import Tapered

    doc = w.document  # type: ignore[attr-defined]
    doc.apply("Steeper taper", lambda d: set_auto_merge(d.with_(profile=Tapered(25.0)), False))
    w.runner.flush()  # type: ignore[attr-defined]
    panel = w.docks["checks"].widget()  # type: ignore[attr-defined]
    panel.set_check_shown("web-lower")
    panel.activate(0)


def strip(w: object) -> None:
    """A strip from its template, the unit map in front with a unit chosen (the cross-section cuts through it)."""
    from app.dialogs.templates import build_template

    w.start_new(build_template("strip"))  # type: ignore[attr-defined]
    w.runner.flush()  # type: ignore[attr-defined]
    w.docks["unit_map"].raise_()  # type: ignore[attr-defined]
    view = w.panels["unit_map"]  # type: ignore[attr-defined]
    view.select(int(len(view.rows) // 2 + 2))


def _tool(kind: str) -> Callable[[object], None]:
    def show(w: object) -> None:
        """The BGA example with a companion tool shown: its shapes, its findings, its settings."""
        doc = w.document  # type: ignore[attr-defined]
        tv = w.top_view  # type: ignore[attr-defined]
        w.view_state.set_tool_kind(kind)  # type: ignore[attr-defined]
        sites = doc.design.sites()
        i = sites.index_of("H8")
        tv.zoom_to(float(sites.x_mm[i]), float(sites.y_mm[i]), 6.0)

    return show


SCENARIOS: dict[str, tuple[Path | None, Callable[[object], object | None]]] = {
    "main": (EXAMPLES / "bga-0.8mm-tapered.ballmask", main_scenario),
    "checks": (EXAMPLES / "bga-0.8mm-tapered.ballmask", checks),
    "csp": (None, csp),
    "rework": (None, rework),
    "wafer": (None, wafer),
    "strip": (None, strip),
    "tool_flux_stencil": (EXAMPLES / "bga-0.8mm-tapered.ballmask", _tool("flux-stencil")),
    "tool_pin_plate": (EXAMPLES / "bga-0.8mm-tapered.ballmask", _tool("pin-plate")),
    "tool_pick_head": (EXAMPLES / "bga-0.8mm-tapered.ballmask", _tool("pick-head")),
    "tool_inspection": (EXAMPLES / "bga-0.8mm-tapered.ballmask", _tool("inspection")),
}


def run(out: Path, only: list[str]) -> list[Path]:
    """Make the screenshots; the paths written."""
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    scale = os.environ.get("QT_SCALE_FACTOR", "")
    tag = f"@{scale}x" if scale and scale != "1" else ""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (path, step) in SCENARIOS.items():
        if only and name not in only:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            w = _window(Path(tmp), path)
            _settle(app, 800)
            shown = step(w) or w
            if shown is not w:
                shown.resize(w.size())  # type: ignore[attr-defined]
                shown.show()  # type: ignore[attr-defined]
            _settle(app, 2500)
            target = out / f"{name}{tag}.png"
            shown.grab().save(str(target))  # type: ignore[attr-defined]
            if shown is not w:
                shown.document.stack.set_clean()  # type: ignore[attr-defined]
                shown.close()  # type: ignore[attr-defined]
            written.append(target)
            w.document.stack.set_clean()  # type: ignore[attr-defined]
            w.close()  # type: ignore[attr-defined]
            w.deleteLater()  # type: ignore[attr-defined]
            _settle(app, 200)
    return written


if __name__ == "__main__":
    args = sys.argv[1:]
    target = Path(args[0]) if args and not args[0].isidentifier() else ROOT / "docs" / "images"
    names = [a for a in args if a.isidentifier()]
    for p in run(target, names):
        print(p)
