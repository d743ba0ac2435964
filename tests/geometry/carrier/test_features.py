"""Carrier fiducials and tooling holes: the model, the file form, the strip defaults, the checks feature-clear and
frame-fit at their limits, the frame geometry, and the ``new strip`` options.

Expected values are worked out here from the rules (docs/checks.md, docs/file-format.md), not read from the code.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from cli.main import main
from geometry.base.errors import DesignError
from geometry.checks import run_checks
from geometry.checks.registry import run_checks_whole
from geometry.derive.frame import frame_geometry
from geometry.fileio import design_from_json, design_to_json, load_design
from geometry.model.carrier_features import CarrierFeature, Face, FeatureKind, strip_features
from geometry.model.drawing_info import FrameSettings
from geometry.model.layouts.carrier import STRIP_PRESETS
from geometry.model.mask import SizeOutline
from tests.geometry.carrier.features_design import D, H, T, W, strip

SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "resources" / "schema" / "ballmask.schema.json")
                    .read_text(encoding="utf-8"))
E_MIN = 2.0  # docs/checks.md: e_min = 2 mm (etched stainless)
R_LOWER = (1.1 * D + 2 * T / math.tan(math.radians(60.0))) / 2  # tapered 60 deg: d_l = d_u + 2 t / tan(theta)


def findings(design: object, check: str) -> list[str]:
    return [v.message for v in run_checks(design).violations if v.check == check]  # type: ignore[arg-type]


# -- model and file ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("make", "field", "shown"), [
    (lambda: CarrierFeature("", 0, 0, 1.0), "name", "1 to 40 characters"),
    (lambda: CarrierFeature("F1", 0, 0, 25.0), "diameter_mm", "is the unit mm"),
    (lambda: CarrierFeature("F1", 0, 0, -1.0), "diameter_mm", "positive"),
    (lambda: CarrierFeature("T1", 0, 0, 2.0, FeatureKind.TOOLING_HOLE, depth_mm=0.1), "depth_mm", "through"),
    (lambda: CarrierFeature("F1", 0, 0, 1.0, "dot"), "kind", "fiducial or tooling-hole"),  # type: ignore[arg-type]
    (lambda: CarrierFeature("F1", 0, 0, 1.0, face="side"), "face", "upper or lower"),  # type: ignore[arg-type]
])
def test_bad_feature_names_the_field(make: object, field: str, shown: str) -> None:
    with pytest.raises(DesignError) as e:
        make()  # type: ignore[operator]
    assert e.value.path == field and shown in str(e.value)


def test_two_features_of_one_name_are_refused() -> None:
    f = CarrierFeature("F1", 0, 0, 1.0)
    with pytest.raises(DesignError, match=r"carrier_features\[1\]\.name.*another feature"):
        strip((f, CarrierFeature("f1", 5, 0, 1.0)))


def test_round_trip_and_schema() -> None:
    d = strip(frame=FrameSettings("584x584", offset_x_mm=12.5, rotation_deg=90.0))
    text = design_to_json(d)
    assert design_from_json(text) == d
    data = json.loads(text)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert data["carrier_features"][1] == {"name": "T2", "x_mm": 25.0, "y_mm": 11.0, "diameter_mm": 2.0,
                                           "kind": "tooling-hole", "face": "upper"}
    assert data["carrier_features"][3]["depth_mm"] == 0.05
    assert data["drawing"]["frame"]["rotation_deg"] == 90.0 and "offset_y_mm" not in data["drawing"]["frame"]


def test_a_design_without_features_writes_no_key() -> None:
    d = strip(())
    assert "carrier_features" not in json.loads(design_to_json(strip(None).with_(carrier_features=None)))
    assert d.features == ()


def test_schema_refuses_what_the_reader_refuses() -> None:
    data = json.loads(design_to_json(strip()))
    data["carrier_features"][0]["kind"] = "slot"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    with pytest.raises(DesignError, match=r"carrier_features\[0\]\.kind"):
        design_from_json(json.dumps(data))


@pytest.mark.parametrize("preset", STRIP_PRESETS, ids=lambda p: p.name)
def test_strip_defaults_sit_in_the_rails(preset: object) -> None:
    w, h = preset.width_mm, preset.height_mm  # type: ignore[attr-defined]
    feats = {f.name: f for f in strip_features(w, h)}
    # docs/file-format.md: centres 5 mm from the short edges and 3.5 mm from the long ones; T1, T2 on top
    x, y = w / 2 - 5.0, h / 2 - 3.5
    assert {n: (f.x_mm, f.y_mm, f.diameter_mm, f.kind) for n, f in feats.items()} == {
        "T1": (-x, y, 2.0, FeatureKind.TOOLING_HOLE), "T2": (x, y, 2.0, FeatureKind.TOOLING_HOLE),
        "F1": (-x, -y, 1.0, FeatureKind.FIDUCIAL), "F2": (x, -y, 1.0, FeatureKind.FIDUCIAL)}
    assert all(f.face is Face.UPPER and f.depth_mm is None for f in feats.values())


# -- feature-clear ---------------------------------------------------------------------------------------
def test_clean_strip_has_no_feature_finding_and_repeated_equals_whole() -> None:
    d = strip()
    assert findings(d, "feature-clear") == []
    bad = strip((CarrierFeature("F9", 18.5 + 0.3, 5.5, 1.0),))
    assert run_checks(bad).violations == run_checks_whole(bad).violations
    assert len(findings(bad, "feature-clear")) == 1


@pytest.mark.parametrize("r", [0.5, 1.0])
def test_outline_distance_at_and_past_the_limit(r: float) -> None:
    x_ok = W / 2 - E_MIN - r  # rim exactly e_min inside the right edge
    assert findings(strip((CarrierFeature("F1", x_ok, 0.0, 2 * r),)), "feature-clear") == []
    msg = findings(strip((CarrierFeature("F1", x_ok + 0.002, 0.0, 2 * r),)), "feature-clear")
    assert len(msg) == 1 and "fiducial F1" in msg[0] and "1.998 mm from the mask outline" in msg[0]
    crossing = findings(strip((CarrierFeature("T1", W / 2, 0.0, 2 * r, FeatureKind.TOOLING_HOLE),)), "feature-clear")
    assert "tooling hole T1" in crossing[0] and "crosses the mask outline" in crossing[0]
    outside = findings(strip((CarrierFeature("T1", W / 2 + 5, 0.0, 2 * r, FeatureKind.TOOLING_HOLE),)),
                       "feature-clear")
    assert "outside the mask outline" in outside[0]


def test_opening_distance_at_and_past_the_limit() -> None:
    # the rightmost openings are at x = 18.5 (4 units 12 mm apart, 3 balls 0.5 mm apart); the top units' middle
    # row is at y = 5 (2 unit rows 10 mm apart)
    r = 0.5
    x_ok = 18.5 + R_LOWER + E_MIN + r
    assert findings(strip((CarrierFeature("F1", x_ok, 5.0, 2 * r),)), "feature-clear") == []
    v = [v for v in run_checks(strip((CarrierFeature("F1", x_ok - 0.002, 5.0, 2 * r),))).violations
         if v.check == "feature-clear"]
    assert len(v) == 1 and v[0].measured == pytest.approx(E_MIN - 0.002, abs=1e-9)
    d = strip(())
    s = d.sites()
    k = int(np.argmin(np.hypot(s.x_mm - x_ok, s.y_mm - 5.0)))
    assert f"from opening {s.names[k]}," in v[0].message and str(s.names[k]).startswith("U01-04:")


def test_a_feature_on_the_pattern_overlaps_an_opening_and_names_it() -> None:
    d = strip((CarrierFeature("F1", 18.4, 5.1, 1.0),))
    msg = findings(d, "feature-clear")
    assert len(msg) == 1 and "overlaps opening" in msg[0] and "fiducial F1" in msg[0]
    sites = d.sites()
    k = int(np.argmin(np.hypot(sites.x_mm - 18.4, sites.y_mm - 5.1)))
    assert f"opening {sites.names[k]} by" in msg[0]


def test_features_keep_apart_and_a_fiducial_stays_blind() -> None:
    a = CarrierFeature("F1", -25.0, 0.0, 1.0)
    ok = CarrierFeature("F2", -25.0 + 1.0 + E_MIN, 0.0, 1.0)  # rims exactly e_min apart
    near = CarrierFeature("F2", -25.0 + 1.0 + E_MIN - 0.01, 0.0, 1.0)
    assert findings(strip((a, ok)), "feature-clear") == []
    assert any("F1" in m and "from F2" in m for m in findings(strip((a, near)), "feature-clear"))
    deep = CarrierFeature("F3", 25.0, 0.0, 1.0, depth_mm=T)
    assert any("not less than the sheet" in m for m in findings(strip((deep,)), "feature-clear"))
    assert findings(strip((CarrierFeature("F3", 25.0, 0.0, 1.0, depth_mm=T - 0.001),)), "feature-clear") == []


# -- frame -----------------------------------------------------------------------------------------------
def corners(cx: float, cy: float, w: float, h: float, deg: float) -> np.ndarray:
    """A w x h rectangle centred on (cx, cy) and turned by ``deg``, corners counter-clockwise from (-,-)."""
    a = math.radians(deg)
    out = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = sx * w / 2, sy * h / 2
        out.append((cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)))
    return np.array(out)


@pytest.mark.parametrize(("dx", "dy", "deg"), [(0.0, 0.0, 0.0), (12.5, -4.0, 0.0), (12.5, -4.0, 30.0),
                                               (0.0, 7.0, 90.0)])
def test_frame_geometry_in_design_coordinates(dx: float, dy: float, deg: float) -> None:
    fs = FrameSettings("584x584", offset_x_mm=dx, offset_y_mm=dy, rotation_deg=deg)
    geo = frame_geometry(strip(frame=fs))
    assert geo is not None
    # the pattern turned by deg in the frame = the frame turned by -deg about the pattern; its centre is at
    # -offset turned by -deg from the pattern's centre (0, 0)
    a = math.radians(-deg)
    fx, fy = -dx * math.cos(a) + dy * math.sin(a), -dx * math.sin(a) - dy * math.cos(a)
    assert geo.frame_centre_mm == pytest.approx((fx, fy), abs=1e-9)
    np.testing.assert_allclose(geo.frame, corners(fx, fy, 584, 584, -deg), atol=1e-9)
    foil = 584 - 2 * (40 + 25)
    np.testing.assert_allclose(geo.foil, corners(fx, fy, foil, foil, -deg), atol=1e-9)
    np.testing.assert_allclose(geo.window, corners(fx, fy, 584 - 80, 584 - 80, -deg), atol=1e-9)
    # the border: the pattern's extent in the frame's axes against the foil's half size
    c, s = abs(math.cos(math.radians(deg))), abs(math.sin(math.radians(deg)))
    hw, hh = (W * c + H * s) / 2, (W * s + H * c) / 2
    assert geo.border_mm == pytest.approx((foil / 2 + dx - hw, foil / 2 + dy - hh, foil / 2 - dx - hw,
                                           foil / 2 - dy - hh), abs=1e-9)


def test_frame_fit_at_and_past_the_foil_edge() -> None:
    foil = 584 - 2 * (40 + 25)
    edge = foil / 2 - W / 2  # the offset that puts the pattern's right edge on the foil's
    assert findings(strip(frame=FrameSettings("584x584", offset_x_mm=edge)), "frame-fit") == []
    msg = findings(strip(frame=FrameSettings("584x584", offset_x_mm=edge + 0.01)), "frame-fit")
    assert len(msg) == 1 and "leaves the foil" in msg[0] and "0.010 mm" in msg[0]
    assert frame_geometry(strip()) is None and findings(strip(), "frame-fit") == []


# -- command line ----------------------------------------------------------------------------------------
UNIT = ["--rows", "4", "--cols", "4", "--pitch", "0.5", "--ball", "0.3", "--thickness", "0.2",
        "--material", "laser-cut-stainless", "--unit-rows", "4", "--unit-cols", "16", "--unit-pitch", "12.5",
        "--unit-pitch-y", "16", "--block-cols", "4", "--block-gap", "2"]


def test_new_strip_with_a_preset_gets_its_size_and_rail_features(tmp_path: Path) -> None:
    out = tmp_path / "s.ballmask"
    assert main(["new", "strip", *UNIT, "--preset", "240x74-4x16", "-o", str(out)]) == 0
    d = load_design(out)
    assert d.mask.outline == SizeOutline(240.0, 74.0)
    assert [(f.name, f.x_mm, f.y_mm) for f in d.features] == [("T1", -115.0, 33.5), ("T2", 115.0, 33.5),
                                                               ("F1", -115.0, -33.5), ("F2", 115.0, -33.5)]
    assert main(["check", str(out)]) == 0


def test_new_strip_with_own_features(tmp_path: Path) -> None:
    out = tmp_path / "s.ballmask"
    assert main(["new", "strip", *UNIT, "--preset", "240x74-4x16", "--fiducial", "100,-30,1.2,lower,0.08",
                 "--tooling-hole=-110,30", "-o", str(out)]) == 0
    f1, t1 = load_design(out).features
    assert (f1.name, f1.x_mm, f1.y_mm, f1.diameter_mm, f1.face, f1.depth_mm) == ("F1", 100, -30, 1.2, Face.LOWER,
                                                                                 0.08)
    assert (t1.name, t1.kind, t1.diameter_mm) == ("T1", FeatureKind.TOOLING_HOLE, 2.0)


@pytest.mark.parametrize(("option", "shown"), [
    (["--fiducial", "1,x"], "'x' is not a number"),
    (["--fiducial", "1,2,1,side"], "must be upper or lower"),
    (["--tooling-hole", "1,2,30"], "--tooling-hole: is more than 20 mm"),
    (["--fiducial", "1"], "is not X,Y"),
])
def test_bad_feature_options_say_what_is_wrong(tmp_path: Path, option: list[str], shown: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "strip", *UNIT, *option, "-o", str(tmp_path / "x.ballmask")]) != 0
    err = capsys.readouterr().err
    assert shown in err and "Traceback" not in err
    assert not (tmp_path / "x.ballmask").exists()
