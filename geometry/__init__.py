"""ballmask geometry core: the pure model of a solder-ball mounting mask and all computation on it.

Nothing in this package imports Qt or the application: the model, the checks, the file format and the
exporters run headless (batch jobs, CI, the command line). Lengths are millimetres throughout.
"""

from geometry.base.version import __version__

__all__ = ["__version__"]
