"""House rule 1: the geometry core imports without Qt, so the model, checks and exporters run headless."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import geometry

BLOCKER = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6') or name == 'app' or name.startswith('app.'):
            raise ImportError('blocked in this test: ' + name)
        return None
sys.meta_path.insert(0, Block())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print('imported', len(sys.argv) - 1)
"""


def geometry_modules() -> list[str]:
    root = Path(geometry.__file__).parent
    return sorted(m.name for m in pkgutil.walk_packages([str(root)], prefix="geometry."))


def test_every_geometry_module_imports_with_qt_blocked() -> None:
    modules = geometry_modules()
    assert "geometry.model.design" in modules
    r = subprocess.run([sys.executable, "-c", BLOCKER, *modules], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert f"imported {len(modules)}" in r.stdout
