"""Atomic file and folder writes: readers see the old output or the new one, never a part of either.

One implementation for the design file and every exporter: a temporary beside the target, flushed to disk,
given the permissions a normal file would have (or the replaced file's), then renamed over the target.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from geometry.base.lazy import LazyModule

if TYPE_CHECKING:  # only writes need them: a cold check loads a design and writes nothing
    import shutil
    import tempfile
else:
    shutil = LazyModule("shutil")
    tempfile = LazyModule("tempfile")

_LEGACY_AGE_S = 3600.0
"""Temporaries named without a process id (older versions) count as stale after an hour."""


def process_alive(pid: int) -> bool:
    """Whether a process of this id runs (this one does; one we may not signal counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _stale_pid(entry: str, name: str) -> tuple[bool, int | None]:
    """Whether ``entry`` is a temporary of a write to ``name``, and the writer's process id if it has one."""
    if entry.startswith(".ballmask-export-"):
        head = entry.removeprefix(".ballmask-export-").split("-", 1)[0]
        return True, int(head) if head.isascii() and head.isdigit() and "-" in entry[17:] else None
    if not entry.startswith(f".{name}.") or not entry.endswith((".tmp", ".old")):
        return False, None
    parts = entry[len(name) + 2:].split(".")
    if len(parts) == 3 and parts[0].isascii() and parts[0].isdigit():
        return True, int(parts[0])
    return len(parts) == 2, None


def clean_stale(folder: str | os.PathLike[str], name: str) -> list[Path]:
    """Remove temporaries a killed write of ``name`` (and killed package exports) left in ``folder``.

    Temporaries carry the writing process's id (``.name.<pid>.<random>.tmp``, ``.ballmask-export-<pid>-...``), so
    those of a running process (a second export writing beside this one) are left alone; ones without an id
    (older versions) are removed once they are an hour old.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        ours, pid = _stale_pid(entry.name, name)
        if not ours:
            continue
        try:
            if pid is not None:
                if process_alive(pid):
                    continue
            elif now - entry.stat(follow_symlinks=False).st_mtime < _LEGACY_AGE_S:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _prefix(target: Path) -> str:
    return f".{target.name}.{os.getpid()}."


def _named(e: OSError, target: Path) -> OSError:
    """The error naming ``target`` when it names no file or only a temporary (ENOSPC, EFBIG name none)."""
    if e.filename is None or Path(str(e.filename)).name.startswith(f".{target.name}."):
        return OSError(e.errno, e.strerror or str(e), str(target))
    return e


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable where the platform allows it (not on Windows, harmless to skip)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _give_mode(tmp: Path, target: Path, new_mode: int = 0o666) -> None:
    """mkstemp/mkdtemp make private entries; give the replaced one's mode, or what the umask gives a new one."""
    with contextlib.suppress(OSError):
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, new_mode & ~umask)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``, on failure it is removed."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(target.parent, target.name)
        fd, tmp_name = tempfile.mkstemp(prefix=_prefix(target), suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as e:
        raise _named(e, target) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        _fsync_file(tmp)
        _give_mode(tmp, target)
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    except OSError as e:
        raise _named(e, target) from None
    finally:
        if tmp.exists():
            tmp.unlink()


def write_bytes_atomic(target: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically."""
    target = Path(target)
    with atomic_path(target) as tmp, os.fdopen(os.open(tmp, os.O_WRONLY | os.O_TRUNC), "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return target


def write_text_atomic(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` atomically (newlines as given)."""
    return write_bytes_atomic(target, text.encode(encoding))


def write_with_atomic(target: str | os.PathLike[str], writer: Callable[[Path], None]) -> Path:
    """Let ``writer`` fill a temporary file, then move it over ``target``."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


@contextlib.contextmanager
def atomic_folder(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``target``; on success it takes the place of ``target``.

    A folder cannot be renamed over a non-empty one, so the old folder is first moved aside and deleted only
    after the new one is in place; if the final rename fails the old folder is moved back.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(target.parent, target.name)
        tmp = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".tmp", dir=target.parent))
    except OSError as e:
        raise _named(e, target) from None
    old: Path | None = None
    try:
        yield tmp
        _give_mode(tmp, target, 0o777)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".old", dir=target.parent))
            old.rmdir()
            os.replace(target, old)
        try:
            os.replace(tmp, target)
        except OSError:
            if old is not None:
                os.replace(old, target)
                old = None
            raise
        _fsync_folder(target.parent)
    except OSError as e:
        raise _named(e, target) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.exists():
            shutil.rmtree(old, ignore_errors=True)
