"""Reading and writing design files (``.ballmask``): a generic dataclass codec and the design file on top."""

from geometry.fileio.design_file import (
    FORMAT_VERSION,
    SUFFIX,
    DesignFileError,
    design_from_json,
    design_to_json,
    load_design,
    save_design,
)

__all__ = [
    "FORMAT_VERSION",
    "SUFFIX",
    "DesignFileError",
    "design_from_json",
    "design_to_json",
    "load_design",
    "save_design",
]
