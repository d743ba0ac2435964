"""Linux desktop integration (packaging/linux): the menu entry validates, the MIME type maps *.ballmask, the
install script puts everything where XDG looks, and the icon PNGs are the SVG at their sizes."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_desktop_entry_opens_ballmask_files() -> None:
    entry = desktop_entry(LINUX / "ballmask.desktop")
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "ballmask %f"  # %f: the double-clicked file, as `ballmask FILE` opens it
    assert entry["Icon"] == "ballmask"
    assert "application/x-ballmask" in entry["MimeType"].split(";")


def test_desktop_entry_validates() -> None:
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    r = subprocess.run([validate, str(LINUX / "ballmask.desktop")], capture_output=True, text=True, check=False)
    assert r.returncode == 0 and r.stdout == "", r.stdout + r.stderr


def test_mime_type_globs_the_suffix_and_matches_the_examples() -> None:
    (mime,) = ET.parse(LINUX / "ballmask-mime.xml").getroot().findall(f"{MIME_NS}mime-type")
    assert mime.get("type") == "application/x-ballmask"
    assert [g.get("pattern") for g in mime.findall(f"{MIME_NS}glob")] == ["*.ballmask"]
    (match,) = mime.iter(f"{MIME_NS}match")
    start, _, end = match.get("offset", "").partition(":")
    needle = match.get("value", "").encode()
    for example in (ROOT / "resources" / "examples").glob("*.ballmask"):
        head = example.read_bytes()[: int(end) + len(needle)]
        assert head.find(needle, int(start)) != -1, example.name


@pytest.mark.parametrize("size", SIZES)
def test_icon_png_is_the_svg_at_its_size(size: int, qapp, tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import make_icons
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    with Image.open(ICONS / f"ballmask-{size}.png") as stored:
        assert stored.size == (size, size)
        assert stored.mode == "RGBA"
        fresh_png = tmp_path / f"fresh-{size}.png"
        assert make_icons.render(size).save(str(fresh_png), "PNG")
        with Image.open(fresh_png) as fresh:
            diff = ImageStat.Stat(ImageChops.difference(stored.convert("RGBA"), fresh.convert("RGBA"))).mean
        assert max(diff) < 2.0, "resources/icons is stale: run python packaging/make_icons.py"
        # transparent corners (rounded plate), opaque middle
        assert stored.getpixel((0, 0))[3] == 0
        assert stored.getpixel((size // 2, size // 2))[3] == 255


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """The install script run into a temporary PREFIX, with a stand-in bundle."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "ballmask").write_text("#!/bin/sh\necho stand-in\n", encoding="utf-8")
    (bundle / "ballmask").chmod(0o755)
    prefix = tmp_path / "prefix"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path / "home"), "PREFIX": str(prefix),
           "BUNDLE": str(bundle)}
    r = subprocess.run(["sh", str(LINUX / "install-desktop.sh")], capture_output=True, text=True, check=False,
                       env=env)
    assert r.returncode == 0, r.stderr
    return prefix


def test_install_puts_files_where_xdg_looks(installed: Path) -> None:
    share = installed / "share"
    entry = desktop_entry(share / "applications" / "ballmask.desktop")
    assert entry["Exec"] == f"{installed}/bin/ballmask %f"
    assert (installed / "bin" / "ballmask").resolve() == (installed / "lib" / "ballmask" / "ballmask").resolve()
    out = subprocess.run([str(installed / "bin" / "ballmask")], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "stand-in"
    for size in SIZES:
        for kind, name in (("apps", "ballmask"), ("mimetypes", "application-x-ballmask")):
            with Image.open(share / "icons" / "hicolor" / f"{size}x{size}" / kind / f"{name}.png") as im:
                assert im.size == (size, size)
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "ballmask.svg").is_file()
    assert (share / "mime" / "packages" / "ballmask.xml").read_bytes() == (LINUX / "ballmask-mime.xml").read_bytes()


def test_installed_mime_database_knows_the_type(installed: Path, tmp_path: Path) -> None:
    share = installed / "share"
    if shutil.which("update-mime-database") is None:
        pytest.skip("shared-mime-info is not installed")
    globs = (share / "mime" / "globs2").read_text(encoding="utf-8")  # written by update-mime-database
    assert "application/x-ballmask:*.ballmask" in globs
    if shutil.which("xdg-mime") is None:
        return
    design = tmp_path / "board.ballmask"
    shutil.copy(ROOT / "resources" / "examples" / "bga-0.8mm-tapered.ballmask", design)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(share),
           "XDG_DATA_DIRS": f"{share}:/usr/share"}
    q = subprocess.run(["xdg-mime", "query", "filetype", str(design)], capture_output=True, text=True, env=env,
                       check=False)
    assert q.stdout.strip() == "application/x-ballmask", q.stderr


def test_uninstall_removes_it(installed: Path, tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path / "home"), "PREFIX": str(installed)}
    subprocess.run(["sh", str(LINUX / "install-desktop.sh"), "--uninstall"], capture_output=True, check=True, env=env)
    assert not (installed / "share" / "applications" / "ballmask.desktop").exists()
    assert not (installed / "bin" / "ballmask").exists()
    assert not list((installed / "share" / "icons").rglob("*.png"))
