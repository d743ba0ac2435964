"""An installed wheel, not only the editable checkout, carries and finds the bundled examples and schema.

The wheel is built from a copy of the source in a temporary folder: setuptools writes ``build/`` and
``*.egg-info`` beside the project it builds, and the checkout must stay clean (a test checks that).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# what the wheel is built from; everything else in the checkout (tests, docs, caches, .venv, .git) stays behind
SOURCES = ("pyproject.toml", "README.md", "geometry", "cli", "app", "resources")
BUILD_LITTER = ("build", "ballmask.egg-info")


def test_every_package_is_listed_in_pyproject() -> None:
    """The wheel lists packages explicitly: a new subpackage that is not listed would be missing from it."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("geometry", "cli", "app")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def copy_sources(dst: Path) -> Path:
    """The files the wheel is made of, copied to ``dst`` (without bytecode caches)."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, dst / name)
    return dst


@pytest.fixture(scope="module")
def litter_before() -> dict[str, bool]:
    """Which build folders the checkout had before the wheel was built (someone may have built by hand)."""
    return {name: (ROOT / name).exists() for name in BUILD_LITTER}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory, litter_before: dict[str, bool]) -> Path:
    src = copy_sources(tmp_path_factory.mktemp("src") / "ballmask")
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, check=False, cwd=src,
    )
    assert r.returncode == 0, r.stderr
    (whl,) = out.glob("ballmask-*.whl")
    assert (src / "ballmask.egg-info").exists() or (src / "build").exists(), "the build wrote into the copy"
    return whl


def test_building_the_wheel_leaves_the_checkout_clean(wheel: Path, litter_before: dict[str, bool]) -> None:
    assert wheel.exists()
    after = {name: (ROOT / name).exists() for name in BUILD_LITTER}
    assert after == litter_before, f"the wheel build wrote into the checkout: {after}"


def test_wheel_contains_examples_and_schema(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    examples = [n for n in names if n.startswith("ballmask_resources/examples/") and n.endswith(".ballmask")]
    repo_examples = sorted((ROOT / "resources" / "examples").glob("*.ballmask"))
    assert len(examples) == len(repo_examples) >= 2
    assert "ballmask_resources/schema/ballmask.schema.json" in names
    assert any(n.startswith("geometry/checks/") for n in names)
    assert {"cli/main.py", "app/render/lod.py", "app/panel_table.py"} <= set(names)


def test_installed_wheel_finds_its_examples(wheel: Path, tmp_path: Path) -> None:
    """Unpack the wheel as site-packages would and import from there, away from the checkout."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import geometry.base.resources as r, geometry.fileio as f; "
        f"ps = r.example_paths(); assert ps and all(str(p).startswith({str(site)!r}) for p in ps), ps; "
        "[f.load_design(p) for p in ps]; print(len(ps))"
    )
    r = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
                       capture_output=True, text=True, check=False, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout.strip()) >= 2
