"""Files around the document: recent files, autosave to a recovery file, and finding it again after a crash.

The design file itself is geometry.fileio's business (atomic save, validated load). This module only decides
*where* and *when*: the recent list lives in the QSettings the window is given (tests pass a temporary one), and
a recovery file per running process sits in a directory the caller chooses, so a crash leaves a file that the
next start can offer, while a clean exit or a save removes it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore

from app.document import Document
from geometry.base.atomic import process_alive
from geometry.fileio import load_design, save_design
from geometry.model.design import example_grid_design

RECENT_KEY = "files/recent"
RECENT_MAX = 8
AUTOSAVE_SECONDS = 60


class RecentFiles:
    """The most recently opened or saved files, newest first, kept in QSettings."""

    def __init__(self, settings: QtCore.QSettings) -> None:
        self._settings = settings

    def paths(self) -> list[Path]:
        """Newest first; files that no longer exist are left out."""
        return [Path(p) for p in settings_strings(self._settings, RECENT_KEY) if p and Path(p).exists()]

    def add(self, path: Path) -> None:
        """Put a file at the top of the list."""
        p = str(Path(path).resolve())
        items = [p] + [str(x) for x in self.paths() if str(x) != p]
        self._settings.setValue(RECENT_KEY, items[:RECENT_MAX])

    def clear(self) -> None:
        """Forget all."""
        self._settings.setValue(RECENT_KEY, [])


@dataclass(frozen=True)
class Recovery:
    """An autosave file left by a process that is gone, and the file it was autosaving (None: never saved)."""

    path: Path
    original: Path | None
    saved_at: float


def settings_strings(settings: QtCore.QSettings, key: str) -> list[str]:
    """A list of strings stored under ``key``: QSettings hands back a one-item list as a plain string, an empty
    one as None, and values of other types are not ours (left out)."""
    raw = settings.value(key, [])
    items = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return [str(v) for v in items if isinstance(v, str)]


def find_recovery(directory: Path) -> Recovery | None:
    """The newest recovery file whose process is no longer running (a crash), or None."""
    found: list[Recovery] = []
    for meta in directory.glob("recovery-*.json"):
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            pid = int(info["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        design = meta.with_suffix(".ballmask")
        if process_alive(pid) or not design.exists():
            continue
        original = Path(info["original"]) if info.get("original") else None
        found.append(Recovery(design, original, float(info.get("saved_at", 0.0))))
    return max(found, key=lambda r: r.saved_at) if found else None


def discard_recovery(recovery: Recovery) -> None:
    """Delete a recovery file and its note (offered and declined, or taken)."""
    for p in (recovery.path, recovery.path.with_suffix(".json")):
        p.unlink(missing_ok=True)


def recover_into(document: Document, recovery: Recovery) -> None:
    """Load a recovered design into the document as an unsaved, undoable change over its original file.

    The document then shows the original file's name with the dirty marker, and Undo goes back to what was
    last saved: exactly the state the user was in before the crash.
    """
    recovered = load_design(recovery.path)
    if recovery.original is not None and recovery.original.exists():
        document.replace(load_design(recovery.original), recovery.original)
    else:
        # a design never saved: start from the default new design so the recovered one counts as unsaved work
        document.replace(example_grid_design(), None)
    document.apply("Recover unsaved work", lambda _d: recovered)


class Autosave(QtCore.QObject):
    """Every ``seconds``, when the document has unsaved changes, write it to this process's recovery file."""

    def __init__(self, document: Document, directory: Path, seconds: float = AUTOSAVE_SECONDS,
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.directory = Path(directory)
        self.path = self.directory / f"recovery-{os.getpid()}.ballmask"
        self._meta = self.path.with_suffix(".json")
        self._written: object | None = None
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(int(seconds * 1000))
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> bool:
        """Write the recovery file if there is unsaved work not yet written; True when written."""
        doc = self.document
        if not doc.dirty:
            return False
        if self._written is doc.design and self.path.exists():
            return False
        self.directory.mkdir(parents=True, exist_ok=True)
        save_design(doc.design, self.path)
        meta = {"pid": os.getpid(), "original": str(doc.path) if doc.path else None, "saved_at": time.time()}
        self._meta.write_text(json.dumps(meta), encoding="utf-8")
        self._written = doc.design
        return True

    def remove(self) -> None:
        """The work is saved or deliberately dropped: no recovery needed."""
        self.path.unlink(missing_ok=True)
        self._meta.unlink(missing_ok=True)
        self._written = None
