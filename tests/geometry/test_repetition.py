"""The one repetition mechanism: a new repeated layout kind gets the unit fast paths without touching relief,
checks or exporters, and the results equal the whole-design computation."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from geometry.checks import CHECKS, run_checks
from geometry.checks.base import Scope
from geometry.checks.registry import run_checks_whole
from geometry.derive.relief.merged import lower_relief, whole_relief
from geometry.derive.repetition import NotRepeated, Repeated, repetition
from geometry.model.ball import Ball
from geometry.model.design import Design
from geometry.model.layouts import GridLayout, Layout, Pad, UnitRepetition
from geometry.model.mask import Mask
from geometry.model.profiles import Tapered
from geometry.model.sites import Sites

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class TwoByThreeStrip:
    """A made-up strip: one unit pattern at 2 x 3 unit positions, known to no generic module."""

    kind: ClassVar[str] = "test-strip"
    unit: Layout
    pitch_x_mm: float
    pitch_y_mm: float

    def offsets(self) -> np.ndarray:
        ii, jj = np.meshgrid(np.arange(3), np.arange(2))
        return np.column_stack([ii.ravel() * self.pitch_x_mm, jj.ravel() * self.pitch_y_mm]).astype(np.float64)

    def names(self) -> tuple[str, ...]:
        return tuple(f"U{k + 1}" for k in range(6))

    def pitch_hint_mm(self) -> float | None:
        return self.unit.pitch_hint_mm()

    def repetition(self, pad: Pad) -> UnitRepetition | None:
        return UnitRepetition(self.unit, self.offsets(), self.names(), self.pitch_x_mm, self.pitch_y_mm)

    def generate(self, pad: Pad) -> Sites:
        local = self.unit.generate(pad)
        off = self.offsets()
        k = len(off)
        names = np.strings.add(np.asarray([n + ":" for n in self.names()])[:, None], local.names[None, :]).ravel()
        return Sites.build(names, (off[:, 0:1] + local.x_mm).ravel(), (off[:, 1:2] + local.y_mm).ravel(),
                           np.tile(local.pad_mm, k), np.tile(local.pad_kind, k), np.tile(local.state, k),
                           np.repeat(np.arange(k, dtype=np.int32), len(local)))


def strip_design(pitch: float = 0.3, unit_pitch: float = 3.0, angle: float = 45.0) -> Design:
    lay = TwoByThreeStrip(GridLayout(4, 5, pitch), unit_pitch, unit_pitch)
    return Design(Ball(0.2), Pad(0.16), lay, Mask(0.1, "electroformed-nickel"), Tapered(angle))


def test_a_new_repeated_layout_kind_repeats_relief_and_checks_exactly() -> None:
    d = strip_design(pitch=0.26)
    rep = repetition(d)
    assert isinstance(rep, Repeated) and rep.unit_count == 6 and rep.sites_per_unit == 20
    fast, slow = lower_relief(d), whole_relief(d)
    assert fast.n_regions == slow.n_regions > 0
    for depth, area in slow.areas().items():
        assert math.isclose(fast.areas()[depth], area, rel_tol=1e-12)
    assert int(fast.hole_counts().sum()) == int(slow.hole_counts().sum())
    a, b = run_checks(d), run_checks_whole(d)
    assert len(a.violations) == len(b.violations) > 0
    assert [(v.check, v.sites, v.message) for v in a.violations] == [(v.check, v.sites, v.message)
                                                                     for v in b.violations]


def test_units_too_close_are_computed_as_a_whole() -> None:
    d = strip_design(pitch=0.3, unit_pitch=1.25)  # unit extent 1.2 mm + openings: neighbours interact
    rep = repetition(d)
    assert isinstance(rep, NotRepeated) and "neighbouring units" in rep.reason
    assert run_checks(d).violations == run_checks_whole(d).violations


def test_an_edit_inside_one_unit_stops_the_repetition() -> None:
    d = strip_design()
    edited = d.with_(edits=d.edits.with_moves(["U2:A1"], 0.01, 0.0))
    assert repetition(edited) == NotRepeated("sites are edited by hand")


def test_every_check_declares_its_repetition_scope() -> None:
    assert all(isinstance(c.scope, Scope) for c in CHECKS.values())


def test_no_module_above_the_model_asks_a_layout_for_its_kind() -> None:
    """Relief, checks, analysis and exporters reach repeated layouts only through geometry.derive.repetition."""
    pattern = re.compile(r"WaferLayout|layouts\.wafer|layout\.kind|getattr\([^)]*\"kind\"")
    offenders = []
    for folder in ("derive", "checks", "analysis", "export"):
        for path in sorted((ROOT / "geometry" / folder).rglob("*.py")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
