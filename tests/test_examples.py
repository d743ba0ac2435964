"""The bundled examples open, round-trip, validate, and check to the verdict resources/examples/README.md states."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from cli.main import main
from geometry.base.resources import example_paths, resource_path
from geometry.checks import Severity, run_checks
from geometry.derive.pairs import merge_graph
from geometry.fileio import design_to_json, load_design

README = resource_path("examples", "README.md")


def readme_table() -> dict[str, dict[str, str]]:
    """Rows of the verdict table: file -> {verdict, errors, warnings, exit code}."""
    rows: dict[str, dict[str, str]] = {}
    lines = [ln for ln in README.read_text(encoding="utf-8").splitlines() if ln.startswith("| ")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    for ln in lines[1:]:
        cells = [c.strip() for c in ln.strip("|").split("|")]
        if set(cells[0]) <= {"-", " "}:
            continue
        rows[cells[0]] = dict(zip(header[1:], cells[1:], strict=True))
    return rows


TABLE = readme_table()
EXAMPLES = example_paths()


def test_every_example_is_documented_and_there_are_at_least_two() -> None:
    assert len(EXAMPLES) >= 2
    assert sorted(p.name for p in EXAMPLES) == sorted(TABLE)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_canonical_and_valid(path: Path) -> None:
    design = load_design(path)
    text = path.read_text(encoding="utf-8")
    # The bundled file is exactly what ballmask writes for it (so saving it changes nothing).
    assert design_to_json(design) == text
    schema = json.loads(resource_path("schema", "ballmask.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(text), schema, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_verdict_matches_readme(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row = TABLE[path.name]
    report = run_checks(load_design(path))
    assert report.count(Severity.ERROR) == int(row["errors"])
    assert report.count(Severity.WARNING) == int(row["warnings"])
    code = main(["check", str(path)])
    out = capsys.readouterr().out
    assert code == int(row["exit code"])
    assert out.strip().splitlines()[-1].startswith(row["expected verdict"])


def test_bga_lower_outlines_merge_into_one_region_with_islands() -> None:
    from geometry.derive.relief.merged import lower_relief

    design = load_design(resource_path("examples", "bga-0.8mm-tapered.ballmask"))
    o = design.opening
    t, p, d = design.mask.thickness_mm, 0.8, design.ball.diameter_mm
    assert o.upper_mm == pytest.approx(1.1 * d)
    assert o.lower_mm == pytest.approx(o.upper_mm + 2 * t / math.tan(math.radians(60.0)))
    # Lower outlines overlap their 4 neighbours; the diagonal gap stays above the lower web minimum.
    assert o.lower_mm > p
    web = design.effective_limits().web_min_mm
    assert p * math.sqrt(2) - o.lower_mm > web
    graph = merge_graph(design)
    rows, cols = 15, 15
    assert len(graph) == rows * (cols - 1) + cols * (rows - 1)
    assert bool(np.all(graph.overlap))
    relief = lower_relief(design)
    assert relief.n_regions == 1
    assert int(relief.hole_counts().sum()) == (rows - 1) * (cols - 1)


def test_csp_is_stepped_with_a_centre_void_and_holds_the_ball() -> None:
    design = load_design(resource_path("examples", "csp-0.4mm-stepped.ballmask"))
    sites = design.sites()
    assert len(sites) == 144
    assert int(sites.populated.sum()) == 144 - 16
    empty = set(sites.names[~sites.populated].tolist())
    assert empty == {f"{r}{c}" for r in "EFGH" for c in range(5, 9)}
    o = design.opening
    assert o.kind == "stepped"
    assert o.vertical_mm >= design.ball.radius_mm
    assert design.mask.thickness_mm <= design.ball.diameter_mm


def test_readme_numbers_are_the_designs() -> None:
    text = README.read_text(encoding="utf-8")
    bga = load_design(resource_path("examples", "bga-0.8mm-tapered.ballmask")).opening
    assert f"{bga.lower_mm:.3f} mm" in text
    ridge = (0.4 - bga.upper_mm / 2) * math.tan(math.radians(60.0))
    assert f"{ridge:.3f} mm" in text
    assert re.search(r"196 holes", text)
