"""Every import format gets the treatment of the design file's door: truncated, corrupted, binary, empty and
device inputs end in exit 2 with one line naming the file, never a traceback, and no design file is written."""

from __future__ import annotations

import contextlib
import io
import random
from pathlib import Path

import pytest

from cli.main import main
from geometry.base.resources import resource_path
from geometry.export.run import export_design
from geometry.fileio import load_design

KICAD = """(footprint "BGA4" (layer "F.Cu")
  (pad "A1" smd circle (at -0.4 -0.4) (size 0.36 0.36) (layers "F.Cu"))
  (pad "A2" smd circle (at 0.4 -0.4) (size 0.36 0.36) (layers "F.Cu"))
  (pad "B1" smd circle (at -0.4 0.4) (size 0.36 0.36) (layers "F.Cu"))
  (pad "B2" smd circle (at 0.4 0.4) (size 0.36 0.36) (layers "F.Cu"))
)
"""


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One valid file per format, written by our own exporters (and a hand-written KiCad footprint)."""
    d = load_design(resource_path("examples") / "bga-0.8mm-tapered.ballmask")
    out = tmp_path_factory.mktemp("seeds")
    files = {
        "dxf": export_design(d, out / "m.dxf", "dxf", force=True).path,
        "gerber": export_design(d, out / "g", "gerber", force=True).path / "UPPER_THROUGH.gbr",
        "gds": export_design(d, out / "m.gds", "gds", force=True).path,
    }
    (out / "f.kicad_mod").write_text(KICAD, encoding="utf-8")
    files["kicad"] = out / "f.kicad_mod"
    return files


def _mutants(data: bytes, seed: int) -> list[tuple[str, bytes]]:
    rnd = random.Random(seed)
    flipped = bytearray(data)
    for _ in range(max(1, len(data) // 200)):
        k = rnd.randrange(len(flipped))
        flipped[k] = rnd.randrange(256)
    return [
        ("empty", b""),
        ("whitespace", b"  \n\t \n"),
        ("truncated-10", data[: len(data) // 10]),
        ("truncated-50", data[: len(data) // 2]),
        ("truncated-99", data[: len(data) * 99 // 100]),
        ("flipped", bytes(flipped)),
        ("garbage", bytes(rnd.randrange(256) for _ in range(4096))),
        ("nul", b"\x00" * 4096),
    ]


def _run(args: list[str]) -> tuple[int, str, str]:
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("fmt", ["dxf", "gerber", "gds", "kicad"])
def test_broken_pad_files_are_refused_in_one_line(fmt: str, seeds: dict[str, Path], tmp_path: Path) -> None:
    src = seeds[fmt]
    for name, data in _mutants(src.read_bytes(), seed=len(fmt)):
        bad = tmp_path / f"{name}{src.suffix}"
        bad.write_bytes(data)
        design = tmp_path / f"{name}.ballmask"
        code, _, err = _run(["import", str(bad), "--format", fmt, "--ball", "0.45", "-o", str(design)])
        assert "Traceback" not in err, (fmt, name, err)
        assert code in (0, 1, 2), (fmt, name, code)
        if name in ("empty", "whitespace", "garbage", "nul"):
            assert code == 2, (fmt, name, code)  # nothing in these is a pad file
        if code == 2:
            lines = [ln for ln in err.splitlines() if ln.strip()]
            assert len(lines) == 1 and len(lines[0]) < 400, (fmt, name, err)
            assert not design.exists(), (fmt, name)


def test_a_folder_and_a_device_are_refused(tmp_path: Path) -> None:
    for src in (tmp_path, Path("/dev/zero")):
        out = str(tmp_path / "x.ballmask")
        code, _, err = _run(["import", str(src), "--format", "dxf", "--ball", "0.45", "-o", out])
        assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert not (tmp_path / "x.ballmask").exists()
