"""The carrier feature layers and the FRAME reference layer in every writer, read back with other libraries: the
DXF of the ezdxf writer, the streamer and the block writer with ezdxf, the Gerber of both writers with
gerbonara, the drawing's text with pypdf. Positions are the design's features, mirrored where the lower layers
are; the frame's corners are worked out here from the frame size, the offset and the rotation."""

from __future__ import annotations

import math
from pathlib import Path

import ezdxf
import numpy as np
import pytest

from geometry.derive.repetition import Repeated, repetition
from geometry.export.artwork import build_artwork
from geometry.export.dxf import write_dxf
from geometry.export.dxf_stream import write_dxf_blocks, write_dxf_streaming
from geometry.export.gerber import write_gerbers
from geometry.export.gerber_stream import write_gerbers_fast
from geometry.export.notes import title_block
from geometry.export.pdf import write_pdf
from geometry.export.shop import stack_data
from geometry.model.design import Design
from geometry.model.drawing_info import FrameSettings, ToolingHole
from tests.geometry.carrier.features_design import H, W, strip
from tests.geometry.export.readback import dxf_layers, gerber_objects, polyline_points

FRAME = FrameSettings("584x584", offset_x_mm=20.0, offset_y_mm=-10.0, rotation_deg=30.0)


def expected_frame_corners() -> list[np.ndarray]:
    """Frame, window and foil corners in design mm: the frame turned by -30 deg about the pattern centre (0, 0),
    its centre at the offset (20, -10) turned back, i.e. R(-30) (-20, 10)."""
    a = math.radians(-30.0)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    centre = rot @ np.array([-20.0, 10.0])
    out = []
    for size in (584.0, 584.0 - 80.0, 584.0 - 130.0):
        box = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * size / 2
        out.append(box @ rot.T + centre)
    return out


def design(mirror: bool = False) -> Design:
    return strip(frame=FRAME, mirror_lower=mirror)


def dxf_circles(path: Path) -> dict[str, list[tuple[float, float, float]]]:
    """Circles per layer, INSERTs of blocks resolved (the block writer's units)."""
    doc = ezdxf.readfile(path)
    assert not doc.audit().has_errors
    out: dict[str, list[tuple[float, float, float]]] = {}
    for e in doc.modelspace():
        if e.dxftype() == "CIRCLE":
            out.setdefault(e.dxf.layer, []).append((e.dxf.center.x, e.dxf.center.y, e.dxf.radius))
    return out


def same(got: object, want: object) -> None:
    """Rows equal to 1e-9 mm, in any order."""
    g, w = np.array(sorted(got), dtype=float), np.array(sorted(want), dtype=float)  # type: ignore[call-overload]
    assert g.shape == w.shape
    np.testing.assert_allclose(g, w, atol=1e-9)


def check_feature_circles(circles: dict[str, list[tuple[float, float, float]]], mirrored: bool) -> None:
    # tooling holes T1 (-25, 11) and T2 (25, 11), 2 mm: on both faces; the lower face mirrored about x = 0
    holes = sorted([(-25.0, 11.0, 1.0), (25.0, 11.0, 1.0)])
    same(circles["TOOLING_UPPER"], holes)
    lower = sorted((-x, y, r) for x, y, r in holes) if mirrored else holes
    same(circles["TOOLING_LOWER"], lower)
    # F1 (-25, -11) 1 mm from the upper face half the sheet deep (75 um); F2 (25, -11) 0.8 mm from the lower 50 um
    same(circles["FIDUCIAL_UPPER_75UM"], [(-25.0, -11.0, 0.5)])
    same(circles["FIDUCIAL_LOWER_50UM"], [(-25.0 if mirrored else 25.0, -11.0, 0.4)])
    assert "FIDUCIAL" not in circles  # the mask's own fiducial layer stays empty (the design has none)


def check_frame_polylines(path: Path) -> None:
    layers = dxf_layers(path)
    polys = [e for kind in ("LWPOLYLINE", "POLYLINE") for e in layers["FRAME"].get(kind, [])]
    assert len(polys) == 3
    got = sorted((np.array([(x, y) for x, y, _ in polyline_points(e)]) for e in polys), key=lambda a: -np.ptp(a))
    for g, want in zip(got, expected_frame_corners(), strict=True):
        assert g.shape == (4, 2)
        np.testing.assert_allclose(g, want, atol=1e-6)
    assert all(b == 0 for e in polys for _, _, b in polyline_points(e))
    doc = ezdxf.readfile(path)
    lo, hi = doc.header["$EXTMIN"], doc.header["$EXTMAX"]
    frame = expected_frame_corners()[0]
    assert lo[0] <= frame[:, 0].min() + 1e-6 and hi[1] >= frame[:, 1].max() - 1e-6  # the frame is in the extents


@pytest.mark.parametrize("mirror", [False, True])
def test_ezdxf_writer(tmp_path: Path, mirror: bool) -> None:
    d = design(mirror)
    art = build_artwork(d)
    path = write_dxf(art, title_block(d, art), d.output, tmp_path / "s.dxf")
    check_feature_circles(dxf_circles(path), mirror)
    check_frame_polylines(path)


def test_streamer_and_block_writer(tmp_path: Path) -> None:
    d = design()
    check_feature_circles(dxf_circles(write_dxf_streaming(d, tmp_path / "s.dxf")), False)
    check_frame_polylines(tmp_path / "s.dxf")
    rep = repetition(d)
    assert isinstance(rep, Repeated)
    path = write_dxf_blocks(rep, tmp_path / "b.dxf")
    assert ezdxf.readfile(path).modelspace().query("INSERT")  # really the block form
    check_feature_circles(dxf_circles(path), False)
    check_frame_polylines(path)


@pytest.mark.parametrize("fast", [False, True])
def test_gerber_files(tmp_path: Path, fast: bool) -> None:
    d = design()
    art = build_artwork(d)
    folder = tmp_path / "g"
    if fast:
        write_gerbers_fast(d, folder, art)
    else:
        write_gerbers(art, title_block(d, art), folder)
    up = gerber_objects(folder / "TOOLING_UPPER.gbr")
    same([(x, y, dia) for x, y, dia, _ in up["flashes"]], [(-25, 11, 2.0), (25, 11, 2.0)])
    low = gerber_objects(folder / "TOOLING_LOWER.gbr")
    same([(x, y, dia) for x, y, dia, _ in low["flashes"]], [(-25, 11, 2.0), (25, 11, 2.0)])
    fid = gerber_objects(folder / "FIDUCIAL_LOWER_50UM.gbr")
    same([(x, y, dia) for x, y, dia, _ in fid["flashes"]], [(25, -11, 0.8)])
    assert "FiducialPad" in (folder / "FIDUCIAL_UPPER_75UM.gbr").read_text()
    frame = gerber_objects(folder / "FRAME.gbr")
    assert not frame["flashes"] and not frame["regions"] and len(frame["lines"]) == 12  # 3 rectangles stroked
    ends = np.array([(ln.x1, ln.y1) for ln in frame["lines"]])
    want = np.concatenate(expected_frame_corners())
    assert all(np.min(np.hypot(*(want - p).T)) < 1e-5 for p in ends)
    assert "not made" in (folder / "FRAME.gbr").read_text()


def test_stack_and_pdf_say_how_each_feature_is_made(tmp_path: Path) -> None:
    from pypdf import PdfReader

    d = design()
    art = build_artwork(d)
    stack = {s["layer"]: s for s in stack_data(d, art)["layers"]}
    assert stack["TOOLING_UPPER"]["through"] and stack["TOOLING_LOWER"]["from_side"] == "lower"
    assert stack["FIDUCIAL_LOWER_50UM"]["depth_mm"] == 0.05 and stack["FIDUCIAL_LOWER_50UM"]["from_side"] == "lower"
    assert stack["FIDUCIAL_UPPER_75UM"]["depth_mm"] == 0.075
    assert "FRAME" not in stack  # a reference, not made
    path = write_pdf(d, art, title_block(d, art), None, tmp_path / "s.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)
    assert "CARRIER TOOLING HOLES: T1 Ø2.000 at (-25.000, 11.000)" in text
    assert "F2 Ø0.800 at (25.000, -11.000) etched 0.050 deep from the lower face" in text
    assert "pattern centre at (20.000, -10.000) mm from the frame centre, turned 30 deg" in text
    # the unpatterned foil left of the pattern in the frame's axes: half the foil + offset - half the turned width
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    left = (584 - 130) / 2 + 20.0 - (W * c + H * s) / 2
    assert f"left {left:.1f}" in text


FRAME_HOLES = (ToolingHole(-28.0, 0.0, 3.0), ToolingHole(28.0, 2.0, 2.5))


@pytest.mark.parametrize("mirror", [False, True])
def test_frame_tooling_holes_are_cut_on_both_tooling_layers(tmp_path: Path, mirror: bool) -> None:
    """The frame's holes (FrameSettings.tooling_holes) go through the foil: the shop makes them from the TOOLING
    layers with the carrier's holes, the lower face mirrored like the rest; the drawing names them FT1, FT2."""
    from pypdf import PdfReader

    d = strip(frame=FrameSettings("584x584", tooling_holes=FRAME_HOLES), mirror_lower=mirror)
    art = build_artwork(d)
    path = write_dxf(art, title_block(d, art), d.output, tmp_path / "s.dxf")
    circles = dxf_circles(path)
    want = [(-25.0, 11.0, 1.0), (25.0, 11.0, 1.0), (-28.0, 0.0, 1.5), (28.0, 2.0, 1.25)]
    same(circles["TOOLING_UPPER"], want)
    same(circles["TOOLING_LOWER"], [(-x, y, r) for x, y, r in want] if mirror else want)
    assert "FRAME" not in circles  # the FRAME reference holds only the three rectangles
    check_feature_circles({k: v for k, v in circles.items() if not k.startswith("TOOLING")} | {
        "TOOLING_UPPER": want[:2], "TOOLING_LOWER": ([(-x, y, r) for x, y, r in want[:2]] if mirror else want[:2])},
        mirror)
    stack = {s["layer"]: s for s in stack_data(d, art)["layers"]}
    assert [h["name"] for h in stack_data(d, art)["frame"]["tooling_holes"]] == ["FT1", "FT2"]
    assert stack["TOOLING_UPPER"]["through"]
    pdf = write_pdf(d, art, title_block(d, art), None, tmp_path / "s.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "FRAME TOOLING HOLES: FT1 Ø3.000 at (-28.000, 0.000); FT2 Ø2.500 at (28.000, 2.000)" in text
    assert "FT1 Ø3.00 (-28.000, 0.000)" in text  # the top view's leader


def test_frame_holes_alone_make_the_tooling_layers(tmp_path: Path) -> None:
    """A design with no carrier features but frame holes still gets its holes on the layers the shop makes."""
    d = strip(features=(), frame=FrameSettings("584x584", tooling_holes=FRAME_HOLES[:1]))
    art = build_artwork(d)
    circles = dxf_circles(write_dxf(art, title_block(d, art), d.output, tmp_path / "s.dxf"))
    same(circles["TOOLING_UPPER"], [(-28.0, 0.0, 1.5)])
    same(circles["TOOLING_LOWER"], [(-28.0, 0.0, 1.5)])
    assert not any(k.startswith("FIDUCIAL") for k in circles)
