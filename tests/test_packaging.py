"""An installed wheel, not only the editable checkout, carries and finds the bundled examples and schema, builds
without setuptools warnings, holds every package, and passes ``ballmask --self-test`` once installed.

Wheels are built from a copy of the source in a temporary folder: setuptools writes ``build/`` and ``*.egg-info``
beside the project it builds, and the checkout must stay clean (a test checks that).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# what the wheel is built from; everything else in the checkout (tests, docs, caches, .venv, .git) stays behind
SOURCES = ("pyproject.toml", "README.md", "geometry", "cli", "app", "resources")
BUILD_LITTER = ("build", "ballmask.egg-info")


def package_dirs() -> dict[str, Path]:
    """Every folder with an __init__.py, by the name it has once installed (resources/ is ballmask_resources)."""
    found = {}
    for top, name in (("geometry", "geometry"), ("cli", "cli"), ("app", "app"), ("resources", "ballmask_resources")):
        for p in (ROOT / top).rglob("__init__.py"):
            if "__pycache__" not in p.parts:
                found[".".join((name, *p.parent.relative_to(ROOT / top).parts))] = p.parent
    return found


def test_every_package_is_listed_in_pyproject() -> None:
    """The wheel lists packages explicitly: a new subpackage that is not listed would be missing from it."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set(package_dirs())
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def _build_env() -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE makes setuptools print "byte-compiling is disabled": a message about this
    # environment, not about our configuration
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _warnings(output: str) -> list[str]:
    return [ln.strip() for ln in output.splitlines()
            if "warning" in ln.lower() or "would be ignored" in ln.lower()]


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
def wheel_build(tmp_path_factory: pytest.TempPathFactory, litter_before: dict[str, bool]) -> tuple[Path, str]:
    """The wheel, built verbosely (so setuptools' warnings are in the output) from a copy, and that output."""
    src = copy_sources(tmp_path_factory.mktemp("src") / "ballmask")
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-v", "-w", str(out), str(src)],
        capture_output=True, text=True, check=False, env=_build_env(), cwd=src,
    )
    assert r.returncode == 0, r.stderr
    (whl,) = out.glob("ballmask-*.whl")
    assert (src / "ballmask.egg-info").exists() or (src / "build").exists(), "the build wrote into the copy"
    return whl, r.stdout + r.stderr


def test_building_the_wheel_leaves_the_checkout_clean(wheel_build: tuple[Path, str],
                                                       litter_before: dict[str, bool]) -> None:
    assert wheel_build[0].exists()
    after = {name: (ROOT / name).exists() for name in BUILD_LITTER}
    assert after == litter_before, f"the wheel build wrote into the checkout: {after}"


@pytest.fixture(scope="module")
def wheel(wheel_build: tuple[Path, str]) -> Path:
    return wheel_build[0]


def test_wheel_build_prints_no_warnings(wheel_build: tuple[Path, str]) -> None:
    _, output = wheel_build
    assert "bdist_wheel" in output  # the verbose output is really there
    assert _warnings(output) == []


def test_editable_build_prints_no_warnings(tmp_path: Path) -> None:
    """What `make run` and `make test` install (pip install -e) goes through this hook; it must be quiet too."""
    src = copy_sources(tmp_path / "src")
    code = f"import setuptools.build_meta as b; print(b.build_editable({str(tmp_path)!r}))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=src,
                       env=_build_env())
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith(".whl")
    assert _warnings(r.stdout + r.stderr) == []


def test_wheel_holds_every_package_and_its_version(wheel: Path) -> None:
    from geometry.base.version import __version__

    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [pkg for pkg in package_dirs() if f"{pkg.replace('.', '/')}/__init__.py" not in names]
    assert missing == []
    assert wheel.name.startswith(f"ballmask-{__version__}-")
    metadata = zipfile.ZipFile(wheel).read(f"ballmask-{__version__}.dist-info/METADATA").decode()
    assert f"\nVersion: {__version__}\n" in metadata
    assert not any(n.startswith(("tests/", "bench/", "packaging/")) for n in names)


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


def test_installed_wheel_passes_its_self_test(wheel: Path, tmp_path: Path) -> None:
    """pip-install the wheel into a fresh virtual environment and run its `ballmask --self-test` script.

    The dependencies (numpy, PySide6, ...) come from this environment's site-packages, added as a plain path so
    that its editable install of the checkout is not (an editable .pth runs only in a site directory).
    """
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    vpy = venv / "bin" / "python"
    site = Path(subprocess.run([str(vpy), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DISPLAY", "WAYLAND_DISPLAY",
                                                           "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(vpy), "install", "--no-deps", "--no-index",
                        "-q", str(wheel)], capture_output=True, text=True, check=False, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    # after the install: with it before, pip would see this environment's ballmask and install nothing
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    run = subprocess.run([str(venv / "bin" / "ballmask"), "--self-test", str(tmp_path / "out")],
                         capture_output=True, text=True, check=False, cwd=tmp_path, env=env, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    first, *steps, last = run.stdout.splitlines()
    assert f"package {site}" in first  # the installed copy ran, not the checkout
    from cli.selftest import STEPS

    assert len(steps) == len(STEPS) and all(s.startswith("  ok ") for s in steps)
    assert "on offscreen" in run.stdout  # no display: the self-test chose the offscreen platform itself
    assert last.startswith(f"PASS: {len(STEPS)} of {len(STEPS)}")
