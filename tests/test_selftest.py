"""``ballmask --self-test`` run in this process: every step passes, what it wrote reads back with other libraries,
and a broken step makes it fail (exit 1) without hiding the steps after it."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import ezdxf
import pytest
from PIL import Image
from pypdf import PdfReader

from cli import selftest
from cli.main import main
from geometry.base.resources import resource_path
from geometry.base.version import GENERATOR
from geometry.fileio import load_design

LINE = re.compile(r"^  (ok|FAIL|skip)\s+(.+?)\s+(\d+\.\d\d) s  (.*)$")


def report_lines(out: str) -> list[tuple[str, str, float, str]]:
    """(status, step, seconds, detail) of each step line of the report."""
    rows = []
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            rows.append((m[1], m[2], float(m[3]), m[4]))
    return rows


@pytest.fixture(scope="module")
def passed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """One full self-test with its outputs kept (the window step is the slow one, so it runs once)."""
    out_dir = tmp_path_factory.mktemp("selftest")
    chunks: list[str] = []
    code = selftest.run_self_test(out_dir, write=chunks.append)
    return code, "".join(chunks), out_dir


def test_every_step_passes_and_is_timed(passed_run: tuple[int, str, Path]) -> None:
    code, out, _ = passed_run
    rows = report_lines(out)
    assert [r[1] for r in rows] == [name for name, _ in selftest.STEPS]
    assert all(status == "ok" for status, *_ in rows), out
    assert all(seconds >= 0 for _, _, seconds, _ in rows)
    assert code == 0
    assert out.splitlines()[-1].startswith(f"PASS: {len(rows)} of {len(rows)} steps passed")


def test_outputs_read_back_with_other_libraries(passed_run: tuple[int, str, Path]) -> None:
    _, _, out_dir = passed_run
    design = load_design(resource_path("examples", selftest.EXAMPLE))
    n_sites = len(design.sites())
    # the saved copy is the example and names its writer
    saved = out_dir / "selftest.ballmask"
    assert json.loads(saved.read_text(encoding="utf-8"))["generator"] == GENERATOR
    assert load_design(saved) == design
    # DXF: at least one circle per upper opening
    circles = ezdxf.readfile(out_dir / "selftest.dxf").modelspace().query("CIRCLE")
    assert len(circles) >= n_sites
    # Gerber: gerbonara parses every layer
    from gerbonara import GerberFile

    gerbers = sorted((out_dir / "selftest-gerber").glob("*.gbr"))
    assert gerbers
    assert all(len(GerberFile.open(p).objects) > 0 for p in gerbers)
    # PDF: pypdf reads its pages; the package zip holds a DXF and a PDF
    assert len(PdfReader(out_dir / "selftest.pdf").pages) >= 1
    names = zipfile.ZipFile(out_dir / "selftest-package.zip").namelist()
    assert any(n.endswith(".dxf") for n in names) and any(n.endswith(".pdf") for n in names)
    # the window frame: a PNG of the window's size that is not one flat colour
    with Image.open(out_dir / "selftest-window.png") as im:
        assert im.size == (1280, 800)
        assert len(im.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50


def test_a_failing_step_fails_the_run_but_not_the_others(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken_pdf(ctx: selftest.Context) -> str:
        raise ValueError("the PDF writer is broken")

    steps = [(n, broken_pdf if n == "export pdf" else f) for n, f in selftest.STEPS if n != "render window"]
    monkeypatch.setattr(selftest, "STEPS", steps)
    chunks: list[str] = []
    code = selftest.run_self_test(tmp_path, write=chunks.append)
    rows = {name: (status, detail) for status, name, _, detail in report_lines("".join(chunks))}
    assert code == 1
    assert rows["export pdf"][0] == "FAIL"
    assert "ValueError: the PDF writer is broken" in rows["export pdf"][1]
    assert rows["export all"][0] == "ok"
    assert "".join(chunks).splitlines()[-1].startswith(f"FAIL: {len(steps) - 1} of {len(steps)}")


def test_steps_that_need_the_design_are_skipped_when_it_does_not_open(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    monkeypatch.setattr(selftest, "EXAMPLE", "no-such-example.ballmask")
    steps = [(n, f) for n, f in selftest.STEPS if n != "render window"]
    monkeypatch.setattr(selftest, "STEPS", steps)
    chunks: list[str] = []
    assert selftest.run_self_test(tmp_path, write=chunks.append) == 1
    rows = report_lines("".join(chunks))
    assert rows[0][0] == "FAIL" and "no-such-example.ballmask" in rows[0][3]
    assert {status for status, *_ in rows[1:]} == {"skip"}


def test_the_temporary_folder_is_removed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    made: list[Path] = []
    real = selftest.tempfile.mkdtemp

    def mkdtemp(**kw: str) -> str:
        made.append(Path(real(dir=tmp_path, **kw)))
        return str(made[-1])

    monkeypatch.setattr(selftest.tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(selftest, "STEPS", selftest.STEPS[:4])  # up to the DXF: files were written
    assert selftest.run_self_test(None, write=lambda s: None) == 0
    assert len(made) == 1 and not made[0].exists()


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "offscreen"),
    ({"DISPLAY": ":0"}, None),
    ({"WAYLAND_DISPLAY": "wayland-0"}, None),
    ({"QT_QPA_PLATFORM": "xcb"}, None),
])
def test_offscreen_only_without_a_display(monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                          expected: str | None) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(selftest.sys, "platform", "linux")
    assert selftest._use_offscreen_without_display() == expected
    if expected:
        assert selftest.os.environ["QT_QPA_PLATFORM"] == expected


def test_the_command_line_flag_runs_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[Path | None] = []
    monkeypatch.setattr(selftest, "run_self_test", lambda keep: seen.append(keep) or 0)
    assert main(["--self-test"]) == 0
    assert main(["--self-test", str(tmp_path)]) == 0
    assert seen == [None, tmp_path]
    assert "--self-test" in (main(["--help"]), capsys.readouterr().out)[1]
