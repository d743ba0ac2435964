"""Site generators: small frozen parameter objects, one family per module, registered by ``kind``.

Importing this package registers every kind a design file may hold.

A design stores the generator's parameters, not the sites; :func:`geometry.model.layouts.build_sites` turns them into
a :class:`geometry.model.sites.Sites` block (cached, since the parameters are hashable).
"""

from geometry.model.layouts.base import LAYOUT_KINDS, Layout, Pad, UnitRepetition, register_layout
from geometry.model.layouts.carrier import CarrierForm, CarrierLayout
from geometry.model.layouts.depopulation import CentreVoid, DepopulateNames, Depopulation, PerimeterRings
from geometry.model.layouts.edits import SiteEdits, build_sites
from geometry.model.layouts.explicit import ExplicitLayout, ExplicitSite, SiteColumns
from geometry.model.layouts.explicit_csv import read_sites_csv
from geometry.model.layouts.grid import GridLayout
from geometry.model.layouts.source import ImportSource, Recognition
from geometry.model.layouts.staggered import StaggeredLayout
from geometry.model.layouts.wafer import WaferLayout

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
