"""The program's version: the one number the wheel, the bundle, ``--version``, the About box and design files show.

setuptools reads it from here (``dynamic = ["version"]`` in pyproject.toml), so a frozen bundle, which carries no
package metadata, still knows its version. Change it together with ``CHANGELOG.md``.
"""

__version__ = "0.1.0"

GENERATOR = f"ballmask {__version__}"
"""What a design file's ``generator`` field and the Gerber ``.GenerationSoftware`` attribute name as the writer."""
