"""A rework mask as a design of its own: derived from a production design, named after it, recording which one.

Deriving never changes the production design: the result is a new design named ``<name>-rework`` whose rework
data names the production design and the SHA-256 of its file text (:func:`design_sha256`), so a rework file
always says which production mask it was made from, and the production file is never the one written.
"""

from __future__ import annotations

import hashlib

from geometry.analysis.proposal import ReworkResult, derive_rework
from geometry.base.errors import DesignError
from geometry.fileio.design_file import design_to_json
from geometry.model.design import Design
from geometry.model.rework import DerivedFrom, Rework

REWORK_SUFFIX = "-rework"


def design_sha256(design: Design) -> str:
    """SHA-256 (hex) of the design's file text, as ``save_design`` writes it."""
    return hashlib.sha256(design_to_json(design).encode("utf-8")).hexdigest()


def rework_name(production_name: str) -> str:
    """The rework design's name: the production name with ``-rework``."""
    return f"{production_name}{REWORK_SUFFIX}"


def derive_rework_design(production: Design, rework: Rework | None = None) -> ReworkResult:
    """The rework mask of ``production`` as a new design (see the module docstring); ``production`` unchanged.

    ``rework`` is the rework data to derive with (default: the production design's own). The recorded hash is
    of ``production`` as given (the design as its file holds it). A design that is itself a derived rework mask
    is refused: derive from its production design instead.
    """
    data = production.rework
    if data is not None and data.derived_from is not None:
        raise DesignError("rework.derived_from", data.derived_from.name,
                          "this design is already a rework mask derived from that production design; "
                          "derive from the production design instead")
    result = derive_rework(production, rework)
    derived = result.design.rework
    assert derived is not None  # derive_rework attaches the rework data
    source = DerivedFrom(production.name, design_sha256(production))
    design = result.design.with_(name=rework_name(production.name), rework=derived.with_(derived_from=source))
    return ReworkResult(result.production, design, result.proposal, result.closed)
