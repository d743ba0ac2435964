"""The desktop bundle (``make bundle``, packaging/ballmask.spec) run as a user would, with no Python around it.

Marked ``bundle``. ``make test`` builds the bundle first (only when a source changed) and sets BALLMASK_BUNDLE, so
there these tests must run. A plain ``pytest`` uses dist/ballmask when it is there and newer than the sources,
and skips otherwise (a bundle older than the code would test old code).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import ezdxf
import pytest
from PIL import Image

from cli.selftest import EXAMPLE, STEPS
from geometry.base.version import __version__
from geometry.fileio import load_design

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "dist" / "ballmask" / "ballmask"
CLEAN_ENV = {"PATH": "/usr/bin:/bin"}
"""What `env -i PATH=/usr/bin:/bin` leaves: no virtual environment, no PYTHONPATH, no display, no locale."""

pytestmark = pytest.mark.bundle


def _newest_source() -> float:
    files = [p for top in ("geometry", "cli", "app", "resources", "packaging") for p in (ROOT / top).rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    return max(p.stat().st_mtime for p in files)


@pytest.fixture(scope="module")
def exe() -> Path:
    named = os.environ.get("BALLMASK_BUNDLE")
    if named:
        path = Path(named).resolve()
        assert path.is_file(), f"BALLMASK_BUNDLE={named}: no bundle there (make bundle)"
        return path
    if not DEFAULT.is_file():
        pytest.skip("no bundle: `make bundle` builds dist/ballmask")
    if DEFAULT.stat().st_mtime < _newest_source():
        pytest.skip("dist/ballmask is older than the sources: `make bundle` rebuilds it")
    return DEFAULT


def run(exe: Path, *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(exe), *args], capture_output=True, text=True, check=False, cwd=cwd,
                          env=env or CLEAN_ENV, timeout=300)


def test_self_test_passes_outside_any_python(exe: Path, tmp_path: Path) -> None:
    r = run(exe, "--self-test", str(tmp_path / "out"), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    first, *steps, last = r.stdout.splitlines()
    assert first == f"ballmask {__version__} self-test: bundle {exe.parent}"
    assert len(steps) == len(STEPS) and all(s.startswith("  ok ") for s in steps), r.stdout
    assert "on offscreen" in r.stdout
    assert last.startswith(f"PASS: {len(STEPS)} of {len(STEPS)}")
    with Image.open(tmp_path / "out" / "selftest-window.png") as im:
        assert im.size == (1280, 800)


def test_version(exe: Path, tmp_path: Path) -> None:
    r = run(exe, "--version", cwd=tmp_path)
    assert (r.returncode, r.stdout.strip()) == (0, f"ballmask {__version__}")


def test_a_user_checks_and_exports_the_bundled_example(exe: Path, tmp_path: Path) -> None:
    (example,) = exe.parent.glob(f"_internal/ballmask_resources/examples/{EXAMPLE}")
    design = shutil.copy(example, tmp_path / EXAMPLE)
    r = run(exe, "check", str(design), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "PASS" in r.stdout
    r = run(exe, "export", str(design), "-o", str(tmp_path / "mask.dxf"), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    circles = ezdxf.readfile(tmp_path / "mask.dxf").modelspace().query("CIRCLE")
    assert len(circles) >= len(load_design(example).sites())


def test_bad_input_is_one_line_and_exit_2(exe: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ballmask"
    bad.write_text("{", encoding="utf-8")
    r = run(exe, "check", str(bad), cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "line 1" in r.stderr


def test_qt_platform_plugins_and_resources_are_bundled(exe: Path) -> None:
    platforms = {p.name for p in exe.parent.glob("_internal/PySide6/Qt/plugins/platforms/*.so")}
    assert {"libqxcb.so", "libqoffscreen.so"} <= platforms
    res = exe.parent / "_internal" / "ballmask_resources"
    repo = ROOT / "resources"
    for sub in ("examples", "schema", "icons"):
        assert sorted(p.name for p in (res / sub).iterdir()) == sorted(p.name for p in (repo / sub).iterdir())


def test_no_test_or_bench_code_in_the_bundle(exe: Path) -> None:
    readers = pytest.importorskip("PyInstaller.archive.readers")
    archive = readers.CArchiveReader(str(exe))
    modules = set(archive.open_embedded_archive("PYZ.pyz").toc)
    assert {"cli.selftest", "app.snapshot", "app.panels.properties", "geometry.export.run"} <= modules
    tops = {m.split(".")[0] for m in modules}
    assert tops.isdisjoint({"tests", "bench", "pytest", "_pytest", "hypothesis", "pytestqt", "PyInstaller"})
    on_disk = {p.name for p in (exe.parent / "_internal").iterdir()}
    assert on_disk.isdisjoint({"tests", "bench", "pytest", "hypothesis"})


def _unresolved_libraries(plugin: Path) -> list[str]:
    """The shared libraries ``plugin`` needs that the loader finds neither in the bundle nor on the system."""
    out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False).stdout
    return sorted({line.split()[0] for line in out.splitlines() if "not found" in line})


def test_window_renders_on_an_x_display(exe: Path, tmp_path: Path) -> None:
    """Under Xvfb the self-test draws the window through the bundled xcb plugin and its X libraries."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    plugins = exe.parent / "_internal" / "PySide6" / "Qt" / "plugins"
    missing = _unresolved_libraries(plugins / "platforms" / "libqxcb.so")
    if missing:
        # neither the bundle nor this machine has them: the build collects what the build machine has
        pytest.skip(f"the xcb plugin needs X libraries this machine lacks: {', '.join(missing)} "
                    "(apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0, then make bundle)")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten",
                               "tcp"], pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as f:
            display = f.readline().strip()
        assert display, "Xvfb did not report a display"
        r = run(exe, "--self-test", cwd=tmp_path, env={**CLEAN_ENV, "DISPLAY": f":{display}"})
        assert r.returncode == 0, r.stdout + r.stderr
        assert "on xcb" in r.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)
