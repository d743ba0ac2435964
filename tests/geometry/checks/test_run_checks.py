"""The registry and run_checks: ids of checks.md in its order, selection, bad ids, report shape, examples."""

from __future__ import annotations

from dataclasses import replace

import pytest

from geometry.base.errors import DesignError
from geometry.base.resources import resource_path
from geometry.checks import CHECKS, CheckReport, Severity, run_checks
from geometry.fileio.design_file import load_design
from geometry.model.design import example_grid_design
from geometry.model.layouts import GridLayout, Pad


def _checks_md_ids() -> list[str]:
    """The id column of the table in docs/checks.md (the specification), in its order."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "checks.md").read_text(encoding="utf-8")
    section = text.split("## Checks\n", 1)[1].split("\n## ", 1)[0]
    rows = [ln.split("|")[1].strip() for ln in section.splitlines() if ln.startswith("| ")]
    return [r for r in rows[1:] if r and set(r) != {"-"}]


CHECKS_MD_IDS = _checks_md_ids()


def test_registry_holds_exactly_the_checks_of_checks_md_in_order() -> None:
    assert list(CHECKS) == CHECKS_MD_IDS
    for cid, check in CHECKS.items():
        assert check.id == cid
        assert check.title and check.rule and "\n" not in check.rule


def test_clean_design_has_no_findings() -> None:
    # t = 0.28 mm: the diagonal lower gaps (0.313 mm) stay above w_min, so the islands stay and support the mask
    report = run_checks(example_grid_design(thickness_mm=0.28))
    assert report == CheckReport(())
    assert not report.has_errors


def test_broken_design_reports_in_check_order() -> None:
    # pitch 0.3 mm for a 0.45 mm ball with a 2 mm pad: many checks fail at once
    bad = replace(example_grid_design(), layout=GridLayout(3, 3, 0.3), pad=Pad(2.0))
    report = run_checks(bad)
    assert report.has_errors
    order = [CHECKS_MD_IDS.index(v.check) for v in report.violations]
    assert order == sorted(order)
    groups = report.by_check()
    assert {"ball-gap", "overlap", "pitch", "flux-clear"} <= set(groups)
    assert report.count(Severity.ERROR) == sum(v.severity == Severity.ERROR for v in report.violations)


def test_only_runs_the_chosen_checks() -> None:
    bad = replace(example_grid_design(), layout=GridLayout(3, 3, 0.3), pad=Pad(2.0))
    report = run_checks(bad, only={"pitch", "flux-clear"})
    assert {v.check for v in report.violations} == {"pitch", "flux-clear"}
    assert run_checks(bad, only=set()).violations == ()


def test_unknown_check_id_names_it() -> None:
    with pytest.raises(DesignError) as err:
        run_checks(example_grid_design(), only={"pitch", "web-uper"})
    assert err.value.path == "only"
    assert err.value.value == "web-uper"


def test_every_violation_is_complete() -> None:
    bad = replace(example_grid_design(), layout=GridLayout(3, 3, 0.3), pad=Pad(2.0))
    names = set(bad.sites().names.tolist())
    for v in run_checks(bad).violations:
        assert v.sites and set(v.sites) <= names
        assert v.message and v.unit in {"mm", "deg"}
        assert v.measured == v.measured and v.limit == v.limit  # not NaN


@pytest.mark.parametrize("name", ["bga-0.8mm-tapered.ballmask", "csp-0.4mm-stepped.ballmask"])
def test_bundled_examples_have_no_errors(name: str) -> None:
    design = load_design(resource_path(f"examples/{name}"))
    assert not run_checks(design).has_errors


def test_full_report_is_cached_and_equals_an_explicit_selection() -> None:
    bad = replace(example_grid_design(), layout=GridLayout(3, 3, 0.3), pad=Pad(2.0))
    report = run_checks(bad)
    assert run_checks(bad) is report
    assert run_checks(bad, only=set(CHECKS)) == report


def test_island_check_in_its_own_thread_gives_the_serial_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large designs make the relief and run the island check beside the other checks; the report is the same,
    in checks.md order."""
    from geometry.checks import registry
    from geometry.checks.registry import run_checks_whole
    from geometry.model.design import MergeSettings
    from geometry.model.profiles import Tapered

    bga = load_design(resource_path("examples", "bga-0.8mm-tapered.ballmask"))
    d = bga.with_(profile=Tapered(45.0), merge=MergeSettings(auto=False))  # 196 islands below the web minimum
    d = d.with_limit("ball_gap_min_mm", 0.5)  # and ball-gap findings from the other thread
    calls: list[bool] = []
    real = registry._apart

    def spy(ctx: object, chosen: list[str]) -> bool:
        calls.append(real(ctx, chosen))  # type: ignore[arg-type]
        return calls[-1]

    monkeypatch.setattr(registry, "_apart", spy)
    monkeypatch.setattr(registry, "workers", lambda: 2)
    monkeypatch.setattr(registry, "PARALLEL_SITES", 10**9)
    serial = run_checks_whole(d, set(CHECKS))
    monkeypatch.setattr(registry, "PARALLEL_SITES", 0)
    from geometry.derive import islands, span
    from geometry.derive.relief import merged

    for cached in (merged.lower_relief, islands.lower_islands, span.largest_span):
        cached.cache_clear()  # the relief is made in the second thread, the span check waits for it
    threaded = run_checks_whole(d, set(CHECKS))
    assert calls == [False, True]
    by = threaded.by_check()
    assert len(by["lower-island"]) == 196 and len(by["ball-gap"]) > 0
    assert threaded.violations == serial.violations
