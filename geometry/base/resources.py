"""The one way to find bundled files (examples, schema), in a checkout and in an installed wheel alike."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Filesystem path of a bundled resource, e.g. ``resource_path("examples", "bga.ballmask")``."""
    ref = files("ballmask_resources").joinpath(*parts)
    with as_file(ref) as p:
        return Path(p)


def example_paths() -> list[Path]:
    """All bundled example designs, sorted by name."""
    return sorted(resource_path("examples").glob("*.ballmask"))
