"""An installed wheel, not only the editable checkout, carries and finds the bundled examples and schema."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject() -> None:
    """The wheel lists packages explicitly: a new subpackage that is not listed would be missing from it."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("geometry", "app")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, check=False,
    )
    assert r.returncode == 0, r.stderr
    (whl,) = out.glob("ballmask-*.whl")
    return whl


def test_wheel_contains_examples_and_schema(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    examples = [n for n in names if n.startswith("ballmask_resources/examples/") and n.endswith(".ballmask")]
    repo_examples = sorted((ROOT / "resources" / "examples").glob("*.ballmask"))
    assert len(examples) == len(repo_examples) >= 2
    assert "ballmask_resources/schema/ballmask.schema.json" in names
    assert any(n.startswith("geometry/checks/") for n in names)


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
