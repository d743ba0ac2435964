"""One layer table: the view's layer styles take role, meaning and DXF name from the export layer table."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app import style
from geometry.base.resources import example_paths
from geometry.export.artwork import build_artwork
from geometry.export.layers import ROLE_MEANINGS, Role, layer_table
from geometry.fileio import load_design
from geometry.model.output_settings import OutputSettings


def every_export_role() -> set[Role]:
    """The roles of a full layer table (a wafer's reference layer, a relief, a through fiducial, the notes) and of
    a strip's carrier features in a frame (tooling holes, carrier fiducials, the FRAME reference)."""
    from geometry.model.drawing_info import FrameSettings
    from tests.geometry.carrier.features_design import strip

    roles = {spec.role for spec in layer_table(OutputSettings(), [0.05], ["through"], 0.1, wafer=True)}
    return roles | {la.layer.role for la in build_artwork(strip(frame=FrameSettings("584x584"))).layers}


def test_every_shown_export_layer_has_one_style_and_every_role_style_an_export_layer() -> None:
    styled = [s.role for s in style.LAYERS if s.role is not None]
    # one style per export role, but the fiducials: the mask's own marks and the carrier's (one layer per face
    # and depth) are apart on the screen as in the files
    assert sorted(r for r in styled if styled.count(r) > 1) == [Role.FIDUCIAL, Role.FIDUCIAL]
    assert style.LAYER_BY_ID["carrier_fiducials"].meaning == f"{ROLE_MEANINGS[Role.FIDUCIAL]} (FIDUCIAL_<FACE>_<um>UM)"
    shown = every_export_role() - style.SCREEN_ONLY_ROLES
    assert set(styled) == shown
    assert every_export_role() >= style.SCREEN_ONLY_ROLES  # a role left off the screen must exist at all


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_each_example_s_artwork_layers_are_drawn_by_a_styled_view_layer(path) -> None:
    art = build_artwork(load_design(path))
    drawn = {la.layer.role for la in art.layers if la.circle_count or la.n_regions or len(la.rings)}
    assert drawn, "the example has artwork"
    assert drawn - style.SCREEN_ONLY_ROLES <= {s.role for s in style.LAYERS}


def test_meaning_and_layer_name_come_from_the_export_table() -> None:
    upper = style.LAYER_BY_ID["upper"]
    assert upper.meaning == f"{ROLE_MEANINGS[Role.UPPER]} (UPPER_THROUGH)"
    renamed = replace(OutputSettings(), upper_layer="TOP_CUT", lower_prefix="HALF_")
    assert upper.meaning_for(renamed) == f"{ROLE_MEANINGS[Role.UPPER]} (TOP_CUT)"
    assert style.LAYER_BY_ID["lower"].meaning_for(renamed).endswith("(HALF_*)")
    # the exporters write the same meaning into their files
    spec = next(s for s in layer_table(renamed, [], ()) if s.role == Role.UPPER)
    assert spec.name == "TOP_CUT" and spec.meaning == ROLE_MEANINGS[Role.UPPER]


def test_screen_only_layers_explain_themselves() -> None:
    for s in style.LAYERS:
        assert (s.role is None) == bool(s.screen_meaning), s.id
