"""A cold ``ballmask check`` of a small design imports only what checking needs (issue 12).

Each case runs in a fresh interpreter and lists the top-level packages in ``sys.modules`` afterwards, so the test
fails as soon as someone adds an eager import back: scipy (about 0.3 s of CPU: its KD-tree and csgraph are used
only from 20,000 points on, see geometry.base.spatial), the writers' libraries (ezdxf, reportlab, klayout,
gerbonara, pypdf) and Qt. shapely too: the bundled examples are plain disks, whose islands and span have closed
forms, so the modules that may need a polygon name shapely lazily (geometry.base.lazy). So do the writes' and the
explicit layout's standard modules (tempfile, hashlib), and numpy.ma (which ``np.unique`` imports; the check path
uses geometry.base.arrays.distinct).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "resources" / "examples"
BGA = EXAMPLES / "bga-0.8mm-tapered.ballmask"
CSP = EXAMPLES / "csp-0.4mm-stepped.ballmask"

NOT_ON_THE_CHECK_PATH = ("scipy", "ezdxf", "reportlab", "klayout", "gerbonara", "pypdf", "PySide6", "shiboken6",
                         "pyqtgraph", "app", "shapely", "tempfile", "hashlib")
LAZY_SUBMODULES = ("numpy.ma", "cli.new_carrier", "cli.feature_options")
"""Modules below packages the check does import (numpy, cli), loaded only by the commands that use them."""
LAZY_GEOMETRY = (
    "geometry.checks.repeated", "geometry.checks.placement",  # repeated units (wafers, panels)
    "geometry.derive.relief.repeated",  # the tiled relief of repeated units
    "geometry.derive.relief.channels", "geometry.derive.relief.quads",  # reliefs with channels
    "geometry.derive.relief.general",  # components meeting in a degenerate point
    "geometry.derive.etched_holes",  # the union of the layers of a relief of several depths
    "geometry.derive.residue", "geometry.model.rework",  # rework data
    "geometry.model.tools", "geometry.model.carrier_features",  # companion tool settings, carrier features
    "geometry.model.layouts.source",  # where an imported site list came from
    "geometry.model.layouts.site_rows",  # rows of named sites found from a repeated layout's units
)
"""Our modules a plain device's check never reaches, imported where the designs that need them are (issue 12):
each one a 225-site check imported cost 1-3 ms of CPU, most of it building its dataclasses."""

_PROBE = (
    "import io, json, sys, contextlib\n"
    "import cli.main\n"
    "out = io.StringIO()\n"
    "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):\n"
    "    code = cli.main.main(sys.argv[1:])\n"
    "print(json.dumps({'code': code, 'out': out.getvalue(),\n"
    "                  'modules': sorted({m.split('.')[0] for m in sys.modules}),\n"
    "                  'lazy': sorted(m for m in sys.modules if m.startswith(('numpy.ma', 'cli.', 'geometry.')))}))\n"
)


def _cold(argv: list[str]) -> tuple[int, str, set[str]]:
    code, out, modules, _ = _cold_lazy(argv)
    return code, out, modules


def _cold_lazy(argv: list[str]) -> tuple[int, str, set[str], set[str]]:
    proc = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, timeout=120,
                          cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return int(result["code"]), str(result["out"]), set(result["modules"]), set(result["lazy"])


@pytest.mark.parametrize("design", [BGA, CSP], ids=["bga-225", "csp-144"])
def test_cold_check_imports_no_scipy_writers_or_qt(design: Path) -> None:
    code, out, modules, lazy = _cold_lazy(["check", str(design)])
    assert code == 0, out
    assert "PASS" in out  # the checks ran (islands, span, pitch, webs), not a refusal
    assert "numpy" in modules  # the probe sees what the check imported
    assert modules.isdisjoint(NOT_ON_THE_CHECK_PATH), sorted(modules & set(NOT_ON_THE_CHECK_PATH))
    assert lazy.isdisjoint(LAZY_SUBMODULES), sorted(lazy)
    assert "geometry.derive.islands" in lazy  # the probe sees our modules
    assert lazy.isdisjoint(LAZY_GEOMETRY), sorted(lazy & set(LAZY_GEOMETRY))


def test_cold_check_of_a_rework_design_imports_its_rework_modules() -> None:
    """The other side of LAZY_GEOMETRY: a design that holds rework data loads it and runs the residue check."""
    code, out, _, lazy = _cold_lazy(["check", str(EXAMPLES / "rework-bga-0.8mm-tapered.ballmask")])
    assert code == 0 and "PASS" in out, out
    assert {"geometry.model.rework", "geometry.derive.residue"} <= lazy


def test_cold_info_imports_no_scipy() -> None:
    code, out, modules = _cold(["info", str(BGA)])
    assert code == 0 and "ridge height" in out, out
    not_for_info = set(NOT_ON_THE_CHECK_PATH) - {"shapely"}  # info's relief summary covers holes with polygons
    assert modules.isdisjoint(not_for_info), sorted(modules & not_for_info)


@pytest.mark.parametrize("argv", [["--help"], ["check", "--help"]])
def test_cold_help_imports_no_numpy(argv: list[str]) -> None:
    code, out, modules = _cold(argv)
    assert code == 0 and "usage: ballmask" in out
    assert "numpy" not in modules


LAZY_LAYOUTS = ("geometry.model.layouts.carrier", "geometry.model.layouts.wafer")
"""Layout kinds imported when a design file names them (geometry.model.layouts.base.LAZY_LAYOUT_MODULES)."""

_LAYOUT_PROBE = (
    "import json, sys\n"
    "from geometry.fileio import load_design\n"
    "design = load_design(sys.argv[1])\n"
    "print(json.dumps({'kind': design.layout.kind, 'class': type(design.layout).__module__,\n"
    "                  'sites': len(design.sites()),\n"
    f"                  'loaded': sorted(m for m in sys.modules if m in {LAZY_LAYOUTS!r})}}))\n"
)


def test_cold_grid_check_builds_no_carrier_or_wafer_classes() -> None:
    proc = subprocess.run([sys.executable, "-c", _LAYOUT_PROBE, str(BGA)], capture_output=True, text=True,
                          timeout=120, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["loaded"] == []


@pytest.mark.parametrize(("layout", "options", "module"), [
    ("strip", ["--unit-rows", "2", "--unit-cols", "3", "--unit-pitch", "6"], "geometry.model.layouts.carrier"),
    ("wafer", ["--die", "5", "--diameter", "100"], "geometry.model.layouts.wafer"),
])
def test_cold_load_imports_a_lazy_layout_kind_when_the_file_names_it(layout: str, options: list[str], module: str,
                                                                      tmp_path: Path) -> None:
    path = tmp_path / f"{layout}.ballmask"
    code, out, _ = _cold(["new", layout, "--rows", "3", "--cols", "4", "--pitch", "0.5", "--ball", "0.3",
                          "--thickness", "0.2", *options, "-o", str(path)])
    assert code == 0, out
    proc = subprocess.run([sys.executable, "-c", _LAYOUT_PROBE, str(path)], capture_output=True, text=True,
                          timeout=120, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["kind"] == ("carrier" if layout == "strip" else "wafer")
    assert result["class"] == module and module in result["loaded"]
    assert result["sites"] > 12  # more than one unit of 3 x 4 sites: the layout really repeated its unit
