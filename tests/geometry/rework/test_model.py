"""Rework data: validation, and a design carrying it round-trips through the design file and its schema."""

from __future__ import annotations

import json

import pytest
from rework_helpers import grid

from geometry.base.errors import DesignError
from geometry.base.resources import resource_path
from geometry.fileio import design_from_json, design_to_json
from geometry.model.profiles import Tapered
from geometry.model.rework import FailedPlace, Residue, Rework, SiteResidue


def test_validation():
    with pytest.raises(DesignError, match="height_mm"):
        Residue(-0.01)
    with pytest.raises(DesignError, match="diameter_mm"):
        SiteResidue("A1", 0.01, 0.0)
    with pytest.raises(DesignError, match="not both"):
        FailedPlace("A1", 1.0, 2.0)
    with pytest.raises(DesignError, match="both x_mm and y_mm"):
        FailedPlace(x_mm=1.0)
    with pytest.raises(DesignError, match="measured twice"):
        Rework(measured=(SiteResidue("A1", 0.01), SiteResidue("A1", 0.02)))
    with pytest.raises(DesignError, match="damaged"):
        Rework(damaged="A1")  # type: ignore[arg-type]
    rw = Rework(damaged=("B2", "A1", "B2"), no_ball=("C1",))
    assert rw.damaged == ("A1", "B2") and rw.closed == ("A1", "B2", "C1")
    assert Rework(measured=(SiteResidue("A1", 0.02),)).residue_of("A1") == Residue(0.02)
    with pytest.raises(DesignError, match="rework"):
        grid(Tapered(60.0)).with_(rework="yes")


def test_round_trip_and_schema():
    jsonschema = pytest.importorskip("jsonschema")
    rw = Rework(device="SN 0042", no_ball=("C3",), damaged=("A1",), residue=Residue(0.02, 0.5),
                measured=(SiteResidue("B2", 0.04), SiteResidue("A2", 0.03, 0.45)),
                failed=(FailedPlace("B1", note="open"), FailedPlace(None, 0.1, -0.2, "short")))
    d = grid(Tapered(60.0)).with_(rework=rw)
    text = design_to_json(d)
    assert design_from_json(text) == d
    assert design_to_json(design_from_json(text)) == text
    schema = json.loads(resource_path("schema", "ballmask.schema.json").read_text())
    jsonschema.validate(json.loads(text), schema)


def test_production_files_do_not_mention_rework():
    d = grid(Tapered(60.0)).with_(rework=None)
    assert "rework" not in json.loads(design_to_json(d))


def test_bad_rework_in_a_file_names_the_field():
    d = grid(Tapered(60.0))
    data = json.loads(design_to_json(d))
    data["rework"]["residue"]["height_mm"] = -1
    with pytest.raises(DesignError, match=r"rework\.residue\.height_mm"):
        design_from_json(json.dumps(data))
