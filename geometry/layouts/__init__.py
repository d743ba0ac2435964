"""Site generators: small frozen parameter objects, one family per module, registered by ``kind``.

A design stores the generator's parameters, not the sites; :func:`geometry.layouts.build_sites` turns them into
a :class:`geometry.sites.Sites` block (cached, since the parameters are hashable).
"""

from geometry.layouts.base import LAYOUT_KINDS, Layout, Pad, register_layout
from geometry.layouts.depopulation import CentreVoid, DepopulateNames, Depopulation, PerimeterRings
from geometry.layouts.edits import SiteEdits, build_sites
from geometry.layouts.explicit import ExplicitLayout, ExplicitSite, read_sites_csv
from geometry.layouts.grid import GridLayout
from geometry.layouts.staggered import StaggeredLayout

__all__ = [
    "LAYOUT_KINDS",
    "CentreVoid",
    "DepopulateNames",
    "Depopulation",
    "ExplicitLayout",
    "ExplicitSite",
    "GridLayout",
    "Layout",
    "Pad",
    "PerimeterRings",
    "SiteEdits",
    "StaggeredLayout",
    "build_sites",
    "read_sites_csv",
    "register_layout",
]
