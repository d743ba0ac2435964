"""The rework review lists the right sites; the comparison says what changed, site by site."""

from __future__ import annotations

from rework_helpers import grid

from geometry.analysis.proposal import derive_rework
from geometry.analysis.review import STATUS_LABELS, SiteStatus, format_review, review
from geometry.model.profiles import Stepped
from geometry.model.rework import FailedPlace, SiteResidue


def _design():
    d = grid(Stepped(0.25, 0.7), 0.03, 0.6, damaged=("A1", "Z9"), no_ball=("C3",),
             failed=(FailedPlace("B1", note="open on B1"), FailedPlace(x_mm=0.05, y_mm=-0.02, note="short"),
                     FailedPlace(x_mm=9.0, y_mm=9.0), FailedPlace("Q7")))
    return d.with_(rework=d.rework.with_(measured=(SiteResidue("B2", 0.06, 0.6), SiteResidue("A3", 0.07, 0.6))))


def test_review_lists_the_right_sites():
    rv = review(_design())
    assert set(rv.to_reball) == {"A2", "A3", "B1", "B2", "B3", "C1", "C2"}
    assert rv.damaged == ("A1",) and rv.damaged_open == ("A1",) and rv.no_ball == ("C3",)
    assert [(f.site, f.place.note) for f in rv.failed] == [
        ("B1", "open on B1"), ("B2", "short"), (None, ""), (None, "")]
    assert [(i.site, i.fixable) for i in rv.too_high] == [("A3", False), ("B2", True)]
    assert "deeper step" in rv.too_high[1].proposal and "ball radius" in rv.too_high[0].proposal
    assert set(rv.unknown) == {("damaged", "Z9"), ("failed", "Q7")}
    status = dict(zip(rv.names.tolist(), rv.status.tolist(), strict=True))
    assert status["A1"] == SiteStatus.DAMAGED and status["C3"] == SiteStatus.CLOSED
    assert status["B2"] == SiteStatus.RESIDUE_HIGH  # failing wins over the failed place on it
    assert status["B1"] == SiteStatus.FAILED_PLACE and status["A2"] == SiteStatus.REBALL
    assert set(STATUS_LABELS) == set(SiteStatus)
    assert [s for s, _ in rv.attention][:3] == ["A3", "B2", "A1"]


def test_comparison_names_closures_and_profile_changes():
    rv = review(_design())
    changes = {c.site: c for c in rv.changes}
    assert set(changes) == {"A1", "C3", "B2"}
    assert changes["A1"].what == "opening closed (damaged)" and changes["A1"].after == "closed"
    assert changes["C3"].what == "opening closed (no ball as built)"
    assert changes["B2"].what == "profile changed" and "h_v 0.230" in changes["B2"].after


def test_review_of_a_derived_design_against_its_production():
    production = _design()
    derived = derive_rework(production).design
    rv = review(derived, baseline=production)
    assert {c.site for c in rv.changes} == {"A1", "C3", "B2"}
    assert rv.damaged_open == () and [i.site for i in rv.too_high] == ["A3"]  # only the unfixable one is left
    assert review(derived).changes == ()


def test_text_review():
    text = format_review(review(_design()))
    assert "damaged, closed (1): A1" in text
    assert "B1: open on B1" in text and "B2 (at (0.050, -0.020)): short" in text
    assert "A3: residue 0.070 mm" in text and "damaged: Z9" in text
    assert "changes against production (3 sites)" in text
