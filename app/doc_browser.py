"""The pages of docs/ (the user guide, the check reference) shown inside the application."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets


def docs_folder() -> Path:
    """docs/ of the source tree (the guide and the check reference)."""
    return Path(__file__).resolve().parent.parent / "docs"


class DocBrowser(QtWidgets.QDialog):
    """A Markdown page of docs/ inside the application (the guide, the check reference), with its images."""

    def go_to(self, anchor: str) -> bool:
        """Scroll to what explains ``anchor`` (a check id such as web-lower: its heading, else its table row; see
        app.check_help), else to its first mention; False when the page does not mention it."""
        from app.check_help import check_block

        doc = self.browser.document()
        target = check_block(doc, anchor)
        cursor = QtGui.QTextCursor(target) if target is not None else doc.find(anchor)
        if cursor.isNull():
            return False
        self.browser.setTextCursor(cursor)
        bar = self.browser.verticalScrollBar()
        bar.setValue(bar.maximum())  # then back up: the heading ends at the top of the view, not the bottom
        self.browser.ensureCursorVisible()
        return True

    def __init__(self, path: Path, anchor: str = "", parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(path.stem.replace("-", " ").capitalize())
        self.browser = QtWidgets.QTextBrowser()
        self.browser.setObjectName("docBrowser")
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(path.parent)])
        if path.exists():
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        else:
            self.browser.setMarkdown(f"# Not found\n\n`{path}` is not part of this installation.")
        self.anchor_found = self.go_to(anchor) if anchor else False
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(self.browser)
        lay.addWidget(buttons)
        screen = self.screen().availableGeometry() if self.screen() else QtCore.QRect(0, 0, 1200, 900)
        self.resize(min(900, int(screen.width() * 0.8)), min(800, int(screen.height() * 0.85)))
