"""Where a command may write: never over one of its inputs, never a file where a folder is (or the reverse)
unless ``--force`` says so.

``export d.ballmask --format all -o d.ballmask`` once replaced the design with a folder; a folder output that
holds an input (``-o .``) would have replaced the input's folder. Both are refused here before any work starts.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from geometry.base.errors import DesignError


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _inside(inner: Path, folder: Path) -> bool:
    try:
        return inner.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def check_output(out: Path, inputs: list[Path], *, folder: bool, force: bool, option: str = "-o") -> None:
    """Refuse ``out`` when it is an input, holds an input (folder outputs), or is of the other kind.

    With ``force`` an entry of the other kind (a file where the folder goes, a folder where the file goes) is
    removed here, so the writer can put its output in place.
    """
    for src in inputs:
        if _same(out, src) or out.resolve() == src.resolve():
            raise DesignError(option, str(out), "is an input of this command: choose another output")
        if folder and _inside(src, out):
            raise DesignError(option, str(out), f"holds the input {src.name}: the output folder is replaced as a "
                                                "whole; choose another output")
    if not out.exists() and not out.is_symlink():
        return
    is_dir = out.is_dir() and not out.is_symlink()
    if is_dir == folder:
        return
    have, want = ("a folder", "a file") if is_dir else ("a file", "a folder")
    if not force:
        raise DesignError(option, str(out), f"is {have}, and this output is {want}: give --force to replace it")
    if is_dir:
        shutil.rmtree(out)
    else:
        out.unlink()
