"""A module imported on first use, for libraries that only some designs need (issue 12).

A cold ``ballmask check`` of a small design of plain disks never builds a polygon: the islands and the span have
closed forms there. Importing shapely anyway costs about 0.02 s of the 0.2 s the command may take, so the
modules on the check path name shapely through :class:`LazyModule` (``shapely = LazyModule("shapely")``, with the
real ``import shapely`` under ``TYPE_CHECKING`` for mypy). The first attribute read imports the library; later
reads of that attribute come from the proxy's own dictionary, so a vectorised call costs what it did before.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


class LazyModule:
    """Stands for the module ``name`` until an attribute is read, then imports it (once) and hands that out."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        # only called for attributes not yet in the proxy's __dict__: import (a dictionary look-up after the
        # first time), then keep the attribute so the next read is an ordinary one
        value = getattr(importlib.import_module(self._name), attr)
        setattr(self, attr, value)
        return value

    def __repr__(self) -> str:
        return f"<lazily imported module {self._name!r}>"


def lazy_names(module: str, where: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) for names of ``module`` imported on first use: ``where`` maps each name to
    the module that defines it. The first read imports that module and keeps the name in ``module``'s namespace,
    so later reads are ordinary ones."""

    def lookup(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        setattr(sys.modules[module], name, value)
        return value

    return lookup
