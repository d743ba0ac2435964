"""Shared fixtures: designs with and without merged reliefs, and a hand-made relief."""

from __future__ import annotations

import pytest

from geometry.base.resources import resource_path
from geometry.fileio import load_design
from geometry.model.design import Design, example_grid_design
from geometry.model.mask import Fiducial, Mask
from tests.geometry.export.reliefs import FakeRelief, sample_relief


@pytest.fixture
def grid_design() -> Design:
    d = example_grid_design(rows=4, cols=5)
    fids = (Fiducial(-4.0, -4.0, 1.0, "through"), Fiducial(4.0, 4.0, 0.8, "half"))
    return d.with_(mask=Mask(d.mask.thickness_mm, fiducials=fids), name="grid test")


@pytest.fixture
def fake_relief() -> FakeRelief:
    return sample_relief()


@pytest.fixture
def bga_design() -> Design:
    return load_design(resource_path("examples", "bga-0.8mm-tapered.ballmask"))
