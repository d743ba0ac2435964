"""Site generators: small frozen parameter objects, one family per module, registered by ``kind``.

Importing this package makes every kind a design file may hold known: most register on import, the strip carrier
and the wafer (``LAZY_LAYOUT_MODULES``) when a file or the code first asks for them, so a cold check of a grid
design does not build their classes (issue 12).

A design stores the generator's parameters, not the sites; :func:`geometry.model.layouts.build_sites` turns them into
a :class:`geometry.model.sites.Sites` block (cached, since the parameters are hashable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geometry.base.lazy import lazy_names
from geometry.model.layouts.base import LAYOUT_KINDS, Layout, Pad, UnitRepetition, register_layout
from geometry.model.layouts.depopulation import CentreVoid, DepopulateNames, Depopulation, PerimeterRings
from geometry.model.layouts.edits import SiteEdits, build_sites
from geometry.model.layouts.explicit import ExplicitLayout, ExplicitSite, SiteColumns
from geometry.model.layouts.grid import GridLayout
from geometry.model.layouts.staggered import StaggeredLayout

if TYPE_CHECKING:
    from geometry.model.layouts.carrier import CarrierForm, CarrierLayout
    from geometry.model.layouts.explicit_csv import read_sites_csv
    from geometry.model.layouts.source import ImportSource, Recognition
    from geometry.model.layouts.wafer import WaferLayout

_LAZY_NAMES = {name: f"{__name__}.{module}" for name, module in {
    "CarrierForm": "carrier", "CarrierLayout": "carrier", "WaferLayout": "wafer", "read_sites_csv": "explicit_csv",
    "ImportSource": "source", "Recognition": "source"}.items()}
"""Names of this package whose module is imported on first use."""
__getattr__ = lazy_names(__name__, _LAZY_NAMES)

__all__ = [
    "LAYOUT_KINDS",
    "CarrierForm",
    "CarrierLayout",
    "CentreVoid",
    "DepopulateNames",
    "Depopulation",
    "ExplicitLayout",
    "ExplicitSite",
    "GridLayout",
    "ImportSource",
    "Layout",
    "Pad",
    "PerimeterRings",
    "Recognition",
    "SiteColumns",
    "SiteEdits",
    "StaggeredLayout",
    "UnitRepetition",
    "WaferLayout",
    "build_sites",
    "read_sites_csv",
    "register_layout",
]
