"""The ``ballmask`` command line: exit codes 0/1/2, messages naming the bad value, no Qt, the window hand-off."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import types
from pathlib import Path

import pytest

from cli.main import COMMANDS, main
from geometry.base.resources import resource_path
from geometry.checks import Severity, run_checks
from geometry.fileio import load_design

BGA = resource_path("examples", "bga-0.8mm-tapered.ballmask")
CSP = resource_path("examples", "csp-0.4mm-stepped.ballmask")
REPO = Path(__file__).resolve().parents[1]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# -- version and help ----------------------------------------------------------------------------------------
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    code, out, _ = run(["--version"], capsys)
    assert code == 0
    assert out.strip() == f"ballmask {version('ballmask')}"


@pytest.mark.parametrize("argv", [["--help"], *[[c.name, "--help"] for c in COMMANDS], ["new", "grid", "--help"]])
def test_help_on_every_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert out.startswith("usage: ballmask")
    if argv == ["--help"]:
        assert all(c.name in out for c in COMMANDS)


@pytest.mark.parametrize("argv", [["frobnicate", "x"], ["check"], ["new"], ["check", "--bogus", str(BGA)],
                                  ["new", "grid", "--rows", "2"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "usage:" in err or "ballmask:" in err


# -- new -----------------------------------------------------------------------------------------------------
def test_new_grid_writes_the_design_it_describes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "first.ballmask"
    code, text, _ = run(["new", "grid", "--rows", "15", "--cols", "15", "--pitch", "0.8", "--ball", "0.45",
                         "--pad", "0.36", "--thickness", "0.28", "--profile", "tapered", "--angle", "60",
                         "-o", str(out)], capsys)
    assert code == 0
    assert str(out) in text
    d = load_design(out)
    assert (d.layout.rows, d.layout.cols, d.layout.pitch_x_mm) == (15, 15, 0.8)  # type: ignore[attr-defined]
    assert (d.ball.diameter_mm, d.pad.diameter_mm, d.mask.thickness_mm) == (0.45, 0.36, 0.28)
    assert d.opening.lower_mm == pytest.approx(0.495 + 2 * 0.28 / math.tan(math.radians(60)))
    assert d.name == "first"
    # The same parameters as the bundled example: the same design apart from names, notes, fiducials and the
    # drawing's title-block fields.
    bga = load_design(BGA)
    assert d.with_(name=bga.name, notes=bga.notes, mask=bga.mask, drawing=bga.drawing) == bga


def test_new_refuses_to_overwrite_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.ballmask"
    out.write_text("keep me")
    argv = ["new", "grid", "--rows", "2", "--cols", "3", "--pitch", "1", "--ball", "0.5", "-o", str(out)]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "--force" in err and str(out) in err
    assert out.read_text() == "keep me"
    code, _, _ = run([*argv, "--force"], capsys)
    assert code == 0
    assert load_design(out).layout.cols == 3  # type: ignore[attr-defined]


@pytest.mark.parametrize(("extra", "kind", "lower"), [
    (["--profile", "straight"], "straight", 0.55),
    (["--profile", "tapered", "--lower", "0.8"], "tapered", 0.8),
    (["--profile", "stepped", "--vertical", "0.2", "--lower", "0.7"], "stepped", 0.7),
    (["--profile", "stepped-tapered", "--vertical", "0.1", "--angle", "45"], "stepped-tapered", 0.55 + 2 * 0.2),
    (["--profile", "one-side-vertical", "--angle", "45", "--direction", "90"], "one-side-vertical", 0.55 + 0.3),
])
def test_new_every_profile(extra: list[str], kind: str, lower: float, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.ballmask"
    code, _, err = run(["new", "grid", "--rows", "3", "--cols", "4", "--pitch", "1.0", "--ball", "0.5",
                        "--thickness", "0.3", "-o", str(out), *extra], capsys)
    assert code == 0, err
    d = load_design(out)
    assert d.opening.kind == kind
    assert d.opening.upper_mm == 0.55
    assert d.opening.lower_mm == pytest.approx(lower)


def test_new_staggered_and_depopulated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.ballmask"
    code, _, _ = run(["new", "grid", "--rows", "8", "--cols", "8", "--pitch", "0.5", "--ball", "0.3",
                      "--staggered", "--centre-void", "2", "--rings", "3", "--material", "laser-cut-stainless",
                      "--upper", "0.33", "-o", str(out)], capsys)
    assert code == 0
    d = load_design(out)
    assert d.layout.kind == "staggered"
    assert d.mask.material == "laser-cut-stainless"
    sites = d.sites()
    # 3 rings of an 8 x 8 grid keep 64 - 2 x 2 sites; the 2 x 2 centre void lies inside the dropped part.
    assert int(sites.populated.sum()) == 60
    assert d.opening.upper_mm == 0.33


@pytest.mark.parametrize(("extra", "option", "shown"), [
    (["--ball", "-0.45"], "--ball", "-0.45"),
    (["--ball", "nan"], "--ball", "nan"),
    (["--ball", "0.45", "--thickness", "0"], "--thickness", "0"),
    (["--ball", "0.45", "--material", "brass"], "--material", "'brass'"),
    (["--ball", "0.45", "--angle", "95"], "--angle", "95"),
    (["--ball", "0.45", "--profile", "straight", "--angle", "60"], "--angle", "60"),
    (["--ball", "0.45", "--profile", "stepped", "--lower", "0.6"], "--vertical", "None"),
    (["--ball", "0.45", "--thickness", "0.2", "--profile", "stepped", "--vertical", "0.3", "--lower", "0.6"],
     "--vertical", "0.3"),
    (["--ball", "0.45", "--angle", "50", "--lower", "0.8"], "--lower", "0.8"),
    (["--ball", "0.45", "--centre-void", "0"], "--centre-void", "0"),
    (["--ball", "0.45", "--pitch-y", "-1"], "--pitch", "-1"),
])
def test_new_bad_values_name_option_and_value(extra: list[str], option: str, shown: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bad.ballmask"
    code, _, err = run(["new", "grid", "--rows", "5", "--cols", "5", "--pitch", "0.8", "-o", str(out), *extra],
                       capsys)
    assert code == 2
    assert err.startswith(f"ballmask: {option}"), err
    assert f"(got {shown})" in err, err
    assert "Traceback" not in err
    assert not out.exists()


# -- info ----------------------------------------------------------------------------------------------------
def test_info_shows_derived_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["info", str(BGA)], capsys)
    assert code == 0
    t, du, theta = 0.28, 0.495, math.radians(60)
    dl = du + 2 * t / math.tan(theta)
    ridge = (0.4 - du / 2) * math.tan(theta)  # checks.md: min(t, (s - d_u/2) tan(theta)), s = half the pitch
    assert "225 (225 populated, 0 depopulated)" in out
    assert "D 0.45 mm" in out and "t 0.28 mm" in out and "etched-stainless" in out
    assert f"d_u           {du:.4f} mm" in out
    assert f"d_l           {dl:.4f} mm" in out
    assert "theta         60.00 deg" in out
    assert "h_v           0.0000 mm" in out
    assert f"relief depth  {t:.4f} mm" in out
    assert f"ridge height  {ridge:.4f} mm at the minimum pitch 0.8000 mm" in out
    assert "1 merged region(s) joining 225 openings, 196 hole(s)" in out


def test_info_on_stepped_csp(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["info", str(CSP)], capsys)
    assert code == 0
    assert "144 (128 populated, 16 depopulated)" in out
    assert "h_v           0.1300 mm" in out
    assert "0 merged region(s)" in out and "128 single lower outline(s)" in out
    assert f"etched area {128 * math.pi * 0.1525**2:.3f} mm^2" in out


# -- check ---------------------------------------------------------------------------------------------------
@pytest.fixture
def failing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A 0.5 mm pitch design whose 0.3 mm sheet is too thick for its webs and holes."""
    out = tmp_path / "fail.ballmask"
    assert main(["new", "grid", "--rows", "6", "--cols", "6", "--pitch", "0.5", "--ball", "0.3",
                 "--thickness", "0.3", "--angle", "70", "-o", str(out)]) == 0
    capsys.readouterr()
    return out


def test_check_passing_example_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", str(BGA)], capsys)
    assert code == 0
    assert out.strip().splitlines()[-1] == "PASS: no errors"


def test_check_with_errors_exits_1_and_groups_by_check(failing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_checks(load_design(failing))
    assert report.has_errors
    code, out, _ = run(["check", str(failing)], capsys)
    assert code == 1
    lines = out.splitlines()
    for check, items in report.by_check().items():
        head = next(ln for ln in lines if ln.startswith(f"{check}: "))
        for sev in Severity:
            n = sum(1 for v in items if v.severity == sev)
            if n:
                assert f"{n} {sev}" in head
    errors = report.count(Severity.ERROR)
    assert f"{errors} errors, " in out
    assert lines[-1] == "FAIL: the design has errors"
    # Long groups are cut at 10 lines unless --all is given.
    code, out_all, _ = run(["check", "--all", str(failing)], capsys)
    assert code == 1
    assert len(out_all.splitlines()) >= len(lines)
    assert "more (--all lists them)" not in out_all


def test_check_json_lists_records(failing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--json", str(failing)], capsys)
    assert code == 1
    records = json.loads(out)
    report = run_checks(load_design(failing))
    assert len(records) == len(report.violations)
    keys = {"check", "severity", "sites", "x_mm", "y_mm", "measured", "limit", "unit", "message"}
    assert all(set(r) == keys for r in records)
    first, v = records[0], report.violations[0]
    assert (first["check"], first["severity"], first["sites"]) == (v.check, str(v.severity), list(v.sites))
    assert first["measured"] == pytest.approx(v.measured)
    assert {r["check"] for r in records} >= {"web-upper", "hole-size"}


def test_check_json_passing_is_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--json", str(CSP)], capsys)
    assert code == 0
    assert json.loads(out) == []


@pytest.mark.parametrize(("content", "needle"), [
    ('{"format_version": 1, "ball": {"diameter_mm": -1}}', "ball.diameter_mm"),
    ('{"format_version": 9}', "format_version"),
    ('{"format_version": 1,, }', "line 1, column 22"),
])
@pytest.mark.parametrize("command", ["check", "info", "export"])
def test_malformed_file_exits_2_with_message(content: str, needle: str, command: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.ballmask"
    bad.write_text(content)
    code, out, err = run([command, str(bad)], capsys)
    assert code == 2
    assert err.startswith(f"ballmask: bad.ballmask: {needle}"), err
    assert "Traceback" not in err
    assert out == ""


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", str(tmp_path / "nope.ballmask")], capsys)
    assert code == 2
    assert "cannot read" in err and "nope.ballmask" in err


def test_check_runs_without_qt(failing: Path) -> None:
    """check (and new, info) never import Qt: run them with PySide6 and pyqtgraph made unimportable."""
    blocker = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Block())\n"
        "from cli.main import main\n"
        "codes = [main(['check', sys.argv[1]]), main(['check', sys.argv[2]]), main(['info', sys.argv[1]])]\n"
        "assert not any(m.split('.')[0] in ('PySide6', 'pyqtgraph') for m in sys.modules), 'Qt was imported'\n"
        "sys.exit(10 * codes[0] + codes[1] + 100 * codes[2])\n"
    )
    proc = subprocess.run([sys.executable, "-c", blocker, str(BGA), str(failing)], capture_output=True,
                          text=True, timeout=120, cwd=REPO, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stdout + proc.stderr  # BGA passes (0), the failing design fails (1)
    assert "PASS: no errors" in proc.stdout


def test_console_script_runs(capsys: pytest.CaptureFixture[str]) -> None:
    exe = Path(sys.executable).with_name("ballmask")
    proc = subprocess.run([str(exe), "check", str(CSP)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "PASS" in proc.stdout


# -- the window ----------------------------------------------------------------------------------------------
def fake_app(monkeypatch: pytest.MonkeyPatch, code: int) -> list[str | None]:
    calls: list[str | None] = []
    module = types.ModuleType("app.main")

    def run_app(path: str | None) -> int:
        calls.append(path)
        return code

    module.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "app.main", module)
    return calls


def test_no_arguments_opens_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_app(monkeypatch, 0)
    assert main([]) == 0
    assert calls == [None]


def test_file_argument_opens_the_window_on_it(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_app(monkeypatch, 3)
    assert main([str(BGA)]) == 3
    assert calls == [BGA]  # run_app takes a Path


def test_window_on_missing_file_exits_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    calls = fake_app(monkeypatch, 0)
    code, _, err = run([str(tmp_path / "gone.ballmask")], capsys)
    assert code == 2
    assert "gone.ballmask" in err
    assert calls == []


def test_window_unavailable_exits_2_with_message(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "app.main", None)  # import app.main raises ImportError
    code, _, err = run([], capsys)
    assert code == 2
    assert "window cannot start" in err and "ballmask --help" in err


def test_readme_walk_through_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The README's first-design commands give the exit codes and numbers the README shows."""
    import re
    import shlex

    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    commands = [ln.split("#")[0].strip() for b in blocks for ln in b.splitlines() if ln.startswith("ballmask ")]
    steps = [shlex.split(c)[1:] for c in commands if shlex.split(c)[1] in ("new", "check", "info")]
    assert [s[0] for s in steps] == ["new", "check", "new", "check", "info"]
    monkeypatch.chdir(tmp_path)
    codes, outputs = [], []
    for argv in steps:
        codes.append(main(argv))
        outputs.append(capsys.readouterr().out)
    assert codes == [0, 1, 0, 0, 0]
    assert "420 errors, 0 warnings, 0 info" in outputs[1] and "420 errors, 0 warnings, 0 info" in text
    assert "PASS: no errors" in outputs[3]
    assert "d_l           0.8183 mm" in outputs[4] and "d_l 0.818 mm" in text
    assert "196 hole(s)" in outputs[4] and "196 metal" in text
