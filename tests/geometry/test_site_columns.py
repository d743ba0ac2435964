"""Explicit site lists as columns: in memory (frozen numpy arrays, hash of the bytes) and in the design file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from geometry.base.errors import DesignError
from geometry.base.resources import resource_path
from geometry.fileio import DesignFileError, design_from_json, design_to_json, load_design, save_design
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import ExplicitLayout, ExplicitSite, ImportSource, Pad, Recognition, SiteColumns
from geometry.model.layouts.wafer import WaferLayout
from geometry.model.mask import Mask
from geometry.model.sites import PadKind

VALIDATOR = jsonschema.Draft202012Validator(
    json.loads(resource_path("schema", "ballmask.schema.json").read_text(encoding="utf-8")))
SOURCE = ImportSource("pkg.gds", "gds", "3/0", "ab" * 32, "um", Recognition(0.0004, 0.002, "bottom", "bottom-right"))


def design(layout: ExplicitLayout | WaferLayout) -> Design:
    return Design(Ball(0.3), Pad(0.25), layout, Mask(0.2))


def columns(n: int, seed: int = 0) -> SiteColumns:
    rng = np.random.default_rng(seed)
    pad = np.where(rng.random(n) < 0.5, np.nan, rng.uniform(0.1, 0.3, n))
    kind = rng.choice([255, 0, 1], n).astype(np.uint8)
    return SiteColumns([f"S{i}" for i in range(n)], rng.uniform(-9, 9, n), rng.uniform(-9, 9, n), pad, kind)


def test_columns_are_frozen_and_equal_values_hash_alike() -> None:
    a = columns(500)
    b = SiteColumns(a.names.astype("<U40"), a.x_mm.copy(), a.y_mm.copy(), a.pad_mm.copy(), a.pad_kind.copy())
    assert a == b and hash(a) == hash(b)  # a wider name dtype is narrowed, so the bytes agree
    with pytest.raises(ValueError, match="read-only"):
        a.x_mm[0] = 1.0
    with pytest.raises(AttributeError):
        a.x_mm = np.zeros(500)  # type: ignore[misc]
    moved = a.x_mm.copy()
    moved[7] += 1e-9
    c = SiteColumns(a.names, moved, a.y_mm, a.pad_mm, a.pad_kind)
    assert c != a
    assert len({ExplicitLayout(a), ExplicitLayout(b), ExplicitLayout(c)}) == 2


def test_object_form_and_columns_build_the_same_sites() -> None:
    items = (ExplicitSite("P1", 0.0, 0.0), ExplicitSite("P2", 1.0, 0.5, 0.4, PadKind.SOLDER_RESIST))
    lay = ExplicitLayout(items)
    assert isinstance(lay.sites, SiteColumns)
    assert list(lay.sites) == list(items)
    s = lay.generate(Pad(0.36))
    assert s.names.tolist() == ["P1", "P2"]
    assert s.pad_mm.tolist() == [0.36, 0.4]
    assert s.pad_kind.tolist() == [PadKind.COPPER, PadKind.SOLDER_RESIST]


@pytest.mark.parametrize(("cols", "path"), [
    ({"names": ["A", "A"], "x_mm": [0, 1], "y_mm": [0, 0]}, "sites[1].name"),
    ({"names": ["A", " "], "x_mm": [0, 1], "y_mm": [0, 0]}, "sites[1].name"),
    ({"names": ["A", "B"], "x_mm": [0, np.inf], "y_mm": [0, 0]}, "sites[1].x_mm"),
    ({"names": ["A", "B"], "x_mm": [0, 1], "y_mm": [0, 0], "pad_mm": [np.nan, -0.2]}, "sites[1].pad_mm"),
    ({"names": ["A", "B"], "x_mm": [0, 1], "y_mm": [0, 0], "pad_kind": [0, 9]}, "sites[1].pad_kind"),
    ({"names": ["A", "B"], "x_mm": [0], "y_mm": [0, 0]}, "sites.x_mm"),
])
def test_bad_columns_name_the_row(cols: dict[str, list[object]], path: str) -> None:
    with pytest.raises(DesignError) as err:
        SiteColumns(**cols)  # type: ignore[arg-type]
    assert err.value.path == path


def test_file_holds_columns_one_line_each_and_reads_back(tmp_path: Path) -> None:
    d = design(ExplicitLayout(columns(300), SOURCE))
    text = design_to_json(d)
    data = json.loads(text)
    sites = data["layout"]["sites"]
    assert set(sites) == {"names", "x_mm", "y_mm", "pad_mm", "pad_kind"}
    assert sites["names"][:2] == ["S0", "S1"]
    assert sites["x_mm"] == d.layout.sites.x_mm.tolist()  # type: ignore[attr-defined]
    assert [v is None for v in sites["pad_mm"]] == np.isnan(d.layout.sites.pad_mm).tolist()  # type: ignore[attr-defined]
    assert data["layout"]["source"]["recognition"]["view"] == "bottom"
    assert sum('"x_mm": [' in line for line in text.splitlines()) == 1  # one line per column
    assert list(VALIDATOR.iter_errors(data)) == []
    assert design_from_json(text) == d
    path = tmp_path / "d.ballmask"
    save_design(d, path)
    assert path.read_text(encoding="utf-8") == text
    assert load_design(path) == d


def test_columns_without_own_pads_write_three_columns_and_nest_in_a_wafer() -> None:
    cols = SiteColumns(["A1", "A2", "B1"], [-0.5, 0.5, -0.5], [0.5, 0.5, -0.5])
    d = design(WaferLayout(ExplicitLayout(cols), 3.0, diameter_mm=100.0))
    data = json.loads(design_to_json(d))
    assert data["layout"]["die"]["sites"] == {"names": ["A1", "A2", "B1"], "x_mm": [-0.5, 0.5, -0.5],
                                              "y_mm": [0.5, 0.5, -0.5]}
    assert list(VALIDATOR.iter_errors(data)) == []
    assert design_from_json(design_to_json(d)) == d


def test_older_files_with_site_objects_still_load() -> None:
    new = design(ExplicitLayout((ExplicitSite("1", 0.0, 0.0), ExplicitSite("2", 1.0, 0.0, 0.5),
                                 ExplicitSite("GND", 0.5, 0.8, None, PadKind.SOLDER_RESIST))))
    data = json.loads(design_to_json(new))
    data["layout"]["sites"] = [{"name": "1", "x_mm": 0.0, "y_mm": 0.0},
                               {"name": "2", "x_mm": 1.0, "y_mm": 0.0, "pad_mm": 0.5},
                               {"name": "GND", "x_mm": 0.5, "y_mm": 0.8, "pad_kind": "solder-resist"}]
    assert list(VALIDATOR.iter_errors(data)) == []
    assert design_from_json(json.dumps(data)) == new
    data["layout"]["sites"][2]["name"] = "1"
    with pytest.raises(DesignFileError) as err:
        design_from_json(json.dumps(data))
    assert err.value.path == "layout.sites[2].name"


@pytest.mark.parametrize(("change", "path"), [
    (lambda s: s["x_mm"].__setitem__(1, "1.0"), "layout.sites.x_mm[1]"),
    (lambda s: s["y_mm"].__setitem__(0, True), "layout.sites.y_mm[0]"),
    (lambda s: s["names"].__setitem__(2, "A1"), "layout.sites.names[2]"),
    (lambda s: s["names"].__setitem__(1, 7), "layout.sites.names[1]"),
    (lambda s: s.__setitem__("pad_mm", [None, -1, None]), "layout.sites.pad_mm[1]"),
    (lambda s: s.__setitem__("pad_kind", [None, "gold", None]), "layout.sites.pad_kind[1]"),
    (lambda s: s.__setitem__("z_mm", [0, 0, 0]), "layout.sites.z_mm"),
    (lambda s: s.pop("y_mm"), "layout.sites.y_mm"),
    (lambda s: s["x_mm"].pop(), "layout.sites.x_mm"),
])
def test_bad_column_data_names_column_and_row(change: object, path: str) -> None:
    d = design(ExplicitLayout(SiteColumns(["A1", "A2", "B1"], [-0.5, 0.5, -0.5], [0.5, 0.5, -0.5])))
    data = json.loads(design_to_json(d))
    change(data["layout"]["sites"])  # type: ignore[operator]
    with pytest.raises(DesignFileError) as err:
        design_from_json(json.dumps(data))
    assert err.value.path == path
    # A JSON Schema cannot say "names are unique" or "columns have the same length"; the reader does.
    assert bool(list(VALIDATOR.iter_errors(data))) == (path not in ("layout.sites.names[2]", "layout.sites.x_mm"))
