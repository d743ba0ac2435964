"""The door of the design file and the documented limits (docs/file-format.md, "Limits of every value")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geometry.base.errors import DesignError
from geometry.base.limits import MAX_SITES
from geometry.base.resources import example_paths
from geometry.fileio import design_from_json, load_design
from geometry.model.layouts import ExplicitLayout, ExplicitSite, GridLayout, StaggeredLayout
from geometry.model.layouts.wafer import WaferLayout
from geometry.model.output_settings import OutputSettings

BGA = next(p for p in example_paths() if p.name == "bga-0.8mm-tapered.ballmask").read_text()


def refused(text: str) -> DesignError:
    with pytest.raises(DesignError) as e:
        design_from_json(text, file="x.ballmask")
    msg = str(e.value)
    assert "\n" not in msg and len(msg) < 700, msg
    return e.value


@pytest.mark.parametrize(("text", "path", "words"), [
    (BGA.replace('"rows": 15', '"rows": ' + "9" * 5000), "layout.rows", "more than 18 digits"),
    (BGA.replace('"diameter_mm": 0.45', '"diameter_mm": 1e308'), "ball.diameter_mm", "larger than"),
    (BGA.replace('"diameter_mm": 0.45', '"diameter_mm": 1001'), "ball.diameter_mm", "1 m"),
    (BGA.replace('"diameter_mm": 0.45', '"diameter_mm": 1e400'), "ball.diameter_mm", "finite"),
    (BGA.replace('"diameter_mm": 0.45', '"diameter_mm": 5e-324'), "ball.diameter_mm", "denormal"),
    (BGA.replace('"diameter_mm": 0.45', '"diameter_mm": 1e-7'), "ball.diameter_mm", "1 nm"),
    (BGA.replace('"notes": "', '"notes": ' + "[" * 100 + "]" * 100 + ', "x": "'), "notes", "nested"),
    (BGA.replace('"notes": "', '"notes": ' + "[" * 50_000 + "]" * 50_000 + ', "x": "'), "line", "nested"),
    (BGA.replace('"name": "BGA', '"name": "\\ud800'), "name", "lone surrogate"),
    (BGA.replace('"name": "BGA', '"name": "' + "N" * 100_000), "name", "longer than 256"),
    (BGA.replace('"notes": "', '"notes": "' + "n" * 100_001), "notes", "longer than 100,000"),
    (BGA.replace('"name": "BGA', '"name": "a\\nb'), "name", "control"),
    (BGA.replace('"upper_layer": "UPPER_THROUGH"', '"upper_layer": "outline"'), "output.upper_layer", "same layer"),
    (BGA.replace('"fiducial_layer": "FIDUCIAL"', '"fiducial_layer": "lower_relief_280um"'),
     "output.fiducial_layer", "lower relief"),
    (BGA.replace('"rows": 15', '"rows": 100001'), "layout.rows", "at most 100,000"),
    (BGA.replace('"rows": 15', '"rows": 5000'), "layout.rows", "spans"),
    (BGA[: BGA.index("\n", 300) + 1], "line", "not valid JSON"),
    ("   \n\n", "line", "not valid JSON"),
])
def test_the_door_names_the_field(text: str, path: str, words: str) -> None:
    e = refused(text)
    assert e.path.startswith(path) and words in str(e), str(e)
    assert str(e).startswith("x.ballmask: ")


def test_a_long_value_is_shown_shortened() -> None:
    e = refused(BGA.replace('"material": "etched-stainless"', '"material": "' + "m" * 200_000 + '"'))
    shown = str(e).split("(got ", 1)[1]
    assert len(shown) <= 81 and shown.endswith(")")


def test_device_files_and_folders_are_refused_at_once(tmp_path: Path) -> None:
    for p in (Path("/dev/zero"), tmp_path):
        with pytest.raises(DesignError, match="not a design file"):
            load_design(p)


def test_every_layout_states_its_size_before_making_it() -> None:
    assert GridLayout(3, 4, 0.5).site_count() == 12
    assert StaggeredLayout(3, 4, 0.5, 0.4).site_count() == 12
    assert ExplicitLayout((ExplicitSite("A", 0, 0), ExplicitSite("B", 1, 0))).site_count() == 2
    w = WaferLayout(GridLayout(4, 4, 0.3), die_x_mm=2.0)
    assert w.site_count() >= len(w.generate(__import__("geometry.model.layouts", fromlist=["Pad"]).Pad(0.1)))
    for make in (lambda: GridLayout(2000, 2000, 0.1), lambda: StaggeredLayout(2000, 2000, 0.1, 0.1),
                 lambda: WaferLayout(GridLayout(400, 400, 0.0101), die_x_mm=4.1, diameter_mm=300.0)):
        with pytest.raises(DesignError, match=f"more than the limit of {MAX_SITES:,} sites"):
            make()


def test_layer_names_differ_ignoring_case() -> None:
    with pytest.raises(DesignError, match="same layer"):
        OutputSettings(upper_layer="Outline")
    OutputSettings(upper_layer="UPPER")  # distinct names are fine


def test_the_examples_pass_the_door() -> None:
    for p in example_paths():
        if p.suffix == ".ballmask":
            assert load_design(p).name
            json.loads(p.read_text())
