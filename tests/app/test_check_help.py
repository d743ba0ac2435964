""""What does this check mean?" opens the real reference page at the check (issue 15): docs/checks.md for the
mask's checks, docs/tools.md for the companion tools', found as Help > User Guide finds docs/guide.md."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt

from app import window_extras
from app.check_help import TOOL_CHECKS, check_page
from app.main_window import MainWindow
from geometry.checks import CHECKS

ROOT = Path(__file__).resolve().parents[2]


def test_tool_check_ids_are_the_ones_the_tool_checks_write() -> None:
    source = (ROOT / "geometry" / "checks" / "tools.py").read_text(encoding="utf-8")
    written = set(re.findall(r'"((?:flux|pin|pick)-[a-z-]+)"', source))
    assert written == TOOL_CHECKS


def test_every_check_lands_on_its_own_row_or_section(qtbot, main_window_4x4: MainWindow) -> None:
    w = main_window_4x4
    assert window_extras.docs_folder() == ROOT / "docs"  # the same folder the user guide comes from
    for check_id in [*CHECKS, *sorted(TOOL_CHECKS)]:
        w.show_check_help(check_id)
        dlg = w.doc_browser
        assert dlg.windowTitle().lower() == Path(check_page(check_id)).stem
        assert dlg.anchor_found, check_id
        block = dlg.browser.textCursor().block()
        text = block.text().strip()
        heading = block.blockFormat().headingLevel() > 0
        # the table row's first cell, or a heading naming the check as a word ("(checks `lower-island`, `span`)")
        assert text == check_id or text.startswith(f"{check_id} (") or (
            heading and re.search(rf"(?<![\w-]){re.escape(check_id)}(?![\w-])", text)), (check_id, text)
        dlg.close()


def test_the_panels_help_button_opens_a_tool_findings_row(qtbot, main_window_4x4: MainWindow) -> None:
    from geometry.model.tools import PickHead, Tools

    w = main_window_4x4
    w.document.apply("Big holes", lambda d: d.with_(tools=Tools(pick_head=PickHead(hole_ratio=1.2))))
    w.qactions["tools.show.pick-head"].trigger()
    w.runner.flush()
    panel = w.panels["checks"]
    row = next(r for r in range(panel.row_count()) if panel.violation_at(r).check == "pick-hole-pass")
    panel.activate(row)
    qtbot.mouseClick(panel.help_button, Qt.MouseButton.LeftButton)
    dlg = w.doc_browser
    assert dlg.windowTitle() == "Tools" and dlg.browser.textCursor().block().text().strip() == "pick-hole-pass"
    dlg.close()
