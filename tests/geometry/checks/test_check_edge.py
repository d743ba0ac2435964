"""edge: openings keep e_min from the mask outline and from every fiducial."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from geometry.checks import Severity, Violation, run_checks
from geometry.model.design import Design, example_grid_design
from geometry.model.layouts import GridLayout
from geometry.model.mask import Fiducial, MarginOutline, Mask, SizeOutline
from geometry.model.profiles import OneSideVertical

E_MIN = 2.0
DL = 0.495 + 2 * 0.3 / math.tan(math.radians(60.0))


def found(design: Design) -> tuple[Violation, ...]:
    """The edge violations."""
    return run_checks(design, only={"edge"}).violations


def grid(margin: float, **kw: object) -> Design:
    """A 3 x 3 example grid with a margin outline."""
    base = replace(example_grid_design(), layout=GridLayout(3, 3, 0.8))
    return replace(base, mask=Mask(0.3, outline=MarginOutline(margin)), **kw)  # type: ignore[arg-type]


def test_edge_margin_at_the_limit_passes() -> None:
    assert found(grid(E_MIN + DL / 2)) == ()


def test_edge_margin_too_small_flags_the_perimeter() -> None:
    vs = found(grid(E_MIN + DL / 2 - 0.01))
    assert sorted(v.sites[0] for v in vs) == ["A1", "A2", "A3", "B1", "B3", "C1", "C2", "C3"]
    v = vs[0]
    assert v.severity == Severity.ERROR
    assert v.measured == pytest.approx(E_MIN - 0.01)
    assert v.limit == E_MIN
    assert "mask outline" in v.message


def test_edge_uses_the_shifted_lower_circle() -> None:
    profile = OneSideVertical(60.0, direction_deg=0.0)
    design = grid(1.0, profile=profile)
    o = design.opening
    reach_right = o.lower_shift_mm + o.lower_mm / 2  # the lower circle reaches farther on the +x side
    margin = E_MIN + reach_right
    vs = found(grid(margin, profile=profile))
    assert vs == ()
    vs = found(grid(margin - 0.001, profile=profile))
    assert sorted(v.sites[0] for v in vs) == ["A3", "B3", "C3"]  # the right column only


def test_edge_limit_override() -> None:
    design = grid(E_MIN + DL / 2)
    assert len(found(design.with_limit("edge_min_mm", 2.5))) == 8


def test_edge_fiducial() -> None:
    big = SizeOutline(100.0, 100.0)
    fid_d = 1.0
    fx = 0.8 + DL / 2 + E_MIN + fid_d / 2  # exactly e_min right of site B3's lower circle
    base = replace(example_grid_design(), layout=GridLayout(3, 3, 0.8))
    ok = replace(base, mask=Mask(0.3, outline=big, fiducials=(Fiducial(fx, 0.0, fid_d),)))
    assert found(ok) == ()
    bad = replace(base, mask=Mask(0.3, outline=big, fiducials=(Fiducial(fx - 0.01, 0.0, fid_d),)))
    (v,) = found(bad)
    assert v.sites == ("B3",)
    assert v.measured == pytest.approx(E_MIN - 0.01)
    assert "fiducial 1" in v.message
    assert (v.x_mm, v.y_mm) == (0.8, 0.0)


def wafer_with_fiducials(x_mm: float, fid_d: float = 1.0) -> Design:
    """A 100 mm wafer of 5 mm dies on a +-47.4 mm square outline, fiducials at (+-x_mm, 0)."""
    from geometry.model.layouts.wafer import WaferLayout

    lay = WaferLayout(GridLayout(2, 2, 1.0), 5.0, diameter_mm=100.0, edge_exclusion_mm=3.0)
    fids = (Fiducial(-x_mm, 0.0, fid_d), Fiducial(x_mm, 0.0, fid_d))
    return replace(example_grid_design(), layout=lay,
                   mask=Mask(0.3, outline=SizeOutline(94.8, 94.8), fiducials=fids))


def fiducial_findings(design: Design) -> list[Violation]:
    """Edge findings about fiducials themselves (no site named)."""
    return [v for v in found(design) if not v.sites]


def test_fiducials_outside_the_wafer_outline_are_errors() -> None:
    vs = fiducial_findings(wafer_with_fiducials(48.0))
    assert sorted(v.x_mm for v in vs) == [-48.0, 48.0]
    for v in vs:
        assert v.severity == Severity.ERROR
        assert "outside the mask outline" in v.message
        assert v.measured == pytest.approx(47.4 - 48.0 - 0.5)  # the disc's inset: 1.1 mm beyond the outline


def test_fiducial_within_the_edge_distance_is_an_error_and_clean_at_it() -> None:
    at_limit = 47.4 - E_MIN - 0.5  # the 1 mm fiducial's rim exactly e_min inside the outline
    assert fiducial_findings(wafer_with_fiducials(at_limit)) == []
    vs = fiducial_findings(wafer_with_fiducials(at_limit + 0.01))
    assert len(vs) == 2
    assert all(v.measured == pytest.approx(E_MIN - 0.01) and v.limit == E_MIN for v in vs)
    assert "from the mask outline, below" in vs[0].message
