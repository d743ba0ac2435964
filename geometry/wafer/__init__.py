"""Wafer-scale layouts and their fast paths: a die pattern stepped across a wafer, computed once per die.

Importing this package registers the ``"wafer"`` layout kind (``geometry.fileio`` imports it, so design files
holding a wafer layout load in any process).
"""

from geometry.wafer.layout import (
    WAFER_DIAMETERS_MM,
    DieMap,
    KeepRule,
    WaferLayout,
    WaferMark,
    die_map,
    die_sites,
    group_rows,
    split_site_name,
)

__all__ = [
    "WAFER_DIAMETERS_MM",
    "DieMap",
    "KeepRule",
    "WaferLayout",
    "WaferMark",
    "die_map",
    "die_sites",
    "group_rows",
    "split_site_name",
]
