"""The column-wise site CSV reader against the row-by-row one: the same sites from random well-formed files, and
for every damaged file no answer of its own (so the row-by-row reader names the line, column and value)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from geometry.base.errors import DesignError
from geometry.model.layouts.explicit import SiteColumns
from geometry.model.layouts.explicit_csv import checked_site_columns, fast_site_columns, read_sites_csv

NUMBER_FORMATS = ("{:.6f}", "{:g}", "{:.3e}", "{:+.4f}", " {:.2f} ", "{:.9E}")


@dataclass(frozen=True)
class RandomCsv:
    """A random well-formed site CSV and the sites it means, worked out from the values written."""

    text: str
    names: list[str]
    x: list[float]
    y: list[float]
    pad: list[float]  # NaN: the design's pad

    def expected(self) -> SiteColumns:
        return SiteColumns(self.names, self.x, self.y, self.pad)


def _number(rng: np.random.Generator, value: float) -> str:
    text = NUMBER_FORMATS[int(rng.integers(len(NUMBER_FORMATS)))].format(value)
    if rng.random() < 0.05:  # forms float() and the reader both take: 5. and .5
        text = f"{round(value)}." if abs(value) >= 1 else f"{value:.3f}".replace("0.", ".", 1)
    return text


def random_csv(seed: int, n: int = 60, *, quoted: bool = False, pads: bool = True, ragged: bool = False,
               blank_lines: bool = False, crlf: bool = False) -> RandomCsv:
    """A file with a random header (aliases, order, an extra column) and ``n`` sites."""
    rng = np.random.default_rng(seed)
    kinds = ["name", "x", "y"] + (["pad"] if pads else []) + ["note"]
    order = [str(k) for k in rng.permutation(kinds)]
    aliases = {"name": ("Name", "site", "PIN"), "x": ("x", "X (mm)", "x_mm"), "y": ("y", "Y_mm", "y (mm)"),
               "pad": ("pad", "Pad Diameter", "pad_mm"), "note": ("comment", "note")}
    header = ",".join(aliases[k][int(rng.integers(len(aliases[k])))] for k in order)
    lines = ["", " , ,"] if blank_lines else []
    lines.append(header)
    names: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    pad_values: list[float] = []
    for i in range(n):
        name = f"S{i}" if not quoted or rng.random() < 0.5 else f"B,{i} \u00e9"  # a comma and a non-ASCII letter
        x = float(rng.uniform(-500, 500)) if rng.random() < 0.9 else 0.0
        y = float(rng.uniform(-500, 500))
        pad = float(rng.uniform(0.05, 0.5)) if rng.random() < 0.7 else float("nan")
        cells = {"name": f'"{name}"' if quoted and ("," in name or rng.random() < 0.3) else f" {name} ",
                 "x": _number(rng, x), "y": _number(rng, y),
                 "pad": "" if np.isnan(pad) else _number(rng, pad), "note": "n" * int(rng.integers(3))}
        names.append(name)
        xs.append(float(cells["x"]))
        ys.append(float(cells["y"]))
        pad_values.append(float(cells["pad"]) if pads and cells["pad"] else float("nan"))
        row = [cells[k] for k in order]
        if ragged and rng.random() < 0.3:  # trailing cells left off, as some exporters do
            while len(row) > 1 and order[len(row) - 1] in ("note", "pad") and rng.random() < 0.7:
                if order[len(row) - 1] == "pad":
                    pad_values[-1] = float("nan")
                row.pop()
        lines.append(",".join(row))
        if blank_lines and rng.random() < 0.1:
            lines.append(["", "   ", ",,,", "\t,"][int(rng.integers(4))])
    text = ("\r\n" if crlf else "\n").join(lines) + ("\n" if rng.random() < 0.5 else "")
    return RandomCsv(text, names, xs, ys, pad_values)


CASES = [
    pytest.param({}, id="plain"),
    pytest.param({"pads": False}, id="no-pad-column"),
    pytest.param({"quoted": True}, id="quoted-names"),
    pytest.param({"ragged": True}, id="ragged-rows"),
    pytest.param({"blank_lines": True}, id="blank-lines"),
    pytest.param({"crlf": True}, id="crlf"),
    pytest.param({"quoted": True, "ragged": True, "blank_lines": True, "crlf": True}, id="all-at-once"),
]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("shape", CASES)
def test_fast_and_checked_readers_agree_on_random_files(shape: dict[str, bool], seed: int) -> None:
    f = random_csv(seed, **shape)
    fast = fast_site_columns(f.text)
    assert fast is not None, "a well-formed file is read column-wise"
    assert fast == f.expected()
    assert checked_site_columns(f.text, "CSV") == f.expected()
    assert read_sites_csv(f.text).sites == f.expected()


def test_a_file_with_a_byte_order_mark_reads_the_same(tmp_path: Path) -> None:
    f = random_csv(7, crlf=True)
    path = tmp_path / "sites.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f.text.encode())
    assert read_sites_csv(path).sites == f.expected()


def test_names_are_stored_at_their_narrowest_width() -> None:
    fast = fast_site_columns("name,x,y\n A1 ,0,0\nB,1,0\n")
    assert fast is not None
    assert fast.names.dtype == np.dtype("<U2")
    assert fast.names.tolist() == ["A1", "B"]


def _damage(text: str, row: int, column: int, cell: str) -> str:
    """``text`` with the cell at data row ``row`` (counting from the header, 1 = the first site) replaced."""
    lines = text.split("\n")
    cells = lines[row].split(",")
    cells[column] = cell
    lines[row] = ",".join(cells)
    return "\n".join(lines)


BAD_CELLS = [
    ("x", "abc"), ("x", "2_5"), ("y", "inf"), ("y", "nan"), ("x", "1e999"), ("x", "1000.5"), ("y", "-1e-320"),
    ("x", "\u0662"), ("y", "\uff11"), ("x", "1" * 101), ("x", ""), ("y", "1e"), ("x", "+-1"), ("y", "1.2.3"),
    ("x", "1 2"), ("pad", "-0.3"), ("pad", "0"), ("pad", "1e-7"), ("pad", "1001"), ("pad", "x"),
    ("name", ""), ("name", "S0"), ("name", "A\tB"), ("name", "N" * 257), ("y", '"'),
]


@pytest.mark.parametrize(("key", "cell"), BAD_CELLS)
def test_a_bad_cell_is_left_to_the_checked_reader(key: str, cell: str) -> None:
    text = "name,x,y,pad\n" + "".join(f"S{i},{i * 0.5},{-i * 0.25},0.3\n" for i in range(40))
    bad = _damage(text, 17, ["name", "x", "y", "pad"].index(key), cell)
    assert fast_site_columns(bad) is None
    _same_error(bad)


@pytest.mark.parametrize(
    "text",
    [
        "name,x,y\nA1,0,0\nA2,1\n",  # a missing cell
        "name,x,y\nA,1,2,C\n1,2\n",  # as many commas as two rows of three cells, but not two such rows
        "name,x,y\nA1,0,0\n\x00\n",  # a NUL byte
        "name,x,y\nA1,0,0\rA2,1,0\n",  # a lone carriage return
        'name,x,y\n"A1,0,0\n',  # an unclosed quote
        "name,x,y\nA1,0," + "1" * 131_073 + "\n",  # a cell over the csv module's limit
        "name,x,y\nA1,0,0,pad," + "n" * 140_000 + "\n",  # an extra cell over it
        "name,x,y\n ,1,0\n",  # a row with values and no name
        "site,x\nA1,0\n",  # no y column
        "\ufeffname,x,y\nA1,0,0\n",  # a BOM inside text (a file's is dropped when it is decoded)
        "",
        "\n ,\n",
        "name,x,y\n",
        "name,x,y\n\n,,\n",  # blank rows only
    ],
)
def test_damaged_files_are_left_to_the_checked_reader(text: str) -> None:
    assert fast_site_columns(text) is None
    _same_error(text)


def _same_error(text: str) -> None:
    with pytest.raises(DesignError) as checked:
        checked_site_columns(text, "CSV")
    with pytest.raises(DesignError) as read:
        read_sites_csv(text)
    assert (read.value.path, read.value.value, read.value.problem) == (
        checked.value.path, checked.value.value, checked.value.problem)
    assert read.value.path.startswith("CSV") or read.value.path in {"x_mm", "y_mm", "pad_mm"}


def test_a_repeated_name_still_points_back_to_its_first_line() -> None:
    with pytest.raises(DesignError, match="repeats the site of line 3") as err:
        read_sites_csv("name,x,y\n\nA1,0,0\nB,1,0\nA1,2,0\n")
    assert err.value.path == "CSV line 5, column 'name'"


MUTATIONS = [*',\n\r" \t.-+eE0159x\u00a0\x00\x1f_', "", "inf", "1e-320", "S0"]


def test_randomly_damaged_files_never_read_differently() -> None:
    """The column-wise reader answers only where the row-by-row one reads the same sites."""
    answered = 0
    for seed in range(400):
        rng = np.random.default_rng(seed)
        shape = {k: bool(rng.random() < 0.5) for k in ("quoted", "pads", "ragged", "blank_lines", "crlf")}
        text = random_csv(seed, 8, **shape).text
        for _ in range(int(rng.integers(1, 4))):
            i = int(rng.integers(len(text) + 1))
            text = text[:i] + MUTATIONS[int(rng.integers(len(MUTATIONS)))] + text[i + int(rng.integers(3)):]
        fast = fast_site_columns(text)
        if fast is None:
            continue
        answered += 1
        assert checked_site_columns(text, "CSV") == fast, repr(text)
    assert 20 < answered < 400  # both outcomes are exercised (most damage makes a file unreadable)
