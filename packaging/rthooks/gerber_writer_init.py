"""PyInstaller runtime hook: let gerber_writer's ``from .__init__ import __version__`` work in the bundle.

gerber_writer/writer.py imports its own package as the submodule ``gerber_writer.__init__``. Plain Python loads
that as a module of the package; PyInstaller's frozen importer loads it as a package of its own, whose
``from .writer import *`` then looks for ``gerber_writer.__init__.writer`` and fails. This hook answers that one
name with the ``gerber_writer`` package itself, which already holds ``__version__`` when writer.py asks for it.
The spec leaves ``gerber_writer.__init__`` out of the archive so the frozen importer never sees it.
"""

import importlib.abc
import importlib.machinery
import sys

_NAME = "gerber_writer.__init__"


class _PackageAsInit(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != _NAME or "gerber_writer" not in sys.modules:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        return sys.modules["gerber_writer"]

    def exec_module(self, module):
        return None


sys.meta_path.insert(0, _PackageAsInit())
