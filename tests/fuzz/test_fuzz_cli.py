"""The command line never shows a traceback, whatever a design file holds (issue 11).

Each mutant of a bundled example (tests/fuzz/fuzz_mutants.py) is run through ``info``, ``check --json`` and
``export``, in process through :func:`cli.main.main` (fast), and a few through the installed entry point in a
subprocess (the real stdout encoding, the real exit). For every mutant the command either works (exit 0, or 1
for check errors) with valid output (JSON under ``--json``), or refuses it with exit 2 and one line naming the
field, and leaves no output file behind. A fixed seed (``derandomize``) keeps the suite repeatable; ``make fuzz``
runs many more examples (BALLMASK_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from fuzz_mutants import EXAMPLE_COUNT, EXAMPLES_DIR, design_mutants, residue_mutants
from hypothesis import HealthCheck, event, given, settings

from cli.main import main

FUZZ = settings(max_examples=EXAMPLE_COUNT, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MAX_MESSAGE = 1000


def run(argv: list[str]) -> tuple[int, str, str]:
    """main(argv) with stdout and stderr captured; RuntimeWarnings (numpy overflow) count as failures."""
    out, err = io.StringIO(), io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    return code, out.getvalue(), err.getvalue()


def assert_refusal_line(text: str) -> None:
    """One line, bounded, naming where: ``ballmask: <field or file>: <problem> (got ...)``."""
    assert text.endswith("\n") and text.count("\n") == 1, text[:2000]
    assert len(text) <= MAX_MESSAGE, text[:2000]
    assert text.startswith("ballmask: ") and ": " in text[len("ballmask: "):], text
    assert "Traceback" not in text


def no_leftovers(folder: Path, keep: set[str]) -> None:
    """Nothing but the inputs: no output, no temporary."""
    left = sorted(p.name for p in folder.iterdir() if p.name not in keep)
    assert not left, left


@FUZZ
@given(design_mutants())
def test_info_and_check_json(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "d.ballmask"
        f.write_bytes(data)
        code, out, err = run(["info", str(f)])
        event(f"info exit {code}")
        assert code in (0, 2), (code, err)
        if code == 2:
            assert_refusal_line(err)
            assert out == ""
        else:
            assert err == "" and out.count("\n") >= 5
        code_j, out_j, err_j = run(["check", "--json", str(f)])
        assert code_j in (0, 1, 2), (code_j, err_j)
        assert err_j == "", err_j
        parsed = json.loads(out_j)
        if code_j == 2:
            assert code == 2  # what info refuses, check refuses, and the other way round
            assert set(parsed) == {"error", "field"} and parsed["field"], parsed
            assert out_j.count("\n") == 1 and len(parsed["error"]) <= MAX_MESSAGE
        else:
            assert code == 0 and isinstance(parsed, list)
        no_leftovers(Path(tmp), {"d.ballmask"})


@FUZZ
@given(design_mutants())
def test_export(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        f = folder / "d.ballmask"
        f.write_bytes(data)
        code, out, err = run(["export", str(f), "--format", "dxf", "-o", str(folder / "out.dxf"), "--force"])
        event(f"export exit {code}")
        assert code in (0, 2), (code, err)
        if code == 2:
            assert_refusal_line(err)
            no_leftovers(folder, {"d.ballmask"})
        else:
            assert (folder / "out.dxf").is_file() and out.startswith("wrote ")
            no_leftovers(folder, {"d.ballmask", "out.dxf"})


@settings(FUZZ, max_examples=max(3, EXAMPLE_COUNT // 10))
@given(design_mutants())
def test_export_all(data: bytes) -> None:
    """The package (DXF, Gerber, PDF, README) as a folder or a zip: the slowest path, fewer examples."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        f = folder / "d.ballmask"
        f.write_bytes(data)
        target = folder / ("pkg.zip" if len(data) % 2 else "pkg")
        code, out, err = run(["export", str(f), "--format", "all", "-o", str(target), "--force"])
        event(f"export all exit {code}")
        assert code in (0, 2), (code, err)
        if code == 2:
            assert_refusal_line(err)
            no_leftovers(folder, {"d.ballmask"})
        else:
            assert target.exists() and out.startswith("wrote ")
            no_leftovers(folder, {"d.ballmask", target.name})


@FUZZ
@given(residue_mutants())
def test_rework_residue_csv(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv = folder / "scan.csv"
        csv.write_bytes(data)
        out = folder / "rw.ballmask"
        code, _stdout, err = run(["rework", str(EXAMPLES_DIR / "rework-bga-0.8mm-tapered.ballmask"),
                                 "--residue", str(csv), "-o", str(out)])
        event(f"rework exit {code}")
        assert code in (0, 1, 2), (code, err)
        if code == 2:
            assert_refusal_line(err)
            assert "scan.csv" in err or "--" in err, err  # the file (with line and column) or the option
            no_leftovers(folder, {"scan.csv"})
        else:
            assert out.is_file()


SUBPROCESS_CASES = [
    b"{\n",  # truncated at a newline
    b'{"format_version": 1, "ball": {"diameter_mm": ' + b"9" * 5000 + b"}}",
    b"[" * 100_000 + b"]" * 100_000,
    (EXAMPLES_DIR / "bga-0.8mm-tapered.ballmask").read_bytes().replace(b'"diameter_mm": 0.45', b'"diameter_mm": 1e308'),
    (EXAMPLES_DIR / "bga-0.8mm-tapered.ballmask").read_bytes().replace(b'"name": "BGA', b'"name": "\\ud800'),
]


def test_subprocess_cases_exit_2_with_one_line(tmp_path: Path) -> None:
    """The real entry point, real stdout: one line on stderr, exit 2, JSON on stdout under --json."""
    for i, data in enumerate(SUBPROCESS_CASES):
        f = tmp_path / f"case{i}.ballmask"
        f.write_bytes(data)
        for argv, as_json in ((["info", str(f)], False), (["check", "--json", str(f)], True),
                              (["export", str(f), "--format", "all", "-o", str(tmp_path / f"out{i}")], False)):
            r = subprocess.run([sys.executable, "-m", "cli.main", *argv], check=False, capture_output=True, text=True,
                               timeout=120, cwd=Path(__file__).resolve().parents[2])
            assert r.returncode == 2, (argv, r.stderr)
            if as_json:
                assert r.stderr == "" and set(json.loads(r.stdout)) == {"error", "field"}
            else:
                assert_refusal_line(r.stderr)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"case{k}.ballmask" for k in range(i + 1))


def test_dev_zero_is_refused_at_once() -> None:
    code, _, err = run(["info", "/dev/zero"])
    assert code == 2 and "not a design file" in err
