"""Render resources/icons/ballmask.svg to the PNG sizes desktops look for (16..256 px).

The PNGs are committed next to the SVG so that neither the bundle nor ``make install-desktop`` needs an SVG
renderer; run this after changing the SVG: ``python packaging/make_icons.py``. tests/test_desktop_files.py checks
that every PNG is the size its name says and matches a fresh rendering.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SVG = ICONS / "ballmask.svg"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
"""The hicolor theme's usual application icon sizes."""


def png_path(size: int) -> Path:
    """Where the PNG of one size lives."""
    return ICONS / f"ballmask-{size}.png"


def render(size: int):  # -> QImage (Qt is imported lazily: this module is also read by tests without a display)
    """The SVG rendered to a transparent ``size`` x ``size`` image."""
    from PySide6 import QtCore, QtGui, QtSvg

    renderer = QtSvg.QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG}: not a valid SVG")
    image = QtGui.QImage(size, size, QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QtCore.QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    """Write every size; the exit code is 0."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import QtGui

    _app = QtGui.QGuiApplication.instance() or QtGui.QGuiApplication(sys.argv[:1])
    for size in SIZES:
        if not render(size).save(str(png_path(size)), "PNG"):
            raise SystemExit(f"cannot write {png_path(size)}")
        sys.stdout.write(f"wrote {png_path(size)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
