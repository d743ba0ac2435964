"""The pick-head plate's drawing (read with pypdf, rendered with pdftoppm when it is installed) and the inspection
reference in the shop package (``export --format all --with-inspection``)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from cli.main import main
from geometry.export.tools import write_tool
from geometry.fileio import save_design
from geometry.model.ball import Ball
from geometry.model.tools import PickHead, ToolKind, Tools
from tests.geometry.carrier.features_design import strip

DAY = dt.date(2025, 3, 4)


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_pick_head_folder_has_the_drawing_with_the_hole_rule(tmp_path: Path) -> None:
    d = strip()
    out = write_tool(d, ToolKind.PICK_HEAD, tmp_path / "ph", DAY)
    pdf = out / "feature_strip_revA_pick-head.pdf"
    text = pdf_text(pdf)
    hole = 0.3 * 0.7  # ball D x the default hole ratio
    smallest = 0.3 - d.ball.tolerance_mm
    assert f"HOLE: Ø{hole:.3f} mm = ball Ø0.300 x 0.7" in text
    assert f"hole < smallest ball Ø{smallest:.3f}" in text
    assert "VERDICT: holds one ball and cannot pass it." in text
    assert "Fabrication drawing, vacuum pick-head plate" in text
    n = len(d.sites())
    assert f"HOLES (mm) holes Ø hole ball Ø smallest ball hold min position sites {n} {hole:.3f}" in text
    assert PdfReader(pdf).metadata["/CreationDate"].startswith("D:20250304")
    # the same bytes again: reproducible
    again = write_tool(d, ToolKind.PICK_HEAD, tmp_path / "ph2", DAY)
    assert (again / pdf.name).read_bytes() == pdf.read_bytes()


def test_a_hole_that_passes_the_ball_is_called_so() -> None:
    from geometry.export.drawing.pick_head import hole_rule

    big = strip().with_(tools=Tools(pick_head=PickHead(hole_ratio=1.0)), ball=Ball(0.3, 0.0))
    assert "FAILS: a ball can be drawn into the hole" in hole_rule(big)[-1]
    # exactly at the smallest ball it still passes (strict rule: hole < D - tol)
    at = strip().with_(tools=Tools(pick_head=PickHead(hole_ratio=(0.3 - 0.01) / 0.3)), ball=Ball(0.3, 0.01))
    assert "FAILS" in hole_rule(at)[-1]
    under = strip().with_(tools=Tools(pick_head=PickHead(hole_ratio=(0.3 - 0.011) / 0.3)), ball=Ball(0.3, 0.01))
    assert "cannot pass it" in hole_rule(under)[-1]
    weak = strip().with_(tools=Tools(pick_head=PickHead(hole_ratio=0.3)))
    assert "weakly" in hole_rule(weak)[-1]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm is not installed (poppler-utils)")
def test_pick_head_drawing_renders(tmp_path: Path) -> None:
    out = write_tool(strip(), ToolKind.PICK_HEAD, tmp_path / "ph", DAY)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out / "feature_strip_revA_pick-head.pdf"),
                    str(tmp_path / "page")], check=True, capture_output=True, timeout=120)
    assert sorted(p.name for p in tmp_path.glob("page-*.png")) == ["page-1.png", "page-2.png"]


def test_package_with_inspection(tmp_path: Path) -> None:
    d = strip()
    src = tmp_path / "s.ballmask"
    save_design(d, src)
    assert main(["export", str(src), "--format", "all", "-o", str(tmp_path / "plain")]) == 0
    assert not (tmp_path / "plain" / "inspection").exists()
    assert main(["export", str(src), "--format", "all", "--with-inspection", "-o", str(tmp_path / "pkg")]) == 0
    text = (tmp_path / "pkg" / "inspection" / "balls.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    sites = d.sites()
    assert [r["name"] for r in rows] == sites.names.tolist()
    assert float(rows[0]["x_mm"]) == pytest.approx(float(sites.x_mm[0]), abs=1e-4)
    assert "inspection/: the post-mount inspection reference" in (tmp_path / "pkg" / "README.txt").read_text()
    # the package's own files are what the plain package holds
    assert (tmp_path / "pkg" / "stack.json").read_bytes() == (tmp_path / "plain" / "stack.json").read_bytes()


def test_with_inspection_needs_the_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "s.ballmask"
    save_design(replace(strip()), src)
    assert main(["export", str(src), "--with-inspection", "-o", str(tmp_path / "x.dxf")]) == 2
    assert "--with-inspection: needs --format all" in capsys.readouterr().err
