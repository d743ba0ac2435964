"""The generic codec: a dataclass field added with a default is read and written without touching file code.

The classes here stand in for a later extension of the design (such as rework data): nested dataclasses,
tuples, optional values, enums and tagged unions.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import ClassVar, Literal

import pytest

from geometry.base.errors import DesignError
from geometry.fileio.codec import Codec, enum_text
from geometry.fileio.design_file import CODEC, design_to_json
from geometry.model.design import Design


class Condition(IntEnum):
    GOOD = 0
    PAD_LIFTED = 1


class Source(StrEnum):
    MEASURED = "measured"
    ASSUMED = "assumed"


@dataclass(frozen=True, slots=True)
class Uniform:
    kind: ClassVar[str] = "uniform"
    height_mm: float


@dataclass(frozen=True, slots=True)
class PerSite:
    kind: ClassVar[str] = "per-site"
    heights: tuple[tuple[str, float], ...]
    source: Source = Source.MEASURED


@dataclass(frozen=True, slots=True)
class Residue:
    model: Uniform | PerSite
    damaged: tuple[str, ...] = ()
    condition: Condition = Condition.GOOD
    note: str | None = None
    depth_mm: float | None = 0.1

    def __post_init__(self) -> None:
        if isinstance(self.model, Uniform) and self.model.height_mm < 0:
            raise DesignError("model.height_mm", self.model.height_mm, "must not be negative")


@dataclass(frozen=True, slots=True)
class Doc:
    name: str
    version: Literal["a", "b"] = "a"


@dataclass(frozen=True, slots=True)
class DocV2:
    """Doc with a field added later, defaulting to None (like Design.rework)."""

    name: str
    version: Literal["a", "b"] = "a"
    residue: Residue | None = None
    counts: tuple[int, int] = (0, 0)


CODEC_T = Codec()


def test_enum_text_rule() -> None:
    assert enum_text(Condition.PAD_LIFTED) == "pad-lifted"
    assert enum_text(Source.ASSUMED) == "assumed"


def test_new_optional_field_reads_old_files_and_is_left_out_at_none() -> None:
    old = CODEC_T.encode(Doc("x"))
    assert old == {"name": "x", "version": "a"}
    new = CODEC_T.decode(old, DocV2)
    assert new == DocV2("x")
    # At its None default the new field is not written: files without the new data keep their bytes.
    assert CODEC_T.encode(new) == {"name": "x", "version": "a", "counts": [0, 0]}


@pytest.mark.parametrize("residue", [
    Residue(Uniform(0.02)),
    Residue(PerSite((("A1", 0.03), ("B2", 0.0)), Source.ASSUMED), ("C3",), Condition.PAD_LIFTED, "peeled", None),
])
def test_nested_tagged_optional_enum_round_trip(residue: Residue) -> None:
    doc = DocV2("y", "b", residue, (3, 4))
    data = CODEC_T.encode(doc)
    text = json.dumps(data)
    assert CODEC_T.decode(json.loads(text), DocV2) == doc
    assert data["residue"]["model"]["kind"] == residue.model.kind
    assert next(iter(data["residue"]["model"])) == "kind"
    assert data["residue"]["condition"] == enum_text(residue.condition)
    # depth_mm's default is not None, so a None value is written (as null) to keep its meaning.
    assert ("depth_mm" in data["residue"]) is True
    assert ("note" in data["residue"]) == (residue.note is not None)


@pytest.mark.parametrize(("data", "path", "shown"), [
    ({"name": "z", "residue": {"model": {"kind": "per-site", "heights": [["A1", "high"]]}}},
     "residue.model.heights[0][1]", "'high'"),
    ({"name": "z", "residue": {"model": {"kind": "cone", "height_mm": 1}}}, "residue.model.kind", "'cone'"),
    ({"name": "z", "residue": {"model": {"kind": "uniform", "height_mm": -1}}}, "residue.model.height_mm", "-1"),
    ({"name": "z", "residue": {"model": {"kind": "uniform", "height_mm": 1}, "condition": "bent"}},
     "residue.condition", "'bent'"),
    ({"name": "z", "counts": [1, 2, 3]}, "counts", "[1, 2, 3]"),
    ({"name": "z", "version": "c"}, "version", "'c'"),
    ({"name": "z", "residue": {"damaged": []}}, "residue.model", "None"),
])
def test_errors_name_the_nested_path(data: dict[str, object], path: str, shown: str) -> None:
    with pytest.raises(DesignError) as info:
        CODEC_T.decode(data, DocV2)
    assert info.value.path == path
    assert f"(got {shown})" in str(info.value)


def schema_properties() -> dict[str, set[str]]:
    from geometry.base.resources import resource_path

    schema = json.loads(resource_path("schema", "ballmask.schema.json").read_text(encoding="utf-8"))
    out = {}
    for name, d in schema["$defs"].items():
        props = d.get("properties", {})
        out[name] = {k for k, v in props.items() if not (k == "kind" and "const" in v)}  # the tag is no field
    out["Design"] = set(schema["properties"]) - {"format_version", "generator"}  # file-level, not Design fields
    return out


def reachable_dataclasses() -> set[type]:
    """Every dataclass the design file can hold, found by walking the type hints from Design."""
    import typing

    from geometry.fileio.codec import hints

    seen: set[type] = set()
    todo: list[object] = [Design]
    while todo:
        tp = todo.pop()
        if tp in CODEC.registries:
            todo.extend(CODEC.registries[tp].values())
            continue
        args = typing.get_args(tp)
        if args:
            todo.extend(args)
            continue
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp not in seen:
            seen.add(tp)
            todo.extend(hints(tp)[f.name] for f in dataclasses.fields(tp))
    return seen


def test_schema_documents_every_field_of_every_class_in_the_file() -> None:
    """A field added to a design class must be added to the schema and docs/file-format.md too."""
    props = schema_properties()
    classes = reachable_dataclasses()
    assert len(classes) >= 20
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "file-format.md").read_text(encoding="utf-8")
    for cls in classes:
        name = cls.__name__
        assert name in props, f"{name} has no $defs entry in ballmask.schema.json"
        fields = {f.name for f in dataclasses.fields(cls)}
        assert props[name] == fields, f"schema {name}: {sorted(props[name] ^ fields)}"
        for f in fields:
            assert f"`{f}`" in docs, f"docs/file-format.md does not document {name}.{f}"


def test_limits_field_is_an_object_in_the_file() -> None:
    from geometry.model.design import example_grid_design
    from geometry.model.materials import LIMIT_NAMES

    d = example_grid_design().with_limit("edge_min_mm", 3.0)
    assert json.loads(design_to_json(d))["limits"] == {"edge_min_mm": 3.0}
    assert schema_properties()["Limits"] == set(LIMIT_NAMES)


def test_one_field_hint_is_the_class_hint_of_that_field() -> None:
    """The codec resolves one field at a time (a cold check imports no type of a field the file lacks); each
    resolved hint must be exactly the one typing.get_type_hints gives for the whole class."""
    import typing

    from geometry.fileio.codec import hint

    classes = reachable_dataclasses()
    # resolving imports and binds the names a module imports on first use (its __getattr__), which typing's own
    # resolution below then needs
    resolved = {(cls, f.name): hint(cls, f.name) for cls in classes for f in dataclasses.fields(cls)}
    assert {cls.__module__ for cls in classes} >= {"geometry.model.rework", "geometry.model.tools",
                                                   "geometry.model.layouts.source"}
    for cls in classes:
        reference = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            assert resolved[cls, f.name] == reference[f.name], f"{cls.__name__}.{f.name}"
