"""One version number: geometry/base/version.py is read by setuptools, ``--version``, the design file's
``generator``, the Gerber writer attribute and CHANGELOG.md's newest entry. (The wheel's metadata is checked in
tests/test_packaging.py, the About box in tests/app/test_about_version.py, the bundle in tests/test_bundle.py.)"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

import geometry
from cli.main import main
from geometry.base.resources import example_paths
from geometry.base.version import GENERATOR, __version__
from geometry.export.run import export_design
from geometry.fileio import load_design, save_design

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_a_release_number() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert geometry.__version__ == __version__
    assert f"ballmask {__version__}" == GENERATOR


def test_setuptools_reads_the_version_from_the_module() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in config["project"]
    assert "version" in config["project"]["dynamic"]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "geometry.base.version.__version__"}


def test_command_line_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"ballmask {__version__}"


def test_design_file_names_its_writer(tmp_path: Path) -> None:
    design = load_design(example_paths()[0])
    path = tmp_path / "d.ballmask"
    save_design(design, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data)[:2] == ["format_version", "generator"]
    assert data["generator"] == f"ballmask {__version__}"


def test_generator_is_not_part_of_the_design(tmp_path: Path) -> None:
    src = example_paths()[0]
    data = json.loads(src.read_text(encoding="utf-8"))
    data["generator"] = "ballmask 0.0.1"
    older = tmp_path / "older.ballmask"
    older.write_text(json.dumps(data), encoding="utf-8")
    del data["generator"]
    without = tmp_path / "without.ballmask"
    without.write_text(json.dumps(data), encoding="utf-8")
    assert load_design(older) == load_design(without) == load_design(src)


def test_a_generator_that_is_not_text_is_refused(tmp_path: Path) -> None:
    from geometry.base.errors import DesignError

    data = json.loads(example_paths()[0].read_text(encoding="utf-8"))
    data["generator"] = 7
    bad = tmp_path / "bad.ballmask"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DesignError, match="generator"):
        load_design(bad)


def test_gerber_names_the_version(tmp_path: Path) -> None:
    design = load_design(example_paths()[0])
    out = export_design(design, tmp_path / "g", "gerber").path
    files = sorted(out.glob("*.gbr"))
    assert files
    for p in files:
        attrs = re.findall(r"TF\.GenerationSoftware,([^*]*)\*", p.read_text(encoding="ascii"))
        assert attrs == [f"ballmask,ballmask,{__version__}"]


def test_changelog_starts_with_this_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[?(\d+\.\d+\.\d+)\]?", text, flags=re.MULTILINE)
    assert versions and versions[0] == __version__
