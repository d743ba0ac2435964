"""``ballmask --self-test``: does this installation work? The same steps for the wheel and the desktop bundle.

It opens the bundled example, runs the checks, saves and reopens the design, exports every format to a temporary
folder and reads each file back, and renders one frame of the window offscreen to a PNG. Each step is reported
with its time; the exit code is 0 only when every step passed. A failing step does not stop the others (a broken
PDF writer should not hide a broken window), but steps that need the design are skipped when it did not open.

Everything but the window step is Qt-free; that one imports the window lazily, so on a machine without Qt the
self-test still runs the headless steps and reports the window step as failed with the reason.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geometry.base.version import GENERATOR, __version__

if TYPE_CHECKING:
    from geometry.checks.records import CheckReport
    from geometry.model.design import Design

EXAMPLE = "bga-0.8mm-tapered.ballmask"
"""The bundled example the self-test opens."""


class StepFailedError(Exception):
    """A step ran but its result is wrong; the message says what was expected."""


@dataclass
class Context:
    """What the steps share: the output folder, and the design and report once the first steps made them."""

    out: Path
    design: Design | None = None
    report: CheckReport | None = None
    files: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StepResult:
    """One reported line: the step, whether it passed, how long it took, and what it found (or why it failed)."""

    name: str
    status: str  # "ok", "FAIL" or "skip"
    seconds: float
    detail: str


def _need_design(ctx: Context) -> Design:
    if ctx.design is None:
        raise _SkipError("the example did not open")
    return ctx.design


class _SkipError(Exception):
    pass


def step_open(ctx: Context) -> str:
    from geometry.base.resources import resource_path
    from geometry.fileio import load_design

    path = resource_path("examples", EXAMPLE)
    ctx.design = load_design(path)
    sites = ctx.design.sites()
    if len(sites) == 0:
        raise StepFailedError(f"{EXAMPLE} has no sites")
    return f"{EXAMPLE}: {ctx.design.name}, {len(sites)} sites"


def step_check(ctx: Context) -> str:
    from geometry.checks.records import Severity
    from geometry.checks.registry import run_checks

    ctx.report = report = run_checks(_need_design(ctx))
    counts = ", ".join(f"{s.name.lower()} {report.count(s)}" for s in Severity)
    if report.has_errors:
        raise StepFailedError(f"the bundled example should pass its checks: {counts}")
    return counts


def step_save(ctx: Context) -> str:
    import json

    from geometry.fileio import load_design, save_design

    design = _need_design(ctx)
    path = ctx.out / "selftest.ballmask"
    save_design(design, path)
    generator = json.loads(path.read_text(encoding="utf-8")).get("generator")
    if generator != GENERATOR:
        raise StepFailedError(f"the file's generator is {generator!r}, expected {GENERATOR!r}")
    if load_design(path) != design:
        raise StepFailedError("the saved design reads back different")
    return f"{path.name}, {path.stat().st_size} bytes, generator {generator!r}"


def _export(ctx: Context, fmt: str, name: str) -> Path:
    from geometry.export.run import export_design

    result = export_design(_need_design(ctx), ctx.out / name, fmt, report=ctx.report)
    ctx.files[fmt] = result.path
    return result.path


def step_dxf(ctx: Context) -> str:
    from ezdxf.filemanagement import readfile

    path = _export(ctx, "dxf", "selftest.dxf")
    doc = readfile(path)
    n = len(doc.modelspace())
    if n == 0:
        raise StepFailedError(f"{path.name} has no entities")
    layers = sorted({e.dxf.layer for e in doc.modelspace()})
    return f"{path.name}: {n} entities on {len(layers)} layers"


def _check_gerber(path: Path) -> None:
    text = path.read_text(encoding="ascii")
    if "%FSLA" not in text or not text.rstrip().endswith("M02*"):
        raise StepFailedError(f"{path.name} is not a complete Gerber file")
    if f"GenerationSoftware,ballmask,ballmask,{__version__}" not in text:
        raise StepFailedError(f"{path.name} does not name ballmask {__version__} as its writer")


def step_gerber(ctx: Context) -> str:
    path = _export(ctx, "gerber", "selftest-gerber")
    files = sorted(p for p in path.iterdir() if p.is_file())
    gerbers = [p for p in files if p.suffix.lower() == ".gbr"]
    if not gerbers:
        raise StepFailedError(f"{path.name}/ holds no Gerber file ({[p.name for p in files]})")
    for p in gerbers:
        _check_gerber(p)
    return f"{path.name}/: {len(gerbers)} Gerber files"


def _check_pdf(data: bytes, name: str) -> None:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise StepFailedError(f"{name} is not a complete PDF")


def step_pdf(ctx: Context) -> str:
    path = _export(ctx, "pdf", "selftest.pdf")
    data = path.read_bytes()
    _check_pdf(data, path.name)
    return f"{path.name}: {len(data)} bytes, {data.count(b'/Type /Page') - data.count(b'/Type /Pages')} page(s)"


def step_all(ctx: Context) -> str:
    path = _export(ctx, "all", "selftest-package.zip")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        bad = z.testzip()
        if bad is not None:
            raise StepFailedError(f"{path.name}: {bad} is corrupt")
        suffixes = {Path(n).suffix.lower() for n in names}
        for n in names:
            if n.lower().endswith(".pdf"):
                _check_pdf(z.read(n), n)
    if not {".dxf", ".pdf"} <= suffixes:
        raise StepFailedError(f"{path.name} lacks a DXF or a PDF: {names}")
    return f"{path.name}: {len(names)} files"


def _use_offscreen_without_display() -> str | None:
    """On Linux without an X or Wayland display, render with Qt's offscreen platform; the platform set, if any."""
    if sys.platform.startswith("linux") and "QT_QPA_PLATFORM" not in os.environ \
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return "offscreen"
    return None


def step_window(ctx: Context) -> str:
    from geometry.base.resources import resource_path

    _use_offscreen_without_display()
    try:
        from app.snapshot import render_window_png  # type: ignore[import-not-found, unused-ignore]
    except ImportError as e:
        raise StepFailedError(f"the window cannot start: {e}") from None
    shot = render_window_png(resource_path("examples", EXAMPLE), ctx.out / "selftest-window.png")
    ctx.files["png"] = shot.png
    if shot.placeholders:
        raise StepFailedError(f"panels missing (placeholders shown): {', '.join(shot.placeholders)}")
    if shot.top_view_colours < 3:
        raise StepFailedError(f"the top view is blank ({shot.top_view_colours} colours)")
    return f"{shot.png.name}: {shot.width} x {shot.height} px on {shot.platform}, {shot.top_view_colours} colours " \
           "in the top view"


STEPS: list[tuple[str, Callable[[Context], str]]] = [
    ("open example", step_open),
    ("run checks", step_check),
    ("save, reopen", step_save),
    ("export dxf", step_dxf),
    ("export gerber", step_gerber),
    ("export pdf", step_pdf),
    ("export all", step_all),
    ("render window", step_window),
]
"""The steps in the order they run and are reported."""


def run_step(name: str, fn: Callable[[Context], str], ctx: Context) -> StepResult:
    """Run one step, timing it; any exception is the step's failure, reported in one line."""
    t0 = time.perf_counter()
    try:
        detail = fn(ctx)
        status = "ok"
    except _SkipError as e:
        status, detail = "skip", str(e)
    except StepFailedError as e:
        status, detail = "FAIL", str(e)
    except Exception as e:  # a self-test reports what broke instead of stopping at it
        frame = traceback.extract_tb(e.__traceback__)[-1]
        status, detail = "FAIL", f"{type(e).__name__}: {e} ({Path(frame.filename).name}:{frame.lineno})"
    return StepResult(name, status, time.perf_counter() - t0, detail)


def describe_installation() -> str:
    """Where this copy runs from: the frozen bundle's folder, or the Python and the package's folder."""
    import geometry

    if getattr(sys, "frozen", False):
        return f"bundle {Path(sys.executable).parent}"
    return f"python {platform.python_version()} {sys.executable}, package {Path(geometry.__file__).parent.parent}"


def run_self_test(keep: Path | None = None, write: Callable[[str], Any] = sys.stdout.write) -> int:
    """Run every step and print the report; 0 when all passed, 1 otherwise. Outputs go to ``keep`` if given."""
    write(f"ballmask {__version__} self-test: {describe_installation()}\n")
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        out = keep
    else:
        out = Path(tempfile.mkdtemp(prefix="ballmask-selftest-"))
    ctx = Context(out)
    t0 = time.perf_counter()
    results: list[StepResult] = []
    try:
        for name, fn in STEPS:
            r = run_step(name, fn, ctx)
            results.append(r)
            write(f"  {r.status:<4}  {r.name:<14} {r.seconds:6.2f} s  {r.detail}\n")
    finally:
        if keep is None:
            shutil.rmtree(out, ignore_errors=True)
    passed = sum(r.status == "ok" for r in results)
    verdict = "PASS" if passed == len(results) else "FAIL"
    where = f"outputs in {out}" if keep is not None else "outputs removed"
    write(f"{verdict}: {passed} of {len(results)} steps passed in {time.perf_counter() - t0:.1f} s ({where})\n")
    return 0 if verdict == "PASS" else 1
