"""``ballmask rework``: derives the rework design, prints the review, exits 0/1/2 like ``check``."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from geometry.base.resources import resource_path
from geometry.fileio import load_design

BGA = resource_path("examples", "bga-0.8mm-tapered.ballmask")
CSV = resource_path("examples", "rework-bga-residue.csv")
EXAMPLE = resource_path("examples", "rework-bga-0.8mm-tapered.ballmask")


def test_rework_with_residue_csv_writes_the_rework_design(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rework.ballmask"
    rc = main(["rework", str(BGA), "--residue", str(CSV), "--height", "0.02", "--damaged", "C7",
               "--failed", "H8:open on H8 after thermal cycling", "--device", "U7 on board SN-2231", "-o", str(out)])
    text = capsys.readouterr().out
    assert rc == 0
    assert "Rework review for device U7 on board SN-2231" in text
    assert "sites to reball (224)" in text and "damaged, closed (1): C7" in text
    assert "H8: open on H8 after thermal cycling" in text
    assert "residue too high (3)" in text and "H8: residue 0.080 mm" in text and "lower theta" in text
    assert "PASS" in text.splitlines()[-2]
    derived = load_design(out)
    assert derived.rework is not None and derived.rework.device == "U7 on board SN-2231"
    assert sorted(s for o in derived.overrides for s in o.sites) == ["G8", "H8", "H9"]
    # the bundled example was made by this very command (only its name and notes were set by hand)
    example = load_design(EXAMPLE)
    assert derived.with_(name=example.name, notes=example.notes, drawing=example.drawing) == example


def test_unfixable_residue_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["rework", str(BGA), "--height", "0.3", "--diameter", "0.7"])
    text = capsys.readouterr().out
    assert rc == 1 and "no change clears it" in text and "FAIL" in text


def test_rework_design_is_checked_by_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bad.ballmask"
    assert main(["rework", str(BGA), "--height", "0.3", "--diameter", "0.7", "-o", str(out)]) == 1
    capsys.readouterr()
    assert main(["check", str(out)]) == 1
    assert "residue-clear" in capsys.readouterr().out
    assert main(["check", str(EXAMPLE)]) == 0


@pytest.mark.parametrize(("csv_text", "message"), [
    ("name,height\nA1,0.02\nA2,oops\n", "line 3, column 'height': is not a number"),
    ("name,height\nZZ9,0.02\n", "line 2, column 'name': is not a site"),
])
def test_bad_csv_exits_2_naming_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], csv_text: str,
                                         message: str) -> None:
    p = tmp_path / "scan.csv"
    p.write_text(csv_text, encoding="utf-8")
    assert main(["rework", str(BGA), "--residue", str(p)]) == 2
    err = capsys.readouterr().err
    assert f"scan.csv {message}" in err and "Traceback" not in err


def test_bad_options_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rework", str(BGA)]) == 2
    assert "no rework data" in capsys.readouterr().err
    assert main(["rework", str(BGA), "--height", "-1"]) == 2
    assert "--height" in capsys.readouterr().err
    assert main(["rework", str(BGA), "--height", "0.01", "--failed", "1,x"]) == 2
    assert "--failed" in capsys.readouterr().err
    out = tmp_path / "exists.ballmask"
    out.write_text("x")
    assert main(["rework", str(BGA), "--height", "0.01", "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["rework", str(tmp_path / "missing.ballmask"), "--height", "0.01"]) == 2
