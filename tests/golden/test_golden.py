"""Golden files: each profile at its defaults and each backend on each bundled example, against stored files.

A change in what we hand the shop shows up here as a diff, not as a surprise at the mask maker. Geometry (the
resolved profiles) is compared with a tolerance; the text formats (DXF, Gerber, the package README) exactly,
with the drawing date fixed. When a change is intended, regenerate the stored files with ``make golden`` and
review the diff before committing it.
"""

from __future__ import annotations

import datetime
import json
import math
import os
from pathlib import Path

import pytest

from geometry.base.resources import resource_path
from geometry.export.backends import REGISTRY
from geometry.export.run import export_design
from geometry.fileio import load_design
from geometry.model.profiles import OneSideVertical, Stepped, SteppedTapered, Straight, Tapered

HERE = Path(__file__).resolve().parent
STORE = HERE / "files"
DAY = datetime.date(2026, 1, 2)
UPDATE = os.environ.get("BALLMASK_UPDATE_GOLDEN") == "1"
EXAMPLES = sorted(p.stem for p in resource_path("examples").iterdir() if p.suffix == ".ballmask")
TEXT_FORMATS = ("dxf", "gerber")
"""Formats compared byte for byte (the PDF drawing has its own rendered golden images)."""

PROFILES = {
    "straight": Straight(),
    "tapered": Tapered(),
    "stepped": Stepped(0.13, 0.6),
    "stepped-tapered": SteppedTapered(0.1),
    "one-side-vertical": OneSideVertical(direction_deg=90.0),
}
"""Each profile at its defaults (the step heights and lower diameter a stepped profile cannot default)."""


def _stored(name: str, text: str) -> str:
    path = STORE / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    if not path.exists():
        pytest.fail(f"no golden file {path.relative_to(HERE)}: run `make golden` and review it")
    return path.read_text(encoding="utf-8")


def _resolved(profile: object) -> dict[str, object]:
    o = profile.resolve(0.3, 0.55)  # type: ignore[attr-defined]
    return {"kind": o.kind, "upper_mm": o.upper_mm, "lower_mm": o.lower_mm, "vertical_mm": o.vertical_mm,
            "angle_deg": o.angle_deg, "relief_depth_mm": o.relief_depth_mm, "direction_deg": o.direction_deg,
            "lower_shift_mm": o.lower_shift_mm,
            "segments": [[s.z0, s.z1, s.r0, s.r1, s.s0, s.s1] for s in o.segments]}


def test_each_profile_at_its_defaults_resolves_as_stored() -> None:
    got = {name: _resolved(p) for name, p in PROFILES.items()}
    want = json.loads(_stored("profiles.json", json.dumps(got, indent=1, sort_keys=True) + "\n"))
    assert want.keys() == got.keys()
    for name, fields in got.items():
        for key, value in fields.items():
            expected = want[name][key]
            if isinstance(value, float):
                assert math.isclose(value, expected, abs_tol=1e-9), (name, key)
            elif key == "segments":
                assert len(value) == len(expected), name  # type: ignore[arg-type]
                for a, b in zip(value, expected, strict=True):  # type: ignore[call-overload]
                    assert all(math.isclose(x, y, abs_tol=1e-9) for x, y in zip(a, b, strict=True)), name
            else:
                assert value == expected, (name, key)


def _texts(folder_or_file: Path, example: str) -> dict[str, str]:
    if folder_or_file.is_file():
        return {example + folder_or_file.suffix: folder_or_file.read_text(encoding="utf-8")}
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder_or_file.iterdir())}


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_each_backend_writes_each_example_as_stored(example: str, fmt: str, tmp_path: Path) -> None:
    design = load_design(resource_path("examples") / f"{example}.ballmask")
    exp = REGISTRY[fmt]
    out = export_design(design, tmp_path / f"out{exp.suffix}", fmt, force=True, date=DAY).path
    for name, text in _texts(out, example).items():
        want = _stored(f"{example}/{fmt}/{name}", text)
        if text != want:
            diff = next(i for i, (a, b) in enumerate(zip(text.splitlines(), want.splitlines(), strict=False))
                        if a != b) if text.splitlines() != want.splitlines() else -1
            pytest.fail(f"{example} {fmt} {name} differs from the golden file from line {diff + 1}; if intended, "
                        "run `make golden` and review the diff")


@pytest.mark.parametrize("example", EXAMPLES)
def test_package_readme_is_as_stored(example: str, tmp_path: Path) -> None:
    design = load_design(resource_path("examples") / f"{example}.ballmask")
    out = export_design(design, tmp_path / "pkg", "all", force=True, date=DAY).path
    text = (out / "README.txt").read_text(encoding="utf-8")
    assert text == _stored(f"{example}/README.txt", text)
