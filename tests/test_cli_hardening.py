"""Issue 11 on the command line: outputs never replace inputs, option messages name their own option, I/O errors
name the file, a killed export's temporaries are cleaned, every refusal is one line with exit 2."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest

from cli.main import main
from geometry.base.resources import example_paths

BGA = next(p for p in example_paths() if p.name == "bga-0.8mm-tapered.ballmask")
REWORK = next(p for p in example_paths() if p.name == "rework-bga-0.8mm-tapered.ballmask")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def design(tmp_path: Path) -> Path:
    dst = tmp_path / "d.ballmask"
    shutil.copy(BGA, dst)
    return dst


@pytest.mark.parametrize("fmt", ["all", "dxf", "gerber", "pdf"])
def test_export_onto_the_input_is_refused_and_the_design_kept(fmt: str, design: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = design.read_bytes()
    code, _, err = run(["export", str(design), "--format", fmt, "-o", str(design), "--force"], capsys)
    assert code == 2 and "-o" in err and "input" in err and err.count("\n") == 1
    assert design.is_file() and design.read_bytes() == before


def test_folder_output_holding_the_input_is_refused(design: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["export", str(design), "--format", "all", "-o", str(design.parent)], capsys)
    assert code == 2 and "holds the input" in err and design.is_file()


def test_a_file_is_not_replaced_by_a_folder_without_force(design: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = design.parent / "pkg"
    target.write_text("keep me")
    code, _, err = run(["export", str(design), "--format", "gerber", "-o", str(target)], capsys)
    assert code == 2 and "is a file" in err and "--force" in err and target.read_text() == "keep me"
    code, out, _ = run(["export", str(design), "--format", "gerber", "-o", str(target), "--force"], capsys)
    assert code == 0 and target.is_dir() and any(target.iterdir()), out


def test_a_folder_is_not_replaced_by_a_file_without_force(design: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = design.parent / "out.dxf"
    target.mkdir()
    (target / "x").write_text("keep")
    code, _, err = run(["export", str(design), "-o", str(target)], capsys)
    assert code == 2 and "is a folder" in err and (target / "x").read_text() == "keep"


def test_a_killed_exports_temporaries_are_cleaned_by_the_next(design: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = design.parent
    dead = 2**22 + 12345  # above the default pid_max: no such process
    stale = [folder / f".out.dxf.{dead}.abc123.tmp", folder / f".ballmask-export-{dead}-xyz"]
    stale[0].write_text("half a dxf")
    stale[1].mkdir()
    (stale[1] / "part.dxf").write_text("half")
    live = folder / f".out.dxf.{os.getpid()}.live.tmp"  # this process's (a running export's) temporary stays
    live.write_text("in progress")
    code, _, _ = run(["export", str(design), "-o", str(folder / "out.dxf")], capsys)
    assert code == 0
    assert not any(p.exists() for p in stale) and live.exists()


def test_no_space_left_names_the_file(design: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a write on a full disk: no file name

    monkeypatch.setattr("geometry.base.atomic._fsync_file", full)
    out = design.parent / "out.dxf"
    code, _, err = run(["export", str(design), "-o", str(out)], capsys)
    assert code == 2 and err == f"ballmask: {out}: No space left on device\n"
    assert sorted(p.name for p in design.parent.iterdir()) == ["d.ballmask"]


@pytest.mark.parametrize(("extra", "option", "shown"), [
    (["--pitch-y", "nan"], "--pitch-y", "nan"),
    (["--pitch-y", "1e308"], "--pitch-y", "1e308"),
    (["--ball", "1e308"], "--ball", "1e308"),
    (["--pitch", "1e308"], "--pitch", "1e308"),
    (["--cols", "9" * 5000], "--cols", "5,000 digits"),
    (["--rows", "2_5"], "--rows", "2_5"),
    (["--cols", "100000", "--rows", "100"], "--cols", "100000"),
    (["--cols", "100000", "--rows", "100", "--staggered"], "--cols", "100000"),
    (["--cols", "2000", "--rows", "2000", "--staggered"], "--cols", "3,500,000"),
    (["--name", "x\ny"], "--name", "x\\ny"),
])
def test_new_grid_options_name_their_own_option(extra: list[str], option: str, shown: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "n.ballmask"
    argv = ["new", "grid", "--rows", "5", "--cols", "5", "--pitch", "0.8", "--ball", "0.45", "-o", str(out)]
    code, _, err = run([*argv, *extra], capsys)
    assert code == 2 and err.startswith(f"ballmask: {option}") and shown in err and err.count("\n") == 1, err
    assert len(err) < 400 and not out.exists()


@pytest.mark.parametrize(("extra", "option", "shown"), [
    (["--height", "0.01", "--tolerance", "nan"], "--tolerance", "nan"),
    (["--height", "inf"], "--height", "inf"),
    (["--height", "0.01", "--damaged", "A1,ZZ99"], "--damaged", "ZZ99"),
    (["--height", "0.01", "--no-ball", "Q0"], "--no-ball", "Q0"),
    (["--height", "0.01", "--failed", "NOPE:open"], "--failed", "NOPE"),
    (["--height", "0.01", "--failed", "nan,1"], "--failed", "nan,1"),
])
def test_rework_options_are_checked(extra: list[str], option: str, shown: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["rework", str(BGA), *extra, "-o", str(tmp_path / "rw.ballmask")], capsys)
    assert code == 2 and err.startswith(f"ballmask: {option}") and shown in err, err
    assert not (tmp_path / "rw.ballmask").exists()


def test_rework_output_onto_an_input_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "r.ballmask"
    shutil.copy(REWORK, src)
    before = src.read_bytes()
    code, _, err = run(["rework", str(src), "-o", str(src), "--force"], capsys)
    assert code == 2 and "input" in err and src.read_bytes() == before


def test_json_errors_are_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.ballmask"
    bad.write_text(BGA.read_text().replace('"rows": 15', '"rows": ' + "7" * 5000))
    for argv, field in ((["check", "--json", str(bad)], "layout.rows"), (["check", "--json"], ""),
                        (["check", "--json", "/dev/zero"], "/dev/zero"),
                        (["check", "--json", "--bogus", str(bad)], "")):
        code, out, err = run(argv, capsys)
        parsed = json.loads(out)
        assert code == 2 and err == "" and set(parsed) == {"error", "field"}, (argv, out, err)
        assert parsed["field"] == field or (not field and isinstance(parsed["field"], str)), parsed
        assert len(parsed["error"]) < 400


def test_chord_tolerance_below_1_nm_is_refused_and_1_nm_exports(design: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(design.read_text())
    data["output"]["chord_tol_mm"] = 1e-9
    design.write_text(json.dumps(data))
    code, _, err = run(["export", str(design), "--segments-only", "-o", str(design.parent / "seg.dxf")], capsys)
    assert code == 2 and "output.chord_tol_mm" in err and "1 nm" in err
    data["output"]["chord_tol_mm"] = 1e-6
    design.write_text(json.dumps(data))
    code, _, err = run(["export", str(design), "--segments-only", "-o", str(design.parent / "seg.dxf")], capsys)
    assert code == 0, err


def test_segments_per_arc_are_bounded_whatever_the_tolerance() -> None:
    import numpy as np

    from geometry.base.limits import MAX_SEGMENTS_PER_CIRCLE
    from geometry.derive.relief.model import densify_rings
    from geometry.derive.rings import RingSet

    # one full circle of radius 0.4 mm as two half-circle arcs (bulge 1)
    rings = RingSet.from_rings([(np.array([[0.4, 0.0], [-0.4, 0.0]]), np.array([1.0, 1.0]))], [0], [False])
    for tol in (1e-4, 1e-9, 1e-15):
        pts, _ = densify_rings(rings, tol)
        expected = min(MAX_SEGMENTS_PER_CIRCLE, 2 * int(np.ceil(np.pi / (2 * np.arccos(1 - tol / 0.4)))))
        assert len(pts) <= MAX_SEGMENTS_PER_CIRCLE + 2 and abs(len(pts) - expected) <= 2, (tol, len(pts))
        assert np.allclose(np.hypot(pts[:, 0], pts[:, 1]), 0.4)


def test_memory_running_out_is_one_line(design: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_memory(*_a: object, **_k: object) -> None:
        raise MemoryError

    monkeypatch.setattr("geometry.checks.run_checks", no_memory)
    code, out, err = run(["check", str(design)], capsys)
    assert code == 2 and err == f"ballmask: {design}: out of memory: the design is too large for this machine\n"
    code, out, err = run(["check", "--json", str(design)], capsys)
    assert code == 2 and json.loads(out)["field"] == str(design) and err == ""
