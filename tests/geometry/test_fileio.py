"""The design file: exact round trips, deterministic bytes, strict reading with named fields, atomic saving."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geometry.base.errors import DesignError
from geometry.base.resources import example_paths, resource_path
from geometry.fileio import (
    FORMAT_VERSION,
    DesignFileError,
    design_file,
    design_from_json,
    design_to_json,
    load_design,
    save_design,
)
from geometry.model.ball import Ball
from geometry.model.design import Design, MergeSettings, ProfileOverride
from geometry.model.layouts import (
    CentreVoid,
    DepopulateNames,
    ExplicitLayout,
    ExplicitSite,
    GridLayout,
    Pad,
    PerimeterRings,
    SiteEdits,
    StaggeredLayout,
)
from geometry.model.layouts.edits import SiteMove
from geometry.model.mask import Fiducial, FiducialEtch, MarginOutline, Mask, SizeOutline
from geometry.model.output_settings import OutputSettings
from geometry.model.profiles import OneSideVertical, Stepped, SteppedTapered, Straight, Tapered
from geometry.model.sites import PadKind

SCHEMA = json.loads(resource_path("schema", "ballmask.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def full_design() -> Design:
    """A design that sets every kind of field away from its default."""
    return Design(
        ball=Ball(0.45, 0.015, "SnAgCu"),
        pad=Pad(0.36, PadKind.SOLDER_RESIST),
        layout=GridLayout(9, 11, 0.8, 0.75, (CentreVoid(3), PerimeterRings(3), DepopulateNames(("A1", "B2")))),
        mask=Mask(0.28, "laser-cut-stainless", SizeOutline(30.0, 25.5, 0.25, -1.5),
                  (Fiducial(-12.0, -10.0, 1.2, FiducialEtch.THROUGH), Fiducial(12.0, 10.0))),
        profile=SteppedTapered(0.15, angle_deg=55.5),
        name="everything",
        revision="C2",
        upper_ratio=1.13,
        edits=SiteEdits(
            depopulated=("C5", "C4"), restored=("E6",), moves=(SiteMove("A3", 0.01, -0.02),),
            added=(ExplicitSite("X1", 5.0, 5.5, 0.3, PadKind.COPPER), ExplicitSite("X2", -5.0, 5.5)),
            removed=("J11",),
        ),
        overrides=(
            ProfileOverride(("A2", "A3"), Straight(upper_mm=0.5)),
            ProfileOverride(("B3",), Tapered(angle_deg=None, lower_mm=0.7)),
            ProfileOverride(("B4", "B5"), Stepped(0.25, 0.6, upper_mm=0.49)),
            ProfileOverride(("C2",), OneSideVertical(45.0, direction_deg=90.0)),
        ),
        merge=MergeSettings(False, (("A4", "A5", "A6"),), (("B6", "B7"),)),
        limits=(("edge_min_mm", 1.5), ("web_min_mm", 0.12)),
        notes="line one\nline two, with unicode: \u00b5m",
        output=OutputSettings("EDGE", "TOP", "RELIEF_", "FID", "TEXT", "R12", True, 0.0005, True, True),
    )


def staggered_design() -> Design:
    return Design(Ball(0.3), Pad(0.24), StaggeredLayout(6, 7, 0.5, 0.433), Mask(0.2),
                  profile=OneSideVertical(angle_deg=None, lower_mm=0.5, direction_deg=-30.0))


def explicit_design() -> Design:
    sites = (ExplicitSite("1", 0.0, 0.0), ExplicitSite("2", 1.0, 0.0, 0.5),
             ExplicitSite("GND", 0.5, 0.8, None, PadKind.SOLDER_RESIST))
    return Design(Ball(0.6), Pad(0.5), ExplicitLayout(sites), Mask(0.4, outline=MarginOutline(2.5)),
                  profile=Straight())


def rework_design() -> Design:
    from geometry.model.rework import FailedPlace, Residue, Rework, SiteResidue

    rework = Rework("SN 4711, board U3", ("A1",), ("C3", "B2"), Residue(0.03),
                    (SiteResidue("D4", 0.05, 0.4), SiteResidue("D5", 0.0)),
                    (FailedPlace(site="E5", note="open"), FailedPlace(x_mm=1.5, y_mm=-2.0)))
    return full_design().with_(rework=rework)


def wafer_design() -> Design:
    from geometry.model.layouts.wafer import WaferLayout

    die = GridLayout(4, 4, 0.4, depopulation=(CentreVoid(2),))
    layout = WaferLayout(die, 5.0, 4.5, street_mm=0.08, diameter_mm=200.0, edge_exclusion_mm=2.5,
                         offset_x_mm=2.54)
    return Design(Ball(0.25), Pad(0.2), layout, Mask(0.12))


DESIGNS = [full_design, staggered_design, explicit_design, rework_design, wafer_design]


@pytest.mark.parametrize("make", DESIGNS, ids=lambda f: f.__name__)
def test_round_trip_is_exact_and_bytes_are_stable(make: Any, tmp_path: Path) -> None:
    design = make()
    path = tmp_path / "d.ballmask"
    save_design(design, path)
    first = path.read_bytes()
    again = load_design(path)
    assert again == design
    assert hash(again) == hash(design)
    save_design(again, path)
    assert path.read_bytes() == first
    assert first.endswith(b"}\n") and not first.endswith(b"\n\n")


@pytest.mark.parametrize("make", DESIGNS, ids=lambda f: f.__name__)
def test_round_tripped_designs_validate_against_the_schema(make: Any) -> None:
    data = json.loads(design_to_json(make()))
    errors = [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    assert errors == []


def test_file_layout_is_what_the_docs_say() -> None:
    data = json.loads(design_to_json(full_design()))
    assert list(data)[:6] == ["format_version", "generator", "ball", "pad", "layout", "mask"]
    assert data["format_version"] == FORMAT_VERSION == 1
    assert data["pad"]["kind"] == "solder-resist"
    assert data["mask"]["fiducials"][0]["etch"] == "through"
    assert next(iter(data["layout"])) == "kind" and data["layout"]["kind"] == "grid"
    assert [d["kind"] for d in data["layout"]["depopulation"]] == ["centre-void", "perimeter-rings", "names"]
    assert data["limits"] == {"edge_min_mm": 1.5, "web_min_mm": 0.12}
    assert data["output"]["dxf_version"] == "R12"
    # The rule for optional fields: left out exactly when None and the default is None.
    tapered = data["overrides"][1]["profile"]
    assert tapered == {"kind": "tapered", "angle_deg": None, "lower_mm": 0.7}
    straight = data["overrides"][0]["profile"]
    assert straight == {"kind": "straight", "upper_mm": 0.5}
    assert "pitch_y_mm" in data["layout"] and data["layout"]["pitch_y_mm"] == 0.75
    assert data["edits"]["added"][1] == {"name": "X2", "x_mm": -5.0, "y_mm": 5.5}
    # Floats are written with repr: the shortest text that reads back exactly.
    assert '"upper_ratio": 1.13' in design_to_json(full_design())


def test_text_layout_indent_two_and_deterministic() -> None:
    text = design_to_json(full_design())
    assert text.splitlines()[1] == '  "format_version": 1,'
    assert text == design_to_json(full_design())


@settings(max_examples=60, deadline=None)
@given(
    t=st.floats(0.02, 2.0),
    d=st.floats(0.05, 1.0),
    angle=st.floats(1.0, 90.0),
    ratio=st.floats(0.5, 3.0),
    pitch=st.floats(0.01, 5.0),
    x=st.floats(-1e4, 1e4),
)
def test_any_float_reads_back_bit_for_bit(t: float, d: float, angle: float, ratio: float, pitch: float,
                                          x: float) -> None:
    design = Design(Ball(d, 0.0), Pad(d), GridLayout(2, 3, pitch), Mask(t, outline=SizeOutline(1.0, 2.0, x)),
                    profile=Tapered(angle), upper_ratio=ratio)
    again = design_from_json(design_to_json(design))
    assert again == design
    assert again.mask.thickness_mm.hex() == t.hex()


# -- malformed files ------------------------------------------------------------------------------------------
BGA = resource_path("examples", "bga-0.8mm-tapered.ballmask")


def base_data() -> dict[str, Any]:
    data = json.loads(design_to_json(full_design()))
    assert isinstance(data, dict)
    return data


def setter(*keys: Any, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value
    return change


def deleter(*keys: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for k in keys[:-1]:
            target = target[k]
        del target[keys[-1]]
    return change


MALFORMED = [
    # (id, change, path in the message, value shown in the message)
    ("missing-field", deleter("ball", "diameter_mm"), "ball.diameter_mm", "None"),
    ("missing-top-field", deleter("mask"), "mask", "None"),
    ("wrong-type-text", setter("mask", "thickness_mm", value="0.3"), "mask.thickness_mm", "'0.3'"),
    ("wrong-type-bool", setter("ball", "diameter_mm", value=True), "ball.diameter_mm", "True"),
    ("wrong-type-object", setter("mask", value=[0.3]), "mask", "[0.3]"),
    ("negative-length", setter("mask", "thickness_mm", value=-0.3), "mask.thickness_mm", "-0.3"),
    ("zero-length", setter("mask", "fiducials", 1, "diameter_mm", value=0), "mask.fiducials[1].diameter_mm", "0"),
    ("float-count", setter("layout", "rows", value=9.5), "layout.rows", "9.5"),
    ("zero-count", setter("layout", "depopulation", 0, "size", value=0), "layout.depopulation[0].size", "0"),
    ("unknown-profile", setter("overrides", 2, "profile", "kind", value="conical"),
     "overrides[2].profile.kind", "'conical'"),
    ("missing-kind", deleter("profile", "kind"), "profile.kind", "None"),
    ("unknown-layout", setter("layout", "kind", value="spiral"), "layout.kind", "'spiral'"),
    ("unknown-outline", setter("mask", "outline", "kind", value="circle"), "mask.outline.kind", "'circle'"),
    ("unknown-field", setter("mask", "thicknes_mm", value=0.3), "mask.thicknes_mm", "'thicknes_mm'"),
    ("unknown-top-field", setter("colour", value="red"), "colour", "'colour'"),
    ("kind-on-untagged", setter("ball", "kind", value="ball"), "ball.kind", "'kind'"),
    ("bad-enum", setter("pad", "kind", value="gold"), "pad.kind", "'gold'"),
    ("bad-etch", setter("mask", "fiducials", 0, "etch", value="deep"), "mask.fiducials[0].etch", "'deep'"),
    ("bad-literal", setter("output", "dxf_version", value="R14"), "output.dxf_version", "'R14'"),
    ("bad-material", setter("mask", "material", value="brass"), "mask.material", "'brass'"),
    ("list-for-tuple", setter("edits", "depopulated", value="A1"), "edits.depopulated", "'A1'"),
    ("bad-list-item", setter("edits", "moves", 0, "dx_mm", value="far"), "edits.moves[0].dx_mm", "'far'"),
    ("pair-size", setter("merge", "forbidden", 0, value=["A1"]), "merge.forbidden[0]", "['A1']"),
    ("profile-vs-mask", setter("profile", "vertical_mm", value=0.3), "profile.vertical_mm", "0.3"),
    ("override-profile", setter("overrides", 2, "profile", "vertical_mm", value=-1), "overrides[2].profile.vertical_mm",
     "-1"),
    ("both-angle-and-lower", setter("overrides", 1, "profile", "angle_deg", value=50),
     "overrides[1].profile.angle_deg", "50"),
    ("unknown-limit", setter("limits", "web_mm", value=0.1), "limits.web_mm", "'web_mm'"),
    ("negative-limit", setter("limits", "web_min_mm", value=-0.1), "limits.web_min_mm", "-0.1"),
    ("text-limit", setter("limits", "web_min_mm", value="big"), "limits.web_min_mm", "'big'"),
    ("ratio", setter("upper_ratio", value=4), "upper_ratio", "4"),
    ("name-type", setter("name", value=7), "name", "7"),
    ("null-required", setter("ball", "diameter_mm", value=None), "ball.diameter_mm", "None"),
    ("newer-version", setter("format_version", value=FORMAT_VERSION + 1), "format_version", "2"),
    ("missing-version", deleter("format_version"), "format_version", "None"),
    ("version-type", setter("format_version", value="1"), "format_version", "'1'"),
]


@pytest.mark.parametrize(("change", "path", "shown"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_content_names_field_and_value(change: Any, path: str, shown: str) -> None:
    data = base_data()
    change(data)
    with pytest.raises(DesignFileError) as info:
        design_from_json(json.dumps(data), file="bad.ballmask")
    e = info.value
    assert isinstance(e, DesignError)
    assert e.path == path
    message = str(e)
    assert message.startswith(f"bad.ballmask: {path}: "), message
    assert f"(got {shown})" in message, message


def test_newer_version_says_which_version_this_program_reads() -> None:
    data = base_data()
    data["format_version"] = 7
    with pytest.raises(DesignFileError, match=r"format version 1"):
        design_from_json(json.dumps(data))


def test_unknown_field_lists_the_known_ones() -> None:
    data = base_data()
    data["ball"]["diameter"] = 0.45
    with pytest.raises(DesignFileError, match=r"ball\.diameter: .*diameter_mm, tolerance_mm, alloy"):
        design_from_json(json.dumps(data))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_length_names_field(literal: str) -> None:
    text = BGA.read_text(encoding="utf-8").replace('"thickness_mm": 0.28', f'"thickness_mm": {literal}')
    assert literal in text
    with pytest.raises(DesignFileError) as info:
        design_from_json(text)
    assert info.value.path == "mask.thickness_mm"
    assert math.isnan(info.value.value) or math.isinf(info.value.value)
    assert "finite" in str(info.value)


def test_bad_json_names_line_and_column() -> None:
    lines = BGA.read_text(encoding="utf-8").splitlines()
    i = next(k for k, line in enumerate(lines) if '"thickness_mm"' in line)
    lines[i] = lines[i].replace("0.28", "0.28.1")
    with pytest.raises(DesignFileError) as info:
        design_from_json("\n".join(lines), file="x.ballmask")
    col = lines[i].index("0.28.1") + len("0.28") + 1
    assert info.value.path == f"line {i + 1}, column {col}"
    assert "0.28.1" in str(info.value)
    assert str(info.value).startswith("x.ballmask: line ")


@pytest.mark.parametrize("text", ["", "[]", "3", '"design"', "null"])
def test_not_an_object(text: str) -> None:
    with pytest.raises(DesignFileError):
        design_from_json(text)


def test_load_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(DesignFileError, match="cannot read"):
        load_design(tmp_path / "nope.ballmask")
    bad = tmp_path / "bin.ballmask"
    bad.write_bytes(b'{"format_version": 1, "name": "\xff"}')
    with pytest.raises(DesignFileError, match="UTF-8"):
        load_design(bad)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    p = tmp_path / "bom.ballmask"
    p.write_bytes(b"\xef\xbb\xbf" + BGA.read_bytes())
    assert load_design(p) == load_design(BGA)


# -- atomic save --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("broken", ["fsync", "replace", "write"])
def test_failed_save_leaves_old_file_intact(broken: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keep.ballmask"
    save_design(staggered_design(), path)
    before = path.read_bytes()

    def fail(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    if broken == "write":
        real_fdopen = os.fdopen

        def half_writer(fd: int, mode: str = "r", *a: Any, **k: Any) -> Any:
            f = real_fdopen(fd, mode, *a, **k)
            real_write = f.write

            def write(data: bytes) -> int:
                real_write(data[: len(data) // 2])
                raise OSError(28, "No space left on device")
            f.write = write
            return f
        monkeypatch.setattr(design_file.os, "fdopen", half_writer)
    else:
        monkeypatch.setattr(design_file.os, broken, fail)
    with pytest.raises(OSError, match="No space"):
        save_design(full_design(), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert load_design(path) == staggered_design()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.ballmask"]


def test_save_creates_new_file_with_normal_permissions(tmp_path: Path) -> None:
    path = tmp_path / "new.ballmask"
    save_design(explicit_design(), path)
    mode = path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
    assert load_design(str(path)) == explicit_design()


def test_save_keeps_permissions_of_the_replaced_file(tmp_path: Path) -> None:
    path = tmp_path / "ro.ballmask"
    save_design(explicit_design(), path)
    path.chmod(0o640)
    save_design(staggered_design(), path)
    assert path.stat().st_mode & 0o777 == 0o640


# -- schema ----------------------------------------------------------------------------------------------------
def test_schema_is_valid_draft_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_examples_validate_against_the_schema(path: Path) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(json.loads(path.read_text("utf-8")))]
    assert errors == []


@pytest.mark.parametrize(("change", "where"), [
    (setter("mask", "thickness_mm", value=-0.3), "thickness_mm"),
    (setter("colour", value="red"), "colour"),
    (setter("profile", "kind", value="conical"), "profile"),
    (setter("pad", "kind", value="gold"), "kind"),
    (setter("format_version", value=2), "format_version"),
])
def test_schema_rejects_what_the_reader_rejects(change: Any, where: str) -> None:
    data = base_data()
    change(data)
    errors = list(VALIDATOR.iter_errors(data))
    assert errors, "the schema accepted a malformed design"
    with pytest.raises(DesignFileError):
        design_from_json(json.dumps(data))
