"""Atomic writes: complete or nothing, and the permissions a normal file (or the replaced one) would have."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from geometry.base.atomic import atomic_folder, write_bytes_atomic, write_with_atomic


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_new_file_gets_umask_permissions_and_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        p = write_bytes_atomic(tmp_path / "a.dxf", b"one")
        assert _mode(p) == 0o644 and p.read_bytes() == b"one"
        os.chmod(p, 0o640)
        write_bytes_atomic(p, b"two")
        assert _mode(p) == 0o640 and p.read_bytes() == b"two"
        with atomic_folder(tmp_path / "gerber") as tmp:
            (tmp / "x.gbr").write_text("x")
        assert _mode(tmp_path / "gerber") == 0o755
    finally:
        os.umask(old)


def test_failed_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    p = write_bytes_atomic(tmp_path / "a.dxf", b"good")

    def boom(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_with_atomic(p, boom)
    assert p.read_bytes() == b"good"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.dxf"]
