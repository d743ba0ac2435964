"""Where the reference explains a check: which page of docs/ and which block of it, by the check's id.

The mask's checks are explained in docs/checks.md, the companion tools' in docs/tools.md (found the way Help > User
Guide finds docs/guide.md: :func:`app.doc_browser.docs_folder`). Within the page the reference's own section of
the check wins (a heading that names the id, "Islands and span (checks `lower-island`, `span`)"); else the row of
the check table whose first cell is the id. A plain text search would stop at the first mention instead, which for
"ridge" or "edge" is a sentence about something else.
"""

from __future__ import annotations

import re

from PySide6 import QtGui

TOOL_CHECKS = frozenset({"flux-area-ratio", "flux-aspect-ratio", "flux-web", "pin-spot-gap", "pick-hole-pass",
                         "pick-hole-hold", "pick-ball-gap"})
"""The ids of geometry.checks.tools (the tools' checks have no registry of their own)."""


def check_page(check_id: str) -> str:
    """The docs/ page that explains ``check_id``."""
    return "tools.md" if check_id in TOOL_CHECKS else "checks.md"


def _names(text: str, check_id: str) -> bool:
    """Whether ``text`` names the id as a whole word (not "web-lower" inside "web-lower-x", nor "edge" in "ledge")."""
    return re.search(rf"(?<![\w-]){re.escape(check_id)}(?![\w-])", text, flags=re.IGNORECASE) is not None


def check_block(document: QtGui.QTextDocument, check_id: str) -> QtGui.QTextBlock | None:
    """The block that explains ``check_id``: its heading, else its table row's first cell (None: not there)."""
    cell: QtGui.QTextBlock | None = None
    block = document.begin()
    while block.isValid():
        text = block.text().strip()
        if block.blockFormat().headingLevel() > 0 and _names(text, check_id):
            return block
        if cell is None and (text == check_id or text.startswith(f"{check_id} (")):
            cell = block
        block = block.next()
    return cell
