"""Wafer maps in (SEMI G85 XML and SINF): null and bad dies are left out of the wafer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cli.main import main
from geometry.base.errors import DesignError
from geometry.fileio import load_design
from geometry.fileio.wafer_map import read_wafer_map, skip_from_map
from geometry.model.layouts import GridLayout, Pad, WaferLayout
from geometry.model.layouts.wafer import die_map

LAYOUT = WaferLayout(GridLayout(4, 4, 0.5), 10.0, diameter_mm=100.0)


def _grid_shape() -> tuple[int, int]:
    dm = die_map(LAYOUT, Pad(0.3))
    return int(dm.row.max()), int(dm.col.max())


def _g85(codes: list[str]) -> str:
    rows = "\n".join(f"<Row><![CDATA[{line}]]></Row>" for line in codes)
    return (f'<?xml version="1.0"?><Maps><Map xmlns="urn:semi-org:xsd.E142-1.V1005.SubstrateMap" '
            f'SubstrateType="Wafer"><Device Rows="{len(codes)}" Columns="{len(codes[0])}" BinType="ASCII" '
            f'NullBin="."><Bin BinCode="1" BinQuality="Pass"/><Bin BinCode="X" BinQuality="Fail"/>'
            f'<Data>{rows}</Data></Device></Map></Maps>')


def test_g85_null_and_fail_dies_are_skipped(tmp_path: Path) -> None:
    rows, cols = _grid_shape()
    codes = [["1"] * cols for _ in range(rows)]
    codes[4][5] = "X"  # die C06R05 fails
    codes[3][2] = "."  # die C03R04 is not on the map
    path = tmp_path / "w.xml"
    path.write_text(_g85(["".join(r) for r in codes]), encoding="utf-8")
    skip = skip_from_map(LAYOUT, read_wafer_map(path))
    assert skip == ("C03R04", "C06R05")
    kept = die_map(LAYOUT, Pad(0.3)).n_kept
    skipped = WaferLayout(GridLayout(4, 4, 0.5), 10.0, diameter_mm=100.0, skip=skip)
    dm = die_map(skipped, Pad(0.3))
    expect_gone = sum(bool(die_map(LAYOUT, Pad(0.3)).kept[np.flatnonzero(die_map(LAYOUT, Pad(0.3)).name == n)[0]])
                      for n in skip)
    assert dm.n_kept == kept - expect_gone
    assert not set(skip) & set(dm.name[dm.kept_rows].tolist())


def test_sinf_map_and_the_command_line(tmp_path: Path) -> None:
    rows, cols = _grid_shape()
    lines = [" ".join(["01"] * cols) for _ in range(rows)]
    bad = lines[5].split()
    bad[6] = "0A"  # die C07R06 binned bad
    lines[5] = " ".join(bad)
    path = tmp_path / "w.sinf"
    path.write_text(f"DEVICE:TEST\nROWCT:{rows}\nCOLCT:{cols}\nBCEQU:01\n"
                    + "".join(f"RowRdc:{ln}\n" for ln in lines), encoding="utf-8")
    assert skip_from_map(LAYOUT, read_wafer_map(path)) == ("C07R06",)
    out = tmp_path / "w.ballmask"
    assert main(["new", "wafer", "--rows", "4", "--cols", "4", "--pitch", "0.5", "--ball", "0.3", "--thickness", "0.2",
                 "--material", "laser-cut-stainless", "--die", "10", "--diameter", "100", "--wafer-map", str(path),
                 "-o", str(out)]) == 0
    lay = load_design(out).layout
    assert isinstance(lay, WaferLayout) and lay.skip == ("C07R06",)


@pytest.mark.parametrize("text", ["<Maps><Device Rows='2' Columns='2'><Data><Row>11</Row></Data></Device></Maps>",
                                  "<Maps><Device", "ROWCT:2\nCOLCT:2\nRowRdc:01 01\n", "garbage\x00"])
def test_malformed_maps_name_the_file(text: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.map"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DesignError) as e:
        read_wafer_map(path)
    assert "bad.map" in str(e.value)
